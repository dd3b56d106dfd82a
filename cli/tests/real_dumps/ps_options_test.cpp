// ps -l, -p, -c and -t on real dumps against drgn reading the same task_structs
// (drgn_oracle.py's tasks): last_arrival, utime, stime, start_time, the real_parent chain and the
// children list.
#include "drgn_facts.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace panicscope::testing {
namespace {

struct DrgnTask {
    int pid = 0;
    uint64_t lastArrival = 0, utime = 0, stime = 0, startTime = 0;
    std::vector<int> parents, children;
};

// drgn's facts by task address, of the tasks on drgn's for_each_task (not the other CPUs' idle
// tasks).
std::map<std::string, DrgnTask> drgnTasks(const DumpRow& row) {
    std::map<std::string, DrgnTask> out;
    for (const auto& [address, t] : drgnFacts(row)["tasks"].items()) {
        if (!t["listed"].get<bool>()) continue;
        out[address] = {t["pid"].get<int>(),
                        t["last_arrival"].get<uint64_t>(),
                        t["utime"].get<uint64_t>(),
                        t["stime"].get<uint64_t>(),
                        t["start_time"].get<uint64_t>(),
                        t["parents"].get<std::vector<int>>(),
                        t["children"].get<std::vector<int>>()};
    }
    return out;
}

nlohmann::json psJson(const DumpRow& row, std::vector<std::string> args) {
    args.insert(args.begin(), "ps");
    for (const auto& a : {std::string("--json"), row.dump, std::string("--vmlinux"), row.vmlinux})
        args.push_back(a);
    auto r = runCli(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

class PsOptions : public ::testing::TestWithParam<const char*> {};

TEST_P(PsOptions, EqualDrgnsReadingOfEveryTask) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    const auto drgn = drgnTasks(row);
    ASSERT_GT(drgn.size(), 20u);
    const auto ps = psJson(row, {});
    std::map<int, nlohmann::json> byPid; // processes and threads (pid 0: CPU 0's idle task)
    for (const auto& t : ps["tasks"])
        byPid.emplace(t["pid"].get<int>(), t);
    const auto parents = psJson(row, {"-p"})["chains"];
    const auto children = psJson(row, {"-c"})["children"];
    ASSERT_EQ(parents.size(), ps["tasks"].size());
    ASSERT_EQ(children.size(), ps["tasks"].size());
    size_t compared = 0;
    for (size_t i = 0; i < ps["tasks"].size(); ++i) {
        const auto& t = ps["tasks"][i];
        auto it = drgn.find(t["task"].get<std::string>());
        if (it == drgn.end()) continue; // another CPU's idle task: not on drgn's list
        const DrgnTask& d = it->second;
        SCOPED_TRACE("pid " + std::to_string(d.pid));
        ++compared;
        EXPECT_EQ(t["last_run_ns"], d.lastArrival);
        EXPECT_EQ(t["utime_ns"], d.utime);
        EXPECT_EQ(t["stime_ns"], d.stime);
        EXPECT_EQ(t["start_time_ns"], d.startTime);
        // -p: the chain from pid 0 down to the task is drgn's real_parent chain, reversed.
        std::vector<int> chain;
        for (const auto& p : parents[i])
            chain.push_back(p["pid"].get<int>());
        std::vector<int> expected(d.parents.rbegin(), d.parents.rend());
        expected.push_back(d.pid);
        EXPECT_EQ(chain, expected);
        // -c: the kernel's children list (sorted: ours is by pid).
        std::vector<int> kids;
        for (const auto& c : children[i]["children"])
            kids.push_back(c["pid"].get<int>());
        auto drgnKids = d.children;
        std::sort(drgnKids.begin(), drgnKids.end());
        EXPECT_EQ(kids, drgnKids);
    }
    EXPECT_EQ(compared, drgn.size());
}

TEST_P(PsOptions, LastRunIsMostRecentFirstAndTimesPrintAsTheJsonHasThem) {
    const auto& row = manifestRow(GetParam(), "process", "kdump", "kdump-zlib");
    const auto ps = psJson(row, {})["tasks"];
    std::vector<std::pair<uint64_t, std::string>> expected; // (last run, task) most recent first
    for (const auto& t : ps)
        expected.emplace_back(t["last_run_ns"].get<uint64_t>(), t["task"].get<std::string>());
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const auto text = runCli({"ps", "-l", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(text.status, 0) << text.err;
    std::istringstream lines(text.out);
    size_t i = 0;
    for (std::string line; std::getline(lines, line); ++i) {
        ASSERT_LT(i, expected.size()) << line;
        const std::string stamp = line.substr(1, line.find(']') - 1);
        EXPECT_EQ(std::stoull(stamp), expected[i].first) << line;
        EXPECT_NE(line.find("TASK: " + expected[i].second.substr(2)), std::string::npos) << line;
    }
    EXPECT_EQ(i, expected.size());

    // -t for the crashing task: its start, user and system time as the JSON has them.
    const auto crashing = std::find_if(ps.begin(), ps.end(), [&](const auto& t) {
        return t["on_cpu"].template get<bool>() && t["pid"].template get<int>() != 0;
    });
    ASSERT_NE(crashing, ps.end());
    const std::string pid = std::to_string((*crashing)["pid"].get<int>());
    const auto times = runCli({"ps", "-t", pid, row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(times.status, 0) << times.err;
    const std::string expectedTimes =
        "  START TIME: " +
        std::to_string((*crashing)["start_time_ns"].get<uint64_t>() / 1000000000) +
        "\n       UTIME: " + std::to_string((*crashing)["utime_ns"].get<uint64_t>()) +
        "\n       STIME: " + std::to_string((*crashing)["stime_ns"].get<uint64_t>()) + "\n";
    EXPECT_TRUE(times.out.ends_with(expectedTimes)) << times.out;
    EXPECT_NE(times.out.find("\n    RUN TIME: 00:"), std::string::npos) << times.out;
}

INSTANTIATE_TEST_SUITE_P(Kernels, PsOptions,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             return std::string(info.param).substr(0, 4) == "6.1." ? "k6_1"
                                                                                   : "k6_12";
                         });

} // namespace
} // namespace panicscope::testing
