#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmc inside the lab's L1 guest (busybox sh, root). Shipped by
# kmod/lab-test.sh as /payload/kmod/ with kmc.ko and unpriv-read.
#
#	l1-test.sh [CYCLES]	(default 100 load/unload cycles)
#
# Loads kmc, checks the facts and the commands, prints the facts after a
# "verw" command (each line prefixed "fact "), runs unpriv-read, unloads, then loads/reads/unloads CYCLES
# times and checks that the kernel log got no warning. One "ok N - ..." or
# "not ok N - ..." per check, then "N passed, N failed"; exit 1 if any failed.
D=$(dirname "$0")
CYCLES=${1:-100}
FACTS=/tmp/kmc.facts
n=0
pass=0
fail=0

ok() {
	n=$((n + 1))
	pass=$((pass + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "not ok $n - $*"
}

# check DESC CMD...: ok if CMD succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# fact KEY: the value (second field) of KEY in the last snapshot
fact() {
	sed -n "s/^$1 \([^ ]*\).*/\1/p" "$FACTS"
}

# fact_is KEY REGEX: the value of KEY matches REGEX (whole value)
fact_is() {
	fact "$1" | grep -qxE "$2"
}

# fact_eq KEY STRING: the value of KEY is STRING
fact_eq() {
	[ "$(fact "$1")" = "$2" ]
}

snapshot() {
	cat /dev/kmc >"$FACTS"
}

kmsg_lines() {
	dmesg -r 2>/dev/null | wc -l
}

# Kernel messages at warning level or worse since line $1 of dmesg -r, less
# the two notices every out-of-tree, unsigned module load prints once.
new_warnings() {
	dmesg -r 2>/dev/null | tail -n +$(($1 + 1)) |
		awk -F '[<>]' '/^</ && $2 % 8 <= 4' |
		grep -vE 'loading out-of-tree module taints kernel|module verification failed'
}

uname_r=$(uname -r)
log0=$(kmsg_lines)
echo "# kernel $uname_r, $CYCLES cycles"

check "insmod kmc.ko" insmod "$D/kmc.ko"
check "/dev/kmc is a character device" test -c /dev/kmc
if ! snapshot; then
	not_ok "read /dev/kmc"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "read /dev/kmc"

check "kmc.format is 1" fact_is kmc.format 1
check "kernel.release is uname -r" fact_eq kernel.release "$uname_r"
check "kmc.built_for is uname -r" fact_eq kmc.built_for "$uname_r"
check "every line is 'key value [detail]'" \
	sh -c "! grep -vE '^[a-z0-9_.]+ [^ ]+( .+)?$' $FACTS"
check "feature.clear_cpu_buf is 0 or 1" fact_is feature.clear_cpu_buf '[01]'
check "feature.clear_cpu_buf_vm is 0, 1 or absent" fact_is feature.clear_cpu_buf_vm '[01]|absent'
check "bug.mds is 0 or 1" fact_is bug.mds '[01]'
check "msr.cpu0.0x10a is read" fact_is msr.cpu0.0x10a '0x[0-9a-f]{16}|fault'
check "msr.cpu0.0x123 is read" fact_is msr.cpu0.0x123 '0x[0-9a-f]{16}|fault'
check "l1tf_vmx_mitigation has a state or a reason" \
	fact_is l1tf_vmx_mitigation 'auto|never|cond|always|ept_disabled|not_required|unavailable'
check "gds_ucode_mitigated is 0, 1 or unavailable" fact_is gds_ucode_mitigated '[01]|unavailable'
case $uname_r in
7.*)
	check "7.2: l1tf_vmx_mitigation is export-restricted" \
		grep -qx 'l1tf_vmx_mitigation unavailable export-restricted-to-kvm' "$FACTS"
	check "7.2: key.mmio_stale_data_clear is absent" fact_is key.mmio_stale_data_clear absent
	check "7.2: feature.clear_cpu_buf_vm_mmio is known" fact_is feature.clear_cpu_buf_vm_mmio '[01]'
	;;
*)
	check "6.x: l1tf_vmx_mitigation has a state" \
		fact_is l1tf_vmx_mitigation 'auto|never|cond|always|ept_disabled|not_required'
	check "6.x: key.mmio_stale_data_clear is 0 or 1" fact_is key.mmio_stale_data_clear '[01]'
	check "6.x: feature.clear_cpu_buf_vm_mmio is absent" fact_is feature.clear_cpu_buf_vm_mmio absent
	;;
esac
if grep -qw vmx /proc/cpuinfo; then
	check "vmx.status is idle (VMX host)" fact_is vmx.status idle
else
	check "vmx.status is unavailable no-vmx" grep -qx 'vmx.status unavailable no-vmx' "$FACTS"
	check "watch without VMX fails" sh -c '! echo "watch 0 0x4000" >/dev/kmc 2>/dev/null'
	snapshot
	check "kmc.last_error says ENODEV" grep -q '^kmc.last_error -19 watch: ' "$FACTS"
