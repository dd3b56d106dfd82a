// Types from the kernel's BTF: ids are BTF type ids.
#pragma once

#include "symbols/btf_types.h"
#include "types/type_reader.h"

namespace panicscope::types {

class BtfTypeReader final : public TypeReader {
  public:
    explicit BtfTypeReader(const symbols::BtfTypes& btf) : btf_(btf) {}
    std::optional<Type> read(uint64_t id) const override;
    std::optional<uint64_t> findNamed(TypeTag tag, std::string_view name) const override;
    std::optional<uint64_t> findVariableType(std::string_view name) const override;

  private:
    // The definition a forward declaration names, when there is exactly one.
    std::optional<uint32_t> definitionOf(uint32_t forward) const;
    const symbols::BtfTypes& btf_;
};

} // namespace panicscope::types
