#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Put kmc.ko, built for exactly the kernel the emulated lab boots for KERNEL,
# into a harness/lab/mkinitramfs.sh --payload directory, with a loader:
#
#   DIR/kmod/kmc.ko           build-debian.sh --kver KERNEL=<the lab's KVER>
#   DIR/kmod/load.sh          in L1: insmod, check /dev/kmc, print the facts
#   DIR/kmod/check-facts.sh   the format checker load.sh runs
#
# In L1, `sh /payload/kmod/load.sh` (e.g. boot-l1.sh --job
# "kmod=sh /payload/kmod/load.sh") loads kmc before the harness runs, so the
# kvm backend reads its host facts from /dev/kmc. Prints the module's path.
set -eEuo pipefail
trap 'printf "%s: error: line %s: %s failed\n" "${0##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

PROG=$(basename "$0")
KMOD_DIR=$(cd "$(dirname "$0")" && pwd)
KMC_ROOT=$(cd "$KMOD_DIR/.." && pwd)
LAB=$KMC_ROOT/harness/lab
OUT=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}
CACHE=${KMC_LAB_BUILD:-$KMC_ROOT/build/lab}/cache

usage() {
	cat <<EOF
usage: $PROG [--offline] [--fetched CACHE] KERNEL DIR

KERNEL is a line the lab knows (5.10, 6.1, 6.12, 7.2, 7.3), or the name of
a kernel harness/lab/own-kernel.sh registered (make lab KERNEL=...): kmc.ko
is then built against its build directory, or against Debian's headers when
it is a Debian kernel given as an image; DIR the payload directory (created
if needed).
  --offline   no apt: reuse the kernels and headers already unpacked
  --fetched CACHE  the caller has just run fetch-kernels.sh --cache CACHE for
              KERNEL (the labs do): take its manifest as it is instead of
              asking apt again (the headers are still fetched when missing)
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

offline=()
fetched=0
args=()
while (($#)); do
	case "$1" in
	--offline) offline=(--offline) ;;
	--fetched) (($# >= 2)) || die "--fetched needs the cache directory"; fetched=1; CACHE=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) args+=("$1") ;;
	esac
	shift
done
((${#args[@]} == 2)) || die "want KERNEL DIR (see --help)"
s=${args[0]}
dir=${args[1]}
# an own kernel (harness/lab/own-kernel.sh): its manifest says where kmc.ko
# comes from
own_env=$CACHE/kernel-$s/kernel.env
if [[ -r $own_env ]] && grep -qx 'OWN=1' "$own_env"; then
	kdir=$(. "$own_env" && echo "${KMOD_KDIR:-}")
	kline=$(. "$own_env" && echo "${KMOD_LINE:-}")
	if [[ -n $kdir ]]; then
		mkdir -p "$OUT/own-$s"
		exec 8>"$OUT/.build-own-$s.lock"
		flock 8
		make -s -C "$KMOD_DIR" running KDIR="$kdir" OUT="$OUT/own-$s" >&2 ||
			die "$s: building kmc against $kdir failed"
		ko=$OUT/own-$s/running/kmc.ko
	elif [[ -n $kline ]]; then
		ko=$("$0" "${offline[@]}" "$kline" "$dir") || die "$s: kmc.ko of $kline failed"
		printf '%s\n' "$ko"
		exit 0
	else
		die "$s: no build directory to build kmc.ko against (own-kernel.sh: an image whose modules directory has no build link)"
	fi
else
	case $s in
	5.10 | 6.1 | 6.12 | 7.2 | 7.3) ;;
	*) die "unknown kernel '$s' (5.10, 6.1, 6.12, 7.2 or 7.3, or a name own-kernel.sh registered)" ;;
	esac

	env=$CACHE/kernel-$s/kernel.env
	# a cached fetch still costs seconds of apt-cache, under the fetch lock
	# both labs take turns on
	if ((fetched == 0)); then
		"$LAB/fetch-kernels.sh" "${offline[@]}" "$s" >&2 || die "harness/lab/fetch-kernels.sh $s failed"
	fi
	[[ -r $env ]] || die "fetch-kernels.sh wrote no $env"
	kver=$(sed -n "s/^KVER='\(.*\)'$/\1/p" "$env")
	[[ -n $kver ]] || die "$env has no KVER"
	# Both emulated labs ship kmc.ko for the same kernels: build once. The module
	# is reused when nothing under kmod/ and no kernel manifest is newer and its
	# vermagic names this kernel.
	ko=$OUT/$s/kmc.ko
	# ... and not both at once: make lab runs the two labs side by side
	mkdir -p "$OUT"
	exec 8>"$OUT/.build-$s.lock"
	flock 8
	vermagic=
	[[ -e $ko ]] && vermagic=$(objcopy -O binary --only-section=.modinfo "$ko" /dev/stdout 2>/dev/null |
		tr '\0' '\n' | sed -n 's/^vermagic=\([^ ]*\).*/\1/p')
	if [[ $vermagic == "$kver" && ! $env -nt $ko && -z $(find "$KMOD_DIR" -type f -newer "$ko" -print -quit) ]]; then
		echo "$PROG: $ko is up to date for $kver" >&2
	else
		"$KMOD_DIR/build-debian.sh" "${offline[@]}" --kver "$s=$kver" "$s" >&2 ||
			die "$s: building kmc against $kver failed"
	fi
fi

mkdir -p "$dir/kmod"
cp "$ko" "$KMOD_DIR/tests/check-facts.sh" "$dir/kmod/"
cat >"$dir/kmod/load.sh" <<'EOF'
#!/bin/sh
# written by kmod/lab-payload.sh: load kmc in the lab's L1, show its facts
D=$(dirname "$0")
insmod "$D/kmc.ko" || { echo "load.sh: insmod $D/kmc.ko failed" >&2; exit 1; }
[ -c /dev/kmc ] || { echo "load.sh: no /dev/kmc after insmod" >&2; exit 1; }
cat /dev/kmc >/tmp/kmc.facts || { echo "load.sh: cannot read /dev/kmc" >&2; exit 1; }
sh "$D/check-facts.sh" /tmp/kmc.facts || exit 1
cat /tmp/kmc.facts
EOF
chmod +x "$dir/kmod/load.sh"
printf '%s\n' "$dir/kmod/kmc.ko"
