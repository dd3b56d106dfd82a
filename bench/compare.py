#!/usr/bin/env python3
"""panicscope bt --all against crash (foreach bt) and drgn (every task's stack_trace), measured
in the same run on the same generated dumps: wall time and its ratio to panicscope, peak memory,
tasks listed, and agreement with the kernel's own sysrq-t traces (the oracle).

Frames are compared as absolute addresses: the console's "function+0xoff" through System.map and
the dump's KASLR offset, crash's "at ADDR", drgn's and panicscope's pc. Consecutive equal
addresses (drgn's inline frames) are folded. A task counts for the oracle when sysrq-t printed it
sleeping and its context-switch counts did not move since (the generator's PSCTX lines).

The "scale" scenario (3000 extra sleeping processes, no sysrq-t) has no oracle: it shows how
each tool's time grows with the number of tasks.

A second table times the verbs a postmortem starts with -- `info`, `bt` (the crashing task),
`bt --all` -- against drgn's counterparts (bench/drgn_info.py, drgn_crashed_stack.py,
drgn_all_stacks.py), each a whole process from start to exit as a user runs it. With
--baseline BIN it also times that (older) panicscope's `bt --all --json` against this one's:
the speed-up of a change, measured in the same run.

Usage: bench/compare.py [--panicscope BIN] [--baseline BIN] [--manifest FILE]
                        [--formats kdump-zlib,mdf-zlib] [--scenarios process,scale]
                        [--kernels K1,K2] [--runs 3]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def best_of(runs, argv, stdin=None):
    """Runs argv `runs` times; the output, the shortest time (noise only adds), the peak and
    the first run's exit status."""
    results = [run_with_rusage(argv, stdin) for _ in range(runs)]
    return (results[0][0], min(r[1] for r in results), max(r[2] for r in results),
            results[0][3])


def run_with_rusage(argv, stdin=None):
    """Runs argv; returns (stdout, wall seconds, peak RSS in MiB, exit status) of that one
    command. The peak comes from /usr/bin/time, which forks the command: a child of this
    script would report this script's own peak too (ru_maxrss survives fork and exec), and the
    script holds the large JSON of the scale dump."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + argv,
                              input=stdin, stdin=None if stdin else subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        seconds = time.perf_counter() - start
        # time writes "Command exited with non-zero status N" before the number then.
        peak_kib = int(rss.read().split()[-1])
    return proc.stdout, seconds, peak_kib / 1024, proc.returncode


def read_console(path):
    """sysrq-t's reliable frames per pid, their states, and the PSCTX before counts."""
    traces, states, before = {}, {}, {}
    current = None
    # 6.1: "pid:1     ppid:0"; 6.12: "pid:1     tgid:1     ppid:0"
    task_re = re.compile(r"task:(\S.*?) +state:(\S) .*\bpid:(\d+) +(?:tgid:\d+ +)?ppid:(\d+)")
    frame_re = re.compile(r"^ +(\S+)\+0x([0-9a-f]+)/0x[0-9a-f]+$")
    rip_re = re.compile(r"^RIP: 0010:(\S+)\+0x([0-9a-f]+)/0x[0-9a-f]+$")
    ctx_re = re.compile(r"PSCTX before pid=(\d+) vol=(\d+) nonvol=(\d+)")
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            m = ctx_re.search(line)
            if m:
                before[int(m[1])] = (int(m[2]), int(m[3]))
                continue
            m = re.match(r"^\[ *\d+\.\d+\] (.*)$", line)
            if not m:
                continue
            text = m[1]
            if "Kernel panic - not syncing" in text:
                break
            t = task_re.search(text)
            if t:
                current = int(t[3])
                states[current] = t[2]
                traces[current] = []
                continue
            if current is None:
                continue
            if "</TASK>" in text:
                current = None
                continue
            f_ = frame_re.match(text) or rip_re.match(text)
            if f_:
                traces[current].append((f_[1], int(f_[2], 16)))
    return traces, states, before


