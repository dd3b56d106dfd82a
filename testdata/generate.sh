#!/bin/bash
# Generates REAL Linux kernel crash dumps for panicscope's tests: a pinned
# Debian kernel boots under QEMU (TCG) with a busybox workload, prints its own
# view of every task's stack (sysrq-t, the oracle), crashes, and is dumped by
# QEMU and/or by a real kdump capture kernel.  Results are cached outside the
# repository, keyed by everything that shapes them.  See testdata/README.md.
#
# Progress goes to stderr; the manifest path is the last line on stdout.

# Helpers run as sh -c '... "$1" ...' sh ARGS on purpose:
# shellcheck disable=SC2016

set -euo pipefail
shopt -s nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly PY=/usr/bin/python3 # Debian's, stdlib only
readonly DEFAULT_KERNEL=6.1.0-56-cloud-amd64
readonly DEFAULT_KERNEL_VERSION=6.1.192-2
readonly ALL_SCENARIOS="process irq nmi"
readonly ALL_METHODS="qemu kdump"
readonly MEM_MB=512 SMP=2 CRASHKERNEL=192M
readonly IRQ_ATTEMPTS=5 # boots per irq run, see generate_run
# Bump when the layout of $CACHE/kernels/<kernel> changes.
readonly KERNEL_LAYOUT=1
# Everything the generator runs on the host or copies into the guests.
readonly PACKAGES=(qemu-system-x86 makedumpfile busybox-static kexec-tools
	cpio gzip xz-utils zstd python3 apt dpkg)
# Packages whose version changes the dumps; part of the cache key.
readonly KEY_PACKAGES=(qemu-system-x86 makedumpfile busybox-static kexec-tools libc6)
# makedumpfile -d 31 outputs made from QEMU's ELF dump: format name, option.
readonly MDF_FORMATS=("zlib -c" "lzo -l" "snappy -p" "zstd -z" "none")

usage() {
	cat << EOF
Usage: testdata/generate.sh [options]

Boots a Debian kernel under QEMU (TCG), crashes it and captures real crash
dumps, caching them outside the repository.  Prints the manifest path
(a TSV of every dump) as the last line on stdout; progress goes to stderr.

Options:
  --scenario LIST   process, irq, nmi (comma-separated or repeated; default all)
                      process: "echo c > /proc/sysrq-trigger" from task "crasher"
                      irq:     Alt+SysRq+C sent to the guest keyboard: panic
                               in the i8042 interrupt on the IRQ stack
                      nmi:     QMP inject-nmi with unknown_nmi_panic=1
  --method LIST     qemu, kdump (comma-separated or repeated; default both)
                      qemu:  QMP dump-guest-memory (ELF and kdump-zlib), plus
                             makedumpfile -d 31 conversions of the ELF
                      kdump: a capture kernel loaded with kexec -p writes
                             makedumpfile -c -d 31 output to a virtio disk
  --kernel RELEASE  Debian kernel ABI release (default $DEFAULT_KERNEL;
                    env PANICSCOPE_KERNEL)
  --kernel-version VERSION
                    Debian package version (default $DEFAULT_KERNEL_VERSION for
                    the default kernel, else apt's candidate;
                    env PANICSCOPE_KERNEL_VERSION)
  --cache DIR       cache root (default \${PANICSCOPE_CACHE:-\$HOME/.cache/panicscope})
  --timeout SEC     limit for each phase of a boot: boot to ready workload,
                    crash to captured dump, each QEMU dump (x2)
                    (default 180; env PANICSCOPE_TIMEOUT)
  --force           regenerate the selected runs even if cached
  --prune           afterwards delete cached dumps of other keys (older
                    generator versions, other kernels) and unused kernels
  --manifest        only print the manifest path; fail if the selected runs
                    have not been generated
  -h, --help        this text

Output: \$CACHE/dumps/<key>/manifest.tsv and
        \$CACHE/dumps/<key>/<kernel>/{vmlinux,System.map,<scenario>-<method>/}
EOF
}

