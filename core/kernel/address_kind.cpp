#include "kernel/address_kind.h"

#include "kernel/list_walk.h"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace panicscope::kernel {

const char* addressKindKey(AddressKind kind) {
    switch (kind) {
    case AddressKind::KernelText:
        return "kernel-text";
    case AddressKind::KernelData:
        return "kernel-data";
    case AddressKind::Module:
        return "module";
    case AddressKind::TaskStack:
        return "task-stack";
    case AddressKind::CpuStack:
        return "cpu-stack";
    case AddressKind::PerCpu:
        return "per-cpu";
    case AddressKind::Slab:
        return "slab";
    case AddressKind::Page:
        return "page";
    case AddressKind::PageStruct:
        return "page-struct";
    case AddressKind::Vmalloc:
        return "vmalloc";
    case AddressKind::User:
        return "user";
    case AddressKind::Unknown:
        return "unknown";
    }
    return "unknown";
}

namespace {

constexpr uint64_t kUserEnd = 0x0000800000000000; // the top of the 4-level user half
constexpr size_t kMaxCaches = 1u << 16;
constexpr uint64_t kMaxSlabObjects = 1u << 15; // SLUB's per-slab object count is 15 bits

// The kernel's virtual memory map (arch/x86/include/asm/pgtable_64_types.h): the bases are
// variables under CONFIG_RANDOMIZE_MEMORY, else these 4-level defaults.
struct MemoryMap {
    uint64_t directMap = 0xffff888000000000, vmalloc = 0xffffc90000000000,
             vmemmap = 0xffffea0000000000;
    uint64_t vmallocSize = 32ull << 40; // VMALLOC_SIZE_TB_L4; L5: 12800 TB
    uint64_t maxPfn = 0;
    uint64_t pageStructSize = 0; // 0: unknown (no page or slab answers then)
    bool virtualMemmap = true;   // struct pages at vmemmap + pfn (else only through the sections)
};

MemoryMap readMemoryMap(const KernelView& view) {
    MemoryMap m;
    if (auto v = view.readGlobal("page_offset_base")) m.directMap = *v;
    if (auto v = view.readGlobal("vmalloc_base")) m.vmalloc = *v;
    if (auto v = view.readGlobal("vmemmap_base")) m.vmemmap = *v;
    if (auto l5 = view.readGlobal("__pgtable_l5_enabled", 4); l5 && *l5)
        m.vmallocSize = 12800ull << 40;
    // Randomized regions keep their order; the next one bounds vmalloc.
    if (m.vmemmap > m.vmalloc) m.vmallocSize = std::min(m.vmallocSize, m.vmemmap - m.vmalloc);
    if (auto v = view.readGlobal("max_pfn"); v && *v < (1ull << 40)) m.maxPfn = *v;
    if (auto v = view.layouts().sizeOf("page")) m.pageStructSize = *v;
    // CONFIG_RANDOMIZE_MEMORY sets vmemmap_base without SPARSEMEM_VMEMMAP too: believe it only
    // where it maps (pfn 1's struct page).
    m.virtualMemmap = bool(view.memory().readU64(m.vmemmap + m.pageStructSize));
    return m;
}

// pfn_to_page() through the sparse memory sections (SPARSEMEM_EXTREME: mem_section is a
// pointer to roots of PAGE_SIZE / sizeof(struct mem_section) sections each): what works with and
// without SPARSEMEM_VMEMMAP (the frame-pointer kernel has no virtual memmap). The section's
// section_mem_map is its mem_map minus its first pfn, flags in the low bits.
std::optional<uint64_t> sparsePage(const KernelView& view, const MemoryMap& map, uint64_t pfn,
                                   unsigned sectionSizeBits, uint64_t pageSize) {
    const symbols::Symbol* symbol = view.symbols().byName("mem_section");
    auto sectionSize = view.layouts().sizeOf("mem_section");
    auto mapMember = view.member("mem_section", "section_mem_map");
    auto lastBit = view.layouts().enumerator("SECTION_MAP_LAST_BIT");
    auto roots = view.readGlobal("mem_section");
    const unsigned pageShift = static_cast<unsigned>(__builtin_ctzll(pageSize));
    if (!symbol || symbol->size != 8 || !sectionSize || *sectionSize == 0 || !mapMember ||
        !lastBit || *lastBit < 0 || *lastBit > 12 || !roots || sectionSizeBits <= pageShift ||
        sectionSizeBits >= 48)
        return std::nullopt;
    const uint64_t perRoot = pageSize / *sectionSize;
    const uint64_t number = pfn >> (sectionSizeBits - pageShift);
    if (perRoot == 0) return std::nullopt;
    auto root = view.memory().readU64(*roots + 8 * (number / perRoot));
    if (!root || *root == 0) return std::nullopt;
    auto encoded =
        view.memory().readU64(*root + (number % perRoot) * *sectionSize + mapMember->offset);
    if (!encoded) return std::nullopt;
    const uint64_t memMap = *encoded & ~((uint64_t(1) << *lastBit) - 1);
    return memMap == 0 ? std::nullopt : std::optional(memMap + pfn * map.pageStructSize);
}

// [link start symbol, link end symbol, section name], first match wins.
bool kernelImage(const AddressContext& c, uint64_t a, AddressDescription& out) {
    const auto& symbols = c.view.symbols();
    const uint64_t slide = c.view.kaslrOffset();
    const symbols::Symbol* text = symbols.byName("_text");
    const symbols::Symbol* end = symbols.byName("_end");
    if (!text || !end || a < text->address + slide || a >= end->address + slide) return false;
    static constexpr std::array<std::array<const char*, 3>, 7> kSections = {{
        {"_text", "_etext", "text"},
        {"__start_rodata", "__end_rodata", "rodata"},
        {"_sdata", "_edata", "data"},
        {"_sinittext", "_einittext", "init_text"},
        {"__init_begin", "__init_end", "init"},
        {"__bss_start", "__bss_stop", "bss"},
        {"__brk_base", "_end", "brk"},
    }};
    out.region = "kernel image";
    for (const auto& [first, last, name] : kSections) {
        const symbols::Symbol* b = symbols.byName(first);
        const symbols::Symbol* e = symbols.byName(last);
        if (b && e && a >= b->address + slide && a < e->address + slide) {
            out.section = name;
            break;
        }
    }
    const bool code = out.section == "text" || out.section == "init_text";
    out.kind = code ? AddressKind::KernelText : AddressKind::KernelData;
    if (const symbols::Symbol* s = symbols.containing(a - slide)) {
        out.symbol = std::string(s->name);
        out.symbolOffset = a - slide - s->address;
    }
    return true;
}

bool moduleMemory(const AddressContext& c, uint64_t a, AddressDescription& out) {
    for (const auto& r : c.modules) {
        if (a < r.begin || a >= r.end) continue;
        out.kind = AddressKind::Module;
        out.region = "module";
        out.module = r.module->name;
        out.section = r.section;
        if (const symbols::Symbol* s = r.module->symbols.containing(a)) {
            out.symbol = std::string(s->name);
            out.symbolOffset = a - s->address;
        }
        return true;
    }
    return false;
}

bool stackMemory(const AddressContext& c, uint64_t a, AddressDescription& out) {
    for (const auto& s : c.cpuStacks) {
        if (a < s.begin || a >= s.end) continue;
        out.kind = AddressKind::CpuStack;
        out.stack = StackOwner{s.name, std::nullopt, "", 0, s.cpu, s.begin, s.end - s.begin};
        out.offset = a - s.begin;
        return true;
    }
    if (!c.tasks || c.threadSize == 0) return false;
    for (const auto& t : c.tasks->tasks) {
        if (t.stack == 0 || a < t.stack || a - t.stack >= c.threadSize) continue;
        out.kind = AddressKind::TaskStack;
        out.stack =
            StackOwner{"task stack", t.pid, t.comm, t.address, t.cpu, t.stack, c.threadSize};
        out.offset = a - t.stack;
        return true;
    }
    return false;
}

// How much of each CPU's unit of the first per-CPU chunk is per-CPU data: its static variables,
// the reserved and the dynamic area (the first chunk's end). The rest of a unit (pcpu_unit_size
// can be 1 MiB) went back to the page allocator at boot. 0 when unknown.
uint64_t perCpuUnitUse(const KernelView& view, uint64_t pageSize) {
    auto chunk = view.readGlobal("pcpu_first_chunk");
    auto base = view.readGlobal("pcpu_base_addr");
    if (!chunk || !base || *chunk == 0) return 0;
    auto chunkBase = view.readField(*chunk, "pcpu_chunk", "base_addr");
    auto pages = view.readField(*chunk, "pcpu_chunk", "nr_pages");
    auto endOffset = view.readField(*chunk, "pcpu_chunk", "end_offset");
    auto unit = view.readGlobal("pcpu_unit_size", 4);
    if (!chunkBase || !pages || !endOffset || !unit || *chunkBase < *base) return 0;
    const uint64_t used = (*chunkBase - *base) + *pages * pageSize - *endOffset;
    return used <= *unit ? used : 0;
}

// Each CPU's unit of the per-CPU area: its static variables (the per-CPU symbols, at offsets
// from __per_cpu_start), then the reserved and dynamic allocations of the first chunk.
bool perCpuMemory(const AddressContext& c, uint64_t a, AddressDescription& out) {
    const auto& symbols = c.view.symbols();
    // __per_cpu_start is 0 on x86-64 SMP, an address the symbol table does not keep.
    const symbols::Symbol* startSymbol = symbols.byName("__per_cpu_start");
    const symbols::Symbol* end = symbols.byName("__per_cpu_end");
    const uint64_t start = startSymbol ? startSymbol->address : 0;
    if (!end || end->address < start) return false;
    const uint64_t staticSize = end->address - start;
    const uint64_t unitSize = std::max(staticSize, perCpuUnitUse(c.view, c.pageSize));
    for (unsigned cpu = 0; cpu < c.perCpu.cpuIdCount(); ++cpu) {
        const uint64_t relative = a - c.perCpu.offset(cpu); // a per-CPU symbol's address
        if (relative < start || relative - start >= unitSize) continue;
        out.kind = AddressKind::PerCpu;
        out.region = "per-CPU";
        out.cpu = cpu;
        out.offset = relative - start;
        if (relative < end->address) {
            if (const symbols::Symbol* s = symbols.containing(relative)) {
                out.symbol = std::string(s->name);
                out.symbolOffset = relative - s->address;
            }
        } else {
            out.note = "a dynamic per-CPU allocation";
        }
        return true;
    }
    return false;
}

// Every struct kmem_cache on slab_caches: what a slab page's slab_cache must point at.
std::unordered_set<uint64_t> slabCaches(const KernelView& view) {
    std::unordered_set<uint64_t> caches;
    auto head = view.address("slab_caches");
    auto link = view.member("kmem_cache", "list");
    if (!head || !link) return caches;
    for (uint64_t cache : walkList(view.memory(), *head, link->offset, kMaxCaches).entries)
        caches.insert(cache);
    return caches;
}

// Whether the head page at `page` is a slab page: PGTY_slab in page_type (6.12+), else the
// PG_slab bit of its flags.
bool isSlabPage(const KernelView& view, uint64_t page) {
    if (auto type = view.layouts().enumerator("PGTY_slab")) {
        auto pageType = view.readField(page, "page", "page_type");
        return pageType && ((*pageType >> 24) & 0xff) == uint64_t(*type);
    }
    auto bit = view.layouts().enumerator("PG_slab");
    auto flags = view.readField(page, "page", "flags");
    return bit && flags && *bit >= 0 && *bit < 64 && (*flags >> *bit) & 1;
}

// The slab object containing `a` on the direct-map page `pfn` (SLUB): nullopt when the page is
// no slab page of a cache on slab_caches.
std::optional<SlabObject> slabObject(const KernelView& view, const MemoryMap& map, uint64_t pfn,
                                     uint64_t structPage, uint64_t a, uint64_t pageSize) {
    uint64_t page = structPage;
    // A tail page points at its head with bit 0 set (page.compound_head).
    if (auto head = view.readField(page, "page", "compound_head"); head && (*head & 1))
        page = *head - 1;
    if (page > structPage || (structPage - page) % map.pageStructSize != 0 ||
        (structPage - page) / map.pageStructSize > std::min<uint64_t>(pfn, kMaxSlabObjects) ||
        !isSlabPage(view, page))
        return std::nullopt;
    const uint64_t headPfn = pfn - (structPage - page) / map.pageStructSize;
    // struct slab overlays the head page (5.17+); before it, struct page had slab_cache.
    auto cache = view.readField(page, "slab", "slab_cache");
    if (!cache) cache = view.readField(page, "page", "slab_cache");
    if (!cache || !slabCaches(view).contains(*cache)) return std::nullopt;
    SlabObject s;
    s.cacheAddress = *cache;
    if (auto name = view.readField(*cache, "kmem_cache", "name"))
        s.cache = view.memory().readCString(*name, 64).value_or("");
    auto slot = view.readField(*cache, "kmem_cache", "size");
    auto objectSize = view.readField(*cache, "kmem_cache", "object_size");
    auto order = view.readField(*cache, "kmem_cache", "oo.x"); // order << 16 | objects
    if (!slot || *slot == 0 || !objectSize) return std::nullopt;
    s.slotSize = *slot;
    s.objectSize = *objectSize;
    s.slab = map.directMap + headPfn * pageSize;
    s.index = (a - s.slab) / *slot;
    const uint64_t objects = order ? (*order & 0xffff) : kMaxSlabObjects;
    if (s.index >= std::min(objects, kMaxSlabObjects)) return std::nullopt;
    // With slub_debug's red zone the object follows red_left_pad bytes of its slot.
    const uint64_t pad = view.readField(*cache, "kmem_cache", "red_left_pad").value_or(0);
    s.object = s.slab + s.index * *slot + (pad < *slot ? pad : 0);
    if (a < s.object) s.object -= pad; // in the left red zone: the slot's start
    return s;
}

// The area of the memory map a stack lies in.
std::string regionOf(const MemoryMap& map, uint64_t a, uint64_t pageSize) {
    if (a >= map.vmalloc && a - map.vmalloc < map.vmallocSize) return "vmalloc";
    if (a >= map.directMap && (a - map.directMap) / pageSize < map.maxPfn) return "direct map";
    return "";
}

bool mappedMemory(const AddressContext& c, const MemoryMap& map, uint64_t a,
                  AddressDescription& out) {
    const uint64_t page = c.pageSize;
    if (map.pageStructSize && map.virtualMemmap && a >= map.vmemmap &&
        (a - map.vmemmap) / map.pageStructSize < map.maxPfn) {
        out.kind = AddressKind::PageStruct;
        out.region = "vmemmap";
        const uint64_t pfn = (a - map.vmemmap) / map.pageStructSize;
        out.page = PageRef{pfn, map.vmemmap + pfn * map.pageStructSize};
        out.offset = a - out.page->structPage;
        return true;
    }
    if (a >= map.directMap && (a - map.directMap) / page < map.maxPfn) {
        out.kind = AddressKind::Page;
        out.region = "direct map";
        const uint64_t pfn = (a - map.directMap) / page;
        if (map.pageStructSize) {
            const auto structPage =
                sparsePage(c.view, map, pfn, c.sectionSizeBits, page)
                    .value_or(map.virtualMemmap ? map.vmemmap + pfn * map.pageStructSize : 0);
            out.page = PageRef{pfn, structPage};
            if (auto slab =
                    structPage ? slabObject(c.view, map, pfn, structPage, a, page) : std::nullopt) {
                out.kind = AddressKind::Slab;
                out.offset = a - slab->object;
                out.slab = std::move(slab);
            }
        } else {
            out.page = PageRef{pfn, 0};
        }
        out.offset = out.slab ? out.offset : a % page;
        return true;
    }
    if (a >= map.vmalloc && a - map.vmalloc < map.vmallocSize) {
        out.kind = AddressKind::Vmalloc;
        out.region = "vmalloc";
        return true;
    }
    return false;
}

} // namespace

AddressDescription describeAddress(const AddressContext& context, uint64_t address) {
    AddressDescription out;
    out.address = address;
    if (address < kUserEnd) {
        out.kind = AddressKind::User;
        out.region = "user";
        return out;
    }
    const MemoryMap map = readMemoryMap(context.view);
    // Most specific first: stacks and per-CPU areas lie inside vmalloc and the direct map.
    if (kernelImage(context, address, out) || moduleMemory(context, address, out) ||
        stackMemory(context, address, out) || perCpuMemory(context, address, out) ||
        mappedMemory(context, map, address, out)) {
        if (out.kind == AddressKind::TaskStack || out.kind == AddressKind::CpuStack)
            out.region = regionOf(map, address, context.pageSize);
        if (!context.view.memory().readValue<uint8_t>(address))
            out.note += std::string(out.note.empty() ? "" : "; ") + "not in the dump";
        return out;
    }
    out.note = "in no kernel region panicscope knows";
    return out;
}

} // namespace panicscope::kernel
