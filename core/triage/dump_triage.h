// Triage of an opened dump: the facts the Session knows (the crashing task's unwound stack, the
// panic message and CPU, the tasks) joined with the dump's own kernel log read by the same
// parser as a console, so a dump and its console get the same title.
#pragma once

#include "model/session.h"
#include "triage/crash_report.h"
#include "util/result.h"

namespace panicscope::plugin {
class Registry;
}

namespace panicscope::triage {

// How many blocked (D-state) tasks a hung-task report lists with their stacks.
inline constexpr size_t kMaxBlockedTasks = 32;

// The unwound kernel frames as triage frames (the user-mode frame left out).
std::vector<TraceFrame> traceFrames(const unwind::StackTrace& trace);

// With the built-in triage rules, or with a registry's (plugins' rules too).
Result<CrashReport> triageDump(const model::Session& session);
Result<CrashReport> triageDump(const model::Session& session, const plugin::Registry& registry);

} // namespace panicscope::triage
