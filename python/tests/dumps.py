"""The generated real dumps and their oracles for the Python tests: the manifest (as
cli/tests/real_dumps/dump_manifest.h reads it), the CLI's --json of the same dump, and the
kernel's own traces on its console (as console_oracle.cpp reads them)."""

import csv
import functools
import json
import os
import re
import subprocess

MAIN_KERNEL = "6.1.0-56-cloud-amd64"
KERNEL_6_12 = "6.12.117+deb12-cloud-amd64"
FRAME_POINTER_KERNEL = "6.1.192"


def manifest_path():
    """$PANICSCOPE_MANIFEST, else the file ctest's generate_dumps fixture wrote. No dumps is a
    failure, never a skip."""
    path = os.environ.get("PANICSCOPE_MANIFEST")
    if path:
        return path
    pointer = os.environ.get("PANICSCOPE_MANIFEST_POINTER")
    if pointer and os.path.exists(pointer):
        with open(pointer) as f:
            path = f.readline().strip()
        if path:
            return path
    raise RuntimeError("no generated dumps: run testdata/generate.sh and set PANICSCOPE_MANIFEST, "
                       "or run ctest (its generate_dumps fixture writes the manifest's path)")


@functools.lru_cache(maxsize=None)
def manifest_rows():
    with open(manifest_path()) as f:
        return [row for row in csv.DictReader(f, delimiter="\t") if row["vmlinux"]]


def dump_row(kernel, scenario, method="kdump", fmt="kdump-zlib"):
    for row in manifest_rows():
        if (row["kernel"], row["scenario"], row["method"], row["format"]) == (
                kernel, scenario, method, fmt):
            return row
    raise RuntimeError(f"the manifest has no {kernel} {scenario}-{method} {fmt} dump")


def cli_binary():
    path = os.environ.get("PANICSCOPE_BINARY")
    if not path:
        raise RuntimeError("PANICSCOPE_BINARY is not set (ctest sets it to the built CLI)")
    return path


def run_cli(*args):
    """The CLI's exit status, stdout and stderr."""
    r = subprocess.run([cli_binary(), *args], capture_output=True, text=True, timeout=600)
    return r.returncode, r.stdout, r.stderr


@functools.lru_cache(maxsize=None)
def cli_json(*args):
    """The CLI's --json document for `args` (which end with the dump and --vmlinux)."""
    status, out, err = run_cli(*args, "--json")
    if status != 0:
        raise RuntimeError(f"panicscope {' '.join(args)} --json: exit {status}: {err}")
    return json.loads(out)


_STAMPED = re.compile(r"^\[ *\d+\.\d{6}\] (.*)$")
# "function+0xoff/0xsize", with " [module]" for module code (compared without it).
_FRAME = re.compile(r"^ +(\S+\+0x[0-9a-f]+)/0x[0-9a-f]+( \[\S+\])?$")
# "? function+0xoff/0xsize": a return address the kernel only found by scanning.
_GUESS = re.compile(r"^ +\? (\S+\+0x[0-9a-f]+)/0x[0-9a-f]+( \[\S+\])?$")
# "RIP: 0010:" and a frame, or the bare address of one in no symbol ("RIP: 0010:0x0").
_KERNEL_RIP = re.compile(r"^RIP: 0010:(\S+\+0x[0-9a-f]+(?=/)|0x[0-9a-f]+$)(/0x[0-9a-f]+( \[\S+\])?)?$")
_PANIC = "Kernel panic - not syncing: "


class Console:
    """What the crashed kernel printed: its release, the panic message, and the frames of the
    panic's trace or of the first oops ("function+0xoff"; a "?" guess kept, as "?function+0xoff",
    only right after an interrupted RIP: frame). The rules of cli/tests/real_dumps/console_oracle.cpp."""

    def __init__(self, path):
        self.release = None
        self.panic_message = None
        self.panic_trace = []
        self.oops_trace = []
        self.lines = []  # the crashed kernel's "[ts] text" lines, up to its panic line
        self._trace = None
        self._after_rip = False
        in_oops = False
        with open(path, errors="replace") as f:
            for raw in f:
                line = raw.rstrip("\r\n")
                m = _STAMPED.match(line)
                if not m:
                    continue
                text = m.group(1)
                if text.startswith("Linux version "):
                    if self.release is not None:
                        break  # the kdump capture kernel boots
                    self.release = text.split()[2]
                if self._trace is not None and not self._trace_line(text):
                    self._trace = None
                if self.panic_message is not None:
                    continue  # after the panic the console may have more than the dump
                self.lines.append(line)
                if in_oops and not self.oops_trace:
                    rip = _KERNEL_RIP.match(text)
                    if rip:
                        self.oops_trace.append(rip.group(1))
                        self._trace, self._after_rip, in_oops = self.oops_trace, True, False
                if not self.oops_trace and " [#1]" in text:
                    in_oops = True
                if text.startswith(_PANIC):
                    self.panic_message = text[len(_PANIC):]
                    self._trace, self._after_rip = self.panic_trace, False
        if self.release is None:
            raise RuntimeError(f"{path} has no 'Linux version' banner")

    def _trace_line(self, text):
        """Adds a trace line to the trace being read; False when the line ends it."""
        if "</TASK>" in text:
            return False
        if m := _KERNEL_RIP.match(text):
            self._trace.append(m.group(1))
            self._after_rip = True
        elif m := _FRAME.match(text):
            self._trace.append(m.group(1))
            self._after_rip = False
        elif self._after_rip and (m := _GUESS.match(text)):
            self._trace.append("?" + m.group(1))
        return True


def same_frames(ours, kernel):
    """Whether our frames are the kernel's, where each "?" entry of the kernel's may be ours or
    not (console_oracle.cpp's sameFrames)."""
    j = 0
    for k in kernel:
        if k.startswith("?"):
            if j < len(ours) and ours[j] == k[1:]:
                j += 1
        elif j < len(ours) and ours[j] == k:
            j += 1
        else:
            return False
    return j == len(ours)


def kernel_frames(trace):
    """A StackTrace's kernel frames as the kernel prints them: "function+0xoff", or the pc in
    hex where no function has it."""
    return [f"{f.function}+{f.offset:#x}" if f.function else f"{f.pc:#x}"
            for f in trace.frames if not f.user_mode]
