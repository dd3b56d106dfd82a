#include "symbols/btf_types.h"

#include <cstring>

namespace panicscope::symbols {

namespace {

constexpr uint16_t kMagic = 0xeb9f; // little-endian BTF; a big-endian one reads 0x9feb
constexpr size_t kHeaderSize = 24;
constexpr size_t kTypeHeader = 12; // name_off, info, size/type

uint32_t u32At(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// Bytes that follow a type's 12-byte header; nullopt for a kind this reader does not know.
std::optional<size_t> trailerSize(uint32_t kind, uint32_t vlen) {
    switch (static_cast<BtfKind>(kind)) {
    case BtfKind::Int:
    case BtfKind::Variable:
    case BtfKind::DeclTag:
        return 4;
    case BtfKind::Array:
        return 12;
    case BtfKind::Struct:
    case BtfKind::Union:
    case BtfKind::DataSection:
    case BtfKind::Enum64:
        return size_t(12) * vlen;
    case BtfKind::Enum:
    case BtfKind::FunctionProto:
        return size_t(8) * vlen;
    case BtfKind::Pointer:
    case BtfKind::Forward:
    case BtfKind::Typedef:
    case BtfKind::Volatile:
    case BtfKind::Const:
    case BtfKind::Restrict:
    case BtfKind::Function:
    case BtfKind::Float:
    case BtfKind::TypeTag:
        return 0;
    case BtfKind::Void:
        break;
    }
    return std::nullopt;
}

} // namespace

std::optional<BtfTypes> BtfTypes::parse(std::string_view section) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(section.data());
    if (section.size() < kHeaderSize) return std::nullopt;
    uint16_t magic;
    std::memcpy(&magic, bytes, 2);
    const uint32_t headerLength = u32At(bytes + 4);
    if (magic != kMagic || bytes[2] != 1 || headerLength < kHeaderSize ||
        headerLength > section.size())
        return std::nullopt;
    const uint64_t typeOffset = u32At(bytes + 8), typeLength = u32At(bytes + 12);
    const uint64_t stringOffset = u32At(bytes + 16), stringLength = u32At(bytes + 20);
    const uint64_t available = section.size() - headerLength;
    if (typeOffset + typeLength > available || stringOffset + stringLength > available ||
        stringLength == 0)
        return std::nullopt;

    BtfTypes btf;
    btf.types_ = bytes + headerLength + typeOffset;
    btf.strings_ = section.substr(headerLength + stringOffset, stringLength);
    // Offset 0 is the empty name (anonymous members, unnamed types); the table ends in a NUL.
    if (btf.strings_.front() != '\0' || btf.strings_.back() != '\0') return std::nullopt;
    btf.offsets_.push_back(0); // void: never read
    for (uint64_t at = 0; at < typeLength;) {
        if (typeLength - at < kTypeHeader) return std::nullopt;
        const uint32_t info = u32At(btf.types_ + at + 4);
        const auto extra = trailerSize((info >> 24) & 0x1f, info & 0xffff);
        if (!extra || typeLength - at - kTypeHeader < *extra) return std::nullopt;
        const auto id = static_cast<uint32_t>(btf.offsets_.size());
        btf.offsets_.push_back(static_cast<uint32_t>(at));
        const BtfKind kind = btf.kind(id);
        if (kind == BtfKind::Struct || kind == BtfKind::Union || kind == BtfKind::Typedef) {
            const std::string_view name = btf.name(id);
            if (!name.empty())
                (kind == BtfKind::Typedef ? btf.typedefs_ : btf.aggregates_)[name].push_back(id);
        }
        at += kTypeHeader + *extra;
    }
    return btf;
}

uint32_t BtfTypes::word(uint32_t id, size_t index) const {
    return u32At(record(id) + 4 * index);
}

BtfKind BtfTypes::kind(uint32_t id) const {
    if (id == 0 || id >= offsets_.size()) return BtfKind::Void;
    return static_cast<BtfKind>((word(id, 1) >> 24) & 0x1f);
}

std::string_view BtfTypes::name(uint32_t id) const {
    if (id == 0 || id >= offsets_.size()) return {};
    const uint32_t offset = word(id, 0);
    if (offset >= strings_.size()) return {};
    return std::string_view(strings_.data() + offset); // strings_ ends with a NUL
}

uint32_t BtfTypes::size(uint32_t id) const {
    return kind(id) == BtfKind::Void ? 0 : word(id, 2);
}

uint32_t BtfTypes::referredType(uint32_t id) const {
    switch (kind(id)) {
    case BtfKind::Array:
        return word(id, 3);
    case BtfKind::Pointer:
    case BtfKind::Typedef:
    case BtfKind::Volatile:
    case BtfKind::Const:
    case BtfKind::Restrict:
    case BtfKind::TypeTag:
    case BtfKind::Variable:      // the variable's type
    case BtfKind::Function:      // its prototype
    case BtfKind::FunctionProto: // the return type
        return word(id, 2);
    default:
        return 0;
    }
}

uint32_t BtfTypes::arrayLength(uint32_t id) const {
    return kind(id) == BtfKind::Array ? word(id, 5) : 0;
}

uint32_t BtfTypes::intBits(uint32_t id) const {
    return kind(id) == BtfKind::Int ? word(id, 3) & 0xff : 0;
}

std::vector<BtfMember> BtfTypes::members(uint32_t id) const {
    std::vector<BtfMember> out;
    const BtfKind k = kind(id);
    if (k != BtfKind::Struct && k != BtfKind::Union) return out;
    const uint32_t info = word(id, 1);
    const bool kindFlag = (info >> 31) != 0; // offsets carry bit-field sizes
    const uint32_t count = info & 0xffff;
    out.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        const uint32_t nameOffset = word(id, 3 + 3 * i);
        const uint32_t offset = word(id, 5 + 3 * i);
        BtfMember m;
        m.name = nameOffset < strings_.size() ? std::string_view(strings_.data() + nameOffset)
                                              : std::string_view();
        m.type = word(id, 4 + 3 * i);
        m.bitOffset = kindFlag ? offset & 0xffffff : offset;
        m.bitFieldSize = kindFlag ? offset >> 24 : 0;
        out.push_back(m);
    }
    return out;
}

