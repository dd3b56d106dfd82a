// Where each loaded module's memory lies, by kind (text, rodata, data, init text, ...): the
// module's own layout (core_layout/init_layout up to 6.3, mem[] from 6.4), for saying which
// module and which part of it an address is in.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/modules.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct ModuleRegion {
    const LoadedModule* module = nullptr; // in the list given to readModuleRegions
    std::string section;         // "text", "rodata", "ro_after_init", "data", "init_text", ...
    uint64_t begin = 0, end = 0; // [begin, end)
};

// Every non-empty region of every module in `modules`; a module whose layout cannot be read is
// left out with a warning.
std::vector<ModuleRegion> readModuleRegions(const KernelView& view, const ModuleList& modules,
                                            std::vector<std::string>& warnings);

} // namespace panicscope::kernel
