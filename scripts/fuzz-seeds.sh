#!/usr/bin/env bash
# Cuts the fuzz targets' seed corpora from the generated dumps (testdata/generate.sh): small
# slices into fuzz/corpus/TARGET/ (checked in: headers, notes, VMCOREINFO, PRSTATUS, console
# reports, a few hundred BTF types, ORC and symbol slices, entry code, short line programs, a
# printk ring rebuilt from the dump's last records), the large ones (whole .BTF sections, whole
# printk rings, the heads of every dump format, whole small dumps) into the cache, where
# scripts/fuzz.sh finds them. Usage: scripts/fuzz-seeds.sh [MANIFEST]
#   MANIFEST: the generated dumps' manifest.tsv (default: $PANICSCOPE_MANIFEST, else the one the
#   ctest fixture of build/ or build-dev/ recorded).
set -euo pipefail
cd "$(dirname "$0")/.."
manifest=${1:-${PANICSCOPE_MANIFEST:-}}
if [ -z "$manifest" ]; then
    for pointer in build/testdata/manifest-path build-dev/testdata/manifest-path; do
        [ -f "$pointer" ] && manifest=$(cat "$pointer") && break
    done
fi
if [ -z "$manifest" ] || [ ! -f "$manifest" ]; then
    echo "fuzz-seeds: no manifest of generated dumps; run testdata/generate.sh (or ctest) first," \
         "or give its path" >&2
    exit 2
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/panicscope/fuzz/seeds
exec python3 scripts/fuzz_seeds.py --manifest "$manifest" --repo-dir fuzz/corpus --cache-dir "$cache"
