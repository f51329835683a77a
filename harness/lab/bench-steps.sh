#!/usr/bin/env bash
# Measure the emulated lab's steps (the numbers in docs/lab-infra.md).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--kernels 'LIST'] [--repeat N] [--fresh] [--out DIR]

Times, per kernel: fetch-kernels.sh (from the cache, or with --fresh into an
empty cache that is removed afterwards), mkinitramfs.sh without and with the
L2 pieces (and their sizes), N L1 boots with kvmprobe, one L2 boot (forced
0x10a) and, when two or more kernels are given, two L1 probe boots at once.
Prints a markdown table; the run directories go under OUT
(default build/lab/runs/bench-TIME).
EOF
}

kernels="6.1 6.12 7.2"
repeat=3
fresh=0
out=
while (($#)); do
	case "$1" in
	--kernels) (($# >= 2)) || die "--kernels needs a list"; kernels=$2; shift ;;
	--repeat) (($# >= 2)) || die "--repeat needs a number"; repeat=$2; shift ;;
	--fresh) fresh=1 ;;
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "--repeat wants a positive number"
for k in $kernels; do check_series "$k"; done
out=${out:-$LAB_BUILD/runs/bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cache=$LAB_CACHE_DEFAULT
if ((fresh)); then
	cache=$out/cache
fi
"$LAB_DIR/build.sh" >/dev/null
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# timed VAR CMD...: run CMD (output to OUT/log), seconds into VAR.
timed() {
	local __v=$1 t
	shift
	t=$(now_ms)
	"$@" >>"$out/log" 2>&1 || die "failed: $* (see $out/log)"
	printf -v "$__v" '%s' "$(elapsed "$t")"
}
wall_of() { sed -n 's/^wall_s=//p' "$1/info"; }
kib() { echo $(($(stat -c %s "$1") / 1024)); }

rows=()
for k in $kernels; do
	timed t_fetch "$LAB_DIR/fetch-kernels.sh" --cache "$cache" "$k"
	timed t_ird "$LAB_DIR/mkinitramfs.sh" --kernel "$k" --cache "$cache" -o "$out/l1-$k.cpio.gz"
	timed t_ird2 "$LAB_DIR/mkinitramfs.sh" --kernel "$k" --cache "$cache" --l2 -o "$out/l1-$k-l2.cpio.gz"
	boots=()
	for i in $(seq "$repeat"); do
		"$LAB_DIR/boot-l1.sh" --kernel "$k" --cache "$cache" --initrd "$out/l1-$k.cpio.gz" --probe --quiet \
			--out "$out/probe-$k-$i" >>"$out/log" 2>&1 || die "L1 probe boot of $k failed (see $out/probe-$k-$i)"
		boots+=("$(wall_of "$out/probe-$k-$i")")
	done
	"$LAB_DIR/boot-l1.sh" --kernel "$k" --cache "$cache" --initrd "$out/l1-$k-l2.cpio.gz" --quiet \
		--l2-run '--arch-cap 0x400000000d10e17b' --out "$out/l2-$k" >>"$out/log" 2>&1 ||
		die "L2 boot of $k failed (see $out/l2-$k)"
	l2q=$(sed -n 's/^# l2run: qemu rc=[0-9]*, \([0-9.]*\)s.*/\1/p' "$out/l2-$k/blocks/l2.out")
	rows+=("| $k | $t_fetch | $t_ird ($(kib "$out/l1-$k.cpio.gz") KiB) | $t_ird2 ($(kib "$out/l1-$k-l2.cpio.gz") KiB) | ${boots[*]} | $(wall_of "$out/l2-$k") (L2 QEMU ${l2q}s) |")
done

pair=
# shellcheck disable=SC2086 # a word list on purpose
set -- $kernels
if (($# >= 2)); then
	t=$(now_ms)
	"$LAB_DIR/boot-l1.sh" --kernel "$1" --cache "$cache" --initrd "$out/l1-$1.cpio.gz" --probe --quiet --out "$out/pair-$1" >>"$out/log" 2>&1 &
	p1=$!
	"$LAB_DIR/boot-l1.sh" --kernel "$2" --cache "$cache" --initrd "$out/l1-$2.cpio.gz" --probe --quiet --out "$out/pair-$2" >>"$out/log" 2>&1 &
	p2=$!
	wait "$p1" || die "concurrent boot of $1 failed (see $out/pair-$1)"
	wait "$p2" || die "concurrent boot of $2 failed (see $out/pair-$2)"
	pair="two L1 probe boots at once ($1, $2): $(elapsed "$t")s in all, $(wall_of "$out/pair-$1")s and $(wall_of "$out/pair-$2")s each"
fi

echo "| kernel | fetch s$( ((fresh)) && echo ' (fresh)' || echo ' (cached)') | L1 initramfs s (size) | L1+L2 initramfs s (size) | L1 boot+probe s ×$repeat | L1+L2 boot s |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
[[ -z $pair ]] || echo "$pair"
echo "load average at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows TCG)"
echo "runs: $out"
if ((fresh)); then rm -rf "$cache"; fi
