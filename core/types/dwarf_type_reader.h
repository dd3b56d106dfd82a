// Types from the vmlinux's DWARF: ids are DIE offsets in .debug_info, with an array's dimension
// in the high bits (int a[2][3] is one DIE with two subranges). Every call holds the DWARF
// handle's mutex (libdw is not thread-safe).
#pragma once

#include "symbols/dwarf_handle.h"
#include "symbols/dwarf_type_index.h"
#include "types/type_reader.h"

namespace panicscope::types {

class DwarfTypeReader final : public TypeReader {
  public:
    explicit DwarfTypeReader(symbols::DwarfHandle& dwarf)
        : dwarf_(dwarf), index_(dwarf.dwarf, dwarf.cache) {}
    std::optional<Type> read(uint64_t id) const override;
    std::optional<uint64_t> findNamed(TypeTag tag, std::string_view name) const override;
    std::optional<uint64_t> findVariableType(std::string_view name) const override;

  private:
    std::optional<Type> readDie(Dwarf_Die* die, unsigned dimension, int depth = 0) const;
    std::optional<Type> readArray(Dwarf_Die* die, unsigned dimension) const;
    void readMembers(Dwarf_Die* die, Type& type) const;
    void readEnumerators(Dwarf_Die* die, Type& type) const;
    void readParameters(Dwarf_Die* die, Type& type) const;

    symbols::DwarfHandle& dwarf_;
    mutable symbols::DwarfTypeIndex index_; // guarded by dwarf_.mutex
};

} // namespace panicscope::types
