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
    // Address of CPU `cpu`'s instance of the per-CPU variable `symbol` (e.g. "runqueues").
    Result<uint64_t> variable(const KernelView& view, std::string_view symbol, unsigned cpu) const;

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

} // namespace panicscope::kernel
