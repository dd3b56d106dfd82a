#!/usr/bin/env python3
"""The mutation campaign of issue 14: damaged copies of every generated dump, fed to the CLI.

Each run picks a dump from the manifest (testdata/generate.sh), one mutation and one verb:

  truncate     the file cut at a random size (the header area, the notes, the pages)
  flip         random bytes flipped, half of them in the first 64 KiB (headers, notes, bitmaps)
  header       one field of the kdump header / sub-header or of the ELF header / a program
               header / a note header set to 0, 1, a small value, huge or negative
  vmcoreinfo   one VMCOREINFO line changed (0, 1, huge, negative, garbage, a path, deleted)
  descriptor   (kdump) page descriptors damaged: size, offset, compression flags
  page         a whole page of data overwritten (random, zeros, 0xff)
  vmlinux      the vmlinux damaged: a section header's offset/size, or bytes in .BTF, .symtab,
               .orc_unwind*, .debug_line, .debug_info; or the vmlinux truncated
  misuse       a FIFO as the dump or the vmlinux, a directory, /dev/zero, an empty file, the
               other kernel's vmlinux, the vmlinux as the dump, the dump as the vmlinux

and runs `panicscope VERB ... DUMP --vmlinux VMLINUX` under a timeout and an address-space
limit, measuring its peak RSS. Each run is classified:

  clean error  exit 1 or 2 and stderr ending in one "panicscope: ..." line (no internal error)
  success      exit 0
  crash        killed by a signal, or a sanitizer report
  hang         still running at the timeout
  over 1 GiB   peak RSS above 1 GiB (or an allocation the address-space limit refused)
  other        anything else (exit 1 with no message, an "internal error", ...): a defect too

The table of counts is printed at the end; every run that is not a clean error or a success is
written to RESULTS_DIR/findings.jsonl as a recipe (its seed, run number and the explicit
mutation) that `--replay FILE:LINE` turns back into the same file and command. Runs are
reproducible from --seed: run N of seed S always makes the same mutation.

Usage: scripts/mutation-campaign.py --binary build/cli/panicscope [--asan-binary B --asan-share
0.2] [--runs N | --minutes M] [--jobs J] [--manifest FILE] [--results DIR]
"""
import argparse
import collections
import csv
import json
import os
import random
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

GIB = 1 << 30
VERBS = [['info'], ['info', '--json'], ['ps'], ['ps', '--json'], ['bt'], ['bt', '--all'],
         ['bt', '--all', '--json'], ['bt', '-a', '-l'], ['log'], ['log', '--json'], ['sys'],
         ['mod'], ['kmem', '-i'], ['runq'], ['irq'], ['triage', '--json'], ['sym', 'schedule'],
         ['rd', '-s', 'jiffies', '16'], ['p', 'init_uts_ns.name.release'], ['search', '-l',
                                                                           '0x100000', '0x0']]
# The mutation kinds and how often each is drawn.
KINDS = [('truncate', 10), ('flip', 20), ('header', 20), ('vmcoreinfo', 15), ('descriptor', 10),
         ('page', 12), ('vmlinux', 5), ('misuse', 8)]
CLASSES = ['clean error', 'success', 'crash', 'hang', 'over 1 GiB', 'other']


# --- facts of a dump file ------------------------------------------------------------------------
def is_kdump(path):
    with open(path, 'rb') as f:
        return f.read(8) in (b'KDUMP   ', b'DISKDUMP')


def kdump_layout(path):
    """The header fields a mutation aims at: block size, sub-header size, bitmap blocks, and the
    offsets of the sub-header's VMCOREINFO and notes."""
    with open(path, 'rb') as f:
        head = f.read(4096)
        block, sub, bitmap = struct.unpack_from('<iiI', head, 428)
        f.seek(block)
        subh = f.read(104)
    vmcoreinfo_off, vmcoreinfo_size, note_off, note_size = struct.unpack_from('<QQQQ', subh, 32)
    return dict(block=block, sub=sub, bitmap=bitmap, vmcoreinfo=(vmcoreinfo_off, vmcoreinfo_size),
                notes=(note_off, note_size), descs=(1 + sub + bitmap) * block)


