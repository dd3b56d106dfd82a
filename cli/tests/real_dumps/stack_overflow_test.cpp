// A task that overflowed its stack (mod-overflow, captured by QEMU so that the console has the
// kernel's oops trace): bt goes from the double fault's pt_regs, whose sp lies in the guard page
// below the task stack, on into the task stack, as the kernel's own trace does -- through the
// test module's frames, also on QEMU's paging ELF (dump-guest-memory -p: PT_LOADs by virtual
// address), where module memory once read as zeros.
#include "bt_frames.h"
#include "console_oracle.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// The oops' "RSP: 0018:..." (the interrupted stack pointer the kernel printed).
std::optional<std::string> oopsRsp(const ConsoleOracle& console) {
    static const std::regex rsp(R"(\] RSP: 0018:([0-9a-f]{16}) )");
    bool inOops = false;
    for (const auto& line : console.kernelLines) {
        inOops = inOops || line.find("[#1]") != std::string::npos;
        std::smatch m;
        if (inOops && std::regex_search(line, m, rsp)) return "0x" + m[1].str();
    }
    return std::nullopt;
}

class StackOverflow : public ::testing::TestWithParam<DumpCase> {};

TEST_P(StackOverflow, TheTraceCrossesTheGuardPageIntoTheTaskStackAsTheKernelsOops) {
    const DumpRow& row = manifestRow(GetParam());
    const ConsoleOracle console = readConsole(row.console);
    ASSERT_TRUE(console.oopsHead && console.oopsHead->starts_with("BUG: TASK stack guard page"))
        << row.console;
    ASSERT_GT(console.oopsTrace.size(), 10u) << row.console;
    const auto r = runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json task = json::parse(r.out)["tasks"][0];
    EXPECT_EQ(task["pid"], *console.oopsPid);
    EXPECT_EQ(task["status"], "complete") << task["reason"];

    // The double fault's pt_regs: the kernel's RSP, marked as the overflow; the frames before it
    // on the double fault stack, the interrupted one on the task stack.
    const json& frames = task["frames"];
    size_t at = 0;
    while (at < frames.size() && frames[at]["boundary"].is_null())
        ++at;
    ASSERT_LT(at, frames.size());
    const json& boundary = frames[at]["boundary"];
    EXPECT_EQ(boundary["entry"], "asm_exc_double_fault");
    EXPECT_EQ(boundary["kind"], "exception");
    EXPECT_EQ(boundary["stack_overflow"], true);
    EXPECT_EQ(boundary["regs"]["sp"], oopsRsp(console).value_or("none"));
    EXPECT_EQ(frames[at]["stack"], "task stack");
    EXPECT_EQ(frames[at - 1]["stack"], "double fault exception stack");

    // From the interrupted psc_recurse to the syscall entry, frame for frame the kernel's.
    const auto ours = kernelFrames(task);
    const auto from = std::find(ours.begin(), ours.end(), console.oopsTrace.front());
    ASSERT_NE(from, ours.end()) << joined(ours);
    EXPECT_TRUE(sameFrames(std::vector<std::string>(from, ours.end()), console.oopsTrace))
        << "oops:" << joined(console.oopsTrace) << "\n  panicscope:" << joined(ours);

    const auto text = runCli({"bt", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("=== exception: asm_exc_double_fault (stack overflow: sp in the task "
                            "stack's guard page) ==="),
              std::string::npos)
        << text.out;
}

INSTANTIATE_TEST_SUITE_P(
    DebianKernels, StackOverflow,
    ::testing::Values(DumpCase{kMainKernel, "mod-overflow", "qemu", "elf"},
                      DumpCase{kMainKernel, "mod-overflow", "qemu", "elf-paging"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "mod-overflow", "qemu", "elf"},
                      DumpCase{"6.12.117+deb12-cloud-amd64", "mod-overflow", "qemu", "elf-paging"}),
    [](const auto& info) { return caseName(info.param); });

} // namespace
} // namespace panicscope::testing
