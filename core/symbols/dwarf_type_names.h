// A DWARF file's complete name index as DwarfTypeIndex keeps it in the index cache: every
// struct/union, typedef, enum and file-scope variable name with the .debug_info offset of its
// first definition, every enumerator with its value, each with the ordinal of the compilation
// unit it came from. A later run then finds what only the last units define (`struct module` on
// a kernel without BTF) without reading every unit before it.
#pragma once

#include "util/mapped_file.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace panicscope::symbols {

enum class DwarfNameKind : uint8_t { Aggregate, Typedef, Enum, Variable, Enumerator };
inline constexpr size_t kDwarfNameKinds = 5;

class DwarfTypeNames {
  public:
    struct Entry {
        uint64_t value = 0; // the DIE's offset in .debug_info, or the enumerator's value
        uint32_t unit = 0;  // the ordinal of the compilation unit it was first seen in
    };
    using Names = std::array<std::vector<std::pair<std::string_view, Entry>>, kDwarfNameKinds>;

    // The bytes for the index cache: `names` of every kind (one entry per name) from a file of
    // `units` compilation units.
    static std::string encode(Names names, uint32_t units);
    // nullopt for bytes that are not a whole index of this format. A damaged entry can give a
    // wrong answer at worst, never a read outside the bytes.
    static std::optional<DwarfTypeNames> decode(MappedFile bytes);

    std::optional<Entry> find(DwarfNameKind kind, std::string_view name) const;
    uint32_t units() const { return units_; }

  private:
    MappedFile file_;
    std::string_view names_;                                // every name, back to back
    std::array<std::string_view, kDwarfNameKinds> records_; // each kind's records, by name
    uint32_t units_ = 0;
};

} // namespace panicscope::symbols
