#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make source-check` (and the start of `make lab`): fetch each kernel line's
# linux-source (cached), extract its tables afresh, say whether they still
# equal the committed ref/tables/linux-LINE.h, and compare the model and ref
# with the fresh ones (build/bin/kmc source-check).  docs/source-check.md.
#
#   harness/tools/source/check.sh [--offline] [--update] [LINE...]
#   harness/tools/source/check.sh --lab [LAB-ARGS...]
# --offline  use what is unpacked under build/source, no apt
# --update   write the fresh tables over ref/tables/ (make source-tables)
# --lab      as harness/lab/run-labs.sh runs it: the lines the labs will boot (their
#            --kernels, default harness/lab/lib.sh's LAB_KERNELS_DEFAULT;
#            "all": every line), the lab's other arguments ignored but
#            --offline; a source that moved or cannot be fetched is a
#            warning, only a mismatch fails
# Exit 0: every table agrees and the committed data is current; 1: a
# mismatch, or Debian's source moved and the committed data differs
# (`make source-tables`, then fix what it reports); 2: setup error.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PROG=source-check
CACHE=${KMC_SOURCE_CACHE:-$ROOT/build/source}
KMC=${KMC:-$ROOT/build/bin/kmc}
PYTHON=${PYTHON:-python3}

fetch_args=()
update=0
lines=()
lab=0
[[ ${1:-} == --lab ]] && { lab=1; shift; }
if ((lab)); then
	# shellcheck disable=SC1091 # LAB_KERNELS_DEFAULT
	kernels=$(. "$ROOT/harness/lab/lib.sh" && echo "$LAB_KERNELS_DEFAULT")
	prev=
	for a in "$@"; do
		[[ $prev == --kernels ]] && kernels=$a
		prev=$a
	done
	[[ " $kernels " == *" all "* ]] || read -ra lines <<<"$kernels"
fi
for a in "$@"; do
	if ((lab)); then
		[[ $a == --offline ]] && fetch_args+=(--offline)
		continue
	fi
	case $a in
	--offline) fetch_args+=(--offline) ;;
	--update) update=1 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "$PROG: unknown option '$a' (see --help)" >&2; exit 2 ;;
	*) lines+=("$a") ;;
	esac
done
[[ -x $KMC ]] || { echo "$PROG: $KMC not built (make all)" >&2; exit 2; }
command -v "$PYTHON" >/dev/null || { echo "$PROG: $PYTHON not found (make deps)" >&2; exit 2; }

t0=$(date +%s%N)
fresh=$CACHE/tables
mkdir -p "$fresh"
rm -f "$fresh"/linux-*.h
if ! status=$(bash "$HERE/fetch.sh" --cache "$CACHE" "${fetch_args[@]}" "${lines[@]}"); then
	((lab)) || exit 2
	# the lab may still run from its own cache: the committed tables stand in
	echo "$PROG: warning: cannot fetch the kernel sources; checking the committed ref/tables/ only" >&2
	"$KMC" source-check
	exit
fi
moved=0
notes=()
while read -r line pkg ver how; do
	"$PYTHON" "$HERE/extract.py" --tree "$CACHE/$line/tree" --line "$line" --package "$pkg" \
		--version "$ver" --out "$fresh/linux-$line.h" || exit 2
	committed=$ROOT/ref/tables/linux-$line.h
	if ((update)); then
		cp "$fresh/linux-$line.h" "$committed"
		notes+=("# $line: $pkg $ver ($how) written to ref/tables/linux-$line.h")
	elif [[ ! -r $committed ]]; then
		notes+=("# $line: $pkg $ver ($how): no committed ref/tables/linux-$line.h (make source-tables)")
		moved=1
	elif cmp -s "$fresh/linux-$line.h" "$committed"; then
		notes+=("# $line: $pkg $ver ($how): the committed ref/tables/linux-$line.h is current")
	else
		notes+=("# $line: $pkg $ver ($how): differs from the committed ref/tables/linux-$line.h:")
		notes+=("$(diff "$committed" "$fresh/linux-$line.h" | sed 's/^/#   /' | head -n 40)")
		moved=1
	fi
done <<<"$status"

rc=0
# KTAP first, then what the fetch found
"$KMC" source-check --tables "$fresh" || rc=1
printf '%s\n' "${notes[@]}"
echo "# source-check: $(((($(date +%s%N) - t0) / 1000000)))ms"
if ((moved && !update)); then
	echo "$PROG: the committed tables are not Debian's current ones: run make source-tables and commit" >&2
	((lab)) || rc=1
fi
exit $rc
