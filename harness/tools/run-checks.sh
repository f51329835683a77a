#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One pass of every check for the build in $O (default build/): each unit
# test program, then the vectors through ref and through the model, then
# the sweep (KMC_SWEEP_ARGS: extra arguments, e.g. --stride 16).  Run from the top of the tree (make check-one
# does).  Logs go to $O/check/.  Exits non-zero if any step failed.
# The vector runs each write a results directory (docs/results.md):
# results/check/<backend>/ for the plain build, $O/check/results/<backend>/
# for the others (make report shows results/check/).

set -u
O=${O:-build}
LOG=$O/check
npass=0
nfail=0
failed=

mkdir -p "$LOG" || exit 1
if [ "$O" = build ]; then
	RES=results/check
else
	RES=$LOG/results
fi

# step NAME RC: count one step
step() {
	if [ "$2" -eq 0 ]; then
		npass=$((npass + 1))
	else
		nfail=$((nfail + 1))
		failed="$failed $1"
	fi
}

# took: sets TOOK to the seconds since its last call (or the start),
# printed after each step's line so that a slow pass shows where its time
# goes (no $(...): a subshell could not move t_last on)
t_last=$(date +%s%N)
took() {
	t_now=$(date +%s%N)
	TOOK="$(((t_now - t_last) / 1000000000)).$(((t_now - t_last) / 100000000 % 10)) s"
	t_last=$t_now
}

# Unit tests: libcheck prints "NN%: Checks: N, Failures: N, Errors: N".
# libcheck's time limits are wall time: on a machine busy with other work (a
# lab's emulators, measured: 4 of 27 binaries timed out at nice 19) a test
# is starved, not wrong, so they get four times the time unless the caller
# says otherwise.
: "${CK_TIMEOUT_MULTIPLIER:=4}"
export CK_TIMEOUT_MULTIPLIER
found=0
for t in "$O"/test/*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	found=1
	name=$(basename "$t")
	CK_FORK=yes "$t" >"$LOG/$name.log" 2>&1
	rc=$?
	summary=$(grep -E '^[0-9]+%: Checks:' "$LOG/$name.log" | tail -n 1)
	took
	printf '%-32s %s [%s]\n' "$name" "${summary:-no libcheck summary (exit $rc)}" "$TOOK"
	if [ "$rc" -ne 0 ]; then
		grep -E ':[FE]:' "$LOG/$name.log" | head -n 20 | sed 's/^/    /'
	fi
	step "$name" "$rc"
done
if [ "$found" -eq 0 ]; then
	echo "no test programs in $O/test (run make test-bins)"
	step "test-programs" 1
fi

# vectors STEP LABEL ARGS...: one kmc-run over vector files, its KTAP and
# stderr in $LOG/STEP.{ktap,err}; the totals, and on failure what failed
vectors() {
	name=$1
	label=$2
	shift 2
	"$O/bin/kmc-run" "$@" >"$LOG/$name.ktap" 2>"$LOG/$name.err"
	rc=$?
	totals=$(grep '^# Totals:' "$LOG/$name.ktap" | tail -n 1)
	took
	printf '%-32s %s [%s]\n' "$label" "${totals:-no totals (exit $rc)}" "$TOOK"
	if [ "$rc" -ne 0 ]; then
		grep -E '^ *not ok|^ *# .*expected' "$LOG/$name.ktap" | head -n 20 | sed 's/^ */    /'
		sed 's/^/    /' "$LOG/$name.err" | head -n 5
	fi
	step "$name" "$rc"
}

