#!/bin/sh
# /init of the lab's L2 guest (busybox sh, PID 1). Installed by mkinitramfs.sh
# into the L2 initramfs. Prints what the L2 kernel derived, as blocks on its
# serial console (the L1 job forwards them to L1's serial console):
#
#   @@KMC-L2-BEGIN name@@ ... @@KMC-L2-END name rc=N@@
#
#   cpuinfo  the first processor's stanza of /proc/cpuinfo (vendor_id,
#            cpu family, model, stepping, flags, bugs, ...)
#   vulns    "file: content" for /sys/devices/system/cpu/vulnerabilities/*
#   l2probe  raw CPUID leaves and MSR 0x10a as the guest sees them
#   dmesg    kernel messages about XSAVE, MSRs, mitigations, warnings
#            (kmc2.dmesg=full on the L2 command line: the whole log)
# then @@KMC-L2-DONE@@ and poweroff.
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

begin() { printf '@@KMC-L2-BEGIN %s@@\n' "$1"; }
end() { printf '@@KMC-L2-END %s rc=%s@@\n' "$1" "$2"; }

for m in /lib/modules/*.ko; do
	[ -e "$m" ] && insmod "$m" 2>/dev/null
done

begin cpuinfo
awk '/^$/ { exit } { print }' /proc/cpuinfo
end cpuinfo $?

begin vulns
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	[ -r "$f" ] && echo "$(basename "$f"): $(cat "$f")"
done
end vulns 0

begin l2probe
/bin/l2probe
end l2probe $?

begin dmesg
if grep -qw kmc2.dmesg=full /proc/cmdline; then
	dmesg
else
	dmesg | grep -iE 'xsave|xstate|msr|mitigat|vulnerab|spectre|meltdown|mds|taa|mmio|srbds|retbleed|gds|rfds|bhi|its|tsx|l1tf|warn|bug|oops|call trace|error' | grep -v 'Command line'
fi
end dmesg 0
echo "@@KMC-L2-DONE@@"
poweroff -f
echo o >/proc/sysrq-trigger
sleep 5
