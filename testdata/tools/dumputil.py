#!/usr/bin/python3
"""Small file-format helpers for testdata/generate.sh (Debian python3 stdlib only).

Subcommands:
  fix-elf-phdrs SRC DST   copy a QEMU ELF dump with its program headers moved to offset 64
  kdump-compression FILE  print the compression a kdump-compressed file declares
  modules MODDIR OUTDIR NAME...
                          copy the named kernel modules and their dependencies
                          (uncompressed) into OUTDIR and write OUTDIR/load-order
  modinfo FILE KEY        print a module's .modinfo values for KEY (e.g. vermagic)
"""

import gzip
import lzma
import os
import struct
import subprocess
import sys

ELF_HDR_SIZE = 64
PHDR_SIZE = 56
SHDR_SIZE = 64


class Error(Exception):
    pass


def fix_elf_phdrs(src, dst):
    """makedumpfile 1.7.2 assumes the program headers follow the ELF header
    directly ("Can't get the number of PT_LOAD" otherwise), but QEMU 7.2 puts
    section headers first and the program headers at offset 192.  Rewrite the
    header area as ehdr | phdrs | shdrs: it has the same total size, so every
    note/segment offset stays valid and the memory data is copied verbatim."""
    with open(src, "rb") as f:
        ehdr = bytearray(f.read(ELF_HDR_SIZE))
        if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1:
            raise Error(f"{src}: not a little-endian ELF64 file")
        phoff, shoff = struct.unpack_from("<QQ", ehdr, 32)
        phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", ehdr, 54)
        if phentsize != PHDR_SIZE or (shnum and shentsize != SHDR_SIZE):
            raise Error(f"{src}: unexpected ELF header entry sizes")
        f.seek(phoff)
        phdrs = f.read(phnum * PHDR_SIZE)
        f.seek(shoff)
        shdrs = f.read(shnum * SHDR_SIZE) if shnum else b""

    new_area = phdrs + shdrs
    area_end = max(phoff + len(phdrs), (shoff + len(shdrs)) if shnum else 0)
    # Everything up to area_end must be headers only, or we would clobber data.
    first_data = min(
        [struct.unpack_from("<Q", phdrs, i * PHDR_SIZE + 8)[0]
         for i in range(phnum)
         if struct.unpack_from("<Q", phdrs, i * PHDR_SIZE + 32)[0]] or [area_end])
    if first_data < area_end or ELF_HDR_SIZE + len(new_area) > area_end:
        raise Error(f"{src}: header area overlaps data; refusing to rewrite")

    struct.pack_into("<Q", ehdr, 32, ELF_HDR_SIZE)
    struct.pack_into("<Q", ehdr, 40, ELF_HDR_SIZE + len(phdrs) if shnum else 0)
    header = bytes(ehdr) + new_area
    header += b"\0" * (area_end - len(header))

    tmp = dst + ".part"
    with open(src, "rb") as fin, open(tmp, "wb") as fout:
        fin.seek(area_end)
        fout.write(header)
        while True:
            buf = fin.read(16 << 20)
            if not buf:
                break
            fout.write(buf)
    os.replace(tmp, dst)


# disk_dump_header.status bits (makedumpfile diskdump_mod.h)
KDUMP_COMPRESSION = {0x1: "zlib", 0x2: "lzo", 0x4: "snappy", 0x20: "zstd"}
STATUS_OFFSET = 424  # signature[8] version(4) utsname(6*65) pad timeval(16)


def kdump_compression(path):
    with open(path, "rb") as f:
        hdr = f.read(STATUS_OFFSET + 4)
    if len(hdr) < STATUS_OFFSET + 4 or hdr[:8] != b"KDUMP   ":
        raise Error(f"{path}: not a kdump-compressed file (signature {hdr[:8]!r})")
    status = struct.unpack_from("<I", hdr, STATUS_OFFSET)[0]
    names = [n for bit, n in KDUMP_COMPRESSION.items() if status & bit]
    return names[0] if len(names) == 1 else ("none" if not names else "+".join(names))


