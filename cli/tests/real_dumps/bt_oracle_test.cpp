// bt on every generated dump against the kernel's own unwinder: sysrq-t's traces of the tasks
// that never ran again, and the panic trace, frame for frame. The same checks from the dump
// alone (--no-vmlinux: kallsyms, BTF and ORC from the dump's memory) on one kdump capture per
// ORC kernel, whose panic CPU stopped in __crash_kexec.
#include "bt_frames.h"
#include "console_oracle.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "stack_bottom.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace panicscope::testing {
namespace {

using nlohmann::json;

struct OracleCase {
    DumpCase dump;
    bool alone = false; // --no-vmlinux
};

class BtOracle : public ::testing::TestWithParam<OracleCase> {
  protected:
    void SetUp() override {
        row = manifestRow(GetParam().dump);
        console = readConsole(row.console);
        const auto r = cli({"bt", "--all", "--json"});
        ASSERT_EQ(r.status, 0) << r.err;
        // Named documents: a loop over a temporary's member would outlive the temporary.
        const json bt = json::parse(r.out);
        for (const auto& t : bt["tasks"])
            byAddress[t["task"]] = t;
        const auto ps = cli({"ps", "--json"});
        ASSERT_EQ(ps.status, 0) << ps.err;
        const json tasks = json::parse(ps.out);
        for (const auto& t : tasks["tasks"])
            psByPid[t["pid"]] = t;
    }
    // A verb on the dump, with its vmlinux or from the dump alone.
    CliResult cli(std::vector<std::string> args) const {
        args.push_back(row.dump);
        if (GetParam().alone)
            args.push_back("--no-vmlinux");
        else
            args.insert(args.end(), {"--vmlinux", row.vmlinux});
        return runCli(args);
    }
    DumpRow row;
    ConsoleOracle console;
    std::map<std::string, json> byAddress;
    std::map<int, json> psByPid;
};

TEST_P(BtOracle, SleepersMatchSysrqT) {
    size_t compared = 0;
    std::string ran;
    for (const auto& expected : console.sysrqTasks) {
        if (std::string("SDI").find(expected.state) == std::string::npos) continue;
        if (expected.pid == 0 || !psByPid.contains(expected.pid)) continue;
        const json& ps = psByPid[expected.pid];
        const json& task = byAddress[ps["task"]];
        const auto ours = kernelFrames(task);
        const auto& theirs = console.sysrqTraces[expected.pid];
        auto before = console.switchesBefore.find(expected.pid);
        const bool didNotRun = before != console.switchesBefore.end() &&
                               ps["nvcsw"] == before->second.voluntary &&
                               ps["nivcsw"] == before->second.involuntary;
        if (!didNotRun) {
            // It ran after sysrq-t: its stack may differ legitimately. Report, don't fail.
            if (!sameFrames(ours, theirs))
                ran += "\n  pid " + std::to_string(expected.pid) + " " + expected.comm +
                       " ran since sysrq-t; kernel:" + joined(theirs) +
                       "\n  panicscope:" + joined(ours);
            continue;
        }
        EXPECT_EQ(task["status"], "complete") << "pid " << expected.pid << ": " << task["reason"];
        EXPECT_TRUE(sameFrames(ours, theirs))
            << "pid " << expected.pid << " " << expected.comm << "\n  kernel:" << joined(theirs)
            << "\n  panicscope:" << joined(ours);
        ++compared;
    }
    EXPECT_GE(compared, 20u) << "too few sleeping tasks compared";
    if (!ran.empty()) std::cout << "tasks that ran after sysrq-t (not compared):" << ran << '\n';
}

TEST_P(BtOracle, PanicTraceIsTheTailOfTheCrashingTasksTrace) {
    const auto info = cli({"info", "--json"});
    ASSERT_EQ(info.status, 0) << info.err;
    const json crashing = json::parse(info.out)["crashing_task"];
    const json& task = byAddress[crashing["task"]];
    const auto ours = kernelFrames(task);
    EXPECT_EQ(task["status"], "complete") << task["reason"];
    if (!console.panicTrace.empty()) {
        // Below panic(): the kernel's trace starts in dump_stack, ours where the CPU stopped.
        auto below = [](const std::vector<std::string>& frames) {
            auto it = std::find_if(frames.begin(), frames.end(),
                                   [](const std::string& f) { return f.starts_with("panic+"); });
            return it == frames.end() ? std::vector<std::string>{}
                                      : std::vector<std::string>(it + 1, frames.end());
        };
        const auto theirs = below(console.panicTrace);
        ASSERT_FALSE(theirs.empty()) << joined(console.panicTrace);
        EXPECT_TRUE(sameFrames(below(ours), theirs))
            << "kernel:" << joined(console.panicTrace) << "\n  panicscope:" << joined(ours);
    } else if (!console.oopsTrace.empty()) {
        // kdump from the oops: the oops' RIP: frame and the call trace under it end our trace.
        const auto& theirs = console.oopsTrace;
        bool tail = false;
        for (size_t start = 0; start <= ours.size() && !tail; ++start)
            tail = sameFrames(std::span(ours).subspan(start), theirs);
        EXPECT_TRUE(tail) << "oops:" << joined(theirs) << "\n  panicscope:" << joined(ours);
    } else {
        // kdump-loaded NMI panics and the overflow's double fault kexec before printing any
        // trace: no oracle on the console.
        const std::string run =
            std::string(GetParam().dump.scenario) + "-" + GetParam().dump.method;
        EXPECT_TRUE(run == "nmi-kdump" || run == "mod-overflow-kdump") << run;
    }
}

TEST_P(BtOracle, EveryCpuStackIsComplete) {
    const auto r = cli({"bt", "-a", "--json"});
    ASSERT_EQ(r.status, 0) << r.err;
    // Nothing to warn about on a whole dump (the frame-pointer kernel, built without module
    // support, once had "modules: no struct 'module'") but, from the dump alone, that mode.
    if (GetParam().alone) {
        EXPECT_TRUE(r.err.starts_with("panicscope: warning: no vmlinux: ")) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    } else {
        EXPECT_EQ(r.err, "");
    }
    const json tasks = json::parse(r.out)["tasks"];
    EXPECT_EQ(tasks.size(), 2u);
    for (const auto& t : tasks) {
        EXPECT_EQ(t["status"], "complete") << "pid " << t["pid"] << " on CPU " << t["cpu"] << ": "
                                           << t["reason"] << joined(kernelFrames(t));
        // The bottom: a user-mode context, or a kernel thread's / idle task's first frame.
        EXPECT_TRUE(endsAtStackBottom(t)) << "pid " << t["pid"] << " ends in " << lastFunction(t);
    }
}

std::vector<OracleCase> withVmlinux() {
    std::vector<OracleCase> cases;
    for (const DumpCase& c : generatedCases())
        cases.push_back({c, false});
    return cases;
}

const OracleCase kDumpAloneCases[] = {
    {{kMainKernel, "process", "kdump", "kdump-zlib"}, true},
    {{"6.12.117+deb12-cloud-amd64", "irq", "kdump", "kdump-zlib"}, true},
};

INSTANTIATE_TEST_SUITE_P(Generated, BtOracle, ::testing::ValuesIn(withVmlinux()),
                         [](const auto& info) { return caseName(info.param.dump); });
INSTANTIATE_TEST_SUITE_P(DumpAlone, BtOracle, ::testing::ValuesIn(kDumpAloneCases),
                         [](const auto& info) { return caseName(info.param.dump); });

} // namespace
} // namespace panicscope::testing
