"""drgn's reading of a dump, the independent oracle of the real-dump tests, in one JSON document:
one drgn process per dump serves every test file (drgn_facts.h caches the document).

usage: drgn_oracle.py DUMP VMLINUX

Sections:
  tasks       by task_struct address: every task of drgn's for_each_task ("listed": true) and
              each CPU's idle task: pid, comm, se.vruntime, prio, sched_info.last_arrival (null
              without CONFIG_SCHED_INFO), utime,
              stime, start_time, the real_parent chain's tgids up to pid 0 ("parents") and the
              pids on the children list                                    (ps -l/-p/-c/-t, p)
  run_queues  per present CPU: rq->curr, the tasks on rq->rt.active's queues by priority, the
              tasks of rq->cfs's tree in order (a group's entity replaced by its queue's tasks)
                                                                                       (runq)
  irqs        each IRQ with an action: per-CPU kstat_irqs of the present CPUs, the actions'
              names and handler symbols; from irq_desc_tree (before 6.5) or sparse_irqs (a
              maple tree, walked here and checked against allocated_irqs (before 6.11),
              each descriptor's irq_data.irq and nr_irqs)                                (irq)
  jiffies, jiffies_64_type, init_uts_ns_type, release, runqueues_1, layouts, task_list
              the values and layouts `p`, `struct`, `whatis` and `list` print
"""
import json
import sys

import drgn
from drgn.helpers.linux.bitops import for_each_set_bit
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu, per_cpu_ptr
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.radixtree import radix_tree_for_each
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry


def optional(read):
    """A member that some kernels lack (the frame-pointer one: no CONFIG_SCHED_INFO, no
    CONFIG_FAIR_GROUP_SCHED): None there."""
    try:
        return read()
    except AttributeError:
        return None


def task_facts(task, listed):
    parents, at = [], task
    while int(at.pid) != 0 and len(parents) < 4096:
        at = at.real_parent
        parents.append(int(at.tgid))
    children = [int(c.pid) for c in list_for_each_entry(
        "struct task_struct", task.children.address_of_(), "sibling")]
    return {
        "listed": listed,
        "pid": int(task.pid),
        "comm": task.comm.string_().decode(errors="replace"),
        "vruntime": int(task.se.vruntime),
        "prio": int(task.prio),
        "last_arrival": optional(lambda: int(task.sched_info.last_arrival)),
        "utime": int(task.utime),
        "stime": int(task.stime),
        "start_time": int(task.start_time),
        "parents": parents,
        "children": children,
    }


def tasks(prog, cpus):
    out = {hex(t.value_()): task_facts(t, True) for t in for_each_task(prog)}
    for cpu in cpus:
        idle = per_cpu(prog["runqueues"], cpu).idle
        out.setdefault(hex(idle.value_()), task_facts(idle, False))
    return out


def cfs_tasks(cfs_rq):
    out = []
    for se in rbtree_inorder_for_each_entry(
            "struct sched_entity", cfs_rq.tasks_timeline.rb_root.address_of_(), "run_node"):
        group = optional(lambda: se.my_q)  # no my_q without CONFIG_FAIR_GROUP_SCHED
        if group:
            out += cfs_tasks(group)
        else:
            out.append(hex(drgn.container_of(se, "struct task_struct", "se").value_()))
    return out


def rt_tasks(rt_rq):
    out = []
    for queue in rt_rq.active.queue:
        for rt in list_for_each_entry("struct sched_rt_entity", queue.address_of_(), "run_list"):
            out.append(hex(drgn.container_of(rt, "struct task_struct", "rt").value_()))
    return out


def run_queues(prog, cpus):
    out = []
    for cpu in cpus:
        rq = per_cpu(prog["runqueues"], cpu)
        out.append({"cpu": cpu, "current": hex(rq.curr.value_()), "rt": rt_tasks(rq.rt),
                    "cfs": cfs_tasks(rq.cfs)})
    return out


