#!/bin/sh
# /init of the lab's L1 guest (busybox sh, PID 1). Installed by mkinitramfs.sh.
#
# 1. mounts proc, sys, devtmpfs, tmpfs; 2. insmods the modules listed in
# /lib/modules/load.order (irqbypass kvm ccp kvm-amd, plus extras); 3. checks
# /dev/kvm; 4. runs the jobs, each as a block on the serial console:
#
#   @@KMC-BEGIN name@@
#   ...the job's stdout, streamed...
#   @@KMC-END name rc=N@@          (may follow the last output on the same line)
#
# and, when the job wrote to stderr, a block "name.stderr" after it. Then a line
# @@KMC-TIME name SECONDS@@ (the job's wall time, L1 uptime clock). Jobs, in
# this order:
#   - every kmc.run=PATH[,ARG...] on the kernel command line (block: basename)
#   - every /job/*.sh (appended to the initrd by boot-l1.sh --job; block: the
#     file name without a leading NN- and the .sh)
#   - if none of those exist: /payload/run.sh
# kmc.timeout=SECS kills a job that runs longer (its rc is then 137).
# kmc.dmesg=0 leaves out the final "dmesg" block. kmc.share=TAG mounts the 9p
# export TAG (boot-l1.sh --share) on /share (needs the 9p modules, see
# mkinitramfs.sh --module). The last line is
# @@KMC-DONE@@; then the machine powers off.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
umask 022

mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mount -t tmpfs dev /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null

exec </dev/console >/dev/console 2>&1

# Kernel messages must not cut into the blocks: only emergencies go to the
# console from here on; the whole kernel log is emitted as the dmesg block.
dmesg -n 1 2>/dev/null

cmdline=$(cat /proc/cmdline)
timeout_s=
want_dmesg=1
share=
for a in $cmdline; do
	case "$a" in
	kmc.timeout=*) timeout_s=${a#kmc.timeout=} ;;
	kmc.dmesg=0) want_dmesg=0 ;;
	kmc.share=*) share=${a#kmc.share=} ;;
	esac
done

begin() { printf '@@KMC-BEGIN %s@@\n' "$1"; }
end() { printf '@@KMC-END %s rc=%s@@\n' "$1" "$2"; }

is_function() {
	case "$(type "$1" 2>/dev/null)" in
	*function*) return 0 ;;
	esac
	return 1
}

# run_block NAME CMD...: run CMD with stdout streamed into block NAME.
# CMD is a program (kmc.timeout applies) or a shell function (it does not).
run_block() {
	name=$1
	shift
	t0=$(cut -d' ' -f1 /proc/uptime)
	begin "$name"
	if [ -n "$timeout_s" ] && ! is_function "$1"; then
		timeout -s KILL "$timeout_s" "$@" 2>"/tmp/$name.stderr"
	else
		"$@" 2>"/tmp/$name.stderr"
	fi
	rc=$?
	end "$name" "$rc"
	if [ -s "/tmp/$name.stderr" ]; then
		begin "$name.stderr"
		cat "/tmp/$name.stderr"
		end "$name.stderr" 0
	fi
	echo "@@KMC-TIME $name $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')@@"
	return 0
}

setup() {
	echo "kernel=$(uname -r)"
	echo "cmdline=$cmdline"
	echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "cpu_flags_svm=$(grep -qw svm /proc/cpuinfo && echo 1 || echo 0)"
	echo "mem_total_kb=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo)"
	fail=0
	if [ -r /lib/modules/load.order ]; then
		while read -r ko args; do
			[ -n "$ko" ] || continue
			# shellcheck disable=SC2086
			out=$(insmod "/lib/modules/$ko" $args 2>&1)
			rc=$?
			echo "insmod $ko rc=$rc${out:+ $out}"
			[ $rc -eq 0 ] || fail=1
		done </lib/modules/load.order
	fi
	if [ -n "$share" ]; then
		mkdir -p /share
		if out=$(mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 "$share" /share 2>&1); then
			echo "share=/share ($share)"
		else
			echo "share=failed: $out"
			fail=1
		fi
	fi
	if [ -c /dev/kvm ]; then
		echo "dev_kvm=present"
	else
		echo "dev_kvm=missing"
		fail=1
	fi
	return $fail
}

run_block l1-setup setup

njobs=0
for a in $cmdline; do
	case "$a" in
	kmc.run=*)
		spec=${a#kmc.run=}
		oldifs=$IFS
		IFS=,
		# shellcheck disable=SC2086
		set -- $spec
		IFS=$oldifs
		run_block "$(basename "$1")" "$@"
		njobs=$((njobs + 1))
		;;
	esac
done
for j in /job/*.sh; do
	[ -f "$j" ] || continue
	name=$(basename "$j" .sh)
	name=${name#[0-9][0-9]-}
	run_block "$name" sh "$j"
	njobs=$((njobs + 1))
done
if [ $njobs -eq 0 ]; then
	if [ -x /payload/run.sh ]; then
		run_block run /payload/run.sh
	else
		begin nojob
		echo "no kmc.run= on the command line, no /job/*.sh, no /payload/run.sh"
		end nojob 1
	fi
fi

if [ $want_dmesg = 1 ]; then
	begin dmesg
	dmesg
	end dmesg 0
fi
echo "@@KMC-DONE@@"
sync
# The serial driver sends what is buffered (at most a page) in the
# emulator's time; under Bochs poweroff -f would cut it off.
sleep 1
poweroff -f
# not reached unless poweroff failed
echo o >/proc/sysrq-trigger
sleep 5
