#include "kernel/kaslr.h"

#include <gtest/gtest.h>

namespace panicscope::kernel {
namespace {

const symbols::SymbolTable kSymbols({{"init_uts_ns", 0xffffffff82613220, 0x100, false},
                                     {"_stext", 0xffffffff81000000, 0, true}});

TEST(Kaslr, KernelOffsetLineWins) {
    auto k = findKaslrOffset(dump::Vmcoreinfo::parse("KERNELOFFSET=1d600000\n"
                                                     "SYMBOL(init_uts_ns)=ffffffff9fc13220\n"),
                             kSymbols);
    ASSERT_TRUE(k);
    EXPECT_EQ(k->offset, 0x1d600000u);
    EXPECT_EQ(k->source, "VMCOREINFO KERNELOFFSET");
}

TEST(Kaslr, DerivedFromASymbolLineWithoutKernelOffset) {
    auto k = findKaslrOffset(dump::Vmcoreinfo::parse("OSRELEASE=6.1.0\n"
                                                     "SYMBOL(init_uts_ns)=ffffffff9fc13220\n"),
                             kSymbols);
    ASSERT_TRUE(k);
    EXPECT_EQ(k->offset, 0x1d600000u);
    EXPECT_EQ(k->source, "VMCOREINFO SYMBOL(init_uts_ns)");
}

TEST(Kaslr, NoVmcoreinfoIsExplained) {
    auto k = findKaslrOffset(dump::Vmcoreinfo{}, kSymbols);
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().message,
              "the dump has no VMCOREINFO, so the KASLR offset is unknown (QEMU dumps need "
              "'-device vmcoreinfo' and the guest's qemu_fw_cfg module)");
    auto other = findKaslrOffset(dump::Vmcoreinfo::parse("OSRELEASE=6.1.0\n"), kSymbols);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message,
              "VMCOREINFO has neither KERNELOFFSET nor a kernel symbol address");
}

} // namespace
} // namespace panicscope::kernel
