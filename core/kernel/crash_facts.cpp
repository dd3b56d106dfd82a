#include "kernel/crash_facts.h"

#include <algorithm>
#include <array>
#include <regex>

namespace panicscope::kernel {
namespace {

constexpr std::string_view kPanicPrefix = "Kernel panic - not syncing: ";
// First lines of the kernel's oops and watchdog reports.
constexpr std::array<std::string_view, 8> kOopsHeads = {
    "BUG: ",      "kernel BUG at ", "general protection fault", "Oops: ",
    "watchdog: ", "INFO: task ",    "Unable to handle kernel",  "double fault"};

bool startsWithAny(const std::string& text) {
    for (auto head : kOopsHeads)
        if (text.starts_with(head)) return true;
    return false;
}

std::optional<unsigned> panicCpuFromLog(const KernelLog& log) {
    // "CPU: 1 PID: 83 Comm: crasher ..." (6.1) / "CPU: 1 UID: 0 PID: 83 ..." (6.12).
    static const std::regex cpuLine(R"(^CPU: (\d+) (UID: \d+ )?PID: )");
    for (auto it = log.records.rbegin(); it != log.records.rend(); ++it) {
        std::smatch m;
        if (std::regex_search(it->text, m, cpuLine)) return std::stoul(m[1]);
    }
    return std::nullopt;
}

std::optional<double> uptimeFromTimekeeper(const KernelView& view) {
    // The timekeeper's monotonic base at its last update, plus the boot offset: what
    // ktime_get_boottime() returned at the last tick.
    auto tk = view.address("shadow_timekeeper");
    if (!tk) return std::nullopt;
    auto base = view.readField(*tk, "timekeeper", "tkr_mono.base");
    auto xtimeNsec = view.readField(*tk, "timekeeper", "tkr_mono.xtime_nsec");
    auto shift = view.readField(*tk, "timekeeper", "tkr_mono.shift");
    auto offsBoot = view.readField(*tk, "timekeeper", "offs_boot");
    if (!base || !xtimeNsec || !shift || !offsBoot || *shift >= 64) return std::nullopt;
    const uint64_t ns = *base + (*xtimeNsec >> *shift) + *offsBoot;
    if (ns == 0) return std::nullopt;
    return static_cast<double>(ns) / 1e9;
}

} // namespace

std::string panicMessageFromLog(const KernelLog& log) {
    for (auto it = log.records.rbegin(); it != log.records.rend(); ++it)
        if (it->text.starts_with(kPanicPrefix)) {
            std::string msg = it->text.substr(kPanicPrefix.size());
            return msg.substr(0, msg.find('\n'));
        }
    // No panic line: find the last oops head, then walk back over the heads right before it
    // ("BUG: kernel NULL pointer dereference" comes before "Oops: 0000 [#1]").
    for (auto it = log.records.rbegin(); it != log.records.rend(); ++it) {
        if (!startsWithAny(it->text)) continue;
        auto first = it;
        for (auto prev = std::next(it); prev != log.records.rend() && prev != std::next(it, 6);
             ++prev)
            if (startsWithAny(prev->text)) first = prev;
        return first->text.substr(0, first->text.find('\n'));
    }
    return "";
}

bool crashFactsIn(const KernelLog& newest, bool needCpuLine) {
    const auto& r = newest.records;
    if (needCpuLine && !panicCpuFromLog(newest)) return false;
    if (std::any_of(r.begin(), r.end(),
                    [](const LogRecord& x) { return x.text.starts_with(kPanicPrefix); }))
        return true;
    // The last oops head, with room for the heads panicMessageFromLog looks for before it.
    for (size_t i = r.size(); i-- > 0;)
        if (startsWithAny(r[i].text)) return i >= 6;
    return false;
}

CrashFacts readCrashingTask(const KernelView& view, const TaskList& tasks, const KernelLog* log) {
    CrashFacts facts;
    // panic_cpu is an atomic_t; PANIC_CPU_INVALID (-1) until panic() or crash_kexec() runs.
    if (auto cpu = view.readGlobal("panic_cpu", 4);
        cpu && static_cast<int32_t>(*cpu) >= 0 && *cpu < tasks.currentByCpu.size())
        facts.panicCpu = static_cast<unsigned>(*cpu);
    else if (log)
        facts.panicCpu = panicCpuFromLog(*log);
    if (facts.panicCpu && *facts.panicCpu < tasks.currentByCpu.size() &&
        tasks.currentByCpu[*facts.panicCpu] != 0)
        facts.crashingTask = tasks.currentByCpu[*facts.panicCpu];
    return facts;
}

CrashFacts readCrashFacts(const KernelView& view, const TaskList& tasks, const KernelLog* log) {
    CrashFacts facts = readCrashingTask(view, tasks, log);
    if (log) facts.panicMessage = panicMessageFromLog(*log);
    // The timekeeper stops at the last tick; records printed after it (the panic) are later.
    facts.uptimeSeconds = uptimeFromTimekeeper(view);
    if (log && !log->records.empty()) {
        const double lastRecord = static_cast<double>(log->records.back().timestampNs) / 1e9;
        facts.uptimeSeconds = std::max(facts.uptimeSeconds.value_or(0), lastRecord);
    }
    return facts;
}

} // namespace panicscope::kernel
