// The C ABI's session calls on a real dump, through the test plugin's `probe` verb
// (core/plugin/tests/plugins/good.c): the release and the bytes of linux_banner read through
// read_memory equal the kernel's own "Linux version" console line, the crashing pid the panic's
// "CPU: N PID: P Comm:" line; the task count, and the crashing task's frames (pc and function)
// equal what `ps --json` and `bt --json` print of the same dump; errors come back as -1 with a
// message.
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;

std::string hex(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

class PluginAbi : public ::testing::TestWithParam<const char*> {};

TEST_P(PluginAbi, SessionCallsAnswerWhatTheKernelPrinted) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.end(), {row.dump, "--vmlinux", row.vmlinux, "--plugin-dir",
                                 PANICSCOPE_TEST_PLUGIN_DIR});
        auto r = runCli(args);
        EXPECT_EQ(r.status, 0) << r.err;
        return json::parse(r.out);
    };
    const json probe = cli({"probe", "--json"});
    std::ifstream console(row.console);
    std::string banner, pidLine;
    for (std::string line; std::getline(console, line);) {
        if (banner.empty() && line.find("Linux version ") != std::string::npos)
            banner = line.substr(line.find("Linux version "));
        if (line.find("Kernel panic - not syncing") != std::string::npos) {
            std::getline(console, pidLine);
            break;
        }
    }
    ASSERT_FALSE(banner.empty());
    EXPECT_TRUE(banner.starts_with(probe["banner"].get<std::string>())) << probe["banner"];
    EXPECT_EQ(probe["banner"].get<std::string>().size(), 64u);
    EXPECT_TRUE(banner.starts_with("Linux version " + probe["release"].get<std::string>() + " "));
    EXPECT_EQ(probe["banner_symbol"], "linux_banner");
    EXPECT_EQ(probe["banner_offset"], 1);
    const std::string pid = " PID: " + std::to_string(probe["crashing_pid"].get<int>()) + " ";
    EXPECT_NE(pidLine.find(pid), std::string::npos) << pidLine;
    EXPECT_EQ(probe["crashing_task_pid"], probe["crashing_pid"]);
    EXPECT_EQ(probe["tasks"], cli({"ps", "--json"})["tasks"].size());
    // The physical frames of bt --json (its inline frames come from line info the C ABI skips).
    std::vector<std::pair<std::string, std::string>> bt, ours;
    const json trace = cli({"bt", "--json"});
    for (const auto& f : trace["tasks"][0]["frames"])
        if (!f["inline"].get<bool>())
            bt.emplace_back(f["pc"], f["function"].is_null() ? "" : f["function"]);
    for (const auto& f : probe["frames"])
        ours.emplace_back(hex(f["pc"].get<uint64_t>()), f["function"]);
    EXPECT_EQ(ours, bt);
    EXPECT_GT(ours.size(), 3u);
    EXPECT_EQ(probe["no_pid"], -1);
    EXPECT_EQ(probe["no_pid_error"], "no task with pid -5");
    EXPECT_EQ(probe["no_read"], -1);
}

INSTANTIATE_TEST_SUITE_P(Kernels, PluginAbi,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             return caseName({info.param, "process", "kdump", "kdump-zlib"});
                         });

} // namespace
} // namespace panicscope::testing
