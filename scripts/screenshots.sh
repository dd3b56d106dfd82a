#!/usr/bin/env bash
# Renders the GUI's main window on a real dump under Xvfb into PNGs, to look at:
#   scripts/screenshots.sh [OUTDIR] [DUMP VMLINUX] [--dark] [--plugin-dir DIR]
# Without a dump it takes the irq kdump of the generated dumps (testdata/generate.sh's manifest).
# Builds gui_screenshots in build/ (or $BUILD_DIR) first; installs Xvfb if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
out=${1:-screenshots}
dump=${2:-}
vmlinux=${3:-}
extra=("${@:4}")
if [ -z "$dump" ]; then
    manifest=$(testdata/generate.sh --manifest)
    row=$(awk -F'\t' '$2 == "irq" && $3 == "kdump" && $4 == "kdump-zlib" { print; exit }' "$manifest")
    dump=$(cut -f5 <<<"$row")
    vmlinux=$(cut -f7 <<<"$row")
fi
scripts/install-deps.sh --gui-check
[ -f "$BUILD_DIR/build.ninja" ] || cmake -S . -B "$BUILD_DIR" -G Ninja >/dev/null
ninja -C "$BUILD_DIR" gui_screenshots >&2
mkdir -p "$out"
xvfb-run -a -s "-screen 0 1280x800x24" \
    "$BUILD_DIR/gui/gui_screenshots" "$out" "$dump" --vmlinux "$vmlinux" "${extra[@]}"
