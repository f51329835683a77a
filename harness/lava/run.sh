#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What harness/lava/kmc.yaml runs on the DUT: install and build kmc, run
# kmc-run with a results directory, and report every KTAP test to LAVA
# (harness/lava/ktap-to-lava.sh).  Usable by hand or from cron too: outside
# LAVA the results print as <TEST_CASE_ID=... RESULT=...> lines.
#
#   run.sh [--backend NAME] [--deps yes|no] [--build yes|no]
#          [--results DIR|auto] VECTORS...
#
# Exit status 0 once the results were reported (LAVA judges the test cases,
# not the exit status); kmc-run's own status is the test case kmc-run-exit.
# 1 when there is nothing to report (no results directory).
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
backend=kvm
deps=yes
build=yes
results=auto
while [ $# -gt 0 ]; do
	case $1 in
	--backend) backend=$2; shift 2 ;;
	--deps) deps=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	-h|--help) sed -n '3,16p' "$0"; exit 0 ;;
	--*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- vectors/
if [ "$deps" = yes ]; then
	make deps || { echo "run.sh: make deps failed" >&2; exit 1; }
fi
if [ "$build" = yes ]; then
	make O="$O" all || { echo "run.sh: make failed" >&2; exit 1; }
fi
if [ "$results" = auto ]; then
	results=results/runs/lava-$(date -u +%Y-%m-%dT%H%M%SZ)_$backend
fi
"$O/bin/kmc-run" -q --backend "$backend" --results "$results" "$@"
rc=$?
[ -f "$results/run.json" ] || { echo "run.sh: kmc-run wrote no results directory ($results)" >&2; exit 1; }
O=$O sh harness/lava/ktap-to-lava.sh "$results" || exit 1
case $rc in
0|4) res=pass ;;
*) res=fail ;;
esac
if command -v lava-test-case >/dev/null 2>&1; then
	lava-test-case kmc-run-exit --result "$res" --measurement "$rc" --units status
else
	echo "<TEST_CASE_ID=kmc-run-exit RESULT=$res MEASUREMENT=$rc UNITS=status>"
fi
echo "run.sh: results in $results (kmc-run exit $rc)"
exit 0