def find_vmcoreinfo(path):
    """(offset, length) of each VMCOREINFO text in the first 4 MiB of a dump."""
    with open(path, 'rb') as f:
        head = f.read(4 << 20)
    out, at = [], 0
    while True:
        at = head.find(b'OSRELEASE=', at)
        if at < 0:
            return out
        end = head.find(b'\0', at)
        end = len(head) if end < 0 else end
        out.append((at, end - at))
        at = end


# --- drawing a mutation (explicit parameters: a recipe) ------------------------------------------
def draw(rnd, row, rows):
    kinds = [k for k, w in KINDS for _ in range(w)]
    kind = rnd.choice(kinds)
    size = os.path.getsize(row['dump'])
    kdump = is_kdump(row['dump'])
    m = dict(kind=kind)
    if kind == 'truncate':
        # Mostly in the header area, where each byte matters; sometimes anywhere.
        m['size'] = rnd.randrange(min(size, 1 << 20)) if rnd.random() < 0.6 else rnd.randrange(size)
    elif kind == 'flip':
        m['positions'] = [rnd.randrange(min(size, 64 << 10)) if rnd.random() < 0.5 else
                          rnd.randrange(size) for _ in range(rnd.choice([1, 1, 2, 8, 64]))]
        m['masks'] = [1 << rnd.randrange(8) if rnd.random() < 0.7 else rnd.randrange(1, 256)
                      for _ in m['positions']]
    elif kind == 'header':
        m.update(draw_header(rnd, row['dump'], kdump))
    elif kind == 'vmcoreinfo':
        m.update(draw_vmcoreinfo(rnd, row['dump']))
    elif kind == 'descriptor' and kdump:
        lay = kdump_layout(row['dump'])
        m['offset'] = lay['descs'] + 24 * rnd.randrange(4096)
        m['field'] = rnd.choice(['offset', 'size', 'flags', 'all'])
        m['value'] = rnd.choice([0, 1, 4095, 4097, 1 << 31, (1 << 32) - 1, (1 << 63) - 1, -1,
                                 size + 4096, rnd.getrandbits(32)])
    elif kind in ('page', 'descriptor'):
        m['kind'] = 'page'
        m['page'] = rnd.randrange(max(size // 4096, 1))
        m['fill'] = rnd.choice(['random', 'zeros', 'ones'])
        m['seed'] = rnd.getrandbits(32)
    elif kind == 'vmlinux':
        m.update(draw_vmlinux(rnd))
    elif kind == 'misuse':
        others = [r['vmlinux'] for r in rows if r['vmlinux'] != row['vmlinux']]
        m['how'] = rnd.choice(['fifo-dump', 'fifo-vmlinux', 'directory', 'dev-zero', 'empty',
                               'wrong-vmlinux', 'vmlinux-as-dump', 'dump-as-vmlinux'])
        if m['how'] == 'wrong-vmlinux':
            m['other'] = rnd.choice(others) if others else row['vmlinux']
    return m


def draw_header(rnd, path, kdump):
    values = [0, 1, 2, 7, 4096, 0x7fffffff, 0xffffffff, (1 << 63) - 1, (1 << 64) - 1, -1, -4096,
              rnd.getrandbits(64)]
    value = rnd.choice(values)
    if kdump:
        lay = kdump_layout(path)
        fields = [('header_version', 8, 4), ('block_size', 428, 4), ('sub_hdr_size', 432, 4),
                  ('bitmap_blocks', 436, 4), ('max_mapnr', 440, 4), ('nr_cpus', 460, 4),
                  ('status', 424, 4)]
        sub = [('phys_base', 0, 8), ('split', 12, 4), ('start_pfn', 16, 8), ('end_pfn', 24, 8),
               ('offset_vmcoreinfo', 32, 8), ('size_vmcoreinfo', 40, 8), ('offset_note', 48, 8),
               ('size_note', 56, 8), ('max_mapnr_64', 96, 8)]
        fields += [(n, lay['block'] + o, w) for n, o, w in sub]
        if lay['notes'][1]:
            fields += [('note.namesz', lay['notes'][0], 4), ('note.descsz', lay['notes'][0] + 4, 4)]
        name, offset, width = rnd.choice(fields)
    else:
        with open(path, 'rb') as f:
            head = f.read(64)
        phoff, = struct.unpack_from('<Q', head, 32)
        phnum, = struct.unpack_from('<H', head, 56)
        i = rnd.randrange(max(phnum, 1))
        ph = phoff + 56 * i
        fields = [('e_phoff', 32, 8), ('e_phnum', 56, 2), ('e_phentsize', 54, 2),
                  ('p_type', ph, 4), ('p_offset', ph + 8, 8), ('p_vaddr', ph + 16, 8),
                  ('p_paddr', ph + 24, 8), ('p_filesz', ph + 32, 8), ('p_memsz', ph + 40, 8)]
        with open(path, 'rb') as f:
            f.seek(phoff)
            for j in range(phnum):
                typ, = struct.unpack('<I', f.read(56)[:4])
                if typ == 4:  # PT_NOTE: its first note's header
                    f.seek(phoff + 56 * j + 8)
                    note, = struct.unpack('<Q', f.read(8))
                    fields += [('note.namesz', note, 4), ('note.descsz', note + 4, 4)]
                    break
        name, offset, width = rnd.choice(fields)
    return dict(field=name, offset=offset, width=width, value=value)


VMCOREINFO_EDITS = [('PAGESIZE', ['0', '1', '3', '4095', '65536', '18446744073709551615', '-1']),
                    ('KERNELOFFSET', ['0', 'zz', 'ffffffffffffffff', '']),
                    ('OSRELEASE', ['../../../etc', '', '6.1.0-wrong', 'a/b']),
                    ('SYMBOL(swapper_pg_dir)', ['0', 'ffffffffffffffff', '1000']),
                    ('SYMBOL(init_uts_ns)', ['0', 'ffffffffffffffff']),
                    ('NUMBER(phys_base)', ['-9223372036854775808', '9223372036854775807', 'x']),
                    ('NUMBER(pgtable_l5_enabled)', ['1', '2']),
                    ('SIZE(page)', ['0', '18446744073709551615']),
                    ('OFFSET(page.flags)', ['18446744073709551615']),
                    ('LENGTH(mem_section)', ['0', '18446744073709551615']),
                    ('CRASHTIME', ['0', '-1']), ('BUILD-ID', ['00', ''])]


def draw_vmcoreinfo(rnd, path):
    key, values = rnd.choice(VMCOREINFO_EDITS)
    return dict(key=key, value=rnd.choice(values + [None]))  # None: the line deleted


def draw_vmlinux(rnd):
    return dict(section=rnd.choice(['.BTF', '.symtab', '.strtab', '.orc_unwind', '.orc_unwind_ip',
                                    '.debug_line', '.debug_info', '.debug_abbrev', '.text']),
                how=rnd.choice(['header-offset', 'header-size', 'bytes', 'truncate']),
                seed=rnd.getrandbits(32))


# --- applying a mutation -------------------------------------------------------------------------
def copy(src, dst, size=None):
    with open(src, 'rb') as a, open(dst, 'wb') as b:
        if size is None:
            shutil.copyfileobj(a, b, 1 << 20)
        else:
            remaining = size
            while remaining > 0:
                chunk = a.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                b.write(chunk)
                remaining -= len(chunk)


def write_at(path, offset, data):
    with open(path, 'r+b') as f:
        if offset < 0 or offset >= os.path.getsize(path):
            return
        f.seek(offset)
        f.write(data)


def pack(value, width):
    return (value & ((1 << (8 * width)) - 1)).to_bytes(width, 'little')


def apply(m, row, work):
    """Makes the damaged files; returns (dump path, vmlinux path)."""
    dump, vmlinux = os.path.join(work, 'vmcore'), row['vmlinux']
    kind = m['kind']
    if kind == 'misuse':
        return apply_misuse(m, row, work)
    if kind == 'vmlinux':
        return row['dump'], apply_vmlinux(m, row['vmlinux'], os.path.join(work, 'vmlinux'))
    copy(row['dump'], dump, m['size'] if kind == 'truncate' else None)
    if kind == 'flip':
        with open(dump, 'r+b') as f:
            for at, mask in zip(m['positions'], m['masks']):
                f.seek(at)
                b = f.read(1)
                if b:
                    f.seek(at)
                    f.write(bytes([b[0] ^ mask]))
    elif kind == 'header':
        write_at(dump, m['offset'], pack(m['value'], m['width']))
    elif kind == 'vmcoreinfo':
        edit_vmcoreinfo(dump, m['key'], m['value'])
    elif kind == 'descriptor':
        fields = {'offset': (0, 8), 'size': (8, 4), 'flags': (12, 4)}
        for name, (off, width) in fields.items():
            if m['field'] in (name, 'all'):
                write_at(dump, m['offset'] + off, pack(m['value'], width))
    elif kind == 'page':
        fill = {'zeros': bytes(4096), 'ones': b'\xff' * 4096,
                'random': random.Random(m['seed']).randbytes(4096)}[m['fill']]
        write_at(dump, 4096 * m['page'], fill)
    return dump, vmlinux


def edit_vmcoreinfo(path, key, value):
    for offset, length in find_vmcoreinfo(path):
        with open(path, 'r+b') as f:
            f.seek(offset)
            text = f.read(length).decode('latin-1')
            lines = text.split('\n')
            out = []
            for line in lines:
                if line.startswith(key + '='):
                    if value is None:
                        continue
                    line = key + '=' + value
                out.append(line)
            new = '\n'.join(out).encode('latin-1')[:length]
            f.seek(offset)
            f.write(new + b'\0' * (length - len(new)))


def elf_sections(path):
    with open(path, 'rb') as f:
        head = f.read(64)
        shoff, = struct.unpack_from('<Q', head, 40)
        shnum, shstrndx = struct.unpack_from('<HH', head, 60)
        f.seek(shoff)
        raw = f.read(64 * shnum)
        headers = [struct.unpack_from('<IIQQQQIIQQ', raw, 64 * i) for i in range(shnum)]
        f.seek(headers[shstrndx][4])
        names = f.read(headers[shstrndx][5])
    out = {}
    for i, h in enumerate(headers):
        name = names[h[0]:names.index(b'\0', h[0])].decode()
        out[name] = dict(header=shoff + 64 * i, offset=h[4], size=h[5])
    return out


def apply_vmlinux(m, src, dst):
    rnd = random.Random(m['seed'])
    sections = elf_sections(src)
    s = sections.get(m['section']) or sections['.symtab']
    if m['how'] == 'truncate':
        copy(src, dst, s['offset'] + rnd.randrange(max(s['size'], 1)))
        return dst
    copy(src, dst)
    if m['how'] == 'header-offset':
        write_at(dst, s['header'] + 24, pack(rnd.choice([0, 1 << 40, (1 << 64) - 1,
                                                         s['offset'] + 4096]), 8))
    elif m['how'] == 'header-size':
        write_at(dst, s['header'] + 32, pack(rnd.choice([0, 1, 1 << 40, (1 << 64) - 1,
                                                         s['size'] * 2]), 8))
    else:
        for _ in range(rnd.choice([1, 16, 256])):
            write_at(dst, s['offset'] + rnd.randrange(max(s['size'], 1)),
                     bytes([rnd.randrange(256)]))
    return dst


def apply_misuse(m, row, work):
    how = m['how']
    dump, vmlinux = row['dump'], row['vmlinux']
    if how in ('fifo-dump', 'fifo-vmlinux'):
        fifo = os.path.join(work, 'fifo')
        os.mkfifo(fifo)
        return (fifo, vmlinux) if how == 'fifo-dump' else (dump, fifo)
    if how == 'directory':
        return work, vmlinux
    if how == 'dev-zero':
        return '/dev/zero', vmlinux
    if how == 'empty':
        empty = os.path.join(work, 'empty')
        open(empty, 'wb').close()
        return empty, vmlinux
    if how == 'wrong-vmlinux':
        return dump, m['other']
    if how == 'vmlinux-as-dump':
        return vmlinux, vmlinux
    return dump, dump  # dump-as-vmlinux


# --- running and classifying ---------------------------------------------------------------------
def run_cli(binary, verb, dump, vmlinux, timeout, as_limit, asan):
    args = [binary] + verb + [dump, '--vmlinux', vmlinux]
    env = dict(os.environ)
    if asan:
        env['ASAN_OPTIONS'] = 'detect_leaks=0:abort_on_error=1:allocator_may_return_null=1'
        env['UBSAN_OPTIONS'] = 'print_stacktrace=1:halt_on_error=1'

    def limits():
        os.setsid()
        if not asan:  # ASan reserves terabytes of address space
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    start = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, preexec_fn=limits, env=env)
    err = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read()))
    reader.start()
    hung = False
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            hung = True
            os.killpg(p.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    reader.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    stderr = (err[0] if err else b'').decode('utf-8', 'replace')
    return dict(rc=p.returncode, hung=hung, rss=usage.ru_maxrss * 1024, stderr=stderr,
                seconds=round(time.monotonic() - start, 2), args=args)


def classify(r):
    text = r['stderr']
    if r['hung']:
        return 'hang'
    if r['rc'] < 0 or 'AddressSanitizer' in text or 'runtime error:' in text or \
            'LeakSanitizer' in text:
        return 'crash'
    if r['rss'] > GIB or 'out of memory' in text:
        return 'over 1 GiB'
    if r['rc'] == 0:
        return 'success'
    lines = [l for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith('panicscope: ') and
              not l.startswith('panicscope: warning: ')]
    if r['rc'] in (1, 2) and len(errors) == 1 and lines[-1] == errors[0] and \
            'internal error' not in errors[0]:
        return 'clean error'
    return 'other'


def one_run(args, rows, n, workroot):
    rnd = random.Random(args.seed * 1000003 + n)
    # Every dump, the 512 MiB ELF captures less often: each run copies the file it damages.
    weights = [1.0 if os.path.getsize(r['dump']) < (100 << 20) else 0.3 for r in rows]
    row = rnd.choices(rows, weights)[0]
    mutation = draw(rnd, row, rows)
    verb = rnd.choice(VERBS)
    asan = args.asan_binary and rnd.random() < args.asan_share
    return execute(args, row, mutation, verb, asan, n, workroot)


def execute(args, row, mutation, verb, asan, n, workroot):
    work = tempfile.mkdtemp(dir=workroot)
    try:
        dump, vmlinux = apply(mutation, row, work)
        binary = args.asan_binary if asan else args.binary
        r = run_cli(binary, verb, dump, vmlinux, args.timeout, args.as_limit_mib << 20, asan)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    r['class'] = classify(r)
    return dict(run=n, seed=args.seed, dump=row['dump'], vmlinux=row['vmlinux'],
                kernel=row['kernel'], format=row['format'], mutation=mutation, verb=verb,
                asan=bool(asan), **r)


def print_table(counts, total, out=sys.stdout):
    out.write('%8s' % 'runs' + ''.join('%13s' % c for c in CLASSES) + '\n')
    out.write('%8d' % total + ''.join('%13d' % counts[c] for c in CLASSES) + '\n')


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--binary', required=True, help='panicscope to run')
    p.add_argument('--asan-binary', help='a sanitizer build of panicscope for a share of runs')
    p.add_argument('--asan-share', type=float, default=0.2)
    p.add_argument('--manifest', default=os.environ.get('PANICSCOPE_MANIFEST'))
    p.add_argument('--runs', type=int, default=5000)
    p.add_argument('--minutes', type=float, help='stop starting runs after this long')
    p.add_argument('--jobs', type=int, default=2)
    p.add_argument('--seed', type=int, default=14)
    p.add_argument('--first', type=int, default=0, help='first run number (to resume)')
    p.add_argument('--timeout', type=float, default=120, help='seconds before a run is a hang')
    p.add_argument('--as-limit-mib', type=int, default=4096, help='address-space limit')
    p.add_argument('--results', default='mutation-results')
    p.add_argument('--replay', help='FILE:LINE of a findings.jsonl: rerun that recipe')
    p.add_argument('--keep', help='with --replay: leave the damaged files in this directory')
    args = p.parse_args()
    os.makedirs(args.results, exist_ok=True)
    workroot = tempfile.mkdtemp(prefix='panicscope-mutation-')
    try:
        if args.replay:
            return replay(args, workroot)
        if not args.manifest:
            sys.exit('mutation-campaign: give --manifest (or set PANICSCOPE_MANIFEST)')
        with open(args.manifest) as f:
            rows = list(csv.DictReader(f, delimiter='\t'))
        return campaign(args, rows, workroot)
    finally:
        shutil.rmtree(workroot, ignore_errors=True)


def campaign(args, rows, workroot):
    import concurrent.futures as cf
    counts = collections.Counter()
    started = time.monotonic()
    findings = open(os.path.join(args.results, 'findings.jsonl'), 'a')
    log = open(os.path.join(args.results, 'runs.jsonl'), 'a')
    total = 0
    with cf.ThreadPoolExecutor(args.jobs) as pool:
        pending = set()
        n = args.first
        while True:
            while len(pending) < 2 * args.jobs and n < args.first + args.runs and \
                    (not args.minutes or time.monotonic() - started < 60 * args.minutes):
                pending.add(pool.submit(one_run, args, rows, n, workroot))
                n += 1
            if not pending:
                break
            done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for f in done:
                r = f.result()
                total += 1
                counts[r['class']] += 1
                r['stderr'] = r['stderr'][-2000:]
                log.write(json.dumps(r) + '\n')
                log.flush()
                if r['class'] not in ('clean error', 'success'):
                    findings.write(json.dumps(r) + '\n')
                    findings.flush()
                    print('run %d: %s: %s %s on %s %s: %s' % (
                        r['run'], r['class'], ' '.join(r['verb']), json.dumps(r['mutation']),
                        r['kernel'], r['format'], r['stderr'].strip().splitlines()[-1:]),
                        file=sys.stderr)
                if total % 50 == 0:
                    print('[%d runs, %.0f min]' % (total, (time.monotonic() - started) / 60),
                          dict(counts), file=sys.stderr)
    print_table(counts, total)
    with open(os.path.join(args.results, 'table.txt'), 'w') as t:
        print_table(counts, total, t)
    return 0 if counts['clean error'] + counts['success'] == total else 1


def replay(args, workroot):
    path, line = args.replay.rsplit(':', 1)
    with open(path) as f:
        recipe = json.loads(f.readlines()[int(line) - 1])
    row = dict(dump=recipe['dump'], vmlinux=recipe['vmlinux'], kernel=recipe['kernel'],
               format=recipe['format'])
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        dump, vmlinux = apply(recipe['mutation'], row, args.keep)
        print(' '.join([args.binary] + recipe['verb'] + [dump, '--vmlinux', vmlinux]))
        return 0
    r = execute(args, row, recipe['mutation'], recipe['verb'], recipe['asan'] and
                args.asan_binary, recipe['run'], workroot)
    print('%s (exit %d, %.1f s, %d MiB): %s' % (r['class'], r['rc'], r['seconds'],
                                                 r['rss'] >> 20, r['stderr'][-1500:]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
