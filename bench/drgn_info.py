# Run by bench/compare.py as drgn's counterpart of `panicscope info`: the release, the crashed
# CPU and task, and the panic message from the kernel log.
from drgn.helpers.linux.printk import get_printk_records

uts = prog["init_uts_ns"].name  # noqa: F821 (prog is drgn's global)
print(uts.release.string_().decode(), uts.machine.string_().decode())
thread = prog.crashed_thread()  # noqa: F821
print("crashed", thread.tid)
panic = [r.text for r in get_printk_records(prog) if b"Kernel panic - not syncing" in r.text]  # noqa: F821
print(panic[-1].decode(errors="replace") if panic else "")
