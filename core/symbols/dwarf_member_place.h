// Where a DWARF struct or union member lies, in bits: what the layouts and the type graph both
// read from DW_AT_data_member_location, DW_AT_data_bit_offset and the DWARF 2/3 bit-field
// attributes.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>

namespace panicscope::symbols {

struct MemberPlace {
    uint64_t bitOffset = 0; // from the start of the parent; a bit-field's least significant bit
    uint32_t bitSize = 0;   // 0: not a bit-field
};

// nullopt for a location this reader does not understand (an expression other than
// DW_OP_plus_uconst, a bit-field past its storage unit).
std::optional<MemberPlace> memberPlace(Dwarf_Die* member);

} // namespace panicscope::symbols
