#include "dump/vmcoreinfo.h"

#include <gtest/gtest.h>

using panicscope::dump::Vmcoreinfo;

TEST(Vmcoreinfo, ParsesTheKernelsKeyValueLines) {
    const auto info = Vmcoreinfo::parse("OSRELEASE=6.1.0-56-cloud-amd64\n"
                                        "BUILD-ID=0123abcd\n"
                                        "PAGESIZE=4096\n"
                                        "SYMBOL(init_uts_ns)=ffffffff9f013220\n"
                                        "OFFSET(printk_info.seq)=0\n"
                                        "SIZE(printk_info)=88\n"
                                        "NUMBER(phys_base)=-486539264\n"
                                        "KERNELOFFSET=1d800000\n"
                                        "garbage line without equals\n"
                                        "=novalue\n");
    EXPECT_EQ(info.osrelease(), "6.1.0-56-cloud-amd64");
    EXPECT_EQ(info.buildId(), "0123abcd");
    EXPECT_EQ(info.symbol("init_uts_ns"), 0xffffffff9f013220ull);
    EXPECT_EQ(info.offset("printk_info.seq"), 0u);
    EXPECT_EQ(info.size("printk_info"), 88u);
    EXPECT_EQ(info.number("phys_base"), -486539264); // negative: parsed as signed
    EXPECT_EQ(info.kernelOffset(), 0x1d800000u);
    EXPECT_FALSE(info.symbol("missing"));
    EXPECT_FALSE(info.value(""));
}

TEST(Vmcoreinfo, RejectsMalformedNumbers) {
    const auto info = Vmcoreinfo::parse("KERNELOFFSET=xyz\nSIZE(a)=12b\nNUMBER(n)=\n");
    EXPECT_FALSE(info.kernelOffset());
    EXPECT_FALSE(info.size("a"));
    EXPECT_FALSE(info.number("n"));
    EXPECT_TRUE(Vmcoreinfo::parse("").empty());
}
