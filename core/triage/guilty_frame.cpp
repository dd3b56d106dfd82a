#include "triage/guilty_frame.h"

#include <array>
#include <initializer_list>

namespace panicscope::triage {

namespace {

constexpr uint32_t bit(CrashKind kind) {
    return 1u << static_cast<unsigned>(kind);
}
constexpr uint32_t kAllKinds = 0;
// Reports printed from a timer interrupt or an NMI about the code it interrupted: the
// interrupt's own frames come first on the crashing CPU's stack.
constexpr uint32_t kWatchdogs =
    bit(CrashKind::SoftLockup) | bit(CrashKind::HardLockup) | bit(CrashKind::RcuStall);

struct SkipRule {
    std::string_view pattern;
    bool prefix;    // pattern is a prefix of the name, else the whole name
    uint32_t kinds; // the crash kinds it applies to (bits), kAllKinds: every kind
};

// THE skip table: functions that are never the culprit of a crash of the kinds given.
constexpr SkipRule kSkipRules[] = {
    // Printing the report, panicking, taking the dump.
    {"dump_stack", false, kAllKinds},
    {"dump_stack_lvl", false, kAllKinds},
    {"show_stack", false, kAllKinds},
    {"show_regs", false, kAllKinds},
    {"show_trace_log_lvl", false, kAllKinds},
    {"panic", false, kAllKinds},
    {"vpanic", false, kAllKinds},
    {"nmi_panic", false, kAllKinds},
    {"__crash_kexec", false, kAllKinds},
    {"crash_kexec", false, kAllKinds},
    {"machine_kexec", false, kAllKinds},
    {"sysrq_handle_crash", false, kAllKinds},
    {"__handle_sysrq", false, kAllKinds},
    // Oops machinery: die and the exception handlers that call it.
    {"die", false, kAllKinds},
    {"__die", false, kAllKinds},
    {"__die_body", false, kAllKinds},
    {"die_addr", false, kAllKinds},
    {"oops_begin", false, kAllKinds},
    {"oops_end", false, kAllKinds},
    {"page_fault_oops", false, kAllKinds},
    {"kernelmode_fixup_or_oops", false, kAllKinds},
    {"no_context", false, kAllKinds},
    {"__bad_area_nosemaphore", false, kAllKinds},
    {"bad_area_nosemaphore", false, kAllKinds},
    {"do_user_addr_fault", false, kAllKinds},
    {"do_kern_addr_fault", false, kAllKinds},
    {"handle_page_fault", false, kAllKinds},
    {"do_trap", false, kAllKinds},
    {"do_error_trap", false, kAllKinds},
    {"handle_bug", false, kAllKinds},
    {"handle_stack_overflow", false, kAllKinds},
    {"exc_", true, kAllKinds},
    {"report_bug", false, kAllKinds},
    {"__report_bug", false, kAllKinds},
    {"__warn", false, kAllKinds},
    {"warn_slowpath_fmt", false, kAllKinds},
    {"__warn_printk", false, kAllKinds},
    {"check_panic_on_warn", false, kAllKinds},
    // Sanitizer reports.
    {"kasan_", true, kAllKinds},
    {"__kasan_", true, kAllKinds},
    {"__asan_", true, kAllKinds},
    {"check_memory_region", false, kAllKinds},
    {"print_report", false, kAllKinds},
    {"print_address_description", false, kAllKinds},
    {"ubsan_", true, kAllKinds},
    {"__ubsan_handle_", true, kAllKinds},
    // The OOM killer and the allocator that called it.
    {"out_of_memory", false, bit(CrashKind::Oom)},
    {"oom_kill_process", false, bit(CrashKind::Oom)},
    {"dump_header", false, bit(CrashKind::Oom)},
    {"__alloc_pages", true, bit(CrashKind::Oom)},
    {"alloc_pages", true, bit(CrashKind::Oom)},
    {"__folio_alloc", true, bit(CrashKind::Oom)},
    {"folio_alloc", true, bit(CrashKind::Oom)},
    {"vma_alloc_folio", true, bit(CrashKind::Oom)},
    // Watchdogs: the timer interrupt and the NMI they report from.
    {"watchdog_timer_fn", false, kWatchdogs},
    {"watchdog_overflow_callback", false, kWatchdogs},
    {"__perf_event_overflow", false, kWatchdogs},
    {"perf_event_nmi_handler", false, kWatchdogs},
    {"nmi_handle", false, kWatchdogs},
    {"default_do_nmi", false, kWatchdogs},
    {"rcu_sched_clock_irq", false, kWatchdogs},
    {"rcu_pending", false, kWatchdogs},
    {"print_cpu_stall", false, kWatchdogs},
    {"rcu_dump_cpu_stacks", false, kWatchdogs},
    {"update_process_times", false, kWatchdogs},
    {"tick_sched_handle", false, kWatchdogs},
    {"tick_sched_timer", false, kWatchdogs},
    {"tick_nohz_handler", false, kWatchdogs},
    {"__hrtimer_run_queues", false, kWatchdogs},
    {"hrtimer_interrupt", false, kWatchdogs},
    {"__sysvec_apic_timer_interrupt", false, kWatchdogs},
    {"sysvec_apic_timer_interrupt", false, kWatchdogs},
    // Generic helpers: the bug is in their caller.
    {"memcpy", true, kAllKinds},
    {"memset", true, kAllKinds},
    {"memmove", true, kAllKinds},
    {"memcmp", false, kAllKinds},
    {"__memcpy", true, kAllKinds},
    {"__memset", true, kAllKinds},
    {"__memmove", true, kAllKinds},
    {"strcpy", false, kAllKinds},
    {"strncpy", false, kAllKinds},
    {"strscpy", false, kAllKinds},
    {"strlen", false, kAllKinds},
    {"strnlen", false, kAllKinds},
    {"strcmp", false, kAllKinds},
    {"strncmp", false, kAllKinds},
    {"strcat", false, kAllKinds},
    {"__list_add_valid", true, kAllKinds},
    {"__list_del_entry_valid", true, kAllKinds},
    {"list_", true, kAllKinds},
    {"_raw_spin_", true, kAllKinds},
    {"_raw_read_", true, kAllKinds},
    {"_raw_write_", true, kAllKinds},
    {"queued_spin_lock_slowpath", false, kAllKinds},
    {"native_queued_spin_lock_slowpath", false, kAllKinds},
    {"queued_read_lock_slowpath", false, kAllKinds},
    {"queued_write_lock_slowpath", false, kAllKinds},
    {"do_raw_spin_lock", false, kAllKinds},
    {"mutex_lock", true, kAllKinds},
    {"__mutex_lock", true, kAllKinds},
    {"mutex_unlock", false, kAllKinds},
    {"down_read", true, kAllKinds},
    {"down_write", true, kAllKinds},
    {"rwsem_down_", true, kAllKinds},
    {"__down", true, bit(CrashKind::HungTask)},
    {"down", false, bit(CrashKind::HungTask)},
    // A hung task sleeps in the scheduler: the bug is whoever put it to sleep.
    {"__schedule", false, bit(CrashKind::HungTask)},
    {"schedule", true, bit(CrashKind::HungTask)},
    {"io_schedule", true, bit(CrashKind::HungTask)},
    {"wait_for_completion", true, bit(CrashKind::HungTask)},
    {"__wait_for_common", false, bit(CrashKind::HungTask)},
    {"do_wait_for_common", false, bit(CrashKind::HungTask)},
    {"wait_woken", false, bit(CrashKind::HungTask)},
    {"msleep", true, bit(CrashKind::HungTask)},
    {"usleep_range", true, bit(CrashKind::HungTask)},
    {"folio_wait_bit_common", false, bit(CrashKind::HungTask)},
    {"bit_wait", true, bit(CrashKind::HungTask)},
    {"__wait_on_bit", true, bit(CrashKind::HungTask)},
    {"out_of_line_wait_on_bit", true, bit(CrashKind::HungTask)},
    {"rcu_barrier", false, bit(CrashKind::HungTask)},
    {"synchronize_rcu", true, bit(CrashKind::HungTask)},
};

bool matches(const SkipRule& rule, std::string_view name) {
    return rule.prefix ? name.starts_with(rule.pattern) : name == rule.pattern;
}

} // namespace

std::string normalizeFunctionName(std::string_view name) {
    // Every clone suffix starts with a '.', which C names never hold.
    const size_t dot = name.find('.');
    return std::string(dot == std::string_view::npos ? name : name.substr(0, dot));
}

bool isEntryCode(std::string_view f) {
    return f.starts_with("asm_") || f.starts_with("entry_") || f.starts_with("ret_from_fork") ||
           f == "end_repeat_nmi" || f == "repeat_nmi" || f == "nmi" || f == "first_nmi" ||
           f.starts_with("__x64_sys_") || f == "x64_sys_call" || f == "do_syscall_64";
}

bool isSkippedFrame(std::string_view function, CrashKind kind) {
    const std::string name = normalizeFunctionName(function);
    if (name.empty() || isEntryCode(name)) return true;
    for (const auto& rule : kSkipRules)
        if ((rule.kinds == kAllKinds || (rule.kinds & bit(kind)) != 0) && matches(rule, name))
            return true;
    return false;
}

std::optional<size_t> guiltyFrameIndex(const std::vector<TraceFrame>& frames, CrashKind kind) {
    for (size_t i = 0; i < frames.size(); ++i)
        if (!isSkippedFrame(frames[i].function, kind)) return i;
    return std::nullopt;
}

} // namespace panicscope::triage
