// What a session opened with less than it needs says on stderr (issue 13): a --module-dir that
// is not there, and a vmlinux without DWARF, each one warning line -- and the verb still works.
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;

TEST(OpenWarnings, AModuleDirThatIsNotThereIsOneWarning) {
    const auto& row = manifestRow("mod-null", "kdump", "kdump-zlib");
    const std::string missing =
        (fs::temp_directory_path() / ("panicscope-no-such-dir-" + std::to_string(::getpid())))
            .string();
    const auto bt = runCli({"bt", "--module-dir", missing, row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(bt.status, 0);
    EXPECT_EQ(bt.err, "panicscope: warning: module directory " + missing +
                          ": no such directory (results may be partial)\n");
    EXPECT_NE(bt.out.find("[panicscope_crash]"), std::string::npos);
    const auto plain = runCli({"bt", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(bt.out, plain.out);
}

// objcopy --strip-debug keeps the symbols, the BTF and the build ID: the pair still opens.
TEST(OpenWarnings, AVmlinuxWithoutDwarfIsOneWarning) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string stripped =
        (fs::temp_directory_path() / ("panicscope-stripped-" + std::to_string(::getpid())))
            .string();
    const std::string command =
        "objcopy --strip-debug '" + row.vmlinux + "' '" + stripped + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    // Not into the index cache: the entry of the real vmlinux (same build ID) stays.
    const char* indexDir = std::getenv("PANICSCOPE_INDEX_DIR");
    const std::optional<std::string> saved =
        indexDir ? std::optional<std::string>(indexDir) : std::nullopt;
    ::setenv("PANICSCOPE_INDEX_DIR", "", 1);
    const auto info = runCli({"info", row.dump, "--vmlinux", stripped});
    const auto bt = runCli({"bt", "-l", row.dump, "--vmlinux", stripped});
    if (saved)
        ::setenv("PANICSCOPE_INDEX_DIR", saved->c_str(), 1);
    else
        ::unsetenv("PANICSCOPE_INDEX_DIR");
    fs::remove(stripped);
    const std::string warning = "panicscope: warning: " + stripped +
                                " has no DWARF debug info: no file:line, inline frames or CFI "
                                "(results may be partial)\n";
    EXPECT_EQ(info.status, 0) << info.err;
    EXPECT_EQ(info.err, warning);
    EXPECT_EQ(bt.status, 0) << bt.err;
    EXPECT_EQ(bt.err, warning);
    EXPECT_NE(bt.out.find("#1 "), std::string::npos) << bt.out;
    // With the real vmlinux: no warning at all.
    const auto real = runCli({"info", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(real.err, "");
}

} // namespace
} // namespace panicscope::testing
