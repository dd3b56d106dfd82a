// Backtraces of tasks: chooses each task's starting registers (its CPU's NT_PRSTATUS when it is
// running, its inactive_task_frame when switched out), walks, and names every frame. backtrace()
// may run on several threads at once.
#pragma once

#include "dump/dump_file.h"
#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "kernel/tasks.h"
#include "symbols/vmlinux.h"
#include "unwind/code_map.h"
#include "unwind/entry_call_table.h"
#include "unwind/frame.h"
#include "unwind/stack_walker.h"
#include "unwind/symbolizer.h"

namespace panicscope::unwind {

class Backtracer {
  public:
    // Reads the struct layouts the start needs. `entryCalls` may be null (no entry text).
    static Result<Backtracer> create(const kernel::KernelView& view,
                                     const symbols::Vmlinux& vmlinux, const dump::DumpFile& dump,
                                     const kernel::PerCpu& perCpu, const CodeMap& code,
                                     const EntryCallTable* entryCalls,
                                     const Symbolizer& symbolizer);

    // `withLines`: also file:line for every frame and the functions inlined into it.
    StackTrace backtrace(const kernel::Task& task, bool withLines) const;

  private:
    Backtracer() = default;
    // Where a task's walk starts; nullopt (and `why`) when its switched-out frame is unreadable.
    std::optional<WalkStart> start(const kernel::Task& task, std::string& why) const;

    const kernel::KernelView* view_ = nullptr;
    const symbols::Vmlinux* vmlinux_ = nullptr;
    const dump::DumpFile* dump_ = nullptr;
    const kernel::PerCpu* perCpu_ = nullptr;
    const CodeMap* code_ = nullptr;
    const EntryCallTable* entryCalls_ = nullptr;
    const Symbolizer* symbolizer_ = nullptr;
    uint64_t threadSize_ = 0;
    uint64_t frameSize_ = 0, frameBp_ = 0, frameRet_ = 0; // struct inactive_task_frame
    uint64_t retFromFork_ = 0;                            // runtime address
};

} // namespace panicscope::unwind
