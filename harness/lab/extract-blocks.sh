#!/usr/bin/env bash
# Split a serial log into the result blocks the lab's /init scripts emit.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--prefix P] LOG OUTDIR

Reads LOG (a serial console log, CR/LF tolerated) and writes, for every block
  @@P-BEGIN name@@
  ...
  @@P-END name rc=N@@      (the END marker may end the last output line)
OUTDIR/name.out (the lines between the markers) and OUTDIR/name.rc (N, or
"incomplete" when the log ends inside the block, e.g. after a crash).
A name seen twice gets .2, .3, ... appended. A line "@@P-DONE@@" creates
OUTDIR/DONE. Prints one "name rc" line per block. P defaults to KMC (L1);
the L2 guest uses KMC-L2.
EOF
}

prefix=KMC
while (($#)); do
	case "$1" in
	--prefix) (($# >= 2)) || die "--prefix needs a value"; prefix=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# == 2)) || die "need LOG and OUTDIR (see --help)"
log=$1
out=$2
[[ -r $log ]] || die "cannot read log $log"
mkdir -p "$out"
rm -f "$out/DONE"

awk -v P="$prefix" -v OUT="$out" '
function safe(n) { gsub(/[^A-Za-z0-9._-]/, "_", n); return n }
function finish(rc) {
	printf "%s\n", rc > (OUT "/" cur ".rc"); close(OUT "/" cur ".rc")
	close(OUT "/" cur ".out")
	printf "%s %s\n", cur, rc
	cur = ""
}
BEGIN { b = "@@" P "-BEGIN "; e = "@@" P "-END "; d = "@@" P "-DONE@@"; cur = "" }
{
	sub(/\r+$/, "")
	if (cur == "" && index($0, b) == 1 && $0 ~ /@@$/) {
		n = safe(substr($0, length(b) + 1, length($0) - length(b) - 2))
		seen[n]++
		cur = seen[n] > 1 ? n "." seen[n] : n
		printf "" > (OUT "/" cur ".out")
		endtag = e substr($0, length(b) + 1, length($0) - length(b) - 2) " rc="
		next
	}
	if (cur != "") {
		i = index($0, endtag)
		if (i > 0) {
			rest = substr($0, i + length(endtag))
			if (i > 1) print substr($0, 1, i - 1) > (OUT "/" cur ".out")
			sub(/@@.*$/, "", rest)
			finish(rest)
			next
		}
		print > (OUT "/" cur ".out")
		next
	}
	if ($0 == d) { printf "" > (OUT "/DONE"); close(OUT "/DONE") }
}
END { if (cur != "") finish("incomplete") }
' "$log"
