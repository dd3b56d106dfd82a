"""The panicscope module on real generated dumps, one per kernel, each opened once: every call
against the CLI's --json of the same dump (the binding must give what the CLI gives) and the
crashing task's frames against the kernel's own trace on its console."""

import json
import os
import tempfile
import threading
import time
import unittest
import warnings

import panicscope

import dumps


def hexval(text):
    return None if text is None else int(text, 16)


class SessionTests:
    """Mixed into one TestCase per kernel: KERNEL and SCENARIO say which dump."""

    KERNEL = None
    SCENARIO = "process"

    @classmethod
    def setUpClass(cls):
        cls.row = dumps.dump_row(cls.KERNEL, cls.SCENARIO)
        cls.dump, cls.vmlinux = cls.row["dump"], cls.row["vmlinux"]
        cls.console = dumps.Console(cls.row["console"])
        cls.s = panicscope.open(cls.dump, vmlinux=cls.vmlinux)

    def cli(self, *args):
        return dumps.cli_json(*args, self.dump, "--vmlinux", self.vmlinux)

    def crashing(self):
        task = self.s.crashing_task()
        self.assertIsNotNone(task)
        return task

    def test_info_is_the_clis_and_the_consoles(self):
        info = self.s.info()
        j = self.cli("info")
        self.assertEqual(info.release, self.console.release)
        if self.console.panic_message is not None:
            self.assertEqual(info.panic_message, self.console.panic_message)
        for ours, key in [(info.release, "release"), (info.machine, "machine"),
                          (info.cpus, "cpus"), (info.format, "format"),
                          (info.panic_message, "panic_message"), (info.panic_cpu, "panic_cpu"),
                          (info.uptime_seconds, "uptime_s"), (info.version, "version"),
                          (info.nodename, "nodename"), (info.dump_path, "dump"),
                          (info.vmlinux_path, "vmlinux"), (info.build_id, "build_id"),
                          (info.kaslr_offset, "kaslr_offset")]:
            expected = hexval(j[key]) if key == "kaslr_offset" else j[key]
            self.assertEqual(ours, expected, key)
        self.assertEqual(info.crashing_task.pid, j["crashing_task"]["pid"])
        self.assertEqual(info.crashing_task.comm, j["crashing_task"]["comm"])
        self.assertEqual(info.crashing_task.address, hexval(j["crashing_task"]["task"]))
        self.assertEqual([w.text for w in info.warnings], j["warnings"])

    def test_tasks_are_ps(self):
        tasks = self.s.tasks()
        rows = self.cli("ps")["tasks"]
        self.assertEqual(len(tasks), len(rows))
        self.assertGreater(len(tasks), 20)
        for t, r in zip(tasks, rows):
            self.assertEqual(
                (t.pid, t.tgid, t.ppid, t.comm, t.state, t.cpu, t.on_cpu, t.address,
                 t.kernel_thread, t.nvcsw, t.nivcsw, t.last_run_ns, t.utime_ns, t.stime_ns,
                 t.start_time_ns),
                (r["pid"], r["tgid"], r["ppid"], r["comm"], r["state"], r["cpu"], r["on_cpu"],
                 hexval(r["task"]), r["kernel_thread"], r["nvcsw"], r["nivcsw"],
                 r["last_run_ns"], r["utime_ns"], r["stime_ns"], r["start_time_ns"]))
        self.assertEqual([t.pid for t in tasks if t.crashing], [self.crashing().pid])

    def test_log_is_the_clis_and_the_consoles(self):
        records = self.s.log()
        j = self.cli("log")["records"]
        self.assertEqual(
            [(r.seq, r.timestamp_ns, r.level, r.facility, r.caller_id, r.text) for r in records],
            [(r["seq"], r["timestamp_ns"], r["level"], r["facility"], r["caller_id"], r["text"])
             for r in j])
        # Every line the console printed up to the panic is in the log, in the same order (the
        # console leaves out the lines above its log level).
        ours = iter(line for r in records for line in r.lines())
        console = self.console.lines
        self.assertGreater(len(console), 100)
        missing = [line for line in console if not any(line == o for o in ours)]
        self.assertEqual(missing, [])

    def test_modules_are_mod(self):
        modules = self.s.modules()
        rows = self.cli("mod")["modules"]
        self.assertEqual(
            [(m.name, m.address, m.text_base, m.text_size, m.size, m.taints, m.has_orc)
             for m in modules],
            [(r["name"], hexval(r["module"]), hexval(r["base"]), r["text_size"], r["size"],
              r["taints"], r["orc"]) for r in rows])

    def test_select_tasks_by_the_clis_rules(self):
        tasks = self.s.tasks()
        crashing = self.crashing()
        self.assertEqual(self.s.select_tasks(), [crashing])
        self.assertEqual(self.s.select_tasks(all=True), tasks)
        active = self.s.select_tasks(active=True)
        self.assertEqual([t.cpu for t in active], list(range(self.s.info().cpus)))
        self.assertTrue(all(t.on_cpu for t in active))
        self.assertEqual([t.pid for t in self.s.select_tasks([1, crashing.pid])],
                         [1, crashing.pid])
        self.assertEqual(self.s.select_tasks(1), self.s.select_tasks([1]))
        sleeping = self.s.select_tasks(state="S")
        self.assertEqual(sleeping, [t for t in tasks if t.state == "S"])
        self.assertGreater(len(sleeping), 5)
        self.assertEqual(self.s.select_tasks(state="SI", comm=["init", crashing.comm]),
                         [t for t in tasks if t.state in "SI" and t.comm in ("init",
                                                                              crashing.comm)])
        self.assertEqual(self.s.select_tasks(comm=crashing.comm),
                         [t for t in tasks if t.comm == crashing.comm])

    def test_select_tasks_errors(self):
        missing = max(t.pid for t in self.s.tasks()) + 1000
        with self.assertRaises(panicscope.UsageError) as e:
            self.s.select_tasks([1, missing])
        self.assertEqual((e.exception.code, e.exception.message), ("usage",
                                                                    f"no task with pid {missing}"))
        self.assertIsInstance(e.exception, ValueError)
        status, _, err = dumps.run_cli("bt", str(missing), self.dump, "--vmlinux", self.vmlinux)
        self.assertEqual((status, err), (1, f"panicscope: no task with pid {missing}\n"))
        with self.assertRaises(panicscope.UsageError):
            self.s.select_tasks([1], all=True)
        with self.assertRaises(panicscope.UsageError) as e:
            self.s.select_tasks(state="Q")
        self.assertIn("'Q' is not one of R S D T t X Z P I", str(e.exception))
        with self.assertRaises(panicscope.UsageError):
            self.s.backtrace(missing)
        with self.assertRaises(TypeError):
            self.s.backtrace("init")

    def assertFramesAreBtJson(self, trace, task_json, lines):
        """Our frames, flattened as the CLI prints them, against `bt --json` (which always has
        file:line and inlined functions: without `lines`, only its physical frames)."""
        printed = []
        for f in trace.frames:
            for i, inline in enumerate(f.inlines):
                printed.append((f, inline, i == 0))
            printed.append((f, None, not f.inlines))
        if not lines:  # each physical frame, with the boundary printed on its first line
            frames, boundary = [], None
            for j in task_json["frames"]:
                boundary = boundary or j["boundary"]
                if not j["inline"]:
                    frames.append(dict(j, index=len(frames), boundary=boundary, file=None,
                                       line=None))
                    boundary = None
            task_json = dict(task_json, frames=frames)
        self.assertEqual(len(printed), len(task_json["frames"]))
        for index, ((f, inline, first), j) in enumerate(zip(printed, task_json["frames"])):
            where = f"frame #{index}"
            self.assertEqual(j["index"], index)
            self.assertEqual(f.pc, hexval(j["pc"]), where)
            self.assertEqual(f.sp, hexval(j["sp"]), where)
            self.assertEqual(inline.function if inline else f.function, j["function"], where)
            self.assertEqual(f.offset, j["offset"], where)
            self.assertEqual(f.module, j["module"], where)
            self.assertEqual(j["inline"], inline is not None, where)
            self.assertEqual(f.found_by, j["found_by"], where)
            self.assertEqual(f.interrupted, j["interrupted"], where)
            self.assertEqual(f.user_mode, j["user"], where)
            self.assertEqual(f.stack.name, j["stack"], where)
            self.assertEqual(f.slot, hexval(j["slot"]), where)
            if lines:
                self.assertEqual(inline.file if inline else f.file, j["file"], where)
                self.assertEqual(inline.line if inline else f.line, j["line"], where)
            b = f.boundary if first else None
            if b is None:
                self.assertIsNone(j["boundary"], where)
                continue
            jb = j["boundary"]
            self.assertEqual((b.kind, b.entry, b.regs_address, b.full_regs, b.stack_overflow),
                             (jb["kind"], jb["entry"], hexval(jb["regs_address"]),
                              jb["full_regs"], jb["stack_overflow"]), where)
            self.assertEqual(b.regs, {k: hexval(v) for k, v in jb["regs"].items()}, where)
        self.assertEqual(trace.status, task_json["status"])
        self.assertEqual(trace.stop.text, task_json["reason"])

    def test_crashing_backtrace_is_bt_and_the_kernels(self):
        task = self.crashing()
        trace = self.s.backtrace(task.pid)
        self.assertEqual(trace, self.s.backtrace(task))
        (j,) = self.cli("bt")["tasks"]
        self.assertEqual(j["pid"], task.pid)
        self.assertFramesAreBtJson(trace, j, lines=False)
        self.assertEqual(trace.status, "complete", trace.stop.text)
        self.assertTrue(any(f.boundary for f in trace.frames), "no pt_regs crossed")
        ours = dumps.kernel_frames(trace)
        if self.console.panic_trace:
            # Below panic(): the kernel's trace starts in dump_stack, ours where the CPU stopped.
            def below(frames):
                at = next(i for i, f in enumerate(frames) if f.startswith("panic+"))
                return frames[at + 1:]
            self.assertTrue(dumps.same_frames(below(ours), below(self.console.panic_trace)),
                            f"kernel: {self.console.panic_trace}\npanicscope: {ours}")
        else:
            theirs = self.console.oops_trace
            self.assertTrue(theirs, "the console has neither a panic nor an oops trace")
            self.assertTrue(any(dumps.same_frames(ours[i:], theirs) for i in range(len(ours))),
                            f"oops: {theirs}\npanicscope: {ours}")

    def test_backtrace_with_lines_is_bt_l(self):
        task = self.crashing()
        trace = self.s.backtrace(task, lines=True)
        (j,) = self.cli("bt")["tasks"]
        self.assertFramesAreBtJson(trace, j, lines=True)
        self.assertTrue(any(f.file for f in trace.frames))
        # The registers of the first frame: what the CPU held (NT_PRSTATUS) when it stopped.
        self.assertEqual(trace.frames[0].regs["ip"], trace.frames[0].pc)
        self.assertEqual(trace.frames[0].regs["sp"], trace.frames[0].sp)

    def test_backtraces_are_bt_all(self):
        batch = self.s.backtraces()
        tasks = self.s.tasks()
        self.assertEqual([t for t, _ in batch], tasks)
        j = self.cli("bt", "--all")["tasks"]
        self.assertEqual(len(j), len(batch))
        for (task, trace), tj in zip(batch, j):
            with self.subTest(pid=task.pid):
                self.assertEqual(task.address, hexval(tj["task"]))
                self.assertFramesAreBtJson(trace, tj, lines=False)
        some = [tasks[0], tasks[len(tasks) // 2].pid, tasks[-1]]
        again = self.s.backtraces(some)
        self.assertEqual([t.pid for t, _ in again], [tasks[0].pid, tasks[len(tasks) // 2].pid,
                                                      tasks[-1].pid])
        for task, trace in again:
            self.assertEqual(trace, self.s.backtrace(task))

    def test_backtraces_release_the_gil(self):
        # While the batch unwinds, this thread keeps running: with the GIL held it could not.
        # The batch repeats the task list until it lasts about 0.3 s, whatever the kernel and
        # the machine: a warm batch of the frame-pointer kernel's 36 tasks takes a few ms, too
        # short for this thread to tick in. Doubled until a timed batch lasts 0.1 s, then tripled.
        batch = self.s.tasks()
        while True:
            start = time.monotonic()
            self.s.backtraces(batch, lines=True)
            if time.monotonic() - start >= 0.1:
                break
            batch = batch * 2
        batch = batch * 3
        ticks = []
        worker = threading.Thread(target=lambda: self.s.backtraces(batch, lines=True))
        start = time.monotonic()
        worker.start()
        while worker.is_alive():
            ticks.append(time.monotonic())
            time.sleep(0.001)
        worker.join()
        took = time.monotonic() - start
        gaps = [b - a for a, b in zip([start] + ticks, ticks)]
        self.assertGreater(len(ticks), 5, f"the batch took {took:.3f} s")
        self.assertLess(max(gaps), took / 2, f"the batch took {took:.3f} s")

    def test_read_is_the_vmlinux_banner_and_rd(self):
        banner = self.s.lookup_symbol("linux_banner")
        block = self.s.read(banner.address, 512)
        self.assertTrue(block.complete)
        self.assertEqual((block.address, len(block.bytes), len(block)), (banner.address, 512, 512))
        text = block.bytes.split(b"\0")[0].decode()
        console_banner = next(line for line in self.console.lines if "] Linux version " in line)
        self.assertEqual(text.rstrip("\n"), console_banner.split("] ", 1)[1])
        task = self.crashing()
        block = self.s.read(task.address, 64)
        words = self.cli("rd", "-64", hex(task.address), "8")["words"]
        self.assertEqual([int.from_bytes(block.bytes[i:i + 8], "little") for i in range(0, 64, 8)],
                         [hexval(w["value"]) for w in words])

    def test_physical_read_is_the_direct_map(self):
        base = int.from_bytes(self.s.read(self.s.lookup_symbol("page_offset_base").address,
                                          8).bytes, "little")
        task = self.crashing()  # a task_struct is in the direct map of physical memory
        direct = self.s.read(task.address, 256)
        by_phys = self.s.read(task.address - base, 256, physical=True)
        self.assertTrue(direct.complete and by_phys.complete)
        self.assertEqual(direct.bytes, by_phys.bytes)
        self.assertNotEqual(direct.bytes, bytes(256))

    def test_unreadable_addresses(self):
        block = self.s.read(0x1000, 32)
        self.assertEqual(block.missing, [(0x1000, 0x1020)])
        self.assertEqual(block.bytes, bytes(32))
        self.assertTrue(block.missing_reason)
        self.assertFalse(block.present(0x1000))
        with self.assertRaises(panicscope.ReadError) as e:
            self.s.read(0x1000, 32, partial=False)
        self.assertEqual(e.exception.code, "not_in_dump")
        self.assertEqual(e.exception.message, "0x1000-0x1020 is not in the dump: " +
                         block.missing_reason)
        # The CLI says the same of the same bytes.
        status, out, _ = dumps.run_cli("rd", "0x1000", "4", self.dump, "--vmlinux", self.vmlinux)
        self.assertIn(block.missing_reason, out)
        with self.assertRaises(panicscope.UsageError):
            self.s.read(0xffffffff81000000, 65 << 20)

    def test_symbols_are_sym(self):
        for name in ["schedule", "jiffies", "init_task"]:
            with self.subTest(name=name):
                self.assertSymbolIsSym(self.s.lookup_symbol(name), self.cli("sym", name))
        frame = self.s.backtrace(self.crashing()).frames[1]
        at = self.s.symbolize(frame.pc)
        self.assertSymbolIsSym(at, self.cli("sym", hex(frame.pc)))
        self.assertEqual(at.name, frame.function)
        self.assertIsNone(self.s.symbolize(0x10))
        with self.assertRaises(panicscope.NoSymbolError) as e:
            self.s.lookup_symbol("psc_no_such_symbol")
        self.assertEqual((e.exception.code, e.exception.message), (
            "no_symbol", "no symbol named 'psc_no_such_symbol' (nor is it a hex address)"))
        self.assertIsInstance(e.exception, LookupError)

    def assertSymbolIsSym(self, info, j):
        self.assertEqual(
            (info.query, info.address, info.name, info.symbol_address, info.offset, info.size,
             "function" if info.is_function else "object", info.file, info.line, info.module,
             info.per_cpu, info.cpu),
            (j["query"], hexval(j["address"]), j["symbol"], hexval(j["symbol_address"]),
             j["offset"], j["size"], j["type"], j["file"], j["line"], j["module"], j["per_cpu"],
             j["cpu"]))

    def test_disassembly_is_dis(self):
        whole = self.s.disassemble("schedule")
        self.assertCodeIsDis(whole, self.cli("dis", "schedule")["instructions"])
        self.assertTrue(any(line.instruction.is_return for line in whole))
        self.assertTrue(all(line.symbol.startswith("schedule+") for line in whole))
        frame = self.s.backtrace(self.crashing()).frames[2]
        some = self.s.disassemble(frame.pc, 6)
        self.assertCodeIsDis(some, self.cli("dis", hex(frame.pc), "6")["instructions"])
        self.assertEqual(self.s.disassemble("schedule", 3), whole[:3])
        self.assertEqual(self.s.disassemble(whole[4].address), whole)
        with self.assertRaises(panicscope.NoSymbolError):
            self.s.disassemble("psc_no_such_function")

    def assertCodeIsDis(self, lines, j):
        self.assertEqual(len(lines), len(j))
        for line, d in zip(lines, j):
            i = line.instruction
            self.assertEqual(
                (i.address, i.bytes.hex(), line.symbol, i.mnemonic, i.operands, i.target,
                 line.target),
                (hexval(d["address"]), d["bytes"], d["symbol"], d["mnemonic"], d["operands"],
                 hexval(d["target"]), d["target_symbol"]))

    def test_triage_is_triage(self):
        r = self.s.triage()
        j = self.cli("triage")
        self.assertEqual(
            (r.source, r.path, r.kind, r.title, r.message, r.panic_message, r.cpu,
             r.context, r.fault_address, r.taint, r.corrupted, r.problems, r.warnings),
            (j["source"], j["path"], j["kind"], j["title"], j["message"], j["panic_message"],
             j["cpu"], j["context"], hexval(j["fault_address"]), j["taint"], j["corrupted"],
             j["problems"], j["warnings"]))
        self.assertEqual((r.task.pid, r.task.comm), (j["task"]["pid"], j["task"]["comm"]))
        self.assertEqual((r.guilty_function, r.guilty_module),
                         (j["guilty"]["function"], j["guilty"]["module"]))
        self.assertEqual([(f.function, f.module, f.context, f.starts_context) for f in r.frames],
                         [(f["function"], f["module"], f["context"], f["interrupted"])
                          for f in j["frames"]])
        self.assertEqual((r.signature.hash, r.signature.frames),
                         (j["signature"]["hash"], j["signature"]["frames"]))
        self.assertEqual(r.task.pid, self.crashing().pid)

    def test_values_print_and_serialize(self):
        task = self.crashing()
        self.assertIn(f"pid={task.pid}, ", repr(task))
        self.assertIn(f"address={task.address:#x}", repr(task))
        trace = self.s.backtrace(task)
        document = json.loads(json.dumps(panicscope.asdict(trace)))
        self.assertEqual(len(document["frames"]), len(trace.frames))
        self.assertEqual(document["frames"][0]["pc"], trace.frames[0].pc)
        self.assertEqual(panicscope.TaskRow._fields[:2], ("pid", "tgid"))
        self.assertIn(self.dump, repr(self.s))


class Kernel6_1(SessionTests, unittest.TestCase):
    KERNEL = dumps.MAIN_KERNEL
    SCENARIO = "mod-null"  # a module in the crashing stack, an oops


class Kernel6_12(SessionTests, unittest.TestCase):
    KERNEL = dumps.KERNEL_6_12


class FramePointerKernel6_1(SessionTests, unittest.TestCase):
    KERNEL = dumps.FRAME_POINTER_KERNEL


class OpenErrors(unittest.TestCase):
    """What open() raises is what the CLI says of the same files."""

    @classmethod
    def setUpClass(cls):
        cls.row = dumps.dump_row(dumps.MAIN_KERNEL, "process")
        cls.other = dumps.dump_row(dumps.KERNEL_6_12, "process")

    def assertSameAsCli(self, error, dump, vmlinux):
        status, _, err = dumps.run_cli("info", dump, "--vmlinux", vmlinux)
        self.assertEqual(status, 1)
        self.assertEqual(err, f"panicscope: {error.message}\n")

    def test_no_such_file(self):
        missing = os.path.join(tempfile.gettempdir(), "psc-no-such-vmcore")
        with self.assertRaises(panicscope.DumpError) as e:
            panicscope.open(missing, vmlinux=self.row["vmlinux"])
        self.assertEqual(e.exception.code, "io")
        self.assertIn(missing, e.exception.message)
        self.assertSameAsCli(e.exception, missing, self.row["vmlinux"])

    def test_not_a_dump(self):
        with self.assertRaises(panicscope.DumpError) as e:
            panicscope.open(self.row["console"], vmlinux=self.row["vmlinux"])
        self.assertEqual(e.exception.code, "not_a_dump")
        self.assertSameAsCli(e.exception, self.row["console"], self.row["vmlinux"])
        self.assertIsInstance(e.exception, panicscope.Error)

    def test_vmlinux_of_another_kernel(self):
        with self.assertRaises(panicscope.VmlinuxError) as e:
            panicscope.open(self.row["dump"], vmlinux=self.other["vmlinux"])
        self.assertEqual(e.exception.code, "vmlinux_mismatch")
        self.assertSameAsCli(e.exception, self.row["dump"], self.other["vmlinux"])

    def test_paths_may_be_pathlike(self):
        import pathlib
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a whole dump opens without warnings
            s = panicscope.open(pathlib.Path(self.row["dump"]),
                                vmlinux=pathlib.Path(self.row["vmlinux"]))
        self.assertEqual(s.path, self.row["dump"])
        self.assertEqual(s.info().release, dumps.MAIN_KERNEL)


if __name__ == "__main__":
    unittest.main()
