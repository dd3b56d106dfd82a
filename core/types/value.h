// An object of the crashed kernel read from the dump, as a tree of plain values: what `struct
// TYPE ADDR` and `p VARIABLE` print as text (report/type_report.h) and as JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::types {

struct Value {
    enum class Kind : uint8_t {
        Integer, // char and bit-fields included
        Bool,
        Float,
        Pointer,
        Enum,
        String, // a char array, up to its first NUL
        Array,
        Struct,
        Union,
        Missing, // bytes the dump lacks: `text` says why
        Opaque,  // a type without a value to print (void, a function, a declaration)
    };
    Kind kind = Kind::Opaque;
    std::string name;     // the member's name; empty for array elements, anonymous members
    std::string type;     // its C type name
    uint64_t address = 0; // where it lies (a bit-field: the byte of its lowest bit)
    uint32_t bitSize = 0; // a bit-field's width
    std::string text;     // a scalar as printed: "42", "0xffff8880...", "TASK_RUNNING"
    std::optional<uint64_t> unsignedValue; // Integer (unsigned), Bool, Pointer, Enum
    std::optional<int64_t> signedValue;    // Integer (signed), Enum with a negative constant
    std::optional<double> floatValue;
    std::vector<Value> children; // members, elements
    uint64_t omitted = 0;        // array elements left out (the print limit)
};

} // namespace panicscope::types
