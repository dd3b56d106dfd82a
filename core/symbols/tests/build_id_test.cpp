// Build IDs: their spelling, the .build-id paths, reading them from notes and files, and picking
// the file with the right one (against the checked-in fixtures, whose IDs readelf -n shows).
#include "symbols/build_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace panicscope::symbols {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

constexpr char kDwarf5Id[] = "a811157b8e22eb4c2573b7df79d4e78a2092ce0e";
constexpr char kDwarf2Id[] = "cdafe1256a4a6cda823edb5c14f3d9905735d7ae";

std::string fixturePath(const char* name) {
    return (fs::path(PANICSCOPE_FIXTURE_DIR) / name).string();
}

// A scratch directory removed at the end of the test.
class TempDir {
  public:
    TempDir()
        : path_(fs::path(::testing::TempDir()) /
                ("panicscope-build-id-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    std::string path() const { return path_.string(); }
    // Copies `fixture` to DIR/RELATIVE, creating the directories.
    std::string put(const std::string& relative, const char* fixture) const {
        const fs::path to = path_ / relative;
        fs::create_directories(to.parent_path());
        fs::copy_file(fixturePath(fixture), to, fs::copy_options::overwrite_existing);
        return to.string();
    }

  private:
    fs::path path_;
};

TEST(BuildId, NormalisedToLowerCaseHex) {
    EXPECT_EQ(normalizeBuildId("A811157B8e22").value(), "a811157b8e22");
    EXPECT_EQ(normalizeBuildId(kDwarf5Id).value(), kDwarf5Id);
}

TEST(BuildId, BadSpellingsAreRefusedWithTheReason) {
    EXPECT_EQ(normalizeBuildId("ab").error().message,
              "build ID ab is too short (at least 2 bytes)");
    EXPECT_EQ(normalizeBuildId("").error().message, "build ID  is too short (at least 2 bytes)");
    EXPECT_EQ(normalizeBuildId("abc").error().message, "build ID abc has an odd number of digits");
    EXPECT_EQ(normalizeBuildId("../etc").error().message, "build ID \"../etc\" is not hexadecimal");
    EXPECT_EQ(normalizeBuildId(std::string(130, 'a')).error().message,
              "build ID " + std::string(128, 'a') + "... is too long (at most 64 bytes)");
    EXPECT_TRUE(normalizeBuildId(std::string(128, 'a')));
}

TEST(BuildId, DebugPathsInTheDebugDirsThenUsrLibDebug) {
    EXPECT_THAT(buildIdDebugPaths(kDwarf5Id, {"/srv/debug/", "dbg"}),
                ElementsAre("/srv/debug/.build-id/a8/11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug",
                            "dbg/.build-id/a8/11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug",
                            "/usr/lib/debug/.build-id/a8/"
                            "11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug"));
    EXPECT_THAT(buildIdDebugPaths("abcd", {}), ElementsAre("/usr/lib/debug/.build-id/ab/cd.debug"));
}

std::vector<std::byte> note(uint32_t type, const char* name, std::vector<uint8_t> desc) {
    const uint32_t namesz = static_cast<uint32_t>(std::strlen(name) + 1);
    const uint32_t header[3] = {namesz, static_cast<uint32_t>(desc.size()), type};
    std::vector<std::byte> out(12 + ((namesz + 3) & ~3u) + ((desc.size() + 3) & ~size_t(3)));
    std::memcpy(out.data(), header, 12);
    std::memcpy(out.data() + 12, name, namesz);
    std::memcpy(out.data() + 12 + ((namesz + 3) & ~3u), desc.data(), desc.size());
    return out;
}

TEST(BuildId, FoundAmongNotesAfterOthers) {
    auto notes = note(0x101, "Linux", {0, 0, 0, 0});
    auto id = note(3, "GNU", {0xde, 0xad, 0xbe, 0xef, 0x01});
    notes.insert(notes.end(), id.begin(), id.end());
    EXPECT_EQ(gnuBuildIdInNotes(notes), "deadbeef01");
    // Another owner's type 3 is no build ID.
    EXPECT_EQ(gnuBuildIdInNotes(note(3, "Go", {1, 2, 3, 4})), std::nullopt);
}

TEST(BuildId, DamagedNotesEndTheSearch) {
    auto id = note(3, "GNU", {0xde, 0xad, 0xbe, 0xef});
    // A descriptor size running past the bytes, then a cut header.
    auto huge = id;
    const uint32_t descsz = 0xfffffff0;
    std::memcpy(huge.data() + 4, &descsz, 4);
    EXPECT_EQ(gnuBuildIdInNotes(huge), std::nullopt);
    EXPECT_EQ(gnuBuildIdInNotes(std::span(id).first(id.size() - 1)), std::nullopt);
    EXPECT_EQ(gnuBuildIdInNotes(std::span(id).first(7)), std::nullopt);
    // A 1-byte build ID is no build ID.
    EXPECT_EQ(gnuBuildIdInNotes(note(3, "GNU", {0xab})), std::nullopt);
}

TEST(BuildId, ReadFromAnElfFile) {
    EXPECT_EQ(readFileBuildId(fixturePath("fixture-dwarf5.elf")).value(), kDwarf5Id);
    EXPECT_EQ(readFileBuildId(fixturePath("fixture-dwarf2.elf")).value(), kDwarf2Id);
    EXPECT_EQ(readFileBuildId(fixturePath("fixture.c")).value(), ""); // not ELF: no build ID
    EXPECT_EQ(readFileBuildId("/nonexistent/x").error().message,
              "cannot open /nonexistent/x: No such file or directory");
}

TEST(BuildId, TheFileWithTheRightIdIsTakenOthersAreSkippedAndSaid) {
    TempDir dir;
    const auto paths = buildIdDebugPaths(kDwarf5Id, {dir.path() + "/a", dir.path() + "/b"});
    std::vector<std::string> skipped;
    EXPECT_EQ(findFileWithBuildId(paths, kDwarf5Id, skipped), std::nullopt); // missing files
    EXPECT_TRUE(skipped.empty());
    // A stale file under the ID's name in the first directory, the right one in the second.
    const auto wrong = dir.put("a/.build-id/a8/11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug",
                               "fixture-dwarf2.elf");
    const auto right = dir.put("b/.build-id/a8/11157b8e22eb4c2573b7df79d4e78a2092ce0e.debug",
                               "fixture-dwarf5.elf");
    EXPECT_EQ(findFileWithBuildId(paths, kDwarf5Id, skipped), right);
    EXPECT_THAT(skipped, ElementsAre(wrong + " has build ID " + kDwarf2Id));
}

} // namespace
} // namespace panicscope::symbols
