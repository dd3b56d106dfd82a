// One source of types for the TypeGraph: the kernel's BTF or its DWARF. Private to core/types.
#pragma once

#include "types/type.h"

#include <optional>
#include <string_view>

namespace panicscope::types {

class TypeReader {
  public:
    virtual ~TypeReader() = default;
    // The type with this id; nullopt for an id that names no type (a damaged file).
    virtual std::optional<Type> read(uint64_t id) const = 0;
    // The one definition of a tag or typedef name; nullopt when there is none (or, in BTF, more
    // than one: file-local types of one name, left to DWARF).
    virtual std::optional<uint64_t> findNamed(TypeTag tag, std::string_view name) const = 0;
    // The declared type of a file-scope variable.
    virtual std::optional<uint64_t> findVariableType(std::string_view name) const = 0;
};

} // namespace panicscope::types
