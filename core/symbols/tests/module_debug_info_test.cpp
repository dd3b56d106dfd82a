#include "symbols/module_debug_info.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace panicscope::symbols {
namespace {

namespace fs = std::filesystem;

class FindModuleFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        root = fs::temp_directory_path() /
               ("panicscope-find-ko-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root);
    }
    void TearDown() override { fs::remove_all(root); }
    std::string touch(const std::string& relative) {
        const fs::path path = root / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << "x";
        return path.string();
    }
    fs::path root;
};

TEST(CanonicalModuleName, DashesAreUnderscores) {
    EXPECT_EQ(canonicalModuleName("snd-hda-intel"), "snd_hda_intel");
    EXPECT_EQ(canonicalModuleName("panicscope_crash"), "panicscope_crash");
}

TEST_F(FindModuleFiles, SearchesRecursivelyAndReadsDashesAsUnderscores) {
    const std::string deep = touch("a/kernel/sound/snd-hda-intel.ko");
    const std::string top = touch("b/panicscope_crash.ko");
    touch("a/kernel/net/zstd_only.ko.zst");
    touch("a/kernel/net/xz_only.ko.xz");
    touch("a/kernel/net/object.o");
    std::vector<std::string> warnings;
    const auto found = findModuleFiles({(root / "a").string(), (root / "b").string()}, warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(found, (std::unordered_map<std::string, std::string>{{"snd_hda_intel", deep},
                                                                   {"panicscope_crash", top}}));
}

TEST_F(FindModuleFiles, TheFirstDirectoryWins) {
    const std::string first = touch("first/sub/panicscope-crash.ko");
    touch("second/panicscope_crash.ko");
    std::vector<std::string> warnings;
    const auto found =
        findModuleFiles({(root / "first").string(), (root / "second").string()}, warnings);
    EXPECT_EQ(found.at("panicscope_crash"), first);
}

// Session::open warns of it (for every verb, not only when a module frame is met).
TEST_F(FindModuleFiles, AMissingDirectoryIsSkipped) {
    touch("here/m.ko");
    std::vector<std::string> warnings;
    const auto found =
        findModuleFiles({(root / "absent").string(), (root / "here").string()}, warnings);
    EXPECT_EQ(found.size(), 1u);
    EXPECT_TRUE(warnings.empty());
}

TEST(ModuleDebugInfo, AFileThatIsNoKoIsAnIoError) {
    const fs::path path =
        fs::temp_directory_path() / ("panicscope-not-a-ko-" + std::to_string(::getpid()) + ".ko");
    std::ofstream(path) << "not an ELF file";
    auto info = ModuleDebugInfo::open(path.string());
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, Errc::Io);
    EXPECT_TRUE(info.error().message.starts_with(path.string() + ": ")) << info.error().message;
    fs::remove(path);
}

} // namespace
} // namespace panicscope::symbols
