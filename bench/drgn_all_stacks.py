# Run by bench/compare.py as `drgn -q -c VMCORE -s VMLINUX --no-default-symbols drgn_all_stacks.py`:
# prints every task's stack with drgn's own unwinder as "PID<TAB>pc pc ..." (hex).
from drgn.helpers.linux.pid import for_each_task

for task in for_each_task(prog):  # noqa: F821 (prog is drgn's global)
    try:
        pcs = [hex(frame.pc) for frame in prog.stack_trace(task)]  # noqa: F821
    except Exception:  # drgn raises on tasks it cannot unwind: an empty stack
        pcs = []
    print(f"{task.pid.value_()}\t{' '.join(pcs)}")
