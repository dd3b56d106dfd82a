#!/usr/bin/env python3
"""Every task in uninterruptible sleep (D state) and the function it waits in: the first frame
below the scheduler's own (__schedule, schedule, schedule_timeout, io_schedule, ...), with the
two callers under it.

    python3 d_state_tasks.py DUMP [--vmlinux VMLINUX]
"""

import argparse
import re
import sys

import panicscope

# The scheduler's functions a sleeping task's stack starts with: not what it waits for.
SCHEDULER = re.compile(r"^(__|io_|preempt_)?schedule")


def frame_name(frame):
    if frame.function is None:
        return hex(frame.pc)
    module = f" [{frame.module}]" if frame.module else ""
    return f"{frame.function}+{frame.offset:#x}{module}"


def waiting_in(trace):
    """The frames from the one the task waits in down: the scheduler's frames skipped."""
    frames = [f for f in trace.frames if not f.user_mode]
    for i, frame in enumerate(frames):
        if not (frame.function and SCHEDULER.match(frame.function)):
            return frames[i:]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump")
    parser.add_argument("--vmlinux")
    args = parser.parse_args()
    session = panicscope.open(args.dump, vmlinux=args.vmlinux)
    blocked = session.select_tasks(state="D")
    print(f"{'PID':>7}  {'COMM':<16} WAITING IN")
    for task, trace in session.backtraces(blocked):
        frames = waiting_in(trace)
        where = frame_name(frames[0]) if frames else f"? ({trace.stop.text})"
        callers = "".join(f" < {frame_name(f)}" for f in frames[1:3])
        print(f"{task.pid:>7}  {task.comm:<16} {where}{callers}")
    print(f"{len(blocked)} task(s) in D state")


if __name__ == "__main__":
    try:
        main()
    except panicscope.Error as e:
        sys.exit(f"d_state_tasks: {e.message}")
