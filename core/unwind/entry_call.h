// A row of the entry-call table: one call site in the kernel's entry code and where the state the
// entry code saved lies from the stack pointer there. Plain values.
#pragma once

#include "unwind/frame.h"

#include <cstdint>
#include <string>

namespace panicscope::unwind {

struct EntryCall {
    uint64_t returnAddress = 0; // link-time address of the instruction after the call
    // Boundary rows: pt_regs lies at (stack pointer after the call returns) + ptRegsOffset. "After
    // the call returns" means rsp at the call instruction: the return address's slot + 8.
    int64_t ptRegsOffset = 0;
    // StackSwitch rows: the previous stack pointer is stored at that stack pointer + this.
    int64_t previousSpOffset = 0;
    BoundaryKind kind = BoundaryKind::Interrupt;
    std::string entrySymbol; // e.g. "asm_sysvec_apic_timer_interrupt", "entry_SYSCALL_64"
    std::string callee;      // what the call calls, when it is a direct call
    // false when the call is made before the general registers are pushed (ptRegsOffset < 0,
    // e.g. `call error_entry`): only orig_ax and the hardware frame (ip cs flags sp ss) are valid.
    bool fullRegs = true;

    // The offset tables print ("pt_regs_offset"): of the pt_regs, or of the saved stack pointer.
    int64_t savedStateOffset() const {
        return kind == BoundaryKind::StackSwitch ? previousSpOffset : ptRegsOffset;
    }
};

// A call in the entry code the decoder could not give a row (reached with different or unknown
// stack states, or not reached from any entry point), kept to be shown rather than guessed at.
struct EntryCallProblem {
    uint64_t address = 0; // link-time address of the call
    std::string function; // the symbol it is in
    std::string reason;
};

} // namespace panicscope::unwind
