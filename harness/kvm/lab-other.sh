#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make lab`'s first part on a machine whose /dev/kvm is served by a vendor
# module that is neither kvm_intel nor kvm_amd (e.g. kvm_pvm): what that
# KVM can answer, checked against the model.  harness/lab/run-labs.sh runs it as
#   sh harness/kvm/lab-other.sh VENDOR_MODULE
# takes its stdout as a KTAP document (the subtest "own-kvm" of make lab's
# KTAP) and its exit status, then runs the emulated labs.  It runs
#   kmc-run --backend kvm --results DIR/run vectors/live.kmv
# where the kvm backend probes, once, what this KVM does with a VM and kmc's
# guest program and SKIPs every vector that needs what failed, with the
# reason (docs/kvm-backend.md "Another KVM").  kmc-run's KTAP header has
# the model's predictions for this host (model.kvm.arch_cap,
# model.vcpu.arch_cap, model.kvm.cpuid, model.bugs) and the probe's outcome
# (kvm.probe); this script repeats them, with the totals and the skip
# reasons counted, as KTAP diagnostics right after the plan line.
#
# Writes results/live/<UTC time>_<uname -r>_<module>/ (as lab-live.sh):
#   live.ktap    the KTAP (also on stdout), live.rc kmc-run's exit status
#   run/         kmc-run's results directory: run.json with the host facts,
#                the KTAP, junit.xml, kcidb.json (docs/results.md)
#   live.err     kmc-run's stderr (with KMC_KVM_TRACE=1: every observation)
#   SUMMARY      the totals, the probe and the skip reasons
# Exit status: 0 all that ran passed, 1 a failure or error, 4 everything
# skipped, 2 setup error (kmc-run not built; the KTAP says so too).
#
# Environment: KMC_BIN (default build/bin), KMC_LIVE_RESULTS (default
# results/live), KMC_KVM_TRACE=1, KMC_KVM_RUN_TIMEOUT_MS; test-only:
# KMC_KVM_MODULE, KMC_KVM_PROBE_FAIL (docs/kvm-backend.md).
set -u
cd "$(dirname "$0")/../.." || exit 2

module=${1:-}
bin=${KMC_BIN:-build/bin}
name=$(printf '%s' "${module:-unknown}" | tr -c 'A-Za-z0-9_.-' '_')

# ktap_error MESSAGE: a KTAP document with one ERROR, for run-labs.sh
ktap_error() {
	echo "KTAP version 1"
	echo "1..1"
	echo "# own-kvm: /dev/kvm served by ${module:-an unknown module}"
	echo "not ok 1 live.kmv # ERROR $1"
}

if [ ! -x "$bin/kmc-run" ]; then
	echo "lab-other: $bin/kmc-run not built (make)" >&2
	ktap_error "$bin/kmc-run not built (make)"
	exit 2
fi
out=${KMC_LIVE_RESULTS:-results/live}/$(date -u +%Y%m%dT%H%M%SZ)_$(uname -r)_$name
mkdir -p "$out" || { ktap_error "cannot create $out"; exit 2; }
echo "lab-other: /dev/kvm is served by ${module:-an unknown module}: what it answers, against the model; results in $out" >&2

"$bin/kmc-run" --backend kvm --results "$out/run" vectors/live.kmv >"$out/live.ktap" 2>"$out/live.err"
rc=$?
echo "$rc" >"$out/live.rc"

if ! head -n 1 "$out/live.ktap" | grep -q '^KTAP version'; then
	echo "lab-other: kmc-run exited $rc without KTAP; its stderr:" >&2
	sed 's/^/    /' "$out/live.err" | head -n 20 >&2
	ktap_error "kmc-run exited $rc without KTAP (see $out/live.err)" | tee "$out/SUMMARY"
	exit 1
fi

# The summary: what the model predicts here, what the probe found, the
# totals, and each distinct skip reason with how many vectors it took
# (the FILE:LINE: op ...: prefix taken off so that one cause counts once)
{
	echo "own-kvm: /dev/kvm served by ${module:-an unknown module}; kernel $(uname -r); results in $out"
	sed -n 's/^# host \(kvm\|kvm\.probe\|kvm\.arch_cap\|model\.[a-z_.]*\): /\1: /p' "$out/live.ktap"
	t=$(grep '^# Totals:' "$out/live.ktap" | tail -n 1)
	echo "live.kmv: ${t#\# Totals: } (kmc-run exit $rc)"
	grep -E '^ +ok [0-9]+ .* # SKIP ' "$out/live.ktap" |
		sed -e 's/^.* # SKIP //' -e 's/^[^ :]*:[0-9]*: \(op [^:]*: \|expect [a-z_.]*: \|vm [a-z_]*=[^:]*: \)\{0,1\}//' |
		sort | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) /skipped \1: /'
} >"$out/SUMMARY"

# KTAP on stdout: kmc-run's document, the summary as diagnostics after its plan
awk -v sum="$out/SUMMARY" '
	NR == 2 && /^1\.\./ {
		print
		while ((getline l < sum) > 0) print "# " l
		next
	}
	{ print }' "$out/live.ktap"
sed 's/^/lab-other: /' "$out/SUMMARY" >&2

case $rc in
0 | 1 | 4) exit "$rc" ;;
2) exit 2 ;;
*) exit 1 ;;
esac
