#!/usr/bin/env python3
"""panicscope triage against the time crash and drgn need to print the crashing task's
backtrace: of one dump (each tool a whole process, best of --runs), and of every generated dump
with two at a time (`triage -j 2` in one batch; crash's `bt` and drgn's
bench/drgn_crashed_stack.py two processes at a time), plus the batch again from its result
cache. Each dump's vmlinux is found through a --debug-dir of vmlinux-RELEASE links.
crash takes half a minute or more per dump: --crash-sample N times it on N dumps spread over the
list (two at a time) and scales the time to all of them (the row says so).

Usage: bench/triage_bench.py [--panicscope BIN] [--manifest FILE] [--runs 3]
                             [--scenario mod-null] [--crash-sample N]
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(argv, stdin=None):
    """Wall seconds and exit status of one process."""
    start = time.perf_counter()
    proc = subprocess.run(argv, input=stdin, stdin=None if stdin else subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    return time.perf_counter() - start, proc.returncode


def best(runs, argv, stdin=None):
    results = [timed(argv, stdin) for _ in range(runs)]
    return min(r[0] for r in results), results[0][1]


def crash_bt(row):
    return ["crash", "-s", row["vmlinux"], row["dump"]], "bt\nquit\n"


def drgn_bt(row):
    return ["drgn", "-q", "-c", row["dump"], "-s", row["vmlinux"], "--no-default-symbols",
            os.path.join(HERE, "drgn_crashed_stack.py")], None


def all_two_at_a_time(rows, command):
    """Wall seconds to run command(row) for every row, two processes at a time, and failures."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(lambda r: timed(*command(r))[1], rows))
    return time.perf_counter() - start, sum(1 for s in statuses if s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--panicscope", default=os.path.join(HERE, "..", "build", "cli", "panicscope"))
    ap.add_argument("--manifest")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scenario", default="mod-null", help="the one dump: its kdump capture")
    ap.add_argument("--crash-sample", type=int, default=0,
                    help="time crash on this many dumps only and scale up (0: every dump)")
    args = ap.parse_args()
    manifest = args.manifest or subprocess.run(
        [os.path.join(HERE, "..", "testdata", "generate.sh"), "--manifest"],
        capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    with open(manifest) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]
    one = next(r for r in rows if r["scenario"] == args.scenario and r["method"] == "kdump")
    ps = args.panicscope

    print(f"{'what':44} {'dumps':>5} {'panicscope s':>12} {'crash s':>8} {'x':>5} "
          f"{'drgn s':>7} {'x':>5}")
    mine, status = best(args.runs, [ps, "triage", one["dump"], "--vmlinux", one["vmlinux"]])
    theirs = [best(args.runs, *crash_bt(one)), best(args.runs, *drgn_bt(one))]
    print(f"{'one dump: ' + one['kernel'][:14] + ' ' + args.scenario:44} {1:5} {mine:12.3f} "
          f"{theirs[0][0]:8.3f} {theirs[0][0] / mine:5.1f} {theirs[1][0]:7.3f} "
          f"{theirs[1][0] / mine:5.1f}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        debug = os.path.join(tmp, "debug")
        os.mkdir(debug)
        for r in rows:
            info = json.loads(subprocess.run([ps, "info", "--json", r["dump"], "--vmlinux",
                                              r["vmlinux"]], capture_output=True,
                                             text=True).stdout)
            link = os.path.join(debug, "vmlinux-" + info["release"])
            if not os.path.exists(link):
                os.symlink(r["vmlinux"], link)
        dumps = [r["dump"] for r in rows]
        batch = [ps, "triage", "-j", "2", "--json", "--debug-dir", debug] + dumps
        env = dict(os.environ, PANICSCOPE_TRIAGE_CACHE_DIR=os.path.join(tmp, "cache"))
        start = time.perf_counter()
        out = subprocess.run(batch, env=env, capture_output=True, text=True).stdout
        fresh = time.perf_counter() - start
        failed = sum(1 for line in out.splitlines() if "error" in json.loads(line))
        start = time.perf_counter()
        subprocess.run(batch, env=env, capture_output=True, text=True)
        cached = time.perf_counter() - start
    print(f"{'every dump again, from the triage cache':44} {len(rows):5} {cached:12.3f}",
          flush=True)
    drgn_all, drgn_failed = all_two_at_a_time(rows, drgn_bt)
    print(f"{'every dump, 2 at a time: drgn':44} {len(rows):5} {fresh:12.3f} {'':8} {'':5} "
          f"{drgn_all:7.3f} {drgn_all / fresh:5.1f}", flush=True)
    sample = rows
    if 0 < args.crash_sample < len(rows):
        sample = rows[::len(rows) // args.crash_sample][:args.crash_sample]
    crash_all, crash_failed = all_two_at_a_time(sample, crash_bt)
    crash_all *= len(rows) / len(sample)
    what = "every dump, 2 at a time: crash" + (
        f" (est. from {len(sample)})" if len(sample) < len(rows) else "")
    print(f"{what:44} {len(rows):5} {fresh:12.3f} {crash_all:8.3f} {crash_all / fresh:5.1f}")
    print(f"\nfailed: panicscope {failed} of {len(rows)}, drgn {drgn_failed} of {len(rows)}, "
          f"crash {crash_failed} of {len(sample)} (exit status not 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
