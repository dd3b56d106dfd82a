#include "types/dwarf_type_reader.h"

#include "symbols/dwarf_member_place.h"

#include <dwarf.h>

namespace panicscope::types {

namespace {

constexpr unsigned kDimensionShift = 48; // DIE offsets of a 590 MB vmlinux fit far below
constexpr uint64_t kOffsetMask = (uint64_t(1) << kDimensionShift) - 1;
constexpr unsigned kMaxDimensions = 16;

TypeRef dwarfRef(uint64_t offset, unsigned dimension = 0) {
    return {TypeRef::Source::Dwarf, offset | uint64_t(dimension) << kDimensionShift};
}

// The DW_AT_type of a DIE; void (an empty ref) when it has none.
TypeRef typeOf(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    Dwarf_Die type;
    if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type))
        return {};
    return dwarfRef(dwarf_dieoffset(&type));
}

std::optional<uint64_t> unsignedAttr(Dwarf_Die* die, unsigned name) {
    Dwarf_Attribute attr;
    Dwarf_Word value;
    if (!dwarf_attr_integrate(die, name, &attr) || dwarf_formudata(&attr, &value) != 0)
        return std::nullopt;
    return value;
}

// An array dimension's length: DW_AT_count, or DW_AT_upper_bound + 1; nullopt for a flexible
// array (no bound, or GCC's upper bound of -1).
std::optional<uint64_t> subrangeLength(Dwarf_Die* subrange) {
    if (auto count = unsignedAttr(subrange, DW_AT_count)) return *count;
    Dwarf_Attribute attr;
    Dwarf_Sword upper;
    if (!dwarf_attr(subrange, DW_AT_upper_bound, &attr) || dwarf_formsdata(&attr, &upper) != 0 ||
        upper < 0)
        return std::nullopt;
    return uint64_t(upper) + 1;
}

} // namespace

std::optional<Type> DwarfTypeReader::read(uint64_t id) const {
    std::lock_guard lock(dwarf_.mutex);
    Dwarf_Die die;
    if (!dwarf_offdie(dwarf_.dwarf, id & kOffsetMask, &die)) return std::nullopt;
    return readDie(&die, static_cast<unsigned>(id >> kDimensionShift));
}

std::optional<Type> DwarfTypeReader::readDie(Dwarf_Die* die, unsigned dimension, int depth) const {
    if (depth > 8) return std::nullopt; // _Atomic of _Atomic ...: a damaged file
    Type t;
    if (const char* name = dwarf_diename(die)) t.name = name;
    const int tag = dwarf_tag(die);
    switch (tag) {
    case DW_TAG_base_type: {
        t.size = unsignedAttr(die, DW_AT_byte_size).value_or(0);
        const uint64_t encoding = unsignedAttr(die, DW_AT_encoding).value_or(0);
        t.kind = encoding == DW_ATE_float ? TypeKind::Float : TypeKind::Integer;
        t.isSigned = encoding == DW_ATE_signed || encoding == DW_ATE_signed_char;
        t.isChar = encoding == DW_ATE_signed_char || encoding == DW_ATE_unsigned_char;
        t.isBool = encoding == DW_ATE_boolean;
        return t;
    }
    case DW_TAG_pointer_type:
        t.kind = TypeKind::Pointer;
        t.size = 8;
        t.target = typeOf(die);
        return t;
    case DW_TAG_array_type:
        return readArray(die, dimension);
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
        t.kind = tag == DW_TAG_structure_type ? TypeKind::Struct : TypeKind::Union;
        if (dwarf_hasattr(die, DW_AT_declaration)) {
            // Another unit defines it: the index finds the first definition.
            const Dwarf_Die* definition =
                t.name.empty() ? nullptr : index_.find(t.name, /*orTypedef=*/false).aggregate;
            if (definition && dwarf_tag(const_cast<Dwarf_Die*>(definition)) == tag) {
                Dwarf_Die copy = *definition;
                return readDie(&copy, 0, depth + 1);
            }
            t.declaration = true;
            return t;
        }
        t.size = unsignedAttr(die, DW_AT_byte_size).value_or(0);
        readMembers(die, t);
        return t;
    case DW_TAG_enumeration_type:
        t.kind = TypeKind::Enum;
        if (dwarf_hasattr(die, DW_AT_declaration)) {
            if (const Dwarf_Die* definition = t.name.empty() ? nullptr : index_.findEnum(t.name)) {
                Dwarf_Die copy = *definition;
                return readDie(&copy, 0, depth + 1);
            }
            t.declaration = true;
        }
        t.size = unsignedAttr(die, DW_AT_byte_size).value_or(0);
        readEnumerators(die, t);
        return t;
    case DW_TAG_typedef:
        t.kind = TypeKind::Typedef;
        t.target = typeOf(die);
        return t;
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
        t.kind = tag == DW_TAG_const_type      ? TypeKind::Const
                 : tag == DW_TAG_volatile_type ? TypeKind::Volatile
                                               : TypeKind::Restrict;
        t.target = typeOf(die);
        return t;
    case DW_TAG_atomic_type: { // _Atomic T: no C spelling the kernel uses; read as T
        Dwarf_Attribute attr;
        Dwarf_Die inner;
        if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &inner))
            return std::nullopt;
        return readDie(&inner, 0, depth + 1);
    }
    case DW_TAG_subroutine_type:
        t.kind = TypeKind::Function;
        t.target = typeOf(die);
        readParameters(die, t);
        return t;
    default:
        return std::nullopt;
    }
}

