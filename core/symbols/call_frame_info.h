// DWARF call frame information (.debug_frame): the compiler's own unwind rules, for the places
// ORC has none (e.g. the _THIS_IP_ label crash_setup_regs() records on a kdump's panic CPU).
#pragma once

#include "symbols/dwarf_handle.h"

#include <cstdint>
#include <optional>

namespace panicscope::symbols {

struct CfiRule {
    enum class Kind { Undefined, SameValue, AtCfaOffset, Unsupported };
    Kind kind = Kind::Unsupported;
    int64_t offset = 0; // AtCfaOffset: the caller's value is saved at CFA + offset
};

struct CfiRow {
    int cfaRegister = -1; // DWARF x86-64 numbering: 6 rbp, 7 rsp
    int64_t cfaOffset = 0;
    CfiRule returnAddress;
    CfiRule bp;
};

// The row in force at a link-time address; nullopt when the CFI does not cover it or uses an
// expression we do not evaluate (the CFA must be register + offset).
std::optional<CfiRow> callFrameRow(DwarfHandle& dwarf, uint64_t linkAddress);

} // namespace panicscope::symbols
