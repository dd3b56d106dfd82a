#include "symbols/dwarf_type_index.h"

#include <dwarf.h>

namespace panicscope::symbols {

DwarfTypeIndex::Definitions DwarfTypeIndex::find(std::string_view name, bool orTypedef) {
    auto lookUp = [&] {
        Definitions found;
        if (auto it = aggregates_.find(name); it != aggregates_.end())
            found.aggregate = &it->second;
        if (auto it = typedefs_.find(name); orTypedef && it != typedefs_.end())
            found.alias = &it->second;
        return found;
    };
    Definitions found = lookUp();
    while (!found.aggregate && !found.alias && indexNextUnit())
        found = lookUp();
    return found;
}

std::optional<int64_t> DwarfTypeIndex::findEnumerator(std::string_view name) {
    do {
        if (auto it = enumerators_.find(name); it != enumerators_.end()) return it->second;
    } while (indexNextUnit());
    return std::nullopt;
}

namespace {

// Adds the enumerators of `enumeration` to `into` (the first value of a name is kept).
void indexEnumerators(Dwarf_Die* enumeration, std::unordered_map<std::string_view, int64_t>& into) {
    Dwarf_Die value;
    if (dwarf_child(enumeration, &value) != 0) return;
    do {
        Dwarf_Attribute attribute;
        Dwarf_Sword number;
        const char* name = dwarf_diename(&value);
        if (dwarf_tag(&value) != DW_TAG_enumerator || !name ||
            !dwarf_attr(&value, DW_AT_const_value, &attribute) ||
            dwarf_formsdata(&attribute, &number) != 0)
            continue;
        into.emplace(name, number);
    } while (dwarf_siblingof(&value, &value) == 0);
}

} // namespace

const Dwarf_Die* DwarfTypeIndex::findIn(const Names& names, std::string_view name) {
    for (;;) {
        if (auto it = names.find(name); it != names.end()) return &it->second;
        if (!indexNextUnit()) return nullptr;
    }
}

const Dwarf_Die* DwarfTypeIndex::findEnum(std::string_view name) {
    return findIn(enums_, name);
}

const Dwarf_Die* DwarfTypeIndex::findVariable(std::string_view name) {
    return findIn(variables_, name);
}

bool DwarfTypeIndex::indexNextUnit() {
    if (complete_) return false;
    Dwarf_CU* unit = nullptr;
    Dwarf_Die unitDie;
    if (dwarf_get_units(dwarf_, lastUnit_, &unit, nullptr, nullptr, &unitDie, nullptr) != 0) {
        complete_ = true;
        return false;
    }
    lastUnit_ = unit;
    // Types the kernel model asks for are file-scope; walking only the unit's children (libdw
    // skips each subtree through DW_AT_sibling) keeps function bodies unread.
    Dwarf_Die die;
    if (dwarf_child(&unitDie, &die) != 0) return true;
    do {
        const int tag = dwarf_tag(&die);
        if (tag == DW_TAG_enumeration_type) indexEnumerators(&die, enumerators_);
        Names* names = nullptr;
        switch (tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
            names = &aggregates_;
            break;
        case DW_TAG_typedef:
            names = &typedefs_;
            break;
        case DW_TAG_enumeration_type:
            names = &enums_;
            break;
        case DW_TAG_variable: // a declaration gives the type as well as the definition
            if (dwarf_hasattr(&die, DW_AT_type)) names = &variables_;
            break;
        default:
            break;
        }
        if (!names || (tag != DW_TAG_variable && dwarf_hasattr(&die, DW_AT_declaration))) continue;
        const char* name = dwarf_diename(&die);
        if (!name) continue;
        // emplace keeps the first definition.
        names->emplace(name, die);
    } while (dwarf_siblingof(&die, &die) == 0);
    return true;
}

} // namespace panicscope::symbols
