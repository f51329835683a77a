#!/usr/bin/env bash
# Boot one of Debian's kernels as the host of an emulated Intel CPU with VMX
# under Bochs, run jobs in it (kvm_intel loaded), collect the results.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/../lib.sh"
BOCHS_DIR=$LAB_DIR/bochs

usage() {
	cat <<EOF
usage: $PROG --kernel SERIES --initrd FILE [options]

Boots Debian's kernel SERIES (fetch-kernels.sh) from a GRUB ISO under
Debian's bochs-bin (Bochs 2.7, which emulates VMX), on CPU model MODEL,
headless (rfb display, no client), serial console to OUT/serial.log. The
initrd is an L1 initramfs (mkinitramfs.sh --kvm-module kvm_intel); its /init
(init/l1-init.sh) runs the jobs and prints each one's output between
@@KMC-BEGIN/END@@ markers; they are split into OUT/blocks/ afterwards.

Bochs is checked before it runs: the installed package version and the
SHA-256 of /usr/bin/bochs-bin must be a line of bochs/bochs-builds.txt. With
--arch-cap, bochs-patch.so (bochs/bochs-patch.c) is preloaded: it makes MSR
0x10a read VALUE and logs every write to MSR 0x123 (IA32_MCU_OPT_CTRL) the
emulated CPU gets into OUT/msr.log; it refuses to start (exit 97) unless the
binary's build-id and the patched bytes are the ones it knows.

Jobs (as boot-l1.sh): --run PATH[,ARG...], --job NAME=CMD, --probe.
Options:
  --cpu MODEL         Bochs CPU model (default tigerlake; also
                      corei7_skylake_x, corei7_icelake_u)
  --arch-cap VALUE    MSR 0x10a of the emulated CPU (default: Bochs's own,
                      0x1f, on models that have it; none on corei7_skylake_x)
  --append ARGS       more kernel command line (e.g. clearcpuid=avx512f)
  --cache DIR         kernel cache (default build/lab/cache)
  --out DIR           run directory (default build/lab/runs/bochs-SERIES-TIME-PID)
  --mem MB            memory (default 768)
  --timeout SECS      kill Bochs after SECS of wall time (default 600)
  --job-timeout SECS  kill a job inside the guest after SECS (kmc.timeout=)
  --idle-timeout SECS kill Bochs when the serial console stays silent for
                      SECS (default 300: 6.1's xz-compressed kernel alone takes
                      about 45 s of a CPU to unpack, printing nothing)
  --quiet             do not print the job outputs
Exit status: 0 all jobs rc=0; 1 some job failed; 2 the boot failed, and the
first line on stderr names how: "triple fault", "kernel panic: TEXT",
"hung: no console output for N s", "timed out", "Bochs panic: TEXT",
"Bochs exited (rc=N)"; 3 usage or setup error (Bochs not the known build,
tools missing). OUT/failure holds the failure's name for the lab.
EOF
}

