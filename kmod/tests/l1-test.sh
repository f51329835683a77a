#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmc inside the lab's L1 guest (busybox sh, root). Shipped by
# kmod/lab-test.sh as /payload/kmod/ with kmc.ko, unpriv-read, vcpu-run and
# check-facts.sh.
#
#	l1-test.sh [CYCLES]	(default 100 load/unload cycles)
#
# Loads kmc; checks the facts (format, and against what the kernel shows in
# /proc/cpuinfo and uname), the commands and their errors; prints the facts
# after a "verw" command (each line prefixed "fact "); runs unpriv-read;
# exercises the kprobe machinery on SVM; unloads; then loads/reads/unloads
# CYCLES times (every other cycle with the probes armed at rmmod) and checks
# that nothing is left behind (device, misc minor, kprobes) and that the
# kernel log got no message at warning level or worse. One "ok N - ..." or
# "not ok N - ..." per check, then "N passed, N failed"; exit 1 if any failed.
D=$(dirname "$0")
CYCLES=${1:-100}
FACTS=/tmp/kmc.facts
KPROBES=/sys/kernel/debug/kprobes/list
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

# valid DESC: the last snapshot passes check-facts.sh (the format's checker)
valid() {
	if sh "$D/check-facts.sh" "$FACTS" >/tmp/kmc.cf 2>&1; then
		ok "$1: the facts are valid format 1 (check-facts.sh)"
	else
		not_ok "$1: the facts are valid format 1 (check-facts.sh)"
		sed 's/^/# /' /tmp/kmc.cf
	fi
}

# Kernel log: a marker line, then everything at warning level or worse
# after the last marker, less the two notices every out-of-tree, unsigned
# module load prints once.
mark=0
kmsg_mark() {
	mark=$((mark + 1))
	echo "<6>kmc-l1-test: mark $mark" >/dev/kmsg
}

# busybox dmesg reads only the last 16 KiB unless told (-s): the whole log,
# and a missing marker is itself reported, so a lost log is never silence.
new_warnings() {
	dmesg -r -s 4194304 2>/dev/null |
		awk -v m="kmc-l1-test: mark $mark" -F '[<>]' '
			index($0, m) { on = 1; next }
			on && /^</ && $2 % 8 <= 4
			END { if (!on) print "the marker \"" m "\" is not in the kernel log" }' |
		grep -vE 'loading out-of-tree module taints kernel|module verification failed'
}

# probes_on: how many kprobes are registered on SVM's vcpu_run, vcpu_reset, set_msr
probes_on() {
	grep -cE ' (svm_vcpu_run|svm_vcpu_reset|svm_set_msr)\+' "$KPROBES" 2>/dev/null
}

# in_list WORD LIST: WORD is one of the blank-separated LIST
in_list() {
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

# agree PREFIX NAMES CPUINFO: every fact PREFIX.NAME (0/1) agrees with the
# presence of NAME in the /proc/cpuinfo line CPUINFO; prints the mismatches,
# and "compared N ones K" on the last line.
agree() {
	nc=0 n1=0
	for name in $2; do
		v=$(fact "$1.$name")
		case $v in 0 | 1) ;; *) continue ;; esac
		has=0
		in_list "$name" "$3" && has=1
		[ "$v" = "$has" ] || echo "mismatch $1.$name=$v, /proc/cpuinfo has it: $has"
		nc=$((nc + 1))
		[ "$v" = 1 ] && n1=$((n1 + 1))
	done
	echo "compared $nc ones $n1"
}

# agree_check DESC PREFIX NAMES CPUINFO MIN: agree, and at least MIN compared
agree_check() {
	out=$(agree "$2" "$3" "$4")
	last=$(echo "$out" | tail -n 1)
	nc=$(echo "$last" | cut -d' ' -f2)
	if [ "$nc" -ge "$5" ] && ! echo "$out" | grep -q '^mismatch'; then
		ok "$1 ($last)"
	else
		not_ok "$1 ($last)"
		echo "$out" | grep '^mismatch' | sed 's/^/# /'
	fi
}

# debian_version VERSION: uname -v names the Debian package version VERSION-N
debian_version() {
	uname -v | grep -q "Debian $1-"
}

# nothing_left: no trace of kmc in the running kernel
nothing_left() {
	! lsmod | grep -q '^kmc ' && [ ! -e /dev/kmc ] && [ ! -d /sys/module/kmc ] &&
		! grep -qw kmc /proc/misc && ! grep -q '\[kmc\]' /proc/kallsyms &&
		[ "$(probes_on)" = 0 ]
}

