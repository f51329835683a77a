#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kvm backend inside the emulated lab's L1 (Debian's kernels under
# QEMU TCG, -cpu EPYC,+svm, kvm_amd loaded): `kmc-run --backend kvm
# vectors/live.kmv` and the guest-program tests (kvm_guest), per kernel,
# one L1 boot at a time.  Uses harness/lab/{mkinitramfs,boot-l1}.sh as
# they are.  Jobs in each L1, in order:
#   guest       kvm_guest (libcheck): the guest program's exception vectors and exits
#   live        kmc-run --backend kvm live.kmv, without the kmod
#   live-kmod   the same after insmod of build/kmod/<kernel>/kmc.ko (when that was
#               built for the same kernel release: kmod/build-debian.sh), so host
#               facts come from /dev/kmc
#   asan-guest, asan-live   with --asan: the same two under ASan+UBSan (build/kvm-asan,
#               shipped with their shared libraries and run through their ld.so)
# Writes results/kvm-lab/<UTC time>/<kernel>/:
#   live.ktap, live-kmod.ktap   kmc-run's KTAP (exit status in *.rc, kmc-run's
#                               stderr, e.g. KMC_KVM_TRACE=1 output, in *.err)
#   guest.log       kvm_guest's libcheck output (exit status in guest.rc)
#   serial.log      the whole L1 console, boot.log boot-l1.sh's messages
# and a SUMMARY of all kernels.  Exit 0 if every kernel booted and both
# jobs passed, 1 otherwise.
set -euo pipefail

usage() {
	cat <<EOF
usage: $0 [--kernels 'LIST'] [--out DIR] [--no-build] [--no-kmod] [--asan] [--timeout SECS]

  --kernels LIST   Debian kernels to boot (default: '6.1 6.12 7.2')
  --out DIR        results directory (default: results/kvm-lab/<UTC time>)
  --no-build       use build/kvm-static as it is (default: make kvm-static)
  --no-kmod        do not run the live-kmod job
  --asan           also run kvm_guest and kmc-run built with ASan+UBSan
  --timeout SECS   per L1 boot (default 600)
Environment: KMC_KVM_RUN_TIMEOUT_MS and KMC_KVM_TRACE are passed to kmc-run
inside L1 (KMC_KVM_WRITE_PARAMS=1 is always set there: L1 is ours).
EOF
}

cd "$(dirname "$0")/../.."
kernels="6.1 6.12 7.2"
out=
build=1
kmod=1
asan=0
tmo=600
while (($#)); do
	case "$1" in
	--kernels) kernels=$2; shift ;;
	--out) out=$2; shift ;;
	--no-build) build=0 ;;
	--no-kmod) kmod=0 ;;
	--asan) asan=1 ;;
	--timeout) tmo=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "lab-l1.sh: error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done
