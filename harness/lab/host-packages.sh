#!/usr/bin/env bash
# Install the host packages the emulated lab needs (Debian 12).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--check] [--help]

Installs, with apt-get --no-install-recommends, the Debian packages the
emulated lab uses on the host:
  qemu-system-x86  L1 emulator (TCG) and, copied into L1, the L2 VMM
  busybox-static   userland of the L1 and L2 initramfs
  cpio xz-utils    initramfs assembly, .ko.xz decompression
  zstd             decompressing the 6.12/7.2 kernels for L2 (PVH boot)
  gcc libc6-dev    static probe, LD_PRELOAD wrapper
  binutils         objcopy: module dependencies from .modinfo
  bochs bochs-term bochsbios vgabios
                   the VMX lab's emulator (bochs-bin; bochs-term is the
                   smallest of the display front ends bochs depends on one of)
  grub-pc-bin grub-common xorriso mtools
                   the VMX lab's boot ISO (grub-mkrescue)
Does nothing when everything is present.

  --check   only report what is missing; exit 1 if anything is
EOF
}

check_only=0
while (($#)); do
	case "$1" in
	--check) check_only=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

# package:file-that-proves-it-is-installed
wanted=(
	qemu-system-x86:/usr/bin/qemu-system-x86_64
	busybox-static:/bin/busybox
	cpio:/usr/bin/cpio
	xz-utils:/usr/bin/xz
	zstd:/usr/bin/zstd
	gcc:/usr/bin/gcc
	binutils:/usr/bin/objcopy
	libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a
	bochs:/usr/bin/bochs-bin
	bochs-term:/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so.0.0.0
	bochsbios:/usr/share/bochs/BIOS-bochs-latest
	vgabios:/usr/share/vgabios/vgabios.bin
	grub-pc-bin:/usr/lib/grub/i386-pc/cdboot.img
	grub-common:/usr/bin/grub-mkrescue
	xorriso:/usr/bin/xorriso
	mtools:/usr/bin/mcopy
)
missing=()
for w in "${wanted[@]}"; do
	[[ -e ${w#*:} ]] || missing+=("${w%%:*}")
done
if ((${#missing[@]} == 0)); then
	info "all lab packages present"
	exit 0
fi
if ((check_only)); then
	info "missing packages: ${missing[*]}"
	exit 1
fi
[[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]}"
# another lab's host-packages.sh, or any apt, may hold dpkg's lock: wait for it
hold_lock "$LAB_BUILD/locks/apt.lock" "another lab's host-packages.sh"
apt_wait=(-o DPkg::Lock::Timeout=600)
command -v apt-get >/dev/null || die "apt-get not found; this lab needs a Debian host"
info "installing: ${missing[*]}"
if ! DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -q --no-install-recommends "${missing[@]}"; then
	info "install failed; retrying after apt-get update"
	apt-get "${apt_wait[@]}" update -q
	DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get install ${missing[*]} failed"
fi
