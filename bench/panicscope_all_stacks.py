#!/usr/bin/env python3
"""Every task's stack with panicscope's Python module, printed as drgn_all_stacks.py prints
drgn's: "PID<TAB>pc pc ..." (hex), down to the user-mode frame as drgn does. The panicscope
half of bench/python_vs_drgn.py.

Usage: python3 bench/panicscope_all_stacks.py VMCORE VMLINUX   (PYTHONPATH: the module's dir)
"""
import sys

import panicscope

session = panicscope.open(sys.argv[1], vmlinux=sys.argv[2])
for task, trace in session.backtraces():
    pcs = " ".join(hex(frame.pc) for frame in trace.frames)
    print(f"{task.pid}\t{pcs}")
