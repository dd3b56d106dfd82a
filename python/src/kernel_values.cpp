// Python classes for the kernel's facts: DumpInfo, TaskRef, TaskRow, LogRecord, ModuleRow and the
// Diagnostic behind every warning.
#include "bindings.h"
#include "model/values.h"
#include "value_class.h"

namespace panicscope::python {

void bindKernelValues(py::module_& m) {
    using model::DumpInfo;
    using model::ModuleRow;
    using model::TaskRef;
    using model::TaskRow;

    ValueClass<Diagnostic>(m, "Diagnostic", "What did not stop an answer but may make it partial.")
        .field("source", &Diagnostic::source, "what reported it: 'dump', 'tasks', 'log', ...")
        .computed(
            "severity",
            [](const Diagnostic& d) {
                return d.severity == Diagnostic::Severity::Note ? "note" : "warning";
            },
            "'warning' or 'note'")
        .field("address", &Diagnostic::address, "the address to blame, or None")
        .field("text", &Diagnostic::text, "one line for people");

    ValueClass<TaskRef>(m, "TaskRef", "A task named by pid, comm and task_struct.")
        .field("pid", &TaskRef::pid, "its pid")
        .field("comm", &TaskRef::comm, "its name")
        .address("address", &TaskRef::address, "its task_struct");

    ValueClass<DumpInfo>(m, "DumpInfo", "The facts of a dump, as `panicscope info` prints them.")
        .field("dump_path", &DumpInfo::dumpPath, "the dump file")
        .field("format", &DumpInfo::format, "'kdump-compressed (zlib)', 'ELF core', ...")
        .field("release", &DumpInfo::release, "the kernel release: '6.1.0-56-cloud-amd64'")
        .field("version", &DumpInfo::version, "the kernel version: '#1 SMP PREEMPT_DYNAMIC ...'")
        .field("machine", &DumpInfo::machine, "'x86_64'")
        .field("nodename", &DumpInfo::nodename, "the host name")
        .field("cpus", &DumpInfo::cpus, "how many CPUs")
        .field("panic_message", &DumpInfo::panicMessage, "the panic message, '' when none")
        .field("panic_cpu", &DumpInfo::panicCpu, "the CPU that panicked, or None")
        .field("crashing_task", &DumpInfo::crashingTask, "the panic CPU's task (TaskRef) or None")
        .field("uptime_seconds", &DumpInfo::uptimeSeconds, "uptime at the crash, or None")
        .address("kaslr_offset", &DumpInfo::kaslrOffset, "the KASLR offset")
        .field("vmlinux_path", &DumpInfo::vmlinuxPath, "the vmlinux used")
        .field("build_id", &DumpInfo::buildId, "the vmlinux's build ID (hex)")
        .field("warnings", &DumpInfo::warnings, "list of Diagnostic");

    ValueClass<TaskRow>(m, "TaskRow", "One process or thread, as `panicscope ps` shows it.")
        .field("pid", &TaskRow::pid, "its pid")
        .field("tgid", &TaskRow::tgid, "its thread group id")
        .field("ppid", &TaskRow::ppid, "its real parent's tgid")
        .field("comm", &TaskRow::comm, "its name")
        .field("state", &TaskRow::state, "one letter: R S D T t X Z P I")
        .field("cpu", &TaskRow::cpu, "the CPU it last ran on")
        .field("on_cpu", &TaskRow::onCpu, "whether it is its CPU's current task")
        .field("crashing", &TaskRow::crashing, "whether it is the panic CPU's current task")
        .field("kernel_thread", &TaskRow::kernelThread, "PF_KTHREAD (idle tasks included)")
        .address("address", &TaskRow::address, "its task_struct")
        .field("nvcsw", &TaskRow::nvcsw, "voluntary context switches")
        .field("nivcsw", &TaskRow::nivcsw, "involuntary context switches")
        .field("last_run_ns", &TaskRow::lastRunNs, "when it last arrived on a CPU (ns)")
        .field("utime_ns", &TaskRow::utimeNs, "user time (ns)")
        .field("stime_ns", &TaskRow::stimeNs, "system time (ns)")
        .field("start_time_ns", &TaskRow::startTimeNs, "its start, ns after boot");

    ValueClass<model::LogRecord>(m, "LogRecord", "One record of the kernel's printk ring buffer.")
        .field("seq", &model::LogRecord::seq, "its sequence number")
        .field("timestamp_ns", &model::LogRecord::timestampNs, "local_clock() at printk time")
        .field("level", &model::LogRecord::level, "0 (emerg) .. 7 (debug)")
        .field("facility", &model::LogRecord::facility, "syslog facility")
        .field("caller_id", &model::LogRecord::callerId, "the printk caller id")
        .field("text", &model::LogRecord::text, "the text, without a trailing newline")
        .method("lines", &kernel::formatLogLines,
                "The record as the console and dmesg print it: ['[    8.727927] text', ...].");

    ValueClass<ModuleRow>(m, "ModuleRow", "A loaded module, as `panicscope mod` shows it.")
        .field("name", &ModuleRow::name, "its name")
        .address("address", &ModuleRow::address, "its struct module")
        .address("text_base", &ModuleRow::textBase, "its core text")
        .field("text_size", &ModuleRow::textSize, "the size of its core text")
        .field("size", &ModuleRow::size, "every part of it as /proc/modules counts, or None")
        .field("taints", &ModuleRow::taints, "its taint letters: 'OE'")
        .field("has_orc", &ModuleRow::hasOrc, "whether its ORC data was read from the dump")
        .field("has_debug_info", &ModuleRow::hasDebugInfo, "whether a matching .ko was found");
}

} // namespace panicscope::python
