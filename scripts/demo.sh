#!/usr/bin/env bash
# README command (1): on a fresh Debian 12 machine, install what is needed, build panicscope,
# generate the default sample dump (a real kdump of Debian's 6.1 kernel crashed by sysrq-c,
# cached after the first run) and show its facts and task list.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=$(scripts/build.sh release)
manifest=$(testdata/generate.sh --scenario process --method kdump)
row=$(awk -F'\t' '$2 == "process" && $3 == "kdump" { print; exit }' "$manifest")
dump=$(cut -f5 <<<"$row")
vmlinux=$(cut -f7 <<<"$row")
echo "\$ panicscope info $dump --vmlinux $vmlinux"
"$build/cli/panicscope" info "$dump" --vmlinux "$vmlinux"
echo
echo "\$ panicscope ps $dump --vmlinux $vmlinux"
"$build/cli/panicscope" ps "$dump" --vmlinux "$vmlinux"
