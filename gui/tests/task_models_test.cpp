// The task table, the task tree and their filter on a hand-made task list.
#include "fake_values.h"
#include "task_filter.h"
#include "task_model.h"
#include "task_tree_model.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>

namespace panicscope::gui::testing {
namespace {

using Tester = QAbstractItemModelTester;
constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

QString cell(const QAbstractItemModel& m, int row, int column, const QModelIndex& parent = {}) {
    return m.index(row, column, parent).data().toString();
}

TEST(TaskModel, ShowsEveryTaskAsPsDoesAndFillsInStatuses) {
    TaskModel model;
    Tester tester(&model, kFatal);
    model.setTasks(fakeTasks());
    ASSERT_EQ(model.rowCount(), 8);
    EXPECT_EQ(cell(model, 6, Mark), "*");
    EXPECT_EQ(cell(model, 1, Mark), ">");
    EXPECT_EQ(cell(model, 2, Mark), "");
    EXPECT_EQ(cell(model, 3, Comm), "[kthreadd]"); // kernel threads bracketed, as ps does
    EXPECT_EQ(cell(model, 7, Tgid), "101");
    EXPECT_EQ(cell(model, 6, OnCpu), "on CPU");
    EXPECT_EQ(cell(model, 6, StackStatus), ""); // not unwound yet
    model.setStatuses({{6, "complete"}, {7, "unreliable"}});
    EXPECT_EQ(cell(model, 6, StackStatus), "complete");
    EXPECT_EQ(cell(model, 7, StackStatus), "unreliable");
    EXPECT_EQ(model.index(7, 0).data(TaskIndexRole).value<size_t>(), 7u);
}

TEST(TaskTreeModel, ThreadsUnderTheirProcessAndProcessesUnderTheirParent) {
    TaskTreeModel model;
    Tester tester(&model, kFatal);
    model.setTasks(fakeTasks());
    // Roots: both idle tasks, init and kthreadd (ppid 0).
    ASSERT_EQ(model.rowCount(), 4);
    EXPECT_EQ(cell(model, 2, Comm), "init");
    const QModelIndex init = model.index(2, 0);
    ASSERT_EQ(model.rowCount(init), 1);
    const QModelIndex sh = model.index(0, 0, init);
    EXPECT_EQ(cell(model, 0, Comm, init), "sh");
    ASSERT_EQ(model.rowCount(sh), 1); // the thread is under its process, not under sh
    const QModelIndex crasher = model.index(0, 0, sh);
    EXPECT_EQ(crasher.siblingAtColumn(Pid).data().toInt(), 101);
    ASSERT_EQ(model.rowCount(crasher), 1);
    EXPECT_EQ(model.index(0, Pid, crasher).data().toInt(), 102);
    EXPECT_EQ(model.parent(model.index(0, Pid, crasher)), crasher);
    EXPECT_EQ(model.indexOfTask(7, Pid), model.index(0, Pid, crasher));
    EXPECT_EQ(cell(model, 0, Comm, model.index(3, 0)), "[kworker/0:1]");
    model.setStatuses({{7, "truncated"}});
    EXPECT_EQ(model.index(0, StackStatus, crasher).data().toString(), "truncated");
}

TEST(TaskTreeModel, ACycleInADamagedListMakesRoots) {
    auto tasks = fakeTasks();
    tasks[5].ppid = 101; // sh's parent is its own child now
    TaskTreeModel model;
    Tester tester(&model, kFatal);
    model.setTasks(tasks);
    size_t shown = 0;
    std::function<void(const QModelIndex&)> count = [&](const QModelIndex& parent) {
        for (int r = 0; r < model.rowCount(parent); ++r) {
            ++shown;
            count(model.index(r, 0, parent));
        }
    };
    count({});
    EXPECT_EQ(shown, tasks.size()); // every task is reachable exactly once
}

TEST(TaskQuery, ReadsNumbersStatesOnCpuStatusesAndNames) {
    const auto q = TaskQuery::parse("on CPU R crash 101 unreliable");
    EXPECT_TRUE(q.onCpu);
    EXPECT_EQ(q.states, "R");
    EXPECT_EQ(q.pids, QList<int>{101});
    EXPECT_EQ(q.statuses, QStringList{"unreliable"});
    EXPECT_EQ(q.words, QStringList{"crash"});
    EXPECT_EQ(TaskQuery::parse("d").states, "D"); // no state 'd': the user means D
    EXPECT_EQ(TaskQuery::parse("t").states, "t"); // t (traced) is its own state
    EXPECT_TRUE(TaskQuery::parse("  ").empty());
}

TEST(TaskFilter, FiltersTheTableAndSortsNumbersAsNumbers) {
    TaskModel model;
    model.setTasks(fakeTasks());
    model.setStatuses({{6, "complete"}, {7, "unreliable"}});
    TaskFilter filter;
    filter.setSourceModel(&model);
    Tester tester(&filter, kFatal);
    auto pids = [&] {
        QStringList out;
        for (int r = 0; r < filter.rowCount(); ++r)
            out << cell(filter, r, Pid);
        return out.join(' ');
    };
    filter.setQuery("crash");
    EXPECT_EQ(pids(), "101 102");
    filter.setQuery("101");
    EXPECT_EQ(pids(), "101 102"); // the process and its thread (tgid)
    filter.setQuery("on cpu");
    EXPECT_EQ(pids(), "0 101");
    filter.setQuery("unreliable");
    EXPECT_EQ(pids(), "102");
    filter.setQuery("S");
    EXPECT_EQ(pids(), "1 2 100");
    filter.setQuery("crashing");
    EXPECT_EQ(pids(), "101");
    filter.setQuery("");
    filter.sort(Pid, Qt::DescendingOrder);
    EXPECT_EQ(pids(), "102 101 100 10 2 1 0 0");
}

TEST(TaskFilter, KeepsTheParentsOfMatchesInTheTree) {
    TaskTreeModel model;
    model.setTasks(fakeTasks());
    TaskFilter filter;
    filter.setSourceModel(&model);
    Tester tester(&filter, kFatal);
    filter.setQuery("crasher-thr");
    ASSERT_EQ(filter.rowCount(), 1); // init, then sh, crasher, the thread
    QModelIndex at = filter.index(0, 0);
    for (const char* comm : {"init", "sh", "crasher", "crasher-thr"}) {
        ASSERT_TRUE(at.isValid()) << comm;
        EXPECT_EQ(at.siblingAtColumn(Comm).data().toString(), comm);
        at = filter.index(0, 0, at);
    }
}

} // namespace
} // namespace panicscope::gui::testing