fi
check "verw.status is not_run before a verw command" fact_is verw.status not_run
check "verw 101 succeeds" sh -c 'echo "verw 101" >/dev/kmc'
snapshot
sed 's/^/fact /' "$FACTS"
check "verw.status is done" fact_is verw.status "done"
check "verw.samples is 101" fact_is verw.samples 101
check "verw.asis.median is a number" fact_is verw.asis.median '[0-9]+'
check "verw.overhead.median is a number" fact_is verw.overhead.median '[0-9]+'
if fact_is verw.fb_clear_ctrl 1; then
	check "verw.fb_clear_dis0.median is a number" fact_is verw.fb_clear_dis0.median '[0-9]+'
	check "verw.fb_clear_dis1.median is a number" fact_is verw.fb_clear_dis1.median '[0-9]+'
else
	check "verw.fb_clear_dis1.median is unavailable" \
		grep -qx 'verw.fb_clear_dis1.median unavailable no-fb-clear-ctrl' "$FACTS"
fi
check "kmc.last_error is 0 after a good command" fact_is kmc.last_error 0
check "an unknown command fails" sh -c '! echo "bogus" >/dev/kmc 2>/dev/null'
check "verw 0 fails" sh -c '! echo "verw 0" >/dev/kmc 2>/dev/null'
check "verw on an offline CPU fails" sh -c '! echo "verw 11 4095" >/dev/kmc 2>/dev/null'
snapshot
check "kmc.last_error names the CPU" grep -q '^kmc.last_error -6 verw: CPU 4095 is not online' "$FACTS"
check "watch with a bad PID fails" sh -c '! echo "watch x 0x4000" >/dev/kmc 2>/dev/null'
if [ -x "$D/unpriv-read" ]; then
	"$D/unpriv-read" | sed 's/^/# unpriv-read: /'
	check "unpriv-read: unprivileged readers are refused" sh -c "$D/unpriv-read >/dev/null"
else
	not_ok "unpriv-read is in the payload"
fi
check "rmmod kmc" rmmod kmc
check "/dev/kmc is gone" test ! -e /dev/kmc

# The probe machinery (kprobe, kretprobes, PID filter, slots, unload while
# armed) on SVM's functions: the same code as on VMX, values meaningless.
# watch_run OFFSET RUNS: watch a shell, which then becomes vcpu-run RUNS
watch_run() {
	sh -c 'echo "watch $$ $1" >/dev/kmc && exec "$2" "$3" >/dev/null' sh "$1" "$D/vcpu-run" "$2"
}

if grep -qw svm /proc/cpuinfo && [ -x "$D/vcpu-run" ]; then
	check "insmod kmc.ko probe_target=svm" insmod "$D/kmc.ko" probe_target=svm
	snapshot
	min=$(fact vmx.min_offset)
	check "svm: vmx.probe_target is svm" fact_eq vmx.probe_target svm
	check "svm: vmx.status is idle" fact_eq vmx.status idle
	check "svm: watch, then create, set 0x10a and run a vCPU 3 times" watch_run "$min" 3
	snapshot
	sed -n 's/^vmx/fact-svm vmx/p' "$FACTS"
	check "svm: vmx.status is armed" fact_eq vmx.status armed
	check "svm: one vCPU seen" fact_eq vmx.slots 1
	check "svm: the vCPU was reset" fact_is vmx.vm0.vcpu0.resets '[1-9][0-9]*'
	check "svm: its 0x10a was written once" fact_eq vmx.vm0.vcpu0.arch_cap_writes 1
	# VM-entries, not KVM_RUN calls: the first run also enters after an NPF
	check "svm: it entered the guest at least 3 times" \
		sh -c "[ $(fact vmx.vm0.vcpu0.runs) -ge 3 ]"
	runs=$(fact vmx.vm0.vcpu0.runs)
	check "svm: the byte read never faulted" fact_eq vmx.faults 0
	check "svm: no probe hit was missed" fact_eq vmx.watch.missed 0
	check "svm: another process runs a vCPU" sh -c "$D/vcpu-run 2 >/dev/null"
	snapshot
	check "svm: ... and is not recorded" fact_eq vmx.vm0.vcpu0.runs "$runs"
	check "svm: still one vCPU" fact_eq vmx.slots 1
	check "svm: unwatch" sh -c 'echo unwatch >/dev/kmc'
	snapshot
	check "svm: the observations stay after unwatch" fact_eq vmx.vm0.vcpu0.runs "$runs"
	check "svm: watch init (PID 1)" sh -c "echo 'watch 1 $min' >/dev/kmc"
	check "svm: an offset below min_offset is refused" sh -c '! echo "watch 1 8" >/dev/kmc 2>/dev/null'
	snapshot
	check "svm: ... with ERANGE" grep -q '^kmc.last_error -34 ' "$FACTS"
	check "svm: rmmod kmc while the probes are armed" rmmod kmc
else
	echo "# no svm or no vcpu-run: the probe machinery is not exercised"
fi

i=0
while [ "$i" -lt "$CYCLES" ]; do
	insmod "$D/kmc.ko" || break
	cat /dev/kmc >/dev/null || break
	echo "verw 11" >/dev/kmc || break
	rmmod kmc || break
	i=$((i + 1))
done
check "$CYCLES load/read/verw/unload cycles" test "$i" -eq "$CYCLES"
lsmod | grep -q '^kmc ' && rmmod kmc

w=$(new_warnings "$log0")
if [ -z "$w" ]; then
	ok "no kernel warning since the first load"
else
	not_ok "no kernel warning since the first load"
	echo "$w" | sed 's/^/# /'
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
