#!/usr/bin/python3
"""Boot one panicscope crash scenario under QEMU (TCG) and capture its dump.

Drives QEMU through QMP and watches the serial console file for the markers
the guest init prints.  Every wait has a deadline; QEMU is killed whenever
this script exits (and, through PR_SET_PDEATHSIG, even if it is SIGKILLed).

Exit status 0 on success; otherwise the last stderr line is
"qemu_run: ERROR: <cause>".
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

READY = re.compile(rb"PANICSCOPE-READY[^\n]*")
GUEST_FAILED = re.compile(rb"PANICSCOPE: FAILED[^\n]*")
PANIC = re.compile(rb"Kernel panic - not syncing[^\n]*")
PANIC_END = re.compile(rb"---\[ end Kernel panic[^\n]*")
CAPTURE_DONE = re.compile(rb"PANICSCOPE-CAPTURE-DONE rc=(\d+)")

# With nothing printed for this long after the trigger, assume the panic is
# over (an NMI panic may never print when the console lock is unavailable).
QUIET_SECONDS = 10


class Fail(Exception):
    pass


def log(msg):
    print(f"[qemu_run {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _die_with_parent(sig=signal.SIGKILL):
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig))


class Console:
    """The serial console file QEMU appends to."""

    def __init__(self, path, qemu):
        self.path, self.qemu = path, qemu
        self.data = b""
        self.last_growth = time.monotonic()

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(len(self.data))
                new = f.read()
        except FileNotFoundError:
            new = b""
        if new:
            self.data += new
            self.last_growth = time.monotonic()

    def wait(self, what, timeout, until, fail_on=(GUEST_FAILED,), qemu_may_exit=False):
        """Poll until until() is true.  Returns False if QEMU exited first and
        qemu_may_exit, raises Fail on timeout, guest failure or QEMU exit."""
        deadline = time.monotonic() + timeout
        while True:
            self.poll()
            if until():
                return True
            for rx in fail_on:
                m = rx.search(self.data)
                if m:
                    raise Fail(f"while waiting for {what}: guest printed "
                               f"'{m.group(0).decode(errors='replace').strip()}'")
            rc = self.qemu.poll()
            if rc is not None:
                self.poll()
                if until():
                    return True
                if qemu_may_exit:
                    return False
                raise Fail(f"QEMU exited (status {rc}) while waiting for {what}")
            if time.monotonic() > deadline:
                raise Fail(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.2)


class QMP:
    def __init__(self, path, timeout, qemu):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if qemu.poll() is not None:
                    raise Fail(f"QEMU exited (status {qemu.returncode}) before QMP was up") from e
                if time.monotonic() > deadline:
                    raise Fail(f"could not connect to QMP socket {path}: {e}") from e
                time.sleep(0.1)
        self.file = self.sock.makefile("rwb")
        self._read("QMP greeting", timeout)
        self.cmd("qmp_capabilities", timeout)

    def _read(self, what, timeout):
        self.sock.settimeout(timeout)
        try:
            line = self.file.readline()
        except (socket.timeout, TimeoutError) as e:
            raise Fail(f"QMP {what} got no answer within {timeout:.0f} s") from e
        if not line:
            raise Fail(f"QMP connection closed during {what} (QEMU exited?)")
        return json.loads(line)

    def cmd(self, name, timeout, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg).encode() + b"\n")
        self.file.flush()
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(name, max(0.1, deadline - time.monotonic()))
            if "event" in reply:  # asynchronous; not interesting here
                continue
            if "error" in reply:
                raise Fail(f"QMP {name} failed: {reply['error'].get('desc')}")
            if "return" in reply:
                return reply["return"]


def qemu_command(a, console, qmp_path):
    append = " ".join([a.append, f"panicscope.scenario={a.scenario}",
                       f"panicscope.method={a.method}"])
    cmd = [a.qemu, "-accel", "tcg", "-machine", "pc", "-smp", str(a.smp), "-m", str(a.mem),
           # No default NIC/VGA/monitor: nothing but the serial console and QMP.
           "-nodefaults", "-display", "none", "-no-reboot",
           "-serial", f"file:{console}",
           "-qmp", f"unix:{qmp_path},server=on,wait=off",
           # Puts the guest's VMCOREINFO note into dump-guest-memory output.
           "-device", "vmcoreinfo",
           "-kernel", a.kernel, "-initrd", a.initrd, "-append", append]
    if a.disk:
        cmd += ["-drive", f"file={a.disk},if=virtio,format=raw"]
    return cmd


def run(a):
    console_path = os.path.join(a.outdir, "console.log")
    qmp_dir = tempfile.mkdtemp(prefix="panicscope-qmp.")  # unix socket paths are short
    qmp_path = os.path.join(qmp_dir, "qmp.sock")
    cmd = qemu_command(a, console_path, qmp_path)
    log("starting: " + " ".join(cmd))
    t0 = time.monotonic()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    try:
        con = Console(console_path, qemu)
        qmp = QMP(qmp_path, 30, qemu)

        con.wait("the workload (PANICSCOPE-READY)", a.timeout,
                 lambda: READY.search(con.data), fail_on=(GUEST_FAILED, PANIC))
        t_ready = time.monotonic()
        log(f"guest ready after {t_ready - t0:.1f} s")

        if a.scenario in ("irq", "nmi"):
            time.sleep(1)  # let the psctx pipeline's processes exit
            if a.scenario == "irq":
                # Alt+SysRq+C through the i8042: the panic runs in the
                # keyboard interrupt handler, on the IRQ stack.
                qmp.cmd("send-key", 30, keys=[{"type": "qcode", "data": k}
                                              for k in ("alt", "sysrq", "c")])
            else:
                # Unknown NMI + unknown_nmi_panic=1: the panic runs on the NMI stack.
                qmp.cmd("inject-nmi", 30)
            log(f"sent {a.scenario} trigger")
        t_trigger = time.monotonic()

        if a.method == "qemu":
            # The panicscope_crash modes (mod-*) crash some seconds after
            # READY (the detectors take that long) and always finish their
            # panic: only the end-of-panic line counts there.
            quiet_ok = not a.scenario.startswith("mod-")

            def panicked():
                return PANIC_END.search(con.data) or (
                    quiet_ok
                    and time.monotonic() - con.last_growth > QUIET_SECONDS
                    and time.monotonic() - t_trigger > QUIET_SECONDS)
            con.wait("the panic", a.timeout, panicked)
            if not PANIC_END.search(con.data):
                log(f"no end-of-panic line; console quiet for {QUIET_SECONDS} s, dumping anyway")
            qmp.cmd("stop", 30)
            log(f"panic after {time.monotonic() - t_trigger:.1f} s; vCPUs stopped, dumping")
            dumps = [("elf", False, "vmcore.elf"), ("kdump-zlib", False, "vmcore.qemu-kdump-zlib.flat")]
            if a.paging_dump:
                # -p: QEMU walks the guest's page tables; each PT_LOAD is one
                # virtual mapping (p_vaddr) with its physical address (p_paddr).
                dumps.append(("elf", True, "vmcore.elf-paging"))
            for fmt, paging, name in dumps:
                t = time.monotonic()
                path = os.path.abspath(os.path.join(a.outdir, name))
                qmp.cmd("dump-guest-memory", a.timeout * 2, paging=paging,
                        protocol=f"file:{path}", format=fmt)
                log(f"dump-guest-memory {fmt}{' paging' if paging else ''}:"
                    f" {os.path.getsize(path)} bytes in {time.monotonic() - t:.1f} s")
            qmp.cmd("quit", 30)
            try:
                qemu.wait(30)
            except subprocess.TimeoutExpired as e:
                raise Fail("QEMU did not exit after QMP quit") from e
        else:
            # The capture kernel saves the dump and powers the machine off.
            con.wait("the capture kernel to save the dump and power off", a.timeout,
                     lambda: qemu.poll() is not None, qemu_may_exit=True)
            con.poll()
            failed = GUEST_FAILED.search(con.data)
            if failed:
                raise Fail("guest printed '" + failed.group(0).decode(errors="replace").strip() + "'")
            m = CAPTURE_DONE.search(con.data)
            if not m:
                raise Fail("QEMU exited without PANICSCOPE-CAPTURE-DONE from the capture kernel")
            if m.group(1) != b"0":
                raise Fail(f"capture kernel makedumpfile failed (rc={m.group(1).decode()})")
            log(f"capture done {time.monotonic() - t_trigger:.1f} s after the trigger")
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        shutil.rmtree(qmp_dir, ignore_errors=True)
    log(f"total {time.monotonic() - t0:.1f} s")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--append", required=True)
    p.add_argument("--scenario", required=True,
                   help="process, irq, nmi, scale, or mod-MODE (the guest loads panicscope_crash.ko)")
    p.add_argument("--method", required=True, choices=("qemu", "kdump"))
    p.add_argument("--outdir", required=True, help="gets console.log (and the QEMU dumps)")
    p.add_argument("--paging-dump", action="store_true",
                   help="qemu method: also dump-guest-memory -p (paging) as vmcore.elf-paging")
    p.add_argument("--disk", help="raw file attached as virtio disk (kdump target)")
    p.add_argument("--timeout", type=float, default=180, help="seconds per phase")
    p.add_argument("--mem", type=int, default=512)
    p.add_argument("--smp", type=int, default=2)
    a = p.parse_args()
    if a.scenario not in ("process", "irq", "nmi", "scale") and not re.fullmatch(r"mod-[a-z]+", a.scenario):
        p.error(f"unknown scenario {a.scenario!r}")

    def on_signal(signum, _frame):
        raise Fail(f"interrupted by signal {signum}")
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    # If generate.sh is killed outright, stop too (and so kill QEMU).
    _die_with_parent(signal.SIGTERM)
    try:
        run(a)
    except Fail as e:
        print(f"qemu_run: ERROR: {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
