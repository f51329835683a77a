#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: run each libFuzzer target (build/fuzz/fuzz/fuzz_NAME, built by
# make fuzz with clang, ASan and UBSan) for SECONDS, one after the other.
#
#   harness/tools/fuzz/run.sh SECONDS NAME...
#
# Each starts from its committed corpus, harness/tools/fuzz/corpus/NAME/ (left
# as it is), and adds what it finds new to build/fuzz/corpus/NAME/ (kept
# between runs).  A crash, a leak, a sanitizer report or a failed check
# is written to build/fuzz/findings/NAME-crash-...: fix it, and commit
# that input to harness/tools/fuzz/corpus/NAME/ as its regression input.
# Prints one line per target: its executions, their rate per wall second
# and per CPU second, and the verdict.
# Exit status: 0 when no target found anything, 1 otherwise.
set -eu
cd "$(dirname "$0")/../../.."
[ $# -ge 2 ] || { echo "usage: harness/tools/fuzz/run.sh SECONDS NAME..." >&2; exit 64; }
secs=$1
shift
case $secs in
'' | *[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a number of seconds, not '$secs'" >&2; exit 64 ;;
esac
# ASan's quarantine of freed memory, 256 MB by default, made every
# allocation touch new memory: 16 MB (many inputs' worth, so a use after
# free is still caught) doubles the executions per second
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
# CPU seconds (user + system) of this shell's children so far: `times` in
# this shell (in a $(...) subshell it would count the subshell's children)
child_cpu() {
	awk 'NR == 2 { n = 0
		for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); n += a[1] * 60 + a[2] }
		printf "%.1f", n }' "$1"
}
status=0
for t in "$@"; do
	bin=build/fuzz/fuzz/fuzz_$t
	seed=harness/tools/fuzz/corpus/$t
	work=build/fuzz/corpus/$t
	log=build/fuzz/fuzz_$t.log
	[ -x "$bin" ] || { echo "fuzz: $bin not built (make fuzz)" >&2; exit 1; }
	mkdir -p "$work" build/fuzz/findings
	# room for ~25 vector records; KTAP needs more to nest 64 deep (the reader's limit)
	case $t in
	ktap) maxlen=8192 ;;
	*) maxlen=4096 ;;
	esac
	# -timeout: an input slower than 10 s is a finding; -rss_limit_mb: so is one
	# that takes more memory (the readers bound what they keep);
	# -dict: the format's keywords, which random mutation seldom spells
	rc=0
	times >build/fuzz/times.0
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len="$maxlen" \
		-dict=harness/tools/fuzz/"$t".dict -print_final_stats=1 \
		-artifact_prefix=build/fuzz/findings/"$t"- "$work" "$seed" >"$log" 2>&1 || rc=$?
	times >build/fuzz/times.1
	cpu=$(awk -v a="$(child_cpu build/fuzz/times.0)" -v b="$(child_cpu build/fuzz/times.1)" \
		'BEGIN { printf "%.1f", b - a }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	corpus=$(find "$work" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		verdict="no finding"
	else
		status=1
		what=$(grep -m1 -E 'ERROR|SUMMARY|deadly signal' "$log" || true)
		input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
		verdict="FINDING (exit $rc): $what; input: $input; log: $log"
	fi
	# per CPU second too: on a shared machine the wall rate says more about the load
	percpu=$(awk -v e="${execs:-0}" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.0f", e / c; else print "?" }')
	echo "fuzz $t: ${execs:-?} execs in $secs s (${rate:-?}/s; $cpu CPU s, $percpu/CPU s)," \
		"$corpus inputs in $work: $verdict"
done
exit $status
