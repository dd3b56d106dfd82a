// Says what a kernel address is: kernel text or data (symbol+offset), a module, a task's or a
// CPU's stack, a per-CPU variable, a slab object (SLUB), a page of the direct map, a struct page,
// vmalloc space. Every pointer read on the way is bounded and checked.
#pragma once

#include "kernel/address_description.h"
#include "kernel/kernel_view.h"
#include "kernel/module_regions.h"
#include "kernel/per_cpu.h"
#include "kernel/tasks.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct CpuStackRange {
    unsigned cpu = 0;
    std::string name; // "IRQ stack", "NMI exception stack", "entry stack"
    uint64_t begin = 0, end = 0;
};

// What the classifier knows of the kernel besides its memory; the parts it lacks are skipped.
struct AddressContext {
    const KernelView& view;
    const PerCpu& perCpu;
    const TaskList* tasks = nullptr; // the task stacks
    uint64_t threadSize = 0;         // THREAD_SIZE; 0: no task stack is named
    std::vector<CpuStackRange> cpuStacks;
    std::vector<ModuleRegion> modules;
    uint64_t pageSize = 4096;
    unsigned sectionSizeBits = 27; // VMCOREINFO's SECTION_SIZE_BITS (x86-64: 27)
};

AddressDescription describeAddress(const AddressContext& context, uint64_t address);

} // namespace panicscope::kernel
