#!/bin/sh
# l2run.sh - run inside L1: boot the L2 kernel under Debian's QEMU on L1's KVM.
# Installed as /lab/l2run.sh by mkinitramfs.sh --l2. L2's serial console and
# then its report (the @@KMC-L2-...@@ blocks, read back from L2's output disk)
# go to stdout, QEMU's and l2wrap's messages to stderr. Exit status: 0 when
# L2's /init finished (@@KMC-L2-DONE@@), QEMU's status when QEMU failed, 124
# on timeout, 3 when L2 crashed or stopped early, 2 on a usage error.
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
  --mem MB               L2 memory (default 160)
  --timeout SECS         kill QEMU after SECS (default 240)
  --append ARGS          extra L2 kernel command line
  --kernel FILE          L2 kernel (default /l2/vmlinux, the uncompressed ELF
                         booted through PVH, else /l2/vmlinuz)
  --no-disk              no output disk: L2 reports on its serial console
                         (about 1 ms per byte under nested TCG)
  --no-wrap              run QEMU without the l2wrap.so preload
  --verbose              l2wrap logs every intercepted ioctl
The L2 kernel command line is
  console=ttyS0 panic=-1 reboot=t loglevel=3 initcall_blacklist=cmos_init
  cryptomgr.notests GLIBC_TUNABLES=glibc.cpu.hwcaps=-RTM [ARGS]
(cmos_init: the RTC probe waits ~5 s for a CMOS clock microvm does not have;
cryptomgr.notests: the crypto self-tests cost 1-3 s under nested TCG;
reboot=t: after a panic the other reboot methods spin for minutes under
nested TCG; GLIBC_TUNABLES reaches /init through the kernel: a static glibc
that sees RTM runs XTEST, which TCG does not have, and PID 1 dies of #UD).
EOF
}

cpu=Cascadelake-Server,vendor=GenuineIntel
mem=160
tmo=240
append=
wrap=1
disk=1
kernel=
need() { [ $# -ge 2 ] || { echo "l2run.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) need "$@"; cpu=$2; shift ;;
	--arch-cap) need "$@"; KMC_L2_ARCH_CAP=$2; export KMC_L2_ARCH_CAP; shift ;;
	--cpuid-set) need "$@"; KMC_L2_CPUID_SET=$2; export KMC_L2_CPUID_SET; shift ;;
	--cpuid-clr) need "$@"; KMC_L2_CPUID_CLR=$2; export KMC_L2_CPUID_CLR; shift ;;
	--xcr0) need "$@"; KMC_L2_XCR0=$2; export KMC_L2_XCR0; shift ;;
	--hidden-arch-cap) need "$@"; KMC_L2_HIDDEN_ARCH_CAP=$2; export KMC_L2_HIDDEN_ARCH_CAP; shift ;;
	--mem) need "$@"; mem=$2; shift ;;
	--timeout) need "$@"; tmo=$2; shift ;;
	--append) need "$@"; append=$2; shift ;;
	--kernel) need "$@"; kernel=$2; shift ;;
	--no-disk) disk=0 ;;
	--no-wrap) wrap=0 ;;
	--verbose) KMC_L2_VERBOSE=1; export KMC_L2_VERBOSE ;;
	-h | --help) usage; exit 0 ;;
	*) echo "l2run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

if [ -z "$kernel" ]; then
	kernel=/l2/vmlinuz
	[ -r /l2/vmlinux ] && kernel=/l2/vmlinux
fi
for f in /usr/bin/qemu-system-x86_64 "$kernel" /l2/initrd.gz /dev/kvm; do
	[ -e "$f" ] || { echo "l2run.sh: $f missing (initramfs built without --l2, or KVM not loaded)" >&2; exit 2; }
done
if [ $wrap = 1 ]; then
	[ -r /lab/l2wrap.so ] || { echo "l2run.sh: /lab/l2wrap.so missing" >&2; exit 2; }
	LD_PRELOAD=/lab/l2wrap.so
	export LD_PRELOAD
fi

log=/tmp/l2run.$$.log
img=/tmp/l2run.$$.img
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { rm -f "$log" "$log.rc" "$img"; }
trap cleanup EXIT
set -- /usr/bin/qemu-system-x86_64 -L /usr/share/qemu -accel kvm -M microvm -cpu "$cpu" \
	-m "$mem" -smp 1 -nodefaults -no-user-config -display none -monitor none -serial stdio \
	-no-reboot -kernel "$kernel" -initrd /l2/initrd.gz \
	-append "console=ttyS0 panic=-1 reboot=t loglevel=3 initcall_blacklist=cmos_init cryptomgr.notests GLIBC_TUNABLES=glibc.cpu.hwcaps=-RTM${append:+ $append}"
if [ $disk = 1 ]; then
	dd if=/dev/zero of="$img" bs=1024 count=2048 2>/dev/null
	set -- "$@" -drive "file=$img,format=raw,if=none,id=kmcout" -device virtio-blk-device,drive=kmcout
fi
echo "# l2run: LD_PRELOAD=${LD_PRELOAD:-} KMC_L2_ARCH_CAP=${KMC_L2_ARCH_CAP:-} KMC_L2_CPUID_SET=${KMC_L2_CPUID_SET:-} KMC_L2_CPUID_CLR=${KMC_L2_CPUID_CLR:-} KMC_L2_XCR0=${KMC_L2_XCR0:-auto} KMC_L2_HIDDEN_ARCH_CAP=${KMC_L2_HIDDEN_ARCH_CAP:-zero}"
echo "# l2run: $*"
t0=$(cut -d' ' -f1 /proc/uptime)
# the console streams on (crash-safe) and is kept to look for a panic
set +e
{
	timeout -s KILL "$tmo" "$@" </dev/null
	echo $? >"$log.rc"
} | tee "$log"
rc=$(cat "$log.rc")
set -e
t1=$(cut -d' ' -f1 /proc/uptime)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
if [ $disk = 1 ] && grep -q '^@@KMC-L2-DISK@@' "$log"; then
	echo "# l2run: report from the output disk:"
	tr -d '\000' <"$img" | tee -a "$log"
fi
echo "# l2run: qemu rc=$rc, ${secs}s (L1 uptime clock)"
reason=$(tr -d '\r' <"$log" | grep -m1 -E 'Kernel panic|BUG:|Oops' || true)
if [ "$rc" -eq 137 ]; then
	echo "l2run.sh: L2 QEMU killed after ${tmo}s (hung guest${reason:+: $reason})" >&2
	exit 124
fi
if [ "$rc" -ne 0 ]; then
	echo "l2run.sh: L2 QEMU exited with status $rc" >&2
	exit "$rc"
fi
if ! tr -d '\r' <"$log" | grep -qx '@@KMC-L2-DONE@@'; then
	echo "l2run.sh: the L2 guest did not finish its /init${reason:+ ($reason)}" >&2
	exit 3
fi
exit 0
