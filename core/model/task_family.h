// A task's parents and children, and the tasks by when they last ran: what crash's `ps -p`,
// `ps -c` and `ps -l` show. Pure functions over task rows, bounded whatever the rows say.
#pragma once

#include "model/values.h"

#include <vector>

namespace panicscope::model {

// The task's ancestors by ppid down to it: [pid 0, init, ..., task]. A parent that is not in
// the rows (or a loop in damaged data) ends the chain at the oldest ancestor found.
std::vector<TaskRow> parentChain(const std::vector<TaskRow>& all, const TaskRow& task);

// The processes whose parent is `task`'s process, by pid: thread group leaders only, as the
// kernel's own children list holds them.
std::vector<TaskRow> childrenOf(const std::vector<TaskRow>& all, const TaskRow& task);

// The rows, the most recently run first (ties by pid).
std::vector<TaskRow> byLastRun(std::vector<TaskRow> rows);

} // namespace panicscope::model
