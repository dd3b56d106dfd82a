// A loaded module's GNU build ID, read from the dump: the notes the kernel keeps for
// /sys/module/NAME/notes (struct module's notes_attrs, one bin_attribute per SHF_ALLOC note
// section, its `private` pointing at the section in the module's memory). The same on 6.1 and
// 6.12; it needs CONFIG_SYSFS and CONFIG_KALLSYMS, as every distribution kernel has.
#pragma once

#include "kernel/kernel_view.h"

#include <cstdint>
#include <string>

namespace panicscope::kernel {

// The build ID (lower-case hex) of the struct module at `module`; an error saying why there is
// none (no notes, unreadable, no GNU build ID note).
Result<std::string> readModuleBuildId(const KernelView& view, uint64_t module);

} // namespace panicscope::kernel
