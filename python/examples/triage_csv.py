#!/usr/bin/env python3
"""Triage of a directory of dumps into CSV: one row per file (below DIR, sorted), with the
crash's kind, title, guilty function, task, CPU and signature; a file that is no dump, or whose
vmlinux is not found, gets a row with its error and the batch goes on.

    python3 triage_csv.py DIR [--glob 'vmcore*'] [--vmlinux FILE] [--debug-dir DIR]... [-o OUT]

Without --vmlinux each dump's vmlinux is looked up by its kernel release in the --debug-dir
directories (DIR/vmlinux-RELEASE, ...) and Debian's places (/usr/lib/debug/boot/vmlinux-RELEASE).
"""

import argparse
import csv
import pathlib
import sys

import panicscope

COLUMNS = ["path", "release", "kind", "title", "guilty_function", "guilty_module", "pid", "comm",
           "cpu", "signature", "error"]


def triage_row(path, vmlinux, debug_dirs):
    row = dict.fromkeys(COLUMNS, "")
    row["path"] = str(path)
    try:
        session = panicscope.open(path, vmlinux=vmlinux, debug_dirs=debug_dirs)
        row["release"] = session.info().release
        report = session.triage()
    except panicscope.Error as e:
        row["error"] = f"{e.code}: {e.message}"
        return row
    row.update(kind=report.kind, title=report.title,
               guilty_function=report.guilty_function or "", guilty_module=report.guilty_module or "",
               cpu="" if report.cpu is None else report.cpu, signature=report.signature.hash)
    if report.task:
        row.update(pid=report.task.pid, comm=report.task.comm)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=pathlib.Path)
    parser.add_argument("--glob", default="*", help="which files are dumps (default: every file)")
    parser.add_argument("--vmlinux")
    parser.add_argument("--debug-dir", action="append", default=[])
    parser.add_argument("-o", "--output", help="the CSV file (default: stdout)")
    args = parser.parse_args()
    files = sorted(p for p in args.directory.rglob(args.glob) if p.is_file())
    out = open(args.output, "w", newline="") if args.output else sys.stdout
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    failed = 0
    for path in files:
        row = triage_row(path, args.vmlinux, args.debug_dir)
        failed += bool(row["error"])
        writer.writerow(row)
    if out is not sys.stdout:
        out.close()
    print(f"triage_csv: {len(files)} file(s), {failed} not triaged", file=sys.stderr)


if __name__ == "__main__":
    main()
