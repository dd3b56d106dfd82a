"""What drgn reads of every task, the oracle of panicscope's `ps -l/-p/-c/-t`.

usage: drgn_task_facts.py VMCORE VMLINUX
One line per task (drgn's for_each_task: every process and thread, not the other CPUs' idle
tasks): ADDRESS PID LAST_ARRIVAL UTIME STIME START_TIME PARENTS CHILDREN, where PARENTS is the
real_parent chain's tgids from the task's parent up to pid 0 and CHILDREN the pids on the
task's children list, both comma-separated ("-" when empty).
"""
import sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import for_each_task

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])


def joined(values):
    return ",".join(str(v) for v in values) or "-"


for task in for_each_task(prog):
    parents, at = [], task
    while int(at.pid) != 0 and len(parents) < 4096:
        at = at.real_parent
        parents.append(int(at.tgid))
    children = [int(c.pid) for c in list_for_each_entry(
        "struct task_struct", task.children.address_of_(), "sibling")]
    print(hex(task.value_()), int(task.pid), int(task.sched_info.last_arrival),
          int(task.utime), int(task.stime), int(task.start_time), joined(parents),
          joined(children))
