// Which code a runtime address is in: the vmlinux (at its KASLR slide) or a loaded module. The one
// place that answers it, for symbols, ORC, CFI and source lines alike.
#pragma once

#include "symbols/symbol_table.h"
#include "unwind/module_code.h"
#include "unwind/orc_table.h"

#include <cstdint>
#include <span>

namespace panicscope::unwind {

// The code at one runtime address.
struct CodeRef {
    const ModuleCode* module = nullptr;          // null: the vmlinux
    const symbols::SymbolTable* table = nullptr; // the symbols of that code
    const symbols::Symbol* symbol = nullptr;     // the symbol containing the address, if any
    const OrcTable* orc = nullptr;               // its ORC table (null: none)
    // The address as `table` and `orc` know it: link-time for the vmlinux, runtime for a module.
    uint64_t tableAddress = 0;
    uint64_t slide = 0; // runtime - table address (the KASLR offset for the vmlinux, else 0)

    bool inModule() const { return module != nullptr; }
    // The containing symbol when it is a function, else null.
    const symbols::Symbol* function() const {
        return symbol && symbol->isFunction ? symbol : nullptr;
    }
    uint64_t runtimeAddress(const symbols::Symbol& s) const { return s.address + slide; }
};

class CodeMap {
  public:
    CodeMap() = default;
    CodeMap(const symbols::SymbolTable& vmlinuxSymbols, uint64_t kaslrOffset,
            const OrcTable* vmlinuxOrc, std::span<const ModuleCode> modules)
        : vmlinux_(&vmlinuxSymbols), kaslrOffset_(kaslrOffset), orc_(vmlinuxOrc),
          modules_(modules) {}

    // Modules first: their text ranges are exact, the vmlinux's last symbol is not.
    CodeRef find(uint64_t runtimeAddress) const {
        for (const auto& m : modules_)
            if (m.contains(runtimeAddress))
                return {&m,     &m.symbols,     m.symbols.containing(runtimeAddress),
                        &m.orc, runtimeAddress, 0};
        const uint64_t link = runtimeAddress - kaslrOffset_;
        return {nullptr, vmlinux_, vmlinux_ ? vmlinux_->containing(link) : nullptr,
                orc_,    link,     kaslrOffset_};
    }
    uint64_t kaslrOffset() const { return kaslrOffset_; }
    const symbols::SymbolTable* vmlinuxSymbols() const { return vmlinux_; }
    const OrcTable* vmlinuxOrc() const { return orc_; } // null on a frame-pointer kernel
    std::span<const ModuleCode> modules() const { return modules_; }

  private:
    const symbols::SymbolTable* vmlinux_ = nullptr;
    uint64_t kaslrOffset_ = 0;
    const OrcTable* orc_ = nullptr;
    std::span<const ModuleCode> modules_;
};

} // namespace panicscope::unwind
