#!/usr/bin/env bash
# Old binary against new on every generated dump: every verb, text and --json, stdout, stderr
# and exit status byte for byte. For refactors that must not change behaviour.
#   scripts/compare-outputs.sh OLD_PANICSCOPE NEW_PANICSCOPE [MANIFEST]
# MANIFEST defaults to what testdata/generate.sh prints (the cached dumps). Prints one line per
# difference and a summary; exits 1 when anything differs. PANICSCOPE_COMPARE_SKIP (a regex on
# the dump path) leaves dumps out, e.g. the ~3800-task scale dumps for a quick run.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_PANICSCOPE NEW_PANICSCOPE [MANIFEST]" >&2; exit 2; }
old=$1 new=$2
manifest=${3:-$(cd "$(dirname "$0")/.." && testdata/generate.sh)} || exit 2
skip=${PANICSCOPE_COMPARE_SKIP:-^$}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each line: the arguments before the dump (the verb and its options).
commands=(
    "info" "info --json" "ps" "ps --json" "log" "log --json"
    "sym panic" "sym --json schedule" "entry-table" "entry-table --json" "triage" "triage --json"
    "bt" "bt --json" "bt -a" "bt -a -l" "bt --all" "bt --all -l" "bt --all --json" "bt 1"
)
runs=0 differ=0
run() { # BINARY OUT_PREFIX ARGS...
    local binary=$1 prefix=$2; shift 2
    "$binary" "$@" > "$prefix.out" 2> "$prefix.err"
    echo $? > "$prefix.status"
}
while IFS=$'\t' read -r kernel scenario method format dump console vmlinux; do
    [ -n "$vmlinux" ] && [ "$kernel" != kernel ] || continue
    [[ $dump =~ $skip ]] && continue
    for command in "${commands[@]}"; do
        read -ra args <<< "$command"
        run "$old" "$work/old" "${args[@]}" "$dump" --vmlinux "$vmlinux"
        run "$new" "$work/new" "${args[@]}" "$dump" --vmlinux "$vmlinux"
        runs=$((runs + 1))
        for part in out err status; do
            if ! cmp -s "$work/old.$part" "$work/new.$part"; then
                differ=$((differ + 1))
                echo "DIFFERS ($part): panicscope $command $dump --vmlinux $vmlinux"
                diff "$work/old.$part" "$work/new.$part" | head -5
                break
            fi
        done
    done
done < "$manifest"
echo "compare-outputs: $runs runs, $differ differ"
[ "$differ" -eq 0 ]
