#include "kernel/per_cpu.h"

namespace panicscope::kernel {

namespace {
constexpr unsigned kMaxCpus = 8192; // CONFIG_NR_CPUS upper bound on x86-64 (MAXSMP)
}

Result<PerCpu> PerCpu::read(const KernelView& view) {
    auto count = view.readGlobal("nr_cpu_ids", 4);
    if (!count) return tl::unexpected(withContext(count.error(), "reading nr_cpu_ids"));
    if (*count == 0 || *count > kMaxCpus)
        return fail(Errc::Corrupt, "nr_cpu_ids is " + std::to_string(*count) + ", not a CPU count");
    auto offsets = view.address("__per_cpu_offset");
    if (!offsets) return tl::unexpected(offsets.error());
    auto present = view.address("__cpu_present_mask");
    if (!present) return tl::unexpected(present.error());

    PerCpu out;
    for (unsigned cpu = 0; cpu < *count; ++cpu) {
        auto off = view.memory().readU64(*offsets + 8ull * cpu);
        if (!off) return tl::unexpected(withContext(off.error(), "reading __per_cpu_offset"));
        out.offsets_.push_back(*off);
        auto word = view.memory().readU64(*present + 8ull * (cpu / 64));
        if (!word) return tl::unexpected(withContext(word.error(), "reading __cpu_present_mask"));
        if ((*word >> (cpu % 64)) & 1) out.cpus_.push_back(cpu);
    }
    return out;
}

Result<uint64_t> PerCpu::variable(const KernelView& view, std::string_view symbol,
                                  unsigned cpu) const {
    if (cpu >= offsets_.size())
        return fail(Errc::Corrupt, "CPU " + std::to_string(cpu) + " does not exist");
    const symbols::Symbol* s = view.symbols().byName(symbol);
    if (!s) return fail(Errc::NoSymbol, "the vmlinux has no symbol '" + std::string(symbol) + "'");
    // A (rare) ordinary global used as a per-CPU base is moved by KASLR.
    const bool zeroBased = isPerCpuSymbol(view.symbols(), *s);
    const uint64_t base = zeroBased ? s->address : s->address + view.kaslrOffset();
    return base + offsets_[cpu];
}

uint64_t perCpuAreaSize(const symbols::SymbolTable& symbols) {
    const symbols::Symbol* end = symbols.byName("__per_cpu_end");
    return end ? end->address : 0;
}

bool isPerCpuSymbol(const symbols::SymbolTable& symbols, const symbols::Symbol& symbol) {
    const uint64_t end = perCpuAreaSize(symbols);
    return symbol.address <= end && end != 0; // __per_cpu_end itself too
}

} // namespace panicscope::kernel
