// One crash, triaged: what kind, the title kernel developers would give it, the guilty frame,
// the task and CPU, the frames below the reporting machinery, a stable signature, and what else
// matters (blocked tasks, earlier reports). Plain values, built from a dump (dump_triage.h) or
// from console text (console_triage.h); `triage --json` prints one per line.
#pragma once

#include "triage/crash_kind.h"
#include "triage/lock_holders.h"
#include "triage/report_section.h"
#include "triage/signature.h"
#include "triage/trace_frame.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::triage {

// Version of the JSON record (docs/json-schema.md): bumped on any change that is not an
// addition.
inline constexpr int kCrashReportSchema = 1;

// How many reports before the fatal one `earlier` lists (the newest ones).
inline constexpr size_t kMaxEarlierReports = 64;

struct ReportTask {
    int32_t pid = 0;
    std::string comm;
};

// A task besides the crashing one that matters: a blocked task of a hung-task report.
struct RelatedTask {
    int32_t pid = 0;
    std::string comm;
    char state = '?';
    std::vector<std::string> frames; // function names, top first
};

// A report in the log before the fatal one (a WARNING before the panic).
struct EarlierReport {
    CrashKind kind = CrashKind::Panic;
    std::string title;
    std::string signature;
};

// Where a dump's report took its frames from: the task whose unwound stack they were cut from
// (the crashing task, or a hung-task report's blocked task) and the index of frames[0] in that
// task's trace (Session::backtrace's frames), so a front end can show the frame in the stack.
struct FramesOrigin {
    uint64_t taskAddress = 0; // the task_struct
    int32_t pid = 0;
    size_t firstFrame = 0;
};

struct CrashReport {
    std::string source; // "dump" or "console"
    std::string path;   // the dump or console file
    CrashKind kind = CrashKind::Panic;
    std::string title;
    std::string message;                     // the report's first line as the kernel printed it
    std::optional<std::string> panicMessage; // "Kernel panic - not syncing: " text
    std::optional<unsigned> cpu;
    std::optional<ReportTask> task; // the task that was running when the kernel went down
    // When it went down: the timekeeper's wall clock (UTC seconds since the epoch), from a dump.
    std::optional<int64_t> crashTime;
    CrashContext context = CrashContext::Unknown;
    std::optional<uint64_t> faultAddress;
    std::optional<std::string> guiltyFunction;
    std::optional<std::string> guiltyModule;
    std::optional<std::string> taint; // taint letters ("OE"), "" when not tainted
    std::vector<TraceFrame> frames;   // from the guilty frame down, machinery cut off
    // Null from console text, or when the log's Call Trace stood in for an unwound stack.
    std::optional<FramesOrigin> framesOrigin;
    Signature signature;
    std::vector<RelatedTask> blockedTasks;
    // Who holds the locks blocked tasks sleep on (lock_holders.h): the kernel's blocker lines,
    // lockdep's list, and from a dump the mutex_waiter on each blocked task's stack.
    std::vector<LockHolder> lockHolders;
    std::vector<TaskLocks> heldLocks; // lockdep's "Showing all locks held in the system:"
    std::vector<EarlierReport> earlier;
    bool corrupted = false;
    std::vector<std::string> problems; // why corrupted
    std::vector<std::string> warnings; // what did not stop the report but may make it partial
    // What triage rules beyond the built-in ones said (plugins): the rule that claimed the
    // crash, and the sections rules added.
    std::optional<std::string> claimedBy;
    std::vector<ReportSection> sections;
};

// "BUG: soft lockup" + "psc_softlockup" -> "BUG: soft lockup in psc_softlockup"; the stem
// alone without a guilty function.
std::string makeTitle(const std::string& stem, const std::optional<std::string>& guilty);

// The context the guilty frame ran in: its section (IRQ, NMI, task stack), a hard IRQ turned
// softirq when softirq processing called it, pid 0 (swapper/N) idle.
CrashContext guiltyContext(const std::vector<TraceFrame>& frames, size_t guilty,
                           const std::optional<ReportTask>& task);

} // namespace panicscope::triage
