#include "triage/crash_report.h"

#include "triage/guilty_frame.h"

namespace panicscope::triage {

std::string makeTitle(const std::string& stem, const std::optional<std::string>& guilty) {
    if (!guilty || guilty->empty()) return stem;
    return stem + " in " + normalizeFunctionName(*guilty);
}

CrashContext guiltyContext(const std::vector<TraceFrame>& frames, size_t guilty,
                           const std::optional<ReportTask>& task) {
    if (guilty >= frames.size()) return CrashContext::Unknown;
    CrashContext context = frames[guilty].section;
    if (context == CrashContext::Hardirq) {
        for (size_t i = guilty + 1; i < frames.size() && !frames[i].startsContext; ++i) {
            const std::string name = normalizeFunctionName(frames[i].function);
            if (name == "handle_softirqs" || name == "__do_softirq" || name == "do_softirq" ||
                name == "run_ksoftirqd")
                return CrashContext::Softirq;
            if (name == "__irq_exit_rcu" || name == "irq_exit_rcu") break; // after the handler
        }
    }
    if (context == CrashContext::Process && task && task->pid == 0) return CrashContext::Idle;
    return context;
}

} // namespace panicscope::triage
