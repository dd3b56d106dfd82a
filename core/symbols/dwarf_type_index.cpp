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
