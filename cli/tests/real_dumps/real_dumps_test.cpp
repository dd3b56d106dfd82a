// info, ps and log on every generated dump, checked against what the crashed kernel printed on
// its console (the oracle): release, panic, crashing task, sysrq-t's task list, the log lines.
#include "console_oracle.h"
#include "dump/dump_file.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// The start of the panic message of a scenario whose panic text never reaches the console with
// kdump loaded (nmi_panic() kexecs before printing; the stack overflow's double fault too): the
// kernel's own string for that crash.
std::optional<std::string> knownPanicMessage(const std::string& scenario) {
    if (scenario == "nmi") return "NMI: Not continuing";
    if (scenario == "mod-overflow") return "BUG: TASK stack guard page was hit at ";
    return std::nullopt;
}

class RealDump : public ::testing::TestWithParam<DumpCase> {
  protected:
    void SetUp() override {
        row = manifestRow(GetParam());
        console = readConsole(row.console);
    }
    CliResult run(const std::string& verb, bool asJson) {
        std::vector<std::string> args = {verb, row.dump, "--vmlinux", row.vmlinux};
        if (asJson) args.push_back("--json");
        return runCli(args);
    }
    DumpRow row;
    ConsoleOracle console;
};

TEST_P(RealDump, InfoMatchesTheConsole) {
    const auto r = run("info", true);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const json info = json::parse(r.out);
    EXPECT_EQ(info["release"], console.release);
    EXPECT_EQ(info["machine"], "x86_64");
    EXPECT_EQ(info["cpus"], 2);
    EXPECT_EQ(info["warnings"], json::array());
    ASSERT_TRUE(info["crashing_task"].is_object()) << info.dump(2);
    if (console.panicMessage) {
        EXPECT_EQ(info["panic_message"], *console.panicMessage);
        ASSERT_TRUE(console.panicCpu) << "no CPU line after the panic in " << row.console;
        EXPECT_EQ(info["panic_cpu"], *console.panicCpu);
        EXPECT_EQ(info["crashing_task"]["pid"], *console.panicPid);
        EXPECT_EQ(info["crashing_task"]["comm"], *console.panicComm);
    } else if (console.oopsHead) {
        // kdump straight from the oops (panic_on_oops): the oops is the panic.
        EXPECT_EQ(info["panic_message"], *console.oopsHead);
        ASSERT_TRUE(console.oopsCpu) << "no CPU line in the oops in " << row.console;
        EXPECT_EQ(info["panic_cpu"], *console.oopsCpu);
        EXPECT_EQ(info["crashing_task"]["pid"], *console.oopsPid);
        EXPECT_EQ(info["crashing_task"]["comm"], *console.oopsComm);
    } else {
        ASSERT_TRUE(knownPanicMessage(row.scenario)) << "no panic on the console " << row.console;
        EXPECT_TRUE(
            info["panic_message"].get<std::string>().starts_with(*knownPanicMessage(row.scenario)))
            << info["panic_message"];
    }
    // A real kdump's NT_PRSTATUS notes carry the pid each CPU ran: an oracle independent of the
    // runqueues panicscope reads. (QEMU's notes carry vCPU numbers instead.)
    if (std::string(GetParam().method) == "kdump") {
        auto dump = dump::DumpFile::open({row.dump});
        ASSERT_TRUE(dump) << dump.error().message;
        const unsigned cpu = info["panic_cpu"];
        ASSERT_LT(cpu, (*dump)->cpus().size());
        EXPECT_EQ((*dump)->cpus()[cpu].prstatusPid, info["crashing_task"]["pid"].get<uint64_t>());
    }
    EXPECT_GT(info["uptime_s"].get<double>(), 1.0);
}

