// One opened dump with its vmlinux: the one object every front end (CLI, GUI, triage, plugins,
// Python) talks to. Opening checks that the two belong together; everything else is computed on
// first use and kept. Every answer is a plain value (model/values.h).
//
// Thread safety: every method may be called from any thread, also concurrently. What several
// answers share (per-CPU data, the task list, the log, the unwind tables, the modules) is
// computed once under its own lock; reads of the dump and DWARF lookups are serialised inside.
#pragma once

#include "model/values.h"
#include "unwind/entry_call.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::model {

struct SessionOptions {
    std::vector<std::string> dumpPaths;     // one file, or the parts of a split dump
    std::optional<std::string> vmlinuxPath; // found from the dump's release when absent
    // Searched first for the vmlinux and the modules' debug files: DIR/.build-id/xx/rest.debug by
    // build ID, then (the vmlinux) by release name; see locateVmlinux.
    std::vector<std::string> debugDirs;
    // Work from the dump alone (kallsyms, BTF, ORC from its memory) even when a vmlinux could be
    // found; without it that is what happens when none is given or found.
    bool noVmlinux = false;
    // Searched recursively for MODULE.ko with debug info (file:line of module frames).
    std::vector<std::string> moduleDirs;
    // Called with a short description before each slow step (opening the vmlinux, ...).
    std::function<void(const std::string&)> progress;
    // Start loading the unwind tables (ORC, entry-call table) on a second thread as soon as the
    // vmlinux is open, for a caller that will ask for backtraces, so that they load while the
    // task list is read.
    bool prepareUnwinding = false;
    // debuginfod servers (as DEBUGINFOD_URLS lists them, separated by spaces) that the vmlinux
    // and the loaded modules' debug files are fetched from by build ID when none is found on
    // disk (symbols/debuginfod_client.h); empty: none are asked.
    std::string debuginfodUrls;
    // One line for the user that is neither progress nor a warning about the results: that a
    // download starts, when `progress` is not shown. May be called after open(), from any
    // thread (a module's debug file is fetched when a frame first needs it).
    std::function<void(const std::string&)> note;
    // Index the vmlinux's DWARF address ranges on a second thread while it opens, so that the
    // first file:line or inline frame comes sooner. A caller that prints none (bt without
    // lines, ps, info, log) turns it off and saves that work; answers are the same either way.
    bool prepareSourceLines = true;
};

// The entry-call table at runtime addresses (a dump's) or link-time ones (a vmlinux alone).
struct EntryTable {
    bool runtimeAddresses = true;
    // Decoded from the code as the dump holds it (patched at boot: the calls the running kernel
    // could make), or from the vmlinux file (with the alternatives it may patch in, `a|b`).
    bool runningCode = true;
    std::vector<unwind::EntryCall> rows;
    std::vector<unwind::EntryCallProblem> untracked;
};