out=${out:-results/kvm-lab/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

asan_bins="build/kvm-asan/bin/kmc-run build/kvm-asan/kvm-test/kvm_guest"
if ((build)); then
	make -s kvm-static >"$out/build.log" 2>&1 ||
		{ echo "lab-l1.sh: error: make kvm-static failed; see $out/build.log" >&2; exit 1; }
	if ((asan)); then
		# shellcheck disable=SC2086
		make -s O=build/kvm-asan SAN=1 $asan_bins >>"$out/build.log" 2>&1 ||
			{ echo "lab-l1.sh: error: the ASan build failed; see $out/build.log" >&2; exit 1; }
	fi
fi
for f in build/kvm-static/bin/kmc-run build/kvm-static/kvm-test/kvm_guest vectors/live.kmv; do
	[[ -f $f ]] || { echo "lab-l1.sh: error: $f missing" >&2; exit 1; }
done

payload=$(mktemp -d "${TMPDIR:-/tmp}/kmc-kvm-payload.XXXXXX")
trap 'rm -rf "$payload"' EXIT
cp build/kvm-static/bin/kmc-run build/kvm-static/kvm-test/kvm_guest vectors/live.kmv "$payload/"
# inside L1 (busybox sh): time the job on stderr, keep KTAP alone on stdout
cat >"$payload/live.sh" <<'EOS'
#!/bin/sh
# live.sh [kmod]: kmc-run --backend kvm over live.kmv, optionally after insmod kmc.ko
if [ "${1:-}" = kmod ]; then
	insmod /payload/kmc.ko >&2 || { echo "live.sh: insmod /payload/kmc.ko failed" >&2; exit 3; }
fi
read -r t0 _ </proc/uptime
KMC_KVM_WRITE_PARAMS=1 /payload/kmc-run --backend kvm /payload/live.kmv
rc=$?
read -r t1 _ </proc/uptime
echo "live.sh: kmc-run rc=$rc, uptime $t0 -> $t1" >&2
exit $rc
EOS
chmod +x "$payload/live.sh"
if ((asan)); then
	# dynamic ASan programs in a busybox L1: their libraries, run through their own ld.so
	mkdir -p "$payload/asan"
	for b in $asan_bins; do
		[[ -x $b ]] || { echo "lab-l1.sh: error: $b missing (drop --no-build)" >&2; exit 1; }
		cp "$b" "$payload/asan/"
		ldd "$b" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | while read -r lib; do
			cp -L "$lib" "$payload/asan/"
		done
	done
	cat >"$payload/asan/run.sh" <<'EOS'
#!/bin/sh
# run.sh PROG ARGS...: an ASan+UBSan program of this directory
d=/payload/asan
p=$1
shift
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	exec "$d/ld-linux-x86-64.so.2" --library-path "$d" "$d/$p" "$@"
EOS
	chmod +x "$payload/asan/run.sh"
fi
run_env="${KMC_KVM_RUN_TIMEOUT_MS:+KMC_KVM_RUN_TIMEOUT_MS=$KMC_KVM_RUN_TIMEOUT_MS }${KMC_KVM_TRACE:+KMC_KVM_TRACE=$KMC_KVM_TRACE }"

status=0
: >"$out/SUMMARY"
for k in $kernels; do
	d=$out/$k
	mkdir -p "$d"
	initrd=$payload/l1-$k.cpio.gz
	jobs=(--job "guest=CK_FORK=yes /payload/kvm_guest" --job "live=${run_env}/payload/live.sh")
	if ((asan)); then
		jobs+=(--job "asan-guest=CK_FORK=yes /payload/asan/run.sh kvm_guest"
			--job "asan-live=KMC_KVM_WRITE_PARAMS=1 ${run_env}/payload/asan/run.sh kmc-run --backend kvm /payload/live.kmv")
	fi
	rm -f "$payload/kmc.ko"
	if ((kmod)); then
		kenv=build/kmod/$k/kmc.env
		lenv=build/lab/cache/kernel-$k/kernel.env
		kv_mod=$(sed -n "s/^KVER='\(.*\)'/\1/p" "$kenv" 2>/dev/null || true)
		kv_lab=$(sed -n "s/^KVER=['\"]*\([^'\"]*\).*/\1/p" "$lenv" 2>/dev/null | head -n 1 || true)
		if [[ -n $kv_mod && $kv_mod == "$kv_lab" && -f build/kmod/$k/kmc.ko ]]; then
			cp "build/kmod/$k/kmc.ko" "$payload/kmc.ko"
			jobs+=(--job "live-kmod=${run_env}/payload/live.sh kmod")
		else
			echo "lab-l1.sh: $k: no kmc.ko built for ${kv_lab:-the lab kernel} (build/kmod/$k: ${kv_mod:-none}); live-kmod skipped" >&2
		fi
	fi
	echo "lab-l1.sh: $k: initramfs" >&2
	if ! harness/lab/mkinitramfs.sh --kernel "$k" --payload "$payload" -o "$initrd" \
		>"$d/initramfs.log" 2>&1; then
		echo "$k: initramfs failed (see $d/initramfs.log)" | tee -a "$out/SUMMARY" >&2
		status=1
		continue
	fi
	echo "lab-l1.sh: $k: booting L1" >&2
	t0=$(date +%s)
	set +e
	harness/lab/boot-l1.sh --kernel "$k" --initrd "$initrd" --out "$d/run" --timeout "$tmo" \
		--quiet "${jobs[@]}" >"$d/boot.log" 2>&1
	brc=$?
	set -e
	t1=$(date +%s)
	b=$d/run/blocks
	[[ -f $d/run/serial.log ]] && cp "$d/run/serial.log" "$d/serial.log"
	for j in live live-kmod asan-live; do
		[[ -f $b/$j.out ]] && cp "$b/$j.out" "$d/$j.ktap"
		[[ -f $b/$j.rc ]] && cp "$b/$j.rc" "$d/$j.rc"
		[[ -f $b/$j.stderr.out ]] && cp "$b/$j.stderr.out" "$d/$j.err"
	done
	for j in guest asan-guest; do
		[[ -f $b/$j.out ]] && cp "$b/$j.out" "$d/$j.log"
		[[ -f $b/$j.rc ]] && cp "$b/$j.rc" "$d/$j.rc"
		[[ -f $b/$j.stderr.out ]] && cat "$b/$j.stderr.out" >>"$d/$j.log"
	done
	rm -rf "$d/run"
	totals=$(grep '^# Totals:' "$d/live.ktap" 2>/dev/null | tail -n 1 || true)
	ktotals=$(grep '^# Totals:' "$d/live-kmod.ktap" 2>/dev/null | tail -n 1 || true)
	checks=$(grep -E '^[0-9]+%: Checks:' "$d/guest.log" 2>/dev/null | tail -n 1 || true)
	if ((asan)); then
		printf '%s: asan: live %s (rc %s); guest tests %s (rc %s)\n' "$k" \
			"$(grep '^# Totals:' "$d/asan-live.ktap" 2>/dev/null | tail -n 1 || echo 'no totals')" \
			"$(cat "$d/asan-live.rc" 2>/dev/null || echo -)" \
			"$(grep -E '^[0-9]+%: Checks:' "$d/asan-guest.log" 2>/dev/null | tail -n 1 || echo 'no summary')" \
			"$(cat "$d/asan-guest.rc" 2>/dev/null || echo -)" | tee -a "$out/SUMMARY" >&2
	fi
	kver=$(grep -m1 '^# host kernel:' "$d/live.ktap" 2>/dev/null | sed 's/^# host kernel: //; s/ \[.*//' || true)
	printf '%s: boot rc %s, %ss; %s; live: %s (rc %s); live-kmod: %s (rc %s); guest tests: %s (rc %s)\n' \
		"$k" "$brc" "$((t1 - t0))" "${kver:-?}" "${totals:-no totals}" \
		"$(cat "$d/live.rc" 2>/dev/null || echo -)" "${ktotals:-not run}" \
		"$(cat "$d/live-kmod.rc" 2>/dev/null || echo -)" "${checks:-no summary}" \
		"$(cat "$d/guest.rc" 2>/dev/null || echo -)" | tee -a "$out/SUMMARY" >&2
	[[ $brc -eq 0 ]] || status=1
done
echo "lab-l1.sh: results in $out" >&2
exit "$status"
