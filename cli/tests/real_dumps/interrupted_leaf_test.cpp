// The frame-pointer kernel: a task interrupted in clear_user_rep_good (assembly without a frame
// record or CFI, under read_zero, from the workload's read of /dev/zero). Its return address is
// at the interrupted sp; the frame-pointer chain alone skips read_zero. The kernel's own
// unwinder only guesses it ("? read_zero+0x5f"); panicscope knows it from the code.
#include "bt_frames.h"
#include "console_oracle.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// The kernel's frames below an interrupted clear_user_rep_good in the sysrq-t output, its guess
// of the caller (read_zero) taken as a frame: what every such stack must show under it. A task
// that runs on the other CPU while sysrq-t prints it is read as its stack moves: its registers
// and guesses are of no one moment (one such trace guessed no read_zero at all), so only a
// trace that guesses read_zero is the oracle.
std::vector<std::string> kernelFramesBelowTheLeaf(const ConsoleOracle& console) {
    for (const auto& [pid, trace] : console.sysrqTraces)
        for (size_t i = 0; i + 1 < trace.size(); ++i)
            if (trace[i].starts_with("clear_user_rep_good+") &&
                trace[i + 1].starts_with("?read_zero+")) {
                std::vector<std::string> below(trace.begin() + i + 1, trace.end());
                below.front().erase(0, 1);
                return below;
            }
    return {};
}

class InterruptedLeaf : public ::testing::TestWithParam<DumpCase> {};

TEST_P(InterruptedLeaf, ItsCallerIsFoundFromItsCode) {
    const DumpRow& row = manifestRow(GetParam());
    const auto expected = kernelFramesBelowTheLeaf(readConsole(row.console));
    ASSERT_FALSE(expected.empty()) << "no clear_user_rep_good under read_zero in " << row.console;
    const auto r = runCli({"bt", "--all", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json tasks = json::parse(r.out)["tasks"];
    size_t compared = 0;
    for (const auto& task : tasks) {
        // The physical frames, as kernelFrames() lists them.
        std::vector<json> frames;
        for (const auto& f : task["frames"])
            if (!f["inline"].get<bool>() && !f["user"].get<bool>()) frames.push_back(f);
        const auto ours = kernelFrames(task);
        for (size_t i = 0; i + 1 < frames.size(); ++i) {
            if (!frames[i]["interrupted"].get<bool>() ||
                frames[i]["function"] != "clear_user_rep_good")
                continue;
            const std::vector<std::string> below(ours.begin() + static_cast<long>(i) + 1,
                                                 ours.end());
            EXPECT_EQ(below, expected) << "pid " << task["pid"] << joined(ours);
            EXPECT_EQ(frames[i + 1]["found_by"], "prologue");
            EXPECT_EQ(task["status"], "complete") << task["reason"];
            ++compared;
        }
    }
    EXPECT_GE(compared, 1u) << "no task interrupted in clear_user_rep_good in " << row.dump;
}

// A kdump (the task on the other CPU, stopped by the crash's NMI) and an IRQ crash by QEMU (the
// task interrupted under an interrupt's pt_regs).
INSTANTIATE_TEST_SUITE_P(FramePointerKernel, InterruptedLeaf,
                         ::testing::Values(DumpCase{kFramePointerKernel, "process", "kdump",
                                                    "kdump-zlib"},
                                           DumpCase{kFramePointerKernel, "irq", "qemu", "elf"}),
                         [](const auto& info) { return caseName(info.param); });

} // namespace
} // namespace panicscope::testing
