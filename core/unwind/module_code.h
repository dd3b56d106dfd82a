// A loaded module's code as the unwinder needs it: its text range, symbols and ORC table, all at
// runtime addresses (read from the dump by kernel::readModules).
#pragma once

#include "kernel/kernel_view.h"
#include "symbols/symbol_table.h"
#include "unwind/orc_table.h"

#include <optional>
#include <string>
#include <vector>

namespace panicscope::unwind {

struct ModuleCode {
    std::string name;
    uint64_t address = 0; // the struct module
    uint64_t textBase = 0, textSize = 0, initBase = 0, initSize = 0;
    symbols::SymbolTable symbols;
    OrcTable orc;
    bool contains(uint64_t a) const {
        return (a >= textBase && a - textBase < textSize) ||
               (a >= initBase && a - initBase < initSize);
    }
};

struct ModuleCodeList {
    std::vector<ModuleCode> modules;
    std::vector<std::string> warnings; // modules (or parts) that could not be read
};

// Every loaded module's code, its ORC decoded in the kernel's `format` (none without one).
ModuleCodeList loadModuleCode(const kernel::KernelView& view,
                              const std::optional<OrcFormat>& format);

} // namespace panicscope::unwind
