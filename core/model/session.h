// One opened dump with its vmlinux: the only object the CLI and the GUI talk to. Opening checks
// that the two belong together; everything else is computed on first use and kept.
#pragma once

#include "dump/dump_file.h"
#include "kernel/crash_facts.h"
#include "kernel/kaslr.h"
#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "kernel/printk_log.h"
#include "kernel/tasks.h"
#include "model/values.h"
#include "symbols/vmlinux.h"
#include "unwind/backtracer.h"
#include "util/result.h"

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::model {

struct SessionOptions {
    std::vector<std::string> dumpPaths;     // one file, or the parts of a split dump
    std::optional<std::string> vmlinuxPath; // found from the dump's release when absent
    std::vector<std::string> debugDirs;     // extra places to look for the vmlinux
    // Searched recursively for MODULE.ko with debug info (file:line of module frames).
    std::vector<std::string> moduleDirs;
    // Called with a short description before each slow step (opening the vmlinux, ...).
    std::function<void(const std::string&)> progress;
    // Start loading the unwind tables (ORC, entry-call table) on a second thread as soon as the
    // vmlinux is open, for a caller that will ask for backtracer() (bt), so that they load
    // while the task list is read.
    bool prepareUnwinding = false;
};

class Session {
  public:
    static Result<std::unique_ptr<Session>> open(const SessionOptions& options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const dump::DumpFile& dump() const { return *dump_; }
    const symbols::Vmlinux& vmlinux() const { return *vmlinux_; }
    const kernel::KernelView& view() const { return *view_; }
    // What is wrong with the dump but did not stop it from opening (truncated file, ...).
    std::vector<std::string> warnings() const;

    // Not thread-safe: a front end calls these from one thread at a time.
    Result<DumpInfo> info();
    // The crashing task (the panic CPU's current one) without the rest of info(): the kernel log
    // is read only when panic_cpu is unset. nullopt when unknown.
    Result<std::optional<TaskRef>> crashingTask();
    Result<const kernel::TaskList*> tasks();
    Result<const kernel::KernelLog*> log();
    // The unwinder for this dump (built on first use: reads the ORC table).
    Result<const unwind::Backtracer*> backtracer();
    // An address (hex) or a symbol name; Errc::NoSymbol when neither resolves.
    Result<SymbolInfo> lookupSymbol(const std::string& query) const;
    // Which CPUs exist and where their per-CPU data lies (read on first use).
    Result<const kernel::PerCpu*> perCpu();

  private:
    Session() = default;

    std::unique_ptr<dump::DumpFile> dump_;
    std::unique_ptr<symbols::Vmlinux> vmlinux_;
    kernel::KaslrOffset kaslr_;
    std::vector<std::string> openWarnings_;
    std::vector<std::string> moduleDirs_;
    // SessionOptions::prepareUnwinding: the vmlinux's unwind tables, loading on a second thread.
    std::future<unwind::UnwindTables> unwindTables_;
    std::unique_ptr<kernel::KernelView> view_;
    std::optional<kernel::PerCpu> perCpu_;
    std::optional<kernel::TaskList> tasks_;
    std::optional<Result<kernel::KernelLog>> log_;
    std::optional<unwind::Backtracer> backtracer_;
};

// Finds the vmlinux for a dump's release (see symbols::vmlinuxCandidates); Errc::VmlinuxMissing
// lists where it looked.
Result<std::string> locateVmlinux(const std::string& release,
                                  const std::vector<std::string>& debugDirs);

} // namespace panicscope::model
