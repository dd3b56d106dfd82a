"""The example scripts (python/examples/) run on generated dumps, their output checked against
the console (the kernel's hung-task report) and the CLI's --json of the same dumps."""

import csv
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

import dumps

EXAMPLES = pathlib.Path(os.environ.get("PANICSCOPE_EXAMPLES",
                                       pathlib.Path(__file__).parent.parent / "examples"))


def run_example(name, *args):
    r = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True,
                       text=True, timeout=600)
    return r.returncode, r.stdout, r.stderr


def hung_task_report(console_path):
    """The first hung-task report on a console: (pid, comm, frames without the '?' guesses)."""
    pid = comm = None
    frames = []
    with open(console_path, errors="replace") as f:
        for line in f:
            m = re.search(r"INFO: task (\S+):(\d+) blocked for more than", line)
            if m and pid is None:
                comm, pid = m.group(1), int(m.group(2))
                continue
            if pid is None:
                continue
            if "</TASK>" in line:
                break
            m = re.search(r"\]  (\S+\+0x[0-9a-f]+)/0x[0-9a-f]+( \[(\S+)\])?$", line.rstrip())
            if m:
                frames.append(m.group(1) + (f" [{m.group(3)}]" if m.group(3) else ""))
    return pid, comm, frames


class DStateTasks(unittest.TestCase):
    def test_the_hung_task_waits_where_the_kernel_said(self):
        row = dumps.dump_row(dumps.MAIN_KERNEL, "mod-hungtask")
        status, out, err = run_example("d_state_tasks.py", row["dump"], "--vmlinux",
                                       row["vmlinux"])
        self.assertEqual(status, 0, err)
        pid, comm, frames = hung_task_report(row["console"])
        self.assertIsNotNone(pid, "no hung-task report on the console")
        below = [f for f in frames if not re.match(r"(__|io_|preempt_)?schedule", f)]
        expected = f"{pid:>7}  {comm:<16} {below[0]} < {below[1]} < {below[2]}"
        self.assertIn(expected + "\n", out)
        # Every D task is listed, and nothing else.
        ps = dumps.cli_json("ps", row["dump"], "--vmlinux", row["vmlinux"])["tasks"]
        blocked = [t["pid"] for t in ps if t["state"] == "D"]
        listed = [int(line.split()[0]) for line in out.splitlines()[1:-1]]
        self.assertEqual(listed, blocked)
        self.assertEqual(out.splitlines()[-1], f"{len(blocked)} task(s) in D state")


class TasksThrough(unittest.TestCase):
    def setUp(self):
        self.row = dumps.dump_row(dumps.KERNEL_6_12, "process")
        self.args = [self.row["dump"], "--vmlinux", self.row["vmlinux"]]

    def expected(self, function, lines):
        """From `bt --all --json`, whose frames list each physical frame after the functions
        inlined into it: the physical frames' numbers (as bt prints them) that are in
        `function` (with `lines`, or have it inlined)."""
        bt = dumps.cli_json("bt", "--all", *self.args)["tasks"]
        out = []
        for t in bt:
            hits, physical = [], 0
            for f in t["frames"]:
                if f["function"] == function and (lines or not f["inline"]):
                    if not hits or hits[-1] != physical:
                        hits.append(physical)
                physical += not f["inline"]
            if hits:
                out.append(f"{t['pid']:>7}  {t['comm']:<16} {t['state']}  " +
                           " ".join(f"#{i}" for i in hits))
        return out

    def test_the_tasks_in_a_function_are_bts(self):
        status, out, err = run_example("tasks_through.py", "do_syscall_64", *self.args)
        self.assertEqual(status, 0, err)
        expected = self.expected("do_syscall_64", lines=False)
        self.assertGreater(len(expected), 1)
        self.assertEqual(out.splitlines()[1:-1], expected)
        self.assertEqual(out.splitlines()[-1], f"{len(expected)} task(s) pass through do_syscall_64")

    def test_inlined_functions_with_lines(self):
        bt = dumps.cli_json("bt", "--all", *self.args)["tasks"]
        inlined = sorted({f["function"] for t in bt for f in t["frames"] if f["inline"]})
        self.assertTrue(inlined, "no inlined frame in any task")
        function = inlined[0]
        status, out, err = run_example("tasks_through.py", function, *self.args, "--lines")
        self.assertEqual(status, 0, err)
        expected = self.expected(function, lines=True)
        self.assertTrue(expected)
        self.assertEqual(out.splitlines()[1:-1], expected)

    def test_a_typo_is_an_error(self):
        status, out, err = run_example("tasks_through.py", "psc_no_such_function", *self.args)
        self.assertEqual(status, 1)
        self.assertEqual(err, "tasks_through: no symbol named 'psc_no_such_function' "
                              "(nor is it a hex address)\n")


