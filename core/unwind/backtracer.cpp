#include "unwind/backtracer.h"

#include "unwind/stack_walker.h"
#include "unwind/stacks.h"

namespace panicscope::unwind {

Result<Backtracer> Backtracer::create(const kernel::KernelView& view,
                                      const symbols::Vmlinux& vmlinux, const dump::DumpFile& dump,
                                      const kernel::PerCpu& perCpu, const CodeMap& code,
                                      const EntryCallTable* entryCalls,
                                      const Symbolizer& symbolizer) {
    Backtracer b;
    b.view_ = &view;
    b.vmlinux_ = &vmlinux;
    b.dump_ = &dump;
    b.perCpu_ = &perCpu;
    b.code_ = &code;
    b.entryCalls_ = entryCalls;
    b.symbolizer_ = &symbolizer;
    auto size = threadSize(view);
    if (!size) return tl::unexpected(size.error());
    b.threadSize_ = *size;
    auto frameSize = view.layouts().sizeOf("inactive_task_frame");
    auto bp = view.member("inactive_task_frame", "bp");
    auto ret = view.member("inactive_task_frame", "ret_addr");
    if (!frameSize) return tl::unexpected(frameSize.error());
    if (!bp) return tl::unexpected(bp.error());
    if (!ret) return tl::unexpected(ret.error());
    b.frameSize_ = *frameSize;
    b.frameBp_ = bp->offset;
    b.frameRet_ = ret->offset;
    if (auto fork = view.address("ret_from_fork")) b.retFromFork_ = *fork;
    return b;
}

std::optional<WalkStart> Backtracer::start(const kernel::Task& task, std::string& why) const {
    WalkStart start;
    const auto& cpus = dump_->cpus();
    if (task.onCpu && task.cpu < cpus.size()) {
        // Where the CPU was when the dump was taken (kdump: the crash-time registers).
        start.regs = cpus[task.cpu].regs;
        start.fullRegs = true;
        start.interrupted = true;
        return start;
    }
    // A switched-out task: __switch_to_asm pushed an inactive_task_frame at thread.sp.
    const auto& mem = view_->memory();
    auto bp = mem.readU64(task.threadSp + frameBp_);
    auto ret = mem.readU64(task.threadSp + frameRet_);
    if (!bp || !ret) {
        why = "cannot read the switched-out frame: " +
              (!bp ? bp.error().message : ret.error().message);
        return std::nullopt;
    }
    start.regs.sp = task.threadSp + frameSize_;
    start.regs.bp = *bp;
    start.regs.ip = *ret;
    start.fullRegs = false;
    // A new task that never ran starts at ret_from_fork: not a return address.
    start.interrupted = *ret == retFromFork_;
    return start;
}

StackTrace Backtracer::backtrace(const kernel::Task& task, bool withLines) const {
    std::string why;
    const auto from = start(task, why);
    if (!from) {
        StackTrace t;
        t.stop = {WalkStatus::Truncated, task.threadSp, why};
        return t;
    }
    const auto stacks = taskStacks(*view_, *perCpu_, task, threadSize_);
    WalkerContext context{view_->memory(), *code_, entryCalls_,
                          [this](uint64_t address) { return vmlinux_->callFrameRow(address); }};
    StackTrace trace = walkStack(context, *from, stacks);
    for (auto& frame : trace.frames)
        symbolizer_->symbolize(frame, withLines);
    return trace;
}

} // namespace panicscope::unwind
