// Per-CPU data: which CPUs exist and where each one's copy of a per-CPU variable lives.
#pragma once

#include "kernel/kernel_view.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::kernel {

class PerCpu {
  public:
    // Reads nr_cpu_ids, __cpu_present_mask and __per_cpu_offset[]. (Not the online mask: a
    // panicking kernel takes the other CPUs offline as it stops them.)
    static Result<PerCpu> read(const KernelView& view);

    const std::vector<unsigned>& cpus() const { return cpus_; }
    unsigned cpuIdCount() const { return static_cast<unsigned>(offsets_.size()); }
    // __per_cpu_offset[cpu]: where CPU `cpu`'s copy of the per-CPU area starts, relative to the
    // per-CPU symbols' addresses (cpu < cpuIdCount()).
    uint64_t offset(unsigned cpu) const { return offsets_.at(cpu); }
    // Address of CPU `cpu`'s instance of the per-CPU variable `symbol` (e.g. "runqueues").
    Result<uint64_t> variable(const KernelView& view, std::string_view symbol, unsigned cpu) const;
    // CPU `cpu`'s per-CPU area starts here (__per_cpu_offset[cpu]); the caller checks `cpu`.
    uint64_t areaOf(unsigned cpu) const { return offsets_[cpu]; }

    // CPU `cpu`'s instance of what a `__percpu` pointer (alloc_percpu) points at.
    Result<uint64_t> pointer(uint64_t percpuPointer, unsigned cpu) const {
        if (cpu >= offsets_.size())
            return fail(Errc::Corrupt, "CPU " + std::to_string(cpu) + " does not exist");
        return percpuPointer + offsets_[cpu];
    }

  private:
    std::vector<unsigned> cpus_;
    std::vector<uint64_t> offsets_; // indexed by CPU id
};

// Whether a vmlinux symbol is a per-CPU variable: an offset into each CPU's per-CPU area, not an
// address (x86-64 links .data..percpu at 0, below __per_cpu_end), which KASLR does not move.
bool isPerCpuSymbol(const symbols::SymbolTable& symbols, const symbols::Symbol& symbol);
// The size of each CPU's per-CPU area as linked (__per_cpu_end), 0 when unknown.
uint64_t perCpuAreaSize(const symbols::SymbolTable& symbols);

} // namespace panicscope::kernel