# Vectors: every one through ref, and through the model (stale files)
if ls vectors/*.kmv >/dev/null 2>&1; then
	for be in ref model; do
		rm -rf "$RES/$be"
		vectors "vectors-$be" "kmc-run --backend $be" --backend "$be" --results "$RES/$be" vectors/
	done
else
	printf '%-32s %s\n' "kmc-run" "no vectors/*.kmv: run make vectors"
	step "vectors" 1
fi

# kmc's KTAP through the kernel's own parser (tools/testing/kunit/kunit_parser.py
# from Debian's linux-source-6.1, fetched once into build/kunit/): 0 errors and
# kmc's totals, for a sample with every status, the labs' nested form, the run above
kt=
[ -f "$LOG/vectors-ref.ktap" ] && kt=$LOG/vectors-ref.ktap
O=$O sh harness/ktap/tests/kunit-ktap.sh $kt >"$LOG/kunit-ktap.log" 2>&1
rc=$?
took
printf '%-32s %s [%s]\n' "kunit parser" "$(tail -n 1 "$LOG/kunit-ktap.log")" "$TOOK"
[ "$rc" -eq 0 ] || grep -A 4 '^not ok\|^kunit-parser' "$LOG/kunit-ktap.log" | head -n 20 | sed 's/^/    /'
step "kunit-parser" "$rc"

# What Debian's kernels derived in the emulated labs (results/baselines/*/l[12].kmv
# and the VMX lab's Bochs hosts, results/baselines/vmx-*/host.kmv, written by
# harness/lab/vector.sh from real boots): model and ref must both predict it
obs=$(ls results/baselines/*/l[12].kmv results/baselines/vmx-*/host.kmv 2>/dev/null)
if [ -n "$obs" ]; then
	for be in model ref; do
		# shellcheck disable=SC2086
		vectors "lab-observed-$be" "lab observations, $be" -q --backend "$be" $obs
	done
fi

# The model's and ref's tables against those extracted from the kernel
# sources (ref/tables/, docs/source-check.md), and altered copies reported
O=$O sh harness/tools/source/tests/source-check.sh >"$LOG/source-check.log" 2>&1
rc=$?
took
printf '%-32s %s [%s]\n' "source-check" "$(tail -n 1 "$LOG/source-check.log")" "$TOOK"
[ "$rc" -eq 0 ] || grep -B 3 '^not ok' "$LOG/source-check.log" | head -n 20 | sed 's/^/    /'
step "source-check" "$rc"

# The VMX lab's checks that need no boot: bochs-patch.so's refusals, the
# Bochs build check, the FB_CLEAR_DIS comparison (skips counted, not passed)
bash harness/lab/bochs/test-bochs.sh >"$LOG/test-bochs.log" 2>&1
rc=$?
took
printf '%-32s %s [%s]\n' "vmx-lab checks" "$(tail -n 1 "$LOG/test-bochs.log")" "$TOOK"
[ "$rc" -eq 0 ] || grep '^not ok' "$LOG/test-bochs.log" | head -n 10 | sed 's/^/    /'
step "vmx-lab-checks" "$rc"

# The lab scripts without a boot: a failing collection is named and the lab
# goes on; the two labs side by side share the CPUs as slots
bash harness/lab/test-lab.sh >"$LOG/test-lab.log" 2>&1
rc=$?
took
printf '%-32s %s [%s]\n' "lab script checks" "$(tail -n 1 "$LOG/test-lab.log")" "$TOOK"
[ "$rc" -eq 0 ] || grep '^not ok' "$LOG/test-lab.log" | head -n 10 | sed 's/^/    /'
step "lab-script-checks" "$rc"

# The sweep, model against ref; KMC_SWEEP_ARGS thins it out (e.g. under ASan)
# shellcheck disable=SC2086
"$O/bin/kmc-run" --sweep -q ${KMC_SWEEP_ARGS:-} >"$LOG/sweep.log" 2>&1
rc=$?
took
printf '%-32s %s [%s]\n' "kmc-run --sweep ${KMC_SWEEP_ARGS:-}" "$(tail -n 1 "$LOG/sweep.log") (exit $rc)" "$TOOK"
if [ "$rc" -ne 0 ]; then
	grep -E '^plane|^  [a-z]|^  # ' "$LOG/sweep.log" | head -n 20 | sed 's/^/    /'
fi
step "sweep" "$rc"

echo "$npass passed, $nfail failed${failed:+:$failed}"
[ "$nfail" -eq 0 ]
