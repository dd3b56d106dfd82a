// `triage` on every generated crash scenario: the right kind, title, guilty frame and context
// from the dump and from its console, checked against what the kernel printed (the console
// oracle) and the scenario's design; signatures equal across captures and kernel versions where
// the code path is the same, different across scenarios. One dump per scenario and kernel (plus
// the QEMU capture of the sysrq/NMI scenarios, for the capture comparison), triaged once.
#include "console_oracle.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "shared_result.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <set>

namespace panicscope::testing {
namespace {

using nlohmann::json;

// What each scenario is (testdata/generate.sh, testdata/module/panicscope_crash.c): the crash
// it causes, the function that causes it, where that runs.
struct Scenario {
    const char* name;
    const char* kind;
    const char* stem;       // the title before " in FUNC"
    const char* guilty;     // the culprit function
    const char* context;    // process, softirq, hardirq, nmi
    bool sameAcrossKernels; // one code path on 6.1 and 6.12
};

const Scenario kScenarios[] = {
    {"process", "sysrq", "sysrq triggered crash", "write_sysrq_trigger", "process", true},
    // The keyboard's input path changed between 6.1 and 6.12 (input_handle_events_filter).
    {"irq", "sysrq", "sysrq triggered crash", "sysrq_filter", "hardirq", false},
    {"nmi", "nmi", "NMI received for unknown reason", "unknown_nmi_error", "nmi", true},
    {"mod-null", "null_deref", "BUG: unable to handle kernel NULL pointer dereference",
     "psc_null_store", "process", true},
    {"mod-nullcall", "null_deref", "BUG: unable to handle kernel NULL pointer dereference",
     "psc_null_call", "process", true},
    {"mod-bug", "bug", "kernel BUG", "psc_bug", "process", true},
    {"mod-timer", "null_deref", "BUG: unable to handle kernel NULL pointer dereference",
     "psc_null_store", "softirq", true},
    {"mod-hrtimer", "null_deref", "BUG: unable to handle kernel NULL pointer dereference",
     "psc_null_store", "hardirq", true},
    {"mod-softlockup", "soft_lockup", "BUG: soft lockup", "psc_softlockup", "process", true},
    {"mod-hungtask", "hung_task", "INFO: task hung", "psc_hungtask", "process", true},
    {"mod-overflow", "stack_overflow", "BUG: stack guard page was hit", "psc_recurse", "process",
     true},
};

const Scenario& scenario(const std::string& name) {
    for (const auto& s : kScenarios)
        if (name == s.name) return s;
    throw std::runtime_error("unknown scenario " + name);
}

// The culprit on one kernel: the frame-pointer build inlines unknown_nmi_error into
// default_do_nmi (its console's trace shows it so).
std::string expectedGuilty(const DumpRow& row) {
    const Scenario& s = scenario(row.scenario);
    if (row.kernel == kFramePointerKernel && row.scenario == "nmi") return "default_do_nmi";
    return s.guilty;
}

struct Triaged {
    DumpRow row;
    json dump;    // triage --json DUMP
    json console; // triage --json --console CONSOLE (an error record when it has no report)
    int consoleStatus = 0;
};

json firstRecord(const CliResult& r) {
    return json::parse(r.out.substr(0, r.out.find('\n')));
}

// The rows triaged: per kernel and scenario its kdump capture, and for the sysrq and NMI
// scenarios also the QEMU capture.
std::vector<DumpRow> triagedRows() {
    std::vector<DumpRow> rows;
    for (const auto& row : manifestRows()) {
        if (row.scenario == "scale") continue;
        const bool kdump = row.method == "kdump";
        const bool qemuElf = row.method == "qemu" && row.format == "elf";
        if (kdump || qemuElf) rows.push_back(row);
    }
    return rows;
}

// One row's triage from its dump and from its console, made once across the test processes of
// a ctest run (five tests read it; under the sanitizers each triage costs seconds).
Triaged triageRow(const DumpRow& row) {
    const std::string key = "triage\n" + selfIdentity() + "\n" + fileIdentity(row.dump) + "\n" +
                            fileIdentity(row.vmlinux) + "\n" + fileIdentity(row.console);
    const json both = json::parse(computeOnceAcrossProcesses("triage", key, [&] {
        auto d = runCli({"triage", "--json", row.dump, "--vmlinux", row.vmlinux});
        if (d.status != 0) throw std::runtime_error(row.dump + ": " + d.err);
        auto c = runCli({"triage", "--json", "--console", row.console});
        return json{
            {"dump", firstRecord(d)}, {"console_status", c.status}, {"console", firstRecord(c)}}
            .dump();
    }));
    return {row, both["dump"], both["console"], both["console_status"].get<int>()};
}

const std::vector<Triaged>& triaged() {
    static const std::vector<Triaged> all = [] {
        const auto rows = triagedRows();
        std::vector<Triaged> out(rows.size());
        auto work = [&](size_t first) {
            for (size_t i = first; i < rows.size(); i += 2)
                out[i] = triageRow(rows[i]);
        };
        auto second = std::async(std::launch::async, work, 1);
        work(0);
        second.get();
        return out;
    }();
    return all;
}

std::string label(const DumpRow& row) {
    return row.kernel + " " + row.scenario + " " + row.method + " " + row.format;
}

TEST(Triage, EveryScenarioHasItsKindTitleAndContextFromTheDump) {
    ASSERT_GE(triaged().size(),
              25u); // 3 base scenarios x 3 kernels x 2 captures, 8 module ones x 2
    std::set<std::string> scenariosSeen;
    for (const auto& t : triaged()) {
        SCOPED_TRACE(label(t.row));
        const Scenario& s = scenario(t.row.scenario);
        scenariosSeen.insert(s.name);
        const std::string guilty = expectedGuilty(t.row);
        EXPECT_EQ(t.dump["schema"], 1);
        EXPECT_EQ(t.dump["source"], "dump");
        EXPECT_EQ(t.dump["kind"], s.kind);
        EXPECT_EQ(t.dump["title"], std::string(s.stem) + " in " + guilty);
        EXPECT_EQ(t.dump["guilty"]["function"], guilty);
        EXPECT_EQ(t.dump["context"], s.context);
        EXPECT_EQ(t.dump["corrupted"], false);
        // The frames start at the guilty one: the machinery above it is cut off.
        ASSERT_FALSE(t.dump["frames"].empty());
        EXPECT_EQ(t.dump["frames"][0]["function"].get<std::string>().substr(0, guilty.size()),
                  guilty);
        EXPECT_EQ(t.dump["signature"]["frames"][0], guilty);
        EXPECT_EQ(t.dump["signature"]["hash"].get<std::string>().size(), 16u);
        const bool module = std::string(s.guilty).starts_with("psc_");
        EXPECT_EQ(t.dump["guilty"]["module"], module ? json("panicscope_crash") : json(nullptr));
        EXPECT_EQ(t.dump["taint"], module ? json("OE") : json(""));
    }
    EXPECT_EQ(scenariosSeen.size(), std::size(kScenarios));
}

// The task, CPU and messages of the dump's report are the ones the kernel printed.
TEST(Triage, TheDumpsFactsAreTheConsoles) {
    for (const auto& t : triaged()) {
        SCOPED_TRACE(label(t.row));
        const ConsoleOracle oracle = readConsole(t.row.console);
        if (oracle.oopsHead) {
            EXPECT_EQ(t.dump["message"], *oracle.oopsHead);
            EXPECT_EQ(t.dump["task"]["pid"], *oracle.oopsPid);
            EXPECT_EQ(t.dump["task"]["comm"], *oracle.oopsComm);
            EXPECT_EQ(t.dump["cpu"], *oracle.oopsCpu);
        }
        if (oracle.panicMessage) {
            EXPECT_EQ(t.dump["panic_message"], *oracle.panicMessage);
        }
        // A panic straight from an oops (the stack-overflow capture) prints no second CPU line.
        if (oracle.panicMessage && oracle.panicCpu) {
            EXPECT_EQ(t.dump["task"]["pid"], *oracle.panicPid);
            EXPECT_EQ(t.dump["task"]["comm"], *oracle.panicComm);
            EXPECT_EQ(t.dump["cpu"], *oracle.panicCpu);
        }
        if (t.row.scenario == "mod-null" || t.row.scenario == "mod-timer") {
            EXPECT_EQ(t.dump["fault_address"], "0x0");
        }
    }
}

// The hung task's report lists the task the kernel named, in D state, with its stack.
TEST(Triage, HungTaskListsTheBlockedTask) {
    size_t checked = 0;
    for (const auto& t : triaged()) {
        if (t.row.scenario != "mod-hungtask") continue;
        SCOPED_TRACE(label(t.row));
        std::ifstream in(t.row.console);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        std::smatch m;
        ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(INFO: task (\S+):(\d+) blocked)")));
        bool found = false;
        for (const auto& b : t.dump["blocked_tasks"]) {
            if (b["pid"] != std::stoi(m[2])) continue;
            found = true;
            EXPECT_EQ(b["comm"], m[1].str());
            EXPECT_EQ(b["state"], "D");
            const auto frames = b["frames"].get<std::vector<std::string>>();
            EXPECT_NE(std::find(frames.begin(), frames.end(), "psc_hungtask"), frames.end());
        }
        EXPECT_TRUE(found);
        ++checked;
    }
    EXPECT_EQ(checked, 2u);
}

// The hung task sleeps in mutex_lock() on a mutex a kthread holds (testdata/module: the kthread
// prints "panicscope_crash: mutex ADDR held by pid N" when it takes it). Debian's kernels have no
// lockdep and no blocker lines, so the holder comes from the dump alone: the mutex_waiter on the
// blocked task's stack, the mutex's owner. It must be the mutex and the pid the console printed.
TEST(Triage, HungTaskNamesTheMutexHolderTheModulePrinted) {
    size_t checked = 0;
    for (const auto& t : triaged()) {
        if (t.row.scenario != "mod-hungtask") continue;
        SCOPED_TRACE(label(t.row));
        std::ifstream in(t.row.console);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        std::smatch held, blocked;
        ASSERT_TRUE(std::regex_search(
            text, held, std::regex(R"(panicscope_crash: mutex ([0-9a-f]+) held by pid (\d+))")));
        ASSERT_TRUE(std::regex_search(text, blocked,
                                      std::regex(R"(INFO: task (\S+):(\d+) blocked for more)")));
        ASSERT_EQ(t.dump["lock_holders"].size(), 1u) << t.dump["lock_holders"].dump();
        const json& h = t.dump["lock_holders"][0];
        EXPECT_EQ(h["source"], "dump");
        EXPECT_EQ(h["lock_type"], "mutex");
        EXPECT_EQ(h["lock_address"], "0x" + held[1].str());
        EXPECT_EQ(h["lock_name"], "psc_mutex [panicscope_crash]");
        EXPECT_EQ(h["waiter"]["pid"], std::stoi(blocked[2]));
        EXPECT_EQ(h["waiter"]["comm"], blocked[1].str());
        ASSERT_TRUE(h["holder"].is_object());
        EXPECT_EQ(h["holder"]["pid"], std::stoi(held[2]));
        EXPECT_EQ(h["holder"]["comm"], "psc_holder");
        EXPECT_EQ(h["holder"]["state"], "S"); // sleeps interruptibly: the detector skips it
        const auto frames = h["holder"]["frames"].get<std::vector<std::string>>();
        EXPECT_NE(std::find(frames.begin(), frames.end(), "psc_mutex_holder"), frames.end());
        EXPECT_EQ(t.dump["held_locks"], json::array()); // no lockdep on these kernels
        EXPECT_EQ(t.dump["warnings"], json::array());
        // The console names no holder (no blocker line before 6.14): nothing is made up.
        EXPECT_EQ(t.console["lock_holders"], json::array());
        // The text output names it too.
        auto r = runCli({"triage", t.row.dump, "--vmlinux", t.row.vmlinux});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.out.find("LOCK HOLDER: mutex 0x" + held[1].str() +
                             " (psc_mutex [panicscope_crash]) waited on by " + blocked[2].str() +
                             " (" + blocked[1].str() + "): held by " + held[2].str() +
                             " (psc_holder) S [dump]\n"),
                  std::string::npos)
            << r.out;
        ++checked;
    }
    EXPECT_EQ(checked, 2u);
}

// A console gives the dump's title, kind, guilty frame and signature; a console the crash never
// reached (a kdump NMI, the stack overflow: the serial line stopped before the report) says so.
TEST(Triage, TheConsoleAgreesWithItsDump) {
    size_t agreed = 0;
    for (const auto& t : triaged()) {
        SCOPED_TRACE(label(t.row));
        const ConsoleOracle oracle = readConsole(t.row.console);
        if (!oracle.panicMessage && !oracle.oopsHead && t.row.scenario != "mod-softlockup" &&
            t.row.scenario != "mod-hungtask") {
            EXPECT_EQ(t.consoleStatus, 1);
            EXPECT_EQ(t.console["error"], "no kernel crash report in " + t.row.console);
            continue;
        }
        ASSERT_EQ(t.consoleStatus, 0) << t.console.dump();
        EXPECT_EQ(t.console["source"], "console");
        for (const char* key : {"kind", "title", "guilty", "context", "signature", "task", "cpu"})
            EXPECT_EQ(t.console[key], t.dump[key]) << key;
        EXPECT_EQ(t.console["corrupted"], false);
        ++agreed;
    }
    EXPECT_GE(agreed, triaged().size() - 8); // nmi-kdump x3, mod-overflow x2 lack a report
}

std::map<std::string, std::string> hashesBy(const std::string& kernel, const std::string& method) {
    std::map<std::string, std::string> out;
    for (const auto& t : triaged())
        if (t.row.kernel == kernel && t.row.method == method)
            out[t.row.scenario] = t.dump["signature"]["hash"];
    return out;
}

TEST(Triage, SignaturesEqualAcrossCapturesAndKernelsAndDifferAcrossScenarios) {
    for (const char* kernel : kKernels) {
        SCOPED_TRACE(kernel);
        const auto kdump = hashesBy(kernel, "kdump"), qemu = hashesBy(kernel, "qemu");
        ASSERT_FALSE(qemu.empty());
        for (const auto& [name, hash] : qemu)
            EXPECT_EQ(hash, kdump.at(name)) << name;
        std::set<std::string> distinct;
        for (const auto& [name, hash] : kdump)
            EXPECT_TRUE(distinct.insert(hash).second) << name;
    }
    const auto a = hashesBy(kMainKernel, "kdump"), b = hashesBy(kKernels[1], "kdump");
    ASSERT_EQ(a.size(), std::size(kScenarios));
    for (const auto& s : kScenarios) {
        if (s.sameAcrossKernels)
            EXPECT_EQ(a.at(s.name), b.at(s.name)) << s.name;
        else
            EXPECT_NE(a.at(s.name), b.at(s.name)) << s.name;
    }
}

TEST(Triage, TextOutputAndUsage) {
    const auto& row = manifestRow("mod-null", "kdump", "kdump-zlib");
    auto text = runCli({"triage", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("       TITLE: BUG: unable to handle kernel NULL pointer dereference "
                            "in psc_null_store\n"),
              std::string::npos);
    EXPECT_NE(text.out.find("SIGNATURE: "), std::string::npos);
    auto help = runCli({"triage", "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("--console"), std::string::npos);
    auto misuse = runCli({"bt", "--console", row.console});
    EXPECT_EQ(misuse.status, 2);
    EXPECT_EQ(misuse.err,
              "panicscope: bt: unknown option '--console' (see 'panicscope bt --help')\n");
    auto none = runCli({"triage", "--console"});
    EXPECT_EQ(none.status, 2);
    auto missing = runCli({"triage", "--console", "/nonexistent/console.log"});
    EXPECT_EQ(missing.status, 1);
    EXPECT_EQ(missing.err, "panicscope: cannot open /nonexistent/console.log\n");
}

} // namespace
} // namespace panicscope::testing
