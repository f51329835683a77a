#!/usr/bin/env bash
# Build a lab-ready kernel from a source tree (make kernel KSRC=...): x86_64
# defconfig plus harness/lab/kernel/lab.config, the image and the modules the
# labs load, then kmc.ko against it. docs/lab.md "Testing your own kernel".
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/../lib.sh"

FRAGMENT=$LAB_DIR/kernel/lab.config

usage() {
	cat <<EOF
usage: $PROG --src DIR [--out DIR] [--jobs N] [--no-kmod]

Configures the kernel source tree DIR as x86_64 defconfig merged with
$FRAGMENT (scripts/kconfig/merge_config.sh, then olddefconfig), checks that
every line of the fragment is in the resulting .config, and builds bzImage
and the modules out of tree (make O=OUT; DIR itself is not written to).
OUT is then a kernel build directory for the labs: make lab KERNEL=OUT.
Last, builds kmod/ (kmc.ko) against OUT into OUT/kmc/, which proves kprobes
and the exports kmc.ko needs are there.

A second run with the same OUT is incremental (make's own rules): patch DIR
and run again to rebuild only what the patch touches.

  --src DIR    kernel source tree (clean: Kbuild refuses O= next to an
               in-tree build; run 'make mrproper' in it first)
  --out DIR    build directory (default build/kernel/NAME, NAME the
               source tree's directory name)
  --jobs N     make -jN (default: the number of CPUs, nproc)
  --no-kmod    skip the kmc.ko build
Prints the build directory and its kernel release on success; the times of
the configure, kernel and kmc.ko steps go to stderr.
EOF
}

src=
out=
jobs=$(nproc)
kmod=1
while (($#)); do
	case "$1" in
	--src) (($# >= 2)) || die "--src needs a directory"; src=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	--jobs) (($# >= 2)) || die "--jobs needs a number"; jobs=$2; shift ;;
	--no-kmod) kmod=0 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $src ]] || die "--src DIR is required (a kernel source tree; see --help)"
[[ -d $src ]] || die "--src $src: not a directory"
src=$(cd "$src" && pwd)
[[ -f $src/Makefile && -f $src/arch/x86/Kconfig && -x $src/scripts/kconfig/merge_config.sh ]] ||
	die "--src $src: not a Linux source tree (no Makefile, arch/x86/Kconfig or scripts/kconfig/merge_config.sh)"
[[ ! -f $src/.config ]] || die "--src $src has a .config (an in-tree build): Kbuild refuses O= builds next to it; run 'make -C $src mrproper' first"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs $jobs: not a positive number"
need_cmd make gcc flex bison bc perl
[[ -e /usr/include/gelf.h ]] || die "libelf headers missing (objtool needs them): apt-get install libelf-dev"
[[ -e /usr/include/openssl/ssl.h ]] || die "OpenSSL headers missing (scripts/sign-file): apt-get install libssl-dev"
out=${out:-$KMC_ROOT/build/kernel/$(basename "$src")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
[[ $out != "$src" ]] || die "--out $out is the source tree itself; give another directory (--out)"

kmake() {
	make -C "$src" O="$out" -j"$jobs" "$@"
}

t0=$(now_ms)
# A configured OUT keeps its .config, so that a rebuild after a patch is
# incremental; the fragment check below still runs.
if [[ ! -f $out/.config || $FRAGMENT -nt $out/.config ]]; then
	kmake -s x86_64_defconfig
	(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$FRAGMENT" >"$out/merge_config.log") ||
		die "merge_config.sh failed; see $out/merge_config.log"
	kmake -s olddefconfig
fi
# Every fragment line must have survived: a dependency missing in this tree
# would otherwise drop, say, KVM_AMD without a word.
bad=
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$out/.config" || bad+=" ${line%%=*}" ;;
	'# CONFIG_'*' is not set') grep -q "^${line#\# }" "$out/.config" || grep -qxF "$line" "$out/.config" || bad+=" ${line#\# }" ;;
	esac
done <"$FRAGMENT"
[[ -z $bad ]] || die "the .config in $out lost fragment lines:$bad (their dependencies are missing in this tree; see $out/merge_config.log)"
info "configured in $(elapsed "$t0")s: defconfig + $(basename "$FRAGMENT")"

t1=$(now_ms)
kmake bzImage modules
release=$(cat "$out/include/config/kernel.release")
info "built $release in $(elapsed "$t1")s with make -j$jobs (bzImage and modules)"

if ((kmod)); then
	t2=$(now_ms)
	rm -rf "$out/kmc" && mkdir -p "$out/kmc"
	cp "$KMC_ROOT/kmod/Kbuild" "$KMC_ROOT"/kmod/*.c "$KMC_ROOT"/kmod/*.h "$out/kmc/"
	make -C "$out" M="$out/kmc" -j"$jobs" modules >"$out/kmc/build.log" 2>&1 ||
		die "kmc.ko does not build against $out; see $out/kmc/build.log"
	info "kmc.ko built against $release in $(elapsed "$t2")s: $out/kmc/kmc.ko"
fi
info "total $(elapsed "$t0")s; use it with: make lab KERNEL=$out"
printf '%s %s\n' "$out" "$release"
