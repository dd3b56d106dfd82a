// The stacks a walk may visit: the task's own stack and, for a task on a CPU, that CPU's IRQ
// stack, IST exception stacks and entry stack. Every read the walker makes must fall in one of
// them.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"
#include "kernel/tasks.h"
#include "unwind/frame.h"

#include <string>
#include <vector>

namespace panicscope::unwind {

// THREAD_SIZE: the init stack's extent (__start_init_task..__end_init_task, *_init_stack from 6.8),
// else sizeof(union thread_union).
Result<uint64_t> threadSize(const kernel::KernelView& view);

// A CPU's IRQ stack, exception stacks and entry stack (what exists on this kernel).
std::vector<StackRange> cpuStacks(const kernel::KernelView& view, const kernel::PerCpu& perCpu,
                                  unsigned cpu, uint64_t stackSize);

// The stacks of `task`: its task stack, plus its CPU's stacks when it is on a CPU.
std::vector<StackRange> taskStacks(const kernel::KernelView& view, const kernel::PerCpu& perCpu,
                                   const kernel::Task& task, uint64_t stackSize);

} // namespace panicscope::unwind
