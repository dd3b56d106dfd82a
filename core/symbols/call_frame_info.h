// DWARF call frame information (.debug_frame): the compiler's own unwind rules, for the places
// ORC has none (e.g. the _THIS_IP_ label crash_setup_regs() records on a kdump's panic CPU).
#pragma once

#include "symbols/cfi_row.h"
#include "symbols/dwarf_handle.h"

#include <cstdint>
#include <optional>

namespace panicscope::symbols {

// The row in force at a link-time address; nullopt when the CFI does not cover it or uses an
// expression we do not evaluate (the CFA must be register + offset).
std::optional<CfiRow> callFrameRow(DwarfHandle& dwarf, uint64_t linkAddress);

} // namespace panicscope::symbols
