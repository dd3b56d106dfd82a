// Kernel crash reports in text: the one parser for a console capture, netconsole, pstore,
// `dmesg`, `journalctl -k` and a dump's own log. It finds each report's header line (BUG:,
// kernel BUG at, WARNING:, general protection fault, soft lockup, hung task, RCU stall, OOM,
// NMI, KASAN, UBSAN, sysrq, Kernel panic), the CPU/PID/Comm line, the taint, the fault address,
// and the frames of its Call Trace; it skips lines of other origin in between (and says so) and
// flags a report cut short.
#pragma once

#include "triage/crash_kind.h"
#include "triage/lock_holders.h"
#include "triage/trace_frame.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::plugin {
class Registry;
struct TriageRule;
} // namespace panicscope::plugin

namespace panicscope::triage {

// A task a hung-task report names, with its stack.
struct BlockedTask {
    int32_t pid = 0;
    std::string comm;
    std::vector<TraceFrame> frames;
};

struct ParsedReport {
    CrashKind kind = CrashKind::Panic;
    std::string header; // the line that opened the report, as printed
    std::string stem;   // the title before " in FUNC": "BUG: soft lockup", "kernel BUG", ...
    std::optional<std::string> panicMessage; // the "Kernel panic - not syncing: " text
    std::optional<uint64_t> faultAddress;
    std::optional<unsigned> cpu; // from the "CPU: N PID: P Comm: C" line
    std::optional<int32_t> pid;
    std::string comm;
    std::optional<std::string> taint; // the taint letters ("OE"), "" for "Not tainted"
    // The crashing stack, top first: the "RIP:" function, then the Call Trace's reliable frames
    // ("?" guesses left out). For a hung task: the first blocked task's.
    std::vector<TraceFrame> frames;
    std::vector<BlockedTask> blocked; // hung task: every task the report names
    // The kernel's hung-task blocker lines (with the holder's stack printed after each), and
    // lockdep's held-locks list printed inside the report.
    std::vector<LockHolder> lockHolders;
    std::vector<TaskLocks> heldLocks;
    bool ended = false; // its "---[ end trace" line was seen
    bool corrupted = false;
    std::vector<std::string> problems; // why corrupted, one phrase each
};

// Bounds against a hostile or endless log: the newest reports of a boot kept, the tasks one
// hung-task report names, the frames of one stack.
inline constexpr size_t kMaxReportsKept = 1024;
inline constexpr size_t kMaxNamedBlockedTasks = 256;
inline constexpr size_t kMaxFramesPerStack = 4096;

struct ConsoleParse {
    // The reports of the boot that crashed (the last one with a fatal report), in order.
    std::vector<ParsedReport> reports;
    std::optional<size_t> fatal; // the one that brought the kernel down: usually the last
    size_t boots = 0;            // "Linux version" lines seen (a kdump console holds two)
};

// Parses text lines (with any prefixes stripConsolePrefix() knows), naming headers by the
// registry's triage rules (without one: the built-in rules).
ConsoleParse parseConsoleLines(const std::vector<std::string>& lines);
ConsoleParse parseConsoleLines(const std::vector<std::string>& lines,
                               const plugin::Registry& registry);
// The same over one text, split at newlines.
ConsoleParse parseConsoleText(std::string_view text);
ConsoleParse parseConsoleText(std::string_view text, const plugin::Registry& registry);

// The kind a bare panic message stands for ("sysrq triggered crash" -> Sysrq, "softlockup: hung
// tasks" -> SoftLockup, an oops' first line -> its kind, ...), for a dump without its report in
// the log; with the title stem it implies.
struct KindAndStem {
    CrashKind kind;
    std::string stem;
    std::optional<uint64_t> faultAddress;
};
KindAndStem classifyPanicMessage(std::string_view message);
KindAndStem classifyPanicMessage(std::string_view message,
                                 const std::vector<plugin::TriageRule>& rules);

} // namespace panicscope::triage
