#include "builtin_rules.h"

namespace panicscope::builtin {

using triage::CrashKind;
using triage::KindAndStem;

namespace {

// What panic() was called with when the reason is a watchdog or a panic_on_* setting.
std::optional<KindAndStem> classifyPanicMessage(std::string_view message) {
    if (message.starts_with("sysrq triggered crash"))
        return KindAndStem{CrashKind::Sysrq, "sysrq triggered crash", {}};
    if (message.starts_with("NMI"))
        return KindAndStem{CrashKind::Nmi, "NMI received for unknown reason", {}};
    if (message.starts_with("softlockup"))
        return KindAndStem{CrashKind::SoftLockup, "BUG: soft lockup", {}};
    if (message.starts_with("hung_task"))
        return KindAndStem{CrashKind::HungTask, "INFO: task hung", {}};
    if (message.find("LOCKUP") != std::string_view::npos)
        return KindAndStem{CrashKind::HardLockup, "BUG: hard lockup", {}};
    if (message.starts_with("RCU Stall"))
        return KindAndStem{CrashKind::RcuStall, "INFO: rcu detected stall", {}};
    if (message.starts_with("Out of memory") ||
        message.starts_with("System is deadlocked on memory"))
        return KindAndStem{CrashKind::Oom, "Out of memory", {}};
    return std::nullopt;
}

} // namespace

plugin::TriageRule panicMessageRule() {
    plugin::TriageRule rule;
    rule.name = "panic-message";
    rule.summary = "the panic messages of sysrq, watchdogs and panic_on_* settings";
    rule.panicMessage = classifyPanicMessage;
    return rule;
}

} // namespace panicscope::builtin
