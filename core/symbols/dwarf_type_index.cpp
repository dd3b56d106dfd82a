#include "symbols/dwarf_type_index.h"

#include <dwarf.h>

#include <algorithm>

namespace panicscope::symbols {

namespace {

constexpr std::string_view kCacheEntry = "dwarf-type-names";

} // namespace

DwarfTypeIndex::DwarfTypeIndex(Dwarf* dwarf, IndexCache cache)
    : dwarf_(dwarf), cache_(std::move(cache)) {
    if (auto entry = cache_.load(kCacheEntry)) stored_ = DwarfTypeNames::decode(std::move(*entry));
}

std::optional<DwarfTypeIndex::Found> DwarfTypeIndex::lookUp(DwarfNameKind kind,
                                                            std::string_view name) {
    if (stored_) {
        const auto entry = stored_->find(kind, name);
        if (!entry) return std::nullopt;
        Found found{nullptr, static_cast<int64_t>(entry->value), entry->unit};
        if (kind == DwarfNameKind::Enumerator) return found;
        auto it = storedDies_.find(entry->value);
        if (it == storedDies_.end()) {
            Dwarf_Die die;
            if (!dwarf_offdie(dwarf_, entry->value, &die)) return std::nullopt;
            it = storedDies_.emplace(entry->value, die).first;
        }
        found.die = &it->second;
        return found;
    }
    if (kind == DwarfNameKind::Enumerator) {
        const auto it = enumerators_.find(name);
        if (it == enumerators_.end()) return std::nullopt;
        return Found{nullptr, it->second.value, it->second.unit};
    }
    const Names& names = names_[static_cast<size_t>(kind)];
    const auto it = names.find(name);
    if (it == names.end()) return std::nullopt;
    return Found{&it->second.die, 0, it->second.unit};
}

std::optional<DwarfTypeIndex::Found> DwarfTypeIndex::findOne(DwarfNameKind kind,
                                                             std::string_view name) {
    for (;;) {
        auto found = lookUp(kind, name);
        if (found && found->unit < unitsRead_) return found;
        if (stored_) {
            if (found) unitsRead_ = found->unit + 1;
            if (!found) unitsRead_ = stored_->units();
            return found;
        }
        if (!indexNextUnit()) return std::nullopt;
    }
}

DwarfTypeIndex::Definitions DwarfTypeIndex::find(std::string_view name, bool orTypedef) {
    auto aggregate = lookUp(DwarfNameKind::Aggregate, name);
    auto alias = orTypedef ? lookUp(DwarfNameKind::Typedef, name) : std::nullopt;
    auto visible = [&](const std::optional<Found>& f) { return f && f->unit < unitsRead_; };
    if (!visible(aggregate) && !visible(alias)) {
        // Read on until the first unit that defines either: with the stored index, both are
        // known, and the one in the nearer unit decides how far.
        if (stored_) {
            uint32_t until = stored_->units();
            if (aggregate) until = std::min(until, aggregate->unit + 1);
            if (alias) until = std::min(until, alias->unit + 1);
            unitsRead_ = std::max(unitsRead_, until);
        } else {
            while (!aggregate && !alias && indexNextUnit()) {
                aggregate = lookUp(DwarfNameKind::Aggregate, name);
                alias = orTypedef ? lookUp(DwarfNameKind::Typedef, name) : std::nullopt;
            }
        }
    }
    Definitions found;
    if (visible(aggregate)) found.aggregate = aggregate->die;
    if (visible(alias)) found.alias = alias->die;
    return found;
}

std::optional<int64_t> DwarfTypeIndex::findEnumerator(std::string_view name) {
    const auto found = findOne(DwarfNameKind::Enumerator, name);
    return found ? std::optional(found->value) : std::nullopt;
}

const Dwarf_Die* DwarfTypeIndex::findEnum(std::string_view name) {
    const auto found = findOne(DwarfNameKind::Enum, name);
    return found ? found->die : nullptr;
}

const Dwarf_Die* DwarfTypeIndex::findVariable(std::string_view name) {
    const auto found = findOne(DwarfNameKind::Variable, name);
    return found ? found->die : nullptr;
}

namespace {

// Adds the enumerators of `enumeration` to `into` (the first value of a name is kept).
template <class Map> void indexEnumerators(Dwarf_Die* enumeration, uint32_t unit, Map& into) {
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
        into.emplace(name, typename Map::mapped_type{number, unit});
    } while (dwarf_siblingof(&value, &value) == 0);
}

} // namespace

bool DwarfTypeIndex::indexNextUnit() {
    if (complete_) return false;
    Dwarf_CU* unit = nullptr;
    Dwarf_Die unitDie;
    if (dwarf_get_units(dwarf_, lastUnit_, &unit, nullptr, nullptr, &unitDie, nullptr) != 0) {
        complete_ = true;
        saveIndex();
        return false;
    }
    lastUnit_ = unit;
    const uint32_t ordinal = unitsRead_++;
    // Types the kernel model asks for are file-scope; walking only the unit's children (libdw
    // skips each subtree through DW_AT_sibling) keeps function bodies unread.
    Dwarf_Die die;
    if (dwarf_child(&unitDie, &die) != 0) return true;
    do {
        const int tag = dwarf_tag(&die);
        if (tag == DW_TAG_enumeration_type) indexEnumerators(&die, ordinal, enumerators_);
        std::optional<DwarfNameKind> kind;
        switch (tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
            kind = DwarfNameKind::Aggregate;
            break;
        case DW_TAG_typedef:
            kind = DwarfNameKind::Typedef;
            break;
        case DW_TAG_enumeration_type:
            kind = DwarfNameKind::Enum;
            break;
        case DW_TAG_variable: // a declaration gives the type as well as the definition
            if (dwarf_hasattr(&die, DW_AT_type)) kind = DwarfNameKind::Variable;
            break;
        default:
            break;
        }
        if (!kind || (tag != DW_TAG_variable && dwarf_hasattr(&die, DW_AT_declaration))) continue;
        const char* name = dwarf_diename(&die);
        if (!name) continue;
        // emplace keeps the first definition.
        names_[static_cast<size_t>(*kind)].emplace(name, Named{die, ordinal});
    } while (dwarf_siblingof(&die, &die) == 0);
    return true;
}

// Stores the complete index, when every DIE in it can be found again by its offset (units of
// .debug_types could not: such a file is indexed afresh by every run).
void DwarfTypeIndex::saveIndex() const {
    if (!cache_.enabled()) return;
    DwarfTypeNames::Names all;
    for (size_t kind = 0; kind < names_.size(); ++kind)
        for (const auto& [name, named] : names_[kind]) {
            Dwarf_Die die = named.die;
            Dwarf_Die again;
            const Dwarf_Off offset = dwarf_dieoffset(&die);
            if (!dwarf_offdie(dwarf_, offset, &again) || again.addr != named.die.addr) return;
            all[kind].emplace_back(name, DwarfTypeNames::Entry{offset, named.unit});
        }
    for (const auto& [name, enumerator] : enumerators_)
        all[static_cast<size_t>(DwarfNameKind::Enumerator)].emplace_back(
            name, DwarfTypeNames::Entry{static_cast<uint64_t>(enumerator.value), enumerator.unit});
    cache_.save(kCacheEntry, DwarfTypeNames::encode(std::move(all), unitsRead_));
}

} // namespace panicscope::symbols
