// The entry-call table: every call site in the kernel's entry code, each with where the pt_regs
// the entry code saved lies relative to the stack pointer at that call. Built offline from the
// vmlinux with Capstone; on an ORC kernel every row is cross-checked against ORC.
#pragma once

#include "symbols/vmlinux.h"
#include "unwind/frame.h"
#include "util/result.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace panicscope::unwind {

struct EntryCall {
    uint64_t returnAddress = 0; // link-time address of the instruction after the call
    // For Syscall/Interrupt/Exception/Nmi: pt_regs lies at (stack pointer after the call returns)
    // + ptRegsOffset. For StackSwitch: the previous stack pointer is stored at that address.
    // "After the call returns" means rsp at the call instruction: the return address's slot + 8.
    int64_t ptRegsOffset = 0;
    BoundaryKind kind = BoundaryKind::Interrupt;
    std::string entrySymbol; // e.g. "asm_sysvec_apic_timer_interrupt", "entry_SYSCALL_64"
    std::string callee;      // what the call calls, when it is a direct call
    // false when the call is made before the general registers are pushed (ptRegsOffset < 0,
    // e.g. `call error_entry`): only orig_ax and the hardware frame (ip cs flags sp ss) are valid.
    bool fullRegs = true;
};

// A call in the entry code the decoder could not give a row (reached with different or unknown
// stack states, or not reached from any entry point), kept to be shown rather than guessed at.
struct EntryCallProblem {
    uint64_t address = 0; // link-time address of the call
    std::string function; // the symbol it is in
    std::string reason;
};

class EntryCallTable {
  public:
    // Decodes the entry text of the vmlinux (and ret_from_fork, rewind_stack_and_make_dead, the
    // alternatives that patch calls in) and scans the kernel text for IRQ-stack switches;
    // Errc::Unsupported when it has no entry text.
    static Result<EntryCallTable> build(const symbols::Vmlinux& vmlinux);
    static EntryCallTable fromRows(std::vector<EntryCall> rows);

    // The row for a link-time return address, or nullptr.
    const EntryCall* find(uint64_t returnAddress) const;
    std::span<const EntryCall> rows() const { return rows_; }
    std::span<const EntryCallProblem> problems() const { return problems_; }

  private:
    std::vector<EntryCall> rows_; // sorted by returnAddress
    std::vector<EntryCallProblem> problems_;
};

} // namespace panicscope::unwind
