#!/usr/bin/env bash
# make lab-smoke's check of make lab KERNEL=: Debian's 7.2 from the lab's
# cache, given to the QEMU lab the way a kernel of one's own is given (an
# image and an INSTALL_MOD_PATH directory), must get the same verdicts as the
# packaged path.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--against RESULTDIR] [--own RESULTDIR] [--cache DIR] [--results DIR]

Runs the QEMU lab's smoke subset (qemu-lab.sh --smoke --offline --no-deps
--no-baseline) on the 7.2 kernel of the cache (default build/lab/cache)
given as --own-kernel IMAGE --own-modules DIR, named 'own-7.2', and compares
its lab.ktap with RESULTDIR/lab.ktap (default: the newest smoke run of 7.2
in the results directory, default results/lab, e.g. the one make lab-smoke
has just made): each test, its name's kernel part made neutral, must have
the same verdict (ok, not ok, SKIP, XFAIL) in both, and neither may have a
test the other lacks. --own RESULTDIR compares an earlier run of the own
kernel (named own-7.2) instead of booting one. Prints KTAP (one test);
exit 0 same, 1 different, 2 setup error.
EOF
}

DIE_RC=2
against=
own=
cache=$LAB_CACHE_DEFAULT
results=$KMC_ROOT/results/lab
while (($#)); do
	case "$1" in
	--against) (($# >= 2)) || die "--against needs a results directory"; against=$2; shift ;;
	--own) (($# >= 2)) || die "--own needs a results directory"; own=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--results) (($# >= 2)) || die "--results needs a directory"; results=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
if [[ -z $against ]]; then
	# the newest 7.2 smoke run (results directories are named DATE-TIME_KERNEL)
	for d in $(ls -d "$results"/*_7.2 2>/dev/null | sort -r); do
		grep -q '^run: .*(smoke)' "$d/summary.txt" 2>/dev/null && { against=$d; break; }
	done
	[[ -n $against ]] || die "no smoke run of 7.2 in $results to compare with (run make lab-smoke, or give --against)"
fi
[[ -r $against/lab.ktap ]] || die "$against has no lab.ktap"

mkdir -p "$LAB_BUILD/tmp"
out=$(mktemp -d "$LAB_BUILD/tmp/same-kernel.XXXXXX")
rc=0
if [[ -z $own ]]; then
	env=$(kernel_env "$cache" 7.2)
	[[ -r $env ]] || die "no 7.2 kernel in $cache ($env): run harness/lab/fetch-kernels.sh 7.2"
	# INSTALL_MOD_PATH is what is left of MODDIR without [usr/]lib/modules/KVER
	vmlinuz=$(. "$env" && echo "$VMLINUZ")
	moddir=$(. "$env" && echo "$MODDIR")
	kver=$(. "$env" && echo "$KVER")
	modpath=${moddir%/lib/modules/"$kver"}
	[[ $modpath != "$moddir" ]] || die "$env: MODDIR $moddir does not end in lib/modules/$kver"
	info "QEMU lab smoke on $vmlinuz + $modpath as an own kernel; results in $out"
	set +e
	"$LAB_DIR/qemu-lab.sh" --smoke --offline --no-deps --no-baseline --cache "$cache" --results "$out" \
		--own-kernel "$vmlinuz" --own-modules "$modpath" --own-name own-7.2 >"$out/lab.ktap" 2>"$out/lab.stderr"
	rc=$?
	set -e
	own=$(ls -d "$out"/*_own-7.2 2>/dev/null | head -n1)
fi

# verdicts NAME DASHED KTAP: "VERDICT TEST" per result line, the kernel's name
# in the test name replaced by K (lab.NAME. and the vector ids' .DASHED)
verdicts() {
	awk -v n="lab.$1." -v d=".$2" '
		/^(not )?ok [0-9]+ / {
			v = ($1 == "not") ? "not_ok" : "ok"
			name = ($1 == "not") ? $4 : $3
			if (index(name, n) == 1) name = "lab.K." substr(name, length(n) + 1)
			i = index(name, d)
			if (i && i + length(d) - 1 == length(name)) name = substr(name, 1, i - 1) ".K"
			dir = ""
			if (match($0, / # (SKIP|XFAIL|XPASS)/)) dir = " " substr($0, RSTART + 3, RLENGTH - 3)
			print v, name dir
		}' "$3" | sort
}

echo "KTAP version 1"
echo "1..1"
if [[ -z $own || ! -r $own/lab.ktap ]]; then
	echo "# the lab on the own kernel made no results (qemu-lab.sh exit $rc); $out/lab.stderr:"
	tail -n 15 "$out/lab.stderr" | sed 's/^/#   /'
	echo "not ok 1 lab.same-kernel"
	exit 1
fi
verdicts 7.2 7-2 "$against/lab.ktap" >"$out/packaged.verdicts"
verdicts own-7.2 own-7-2 "$own/lab.ktap" >"$out/own.verdicts"
n=$(wc -l <"$out/own.verdicts")
if ((n > 0)) && cmp -s "$out/packaged.verdicts" "$out/own.verdicts"; then
	echo "# Debian's 7.2 given as image + modules: the same $n verdicts as the packaged path ($against)"
	echo "ok 1 lab.same-kernel"
	exit 0
fi
echo "# Debian's 7.2 given as image + modules ($own) against the packaged path ($against):"
{ diff "$out/packaged.verdicts" "$out/own.verdicts" || true; } | sed -n 's/^</#   packaged:/p; s/^>/#   own:     /p' | head -n 40
echo "not ok 1 lab.same-kernel"
exit 1
