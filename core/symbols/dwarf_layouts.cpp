#include "symbols/dwarf_layouts.h"

#include "symbols/dwarf_member_place.h"

#include <dwarf.h>

namespace panicscope::symbols {

namespace {

bool isAggregate(Dwarf_Die* die) {
    const int tag = dwarf_tag(die);
    return tag == DW_TAG_structure_type || tag == DW_TAG_union_type;
}

std::optional<Dwarf_Die> typeOf(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    Dwarf_Die type;
    if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type))
        return std::nullopt;
    return type;
}

// The struct or union behind typedefs and qualifiers, if that is what `type` is.
std::optional<Dwarf_Die> aggregateOf(Dwarf_Die* type) {
    Dwarf_Die peeled;
    if (dwarf_peel_type(type, &peeled) != 0 || !isAggregate(&peeled)) return std::nullopt;
    return peeled;
}

struct Place {
    uint64_t offset = 0; // bytes from the start of the parent
    bool bitField = false;
};

// Where a member starts. A bit-field's offset is the byte holding its least significant bit.
std::optional<Place> placeOf(Dwarf_Die* member) {
    const auto place = memberPlace(member);
    if (!place) return std::nullopt;
    return Place{place->bitOffset / 8, place->bitSize != 0};
}

// Finds `name` among the members of `aggregate`, looking through anonymous structs and unions.
bool findMember(Dwarf_Die* aggregate, std::string_view name, Dwarf_Die* found, Place* place) {
    Dwarf_Die child;
    if (dwarf_child(aggregate, &child) != 0) return false;
    do {
        if (dwarf_tag(&child) != DW_TAG_member) continue;
        if (const char* childName = dwarf_diename(&child)) {
            if (name != childName) continue;
            auto p = placeOf(&child);
            if (!p) return false;
            *found = child;
            *place = *p;
            return true;
        }
        auto type = typeOf(&child);
        auto inner = type ? aggregateOf(&*type) : std::nullopt;
        auto outer = placeOf(&child);
        if (inner && outer && findMember(&*inner, name, found, place)) {
            place->offset += outer->offset;
            return true;
        }
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

// sizeof the type: arrays whole, typedefs resolved; 0 for what has no size (a flexible array).
uint64_t sizeOfType(Dwarf_Die* type) {
    Dwarf_Word size;
    return dwarf_aggregate_size(type, &size) == 0 ? size : 0;
}

} // namespace

DwarfLayouts::DwarfLayouts(DwarfHandle* dwarf, std::string fileName)
    : dwarf_(dwarf), fileName_(std::move(fileName)) {}

Result<Dwarf_Die> DwarfLayouts::findAggregate(std::string_view name) const {
    if (!index_) index_.emplace(dwarf_->dwarf, dwarf_->cache);
    const auto definitions = index_->find(name, /*orTypedef=*/true);
    std::optional<Dwarf_Die> found;
    if (definitions.aggregate) {
        found = *definitions.aggregate;
    } else if (definitions.alias) { // "typedef struct { ... } pgd_t", "pg_data_t"
        Dwarf_Die alias = *definitions.alias;
        found = aggregateOf(&alias);
        // The typedef's unit may only declare the struct; the index has its definition.
        const char* tag = found ? dwarf_diename(&*found) : nullptr;
        if (found && tag && dwarf_hasattr(&*found, DW_AT_declaration)) {
            const Dwarf_Die* definition = index_->find(tag, /*orTypedef=*/false).aggregate;
            found = definition ? std::optional(*definition) : std::nullopt;
        }
    }
    if (!found)
        return fail(Errc::NoType,
                    "no struct '" + std::string(name) + "' in the debug info of " + fileName_);
    return *found;
}

Result<Member> DwarfLayouts::resolve(std::string_view structName, std::string_view path) const {
    auto outer = findAggregate(structName);
    if (!outer) return tl::unexpected(outer.error());
    auto noMember = [&] {
        const char* kind = dwarf_tag(&*outer) == DW_TAG_union_type ? "union " : "struct ";
        return fail(Errc::NoType,
                    kind + std::string(structName) + " has no member '" + std::string(path) + "'");
    };
    Dwarf_Die current = *outer;
    Member result;
    for (size_t start = 0;;) {
        const size_t dot = path.find('.', start);
        const std::string_view part = path.substr(start, dot - start);
        Dwarf_Die found;
        Place place;
        if (part.empty() || !findMember(&current, part, &found, &place)) return noMember();
        result.offset += place.offset;
        auto type = typeOf(&found);
        if (!type) return noMember();
        if (dot == std::string_view::npos) {
            result.size = place.bitField ? 0 : sizeOfType(&*type);
            return result;
        }
        auto next = place.bitField ? std::nullopt : aggregateOf(&*type);
        if (!next) return noMember();
        current = *next;
        start = dot + 1;
    }
}

Result<Member> DwarfLayouts::member(std::string_view structName, std::string_view path) const {
    if (!dwarf_) return fail(Errc::NoType, fileName_ + " has no DWARF debug info");
    std::string key = std::string(structName) + "." + std::string(path);
    std::lock_guard lock(dwarf_->mutex);
    if (auto it = members_.find(key); it != members_.end()) return it->second;
    auto result = resolve(structName, path);
    members_.emplace(std::move(key), result);
    return result;
}

Result<uint64_t> DwarfLayouts::sizeOf(std::string_view structName) const {
    if (!dwarf_) return fail(Errc::NoType, fileName_ + " has no DWARF debug info");
    std::lock_guard lock(dwarf_->mutex);
    auto aggregate = findAggregate(structName);
    if (!aggregate) return tl::unexpected(aggregate.error());
    const int size = dwarf_bytesize(&*aggregate);
    if (size < 0)
        return fail(Errc::NoType,
                    "struct " + std::string(structName) + " has no size in " + fileName_);
    return static_cast<uint64_t>(size);
}

Result<int64_t> DwarfLayouts::enumerator(std::string_view name) const {
    if (!dwarf_) return fail(Errc::NoType, fileName_ + " has no DWARF debug info");
    std::lock_guard lock(dwarf_->mutex);
    if (!index_) index_.emplace(dwarf_->dwarf, dwarf_->cache);
    if (auto value = index_->findEnumerator(name)) return *value;
    return fail(Errc::NoType,
                "no enumerator '" + std::string(name) + "' in the debug info of " + fileName_);
}

} // namespace panicscope::symbols
