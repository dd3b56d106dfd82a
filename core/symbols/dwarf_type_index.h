// Names of the struct, union, enum and typedef definitions in a DWARF file, each mapped to its
// first full definition, and of the file-scope variables (declarations too: `jiffies` has none
// but the linker's). Built lazily and incrementally: a lookup reads compilation units only until
// the name turns up, so the common types (defined in the first units) cost a few milliseconds
// and only a miss reads every unit's top-level DIEs (about 0.3 s for a 590 MB vmlinux).
#pragma once

#include <elfutils/libdw.h>

#include <string_view>
#include <unordered_map>

namespace panicscope::symbols {

class DwarfTypeIndex {
  public:
    explicit DwarfTypeIndex(Dwarf* dwarf) : dwarf_(dwarf) {}

    struct Definitions {
        const Dwarf_Die* aggregate = nullptr; // struct or union `name` (one C tag namespace)
        const Dwarf_Die* alias = nullptr;     // typedef `name`
    };
    // Indexes units until the struct/union `name` turns up, or, with `orTypedef`, a typedef
    // `name` does (a kernel type name is either, rarely both). Not thread-safe: the caller holds
    // the DwarfHandle's mutex. The pointers stay valid as long as the index.
    Definitions find(std::string_view name, bool orTypedef);
    // The first enum definition or variable `name`, indexing units until it turns up.
    const Dwarf_Die* findEnum(std::string_view name);
    const Dwarf_Die* findVariable(std::string_view name);

  private:
    // The names view the mapped DWARF; a Dwarf_Die stays valid as long as the Dwarf handle.
    using Names = std::unordered_map<std::string_view, Dwarf_Die>;
    bool indexNextUnit(); // false when all units are indexed
    const Dwarf_Die* findIn(const Names& names, std::string_view name);

    Dwarf* dwarf_;
    Dwarf_CU* lastUnit_ = nullptr;
    bool complete_ = false;
    Names aggregates_;
    Names typedefs_;
    Names enums_;
    Names variables_;
};

} // namespace panicscope::symbols
