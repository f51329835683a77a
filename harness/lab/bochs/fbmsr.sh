#!/bin/sh
# fbmsr.sh KMCRUN VECTORS [KNOWN] - runs inside the VMX lab's Bochs host.
#
# For each vector of VECTORS that expects disable_fb_clear: writes a marker
# (the vector's number) to MSR 0x5ff, a user-defined MSR of the emulated CPU
# that bochs-patch.so logs beside IA32_MCU_OPT_CTRL (0x123); runs
#   KMCRUN --backend kvm --id ID VECTORS
# and prints kmc.ko's vCPU table for that run (/dev/kmc "vmx." lines), so
# that the lab can compare, vector by vector, what kmc.ko saw
# (disable_fb_clear at VM-entry, VM-entries) with the FB_CLEAR_DIS writes
# the emulated CPU received. One line per vector (the UART is slow under
# Bochs, so the table is summed here):
#   fbmsr N ID rc=RC vcpus=V runs=R dis_runs=D changed=C
# V vCPUs in kmc.ko's table, R their VM-entries, D the VM-entries of those
# whose disable_fb_clear at the last VM-entry was 1, C how many of them saw
# the flag change during their life.
# Busybox sh; needs the msr module (/dev/cpu/0/msr).
kmcrun=$1
vectors=$2
known=${3:+--known $3}
[ -c /dev/cpu/0/msr ] || { echo "fbmsr.sh: no /dev/cpu/0/msr (msr module)" >&2; exit 1; }
[ -c /dev/kmc ] || { echo "fbmsr.sh: no /dev/kmc (kmc.ko)" >&2; exit 1; }

# mark N: write N (< 256) to MSR 0x5ff (byte offset 0x5ff of the msr device)
mark() {
	# shellcheck disable=SC2059
	printf "\\$(printf %03o "$1")\\000\\000\\000\\000\\000\\000\\000" |
		dd of=/dev/cpu/0/msr bs=8 count=1 seek=1535 oflag=seek_bytes conv=notrunc 2>/dev/null
}

n=0
awk '/^vector / { id = $2 } /^ *expect disable_fb_clear/ && id != "" { print id; id = "" }' "$vectors" >/tmp/fbmsr.ids
while read -r id; do
	n=$((n + 1))
	[ $n -lt 255 ] || break
	mark $n || { echo "fbmsr.sh: cannot write MSR 0x5ff" >&2; exit 1; }
	# shellcheck disable=SC2086
	"$kmcrun" --backend kvm $known --id "$id" "$vectors" </dev/null >/tmp/fbmsr.$n.ktap 2>&1
	rc=$?
	awk -v pre="fbmsr $n $id rc=$rc" '
		$1 ~ /^vmx\.vm[0-9]+\.vcpu[0-9]+\./ {
			k = $1; sub(/\.[a-z_]+$/, "", k); f = $1; sub(/^.*\./, "", f)
			v[k] = 1; val[k, f] = $2
		}
		END {
			for (k in v) {
				n++; r += val[k, "runs"]
				if (val[k, "at_run"] == 1) d += val[k, "runs"]
				if (val[k, "changes"] > 0) c++
			}
			printf "%s vcpus=%d runs=%d dis_runs=%d changed=%d\n", pre, n, r, d, c
		}' /dev/kmc
done </tmp/fbmsr.ids
mark 255
echo "fbmsr done $n"