class TriageCsv(unittest.TestCase):
    def test_a_directory_of_dumps(self):
        rows = [dumps.dump_row(dumps.MAIN_KERNEL, "mod-null"),
                dumps.dump_row(dumps.KERNEL_6_12, "process"),
                dumps.dump_row(dumps.FRAME_POINTER_KERNEL, "irq")]
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            (tmp / "dumps").mkdir()
            (tmp / "debug").mkdir()
            expected = {}
            for i, row in enumerate(rows):
                link = tmp / "dumps" / f"{i}-{row['scenario']}" / "vmcore"
                link.parent.mkdir()
                link.symlink_to(row["dump"])
                info = dumps.cli_json("info", row["dump"], "--vmlinux", row["vmlinux"])
                debug = tmp / "debug" / f"vmlinux-{info['release']}"
                if not debug.exists():
                    debug.symlink_to(row["vmlinux"])
                expected[str(link)] = (info["release"], dumps.cli_json(
                    "triage", row["dump"], "--vmlinux", row["vmlinux"]))
            not_a_dump = tmp / "dumps" / "notes.txt"
            not_a_dump.write_text("not a dump\n")
            out = tmp / "triage.csv"
            status, _, err = run_example("triage_csv.py", str(tmp / "dumps"), "--debug-dir",
                                         str(tmp / "debug"), "-o", str(out))
            self.assertEqual(status, 0, err)
            self.assertEqual(err, "triage_csv: 4 file(s), 1 not triaged\n")
            with open(out, newline="") as f:
                table = list(csv.DictReader(f))
            _, _, not_a_dump_err = dumps.run_cli("info", str(not_a_dump), "--vmlinux",
                                                 rows[0]["vmlinux"])
        self.assertEqual([r["path"] for r in table], sorted(list(expected) + [str(not_a_dump)]))
        for r in table:
            if r["path"] == str(not_a_dump):
                self.assertEqual("panicscope: " + r["error"].split(": ", 1)[1] + "\n",
                                 not_a_dump_err)
                self.assertTrue(r["error"].startswith("not_a_dump: "))
                continue
            release, j = expected[r["path"]]
            self.assertEqual(
                (r["release"], r["kind"], r["title"], r["guilty_function"], r["guilty_module"],
                 r["pid"], r["comm"], r["cpu"], r["signature"], r["error"]),
                (release, j["kind"], j["title"], j["guilty"]["function"],
                 j["guilty"]["module"] or "", str(j["task"]["pid"]), j["task"]["comm"],
                 str(j["cpu"]), j["signature"]["hash"], ""))


class ReadmeExample(unittest.TestCase):
    """README.md's "Scripting in Python" example runs as printed, on the hung-task dump."""

    def test_it_runs(self):
        readme = (pathlib.Path(__file__).parents[2] / "README.md").read_text()
        start = readme.index("    import panicscope\n")
        end = readme.index("\n\n", readme.index("s.triage().title", start))
        code = "\n".join(line[4:] for line in readme[start:end].splitlines())
        row = dumps.dump_row(dumps.MAIN_KERNEL, "mod-hungtask")
        code = code.replace('"vmcore", vmlinux="vmlinux"',
                            f'{row["dump"]!r}, vmlinux={row["vmlinux"]!r}')
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        triage = dumps.cli_json("triage", row["dump"], "--vmlinux", row["vmlinux"])
        pid, comm, _ = hung_task_report(row["console"])
        lines = r.stdout.splitlines()
        self.assertEqual(lines[-1], triage["title"])
        self.assertTrue(lines[0].startswith(dumps.MAIN_KERNEL + " "))
        self.assertTrue(any(line.startswith(f"{pid} {comm} [") for line in lines))


if __name__ == "__main__":
    unittest.main()
