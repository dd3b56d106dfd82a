#include "symbols/vmlinux.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace panicscope::symbols {
namespace {

using ::testing::ElementsAre;

TEST(VmlinuxCandidates, StandardLocationsWithoutDebugDirs) {
    EXPECT_THAT(vmlinuxCandidates("6.1.0-56-cloud-amd64", {}),
                ElementsAre("/usr/lib/debug/boot/vmlinux-6.1.0-56-cloud-amd64",
                            "/usr/lib/debug/lib/modules/6.1.0-56-cloud-amd64/vmlinux",
                            "/boot/vmlinux-6.1.0-56-cloud-amd64",
                            "/lib/modules/6.1.0-56-cloud-amd64/build/vmlinux"));
}

TEST(VmlinuxCandidates, DebugDirsComeFirstInOrder) {
    EXPECT_THAT(
        vmlinuxCandidates("6.1.192", {"/srv/debug", "/tmp/dev/"}),
        ElementsAre("/srv/debug/vmlinux-6.1.192", "/srv/debug/vmlinux",
                    "/srv/debug/boot/vmlinux-6.1.192", "/srv/debug/lib/modules/6.1.192/vmlinux",
                    "/tmp/dev/vmlinux-6.1.192", "/tmp/dev/vmlinux", "/tmp/dev/boot/vmlinux-6.1.192",
                    "/tmp/dev/lib/modules/6.1.192/vmlinux", "/usr/lib/debug/boot/vmlinux-6.1.192",
                    "/usr/lib/debug/lib/modules/6.1.192/vmlinux", "/boot/vmlinux-6.1.192",
                    "/lib/modules/6.1.192/build/vmlinux"));
}

} // namespace
} // namespace panicscope::symbols
