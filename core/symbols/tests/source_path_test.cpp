#include "symbols/source_path.h"

#include <gtest/gtest.h>

namespace panicscope::symbols {
namespace {

// Paths as the Debian 6.1 cloud kernel records them (reproducible build under /build, objects in
// debian/build/build_amd64_none_cloud-amd64) and as an in-tree build records them.
constexpr const char* kDebianSource = "/build/reproducible-path/linux-6.1.192";
constexpr const char* kDebianBuild =
    "/build/reproducible-path/linux-6.1.192/debian/build/build_amd64_none_cloud-amd64";

TEST(KernelSourcePath, RelativePathsStayButLoseDotSegments) {
    EXPECT_EQ(kernelSourcePath("kernel/sched/core.c", "debian/build/build_amd64_none_cloud-amd64"),
              "kernel/sched/core.c");
    EXPECT_EQ(kernelSourcePath("./arch/x86/include/asm/current.h", "/tmp/fpk/linux-source-6.1"),
              "arch/x86/include/asm/current.h");
    EXPECT_EQ(kernelSourcePath("arch/x86/kernel/../../x86/xen/xen-head.S", ""),
              "arch/x86/xen/xen-head.S");
    EXPECT_EQ(kernelSourcePath("../lib/string.c", ""), "../lib/string.c");
}

TEST(KernelSourcePath, SourceTreeAboveAnOutOfTreeBuildDirectoryIsStripped) {
    EXPECT_EQ(
        kernelSourcePath(std::string(kDebianSource) + "/arch/x86/entry/entry_64.S", kDebianBuild),
        "arch/x86/entry/entry_64.S");
    EXPECT_EQ(
        kernelSourcePath(std::string(kDebianSource) + "/arch/x86/kernel/../../x86/xen/xen-head.S",
                         kDebianBuild),
        "arch/x86/xen/xen-head.S");
}

TEST(KernelSourcePath, BuildDirectoryItselfIsStripped) {
    EXPECT_EQ(
        kernelSourcePath(std::string(kDebianBuild) + "/include/generated/autoconf.h", kDebianBuild),
        "include/generated/autoconf.h");
    EXPECT_EQ(
        kernelSourcePath("/tmp/fpk/linux-source-6.1/kernel/fork.c", "/tmp/fpk/linux-source-6.1/"),
        "kernel/fork.c");
}

TEST(KernelSourcePath, UnrelatedAbsolutePathsStayAsRecorded) {
    // /build/reproducible-path is an ancestor of the build directory, but "linux-6.1.192" is no
    // kernel top-level directory, so the prefix is not taken for a source tree.
    EXPECT_EQ(kernelSourcePath("/build/reproducible-path/linux-6.1.192/README", kDebianBuild),
              "/build/reproducible-path/linux-6.1.192/README");
    EXPECT_EQ(kernelSourcePath("/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h", kDebianBuild),
              "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h");
    EXPECT_EQ(kernelSourcePath("/usr//include/./linux/types.h", ""), "/usr/include/linux/types.h");
    EXPECT_EQ(kernelSourcePath("/kernel/fork.c", "/"), "/kernel/fork.c");
}

} // namespace
} // namespace panicscope::symbols
