// The index cache keeps bytes per file and binary, ignores what was written for anything else,
// and is off when PANICSCOPE_INDEX_DIR is empty.
#include "util/index_cache.h"
#include "util/result.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace panicscope {
namespace {

class IndexCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        root =
            std::filesystem::temp_directory_path() / ("psidx-test-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root);
        std::filesystem::create_directories(root);
        file = (root / "vmlinux").string();
        std::ofstream(file) << "not really a kernel";
        ::setenv("PANICSCOPE_INDEX_DIR", (root / "index").c_str(), 1);
    }
    void TearDown() override {
        ::unsetenv("PANICSCOPE_INDEX_DIR");
        std::filesystem::remove_all(root);
    }
    std::filesystem::path root;
    std::string file;
};

TEST_F(IndexCacheTest, KeepsBytesForTheSameFile) {
    auto cache = IndexCache::forFile(file, "abcdef01");
    ASSERT_TRUE(cache.enabled());
    EXPECT_FALSE(cache.load("entry-calls"));
    const std::string bytes("\0\1\2binary\xff", 10);
    cache.save("entry-calls", bytes);
    auto loaded = IndexCache::forFile(file, "abcdef01").load("entry-calls");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->bytes(), bytes);
    // Another build ID is another directory.
    EXPECT_FALSE(IndexCache::forFile(file, "abcdef02").load("entry-calls"));
}

TEST_F(IndexCacheTest, IgnoresEntriesWrittenForAnotherVersionOfTheFile) {
    IndexCache::forFile(file, "abcdef01").save("x", "old");
    std::filesystem::last_write_time(file, std::filesystem::last_write_time(file) +
                                               std::chrono::seconds(5));
    EXPECT_FALSE(IndexCache::forFile(file, "abcdef01").load("x"));
}

TEST_F(IndexCacheTest, IgnoresDamagedEntriesAndUnsafeNames) {
    auto cache = IndexCache::forFile(file, "abcdef01");
    cache.save("x", "value");
    const auto path = root / "index" / "abcdef01" / "x";
    std::filesystem::resize_file(path, 10); // cut inside the header
    EXPECT_FALSE(cache.load("x"));
    EXPECT_FALSE(IndexCache::forFile(file, "../escape").enabled());
    cache.save("../x", "value");
    EXPECT_FALSE(std::filesystem::exists(root / "index" / "x"));
}

// The value is decoded from the cache when it can be, else built and stored; an error is never
// stored.
TEST_F(IndexCacheTest, LoadOrBuildStoresWhatItBuilt) {
    auto cache = IndexCache::forFile(file, "abcdef01");
    int builds = 0;
    auto decode = [](const MappedFile& entry) {
        return entry.bytes() == "good" ? std::optional<std::string>("decoded") : std::nullopt;
    };
    auto build = [&] {
        ++builds;
        return std::string("built");
    };
    auto encode = [](const std::string&) { return std::string("good"); };
    EXPECT_EQ(cache.loadOrBuild("v", decode, build, encode), "built");
    EXPECT_EQ(cache.loadOrBuild("v", decode, build, encode), "decoded");
    EXPECT_EQ(builds, 1);

    auto failing = [] { return Result<std::string>(fail(Errc::VmlinuxMissing, "no")); };
    EXPECT_FALSE(cache.loadOrBuild("e", decode, failing, encode));
    EXPECT_FALSE(cache.load("e"));
}

TEST_F(IndexCacheTest, AnEmptyDirectoryTurnsItOff) {
    ::setenv("PANICSCOPE_INDEX_DIR", "", 1);
    auto cache = IndexCache::forFile(file, "abcdef01");
    EXPECT_FALSE(cache.enabled());
    cache.save("x", "value");
    EXPECT_FALSE(cache.load("x"));
}

} // namespace
} // namespace panicscope
