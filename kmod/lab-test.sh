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
usage: $PROG [--cycles N] [--timeout SECS] [--offline] KERNEL...

KERNEL is 6.1, 6.12, 7.2 or all. For each KERNEL:
  1. harness/lab/fetch-kernels.sh KERNEL: the kernel the lab boots (KVER)
  2. kmod/build-debian.sh --kver KERNEL=KVER KERNEL: kmc.ko for exactly it
  3. a payload $OUT/lab/payload-KERNEL/kmod/ with kmc.ko, the static
     tests/unpriv-read and tests/vcpu-run, and tests/l1-test.sh; an L1 initramfs
     $OUT/lab/l1-KERNEL.cpio.gz (harness/lab/mkinitramfs.sh --payload)
  4. harness/lab/boot-l1.sh with the job "sh /payload/kmod/l1-test.sh N",
     run directory $OUT/lab/run-KERNEL/
The facts L1 read are saved as $OUT/lab/facts-KERNEL.txt. Prints the
checks of every kernel and a closing "N passed, N failed" line; exits 1 if
any check failed or a boot did not complete.

  --cycles N      load/unload cycles in L1 (default 100)
  --timeout SECS  wall-clock limit of one L1 boot (default 600)
  --offline       reuse the cached kernels and headers (no apt)
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
series=()
while (($#)); do
	case "$1" in
	--cycles) (($# >= 2)) || die "--cycles needs a number"; cycles=$2; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs seconds"; tmo=$2; shift ;;
	--offline) offline=(--offline) ;;
	-h | --help) usage; exit 0 ;;
	all) series+=(6.1 6.12 7.2) ;;
	6.1 | 6.12 | 7.2) series+=("$1") ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
((${#series[@]})) || die "no KERNEL given (see --help)"
[[ $cycles =~ ^[0-9]+$ ]] || die "--cycles wants a number, got '$cycles'"
for f in fetch-kernels.sh mkinitramfs.sh boot-l1.sh deps.sh; do
	[[ -x $LAB/$f ]] || die "the emulated lab is not there: $LAB/$f is missing"
done

"$LAB/deps.sh" >&2 || die "harness/lab/deps.sh failed"
make -s -C "$KMOD_DIR" tests >&2 || die "cannot build kmod/tests/"

total_pass=0
total_fail=0

# lab_kver SERIES: the KVER of the kernel the lab boots for SERIES.
lab_kver() {
	local env
	"$LAB/fetch-kernels.sh" "${offline[@]}" "$1" >&2 || die "fetch-kernels.sh $1 failed"
	env=$KMC_ROOT/build/lab/cache/kernel-$1/kernel.env
	[[ -r $env ]] || die "fetch-kernels.sh wrote no $env"
	sed -n "s/^KVER='\(.*\)'$/\1/p" "$env"
}

run_one() {
	local s=$1 kver pay initrd run blk rc p f
	kver=$(lab_kver "$s")
	info "$s: the lab boots $kver"
	"$KMOD_DIR/build-debian.sh" "${offline[@]}" --kver "$s=$kver" "$s" >&2 ||
		die "$s: building kmc against $kver failed"

	pay=$OUT/lab/payload-$s
	rm -rf "$pay"
	mkdir -p "$pay/kmod"
	cp "$OUT/$s/kmc.ko" "$OUT/tests/unpriv-read" "$OUT/tests/vcpu-run" \
		"$KMOD_DIR/tests/l1-test.sh" "$pay/kmod/"
	initrd=$OUT/lab/l1-$s.cpio.gz
	"$LAB/mkinitramfs.sh" --kernel "$s" --payload "$pay" -o "$initrd" >/dev/null ||
		die "$s: mkinitramfs.sh failed"

	run=$OUT/lab/run-$s
	rm -rf "$run"
	rc=0
	"$LAB/boot-l1.sh" --kernel "$s" --initrd "$initrd" --out "$run" --quiet \
		--timeout "$tmo" --job "kmod=sh /payload/kmod/l1-test.sh $cycles" >&2 || rc=$?
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
}

for s in "${series[@]}"; do
	run_one "$s"
done
echo "$total_pass passed, $total_fail failed"
((total_fail == 0))
