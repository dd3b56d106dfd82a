#!/usr/bin/env bash
# Installs the Debian 12 packages panicscope builds and tests with. Idempotent: when everything
# is installed already it returns at once without touching apt. (The dump generator installs its
# own packages: QEMU, makedumpfile, ...; see testdata/README.md.) --gui-check adds Xvfb for
# looking at the GUI headless; --bench adds crash and drgn, which `ninja bench` compares with.
# drgn (python3-drgn) is always installed: the type verbs' tests read the dumps with it too.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
          libkdumpfile-dev libdw-dev libelf-dev libcapstone-dev libreadline-dev
          qt6-base-dev libgtest-dev libgmock-dev libexpected-dev nlohmann-json3-dev
          valgrind python3-drgn  # drgn: the tests' independent reader of the dumps' memory
          pybind11-dev python3-dev) # the panicscope Python module (python/)
for option in "$@"; do
    case "$option" in
        --gui-check) packages+=(xvfb xauth) ;;
        --bench) packages+=(crash time) ;; # the peers bench/compare.py measures, with drgn
        *) echo "usage: scripts/install-deps.sh [--gui-check] [--bench]" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "[install-deps] installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
