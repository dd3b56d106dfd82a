#!/usr/bin/env python3
"""The tasks whose kernel stacks pass through a function (inlined copies included with
--lines), with the frame it is at: who is in `mutex_lock`, who is stuck under `ext4_writepages`.

    python3 tasks_through.py FUNCTION DUMP [--vmlinux VMLINUX] [--lines]
"""

import argparse
import sys

import panicscope


def frames_with(trace, function, lines):
    """The numbers (bt's: physical frames) of the frames in `function`, or with `lines` with
    `function` inlined into them."""
    return [i for i, frame in enumerate(trace.frames)
            if frame.function == function
            or (lines and any(inline.function == function for inline in frame.inlines))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("function")
    parser.add_argument("dump")
    parser.add_argument("--vmlinux")
    parser.add_argument("--lines", action="store_true",
                        help="also functions inlined into a frame (reads the line tables)")
    args = parser.parse_args()
    session = panicscope.open(args.dump, vmlinux=args.vmlinux)
    if not args.lines:  # NoSymbolError for a typo, not an empty answer (an inlined-only
        session.lookup_symbol(args.function)  # function has no symbol)
    found = 0
    print(f"{'PID':>7}  {'COMM':<16} ST FRAMES")
    for task, trace in session.backtraces(lines=args.lines):
        hits = frames_with(trace, args.function, args.lines)
        if hits:
            found += 1
            print(f"{task.pid:>7}  {task.comm:<16} {task.state}  "
                  + " ".join(f"#{i}" for i in hits))
    print(f"{found} task(s) pass through {args.function}")


if __name__ == "__main__":
    try:
        main()
    except panicscope.Error as e:
        sys.exit(f"tasks_through: {e.message}")