def fold(addresses):
    out = []
    for a in addresses:
        if not out or out[-1] != a:
            out.append(a)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--panicscope", default=os.path.join(HERE, "..", "build", "cli", "panicscope"))
    ap.add_argument("--manifest")
    ap.add_argument("--formats", default="kdump-zlib,mdf-zlib")
    ap.add_argument("--scenarios", default="process,scale")
    ap.add_argument("--kernels", help="manifest kernel names (default: all)")
    ap.add_argument("--runs", type=int, default=3, help="runs per tool; the fastest counts")
    ap.add_argument("--baseline", help="an older panicscope binary to time against")
    args = ap.parse_args()
    manifest = args.manifest or subprocess.run(
        [os.path.join(HERE, "..", "testdata", "generate.sh"), "--manifest"],
        capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    rows = []
    with open(manifest) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    formats = args.formats.split(",")
    scenarios = args.scenarios.split(",")
    kernels = args.kernels.split(",") if args.kernels else None
    print(f"{'dump':34} {'tool':10} {'tasks':>5} {'time s':>8} {'x':>6} {'peak MiB':>9} "
          f"{'oracle':>9}")
    for row in rows:
        if row["format"] not in formats or row["scenario"] not in scenarios:
            continue
        if kernels and row["kernel"] not in kernels:
            continue
        dump, vmlinux = row["dump"], row["vmlinux"]
        name = f"{row['kernel'][:14]} {row['scenario']}-{row['method']} {row['format']}"
        symbols = {}
        with open(os.path.join(os.path.dirname(vmlinux), "System.map")) as f:
            for line in f:
                a, _, n = line.split()
                symbols.setdefault(n, int(a, 16))
        info = json.loads(subprocess.run([args.panicscope, "info", "--json", dump, "--vmlinux",
                                          vmlinux], capture_output=True, text=True).stdout)
        kaslr = int(info["kaslr_offset"], 16)
        ps = json.loads(subprocess.run([args.panicscope, "ps", "--json", dump, "--vmlinux",
                                        vmlinux], capture_output=True, text=True).stdout)
        counts = {t["pid"]: (t["nvcsw"], t["nivcsw"]) for t in ps["tasks"]}
        traces, states, before = read_console(row["console"])
        oracle = {}
        for pid, frames in traces.items():
            if states[pid] in "SDI" and pid in before and counts.get(pid) == before[pid] and frames:
                try:
                    oracle[pid] = fold(symbols[n] + kaslr + off for n, off in frames)
                except KeyError:
                    pass

        results = {}
        out, secs, peak, status = best_of(args.runs, [args.panicscope, "bt", "--all", "--json",
                                                      dump, "--vmlinux", vmlinux])
        stacks = {}
        for t in json.loads(out)["tasks"]:
            if t["pid"]:
                stacks[t["pid"]] = fold(int(f["pc"], 16) for f in t["frames"] if not f["user"])
        results["panicscope"] = (stacks, secs, peak, status)

        out, secs, peak, status = best_of(args.runs, ["crash", "-s", vmlinux, dump],
                                          stdin="foreach bt\nquit\n")
        stacks, pid = {}, None
        for line in out.splitlines():
            m = re.match(r"^PID: (\d+) ", line)
            if m:
                pid = int(m[1])
                stacks[pid] = []
                continue
            m = re.match(r"^ *#\d+ \[[0-9a-f]+\] \S+ at ([0-9a-f]+)", line)
            if m and pid:
                stacks[pid].append(int(m[1], 16))
        results["crash"] = ({p: fold(s) for p, s in stacks.items()}, secs, peak, status)

        out, secs, peak, status = best_of(args.runs, ["drgn", "-q", "-c", dump, "-s", vmlinux,
                                                      "--no-default-symbols",
                                                      os.path.join(HERE, "drgn_all_stacks.py")])
        stacks = {}
        for line in out.splitlines():
            p, _, pcs = line.partition("\t")
            if p.isdigit() and int(p):
                stacks[int(p)] = fold(int(x, 16) for x in pcs.split())
        results["drgn"] = (stacks, secs, peak, status)

        base = results["panicscope"][1]
        for tool, (stacks, secs, peak, status) in results.items():
            agree = sum(1 for p, want in oracle.items() if stacks.get(p) == want)
            failed = f"  (exit {status})" if status else ""
            print(f"{name:34} {tool:10} {len(stacks):5} {secs:8.3f} {secs / base:6.1f} "
                  f"{peak:9.1f} {agree:4}/{len(oracle):<4}{failed}")
    print()
    verb_table(args, [r for r in rows if r["format"] in formats and r["scenario"] in scenarios
                      and (not kernels or r["kernel"] in kernels)])
    return 0


def verb_table(args, rows):
    """info, bt and bt --all: panicscope against drgn (and --baseline), whole processes."""
    print(f"{'dump':34} {'command':22} {'panicscope s':>12} {'other':>9} {'other s':>8} "
          f"{'x':>6}")
    for row in rows:
        dump, vmlinux = row["dump"], row["vmlinux"]
        name = f"{row['kernel'][:14]} {row['scenario']}-{row['method']} {row['format']}"
        drgn = ["drgn", "-q", "-c", dump, "-s", vmlinux, "--no-default-symbols"]
        ours = [args.panicscope]
        pairs = [("info", ours + ["info", dump, "--vmlinux", vmlinux], "drgn",
                  drgn + [os.path.join(HERE, "drgn_info.py")]),
                 ("bt", ours + ["bt", dump, "--vmlinux", vmlinux], "drgn",
                  drgn + [os.path.join(HERE, "drgn_crashed_stack.py")]),
                 ("bt --all", ours + ["bt", "--all", dump, "--vmlinux", vmlinux], "drgn",
                  drgn + [os.path.join(HERE, "drgn_all_stacks.py")])]
        if args.baseline:
            pairs.append(("bt --all --json", ours + ["bt", "--all", "--json", dump, "--vmlinux",
                                                     vmlinux], "baseline",
                          [args.baseline, "bt", "--all", "--json", dump, "--vmlinux", vmlinux]))
        for command, mine, other, theirs in pairs:
            if row["scenario"] == "scale" and other == "drgn" and command != "bt --all":
                continue  # drgn's start-up is the same as on the small dump
            _, secs, _, _ = best_of(args.runs, mine)
            _, other_secs, _, status = best_of(args.runs, theirs)
            failed = f"  (exit {status})" if status else ""
            print(f"{name:34} {command:22} {secs:12.3f} {other:>9} {other_secs:8.3f} "
                  f"{other_secs / secs:6.1f}{failed}")


if __name__ == "__main__":
    sys.exit(main())
