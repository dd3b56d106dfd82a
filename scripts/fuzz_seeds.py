#!/usr/bin/env python3
"""Cuts the fuzz targets' seed corpora from the generated dumps (scripts/fuzz-seeds.sh runs it).

Small slices go to fuzz/corpus/TARGET/ (checked in; the normal test command replays them);
whole sections and rings, too large for the repository, to the cache directory given (libFuzzer
starts from both). Every seed is derived from a real dump, its vmlinux or its console log.
"""
import argparse
import csv
import os
import random
import struct
import subprocess
import sys


# --- minimal ELF64 reading (no pyelftools on Debian 12 by default) -------------------------------
class Elf:
    def __init__(self, path):
        self.path = path
        self.f = open(path, 'rb')
        h = self.read(0, 64)
        if h[:4] != b'\x7fELF' or h[4] != 2:
            raise ValueError(path + ': not an ELF64 file')
        self.phoff, self.shoff = struct.unpack_from('<QQ', h, 32)
        self.phentsize, self.phnum, self.shentsize, self.shnum, self.shstrndx = \
            struct.unpack_from('<HHHHH', h, 54)
        self.sections = []
        for i in range(self.shnum):
            s = self.read(self.shoff + i * self.shentsize, 64)
            name, typ, flags, addr, off, size, link, info, align, entsize = \
                struct.unpack('<IIQQQQIIQQ', s)
            self.sections.append(dict(name=name, type=typ, addr=addr, offset=off, size=size,
                                      link=link, entsize=entsize))
        if self.shnum:
            names = self.sections[self.shstrndx]
            table = self.read(names['offset'], names['size'])
            for s in self.sections:
                s['name'] = table[s['name']:table.index(b'\0', s['name'])].decode()

    def read(self, offset, size):
        self.f.seek(offset)
        return self.f.read(size)

    def section(self, name):
        for s in self.sections:
            if s['name'] == name:
                return s
        return None

    def section_bytes(self, name):
        s = self.section(name)
        return None if s is None else self.read(s['offset'], s['size'])

    def bytes_at(self, address, size):
        """Bytes at a link-time address, from the section that holds it."""
        for s in self.sections:
            if s['addr'] and s['addr'] <= address < s['addr'] + s['size'] and s['type'] != 8:
                return self.read(s['offset'] + address - s['addr'], size)
        return None

    def program_headers(self):
        for i in range(self.phnum):
            p = self.read(self.phoff + i * self.phentsize, 56)
            yield struct.unpack('<IIQQQQQQ', p)  # type flags offset vaddr paddr filesz memsz align


def symbols_of(vmlinux):
    """{name: (address, size, is_function)} from nm (binutils is a build dependency)."""
    out = {}
    text = subprocess.run(['nm', '-S', '--defined-only', vmlinux], check=True,
                          capture_output=True, text=True).stdout
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4:
            out.setdefault(parts[3], (int(parts[0], 16), int(parts[1], 16), parts[2] in 'tT'))
        elif len(parts) == 3:
            out.setdefault(parts[2], (int(parts[0], 16), 0, parts[1] in 'tT'))
    return out


def notes_of(data):
    """(type, name, descriptor) of each ELF note in a PT_NOTE segment's bytes."""
    at = 0
    while at + 12 <= len(data):
        namesz, descsz, typ = struct.unpack_from('<III', data, at)
        name = data[at + 12:at + 12 + namesz]
        desc_at = at + 12 + ((namesz + 3) & ~3)
        yield typ, name.rstrip(b'\0'), data[desc_at:desc_at + descsz]
        at = desc_at + ((descsz + 3) & ~3)


class Corpus:
    def __init__(self, repo_dir, cache_dir):
        self.repo_dir, self.cache_dir = repo_dir, cache_dir
        self.counts = {}

    def put(self, target, name, data, large=False):
        where = os.path.join(self.cache_dir if large else self.repo_dir, target)
        os.makedirs(where, exist_ok=True)
        with open(os.path.join(where, name), 'wb') as f:
            f.write(data)
        key = (target, 'cache' if large else 'repo')
        self.counts[key] = self.counts.get(key, 0) + 1


