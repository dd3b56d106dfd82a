#!/usr/bin/env bash
# README command (2), also what CI runs (.ci/run): install, build, generate the real test dumps
# (cached outside the tree), then run every test -- unit tests and the real-dump tests -- in the
# release build and again under AddressSanitizer/UBSan. The fuzz targets' seeds and regression
# inputs are replayed in both (ctest label `fuzz`; libFuzzer runs are scripts/fuzz.sh's, README
# "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${PANICSCOPE_JOBS:-$(nproc)}
scripts/install-deps.sh
release=$(scripts/build.sh release)
asan=$(scripts/build.sh asan)
# ctest's generate_dumps fixture makes the dumps before the tests that need them.
ctest --test-dir "$release" -j "$jobs" --output-on-failure --timeout 900
# fast_unwind_on_malloc=0: full stacks through libraries built without frame pointers, so the
# suppressions (scripts/lsan-suppressions.txt, leaks inside libkdumpfile) match by function.
# The sanitizer stage runs a subset: every code path once per kernel, its repetitions over more
# dumps left to the release run above (measured: 24 of the CI's 69 minutes were this stage, 2.3x
# the same tests in release). Left out under ASan:
# - the QEMU captures' four conversions of each ELF dump (QEMU kdump-zlib, makedumpfile zlib/lzo/
#   none: the same memory, read by libkdumpfile's code for the format), and the irq and nmi QEMU
#   ELF dumps (those stacks run from their real kdumps; ELF runs from process-qemu and
#   mod-overflow-qemu);
# - the scale dumps (the same walks over 3,800 tasks);
# - 6.12's module crashes but mod-bug and mod-overflow (6.1 runs all of them; 6.12's module list
#   and module frames run from those two), and dump-alone on the mod-bug dumps;
# - the batch triage tests but the one that reads damaged cache entries (the workers run the
#   analysis Triage.* checks), the Slurm launcher's cluster and the dump-alone comparison over
#   every dump (the DumpAlone cases cover its code).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan" -j "$jobs" --output-on-failure --timeout 900 \
    -E '_qemu_(qemu_kdump_zlib|mdf_zlib|mdf_lzo|mdf_none)( |$)|_(irq|nmi)_qemu_elf|scale|k6_12_mod_(null|nullcall|timer|hrtimer|softlockup|hungtask)_|^Generated/DumpAlone\..*mod_bug|^TriageBatch\.(Every|ADirectory|Group|Workers|Usage)|^slurm_triage$|^Kernels/DumpAloneEveryDump\.'