def _decompressed(path):
    data = open(path, "rb").read()
    if path.endswith(".ko"):
        return data
    if path.endswith(".ko.xz"):
        return lzma.decompress(data)
    if path.endswith(".ko.gz"):
        return gzip.decompress(data)
    if path.endswith(".ko.zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              capture_output=True).stdout
    raise Error(f"{path}: unknown module compression")


def _modinfo(data):
    """key -> [values] from the module's .modinfo ELF section."""
    shoff = struct.unpack_from("<Q", data, 40)[0]
    shnum, shstrndx = struct.unpack_from("<HH", data, 60)

    def shdr(i):
        name, _, _, _, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * SHDR_SIZE)
        return name, off, size

    strtab_off = shdr(shstrndx)[1]
    for i in range(shnum):
        name, off, size = shdr(i)
        end = data.index(b"\0", strtab_off + name)
        if data[strtab_off + name:end] == b".modinfo":
            info = {}
            for entry in data[off:off + size].split(b"\0"):
                if b"=" in entry:
                    k, v = entry.decode(errors="replace").split("=", 1)
                    info.setdefault(k, []).append(v)
            return info
    return {}


def _norm(name):
    return name.replace("-", "_")


def copy_modules(moddir, outdir, names):
    """Resolve NAMEs (and their 'depends=') against the extracted module tree;
    built-in modules (modules.builtin) need nothing.  Writes OUTDIR/<name>.ko
    uncompressed (busybox insmod cannot decompress) and OUTDIR/load-order,
    dependencies first."""
    index, builtin = {}, set()
    for root, _, files in os.walk(moddir):
        for fn in files:
            for ext in (".ko", ".ko.xz", ".ko.gz", ".ko.zst"):
                if fn.endswith(ext):
                    index[_norm(fn[:-len(ext)])] = os.path.join(root, fn)
            if fn == "modules.builtin":
                for line in open(os.path.join(root, fn)):
                    builtin.add(_norm(os.path.basename(line.strip()).split(".ko")[0]))

    order, seen = [], set()

    def visit(name, chain):
        name = _norm(name)
        if name in seen or name in builtin:
            return
        if name in chain:
            raise Error(f"module dependency cycle: {' -> '.join(chain + [name])}")
        if name not in index:
            raise Error(f"module {name} ({' <- '.join(reversed(chain)) or 'requested'})"
                        f" is neither built in nor in {moddir}")
        data = _decompressed(index[name])
        for dep in ",".join(_modinfo(data).get("depends", [""])).split(","):
            if dep:
                visit(dep, chain + [name])
        seen.add(name)
        with open(os.path.join(outdir, name + ".ko"), "wb") as f:
            f.write(data)
        order.append(name + ".ko")

    os.makedirs(outdir, exist_ok=True)
    for n in names:
        if _norm(n) in builtin:
            print(f"{n}: built in", file=sys.stderr)
        visit(n, [])
    with open(os.path.join(outdir, "load-order"), "w") as f:
        f.writelines(m + "\n" for m in order)
    print(" ".join(order) or "(none)")


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "fix-elf-phdrs":
            fix_elf_phdrs(argv[1], argv[2])
        elif len(argv) == 2 and argv[0] == "kdump-compression":
            print(kdump_compression(argv[1]))
        elif len(argv) == 3 and argv[0] == "modinfo":
            values = _modinfo(_decompressed(argv[1])).get(argv[2])
            if not values:
                raise Error(f"{argv[1]}: no {argv[2]} in .modinfo")
            print("\n".join(values))
        elif len(argv) >= 3 and argv[0] == "modules":
            copy_modules(argv[1], argv[2], argv[3:])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (Error, OSError, struct.error, ValueError, subprocess.CalledProcessError) as e:
        print(f"dumputil: ERROR: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
