#!/usr/bin/env python3
"""The drgn script that prints every task's stack (drgn_all_stacks.py) against the same in
Python with panicscope (panicscope_all_stacks.py), on the same dumps in the same run: wall
time and CPU time (user + system, which a busy machine distorts less), their ratios to
panicscope's, peak memory, tasks printed, and how many tasks both printed with the same frames
(pcs compared after folding drgn's repeated pc of inline frames).

Each is a whole process from start to exit, as a user runs the script. By default the "scale"
dumps (~3,800 tasks) of the manifest.

Usage: bench/python_vs_drgn.py --module-dir build/python [--manifest FILE]
                               [--scenarios scale] [--kernels K1,K2] [--runs 1]
"""
import argparse
import csv
import os
import resource
import sys

from compare import best_of, fold  # bench/compare.py: /usr/bin/time around each run

HERE = os.path.dirname(os.path.abspath(__file__))


def stacks_of(output):
    """{pid: folded pcs} of "PID<TAB>pc pc ..." lines; pid 0 (idle tasks, drgn lists one) left
    out."""
    stacks = {}
    for line in output.splitlines():
        pid, _, pcs = line.partition("\t")
        if pid.isdigit() and int(pid):
            stacks[int(pid)] = fold(int(x, 16) for x in pcs.split())
    return stacks


def measured(runs, argv):
    """best_of() with the CPU seconds (user + system) of the fastest run's children."""
    cpu = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = best_of(1, argv)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if len(cpu) == 1 or result[1] < best[1]:
            best = result
    return best + (min(cpu),)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module-dir", required=True, help="where panicscope*.so is")
    parser.add_argument("--manifest", default=os.environ.get("PANICSCOPE_MANIFEST"))
    parser.add_argument("--scenarios", default="scale")
    parser.add_argument("--kernels", default="")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not args.manifest:
        sys.exit("python_vs_drgn: no manifest (--manifest or PANICSCOPE_MANIFEST)")
    os.environ["PYTHONPATH"] = os.path.abspath(args.module_dir)
    scenarios = args.scenarios.split(",")
    kernels = [k for k in args.kernels.split(",") if k]
    with open(args.manifest) as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")
                if r["vmlinux"] and r["scenario"] in scenarios and r["method"] == "kdump"
                and (not kernels or r["kernel"] in kernels)]
    print(f"{'dump':34} {'tool':10} {'tasks':>5} {'wall s':>8} {'ratio':>6} {'cpu s':>8} "
          f"{'ratio':>6} {'peak MiB':>9} {'same':>11}")
    for row in rows:
        name = f"{row['kernel']} {row['scenario']}"
        runs = {
            "panicscope": [sys.executable, os.path.join(HERE, "panicscope_all_stacks.py"),
                           row["dump"], row["vmlinux"]],
            "drgn": ["drgn", "-q", "-c", row["dump"], "-s", row["vmlinux"],
                     "--no-default-symbols", os.path.join(HERE, "drgn_all_stacks.py")],
        }
        results = {tool: measured(args.runs, argv) for tool, argv in runs.items()}
        ours = stacks_of(results["panicscope"][0])
        theirs = stacks_of(results["drgn"][0])
        common = ours.keys() & theirs.keys()
        same = sum(1 for pid in common if ours[pid] == theirs[pid])
        base, base_cpu = results["panicscope"][1], results["panicscope"][4]
        for tool, (out, secs, peak, status, cpu) in results.items():
            failed = f"  (exit {status})" if status else ""
            print(f"{name:34} {tool:10} {len(stacks_of(out)):5} {secs:8.3f} {secs / base:6.1f} "
                  f"{cpu:8.3f} {cpu / base_cpu:6.1f} {peak:9.1f} {same:5}/{len(common):<5}"
                  f"{failed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
