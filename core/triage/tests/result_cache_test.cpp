// The triage result cache: a record comes back for the same dump file, binary and options only;
// a changed dump, other options or a damaged entry is a miss.
#include "triage/result_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace panicscope::triage {
namespace {

namespace fs = std::filesystem;

class ResultCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        root = fs::temp_directory_path() / ("pstriage-test-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
        dump = (root / "vmcore").string();
        std::ofstream(dump) << "KDUMP   and more";
        ::setenv("PANICSCOPE_TRIAGE_CACHE_DIR", (root / "cache").c_str(), 1);
    }
    void TearDown() override {
        ::unsetenv("PANICSCOPE_TRIAGE_CACHE_DIR");
        fs::remove_all(root);
    }
    fs::path root;
    std::string dump;
};

TEST_F(ResultCacheTest, KeepsTheRecordOfTheSameDumpAndOptions) {
    auto cache = ResultCache::open("vmlinux /v 1:2;");
    ASSERT_TRUE(cache.enabled());
    EXPECT_FALSE(cache.load(dump));
    cache.save(dump, R"({"schema":1})");
    EXPECT_EQ(ResultCache::open("vmlinux /v 1:2;").load(dump), R"({"schema":1})");
    EXPECT_FALSE(ResultCache::open("vmlinux /w 1:2;").load(dump));
    // No temporary file is left behind.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(root / "cache"))
        files += e.path().string().find(".tmp.") == std::string::npos ? 1 : 100;
    EXPECT_EQ(files, 1u);
}

TEST_F(ResultCacheTest, AChangedDumpOrADamagedEntryIsAMiss) {
    auto cache = ResultCache::open("");
    cache.save(dump, R"({"schema":1})");
    ASSERT_TRUE(cache.load(dump));
    for (const auto& e : fs::directory_iterator(root / "cache")) {
        const std::string entry = e.path().string();
        std::string text;
        std::getline(std::ifstream(entry), text, '\0');
        std::ofstream(entry, std::ios::trunc) << text.substr(0, text.size() / 2);
        EXPECT_FALSE(cache.load(dump)) << "half an entry";
        std::ofstream(entry, std::ios::trunc) << text << "{\"second\":1}\n";
        EXPECT_FALSE(cache.load(dump)) << "an entry with two records";
        std::ofstream(entry, std::ios::trunc) << text;
    }
    ASSERT_TRUE(cache.load(dump));
    std::ofstream(dump, std::ios::app) << "grown";
    EXPECT_FALSE(cache.load(dump));
    EXPECT_FALSE(cache.load((root / "absent").string()));
}

TEST_F(ResultCacheTest, AnEmptyDirectoryVariableTurnsItOff) {
    ::setenv("PANICSCOPE_TRIAGE_CACHE_DIR", "", 1);
    EXPECT_FALSE(ResultCache::open("").enabled());
}

} // namespace
} // namespace panicscope::triage
