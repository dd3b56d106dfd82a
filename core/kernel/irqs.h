// The interrupt descriptors: each IRQ's per-CPU counts and its actions, as /proc/interrupts
// shows them. Read from irq_desc_tree (the radix tree of kernels before 6.5) or sparse_irqs (the
// maple tree of 6.5+).
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct IrqAction {
    std::string name;     // irqaction.name
    uint64_t handler = 0; // irqaction.handler, a runtime address
};

struct Irq {
    uint64_t number = 0;
    uint64_t desc = 0;            // the struct irq_desc
    std::vector<uint64_t> counts; // kstat_irqs, one per present CPU in PerCpu::cpus() order
    std::vector<IrqAction> actions;
};

struct IrqTable {
    std::vector<Irq> irqs; // the IRQs with an action, by number
    std::vector<std::string> warnings;
};

Result<IrqTable> readIrqs(const KernelView& view, const PerCpu& perCpu);

} // namespace panicscope::kernel
