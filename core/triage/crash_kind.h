// What kind of crash a report is, and in which context the guilty code ran. The string keys are
// part of the `triage --json` contract (docs/json-schema.md).
#pragma once

#include <optional>
#include <string_view>

namespace panicscope::triage {

enum class CrashKind {
    Sysrq,         // sysrq-c: a crash on request
    NullDeref,     // BUG: kernel NULL pointer dereference
    PageFault,     // BUG: unable to handle page fault (paging request)
    Bug,           // kernel BUG at FILE:LINE!, or another "BUG: ..." line
    Warning,       // WARNING: CPU: N PID: P at FILE:LINE
    Gpf,           // general protection fault
    SoftLockup,    // watchdog: BUG: soft lockup - CPU#N stuck
    HardLockup,    // NMI watchdog: Watchdog detected hard LOCKUP
    HungTask,      // INFO: task COMM:PID blocked for more than N seconds
    RcuStall,      // rcu: INFO: rcu_preempt detected stalls
    Oom,           // an out-of-memory report (the oom-killer or a panic on OOM)
    Nmi,           // an NMI the kernel did not expect (unknown reason, SERR, IOCK)
    DoubleFault,   // double fault
    StackOverflow, // BUG: TASK stack guard page was hit
    Kasan,         // BUG: KASAN: ...
    Ubsan,         // UBSAN: ...
    Panic,         // an explicit panic() with its message and no other report
    Oops,          // an "Oops:" line whose header line is missing (a cut report)
};

// "sysrq", "null_deref", "page_fault", "bug", "warning", "gpf", "soft_lockup", "hard_lockup",
// "hung_task", "rcu_stall", "oom", "nmi", "double_fault", "stack_overflow", "kasan", "ubsan",
// "panic", "oops".
std::string_view crashKindKey(CrashKind kind);
std::optional<CrashKind> crashKindFromKey(std::string_view key);

// Where the guilty code ran.
enum class CrashContext { Process, Softirq, Hardirq, Nmi, Idle, Unknown };
// "process", "softirq", "hardirq", "nmi", "idle", "unknown".
std::string_view crashContextKey(CrashContext context);

} // namespace panicscope::triage