cpuinfo() {
	sed -n "s/^$1[[:space:]]*: *//p" /proc/cpuinfo | head -n 1
}

uname_r=$(uname -r)
[ -d /sys/kernel/debug/kprobes ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo "# kernel $uname_r, $CYCLES cycles"

# The warning detector must see a warning, or its silence below means nothing.
kmsg_mark
echo "<4>kmc-l1-test: a warning for the detector's self-test" >/dev/kmsg
check "the kernel-log warning detector sees a warning" test -n "$(new_warnings)"
kmsg_mark

check "insmod kmc.ko" insmod "$D/kmc.ko"
check "/dev/kmc is a character device" test -c /dev/kmc
check "kmc has a misc minor" grep -qw kmc /proc/misc
if ! snapshot; then
	not_ok "read /dev/kmc"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "read /dev/kmc"
valid "fresh"

check "kmc.format is 1" fact_is kmc.format 1
check "kernel.release is uname -r" fact_eq kernel.release "$uname_r"
check "kmc.built_for is uname -r" fact_eq kmc.built_for "$uname_r"
check "kernel.version $(fact kernel.version) is the Debian version in uname -v" \
	debian_version "$(fact kernel.version)"
check "every line is 'key value [detail]'" \
	sh -c "! grep -vE '^[a-z0-9_.]+ [^ ]+( .+)?$' $FACTS"

# The facts against what the same kernel shows userspace.
check "cpu.vendor is /proc/cpuinfo's" fact_eq cpu.vendor "$(cpuinfo vendor_id)"
check "cpu.family is /proc/cpuinfo's" fact_eq cpu.family "$(printf '0x%x' "$(cpuinfo 'cpu family')")"
check "cpu.model is /proc/cpuinfo's" fact_eq cpu.model "$(printf '0x%x' "$(cpuinfo model)")"
check "cpu.stepping is /proc/cpuinfo's" fact_eq cpu.stepping "$(printf '0x%x' "$(cpuinfo stepping)")"
check "cpu.microcode is /proc/cpuinfo's" fact_eq cpu.microcode "$(cpuinfo microcode)"
check "cpu.online is the number of CPUs" fact_eq cpu.online "$(grep -c '^processor' /proc/cpuinfo)"
allbugs=$(sed -n 's/^bug\.\([a-z0-9_]*\) [01]$/\1/p' "$FACTS" | tr '\n' ' ')
agree_check "every bug.* (0/1) agrees with the /proc/cpuinfo bugs line" \
	bug "$allbugs" "$(cpuinfo bugs)" 15
# the features that have a /proc/cpuinfo name in all three kernels
agree_check "the named feature.* agree with the /proc/cpuinfo flags line" feature \
	"vmx svm avx hypervisor ibrs_enhanced hle rtm md_clear flush_l1d arch_capabilities" \
	"$(cpuinfo flags)" 10

check "feature.clear_cpu_buf is 0 or 1" fact_is feature.clear_cpu_buf '[01]'
check "feature.clear_cpu_buf_vm is 0 or 1" fact_is feature.clear_cpu_buf_vm '[01]'
check "msr.cpu0.0x10a is read" fact_is msr.cpu0.0x10a '0x[0-9a-f]{16}|fault'
check "msr.cpu0.0x123 is read" fact_is msr.cpu0.0x123 '0x[0-9a-f]{16}|fault'
check "only the allowlisted MSRs are read" \
	sh -c "! grep '^msr\.' $FACTS | grep -vE '^msr\.cpu[0-9]+\.0x(10a|122|123) '"
case $uname_r in
7.*)
	check "7.x: l1tf_vmx_mitigation is export-restricted" \
		grep -qx 'l1tf_vmx_mitigation unavailable export-restricted-to-kvm' "$FACTS"
	check "7.x: gds_ucode_mitigated is export-restricted" \
		grep -qx 'gds_ucode_mitigated unavailable export-restricted-to-kvm' "$FACTS"
	check "7.x: key.mmio_stale_data_clear is absent" fact_is key.mmio_stale_data_clear absent
	check "7.x: bug.mmio_unknown is absent" fact_is bug.mmio_unknown absent
	check "7.x: feature.clear_cpu_buf_vm_mmio is known" fact_is feature.clear_cpu_buf_vm_mmio '[01]'
	;;
