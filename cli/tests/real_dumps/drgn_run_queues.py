"""What drgn reads of each CPU's run queue, the oracle of panicscope's `runq`.

usage: drgn_run_queues.py VMCORE VMLINUX
One line per present CPU: CPU CURRENT RT CFS, where CURRENT is rq->curr's address, RT the
tasks on rq->rt.active's queues by priority and CFS the tasks of rq->cfs's tree in order (a task
group's entity replaced by its own queue's tasks), comma-separated addresses ("-" when empty).
"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])


def cfs_tasks(cfs_rq):
    out = []
    for se in rbtree_inorder_for_each_entry(
            "struct sched_entity", cfs_rq.tasks_timeline.rb_root.address_of_(), "run_node"):
        if se.my_q:
            out += cfs_tasks(se.my_q)
        else:
            out.append(drgn.container_of(se, "struct task_struct", "se").value_())
    return out


def rt_tasks(rt_rq):
    out = []
    for queue in rt_rq.active.queue:
        for rt in list_for_each_entry("struct sched_rt_entity", queue.address_of_(), "run_list"):
            out.append(drgn.container_of(rt, "struct task_struct", "rt").value_())
    return out


def joined(addresses):
    return ",".join(hex(a) for a in addresses) or "-"


for cpu in for_each_present_cpu(prog):
    rq = per_cpu(prog["runqueues"], cpu)
    print(cpu, hex(rq.curr.value_()), joined(rt_tasks(rq.rt)), joined(cfs_tasks(rq.cfs)))
