// Refuses a vmlinux that is not the one the dumped kernel was built from: every frame and field
// read through a wrong vmlinux would be a plausible-looking lie.
#pragma once

#include "dump/vmcoreinfo.h"
#include "kernel/kernel_view.h"
#include "symbols/vmlinux.h"
#include "util/result.h"

#include <optional>
#include <string>

namespace panicscope::kernel {

// Compares VMCOREINFO's OSRELEASE and BUILD-ID with the vmlinux; then the linux_banner string in
// the dump's memory with the vmlinux's (which also catches a rebuilt kernel of the same release).
// Errc::VmlinuxMismatch names both versions. When the build IDs already matched, an unreadable
// banner (a damaged dump) is no reason to refuse: that comes back as a warning string.
Result<std::optional<std::string>> checkVmlinuxMatchesDump(const dump::Vmcoreinfo& vmcoreinfo,
                                                           const symbols::Vmlinux& vmlinux,
                                                           const KernelView& view);

} // namespace panicscope::kernel
