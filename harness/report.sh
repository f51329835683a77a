#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make report`: the HTML report of the latest results, in results/report/
# (index.html, report.css).  With arguments, they go to kmc-results report
# as they are (see kmc-results --help).  Without, the report covers:
#   the newest run under results/runs/ (results/runs/latest) and the newest
#   emulated-lab directory under results/lab/, whichever is newer first;
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
primary=
lab=$(newest results/lab/*/)
run=
[ -e results/runs/latest ] && run=results/runs/$(readlink results/runs/latest)
if [ -n "$lab" ] && [ -n "$run" ]; then
	primary=$(newest "$lab" "$run")
else
	primary=${run:-$lab}
fi
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
