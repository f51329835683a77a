#!/usr/bin/env bash
# Boot the lab's L1 guest under QEMU TCG, run jobs in it, collect the results.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG --kernel SERIES [options]

Boots Debian's kernel SERIES (6.1, 6.12, 7.2; see fetch-kernels.sh) under
  qemu-system-x86_64 -accel tcg -cpu EPYC,+svm -m 2048 -smp 1 -nodefaults
    -display none -monitor none -serial file:OUT/serial.log -no-reboot
    -kernel VMLINUZ -initrd INITRD -append "console=ttyS0 panic=-1 quiet ..."
with a hard wall-clock timeout. The L1 /init (init/l1-init.sh) loads KVM,
runs the jobs and prints each one's stdout between @@KMC-BEGIN/END@@ markers
on the serial console; afterwards the blocks are split into OUT/blocks/
(name.out, name.rc; L2 blocks inside a job's output into OUT/blocks/name.l2/).

Jobs (run in this order; without any, /payload/run.sh or an error block):
  --run PATH[,ARG...]   kmc.run= on the kernel command line (no spaces/commas in args)
  --job NAME=CMD        a shell command line, any quoting; shipped to L1 as
                        /job/NN-NAME.sh in a small cpio appended to the initrd
  --l2-run 'ARGS'       shorthand for --job l2=/lab/l2run.sh ARGS (needs --l2)
  --probe               shorthand for --run /lab/kvmprobe
Options:
  --cache DIR           kernel cache (default build/lab/cache)
  --initrd FILE         default build/lab/initramfs/l1-SERIES[-l2].cpio.gz,
                        (re)built with mkinitramfs.sh when missing or older
                        than a lab source or the kernel
  --l2                  use the initramfs with the L2 pieces (mkinitramfs.sh --l2)
  --out DIR             run directory (default build/lab/runs/l1-SERIES-TIME-PID)
  --timeout SECS        kill QEMU after SECS of wall time (default 300)
  --job-timeout SECS    kill a job inside L1 after SECS (kmc.timeout=)
  --idle-timeout SECS   kill QEMU when the serial console stays silent for SECS
                        (a hung L1; reported as a failed boot)
  --mem MB              L1 memory (default 2048)
  --cpu MODEL           L1 CPU (default EPYC,+svm)
  --append ARGS         more kernel command line
  --share DIR           also export DIR over 9p (mount_tag kmcshare; L1 mounts
                        it on /share when the initramfs has the 9p modules)
  --quiet               do not print the job outputs
Exit status: 0 all jobs rc=0; 1 some job failed; 2 the boot failed, crashed
or timed out (the message names the serial log); 3 usage or setup error.
EOF
}

