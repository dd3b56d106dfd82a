// Reading a kernel xarray (lib/xarray.c; a radix_tree_root and an idr are one since 4.20) from
// dump memory: the pid namespace's IDR, irq_desc_tree before 6.5. Bounded (entries, nodes,
// height) and with loop detection: a corrupt array gives the entries that could be read and a
// problem for each node that could not, never a walk without end.
#pragma once

#include "dump/memory.h"
#include "symbols/layouts.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct XarrayLayout {
    uint64_t head = 0;                 // xarray.xa_head
    uint64_t shift = 0;                // xa_node.shift (one byte)
    uint64_t slots = 0, slotCount = 0; // xa_node.slots
};

Result<XarrayLayout> resolveXarrayLayout(const symbols::Layouts& layouts);

// One stored pointer at its index. Value entries (xa_mk_value) and the internal ones (retry,
// sibling, zero) are no pointers and are left out.
struct XarrayEntry {
    uint64_t index = 0, value = 0;
};

struct XarrayWalk {
    std::vector<XarrayEntry> entries;  // by index
    std::vector<std::string> problems; // each node that could not be read or makes no sense
};

// Every pointer stored in the xarray (struct xarray) at `xarray`, at most `maxEntries`.
XarrayWalk walkXarray(const dump::Memory& memory, const XarrayLayout& layout, uint64_t xarray,
                      size_t maxEntries);

} // namespace panicscope::kernel