DIE_RC=3
series=
cache=$LAB_CACHE_DEFAULT
initrd=
out=
cpu=tigerlake
arch_cap=
append=
mem=768
tmo=600
job_tmo=
idle_tmo=300
quiet=0
runs=()
jobs=()
while (($#)); do
	case "$1" in
	--kernel) (($# >= 2)) || die "--kernel needs a value"; series=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a value"; cache=$2; shift ;;
	--initrd) (($# >= 2)) || die "--initrd needs a value"; initrd=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a value"; out=$2; shift ;;
	--cpu) (($# >= 2)) || die "--cpu needs a value"; cpu=$2; shift ;;
	--arch-cap) (($# >= 2)) || die "--arch-cap needs a value"; arch_cap=$2; shift ;;
	--append) (($# >= 2)) || die "--append needs a value"; append+=" $2"; shift ;;
	--mem) (($# >= 2)) || die "--mem needs a value"; mem=$2; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs a value"; tmo=$2; shift ;;
	--job-timeout) (($# >= 2)) || die "--job-timeout needs a value"; job_tmo=$2; shift ;;
	--idle-timeout) (($# >= 2)) || die "--idle-timeout needs a value"; idle_tmo=$2; shift ;;
	--run) (($# >= 2)) || die "--run needs a value"; runs+=("$2"); shift ;;
	--probe) runs+=(/lab/kvmprobe) ;;
	--job) (($# >= 2)) || die "--job needs NAME=CMD"; [[ $2 == ?*=* ]] || die "--job wants NAME=CMD, got '$2'"; jobs+=("$2"); shift ;;
	--quiet) quiet=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $series ]] || die "--kernel is required (see --help)"
check_series "$series"
[[ -n $initrd ]] || die "--initrd is required (mkinitramfs.sh --kvm-module kvm_intel -o FILE)"
[[ -r $initrd ]] || die "--initrd $initrd: not readable"
case "$cpu" in
tigerlake | corei7_skylake_x | corei7_icelake_u) ;;
*) die "--cpu $cpu: the lab knows tigerlake, corei7_skylake_x, corei7_icelake_u" ;;
esac
[[ -z $arch_cap || $arch_cap =~ ^0x[0-9a-fA-F]{1,16}$ ]] || die "--arch-cap wants a hex value like 0x6013f, got '$arch_cap'"
for n in tmo idle_tmo mem; do
	[[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "--${n//_/-} wants a positive number, got '${!n}'"
done
[[ -z $job_tmo || $job_tmo =~ ^[0-9]+$ ]] || die "--job-timeout wants seconds, got '$job_tmo'"
for r in "${runs[@]}"; do
	[[ $r != *[[:space:]]* ]] || die "--run '$r' contains whitespace; use --job NAME='CMD' instead"
done
need_cmd bochs-bin grub-mkrescue xorriso cpio gzip sha256sum dpkg-query timeout
load_kernel "$cache" "$series"

# The Bochs we run must be one we know: package version and file hash.
bochs_bin=$(command -v bochs-bin)
pkg=$(dpkg-query -W -f '${Package} ${Version} ${Architecture}' bochs 2>/dev/null) ||
	die "the bochs package is not installed (harness/lab/host-packages.sh)"
sum=$(sha256sum "$bochs_bin" | cut -d' ' -f1)
# (KMC_BOCHS_BUILDS: another list, for tests)
builds=${KMC_BOCHS_BUILDS:-$BOCHS_DIR/bochs-builds.txt}
grep -qxF "$pkg $sum" <(grep -v '^#' "$builds" | sed 's/[[:space:]]*$//') ||
	die "$bochs_bin ($pkg, sha256 $sum) is not a Bochs build the lab knows ($builds); bochs-patch.so patches code by its bytes, so another build needs its offsets checked first (docs/lab.md)"
patch_so=$LAB_BUILD/bin/bochs-patch.so
if [[ ! -e $patch_so || $BOCHS_DIR/bochs-patch.c -nt $patch_so ]]; then
	mkdir -p "$LAB_BUILD/bin"
	"${CC:-gcc}" -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o "$patch_so.tmp" \
		"$BOCHS_DIR/bochs-patch.c" -ldl || die "compiling bochs-patch.c failed"
	mv "$patch_so.tmp" "$patch_so"
fi

[[ -n $out ]] || out=$LAB_BUILD/runs/bochs-$series-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/blocks" "$out/iso" "$out/failure"
log=$out/serial.log
: >"$log"
: >"$out/msr.log"

# The ISO: GRUB (BIOS) with the serial console, the kernel and the initrd
# (plus the jobs, as a second cpio the kernel unpacks after the first).
iso=$out/iso
mkdir -p "$iso/boot/grub"
cp "$VMLINUZ" "$iso/boot/vmlinuz"
if ((${#jobs[@]})); then
	jobs_cpio "$out" "${jobs[@]}"
	cat "$initrd" "$out/jobs.cpio.gz" >"$iso/boot/initrd.gz"
else
	cp "$initrd" "$iso/boot/initrd.gz"
fi
# cryptomgr.notests: the crypto self-tests are a third of a probe boot under
# Bochs (7.2: 70.5 s with them, 46.3 s without, side by side; kvm.ko's insmod
# 12.6 s against 4.7 s) and check nothing kmc reads (docs/lab.md "Timing").
cmdline="console=ttyS0 panic=-1 quiet cryptomgr.notests"
for r in "${runs[@]}"; do cmdline+=" kmc.run=$r"; done
[[ -z $job_tmo ]] || cmdline+=" kmc.timeout=$job_tmo"
cmdline+=$append
cat >"$iso/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry kmc {
	linux /boot/vmlinuz $cmdline
	initrd /boot/initrd.gz
}
EOF
grub-mkrescue -o "$out/boot.iso" "$iso" >"$out/grub-mkrescue.log" 2>&1 ||
	die "grub-mkrescue failed; see $out/grub-mkrescue.log"
rm -rf "$iso"

# MSR 0x123 (IA32_MCU_OPT_CTRL) is unknown to Bochs 2.7: a user-defined
# read/write MSR, so that kvm_intel's FB_CLEAR_DIS writes land somewhere.
# With ignore_bad_msrs=0 every other unknown MSR faults (KVM must not believe
# TSX_CTRL exists), so the MSRs Linux reads without a fault handler are
# listed too. Format: index type reset_hi reset_lo rsrv_hi rsrv_lo ignr_hi ignr_lo.
cp "$BOCHS_DIR/msrs.txt" "$out/msrs.txt"
cat >"$out/bochsrc" <<EOF
megs: $mem
cpu: model=$cpu, count=1, ips=${KMC_BOCHS_IPS:-60000000}, reset_on_triple_fault=0, ignore_bad_msrs=0, msrs="$out/msrs.txt"
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$out/boot.iso, status=inserted
boot: cdrom
ata1: enabled=0
com1: enabled=1, mode=file, dev=$log
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
clock: sync=none, time0=1
panic: action=fatal
log: $out/bochs.log
EOF

env_patch=(LD_PRELOAD="$patch_so" KMC_BOCHS_MSR_LOG="$out/msr.log")
[[ -z $arch_cap ]] || env_patch+=(KMC_BOCHS_ARCH_CAP="$arch_cap")
{
	printf '%q ' timeout -k 5 "$tmo" env "${env_patch[@]}" "$bochs_bin" -q -f "$out/bochsrc"
	printf '\n'
} >"$out/command"
printf 'series=%s\nkver=%s\npkgver=%s\ncpu=%s\narch_cap=%s\nbochs=%s\nbochs_sha256=%s\n' \
	"$series" "$KVER" "$PKGVER" "$cpu" "${arch_cap:-stock}" "$pkg" "$sum" >"$out/info"

# Bochs is built with its internal debugger: it stops at the reset vector
# and waits for a command on stdin. A FIFO gives it "c" and stays open (an
# EOF would end the debugger, and Bochs with it).
fifo=$out/stdin
rm -f "$fifo"
mkfifo "$fifo"
t0=$(now_ms)
timeout -k 5 "$tmo" env "${env_patch[@]}" "$bochs_bin" -q -f "$out/bochsrc" <"$fifo" >"$out/bochs.out" 2>&1 &
bpid=$!
exec 9>"$fifo"
printf 'c\n' >&9
# OUT/times: the wall second at which each marker of the console appeared
# (the guest's own clock is not wall time under Bochs)
(
	seen=0
	while kill -0 "$bpid" 2>/dev/null; do
		sleep 1
		n=$({ grep -ao '@@KMC-\(BEGIN\|END\|DONE\)[^@]*' "$log" 2>/dev/null || true; } | wc -l)
		if ((n > seen)); then
			grep -ao '@@KMC-\(BEGIN\|END\|DONE\)[^@]*' "$log" | tail -n $((n - seen)) |
				sed "s/^/$(elapsed "$t0") /"
			seen=$n
		fi
	done
) >"$out/times" 2>/dev/null &
tpid=$!
trap 'kill -TERM "$bpid" "$tpid" 2>/dev/null; wait "$bpid"; exit 2' TERM INT HUP
idle_killed=0
if idle_watch "$bpid" "$log" "$idle_tmo"; then
	idle_killed=1
fi
set +e
wait "$bpid"
brc=$?
kill "$tpid" 2>/dev/null
wait "$tpid"
set -e
exec 9>&-
rm -f "$fifo"
trap - TERM INT HUP
wall=$(elapsed "$t0")
# CPU seconds of Bochs (and the few tools before it): what a boot costs
# whatever else the machine does
times >"$out/cpu"	# in this shell: a $(times) would be a subshell's
cpu_s=$(awk 'NR == 2 { gsub(/[ms]/, " "); printf "%.1f", $1 * 60 + $2 + $3 * 60 + $4 }' "$out/cpu")
printf 'wall_s=%s\ncpu_s=%s\nbochs_rc=%s\n' "$wall" "$cpu_s" "$brc" >>"$out/info"

split_blocks "$log" "$out"

# Verdict: a named failure when /init did not finish.
why=
if ((brc == 97)); then
	printf 'refused\n' >"$out/failure"
	die "bochs-patch.so refused to run: $(grep -m1 'bochs-patch' "$out/bochs.out")"
fi
if [[ ! -e $out/blocks/DONE ]]; then
	if grep -qE '3rd \([0-9]+\) exception with no resolution|triple fault' "$out/bochs.log" "$out/bochs.out" 2>/dev/null; then
		why="triple fault: $(grep -ahm1 -E 'exception with no resolution|triple fault' "$out/bochs.log" "$out/bochs.out" | tr -d '\r')"
		echo "triple fault" >"$out/failure"
	elif grep -aq 'Kernel panic' "$log"; then
		why="kernel panic: $(grep -am1 'Kernel panic' "$log" | tr -d '\r')"
		echo "kernel panic" >"$out/failure"
	elif ((idle_killed)); then
		why="hung: no console output for ${idle_tmo} s (killed)"
		echo "hung" >"$out/failure"
	elif ((brc == 124 || brc == 137)); then
		why="timed out after ${tmo} s"
		echo "timed out" >"$out/failure"
	elif grep -a '>>PANIC<<' "$out/bochs.log" 2>/dev/null | grep -qv 'soft power off'; then
		why="Bochs panic: $(grep -a '>>PANIC<<' "$out/bochs.log" | grep -av 'soft power off' | head -n1 | tr -d '\r')"
		echo "bochs panic" >"$out/failure"
	else
		why="Bochs exited (rc=$brc) before the guest's /init finished (no @@KMC-DONE@@)"
		echo "exited" >"$out/failure"
	fi
fi

failed=$(failed_jobs "$out")
((quiet)) || print_blocks "$out"
info "kernel $series ($KVER) on $cpu, 0x10a ${arch_cap:-stock}: wall ${wall}s, CPU $(sed -n 's/^cpu_s=//p' "$out/info")s, run directory $out"
if [[ -n $why ]]; then
	printf '%s: error: boot of %s on %s: %s; serial log: %s\n' "$PROG" "$series" "$cpu" "$why" "$log" >&2
	tail -n 15 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	exit 2
fi
if [[ -n $failed ]]; then
	printf '%s: error: jobs failed: %s; see %s/blocks\n' "$PROG" "${failed% }" "$out" >&2
	exit 1
fi
exit 0
