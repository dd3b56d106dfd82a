// The state of the whole system at the crash, as crash's `sys` shows it beside the crash facts:
// the wall clock, the load average, the RAM the kernel manages, and who tainted the kernel.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/modules.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::kernel {

// One bit of tainted_mask as the kernel's own taint_flags[] table describes it.
struct TaintFlag {
    unsigned bit = 0;
    char letter = '?';       // c_true: printed when the bit is set
    char unsetLetter = ' ';  // c_false: printed when it is not ('G' for TAINT_PROPRIETARY_MODULE)
    bool module = false;     // a module can carry it (its `taints`)
    std::string description; // "OOT_MODULE" (6.12's desc); empty on kernels without one
};

struct TaintingModule {
    std::string name;
    uint64_t taints = 0;
    std::string letters; // the module flags set, as the kernel prints them: "OE"
};

struct SystemState {
    std::optional<int64_t> wallClockSeconds; // tk_core.timekeeper.xtime_sec: UTC seconds
    // avenrun[]: 1, 5 and 15 minute load averages in fixed point (FSHIFT 11).
    std::optional<std::array<uint64_t, 3>> loadAverage;
    std::optional<uint64_t> totalRamPages; // totalram_pages(): what the kernel manages
    uint64_t pageSize = 4096;
    std::optional<uint64_t> taintMask;
    std::vector<TaintFlag> taintFlags; // the kernel's table, by bit
    std::vector<TaintingModule> taintingModules;
    std::vector<std::string> warnings; // facts that could not be read
};

// Reads what it can; each fact that fails is a warning, never the whole answer. `modules` may be
// null (then no module is named).
SystemState readSystemState(const KernelView& view, const ModuleList* modules, uint64_t pageSize);

// The taint letters as print_tainted() writes them after "Tainted: " ("G           OE     "),
// or "Not tainted" for a clean mask.
std::string taintText(uint64_t mask, const std::vector<TaintFlag>& flags);

// "0.60": one avenrun[] value as /proc/loadavg and crash print it (rounded to 1/100).
std::string formatLoad(uint64_t fixedPoint);

// totalram_pages(): `_totalram_pages` (atomic_long_t, 5.0+) or `totalram_pages` (unsigned long).
Result<uint64_t> readTotalRamPages(const KernelView& view);

} // namespace panicscope::kernel
