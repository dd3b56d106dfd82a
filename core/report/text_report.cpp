#include "report/text_report.h"

#include "util/hex.h"

#include <cstdio>

namespace panicscope::report {

namespace {
void field(std::ostream& out, const char* name, const std::string& value) {
    char label[32];
    std::snprintf(label, sizeof label, "%14s: ", name);
    out << label << value << '\n';
}

std::string formatUptime(double seconds) {
    const auto whole = static_cast<unsigned long long>(seconds);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu (%.3f s)", whole / 3600, whole / 60 % 60,
                  whole % 60, seconds);
    return buf;
}
} // namespace

void printInfo(std::ostream& out, const model::DumpInfo& info) {
    field(out, "DUMPFILE", info.dumpPath);
    field(out, "FORMAT", info.format);
    field(out, "VMLINUX", info.vmlinuxPath);
    field(out, "RELEASE", info.release);
    field(out, "VERSION", info.version);
    field(out, "MACHINE", info.machine);
    field(out, "NODENAME", info.nodename);
    field(out, "CPUS", std::to_string(info.cpus));
    field(out, "UPTIME", info.uptimeSeconds ? formatUptime(*info.uptimeSeconds) : "unknown");
    field(out, "PANIC",
          info.panicMessage.empty() ? "(no panic message in the log)"
                                    : "\"" + info.panicMessage + "\"");
    field(out, "PANIC CPU", info.panicCpu ? std::to_string(*info.panicCpu) : "unknown");
    field(out, "CRASHING TASK",
          info.crashingTask
              ? std::to_string(info.crashingTask->pid) + " (" + info.crashingTask->comm +
                    ") task " + hex16(info.crashingTask->address)
              : "unknown");
    field(out, "KASLR OFFSET", hex(info.kaslrOffset));
    for (const auto& w : info.warnings)
        field(out, "WARNING", w);
}

void printTasks(std::ostream& out, const kernel::TaskList& list,
                std::optional<uint64_t> crashingTask) {
    out << "   PID    PPID   TGID  CPU  TASK              ST  COMM\n";
    char line[160];
    for (const auto& t : list.tasks) {
        const char mark = crashingTask && *crashingTask == t.address ? '*' : t.onCpu ? '>' : ' ';
        const std::string comm = t.kernelThread ? "[" + t.comm + "]" : t.comm;
        std::snprintf(line, sizeof line, "%c%6d %7d %6d %4u  %s  %c   %s\n", mark, t.pid, t.ppid,
                      t.tgid, t.cpu, hex16(t.address).c_str(), t.state, comm.c_str());
        out << line;
    }
    for (const auto& w : list.warnings)
        out << "WARNING: " << w << '\n';
}

void printLog(std::ostream& out, const kernel::KernelLog& log) {
    for (const auto& r : log.records)
        for (const auto& line : kernel::formatLogLines(r))
            out << line << '\n';
    for (const auto& w : log.warnings)
        out << "WARNING: " << w << '\n';
}

void printSymbol(std::ostream& out, const model::SymbolInfo& s) {
    out << hex16(s.address) << " (" << (s.isFunction ? 'T' : 'D') << ") " << s.name;
    if (s.offset) out << "+" << hex(s.offset);
    if (s.size) out << "/" << hex(s.size);
    if (s.file) out << "  " << *s.file << ":" << s.line.value_or(0);
    out << '\n';
}

} // namespace panicscope::report
