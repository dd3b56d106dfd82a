// The CLI's task rules as every front end gets them, on hand-made rows.
#include "model/task_selection.h"

#include <gtest/gtest.h>

namespace panicscope::model {
namespace {

std::vector<TaskRow> rows() {
    auto row = [](int32_t pid, uint32_t cpu, bool onCpu, bool crashing) {
        TaskRow r;
        r.pid = r.tgid = pid;
        r.address = 0xffff888000000000 + static_cast<uint64_t>(pid) * 0x1000 + cpu;
        r.cpu = cpu;
        r.onCpu = onCpu;
        r.crashing = crashing;
        return r;
    };
    return {row(0, 0, false, false), row(0, 1, true, false), row(1, 0, false, false),
            row(98, 0, true, true), row(104, 1, false, false)};
}

std::vector<int32_t> pids(const Result<std::vector<TaskRow>>& r) {
    std::vector<int32_t> out;
    for (const auto& t : *r)
        out.push_back(t.pid);
    return out;
}

TEST(TaskSelection, DefaultsToTheCrashingTask) {
    auto r = selectTaskRows(rows(), {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(pids(r), std::vector<int32_t>{98});
}

TEST(TaskSelection, UnknownCrashingTaskIsAUsageError) {
    auto list = rows();
    list[3].crashing = false;
    auto r = selectTaskRows(list, {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::Usage);
    EXPECT_EQ(r.error().message, "the crashing task is unknown; name a pid, or use -a");
}

// By CPU, as crash's bt -a: here CPU 0's task has the higher pid.
TEST(TaskSelection, EveryCpusCurrentTaskInCpuOrderAndAll) {
    auto current = selectTaskRows(rows(), {TaskSelection::Kind::CpuCurrent, {}});
    ASSERT_TRUE(current);
    EXPECT_EQ(pids(current), (std::vector<int32_t>{98, 0}));
    EXPECT_EQ((*current)[0].cpu, 0u);
    EXPECT_EQ((*current)[1].cpu, 1u);
    EXPECT_EQ(pids(selectTaskRows(rows(), {TaskSelection::Kind::All, {}})).size(), 5u);
}

TEST(TaskSelection, PidsInTheOrderGivenAndPidZeroMeansEveryIdleTask) {
    auto r = selectTaskRows(rows(), {TaskSelection::Kind::Pids, {104, 0, 1}});
    ASSERT_TRUE(r);
    EXPECT_EQ(pids(r), (std::vector<int32_t>{104, 0, 0, 1}));
    auto missing = selectTaskRows(rows(), {TaskSelection::Kind::Pids, {1, 9999}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "no task with pid 9999");
}

// bt 1 9999 8888: what exists, and which pids do not.
TEST(TaskSelection, AvailableTasksListTheMissingPidsInsteadOfFailing) {
    auto r = selectAvailableTaskRows(rows(), {TaskSelection::Kind::Pids, {1, 9999, 104, 8888}});
    ASSERT_TRUE(r) << r.error().message;
    std::vector<int32_t> found;
    for (const auto& t : r->tasks)
        found.push_back(t.pid);
    EXPECT_EQ(found, (std::vector<int32_t>{1, 104}));
    EXPECT_EQ(r->missingPids, (std::vector<int32_t>{9999, 8888}));
    auto none = selectAvailableTaskRows(rows(), {TaskSelection::Kind::Pids, {9999}});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->tasks.empty());
    EXPECT_EQ(none->missingPids, std::vector<int32_t>{9999});
}

} // namespace
} // namespace panicscope::model
