// A row of DWARF call frame information as the unwinder uses it: plain values, no libdw.
#pragma once

#include <cstdint>

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

} // namespace panicscope::symbols
