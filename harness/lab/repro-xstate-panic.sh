#!/usr/bin/env bash
# Reproduce the 7.2 boot panic in fpstate_reset() after the XSAVE fallback
# (docs/findings.md, F1: NULL pointer write in fpstate_reset() after the XSAVE fallback).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"
DIE_RC=2

DEF_CPU='max,+xsavec,x-force-features=on'
DEF_APPEND='clearcpuid=pku'

usage() {
	cat <<EOF
usage: $PROG [--kernels 'K...'] [--timeout SECS] [--cache DIR] [--out DIR]
       [--cpu MODEL] [--append ARGS] [--verbose]

Boots each kernel once under QEMU TCG with a CPUID leaf 0xD that disagrees with
itself, so that the kernel's XSAVE size check fails ("XSAVE consistency
problem") and it falls back to booting without XSAVE. Recorded behaviour:

  7.2   panics in that fallback: NULL pointer write in fpstate_reset() called
        from fpu__init_system_xstate(), "Attempted to kill the idle task!"
  6.1   boots on without XSAVE (the init prints a marker with xsave=no)
  6.12  boots on without XSAVE

The trigger (defaults): -cpu $DEF_CPU, kernel argument '$DEF_APPEND'.
XSAVEC is forced on (TCG does not implement it, but the kernel checks the sizes
before it executes XSAVEC), so the kernel sizes its buffer from CPUID 0xD.1 EBX.
QEMU computes that EBX from every component the vCPU supports (0x21f with -cpu
max: x87 SSE AVX MPX PKRU = 968 bytes), not from the ones enabled in XCR0;
'clearcpuid=pku' makes the kernel leave PKRU out of XCR0 (0x1f = 960 bytes), and the
two sizes differ.

Kernels come from harness/lab/fetch-kernels.sh (CACHE/kernel-K/kernel.env); the
initramfs is busybox-static and a 5-line /init, built on the fly. Serial logs
go to OUT/serial-K.log (default: build/lab/repro-xstate).

  --kernels 'K...'  kernels to boot, space or comma separated (default: 6.1 6.12 7.2)
  --timeout SECS    hard limit for each QEMU run (default 60; timeout -k 5)
  --cache DIR       kernel cache (default: build/lab/cache)
  --out DIR         where the serial logs go
  --cpu MODEL       QEMU -cpu value instead of the trigger above (experiments)
  --append ARGS     kernel arguments instead of '$DEF_APPEND' (experiments)
  --verbose         also print the whole log from the consistency warning on

Exit status: 0 every kernel behaved as recorded; 1 some kernel did not (or the
trigger did not fire: no "XSAVE consistency problem" line); 2 usage or setup
error (missing kernel, QEMU, busybox).
EOF
}

