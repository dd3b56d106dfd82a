#include "triage/crash_kind.h"

#include <array>
#include <utility>

namespace panicscope::triage {

namespace {

constexpr std::array<std::pair<CrashKind, std::string_view>, 18> kKindKeys = {{
    {CrashKind::Sysrq, "sysrq"},
    {CrashKind::NullDeref, "null_deref"},
    {CrashKind::PageFault, "page_fault"},
    {CrashKind::Bug, "bug"},
    {CrashKind::Warning, "warning"},
    {CrashKind::Gpf, "gpf"},
    {CrashKind::SoftLockup, "soft_lockup"},
    {CrashKind::HardLockup, "hard_lockup"},
    {CrashKind::HungTask, "hung_task"},
    {CrashKind::RcuStall, "rcu_stall"},
    {CrashKind::Oom, "oom"},
    {CrashKind::Nmi, "nmi"},
    {CrashKind::DoubleFault, "double_fault"},
    {CrashKind::StackOverflow, "stack_overflow"},
    {CrashKind::Kasan, "kasan"},
    {CrashKind::Ubsan, "ubsan"},
    {CrashKind::Panic, "panic"},
    {CrashKind::Oops, "oops"},
}};

} // namespace

std::string_view crashKindKey(CrashKind kind) {
    for (const auto& [k, key] : kKindKeys)
        if (k == kind) return key;
    return "unknown";
}

std::optional<CrashKind> crashKindFromKey(std::string_view key) {
    for (const auto& [k, name] : kKindKeys)
        if (name == key) return k;
    return std::nullopt;
}

std::string_view crashContextKey(CrashContext context) {
    switch (context) {
    case CrashContext::Process:
        return "process";
    case CrashContext::Softirq:
        return "softirq";
    case CrashContext::Hardirq:
        return "hardirq";
    case CrashContext::Nmi:
        return "nmi";
    case CrashContext::Idle:
        return "idle";
    case CrashContext::Unknown:
        break;
    }
    return "unknown";
}

} // namespace panicscope::triage
