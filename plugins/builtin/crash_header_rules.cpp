#include "builtin_rules.h"

#include "triage/report_lines.h"

namespace panicscope::builtin {

using triage::CrashKind;
using triage::cutAtFirst;
using triage::KindAndStem;
using triage::parseHexNumber;
using triage::textAfter;

namespace {

using Classify = std::optional<KindAndStem> (*)(std::string_view line);

std::optional<KindAndStem> nullDeref(std::string_view t) {
    if (t.starts_with("BUG: kernel NULL pointer dereference"))
        return KindAndStem{CrashKind::NullDeref,
                           "BUG: unable to handle kernel NULL pointer dereference",
                           parseHexNumber(textAfter(t, "address: "))};
    if (t.starts_with("BUG: unable to handle kernel NULL pointer dereference"))
        return KindAndStem{CrashKind::NullDeref,
                           "BUG: unable to handle kernel NULL pointer dereference",
                           parseHexNumber(textAfter(t, " at "))};
    return std::nullopt;
}

std::optional<KindAndStem> pageFault(std::string_view t) {
    if (t.starts_with("BUG: unable to handle page fault for address: "))
        return KindAndStem{CrashKind::PageFault, "BUG: unable to handle kernel paging request",
                           parseHexNumber(textAfter(t, "address: "))};
    if (t.starts_with("BUG: unable to handle kernel paging request"))
        return KindAndStem{CrashKind::PageFault, "BUG: unable to handle kernel paging request",
                           parseHexNumber(textAfter(t, " at "))};
    return std::nullopt;
}

std::optional<KindAndStem> kasan(std::string_view t) {
    if (!t.starts_with("BUG: KASAN: ")) return std::nullopt;
    return KindAndStem{CrashKind::Kasan,
                       "KASAN: " + std::string(cutAtFirst(t.substr(12), {" in ", " on "})),
                       std::nullopt};
}

std::optional<KindAndStem> stackOverflow(std::string_view t) {
    if (t.find("stack guard page was hit") == std::string_view::npos) return std::nullopt;
    return KindAndStem{CrashKind::StackOverflow, "BUG: stack guard page was hit", std::nullopt};
}

std::optional<KindAndStem> softLockup(std::string_view t) {
    if (t.find("BUG: soft lockup") == std::string_view::npos) return std::nullopt;
    return KindAndStem{CrashKind::SoftLockup, "BUG: soft lockup", std::nullopt};
}

// Any other "BUG: WHAT": titled by WHAT up to its first detail.
std::optional<KindAndStem> otherBug(std::string_view t) {
    if (!t.starts_with("BUG: ")) return std::nullopt;
    return KindAndStem{CrashKind::Bug,
                       "BUG: " +
                           std::string(cutAtFirst(t.substr(5), {":", ",", " at ", " - ", ";"})),
                       std::nullopt};
}

std::optional<KindAndStem> kernelBug(std::string_view t) {
    if (!t.starts_with("kernel BUG at ")) return std::nullopt;
    return KindAndStem{CrashKind::Bug, "kernel BUG", {}};
}

std::optional<KindAndStem> warning(std::string_view t) {
    if (!t.starts_with("WARNING: ")) return std::nullopt;
    return KindAndStem{CrashKind::Warning, "WARNING", {}};
}

std::optional<KindAndStem> gpf(std::string_view t) {
    if (!t.starts_with("general protection fault")) return std::nullopt;
    return KindAndStem{CrashKind::Gpf, "general protection fault", {}};
}

std::optional<KindAndStem> hardLockup(std::string_view t) {
    if (t.find("Watchdog detected hard LOCKUP") == std::string_view::npos) return std::nullopt;
    return KindAndStem{CrashKind::HardLockup, "BUG: hard lockup", {}};
}

std::optional<KindAndStem> hungTask(std::string_view t) {
    if (!t.starts_with("INFO: task ") ||
        t.find(" blocked for more than ") == std::string_view::npos)
        return std::nullopt;
    return KindAndStem{CrashKind::HungTask, "INFO: task hung", {}};
}

std::optional<KindAndStem> rcuStall(std::string_view t) {
    if (t.find("rcu") == std::string_view::npos ||
        t.find("detected stall") == std::string_view::npos)
        return std::nullopt;
    return KindAndStem{CrashKind::RcuStall, "INFO: rcu detected stall", {}};
}

std::optional<KindAndStem> oom(std::string_view t) {
    if (t.find(" invoked oom-killer: ") == std::string_view::npos &&
        !t.starts_with("Out of memory and no killable processes"))
        return std::nullopt;
    return KindAndStem{CrashKind::Oom, "Out of memory", {}};
}

std::optional<KindAndStem> nmi(std::string_view t) {
    if (t.starts_with("Uhhuh. NMI received for unknown reason"))
        return KindAndStem{CrashKind::Nmi, "NMI received for unknown reason", {}};
    if (t.starts_with("NMI: PCI system error") || t.starts_with("NMI: IOCK error"))
        return KindAndStem{CrashKind::Nmi, std::string(cutAtFirst(t, {" (", " for "})), {}};
    return std::nullopt;
}

std::optional<KindAndStem> doubleFault(std::string_view t) {
    if (!t.starts_with("PANIC: double fault")) return std::nullopt;
    return KindAndStem{CrashKind::DoubleFault, "double fault", {}};
}

std::optional<KindAndStem> ubsan(std::string_view t) {
    if (!t.starts_with("UBSAN: ")) return std::nullopt;
    return KindAndStem{
        CrashKind::Ubsan, "UBSAN: " + std::string(cutAtFirst(t.substr(7), {" in "})), {}};
}

std::optional<KindAndStem> sysrq(std::string_view t) {
    if (!t.ends_with("sysrq: Trigger a crash") && !t.ends_with("SysRq : Trigger a crash"))
        return std::nullopt;
    return KindAndStem{CrashKind::Sysrq, "sysrq triggered crash", {}};
}

struct HeaderRow {
    const char* name;
    const char* summary;
    Classify classify;
};

// In the order they are tried: the specific "BUG: ..." lines before any other "BUG: ".
constexpr HeaderRow kHeaderRules[] = {
    {"null-deref", "BUG: kernel NULL pointer dereference, address: ADDR", nullDeref},
    {"page-fault", "BUG: unable to handle page fault for address: ADDR", pageFault},
    {"kasan", "BUG: KASAN: WHAT in FUNCTION", kasan},
    {"stack-overflow", "BUG: TASK stack guard page was hit", stackOverflow},
    {"soft-lockup", "watchdog: BUG: soft lockup - CPU#N stuck", softLockup},
    {"bug", "any other BUG: WHAT", otherBug},
    {"kernel-bug", "kernel BUG at FILE:LINE!", kernelBug},
    {"warning", "WARNING: CPU: N PID: P at FILE:LINE", warning},
    {"gpf", "general protection fault", gpf},
    {"hard-lockup", "NMI watchdog: Watchdog detected hard LOCKUP", hardLockup},
    {"hung-task", "INFO: task COMM:PID blocked for more than N seconds", hungTask},
    {"rcu-stall", "rcu: INFO: rcu_preempt detected stalls", rcuStall},
    {"oom", "COMM invoked oom-killer:, Out of memory and no killable processes", oom},
    {"nmi", "Uhhuh. NMI received for unknown reason, NMI: PCI system error, NMI: IOCK error", nmi},
    {"double-fault", "PANIC: double fault", doubleFault},
    {"ubsan", "UBSAN: WHAT in FILE:LINE", ubsan},
    {"sysrq", "sysrq: Trigger a crash", sysrq},
};

} // namespace

std::vector<plugin::TriageRule> crashHeaderRules() {
    std::vector<plugin::TriageRule> rules;
    for (const auto& row : kHeaderRules) {
        plugin::TriageRule rule;
        rule.name = row.name;
        rule.summary = row.summary;
        rule.header = row.classify;
        rules.push_back(std::move(rule));
    }
    return rules;
}

} // namespace panicscope::builtin
