#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The row of kmod/vmx-offsets.txt for a kernel whose kvm-intel.ko has no
# BTF: the offset of vcpu_vmx.disable_fb_clear (and sizeof(struct
# kvm_vcpu)) from the DWARF of the module in Debian's -dbg package, for the
# module build the package was made with (same GNU build id).
set -euo pipefail

PROG=$(basename "$0")

usage() {
	cat <<EOF2
usage: $PROG DBG-DEB KO

  DBG-DEB  Debian's linux-image-KVER-amd64-dbg .deb (apt-get download; about
           800 MB for 5.10)
  KO       the kvm-intel.ko (or .ko.xz) the lab boots, from the image package
Prints "KVER BUILD_ID OFFSET KVM_VCPU FROM" (kmod/vmx-offsets.txt). Fails if
the -dbg module is another build than KO or pahole (Debian package dwarves)
cannot find the members. Example (5.10, the lab's cache):
  $PROG linux-image-5.10.0-46-amd64-dbg_5.10.262-1_amd64.deb \\
    build/lab/cache/kernel-5.10/root/lib/modules/5.10.0-46-amd64/kernel/arch/x86/kvm/kvm-intel.ko
EOF2
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }
(($# == 2)) || die "need DBG-DEB and KO (see --help)"
deb=$1 ko=$2
[[ -r $deb ]] || die "cannot read $deb"
[[ -r $ko ]] || die "cannot read $ko"
command -v pahole >/dev/null || die "pahole not found (apt-get install dwarves)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# build_id FILE: the GNU build id of an ELF file
build_id() { readelf -n "$1" 2>/dev/null | awk '/Build ID:/ { print $3; exit }'; }

case $ko in
*.xz) xz -dc "$ko" >"$tmp/ship.ko" ;;
*) cp "$ko" "$tmp/ship.ko" ;;
esac
want=$(build_id "$tmp/ship.ko")
[[ -n $want ]] || die "$ko has no GNU build id"

member=$(dpkg-deb -c "$deb" | awk '$NF ~ /\/kernel\/arch\/x86\/kvm\/kvm-intel\.ko$/ && !n++ { print $NF }')
[[ -n $member ]] || die "$deb holds no .../kernel/arch/x86/kvm/kvm-intel.ko"
kver=$(sed -n 's#.*/lib/modules/\([^/]*\)/.*#\1#p' <<<"$member")
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "$member" >"$tmp/dbg.ko" || die "cannot unpack $member from $deb"
got=$(build_id "$tmp/dbg.ko")
[[ $got == "$want" ]] || die "the -dbg module is build $got, $ko is $want: another build"

# "TYPE NAME; /* OFFSET SIZE */" lines of pahole's struct layout
vmx=$(pahole -C vcpu_vmx "$tmp/dbg.ko") || die "pahole finds no struct vcpu_vmx in $member"
off=$(awk '/[ \t]disable_fb_clear;/ { for (i = 1; i <= NF; i++) if ($i == "/*") { print $(i + 1); exit } }' <<<"$vmx")
vcpu=$(awk '/struct kvm_vcpu[ \t]+vcpu[ ;]/ { for (i = 1; i <= NF; i++) if ($i == "/*") { print $(i + 1), $(i + 2); exit } }' <<<"$vmx")
[[ $off =~ ^[0-9]+$ ]] || die "no byte offset of disable_fb_clear in pahole's vcpu_vmx (a bit-field?)"
read -r vcpu_at vcpu_size <<<"$vcpu"
[[ $vcpu_at == 0 && $vcpu_size =~ ^[0-9]+$ ]] || die "vcpu_vmx.vcpu is not the first member (pahole: '$vcpu')"
ver=$(dpkg-deb -f "$deb" Version)
pkg=$(dpkg-deb -f "$deb" Package)
printf '%s  %s  0x%x  0x%x    %s %s\n' "$kver" "$want" "$off" "$vcpu_size" "$pkg" "$ver"