DIE_RC=3
series=
cache=$LAB_CACHE_DEFAULT
initrd=
out=
tmo=300
job_tmo=
idle_tmo=
mem=2048
cpu=EPYC,+svm
append=
share=
quiet=0
want_l2=0
runs=()
jobs=()
while (($#)); do
	case "$1" in
	--kernel) (($# >= 2)) || die "--kernel needs a value"; series=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a value"; cache=$2; shift ;;
	--initrd) (($# >= 2)) || die "--initrd needs a value"; initrd=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a value"; out=$2; shift ;;
	--timeout) (($# >= 2)) || die "--timeout needs a value"; tmo=$2; shift ;;
	--job-timeout) (($# >= 2)) || die "--job-timeout needs a value"; job_tmo=$2; shift ;;
	--idle-timeout) (($# >= 2)) || die "--idle-timeout needs a value"; idle_tmo=$2; shift ;;
	--mem) (($# >= 2)) || die "--mem needs a value"; mem=$2; shift ;;
	--cpu) (($# >= 2)) || die "--cpu needs a value"; cpu=$2; shift ;;
	--append) (($# >= 2)) || die "--append needs a value"; append+=" $2"; shift ;;
	--share) (($# >= 2)) || die "--share needs a value"; share=$2; shift ;;
	--run) (($# >= 2)) || die "--run needs a value"; runs+=("$2"); shift ;;
	--probe) runs+=(/lab/kvmprobe) ;;
	--job) (($# >= 2)) || die "--job needs NAME=CMD"; [[ $2 == ?*=* ]] || die "--job wants NAME=CMD, got '$2'"; jobs+=("$2"); shift ;;
	--l2-run) (($# >= 2)) || die "--l2-run needs a value"; jobs+=("l2=/lab/l2run.sh $2"); want_l2=1; shift ;;
	--l2) want_l2=1 ;;
	--quiet) quiet=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
trap 'exit 3' ERR
[[ -n $series ]] || die "--kernel is required (see --help)"
check_series "$series"
[[ $tmo =~ ^[0-9]+$ ]] || die "--timeout wants seconds, got '$tmo'"
[[ -z $job_tmo || $job_tmo =~ ^[0-9]+$ ]] || die "--job-timeout wants seconds, got '$job_tmo'"
[[ -z $idle_tmo || $idle_tmo =~ ^[1-9][0-9]*$ ]] || die "--idle-timeout wants seconds, got '$idle_tmo'"
for r in "${runs[@]}"; do
	[[ $r != *[[:space:]]* ]] || die "--run '$r' contains whitespace; use --job NAME='CMD' instead"
done
need_cmd qemu-system-x86_64 timeout cpio gzip
load_kernel "$cache" "$series"

if [[ -z $initrd ]]; then
	initrd=$LAB_BUILD/initramfs/l1-$series.cpio.gz
	((want_l2 == 0)) || initrd=${initrd%.cpio.gz}-l2.cpio.gz
	stale=
	if [[ -r $initrd ]]; then
		# rebuild when a lab source or the kernel is newer than the initrd
		stale=$(find "$LAB_DIR/init" "$LAB_DIR/probe" "$LAB_DIR/l2wrap" "$LAB_DIR/mkinitramfs.sh" \
			"$(kernel_env "$cache" "$series")" -newer "$initrd" -print -quit 2>/dev/null || true)
	fi
	if [[ ! -r $initrd || -n $stale ]]; then
		if [[ -n $stale ]]; then
			info "$stale is newer than $initrd; rebuilding it"
		else
			info "$initrd missing; building it"
		fi
		l2flag=()
		((want_l2 == 0)) || l2flag=(--l2)
		"$LAB_DIR/mkinitramfs.sh" --kernel "$series" --cache "$cache" "${l2flag[@]}" -o "$initrd" >/dev/null
	fi
fi
[[ -r $initrd ]] || die "initrd $initrd not readable"

if [[ -z $out ]]; then
	out=$LAB_BUILD/runs/l1-$series-$(date +%Y%m%d-%H%M%S)-$$
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/blocks"
log=$out/serial.log
: >"$log"

# Jobs travel as a second, gzip'd cpio appended to the initrd: the kernel
# unpacks concatenated archives in order.
boot_initrd=$initrd
if ((${#jobs[@]})); then
	jobs_cpio "$out" "${jobs[@]}"
	cat "$initrd" "$out/jobs.cpio.gz" >"$out/initrd.cpio.gz"
	boot_initrd=$out/initrd.cpio.gz
fi

# cryptomgr.notests: the crypto self-tests cost seconds of TCG and check
# nothing kmc reads (as in L2, init/l2run.sh)
cmdline="console=ttyS0 panic=-1 quiet cryptomgr.notests"
for r in "${runs[@]}"; do cmdline+=" kmc.run=$r"; done
[[ -z $job_tmo ]] || cmdline+=" kmc.timeout=$job_tmo"
[[ -z $share ]] || cmdline+=" kmc.share=kmcshare"
cmdline+=$append

qemu=(qemu-system-x86_64 -accel tcg -cpu "$cpu" -m "$mem" -smp 1 -nodefaults
	-display none -monitor none -serial "file:$log" -no-reboot
	-kernel "$VMLINUZ" -initrd "$boot_initrd" -append "$cmdline")
if [[ -n $share ]]; then
	[[ -d $share ]] || die "--share $share: not a directory"
	qemu+=(-virtfs "local,path=$(cd "$share" && pwd),mount_tag=kmcshare,security_model=none,id=kmcshare")
fi
{
	printf '%q ' timeout -k 5 "$tmo" "${qemu[@]}"
	printf '\n'
} >"$out/command"
printf 'series=%s\nkver=%s\npkgver=%s\ninitrd=%s\n' "$series" "$KVER" "$PKGVER" "$initrd" >"$out/info"

trap - ERR
t0=$(now_ms)
# In the background and waited for, so that a TERM or INT to this script
# (qemu-lab.sh stopping its boots) reaches QEMU through timeout at once.
timeout -k 5 "$tmo" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
qpid=$!
trap 'kill -TERM "$qpid" 2>/dev/null; wait "$qpid"; exit 2' TERM INT HUP
# --idle-timeout: a hung L1 (seen once in ~300 L2 boots: L1 idle, QEMU at 0% CPU,
# its timers dead) prints nothing more; kill it when the console stays silent.
idle_killed=0
if [[ -n $idle_tmo ]] && idle_watch "$qpid" "$log" "$idle_tmo"; then
	idle_killed=1
fi
set +e
wait "$qpid"
qrc=$?
set -e
trap - TERM INT HUP
wall=$(elapsed "$t0")
echo "wall_s=$wall" >>"$out/info"
echo "qemu_rc=$qrc" >>"$out/info"
# the per-run initrd is the shared one plus jobs.cpio.gz: no need to keep it
[[ $boot_initrd == "$initrd" ]] || rm -f "$boot_initrd"

blocks=$out/blocks
split_blocks "$log" "$out"

# Verdict.
why=
if [[ ! -e $blocks/DONE ]]; then
	if ((idle_killed)); then
		why="hung: no console output for ${idle_tmo}s (killed)"
	elif ((qrc == 124 || qrc == 137)); then
		why="timed out after ${tmo}s"
	elif grep -q 'Kernel panic' "$log"; then
		why="kernel panic: $(grep -m1 'Kernel panic' "$log" | tr -d '\r')"
	elif ((qrc != 0)); then
		why="QEMU exited with status $qrc ($(head -c 300 "$out/qemu.log" | tr '\n' ' '))"
	elif [[ ! -s $log ]]; then
		why="no output on the serial console"
	else
		why="the L1 /init did not finish (no @@KMC-DONE@@)"
	fi
fi

failed=$(failed_jobs "$out")
((quiet)) || print_blocks "$out"

info "kernel $series ($KVER): wall ${wall}s, run directory $out"
if [[ -n $why ]]; then
	printf '%s: error: L1 boot of %s %s; serial log: %s\n' "$PROG" "$series" "$why" "$log" >&2
	printf '%s: last lines of %s:\n' "$PROG" "$log" >&2
	tail -n 15 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	exit 2
fi
if [[ -n $failed ]]; then
	printf '%s: error: jobs failed: %s; see %s\n' "$PROG" "${failed% }" "$blocks" >&2
	exit 1
fi
exit 0
