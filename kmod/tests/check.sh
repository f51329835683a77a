#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kmod's checks for `make check`: no root, no lab, no network, seconds.
#
#   1. vmx-offset.sh on the vcpu_vmx BTF of Debian's 6.1, 6.12 and 7.2
#      kvm-intel.ko (tests/data/vcpu_vmx-*.raw): the recorded offset; and on
#      broken dumps: an error, never a number
#   2. check-facts.sh accepts the facts kmc.ko reported in the lab's L1 for
#      each kernel (tests/data/facts-*.txt) and a vmx watch's vCPU slots, and
#      rejects broken ones (slots: runs_disabled against runs and at_run); the
#      feature/bug names in flags.h are exactly the ones it knows
#   3. the userspace tests build (tests/unpriv-read.c, tests/vcpu-run.c)
#   4. kmc.ko builds against Debian headers already unpacked by `make kmod`
#      (build-debian.sh --offline; KMOD_CHECK_KERNELS, default 6.1); a skip
#      when none are unpacked; the built module calls copy_from_kernel_nofault,
#      ksize and cond_resched; kmc_write() checks the capability; VERW runs
#      in bounded batches
#   5. shellcheck of kmod's scripts, checkpatch.pl of its C (CHECKPATCH=),
#      each a skip when the tool is not here
#
# KTAP v1 on stdout (printed when all have run: they take seconds); exit 0
# if nothing failed (skips are reported as skips, never as passes), 1
# otherwise.
set -uo pipefail

