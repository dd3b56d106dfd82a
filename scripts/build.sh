#!/usr/bin/env bash
# Configures and builds panicscope. Usage: scripts/build.sh [release|asan]  (default: release)
#   release -> build/          RelWithDebInfo, warnings are errors, with the Qt GUI
#   asan    -> build-asan/     AddressSanitizer + UBSan at -O1 with assertions, without the GUI
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
    release) dir=build; flags=(-DPANICSCOPE_WERROR=ON) ;;
    # -O1: ASan's recommended level; at -O0 every std:: call stays a call, and the sanitizer
    # stage of scripts/test.sh ran several times slower for it. Assertions stay on (Debug).
    asan) dir=build-asan; flags=(-DPANICSCOPE_SANITIZE=ON -DPANICSCOPE_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=Debug
                                 "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1") ;;
    *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" -j "${PANICSCOPE_JOBS:-$(nproc)}" >&2
echo "$dir"
