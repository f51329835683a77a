#!/usr/bin/env bash
# Entry point of the emulated lab (`make lab` on a machine without /dev/kvm).
set -euo pipefail
# shellcheck source=harness/lab/matrix.sh
. "$(dirname "$0")/matrix.sh"
# shellcheck source=harness/lab/ktap.sh
. "$(dirname "$0")/ktap.sh"
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
Progress goes to stderr; KTAP v1 for all kernels to stdout at the end (one
test per L1 check and L2 configuration). Exit 0 all passed (XFAIL allowed),
1 something failed, 4 nothing ran, 2 usage or setup error.

Options:
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
kernels=$LAB_KERNELS_DEFAULT
kernels_given=0
smoke=0
only=
matrix=$MATRIX_DEFAULT
parallel=2
parts=
l2_tmo=150
results=$KMC_ROOT/results/lab
baselines=$KMC_ROOT/results/baselines
update_baseline=0
do_baseline=1
cache=$LAB_CACHE_DEFAULT
offline=0
deps=1
use_kvm_backend=1
use_kmod=1
own=
own_modules=
own_name=
pflags=
while (($#)); do
	case "$1" in
	--smoke) smoke=1 ;;
	--kernels) (($# >= 2)) || die "--kernels needs a list"; kernels=$2; kernels_given=1; shift ;;
	--only) (($# >= 2)) || die "--only needs a list of ids"; only=$2; shift ;;
	--matrix) (($# >= 2)) || die "--matrix needs a file"; matrix=$2; shift ;;
	--parallel) (($# >= 2)) || die "--parallel needs a number"; parallel=$2; shift ;;
	--parts) (($# >= 2)) || die "--parts needs a number"; parts=$2; shift ;;
	--l2-timeout) (($# >= 2)) || die "--l2-timeout needs seconds"; l2_tmo=$2; shift ;;
	--results) (($# >= 2)) || die "--results needs a directory"; results=$2; shift ;;
	--baselines) (($# >= 2)) || die "--baselines needs a directory"; baselines=$2; shift ;;
	--update-baseline) update_baseline=1 ;;
	--no-baseline) do_baseline=0 ;;
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--offline) offline=1 ;;
	--no-deps) deps=0 ;;
	--no-kvm-backend) use_kvm_backend=0 ;;
	--no-kmod) use_kmod=0 ;;
	--own-kernel) (($# >= 2)) || die "--own-kernel needs a build directory or an image"; own=$2; shift ;;
	--own-modules) (($# >= 2)) || die "--own-modules needs a directory"; own_modules=$2; shift ;;
	--own-name) (($# >= 2)) || die "--own-name needs a name"; own_name=$2; shift ;;
	--profile-flags) (($# >= 2)) || die "--profile-flags needs a list"; pflags=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
((smoke && !kernels_given)) && kernels=7.2
[[ $parallel =~ ^[1-9][0-9]*$ ]] || die "--parallel wants a positive number, got '$parallel'"
parts=${parts:-$parallel}
[[ $parts =~ ^[1-9][0-9]*$ ]] || die "--parts wants a positive number, got '$parts'"
[[ $l2_tmo =~ ^[1-9][0-9]*$ ]] || die "--l2-timeout wants seconds, got '$l2_tmo'"
kernels_list "$kernels"
((${#KERNELS[@]})) || die "--kernels: empty list"
if [[ -n $own ]]; then
	((kernels_given == 0)) || die "--own-kernel is the one kernel of the run: leave out --kernels"
	own_kernel "$cache" "$own" "$own_modules" "$own_name"
elif [[ -n $own_modules$own_name ]]; then
	die "--own-modules and --own-name go with --own-kernel"
fi

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
((deps == 0)) || step deps "$LAB_DIR/host-packages.sh"
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
own_kernels_note "$cache"
step build "$LAB_DIR/build.sh"

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

# ---- 5: the L1 boots --------------------------------------------------------
# Boot "K-pP": part P of kernel K's L2 configurations (round robin, so that
# the parts cost about the same); part 1 also runs the L1 checks.
declare -a BOOTS=()
declare -A BOOT_KERNEL=() BOOT_PART=() BOOT_NPARTS=() BOOT_ROWS=() BOOT_NJOBS=()
# BOOT_L1[B]: B runs the L1 checks; BOOT_RETRY[B]: the second boot that reran
# B's unfinished jobs after B failed or hung; BOOT_ORIG[R]: the boot R reran.
declare -A BOOT_L1=() BOOT_RETRY=() BOOT_ORIG=()
for k in $LAB_KERNELS_ALL $LAB_OWN_KERNELS; do # the slowest kernel first: the lanes end together
	[[ " ${KERNELS[*]} " == *" $k "* ]] || continue
	read -ra r <<<"${ROWS[$k]}"
	np=$parts
	((${#r[@]} < np)) && np=${#r[@]}
	((np >= 1)) || np=1
	for ((p = 1; p <= np; p++)); do
		b=$k-p$p
		BOOTS+=("$b")
		BOOT_KERNEL[$b]=$k
		BOOT_PART[$b]=$p
		BOOT_NPARTS[$b]=$np
		BOOT_L1[$b]=$((p == 1))
		BOOT_ROWS[$b]=
		for ((i = p - 1; i < ${#r[@]}; i += np)); do
			BOOT_ROWS[$b]+="${BOOT_ROWS[$b]:+ }${r[$i]}"
		done
	done
done

# boot_args B: the boot-l1.sh command line of boot B.
boot_args() {
	local b=$1 k=${BOOT_KERNEL[$1]} id njobs=1 args
	args=(--kernel "$k" --cache "$cache" --initrd "$RUN/l1-$k.cpio.gz" --out "$RUN/$b" --quiet)
	if ((BOOT_L1[$b])); then
		args+=(--job "l1host=sh /lab/report.sh --no-dmesg" --probe)
		njobs=$((njobs + 2))
		if ((kvm_backend)); then
			local load=
			[[ -z ${KMOD[$k]:-} ]] || load="sh /payload/kmod/load.sh >&2; "
			args+=(--job "kvm=${load}/payload/kmc-run-l1 --backend kvm${L1_KNOWN:+ $L1_KNOWN}${VARIANTS:+ --kernel-variant $VARIANTS} /payload/live.kmv")
			njobs=$((njobs + 1))
		fi
	fi
	for id in ${BOOT_ROWS[$b]}; do
		if [[ $id == "${KMC_LAB_FAIL_AT:-}" && -z ${BOOT_ORIG[$b]:-} ]]; then
			# test hook (docs/lab-infra.md): L1 dies at this job, as if it hung
			args+=(--job "l2-$id=echo o >/proc/sysrq-trigger; sleep 30")
		else
			args+=(--job "l2-$id=/lab/l2run.sh --timeout $l2_tmo $(mx_l2run_args "$id")")
		fi
		njobs=$((njobs + 1))
	done
	# a hung job is killed after --job-timeout, a hung L1 (silent console) after
	# --idle-timeout; the whole boot gets a hard cap
	args+=(--job-timeout $((l2_tmo + 150)) --idle-timeout $((l2_tmo + 60)) --timeout $((600 + njobs * 60)))
	BOOT_NJOBS[$b]=$njobs
	printf '%s\n' "${args[@]}" >"$RUN/$b.args"
}

# blabel B: "K part P/N", "(second boot)" for a retry
blabel() {
	printf '%s part %s/%s%s' "${BOOT_KERNEL[$1]}" "${BOOT_PART[$1]}" "${BOOT_NPARTS[$1]}" "${BOOT_ORIG[$1]:+ (second boot)}"
}

# monitor_boot B: a progress line for each L1 job of boot B that ended since
# the last call (from its serial log: @@KMC-END and @@KMC-TIME lines); the
# count of lines already shown is kept in RUN/B.seen.
monitor_boot() {
	local b=$1 f=$RUN/$1/serial.log n=0 seen line name rc secs i
	[[ -s $f ]] || return 0
	seen=$(cat "$RUN/$b.seen" 2>/dev/null || echo 0)
	declare -A rcs=()
	i=0
	while IFS= read -r line; do
		n=$((n + 1))
		if [[ $line =~ ^@@KMC-END\ ([^ ]+)\ rc=([^@]*)@@$ ]]; then
			rcs[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			continue
		fi
		((n > seen)) || continue
		[[ $line =~ ^@@KMC-TIME\ ([^ ]+)\ ([0-9.]+)@@$ ]] || continue
		name=${BASH_REMATCH[1]}
		secs=${BASH_REMATCH[2]}
		i=$((i + 1))
		[[ ${rcs[$name]:-} == 0 ]] && rc=ok || rc="FAILED rc=${rcs[$name]:-?}"
		progress "  $(blabel "$b"): $name $rc (${secs}s)"
	# (no marker yet is no error: the ERR trap would call it one and stop)
	done < <(grep -ao '@@KMC-\(END [^ @]* rc=[^@]*\|TIME [^ @]* [0-9.]*\)@@' "$f" 2>/dev/null || true)
	echo "$n" >"$RUN/$b.seen"
}

# monitor: in the background, monitor_boot over the running boots.
monitor() {
	local b
	while [[ ! -e $RUN/monitor.stop ]]; do
		for b in "${BOOTS[@]}"; do
			[[ -e $RUN/$b.rc ]] || monitor_boot "$b"
		done
		sleep 2
	done
}

# launch B: boot B in the background, in its own process group.
launch() {
	local b=$1 a=()
	boot_args "$b"
	mapfile -t a <"$RUN/$b.args"
	progress "boot $(blabel "$b"): ${BOOT_NJOBS[$b]} jobs (L2: ${BOOT_ROWS[$b]:-none})"
	# cpu-slot.sh: an L1 boot costs about 10 CPU seconds a job (an L2 boot
	# each), 20 to boot (docs/lab.md "Timing")
	# shellcheck disable=SC2016
	KMC_LAB_B=$RUN/$b setsid bash -c 't0=$(date +%s%3N); "$0" "$@" >"$KMC_LAB_B.stdout" 2>"$KMC_LAB_B.stderr"
		rc=$?; echo $(($(date +%s%3N) - t0)) >"$KMC_LAB_B.ms"; echo $rc >"$KMC_LAB_B.rc"' \
		env KMC_SLOT_COST=$((20 + 10 * ${BOOT_NJOBS[$b]})) "$LAB_DIR/cpu-slot.sh" "$LAB_DIR/boot-l1.sh" "${a[@]}" </dev/null &
	BOOT_PID[$b]=$!
}

# ---- 6-7: per kernel, once all its boots are done ------------------------
# FLAT (the flat KTAP lines of all kernels), SUMMARY, RETRIES (L1 boots that
# needed a second boot) and the totals: ktap.sh, filled by collect_kernel


# kmcrun OUT FILE...: kmc-run --backend model with the known divergences (harness/results/)
kmcrun_model() {
	local ofile=$1 known=()
	shift
	if "$KMCRUN" --help 2>&1 | grep -q -- '--known'; then
		known=(--known "$KMC_ROOT/harness/results/known-divergences.txt")
	fi
	set +e
	"$KMCRUN" --backend model "${known[@]}" "$@" >"$ofile" 2>"$ofile.stderr"
	local rc=$?
	set -e
	[[ -s $ofile.stderr ]] || rm -f "$ofile.stderr"
	return $rc
}

process_kernel() {
	local k=$1 d b p bd kd id rc j why v any ntests refused pred
	d=$results/${stamp}_$k
	kd=${k//./-}
	mkdir -p "$d/logs"
	KFLAT=()
	REFUSED_ROWS=
	KCOUNT=()
	: >"$d/l2.kmv.tmp"
	: >"$d/observed.txt"
	# shellcheck disable=SC1090
	. "$(kernel_env "$cache" "$k")"
	printf 'kernel %s %s %s\n' "$k" "$KVER" "$PKGVER" >>"$d/observed.txt"

	# L1 boots: one test per part; a part whose first boot failed passes when
	# the second one (plan_retry) ran the rest
	local r lname rwhy l1b
	for b in "${BOOTS[@]}"; do
		[[ ${BOOT_KERNEL[$b]} == "$k" ]] || continue
		p=${BOOT_PART[$b]}
		lname=l1-p$p
		[[ -n ${BOOT_ORIG[$b]:-} ]] && lname+=-retry
		cp "$RUN/$b/serial.log" "$d/logs/$lname.serial.log" 2>/dev/null || true
		cp "$RUN/$b.stderr" "$d/logs/$lname.boot-l1.stderr" 2>/dev/null || true
		cp "$RUN/$b/command" "$d/logs/$lname.command" 2>/dev/null || true
	done
	for b in "${BOOTS[@]}"; do
		[[ ${BOOT_KERNEL[$b]} == "$k" && -z ${BOOT_ORIG[$b]:-} ]] || continue
		p=${BOOT_PART[$b]}
		bd=$RUN/$b
		rc=$(cat "$RUN/$b.rc" 2>/dev/null || echo missing)
		if [[ -e $bd/blocks/DONE ]]; then
			flat ok "lab.$k.l1.boot.p$p" "wall $(sed -n 's/^wall_s=//p' "$bd/info")s, ${BOOT_NJOBS[$b]} jobs"
			continue
		fi
		why=$(grep -m1 ': error: ' "$RUN/$b.stderr" 2>/dev/null | sed 's/^boot-l1.sh: error: //; s/; serial log: .*//' || true)
		why="L1 boot failed (boot-l1.sh rc=$rc): ${why:-no message}; serial log $d/logs/l1-p$p.serial.log"
		r=${BOOT_RETRY[$b]:-}
		if [[ -n $r && -e $RUN/$r/blocks/DONE ]]; then
			flat ok "lab.$k.l1.boot.p$p" "first boot: $why; its unfinished jobs (${BOOT_NJOBS[$r]}) ran in a second boot, $d/logs/l1-p$p-retry.serial.log"
			RETRIES+=("$k part $p: $why; rerun in a second L1 boot: ok")
		elif [[ -n $r ]]; then
			rwhy=$(grep -m1 ': error: ' "$RUN/$r.stderr" 2>/dev/null | sed 's/^boot-l1.sh: error: //' || true)
			flat not_ok "lab.$k.l1.boot.p$p" "$why; the second boot failed too: ${rwhy:-no message}; $d/logs/l1-p$p-retry.serial.log"
			RETRIES+=("$k part $p: $why; the second boot failed too")
		else
			flat not_ok "lab.$k.l1.boot.p$p" "$why"
		fi
	done

	# L1 checks (part 1, or its second boot when the first did not get to them)
	l1b=$k-p1
	r=${BOOT_RETRY[$l1b]:-}
	[[ -n $r && ${BOOT_L1[$r]} == 1 ]] && l1b=$r
	bd=$RUN/$l1b/blocks
	if [[ -r $bd/kvmprobe.out ]]; then
		v=$(sed -n 's/^feature_msr_0x10a=//p' "$bd/kvmprobe.out")
		if [[ $(cat "$bd/kvmprobe.rc") == 0 && $(sed -n 's/^kvm_api_version=//p' "$bd/kvmprobe.out") == 12 &&
			$(sed -n 's/^feature_msr_list_has_0x10a=//p' "$bd/kvmprobe.out") == 1 && $v == 0x* ]]; then
			flat ok "lab.$k.l1.kvmprobe" "/dev/kvm works; KVM's 0x10a = $v"
		else
			flat not_ok "lab.$k.l1.kvmprobe" "$(tr '\n' ' ' <"$bd/kvmprobe.out"); $d/logs/l1-p1.serial.log"
		fi
		cp "$bd/kvmprobe.out" "$d/logs/kvmprobe.out"
	else
		flat error "lab.$k.l1.kvmprobe" "no kvmprobe output (L1 boot failed?)"
	fi
	if [[ -e $bd/l1host.l2/DONE ]]; then
		{
			echo "kmv 1"
			echo "# The L1 kernel's own view of the emulated CPU (QEMU TCG, EPYC,+svm), from the"
			echo "# lab run $stamp: host = what L1 saw, expect = what L1's kernel and KVM said."
			echo
			"$LAB_DIR/vector.sh" --id "l1.host.$kd" --kvmprobe "$bd/kvmprobe.out" ${VARIANTS:+--variant "$VARIANTS"} \
				--comment "L1 kernel $KVER ($PKGVER) under qemu-system-x86_64 -accel tcg -cpu EPYC,+svm" "$bd/l1host.l2"
		} >"$d/l1.kmv" 2>"$d/logs/l1-vector.stderr" || flat error "lab.$k.l1.vector" "vector.sh failed: $(head -c 300 "$d/logs/l1-vector.stderr")"
		local l1file=l1.ktap
		if ((kvm_backend)) && [[ -r $bd/kvm.out ]]; then
			cp "$bd/kvm.out" "$d/l1.ktap"
			[[ -s $bd/kvm.stderr.out ]] && cp "$bd/kvm.stderr.out" "$d/logs/l1-kvm.stderr"
			add_ktap "lab.$k.l1" "$d/l1.ktap"
			l1file="l1-host.ktap"
			if ! grep -q '^# Totals:' "$d/l1.ktap"; then
				flat error "lab.$k.l1.kvm" "kmc-run --backend kvm in L1 did not finish (rc=$(cat "$bd/kvm.rc" 2>/dev/null)); $d/l1.ktap"
			fi
		elif ((kvm_backend)); then
			flat error "lab.$k.l1.kvm" "no output of kmc-run --backend kvm in L1; $d/logs/l1-p1.serial.log"
		fi
		if [[ -s $d/l1.kmv ]]; then
			kmcrun_model "$d/$l1file" "$d/l1.kmv" || true
			add_ktap "lab.$k.l1" "$d/$l1file" l1. ".$kd"
		fi
	else
		flat error "lab.$k.l1.host" "no report of the L1 kernel (L1 boot failed?)"
	fi

	# L2 configurations (from the second boot when it reran the row)
	for b in "${BOOTS[@]}"; do
		[[ ${BOOT_KERNEL[$b]} == "$k" && -z ${BOOT_ORIG[$b]:-} ]] || continue
		r=${BOOT_RETRY[$b]:-}
		for id in ${BOOT_ROWS[$b]}; do
			bd=$RUN/$b/blocks
			[[ -n $r && " ${BOOT_ROWS[$r]} " == *" $id "* ]] && bd=$RUN/$r/blocks
			j=$bd/l2-$id
			{
				cat "$j.out" 2>/dev/null
				[[ -s $j.stderr.out ]] && { echo "---- stderr"; cat "$j.stderr.out"; }
			} >"$d/logs/l2-$id.log"
			rc=$(cat "$j.rc" 2>/dev/null || echo "not run")
			# did L1's KVM take the row's 0x10a from the VMM (l2wrap.so says
			# when it refused it), and does the model say it would
			refused=0
			grep -q 'KVM_SET_MSRS refused 0x10a' "$j.stderr.out" "$j.out" 2>/dev/null && refused=1
			pred=
			if ((refused)) || [[ -n $VARIANTS ]]; then
				pred=$(ac_predict "$id" "$d")
			fi
			if ((refused)); then
				if [[ $pred == refused ]]; then
					REFUSED_ROWS+=" $id"
					flat ok "lab.$k.l2ac.$id" "KVM refused the VMM's 0x10a := $(mx_ac_value "$id"), as the model says${VARIANTS:+ with variant $VARIANTS}: no L2 boot"
				else
					flat not_ok "lab.$k.l2ac.$id" "KVM refused the VMM's 0x10a := $(mx_ac_value "$id"); the model says it takes it${VARIANTS:+ (variant $VARIANTS)}; log $d/logs/l2-$id.log"
				fi
				continue
			fi
			if [[ $pred == refused ]]; then
				flat not_ok "lab.$k.l2ac.$id" "the model says KVM refuses the VMM's 0x10a := $(mx_ac_value "$id") (variant $VARIANTS); KVM took it; log $d/logs/l2-$id.log"
			elif [[ -n $pred ]]; then
				flat ok "lab.$k.l2ac.$id" "KVM took the VMM's 0x10a := $(mx_ac_value "$id"), as the model says with variant $VARIANTS"
			fi
			if [[ $rc == 0 && -e $j.l2/DONE ]]; then
				if "$LAB_DIR/vector.sh" --id "l2.$id.$kd" --host-tokens "$(mx_host_tokens "$id")" ${VARIANTS:+--variant "$VARIANTS"} \
					--comment "$id: ${MX_DESC[$id]}" \
					--comment "L2 = $KVER ($PKGVER) on L1's KVM; l2run.sh $(mx_l2run_args "$id" | sed 's/\\//g')" \
					"$j.l2" >>"$d/l2.kmv.tmp" 2>>"$d/logs/l2-vector.stderr"; then
					echo >>"$d/l2.kmv.tmp"
					observe "$id" "$j.l2" >>"$d/observed.txt"
				else
					flat error "lab.$k.l2.$id" "vector.sh could not read the L2 report; $d/logs/l2-vector.stderr"
				fi
			else
				why=$(grep -m1 -E '^l2run.sh: |Kernel panic|BUG:' "$j.stderr.out" "$j.out" 2>/dev/null | sed 's/^[^:]*\.out://' || true)
				[[ $rc == "not run" ]] && why="the L1 boot ended before this job"
				[[ $rc == 137 ]] && why="killed by the L1 job timeout"
				flat not_ok "lab.$k.l2.$id" "L2 boot failed (rc=$rc): ${why:-see the log}; log $d/logs/l2-$id.log"
			fi
		done
	done
	{
		echo "kmv 1"
		echo "# The emulated lab's L2 boots of run $stamp on $KVER ($PKGVER): each record's"
		echo "# host is what that L2 guest saw (l2probe), its expectations what its kernel"
		echo "# derived (/proc/cpuinfo bugs, sysfs). kmc-run --backend model checks them."
		echo
		cat "$d/l2.kmv.tmp"
	} >"$d/l2.kmv"
	rm -f "$d/l2.kmv.tmp"
	any=$(grep -c '^vector ' "$d/l2.kmv" || true)
	if ((any)); then
		kmcrun_model "$d/l2.ktap" "$d/l2.kmv" || true
		add_ktap "lab.$k.l2" "$d/l2.ktap" l2. ".$kd"
		boot_flags "$k" "$d"
	fi

	((subset)) || coverage "$k" "$d"

	# lab.ktap: this kernel's flat KTAP
	ntests=$(printf '%s\n' "${KFLAT[@]}" | grep -c -E '^(not )?ok NUM ' || true)
	{
		echo "KTAP version 1"
		echo "1..$ntests"
		echo "# kmc emulated lab $stamp: kernel $k ($KVER, $PKGVER)${VARIANTS:+; profile flags: variant $VARIANTS}"
		ktap_numbered "${KFLAT[@]}"
		ktap_totals
	} >"$d/lab.ktap"

	write_summary "$k" "$d"
	if ((do_baseline)); then
		local bopt=()
		((subset == 0)) || bopt=(--subset)
		"$LAB_DIR/baseline.sh" diff "${bopt[@]}" "$baselines/$k" "$d" >"$d/baseline-diff.txt" 2>&1 || true
	fi
	if ((update_baseline)); then
		"$LAB_DIR/baseline.sh" update "$d" "$baselines/$k" >>"$steplog" 2>&1 ||
			warn "could not update the baseline $baselines/$k"
	fi
	results_hook "$d"
	SUMMARY+=("$k: $(head -n1 "$d/summary.txt" | sed 's/^[^:]*: //') -> $d")
	progress "$k done: $(sed -n 's/^result: //p' "$d/summary.txt"); $(head -n1 "$d/baseline-diff.txt" 2>/dev/null || echo 'no baseline diff'); $d"
}

# ac_predict ID D: whether L1's KVM takes row ID's forced 0x10a from the
# VMM, in the model's words: kmc fill on a vector with L1's host (D/l1.kmv),
# the run's variants, KVM_SET_CPUID2 with ARCH_CAPABILITIES (as QEMU does
# first) and KVM_SET_MSRS(0x10a). Prints "taken" or "refused"; nothing for
# a row that forces no value (QEMU's own is what KVM reports, "off" writes 0)
# or without L1's report.
ac_predict() {
	local id=$1 d=$2 v host prof r
	v=$(mx_ac_value "$id") || return 0
	[[ $v != off && $v != qemu && -r $d/l1.kmv ]] || return 0
	host=$(grep -m1 '^  host ' "$d/l1.kmv") || return 0
	prof=$(sed -n 's/^vector [^ ]* profile=\([^ ]*\).*/\1/p' "$d/l1.kmv" | head -n1)
	r=$(printf 'kmv 1\nvector ac.%s profile=%s%s\n%s\n  op set_cpuid arch_capabilities\n  op set_msr 0x10a %s\n' \
		"$id" "$prof" "${VARIANTS:+ variant=$VARIANTS}" "$host" "$v" | "$KMC" fill 2>/dev/null |
		sed -n 's/^ *op set_msr 0x10a [^ ]* *-> *//p')
	case "$r" in
	n=1) echo taken ;;
	n=0) echo refused ;;
	esac
}

# The CPUID features a kernel itself changes at boot (tsx= and TSX_CTRL: rtm,
# hle; gather_data_sampling=force: avx; nofsgsbase) and that /proc/cpuinfo
# prints under the same name. kmc-run cannot compare a part of host.flags,
# so this is the lab's own check: the model's host.flags (kmc eval) against
# the L2 kernel's flags line, for these features only.
BOOT_FLAGS="rtm hle avx fsgsbase"

# boot_flags K D: one test lab.K.l2flags.ID per L2 vector of D/l2.kmv
boot_flags() {
	local k=$1 d=$2 kd=${1//./-} vid flags id f m o bad obs
	while read -r vid flags; do
		id=${vid#l2.}
		id=${id%."$kd"}
		obs=$(sed -n "s/^$id flags: //p" "$d/observed.txt")
		[[ -n $obs ]] || { flat error "lab.$k.l2flags.$id" "no flags line of the L2 kernel"; continue; }
		bad=
		for f in $BOOT_FLAGS; do
			m=0 o=0
			[[ ",$flags," == *",$f,"* ]] && m=1
			[[ " $obs " == *" $f "* ]] && o=1
			((m == o)) || bad+="${bad:+, }$f: kernel $( ((o)) && echo has || echo lacks) it, model $( ((m)) && echo has || echo lacks) it"
		done
		if [[ -z $bad ]]; then
			flat ok "lab.$k.l2flags.$id"
		else
			flat not_ok "lab.$k.l2flags.$id" "after boot: $bad (model: kmc eval $d/l2.kmv)"
		fi
	done < <("$KMC" eval "$d/l2.kmv" 2>/dev/null | awk '/^[^ ]/ { id = $1 } $1 == "host.flags" { print id, $2 }')
}

# The host-derivation rules the matrix must hit both ways on every kernel
# (set in one L2 boot, clear in another), where the profile has them
# (COVER_GATES). Not here: spectre_v1 (always set), spectre_v2 (only
# Centaur/Zhaoxin family 7 are whitelisted), vmscape (never under a
# hypervisor), ibpb_no_ret (AMD without IBPB: L1's KVM gives IBPB).
COVER_BUGS="cpu_meltdown spec_store_bypass l1tf mds msbds_only swapgs taa itlb_multihit srbds
mmio_stale_data mmio_unknown retbleed eibrs_pbrsb smt_rsb gds srso rfds bhi its its_native_only tsa"
# BUG:FLAG: the bug exists only where the profile has FLAG (kmc profiles),
# BUG:!FLAG only where it lacks it; elsewhere it must never be set (5.10
# has no smt_rsb and no bhi, 7.2 and 7.3 no mmio_unknown).
COVER_GATES="smt_rsb:bug_smt_rsb gds:bug_gds srso:bug_srso rfds:bug_rfds bhi:bug_bhi its:bug_its
its_native_only:bug_its tsa:bug_tsa mmio_unknown:!no_mmio_unknown"

# profile_has PROFILE FLAG: kmc profiles marks FLAG for PROFILE
profile_has() {
	"$KMC" profiles | awk -v p="$1" -v f="$2" '
		/^FLAG / { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == f && (p in col) && !seen++ { found = ($(col[p]) == "x") }
		END { exit found ? 0 : 1 }'
}

# bug_absent PROFILE BUG: why PROFILE's kernel never sets BUG (COVER_GATES:
# the flag it has or lacks), or nothing
bug_absent() {
	local prof=$1 bug=$2 g flag
	[[ -n $prof ]] || return 0
	for g in $COVER_GATES; do
		[[ ${g%%:*} == "$bug" ]] || continue
		flag=${g#*:}
		if [[ $flag == !* ]]; then
			profile_has "$prof" "${flag#!}" && echo "${flag#!}"
		else
			profile_has "$prof" "$flag" || echo "no $flag"
		fi
	done
	return 0
}

# coverage K D: one test per rule of COVER_BUGS: observed both set and clear
# among this kernel's L2 boots (observed.txt). Full-matrix runs only. A
# skip, not a failure, where the rows that would hit it were refused their
# 0x10a as the model predicts (REFUSED_ROWS, process_kernel).
coverage() {
	local k=$1 d=$2 bug on off prof why
	prof=$(sed -n 's/^vector [^ ]* profile=\([^ ]*\).*/\1/p' "$d/l2.kmv" | head -n1)
	{
		echo "# rule coverage of the L2 boots on $k (lab.sh coverage): rule, configurations where"
		echo "# /proc/cpuinfo had it, configurations where it did not"
	} >"$d/coverage.txt"
	for bug in $COVER_BUGS; do
		on=$(awk -v b="$bug" '$2 == "bugs:" { for (i = 3; i <= NF; i++) if ($i == b) { print $1; next } }' "$d/observed.txt" | tr '\n' ' ')
		off=$(awk -v b="$bug" '$2 == "bugs:" { for (i = 3; i <= NF; i++) if ($i == b) next; print $1 }' "$d/observed.txt" | tr '\n' ' ')
		printf '%s on: %s\n%s off: %s\n' "$bug" "${on:--}" "$bug" "${off:--}" >>"$d/coverage.txt"
		why=$(bug_absent "$prof" "$bug")
		if [[ -n $why ]]; then
			if [[ -z $on ]]; then
				flat ok "lab.$k.coverage.$bug" "never set, as profile $prof says ($why)"
			else
				flat not_ok "lab.$k.coverage.$bug" "set in $on although profile $prof says it cannot be ($why)"
			fi
		elif [[ -n $on && -n $off ]]; then
			flat ok "lab.$k.coverage.$bug" "set in $(wc -w <<<"$on"), clear in $(wc -w <<<"$off") configurations"
		elif [[ -n $REFUSED_ROWS ]]; then
			# a kernel that refuses the VMM's 0x10a (as the model said,
			# l2ac) boots no L2 on those rows: what only they would show
			# cannot be seen here
			flat skip "lab.$k.coverage.$bug" "not hit both ways (set in '${on:-none}', clear in '${off:-none}'): KVM refused the 0x10a of$REFUSED_ROWS, as the model says, so those rows booted no L2"
		else
			flat not_ok "lab.$k.coverage.$bug" "the matrix does not hit this rule both ways on $k: set in '${on:-none}', clear in '${off:-none}'"
		fi
	done
}

# observe ID BLOCKDIR: the compact, diffable record of one L2 boot.
observe() {
	local id=$1 o=$2
	sed -n "s/^msr_0x10a=/$id msr_0x10a: /p; s/^family=/$id family: /p; s/^model=/$id model: /p; s/^stepping=/$id stepping: /p" "$o/l2probe.out"
	sed -n "s/^bugs[[:space:]]*: /$id bugs: /p" "$o/cpuinfo.out"
	sed -n "s/^flags[[:space:]]*: /$id flags: /p" "$o/cpuinfo.out"
	sed -e "s/^/$id vuln./" "$o/vulns.out"
}

write_summary() {
	local k=$1 d=$2 b t times
	{
		printf 'result: pass %d, fail %d, xfail %d, xpass %d, skip %d, error %d\n' "${KCOUNT[ok]:-0}" \
			"${KCOUNT[not_ok]:-0}" "${KCOUNT[xfail]:-0}" "${KCOUNT[xpass]:-0}" "${KCOUNT[skip]:-0}" "${KCOUNT[error]:-0}"
		echo "run: $stamp ($kind)$( ((subset)) && echo ' subset=1')"
		echo "kernel: $k = $KVER ($PKGS)"
		echo "profile: $(sed -n 's/^vector [^ ]* profile=\([^ ]*\).*/\1/p' "$d/l2.kmv" | sort -u | paste -sd ' ' -)${VARIANTS:+ + variant $VARIANTS (--profile-flags $pflags)}"
		echo "host: $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) CPUs, $(qemu-system-x86_64 --version | head -n1)"
		echo "L1: qemu-system-x86_64 -accel tcg -cpu EPYC,+svm; L1 step: $( ((kvm_backend)) && echo "kmc-run --backend kvm" || echo "kvmprobe ($kvm_why)")"
		for b in "${BOOTS[@]}"; do
			[[ ${BOOT_KERNEL[$b]} == "$k" ]] || continue
			printf 'boot p%s%s: wall %ss, %s jobs, rc %s\n' "${BOOT_PART[$b]}" "${BOOT_ORIG[$b]:+ (second boot)}" \
				"$(sed -n 's/^wall_s=//p' "$RUN/$b/info" 2>/dev/null)" "${BOOT_NJOBS[$b]}" "$(cat "$RUN/$b.rc" 2>/dev/null)"
		done
		local rt
		for rt in "${RETRIES[@]}"; do
			[[ $rt == "$k part "* ]] && echo "second L1 boot: $rt"
		done
		times=$(grep -h -o 'l2run: qemu rc=[0-9]*, [0-9.]*s' "$d"/logs/l2-*.log 2>/dev/null | sed 's/.*, //; s/s$//' | sort -n | tr '\n' ' ')
		[[ -z $times ]] || echo "L2 QEMU seconds (sorted): $times"
		echo "L2 configurations: $(wc -w <<<"${ROWS[$k]}") ($(grep -c '^vector ' "$d/l2.kmv" || true) reported)"
		echo
		echo "not passing:"
		# failures and XFAILs, each with the diagnostics that follow it
		ktap_not_passing "${KFLAT[@]}"
		echo
		echo "files: lab.ktap (all of it), l1.ktap, l2.ktap, l1.kmv, l2.kmv, observed.txt, baseline-diff.txt, logs/"
		for t in "${TIMES[@]}"; do echo "time $t s"; done
	} >"$d/summary.txt"
}

progress "L2 configurations: $(for k in "${KERNELS[@]}"; do printf '%s: %s  ' "$k" "$(wc -w <<<"${ROWS[$k]}")"; done)"
progress "runs in $RUN; results in $results/${stamp}_KERNEL"
monitor &
MON_PID=$!

t=$(now_ms)
declare -A DONE_BOOT=()
next=0
running=0
# job_unfinished B NAME: B's job NAME has no end (not run, or cut off)
job_unfinished() {
	local rc
	rc=$(cat "$RUN/$1/blocks/$2.rc" 2>/dev/null || echo none)
	[[ $rc == none || $rc == incomplete ]]
}

# plan_retry B: when boot B (not itself a retry) did not finish, one more L1
# boot for the jobs it did not get to (TCG hangs are rare but real).
plan_retry() {
	local b=$1 r=$1-retry id rows="" l1=0 j
	[[ ! -e $RUN/$b/blocks/DONE && -z ${BOOT_ORIG[$b]:-} ]] || return 0
	for id in ${BOOT_ROWS[$b]}; do
		job_unfinished "$b" "l2-$id" && rows+="${rows:+ }$id"
	done
	if ((BOOT_L1[$b])); then
		for j in kvmprobe l1host $( ((kvm_backend)) && echo kvm); do
			job_unfinished "$b" "$j" && l1=1
		done
	fi
	[[ -n $rows ]] || ((l1)) || return 0
	BOOTS+=("$r")
	BOOT_KERNEL[$r]=${BOOT_KERNEL[$b]}
	BOOT_PART[$r]=${BOOT_PART[$b]}
	BOOT_NPARTS[$r]=${BOOT_NPARTS[$b]}
	BOOT_ROWS[$r]=$rows
	BOOT_L1[$r]=$l1
	BOOT_RETRY[$b]=$r
	BOOT_ORIG[$r]=$b
	progress "boot ${BOOT_KERNEL[$b]} part ${BOOT_PART[$b]} did not finish; its unfinished jobs ($( ((l1)) && echo "L1 checks ")${rows:-no L2}) go to one more L1 boot"
}

# kernel_done K: true when every boot of K has finished
kernel_done() {
	local b
	for b in "${BOOTS[@]}"; do
		[[ ${BOOT_KERNEL[$b]} == "$1" ]] || continue
		[[ -n ${DONE_BOOT[$b]:-} ]] || return 1
	done
	return 0
}
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
