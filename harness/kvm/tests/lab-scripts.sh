#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of harness/kvm/lab-other.sh and lab-live.sh that need no /dev/kvm
# (make check-one, through harness/kvm/run-tests.sh):
#   * lab-other.sh with a fake kmc-run (KMC_BIN): the KTAP document run-labs.sh
#     gets (version line first, the summary after the plan, the skip
#     reasons counted without their FILE:LINE: prefix), the exit status for
#     each of kmc-run's (0, 1, 4 as they are, 2 setup, anything else 1),
#     the results directory (results/live/<time>_<uname -r>_<module>/ with
#     run/run.json, live.ktap, live.rc, live.err, SUMMARY), no KTAP from
#     kmc-run and no kmc-run at all (a KTAP ERROR either way);
#   * lab-other.sh with the real kmc-run and KMC_KVM_DEV=/nonexistent: all
#     skipped (exit 4), the model's predictions in the KTAP;
#   * its output nested as harness/lab/run-labs.sh nests it (the same sed), parsed
#     by kmc-results ktap;
#   * lab-live.sh refuses (exit 2) where neither kvm_intel nor kvm_amd is.
# Prints "ok N NAME" / "not ok N NAME" and "N passed, N failed"; exit 1 if
# any failed.  Results go to a temporary directory (KMC_LIVE_RESULTS).
set -u
cd "$(dirname "$0")/../../.." || exit 1
O=${O:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
nfail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n $1"
	[ -z "${2:-}" ] || sed 's/^/    # /' "$2"
}
# check NAME CMD...: ok if CMD succeeds
check() {
	name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$name"; else not_ok "$name" "$tmp/check.out"; fi
}

# A fake kmc-run: checks its arguments, writes --results DIR/run.json,
# prints $FAKE_KTAP (a file) and exits $FAKE_RC
mkdir -p "$tmp/bin"
cat >"$tmp/bin/kmc-run" <<'EOF'
#!/bin/sh
[ "$1 $2 $3" = "--backend kvm --results" ] && [ "$5" = vectors/live.kmv ] ||
	{ echo "fake kmc-run: unexpected arguments: $*" >&2; exit 99; }
mkdir -p "$4" && echo '{"fake": true}' >"$4/run.json"
[ -z "${FAKE_KTAP:-}" ] || cat "$FAKE_KTAP"
echo "fake stderr" >&2
exit "${FAKE_RC:-0}"
EOF
chmod +x "$tmp/bin/kmc-run"
cat >"$tmp/fake.ktap" <<'EOF'
KTAP version 1
1..1
# kmc-run 0.1.0: backend kvm, 1 file, 3 vectors selected
# host kvm: api 12, kvm_pvm, 1 feature MSRs, user_space_msr 0x7, msr_filter 1, disable_quirks2 0x1ff [ioctl: ...]
# host kvm.arch_cap: 0x400000000c000069 [ioctl: system KVM_GET_MSRS(0x10a)]
# host kvm.probe: vm ok, vcpu ok, cpuid ok, guest FAILED (kvm_pvm: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument) [probe: once]
# host model.kvm.arch_cap: 0x400000000c000069 [model: profile 6.16 on the host above: rdcl_no]
# host model.vcpu.arch_cap: 0x400000000c000069 [model: profile 6.16, a new vCPU: rdcl_no]
# host model.bugs: spectre_v1 [model: profile 6.16 on the host above]
  # Subtest: live.kmv
  KTAP version 1
  1..4
  ok 1 live.feature.arch_cap
  ok 2 live.vcpu.immutable # SKIP vectors/live.kmv:110: op run: needs KVM_RUN of kmc's guest program, which did not run in the probe: kvm_pvm: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument
  ok 3 live.guest.arch_cap.cpuid # SKIP vectors/live.kmv:150: op rdmsr 0x10a: needs KVM_RUN of kmc's guest program, which did not run in the probe: kvm_pvm: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument
  ok 4 live.fb.fresh # SKIP vectors/live.kmv:330: expect disable_fb_clear: kvm_pvm is neither kvm_intel nor kvm_amd: FB_CLEAR_DIS is kvm_intel's (struct vcpu_vmx), and kmc does not model another module's
