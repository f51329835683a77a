#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mutants: does the vector set notice a broken ref?  Each line of
# harness/mutants.txt is FILE, FROM, TO, WHAT (tab-separated): replacing
# the literal text FROM by TO breaks one rule of ref/.  On a copy of the committed tree (git archive HEAD) built
# once, each mutant is applied alone, kmc-run rebuilt and the vectors run
# through ref; with --sweep the sweep runs too.  A mutant no check kills is
# a hole in the vectors (DESIGN.md, "Two implementations, on purpose").
# Exit 1 if a mutant survives the vectors, or if a pattern no longer matches.
set -u
cd "$(dirname "$0")/.."
sweep=0
[ "${1:-}" = --sweep ] && sweep=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
make -s -C "$work" -j2 build/bin/kmc-run >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; echo "mutants: the unmutated tree does not build" >&2; exit 1; }
n=0
killed=0
status=0
while IFS=$'\t' read -r file from to what; do
	case "$file" in '' | '#'*) continue ;; esac
	n=$((n + 1))
	cp "$work/$file" "$work/orig"
	FROM=$from TO=$to perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$work/$file"
	if cmp -s "$work/$file" "$work/orig"; then
		echo "mutant $n: the pattern no longer matches $file: $from"
		status=1
		continue
	fi
	if ! make -s -C "$work" build/bin/kmc-run >"$work/build.log" 2>&1; then
		echo "mutant $n ($file): does not build"
		status=1
	else
		totals=$("$work/build/bin/kmc-run" -q --backend ref "$work/vectors/" | grep '^# Totals:')
		fails=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\) .*/\1/p')
		line="mutant $n ($what, $file): ${fails:-?} vectors fail"
		if [ "${fails:-0}" -gt 0 ]; then
			killed=$((killed + 1))
		else
			line="$line: SURVIVED"
			status=1
		fi
		[ "$sweep" = 0 ] || line="$line; $("$work/build/bin/kmc-run" --sweep -q | tail -n 1)"
		echo "$line"
	fi
	cp "$work/orig" "$work/$file"	# newer mtime: the next make rebuilds it
done <harness/mutants.txt
echo "mutants: $killed of $n killed by the vectors"
exit "$status"
