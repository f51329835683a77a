#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The QEMU lab's L1 boots (step 5 of qemu-lab.sh, sourced by it): which boot
# runs which jobs, their boot-l1.sh command lines, progress lines while they
# run, and one more boot for the jobs of a boot that did not finish.  Uses
# qemu-lab.sh's settings (RUN, cache, KERNELS, ROWS, parts, l2_tmo,
# kvm_backend, KMOD, L1_KNOWN, VARIANTS).

# Boot "K-pP": part P of kernel K's L2 configurations (round robin, so that
# the parts cost about the same); part 1 also runs the L1 checks.
declare -a BOOTS=()
declare -A BOOT_KERNEL=() BOOT_PART=() BOOT_NPARTS=() BOOT_ROWS=() BOOT_NJOBS=()
# BOOT_L1[B]: B runs the L1 checks; BOOT_RETRY[B]: the second boot that reran
# B's unfinished jobs after B failed or hung; BOOT_ORIG[R]: the boot R reran.
declare -A BOOT_L1=() BOOT_RETRY=() BOOT_ORIG=()
# plan_boots: BOOTS and their kernels, parts and L2 rows from KERNELS and ROWS
plan_boots() {
	local k r np p b i
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
}

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
