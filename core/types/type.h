// A C type of the crashed kernel as a plain value: what the struct, union, p and whatis verbs
// print, read from the kernel's BTF or DWARF (types/type_graph.h). A type refers to others by
// TypeRef, so a struct's members are named without reading every type they reach.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::types {

enum class TypeKind : uint8_t {
    Void,
    Integer, // char and bool included (Type::isChar, Type::isBool)
    Float,
    Pointer,
    Array,
    Struct,
    Union,
    Enum,
    Typedef,
    Const,
    Volatile,
    Restrict,
    Function, // a prototype: what a function pointer points at
};

// The namespaces a type name may be looked up in.
enum class TypeTag : uint8_t { Struct, Union, Enum, Typedef };

// Which debug info a type comes from and where in it: a BTF type id, or a DWARF DIE offset (with
// the dimension in the high bits for the inner dimensions of a multi-dimensional array).
struct TypeRef {
    enum class Source : uint8_t { Void, Btf, Dwarf };
    Source source = Source::Void;
    uint64_t id = 0;
    bool operator==(const TypeRef&) const = default;
};

struct Field {
    std::string name; // empty for an anonymous struct or union member
    TypeRef type;
    uint64_t bitOffset = 0; // from the start of the aggregate
    uint32_t bitSize = 0;   // 0: not a bit-field
};

struct Enumerator {
    std::string name;
    int64_t value = 0;
};

struct Type {
    TypeKind kind = TypeKind::Void;
    std::string name;  // tag, typedef or base type name; empty when anonymous
    uint64_t size = 0; // bytes; 0 when unknown (a declaration, a function)
    bool isSigned = false;
    bool isChar = false;
    bool isBool = false;
    bool declaration = false;      // a struct, union or enum declared but defined nowhere we looked
    TypeRef target;                // pointee, element, typedef'd or qualified type, return type
    std::optional<uint64_t> count; // array elements; nullopt: a flexible array
    std::vector<Field> fields;     // struct, union
    std::vector<Enumerator> enumerators;
    std::vector<TypeRef> parameters; // function
    bool variadic = false;
};

} // namespace panicscope::types