def slug(row):
    return '%s-%s-%s-%s' % (row['kernel'].split('-')[0].split('+')[0], row['scenario'],
                           row['method'], row['format'])


# --- one function per target ---------------------------------------------------------------------
def dump_file_seeds(corpus, rows):
    """Heads of each dump format: headers, sub-header, notes, bitmaps, the first descriptors."""
    seen = set()
    for row in rows:
        if row['scenario'] != 'process' or (row['kernel'], row['format']) in seen:
            continue
        seen.add((row['kernel'], row['format']))
        with open(row['dump'], 'rb') as f:
            head = f.read(64 << 10)
        # Every format of the main kernel, the ELF of the others, in the repository.
        small = row['kernel'] == rows[0]['kernel'] or row['format'] == 'elf'
        # The whole header area (header, sub-header, notes, bitmaps) of a makedumpfile kdump.
        size = 48 << 10 if row['format'] != 'elf' else 16 << 10
        corpus.put('dump_file', slug(row) + '.head', head[:size], large=not small)
        corpus.put('dump_file', slug(row) + '.head64k', head, large=True)
        if os.path.getsize(row['dump']) <= 8 << 20:
            with open(row['dump'], 'rb') as f:
                corpus.put('dump_file', slug(row) + '.whole', f.read(), large=True)


def elf_notes(path):
    elf = Elf(path)
    for typ, flags, offset, vaddr, paddr, filesz, memsz, align in elf.program_headers():
        if typ == 4:  # PT_NOTE
            yield from notes_of(elf.read(offset, filesz))


def vmcoreinfo_and_prstatus_seeds(corpus, rows):
    for row in rows:
        if row['format'] != 'elf' or row['scenario'] not in ('process', 'nmi'):
            continue
        cpu = 0
        for typ, name, desc in elf_notes(row['dump']):
            if name == b'VMCOREINFO':
                corpus.put('vmcoreinfo', slug(row), desc.rstrip(b'\0'))
            elif typ == 1 and name == b'CORE':  # NT_PRSTATUS
                corpus.put('prstatus', '%s-cpu%d' % (slug(row), cpu), desc)
                cpu += 1
    # kdump-compressed files: the header blocks with the sub-header's note area in them.
    for row in rows:
        if row['method'] == 'kdump' and row['scenario'] == 'process':
            with open(row['dump'], 'rb') as f:
                corpus.put('prstatus', slug(row) + '.head', f.read(12 << 10))


def console_seeds(corpus, rows):
    """The last lines of each scenario's console: its crash report, as the serial port saw it."""
    seen = set()
    for row in rows:
        if (row['kernel'], row['scenario']) in seen or not os.path.exists(row['console']):
            continue
        seen.add((row['kernel'], row['scenario']))
        with open(row['console'], 'rb') as f:
            lines = f.read().splitlines(keepends=True)
        corpus.put('console_triage', slug(row), b''.join(lines[-80:]),
                   large=row['kernel'] != rows[0]['kernel'] and row['scenario'].startswith('mod-'))
        corpus.put('console_triage', slug(row) + '.whole', b''.join(lines), large=True)


def vmlinuxes(rows):
    seen = {}
    for row in rows:
        seen.setdefault(row['kernel'], row)
    return seen.values()


def btf_record_size(kind, vlen):
    extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 13: 8 * vlen, 14: 4,
             15: 12 * vlen, 17: 4, 19: 12 * vlen}
    return 12 + extra.get(kind, 0)


def btf_cut(btf, types_kept, strings_kept):
    """The header, the first `types_kept` type records and the start of the string section."""
    magic, version, flags, hdr_len, type_off, type_len, str_off, str_len = \
        struct.unpack_from('<HBBIIIII', btf, 0)
    types = btf[hdr_len + type_off:hdr_len + type_off + type_len]
    at = 0
    for _ in range(types_kept):
        if at + 12 > len(types):
            break
        info = struct.unpack_from('<I', types, at + 4)[0]
        at += btf_record_size((info >> 24) & 0x1f, info & 0xffff)
    strings = btf[hdr_len + str_off:hdr_len + str_off + min(str_len, strings_kept)]
    strings = strings[:strings.rindex(b'\0') + 1]  # the string table ends in a NUL
    header = struct.pack('<HBBIIIII', magic, version, flags, 24, 0, at, at, len(strings))
    return header + types[:at] + strings


