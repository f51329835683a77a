#!/usr/bin/env bash
# The QEMU lab (run by run-labs.sh, `make lab` on a machine without
# kvm_intel/kvm_amd): the steps in order, or up to one of them (--until).
# Its boots are in qemu-boots.sh, its results in qemu-collect.sh.
set -euo pipefail
# shellcheck source=harness/lab/matrix.sh
. "$(dirname "$0")/matrix.sh"
# shellcheck source=harness/lab/ktap.sh
. "$(dirname "$0")/ktap.sh"
# shellcheck source=harness/lab/qemu-boots.sh
. "$(dirname "$0")/qemu-boots.sh"
# shellcheck source=harness/lab/qemu-collect.sh
. "$(dirname "$0")/qemu-collect.sh"
name_failures
# The whole script is one brace group: bash parses it completely before it
# runs, so editing this file while a lab runs (in a shared tree)
# cannot change the running one.
{

usage() {
	cat <<EOF
usage: $PROG [options]

The emulated lab, end to end and unattended (docs/lab.md):
  1. host-packages.sh the host packages (qemu-system-x86, busybox-static, ...)
  2. fetch-kernels.sh  Debian's 6.1 and 6.12 (Debian 12) and 7.2 (sid) kernels
  3. build.sh          kvmprobe, l2probe, l2wrap.so (and kmc, kmc-run if missing)
  4. mkinitramfs.sh    one L1 initramfs per kernel, with the L2 pieces
  5. boot-l1.sh        per kernel, L1 boots (QEMU TCG, EPYC,+svm; kvm and
                       kvm_amd loaded) that run
                       - the L1 checks: kvmprobe, the L1 kernel's own report,
                         and 'kmc-run --backend kvm vectors/live.kmv' once
                         kmc-run has that backend (harness/kvm/)
                       - one L2 boot per configuration of the matrix
                         (harness/lab/matrix.txt): the same kernel under
                         QEMU -accel kvm on L1's KVM, an Intel (or AMD) CPU
                         model and a chosen MSR 0x10a
  6. per kernel        a vector record per L2 boot, built from what L2 saw
                       (host) and derived (expect), checked by
                       'kmc-run --backend model'; the same for L1
  7. results           RESULTS/DATE_KERNEL/: lab.ktap, l1.ktap, l2.ktap, the
                       vectors, observed.txt, summary.txt, logs/; a diff
                       against BASELINES/KERNEL/ (baseline-diff.txt)
Each step is a script of its own that a person can run alone (--help on
each); --until STEP runs the lab up to STEP and stops, leaving the run
directory (build/lab/runs/lab-TIME/) for the next step by hand.
Progress goes to stderr; KTAP v1 for all kernels to stdout at the end (one
test per L1 check and L2 configuration). Exit 0 all passed (XFAIL allowed),
1 something failed, 4 nothing ran, 2 usage or setup error.

Options:
  --until STEP        stop after STEP: deps, make, fetch, build, kmod or
                      initramfs (exit 0, nothing checked)
  --smoke             the CI subset: one kernel (7.2 unless --kernels), the L1
                      checks and the configurations tagged smoke
  --kernels 'LIST'    kernels (default: '$LAB_KERNELS_DEFAULT'; 'all': every
                      line the lab knows, $LAB_KERNELS_ALL)
  --only 'ID...'      only these matrix configurations
  --matrix FILE       the L2 matrix (default harness/lab/matrix.txt)
  --parallel N        L1 boots at once (default 2; each is one TCG thread)
  --parts N           L1 boots per kernel sharing its L2 boots (default: N of
                      --parallel, so that the lanes stay balanced)
  --l2-timeout SECS   kill an L2 boot after SECS (default 150)
  --results DIR       where the run directories go (default results/lab)
  --baselines DIR     baselines to diff against (default results/baselines)
  --update-baseline   (re)write BASELINES/KERNEL/ from this run
  --no-baseline       no diff
  --cache DIR         kernel cache (default build/lab/cache)
  --offline           no apt at all: use the cache as it is
  --no-deps           do not run host-packages.sh
  --no-kvm-backend    keep to kvmprobe in L1 even if kmc-run has --backend kvm
  --no-kmod           do not build kmc.ko (kmod/) for the L1 kernels; the kvm
                      backend then reads its host facts without /dev/kmc
  --own-kernel PATH   boot this kernel instead of Debian's (make lab KERNEL=):
                      a build directory, or an image with --own-modules
                      (own-kernel.sh; docs/lab.md "Testing your own kernel")
  --own-modules DIR   the image's modules: its INSTALL_MOD_PATH directory
  --own-name NAME     its name in results and baselines (default: its release)
  --profile-flags 'LIST'
                      changes the kernel carries beyond its release's profile:
                      +VARIANT items (kmc names variants, e.g.
                      +validate_arch_cap); the vectors built from this run get
                      variant=, kmc-run in L1 --kernel-variant
Environment: KMC_BIN (directory with kmc and kmc-run, default build/bin);
KMC_LAB_HOOK (a command run as 'CMD RESULTDIR' for every results directory,
default harness/results/lab-hook.sh when it exists and is executable);
KMC_LAB_FAIL_AT=ID (a test of the retry: the first L1 boot that has row ID
powers off when it reaches it).
EOF
}

DIE_RC=2
lab_options_defaults
matrix=$MATRIX_DEFAULT
parts=
l2_tmo=150
use_kvm_backend=1
use_kmod=1
until=
while (($#)); do
	lab_option "$@"
	if ((LAB_SHIFT)); then
		shift "$LAB_SHIFT"
		continue
	fi
	case "$1" in
	--until) (($# >= 2)) || die "--until needs a step"; until=$2; shift ;;
	--matrix) (($# >= 2)) || die "--matrix needs a file"; matrix=$2; shift ;;
	--parts) (($# >= 2)) || die "--parts needs a number"; parts=$2; shift ;;
	--l2-timeout) (($# >= 2)) || die "--l2-timeout needs seconds"; l2_tmo=$2; shift ;;
	--no-kvm-backend) use_kvm_backend=0 ;;
	--no-kmod) use_kmod=0 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$until" in
"" | deps | make | fetch | build | kmod | initramfs) ;;
*) die "--until: no step '$until' (deps, make, fetch, build, kmod, initramfs)" ;;
esac
lab_options_check
parts=${parts:-$parallel}
[[ $parts =~ ^[1-9][0-9]*$ ]] || die "--parts wants a positive number, got '$parts'"
[[ $l2_tmo =~ ^[1-9][0-9]*$ ]] || die "--l2-timeout wants seconds, got '$l2_tmo'"

stamp=$(date +%Y%m%d-%H%M%S)
RUN=$LAB_BUILD/runs/lab-$stamp
mkdir -p "$RUN" "$results"
results=$(cd "$results" && pwd)
steplog=$RUN/lab.log
: >"$steplog"
t_all=$(now_ms)
declare -a TIMES=()


# Boots started by this script (their own process groups, see launch), so
# that a kill or ^C of lab.sh stops them, and only them.
declare -A BOOT_PID=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_boots() {
	local p
	for p in "${BOOT_PID[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null || true
	done
	[[ -n ${MON_PID:-} ]] && kill "$MON_PID" 2>/dev/null
	return 0
}
trap stop_boots EXIT
trap 'progress "interrupted; stopping the L1 boots"; exit 130' INT TERM

# ---- 1-3: packages, kernels, programs -------------------------------------
# after_step NAME: the end of the run when --until names this step
after_step() {
	[[ $until == "$1" ]] || return 0
	progress "stopped after step $1 (--until); run directory $RUN"
	exit 0
}
((deps == 0)) || step deps "$LAB_DIR/host-packages.sh"
after_step deps
KMC_BIN=${KMC_BIN:-$KMC_ROOT/build/bin}
if [[ $KMC_BIN == "$KMC_ROOT/build/bin" ]]; then
	# up to date with the tree (a no-op when it is): a stale kmc-run would
	# check the kernels against an old model
	step make locked make make -C "$KMC_ROOT" all
elif [[ ! -x $KMC_BIN/kmc || ! -x $KMC_BIN/kmc-run ]]; then
	die "KMC_BIN=$KMC_BIN has no kmc and kmc-run"
fi
# a snapshot: other work in the tree may rebuild build/bin while we run
mkdir -p "$RUN/bin"
cp "$KMC_BIN/kmc" "$KMC_BIN/kmc-run" "$RUN/bin/"
after_step make
KMC=$RUN/bin/kmc
KMCRUN=$RUN/bin/kmc-run
export KMC
# ---- the matrix -------------------------------------------------------------
kmc_load
VARIANTS=
[[ -z $pflags ]] || profile_flags "$pflags"
matrix_load "$matrix"
if [[ -n $only ]]; then
	for id in $only; do
		[[ -n ${MX_DESC[$id]+x} ]] || die "--only: no configuration '$id' in $matrix"
	done
fi
subset=0
{ ((smoke)) || [[ -n $only ]]; } && subset=1
kind="full matrix"
((subset == 0)) || kind=subset
((smoke == 0)) || kind=smoke
declare -A ROWS=()   # kernel -> ids
for k in "${KERNELS[@]}"; do
	ROWS[$k]=
	for id in "${MX_IDS[@]}"; do
		mx_on_kernel "$id" "$(kernel_line "$cache" "$k")" || continue
		if ((smoke)); then mx_has_tag "$id" smoke || continue; fi
		if [[ -n $only ]]; then [[ " $only " == *" $id "* ]] || continue; fi
		ROWS[$k]+="${ROWS[$k]:+ }$id"
	done
done

offl=()
((offline == 0)) || offl=(--offline)
# Debian's kernels only: an own kernel is registered already
mapfile -t debian < <(debian_kernels)
((${#debian[@]} == 0)) || step fetch "$LAB_DIR/fetch-kernels.sh" --cache "$cache" "${offl[@]}" "${debian[@]}"
after_step fetch
own_kernels_note "$cache"
step build "$LAB_DIR/build.sh"
after_step build

# kvm backend in L1: only once kmc-run has it (harness/kvm/, vectors/live.kmv)
kvm_backend=0
kvm_why="harness/kvm/ or vectors/live.kmv missing"
L1_KNOWN=
L1_KMCRUN=
if ((use_kvm_backend == 0)); then
	kvm_why="--no-kvm-backend"
elif [[ -d $KMC_ROOT/harness/kvm && -f $KMC_ROOT/vectors/live.kmv ]]; then
	# the snapshot of KMC_BIN's kmc-run, with its shared libraries (mkinitramfs.sh
	# --bin): a separately built static one (make kvm-static) can be older than
	# the model in the tree
	L1_KMCRUN=$KMCRUN
	set +e
	"$L1_KMCRUN" --backend kvm "$KMC_ROOT/vectors/live.kmv" >"$RUN/kvm-backend-check.out" 2>&1
	rc=$?
	set -e
	if grep -qi 'not built' "$RUN/kvm-backend-check.out" || ((rc == 2 || rc > 4)); then
		kvm_why="$L1_KMCRUN --backend kvm: not available (rc=$rc: $(head -c 200 "$RUN/kvm-backend-check.out" | tr '\n' ' '))"
	else
		kvm_backend=1
		kvm_why="$L1_KMCRUN --backend kvm vectors/live.kmv"
		mkdir -p "$RUN/payload"
		cp "$KMC_ROOT/vectors/live.kmv" "$RUN/payload/live.kmv"
		cp "$L1_KMCRUN" "$RUN/bin/kmc-run-l1"
		# the known divergences of the kvm backend (harness/results/), for XFAIL
		L1_KNOWN=
		if [[ -r $KMC_ROOT/harness/results/known-divergences.txt ]] && "$L1_KMCRUN" --help 2>&1 | grep -q -- --known; then
			cp "$KMC_ROOT/harness/results/known-divergences.txt" "$RUN/payload/known-divergences.txt"
			L1_KNOWN="--known /payload/known-divergences.txt"
		fi
	fi
fi
progress "L1 step: $( ((kvm_backend)) && echo "kmc-run --backend kvm" || echo "kvmprobe only ($kvm_why)")"

# kmc.ko for each L1 kernel (kmod/lab-payload.sh), loaded before the kvm
# backend so that its host facts come from /dev/kmc (docs/kmod.md); a kernel
# whose module cannot be built runs without it, and the vectors that need it
# are skipped with the reason
declare -A KMOD=()
if ((kvm_backend && use_kmod)); then
	t=$(now_ms)
	progress "step kmod (kmc.ko for ${KERNELS[*]}: up to a minute or two each when not built yet) ..."
	for k in "${KERNELS[@]}"; do
		mkdir -p "$RUN/payload-$k"
		cp -r "$RUN/payload/." "$RUN/payload-$k/"
		if "$KMC_ROOT/kmod/lab-payload.sh" "${offl[@]}" --fetched "$cache" "$k" "$RUN/payload-$k" \
			>"$RUN/kmod-$k.log" 2>&1; then
			KMOD[$k]=1
		else
			progress "kmod for $k could not be built (see $RUN/kmod-$k.log); L1 runs without it"
		fi
	done
	TIMES+=("kmod $(elapsed "$t")")
	progress "step kmod: $(elapsed "$t")s"
fi
after_step kmod

# ---- 4: initramfs (two at a time) -----------------------------------------
initramfs() {
	local k=$1 args
	args=(--kernel "$k" --cache "$cache" --l2 -o "$RUN/l1-$k.cpio.gz")
	if ((kvm_backend)); then
		local pl=$RUN/payload
		[[ -z ${KMOD[$k]:-} ]] || pl=$RUN/payload-$k
		args+=(--payload "$pl" --bin "$RUN/bin/kmc-run-l1")
	fi
	"$LAB_DIR/mkinitramfs.sh" "${args[@]}"
}
t=$(now_ms)
progress "step initramfs ..."
n=0
for k in "${KERNELS[@]}"; do
	initramfs "$k" >"$RUN/initramfs-$k.log" 2>&1 &
	n=$((n + 1))
	if ((n % 2 == 0)); then wait -n || true; fi
done
wait || true
for k in "${KERNELS[@]}"; do
	[[ -s $RUN/l1-$k.cpio.gz ]] || {
		cat "$RUN/initramfs-$k.log" >&2
		die "initramfs for $k failed; see $RUN/initramfs-$k.log"
	}
	cat "$RUN/initramfs-$k.log" >>"$steplog"
done
TIMES+=("initramfs $(elapsed "$t")")
progress "step initramfs: $(elapsed "$t")s"
after_step initramfs

# ---- 5: the L1 boots (qemu-boots.sh), 6-7 per kernel (qemu-collect.sh) -----
plan_boots

progress "L2 configurations: $(for k in "${KERNELS[@]}"; do printf '%s: %s  ' "$k" "$(wc -w <<<"${ROWS[$k]}")"; done)"
progress "runs in $RUN; results in $results/${stamp}_KERNEL"
monitor &
MON_PID=$!

t=$(now_ms)
declare -A DONE_BOOT=()
next=0
running=0
declare -A PROCESSED=()
while ((next < ${#BOOTS[@]} || running > 0)); do
	while ((running < parallel && next < ${#BOOTS[@]})); do
		launch "${BOOTS[$next]}"
		next=$((next + 1))
		running=$((running + 1))
	done
	wait -n || true
	for b in "${BOOTS[@]}"; do
		[[ -n ${BOOT_PID[$b]:-} && -z ${DONE_BOOT[$b]:-} && -e $RUN/$b.rc ]] || continue
		kill -0 "${BOOT_PID[$b]}" 2>/dev/null && continue
		DONE_BOOT[$b]=1
		running=$((running - 1))
		unset "BOOT_PID[$b]"
		rc=$(cat "$RUN/$b.rc")
		monitor_boot "$b"
		progress "boot $(blabel "$b") finished: rc $rc, $(($(cat "$RUN/$b.ms") / 1000))s$( ((rc >= 2)) && echo "; $(grep -m1 ': error: ' "$RUN/$b.stderr" || true)")"
		plan_retry "$b"
	done
	for k in "${KERNELS[@]}"; do
		[[ -z ${PROCESSED[$k]:-} ]] || continue
		kernel_done "$k" || continue
		PROCESSED[$k]=1
		collect_kernel process_kernel "$k" "$RUN/collect-$k" "lab.$k.results"
	done
done
: >"$RUN/monitor.stop"
wait "$MON_PID" 2>/dev/null || true
MON_PID=
TIMES+=("boots $(elapsed "$t")")
# the initramfs copies are 35-45 MB each and rebuilt every run
rm -f "$RUN"/l1-*.cpio.gz
TIMES+=("total $(elapsed "$t_all")")

# ---- the KTAP of everything ---------------------------------------------------
n=$(printf '%s\n' "${FLAT[@]}" | grep -c -E '^(not )?ok NUM ' || true)
echo "KTAP version 1"
echo "1..$n"
echo "# kmc emulated lab $stamp: kernels ${KERNELS[*]}; $kind"
ktap_numbered "${FLAT[@]}"
for s in "${SUMMARY[@]}"; do echo "# $s"; done
for s in "${RETRIES[@]}"; do echo "# second L1 boot: $s"; done
for t in "${TIMES[@]}"; do echo "# time: $t s"; done
printf '# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n' \
	"$T_PASS" "$T_FAIL" "$T_XFAIL" "$T_XPASS" "$T_SKIP" "$T_ERROR"
progress "total $(elapsed "$t_all")s; results: $(for k in "${KERNELS[@]}"; do printf '%s ' "$results/${stamp}_$k"; done)"
if ((T_FAIL + T_XPASS + T_ERROR)); then exit 1; fi
if ((T_PASS + T_XFAIL == 0)); then exit 4; fi
exit 0
}
