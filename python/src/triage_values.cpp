// Python classes for a triaged crash: CrashReport and its parts. Kinds and contexts are the keys
// `triage --json` uses ("null_deref", "softirq").
#include "bindings.h"
#include "triage/crash_report.h"
#include "value_class.h"

namespace panicscope::python {

namespace {

using namespace triage;

std::string kindKey(CrashKind kind) {
    return std::string(crashKindKey(kind));
}
std::string contextKey(CrashContext context) {
    return std::string(crashContextKey(context));
}

void bindReportParts(py::module_& m) {
    ValueClass<TraceFrame>(m, "TraceFrame", "A frame of a crash as triage sees it: no addresses.")
        .field("function", &TraceFrame::function, "its function ('' when in none)")
        .field("module", &TraceFrame::module, "its module, or None for the vmlinux")
        .computed(
            "context", [](const TraceFrame& f) { return contextKey(f.section); },
            "the stack it ran on: 'process', 'softirq', 'hardirq', 'nmi', 'idle', 'unknown'")
        .field("starts_context", &TraceFrame::startsContext,
               "the first frame of an interrupted context");

    ValueClass<Signature>(m, "Signature", "A crash's stable signature.")
        .field("hash", &Signature::hash, "16 hex digits")
        .field("frames", &Signature::frames, "the normalized function names hashed")
        .field("input", &Signature::input, "the exact text hashed");

    ValueClass<ReportTask>(m, "ReportTask", "The task that was running when the kernel went down.")
        .field("pid", &ReportTask::pid, "its pid")
        .field("comm", &ReportTask::comm, "its name");

    ValueClass<RelatedTask>(m, "RelatedTask", "A blocked task of a hung-task report.")
        .field("pid", &RelatedTask::pid, "its pid")
        .field("comm", &RelatedTask::comm, "its name")
        .field("state", &RelatedTask::state, "its state letter")
        .field("frames", &RelatedTask::frames, "its function names, top first");

    ValueClass<EarlierReport>(m, "EarlierReport", "A report in the log before the fatal one.")
        .computed(
            "kind", [](const EarlierReport& e) { return kindKey(e.kind); }, "its kind key")
        .field("title", &EarlierReport::title, "its title")
        .field("signature", &EarlierReport::signature, "its signature hash");
}

} // namespace

void bindTriageValues(py::module_& m) {
    bindReportParts(m);
    ValueClass<CrashReport>(m, "CrashReport",
                            "One crash, triaged (the fields of `panicscope triage --json`).")
        .field("source", &CrashReport::source, "'dump' or 'console'")
        .field("path", &CrashReport::path, "the dump or console file")
        .computed(
            "kind", [](const CrashReport& r) { return kindKey(r.kind); },
            "'sysrq', 'null_deref', 'page_fault', 'bug', 'warning', 'soft_lockup', ...")
        .field("title", &CrashReport::title, "'BUG: soft lockup in psc_softlockup'")
        .field("message", &CrashReport::message, "the report's first line as printed")
        .field("panic_message", &CrashReport::panicMessage, "the panic's text, or None")
        .field("cpu", &CrashReport::cpu, "the CPU, or None")
        .field("task", &CrashReport::task, "the ReportTask, or None")
        .computed(
            "context", [](const CrashReport& r) { return contextKey(r.context); },
            "where the guilty code ran")
        .field("fault_address", &CrashReport::faultAddress, "the faulting address, or None")
        .field("guilty_function", &CrashReport::guiltyFunction, "the guilty frame's function")
        .field("guilty_module", &CrashReport::guiltyModule, "its module, or None")
        .field("taint", &CrashReport::taint, "taint letters ('' untainted), or None")
        .field("frames", &CrashReport::frames, "TraceFrames from the guilty one down")
        .field("signature", &CrashReport::signature, "the Signature")
        .field("blocked_tasks", &CrashReport::blockedTasks, "RelatedTasks of a hung task")
        .field("earlier", &CrashReport::earlier, "EarlierReports before the fatal one")
        .field("corrupted", &CrashReport::corrupted, "whether the report is damaged")
        .field("problems", &CrashReport::problems, "why it is corrupted")
        .field("warnings", &CrashReport::warnings, "what may make it partial");
}

} // namespace panicscope::python
