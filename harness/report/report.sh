#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make report`: the HTML report of the latest results, in results/report/
# (index.html, report.css).  With arguments, they go to kmc-results report
# as they are (see kmc-results --help).  Without, the report covers the
# newest of: the run results/runs/latest, the newest emulated-lab run under
# results/lab/, the newest live-KVM directory under results/live/ (make lab
# on a host with /dev/kvm).  An emulated-lab run is every kernel of it: the
# directories results/lab/<stamp>_<kernel>/ of the QEMU lab's newest stamp
# and results/lab/<stamp>_vmx-<kernel>/ of the VMX lab's newest (make lab
# runs one, then the other), each diffed against results/baselines/<name>.
# Then the `make check` runs in results/check/ (ref, model); the first run is
# diffed against the run before it (same backend, same parent directory);
# and it summarises results/coverage/ (make coverage) when there is one.
# KMC_RESULTS names another results tree (default results); KMC_REPORT_SHOT=0
# skips the screenshot.
set -eu
cd "$(dirname "$0")/../.."
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
R=${KMC_RESULTS:-results}
OUT=$R/report

cands=
for d in "$R"/lab/*/ "$R"/live/*/; do
	[ -f "$d/run.json" ] || ls "$d"*.ktap >/dev/null 2>&1 || continue
	cands="$cands ${d%/}"
done
[ -e "$R/runs/latest" ] && cands="$cands $R/runs/$(readlink "$R/runs/latest")"
primary=
# shellcheck disable=SC2086
[ -n "$cands" ] && primary=$(newest $cands)
primary=${primary%/}

# lab_run KIND: the directories of the newest stamp of one emulated lab
# (KIND qemu: <stamp>_<kernel>, vmx: <stamp>_vmx-<kernel>), one per line
lab_run() {
	for d in "$R"/lab/*_*/; do
		[ -d "$d" ] || continue
		b=$(basename "$d")
		case $b in
		[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]_vmx-*) k=vmx ;;
		[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]_*) k=qemu ;;
		*) continue ;;
		esac
		[ "$k" = "$1" ] && echo "${b%%_*} ${d%/}"
	done | sort -r | awk 'NR == 1 { s = $1 } $1 == s { print $2 }' | sort
}

runs=
case $primary in
"$R"/lab/*)
	runs="$(lab_run qemu) $(lab_run vmx)"
	;;
*)
	runs=$primary
	;;
esac
for d in "$R/check/ref" "$R/check/model"; do
	[ -f "$d/run.json" ] && runs="$runs $d"
done
# shellcheck disable=SC2086
set -- $runs
[ $# -gt 0 ] || { echo "report: no results yet (make check, make lab, or kmc-run --results)" >&2; exit 1; }
base=
[ -d "$R/baselines" ] && base="--baselines $R/baselines"
# shellcheck disable=SC2086
"$BIN" report --out "$OUT" $base "$@"
if [ "${KMC_REPORT_SHOT:-1}" != 0 ] && command -v chromium >/dev/null 2>&1; then
	sh harness/report/screenshot.sh "$OUT/index.html" "$OUT/report.png" ||
		echo "report: the screenshot failed (the report itself is written)" >&2
fi
