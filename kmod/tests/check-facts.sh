#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-facts.sh FILE: is FILE a valid /dev/kmc facts snapshot, format 1?
# The executable form of "Facts format" in docs/kmod.md: POSIX sh + awk, so
# it runs on the host (kmod/tests/check.sh, on the recorded facts) and in the
# lab's L1 (busybox, tests/l1-test.sh, on the live device).
#
# Checks: every line is "KEY VALUE [DETAIL]"; no key twice; kmc.format is
# the first line and 1; every documented key is present; each value has its
# documented type; "unavailable" carries a known reason; the per-CPU MSR keys
# exist for each online CPU and only for 0x10a, 0x122, 0x123; each vCPU slot
# (vmx.vmV.vcpuI.*) has all its keys, runs_disabled <= runs, and at_run
# agrees with them (at_run 1: runs_disabled >= 1; at_run 0: runs_disabled < runs).
# Prints one "check-facts: FILE:LINE: ..." per problem; exit 0 valid, 1 not,
# 2 usage.
[ $# -eq 1 ] || { echo "usage: check-facts.sh FILE" >&2; exit 2; }
[ -r "$1" ] || { echo "check-facts: $1: cannot read" >&2; exit 2; }

awk -v file="$1" '
function bad(msg) { printf "check-facts: %s:%d: %s\n", file, NR, msg; nbad++ }
function need(k) { if (!(k in val)) { printf "check-facts: %s: key %s missing\n", file, k; nbad++ } }
function is01(v) { return v == "0" || v == "1" }
function isnum(v) { return v ~ /^[0-9]+$/ }
function ishex(v) { return v ~ /^0x[0-9a-f]+$/ }
# no {16}: mawk, the default awk of Debian, has no interval expressions
function hex16(v) { return ishex(v) && length(v) == 18 }
BEGIN {
	split("clear_cpu_buf clear_cpu_buf_vm clear_cpu_buf_vm_mmio msr_tsx_ctrl " \
	      "ibrs_enhanced clear_bhb_loop clear_bhb_vmexit arch_capabilities " \
	      "md_clear flush_l1d rtm hle rtm_always_abort srbds_ctrl bhi_ctrl " \
	      "spec_ctrl avx verw_clear hypervisor vmx svm", f, " ")
	for (i in f) feature[f[i]] = 1
	split("cpu_meltdown spectre_v2 spec_store_bypass l1tf mds msbds_only " \
	      "swapgs taa itlb_multihit srbds mmio_stale_data mmio_unknown " \
	      "retbleed eibrs_pbrsb gds rfds bhi its its_native_only tsa vmscape", b, " ")
	for (i in b) bug[b[i]] = 1
	split("not-exported export-restricted-to-kvm no-fb-clear-ctrl " \
	      "msr-write-failed no-vmx no-svm no-kretprobes out-of-memory", r, " ")
	for (i in r) reason[r[i]] = 1
	split("auto never cond always ept_disabled not_required", l, " ")
	for (i in l) l1d[l[i]] = 1
	split("overhead asis fb_clear_dis0 fb_clear_dis1", vs, " ")
	for (i in vs) verwset[vs[i]] = 1
}
{
	if ($0 !~ /^[a-z0-9_.]+ [^ ]+( .+)?$/) { bad("not \"KEY VALUE [DETAIL]\": " $0); next }
	k = $1; v = $2
	detail = $0; sub(/^[^ ]+ [^ ]+ ?/, "", detail)
	if (k in val) bad("key " k " twice")
	val[k] = v; det[k] = detail
	if (NR == 1 && (k != "kmc.format" || v != "1")) bad("first line is not \"kmc.format 1\"")
	if (v == "unavailable") {
		if (!(detail in reason) && detail !~ /^error:-?[0-9]+$/)
			bad(k ": unavailable without a known reason: \"" detail "\"")
		next
	}
	if (k ~ /^feature\./) {
		n = substr(k, 9)
		if (!(n in feature)) bad("unknown feature " n)
		else if (!is01(v) && v != "absent") bad(k ": " v " is not 0, 1 or absent")
	} else if (k ~ /^bug\./) {
		n = substr(k, 5)
		if (!(n in bug)) bad("unknown bug " n)
		else if (!is01(v) && v != "absent") bad(k ": " v " is not 0, 1 or absent")
	} else if (k ~ /^key\./) {
		if (!is01(v) && v != "absent") bad(k ": " v " is not 0, 1 or absent")
	} else if (k ~ /^msr\.cpu[0-9]+\.0x/) {
		m = k; sub(/^msr\.cpu[0-9]+\./, "", m)
		if (m != "0x10a" && m != "0x122" && m != "0x123") bad(k ": MSR " m " is not in the allowlist")
		if (!hex16(v) && v != "fault") bad(k ": " v " is not 16 hex digits or fault")
		c = k; sub(/^msr\.cpu/, "", c); sub(/\..*/, "", c); cpus[c] = 1
	} else if (k == "kmc.last_error") {
		if (v != "0" && (v !~ /^-[0-9]+$/ || detail == "")) bad(k ": " v " is not 0 or -ERRNO MESSAGE")
	} else if (k == "l1tf_vmx_mitigation") {
		if (!(v in l1d) && v !~ /^unknown:-?[0-9]+$/) bad(k ": unknown state " v)
	} else if (k == "gds_ucode_mitigated" || k == "verw.fb_clear_ctrl") {
		if (!is01(v)) bad(k ": " v " is not 0 or 1")
	} else if (k ~ /^cpu\.(family|model|stepping|microcode)$/ || k == "vmx.min_offset" ||
		   k == "vmx.watch.offset") {
		if (!ishex(v)) bad(k ": " v " is not 0x...")
	} else if (k ~ /^(cpu\.online|vmx\.slots|vmx\.dropped|vmx\.faults|vmx\.watch\.missed|verw\.cpu|verw\.samples|verw\.tsc_khz)$/) {
		if (!isnum(v)) bad(k ": " v " is not a number")
	} else if (k == "vmx.probe_target") {
		if (v != "vmx" && v != "svm") bad(k ": " v " is not vmx or svm")
	} else if (k == "vmx.status") {
		if (v != "idle" && v != "armed" && !(v == "failed" && detail ~ /^error:-?[0-9]+$/))
			bad(k ": " v " " detail " is not idle, armed, failed error:N or unavailable REASON")
	} else if (k == "verw.status") {
		if (v != "not_run" && v != "done" && !(v == "failed" && detail ~ /^error:-?[0-9]+$/))
			bad(k ": " v " is not not_run, done or failed error:N")
	} else if (k ~ /^verw\.(arch_cap|mcu_opt_ctrl)$/) {
		if (!hex16(v)) bad(k ": " v " is not 16 hex digits")
	} else if (k ~ /^verw\.[a-z0-9_]+\.(median|min)$/) {
		s = k; sub(/^verw\./, "", s); sub(/\.(median|min)$/, "", s)
		if (!(s in verwset)) bad("unknown VERW set " s)
		if (!isnum(v)) bad(k ": " v " is not a number")
	} else if (k ~ /^vmx\.vm[0-9]+\.vcpu[0-9]+\./) {
		a = k; sub(/^vmx\.vm[0-9]+\.vcpu[0-9]+\./, "", a)
		if (a ~ /^(after_reset|after_set_arch_cap|at_run)$/) {
			if (!isnum(v) && v != "none") bad(k ": " v " is not a number or none")
		} else if (a ~ /^(disable_fb_clear|resets|arch_cap_writes|runs|runs_disabled|changes)$/) {
			if (!isnum(v)) bad(k ": " v " is not a number")
		} else bad("unknown vCPU key " a)
		p = k; sub(/\.[a-z_]+$/, "", p); vcpus[p] = 1
	} else if (k ~ /^(kmc\.format|kmc\.built_for|kernel\.release|kernel\.version|cpu\.vendor|vmx\.watch\.pid)$/) {
		# strings (kmc.format checked on line 1)
	} else {
		bad("unknown key " k)
	}
}
END {
	if (NR == 0) { printf "check-facts: %s: empty\n", file; exit 1 }
	split("kmc.format kmc.built_for kmc.last_error kernel.release kernel.version " \
	      "cpu.vendor cpu.family cpu.model cpu.stepping cpu.microcode cpu.online " \
	      "key.mmio_stale_data_clear key.cpu_buf_vm_clear l1tf_vmx_mitigation " \
	      "gds_ucode_mitigated vmx.probe_target vmx.min_offset vmx.status " \
	      "vmx.slots vmx.dropped vmx.faults verw.status", req, " ")
	for (i in req) need(req[i])
	for (n in feature) need("feature." n)
	for (n in bug) need("bug." n)
	if (val["vmx.status"] == "armed") {
		need("vmx.watch.pid"); need("vmx.watch.offset"); need("vmx.watch.missed")
	}
	if (val["verw.status"] != "" && val["verw.status"] != "not_run") {
		need("verw.cpu"); need("verw.samples"); need("verw.arch_cap")
		need("verw.fb_clear_ctrl"); need("verw.mcu_opt_ctrl")
		for (s in verwset) need("verw." s ".median")
	}
	ncpu = 0
	for (c in cpus) ncpu++
	if (isnum(val["cpu.online"]) && ncpu != val["cpu.online"] + 0) {
		printf "check-facts: %s: MSRs of %d CPUs, cpu.online says %s\n", file, ncpu, val["cpu.online"]
		nbad++
	}
	for (c in cpus) {
		need("msr.cpu" c ".0x10a"); need("msr.cpu" c ".0x122"); need("msr.cpu" c ".0x123")
	}
	# each vCPU slot: all its keys; runs_disabled counts some of its runs
	split("disable_fb_clear after_reset after_set_arch_cap at_run resets " \
	      "arch_cap_writes runs runs_disabled changes", sk, " ")
	for (p in vcpus) {
		for (i in sk) need(p "." sk[i])
		if (isnum(val[p ".runs"]) && isnum(val[p ".runs_disabled"]) &&
		    val[p ".runs_disabled"] + 0 > val[p ".runs"] + 0) {
			printf "check-facts: %s: %s.runs_disabled %s is more than its runs %s\n", file, p,
			       val[p ".runs_disabled"], val[p ".runs"]
			nbad++
		}
		if (val[p ".at_run"] == "none" && val[p ".runs"] != "0") {
			printf "check-facts: %s: %s.at_run is none after %s runs\n", file, p, val[p ".runs"]
			nbad++
		}
		# the last VM-entry is one of the counted ones, or one of the others
		if ((val[p ".at_run"] == "1" && val[p ".runs_disabled"] == "0") ||
		    (val[p ".at_run"] == "0" && isnum(val[p ".runs"]) &&
		     val[p ".runs_disabled"] + 0 >= val[p ".runs"] + 0)) {
			printf "check-facts: %s: %s.at_run %s does not go with runs_disabled %s of %s runs\n",
			       file, p, val[p ".at_run"], val[p ".runs_disabled"], val[p ".runs"]
			nbad++
		}
	}
	exit nbad ? 1 : 0
}' "$1"
