// What happened: which CPU panicked, with what message, in which task, after how long.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/printk_log.h"
#include "kernel/tasks.h"

#include <cstdint>
#include <optional>
#include <string>

namespace panicscope::kernel {

struct CrashFacts {
    std::optional<unsigned> panicCpu;
    std::string panicMessage;             // "sysrq triggered crash", or the oops' first line
    std::optional<uint64_t> crashingTask; // task_struct address (the panic CPU's current task)
    std::optional<double> uptimeSeconds;  // the later of the timekeeper and the last log record
};

// The panic message from the log: the text of the last "Kernel panic - not syncing: " record;
// without one (a kdump taken straight from an oops), the first line of the last oops report.
std::string panicMessageFromLog(const KernelLog& log);

// Whether the facts readCrashFacts() takes from the log are all in its `newest` records (a
// suffix of it): its last panic line, or its last oops report's first lines, and, when the
// kernel did not set panic_cpu (`needCpuLine`), its last "CPU: N PID:" line.
bool crashFactsIn(const KernelLog& newest, bool needCpuLine);

CrashFacts readCrashFacts(const KernelView& view, const TaskList& tasks, const KernelLog* log);

// Only the panic CPU and its current task, from panic_cpu, falling back to the log's panic
// records when it is unset: cheap when the log is not needed (ps and bt mark the crashing task
// without reading an 8 MB ring buffer). `log` may be null.
CrashFacts readCrashingTask(const KernelView& view, const TaskList& tasks, const KernelLog* log);

} // namespace panicscope::kernel
