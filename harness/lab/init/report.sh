#!/bin/sh
# report.sh - what this kernel derived about its CPU, as blocks
#
#   @@KMC-L2-BEGIN name@@ ... @@KMC-L2-END name rc=N@@
#
#   uname    release= and version= (uname -r, uname -v: Debian puts the real
#            6.1.y release in the version)
#   cpuinfo  the first processor's stanza of /proc/cpuinfo (vendor_id,
#            cpu family, model, stepping, flags, bugs, ...)
#   vulns    "file: content" for /sys/devices/system/cpu/vulnerabilities/*
#   l2probe  raw CPUID leaves and MSR 0x10a as this kernel's CPU shows them
#            (/lab/l2probe; MSR 0x10a needs the msr module)
#   dmesg    the kernel log (--short: only lines about XSAVE, MSRs,
#            mitigations and warnings; --no-dmesg: none)
# then @@KMC-L2-DONE@@. Used by L2's /init (init/l2-init.sh) and, in L1, by
# qemu-lab.sh's l1host job (the L1 kernel's own view of the emulated EPYC). The
# blocks are "L2" blocks for boot-l1.sh, whichever kernel wrote them.
# Busybox sh.
dmesg_mode=full
for a in "$@"; do
	case "$a" in
	--short) dmesg_mode=short ;;
	--no-dmesg) dmesg_mode=none ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "report.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done

begin() { printf '@@KMC-L2-BEGIN %s@@\n' "$1"; }
end() { printf '@@KMC-L2-END %s rc=%s@@\n' "$1" "$2"; }

begin uname
echo "release=$(uname -r)"
echo "version=$(uname -v)"
end uname 0

begin cpuinfo
awk '/^$/ { exit } { print }' /proc/cpuinfo
end cpuinfo $?

begin vulns
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	[ -r "$f" ] && echo "$(basename "$f"): $(cat "$f")"
done
end vulns 0

begin l2probe
/lab/l2probe
end l2probe $?

case $dmesg_mode in
full)
	begin dmesg
	dmesg
	end dmesg 0
	;;
short)
	begin dmesg
	dmesg | grep -iE 'xsave|xstate|msr|mitigat|vulnerab|spectre|meltdown|mds|taa|mmio|srbds|retbleed|gds|rfds|bhi|its|tsx|l1tf|warn|bug|oops|call trace|error' | grep -v 'Command line'
	end dmesg 0
	;;
esac
echo "@@KMC-L2-DONE@@"
