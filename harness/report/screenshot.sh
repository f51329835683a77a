#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# screenshot.sh HTML PNG [W,H] [DOM]: render HTML in headless Chromium
# (Debian's chromium) into PNG, W x H pixels (default 1400,1000); with DOM,
# also write the DOM Chromium built (--dump-dom) there.  A fresh profile,
# no network: the flags are the ones that work on this kind of machine
# (see docs/results.md).  Each Chromium gets KMC_SHOT_TIMEOUT seconds
# (default 120) and one more try if it hung.  The DOM is built in a window
# of the same size, so a script in the page measures the same layout as the
# PNG shows (the report test does).  Exit status: Chromium's
# (124: it timed out twice).
set -eu
[ $# -ge 2 ] || { echo "usage: screenshot.sh HTML PNG [W,H] [DOM]" >&2; exit 2; }
html=$1
png=$2
size=${3:-1400,1000}
dom=${4:-}
command -v chromium >/dev/null 2>&1 || { echo "screenshot: no chromium (apt-get install chromium)" >&2; exit 127; }
url="file://$(realpath "$html")"
prof=$(mktemp -d "${TMPDIR:-/tmp}/kmc-chromium.XXXXXX")
trap 'rm -rf "$prof"' EXIT INT TERM
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
 --disable-background-networking --disable-component-update --disable-sync
 --disable-extensions --hide-scrollbars --user-data-dir=$prof"
limit=${KMC_SHOT_TIMEOUT:-120}

# chrome ARGS...: one Chromium with a time limit, once more if it hung (seen under load)
chrome() {
	for try in 1 2; do
		rc=0
		# shellcheck disable=SC2086
		timeout -k 5 "$limit" chromium $flags "$@" 2>"$prof/err.log" || rc=$?
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] || break
		echo "screenshot: chromium hung for ${limit}s (try $try)" >&2
	done
	[ "$rc" -eq 0 ] || sed 's/^/    /' "$prof/err.log" >&2
	return "$rc"
}

chrome --window-size="$size" --screenshot="$png" "$url" >/dev/null || exit $?
if [ -n "$dom" ]; then
	chrome --window-size="$size" --dump-dom "$url" >"$dom" || exit $?
fi
