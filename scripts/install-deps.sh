#!/usr/bin/env bash
# Installs the Debian 12 packages panicscope builds and tests with. Idempotent: when everything
# is installed already it returns at once without touching apt. (The dump generator installs its
# own packages: QEMU, makedumpfile, ...; see testdata/README.md.) --gui-check adds Xvfb for
# looking at the GUI headless; --bench adds crash and drgn, which `ninja bench` compares with;
# --slurm adds Slurm and munge for scripts/test-slurm.sh.
# drgn (python3-drgn) is always installed: the type verbs' tests read the dumps with it too.
# --fuzz adds clang and its libFuzzer runtime for scripts/fuzz.sh (the normal build replays the
# fuzz targets' inputs with g++ and needs neither).
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config
          libkdumpfile-dev libdw-dev libelf-dev libcapstone-dev libreadline-dev
          qt6-base-dev libgtest-dev libgmock-dev libexpected-dev nlohmann-json3-dev
          valgrind python3-drgn  # drgn: the tests' independent reader of the dumps' memory
          pybind11-dev python3-dev) # the panicscope Python module (python/)
# debuginfod: libdebuginfod-dev to fetch debug files by build ID (optional in the build, linked
# when found); the debuginfod server for the test that fetches a vmlinux from a local one.
packages+=(libdebuginfod-dev debuginfod)
for option in "$@"; do
    case "$option" in
        --gui-check) packages+=(xvfb xauth) ;;
        --bench) packages+=(crash time) ;; # the peers bench/compare.py measures, with drgn
        # scripts/test-slurm.sh: a one-node Slurm cluster (the triage launcher's test).
        --slurm) packages+=(slurm-wlm munge bc) ;;
        --fuzz) packages+=(clang libclang-rt-14-dev) ;; # scripts/fuzz.sh: libFuzzer, ASan
        *) echo "usage: scripts/install-deps.sh [--gui-check] [--bench] [--slurm] [--fuzz]" >&2; exit 2 ;;
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
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends "${missing[@]}" >&2
