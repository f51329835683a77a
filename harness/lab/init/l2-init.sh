#!/bin/sh
# /init of the lab's L2 guest (busybox sh, PID 1). Installed by mkinitramfs.sh
# into the L2 initramfs. Loads the modules (msr for l2probe, virtio-mmio and
# virtio-blk for the report disk), runs /lab/report.sh (the blocks uname,
# cpuinfo, vulns, l2probe, dmesg and @@KMC-L2-DONE@@; see that file) and
# powers off. kmc2.dmesg=short on the command line shortens the dmesg block.
#
# Where the report goes: every byte written to the emulated UART is a VM exit
# that L1 (itself emulated by TCG) must handle, about 1 ms a byte. So when the
# VMM gave L2 a virtio block device (l2run.sh does: a raw image in L1's /tmp),
# the report is written to /dev/vda in one go and l2run.sh prints it after
# QEMU has exited; the console only says "@@KMC-L2-DISK@@ N bytes". Without a
# disk (l2run.sh --no-disk), or if none appears, the report goes to the console.
PATH=/bin:/sbin
export PATH
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
exec </dev/console >/dev/console 2>&1
dmesg -n 1 2>/dev/null
# No RTM in userspace: TCG has no XTEST (see the lab notes).
GLIBC_TUNABLES=glibc.cpu.hwcaps=-RTM
export GLIBC_TUNABLES

# modules in dependency order (mkinitramfs.sh writes load.order)
if [ -r /lib/modules/load.order ]; then
	while read -r ko; do
		[ -n "$ko" ] && insmod "/lib/modules/$ko" 2>/dev/null
	done </lib/modules/load.order
fi

opt=
grep -qw kmc2.dmesg=short /proc/cmdline && opt=--short

disk=
if [ -d /sys/bus/virtio/devices ] && [ -n "$(ls /sys/bus/virtio/devices 2>/dev/null)" ]; then
	# the virtio-mmio device may still be probing
	i=0
	while [ $i -lt 30 ] && [ ! -b /dev/vda ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b /dev/vda ] && disk=/dev/vda
fi
if [ -n "$disk" ]; then
	# shellcheck disable=SC2086
	sh /lab/report.sh $opt >/tmp/report 2>&1
	# whole 4 KiB blocks; l2run.sh strips the NUL padding
	dd if=/tmp/report of="$disk" bs=4096 conv=sync,fsync 2>/dev/null
	echo "@@KMC-L2-DISK@@ $(wc -c </tmp/report) bytes"
else
	# shellcheck disable=SC2086
	sh /lab/report.sh $opt
fi
poweroff -f
echo o >/proc/sysrq-trigger
sleep 5
