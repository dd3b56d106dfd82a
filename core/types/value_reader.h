// Turns an object's bytes into a Value tree by its type: integers, bit-fields, enums by name,
// pointers (function pointers with their symbol), char arrays as strings, nested structs, unions
// and arrays. Bytes the dump lacks become Missing values; the tree is bounded (array elements,
// nesting, total values) so a damaged type or a huge array cannot run away.
#pragma once

#include "dump/memory_block.h"
#include "types/type_graph.h"
#include "types/value.h"

#include <functional>
#include <optional>
#include <string>

namespace panicscope::types {

struct ValueLimits {
    uint64_t maxArrayElements = 256; // per array; the rest is counted in Value::omitted
    int maxDepth = 24;               // nested aggregates and arrays
    uint64_t maxValues = 200000;     // in the whole tree
};

// The symbol a code address falls in ("do_exit+0x0"), for function pointers; nullopt if none.
using NameCode = std::function<std::optional<std::string>(uint64_t address)>;

// The value of type `type` at `address`, whose bytes `block` holds (a block that does not cover
// it makes Missing values). `name` becomes the top value's name.
Value readValue(const TypeGraph& graph, TypeRef type, uint64_t address,
                const dump::MemoryBlock& block, const NameCode& nameCode = {},
                std::string name = {}, const ValueLimits& limits = {});

// The value of a member found by TypeGraph::member (a bit-field too) in an object at `object`.
Value readMember(const TypeGraph& graph, const MemberAt& member, uint64_t object,
                 const dump::MemoryBlock& block, const NameCode& nameCode, std::string name,
                 const ValueLimits& limits = {});

// A C string literal's body for bytes: printable ASCII as is, the rest escaped ("\n", "\033").
std::string escapeString(std::string_view bytes);

} // namespace panicscope::types
