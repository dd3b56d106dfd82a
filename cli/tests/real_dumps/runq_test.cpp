// runq on real dumps: each CPU's current task is bt -a's (ps's on-CPU task), its queued tasks
// are runnable tasks of that CPU, and the queues are drgn's reading of the same rq
// (drgn_oracle.py's run_queues), in the same order.
#include "drgn_facts.h"
#include "dump_manifest.h"
#include "run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace panicscope::testing {
namespace {

struct DrgnQueue {
    std::string current, rt, cfs; // addresses, comma-separated, "-" when empty
};

std::string joined(const nlohmann::json& addresses) {
    std::string out;
    for (const auto& a : addresses)
        out += (out.empty() ? "" : ",") + a.get<std::string>();
    return out.empty() ? "-" : out;
}

std::map<unsigned, DrgnQueue> drgnQueues(const DumpRow& row) {
    std::map<unsigned, DrgnQueue> out;
    for (const auto& q : drgnFacts(row)["run_queues"])
        out[q["cpu"].get<unsigned>()] = {q["current"].get<std::string>(), joined(q["rt"]),
                                         joined(q["cfs"])};
    return out;
}

std::string addresses(const nlohmann::json& queue) {
    std::string out;
    for (const auto& q : queue)
        out += (out.empty() ? "" : ",") + q["task"].get<std::string>();
    return out.empty() ? "-" : out;
}

nlohmann::json jsonOf(const std::string& verb, const DumpRow& row) {
    auto r = runCli({verb, "--json", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 0) << r.err;
    return nlohmann::json::parse(r.out);
}

class Runq : public ::testing::TestWithParam<const char*> {};

TEST_P(Runq, CurrentIsOnCpuQueuedAreRunnableAndAllEqualDrgn) {
    const std::string kernel = GetParam();
    // The scale dump of 6.12 has two tasks waiting on one CPU.
    const auto& row =
        manifestRow(kernel, kernel == kMainKernel ? "process" : "scale", "kdump", "kdump-zlib");
    const auto runq = jsonOf("runq", row);
    const auto ps = jsonOf("ps", row);
    std::map<std::string, nlohmann::json> byTask;
    std::map<unsigned, std::string> onCpu;
    for (const auto& t : ps["tasks"]) {
        byTask[t["task"]] = t;
        if (t["on_cpu"].get<bool>()) onCpu[t["cpu"].get<unsigned>()] = t["task"];
    }
    const auto drgn = drgnQueues(row);
    ASSERT_EQ(runq["cpus"].size(), drgn.size());
    size_t queued = 0;
    for (const auto& q : runq["cpus"]) {
        const unsigned cpu = q["cpu"];
        SCOPED_TRACE("CPU " + std::to_string(cpu));
        EXPECT_EQ(q["current"]["task"], onCpu[cpu]);
        ASSERT_TRUE(drgn.contains(cpu));
        EXPECT_EQ(q["current"]["task"], drgn.at(cpu).current);
        EXPECT_EQ(addresses(q["rt"]), drgn.at(cpu).rt);
        EXPECT_EQ(addresses(q["cfs"]), drgn.at(cpu).cfs);
        for (const char* kind : {"rt", "cfs"})
            for (const auto& t : q[kind]) {
                ++queued;
                ASSERT_TRUE(byTask.contains(t["task"])) << t;
                const auto& task = byTask[t["task"]];
                EXPECT_EQ(task["state"], "R") << task;
                EXPECT_EQ(task["cpu"], cpu) << task;
                EXPECT_EQ(task["pid"], t["pid"]) << task;
            }
    }
    EXPECT_GT(queued, 0u); // the dumps have tasks waiting: the check above is not vacuous
    EXPECT_EQ(runq["warnings"].size(), 0u) << runq["warnings"];
}

INSTANTIATE_TEST_SUITE_P(Kernels, Runq,
                         ::testing::Values(kMainKernel, "6.12.117+deb12-cloud-amd64"),
                         [](const auto& info) {
                             return std::string(info.param).substr(0, 4) == "6.1." ? "k6_1"
                                                                                   : "k6_12";
                         });

} // namespace
} // namespace panicscope::testing
