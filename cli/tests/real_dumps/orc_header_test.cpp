// The ORC format of the generated dumps' Debian kernels: 6.12 names it in its .orc_header with a
// hash unwind/orc_table.cpp knows; 6.1 has no header and goes by its release.
#include "dump_manifest.h"
#include "symbols/vmlinux.h"
#include "unwind/orc_table.h"

#include <gtest/gtest.h>

namespace panicscope::unwind {
namespace {

std::unique_ptr<symbols::Vmlinux> openVmlinux(const char* kernel) {
    auto vmlinux = symbols::Vmlinux::open(
        testing::manifestRow(kernel, "process", "kdump", "kdump-zlib").vmlinux);
    EXPECT_TRUE(vmlinux.has_value()) << vmlinux.error().message;
    return vmlinux ? std::move(*vmlinux) : nullptr;
}

TEST(OrcHeader, Debian612NamesItsFormatAndDebian61HasNone) {
    auto k612 = openVmlinux(testing::kKernels[1]);
    ASSERT_NE(k612, nullptr);
    EXPECT_NE(k612->symbols().byName("__start_orc_header"), nullptr);
    EXPECT_EQ(orcFormatFromHeader(*k612), OrcFormat::V6_4);
    EXPECT_EQ(orcFormatOf(*k612), OrcFormat::V6_4);
    EXPECT_EQ(orcFormatForRelease(k612->release()), OrcFormat::V6_4); // the two agree

    auto k61 = openVmlinux(testing::kMainKernel);
    ASSERT_NE(k61, nullptr);
    EXPECT_EQ(k61->symbols().byName("__start_orc_header"), nullptr);
    EXPECT_EQ(orcFormatFromHeader(*k61), std::nullopt);
    EXPECT_EQ(orcFormatOf(*k61), OrcFormat::V6_1);
}

} // namespace
} // namespace panicscope::unwind
