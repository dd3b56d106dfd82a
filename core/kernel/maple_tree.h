// Reading a kernel maple tree (lib/maple_tree.c) from dump memory: the index ranges it maps and
// the entries stored there. 6.5+ keeps the interrupt descriptors in one (sparse_irqs); mm's VMAs
// are another. Bounded (entries, height) and with loop detection, so a corrupt tree gives the
// entries that could be read and a problem for each part that could not.
#pragma once

#include "dump/memory.h"
#include "symbols/layouts.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

// Where a node of one kind keeps its pivots (the last index of each slot but the last), its
// slots and its metadata's `end` (the last slot in use when the node is not full).
struct MapleNodeFormat {
    uint64_t pivots = 0, pivotCount = 0; // offsets from the start of struct maple_node
    uint64_t slots = 0, slotCount = 0;
    uint64_t metaEnd = 0;
};

// The struct layouts and enum values a walk needs, from the kernel's debug info.
struct MapleTreeLayout {
    uint64_t root = 0;     // maple_tree.ma_root
    uint64_t nodeSize = 0; // sizeof(struct maple_node): every node is read whole
    MapleNodeFormat dense, range64, arange64;
    int64_t typeDense = 0, typeLeaf64 = 0, typeRange64 = 0, typeArange64 = 0; // enum maple_type
};

Result<MapleTreeLayout> resolveMapleTreeLayout(const symbols::Layouts& layouts);

// One stored entry: indices first..last map to `value` (never NULL or a reserved internal entry).
struct MapleEntry {
    uint64_t first = 0, last = 0, value = 0;
};

struct MapleWalk {
    std::vector<MapleEntry> entries;   // by index
    std::vector<std::string> problems; // each unreadable or inconsistent node, the walk went on
};

// Every entry of the maple tree (struct maple_tree) at `tree`, at most `maxEntries`.
MapleWalk walkMapleTree(const dump::Memory& memory, const MapleTreeLayout& layout, uint64_t tree,
                        size_t maxEntries);

} // namespace panicscope::kernel
