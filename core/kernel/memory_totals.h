// The kernel's memory counters, as /proc/meminfo and crash's `kmem -i` add them up: the global
// vm_zone_stat[] / vm_node_stat[] counters (without the per-CPU deltas not yet folded in, as
// /proc/meminfo reads them), totalram_pages(), the swap totals and the block devices' page cache.
#pragma once

#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::kernel {

class KernelView;

// Counts in pages.
struct MemoryTotals {
    uint64_t pageSize = 4096;
    uint64_t totalRam = 0;             // totalram_pages()
    uint64_t free = 0;                 // NR_FREE_PAGES
    std::optional<uint64_t> shared;    // NR_SHMEM
    std::optional<uint64_t> buffers;   // nr_blockdev_pages(): block devices' page cache
    std::optional<uint64_t> filePages; // NR_FILE_PAGES
    std::optional<uint64_t> swapCache; // NR_SWAPCACHE
    std::optional<uint64_t> slabReclaimable, slabUnreclaimable; // NR_SLAB_*_B (kept in pages)
    std::optional<uint64_t> swapTotal;                          // total_swap_pages
    std::optional<uint64_t> swapFree;                           // nr_swap_pages
    std::optional<uint64_t> committed;                          // vm_committed_as: Committed_AS
    std::optional<uint64_t> hugePages;   // hugetlb_total_pages(): every hstate's huge pages
    std::optional<uint64_t> commitLimit; // vm_commit_limit(): CommitLimit
    std::vector<std::string> warnings;   // counters that could not be read

    // /proc/meminfo's Cached: file pages that are neither swap cache nor buffers (>= 0).
    std::optional<uint64_t> cached() const;
};

// Errc when totalram_pages() or NR_FREE_PAGES cannot be read; the other counters are optional
// (a warning each).
Result<MemoryTotals> readMemoryTotals(const KernelView& view, uint64_t pageSize);

} // namespace panicscope::kernel
