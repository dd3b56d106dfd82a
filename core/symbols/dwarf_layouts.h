// Layouts from DWARF: struct and union member offsets and sizes, found through DwarfTypeIndex and
// cached per (struct, path), so the kernel model may ask the same question for every task.
#pragma once

#include "symbols/dwarf_handle.h"
#include "symbols/dwarf_type_index.h"
#include "symbols/layouts.h"

#include <map>
#include <optional>
#include <string>

namespace panicscope::symbols {

class DwarfLayouts final : public Layouts {
  public:
    // `dwarf` may be null (no debug info): every lookup then fails with Errc::NoType.
    // `fileName` names the vmlinux in error messages.
    DwarfLayouts(DwarfHandle* dwarf, std::string fileName);

    Result<Member> member(std::string_view structName, std::string_view path) const override;
    Result<uint64_t> sizeOf(std::string_view structName) const override;
    Result<int64_t> enumerator(std::string_view name) const override;

  private:
    Result<Dwarf_Die> findAggregate(std::string_view name) const;
    Result<Member> resolve(std::string_view structName, std::string_view path) const;

    DwarfHandle* dwarf_;
    std::string fileName_;
    mutable std::optional<DwarfTypeIndex> index_;                        // guarded by dwarf_->mutex
    mutable std::map<std::string, Result<Member>, std::less<>> members_; // "struct.path"
};

} // namespace panicscope::symbols
