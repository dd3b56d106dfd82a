"""drgn's reading of a dump, the independent oracle of types_test.cpp: the values and layouts
that `p`, `struct`, `whatis` and `list` print, in one JSON document (one drgn process per dump).

usage: drgn_types_oracle.py DUMP VMLINUX [TASK_ADDRESS...]
"""
import json
import sys

import drgn
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu


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


dump, vmlinux, *tasks = sys.argv[1:]
prog = drgn.Program()
prog.set_core_dump(dump)
prog.load_debug_info([vmlinux])

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
out["tasks"] = {}
for address in tasks:
    t = drgn.Object(prog, "struct task_struct *", int(address, 16))
    out["tasks"][address] = {
        "pid": t.pid.value_(),
        "comm": t.comm.string_().decode(errors="replace"),
        "vruntime": t.se.vruntime.value_(),
        "prio": t.prio.value_(),
    }
init_task = prog["init_task"]
out["task_list"] = [
    hex(t.value_()) for t in list_for_each_entry("struct task_struct", init_task.tasks.address_of_(), "tasks")
]
print(json.dumps(out))