std::optional<Type> DwarfTypeReader::readArray(Dwarf_Die* die, unsigned dimension) const {
    Type t;
    t.kind = TypeKind::Array;
    Dwarf_Die child;
    unsigned index = 0;
    bool found = false, more = false;
    if (dwarf_child(die, &child) == 0) {
        do {
            if (dwarf_tag(&child) != DW_TAG_subrange_type) continue;
            if (index == dimension) {
                t.count = subrangeLength(&child);
                found = true;
            } else if (index > dimension) {
                more = true;
                break;
            }
            ++index;
        } while (index <= kMaxDimensions && dwarf_siblingof(&child, &child) == 0);
    }
    if (!found && dimension > 0) return std::nullopt;
    // The inner dimensions are this DIE again; the last one's element is DW_AT_type.
    t.target = more ? dwarfRef(dwarf_dieoffset(die), dimension + 1) : typeOf(die);
    return t;
}

void DwarfTypeReader::readMembers(Dwarf_Die* die, Type& type) const {
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0) return;
    do {
        if (dwarf_tag(&child) != DW_TAG_member) continue;
        const auto place = symbols::memberPlace(&child);
        if (!place) continue; // a location this reader does not know: left out, not misplaced
        const char* name = dwarf_diename(&child);
        type.fields.push_back({name ? name : "", typeOf(&child), place->bitOffset, place->bitSize});
    } while (dwarf_siblingof(&child, &child) == 0);
}

void DwarfTypeReader::readEnumerators(Dwarf_Die* die, Type& type) const {
    // An enum with an unsigned underlying type may hold constants above INT64_MAX.
    Dwarf_Die base;
    Dwarf_Attribute attr;
    if (dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, &base)) {
        const uint64_t encoding = unsignedAttr(&base, DW_AT_encoding).value_or(0);
        type.isSigned = encoding == DW_ATE_signed || encoding == DW_ATE_signed_char;
    }
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0) return;
    do {
        if (dwarf_tag(&child) != DW_TAG_enumerator) continue;
        const char* name = dwarf_diename(&child);
        if (!name || !dwarf_attr(&child, DW_AT_const_value, &attr)) continue;
        Dwarf_Sword value = 0;
        if (dwarf_formsdata(&attr, &value) != 0) continue;
        if (value < 0) type.isSigned = true;
        type.enumerators.push_back({name, value});
    } while (dwarf_siblingof(&child, &child) == 0);
}

void DwarfTypeReader::readParameters(Dwarf_Die* die, Type& type) const {
    Dwarf_Die child;
    if (dwarf_child(die, &child) != 0) return;
    do {
        const int tag = dwarf_tag(&child);
        if (tag == DW_TAG_formal_parameter) type.parameters.push_back(typeOf(&child));
        if (tag == DW_TAG_unspecified_parameters) type.variadic = true;
    } while (dwarf_siblingof(&child, &child) == 0);
}

std::optional<uint64_t> DwarfTypeReader::findNamed(TypeTag tag, std::string_view name) const {
    std::lock_guard lock(dwarf_.mutex);
    const Dwarf_Die* found = nullptr;
    switch (tag) {
    case TypeTag::Struct:
    case TypeTag::Union: {
        found = index_.find(name, /*orTypedef=*/false).aggregate;
        const int wanted = tag == TypeTag::Struct ? DW_TAG_structure_type : DW_TAG_union_type;
        if (found && dwarf_tag(const_cast<Dwarf_Die*>(found)) != wanted) found = nullptr;
        break;
    }
    case TypeTag::Typedef:
        found = index_.find(name, /*orTypedef=*/true).alias;
        break;
    case TypeTag::Enum:
        found = index_.findEnum(name);
        break;
    }
    if (!found) return std::nullopt;
    return dwarf_dieoffset(const_cast<Dwarf_Die*>(found));
}

std::optional<uint64_t> DwarfTypeReader::findVariableType(std::string_view name) const {
    std::lock_guard lock(dwarf_.mutex);
    const Dwarf_Die* variable = index_.findVariable(name);
    if (!variable) return std::nullopt;
    Dwarf_Die copy = *variable;
    const TypeRef type = typeOf(&copy);
    if (type.source == TypeRef::Source::Void) return std::nullopt;
    return type.id;
}

} // namespace panicscope::types
