#!/usr/bin/env bash
# The VMX lab: Debian's kernels as the host of an emulated Intel CPU with VMX
# (Bochs), kvm_intel and kmc.ko loaded, checked against the model.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=harness/lab/ktap.sh
. "$LAB_DIR/ktap.sh"
name_failures
BOCHS_DIR=$LAB_DIR/bochs
# One brace group: bash reads it all before running, so an edit of this file
# during a run cannot change the running one.
{

usage() {
	cat <<EOF
usage: $PROG [options]

For each kernel and each host configuration of bochs/configs.txt, one boot
under Bochs (bochs/boot-bochs.sh): the kernel is the host, kvm_intel and
kmc.ko are loaded, and the jobs are
  host     the kernel's own derivation (cpuinfo bugs, vulnerabilities files,
           raw CPUID and MSR 0x10a): a vector record checked against the
           model (kmc-run --backend model)
  kvm      kmc-run --backend kvm vectors/live.kmv (the model evaluated for
           this live host; disable_fb_clear through kmc.ko's watch)
  marks    per vector of the kvm job (a marker MSR write before each),
           kmc.ko's VM-entries with disable_fb_clear = 1 against the
           IA32_MCU_OPT_CTRL writes the emulated CPU received
A boot that fails (triple fault, kernel panic, silent console, time limit)
is named and booted once more. Results: RESULTS/DATE_vmx-KERNEL/ (lab.ktap,
host.kmv, live-ID.ktap, observed.txt, fbmsr.txt, summary.txt, logs/),
diffed against BASELINES/vmx-KERNEL/. KTAP for everything on stdout; progress
on stderr. Exit 0 all passed (XFAIL allowed), 1 a failure, 4 nothing ran,
2 usage or setup error.

Options:
  --smoke             one kernel (7.2 unless --kernels), configurations
                      tagged smoke
  --kernels 'LIST'    default '$LAB_KERNELS_DEFAULT'; 'all': every line the
                      lab knows ($LAB_KERNELS_ALL)
  --only 'ID...'      only these configurations
  --all-configs       every configuration on every kernel (default: as the
                      on= tags of bochs/configs.txt say)
  --parallel N        Bochs boots at once (default 2; each uses one CPU)
  --timeout SECS      one boot's time limit (default 900: about two minutes of a
                      CPU each, more when the machine is shared)
  --idle-timeout SECS a boot whose console stays silent this long counts as
                      hung (default 300; more on a machine others load, where
                      a Bochs at nice 10 gets a fraction of a CPU)
  --results DIR       default results/lab
  --baselines DIR     default results/baselines
  --update-baseline   (re)write BASELINES/vmx-KERNEL/
  --no-baseline       no diff
  --cache DIR         kernel cache (default build/lab/cache)
  --offline           no apt: use the cache as it is
  --no-deps           do not run host-packages.sh
  --own-kernel PATH   boot this kernel instead of Debian's (make lab KERNEL=):
                      a build directory, or an image with --own-modules
                      (own-kernel.sh; docs/lab.md "Testing your own kernel")
  --own-modules DIR   the image's modules: its INSTALL_MOD_PATH directory
  --own-name NAME     its name in results and baselines (default: its
                      release; results DATE_vmx-NAME, baseline vmx-NAME)
  --profile-flags 'LIST'
                      changes the kernel carries beyond its release's profile:
                      +VARIANT items (kmc names variants, e.g.
                      +validate_arch_cap); the host vectors get variant=, the
                      kvm job's kmc-run --kernel-variant
EOF
}

