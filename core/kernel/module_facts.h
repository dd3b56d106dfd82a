// What /proc/modules says of a loaded module beyond its code: its size and its taint letters.
#pragma once

#include "kernel/kernel_view.h"

#include <cstdint>
#include <optional>
#include <string>

namespace panicscope::kernel {

struct ModuleFacts {
    std::optional<uint64_t> size; // every layout (core, init, data) or mem[] part, summed
    std::string taints;           // "OE": the letters module_flags() prints, in bit order
    bool taintsRead = false;      // false: module.taints or taint_flags[] is unreadable
};

// The facts of the struct module at `module`. The taint letters come from the kernel's own
// taint_flags[] table (its c_true letter for each bit marked `module`), so no kernel's table is
// assumed.
ModuleFacts readModuleFacts(const KernelView& view, uint64_t module);

} // namespace panicscope::kernel
