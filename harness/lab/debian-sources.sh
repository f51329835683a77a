#!/usr/bin/env bash
# Write an apt sources file for other Debian suites, derived from this
# machine's own Debian sources. Used by the lab's kernel fetch and by
# kmod/build-debian.sh for their private apt states; the machine's sources
# are only read.
set -euo pipefail
PROG=$(basename "$0")

usage() {
	cat <<EOF
usage: $PROG OUT-BASE SUITE...

Writes OUT-BASE.sources (deb822; OUT-BASE.list when the machine's sources
are in the one-line format) listing SUITE... with component main, and prints
its path. A SUITE ending in -security takes the URI and key of the machine's
security archive (the entry for CODENAME-security), any other SUITE those of
its main archive (the entry for CODENAME itself), CODENAME being this
machine's release (/etc/os-release VERSION_CODENAME).
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

(($# >= 2)) || { [[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }; die "need OUT-BASE and at least one SUITE (see --help)"; }
base=$1
shift
codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
[[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release"
main=() sec=()
for s in "$@"; do
	[[ $s =~ ^[a-z0-9-]+$ ]] || die "'$s' is not a suite name"
	if [[ $s == *-security ]]; then sec+=("$s"); else main+=("$s"); fi
done

# deb822 stanzas: URIs and Signed-By of the stanza whose Suites has WANT.
deb822() {
	local want=$1 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		awk -v want="$want" '
			function flush() {
				if (deb && hit && uris != "") { print uris "\t" signed; exit 0 }
				deb = 0; hit = 0; uris = ""; signed = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			/^URIs:/ { uris = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want) hit = 1 }
			/^Signed-By:/ { signed = $2 }
			END { flush() }
		' "$f"
	done | head -n1
}

# one-line entries: "[opts] URI" of the first "deb" line for WANT.
oneline() {
	local want=$1 f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		awk -v want="$want" '
			$1 != "deb" { next }
			{
				i = 2; opts = ""
				if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts $i " "; i++ } opts = opts $i " "; i++ }
				if ($(i + 1) == want) { print opts $i; exit 0 }
			}
		' "$f"
	done | head -n1
}

m=$(deb822 "$codename")
s=$(deb822 "$codename-security")
if [[ -n $m ]]; then
	out=$base.sources
	{
		# stanza URI SIGNED SUITE...
		stanza() {
			printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n' "$1" "${*:3}"
			[[ -z $2 ]] || printf 'Signed-By: %s\n' "$2"
			printf '\n'
		}
		((${#main[@]} == 0)) || stanza "${m%%$'\t'*}" "${m#*$'\t'}" "${main[@]}"
		if ((${#sec[@]})); then
			[[ -n $s ]] || die "no entry for $codename-security in /etc/apt/sources.list.d/*.sources: cannot derive ${sec[*]}"
			stanza "${s%%$'\t'*}" "${s#*$'\t'}" "${sec[@]}"
		fi
	} >"$out.tmp"
else
	m=$(oneline "$codename")
	[[ -n $m ]] || die "no Debian '$codename' entry in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list{,.d/*.list}"
	s=$(oneline "$codename-security")
	out=$base.list
	{
		for x in "${main[@]}"; do printf 'deb %s %s main\n' "$m" "$x"; done
		if ((${#sec[@]})); then
			[[ -n $s ]] || die "no entry for $codename-security in /etc/apt/sources.list: cannot derive ${sec[*]}"
			for x in "${sec[@]}"; do printf 'deb %s %s main\n' "$s" "$x"; done
		fi
	} >"$out.tmp"
fi
mv "$out.tmp" "$out"
rm -f "$base.sources.tmp" "$base.list.tmp"
# the other format's file from an earlier run would confuse a reader
[[ $out == *.sources ]] && rm -f "$base.list" || rm -f "$base.sources"
printf '%s\n' "$out"
