#include "kernel/module_facts.h"

namespace panicscope::kernel {
namespace {

constexpr uint64_t kMaxTaintFlags = 64; // taints is one unsigned long
constexpr uint64_t kMaxMemTypes = 16;   // enum mod_mem_type has 7

// The sum of the layout sizes module_total_size() (or m_show() before 6.4) adds up.
std::optional<uint64_t> moduleSize(const KernelView& view, uint64_t module) {
    uint64_t total = 0;
    bool any = false;
    for (const char* part : {"core_layout.size", "init_layout.size", "data_layout.size"})
        if (auto size = view.readField(module, "module", part)) {
            total += *size;
            any = true;
        }
    if (any) return total;
    // 6.4+: mem[MOD_MEM_NUM_TYPES], each a struct module_memory.
    uint64_t mem = 0, memBytes = 0, size = 0, sizeBytes = 0;
    auto entry = view.layouts().sizeOf("module_memory");
    if (!entry || *entry == 0 || !view.memberOffset("module", "mem", mem, &memBytes) ||
        !view.memberOffset("module_memory", "size", size, &sizeBytes))
        return std::nullopt;
    const uint64_t count = std::min(memBytes / *entry, kMaxMemTypes);
    for (uint64_t i = 0; i < count; ++i) {
        auto s = view.readUnsigned(module + mem + i * *entry + size, sizeBytes);
        if (!s) return std::nullopt;
        total += *s;
    }
    return total;
}

} // namespace

ModuleFacts readModuleFacts(const KernelView& view, uint64_t module) {
    ModuleFacts facts;
    facts.size = moduleSize(view, module);
    auto taints = view.readField(module, "module", "taints");
    auto table = view.address("taint_flags");
    auto entry = view.layouts().sizeOf("taint_flag");
    const symbols::Symbol* symbol = view.symbols().byName("taint_flags");
    uint64_t letter = 0, isModule = 0;
    if (!taints || !table || !entry || *entry == 0 || !symbol ||
        !view.memberOffset("taint_flag", "c_true", letter) ||
        !view.memberOffset("taint_flag", "module", isModule))
        return facts;
    const uint64_t count = std::min(symbol->size / *entry, kMaxTaintFlags);
    for (uint64_t bit = 0; bit < count; ++bit) {
        if (!(*taints >> bit & 1)) continue;
        const uint64_t flag = *table + bit * *entry;
        auto c = view.readUnsigned(flag + letter, 1);
        auto m = view.readUnsigned(flag + isModule, 1);
        if (!c || !m) return facts;
        if (*m) facts.taints += static_cast<char>(*c);
    }
    facts.taintsRead = true;
    return facts;
}

} // namespace panicscope::kernel
