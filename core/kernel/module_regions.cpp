#include "kernel/module_regions.h"

#include <array>

namespace panicscope::kernel {
namespace {

constexpr uint64_t kMaxRegion = 1ull << 32; // sizes are unsigned int

// Up to 6.3: struct module_layout {base, size, text_size, ro_size, ro_after_init_size}: text,
// then rodata, then ro_after_init, then data, in one allocation.
Result<void> addLayout(const KernelView& view, const LoadedModule& m, const char* layout,
                       const char* prefix, std::vector<ModuleRegion>& out) {
    const std::string at = std::string(layout) + ".";
    auto base = view.readField(m.address, "module", at + "base");
    auto size = view.readField(m.address, "module", at + "size");
    auto text = view.readField(m.address, "module", at + "text_size");
    auto ro = view.readField(m.address, "module", at + "ro_size");
    if (!base || !size || !text || !ro)
        return fail(Errc::NoType, "module " + m.name + ": cannot read its " + layout);
    // init_layout has no ro_after_init part.
    auto roAfterInit = view.readField(m.address, "module", at + "ro_after_init_size");
    const uint64_t roEnd = roAfterInit ? *roAfterInit : *ro;
    if (*size > kMaxRegion || *text > *ro || *ro > roEnd || roEnd > *size)
        return fail(Errc::Corrupt, "module " + m.name + ": its " + layout + " sizes disagree");
    const std::string p = prefix;
    const std::array<std::pair<std::string, std::pair<uint64_t, uint64_t>>, 4> parts = {{
        {p + "text", {0, *text}},
        {p + "rodata", {*text, *ro}},
        {p + "ro_after_init", {*ro, roEnd}},
        {p + "data", {roEnd, *size}},
    }};
    for (const auto& [name, range] : parts)
        if (range.second > range.first)
            out.push_back({&m, name, *base + range.first, *base + range.second});
    return {};
}

// 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES], indexed by enum mod_mem_type.
Result<void> addMemories(const KernelView& view, const LoadedModule& m,
                         std::vector<ModuleRegion>& out) {
    static constexpr std::array<std::pair<const char*, const char*>, 7> kTypes = {{
        {"MOD_TEXT", "text"},
        {"MOD_DATA", "data"},
        {"MOD_RODATA", "rodata"},
        {"MOD_RO_AFTER_INIT", "ro_after_init"},
        {"MOD_INIT_TEXT", "init_text"},
        {"MOD_INIT_DATA", "init_data"},
        {"MOD_INIT_RODATA", "init_rodata"},
    }};
    auto mem = view.member("module", "mem");
    auto entry = view.layouts().sizeOf("module_memory");
    if (!mem) return tl::unexpected(mem.error());
    if (!entry) return tl::unexpected(entry.error());
    if (*entry == 0) return fail(Errc::NoType, "struct module_memory has no size");
    for (const auto& [enumerator, name] : kTypes) {
        auto index = view.layouts().enumerator(enumerator);
        if (!index || *index < 0 || uint64_t(*index + 1) * *entry > mem->size) continue;
        const uint64_t at = m.address + mem->offset + uint64_t(*index) * *entry;
        auto base = view.readField(at, "module_memory", "base");
        auto size = view.readField(at, "module_memory", "size");
        if (!base || !size || *size > kMaxRegion) continue;
        if (*base && *size) out.push_back({&m, name, *base, *base + *size});
    }
    return {};
}

} // namespace

std::vector<ModuleRegion> readModuleRegions(const KernelView& view, const ModuleList& modules,
                                            std::vector<std::string>& warnings) {
    std::vector<ModuleRegion> out;
    const bool layouts = bool(view.member("module", "core_layout"));
    for (const auto& m : modules.modules) {
        Result<void> r =
            layouts ? addLayout(view, m, "core_layout", "", out) : addMemories(view, m, out);
        if (r && layouts) r = addLayout(view, m, "init_layout", "init_", out);
        if (!r) warnings.push_back(r.error().message);
    }
    return out;
}

} // namespace panicscope::kernel
