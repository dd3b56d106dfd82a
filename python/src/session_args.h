// Python arguments turned into the core's: paths (str or os.PathLike, one or a list), a task
// given as a TaskRow or a pid, a task selection by the CLI's rules.
#pragma once

#include "model/session.h"

#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

namespace panicscope::python {

// None -> {}, a path -> {path}, an iterable of paths -> each (os.fspath for PathLike).
std::vector<std::string> pathList(const pybind11::handle& paths);
std::string pathText(const pybind11::handle& path);

// A TaskRow as it is, or the task with a pid (UsageError when no task has it).
model::TaskRow taskOf(const model::Session& session, const pybind11::handle& taskOrPid);

// select_tasks(): pids (an int or ints), all, active (every CPU's current task) or, by default,
// the crashing task; then only those in one of `states` ("DS") and named one of `comms`. With
// only `states` or `comms`, of every task (as `bt --state D`).
struct TaskFilter {
    pybind11::object pids;
    bool all = false;
    bool active = false;
    std::optional<std::string> states;
    pybind11::object comms; // None, a str or an iterable of str
};
std::vector<model::TaskRow> selectTasks(const model::Session& session, const TaskFilter& filter);

} // namespace panicscope::python
