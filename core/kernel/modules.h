// Loaded kernel modules, from the dump alone: each one's text range, its kallsyms symbols and its
// ORC tables (struct module), so module frames unwind and are named without the .ko file.
#pragma once

#include "kernel/kernel_view.h"
#include "symbols/symbol_table.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct LoadedModule {
    std::string name;
    uint64_t address = 0;                // the struct module
    uint64_t textBase = 0, textSize = 0; // core text (with the rest of the core allocation)
    uint64_t initBase = 0, initSize = 0; // init text, while module_init runs (else empty)
    symbols::SymbolTable symbols;        // runtime addresses (modules are not relocated afterwards)
    // ORC as the module carries it: absolute ip per entry and the packed 6-byte entries.
    std::vector<uint64_t> orcAddresses;
    std::vector<uint8_t> orcEntries;
};

struct ModuleList {
    std::vector<LoadedModule> modules;
    std::vector<std::string> warnings; // modules (or parts) that could not be read
};

// Walks the `modules` list. The text ranges are core_layout/init_layout (<= 6.3) or
// mem[MOD_TEXT]/mem[MOD_INIT_TEXT] (6.4+).
Result<ModuleList> readModules(const KernelView& view);

} // namespace panicscope::kernel
