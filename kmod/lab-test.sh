#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kmc for the lab's kernels, load it in the emulated lab's L1 guest,
# query it, test the permission check and unload it CYCLES times.
set -eEuo pipefail
trap 'printf "%s: error: line %s: %s failed\n" "${0##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

PROG=$(basename "$0")
KMOD_DIR=$(cd "$(dirname "$0")" && pwd)
KMC_ROOT=$(cd "$KMOD_DIR/.." && pwd)
LAB=$KMC_ROOT/harness/lab
OUT=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}

usage() {
	cat <<EOF
usage: $PROG [--cycles N] [--timeout SECS] [--offline] [--record] KERNEL...

KERNEL is 5.10, 6.1, 6.12, 7.2, 7.3 or all. For each KERNEL:
  1-2. kmod/lab-payload.sh KERNEL $OUT/lab/payload-KERNEL: the kernel the
     lab boots (harness/lab/fetch-kernels.sh: KVER), kmc.ko built for exactly
     it (build-debian.sh --kver KERNEL=KVER), check-facts.sh, load.sh
  3. the static tests/unpriv-read and tests/vcpu-run and tests/l1-test.sh
     into the same payload; an L1 initramfs $OUT/lab/l1-KERNEL.cpio.gz
     (harness/lab/mkinitramfs.sh --payload)
  4. harness/lab/boot-l1.sh with the jobs "sh /payload/kmod/load.sh && rmmod
     kmc" and "sh /payload/kmod/l1-test.sh N", run directory
     $OUT/lab/run-KERNEL/
  5. on the host, kmod/tests/btf-offsets.sh --facts: the kernel's BTF layout
     (sizeof(struct kvm_vcpu), vcpu_vmx.disable_fb_clear) against what the
     kmc.ko built for it reported (needs bpftool; a skip if it is missing)
The facts L1 read are saved as $OUT/lab/facts-KERNEL.txt. Prints the
checks of every kernel and a closing "N passed, N failed, N skipped" line;
exits 1 if any check failed or a boot did not complete.

  --cycles N      load/unload cycles in L1 (default 100)
  --timeout SECS  wall-clock limit of one L1 boot (default 600)
  --offline       reuse the cached kernels and headers (no apt)
  --record        also copy the facts and the vcpu_vmx BTF excerpt into
                  kmod/tests/data/ (the fixtures kmod/tests/check.sh uses)
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

cycles=100
tmo=600
offline=()
record=0
series=()
while (($#)); do
	case "$1" in
	--cycles) (($# >= 2)) || die "--cycles needs a number"; cycles=$2; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs seconds"; tmo=$2; shift ;;
	--offline) offline=(--offline) ;;
	--record) record=1 ;;
	-h | --help) usage; exit 0 ;;
	all) series+=(5.10 6.1 6.12 7.2 7.3) ;;
	5.10 | 6.1 | 6.12 | 7.2 | 7.3) series+=("$1") ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