TEST_P(RealDump, PsMarksTheCrashingTaskAndBtShowsItByDefault) {
    // ps and bt find the crashing task without info's work (the log): it must be info's.
    const auto info = run("info", true);
    ASSERT_EQ(info.status, 0) << info.err;
    const json crashing = json::parse(info.out)["crashing_task"];
    ASSERT_TRUE(crashing.is_object());
    const auto ps = run("ps", false);
    ASSERT_EQ(ps.status, 0) << ps.err;
    std::istringstream lines(ps.out);
    std::vector<std::string> marked;
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("*")) marked.push_back(line);
    ASSERT_EQ(marked.size(), 1u) << ps.out;
    std::istringstream fields(marked[0].substr(1));
    int pid = -1;
    fields >> pid;
    EXPECT_EQ(pid, crashing["pid"]);
    EXPECT_NE(marked[0].find(crashing["task"].get<std::string>().substr(2)), std::string::npos);
    const auto bt = run("bt", false);
    ASSERT_EQ(bt.status, 0) << bt.err;
    EXPECT_TRUE(bt.out.starts_with("PID: " + std::to_string(crashing["pid"].get<int>()) +
                                   "  TASK: " + crashing["task"].get<std::string>().substr(2) +
                                   "  "))
        << bt.out.substr(0, 200);
}

TEST_P(RealDump, PsHasEveryTaskSysrqTPrinted) {
    ASSERT_GT(console.sysrqTasks.size(), 20u) << "sysrq-t output missing in " << row.console;
    const auto r = run("ps", true);
    ASSERT_EQ(r.status, 0) << r.err;
    const json ps = json::parse(r.out);
    std::map<int, json> byPid;
    for (const auto& t : ps["tasks"])
        if (t["pid"] != 0) byPid[t["pid"]] = t;
    size_t statesCompared = 0;
    for (const auto& expected : console.sysrqTasks) {
        SCOPED_TRACE("pid " + std::to_string(expected.pid) + " " + expected.comm);
        ASSERT_TRUE(byPid.contains(expected.pid));
        const json& t = byPid[expected.pid];
        EXPECT_EQ(t["comm"], expected.comm);
        EXPECT_EQ(t["ppid"], expected.ppid);
        // A sleeper whose context-switch counts did not move since just before sysrq-t has not
        // run since, so its state is still the one sysrq-t printed -- or R, when it was woken
        // and is still waiting for a CPU (a soft lockup keeps it waiting).
        const bool sleeping = std::string("SDI").find(expected.state) != std::string::npos;
        auto before = console.switchesBefore.find(expected.pid);
        if (sleeping && before != console.switchesBefore.end() &&
            t["nvcsw"] == before->second.voluntary && t["nivcsw"] == before->second.involuntary) {
            if (t["state"] != "R") {
                EXPECT_EQ(t["state"], std::string(1, expected.state));
            }
            ++statesCompared;
        }
    }
    // The workload's sleepers (sleep, dd, wc) at least never run again.
    EXPECT_GE(statesCompared, 3u);
    size_t onCpu = 0;
    for (const auto& t : ps["tasks"])
        onCpu += t["on_cpu"].get<bool>();
    EXPECT_EQ(onCpu, 2u) << "one current task per CPU";
}

TEST_P(RealDump, LogHasEveryConsoleLineInOrder) {
    const auto r = run("log", false);
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<std::string> ours;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        ours.push_back(line);
    ASSERT_GT(console.kernelLines.size(), 100u);
    size_t at = 0;
    for (const auto& line : console.kernelLines) {
        auto found = std::find(ours.begin() + static_cast<long>(at), ours.end(), line);
        ASSERT_NE(found, ours.end())
            << "console line missing from 'log' (or out of order): " << line;
        at = static_cast<size_t>(found - ours.begin()) + 1;
    }
}

INSTANTIATE_TEST_SUITE_P(Generated, RealDump, ::testing::ValuesIn(generatedCases()),
                         [](const auto& info) { return caseName(info.param); });

} // namespace
} // namespace panicscope::testing
