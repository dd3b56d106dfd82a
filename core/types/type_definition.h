// A type's definition as plain values: what `struct TYPE`, `union TYPE` and `whatis TYPE` print
// (members with their offsets, anonymous structs and unions nested, enum constants, typedefs).
#pragma once

#include "types/type.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::types {

class TypeGraph;

// A member of a type as `struct TYPE` prints it.
struct TypeMember {
    std::string name;        // empty for an anonymous struct or union
    std::string declaration; // "struct list_head *next", "unsigned int flags : 3"; "struct",
                             // "union" for an anonymous one
    std::string type;        // "struct list_head *"
    uint64_t offset = 0;     // bytes from the start of the outer type
    uint64_t size = 0;       // 0 for a bit-field and a flexible array
    uint32_t bitOffset = 0;  // a bit-field's lowest bit within the byte at `offset`
    uint32_t bitSize = 0;    // 0: not a bit-field
    std::vector<TypeMember> members; // an anonymous struct's or union's, offsets still outer
};

// A type's definition: struct, union, enum, typedef (or a base type).
struct TypeDefinition {
    std::string name; // "struct list_head", "enum pid_type", "pid_t", "int"
    TypeKind kind = TypeKind::Void;
    uint64_t size = 0;
    std::vector<TypeMember> members;      // struct, union
    std::vector<Enumerator> enumerators;  // enum
    std::optional<std::string> typedefOf; // typedef: "typedef int pid_t"
};

// The definition of `ref` (typedefs are not looked through: a typedef is described as one).
TypeDefinition describeType(const TypeGraph& graph, TypeRef ref);

} // namespace panicscope::types
