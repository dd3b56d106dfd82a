// Names of the struct, union, enum and typedef definitions in a DWARF file, each mapped to its
// first full definition, and of the file-scope variables (declarations too: `jiffies` has none
// but the linker's). Built lazily and incrementally: a lookup reads compilation units only until
// the name turns up, so the common types (defined in the first units) cost a few milliseconds
// and only a miss reads every unit's top-level DIEs (about 0.3 s for a 590 MB vmlinux). Once every
// unit is read, the whole index goes into the index cache (DwarfTypeNames); a run that finds it
// there reads no unit to look a name up. Both ways give the same answers: a lookup answers as if
// the units up to the one that defines the name had been read.
#pragma once

#include "symbols/dwarf_type_names.h"
#include "util/index_cache.h"

#include <elfutils/libdw.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace panicscope::symbols {

class DwarfTypeIndex {
  public:
    // `cache`: where the complete index of this DWARF is kept between runs (disabled: nowhere).
    explicit DwarfTypeIndex(Dwarf* dwarf, IndexCache cache = {});

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
    // The value of a file-scope enum's enumerator `name` (the first one indexed): indexes units
    // until it turns up. Not thread-safe either.
    std::optional<int64_t> findEnumerator(std::string_view name);

  private:
    // The names view the mapped DWARF; a Dwarf_Die stays valid as long as the Dwarf handle.
    struct Named {
        Dwarf_Die die;
        uint32_t unit; // ordinal of the unit it was first seen in
    };
    using Names = std::unordered_map<std::string_view, Named>;
    struct Enumerator {
        int64_t value;
        uint32_t unit;
    };
    // Where `name` of `kind` is first defined, from the units read so far, or from the
    // stored index (all of them).
    struct Found {
        const Dwarf_Die* die = nullptr; // null for an enumerator
        int64_t value = 0;              // an enumerator's
        uint32_t unit = 0;
    };
    std::optional<Found> lookUp(DwarfNameKind kind, std::string_view name);
    std::optional<Found> findOne(DwarfNameKind kind, std::string_view name);
    bool indexNextUnit(); // false when all units are indexed
    void saveIndex() const;

    Dwarf* dwarf_;
    IndexCache cache_;
    std::optional<DwarfTypeNames> stored_;
    std::unordered_map<Dwarf_Off, Dwarf_Die> storedDies_; // the stored index's DIEs handed out
    uint32_t unitsRead_ = 0; // read, or with the stored index, answered as if read
    Dwarf_CU* lastUnit_ = nullptr;
    bool complete_ = false;
    std::array<Names, 4> names_; // Aggregate, Typedef, Enum, Variable (DwarfNameKind order)
    std::unordered_map<std::string_view, Enumerator> enumerators_;
};

} // namespace panicscope::symbols
