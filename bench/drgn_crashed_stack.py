# Run by bench/compare.py as drgn's counterpart of `panicscope bt`: the crashed thread's stack.
trace = prog.crashed_thread().stack_trace()  # noqa: F821 (prog is drgn's global)
print(" ".join(hex(frame.pc) for frame in trace))
