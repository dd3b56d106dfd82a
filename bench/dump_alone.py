#!/usr/bin/env python3
"""`panicscope bt --all --json` from the dump alone (--no-vmlinux: kallsyms, BTF and ORC read
from the dump's memory) against the same with the vmlinux and against drgn's stack_trace() of
every task (with the vmlinux: drgn needs its debug info), in one run, best of N each: wall
time, ratio to the vmlinux mode, peak RSS, tasks listed.

Usage: bench/dump_alone.py [--panicscope BIN] [--manifest FILE] [--kernels K1,K2]
                           [--scenarios process,scale] [--runs 3]
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import best_of  # noqa: E402 (the same timing as compare.py)

ORC_KERNELS = "6.1.0-56-cloud-amd64,6.12.117+deb12-cloud-amd64"


def manifest_rows(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--panicscope", default="build/cli/panicscope")
    p.add_argument("--manifest", default=os.path.expanduser(
        "~/.cache/panicscope/dumps/037f84c87a6ffff2/manifest.tsv"))
    p.add_argument("--kernels", default=ORC_KERNELS)
    p.add_argument("--scenarios", default="process,scale")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    kernels, scenarios = args.kernels.split(","), args.scenarios.split(",")
    print("| dump | mode | time | x vmlinux mode | peak RSS | tasks |")
    print("|---|---|---|---|---|---|")
    for row in manifest_rows(args.manifest):
        if row["kernel"] not in kernels or row["scenario"] not in scenarios:
            continue
        if row["method"] != "kdump" or row["format"] != "kdump-zlib":
            continue
        bt = [args.panicscope, "bt", "--all", "--json", row["dump"]]
        runs = [
            ("panicscope, vmlinux", bt + ["--vmlinux", row["vmlinux"]]),
            ("panicscope, dump alone", bt + ["--no-vmlinux"]),
            ("drgn, vmlinux", ["drgn", "-q", "-c", row["dump"], "-s", row["vmlinux"],
                               "--no-default-symbols", os.path.join(HERE, "drgn_all_stacks.py")]),
        ]
        base = None
        for i, (name, argv) in enumerate(runs):
            out, seconds, peak, status = best_of(args.runs, argv)
            if name.startswith("panicscope"):
                tasks = len(json.loads(out)["tasks"]) if status == 0 else 0
            else:
                tasks = len(out.splitlines())
            base = base or seconds
            label = f"{row['kernel']} {row['scenario']}-kdump" if i == 0 else ""
            failed = f" (exit {status})" if status else ""
            print(f"| {label} | {name} | {seconds:.3f} s{failed} | {seconds / base:.2f} | "
                  f"{peak:.0f} MiB | {tasks} |", flush=True)


if __name__ == "__main__":
    main()
