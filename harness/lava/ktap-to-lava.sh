#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ktap-to-lava.sh FILE.ktap|RESULTS-DIR: one `lava-test-case FILE.GROUP
# --result pass|fail|skip|unknown` per group of tests of each file (a
# vector's group: host.mmio, caps.cascadelake; a lab's configuration:
# lab.skx-stock, lab.l2_clx-noac) -- about 160 for vectors/, not one per
# vector, which a LAVA server does not cope with -- inside `lava-test-set
# start|stop` per file.  The result is the group's worst; each test that did
# not pass is printed before it ("kmc: FAIL ID: FILE:LINE: WHAT: expected X,
# got Y"), so the job's log names it.  KTAP is parsed by kmc-results
# (harness/results/ktap_parse.c), so a cut stream from a killed run works
# too: tests that were selected (vectors.tsv) or planned but never reported
# are `unknown`, and the case run-complete (ktap-complete for a file) fails.
# Mapping: PASS, XFAIL -> pass; FAIL, XPASS, ERROR, TIMEOUT -> fail;
# SKIP -> skip; MISS -> unknown (docs/results.md).
# Outside LAVA (no lava-test-case in PATH) it prints the lines
# <TEST_CASE_ID=NAME RESULT=RESULT> instead, like Linaro's send-to-lava.sh.
set -eu
[ $# -eq 1 ] || { echo "usage: ktap-to-lava.sh FILE.ktap|RESULTS-DIR" >&2; exit 2; }
cd "$(dirname "$0")/../.." 2>/dev/null || true
BIN=${KMC_RESULTS:-${O:-build}/bin/kmc-results}
in=$1
case $in in
/*) ;;
*) [ -e "$in" ] || in=$OLDPWD/$in ;;
esac
lines=$("$BIN" lava "$in") || { echo "ktap-to-lava: kmc-results could not read $in" >&2; exit 1; }
lava=0
command -v lava-test-case >/dev/null 2>&1 && lava=1
printf '%s\n' "$lines" | while read -r kind name result; do
	case $kind in
	set)
		if [ $lava = 1 ]; then lava-test-set start "$name"; else echo "# set $name"; fi ;;
	end)
		if [ $lava = 1 ]; then lava-test-set stop; fi ;;
	note)
		echo "kmc: $name $result" ;;
	case)
		if [ $lava = 1 ]; then
			lava-test-case "$name" --result "$result"
		else
			echo "<TEST_CASE_ID=$name RESULT=$result>"
		fi ;;
	esac
done
