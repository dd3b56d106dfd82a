// The stack switches in C code (private to unwind/). From 5.12 the kernel runs interrupt handlers
// and softirqs on the IRQ stack with inline asm (arch/x86/include/asm/irq_stack.h, call_on_stack)
// in common_interrupt, the sysvec_* handlers, do_softirq_own_stack, ...:
//     movq %rsp, (%reg)    the old stack pointer goes to the top of the IRQ stack
//     movq %reg, %rsp
//     call FUNC            (and more calls, arguments set up between them)
//     popq %rsp
// Every call in between runs with the previous stack pointer at the stack pointer after it returns.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace panicscope::unwind::entry {

struct StackSwitchCall {
    uint64_t callAddress = 0;
    uint64_t returnAddress = 0;
    uint64_t target = 0;       // 0 for an indirect call
    int64_t savedSpOffset = 0; // the previous stack pointer is at sp + this after the return
};

// Every such call in `text`, code at link-time `address`.
std::vector<StackSwitchCall> findStackSwitchCalls(std::string_view text, uint64_t address);

} // namespace panicscope::unwind::entry
