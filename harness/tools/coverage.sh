#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: build everything with --coverage into build/cov/, run the
# same checks as `make check` (harness/tools/run-checks.sh: unit tests, every
# vector through ref and the model, the sweep strided), then report lcov line and
# branch coverage of model/ and of ref/ separately.  HTML goes to
# results/coverage/html/, the tracefile to results/coverage/kmc.info, the
# per-directory summary to results/coverage/summary.txt.
#
# Exits 1 if a check failed or if model/ or ref/ is below
# KMC_COV_LINE (default 95) % lines or KMC_COV_BRANCH (default 90) % branches.
set -eu
cd "$(dirname "$0")/../.."
O=build/cov
OUT=results/coverage
LINE_MIN=${KMC_COV_LINE:-95}
BRANCH_MIN=${KMC_COV_BRANCH:-90}
RC="--rc lcov_branch_coverage=1"

for tool in lcov genhtml; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "coverage: $tool not found (make deps installs lcov)" >&2
		exit 1
	}
done

# The sweep every 16th scenario: make check's plain pass runs all of it, and
# here each scenario costs ~30 times more (-O0, atomic counters shared by the
# threads: the full sweep took over 14 minutes on 2 CPUs, strided 84 s, with
# model/ and ref/ covered the same to within a point)
KMC_SWEEP_ARGS=${KMC_SWEEP_ARGS:---stride 16}
export KMC_SWEEP_ARGS

make -s O="$O" COV=1 test-bins
# shellcheck disable=SC2086
lcov --quiet $RC --zerocounters --directory "$O/obj"
status=0
O=$O sh harness/tools/run-checks.sh || status=$?

mkdir -p "$OUT"
# shellcheck disable=SC2086
lcov --quiet $RC --capture --directory "$O/obj" --base-directory . -o "$O/all.info" 2>&1 |
	grep -v 'redefined at /usr/bin/geninfo' >&2 || true
for d in model ref; do
	# shellcheck disable=SC2086
	lcov --quiet $RC --extract "$O/all.info" "$PWD/$d/*" -o "$O/$d.info"
	# shellcheck disable=SC2086
	lcov --quiet $RC --remove "$O/$d.info" "$PWD/$d/tests/*" -o "$O/$d.info"
done
# shellcheck disable=SC2086
lcov --quiet $RC -a "$O/model.info" -a "$O/ref.info" -o "$OUT/kmc.info"
rm -rf "$OUT/html"
# shellcheck disable=SC2086
genhtml --quiet $RC --branch-coverage --title "kmc: model/ and ref/" \
	-o "$OUT/html" "$OUT/kmc.info" >/dev/null

# "lines......: 97.1% (1234 of 1271 lines)" -> 97.1
pct() {
	# shellcheck disable=SC2086
	lcov $RC --summary "$1" 2>&1 | sed -n "s/^ *$2\.*: \([0-9.]*\)%.*/\1/p"
}
: >"$OUT/summary.txt"
for d in model ref; do
	l=$(pct "$O/$d.info" lines)
	b=$(pct "$O/$d.info" branches)
	verdict=ok
	if ! awk -v l="${l:-0}" -v b="${b:-0}" -v lm="$LINE_MIN" -v bm="$BRANCH_MIN" \
		'BEGIN { exit !(l >= lm && b >= bm) }'; then
		verdict="BELOW ${LINE_MIN}% lines / ${BRANCH_MIN}% branches"
		status=1
	fi
	printf 'coverage %-6s lines %6s%%  branches %6s%%  %s\n' "$d/" "${l:-?}" "${b:-?}" "$verdict" |
		tee -a "$OUT/summary.txt"
done
echo "coverage: HTML in $OUT/html/index.html"
exit "$status"
