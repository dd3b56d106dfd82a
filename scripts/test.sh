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
# Under the sanitizers, the QEMU captures' four conversions of each ELF dump (QEMU kdump-zlib,
# makedumpfile zlib/lzo/none: the same memory, read by libkdumpfile's code for the format) are
# left to the release run above; every scenario still runs from its ELF and its real kdump.
# That halves the sanitizer run (~15 instead of ~26 minutes on 2 cores). The Slurm launcher's test
# (a one-node cluster) checks shell and scheduling, not memory: the release run has it, and so
# has the dump-alone comparison over every dump (the DumpAlone cases cover its code).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan" -j "$jobs" --output-on-failure --timeout 900 \
    -E '_qemu_(qemu_kdump_zlib|mdf_zlib|mdf_lzo|mdf_none)( |$)|^slurm_triage$|^Kernels/DumpAloneEveryDump\.'