((${#series[@]})) || die "no KERNEL given (see --help)"
[[ $cycles =~ ^[0-9]+$ ]] || die "--cycles wants a number, got '$cycles'"
for f in fetch-kernels.sh mkinitramfs.sh boot-l1.sh host-packages.sh; do
	[[ -x $LAB/$f ]] || die "the emulated lab is not there: $LAB/$f is missing"
done

"$LAB/host-packages.sh" >&2 || die "harness/lab/host-packages.sh failed"
make -s -C "$KMOD_DIR" tests >&2 || die "cannot build kmod/tests/"

total_pass=0
total_fail=0
total_skip=0

run_one() {
	local s=$1 pay initrd run blk rc p f
	pay=$OUT/lab/payload-$s
	rm -rf "$pay"
	# kmc.ko for exactly the kernel the lab boots, and check-facts.sh
	"$KMOD_DIR/lab-payload.sh" "${offline[@]}" "$s" "$pay" >/dev/null ||
		die "$s: kmod/lab-payload.sh failed"
	info "$s: $(sed -n "s/^KVER='\(.*\)'$/built for \1/p" "$OUT/$s/kmc.env")"
	cp "$OUT/tests/unpriv-read" "$OUT/tests/vcpu-run" "$KMOD_DIR/tests/l1-test.sh" "$pay/kmod/"
	initrd=$OUT/lab/l1-$s.cpio.gz
	"$LAB/mkinitramfs.sh" --kernel "$s" --payload "$pay" -o "$initrd" >/dev/null ||
		die "$s: mkinitramfs.sh failed"

	run=$OUT/lab/run-$s
	rm -rf "$run"
	rc=0
	"$LAB/boot-l1.sh" --kernel "$s" --initrd "$initrd" --out "$run" --quiet \
		--timeout "$tmo" --job "loader=sh /payload/kmod/load.sh && rmmod kmc" \
		--job "kmod=sh /payload/kmod/l1-test.sh $cycles" >&2 || rc=$?
	# the loader the kvm backend's lab run can use (kmod/lab-payload.sh)
	if [[ $(cat "$run/blocks/loader.rc" 2>/dev/null) == 0 ]] &&
		[[ $(head -n 1 "$run/blocks/loader.out") == "kmc.format 1" ]]; then
		total_pass=$((total_pass + 1))
		printf '[%s] ok - load.sh loads kmc, reads valid facts; rmmod\n' "$s"
	else
		total_fail=$((total_fail + 1))
		printf '[%s] not ok - load.sh loads kmc, reads valid facts; rmmod (see %s)\n' "$s" "$run/blocks"
	fi
	blk=$run/blocks/kmod.out
	if [[ ! -r $blk ]]; then
		total_fail=$((total_fail + 1))
		printf 'not ok - %s: L1 produced no kmod block (boot-l1.sh rc=%s; see %s)\n' "$s" "$rc" "$run"
		return 0
	fi
	sed -n 's/^fact //p' "$blk" >"$OUT/lab/facts-$s.txt"
	grep -E '^(not )?ok |^# ' "$blk" | sed "s/^/[$s] /"
	p=$(grep -cE '^ok ' "$blk" || true)
	f=$(grep -cE '^not ok ' "$blk" || true)
	grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$blk" || {
		f=$((f + 1))
		printf '[%s] not ok - l1-test.sh did not finish (see %s)\n' "$s" "$blk"
	}
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	info "$s: $p passed, $f failed; facts in $OUT/lab/facts-$s.txt; run in $run"
	btf_check "$s"
	if ((record)); then
		cp "$OUT/lab/facts-$s.txt" "$KMOD_DIR/tests/data/facts-$s.txt"
		info "$s: recorded kmod/tests/data/facts-$s.txt"
	fi
}

# btf_check SERIES: the struct layout of the kernel against kmc's facts.
btf_check() {
	local s=$1 out rc=0 fx=()
	((record)) && fx=(--fixtures "$KMOD_DIR/tests/data")
	out=$("$KMOD_DIR/tests/btf-offsets.sh" --facts "$OUT/lab" "${fx[@]}" "$s" 2>&1) || rc=$?
	if ((rc == 4)); then
		total_skip=$((total_skip + 1))
		printf '[%s] # SKIP the BTF layout check: %s\n' "$s" "$(tail -n 1 <<<"$out")"
		return 0
	fi
	grep -E '^(not )?ok |^# ' <<<"$out" | sed "s/^/[$s] btf: /"
	total_pass=$((total_pass + $(grep -cE '^ok ' <<<"$out" || true)))
	total_fail=$((total_fail + $(grep -cE '^not ok ' <<<"$out" || true)))
	if ((rc)) && ! grep -qE '^not ok ' <<<"$out"; then
		total_fail=$((total_fail + 1))
		printf '[%s] not ok - btf-offsets.sh failed: %s\n' "$s" "$(tail -n 1 <<<"$out")"
	fi
}

for s in "${series[@]}"; do
	run_one "$s"
done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
((total_fail == 0))
