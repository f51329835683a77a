#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench [BASE=REV]: how fast the model and ref evaluate scenarios, and
# what the checks cost.  Prints, for the plain build (-O2):
#   - scenarios per second of the model alone and of ref alone, one thread,
#     over every 4th scenario of the sweep's planes (kmc-run --sweep --bench);
#   - instructions per scenario of each (valgrind --tool=callgrind, if
#     installed: repeatable whatever else the machine does);
#   - the wall time of the full sweep (all CPUs; and its CPU time, which
#     divided by the CPUs is its wall time on an idle machine) and of the
#     vector runs;
#   - kmc-run's records per second and peak memory (RSS) on 10^4, 10^5 and
#     10^6 small records, made here into build/bench/ (the reader streams:
#     the peak should stay flat; python3 reads the child's peak RSS).
# With --base REV (make bench BASE=REV) the first three are also measured on
# git revision REV, built into build/bench/base/: a before and an after
# from one run, on the same machine under the same load.
# Numbers are written down in docs/bench.md, never asserted by a test.
set -eu
cd "$(dirname "$0")/../.."
RUN=build/bin/kmc-run
BASE=
case "${1-}" in
--base)	if [ $# -ne 2 ] || [ -z "$2" ]; then
		echo "usage: $0 [--base REV]" >&2
		exit 64
	fi
	BASE=$2 ;;
-h | --help)
	echo "usage: $0 [--base REV]   (make bench [BASE=REV]; docs/bench.md)"
	exit 0 ;;
"")	;;
*)	echo "usage: $0 [--base REV]" >&2; exit 64 ;;
esac
[ -x "$RUN" ] || { echo "bench: $RUN not built (make)" >&2; exit 1; }

# --base: REV's tree, exported (not checked out) and built apart
BASE_RUN=
if [ -n "$BASE" ]; then
	git rev-parse --verify -q "$BASE^{commit}" >/dev/null ||
		{ echo "bench: --base $BASE: not a commit" >&2; exit 64; }
	dir=build/bench/base
	rm -rf "$dir" && mkdir -p "$dir"
	git archive "$BASE" | tar -x -C "$dir"
	make -s -C "$dir" -j"$(nproc)" build/bin/kmc-run >/dev/null ||
		{ echo "bench: cannot build kmc-run at $BASE" >&2; exit 1; }
	BASE_RUN=$dir/build/bin/kmc-run
	echo "bench: base $BASE = $(git rev-parse --short "$BASE"), built in $dir"
fi

# CMD...: "W s wall, C s CPU" of CMD (its output discarded); CPU is user +
# system of CMD's threads, what the machine's other load does not change
wall_cpu() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.2f s wall, %.2f s CPU" % (t, ru.ru_utime + ru.ru_stime))
PY
}

secs() { # CMD...: wall seconds of CMD (its output discarded)
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

echo "bench: $(uname -m), $(nproc) CPUs online, load $(cut -d' ' -f1-3 /proc/loadavg)"

# RUN [LABEL]: the figures measured on both trees; LABEL marks the base's
evals() {
	run=$1
	at=${2:+ at $2}
	"$run" --sweep --bench --stride 4 | awk -v at="$at" '{ print $0 at }'
	if command -v valgrind >/dev/null 2>&1; then
		sample="--sweep --bench --plane host-bugs --plane vcpu-msrs --stride 997"
		# shellcheck disable=SC2086
		n=$("$run" $sample | awk 'NR == 1 { print $4 }')
		for fn in kmc_model_eval ref_eval; do
			out=$(mktemp)
			# shellcheck disable=SC2086
			valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$fn" \
				"$run" $sample >/dev/null 2>&1
			ir=$(sed -n 's/^summary: //p' "$out")
			rm -f "$out"
			# each side is evaluated once per scenario in --bench
			awk -v f="$fn" -v ir="$ir" -v n="$n" -v at="$at" \
				'BEGIN { printf "bench %-22s %10.0f instructions per scenario (callgrind, %d scenarios)%s\n", f, ir / n, n, at }'
		done
	else
		echo "bench: valgrind not installed, no instruction counts"
	fi
	echo "bench full sweep (model vs ref)   $(wall_cpu "$run" --sweep -q), $(nproc) threads$at"
}

[ -z "$BASE_RUN" ] || evals "$BASE_RUN" "$BASE"
evals "$RUN"
echo "bench vectors through ref         $(secs "$RUN" -q --backend ref vectors/) s wall"
echo "bench vectors through the model   $(secs "$RUN" -q --backend model vectors/) s wall"

# kmc-run streams its vectors (docs/kmc-run.md "Memory"): generated records
# of 4 lines each, through ref; each file is read twice (plan, then run)
mkdir -p build/bench
for n in 10000 100000 1000000; do
	f=build/bench/records-$n.kmv
	[ -s "$f" ] || awk -v n="$n" 'BEGIN {
		print "kmv 1"
		for (i = 0; i < n; i++)
			printf "\nvector bench.%07d profile=6.1\n  host cpu=cascadelake\n  expect cpu_caps=-\n", i
	}' >"$f"
	python3 - "$n" "$RUN" -q --known none "$f" <<'PY'
import resource, subprocess, sys, time
n = int(sys.argv[1])
t = time.monotonic()
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
t = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
# records per CPU second: what the machine's other load does not change
print("bench stream %8d records %10.0f records/s (CPU; %.2f s) %7.1f MB peak RSS  (%.2f s wall%s)"
      % (n, n / cpu, cpu, ru.ru_maxrss / 1024, t, "" if rc == 0 else ", exit %d" % rc))
PY
done
