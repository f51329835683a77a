# shellcheck shell=bash disable=SC2034
# Common helpers for the emulated-lab scripts. Sourced, never executed.
#
# Every lab script lives in harness/lab/ and keeps all downloads, caches and
# build products under $KMC_ROOT/build/lab (git-ignored), never under harness/.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KMC_ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_BUILD=${KMC_LAB_BUILD:-$KMC_ROOT/build/lab}
LAB_CACHE_DEFAULT=$LAB_BUILD/cache
PROG=$(basename "$0")

# die MESSAGE: print "PROG: error: MESSAGE", exit DIE_RC (default 1).
die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit "${DIE_RC:-1}"
}

warn() {
	printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found; run harness/lab/host-packages.sh (installs the lab's Debian packages)"
	done
}

# hold_lock FILE WHAT: take an exclusive lock on FILE until this shell exits
# (fd 8), saying so when WHAT holds it first. The two emulated labs run at
# once under make lab; what they share (make, the kernel cache, kmc.ko
# builds, apt) takes turns.
hold_lock() {
	mkdir -p "$(dirname "$1")"
	exec 8>"$1"
	if ! flock -n 8; then
		info "waiting for the lock $1 ($2 holds it)"
		flock 8
	fi
}

# locked NAME CMD...: run CMD holding build/lab/locks/NAME.lock
locked() {
	mkdir -p "$LAB_BUILD/locks"
	flock "$LAB_BUILD/locks/$1.lock" "${@:2}"
}

# now_ms: wall clock in milliseconds (for the timing lines the docs quote).
now_ms() {
	date +%s%3N
}

# elapsed START_MS: seconds since START_MS, one decimal.
elapsed() {
	local d=$(($(now_ms) - $1))
	printf '%d.%d' $((d / 1000)) $((d % 1000 / 100))
}

# The kernel lines the labs know, newest (slowest to boot) first: the boot
# queues take them in this order so that their lanes end together. The
# default set keeps make lab inside its time (docs/lab.md "Timing");
# --kernels all boots every line.
LAB_KERNELS_ALL="7.3 7.2 6.12 6.1 5.10"
LAB_KERNELS_DEFAULT="6.1 6.12 7.2"

# Own kernels (make lab KERNEL=...): own-kernel.sh registers each in the
# cache like a Debian line; the labs export their names in LAB_OWN_KERNELS so
# that the scripts they run accept them.
LAB_OWN_KERNELS=${LAB_OWN_KERNELS:-}

# check_series SERIES: the kernel lines the lab knows, and the own kernels.
check_series() {
	[[ " $LAB_KERNELS_ALL $LAB_OWN_KERNELS " == *" $1 "* ]] ||
		die "unknown kernel '$1' (expected one of: $LAB_KERNELS_ALL, or all)"
}

# kernel_line CACHE K: the Debian line K stands for: K itself, or an own
# kernel's release line (its manifest's LINE), for what depends on the line
# (the matrix's kernels=, the VMX lab's per-line command line).
# module_top DIR: where the modules of DIR are: an installed tree's kernel/,
# or a kernel build directory itself, next to their sources (own-kernel.sh; a
# build directory has a .config, and a kernel/ of its own: the objects of the
# source's kernel/, where no module is)
module_top() {
	if [[ -d $1/kernel && ! -e $1/.config ]]; then echo "$1/kernel"; else echo "$1"; fi
}

kernel_line() {
	if [[ " $LAB_OWN_KERNELS " == *" $2 "* ]]; then
		(. "$(kernel_env "$1" "$2")" && printf '%s\n' "$LINE")
	else
		printf '%s\n' "$2"
	fi
}

# kernels_list LIST: KERNELS=( LIST (--kernels) with "all" expanded, each
# line checked, each once ).
kernels_list() {
	local k
	KERNELS=()
	for k in $1; do
		[[ $k == all ]] || check_series "$k"
		for k in $([[ $k == all ]] && echo "$LAB_KERNELS_ALL" || echo "$k"); do
			[[ " ${KERNELS[*]} " == *" $k "* ]] || KERNELS+=("$k")
		done
	done
}

# kernel_env CACHE SERIES: path of the manifest fetch-kernels.sh writes.
kernel_env() {
	printf '%s/kernel-%s/kernel.env' "$1" "$2"
}

# load_kernel CACHE SERIES: source the manifest (sets KVER VMLINUZ MODDIR ...).
load_kernel() {
	local f
	f=$(kernel_env "$1" "$2")
	[[ -r $f ]] || die "kernel $2 is not in the cache $1 (no $f); run: harness/lab/fetch-kernels.sh --cache $1 $2"
	# shellcheck disable=SC1090
	. "$f"
	[[ -r ${VMLINUZ:-} ]] || die "$f names VMLINUZ=${VMLINUZ:-} which does not exist; re-run fetch-kernels.sh $2"
	[[ -d ${MODDIR:-} ]] || die "$f names MODDIR=${MODDIR:-} which does not exist; re-run fetch-kernels.sh $2"
}

# jobs_cpio OUT NAME=CMD...: OUT/jobs.cpio.gz holding /job/NN-NAME.sh, one per
# job, for l1-init.sh (appended to an initrd: the kernel unpacks concatenated
# archives in order).
jobs_cpio() {
	local out=$1 jd i=0 j name
	shift
	jd=$out/job-root
	rm -rf "$jd"
	mkdir -p "$jd/job"
	for j in "$@"; do
		i=$((i + 1))
		name=${j%%=*}
		[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "--job name '$name' may only use A-Z a-z 0-9 . _ -"
		printf '%s\n' "${j#*=}" >"$jd/job/$(printf %02d "$i")-$name.sh"
	done
	(cd "$jd" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 -n >"$out/jobs.cpio.gz"
	rm -rf "$jd"
}

# idle_watch PID LOG SECS: wait while PID runs; kill it (TERM) when LOG has
# not grown for SECS. Returns 0 when it killed PID for silence, 1 otherwise.
idle_watch() {
	local pid=$1 log=$2 secs=$3 last sz quiet_since
	last=$(stat -c %s "$log" 2>/dev/null || echo 0)
	quiet_since=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		sz=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [[ $sz != "$last" ]]; then
			last=$sz
			quiet_since=$(date +%s)
		elif (($(date +%s) - quiet_since >= secs)); then
			kill -TERM "$pid" 2>/dev/null
			return 0
		fi
	done
	return 1
}

# split_blocks LOG OUT: LOG's @@KMC blocks into OUT/blocks (OUT/blocks.txt
# lists "name rc"), and the report.sh blocks inside a job's output into
# OUT/blocks/JOB.l2/.
split_blocks() {
	local f
	"$LAB_DIR/extract-blocks.sh" "$1" "$2/blocks" >"$2/blocks.txt"
	for f in "$2/blocks"/*.out; do
		[[ -e $f ]] || continue
		if grep -q '^@@KMC-L2-BEGIN ' "$f"; then
			"$LAB_DIR/extract-blocks.sh" --prefix KMC-L2 "$f" "${f%.out}.l2" >"${f%.out}.l2.txt"
		fi
	done
}

# print_blocks OUT: each job's block of OUT/blocks (split_blocks) on stdout.
print_blocks() {
	local name rc b=$1/blocks
	while read -r name rc; do
		case "$name" in dmesg | *.stderr) continue ;; esac
		printf '== %s rc=%s\n' "$name" "$rc"
		cat "$b/$name.out"
		if [[ -s $b/$name.stderr.out ]]; then
			printf -- '-- %s stderr\n' "$name"
			cat "$b/$name.stderr.out"
		fi
		if [[ -e $b/$name.l2.txt ]]; then
			printf -- '-- %s L2 blocks: %s\n' "$name" "$(tr '\n' ' ' <"$b/$name.l2.txt")"
		fi
	done <"$1/blocks.txt"
}

# failed_jobs OUT: the jobs of OUT/blocks.txt whose rc is not 0, as "name(rc=N)".
failed_jobs() {
	local name rc
	while read -r name rc; do
		case "$name" in dmesg | *.stderr) continue ;; esac
		[[ $rc == 0 ]] || printf '%s(rc=%s) ' "$name" "$rc"
	done <"$1/blocks.txt"
}

# results_hook DIR: for the results writers (JUnit, KCIDB, run.json; see
# docs/lab.md "Hooks"). Never fails the lab.
results_hook() {
	local d=$1 hook=${KMC_LAB_HOOK:-}
	if [[ -z $hook && -x $KMC_ROOT/harness/results/lab-hook.sh ]]; then
		hook=$KMC_ROOT/harness/results/lab-hook.sh
	fi
	[[ -n $hook ]] || return 0
	if ! $hook "$d" >>"$d/logs/hook.log" 2>&1; then
		warn "results hook '$hook $d' failed; see $d/logs/hook.log"
	fi
}

# progress TEXT: a progress line on stderr
progress() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# shellcheck disable=SC2154 # steplog: each lab sets it
# step NAME CMD...: a preparation step of a lab, its output into $steplog,
# timed into the TIMES array; a failure ends the lab (exit 2) with the log's
# tail.
step() {
	local name=$1 t
	shift
	t=$(now_ms)
	printf '### %s: %s\n' "$name" "$*" >>"$steplog"
	progress "step $name ..."
	if ! "$@" >>"$steplog" 2>&1; then
		printf '%s: error: step %s failed after %ss; see %s\n' "$PROG" "$name" "$(elapsed "$t")" "$steplog" >&2
		tail -n 20 "$steplog" | sed 's/^/    /' >&2
		exit 2
	fi
	TIMES+=("$name $(elapsed "$t")")
	progress "step $name: $(elapsed "$t")s"
}

# own_kernel CACHE PATH MODULES NAME: register the kernel of the labs'
# --own-kernel (own-kernel.sh), KERNELS=( its name ), exported in
# LAB_OWN_KERNELS for the scripts the lab runs.
own_kernel() {
	local args=(--cache "$1") name
	[[ -z $3 ]] || args+=(--modules "$3")
	[[ -z $4 ]] || args+=(--name "$4")
	name=$("$LAB_DIR/own-kernel.sh" "${args[@]}" "$2") || exit 2
	KERNELS=("$name")
	LAB_OWN_KERNELS="$LAB_OWN_KERNELS $name"
	export LAB_OWN_KERNELS
}

# profile_flags LIST: VARIANTS = the comma list of kmc variants (kmc names
# variants) LIST adds on top of the profile the kernel release gives: the
# changes a build carries that its release number does not tell. Items are
# +NAME (or NAME), NAME a variant, '_' and '-' alike; needs KMC.
profile_flags() {
	local f n known
	VARIANTS=
	known=$("$KMC" names variants 2>/dev/null | awk '{ print $1 }')
	[[ -n $known ]] || die "--profile-flags: '$KMC names variants' lists no variants (a kmc without them?)"
	for f in ${1//,/ }; do
		case "$f" in
		-*) die "--profile-flags $f: only additions (+NAME) are possible; a profile's own flags follow its release" ;;
		esac
		n=${f#+}
		n=${n//_/-}
		grep -qx -- "$n" <<<"$known" ||
			die "--profile-flags $f: '$n' is not a variant kmc knows (kmc names variants: $(echo $known))"
		[[ ",$VARIANTS," == *",$n,"* ]] || VARIANTS+=${VARIANTS:+,}$n
	done
}

# debian_kernels: the KERNELS that fetch-kernels.sh fetches (not own ones)
debian_kernels() {
	local k
	for k in "${KERNELS[@]}"; do
		[[ " $LAB_OWN_KERNELS " == *" $k "* ]] || printf '%s\n' "$k"
	done
}

# own_kernels_note CACHE: a progress line per own kernel, and one for the
# profile flags (VARIANTS): what the run boots and checks against
own_kernels_note() {
	local k
	for k in "${KERNELS[@]}"; do
		[[ " $LAB_OWN_KERNELS " == *" $k "* ]] || continue
		progress "kernel $k: $(. "$(kernel_env "$1" "$k")" && echo "$KVER (profile from its release, line $LINE), $PKGS")"
	done
	[[ -z ${VARIANTS:-} ]] || progress "profile flags: variant $VARIANTS on top of the profile of each kernel's release"
}

# ---- the options both labs take (qemu-lab.sh, bochs/vmx-lab.sh; docs/lab.md) ----
# lab_options_defaults: each option's variable at its default
lab_options_defaults() {
	kernels=$LAB_KERNELS_DEFAULT kernels_given=0 smoke=0 only= parallel=2
	results=$KMC_ROOT/results/lab baselines=$KMC_ROOT/results/baselines
	update_baseline=0 do_baseline=1 cache=$LAB_CACHE_DEFAULT offline=0 deps=1
	own= own_modules= own_name= pflags=
}

# lab_option ARGS...: when $1 is an option both labs take, set its variable;
# LAB_SHIFT is then the number of arguments it used, else 0
lab_option() {
	LAB_SHIFT=1
	case "$1" in
	--smoke) smoke=1 ;;
	--update-baseline) update_baseline=1 ;;
	--no-baseline) do_baseline=0 ;;
	--offline) offline=1 ;;
	--no-deps) deps=0 ;;
	--kernels | --only | --parallel | --results | --baselines | --cache | --own-kernel | \
		--own-modules | --own-name | --profile-flags)
		(($# >= 2)) || die "$1 needs a value (see --help)"
		LAB_SHIFT=2
		case "$1" in
		--kernels) kernels=$2 kernels_given=1 ;;
		--only) only=$2 ;;
		--parallel) parallel=$2 ;;
		--results) results=$2 ;;
		--baselines) baselines=$2 ;;
		--cache) cache=$2 ;;
		--own-kernel) own=$2 ;;
		--own-modules) own_modules=$2 ;;
		--own-name) own_name=$2 ;;
		--profile-flags) pflags=$2 ;;
		esac ;;
	*) LAB_SHIFT=0 ;;
	esac
}

# lab_options_check: the common options together: --smoke's kernel,
# KERNELS, the own kernel registered in the cache
lab_options_check() {
	((smoke && !kernels_given)) && kernels=7.2
	[[ $parallel =~ ^[1-9][0-9]*$ ]] || die "--parallel wants a positive number, got '$parallel'"
	kernels_list "$kernels"
	((${#KERNELS[@]})) || die "--kernels: empty list"
	if [[ -n $own ]]; then
		((kernels_given == 0)) || die "--own-kernel is the one kernel of the run: leave out --kernels"
		own_kernel "$cache" "$own" "$own_modules" "$own_name"
	elif [[ -n $own_modules$own_name ]]; then
		die "--own-modules and --own-name go with --own-kernel"
	fi
}