ts() { date +%H:%M:%S; }
log() { printf '[generate %s] %s\n' "$(ts)" "$*" >&2; }

# die STEP CAUSE [LOG]: the one line a failure prints.
die() {
	local msg
	msg="[generate $(ts)] ERROR: $1: $2"
	on_failure
	[ -n "${3:-}" ] && msg+=" (full log: $(failed_log "$3"))"
	printf '%s\n' "$msg" >&2
	exit 1
}
# Hooks generate_run overrides so that a failed run keeps its directory
# (console.log, logs) and the error names the log where it now is.
on_failure() { :; }
failed_log() { echo "$1"; }

# --- options ----------------------------------------------------------------

SCENARIOS='' METHODS='' MANIFEST_ONLY=false FORCE=false PRUNE=false
KERNEL=${PANICSCOPE_KERNEL:-$DEFAULT_KERNEL}
KVER=${PANICSCOPE_KERNEL_VERSION:-}
CACHE=${PANICSCOPE_CACHE:-$HOME/.cache/panicscope}
TIMEOUT=${PANICSCOPE_TIMEOUT:-180}

need_arg() { [ $# -ge 2 ] || die "options" "$1 needs an argument (see --help)"; }
while [ $# -gt 0 ]; do
	case $1 in
	--scenario) need_arg "$@"; SCENARIOS+=" ${2//,/ }"; shift ;;
	--method) need_arg "$@"; METHODS+=" ${2//,/ }"; shift ;;
	--kernel) need_arg "$@"; KERNEL=$2; shift ;;
	--kernel-version) need_arg "$@"; KVER=$2; shift ;;
	--cache) need_arg "$@"; CACHE=$2; shift ;;
	--timeout) need_arg "$@"; TIMEOUT=$2; shift ;;
	--force) FORCE=true ;;
	--prune) PRUNE=true ;;
	--manifest) MANIFEST_ONLY=true ;;
	-h | --help) usage; exit 0 ;;
	*) die "options" "unknown option '$1' (see --help)" ;;
	esac
	shift
done
read -r -a words <<< "${SCENARIOS:-$ALL_SCENARIOS}"
SCENARIOS="${words[*]}"
read -r -a words <<< "${METHODS:-$ALL_METHODS}"
METHODS="${words[*]}"
for s in $SCENARIOS; do
	[[ " $ALL_SCENARIOS " == *" $s "* ]] || die "options" "unknown scenario '$s' (one of: $ALL_SCENARIOS)"
done
for m in $METHODS; do
	[[ " $ALL_METHODS " == *" $m "* ]] || die "options" "unknown method '$m' (one of: $ALL_METHODS)"
done
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "options" "--timeout wants whole seconds, got '$TIMEOUT'"
[[ $KERNEL =~ ^[0-9][A-Za-z0-9.+-]*$ ]] || die "options" "odd kernel release '$KERNEL'"
mkdir -p "$CACHE" || die "cache" "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd)

if [ -z "$KVER" ]; then
	if [ "$KERNEL" = "$DEFAULT_KERNEL" ]; then
		KVER=$DEFAULT_KERNEL_VERSION
	else
		KVER=$(apt-cache policy "linux-image-$KERNEL" 2> /dev/null | awk '/Candidate:/ { print $2 }')
		if [ -z "$KVER" ] || [ "$KVER" = "(none)" ]; then
			die "kernel" "apt knows no linux-image-$KERNEL; pass --kernel-version (or apt-get update)"
		fi
	fi
fi

# --- cache key --------------------------------------------------------------

# Prints the key inputs: kernel, tool versions, and every generator file that
# affects the dumps (README.md does not).
key_inputs() {
	echo "kernel=$KERNEL version=$KVER mem=$MEM_MB smp=$SMP"
	local p
	for p in "${KEY_PACKAGES[@]}"; do
		dpkg-query -W -f='${Package}=${Version}\n' "$p" 2> /dev/null || echo "$p=missing"
	done
	(cd "$HERE" && find generate.sh tools guest -type f ! -name '*.pyc' -print0 |
		LC_ALL=C sort -z | xargs -0 sha256sum)
}

