// The scale scenario (testdata/generate.sh: 3000 extra sleeping processes in four kinds of wait,
// no sysrq-t): every task's stack completes, and tasks waiting the same way have the same frames,
// however many there are.
#include "dump_manifest.h"
#include "run_cli.h"
#include "stack_bottom.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace panicscope::testing {
namespace {

using nlohmann::json;

std::string functions(const json& task) {
    std::string s;
    for (const auto& f : task["frames"])
        if (!f["inline"].get<bool>() && !f["user"].get<bool>())
            s += (f["function"].is_null() ? std::string("?") : f["function"].get<std::string>()) +
                 " ";
    return s;
}

class ScaleDump : public ::testing::TestWithParam<const char*> {};

TEST_P(ScaleDump, EveryTaskUnwindsAndEqualWaitsGiveEqualStacks) {
    const auto& row = manifestRow(GetParam(), "scale", "kdump", "kdump-zlib");
    const auto r = runCli({"bt", "--all", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const json tasks = json::parse(r.out)["tasks"];
    ASSERT_GE(tasks.size(), 3750u); // 3000 + the 750 shells' sleep children + the base workload
    // comm -> frames -> how many tasks
    std::map<std::string, std::map<std::string, int>> stacks;
    for (const auto& t : tasks) {
        EXPECT_EQ(t["status"], "complete") << "pid " << t["pid"] << ": " << t["reason"];
        EXPECT_TRUE(endsAtStackBottom(t)) << "pid " << t["pid"] << " ends in " << lastFunction(t);
        ++stacks[t["comm"].get<std::string>()][functions(t)];
    }
    // Each kind of wait: 750 from the scale loop (+1 of the base workload for sleep and dd; the
    // 750 shells' sleep children for sleep), all with one and the same stack.
    const std::pair<const char*, std::pair<const char*, int>> waits[] = {
        {"sleep", {" do_nanosleep ", 1501}},
        {"dd", {" pipe_read ", 751}},
        {"sh", {" do_wait ", 750}},
        {"cat", {" fifo_open ", 750}}};
    for (const auto& [comm, expected] : waits) {
        const auto& [function, count] = expected;
        int matching = 0, distinct = 0;
        for (const auto& [frames, n] : stacks[comm])
            if (frames.find(function) != std::string::npos) {
                matching += n;
                ++distinct;
            }
        EXPECT_EQ(matching, count) << comm << " tasks in" << function;
        EXPECT_EQ(distinct, 1) << comm << " tasks in" << function << " have different stacks";
    }
}

// Debian kernels only: the generator makes no scale dump of the frame-pointer kernel.
INSTANTIATE_TEST_SUITE_P(Generated, ScaleDump, ::testing::Values(kKernels[0], kKernels[1]),
                         [](const auto& info) {
                             return caseName({info.param, "scale", "kdump", "kdump-zlib"});
                         });

} // namespace
} // namespace panicscope::testing
