#!/bin/sh
# l2run.sh - run inside L1: boot the L2 kernel under Debian's QEMU on L1's KVM.
# Installed as /lab/l2run.sh by mkinitramfs.sh --l2. L2's serial console goes
# to stdout (its blocks are @@KMC-L2-...@@), QEMU's and l2wrap's messages to
# stderr. Exit status: 0 when L2's /init finished (@@KMC-L2-DONE@@), QEMU's
# status when QEMU failed, 124 on timeout, 3 when L2 crashed or stopped early.
set -eu

usage() {
	cat <<EOF
usage: l2run.sh [options]
  --cpu MODEL[,PROP...]  QEMU -cpu (default: Cascadelake-Server,vendor=GenuineIntel)
  --arch-cap VALUE       force MSR 0x10a of the vCPU (l2wrap: KMC_L2_ARCH_CAP)
  --cpuid-set LIST       set guest CPUID bits, leaf.subleaf.reg.bit[,...]
  --cpuid-clr LIST       clear guest CPUID bits, same form
  --xcr0 auto|off|VALUE  initial XCR0 of the vCPU (default auto: CPUID 0xD.0)
  --hidden-arch-cap zero|keep
                         without --arch-cap and with CPUID 7.0 EDX[29] clear,
                         write 0 to 0x10a instead of QEMU's value (default zero)
  --mem MB               L2 memory (default 256)
  --timeout SECS         kill QEMU after SECS (default 240)
  --append ARGS          extra L2 kernel command line
  --no-wrap              run QEMU without the l2wrap.so preload
  --verbose              l2wrap logs every intercepted ioctl
EOF
}

cpu=Cascadelake-Server,vendor=GenuineIntel
mem=256
tmo=240
append=
wrap=1
while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) cpu=$2; shift ;;
	--arch-cap) KMC_L2_ARCH_CAP=$2; export KMC_L2_ARCH_CAP; shift ;;
	--cpuid-set) KMC_L2_CPUID_SET=$2; export KMC_L2_CPUID_SET; shift ;;
	--cpuid-clr) KMC_L2_CPUID_CLR=$2; export KMC_L2_CPUID_CLR; shift ;;
	--xcr0) KMC_L2_XCR0=$2; export KMC_L2_XCR0; shift ;;
	--hidden-arch-cap) KMC_L2_HIDDEN_ARCH_CAP=$2; export KMC_L2_HIDDEN_ARCH_CAP; shift ;;
	--mem) mem=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--append) append=$2; shift ;;
	--no-wrap) wrap=0 ;;
	--verbose) KMC_L2_VERBOSE=1; export KMC_L2_VERBOSE ;;
	-h | --help) usage; exit 0 ;;
	*) echo "l2run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

for f in /usr/bin/qemu-system-x86_64 /l2/vmlinuz /l2/initrd.gz /dev/kvm; do
	[ -e "$f" ] || { echo "l2run.sh: $f missing (initramfs built without --l2, or KVM not loaded)" >&2; exit 2; }
done
if [ $wrap = 1 ]; then
	[ -r /lab/l2wrap.so ] || { echo "l2run.sh: /lab/l2wrap.so missing" >&2; exit 2; }
	LD_PRELOAD=/lab/l2wrap.so
	export LD_PRELOAD
fi

set -- /usr/bin/qemu-system-x86_64 -L /usr/share/qemu -accel kvm -M microvm -cpu "$cpu" \
	-m "$mem" -smp 1 -nodefaults -no-user-config -display none -monitor none -serial stdio \
	-no-reboot -kernel /l2/vmlinuz -initrd /l2/initrd.gz \
	-append "console=ttyS0 panic=-1 quiet${append:+ $append}"
echo "# l2run: LD_PRELOAD=${LD_PRELOAD:-} KMC_L2_ARCH_CAP=${KMC_L2_ARCH_CAP:-} KMC_L2_CPUID_SET=${KMC_L2_CPUID_SET:-} KMC_L2_CPUID_CLR=${KMC_L2_CPUID_CLR:-} KMC_L2_XCR0=${KMC_L2_XCR0:-auto} KMC_L2_HIDDEN_ARCH_CAP=${KMC_L2_HIDDEN_ARCH_CAP:-zero}"
echo "# l2run: $*"
t0=$(cut -d' ' -f1 /proc/uptime)
# stdout streams on (crash-safe) and is kept to check that L2's /init finished.
log=/tmp/l2run.$$.log
set +e
{
	timeout -s KILL "$tmo" "$@" </dev/null
	echo $? >"$log.rc"
} | tee "$log"
rc=$(cat "$log.rc")
set -e
t1=$(cut -d' ' -f1 /proc/uptime)
echo "# l2run: qemu rc=$rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s (L1 uptime clock)"
if [ "$rc" -eq 137 ]; then
	echo "l2run.sh: L2 QEMU killed after ${tmo}s" >&2
	exit 124
fi
[ "$rc" -eq 0 ] || exit "$rc"
if ! tr -d '\r' <"$log" | grep -qx '@@KMC-L2-DONE@@'; then
	reason=$(tr -d '\r' <"$log" | grep -m1 -E 'Kernel panic|BUG:|Oops' || true)
	echo "l2run.sh: the L2 guest did not finish its /init${reason:+ ($reason)}" >&2
	exit 3
fi
rm -f "$log" "$log.rc"
exit 0