set_key() {
	KEY=$(key_inputs | sha256sum | cut -c1-16)
	KEYDIR=$CACHE/dumps/$KEY
	RUNROOT=$KEYDIR/$KERNEL
	MANIFEST=$KEYDIR/manifest.tsv
}

run_complete() { [ -d "$RUNROOT/$1-$2" ]; }

all_complete() {
	local s m
	[ -f "$RUNROOT/vmlinux" ] && [ -f "$RUNROOT/System.map" ] || return 1
	for s in $SCENARIOS; do
		for m in $METHODS; do
			run_complete "$s" "$m" || return 1
		done
	done
}

# manifest format of a dump file name
format_of() {
	case $1 in
	vmcore) echo kdump-zlib ;;
	vmcore.elf) echo elf ;;
	vmcore.qemu-kdump-zlib) echo qemu-kdump-zlib ;;
	vmcore.mdf-*) echo "${1#vmcore.}" ;;
	esac
}

# Lists every complete run under this key (not only the selected ones), so
# generating scenarios one by one still yields a single full manifest.
write_manifest() {
	local tmp=$MANIFEST.tmp.$$ kdir k s m f
	{
		printf 'kernel\tscenario\tmethod\tformat\tdump\tconsole\tvmlinux\n'
		for kdir in "$KEYDIR"/*/; do
			k=$(basename "$kdir")
			for s in $ALL_SCENARIOS; do
				for m in $ALL_METHODS; do
					[ -d "$kdir$s-$m" ] || continue
					for f in vmcore vmcore.elf vmcore.qemu-kdump-zlib vmcore.mdf-zlib \
						vmcore.mdf-lzo vmcore.mdf-snappy vmcore.mdf-zstd vmcore.mdf-none; do
						[ -f "$kdir$s-$m/$f" ] || continue
						printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$s" "$m" "$(format_of "$f")" \
							"$kdir$s-$m/$f" "$kdir$s-$m/console.log" "${kdir}vmlinux"
					done
				done
			done
		done
	} > "$tmp"
	mv -f "$tmp" "$MANIFEST"
}

# Each generator change leaves ~2 GB behind under the old key.
prune() {
	local d
	for d in "$CACHE"/dumps/*/; do
		[ "${d%/}" = "$KEYDIR" ] || { log "pruning $d"; rm -rf "$d"; }
	done
	for d in "$CACHE"/kernels/*/; do
		[ "${d%/}" = "$CACHE/kernels/${KERNEL}_$KVER.v$KERNEL_LAYOUT" ] || { log "pruning $d"; rm -rf "$d"; }
	done
}

set_key
if $MANIFEST_ONLY; then
	if ! all_complete || [ ! -f "$MANIFEST" ]; then
		die "manifest" "dumps for kernel $KERNEL ($SCENARIOS x $METHODS) not generated under $KEYDIR; run testdata/generate.sh"
	fi
	echo "$MANIFEST"
	exit 0
fi
if ! $FORCE && all_complete && [ -f "$MANIFEST" ]; then
	log "cached: $KEYDIR"
	if $PRUNE; then
		exec 9> "$CACHE/.lock"
		flock 9
		prune
	fi
	echo "$MANIFEST"
	exit 0
fi

# --- from here on we work: one generator per cache at a time -----------------

exec 9> "$CACHE/.lock"
if ! flock -n 9; then
	log "waiting for another generate.sh using $CACHE"
	flock 9
fi

WORK='' CHILD=''
cleanup() {
	if [ -n "$CHILD" ]; then
		kill "$CHILD" 2> /dev/null || true
		wait "$CHILD" 2> /dev/null || true
	fi
	[ -n "$WORK" ] && rm -rf "$WORK"
	rm -rf "$RUNROOT"/.tmp-* 2> /dev/null || true
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM HUP

# Leftovers of runs that were killed hard; we hold the lock, so nobody owns them.
rm -rf "$CACHE"/tmp.* "$CACHE"/dumps/*/*/.tmp-* "$CACHE"/kernels/.tmp-*

# run_step STEP LOG CMD...: runs CMD with its output appended to LOG; on
# failure dies with STEP and the last line CMD printed.  Runs in the
# background so that a signal to us interrupts the wait and the trap kills it.
run_step() {
	local step=$1 logf=$2 rc=0
	shift 2
	printf '\n### [%s] %s: %s\n' "$(ts)" "$step" "$*" >> "$logf"
	"$@" >> "$logf" 2>&1 < /dev/null &
	CHILD=$!
	wait "$CHILD" || rc=$?
	CHILD=
	[ $rc = 0 ] || die "$step" "$(grep -v '^\s*$' "$logf" | tail -n 1) [exit $rc]" "$logf"
}

ensure_packages() {
	local p missing=()
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return
	log "installing ${missing[*]}"
	local logf=$CACHE/apt.log
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >> "$logf" 2>&1; then
		run_step "apt-get update" "$logf" apt-get update
		run_step "apt-get install ${missing[*]}" "$logf" \
			apt-get install -y --no-install-recommends "${missing[@]}"
	fi
}

# Fetches the kernel image and debug packages and keeps only what we use:
#   $CACHE/kernels/<release>_<version>.v<layout>/{vmlinuz,config,vmlinux,System.map,modules/}
fetch_kernel() {
	KDIR=$CACHE/kernels/${KERNEL}_$KVER.v$KERNEL_LAYOUT
	[ -d "$KDIR" ] && return
	local debs=$CACHE/debs logf=$CACHE/kernel-fetch.log
	local img=linux-image-$KERNEL dbg=linux-image-$KERNEL-dbg
	local imgdeb=$debs/${img}_${KVER}_amd64.deb dbgdeb=$debs/${dbg}_${KVER}_amd64.deb
	: > "$logf"
	mkdir -p "$debs"
	if [ ! -f "$imgdeb" ] || [ ! -f "$dbgdeb" ]; then
		log "downloading $img and $dbg $KVER (~310 MB)"
		# apt-get download writes into the current directory
		if ! (cd "$debs" && apt-get download "$img=$KVER" "$dbg=$KVER") >> "$logf" 2>&1; then
			run_step "apt-get update" "$logf" apt-get update
			run_step "apt-get download $img=$KVER $dbg=$KVER" "$logf" \
				sh -c 'cd "$1" && apt-get download "$2" "$3"' sh "$debs" "$img=$KVER" "$dbg=$KVER"
		fi
		if [ ! -f "$imgdeb" ] || [ ! -f "$dbgdeb" ]; then
			die "kernel download" "expected $imgdeb and $dbgdeb" "$logf"
		fi
	fi

	log "extracting $img $KVER"
	local tmp=$CACHE/kernels/.tmp-$KERNEL.$$
	rm -rf "$tmp" && mkdir -p "$tmp/x"
	# Only the modules a guest may need: qemu_fw_cfg (vmcoreinfo), the PS/2
	# keyboard (when not built in), virtio disk for the capture kernel.
	local want="^\./lib/modules/$KERNEL/(modules\.builtin|kernel/drivers/(firmware/qemu_fw_cfg|input/serio/[^/]*|input/keyboard/atkbd|virtio/[^/]*|block/virtio_blk)\.ko(\.xz|\.gz|\.zst)?)\$"
	run_step "list $img" "$logf" sh -c \
		'dpkg-deb --fsys-tarfile "$1" | tar -t | grep -E "$2" > "$3"' sh "$imgdeb" "$want" "$tmp/members"
	run_step "extract $img" "$logf" sh -c \
		'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "./boot/vmlinuz-$3" "./boot/config-$3" -T "$4"' \
		sh "$imgdeb" "$tmp/x" "$KERNEL" "$tmp/members"
	log "extracting vmlinux from $dbg $KVER (large)"
	run_step "extract $dbg" "$logf" sh -c \
		'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards "./usr/lib/debug/boot/*"' \
		sh "$dbgdeb" "$tmp/x"
	mv "$tmp/x/boot/vmlinuz-$KERNEL" "$tmp/vmlinuz"
	mv "$tmp/x/boot/config-$KERNEL" "$tmp/config"
	mv "$tmp/x/usr/lib/debug/boot/vmlinux-$KERNEL" "$tmp/vmlinux" ||
		die "extract $dbg" "no vmlinux-$KERNEL in $dbgdeb" "$logf"
	mv "$tmp/x/usr/lib/debug/boot/System.map-$KERNEL" "$tmp/System.map" ||
		die "extract $dbg" "no System.map-$KERNEL in $dbgdeb" "$logf"
	mv "$tmp/x/lib/modules/$KERNEL" "$tmp/modules"
	rm -rf "$tmp/x" "$tmp/members"
	mv "$tmp" "$KDIR"
	# The extracted files are all we ever use again.
	rm -f "$imgdeb" "$dbgdeb"
}

# Copies a dynamic executable and the shared libraries ldd reports (at the
# same paths, so the loader finds them) into the initramfs tree $1.
copy_binary() {
	local root=$1 bin=$2 lib
	install -D -m 755 "$bin" "$root/bin/$(basename "$bin")"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# Populates the busybox base of an initramfs tree.
busybox_root() {
	local root=$1 a
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,boot}
	install -m 755 /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
	done
	ln -s bin "$root/sbin"
}

# cpio with sorted names and fixed mtimes, so equal inputs give equal bytes.
pack_cpio() {
	(cd "$1" && find . -exec touch -h -d @0 {} + &&
		find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --reproducible --quiet) |
		gzip -9n > "$2"
}

build_initramfs() {
	local logf=$WORK/initramfs.log cap=$WORK/capture-root main=$WORK/main-root
	log "building initramfs"
	: > "$logf"

	busybox_root "$cap"
	install -m 755 "$HERE/guest/capture-init" "$cap/init"
	copy_binary "$cap" /usr/bin/makedumpfile
	run_step "capture initramfs: kernel modules" "$logf" \
		"$PY" "$HERE/tools/dumputil.py" modules "$KDIR/modules" "$cap/lib/modules" virtio_pci virtio_blk
	run_step "capture initramfs: cpio" "$logf" pack_cpio "$cap" "$WORK/capture.cpio.gz"

	busybox_root "$main"
	install -m 755 "$HERE/guest/init" "$main/init"
	copy_binary "$main" /usr/sbin/kexec
	run_step "main initramfs: kernel modules" "$logf" \
		"$PY" "$HERE/tools/dumputil.py" modules "$KDIR/modules" "$main/lib/modules" qemu_fw_cfg i8042 atkbd
	install -m 644 "$KDIR/vmlinuz" "$main/boot/vmlinuz"
	install -m 644 "$WORK/capture.cpio.gz" "$main/boot/capture.cpio.gz"
	run_step "main initramfs: cpio" "$logf" pack_cpio "$main" "$WORK/initrd.cpio.gz"
	INITRD=$WORK/initrd.cpio.gz
}

# yes if this makedumpfile was built with compression $1 (1.7.2 silently
# writes uncompressed pages for options it was built without)
mdf_has() {
	case $1 in zlib | none) return 0 ;; esac
	makedumpfile -v 2>&1 | awk -v c="$1" '$1 == c && $2 == "enabled" { ok = 1 } END { exit !ok }'
}

check_console() {
	local s=$1 m=$2 c=$3/console.log logf=$3/generate.log
	grep -qE 'task:.* state:.* pid:' "$c" || die "$s-$m: console check" "no sysrq-t task lines in console.log" "$logf"
	if ! grep -q 'PSCTX before pid=' "$c" || ! grep -q 'PSCTX after pid=' "$c"; then
		die "$s-$m: console check" "no PSCTX lines in console.log" "$logf"
	fi
	if grep -q 'Kernel panic - not syncing:' "$c"; then
		return
	elif [ "$s" = nmi ]; then
		# With kdump loaded the NMI panic kexecs before the console is
		# flushed; its text is only in the dump's log buffer.
		echo "note: no panic text on the console (expected for an NMI panic)" >> "$logf"
	else
		die "$s-$m: console check" "no 'Kernel panic - not syncing:' in console.log" "$logf"
	fi
}

# yes if the first stack section of the panic's backtrace is <IRQ>
panic_on_irq_stack() {
	awk '/Kernel panic - not syncing/ { p = 1 }
		p && /<IRQ>/ { found = 1; exit }
		p && /<TASK>/ { exit }
		END { exit !found }' "$1"
}

check_kdump_file() { # FILE EXPECTED-COMPRESSION LOG
	local got
	got=$("$PY" "$HERE/tools/dumputil.py" kdump-compression "$1" 2>&1) ||
		die "check $(basename "$1")" "$got" "$3"
	[ "$got" = "$2" ] || die "check $(basename "$1")" "header says '$got', expected '$2'" "$3"
	echo "$(basename "$1"): kdump-compressed, $got, $(stat -c %s "$1") bytes" >> "$3"
}

generate_run() {
	local s=$1 m=$2 t0=$SECONDS
	local tmp=$RUNROOT/.tmp-$s-$m.$$ failed=$RUNROOT/.failed-$s-$m
	local logf=$tmp/generate.log
	rm -rf "$tmp" && mkdir -p "$tmp"
	# shellcheck disable=SC2317 # called from die
	on_failure() { rm -rf "$failed" && mv "$tmp" "$failed" && on_failure() { :; }; }
	failed_log() { echo "$failed/${1##*/}"; }

	local append="console=ttyS0,115200 panic=0 sysrq_always_enabled printk.devkmsg=on log_buf_len=8M"
	local disk=() attempt=1
	[ "$s" = nmi ] && append+=" unknown_nmi_panic=1"
	if [ "$m" = kdump ]; then
		append+=" crashkernel=$CRASHKERNEL"
		disk=(--disk "$tmp/disk.raw")
	fi

	while :; do
		log "$s-$m: booting, crashing and capturing..."
		rm -f "$tmp"/vmcore* "$tmp/disk.raw"
		[ "$m" = kdump ] && truncate -s 1G "$tmp/disk.raw"
		run_step "$s-$m: boot/crash/capture" "$logf" \
			"$PY" "$HERE/tools/qemu_run.py" --kernel "$KDIR/vmlinuz" --initrd "$INITRD" \
			--append "$append" --scenario "$s" --method "$m" --outdir "$tmp" \
			--timeout "$TIMEOUT" --mem "$MEM_MB" --smp "$SMP" "${disk[@]}"
		check_console "$s" "$m" "$tmp"
		# The keyboard interrupt sometimes lands while the CPU-0 cat is in
		# user mode (roughly 1 boot in 7); the kernel then handles it on the
		# task stack, and the dump would not show an IRQ-stack panic.
		if [ "$s" != irq ] || panic_on_irq_stack "$tmp/console.log"; then
			break
		fi
		if [ $attempt -ge $IRQ_ATTEMPTS ]; then
			die "$s-$m: IRQ stack check" "the keyboard interrupt hit user mode in $attempt boots" "$logf"
		fi
		echo "attempt $attempt: the keyboard interrupt hit user mode; booting again" >> "$logf"
		log "$s-$m: the keyboard interrupt hit user mode (no IRQ stack); booting again"
		attempt=$((attempt + 1))
	done
	local t_boot=$((SECONDS - t0))

	if [ "$m" = kdump ]; then
		run_step "$s-$m: makedumpfile -R (disk -> vmcore)" "$logf" \
			timeout "$TIMEOUT" sh -c 'makedumpfile -R "$1" < "$2"' sh "$tmp/vmcore" "$tmp/disk.raw"
		rm -f "$tmp/disk.raw"
		check_kdump_file "$tmp/vmcore" zlib "$logf"
	else
		log "$s-$m: converting dumps"
		run_step "$s-$m: makedumpfile -R (QEMU kdump-zlib)" "$logf" \
			timeout "$TIMEOUT" sh -c 'makedumpfile -R "$1" < "$2"' sh "$tmp/vmcore.qemu-kdump-zlib" "$tmp/vmcore.qemu-kdump-zlib.flat"
		rm -f "$tmp/vmcore.qemu-kdump-zlib.flat"
		check_kdump_file "$tmp/vmcore.qemu-kdump-zlib" zlib "$logf"

		run_step "$s-$m: move ELF program headers" "$logf" \
			"$PY" "$HERE/tools/dumputil.py" fix-elf-phdrs "$tmp/vmcore.elf" "$tmp/elf-phdrs-at-64"
		local f name opt
		for f in "${MDF_FORMATS[@]}"; do
			read -r name opt <<< "$f"
			if ! mdf_has "$name"; then
				echo "skipped vmcore.mdf-$name: makedumpfile $(makedumpfile -v 2>&1 | head -n 1 |
					awk '{ print $3 }') was built without $name" >> "$logf"
				continue
			fi
			# shellcheck disable=SC2086 # $opt is empty or one option
			run_step "$s-$m: makedumpfile $opt -d 31 (mdf-$name)" "$logf" \
				timeout "$((TIMEOUT * 2))" makedumpfile $opt -d 31 --message-level 6 \
				"$tmp/elf-phdrs-at-64" "$tmp/vmcore.mdf-$name"
			check_kdump_file "$tmp/vmcore.mdf-$name" "$name" "$logf"
		done
		rm -f "$tmp/elf-phdrs-at-64"
	fi

	# Readable for a test suite running as another user (QEMU writes 0400).
	chmod 644 "$tmp"/*
	rm -rf "${RUNROOT:?}/$s-$m"
	mv "$tmp" "$RUNROOT/$s-$m"
	rm -rf "$failed"
	on_failure() { :; }
	failed_log() { echo "$1"; }
	log "$s-$m: done in $((SECONDS - t0)) s (boot to captured dump $t_boot s):" \
		"$(cd "$RUNROOT/$s-$m" && for f in vmcore*; do printf '%s %s MB, ' "$f" $(($(stat -c %s "$f") >> 20)); done)"
}

# --- main -------------------------------------------------------------------

T0=$SECONDS
ensure_packages
set_key # tool versions may just have changed
mkdir -p "$RUNROOT"
key_inputs > "$KEYDIR/key-inputs.txt"
fetch_kernel
for f in vmlinux System.map; do
	if [ ! -f "$RUNROOT/$f" ]; then
		ln -f "$KDIR/$f" "$RUNROOT/.$f.tmp" 2> /dev/null || cp "$KDIR/$f" "$RUNROOT/.$f.tmp"
		mv -f "$RUNROOT/.$f.tmp" "$RUNROOT/$f"
	fi
done

WORK=$(mktemp -d "$CACHE/tmp.XXXXXX")
INITRD=
for s in $SCENARIOS; do
	for m in $METHODS; do
		if ! $FORCE && run_complete "$s" "$m"; then
			log "$s-$m: cached"
			continue
		fi
		[ -n "$INITRD" ] || build_initramfs
		generate_run "$s" "$m"
	done
done
write_manifest
if $PRUNE; then prune; fi
log "all done in $((SECONDS - T0)) s; manifest: $MANIFEST"
echo "$MANIFEST"