def maple_entries(prog, tree):
    """(first index, entry) of each entry of a maple tree. Walked by pivots alone (as crash's
    maple_tree.c does), not by the node metadata panicscope's walk uses."""
    root = tree.ma_root.value_()
    if not (root & 3 == 2 and root > 4096):  # not xa_is_node(): a lone entry at index 0
        return [(0, tree.ma_root)] if root else []
    leaf = prog.constant("maple_leaf_64").value_()
    range64 = prog.constant("maple_range_64").value_()
    arange64 = prog.constant("maple_arange_64").value_()
    out = []

    def walk(enode, first, limit, depth):
        if depth > 31:
            raise RuntimeError(f"maple tree deeper than 31 levels at {enode:#x}")
        node = drgn.Object(prog, "struct maple_node *", enode & ~0xFF)
        kind = (enode >> 3) & 0xF
        if kind == arange64:
            m = node.ma64
        elif kind in (leaf, range64):
            m = node.mr64
        else:
            raise RuntimeError(f"maple node {enode:#x} of type {kind}")
        pivots, slots = m.pivot, m.slot
        for i in range(len(slots)):
            last = int(pivots[i]) if i < len(pivots) else limit
            if i > 0 and last == 0:
                break
            slot = slots[i].value_()
            if slot and kind == leaf:
                out.append((first, drgn.Object(prog, "void *", slot)))
            elif slot:
                walk(slot, first, last, depth + 1)
            if last >= limit:
                break
            first = last + 1

    walk(root, 0, 2**64 - 1, 0)
    return out


def irq_descs(prog):
    try:
        tree = prog["irq_desc_tree"]
    except KeyError:
        tree = None
    if tree is not None:
        return [(irq, entry) for irq, entry in radix_tree_for_each(tree.address_of_())]
    descs = maple_entries(prog, prog["sparse_irqs"])
    # Checks of the walk against what the kernel says elsewhere: the IRQs the kernel marked
    # allocated (allocated_irqs, until 6.11), each descriptor's own number, nr_irqs.
    try:
        allocated = prog["allocated_irqs"]
        expected = list(for_each_set_bit(allocated, 8 * drgn.sizeof(allocated)))
        if [irq for irq, _ in descs] != expected:
            raise RuntimeError(f"sparse_irqs has {[i for i, _ in descs]}, allocated_irqs {expected}")
    except KeyError:
        pass
    nr_irqs = int(prog["nr_irqs"])
    for irq, entry in descs:
        number = int(drgn.cast("struct irq_desc *", entry).irq_data.irq)
        if number != irq or irq >= nr_irqs:
            raise RuntimeError(f"sparse_irqs index {irq} holds the descriptor of IRQ {number}"
                               f" (nr_irqs {nr_irqs})")
    return descs


def irqs(prog, cpus):
    out = []
    for irq, entry in irq_descs(prog):
        desc = drgn.cast("struct irq_desc *", entry)
        if not desc.action:
            continue
        counts = []
        for cpu in cpus:
            stat = per_cpu_ptr(desc.kstat_irqs, cpu)[0]  # 6.10+: struct irqstat
            counts.append(int(stat.cnt if stat.type_.unqualified().kind == drgn.TypeKind.STRUCT
                              else stat))
        names, handlers = [], []
        action = desc.action
        while action:
            names.append(action.name.string_().decode())
            handlers.append(prog.symbol(action.handler.value_()).name)
            action = action.next
        out.append({"irq": irq, "counts": counts, "names": names, "handlers": handlers})
    return out


def members(type_):
    """Every named member, anonymous ones looked through: name -> bit offset."""
    out = {}
    for m in type_.members:
        if m.name:
            out[m.name] = m.bit_offset
        else:
            for name, bits in members(m.type.unqualified()).items():
                out.setdefault(name, m.bit_offset + bits)
    return out


def type_facts(prog):
    # jiffies has no DWARF definition (the linker script makes it jiffies_64's low word): drgn
    # reads it at its ELF symbol.
    jiffies = drgn.Object(prog, "unsigned long", address=prog.symbol("jiffies").address)
    out = {
        "jiffies": jiffies.value_(),
        "jiffies_64_type": prog["jiffies_64"].type_.type_name(),
        "init_uts_ns_type": prog["init_uts_ns"].type_.type_name(),
        "release": prog["init_uts_ns"].name.release.string_().decode(),
    }
    if len(prog["__per_cpu_offset"]) > 1:
        rq = per_cpu(prog["runqueues"], 1)
        out["runqueues_1"] = {"nr_running": rq.nr_running.value_(), "curr": hex(rq.curr.value_())}
    out["layouts"] = {}
    for name in ("struct task_struct", "struct list_head", "struct rq", "struct uts_namespace"):
        t = prog.type(name)
        out["layouts"][name] = {"size": drgn.sizeof(t), "members": members(t)}
    init_task = prog["init_task"]
    out["task_list"] = [hex(t.value_()) for t in list_for_each_entry(
        "struct task_struct", init_task.tasks.address_of_(), "tasks")]
    return out


def main():
    dump, vmlinux = sys.argv[1:]
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    cpus = list(for_each_present_cpu(prog))
    out = type_facts(prog)
    out["tasks"] = tasks(prog, cpus)
    out["run_queues"] = run_queues(prog, cpus)
    out["irqs"] = irqs(prog, cpus)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
