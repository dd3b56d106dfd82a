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
        if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type && tag != DW_TAG_typedef)
            continue;
        if (dwarf_hasattr(&die, DW_AT_declaration)) continue;
        const char* name = dwarf_diename(&die);
        if (!name) continue;
        // emplace keeps the first definition.
        (tag == DW_TAG_typedef ? typedefs_ : aggregates_).emplace(name, die);
    } while (dwarf_siblingof(&die, &die) == 0);
    return true;
}

} // namespace panicscope::symbols
