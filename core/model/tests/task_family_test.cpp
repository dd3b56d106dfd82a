#include "model/task_family.h"

#include <gtest/gtest.h>

namespace panicscope::model {
namespace {

TaskRow task(int32_t pid, int32_t tgid, int32_t ppid, uint64_t lastRun = 0) {
    TaskRow t;
    t.pid = pid;
    t.tgid = tgid;
    t.ppid = ppid;
    t.lastRunNs = lastRun;
    return t;
}

std::vector<int32_t> pids(const std::vector<TaskRow>& rows) {
    std::vector<int32_t> out;
    for (const auto& r : rows)
        out.push_back(r.pid);
    return out;
}

const std::vector<TaskRow> kRows = {task(0, 0, 0),    task(0, 0, 0),   task(1, 1, 0),
                                    task(2, 2, 0),    task(50, 50, 1), task(51, 50, 1),
                                    task(60, 60, 50), task(3, 3, 2)};

TEST(TaskFamily, ParentsGoDownFromPidZeroThroughProcesses) {
    EXPECT_EQ(pids(parentChain(kRows, kRows[6])), (std::vector<int32_t>{0, 1, 50, 60}));
    // A thread's parent is its process's parent.
    EXPECT_EQ(pids(parentChain(kRows, kRows[5])), (std::vector<int32_t>{0, 1, 51}));
    EXPECT_EQ(pids(parentChain(kRows, kRows[0])), std::vector<int32_t>{0});
}

TEST(TaskFamily, AParentLoopOrAMissingParentEndsTheChain) {
    const std::vector<TaskRow> loop = {task(7, 7, 8), task(8, 8, 7)};
    EXPECT_EQ(pids(parentChain(loop, loop[0])), (std::vector<int32_t>{8, 7}));
    const std::vector<TaskRow> orphan = {task(9, 9, 1234)};
    EXPECT_EQ(pids(parentChain(orphan, orphan[0])), std::vector<int32_t>{9});
}

TEST(TaskFamily, ChildrenAreProcessesNotThreads) {
    EXPECT_EQ(pids(childrenOf(kRows, kRows[2])), std::vector<int32_t>{50});
    EXPECT_EQ(pids(childrenOf(kRows, kRows[0])), (std::vector<int32_t>{1, 2}));
    EXPECT_TRUE(childrenOf(kRows, kRows[6]).empty());
}

TEST(TaskFamily, LastRunMostRecentFirstTiesByPid) {
    const std::vector<TaskRow> rows = {task(5, 5, 1, 10), task(3, 3, 1, 30), task(4, 4, 1, 10)};
    EXPECT_EQ(pids(byLastRun(rows)), (std::vector<int32_t>{3, 4, 5}));
}

} // namespace
} // namespace panicscope::model