DIE_RC=2
lab_options_defaults
tmo=900
idle_tmo=300
all_configs=0
while (($#)); do
	lab_option "$@"
	if ((LAB_SHIFT)); then
		shift "$LAB_SHIFT"
		continue
	fi
	case "$1" in
	--all-configs) all_configs=1 ;;
	--timeout) (($# >= 2)) || die "--timeout needs seconds"; tmo=$2; shift ;;
	--idle-timeout) (($# >= 2)) || die "--idle-timeout needs seconds"; idle_tmo=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $tmo =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds, got '$tmo'"
[[ $idle_tmo =~ ^[1-9][0-9]*$ ]] || die "--idle-timeout wants seconds, got '$idle_tmo'"
lab_options_check

# ---- the configurations -------------------------------------------------------
declare -a CFG_IDS=()
declare -A CFG_CPU=() CFG_AC=() CFG_TAGS=() CFG_WHAT=()
while read -r id cpu ac tags what; do
	[[ -z $id || $id == \#* ]] && continue
	[[ -n $what ]] || die "bochs/configs.txt: configuration '$id' has fewer than 5 columns"
	CFG_IDS+=("$id")
	CFG_CPU[$id]=$cpu CFG_AC[$id]=$ac CFG_TAGS[$id]=$tags CFG_WHAT[$id]=$what
done <"$BOCHS_DIR/configs.txt"
for id in $only; do
	[[ -n ${CFG_CPU[$id]+x} ]] || die "--only: no configuration '$id' in bochs/configs.txt"
done
has_tag() { [[ ",${CFG_TAGS[$1]}," == *",$2,"* ]]; }
# on_kernel ID K: the configuration runs on kernel K (its on= tag; any kernel with --all-configs, --smoke, --only)
on_kernel() {
	local on
	((all_configs || smoke)) && return 0
	[[ -n $only ]] && return 0
	on=$(tr ',' '\n' <<<"${CFG_TAGS[$1]}" | sed -n 's/^on=//p')
	[[ -z $on || "/$on/" == *"/$(kernel_line "$cache" "$2")/"* ]]
}
declare -a CFGS=()
for id in "${CFG_IDS[@]}"; do
	if ((smoke)); then has_tag "$id" smoke || continue; fi
	if [[ -n $only ]]; then [[ " $only " == *" $id "* ]] || continue; fi
	CFGS+=("$id")
done
((${#CFGS[@]})) || die "no configuration selected"
subset=0
{ ((smoke)) || [[ -n $only ]]; } && subset=1

# append K ID: the kernel command line a configuration needs. Bochs 2.7's
# CPUID leaf 0xD is inconsistent on its AVX-512 models (the kernel would turn
# XSAVE off; 7.2 then panics, docs/findings.md) unless AVX-512 and, where
# the model has it, PKU are hidden; 6.1 hangs on tigerlake/icelake_u in fast
# "rep movsb" (FSRM) unless it is hidden too. 5.10's clearcpuid= takes only
# bit numbers (common.c l.1471-1489: names clear nothing) and its XSAVE setup
# copes with that leaf: it gets none, and keeps PKU and AVX-512.
append() {
	local c=avx512f line
	# by line, so that an own kernel (make lab KERNEL=) of 5.10 or 6.1 gets the same
	line=$(kernel_line "$cache" "$1")
	[[ $line == 5.10 ]] && { printf 'kmc.dmesg=0'; return; }
	[[ ${CFG_CPU[$2]} == corei7_skylake_x ]] || c+=,pku
	[[ $line != 6.1 || ${CFG_CPU[$2]} == corei7_skylake_x ]] || c+=,fsrm
	printf 'clearcpuid=%s kmc.dmesg=0' "$c"
}

stamp=$(date +%Y%m%d-%H%M%S)
RUN=$LAB_BUILD/runs/vmx-$stamp
mkdir -p "$RUN" "$results"
results=$(cd "$results" && pwd)
steplog=$RUN/lab.log
: >"$steplog"
t_all=$(now_ms)
declare -a TIMES=()
declare -A BOOT_PID=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_boots() {
	local p
	for p in "${BOOT_PID[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
	return 0
}
trap stop_boots EXIT
trap 'progress "interrupted; stopping the Bochs boots"; exit 130' INT TERM

# ---- packages, kernels, programs, initramfs ---------------------------------------
((deps == 0)) || step deps "$LAB_DIR/host-packages.sh"
KMC_BIN=${KMC_BIN:-$KMC_ROOT/build/bin}
if [[ $KMC_BIN == "$KMC_ROOT/build/bin" ]]; then
	step make locked make make -C "$KMC_ROOT" all
fi
[[ -x $KMC_BIN/kmc && -x $KMC_BIN/kmc-run ]] || die "KMC_BIN=$KMC_BIN has no kmc and kmc-run"
mkdir -p "$RUN/bin"
cp "$KMC_BIN/kmc" "$KMC_BIN/kmc-run" "$RUN/bin/"
KMC=$RUN/bin/kmc
KMCRUN=$RUN/bin/kmc-run
export KMC
VARIANTS=
[[ -z $pflags ]] || profile_flags "$pflags"
offl=()
((offline == 0)) || offl=(--offline)
# Debian's kernels only: an own kernel is registered already
mapfile -t debian < <(debian_kernels)
((${#debian[@]} == 0)) || step fetch "$LAB_DIR/fetch-kernels.sh" --cache "$cache" "${offl[@]}" "${debian[@]}"
own_kernels_note "$cache"

# payload: kmc-run, the live vectors, the known divergences, and
# kmc.ko built for each kernel (kmod/lab-payload.sh)
payload() {
	local k=$1 p=$RUN/payload-$1
	mkdir -p "$p"
	cp "$KMC_ROOT/vectors/live.kmv" "$p/"
	cp "$KMC_ROOT/harness/results/known-divergences.txt" "$p/known-divergences.txt"
	"$KMC_ROOT/kmod/lab-payload.sh" "${offl[@]}" --fetched "$cache" "$k" "$p" >"$RUN/kmod-$k.log" 2>&1 ||
		{ echo "kmc.ko for $k: build failed, see $RUN/kmod-$k.log"; return 1; }
	"$LAB_DIR/mkinitramfs.sh" --kernel "$k" --cache "$cache" --kvm-module kvm_intel --module msr --strip-sigs \
		--payload "$p" --bin "$KMCRUN" -o "$RUN/init-$k.cpio.gz"
}
# vmx_offset K: where kernel K's kvm-intel.ko has no BTF (5.10), the
# disable_fb_clear offset kmod/vmx-offsets.txt records for that very module
# build goes to its kvm job as KMC_VMX_OFFSET (VMX_ENV[K]); without a row,
# VMX_WHY[K] says why kmc.ko's watch cannot run (fbmsr_check: a skip)
declare -A VMX_ENV=() VMX_WHY=()
vmx_offset() {
	local k=$1 ko id off
	load_kernel "$cache" "$k"
	# an installed tree's kernel/, or an own kernel's build directory
	# (only one of the two exists: find's exit 1 for the other is expected)
	ko=$(find "$(module_top "$MODDIR")/arch/x86/kvm" -name 'kvm-intel.ko*' 2>/dev/null | head -n1 || true)
	[[ -n $ko ]] || die "$k: no kvm-intel.ko under $MODDIR"
	case $ko in
	*.xz) xz -dc "$ko" >"$RUN/kvm-intel-$k.ko" ;;
	*) cp "$ko" "$RUN/kvm-intel-$k.ko" ;;
	esac
	if objdump -h "$RUN/kvm-intel-$k.ko" | awk '$2 == ".BTF" { f = 1 } END { exit !f }'; then
		rm -f "$RUN/kvm-intel-$k.ko"
		return 0	# kmc-run reads the module's BTF
	fi
	id=$(readelf -n "$RUN/kvm-intel-$k.ko" | awk '/Build ID:/ { print $3; exit }')
	rm -f "$RUN/kvm-intel-$k.ko"
	off=$(awk -v kv="$KVER" -v id="$id" '$1 == kv && $2 == id { print $3; exit }' "$KMC_ROOT/kmod/vmx-offsets.txt")
	if [[ -n $off ]]; then
		VMX_ENV[$k]="KMC_VMX_OFFSET=$off "
		progress "$k: kvm-intel.ko has no BTF; disable_fb_clear at $off (kmod/vmx-offsets.txt, build $id)"
	else
		VMX_WHY[$k]="kvm-intel.ko of $KVER has no BTF and kmod/vmx-offsets.txt no row for its build ${id:-(no build id)}: kmc.ko cannot be told where disable_fb_clear is (kmod/dbg-offset.sh makes the row)"
		progress "$k: ${VMX_WHY[$k]}"
	fi
}
t=$(now_ms)
progress "step payload (kmc.ko, initramfs) ..."
for k in "${KERNELS[@]}"; do
	payload "$k" >>"$steplog" 2>&1 || die "payload for $k failed; see $steplog"
	vmx_offset "$k"
done
TIMES+=("payload $(elapsed "$t")")
progress "step payload: $(elapsed "$t")s"

# ---- the boots ------------------------------------------------------------------
# Boot K:ID, and K:ID:2 for the second attempt after a failed first.
# boot_cost K ID: a boot's CPU seconds as measured (docs/lab.md "Timing"):
# about 90, 40 more on corei7_skylake_x (no ARCH_CAPABILITIES: every
# mitigation on), 30 more on 6.1 (its xz kernel unpacks itself). The queue
# runs the costly boots first and cpu-slot.sh gives a free CPU to the costliest
# waiting boot of either lab, so that the run ends on short boots.
boot_cost() {
	local c=90
	[[ ${CFG_CPU[$2]} != corei7_skylake_x ]] || c=$((c + 40))
	[[ $(kernel_line "$cache" "$1") != 6.1 ]] || c=$((c + 30))
	echo "$c"
}
declare -a QUEUE=()
declare -A COST=()
while read -r c b; do
	QUEUE+=("$b")
	COST[$b]=$c
done < <(
	for k in $LAB_KERNELS_ALL $LAB_OWN_KERNELS; do
		[[ " ${KERNELS[*]} " == *" $k "* ]] || continue
		for id in "${CFGS[@]}"; do
			on_kernel "$id" "$k" && printf '%s %s:%s\n' "$(boot_cost "$k" "$id")" "$k" "$id"
		done
	done | sort -s -k1,1nr)
bdir() { printf '%s/%s' "$RUN" "${1//:/_}"; }

launch() {
	local b=$1 k id o args
	IFS=: read -r k id _ <<<"$b"
	o=$(bdir "$b")
	args=(--kernel "$k" --cache "$cache" --initrd "$RUN/init-$k.cpio.gz" --out "$o" --quiet
		--cpu "${CFG_CPU[$id]}" --append "$(append "$k" "$id")" --timeout "$tmo" --idle-timeout "$idle_tmo" --job-timeout 240
		--probe --job "host=sh /lab/report.sh --no-dmesg"
		--job "kvm=sh /payload/kmod/load.sh >/tmp/kmc.facts; ${VMX_ENV[$k]:-}KMC_KVM_MARK_MSR=0x5ff KMC_KVM_MARK_LOG=/tmp/marks /payload/kmc-run --backend kvm --known /payload/known-divergences.txt${VARIANTS:+ --kernel-variant $VARIANTS} /payload/live.kmv"
		--job "marks=cat /tmp/marks")
	[[ ${CFG_AC[$id]} == stock ]] || args+=(--arch-cap "${CFG_AC[$id]}")
	progress "boot $k $id$([[ $b == *:2 ]] && echo ' (second attempt)') on ${CFG_CPU[$id]}, 0x10a ${CFG_AC[$id]}"
	# shellcheck disable=SC2016
	KMC_B=$o setsid bash -c 't0=$(date +%s%3N); "$0" "$@" >"$KMC_B.stdout" 2>"$KMC_B.stderr"
		rc=$?; echo $(($(date +%s%3N) - t0)) >"$KMC_B.ms"; echo $rc >"$KMC_B.rc"' \
		env KMC_SLOT_COST="${COST[$k:$id]}" "$LAB_DIR/cpu-slot.sh" "$BOCHS_DIR/boot-bochs.sh" "${args[@]}" </dev/null &
	BOOT_PID[$b]=$!
}

declare -A FINAL=()   # FINAL[K:ID]: the boot whose results count
t=$(now_ms)
next=0
running=0
while ((next < ${#QUEUE[@]} || running > 0)); do
	while ((running < parallel && next < ${#QUEUE[@]})); do
		launch "${QUEUE[$next]}"
		next=$((next + 1))
		running=$((running + 1))
	done
	wait -n || true
	for b in "${!BOOT_PID[@]}"; do
		o=$(bdir "$b")
		[[ -e $o.rc ]] || continue
		kill -0 "${BOOT_PID[$b]}" 2>/dev/null && continue
		unset "BOOT_PID[$b]"
		running=$((running - 1))
		rc=$(cat "$o.rc")
		fail=$(cat "$o/failure" 2>/dev/null || true)
		progress "boot ${b//:/ } finished: rc $rc, $(($(cat "$o.ms") / 1000))s${fail:+; $(grep -m1 ': error: ' "$o.stderr" | sed 's/^[^:]*: error: //')}"
		key=${b%:2}
		FINAL[$key]=$b
		# a boot that failed (not a refused Bochs) gets one more attempt
		if [[ $b != *:2 && -n $fail && $fail != refused ]]; then
			RETRIES+=("$key: first boot: $fail ($o/serial.log)")
			QUEUE+=("$key:2")
		elif [[ $fail == refused ]]; then
			die "bochs-patch.so refused this Bochs: $(grep -m1 'refusing' "$o.stderr" "$o/bochs.out" 2>/dev/null)"
		fi
	done
done
TIMES+=("boots $(elapsed "$t")")

# ---- results, per kernel ---------------------------------------------------------

# fbmsr_check K ID O D: for each vector of the kvm job that kmc-run observed
# through kmc.ko's watch (those about disable_fb_clear or VERW; its marker, MSR
# 0x5ff, written by kmc-run before it: KMC_KVM_MARK_MSR), the VM-entries
# kmc.ko counted with disable_fb_clear = 1 (the marks job: kmc-run's
# KMC_KVM_MARK_LOG) against the FB_CLEAR_DIS writes of MCU_OPT_CTRL the
# emulated CPU received between that marker and the next (msr.log).
fbmsr_check() {
	local k=$1 id=$2 o=$3 d=$4 name=vmx.$1.$2.fbmsr out bad nw nv sets
	if [[ $(cat "$o/blocks/marks.rc" 2>/dev/null) != 0 ]]; then
		flat error "$name" "no marker log from kmc-run (the marks job: rc $(cat "$o/blocks/marks.rc" 2>/dev/null || echo 'not run'))"
		return
	fi
	out=$(awk -v fbdis="$(has_tag "$id" fbdis && echo 1 || echo 0)" -f "$BOCHS_DIR/fbmsr-check.awk" \
		"$o/msr.log" "$o/blocks/marks.out")
	# only a RESULT line when no vector was watched
	printf '%s\n' "$out" | { grep -v '^RESULT' || true; } | sed "s/^/$id /" >>"$d/fbmsr.txt"
	read -r _ bad nw sets nv < <(grep '^RESULT' <<<"$out")
	if ((nw == 0)) && [[ -n ${VMX_WHY[$k]:-} ]]; then
		flat skip "$name" "${VMX_WHY[$k]}"
	elif ((nw == 0)); then
		flat error "$name" "kmc.ko's watch saw none of the $nv vectors (see the kvm job's skips)"
	elif ((bad == 0)); then
		flat ok "$name" "$nw vectors watched: kmc.ko's runs with disable_fb_clear=1 and the emulated CPU's FB_CLEAR_DIS writes agree ($sets sets)"
	else
		flat not_ok "$name" "$bad disagreements; see $d/fbmsr.txt"
	fi
}

# expected_ac ID: the 0x10a the host kernel must read ("none": no CPUID bit)
expected_ac() {
	case "${CFG_AC[$1]}:${CFG_CPU[$1]}" in
	stock:corei7_skylake_x) echo none ;;
	stock:*) echo 0x1f ;;
	*) echo "${CFG_AC[$1]}" ;;
	esac
}

process_kernel() {
	local k=$1 d id b o kd=${1//./-} got want rc
	d=$results/${stamp}_vmx-$k
	mkdir -p "$d/logs"
	KFLAT=()
	KCOUNT=()
	# shellcheck disable=SC1090
	. "$(kernel_env "$cache" "$k")"
	printf 'kernel %s %s %s\n' "$k" "$KVER" "$PKGVER" >"$d/observed.txt"
	: >"$d/fbmsr.txt"
	{ echo "kmv 1"; echo "# The Bochs hosts' own view of their CPU, lab run $stamp (vmx-lab.sh)"; } >"$d/host.kmv"
	for id in "${CFGS[@]}"; do
		on_kernel "$id" "$k" || continue
		b=${FINAL[$k:$id]}
		o=$(bdir "$b")
		cp "$o/serial.log" "$d/logs/$id.serial.log" 2>/dev/null || true
		cp "$o/msr.log" "$d/logs/$id.msr.log" 2>/dev/null || true
		cp "$o/info" "$d/logs/$id.info" 2>/dev/null || true
		rc=$(cat "$o.rc")
		local note=
		[[ $b == *:2 ]] && note="second boot; first: $(cat "$(bdir "$k:$id")/failure") ($d/logs/$id.first.serial.log)" &&
			cp "$(bdir "$k:$id")/serial.log" "$d/logs/$id.first.serial.log"
		if ((rc >= 2)); then
			flat not_ok "vmx.$k.$id.boot" "$(grep -m1 ': error: ' "$o.stderr" | sed 's/^[^:]*: error: //')${note:+; $note}"
			continue
		fi
		flat ok "vmx.$k.$id.boot" "${CFG_CPU[$id]}, 0x10a ${CFG_AC[$id]}, $(sed -n 's/^wall_s=//p' "$o/info") s${note:+; $note}"
		# the 0x10a the host kernel read
		want=$(expected_ac "$id")
		got=$(sed -n 's/^msr_0x10a=//p' "$o/blocks/host.l2/l2probe.out" 2>/dev/null)
		[[ $(sed -n 's/^arch_cap_cpuid=//p' "$o/blocks/host.l2/l2probe.out" 2>/dev/null) == 0 ]] && got=none
		if [[ -n $got && ( $got == "$want" || $((got)) == $((want)) ) ]] 2>/dev/null; then
			flat ok "vmx.$k.$id.arch_cap" "the host kernel reads 0x10a = $got"
		else
			flat not_ok "vmx.$k.$id.arch_cap" "the host kernel reads 0x10a = ${got:-nothing}, the configuration says $want"
		fi
		# the host's own derivation against the model
		if [[ -e $o/blocks/host.l2/DONE ]]; then
			"$LAB_DIR/vector.sh" --id "vmx.host.$id.$kd" --kvmprobe "$o/blocks/kvmprobe.out" ${VARIANTS:+--variant "$VARIANTS"} \
				--comment "$id: $KVER on Bochs ${CFG_CPU[$id]}, 0x10a ${CFG_AC[$id]}: ${CFG_WHAT[$id]}" \
				"$o/blocks/host.l2" >>"$d/host.kmv" 2>"$d/logs/$id.vector.stderr" ||
				flat error "vmx.$k.$id.host" "vector.sh failed: $(head -c 300 "$d/logs/$id.vector.stderr")"
			{
				sed -n "s/^bugs[[:space:]]*: /$id bugs: /p; s/^flags[[:space:]]*: /$id flags: /p" "$o/blocks/host.l2/cpuinfo.out"
				sed -e "s/^/$id vuln./" "$o/blocks/host.l2/vulns.out"
				echo "$id msr_0x10a: $got"
				echo "$id kvm_feature_0x10a: $(sed -n 's/^feature_msr_0x10a=//p' "$o/blocks/kvmprobe.out")"
			} >>"$d/observed.txt"
		else
			flat error "vmx.$k.$id.host" "no report of the host kernel; $d/logs/$id.serial.log"
		fi
		# kmc-run --backend kvm in the host
		if [[ -r $o/blocks/kvm.out ]] && grep -q '^# Totals:' "$o/blocks/kvm.out"; then
			cp "$o/blocks/kvm.out" "$d/live-$id.ktap"
			add_ktap "vmx.$k.$id" "$d/live-$id.ktap"
		else
			flat error "vmx.$k.$id.kvm" "kmc-run --backend kvm did not finish (rc=$(cat "$o/blocks/kvm.rc" 2>/dev/null)); $d/logs/$id.serial.log"
		fi
		fbmsr_check "$k" "$id" "$o" "$d"
	done
	if grep -q '^vector ' "$d/host.kmv"; then
		set +e
		"$KMCRUN" --backend model --known "$KMC_ROOT/harness/results/known-divergences.txt" "$d/host.kmv" >"$d/host.ktap" 2>"$d/logs/host-model.stderr"
		set -e
		add_ktap "vmx.$k" "$d/host.ktap" "vmx." ".$kd"
	fi
	ntests=$(printf '%s\n' "${KFLAT[@]}" | grep -c -E '^(not )?ok NUM ' || true)
	{
		echo "KTAP version 1"
		echo "1..$ntests"
		echo "# kmc VMX lab $stamp: kernel $k ($KVER, $PKGVER) under $(dpkg-query -W -f '${Package} ${Version}' bochs)${VARIANTS:+; profile flags: variant $VARIANTS}"
		ktap_numbered "${KFLAT[@]}"
		ktap_totals
	} >"$d/lab.ktap"
	{
		printf 'result: pass %d, fail %d, xfail %d, xpass %d, skip %d, error %d\n' "${KCOUNT[ok]:-0}" \
			"${KCOUNT[not_ok]:-0}" "${KCOUNT[xfail]:-0}" "${KCOUNT[xpass]:-0}" "${KCOUNT[skip]:-0}" "${KCOUNT[error]:-0}"
		kind=full
		((subset == 0)) || kind=subset
		((smoke == 0)) || kind=smoke
		echo "run: $stamp ($kind)$( ((subset)) && echo ' subset=1')"
		echo "kernel: $k = $KVER ($PKGS)"
		echo "profile: $(sed -n 's/^vector [^ ]* profile=\([^ ]*\).*/\1/p' "$d/host.kmv" | sort -u | paste -sd ' ' -)${VARIANTS:+ + variant $VARIANTS (--profile-flags $pflags)}"
		echo "host: $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) CPUs, $(dpkg-query -W -f '${Package} ${Version}' bochs)"
		for id in "${CFGS[@]}"; do
			on_kernel "$id" "$k" || continue
			o=$(bdir "${FINAL[$k:$id]}")
			echo "boot $id: ${CFG_CPU[$id]}, 0x10a ${CFG_AC[$id]}, wall $(sed -n 's/^wall_s=//p' "$o/info" 2>/dev/null)s, CPU $(sed -n 's/^cpu_s=//p' "$o/info" 2>/dev/null)s, rc $(cat "$o.rc")$([[ ${FINAL[$k:$id]} == *:2 ]] && echo ' (second boot)')"
		done
		echo
		echo "not passing:"
		ktap_not_passing "${KFLAT[@]}"
		echo
		echo "files: lab.ktap, host.kmv, host.ktap, live-ID.ktap, observed.txt, fbmsr.txt, logs/"
	} >"$d/summary.txt"
	if ((do_baseline)); then
		local bopt=()
		((subset == 0)) || bopt=(--subset)
		"$LAB_DIR/baseline.sh" diff "${bopt[@]}" "$baselines/vmx-$k" "$d" >"$d/baseline-diff.txt" 2>&1 || true
	fi
	if ((update_baseline)); then
		"$LAB_DIR/baseline.sh" update "$d" "$baselines/vmx-$k" >>"$steplog" 2>&1 ||
			warn "could not update the baseline $baselines/vmx-$k"
	fi
	results_hook "$d"
	SUMMARY+=("$k: $(sed -n 's/^result: //p' "$d/summary.txt") -> $d")
	progress "$k done: $(sed -n 's/^result: //p' "$d/summary.txt"); $(head -n1 "$d/baseline-diff.txt" 2>/dev/null || echo 'no baseline diff'); $d"
}

for k in "${KERNELS[@]}"; do collect_kernel process_kernel "$k" "$RUN/collect-$k" "vmx.$k.results"; done
rm -f "$RUN"/init-*.cpio.gz "$RUN"/*/boot.iso
TIMES+=("total $(elapsed "$t_all")")

n=$(printf '%s\n' "${FLAT[@]}" | grep -c -E '^(not )?ok NUM ' || true)
echo "KTAP version 1"
echo "1..$n"
echo "# kmc VMX lab $stamp: kernels ${KERNELS[*]}; configurations ${CFGS[*]}"
ktap_numbered "${FLAT[@]}"
for s in "${SUMMARY[@]}"; do echo "# $s"; done
for s in "${RETRIES[@]}"; do echo "# second boot: $s"; done
for t in "${TIMES[@]}"; do echo "# time: $t s"; done
printf '# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:%d\n' \
	"$T_PASS" "$T_FAIL" "$T_XFAIL" "$T_XPASS" "$T_SKIP" "$T_ERROR"
progress "total $(elapsed "$t_all")s"
if ((T_FAIL + T_XPASS + T_ERROR)); then exit 1; fi
if ((T_PASS + T_XFAIL == 0)); then exit 4; fi
exit 0
}
