#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make lab` on a machine with a usable /dev/kvm (harness/lab/run-labs.sh dispatches
# here): check this machine's own KVM against the model.  Runs
#   kmc-run --backend kvm vectors/live.kmv
# and writes results/live/<UTC time>_<uname -r>/:
#   live.ktap    the KTAP (also on stdout), live.rc its exit status
#   run/         kmc-run's results directory: run.json with the host facts and
#                their sources, the KTAP, junit.xml, kcidb.json (docs/results.md)
#   live.err     kmc-run's stderr (with KMC_KVM_TRACE=1: every observation)
#   guest.log    the guest-program tests (kvm_guest), guest.rc
#   SUMMARY      the totals
# Exit status: kmc-run's (0 pass, 1 fail/error, 4 all skipped); 2 when
# /dev/kvm is not kvm_intel's or kvm_amd's.
#
# Only for kvm_intel and kvm_amd: harness/lab/run-labs.sh alone decides what make lab
# runs, and sends a /dev/kvm served by another vendor module (e.g. kvm_pvm)
# to harness/kvm/lab-other.sh and then to the emulated labs.  Run by hand on
# such a machine, this script says so and exits 2 without running anything.
#
# Options (environment): KMC_BIN (default build/bin), KMC_KVM_TRACE=1,
# KMC_KVM_WRITE_PARAMS=1 (let live vectors set kvm.ignore_msrs for their
# duration: machine-wide, so only on a test machine), KMC_KVM_RUN_TIMEOUT_MS.
set -u
cd "$(dirname "$0")/../.." || exit 1

if [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
	mods=
	for m in /sys/module/kvm_*; do
		[ -d "$m" ] && mods="$mods${mods:+ }${m##*/}"
	done
	echo "lab-live: /dev/kvm is served by ${mods:-an unknown module}, not kvm_intel or kvm_amd:" \
		"that is harness/kvm/lab-other.sh's (make lab runs it, then the emulated labs)" >&2
	exit 2
fi

bin=${KMC_BIN:-build/bin}
if [ ! -x "$bin/kmc-run" ]; then
	echo "lab-live: $bin/kmc-run not built (make)" >&2
	exit 1
fi
out=results/live/$(date -u +%Y%m%dT%H%M%SZ)_$(uname -r)
mkdir -p "$out" || exit 1
echo "lab-live: results in $out" >&2

# the results directory (run.json, KTAP, junit.xml, kcidb.json: docs/results.md)
"$bin/kmc-run" --backend kvm --results "$out/run" vectors/live.kmv >"$out/live.ktap" 2>"$out/live.err"
rc=$?
echo "$rc" >"$out/live.rc"
cat "$out/live.ktap"

guest=${KMC_BIN_TEST:-$(dirname "$bin")/kvm-test/kvm_guest}
grc=-
if [ -x "$guest" ]; then
	CK_FORK=yes "$guest" >"$out/guest.log" 2>&1
	grc=$?
	echo "$grc" >"$out/guest.rc"
fi

{
	echo "kernel: $(uname -r) ($(uname -v))"
	echo "live: $(grep '^# Totals:' "$out/live.ktap" | tail -n 1) (rc $rc)"
	echo "guest tests: $(grep -E '^[0-9]+%: Checks:|^SKIP:' "$out/guest.log" 2>/dev/null | tail -n 1) (rc $grc)"
} >"$out/SUMMARY"
cat "$out/SUMMARY" >&2
[ "$grc" = - ] || [ "$grc" = 0 ] || [ "$grc" = 4 ] || [ "$rc" != 0 ] || rc=1
exit "$rc"
