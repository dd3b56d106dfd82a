#!/usr/bin/env bash
# README command (1): on a fresh Debian 12 machine, install what is needed, build panicscope,
# generate the default sample dump (a real kdump of Debian's 6.1 kernel crashed by sysrq-c,
# cached after the first run) and show its facts, the crashing task's backtrace and every CPU's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=$(scripts/build.sh release)
kernel=6.1.0-56-cloud-amd64
manifest=$(testdata/generate.sh --kernels "$kernel" --scenario process --method kdump)
row=$(awk -F'\t' -v k="$kernel" '$1 == k && $2 == "process" && $3 == "kdump" { print; exit }' "$manifest")
dump=$(cut -f5 <<<"$row")
vmlinux=$(cut -f7 <<<"$row")
echo "\$ panicscope info $dump --vmlinux $vmlinux"
"$build/cli/panicscope" info "$dump" --vmlinux "$vmlinux"
for verb in "bt" "bt -a"; do
    echo
    echo "\$ panicscope $verb $dump --vmlinux $vmlinux"
    # shellcheck disable=SC2086 # $verb is the verb and its option
    "$build/cli/panicscope" $verb "$dump" --vmlinux "$vmlinux"
done
echo
echo "(more: panicscope ps|log|sym|bt --all|entry-table ... --json; panicscope --help)"