*)
	# without kvm_intel nothing assigns it: the initial value
	check "6.x: l1tf_vmx_mitigation is auto (no kvm_intel)" fact_eq l1tf_vmx_mitigation auto
	if fact_eq bug.gds 0; then
		# gds_mitigation starts at FULL in 6.1/6.12 (docs/kmod.md)
		check "6.x: gds_ucode_mitigated is 1 on a CPU without GDS" fact_eq gds_ucode_mitigated 1
	fi
	check "6.x: key.mmio_stale_data_clear is 0 or 1" fact_is key.mmio_stale_data_clear '[01]'
	check "6.x: bug.mmio_unknown is 0 or 1" fact_is bug.mmio_unknown '[01]'
	check "6.x: feature.clear_cpu_buf_vm_mmio is absent" fact_is feature.clear_cpu_buf_vm_mmio absent
	;;
esac
check "key.cpu_buf_vm_clear is absent (only 6.16-6.18 have it)" fact_is key.cpu_buf_vm_clear absent
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
valid "after verw"
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
check "verw 4096 (the most samples) succeeds" sh -c 'echo "verw 4096" >/dev/kmc'
check "an unknown command fails" sh -c '! echo "bogus" >/dev/kmc 2>/dev/null'
check "verw 0 fails" sh -c '! echo "verw 0" >/dev/kmc 2>/dev/null'
check "verw 4097 fails" sh -c '! echo "verw 4097" >/dev/kmc 2>/dev/null'
snapshot
check "... with EINVAL and the range" grep -q '^kmc.last_error -22 verw: SAMPLES 4097 outside 1..4096' "$FACTS"
check "verw on an offline CPU fails" sh -c '! echo "verw 11 4095" >/dev/kmc 2>/dev/null'
snapshot
check "kmc.last_error names the CPU" grep -q '^kmc.last_error -6 verw: CPU 4095 is not online' "$FACTS"
check "a 200-byte command fails" sh -c '! printf "%0200d" 0 >/dev/kmc 2>/dev/null'
snapshot
check "... with EINVAL and its length" grep -q '^kmc.last_error -22 command of 200 bytes' "$FACTS"
check "watch with a bad PID fails" sh -c '! echo "watch x 0x4000" >/dev/kmc 2>/dev/null'
check "unwatch with an argument fails" sh -c '! echo "unwatch 1" >/dev/kmc 2>/dev/null'
if [ -x "$D/unpriv-read" ]; then
	"$D/unpriv-read" >/tmp/kmc.unpriv 2>&1
	rc=$?
	sed 's/^/# unpriv-read: /' /tmp/kmc.unpriv
	check "unpriv-read: unprivileged readers and writers are refused, either capability admits" \
		sh -c "[ $rc -eq 0 ] && grep -qx '8 passed, 0 failed' /tmp/kmc.unpriv"
else
	not_ok "unpriv-read is in the payload"
fi
check "rmmod kmc" rmmod kmc
check "/dev/kmc is gone" test ! -e /dev/kmc
check "its misc minor is gone" sh -c '! grep -qw kmc /proc/misc'

# The probe machinery (kprobe, kretprobes, PID filter, slots, unload while
# armed) on SVM's functions: the same code as on VMX, values meaningless.
# watch_run OFFSET RUNS: watch a shell, which then becomes vcpu-run RUNS
watch_run() {
	sh -c 'echo "watch $$ $1" >/dev/kmc && exec "$2" "$3" >/dev/null' sh "$1" "$D/vcpu-run" "$2"
}

