#!/usr/bin/env bash
# Compare an emulated-lab results directory with a baseline, or make one.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG diff [--subset] BASELINE RESULTDIR
       $PROG update RESULTDIR BASELINE

diff: compares the run in RESULTDIR (results/lab/DATE_KERNEL) with BASELINE
(results/baselines/KERNEL) and prints, first, one summary line, then
  new TEST VERDICT            a test the baseline does not have
  removed TEST                a test of the baseline this run does not have
                              (not reported with --subset: smoke, --only)
  changed TEST OLD -> NEW     the verdict changed (ok, not ok, SKIP, XFAIL,
                              XPASS, ERROR)
  obs CONFIG KEY: OLD -> NEW  what an L2 kernel reported changed
                              (observed.txt: bugs, vulnerabilities files,
                              family/model/stepping, MSR 0x10a)
  kernel OLD -> NEW           the kernel package changed
Tests come from lab.ktap (every L1 check and L2 configuration). Exit 0 no
difference, 1 differences, 2 no baseline or unreadable files.

update: copies the small files of RESULTDIR (every *.ktap and *.kmv,
observed.txt, summary.txt, the VMX lab's fbmsr.txt; no logs) to BASELINE,
with the repository's path taken out.
EOF
}

(($#)) || die "no command (see --help)"
case "$1" in
-h | --help) usage; exit 0 ;;
diff)
	shift
	subset=0
	if [[ ${1:-} == --subset ]]; then subset=1; shift; fi
	(($# == 2)) || die "diff needs BASELINE and RESULTDIR"
	base=$1 run=$2
	if [[ ! -r $base/lab.ktap ]]; then
		echo "baseline $base: none (make one with: $PROG update $run $base, or qemu-lab.sh --update-baseline)"
		exit 2
	fi
	[[ -r $run/lab.ktap ]] || DIE_RC=2 die "$run/lab.ktap missing"
	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	# verdicts: NAME -> ok | not ok | SKIP | XFAIL | XPASS | ERROR
	awk -v subset="$subset" '
	function verdict(line,   v, d) {
		v = line ~ /^not ok / ? "not ok" : "ok"
		if (match(line, / # (SKIP|XFAIL|XPASS|ERROR)/)) { d = substr(line, RSTART + 3, RLENGTH - 3); v = d }
		return v
	}
	function name(line,   n) {
		n = line; sub(/^(not )?ok [0-9]+ /, "", n); sub(/ # .*$/, "", n); return n
	}
	FNR == 1 { f++ }
	/^(not )?ok [0-9]+ / {
		if (f == 1) base[name($0)] = verdict($0); else run[name($0)] = verdict($0)
		next
	}
	f == 3 && /^kernel / { bk = $0; next }
	f == 4 && /^kernel / { rk = $0; next }
	f == 3 { i = index($0, ": "); if (i) bo[substr($0, 1, i - 1)] = substr($0, i + 2); next }
	f == 4 { i = index($0, ": "); if (i) ro[substr($0, 1, i - 1)] = substr($0, i + 2); next }
	END {
		if (bk != rk) { print "kernel " substr(bk, 8) " -> " substr(rk, 8); nk++ }
		for (t in run) if (!(t in base)) { print "new " t " " run[t]; nn++ }
		if (!subset) for (t in base) if (!(t in run)) { print "removed " t; nr++ }
		for (t in run) if ((t in base) && base[t] != run[t]) { print "changed " t " " base[t] " -> " run[t]; nc++ }
		for (o in ro) {
			if (o in bo) { if (bo[o] != ro[o]) { print "obs " o ": " bo[o] " -> " ro[o]; no++ } }
			else { print "obs " o ": (none) -> " ro[o]; no++ }
		}
		if (!subset) for (o in bo) if (!(o in ro)) { print "obs " o ": " bo[o] " -> (none)"; no++ }
		printf "SUMMARY %d %d %d %d %d\n", nn, nr, nc, no, nk
	}' "$base/lab.ktap" "$run/lab.ktap" "$base/observed.txt" "$run/observed.txt" | sort >"$out"
	read -r _ nn nr nc no nk < <(grep '^SUMMARY ' "$out")
	total=$((nn + nr + nc + no + nk))
	if ((total == 0)); then
		echo "baseline $base: no differences$( ((subset)) && echo ' (subset run: removed tests not counted)')"
		exit 0
	fi
	echo "baseline $base: $total differences: $nn new, $nr removed, $nc changed verdicts, $no changed observations$( ((nk)) && echo ', kernel package changed')"
	grep -v '^SUMMARY ' "$out"
	exit 1
	;;
update)
	shift
	(($# == 2)) || die "update needs RESULTDIR and BASELINE"
	run=$1 base=$2
	[[ -r $run/lab.ktap ]] || die "$run/lab.ktap missing: not a results directory"
	mkdir -p "$base"
	rm -f "$base"/*.ktap "$base"/*.kmv "$base"/observed.txt "$base"/summary.txt "$base"/fbmsr.txt
	for f in "$run"/*.ktap "$run"/*.kmv "$run"/observed.txt "$run"/summary.txt "$run"/fbmsr.txt; do
		[[ -r $f ]] || continue
		sed -e "s|$KMC_ROOT/||g" "$f" >"$base/${f##*/}"
	done
	printf 'baseline of %s (%s)\n' "$(basename "$run")" "$(sed -n 's/^kernel: //p' "$run/summary.txt")" >"$base/README"
	info "wrote $base"
	;;
*) die "unknown command '$1' (see --help)" ;;
esac
