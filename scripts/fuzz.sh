#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (fuzz/README.md). Usage: scripts/fuzz.sh [TARGET|all] [SECONDS]
#   TARGET   one of fuzz/targets/*.cpp without .cpp (default: all, one after the other)
#   SECONDS  how long each target runs (default 60)
# Builds them with clang, libFuzzer, ASan and UBSan in build-fuzz/ (ccache when installed; the
# first build compiles all of core with clang: ~20 min on 2 busy cores, then seconds). Each run
# starts from fuzz/corpus/TARGET, the cache's seeds (scripts/fuzz-seeds.sh) and
# fuzz/regressions/TARGET, and keeps what it learns in the cache
# ($XDG_CACHE_HOME/panicscope/fuzz/corpus/TARGET). A crash, leak, timeout or out-of-memory input
# is written to .../fuzz/findings/TARGET/; check it in under fuzz/regressions/TARGET/ once fixed,
# so the normal test command replays it. The whole-path target bt_pages needs the generated dumps
# (testdata/generate.sh; PANICSCOPE_MANIFEST or the ctest fixture's record of them).
# Exit status: 0 when no target found anything.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-all}
seconds=${2:-60}
jobs=${PANICSCOPE_JOBS:-$(nproc)}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/panicscope/fuzz
scripts/install-deps.sh --fuzz

targets=()
for source in fuzz/targets/*.cpp; do
    name=$(basename "$source" .cpp)
    [ "$target" = all ] || [ "$target" = "$name" ] && targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz.sh: no target '$target'; the targets: $(ls fuzz/targets | sed 's/\.cpp$//' | tr '\n' ' ')" >&2
    exit 2
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DPANICSCOPE_FUZZ=ON \
    -DPANICSCOPE_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
ninja -C build-fuzz -j "$jobs" "${targets[@]/#/fuzz_}" >&2

if [ -z "${PANICSCOPE_MANIFEST:-}" ]; then
    for pointer in build/testdata/manifest-path build-dev/testdata/manifest-path; do
        [ -f "$pointer" ] && export PANICSCOPE_MANIFEST=$(cat "$pointer") && break
    done
fi
# Leaks inside libkdumpfile are known (scripts/lsan-suppressions.txt); everything else counts.
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt"
export ASAN_OPTIONS=fast_unwind_on_malloc=0:allocator_may_return_null=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The targets that open a dump file per input (see the fork mode below).
leaks_per_input=(dump_file)

status=0
summary=()
for name in "${targets[@]}"; do
    corpus=$cache/corpus/$name findings=$cache/findings/$name
    mkdir -p "$corpus" "$findings"
    seeds=()
    for dir in "fuzz/corpus/$name" "$cache/seeds/$name" "fuzz/regressions/$name"; do
        [ -d "$dir" ] && seeds+=("$dir")
    done
    log=$cache/$name.log
    echo "fuzz.sh: $name for $seconds s (log: $log)" >&2
    # -max_len: the seeds hold whole sections; mutations work on the first MiB. -rss_limit_mb:
    # an input that makes a parser take over 2 GiB is a finding. -timeout: one input, 60 s.
    # -detect_leaks=0: libkdumpfile leaks per opened dump (scripts/lsan-suppressions.txt) and
    # LeakSanitizer after each such input makes a run 100 times slower; the ASan test run
    # replays every corpus with leak detection on.
    # A target that opens a kdump-compressed file per input inherits libkdumpfile 0.5.1's leak
    # of every such context (README, "Known limits"): about 0.5 MB per input, so one process
    # passes 2 GiB in minutes with nothing wrong. Those run in libFuzzer's fork mode: children
    # of at most a few tens of seconds each, the same limits per child, and an OOM, timeout or
    # crash in any child still ends the run as a finding.
    mode=()
    [[ " ${leaks_per_input[*]} " == *" $name "* ]] &&
        mode=(-fork=1 -ignore_ooms=0 -ignore_timeouts=0 -ignore_crashes=0)
    if build-fuzz/fuzz/fuzz_"$name" "${mode[@]}" -max_total_time="$seconds" -max_len=1048576 \
        -rss_limit_mb=2048 -timeout=60 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$findings/" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
        result=ok
    else
        result="FINDING (see $log, inputs in $findings)"
        status=1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    # Fork mode: the parent's status lines ("#RUNS: cov: ...") count every child's runs.
    [ ${#mode[@]} -gt 0 ] && runs=$(grep -o '^#[0-9]*: cov' "$log" | tail -1 | grep -o '[0-9]*' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    summary+=("$(printf '%-16s %6s s  %9s runs  %-10s %s' "$name" "$seconds" "${runs:-?}" "$cov" "$result")")
done
printf '%s\n' "${summary[@]}"
exit $status
