// One form for what every source of unwind data says about a code address: how to compute the
// CFA (the stack pointer before the call), and where the return address, the caller's frame
// pointer or a saved pt_regs lies relative to it. ORC entries, DWARF CFI rows and entry-call
// table rows are converted to it, and the walker applies it with one executor.
#pragma once

#include "arch/x86_64_registers.h"
#include "symbols/cfi_row.h"
#include "unwind/entry_call_table.h"
#include "unwind/frame.h"
#include "unwind/frame_setup.h"
#include "unwind/orc_table.h"
#include "unwind/stack_depth.h"

#include <optional>
#include <string>

namespace panicscope::unwind {

enum class CfaRule {
    SpPlus,      // sp + offset
    BpPlus,      // bp + offset
    AtSpPlus,    // [sp] + offset: the previous stack pointer stored at a new stack's top
    AtBpPlus,    // [bp + offset]
    RegisterSet, // the value of a register the interrupted context saved (dx, di, r10, r13)
};

// Where a caller's register is found.
struct SavedRule {
    enum class Kind {
        Same,  // unchanged by this frame (from a full pt_regs: the value saved there)
        AtCfa, // [CFA + offset]
        AtBp,  // [bp + offset], bp being this frame's
    };
    Kind kind = Kind::Same;
    int64_t offset = 0;
};

struct UnwindRow {
    enum class Kind {
        Call,      // the return address lies at CFA + returnAddressOffset
        PtRegs,    // a full pt_regs lies at CFA + regsOffset: the interrupted context
        IretFrame, // only the hardware frame (ip cs flags sp ss) of the pt_regs there is valid
    };
    Kind kind = Kind::Call;
    FoundBy source = FoundBy::Orc; // whose data this is
    CfaRule cfa = CfaRule::SpPlus;
    int64_t cfaOffset = 0;
    uint64_t arch::X86Registers::*cfaRegister = nullptr; // CfaRule::RegisterSet
    int64_t returnAddressOffset = -8;
    int64_t regsOffset = 0; // from the CFA to the start of struct pt_regs
    SavedRule bp;
};

// A row or why there is none (an ORC register this code does not know).
struct RowOrProblem {
    std::optional<UnwindRow> row;
    std::string problem; // "ORC uses an unknown base register"
};

// ORC's rule (types Call, Regs and RegsPartial; the others carry no row).
RowOrProblem rowFromOrc(const OrcEntry& entry);
// DWARF CFI's rule; nullopt where it has none the walker can apply (CFA from another register,
// or no saved return address).
std::optional<UnwindRow> rowFromCfi(const symbols::CfiRow& cfi);
// What an interrupted function's code says (Kind::ReturnAddress only): the return address at
// sp + returnOffset, the caller's rbp at sp when it was just pushed.
UnwindRow rowFromFrameSetup(const FrameSetup& setup);
// What a function's code followed from its entry says (StackDepth::known only).
UnwindRow rowFromStackDepth(const StackDepth& depth);
// The entry-call table's rule for a return address into entry code: the pt_regs the entry code
// saved, relative to the stack pointer after the return.
UnwindRow rowFromEntryCall(const EntryCall& call);

} // namespace panicscope::unwind
