// The kernel's BTF (.BTF section): every type of the vmlinux, deduplicated by pahole from its
// DWARF, in a few MB that are read in milliseconds. Read in place: the object views the bytes it
// was given and copies nothing but an index of where each type starts and what is named what.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace panicscope::symbols {

enum class BtfKind : uint8_t {
    Void = 0, // type id 0
    Int = 1,
    Pointer = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Forward = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Function = 12,
    FunctionProto = 13,
    Variable = 14,
    DataSection = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
};

// An enum's constant (ENUM or ENUM64).
struct BtfEnumerator {
    std::string_view name;
    int64_t value = 0; // an unsigned constant above INT64_MAX wraps; see enumSigned()
};

struct BtfParameter {
    std::string_view name;
    uint32_t type = 0; // 0 in the last parameter: variadic ("...")
};

struct BtfMember {
    std::string_view name; // empty for an anonymous struct or union member
    uint32_t type = 0;
    uint64_t bitOffset = 0;
    uint32_t bitFieldSize = 0; // 0: not a bit-field
};

class BtfTypes {
  public:
    // nullopt when the bytes are no BTF this reader knows (bad magic, a kind added after
    // ENUM64, records running past the section): the caller then uses DWARF.
    static std::optional<BtfTypes> parse(std::string_view section);

    size_t count() const { return offsets_.size(); } // type ids are 1 .. count() - 1
    BtfKind kind(uint32_t id) const;
    std::string_view name(uint32_t id) const;
    // Struct, union, int, enum, float: its byte size.
    uint32_t size(uint32_t id) const;
    // Pointer, typedef, qualifiers, array: the type it refers to (an array's element type); a
    // variable's type, a function's prototype, a prototype's return type (0: void).
    uint32_t referredType(uint32_t id) const;
    uint32_t arrayLength(uint32_t id) const;
    // An int's width in bits (narrower than size() * 8 for an old-style bit-field type).
    uint32_t intBits(uint32_t id) const;
    // An int's encoding: signed, char, bool (the BTF_INT_* bits).
    bool intSigned(uint32_t id) const;
    bool intChar(uint32_t id) const;
    bool intBool(uint32_t id) const;
    std::vector<BtfMember> members(uint32_t id) const;         // struct or union
    std::vector<BtfEnumerator> enumerators(uint32_t id) const; // enum or enum64
    bool enumSigned(uint32_t id) const; // the kind flag of an enum (libbpf >= 1.0 BTF)
    // A function prototype's return type (0: void) is referredType(); these its parameters.
    std::vector<BtfParameter> parameters(uint32_t id) const;
    // A forward declaration of a union (else of a struct).
    bool forwardIsUnion(uint32_t id) const;
    // The variable (kind Variable) named `name`: the kernel's BTF has the per-CPU ones. 0: none.
    uint32_t variableNamed(std::string_view name) const;
    // The type behind typedefs and qualifiers (as dwarf_peel_type); 0 for a cycle.
    uint32_t resolved(uint32_t id) const;

    // The struct or union definitions named `name` (one C tag namespace), and the typedefs.
    std::span<const uint32_t> aggregatesNamed(std::string_view name) const;
    std::span<const uint32_t> typedefsNamed(std::string_view name) const;
    // Every name that has a struct or union definition.
    std::vector<std::string_view> aggregateNames() const;

  private:
    using Names = std::unordered_map<std::string_view, std::vector<uint32_t>>;
    const uint8_t* record(uint32_t id) const { return types_ + offsets_[id]; }
    uint32_t word(uint32_t id, size_t index) const; // the index-th u32 of a type's record
    uint32_t vlen(uint32_t id) const { return word(id, 1) & 0xffff; }
    bool kindFlag(uint32_t id) const { return (word(id, 1) >> 31) != 0; }
    std::string_view stringAt(uint32_t offset) const;

    const uint8_t* types_ = nullptr;
    std::string_view strings_;
    std::vector<uint32_t> offsets_; // by type id; [0] is void
    Names aggregates_;
    Names typedefs_;
};

} // namespace panicscope::symbols
