#include "symbols/btf_layouts.h"

#include <algorithm>

namespace panicscope::symbols {

namespace {

constexpr int kMaxTypeDepth = 32; // nested arrays or anonymous members; more means a cycle

bool isAggregate(BtfKind k) {
    return k == BtfKind::Struct || k == BtfKind::Union;
}

// sizeof the type: arrays whole, typedefs resolved; 0 for what has no size (a flexible array, a
// declaration, a function), as dwarf_aggregate_size gives it.
uint64_t sizeOfType(const BtfTypes& btf, uint32_t id, int depth = 0) {
    if (depth > kMaxTypeDepth) return 0;
    id = btf.resolved(id);
    switch (btf.kind(id)) {
    case BtfKind::Int:
    case BtfKind::Enum:
    case BtfKind::Enum64:
    case BtfKind::Float:
    case BtfKind::Struct:
    case BtfKind::Union:
        return btf.size(id);
    case BtfKind::Pointer:
        return 8; // x86-64
    case BtfKind::Array: {
        uint64_t size = 0; // a damaged file's nested lengths may not fit: no size then
        const uint64_t element = sizeOfType(btf, btf.referredType(id), depth + 1);
        return __builtin_mul_overflow(uint64_t(btf.arrayLength(id)), element, &size) ? 0 : size;
    }
    default:
        return 0;
    }
}

// A bit-field: its size in the member's offset word, or (BTF before pahole 1.13) an int type
// narrower than its storage.
bool isBitField(const BtfTypes& btf, const BtfMember& m) {
    if (m.bitFieldSize != 0) return true;
    const uint32_t type = btf.resolved(m.type);
    return btf.kind(type) == BtfKind::Int && btf.intBits(type) != btf.size(type) * 8;
}

// Finds `name` among the members of `aggregate`, looking through anonymous structs and unions
// depth-first in member order (as the DWARF layouts do). `offset` is in bytes from `aggregate`.
// `entered` holds the aggregates this lookup has looked into: one met again is either being
// searched further up or was searched in vain, so it is skipped. (A damaged file can make a struct
// its own anonymous member, twice: without this the search would take exponential time.)
bool findMember(const BtfTypes& btf, uint32_t aggregate, std::string_view name, BtfMember* found,
                uint64_t* offset, std::vector<uint32_t>& entered, int depth = 0) {
    if (depth > kMaxTypeDepth ||
        std::find(entered.begin(), entered.end(), aggregate) != entered.end())
        return false;
    entered.push_back(aggregate);
    for (const BtfMember& m : btf.members(aggregate)) {
        if (!m.name.empty()) {
            if (m.name != name) continue;
            *found = m;
            *offset = m.bitOffset / 8;
            return true;
        }
        const uint32_t inner = btf.resolved(m.type);
        if (isAggregate(btf.kind(inner)) &&
            findMember(btf, inner, name, found, offset, entered, depth + 1)) {
            *offset += m.bitOffset / 8;
            return true;
        }
    }
    return false;
}

} // namespace

BtfLayouts::BtfLayouts(std::string_view section, const Layouts& dwarf)
    : section_(section), dwarf_(dwarf) {}

const BtfTypes* BtfLayouts::types() const {
    std::call_once(parsed_, [this] { types_ = BtfTypes::parse(section_); });
    return types_ ? &*types_ : nullptr;
}

std::optional<uint32_t> BtfLayouts::findAggregate(std::string_view name) const {
    const BtfTypes* btf = types();
    if (!btf) return std::nullopt;
    auto only = [](std::span<const uint32_t> ids) {
        return ids.size() == 1 ? std::optional(ids.front()) : std::nullopt;
    };
    const auto aggregates = btf->aggregatesNamed(name);
    if (!aggregates.empty()) return only(aggregates);
    // "typedef struct { ... } pgd_t": the typedef's type, or the definition of the struct it
    // names when it refers to a declaration.
    const auto alias = only(btf->typedefsNamed(name));
    if (!alias) return std::nullopt;
    const uint32_t type = btf->resolved(*alias);
    if (isAggregate(btf->kind(type))) return type;
    if (btf->kind(type) == BtfKind::Forward) return only(btf->aggregatesNamed(btf->name(type)));
    return std::nullopt;
}

Result<Member> BtfLayouts::resolve(uint32_t aggregate, std::string_view structName,
                                   std::string_view path) const {
    const BtfTypes& btf = *types();
    auto noMember = [&] {
        const char* kind = btf.kind(aggregate) == BtfKind::Union ? "union " : "struct ";
        return fail(Errc::NoType,
                    kind + std::string(structName) + " has no member '" + std::string(path) + "'");
    };
    uint32_t current = aggregate;
    Member result;
    for (size_t start = 0;;) {
        const size_t dot = path.find('.', start);
        const std::string_view part = path.substr(start, dot - start);
        BtfMember found;
        uint64_t offset = 0;
        std::vector<uint32_t> entered;
        if (part.empty() || !findMember(btf, current, part, &found, &offset, entered))
            return noMember();
        result.offset += offset;
        const bool bitField = isBitField(btf, found);
        if (dot == std::string_view::npos) {
            result.size = bitField ? 0 : sizeOfType(btf, found.type);
            return result;
        }
        const uint32_t next = btf.resolved(found.type);
        if (bitField || !isAggregate(btf.kind(next))) return noMember();
        current = next;
        start = dot + 1;
    }
}

Result<Member> BtfLayouts::member(std::string_view structName, std::string_view path) const {
    std::string key = std::string(structName) + "." + std::string(path);
    {
        std::lock_guard lock(mutex_);
        if (auto it = members_.find(key); it != members_.end()) return it->second;
    }
    const auto aggregate = findAggregate(structName);
    Result<Member> result =
        aggregate ? resolve(*aggregate, structName, path) : dwarf_.member(structName, path);
    std::lock_guard lock(mutex_);
    return members_.emplace(std::move(key), std::move(result)).first->second;
}

Result<uint64_t> BtfLayouts::sizeOf(std::string_view structName) const {
    if (const auto aggregate = findAggregate(structName)) return types()->size(*aggregate);
    return dwarf_.sizeOf(structName);
}

Result<int64_t> BtfLayouts::enumerator(std::string_view name) const {
    const BtfTypes* btf = types();
    if (!btf) return dwarf_.enumerator(name);
    std::lock_guard lock(mutex_);
    auto it = enumerators_.find(name);
    if (it == enumerators_.end()) it = enumerators_.emplace(name, btf->enumeratorValue(name)).first;
    if (it->second) return *it->second;
    return dwarf_.enumerator(name); // as for structs: what BTF lacks, DWARF may have
}

} // namespace panicscope::symbols
