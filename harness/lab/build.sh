#!/usr/bin/env bash
# Build the lab's small C programs into build/lab/bin.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--out DIR] [--help]

Builds, with the host's gcc and glibc (Debian 12, the same glibc as the QEMU
that runs inside L1):
  kvmprobe    probe/kvmprobe.c   static; L1 smoke test of /dev/kvm
  l2probe     probe/l2probe.c    static; what the L2 guest sees (CPUID, 0x10a)
  l2wrap.so   l2wrap/l2wrap.c    LD_PRELOAD ioctl wrapper for the L2 QEMU
Output: DIR (default build/lab/bin). Rebuilds only what is out of date.
EOF
}

out=$LAB_BUILD/bin
while (($#)); do
	case "$1" in
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
need_cmd "${CC:-gcc}"
mkdir -p "$out"
CC=${CC:-gcc}
CFLAGS=(-std=c11 -Wall -Wextra -Werror -O2 -g)

# build OUTPUT SOURCE FLAGS...
build() {
	local o=$1 s=$2
	shift 2
	if [[ -e $o && $o -nt $s && $o -nt $0 ]]; then
		return 0
	fi
	info "cc $(basename "$s") -> $o"
	"$CC" "${CFLAGS[@]}" "$@" -o "$o.tmp" "$s" || die "compiling $s failed"
	mv "$o.tmp" "$o"
}

build "$out/kvmprobe" "$LAB_DIR/probe/kvmprobe.c" -static
build "$out/l2probe" "$LAB_DIR/probe/l2probe.c" -static
build "$out/l2wrap.so" "$LAB_DIR/l2wrap/l2wrap.c" -fPIC -shared -Wl,-z,defs -ldl -lpthread
printf '%s\n' "$out/kvmprobe" "$out/l2probe" "$out/l2wrap.so"
