// The text of `ps -l`, `-p`, `-c` and `-t`, in crash's shapes: each task as crash's header line
// `PID: 1       TASK: ffff...  CPU: 0   COMMAND: "init"`.
#pragma once

#include "model/values.h"

#include <optional>
#include <ostream>
#include <vector>

namespace panicscope::report {

// ps -l: "[LAST_RUN_NS] [ST]  PID: ..." per task, in the order given (most recent first), the
// timestamps right-aligned. ST is crash's two letters: RU IN UN ST TR DE ZO PA ID.
void printLastRun(std::ostream& out, const std::vector<model::TaskRow>& tasks);
// ps -p: the chain from the oldest ancestor down, each generation indented one more space.
void printParentChain(std::ostream& out, const std::vector<model::TaskRow>& chain);
// ps -c: the task, then each child indented by two, or "  (no children)".
void printChildren(std::ostream& out, const model::TaskRow& task,
                   const std::vector<model::TaskRow>& children);
// ps -t: the task, then RUN TIME (the uptime less its start: "[N days, ]HH:MM:SS"), START TIME
// (seconds after boot), UTIME and STIME (ns), as crash prints them.
void printRunTimes(std::ostream& out, const model::TaskRow& task,
                   std::optional<double> uptimeSeconds);

} // namespace panicscope::report
