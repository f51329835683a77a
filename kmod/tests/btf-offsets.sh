#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The struct layout facts that kmc's VMX observation depends on, read from
# the BTF of the kernels the emulated lab boots (no VMX, no root needed):
#
#   sizeof(struct kvm_vcpu)             vmlinux BTF; kmc reports its own
#                                       compiled value as vmx.min_offset
#   vcpu_vmx.vcpu offset                must be 0 (kmc's pointer arithmetic)
#   vcpu_vmx.disable_fb_clear offset    what kmod/vmx-offset.sh prints and
#                                       "watch PID OFFSET" wants
#
# For each KERNEL it extracts the BTF of vmlinux (from the bzImage) and of
# kvm-intel.ko out of harness/lab/fetch-kernels.sh's cache, runs
# kmod/vmx-offset.sh on them and checks the numbers. With --facts DIR it
# also compares vmx.min_offset of DIR/facts-KERNEL.txt (what kmc.ko said in
# that kernel's L1, kmod/lab-test.sh) with the BTF size: a mismatch means
# kmc was built with a struct layout other than the kernel's.
# --fixtures DIR writes DIR/vcpu_vmx-KERNEL.raw (the vcpu_vmx part of the
# raw BTF dump) for kmod/tests/check.sh.
#
# Output: one "ok N - ..." / "not ok N - ..." per check, "N passed, N failed";
# exit 0 all passed, 1 a check failed, 4 cannot run here (no bpftool, no cache).
set -euo pipefail

PROG=$(basename "$0")
KMOD_DIR=$(cd "$(dirname "$0")/.." && pwd)
KMC_ROOT=$(cd "$KMOD_DIR/.." && pwd)
CACHE=${KMC_LAB_BUILD:-$KMC_ROOT/build/lab}/cache
WORK=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}/btf

