#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make report`: the HTML report of the latest results, in results/report/
# (index.html, report.css).  With arguments, they go to kmc-results report
# as they are (see kmc-results --help).  Without, the report covers:
#   the newest of: the run results/runs/latest, the newest emulated-lab
#   directory under results/lab/, the newest live-KVM directory under
#   results/live/ (make lab on a host with /dev/kvm);
#   the `make check` runs in results/check/ (ref, model);
# it diffs the first of them against the run before it (same backend, same
# parent directory) and, for a lab directory results/lab/<date>_<name>,
# against results/baselines/<name> when that exists; and it summarises
# results/coverage/ (make coverage) when there is one.
set -eu
cd "$(dirname "$0")/.."
O=${O:-build}
BIN=$O/bin/kmc-results
[ -x "$BIN" ] || { echo "report: $BIN is not built (make $BIN)" >&2; exit 1; }
if [ $# -gt 0 ]; then
	exec "$BIN" report "$@"
fi

newest() { # newest directory among the arguments, by modification time
	# shellcheck disable=SC2012
	ls -1dt "$@" 2>/dev/null | head -n 1
}
cands=
for d in results/lab/*/ results/live/*/; do
	[ -f "$d/run.json" ] || ls "$d"*.ktap >/dev/null 2>&1 || continue
	cands="$cands ${d%/}"
done
[ -e results/runs/latest ] && cands="$cands results/runs/$(readlink results/runs/latest)"
primary=
# shellcheck disable=SC2086
[ -n "$cands" ] && primary=$(newest $cands)
others=
for d in results/check/ref results/check/model; do
	[ -f "$d/run.json" ] && others="$others $d"
done
if [ -z "$primary" ]; then
	# shellcheck disable=SC2086
	set -- $others
	[ $# -gt 0 ] || { echo "report: no results yet (make check, make lab, or kmc-run --results)" >&2; exit 1; }
	primary=$1
	shift
	others="$*"
fi
primary=${primary%/}
base=
case $primary in
results/lab/*)
	name=$(basename "$primary")
	name=${name#*_}
	[ -d "results/baselines/$name" ] && base="--baseline results/baselines/$name"
	;;
esac
# shellcheck disable=SC2086
"$BIN" report --out results/report $base "$primary" $others
if command -v chromium >/dev/null 2>&1; then
	sh harness/report/screenshot.sh results/report/index.html results/report/report.png ||
		echo "report: the screenshot failed (the report itself is written)" >&2
fi
