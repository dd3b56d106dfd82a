#include "report/text_report.h"

#include "report/printed_frames.h"
#include "util/dump_text.h"
#include "util/hex.h"

#include <cstdio>

namespace panicscope::report {

namespace {
void field(std::ostream& out, const char* name, const std::string& value) {
    char label[32];
    std::snprintf(label, sizeof label, "%14s: ", name);
    out << label << escapeControlCharacters(value) << '\n';
}

// Where symbols, types and unwind data came from: the vmlinux or the dump's memory.
void printSources(std::ostream& out, const model::DataSources& s) {
    const std::string where = s.fromDump ? " (the dump's memory)" : " (the vmlinux)";
    field(out, "SYMBOLS", (s.symbols == "kallsyms" ? "kallsyms" : "ELF symbol table") + where);
    field(out, "TYPES",
          (s.types == "btf" ? std::string("BTF") : std::string("DWARF")) + where +
              (s.types == "btf" && s.dwarf ? ", DWARF behind it" : ""));
    field(out, "UNWIND",
          (s.unwind == "orc" ? std::string("ORC and entry code") + where
                             : std::string("frame pointers, entry code") + where) +
              (s.dwarf ? ", DWARF CFI" : ""));
    if (!s.dwarf) field(out, "SOURCE LINES", "none (they need the vmlinux's DWARF)");
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
    field(out, "VMLINUX",
          info.sources.fromDump ? "none (working from the dump alone)" : info.vmlinuxPath);
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
    printSources(out, info.sources);
    for (const auto& w : info.warnings)
        field(out, "WARNING", w.text);
}

void printTasks(std::ostream& out, const model::TaskTable& table) {
    out << "   PID    PPID   TGID  CPU  TASK              ST  COMM\n";
    char line[160];
    for (const auto& t : table.tasks) {
        const char mark = t.crashing ? '*' : t.onCpu ? '>' : ' ';
        const std::string comm =
            escapeControlCharacters(t.kernelThread ? "[" + t.comm + "]" : t.comm);
        std::snprintf(line, sizeof line, "%c%6d %7d %6d %4u  %s  %c   %s\n", mark, t.pid, t.ppid,
                      t.tgid, t.cpu, hex16(t.address).c_str(), t.state, comm.c_str());
        out << line;
    }
    for (const auto& w : table.warnings)
        out << "WARNING: " << w.text << '\n';
}

void printLog(std::ostream& out, const model::KernelLog& log) {
    for (const auto& r : log.records)
        for (const auto& line : kernel::formatLogLines(r))
            out << escapeControlCharacters(line) << '\n';
    for (const auto& w : log.warnings)
        out << "WARNING: " << w.text << '\n';
}

void printSymbol(std::ostream& out, const model::SymbolInfo& s) {
    out << hex16(s.address) << " (" << (s.isFunction ? 'T' : 'D') << ") " << s.name;
    if (s.offset) out << "+" << hex(s.offset);
    if (s.size) out << "/" << hex(s.size);
    if (s.module) out << " [" << *s.module << "]";
    if (s.file) out << "  " << *s.file << ":" << s.line.value_or(0);
    if (s.cpu)
        out << "  (in CPU " << *s.cpu << "'s per-CPU area)";
    else if (s.perCpu)
        out << "  (per-CPU offset)";
    out << '\n';
    for (const auto& [cpu, address] : s.cpuAddresses)
        out << "   CPU " << cpu << ": " << hex16(address) << '\n';
}

} // namespace panicscope::report

namespace panicscope::report {

namespace {
void printRegs(std::ostream& out, const unwind::Frame& f, const unwind::Boundary& b) {
    const auto& r = b.regs;
    char line[200];
    std::string where = f.function ? *f.function + "+" + hex(f.offset) : hex(r.ip);
    if (f.function && f.functionSize) where += "/" + hex(f.functionSize);
    if (f.userMode) where = hex(r.ip);
    std::snprintf(line, sizeof line, "    RIP: %04llx:%s\n", (unsigned long long)r.cs,
                  where.c_str());
    out << line;
    std::snprintf(line, sizeof line, "    RSP: %04llx:%016llx EFLAGS: %08llx",
                  (unsigned long long)r.ss, (unsigned long long)r.sp, (unsigned long long)r.flags);
    out << line;
    if (f.userMode) out << " ORIG_RAX: " << hex16(r.orig_ax);
    out << '\n';
    if (!b.fullRegs) return;
    const std::pair<const char*, uint64_t> rows[][3] = {
        {{"RAX", r.ax}, {"RBX", r.bx}, {"RCX", r.cx}},
        {{"RDX", r.dx}, {"RSI", r.si}, {"RDI", r.di}},
        {{"RBP", r.bp}, {"R08", r.r8}, {"R09", r.r9}},
        {{"R10", r.r10}, {"R11", r.r11}, {"R12", r.r12}},
        {{"R13", r.r13}, {"R14", r.r14}, {"R15", r.r15}}};
    for (const auto& row : rows) {
        out << "   ";
        for (const auto& [name, value] : row)
            out << " " << name << ": " << hex16(value);
        out << '\n';
    }
}
} // namespace

void printBoundaryRegisters(std::ostream& out, const unwind::Frame& frame) {
    if (frame.boundary) printRegs(out, frame, *frame.boundary);
}

std::string boundaryTitle(const unwind::Boundary& boundary, bool fromUserMode) {
    // No entry code saved these: the dump's registers of a CPU stopped in user mode.
    if (boundary.kind == unwind::BoundaryKind::CpuState) return "=== cpu: user-mode registers ===";
    return std::string("=== ") + unwind::boundaryKindKey(boundary.kind) + ": " + boundary.entry +
           (fromUserMode ? " (from user mode)" : "") +
           (boundary.stackOverflow ? " (stack overflow: sp in the task stack's guard page)" : "") +
           " ===";
}

std::string stackSectionTitle(const unwind::StackRange& stack) {
    return "--- <" + (stack.name.empty() ? std::string("unknown stack") : stack.name) + "> ---";
}

namespace {
// `index` is the physical frame's: an inlined function gets no number of its own (bt and bt -l
// number the same frames alike).
void printFrameLine(std::ostream& out, size_t index, const PrintedFrame& p, bool withLines) {
    const unwind::Frame& f = p.frame;
    std::string number = "#" + std::to_string(index);
    if (p.inlined) number.assign(number.size(), ' ');
    out << "   " << number << " [" << hex16(f.slot()) << "] ";
    // As the kernel marks what it only found by scanning the stack.
    if (f.foundBy == unwind::FoundBy::Scan) out << "? ";
    if (p.inlined) {
        out << p.inlined->function; // inlined: no symbol of its own, so no offset
    } else if (f.function) {
        out << *f.function << "+" << hex(f.offset);
        if (f.functionSize) out << "/" << hex(f.functionSize);
    } else {
        out << "(unknown)";
    }
    if (f.module) out << " [" << escapeControlCharacters(*f.module) << "]";
    if (p.inlined) out << " (inlined)";
    out << " at " << hex16(f.pc);
    if (withLines && p.file()) out << "  " << *p.file() << ":" << p.line().value_or(0);
    out << '\n';
}
} // namespace

void printBacktrace(std::ostream& out, const model::TaskRow& task, const unwind::StackTrace& trace,
                    bool withLines, const AfterFrame& afterFrame) {
    out << "PID: " << task.pid << "  TASK: " << hex16(task.address) << "  CPU: " << task.cpu
        << "  COMMAND: \"" << escapeControlCharacters(task.comm) << "\"  STATE: " << task.state
        << (task.onCpu ? "  (on CPU)" : "") << '\n';
    size_t physical = 0;
    forEachPrintedFrame(trace, [&](size_t, const PrintedFrame& p) {
        const unwind::Frame& f = p.frame;
        if (p.first) {
            if (opensStackSection(trace, physical))
                out << " " << stackSectionTitle(f.stack) << '\n';
            ++physical;
            if (f.boundary && f.boundary->kind != unwind::BoundaryKind::CpuState) {
                out << " " << boundaryTitle(*f.boundary, f.userMode) << '\n';
                // RIP names the symbol there, as the kernel prints it: the real function, not
                // one inlined into it.
                printRegs(out, f, *f.boundary);
            }
        }
        if (f.userMode) {
            if (!f.boundary || f.boundary->kind == unwind::BoundaryKind::CpuState) {
                out << " (the CPU was in user mode at " << hex(f.pc) << ")\n";
                if (f.boundary) printRegs(out, f, *f.boundary); // as the kernel's show_regs()
            }
            return;
        }
        printFrameLine(out, physical - 1, p, withLines);
        if (afterFrame && !p.inlined) afterFrame(out, physical - 1);
    });
    if (trace.stop.kind != unwind::WalkStatus::Complete)
        out << " (stack " << unwind::walkStatusKey(trace.stop.kind) << ": " << trace.stop.text
            << ")\n";
}

void printEntryTable(std::ostream& out, const model::EntryTable& table) {
    out << "RETADDR            OFFSET  KIND          ENTRY -> CALLEE\n";
    char line[64];
    for (const unwind::EntryCall& r : table.rows) {
        std::snprintf(line, sizeof line, "%s  %5lld%c  %-12s  ", hex16(r.returnAddress).c_str(),
                      static_cast<long long>(r.savedStateOffset()), r.fullRegs ? ' ' : '*',
                      unwind::boundaryKindKey(r.kind));
        out << line << r.entrySymbol << " -> " << (r.callee.empty() ? "(indirect)" : r.callee)
            << '\n';
    }
    out << table.rows.size() << " call sites, "
        << (table.runtimeAddresses ? "runtime" : "link-time")
        << " addresses; * = only orig_ax and the hardware frame saved yet\n";
    for (const unwind::EntryCallProblem& p : table.untracked)
        out << "no row: " << hex16(p.address) << " " << p.function << ": " << p.reason << '\n';
}

} // namespace panicscope::report
