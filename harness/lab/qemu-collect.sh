#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The QEMU lab's results (steps 6-7 of qemu-lab.sh, sourced by it): per
# kernel, once all its boots are done, the vector records of what L1 and L2
# saw and derived, checked by kmc-run --backend model; the lab's own checks
# (KVM taking a forced 0x10a, flags a kernel changes at boot, rule
# coverage); lab.ktap, summary.txt, the baseline diff.  Uses qemu-lab.sh's
# settings and the boots of qemu-boots.sh.

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
			# a block can be missing: once in ~1,000 L2 boots the serial log
			# lost a job's @@KMC-BEGIN line; the row then reads "not run"
			{
				cat "$j.out" 2>/dev/null || echo "(no output block for l2-$id in the serial log)"
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
		echo "# rule coverage of the L2 boots on $k (qemu-collect.sh coverage): rule, configurations where"
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