def vmlinux_seeds(corpus, rows, scratch):
    for row in vmlinuxes(rows):
        tag = row['kernel'].split('-')[0].split('+')[0]
        elf = Elf(row['vmlinux'])
        syms = symbols_of(row['vmlinux'])
        btf = elf.section_bytes('.BTF')
        if btf:
            corpus.put('btf', tag + '.whole', btf, large=True)
            corpus.put('btf', tag + '.first200', btf_cut(btf, 200, 12 << 10))
            corpus.put('btf', tag + '.first2000', btf_cut(btf, 2000, 64 << 10), large=True)
        orc_seeds(corpus, elf, syms, tag, row['kernel'])
        line_seeds(corpus, elf, tag)
        symbol_seeds(corpus, syms, tag)
        entry_seeds(corpus, elf, syms, tag)
        kallsyms_seeds(corpus, elf, syms, tag)


def orc_seeds(corpus, elf, syms, tag, release):
    ips, orcs = elf.section('.orc_unwind_ip'), elf.section('.orc_unwind')
    if not ips or not orcs:
        return
    fmt = 2 if not release.startswith('6.1.') else 0  # 6.12: the 6.4+ layout; 6.1: its own
    count = ips['size'] // 4
    for start in (0, count // 3, count - 256):
        n = 256
        ip_bytes = elf.read(ips['offset'] + 4 * start, 4 * n)
        orc_bytes = elf.read(orcs['offset'] + 6 * start, 6 * n)
        seed = struct.pack('<BQI', fmt, ips['addr'] + 4 * start, n) + ip_bytes + orc_bytes
        corpus.put('orc', '%s-at%d' % (tag, start), seed)


def line_units(section):
    at = 0
    while at + 4 <= len(section):
        length = struct.unpack_from('<I', section, at)[0]
        if length >= 0xfffffff0:
            return
        yield at, length + 4
        at += length + 4


def line_seeds(corpus, elf, tag):
    line = elf.section_bytes('.debug_line')
    line_str = elf.section_bytes('.debug_line_str') or b''
    if not line:
        return
    units = list(line_units(line))
    # Small units (a few KB) from the start, the middle and the end of the section.
    picks = [u for u in units if 200 < u[1] < 6000]
    for at, size in picks[:2] + picks[len(picks) // 2:len(picks) // 2 + 1] + picks[-1:]:
        seed = struct.pack('<BIII', 2, 0, len(line_str), 0) + line_str + line[at:at + size]
        corpus.put('debug_line', '%s-unit%x' % (tag, at), seed, large=len(seed) > (40 << 10))


def symbol_seeds(corpus, syms, tag):
    by_address = sorted((a, s, f, n) for n, (a, s, f) in syms.items() if a)
    rnd = random.Random(14)
    for start in [0, len(by_address) // 2] + [rnd.randrange(len(by_address)) for _ in range(2)]:
        out = bytearray(b'\x01')
        for address, size, function, name in by_address[start:start + 120]:
            name = name.encode()[:255]
            out += struct.pack('<QQQB', address, size, 0xffffffffffffffff, function)
            out += bytes([len(name)]) + name
        corpus.put('symbol_table', '%s-at%d' % (tag, start), bytes(out))


def kallsyms_seeds(corpus, elf, syms, tag):
    """The kallsyms tables of the vmlinux's .rodata (what the dump-alone mode reads from memory),
    cut to their first N symbols (the names a length byte, two when it has bit 7, then tokens)."""
    need = ['kallsyms_num_syms', 'kallsyms_names', 'kallsyms_token_table',
            'kallsyms_token_index', 'kallsyms_offsets', 'kallsyms_relative_base']
    if any(n not in syms for n in need):
        return
    read = lambda name, size: elf.bytes_at(syms[name][0], size)
    total = struct.unpack('<I', read('kallsyms_num_syms', 4))[0]
    # nm gives these no sizes: each table reaches the next (names, markers, token table, index).
    names = read('kallsyms_names', syms['kallsyms_token_table'][0] - syms['kallsyms_names'][0])
    table = read('kallsyms_token_table',
                 syms['kallsyms_token_index'][0] - syms['kallsyms_token_table'][0])
    index = read('kallsyms_token_index', 512)
    base = struct.unpack('<Q', read('kallsyms_relative_base', 8))[0]
    if not names or not table or not index:
        return
    for n in (1, 64, 400):
        n = min(n, total)
        at = 0
        for _ in range(n):
            length = names[at]
            if length & 0x80:
                length = (length & 0x7f) | (names[at + 1] << 7)
                at += 1
            at += 1 + length
        offsets = read('kallsyms_offsets', 4 * n)
        seed = struct.pack('<IQBQ', n, base, 0, base & ~0xffffff) + \
            struct.pack('<I', at) + names[:at] + struct.pack('<I', len(table)) + table + \
            struct.pack('<I', len(index)) + index + offsets
        corpus.put('kallsyms', '%s-first%d' % (tag, n), seed)


# (symbol, boundary kind, entry frame): BoundaryKind Syscall 0, Interrupt 1, Exception 2, Nmi 3;
# EntryFrame Iret 0, IretErrorCode 1, None 2, TaskTop 3.
ENTRY_POINTS = [('entry_SYSCALL_64', 0, 2), ('asm_exc_page_fault', 2, 1),
                ('asm_common_interrupt', 1, 1), ('asm_exc_nmi', 3, 0),
                ('asm_exc_int3', 2, 0), ('ret_from_fork', 2, 3)]


def entry_seeds(corpus, elf, syms, tag):
    for name, kind, frame in ENTRY_POINTS:
        if name not in syms or not syms[name][1]:
            continue
        address, size, _ = syms[name]
        code = elf.bytes_at(address, min(size, 4096) + 256)  # and what follows (error_entry...)
        if not code:
            continue
        helpers = [syms.get(h, (0,))[0] for h in ('sync_regs', '__x86_return_thunk')]
        offsets = [h - address if 0 < h - address < 0xffff else 0xffff for h in helpers]
        seed = struct.pack('<BHBBHHHB', 0, 0, kind, frame, offsets[0], offsets[1], 0xffff, 0)
        corpus.put('entry_decoder', '%s-%s' % (tag, name), seed + code)


# --- the printk ring, read with drgn -------------------------------------------------------------
PRINTK_SCRIPT = r'''
import drgn, struct, sys
from drgn.helpers.linux.printk import get_printk_records
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
prb = prog['prb']
ring = prog.read(prb.value_(), 88)
dr, tr = prb.desc_ring, prb.text_data_ring
count, size = 1 << dr.count_bits.value_(), 1 << tr.size_bits.value_()
descs = prog.read(dr.descs.value_(), count * 24)
infos = prog.read(dr.infos.value_(), count * 88)
data = prog.read(tr.data.value_(), size)
blob = struct.pack('<III', len(descs), len(infos), len(data)) + ring + descs + infos + data
records = get_printk_records(prog)[-12:]
out = b''
for r in records:
    out += struct.pack('<QQIBB', r.seq, r.timestamp, len(r.text), r.facility, r.level) + r.text
sys.stdout.buffer.write(struct.pack('<Q', len(blob)) + blob + out)
'''


def mini_ring(records, count_bits=4, size_bits=11):
    """A ring of 2^count_bits descriptors and a 2^size_bits byte text ring holding `records`
    as the kernel lays them out (blocks that would cross the end start over at 0)."""
    count, size = 1 << count_bits, 1 << size_bits
    descs, infos, data = bytearray(24 * count), bytearray(88 * count), bytearray(size)
    first_id, lpos = 3 * count + 1, 5 * size  # ids and positions well past their first wrap
    ids = []
    for i, (seq, ts, text, facility, level) in enumerate(records):
        rid = first_id + i
        block = (8 + len(text) + 7) & ~7
        if block > size:
            continue
        if lpos % size + block > size:
            lpos = (lpos // size + 1) * size  # the kernel starts such a block at the ring's start
        begin, nxt = lpos, lpos + block
        lpos = nxt
        index = rid % count
        struct.pack_into('<QQQ', descs, 24 * index, (2 << 62) | rid, begin, nxt)  # finalized
        struct.pack_into('<QQHBB', infos, 88 * index, seq, ts, len(text), facility, level << 5)
        struct.pack_into('<Q', data, begin % size, rid)
        data[begin % size + 8:begin % size + 8 + len(text)] = text
        ids.append(rid)
    ring = bytearray(88)
    struct.pack_into('<I', ring, 0, count_bits)
    struct.pack_into('<QQ', ring, 0x18, ids[-1], ids[0])
    struct.pack_into('<I', ring, 0x30, size_bits)
    return struct.pack('<III', len(descs), len(infos), len(data)) + bytes(ring) + descs + infos + data


def printk_seeds(corpus, rows):
    done = set()
    for row in rows:
        if row['method'] != 'kdump' or row['kernel'] in done:
            continue
        done.add(row['kernel'])
        # Debian's python3, where python3-drgn installs, whatever python3 is first on PATH.
        run = subprocess.run(['/usr/bin/python3', '-c', PRINTK_SCRIPT, row['dump'], row['vmlinux']],
                             capture_output=True)
        if run.returncode != 0 or not run.stdout:
            print('fuzz-seeds: drgn could not read the printk ring of %s: %s' %
                  (row['dump'], run.stderr.decode(errors='replace')[-300:]), file=sys.stderr)
            continue
        tag = slug(row)
        blob_size = struct.unpack_from('<Q', run.stdout, 0)[0]
        corpus.put('printk_ring', tag + '.whole', run.stdout[8:8 + blob_size], large=True)
        records, raw = [], run.stdout
        at = 8 + blob_size
        while at + 22 <= len(raw):
            seq, ts, n, facility, level = struct.unpack_from('<QQIBB', raw, at)
            records.append((seq, ts, raw[at + 22:at + 22 + n][:300], facility, level))
            at += 22 + n
        if records:
            corpus.put('printk_ring', tag + '.last12', mini_ring(records))
            corpus.put('printk_ring', tag + '.last4', mini_ring(records[-4:], 2, 9))


def bt_pages_seeds(corpus):
    """Damage records (fuzz/support/damaged_memory.h): none (the clean run), then a few of each
    kind from a fixed random seed."""
    corpus.put('bt_pages', 'clean', b'')
    rnd = random.Random(1414)
    for n in range(8):
        out = bytearray()
        for _ in range(1 + n):
            kind = rnd.randrange(4)
            out += struct.pack('<BIB', kind, rnd.getrandbits(32), rnd.randrange(256))
            if kind == 3:
                out += struct.pack('<IH', rnd.getrandbits(32), rnd.getrandbits(16))
            elif kind != 2:
                out += rnd.randbytes(16)
        corpus.put('bt_pages', 'damage%d' % n, bytes(out))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--manifest', required=True)
    p.add_argument('--repo-dir', required=True, help='fuzz/corpus: small seeds, checked in')
    p.add_argument('--cache-dir', required=True, help='large seeds, outside the repository')
    args = p.parse_args()
    with open(args.manifest) as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    corpus = Corpus(args.repo_dir, args.cache_dir)
    dump_file_seeds(corpus, rows)
    vmcoreinfo_and_prstatus_seeds(corpus, rows)
    console_seeds(corpus, rows)
    vmlinux_seeds(corpus, rows, args.cache_dir)
    printk_seeds(corpus, rows)
    bt_pages_seeds(corpus)
    for (target, where), n in sorted(corpus.counts.items()):
        print('%-16s %-5s %d seeds' % (target, where, n))


if __name__ == '__main__':
    main()
