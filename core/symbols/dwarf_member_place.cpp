#include "symbols/dwarf_member_place.h"

#include <dwarf.h>

namespace panicscope::symbols {

namespace {

std::optional<uint64_t> unsignedAttr(Dwarf_Die* die, unsigned name) {
    Dwarf_Attribute attr;
    Dwarf_Word value;
    if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &value) != 0) return std::nullopt;
    return value;
}

// DW_AT_data_member_location in bytes; 0 when absent (a union member).
std::optional<uint64_t> byteLocation(Dwarf_Die* member) {
    Dwarf_Attribute attr;
    if (!dwarf_attr(member, DW_AT_data_member_location, &attr)) return 0;
    switch (dwarf_whatform(&attr)) {
    case DW_FORM_exprloc:
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_block2:
    case DW_FORM_block4: {
        // Old producers write the offset as the expression DW_OP_plus_uconst N.
        Dwarf_Op* ops = nullptr;
        size_t count = 0;
        if (dwarf_getlocation(&attr, &ops, &count) != 0 || count != 1 ||
            ops[0].atom != DW_OP_plus_uconst)
            return std::nullopt;
        return ops[0].number;
    }
    default: {
        Dwarf_Word offset;
        if (dwarf_formudata(&attr, &offset) != 0) return std::nullopt;
        return offset;
    }
    }
}

} // namespace

std::optional<MemberPlace> memberPlace(Dwarf_Die* member) {
    MemberPlace place;
    const auto bitSize = unsignedAttr(member, DW_AT_bit_size);
    if (bitSize && (*bitSize == 0 || *bitSize > 64)) return std::nullopt;
    place.bitSize = bitSize ? static_cast<uint32_t>(*bitSize) : 0;
    if (auto bits = unsignedAttr(member, DW_AT_data_bit_offset)) { // DWARF 4+ bit-fields
        place.bitOffset = *bits;
        return place;
    }
    const auto bytes = byteLocation(member);
    if (!bytes || *bytes > (UINT64_MAX >> 4)) return std::nullopt;
    place.bitOffset = *bytes * 8;
    if (auto bitOffset = unsignedAttr(member, DW_AT_bit_offset); bitSize && bitOffset) {
        // DWARF 2/3 bit-fields (GCC before 11 in DWARF 4 too): DW_AT_bit_offset counts from the
        // most significant bit of a DW_AT_byte_size storage unit; x86-64 is little-endian.
        auto storage = unsignedAttr(member, DW_AT_byte_size);
        if (!storage || *storage > 16 || *bitOffset + *bitSize > *storage * 8) return std::nullopt;
        place.bitOffset += *storage * 8 - *bitOffset - *bitSize;
    }
    return place;
}

} // namespace panicscope::symbols