KMOD_DIR=$(cd "$(dirname "$0")/.." && pwd)
KMC_ROOT=$(cd "$KMOD_DIR/.." && pwd)
OUT=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}
DATA=$KMOD_DIR/tests/data
KERNELS=${KMOD_CHECK_KERNELS:-6.1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

n=0 npass=0 nfail=0 nskip=0
exec 3>&1 >"$TMP/ktap"
pass() { n=$((n + 1)) npass=$((npass + 1)); echo "ok $n $*"; }
fail() { n=$((n + 1)) nfail=$((nfail + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)) nskip=$((nskip + 1)); echo "ok $n $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }

# ---- 1. vmx-offset.sh
for s in 6.1 6.12 7.2; do
	f=$DATA/vcpu_vmx-$s.raw
	want=$(sed -n 's/.*; expect \(0x[0-9a-f]*\)$/\1/p' "$f" 2>/dev/null)
	got=$("$KMOD_DIR/vmx-offset.sh" --raw "$f" 2>"$TMP/err")
	if [[ -n $want && $got == "$want" ]]; then
		pass "kmod.vmx_offset.$s # $got"
	else
		fail "kmod.vmx_offset.$s # got '${got}', want '${want:-?}'"
		diag <"$TMP/err"
	fi
done
# broken dumps: the member missing, a bit-field offset, no vcpu member
grep -v "'disable_fb_clear'" "$DATA/vcpu_vmx-6.1.raw" >"$TMP/nofb.raw"
sed "s/\('disable_fb_clear' type_id=[0-9]* bits_offset=\)\([0-9]*\)/\1\21/" \
	"$DATA/vcpu_vmx-6.1.raw" >"$TMP/bits.raw"
grep -v "'vcpu' type_id" "$DATA/vcpu_vmx-6.1.raw" >"$TMP/novcpu.raw"
for b in nofb bits novcpu; do
	if got=$("$KMOD_DIR/vmx-offset.sh" --raw "$TMP/$b.raw" 2>"$TMP/err"); then
		fail "kmod.vmx_offset.rejects_$b # printed '$got'"
	elif grep -q 'vmx-offset.sh: error:' "$TMP/err"; then
		pass "kmod.vmx_offset.rejects_$b"
	else
		fail "kmod.vmx_offset.rejects_$b # failed without an error message"
	fi
done

# ---- 2. the facts format
for s in 6.1 6.12 7.2; do
	f=$DATA/facts-$s.txt
	if sh "$KMOD_DIR/tests/check-facts.sh" "$f" >"$TMP/out" 2>&1; then
		pass "kmod.facts_valid.$s"
	else
		fail "kmod.facts_valid.$s"
		diag <"$TMP/out"
	fi
done
f=$DATA/facts-6.1.txt
declare -A broken=(
	[first_line]="1d"
	[bad_bool]="s/^bug.mds .*/bug.mds 2/"
	[msr_off_list]="s/^msr.cpu0.0x122 /msr.cpu0.0x199 /"
	[short_msr]="s/^msr.cpu0.0x10a .*/msr.cpu0.0x10a 0x0/"
	[missing_key]="/^feature.md_clear /d"
	[reasonless]="s/^key.cpu_buf_vm_clear .*/key.cpu_buf_vm_clear unavailable/"
	[duplicate]="/^bug.mds /p"
	[two_blanks]="s/^bug.mds 0/bug.mds  0/"
)
for b in "${!broken[@]}"; do
	sed "${broken[$b]}" "$f" >"$TMP/$b.txt"
	if sh "$KMOD_DIR/tests/check-facts.sh" "$TMP/$b.txt" >"$TMP/out" 2>&1; then
		fail "kmod.facts_rejects.$b # accepted"
	else
		pass "kmod.facts_rejects.$b # $(head -n 1 "$TMP/out" | sed 's/^check-facts: [^ ]* //')"
	fi
done
# a vCPU slot of the vmx watch (the recorded facts have none): one whose
# flag changed, with 3 of its 5 VM-entries at disable_fb_clear = 1, and one
# never run
cat "$f" - >"$TMP/slot.txt" <<'EOF'
vmx.vm0.vcpu0.disable_fb_clear 1
vmx.vm0.vcpu0.after_reset 0
vmx.vm0.vcpu0.after_set_arch_cap 1
vmx.vm0.vcpu0.at_run 1
vmx.vm0.vcpu0.resets 1
vmx.vm0.vcpu0.arch_cap_writes 1
vmx.vm0.vcpu0.runs 5
vmx.vm0.vcpu0.runs_disabled 3
vmx.vm0.vcpu0.changes 1
vmx.vm0.vcpu1.disable_fb_clear 0
vmx.vm0.vcpu1.after_reset 0
vmx.vm0.vcpu1.after_set_arch_cap none
vmx.vm0.vcpu1.at_run none
vmx.vm0.vcpu1.resets 1
vmx.vm0.vcpu1.arch_cap_writes 0
vmx.vm0.vcpu1.runs 0
vmx.vm0.vcpu1.runs_disabled 0
vmx.vm0.vcpu1.changes 0
EOF
if sh "$KMOD_DIR/tests/check-facts.sh" "$TMP/slot.txt" >"$TMP/out" 2>&1; then
	pass "kmod.facts_valid.vcpu_slots"
else
	fail "kmod.facts_valid.vcpu_slots"
	diag <"$TMP/out"
fi
declare -A broken_slot=(
	[runs_disabled_over_runs]="s/^vmx.vm0.vcpu0.runs_disabled 3/vmx.vm0.vcpu0.runs_disabled 6/"
	[runs_disabled_missing]="/^vmx.vm0.vcpu0.runs_disabled /d"
	[at_run_1_none_disabled]="s/^vmx.vm0.vcpu0.runs_disabled 3/vmx.vm0.vcpu0.runs_disabled 0/"
	[at_run_0_all_disabled]="s/^vmx.vm0.vcpu0.at_run 1/vmx.vm0.vcpu0.at_run 0/;s/^vmx.vm0.vcpu0.runs_disabled 3/vmx.vm0.vcpu0.runs_disabled 5/"
	[at_run_none_after_runs]="s/^vmx.vm0.vcpu1.runs 0/vmx.vm0.vcpu1.runs 2/"
	[unknown_vcpu_key]="s/^vmx.vm0.vcpu0.changes /vmx.vm0.vcpu0.flips /"
)
for b in "${!broken_slot[@]}"; do
	sed "${broken_slot[$b]}" "$TMP/slot.txt" >"$TMP/slot-$b.txt"
	if sh "$KMOD_DIR/tests/check-facts.sh" "$TMP/slot-$b.txt" >"$TMP/out" 2>&1; then
		fail "kmod.facts_rejects.slot_$b # accepted"
	else
		pass "kmod.facts_rejects.slot_$b # $(head -n 1 "$TMP/out" | sed 's/^check-facts: [^ ]* //')"
	fi
done
names() {
	sed -n 's/^KMC_\(FEATURE\|VULN\|ABSENT\)(\([a-z0-9_]*\).*/\2/p' "$KMOD_DIR/flags.h" | sort -u
}
known() {
	sed -n "/split(\"$1/,/, $2, \" \")/p" "$KMOD_DIR/tests/check-facts.sh" |
		tr -c 'a-z0-9_\n' ' ' | tr ' ' '\n' | grep -vxE 'split|[a-z]|' | sort -u
}
{ known clear_cpu_buf f; known cpu_meltdown b; } | sort -u >"$TMP/known"
names >"$TMP/names"
if diff "$TMP/names" "$TMP/known" >"$TMP/out"; then
	pass "kmod.facts_names_match_flags_h # $(wc -l <"$TMP/names") names"
else
	fail "kmod.facts_names_match_flags_h # < flags.h, > check-facts.sh"
	diag <"$TMP/out"
fi

# ---- 3. userspace tests
if make -s -C "$KMOD_DIR" OUT="$TMP/out-tests" tests >"$TMP/out" 2>&1; then
	pass "kmod.tests_build"
else
	fail "kmod.tests_build"
	diag <"$TMP/out"
fi

# ---- 4. the module against unpacked Debian headers
for s in $KERNELS; do
	if [[ ! -r $OUT/hdr-$s/hdr.env ]]; then
		skip "kmod.build.$s" "no Debian $s headers unpacked in $OUT (make kmod unpacks them)"
		continue
	fi
	if KMC_KMOD_BUILD=$OUT "$KMOD_DIR/build-debian.sh" --offline "$s" >"$TMP/out" 2>&1; then
		pass "kmod.build.$s # $(grep -E "^$s	" "$TMP/out" | cut -f2,4)"
	else
		fail "kmod.build.$s"
		tail -n 20 "$TMP/out" | diag
		continue
	fi
	# what the module calls (issue 13 item 10): the vmx_set_msr argument
	# read fault-safely, each watch read bounded by the vCPU object's size,
	# VERW batches with a reschedule point between them
	miss=
	for sym in copy_from_kernel_nofault ksize cond_resched; do
		nm -u "$OUT/$s/kmc.ko" | grep -q "$sym\$" || miss="$miss $sym"
	done
	if [[ -z $miss ]]; then
		pass "kmod.safe_reads.$s"
	else
		fail "kmod.safe_reads.$s # kmc.ko does not call:$miss"
	fi
done

# ---- 4b. the write handler checks the writer's capability, not only open's
if awk '/^static ssize_t kmc_write\(/,/^}/' "$KMOD_DIR/main.c" | grep -q 'capable(CAP_SYS_ADMIN)'; then
	pass "kmod.write_checks_capability"
else
	fail "kmod.write_checks_capability # kmc_write() in main.c does not call capable()"
fi
# the vmx_set_msr probe reads its msr_data argument only fault-safely
if awk '/^static int kmc_set_msr_entry\(/,/^}/' "$KMOD_DIR/vmx.c" >"$TMP/setmsr" &&
	grep -q 'copy_from_kernel_nofault(&index, &msr->index' "$TMP/setmsr" &&
	! grep -v 'copy_from_kernel_nofault' "$TMP/setmsr" | grep -q 'msr->'; then
	pass "kmod.set_msr_reads_fault_safely"
else
	fail "kmod.set_msr_reads_fault_safely # kmc_set_msr_entry() dereferences its argument"
fi
# and each VERW batch is bounded (interrupts off for at most KMC_VERW_BATCH samples of each kind)
b=$(sed -n 's/^#define KMC_VERW_BATCH[[:space:]]*\([0-9]*\).*/\1/p' "$KMOD_DIR/verw.c")
if [[ -n $b ]] && ((b <= 256)) && grep -q 'smp_call_function_single(cpu, kmc_verw_on_cpu' "$KMOD_DIR/verw.c" &&
	awk '/^int kmc_verw_run\(/,/^}/' "$KMOD_DIR/verw.c" | grep -q 'cond_resched()'; then
	pass "kmod.verw_batches # $b samples of each kind per interrupts-off stretch"
else
	fail "kmod.verw_batches # no bounded batch with cond_resched() between (KMC_VERW_BATCH '${b}')"
fi

# ---- 5. style
if command -v shellcheck >/dev/null; then
	if (cd "$KMOD_DIR" && shellcheck -x ./*.sh tests/btf-offsets.sh tests/check.sh &&
		shellcheck -s sh tests/l1-test.sh tests/check-facts.sh) >"$TMP/out" 2>&1; then
		pass "kmod.shellcheck"
	else
		fail "kmod.shellcheck"
		diag <"$TMP/out"
	fi
else
	skip "kmod.shellcheck" "shellcheck not installed"
fi
if [[ -n ${CHECKPATCH:-} && -x ${CHECKPATCH:-} ]]; then
	if make -s -C "$KMOD_DIR" checkpatch CHECKPATCH="$CHECKPATCH" >"$TMP/out" 2>&1; then
		pass "kmod.checkpatch"
	else
		fail "kmod.checkpatch"
		grep -E '^(ERROR|WARNING|CHECK|#)' "$TMP/out" | head -n 20 | diag
	fi
else
	skip "kmod.checkpatch" "CHECKPATCH=/path/to/scripts/checkpatch.pl not given (docs/kmod.md)"
fi

exec >&3
echo "KTAP version 1"
echo "1..$n"
cat "$TMP/ktap"
echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
((nfail == 0))
