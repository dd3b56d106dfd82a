#include "kernel/memory_totals.h"

#include "kernel/kernel_view.h"
#include "kernel/list_walk.h"
#include "kernel/per_cpu.h"
#include "kernel/system_state.h"

namespace panicscope::kernel {
namespace {

constexpr size_t kMaxBlockDevices = 1u << 16;

// Global counters are atomic_long_t: clamp a transiently negative sum to 0, as
// global_zone_page_state() does.
uint64_t clamped(uint64_t value) {
    return static_cast<int64_t>(value) < 0 ? 0 : value;
}

// counters[item] of the atomic_long_t array `array` (vm_zone_stat, vm_node_stat), the index
// bounded by the array symbol's size.
Result<uint64_t> readStat(const KernelView& view, std::string_view array, std::string_view item) {
    auto index = view.layouts().enumerator(item);
    if (!index) return tl::unexpected(index.error());
    auto base = view.address(array);
    if (!base) return tl::unexpected(base.error());
    const symbols::Symbol* symbol = view.symbols().byName(array);
    if (*index < 0 || !symbol || uint64_t(*index) >= symbol->size / 8)
        return fail(Errc::NoType, std::string(item) + " is outside " + std::string(array) + "[]");
    auto value = view.memory().readU64(*base + 8 * uint64_t(*index));
    if (!value) return tl::unexpected(value.error());
    return clamped(*value);
}

// nr_blockdev_pages(): the page cache of every block device inode (the blockdev superblock's
// s_inodes list).
Result<uint64_t> readBlockDevicePages(const KernelView& view) {
    auto superblock = view.readGlobal("blockdev_superblock");
    if (!superblock) return superblock;
    uint64_t inodes = 0, link = 0, mapping = 0, nrpages = 0, nrpagesSize = 0;
    for (auto r : {view.memberOffset("super_block", "s_inodes", inodes),
                   view.memberOffset("inode", "i_sb_list", link),
                   view.memberOffset("inode", "i_mapping", mapping),
                   view.memberOffset("address_space", "nrpages", nrpages, &nrpagesSize)})
        if (!r) return tl::unexpected(r.error());
    const ListWalk walk = walkList(view.memory(), *superblock + inodes, link, kMaxBlockDevices);
    if (walk.problem)
        return fail(Errc::Corrupt, describeListProblem("block device", *walk.problem));
    uint64_t total = 0;
    for (uint64_t inode : walk.entries) {
        auto space = view.memory().readU64(inode + mapping);
        auto pages = space ? view.readUnsigned(*space + nrpages, nrpagesSize) : space;
        if (!pages) return tl::unexpected(pages.error());
        total += *pages;
    }
    return total;
}

// hugetlb_total_pages(): nr_huge_pages of each of hstates[0 .. hugetlb_max_hstate), in pages.
Result<uint64_t> readHugePages(const KernelView& view) {
    auto count = view.readGlobal("hugetlb_max_hstate", 4);
    if (!count) return count;
    auto hstates = view.address("hstates");
    auto entry = view.layouts().sizeOf("hstate");
    if (!hstates) return tl::unexpected(hstates.error());
    if (!entry) return tl::unexpected(entry.error());
    const symbols::Symbol* symbol = view.symbols().byName("hstates");
    if (!symbol || *entry == 0 || *count > symbol->size / *entry)
        return fail(Errc::Corrupt, "hugetlb_max_hstate is larger than hstates[]");
    uint64_t total = 0;
    for (uint64_t i = 0; i < *count; ++i) {
        auto order = view.readField(*hstates + i * *entry, "hstate", "order");
        auto pages = view.readField(*hstates + i * *entry, "hstate", "nr_huge_pages");
        if (!order) return order;
        if (!pages) return pages;
        if (*order < 32) total += *pages << *order;
    }
    return total;
}

// vm_commit_limit(): sysctl_overcommit_kbytes when set, else the overcommit ratio of the RAM
// that is not huge pages; plus the swap.
Result<uint64_t> commitLimit(const KernelView& view, const MemoryTotals& m) {
    auto kbytes = view.readGlobal("sysctl_overcommit_kbytes");
    if (!kbytes) return kbytes;
    uint64_t limit = 0;
    if (*kbytes) {
        limit = *kbytes / (m.pageSize / 1024);
    } else {
        auto ratio = view.readGlobal("sysctl_overcommit_ratio", 4);
        if (!ratio) return ratio;
        const uint64_t huge = m.hugePages.value_or(0);
        limit = (m.totalRam > huge ? m.totalRam - huge : 0) * *ratio / 100;
    }
    return limit + m.swapTotal.value_or(0);
}

} // namespace

std::optional<uint64_t> MemoryTotals::cached() const {
    if (!filePages) return std::nullopt;
    const uint64_t other = swapCache.value_or(0) + buffers.value_or(0);
    return *filePages > other ? *filePages - other : 0;
}

// vm_memory_committed(): percpu_counter_sum_positive(&vm_committed_as), the global count plus
// every CPU's unfolded delta, as /proc/meminfo prints Committed_AS (since 5.8; the count alone
// was off by the deltas: 0 where the guest showed 24240 kB).
Result<uint64_t> readCommitted(const KernelView& view) {
    auto counter = view.address("vm_committed_as");
    if (!counter) return tl::unexpected(counter.error());
    uint64_t count = 0, counters = 0;
    for (auto r : {view.memberOffset("percpu_counter", "count", count),
                   view.memberOffset("percpu_counter", "counters", counters)})
        if (!r) return tl::unexpected(r.error());
    auto total = view.readUnsigned(*counter + count, 8);
    auto deltas = view.memory().readU64(*counter + counters);
    if (!total) return total;
    if (!deltas) return deltas;
    auto perCpu = PerCpu::read(view);
    if (!perCpu) return tl::unexpected(perCpu.error());
    int64_t sum = static_cast<int64_t>(*total);
    for (unsigned cpu : perCpu->cpus()) {
        auto at = perCpu->pointer(*deltas, cpu);
        auto delta = at ? view.memory().readValue<int32_t>(*at) : Result<int32_t>(0);
        if (!delta) return tl::unexpected(delta.error());
        sum += *delta;
    }
    return sum < 0 ? 0 : static_cast<uint64_t>(sum);
}

Result<MemoryTotals> readMemoryTotals(const KernelView& view, uint64_t pageSize) {
    MemoryTotals m;
    m.pageSize = pageSize;
    auto total = readTotalRamPages(view);
    if (!total) return tl::unexpected(withContext(total.error(), "reading totalram_pages"));
    m.totalRam = *total;
    auto free = readStat(view, "vm_zone_stat", "NR_FREE_PAGES");
    if (!free) return tl::unexpected(withContext(free.error(), "reading NR_FREE_PAGES"));
    m.free = *free;

    auto optional = [&](const char* what, Result<uint64_t> value, std::optional<uint64_t>& into) {
        if (value)
            into = *value;
        else
            m.warnings.push_back(std::string(what) + ": " + value.error().message);
    };
    optional("NR_SHMEM", readStat(view, "vm_node_stat", "NR_SHMEM"), m.shared);
    optional("NR_FILE_PAGES", readStat(view, "vm_node_stat", "NR_FILE_PAGES"), m.filePages);
    // Without CONFIG_SWAP there is no swap cache and no swap (nor their counters).
    const bool swap = bool(view.symbols().byName("total_swap_pages"));
    if (swap)
        optional("NR_SWAPCACHE", readStat(view, "vm_node_stat", "NR_SWAPCACHE"), m.swapCache);
    else
        m.swapCache = 0;
    optional("NR_SLAB_RECLAIMABLE_B", readStat(view, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B"),
             m.slabReclaimable);
    optional("NR_SLAB_UNRECLAIMABLE_B", readStat(view, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B"),
             m.slabUnreclaimable);
    optional("buffers", readBlockDevicePages(view), m.buffers);
    if (swap) {
        optional("total_swap_pages", view.readGlobal("total_swap_pages"), m.swapTotal);
        optional("nr_swap_pages", view.readGlobal("nr_swap_pages"), m.swapFree);
    } else {
        m.swapTotal = m.swapFree = 0;
    }
    optional("vm_committed_as", readCommitted(view), m.committed);
    if (m.swapFree) m.swapFree = clamped(*m.swapFree);
    // Without CONFIG_HUGETLBFS there are no hstates and no huge pages.
    if (view.symbols().byName("hstates"))
        optional("huge pages", readHugePages(view), m.hugePages);
    else
        m.hugePages = 0;
    optional("commit limit", commitLimit(view, m), m.commitLimit);
    return m;
}

} // namespace panicscope::kernel