svm=0
if grep -qw svm /proc/cpuinfo && [ -x "$D/vcpu-run" ]; then
	svm=1
	check "insmod kmc.ko probe_target=svm" insmod "$D/kmc.ko" probe_target=svm
	snapshot
	min=$(fact vmx.min_offset)
	check "svm: vmx.probe_target is svm" fact_eq vmx.probe_target svm
	check "svm: vmx.status is idle" fact_eq vmx.status idle
	check "svm: no kprobe on svm_* before watch" test "$(probes_on)" = 0
	check "svm: watch, then create, set 0x10a and run a vCPU 3 times" watch_run "$min" 3
	snapshot
	sed -n 's/^vmx/fact-svm vmx/p' "$FACTS"
	valid "svm, armed"
	check "svm: vmx.status is armed" fact_eq vmx.status armed
	check "svm: three kprobes on svm_vcpu_run, svm_vcpu_reset, svm_set_msr" \
		test "$(probes_on)" = 3
	check "svm: one vCPU seen" fact_eq vmx.slots 1
	check "svm: the vCPU was reset" fact_is vmx.vm0.vcpu0.resets '[1-9][0-9]*'
	check "svm: its 0x10a was written once" fact_eq vmx.vm0.vcpu0.arch_cap_writes 1
	# VM-entries, not KVM_RUN calls: the first run also enters after an NPF
	check "svm: it entered the guest at least 3 times" \
		sh -c "[ $(fact vmx.vm0.vcpu0.runs) -ge 3 ]"
	runs=$(fact vmx.vm0.vcpu0.runs)
	# the byte at OFFSET of a vcpu_svm means nothing; only the count's bounds do
	check "svm: runs_disabled counts some of those VM-entries" \
		sh -c "[ $(fact vmx.vm0.vcpu0.runs_disabled) -le $runs ]"
	check "svm: the byte read never faulted" fact_eq vmx.faults 0
	check "svm: no probe hit was missed" fact_eq vmx.watch.missed 0
	check "svm: another process runs a vCPU" sh -c "$D/vcpu-run 2 >/dev/null"
	snapshot
	check "svm: ... and is not recorded" fact_eq vmx.vm0.vcpu0.runs "$runs"
	check "svm: still one vCPU" fact_eq vmx.slots 1
	check "svm: unwatch" sh -c 'echo unwatch >/dev/kmc'
	snapshot
	check "svm: unwatch removes the kprobes" test "$(probes_on)" = 0
	check "svm: vmx.status is idle again" fact_eq vmx.status idle
	check "svm: the observations stay after unwatch" fact_eq vmx.vm0.vcpu0.runs "$runs"
	check "svm: watch init (PID 1)" sh -c "echo 'watch 1 $min' >/dev/kmc"
	check "svm: watch a PID that does not exist fails" \
		sh -c "! echo 'watch 999999 $min' >/dev/kmc 2>/dev/null"
	snapshot
	check "svm: ... with ESRCH" grep -q '^kmc.last_error -3 watch: no process 999999' "$FACTS"
	check "svm: an offset below min_offset is refused" sh -c '! echo "watch 1 8" >/dev/kmc 2>/dev/null'
	snapshot
	check "svm: ... with ERANGE" grep -q '^kmc.last_error -34 ' "$FACTS"
	check "svm: the refused watch kept the armed one" fact_eq vmx.status armed
	# an OFFSET that watch accepts (< 64 KiB) but past the vCPU object: never read
	check "svm: watch with OFFSET 0xfff0, then run a vCPU" watch_run 0xfff0 2
	snapshot
	check "svm: ... nothing is read past the vCPU object (no vCPU recorded)" fact_eq vmx.slots 0
	check "svm: ... each refused read counts as a fault" \
		sh -c "[ $(fact vmx.faults) -ge 2 ]"
	check "svm: rmmod kmc while the probes are armed" rmmod kmc
	check "svm: the kprobes are gone with the module" test "$(probes_on)" = 0
else
	not_ok "svm and vcpu-run are here (the probe machinery is not exercised)"
fi

# CYCLES x: insmod, read, verw, rmmod; every even cycle instead loads with
# probe_target=svm, arms the probes and unloads with them armed.
i=0
why=
while [ "$i" -lt "$CYCLES" ]; do
	if [ $svm = 1 ] && [ $((i % 2)) = 1 ]; then
		insmod "$D/kmc.ko" probe_target=svm || { why="insmod (svm)"; break; }
		cat /dev/kmc >/dev/null || { why="read (svm)"; break; }
		echo "watch 1 $min" >/dev/kmc || { why="watch"; break; }
	else
		insmod "$D/kmc.ko" || { why="insmod"; break; }
		cat /dev/kmc >/dev/null || { why="read"; break; }
		echo "verw 11" >/dev/kmc || { why="verw"; break; }
	fi
	rmmod kmc || { why="rmmod"; break; }
	i=$((i + 1))
done
check "$CYCLES load/read/(verw|watch)/unload cycles${why:+ (cycle $i: $why failed)}" \
	test "$i" -eq "$CYCLES"
lsmod | grep -q '^kmc ' && rmmod kmc
check "after the cycles: no kmc module, device, minor, symbol or kprobe" nothing_left

w=$(new_warnings)
if [ -z "$w" ]; then
	ok "no kernel warning since the first load"
else
	not_ok "no kernel warning since the first load"
	echo "$w" | sed 's/^/# /'
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
