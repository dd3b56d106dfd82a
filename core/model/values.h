// Plain values the front ends (CLI, GUI, plugins, Python) get from a Session: no pointers into
// it, cheap to copy to another thread. Nothing here includes libdw, libelf, libkdumpfile or
// Capstone.
#pragma once

#include "disasm/instruction.h"
#include "dump/memory_block.h"
#include "kernel/address_description.h"
#include "kernel/log_record.h"
#include "kernel/memory_totals.h"
#include "types/type_definition.h"
#include "types/value.h"
#include "unwind/frame.h"
#include "util/diagnostic.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::model {

using kernel::AddressDescription;
using kernel::AddressKind;
using kernel::LogRecord;
using kernel::MemoryTotals;

struct TaskRef {
    int32_t pid = 0;
    std::string comm;
    uint64_t address = 0;
};

// Where a session's knowledge of the kernel comes from: the vmlinux file, or the dump's own
// memory when there is none (kallsyms, BTF, ORC and entry code read from the kernel image).
struct DataSources {
    bool fromDump = false; // no vmlinux: everything below is read from the dump's memory
    std::string symbols;   // "elf" (the vmlinux's .symtab) or "kallsyms"
    std::string types;     // "btf" (DWARF behind it when there is a vmlinux) or "dwarf"
    std::string unwind;    // "orc" or "frame-pointer"
    bool dwarf = false;    // file:line, inline frames and CFI are available
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
    std::string vmlinuxPath; // empty when working from the dump alone
    std::string buildId;
    DataSources sources;
    std::vector<Diagnostic> warnings;
};

struct TaintingModule {
    std::string name;
    uint64_t taints = 0; // struct module.taints
    std::string letters; // its flags as the kernel prints them after the name: "OE"
};

// What crash's `sys` shows: the crash facts (info()) and the state of the whole system.
struct SystemInfo {
    DumpInfo dump;
    std::optional<int64_t> wallClockSeconds;               // the timekeeper's xtime_sec: UTC
    std::optional<std::array<std::string, 3>> loadAverage; // "0.60": 1, 5, 15 minutes
    std::optional<uint64_t> totalRamPages;
    uint64_t pageSize = 4096;
    size_t taskCount = 0; // every task, the idle tasks included
    std::optional<uint64_t> taintMask;
    std::string taintText; // "G           OE     " as after "Tainted: ", or "Not tainted"
    std::vector<std::string> taintNames; // "O=OOT_MODULE" per set flag (kernels with desc)
    std::vector<TaintingModule> taintingModules;
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
    // Where the task was found (kernel::taskSourceKey): "task_list", "thread_group",
    // "cpu_idle", "cpu_current" for a running task a damaged task list lost, or "pid_idr" for
    // one found in init_pid_ns.idr after a damaged task list.
    std::string source = "task_list";

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
    std::optional<uint64_t> size;        // every part of it, as /proc/modules counts (unread: null)
    std::string taints; // the module's taint letters as /proc/modules and oopses print them ("OE")
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
    // A per-CPU variable. Without `cpu`, `address` and `symbolAddress` are offsets into every
    // CPU's per-CPU area, and `cpuAddresses` is where `address` is in each present CPU's area;
    // with `cpu`, `address` is in that CPU's area.
    bool perCpu = false;
    std::optional<unsigned> cpu;
    struct CpuAddress {
        unsigned cpu = 0;
        uint64_t address = 0;
    };
    std::vector<CpuAddress> cpuAddresses;
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

// The tasks a selection found, and the pids it asked for that no task has.
struct SelectedTasks {
    std::vector<TaskRow> tasks;
    std::vector<int32_t> missingPids; // in the order given
};

struct BacktraceOptions {
    bool lines = false; // file:line for every frame and the functions inlined into it (slower)
};

using dump::MemoryBlock;

using types::TypeDefinition;
using types::TypeMember;

// A global or per-CPU variable: its declaration and where it is.
struct VariableInfo {
    std::string name;
    std::string declaration; // "volatile unsigned long jiffies"
    std::string type;        // "volatile unsigned long"
    uint64_t address = 0;    // runtime; for a per-CPU variable its offset in each CPU's area
    uint64_t size = 0;
    bool perCpu = false;
};

// An object read from the dump: a struct at an address, a variable, one of their members.
struct ObjectValue {
    std::string expression; // "struct list_head", "jiffies", "per_cpu(runqueues, 1)", "comm"
    uint64_t address = 0;
    std::optional<unsigned> cpu; // a per-CPU variable's CPU
    types::Value value;
    std::vector<Diagnostic> warnings; // bytes the dump lacks
};

// What `list` walks: crash's list verb.
struct ListRequest {
    uint64_t start = 0;
    // -H: `start` is a list head outside the entries; else `start` is the first entry.
    bool startIsHead = false;
    // Where the list_head lies in each entry: a number, or "TYPE.member" (-o or -s TYPE.member).
    std::optional<uint64_t> offset;
    std::optional<std::string> member;
    // -s TYPE[.member,...]: each entry printed as that type (its members only when given).
    std::optional<std::string> structType;
    size_t maxEntries = 1000000;
};

struct ListResult {
    std::vector<uint64_t> entries; // entry addresses, in order
    // With -s: for each entry (in order; fewer when reading one failed) its object, or its
    // selected members.
    std::vector<std::vector<ObjectValue>> objects;
    std::optional<std::string> problem; // why the walk stopped early: a loop, a bad pointer
};

// search: where a 64-bit value occurs in [begin, end), 8-byte aligned, comparing value & mask.
struct SearchRequest {
    uint64_t begin = 0, end = 0;
    uint64_t value = 0;
    uint64_t mask = ~uint64_t(0);
    size_t maxHits = 100000; // stop after this many
};

struct SearchHit {
    uint64_t address = 0;
    uint64_t value = 0; // the word there (differs from the value searched for under a mask)
};

struct SearchResult {
    std::vector<SearchHit> hits;
    uint64_t bytesSearched = 0; // the bytes the dump has in the range
    uint64_t bytesMissing = 0;  // the bytes it lacks (filtered pages, unmapped addresses)
    bool stoppedAtMaxHits = false;
};

// One instruction of a disassembly, with its call or jump target named and its source line.
struct CodeLine {
    disasm::Instruction instruction;
    std::optional<std::string> symbol; // where the instruction is: "schedule+0x5"
    std::optional<std::string> target; // "schedule+0x0" for a direct call's or jump's target
    std::optional<std::string> file;   // where the instruction's code comes from
    std::optional<int> line;
};

// The mutex a task sleeps on in mutex_lock() and who holds it (Session::mutexWait), found
// without lockdep from the mutex_waiter on the task's stack.
struct MutexWaitInfo {
    uint64_t mutex = 0;           // the struct mutex
    uint64_t waiter = 0;          // the task's struct mutex_waiter, on its stack
    uint64_t ownerAddress = 0;    // mutex.owner without its flag bits (0: nobody holds it)
    std::optional<TaskRow> owner; // that task from the task list; nullopt: no task is there
    size_t waiters = 0;           // the sleepers on the mutex's wait_list, this task included
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