std::string_view BtfTypes::stringAt(uint32_t offset) const {
    return offset < strings_.size() ? std::string_view(strings_.data() + offset)
                                    : std::string_view();
}

namespace {
constexpr uint32_t kIntSigned = 1, kIntChar = 2, kIntBool = 4; // BTF_INT_ENCODING bits
} // namespace

bool BtfTypes::intSigned(uint32_t id) const {
    return kind(id) == BtfKind::Int && ((word(id, 3) >> 24) & kIntSigned) != 0;
}

bool BtfTypes::intChar(uint32_t id) const {
    return kind(id) == BtfKind::Int && ((word(id, 3) >> 24) & kIntChar) != 0;
}

bool BtfTypes::intBool(uint32_t id) const {
    return kind(id) == BtfKind::Int && ((word(id, 3) >> 24) & kIntBool) != 0;
}

std::vector<BtfEnumerator> BtfTypes::enumerators(uint32_t id) const {
    std::vector<BtfEnumerator> out;
    const BtfKind k = kind(id);
    if (k != BtfKind::Enum && k != BtfKind::Enum64) return out;
    const uint32_t count = vlen(id);
    out.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        BtfEnumerator e;
        if (k == BtfKind::Enum) { // name, 32-bit value: signed when the kind flag says so
            e.name = stringAt(word(id, 3 + 2 * i));
            const uint32_t raw = word(id, 4 + 2 * i);
            e.value = kindFlag(id) ? int64_t(int32_t(raw)) : int64_t(raw);
        } else { // name, lo32, hi32
            e.name = stringAt(word(id, 3 + 3 * i));
            e.value = int64_t(uint64_t(word(id, 4 + 3 * i)) | uint64_t(word(id, 5 + 3 * i)) << 32);
        }
        out.push_back(e);
    }
    return out;
}

bool BtfTypes::enumSigned(uint32_t id) const {
    const BtfKind k = kind(id);
    return (k == BtfKind::Enum || k == BtfKind::Enum64) && kindFlag(id);
}

std::vector<BtfParameter> BtfTypes::parameters(uint32_t id) const {
    std::vector<BtfParameter> out;
    if (kind(id) != BtfKind::FunctionProto) return out;
    const uint32_t count = vlen(id);
    out.reserve(count);
    for (uint32_t i = 0; i < count; ++i)
        out.push_back({stringAt(word(id, 3 + 2 * i)), word(id, 4 + 2 * i)});
    return out;
}

bool BtfTypes::forwardIsUnion(uint32_t id) const {
    return kind(id) == BtfKind::Forward && kindFlag(id);
}

uint32_t BtfTypes::variableNamed(std::string_view wanted) const {
    for (uint32_t id = 1; id < offsets_.size(); ++id)
        if (kind(id) == BtfKind::Variable && name(id) == wanted) return id;
    return 0;
}

uint32_t BtfTypes::resolved(uint32_t id) const {
    constexpr int kMaxChain = 32; // typedefs and qualifiers; more means a cycle
    for (int depth = 0; depth < kMaxChain; ++depth) {
        switch (kind(id)) {
        case BtfKind::Typedef:
        case BtfKind::Volatile:
        case BtfKind::Const:
        case BtfKind::Restrict:
        case BtfKind::TypeTag:
            id = referredType(id);
            continue;
        default:
            return id;
        }
    }
    return 0;
}

std::span<const uint32_t> BtfTypes::aggregatesNamed(std::string_view name) const {
    auto it = aggregates_.find(name);
    return it == aggregates_.end() ? std::span<const uint32_t>() : it->second;
}

std::span<const uint32_t> BtfTypes::typedefsNamed(std::string_view name) const {
    auto it = typedefs_.find(name);
    return it == typedefs_.end() ? std::span<const uint32_t>() : it->second;
}

std::vector<std::string_view> BtfTypes::aggregateNames() const {
    std::vector<std::string_view> names;
    names.reserve(aggregates_.size());
    for (const auto& [name, ids] : aggregates_)
        names.push_back(name);
    return names;
}

} // namespace panicscope::symbols
