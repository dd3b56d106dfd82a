// Plain values the front ends (CLI, GUI, plugins, Python) get from a Session: no pointers into
// it, cheap to copy to another thread. Nothing here includes libdw, libelf, libkdumpfile or
// Capstone.
#pragma once

#include "disasm/instruction.h"
#include "kernel/log_record.h"
#include "unwind/frame.h"
#include "util/diagnostic.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::model {

using kernel::LogRecord;

struct TaskRef {
    int32_t pid = 0;
    std::string comm;
    uint64_t address = 0;
};

struct DumpInfo {
    std::string dumpPath;
    std::string format;  // "kdump-compressed (zlib)", "ELF core"
    std::string release; // "6.1.0-56-cloud-amd64"
    std::string version; // "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)"
    std::string machine; // "x86_64"
    std::string nodename;
    unsigned cpus = 0;
    std::string panicMessage;
    std::optional<unsigned> panicCpu;
    std::optional<TaskRef> crashingTask;
    std::optional<double> uptimeSeconds;
    uint64_t kaslrOffset = 0;
    std::string vmlinuxPath;
    std::string buildId;
    std::vector<Diagnostic> warnings;
};

// One process or thread as ps shows it.
struct TaskRow {
    uint64_t address = 0; // the task_struct
    int32_t pid = 0;
    int32_t tgid = 0;
    int32_t ppid = 0; // the real parent's tgid, as sysrq-t and ps print it
    std::string comm;
    char state = '?';          // R S D T t X Z P I
    uint32_t cpu = 0;          // the CPU it last ran on
    bool onCpu = false;        // its CPU's current task
    bool crashing = false;     // the panic CPU's current task
    bool kernelThread = false; // PF_KTHREAD (idle tasks included)
    uint64_t nvcsw = 0, nivcsw = 0;
    // Scheduler clocks in ns (0 where the kernel lacks the field): the last arrival on a CPU
    // (sched_info.last_arrival, else se.exec_start), user and system time, and the start
    // (monotonic, since boot).
    uint64_t lastRunNs = 0, utimeNs = 0, stimeNs = 0, startTimeNs = 0;

    TaskRef ref() const { return {pid, comm, address}; }
};

struct TaskTable {
    std::vector<TaskRow> tasks; // by pid, the idle tasks (pid 0) by CPU first
    std::vector<Diagnostic> warnings;
};

// One CPU's run queue (runq): its current task and the tasks waiting, with their priority.
struct QueuedTaskRow {
    TaskRef task; // pid -1 and comm "?" for a task_struct not on the task list
    int32_t prio = 0;
};
struct RunQueueRow {
    unsigned cpu = 0;
    uint64_t address = 0; // struct rq
    std::optional<TaskRef> current;
    uint64_t rtArray = 0, cfsRoot = 0; // &rq->rt.active, &rq->cfs.tasks_timeline
    std::vector<QueuedTaskRow> rt;     // by priority
    std::vector<QueuedTaskRow> cfs;    // in tree order: the next to run first
};
struct RunQueueTable {
    std::vector<RunQueueRow> cpus;
    std::vector<Diagnostic> warnings;
};

// The interrupts with a handler (irq), as /proc/interrupts shows them.
struct IrqActionRow {
    std::string name;        // irqaction.name
    uint64_t handler = 0;    // its handler's address
    std::string handlerName; // "timer_interrupt", or the address when no symbol has it
};
struct IrqRow {
    uint64_t irq = 0;
    uint64_t desc = 0;            // the struct irq_desc
    std::vector<uint64_t> counts; // per CPU, in InterruptTable::cpus order
    std::vector<IrqActionRow> actions;
};
struct InterruptTable {
    std::vector<unsigned> cpus;
    std::vector<IrqRow> irqs; // by number
    std::vector<Diagnostic> warnings;
};

struct KernelLog {
    std::vector<LogRecord> records; // by sequence number
    std::vector<Diagnostic> warnings;
};

struct ModuleRow {
    std::string name;
    uint64_t address = 0;                // the struct module
    uint64_t textBase = 0, textSize = 0; // its core text
    bool hasOrc = false;                 // ORC unwind data read from the dump
    bool hasDebugInfo = false;           // a matching .ko with DWARF in the module directories
};

struct SymbolInfo {
    std::string query;
    uint64_t address = 0; // the queried address, or the symbol's start for a name query
    std::string name;     // the containing symbol
    uint64_t symbolAddress = 0;
    uint64_t offset = 0; // address - symbolAddress
    uint64_t size = 0;
    bool isFunction = false;
    std::optional<std::string> module; // null: the vmlinux
    std::optional<std::string> file;
    std::optional<int> line;
};

// Which tasks a request means, by the CLI's rules.
struct TaskSelection {
    enum class Kind {
        Crashing,   // the panic CPU's current task
        Pids,       // the tasks with these pids, in the order given
        CpuCurrent, // every CPU's current task
        All,        // every task
    };
    Kind kind = Kind::Crashing;
    std::vector<int32_t> pids;
};

struct BacktraceOptions {
    bool lines = false; // file:line for every frame and the functions inlined into it (slower)
};

// Memory as the dump has it: `bytes` spans the whole request; where a page is not in the dump the
// bytes are zero and `missing` says so.
struct MemoryBlock {
    uint64_t address = 0;
    std::vector<uint8_t> bytes;
    std::vector<std::pair<uint64_t, uint64_t>> missing; // [begin, end) ranges, by address
    std::optional<std::string> missingReason;           // why the first missing range is
    bool present(uint64_t a) const {
        for (const auto& [begin, end] : missing)
            if (a >= begin && a < end) return false;
        return a >= address && a - address < bytes.size();
    }
};

// One instruction of a disassembly, with its call or jump target named and its source line.
struct CodeLine {
    disasm::Instruction instruction;
    std::optional<std::string> target; // "schedule+0x0" for a direct call's or jump's target
    std::optional<std::string> file;   // where the instruction's code comes from
    std::optional<int> line;
};

// Set from any thread to stop a long request at its next task.
class CancelToken {
  public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  private:
    std::atomic<bool> cancelled_{false};
};

} // namespace panicscope::model
