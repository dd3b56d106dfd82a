// Which tasks a request means, by the CLI's rules: the crashing task by default, the given pids,
// every CPU's current task, or all. A pure function over task rows, so every front end (and the
// tests) gets the same answer.
#pragma once

#include "model/values.h"
#include "util/result.h"

#include <vector>

namespace panicscope::model {

// Every CPU's current task comes in CPU order (as crash's `bt -a`), the pids in the order given.
// Errc::Usage only when no row is marked crashing (the default selection).
Result<SelectedTasks> selectAvailableTaskRows(const std::vector<TaskRow>& all,
                                              const TaskSelection& selection);

// The same, all or nothing: Errc::Usage also for the first pid no task has.
Result<std::vector<TaskRow>> selectTaskRows(const std::vector<TaskRow>& all,
                                            const TaskSelection& selection);

// "no task with pid 9999": what both say of a missing pid.
std::string noTaskWithPid(int32_t pid);

} // namespace panicscope::model
