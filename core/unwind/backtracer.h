// Backtraces of tasks: chooses each task's starting registers (its CPU's NT_PRSTATUS when it is
// running, its inactive_task_frame when switched out), walks, and names every frame.
#pragma once

#include "dump/dump_file.h"
#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "kernel/tasks.h"
#include "symbols/module_debug_info.h"
#include "symbols/vmlinux.h"
#include "unwind/entry_call_table.h"
#include "unwind/frame.h"
#include "unwind/module_code.h"
#include "unwind/orc_table.h"
#include "unwind/unwind_tables.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::unwind {

class Backtracer {
  public:
    // Loads the vmlinux's ORC table (a frame-pointer kernel has none: walks then follow frame
    // pointers) and the struct layouts the start needs. `moduleDirs` are searched recursively
    // for MODULE.ko files with debug info (on first use), for file:line and inline frames of
    // module frames.
    static Result<Backtracer> create(const kernel::KernelView& view,
                                     const symbols::Vmlinux& vmlinux, const dump::DumpFile& dump,
                                     const kernel::PerCpu& perCpu,
                                     std::vector<std::string> moduleDirs = {},
                                     std::optional<UnwindTables> tables = std::nullopt);
    ~Backtracer();
    Backtracer(Backtracer&&) noexcept;
    Backtracer& operator=(Backtracer&&) noexcept;

    // `withLines`: also file:line for every frame and a frame for every inlined function
    // (slower: reads .debug_line and the DWARF scopes; for a module frame, those of its .ko from
    // the module directories, when one is there and is the build of the loaded module).
    StackTrace backtrace(const kernel::Task& task, bool withLines) const;

    const OrcTable* orc() const { return orc_.get(); }
    // Modules read from the dump, and what could not be read of them; backtraces with lines add
    // a line for each module whose .ko is missing from the module directories or is another
    // build (so the warnings are a copy, taken under a lock).
    const std::vector<ModuleCode>& modules() const { return modules_; }
    std::vector<std::string> warnings() const;

  private:
    struct ModuleFiles; // the .ko files of the module directories, opened on first use

    Backtracer(const kernel::KernelView& view, const symbols::Vmlinux& vmlinux,
               const dump::DumpFile& dump, const kernel::PerCpu& perCpu,
               std::vector<std::string> moduleDirs);
    void symbolize(Frame& frame, bool withLines) const;
    // The debug info of a module frame's module (null when there is none that matches it).
    const symbols::ModuleDebugInfo* moduleDebugInfo(const std::string& module) const;
    void loadModules();
    // Adds a frame for each function inlined at a frame's pc, innermost first (with lines only:
    // it reads the DWARF scopes).
    void expandInlines(std::vector<Frame>& frames) const;

    const kernel::KernelView* view_;
    const symbols::Vmlinux* vmlinux_;
    const dump::DumpFile* dump_;
    const kernel::PerCpu* perCpu_;
    std::unique_ptr<OrcTable> orc_;              // null on a frame-pointer kernel
    std::unique_ptr<EntryCallTable> entryCalls_; // null when the vmlinux has no entry text
    std::vector<ModuleCode> modules_;
    std::vector<std::string> warnings_;
    std::unique_ptr<ModuleFiles> moduleFiles_;
    uint64_t threadSize_ = 0;
    uint64_t frameSize_ = 0, frameBp_ = 0, frameRet_ = 0; // struct inactive_task_frame
    uint64_t retFromFork_ = 0;                            // runtime address
};

} // namespace panicscope::unwind
