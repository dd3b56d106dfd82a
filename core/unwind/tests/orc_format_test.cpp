// orcFormatOf on small programs that pass for a vmlinux: the ORC header's hash where it is a known
// one, the release otherwise.
#include "symbols/vmlinux.h"
#include "unwind/orc_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>
#include <utility>
#include <vector>

namespace panicscope::unwind {
namespace {

namespace fs = std::filesystem;

// The .orc_header of Debian's 6.12.117 kernel, as data/orc_header_fixture.c carries it.
const std::string kDebian612Hash = {'\xfe', '\x5d', '\x32', '\xbf', '\x58', '\x1b', '\xd6',
                                    '\x3b', '\x2c', '\xa9', '\xa5', '\xc6', '\x5b', '\xa5',
                                    '\xa6', '\x25', '\xea', '\xb3', '\xfe', '\x24'};

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The fixture with some bytes replaced ({from, to}, each `from` once in the file), as a scratch
// file removed at the end of the test.
class ChangedFixture {
  public:
    explicit ChangedFixture(const std::vector<std::pair<std::string, std::string>>& changes)
        : path_(fs::path(::testing::TempDir()) /
                ("panicscope-orc-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        std::string image = readAll(PANICSCOPE_ORC_HEADER_FIXTURE);
        for (const auto& [from, to] : changes) {
            const size_t at = image.find(from);
            EXPECT_NE(at, std::string::npos);
            EXPECT_EQ(image.find(from, at + 1), std::string::npos) << "not unique in the file";
            if (at != std::string::npos) image.replace(at, from.size(), to);
        }
        std::ofstream(path_, std::ios::binary) << image;
    }
    ~ChangedFixture() { fs::remove(path_); }
    std::string path() const { return path_.string(); }

  private:
    fs::path path_;
};

const std::pair<std::string, std::string> kRelease71 = {"Linux version 6.1.0-",
                                                        "Linux version 7.1.0-"};

// The hash with its first byte changed: a header this reader does not know.
std::pair<std::string, std::string> unknownHash() {
    std::string other = kDebian612Hash;
    other[0] = static_cast<char>(other[0] ^ 0xff);
    return {kDebian612Hash, other};
}

std::unique_ptr<symbols::Vmlinux> open(const std::string& path) {
    auto vmlinux = symbols::Vmlinux::open(path);
    EXPECT_TRUE(vmlinux.has_value()) << vmlinux.error().message;
    return vmlinux ? std::move(*vmlinux) : nullptr;
}

TEST(OrcFormatOf, AKnownHeaderHashDecidesOverTheRelease) {
    auto vmlinux = open(PANICSCOPE_ORC_HEADER_FIXTURE);
    ASSERT_NE(vmlinux, nullptr);
    EXPECT_EQ(vmlinux->release(), "6.1.0-orc-header-fixture"); // by release: V6_1
    EXPECT_EQ(orcFormatFromHeader(*vmlinux), OrcFormat::V6_4);
    EXPECT_EQ(orcFormatOf(*vmlinux), OrcFormat::V6_4);
}

TEST(OrcFormatOf, AKnownHashEvenForAReleaseTheRuleRefuses) {
    ChangedFixture fixture({kRelease71});
    auto vmlinux = open(fixture.path());
    ASSERT_NE(vmlinux, nullptr);
    EXPECT_EQ(vmlinux->release(), "7.1.0-orc-header-fixture");
    EXPECT_EQ(orcFormatOf(*vmlinux), OrcFormat::V6_4);
}

TEST(OrcFormatOf, AnUnknownHashFallsBackToTheRelease) {
    ChangedFixture fixture({unknownHash()});
    auto vmlinux = open(fixture.path());
    ASSERT_NE(vmlinux, nullptr);
    EXPECT_EQ(orcFormatFromHeader(*vmlinux), std::nullopt);
    EXPECT_EQ(orcFormatOf(*vmlinux), OrcFormat::V6_1);
}

TEST(OrcFormatOf, AnUnknownHashOfAnUnsupportedReleaseIsTheReleasesError) {
    ChangedFixture fixture({kRelease71, unknownHash()});
    auto vmlinux = open(fixture.path());
    ASSERT_NE(vmlinux, nullptr);
    auto format = orcFormatOf(*vmlinux);
    ASSERT_FALSE(format.has_value());
    EXPECT_EQ(format.error().code, Errc::Unsupported);
    EXPECT_EQ(format.error().message,
              orcFormatForRelease("7.1.0-orc-header-fixture").error().message);
}

TEST(OrcFormatOf, WithoutAHeaderTheReleaseDecides) {
    // The symbols tests' fixture: release 6.1.0-fixture, no .orc_header.
    auto vmlinux = open((fs::path(PANICSCOPE_FIXTURE_DIR) / "fixture-dwarf5.elf").string());
    ASSERT_NE(vmlinux, nullptr);
    EXPECT_EQ(orcFormatFromHeader(*vmlinux), std::nullopt);
    EXPECT_EQ(orcFormatOf(*vmlinux), OrcFormat::V6_1);
}

} // namespace
} // namespace panicscope::unwind
