// The kernel's alternatives (.altinstructions, private to unwind/): code the kernel may patch
// over its entry code at boot, e.g. `call clear_bhb_loop` or `call entry_ibpb` over nops, or
// `call xen_error_entry` over `call error_entry`. A call patched in has a return address the
// vmlinux file does not show.
#pragma once

#include "symbols/vmlinux.h"
#include "unwind/entry_decoder.h"

#include <string>
#include <vector>

namespace panicscope::unwind::entry {

struct PatchSites {
    std::vector<PatchSite> sites; // their replacement bytes view the vmlinux file
    std::string note;             // why there are none, when there are none
};

// The alternatives whose original code lies in one of `regions`. The entry layout of
// struct alt_instr changed over the years (13 bytes before 5.x's padlen removal, 12, 14 from
// 6.3); the one whose every entry makes sense is used.
PatchSites readPatchSites(const symbols::Vmlinux& vmlinux, const std::vector<CodeRegion>& regions);

} // namespace panicscope::unwind::entry
