// Layouts from the kernel's BTF, with DWARF behind it. Finding a struct in DWARF means reading
// compilation units until one defines it (struct inactive_task_frame: 19 ms, a missing one: the
// whole 590 MB); BTF indexes every type in 2-3 ms. Answers are DWARF's: BTF is pahole's copy of
// that DWARF, and a name BTF lacks or defines more than once (two file-local structs of one
// name) is left to the DWARF layouts, which pick the first definition in unit order.
#pragma once

#include "symbols/btf_types.h"
#include "symbols/layouts.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace panicscope::symbols {

class BtfLayouts final : public Layouts {
  public:
    // `section`: the .BTF bytes (they must outlive this object), parsed on first use; when they
    // are no BTF this reader knows, every question goes to `dwarf`.
    BtfLayouts(std::string_view section, const Layouts& dwarf);

    Result<Member> member(std::string_view structName, std::string_view path) const override;
    Result<uint64_t> sizeOf(std::string_view structName) const override;
    Result<int64_t> enumerator(std::string_view name) const override;

    // The parsed types (nullptr when the section is no BTF this reader knows).
    const BtfTypes* types() const;

  private:
    // The struct or union `name` names (or a typedef of one); nullopt: ask DWARF.
    std::optional<uint32_t> findAggregate(std::string_view name) const;
    Result<Member> resolve(uint32_t aggregate, std::string_view structName,
                           std::string_view path) const;

    std::string_view section_;
    const Layouts& dwarf_;
    mutable std::once_flag parsed_;
    mutable std::optional<BtfTypes> types_;
    mutable std::mutex mutex_; // guards members_ and enumerators_
    mutable std::map<std::string, Result<Member>, std::less<>> members_; // "struct.path"
    mutable std::map<std::string, std::optional<int64_t>, std::less<>> enumerators_; // by name
};

} // namespace panicscope::symbols