cache=$LAB_CACHE_DEFAULT
out=$LAB_BUILD/repro-xstate
tmo=60
cpu=$DEF_CPU
append=$DEF_APPEND
verbose=0
kernels=(6.1 6.12 7.2)
while (($#)); do
	case "$1" in
	--kernels) (($# >= 2)) || die "--kernels needs a list"; IFS=', ' read -r -a kernels <<<"$2"; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs seconds"; tmo=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	--cpu) (($# >= 2)) || die "--cpu needs a model"; cpu=$2; shift ;;
	--append) (($# >= 2)) || die "--append needs a value (may be '')"; append=$2; shift ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $tmo =~ ^[1-9][0-9]*$ ]] || die "--timeout wants a positive number of seconds, not '$tmo'"
((${#kernels[@]})) || die "--kernels: empty list"
for k in "${kernels[@]}"; do check_series "$k"; done
need_cmd qemu-system-x86_64 timeout cpio gzip
bb=$(command -v busybox || true)
[[ -n $bb ]] || die "'busybox' not found; run harness/lab/host-packages.sh (busybox-static)"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || die "$bb is not static; install busybox-static"

# expected K: what the finding records for kernel K.
expected() {
	case "$1" in
	7.2) echo panic ;;
	*) echo boots ;;
	esac
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/initramfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox and an /init that reports whether XSAVE survived.
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/dev"
cp "$bb" "$work/root/bin/busybox"
cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
x=no; /bin/busybox grep -qw xsave /proc/cpuinfo && x=yes
echo "@@KMC-XSTATE-ALIVE@@ $(/bin/busybox uname -r) xsave=$x"
/bin/busybox poweroff -f
EOF
chmod 755 "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

qver=$(qemu-system-x86_64 --version | head -n1)
printf '%s: %s; -cpu %s; kernel args: console=ttyS0 panic=-1 %s\n' "$PROG" "$qver" "$cpu" "$append"

# trace LOG: the call chain of the first oops, innermost first.
trace() {
	awk '
	/BUG: kernel NULL pointer dereference/ { on = 1 }
	on && /RIP: [0-9a-f]+:/ && !rip { s = $0; sub(/.*RIP: [0-9a-f]+:/, "", s); sub(/\+.*/, "", s); chain = s; rip = 1; next }
	on && /<\/TASK>/ { print chain; exit }
	on && rip && /^\[ *[0-9.]+\]  [a-z_0-9.]+\+0x/ { s = $3; sub(/\+.*/, "", s); chain = chain " <- " s }
	' "$1"
}

fail=0
for k in "${kernels[@]}"; do
	load_kernel "$cache" "$k"
	log=$out/serial-$k.log
	rm -f "$log"
	t0=$(now_ms)
	rc=0
	timeout -k 5 "$tmo" qemu-system-x86_64 -accel tcg -cpu "$cpu" -m 512 -smp 1 -nodefaults \
		-display none -monitor none -serial "file:$log" -no-reboot \
		-kernel "$VMLINUZ" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 panic=-1 $append" </dev/null 2>"$out/qemu-$k.err" || rc=$?
	secs=$(elapsed "$t0")
	[[ -f $log ]] || : >"$log"
	sed -i 's/\r$//' "$log"

	if ((rc == 124 || rc == 137)); then
		got="timeout after ${tmo}s"
	elif grep -q 'Kernel panic - not syncing' "$log"; then
		if grep -q 'RIP: [0-9a-f]*:fpstate_reset' "$log"; then got=panic; else got="other panic"; fi
	elif grep -q '^@@KMC-XSTATE-ALIVE@@ .* xsave=no' "$log"; then
		got=boots
	elif grep -q '^@@KMC-XSTATE-ALIVE@@ .* xsave=yes' "$log"; then
		got="boots with XSAVE on"
	else
		got="no result (QEMU rc=$rc)"
	fi
	trig=0
	grep -q 'XSAVE consistency problem' "$log" && trig=1
	want=$(expected "$k")
	if ((trig)) && [[ $got == "$want" ]]; then
		verdict="as recorded"
	elif ((trig)) || [[ $got == timeout* ]]; then
		verdict="NOT as recorded (expected: $want after an XSAVE consistency problem)"
		fail=1
	else
		verdict="NOT as recorded: the trigger did not fire (no 'XSAVE consistency problem')"
		fail=1
	fi
	[[ $got == boots ]] && got="boots on"
	printf '%-4s %s (%s): %s, %s (%s s)\n' "$k" "$KVER" "$PKGVER" "$got" "$verdict" "$secs"
	grep -E 'XSAVE consistency problem|x86/fpu: XSAVE disabled|WARNING: .*(x86_task_fpu|fpu__init_system_xstate)|BUG: kernel NULL pointer|RIP: [0-9a-f]+:fpstate_reset|Kernel panic - not syncing|^@@KMC-XSTATE-ALIVE@@|x86/fpu: Enabled xstate' "$log" |
		awk '!/RIP: / || !seen[$0]++ { print "    " $0 }' | awk '!/RIP: .*fpstate_reset/ || ++n == 1' || true
	if [[ $got == panic ]]; then
		printf '    call chain: %s\n' "$(trace "$log")"
	fi
	if ((verbose)); then
		sed -n '/XSAVE consistency problem/,$p' "$log" | sed 's/^/  | /'
	fi
	if [[ $verdict != "as recorded" ]]; then
		printf '    serial log: %s (last lines below)\n' "$log"
		tail -n 8 "$log" | sed 's/^/  | /'
	fi
done

if ((fail)); then
	printf '%s: some kernel did not behave as recorded; logs in %s\n' "$PROG" "$out"
	exit 1
fi
printf '%s: all %d kernel(s) behaved as recorded; logs in %s\n' "$PROG" "${#kernels[@]}" "$out"