usage() {
	cat <<EOF
usage: $PROG [--cache DIR] [--facts DIR] [--fixtures DIR] KERNEL...

KERNEL is 6.1, 6.12, 7.2, 7.3 or all (as fetched by harness/lab/fetch-kernels.sh
into the lab cache, default $CACHE). BTF extracts are kept in $WORK/KERNEL/.
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

skip() {
	printf '%s: cannot run: %s\n' "$PROG" "$*" >&2
	exit 4
}

facts=
fixtures=
series=()
while (($#)); do
	case "$1" in
	--cache) (($# >= 2)) || die "--cache needs a directory"; CACHE=$2; shift ;;
	--facts) (($# >= 2)) || die "--facts needs a directory"; facts=$2; shift ;;
	--fixtures) (($# >= 2)) || die "--fixtures needs a directory"; fixtures=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	all) series+=(6.1 6.12 7.2 7.3) ;;
	6.1 | 6.12 | 7.2 | 7.3) series+=("$1") ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
((${#series[@]})) || die "no KERNEL given (see --help)"
command -v bpftool >/dev/null || skip "bpftool not found (apt-get install bpftool)"
for c in objcopy xz zstd; do
	command -v "$c" >/dev/null || skip "$c not found"
done

n=0
pass=0
fail=0
ok() {
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "not ok $n - $*"
}

# vmlinux_btf VMLINUZ OUT: the .BTF section of the vmlinux inside a bzImage
# (the payload is xz for Debian's 6.1, zstd for 6.12 and 7.2).
vmlinux_btf() {
	local in=$1 out=$2 tmp=$2.vmlinux magic cmd off
	for magic in 'xz:\xfd\x37\x7a\x58\x5a\x00' 'zstd:\x28\xb5\x2f\xfd'; do
		cmd=${magic%%:*}
		while read -r off; do
			# trailing data after the stream makes the decompressor complain
			tail -c +$((off + 1)) "$in" | "$cmd" -dcq 2>/dev/null >"$tmp" || true
			if [[ $(head -c4 "$tmp" | od -An -c | tr -d ' ') == 177ELF ]]; then
				objcopy --dump-section .BTF="$out" "$tmp" /dev/null ||
					die "$in: the vmlinux inside has no .BTF section"
				rm -f "$tmp"
				return 0
			fi
		# only the offsets: bash's read chokes on the raw magic bytes
		done < <(LC_ALL=C grep -obUaP "${magic#*:}" "$in" | cut -d: -f1 || true)
	done
	rm -f "$tmp"
	die "$in: no xz or zstd vmlinux found in the bzImage"
}

# module_btf KO OUT: the .BTF section of a module (.ko or .ko.xz).
module_btf() {
	local ko=$1 out=$2
	case $ko in
	*.xz) xz -dc "$ko" >"$out.ko" ;;
	*) cp "$ko" "$out.ko" ;;
	esac
	objcopy --dump-section .BTF="$out" "$out.ko" /dev/null || die "$ko has no .BTF section"
	rm -f "$out.ko"
}

# struct_raw DUMP NAME: the raw dump lines of STRUCT NAME (header + members).
struct_raw() {
	awk -v want="'$2'" '
		/^\[[0-9]+\] / { p = ($2 == "STRUCT" && $3 == want) }
		p' "$1"
}

one() {
	local s=$1 env dir vmbtf kvbtf dump size off vcpu_off min ko
	env=$CACHE/kernel-$s/kernel.env
	[[ -r $env ]] || skip "kernel $s is not in the lab cache ($env); run harness/lab/fetch-kernels.sh $s"
	# shellcheck disable=SC1090
	. "$env"
	: "${KVER:?$env sets no KVER}" "${VMLINUZ:?$env sets no VMLINUZ}" "${MODDIR:?$env sets no MODDIR}"
	dir=$WORK/$s
	mkdir -p "$dir"
	vmbtf=$dir/vmlinux.btf
	kvbtf=$dir/kvm_intel.btf
	if [[ ! -s $vmbtf || $vmbtf -ot $VMLINUZ ]]; then
		vmlinux_btf "$VMLINUZ" "$vmbtf"
	fi
	ko=$(find "$MODDIR" -name 'kvm-intel.ko*' -print -quit)
	[[ -n $ko ]] || die "$s: no kvm-intel.ko under $MODDIR"
	if [[ ! -s $kvbtf || $kvbtf -ot $ko ]]; then
		module_btf "$ko" "$kvbtf"
	fi
	dump=$dir/kvm_intel.raw
	bpftool -B "$vmbtf" btf dump file "$kvbtf" format raw >"$dump" ||
		die "$s: bpftool cannot read $kvbtf with base $vmbtf"

	echo "# $s: $KVER"
	size=$(bpftool btf dump file "$vmbtf" format raw |
		sed -n -E "s/^\[[0-9]+\] STRUCT 'kvm_vcpu' size=([0-9]+) .*/\1/p" | head -n1)
	if [[ -n $size ]]; then
		ok "$s: sizeof(struct kvm_vcpu) is $size (0x$(printf %x "$size")) in the vmlinux BTF"
	else
		not_ok "$s: struct kvm_vcpu in the vmlinux BTF"
	fi
	vcpu_off=$(struct_raw "$dump" vcpu_vmx |
		sed -n -E "s/^[[:space:]]+'vcpu' type_id=[0-9]+ bits_offset=([0-9]+).*/\1/p")
	if [[ $vcpu_off == 0 ]]; then
		ok "$s: struct vcpu_vmx starts with its struct kvm_vcpu"
	else
		not_ok "$s: struct vcpu_vmx starts with its struct kvm_vcpu (vcpu at bit ${vcpu_off:-?})"
	fi
	if off=$("$KMOD_DIR/vmx-offset.sh" --raw "$dump"); then
		ok "$s: vmx-offset.sh: disable_fb_clear at $off"
	else
		not_ok "$s: vmx-offset.sh finds disable_fb_clear"
		return 0
	fi
	if [[ -n $size ]] && ((off >= size && off < 65536)); then
		ok "$s: $off is inside [sizeof(struct kvm_vcpu), 64 KiB), as kmc's watch requires"
	else
		not_ok "$s: $off is inside [sizeof(struct kvm_vcpu), 64 KiB)"
	fi
	if [[ -n $facts ]]; then
		if [[ -r $facts/facts-$s.txt ]]; then
			min=$(sed -n 's/^vmx.min_offset //p' "$facts/facts-$s.txt")
			if [[ -n $size && -n $min ]] && ((min == size)); then
				ok "$s: kmc.ko's vmx.min_offset $min is the kernel's sizeof(struct kvm_vcpu)"
			else
				not_ok "$s: kmc.ko's vmx.min_offset ${min:-?} is the kernel's sizeof(struct kvm_vcpu) ${size:-?}"
			fi
		else
			not_ok "$s: $facts/facts-$s.txt exists (run kmod/lab-test.sh $s)"
		fi
	fi
	if [[ -n $fixtures ]]; then
		mkdir -p "$fixtures"
		{
			echo "# the vcpu_vmx part of: bpftool -B vmlinux btf dump file kvm-intel.ko format raw"
			echo "# Debian $KVER (${PKGVER:-?}); written by kmod/tests/btf-offsets.sh; expect $off"
			struct_raw "$dump" vcpu_vmx
		} >"$fixtures/vcpu_vmx-$s.raw"
	fi
}

for s in "${series[@]}"; do
	one "$s"
done
echo "$pass passed, $fail failed"
((fail == 0))