ok 1 live.kmv
# Totals: pass:1 fail:0 xfail:0 xpass:0 skip:3 error:0
EOF

# other RC [MODULE]: lab-other.sh with the fake, kmc-run exiting RC; output in $tmp/out.*
other() {
	rm -rf "$tmp/live"
	FAKE_KTAP=$tmp/fake.ktap FAKE_RC=$1 KMC_BIN=$tmp/bin KMC_LIVE_RESULTS=$tmp/live \
		sh harness/kvm/lab-other.sh "${2-kvm_pvm}" >"$tmp/out.ktap" 2>"$tmp/out.err"
	echo $? >"$tmp/out.rc"
	dir=$(find "$tmp/live" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
}

other 0
check "lab-other: exit 0 when kmc-run passes" test "$(cat "$tmp/out.rc")" = 0
check "lab-other: KTAP version line first, kmc-run's plan second" \
	sh -c "head -n 2 '$tmp/out.ktap' | tr '\n' '|' | grep -qx 'KTAP version 1|1..1|'"
check "lab-other: the summary as diagnostics after the plan" \
	sh -c "sed -n 3p '$tmp/out.ktap' | grep -q '^# own-kvm: /dev/kvm served by kvm_pvm; kernel $(uname -r); results in '"
check "lab-other: the model's predictions and the probe in the summary" \
	sh -c "grep -q '^# model.kvm.arch_cap: 0x400000000c000069' '$tmp/out.ktap' &&
	       grep -q '^# model.vcpu.arch_cap: ' '$tmp/out.ktap' && grep -q '^# model.bugs: ' '$tmp/out.ktap' &&
	       grep -q '^# kvm.probe: vm ok, vcpu ok, cpuid ok, guest FAILED' '$tmp/out.ktap'"
check "lab-other: the skip reasons counted once per cause, without FILE:LINE: op ...:" \
	sh -c "grep -qx \"# skipped 2: needs KVM_RUN of kmc's guest program, which did not run in the probe: kvm_pvm: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument\" '$tmp/out.ktap' &&
	       grep -qx \"# skipped 1: kvm_pvm is neither kvm_intel nor kvm_amd: FB_CLEAR_DIS is kvm_intel's (struct vcpu_vmx), and kmc does not model another module's\" '$tmp/out.ktap'"
k=$(wc -l <"$dir/SUMMARY")
check "lab-other: kmc-run's KTAP as it is, but for the $k summary lines" \
	sh -c "sed '3,$((k + 2))d' '$tmp/out.ktap' | cmp - '$tmp/fake.ktap'"
check "lab-other: results/live/<time>_<uname -r>_<module>/" \
	sh -c "basename '$dir' | grep -qx '[0-9]\{8\}T[0-9]\{6\}Z_$(uname -r | sed 's/[.]/[.]/g')_kvm_pvm'"
check "lab-other: run/run.json, live.ktap, live.rc, live.err, SUMMARY" \
	sh -c "[ -s '$dir/run/run.json' ] && cmp -s '$dir/live.ktap' '$tmp/fake.ktap' &&
	       [ \"\$(cat '$dir/live.rc')\" = 0 ] && grep -q 'fake stderr' '$dir/live.err' &&
	       grep -q '^live.kmv: pass:1 fail:0 xfail:0 xpass:0 skip:3 error:0 (kmc-run exit 0)' '$dir/SUMMARY'"
for rc in 1:1 4:4 2:2 3:1 139:1; do
	other "${rc%:*}"
	check "lab-other: kmc-run exit ${rc%:*} -> exit ${rc#*:}" test "$(cat "$tmp/out.rc")" = "${rc#*:}"
done
other 0 'kvm/odd name'
check "lab-other: a module name is made safe for the directory name" \
	sh -c "basename '$dir' | grep -q '_kvm_odd_name\$'"

# kmc-run that prints no KTAP (a crash)
rm -rf "$tmp/live"
FAKE_KTAP="" FAKE_RC=139 KMC_BIN=$tmp/bin KMC_LIVE_RESULTS=$tmp/live \
	sh harness/kvm/lab-other.sh kvm_pvm >"$tmp/out.ktap" 2>"$tmp/out.err"
rc=$?
check "lab-other: no KTAP from kmc-run: exit 1 and a KTAP ERROR" \
	sh -c "[ $rc = 1 ] && head -n 1 '$tmp/out.ktap' | grep -q '^KTAP version 1' &&
	       grep -q '^not ok 1 live.kmv # ERROR kmc-run exited 139 without KTAP' '$tmp/out.ktap'"
# no kmc-run at all
KMC_BIN=$tmp/nothing KMC_LIVE_RESULTS=$tmp/live sh harness/kvm/lab-other.sh kvm_pvm >"$tmp/out.ktap" 2>"$tmp/out.err"
rc=$?
check "lab-other: kmc-run not built: exit 2 and a KTAP ERROR" \
	sh -c "[ $rc = 2 ] && grep -q '^not ok 1 live.kmv # ERROR $tmp/nothing/kmc-run not built (make)' '$tmp/out.ktap'"

# The real kmc-run, with no KVM at all: everything skipped, the predictions printed
if [ -x "$O/bin/kmc-run" ]; then
	rm -rf "$tmp/live"
	KMC_KVM_DEV=/nonexistent/kvm KMC_BIN=$O/bin KMC_LIVE_RESULTS=$tmp/live \
		sh harness/kvm/lab-other.sh kvm_pvm >"$tmp/real.ktap" 2>"$tmp/real.err"
	rc=$?
	check "lab-other, real kmc-run without a KVM: exit 4 (all skipped)" test "$rc" = 4
	check "lab-other, real kmc-run: every vector skipped with the reason" \
		sh -c "grep -q '^# skipped [0-9]*: /nonexistent/kvm: No such file or directory\$' '$tmp/real.ktap' &&
		       ! grep -q '^ *ok [0-9]* live[.][a-z0-9_.-]*\$' '$tmp/real.ktap'"
	check "lab-other, real kmc-run: the model's predictions for this host" \
		sh -c "grep -q '^# model.kvm.arch_cap: 0x[0-9a-f]* \[model: profile ' '$tmp/real.ktap' &&
		       grep -q '^# model.vcpu.arch_cap: 0x[0-9a-f]* ' '$tmp/real.ktap' &&
		       grep -q '^# model.bugs: ' '$tmp/real.ktap'"
	# nested as harness/lab/run-labs.sh nests a lab's document (its sed), then parsed
	{
		echo "KTAP version 1"
		echo "1..1"
		sed -e '/^KTAP version/{s/^/    /;n;s/^/    # Subtest: own-kvm\n    /;b}' -e 's/^/    /' "$tmp/real.ktap"
		echo "ok 1 own-kvm # SKIP nothing ran"
	} >"$tmp/nested.ktap"
	if [ -x "$O/bin/kmc-results" ]; then
		check "lab-other's KTAP nested as run-labs.sh does it parses (kmc-results ktap)" \
			sh -c "'$O/bin/kmc-results' ktap '$tmp/nested.ktap' >'$tmp/parsed' &&
			       grep -q '^SKIP .*own-kvm' '$tmp/parsed' &&
			       grep -q '^SKIP .*live.feature.arch_cap' '$tmp/parsed' &&
			       ! grep -q '^\(PASS\|FAIL\|ERROR\|MISS\) ' '$tmp/parsed'"
	fi
else
	not_ok "$O/bin/kmc-run is built (make)"
fi

# lab-live.sh leaves another KVM to run-labs.sh and lab-other.sh
if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
	KMC_BIN=$tmp/bin sh harness/kvm/lab-live.sh >"$tmp/live.out" 2>"$tmp/live.err"
	rc=$?
	check "lab-live: exit 2 without kvm_intel/kvm_amd, pointing at lab-other.sh, nothing run" \
		sh -c "[ $rc = 2 ] && [ ! -s '$tmp/live.out' ] && grep -q 'lab-other.sh' '$tmp/live.err'"
else
	ok "lab-live: refuses another KVM # SKIP kvm_intel or kvm_amd is loaded here"
fi

echo "$((n - nfail)) passed, $nfail failed"
[ "$nfail" = 0 ]
