"""What drgn reads of the interrupt descriptors, the oracle of panicscope's `irq`.

usage: drgn_irqs.py VMCORE VMLINUX
One line per IRQ with an action, from irq_desc_tree (kernels before 6.5): IRQ COUNTS NAMES
HANDLERS, where COUNTS are the per-CPU kstat_irqs of each present CPU, NAMES the actions'
names and HANDLERS their handlers' symbols, all comma-separated.
"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu_ptr
from drgn.helpers.linux.radixtree import radix_tree_for_each

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
cpus = list(for_each_present_cpu(prog))

for irq, entry in radix_tree_for_each(prog["irq_desc_tree"].address_of_()):
    desc = drgn.cast("struct irq_desc *", entry)
    if not desc.action:
        continue
    counts = [int(per_cpu_ptr(desc.kstat_irqs, cpu)[0]) for cpu in cpus]
    names, handlers = [], []
    action = desc.action
    while action:
        names.append(action.name.string_().decode())
        handlers.append(prog.symbol(action.handler.value_()).name)
        action = action.next
    print(irq, ",".join(map(str, counts)), ",".join(names), ",".join(handlers))
