// Which tasks a request means, by the CLI's rules: the crashing task by default, the given pids,
// every CPU's current task, or all. A pure function over task rows, so every front end (and the
// tests) gets the same answer.
#pragma once

#include "model/values.h"
#include "util/result.h"

#include <vector>

namespace panicscope::model {

// Errc::Usage for a pid no task has, or when no row is marked crashing.
Result<std::vector<TaskRow>> selectTaskRows(const std::vector<TaskRow>& all,
                                            const TaskSelection& selection);

} // namespace panicscope::model
