// The columns the task table, the task tree and the per-CPU view share: one TaskRow (plus its
// stack status once unwound) as cells, in the words `ps` and `bt` use.
#pragma once

#include "model/values.h"

#include <QString>
#include <QVariant>

namespace panicscope::gui {

enum TaskColumn { Mark, Pid, Tgid, Ppid, Comm, State, Cpu, OnCpu, StackStatus, TaskColumnCount };

// Roles every task model answers besides the display ones.
enum TaskRole {
    TaskSortRole = Qt::UserRole + 1, // numbers for the numeric columns
    TaskIndexRole,                   // the task's index in the dump's task list (size_t)
};

// '*' the crashing task, '>' another CPU's current task: as ps marks them.
QString taskMark(const model::TaskRow& task);
// `status` is walkStatusKey() of the task's stack, empty until it is unwound.
QVariant taskCell(const model::TaskRow& task, const QString& status, int column, int role);
QVariant taskHeader(int column, int role);

} // namespace panicscope::gui