class Session {
  public:
    static Result<std::unique_ptr<Session>> open(const SessionOptions& options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const std::string& dumpPath() const;
    // What is wrong with the dump but did not stop it from opening (truncated file, ...).
    std::vector<Diagnostic> warnings() const;

    Result<DumpInfo> info() const;
    // crash's `sys`: info() with the wall clock, load average, RAM, task count and who tainted
    // the kernel. Facts that cannot be read are warnings.
    Result<SystemInfo> systemInfo() const;
    // The kernel's memory counters (crash's `kmem -i`, /proc/meminfo's sources).
    Result<MemoryTotals> memoryTotals() const;
    // What a kernel address is (crash's `kmem ADDR`, `whatis ADDR`).
    Result<AddressDescription> describeAddress(uint64_t address) const;
    Result<TaskTable> tasks() const;
    // The crashing task (the panic CPU's current one): the kernel log is read only when
    // panic_cpu is unset. nullopt when unknown.
    Result<std::optional<TaskRow>> crashingTask() const;
    Result<KernelLog> log() const;
    // Every CPU's run queue.
    Result<RunQueueTable> runQueues() const;
    // The interrupts with a handler; Errc::Unsupported on kernels that keep them in a maple tree.
    Result<InterruptTable> interrupts() const;
    Result<std::vector<ModuleRow>> modules() const;

    // The tasks a selection means: Errc::Usage for a pid no task has, or an unknown crashing
    // task.
    Result<std::vector<TaskRow>> selectTasks(const TaskSelection& selection) const;
    // The same, but a pid no task has is listed in `missingPids` instead of failing the rest.
    Result<SelectedTasks> selectAvailableTasks(const TaskSelection& selection) const;
    Result<unwind::StackTrace> backtrace(const TaskRow& task,
                                         const BacktraceOptions& options) const;
    // Unwinds `tasks` on every core. `onTask` gets each trace as it is ready, with the task's
    // index in `tasks`: on worker threads, in no particular order, possibly several at once (so
    // a caller can format in parallel; see util/ordered_writer.h to print in order). `progress`
    // (tasks done, total) is called after each, serialised. Stops early with Errc::Cancelled once
    // `cancel` is set; traces delivered until then stay delivered.
    using OnBacktrace =
        std::function<void(size_t index, const TaskRow& task, unwind::StackTrace trace)>;
    using OnProgress = std::function<void(size_t done, size_t total)>;
    Result<void> backtraces(const std::vector<TaskRow>& tasks, const BacktraceOptions& options,
                            const OnBacktrace& onTask, const OnProgress& progress = {},
                            const CancelToken* cancel = nullptr) const;
    // What the unwinder could not use (a missing table, unreadable modules, a .ko of another
    // build): grows as backtraces with lines meet module frames.
    std::vector<Diagnostic> backtraceWarnings() const;
    // The mutex `task` sleeps on in mutex_lock() and its holder, from the struct mutex_waiter on
    // the task's stack (kernel/mutex_wait.h); nullopt when it waits on none.
    Result<std::optional<MutexWaitInfo>> mutexWait(const TaskRow& task) const;

    // `length` bytes from a kernel virtual address, with the pages the dump lacks marked;
    // Errc::Usage over 64 MiB.
    Result<MemoryBlock> readMemory(uint64_t address, size_t length) const;
    // The same from a physical address (rd -p).
    Result<MemoryBlock> readPhysicalMemory(uint64_t address, size_t length) const;
    // The kernel's direct map of all physical memory, [begin, end): search's default range.
    Result<std::pair<uint64_t, uint64_t>> directMapRange() const;
    // Every 8-byte aligned word in the range that equals the value under the mask, skipping the
    // pages the dump lacks. Errc::Usage for an empty range or one over 64 GiB. `progress` gets
    // (bytes done, total) now and then; `cancel` stops it early with Errc::Cancelled.
    Result<SearchResult> searchMemory(const SearchRequest& request, const OnProgress& progress = {},
                                      const CancelToken* cancel = nullptr) const;
    // A symbol name in the vmlinux (else in a loaded module), or an address (hex): the symbol
    // (vmlinux or module) that contains it, by the rule bt names frames by (symbolize()), or the
    // per-CPU variable at a per-CPU offset or in a CPU's per-CPU area. Errc::NoSymbol when none
    // does.
    Result<SymbolInfo> lookupSymbol(const std::string& query) const;
    // The symbol (vmlinux or module), its offset and file:line at a runtime address, as bt names
    // an interrupted frame there: the symbol must contain the address (its ELF size, or up to
    // the next symbol in its section for a sizeless one); `size` is the kernel's (to the next
    // symbol) as bt prints it; file:line is the outermost function's when code is inlined there.
    std::optional<SymbolInfo> symbolize(uint64_t address) const;
    // The vmlinux's symbol names that start with `prefix`, sorted and unique, at most `limit`
    // (for completion in a shell).
    std::vector<std::string> symbolNames(std::string_view prefix, size_t limit) const;
    Result<EntryTable> entryTable() const;
    // `count` instructions from a runtime address, as the dump's memory holds the code (the
    // vmlinux file's bytes where the dump lacks a page of its text). Stops early at bytes that
    // decode to nothing.
    Result<std::vector<CodeLine>> disassemble(uint64_t address, size_t count) const;
    // The whole function containing an address or named (as lookupSymbol() resolves it).
    Result<std::vector<CodeLine>> disassembleFunction(const std::string& query) const;

    // The definition of a type: "struct list_head", "union thread_union", "enum pid_type", or a
    // bare name (a struct, union, typedef or enum of it, in that order). Errc::NoType when none.
    Result<TypeDefinition> describeType(const std::string& name) const;
    // A global or per-CPU variable's declaration and address (Errc::NoSymbol / NoType).
    Result<VariableInfo> describeVariable(const std::string& name) const;
    // The object of type `type` ("task_struct", "struct list_head") at `address`: whole, or only
    // the member paths given ("comm", "se.vruntime"), one value each.
    Result<std::vector<ObjectValue>> readObject(const std::string& type, uint64_t address,
                                                const std::vector<std::string>& members) const;
    // A variable as `p` reads it: "jiffies", "init_uts_ns.name.release", "runqueues:1",
    // "runqueues:a" (one value per CPU).
    Result<std::vector<ObjectValue>> readVariable(const std::string& expression) const;
    // Walks a list_head chain as crash's `list` does; a loop or a bad pointer ends the walk with
    // `problem` set and the entries before it kept.
    Result<ListResult> walkList(const ListRequest& request) const;

  private:
    struct Impl;
    explicit Session(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Finds the vmlinux for a dump on disk: with the dump's `buildId` (VMCOREINFO's BUILD-ID) first
// DIR/.build-id/xx/rest.debug in each of `debugDirs` and /usr/lib/debug, then the release's names
// (symbols::vmlinuxCandidates), where a file of another build is skipped. Errc::VmlinuxMissing
// lists where it looked and what it skipped ("PATH has build ID ...").
Result<std::string> locateVmlinux(const std::string& release,
                                  const std::vector<std::string>& debugDirs,
                                  const std::optional<std::string>& buildId = std::nullopt);

// The entry-call table of a vmlinux alone, at link-time addresses.
Result<EntryTable> entryTableOfVmlinux(const std::string& vmlinuxPath);

} // namespace panicscope::model
