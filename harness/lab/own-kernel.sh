#!/usr/bin/env bash
# Register a kernel that is not one of Debian's packages for the labs (make
# lab KERNEL=...): write its manifest CACHE/kernel-NAME/kernel.env, the same
# file fetch-kernels.sh writes for a Debian kernel, so that the lab scripts
# boot it the same way.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--cache DIR] [--name NAME] [--modules DIR] KERNEL

KERNEL is either
  - a kernel build directory (make O=DIR, or an in-tree build): its
    arch/x86/boot/bzImage, include/config/kernel.release and the modules
    built in it (modules.builtin says which are built in), or
  - a kernel image (bzImage), with --modules DIR: the directory given to
    'make modules_install INSTALL_MOD_PATH=DIR' (DIR/lib/modules/RELEASE/
    or DIR/usr/lib/modules/RELEASE/, RELEASE read from the image's header).
Writes CACHE/kernel-NAME/kernel.env (default CACHE build/lab/cache) and
prints NAME. NAME (default: the kernel release) names the kernel in the
lab's results and baselines (RESULTS/DATE_NAME, BASELINES/NAME); it may not
be one of the Debian lines ($LAB_KERNELS_ALL).

The manifest also records the lab line the kernel belongs to (the release's
major.minor: the matrix's kernels= filters use it), and where kmc.ko comes
from: built against the build directory (a build directory, or the modules
directory's build link), or, for a release that is one of the Debian
kernels in CACHE, against Debian's headers for it (kmod/lab-payload.sh);
otherwise none, and the lab runs without kmc.ko.
EOF
}

cache=$LAB_CACHE_DEFAULT
name=
mods=
kernel=
while (($#)); do
	case "$1" in
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--name) (($# >= 2)) || die "--name needs a value"; name=$2; shift ;;
	--modules) (($# >= 2)) || die "--modules needs a directory"; mods=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) [[ -z $kernel ]] || die "one KERNEL only (got '$kernel' and '$1')"; kernel=$1 ;;
	esac
	shift
done
[[ -n $kernel ]] || die "KERNEL is required: a build directory, or an image with --modules (see --help)"
[[ -e $kernel ]] || die "KERNEL $kernel does not exist"

# image_release BZIMAGE: the version string of a bzImage's setup header
# (kernel_version at 0x20e: its offset - 0x200 in the file, boot protocol
# >= 2.00), up to the first space.
image_release() {
	local ptr
	[[ $(od -An -c -j $((0x202)) -N4 "$1" | tr -d ' ') == HdrS ]] || return 1
	ptr=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ')
	[[ $ptr =~ ^[0-9]+$ && $ptr -gt 0 ]] || return 1
	dd if="$1" bs=1 skip=$((ptr + 0x200)) count=200 status=none | tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

kdir=
if [[ -d $kernel ]]; then
	[[ -z $mods ]] || die "--modules goes with a kernel image; $kernel is a directory (a build directory has its modules)"
	kernel=$(cd "$kernel" && pwd)
	vmlinuz=$kernel/arch/x86/boot/bzImage
	[[ -f $vmlinuz ]] || die "$kernel has no arch/x86/boot/bzImage: not an x86 kernel build directory, or not built yet (make bzImage modules)"
	[[ -r $kernel/include/config/kernel.release ]] || die "$kernel has no include/config/kernel.release: not a kernel build directory"
	kver=$(cat "$kernel/include/config/kernel.release")
	[[ -r $kernel/modules.builtin && -r $kernel/modules.order ]] ||
		die "$kernel has no modules.builtin or modules.order: build the modules too (make modules)"
	moddir=$kernel
	kdir=$kernel
	from="build directory $kernel"
else
	[[ -n $mods ]] || die "$kernel is a file: give its modules with --modules DIR (make modules_install INSTALL_MOD_PATH=DIR), or give a build directory"
	[[ -d $mods ]] || die "--modules $mods: not a directory"
	vmlinuz=$(cd "$(dirname "$kernel")" && pwd)/$(basename "$kernel")
	kver=$(image_release "$vmlinuz") || die "$kernel is not a bzImage (no HdrS boot header with a version string)"
	[[ -n $kver ]] || die "$kernel: empty version string in its boot header"
	mods=$(cd "$mods" && pwd)
	# merged-/usr systems install under usr/lib/modules (INSTALL_MOD_DIR)
	moddir=$mods/lib/modules/$kver
	[[ -d $moddir || ! -d $mods/usr/lib/modules/$kver ]] || moddir=$mods/usr/lib/modules/$kver
	[[ -d $moddir ]] || die "--modules $mods has no lib/modules/$kver (the release in $kernel's header); found: $(ls "$mods/lib/modules" "$mods/usr/lib/modules" 2>/dev/null | tr '\n' ' ')"
	[[ -d $moddir/kernel ]] || die "$moddir has no kernel/ directory of modules"
	[[ ! -e $moddir/build/Module.symvers ]] || kdir=$(cd "$moddir/build" && pwd)
	from="image $vmlinuz, modules $mods"
fi
[[ $kver =~ ^([0-9]+)\.([0-9]+) ]] || die "kernel release '$kver' does not start with MAJOR.MINOR"
line=${BASH_REMATCH[1]}.${BASH_REMATCH[2]}

name=${name:-$kver}
[[ $name =~ ^[A-Za-z0-9._+-]+$ ]] || die "--name '$name': use only A-Z a-z 0-9 . _ + -"
[[ " $LAB_KERNELS_ALL all " != *" $name "* ]] || die "--name '$name' is one of the Debian lines the lab fetches itself; choose another name"

# kmc.ko: against the build directory, or Debian's headers for a Debian release
kmod_kdir=$kdir
kmod_line=
if [[ -z $kdir ]]; then
	for l in $LAB_KERNELS_ALL; do
		f=$(kernel_env "$cache" "$l")
		[[ -r $f ]] && [[ $(sed -n "s/^KVER='\(.*\)'$/\1/p" "$f") == "$kver" ]] && kmod_line=$l && break
	done
fi

d=$cache/kernel-$name
mkdir -p "$d"
{
	echo "# written by harness/lab/own-kernel.sh; sourced by the other lab scripts"
	printf 'SERIES=%q\n' "$name"
	printf 'LINE=%q\n' "$line"
	printf 'KVER=%q\n' "$kver"
	echo "PKGVER='own'"
	printf 'PKGS=%q\n' "own kernel: $from"
	printf 'VMLINUZ=%q\n' "$vmlinuz"
	printf 'MODDIR=%q\n' "$moddir"
	printf 'KMOD_KDIR=%q\n' "$kmod_kdir"
	printf 'KMOD_LINE=%q\n' "$kmod_line"
	echo "OWN=1"
} >"$d/kernel.env.tmp.$$"
# make lab registers the kernel from both labs at once: each its own file,
# renamed over the other's (the same content)
mv -f "$d/kernel.env.tmp.$$" "$d/kernel.env"
# the L2 kernel ELF the initramfs builder caches is per image
rm -f "$d/vmlinux"
info "$name: $kver (line $line) from $from; kmc.ko: $(
	if [[ -n $kmod_kdir ]]; then echo "built against $kmod_kdir"
	elif [[ -n $kmod_line ]]; then echo "Debian's headers of $kmod_line (same release)"
	else echo "none (no build directory)"; fi)"
printf '%s\n' "$name"
