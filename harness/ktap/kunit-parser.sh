#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own KTAP parser -- tools/testing/kunit/kunit_parser.py, run
# as `kunit.py parse` -- to check that what kmc writes is KTAP the kernel's
# tools read (docs/results.md "KUnit's parser").  It comes from Debian's
# linux-source-6.1 package: `apt-get download`, then only
# tools/testing/kunit/*.py out of the source tarball inside, kept in
# build/kunit/linux-source-6.1/ (fetched once; `make clean` forgets it).
#
#   harness/ktap/kunit-parser.sh dir            fetch if needed; print the directory of kunit.py
#   harness/ktap/kunit-parser.sh parse FILE...  parse each FILE as the kernel does; for each, a line
#       FILE: passed:N failed:N crashed:N skipped:N errors:N
#     (kunit's own counts: XFAIL and XPASS are "ok" lines, so passed; an ERROR
#     is "not ok", so failed; errors are the parser's complaints).  Its full
#     output is in FILE.kunit.
#
# Environment: KMC_KUNIT_DIR, a tools/testing/kunit directory to use as it
# is (no fetch); KMC_KUNIT_CACHE (default build/kunit); KMC_KUNIT_PKG
# (default linux-source-6.1; linux-source-6.12 works too); PYTHON.
# Exit status: 0, or 1 if the parser cannot be had or a FILE cannot be read.
set -eu

cache=${KMC_KUNIT_CACHE:-build/kunit}
pkg=${KMC_KUNIT_PKG:-linux-source-6.1}
py=${PYTHON:-python3}

die() {
	echo "kunit-parser: $*" >&2
	exit 1
}

# The directory with kunit.py, fetched into $cache/$pkg on first use
kunit_dir() {
	if [ -n "${KMC_KUNIT_DIR:-}" ]; then
		[ -f "$KMC_KUNIT_DIR/kunit_parser.py" ] ||
			die "KMC_KUNIT_DIR=$KMC_KUNIT_DIR has no kunit_parser.py"
		echo "$KMC_KUNIT_DIR"
		return
	fi
	dir=$cache/$pkg/tools/testing/kunit
	if [ -f "$dir/kunit.py" ] && [ -f "$dir/kunit_parser.py" ]; then
		echo "$dir"
		return
	fi
	for c in apt-get dpkg-deb xz tar; do
		command -v $c >/dev/null 2>&1 || die "$c is needed to fetch $pkg"
	done
	mkdir -p "$cache" || die "cannot create $cache"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || die "mktemp failed"
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	echo "kunit-parser: fetching $pkg (once; about 140 MB) into $cache" >&2
	(cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1) ||
		die "apt-get download $pkg failed: $(tail -n 3 "$tmp/download.log" | tr '\n' ' ')" \
		    "(no network? set KMC_KUNIT_DIR to a kernel tree's tools/testing/kunit)"
	deb=$(ls "$tmp"/*.deb)
	# the .deb holds usr/src/linux-source-X.tar.xz; only tools/testing/kunit is kept
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*.tar.xz' | xz -dc |
		tar -x -C "$tmp" --wildcards "$pkg/tools/testing/kunit/*.py" ||
		die "could not extract tools/testing/kunit from $deb"
	[ -f "$tmp/$pkg/tools/testing/kunit/kunit_parser.py" ] ||
		die "$deb has no tools/testing/kunit/kunit_parser.py"
	dpkg-deb -f "$deb" Package Version >"$tmp/$pkg/SOURCE"
	rm -f "$deb"
	rm -rf "${cache:?}/$pkg"
	mv "$tmp/$pkg" "$cache/$pkg"
	rm -rf "$tmp"
	trap - EXIT
	echo "$dir"
}

case ${1:-} in
dir)
	kunit_dir
	;;
parse)
	shift
	[ $# -gt 0 ] || die "parse needs a FILE"
	dir=$(kunit_dir)
	command -v "$py" >/dev/null 2>&1 || die "$py not found (python3: make deps)"
	for f in "$@"; do
		[ -r "$f" ] || die "$f: cannot read"
		# stdin: kunit.py changes to the kernel tree before it opens a file argument
		"$py" "$dir/kunit.py" parse <"$f" >"$f.kunit" 2>&1 || true
		line=$(sed -n 's/.*Testing complete\. //p' "$f.kunit" | tail -n 1)
		[ -n "$line" ] || die "$f: kunit.py printed no 'Testing complete' line (see $f.kunit)"
		# "Ran 7 tests: passed: 4, failed: 1, skipped: 2" (counts of 0 are left out)
		n() {
			v=$(printf '%s\n' "$line" | sed -n "s/.*[ ,]$1: \([0-9]*\).*/\1/p")
			echo "${v:-0}"
		}
		echo "$f: passed:$(n passed) failed:$(n failed) crashed:$(n crashed) skipped:$(n skipped) errors:$(n errors)"
	done
	;;
*)
	echo "usage: harness/ktap/kunit-parser.sh dir | parse FILE..." >&2
	exit 64
	;;
esac
