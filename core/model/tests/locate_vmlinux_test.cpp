#include "model/session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace panicscope::model {
namespace {

namespace fs = std::filesystem;

constexpr char kDwarf5Id[] = "a811157b8e22eb4c2573b7df79d4e78a2092ce0e";
constexpr char kDwarf2Id[] = "cdafe1256a4a6cda823edb5c14f3d9905735d7ae";
constexpr char kRelease[] = "6.1.0-fixture"; // no such vmlinux in the standard places

std::string fixturePath(const char* name) {
    return (fs::path(PANICSCOPE_FIXTURE_DIR) / name).string();
}

// A debug directory removed at the end of the test.
class DebugDir {
  public:
    DebugDir()
        : path_(fs::path(::testing::TempDir()) /
                ("panicscope-locate-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        fs::create_directories(path_);
    }
    ~DebugDir() { fs::remove_all(path_); }
    std::string path() const { return path_.string(); }
    std::string put(const std::string& relative, const char* fixture) const {
        const fs::path to = path_ / relative;
        fs::create_directories(to.parent_path());
        fs::copy_file(fixturePath(fixture), to);
        return to.string();
    }

  private:
    fs::path path_;
};

TEST(LocateVmlinux, AReleaseThatIsAPathIsRefused) {
    // OSRELEASE comes from the dump: "../../.." must not walk out of the search directories.
    auto found = locateVmlinux("../../../etc/passwd", {"/usr/lib/debug"});
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              "the dump's release \"../../../etc/passwd\" cannot name a file; give --vmlinux FILE");
    EXPECT_EQ(locateVmlinux("6.1\x1b[2J", {}).error().message,
              "the dump's release \"6.1\\x1b[2J\" cannot name a file; give --vmlinux FILE");
}

TEST(LocateVmlinux, TheBuildIdPathComesBeforeTheReleaseName) {
    DebugDir dir;
    dir.put("vmlinux-6.1.0-fixture", "fixture-dwarf5.elf");
    const auto byId =
        dir.put(".build-id/a8/11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug", "fixture-dwarf5.elf");
    EXPECT_EQ(locateVmlinux(kRelease, {dir.path()}, kDwarf5Id).value(), byId);
    // Upper case from a dump is the same ID.
    EXPECT_EQ(
        locateVmlinux(kRelease, {dir.path()}, "A811157B8E22EB4C2573B7DF79D4E78A2092CE0E").value(),
        byId);
}

TEST(LocateVmlinux, AReleaseNamedFileOfTheSameBuildIsTaken) {
    DebugDir dir;
    const auto named = dir.put("vmlinux-6.1.0-fixture", "fixture-dwarf5.elf");
    EXPECT_EQ(locateVmlinux(kRelease, {dir.path()}, kDwarf5Id).value(), named);
    // Without a build ID from the dump, the release's name alone decides, as before.
    EXPECT_EQ(locateVmlinux(kRelease, {dir.path()}).value(), named);
}

TEST(LocateVmlinux, AnotherBuildUnderTheReleaseNameIsSkippedWithBothIds) {
    DebugDir dir;
    const auto named = dir.put("vmlinux-6.1.0-fixture", "fixture-dwarf2.elf");
    auto found = locateVmlinux(kRelease, {dir.path()}, kDwarf5Id);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, Errc::VmlinuxMissing);
    const std::string& message = found.error().message;
    EXPECT_EQ(message.rfind(std::string("no vmlinux for 6.1.0-fixture with build ID ") + kDwarf5Id +
                                " found (give --vmlinux FILE; looked in " + dir.path() +
                                "/.build-id/a8/" + (kDwarf5Id + 2) + ".debug, ",
                            0),
              0u)
        << message;
    EXPECT_TRUE(message.ends_with("; skipped: " + named + " has build ID " + kDwarf2Id)) << message;
}

TEST(LocateVmlinux, ABadBuildIdFromTheDumpFallsBackToTheReleaseName) {
    DebugDir dir;
    const auto named = dir.put("vmlinux-6.1.0-fixture", "fixture-dwarf2.elf");
    // Not hex (a damaged VMCOREINFO): never a path, and no file is refused for it.
    EXPECT_EQ(locateVmlinux(kRelease, {dir.path()}, "../../x").value(), named);
}

TEST(LocateVmlinux, MissingEverywhereSaysWhereItLooked) {
    DebugDir dir;
    auto found = locateVmlinux(kRelease, {dir.path()}, kDwarf5Id);
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().message,
              std::string("no vmlinux for 6.1.0-fixture with build ID ") + kDwarf5Id +
                  " found (give --vmlinux FILE; looked in " + dir.path() + "/.build-id/a8/" +
                  (kDwarf5Id + 2) + ".debug, /usr/lib/debug/.build-id/a8/" + (kDwarf5Id + 2) +
                  ".debug, " + dir.path() + "/vmlinux-6.1.0-fixture, " + dir.path() + "/vmlinux, " +
                  dir.path() + "/boot/vmlinux-6.1.0-fixture, " + dir.path() +
                  "/lib/modules/6.1.0-fixture/vmlinux, /usr/lib/debug/boot/vmlinux-6.1.0-fixture, "
                  "/usr/lib/debug/lib/modules/6.1.0-fixture/vmlinux, /boot/vmlinux-6.1.0-fixture, "
                  "/lib/modules/6.1.0-fixture/build/vmlinux)");
}

} // namespace
} // namespace panicscope::model
