#include "model/session.h"

#include <gtest/gtest.h>

namespace panicscope::model {
namespace {

TEST(LocateVmlinux, AReleaseThatIsAPathIsRefused) {
    // OSRELEASE comes from the dump: "../../.." must not walk out of the search directories.
    auto found = locateVmlinux("../../../etc/passwd", {"/usr/lib/debug"});
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              "the dump's release \"../../../etc/passwd\" cannot name a file; give --vmlinux FILE");
    EXPECT_EQ(locateVmlinux("6.1\x1b[2J", {}).error().message,
              "the dump's release \"6.1\\x1b[2J\" cannot name a file; give --vmlinux FILE");
}

} // namespace
} // namespace panicscope::model
