#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the OFFSET that kmc's "watch PID OFFSET" wants: the byte offset of
# struct vcpu_vmx's disable_fb_clear from its embedded struct kvm_vcpu, read
# from kvm_intel's BTF. For use by hand on a VMX host (the harness reads the
# BTF itself).
set -euo pipefail

PROG=$(basename "$0")

usage() {
	cat <<EOF
usage: $PROG [--btf FILE] [--base FILE] [--raw FILE]

  --btf FILE   BTF of kvm_intel (default /sys/kernel/btf/kvm_intel; kvm_intel
               must be loaded)
  --base FILE  base BTF (default /sys/kernel/btf/vmlinux)
  --raw FILE   read "bpftool btf dump ... format raw" output from FILE
               instead of running bpftool

Prints the offset in hex, e.g. 0x2230 (Debian 6.1.0-57). Needs bpftool (Debian package
bpftool) unless --raw is given. Example:
  echo "watch \$(pidof qemu-system-x86_64) \$($PROG)" >/dev/kmc
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

btf=/sys/kernel/btf/kvm_intel
base=/sys/kernel/btf/vmlinux
raw=
while (($#)); do
	case "$1" in
	--btf) (($# >= 2)) || die "--btf needs a file"; btf=$2; shift ;;
	--base) (($# >= 2)) || die "--base needs a file"; base=$2; shift ;;
	--raw) (($# >= 2)) || die "--raw needs a file"; raw=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

if [[ -z $raw ]]; then
	command -v bpftool >/dev/null || die "bpftool not found (apt-get install bpftool)"
	[[ -r $btf ]] || die "$btf not readable (is kvm_intel loaded?)"
	dump=$(bpftool -B "$base" btf dump file "$btf" format raw) ||
		die "bpftool could not read $btf (base $base)"
else
	dump=$(cat "$raw") || die "cannot read $raw"
fi

# Members of STRUCT 'vcpu_vmx': 'name' type_id=N bits_offset=M
awk '
	/^\[[0-9]+\] STRUCT / { in_s = ($3 == "\047vcpu_vmx\047"); next }
	/^\[/ { in_s = 0 }
	in_s && $1 == "\047vcpu\047" { vcpu = substr($3, 13); have_vcpu = 1 }
	in_s && $1 == "\047disable_fb_clear\047" { fb = substr($3, 13); have_fb = 1 }
	END {
		if (!have_vcpu || !have_fb) {
			print "struct vcpu_vmx with members vcpu and disable_fb_clear not found" > "/dev/stderr"
			exit 1
		}
		if ((fb - vcpu) % 8) {
			print "disable_fb_clear is not byte-aligned" > "/dev/stderr"
			exit 1
		}
		printf "0x%x\n", (fb - vcpu) / 8
	}
' <<<"$dump" || die "no usable struct vcpu_vmx in the BTF"
