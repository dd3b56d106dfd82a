#include "unwind/stacks.h"

namespace panicscope::unwind {

Result<uint64_t> threadSize(const kernel::KernelView& view) {
    // The linker script places init_task's stack between these symbols, THREAD_SIZE apart
    // (renamed from *_init_task to *_init_stack in 6.8).
    for (auto [first, last] : {std::pair{"__start_init_task", "__end_init_task"},
                               std::pair{"__start_init_stack", "__end_init_stack"}}) {
        const auto* start = view.symbols().byName(first);
        const auto* end = view.symbols().byName(last);
        if (start && end && end->address > start->address) return end->address - start->address;
    }
    return view.layouts().sizeOf("thread_union");
}

namespace {

// The IRQ stack's top word (hardirq_stack_ptr points at it) holds the interrupted stack pointer.
std::optional<uint64_t> irqStackTop(const kernel::KernelView& view, const kernel::PerCpu& perCpu,
                                    unsigned cpu) {
    // <= 6.1 and >= 6.15: a per-CPU variable; 6.2 to 6.14: a member of pcpu_hot.
    if (auto v = perCpu.variable(view, "hardirq_stack_ptr", cpu))
        if (auto p = view.memory().readU64(*v)) return *p;
    if (auto hot = perCpu.variable(view, "pcpu_hot", cpu))
        if (auto m = view.member("pcpu_hot", "hardirq_stack_ptr"))
            if (auto p = view.memory().readU64(*hot + m->offset)) return *p;
    return std::nullopt;
}

} // namespace

std::vector<StackRange> cpuStacks(const kernel::KernelView& view, const kernel::PerCpu& perCpu,
                                  unsigned cpu, uint64_t stackSize) {
    std::vector<StackRange> out;
    if (auto top = irqStackTop(view, perCpu, cpu); top && *top)
        out.push_back({*top + 8 - stackSize, *top + 8, StackKind::Irq, "IRQ stack"});
    // IST stacks: cea_exception_stacks points at this CPU's struct cea_exception_stacks.
    auto ptr = perCpu.variable(view, "cea_exception_stacks", cpu);
    if (!ptr) return out;
    auto base = view.memory().readU64(*ptr);
    if (!base || !*base) return out;
    static constexpr std::pair<const char*, const char*> kIst[] = {
        {"DF_stack", "double fault exception stack"},
        {"NMI_stack", "NMI exception stack"},
        {"DB_stack", "debug exception stack"},
        {"MCE_stack", "machine check exception stack"},
        {"VC_stack", "#VC exception stack"},
        {"VC2_stack", "#VC2 exception stack"}};
    for (auto [member, name] : kIst)
        if (auto m = view.member("cea_exception_stacks", member); m && m->size)
            out.push_back(
                {*base + m->offset, *base + m->offset + m->size, StackKind::Exception, name});
    // The entry (trampoline) stack, where the CPU lands from user mode (TSS sp0) before the
    // entry code moves to the task stack. It lies in the same cpu_entry_area as the exception
    // stacks; their address gives the area's, whatever its placement (randomized since 6.2).
    auto estacks = view.member("cpu_entry_area", "estacks");
    auto entry = view.member("cpu_entry_area", "entry_stack_page");
    if (estacks && entry && entry->size && *base >= estacks->offset) {
        const uint64_t area = *base - estacks->offset;
        out.push_back({area + entry->offset, area + entry->offset + entry->size, StackKind::Entry,
                       "entry stack"});
    }
    return out;
}

std::vector<StackRange> taskStacks(const kernel::KernelView& view, const kernel::PerCpu& perCpu,
                                   const kernel::Task& task, uint64_t stackSize) {
    std::vector<StackRange> out;
    if (task.stack)
        out.push_back({task.stack, task.stack + stackSize, StackKind::Task, "task stack"});
    if (task.onCpu) {
        auto cpu = cpuStacks(view, perCpu, task.cpu, stackSize);
        out.insert(out.end(), cpu.begin(), cpu.end());
    }
    return out;
}

} // namespace panicscope::unwind
