#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-source-X for each line of harness/tools/source/lines.txt and
# unpack only the files harness/tools/source/extract.py reads (docs/source-check.md).
set -euo pipefail

PROG=$(basename "$0")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

# the only files the extraction reads, relative to the tree's top (patterns:
# KVM's define is in x86.c, from 7.3 in msrs.c)
FILES="arch/x86/kernel/cpu/common.c arch/x86/include/asm/intel-family.h
arch/x86/kvm/*.c arch/x86/include/asm/msr-index.h
arch/x86/include/asm/cpufeatures.h drivers/base/cpu.c"

usage() {
	cat <<EOF
usage: $PROG [--cache DIR] [--lines FILE] [--offline] [--refresh] [LINE...]

For each LINE (default: every line of harness/tools/source/lines.txt) resolve the
newest version of its linux-source package with apt-cache, download the .deb
with 'apt-get download' and unpack from its tarball only the files the
extraction reads, into DIR/LINE/tree/ (default DIR: build/source).
DIR/LINE/source.env names the package and version.  A line already unpacked
at the resolved version is reused: a cached run costs only the apt-cache look-up.

Suites other than "system" use a private apt state under DIR/apt-SUITE
whose sources file points the machine's own Debian mirror (from
'apt-get indextargets') at that suite; its lists are refreshed once a day.

  --cache DIR   where debs and unpacked files go (default build/source)
  --lines FILE  the lines table (default harness/tools/source/lines.txt)
  --offline     no apt access: use what is unpacked, fail if a line is not
  --refresh     refresh private package lists even if they are recent
Prints one line per kernel line: LINE PACKAGE VERSION (cached|fetched|offline).
Exit 0 all lines ready, 2 setup error (message on stderr).
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 2
}
info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

cache=$ROOT/build/source
lines=$HERE/lines.txt
offline=0
refresh=0
want=()
while (($#)); do
	case "$1" in
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--lines) (($# >= 2)) || die "--lines needs a file"; lines=$2; shift ;;
	--offline) offline=1 ;;
	--refresh) refresh=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) want+=("$1") ;;
	esac
	shift
done
[[ -r $lines ]] || die "cannot read the lines table $lines"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# lines_table: "line package suite" rows without comments
lines_table() {
	awk '!/^[ \t]*(#|$)/ { if (NF != 3) { print FILENAME ": line " NR ": want LINE PACKAGE SUITE" > "/dev/stderr"; exit 1 } print $1, $2, $3 }' "$lines"
}

# mirror SUITE: the Debian mirror URI this machine uses for that kind of suite
mirror() {
	local kind=main uri
	[[ $1 == *-security ]] && kind=security
	uri=$(apt-get indextargets --format '$(REPO_URI) $(SUITE) $(CODENAME)' 2>/dev/null |
		awk -v k="$kind" '($2 ~ /-security$/) == (k == "security") && $2 !~ /-(updates|backports)$/ { print $1; exit }')
	[[ -n $uri ]] || die "no Debian $kind mirror in this machine's apt sources (apt-get indextargets); cannot reach suite $1"
	printf '%s\n' "$uri"
}

APT=()
# apt_state SUITE: sets APT to the options of the private apt state for SUITE
apt_state() {
	local s=$1 d=$cache/apt-$1 stamp
	APT=(-o APT::Sandbox::User=root)
	[[ $s == system ]] && return 0
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc/preferences.d"
	if [[ ! -s $d/etc/sources.list ]]; then
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$(mirror "$s")" "$s" >"$d/etc/sources.list"
	fi
	APT+=(-o "Dir::Etc::sourcelist=$d/etc/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		-o "Dir::Etc::preferencesparts=$d/etc/preferences.d")
	stamp=$d/lists/.kmc-updated
	if ((refresh)) || [[ ! -e $stamp ]] || [[ -n $(find "$stamp" -mmin +1440 2>/dev/null) ]]; then
		info "updating the private $s package lists in $d"
		apt-get "${APT[@]}" update -q >&2 || die "apt-get update of the private $s lists failed ($d/etc/sources.list)"
		touch "$stamp"
	fi
}

# candidate PKG: the version apt would take, empty if none
candidate() {
	{ apt-cache "${APT[@]}" policy "$1" 2>/dev/null || true; } |
		awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# unpack DEB DIR: only $FILES of the tarball inside DEB, into DIR/tree
unpack() {
	local deb=$1 dir=$2 tarball top members=() unz
	tarball=$(dpkg-deb -c "$deb" | awk '$NF ~ /^\.\/usr\/src\/linux-source-[0-9.]+\.tar\.(xz|gz|bz2)$/ { print $NF; exit }')
	[[ -n $tarball ]] || die "$deb holds no usr/src/linux-source-*.tar.* (dpkg-deb -c)"
	top=$(basename "$tarball")
	top=${top%.tar.*}
	for f in $FILES; do members+=("$top/$f"); done
	rm -rf "$dir/tree.new"
	mkdir -p "$dir/tree.new"
	info "unpacking ${#members[@]} files of $top from $(basename "$deb")"
	case $tarball in
	*.xz) unz=(xz -dc) ;; *.gz) unz=(gzip -dc) ;; *) unz=(bzip2 -dc) ;;
	esac
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "$tarball" | "${unz[@]}" |
		tar -xf - --wildcards --strip-components=1 -C "$dir/tree.new" "${members[@]}" ||
		die "could not unpack $FILES from $tarball in $deb"
	rm -rf "$dir/tree"
	mv "$dir/tree.new" "$dir/tree"
}

# fetch LINE PACKAGE SUITE
fetch() {
	local line=$1 pkg=$2 suite=$3 dir=$cache/$1 ver deb
	if ((offline)); then
		[[ -r $dir/source.env && -d $dir/tree ]] ||
			die "$line: nothing unpacked in $dir and --offline given"
		# shellcheck disable=SC1091
		(. "$dir/source.env" && printf '%s %s %s offline\n' "$line" "$PACKAGE" "$VERSION")
		return 0
	fi
	apt_state "$suite"
	ver=$(candidate "$pkg")
	if [[ -z $ver && $suite == system ]]; then
		info "$pkg unknown to apt: running apt-get update"
		apt-get update -q >&2 || die "apt-get update failed"
		ver=$(candidate "$pkg")
	fi
	[[ -n $ver ]] || die "$line: no installable $pkg in suite '$suite' (apt-cache policy $pkg)"
	if [[ -r $dir/source.env && -d $dir/tree ]] && grep -qxF "VERSION='$ver'" "$dir/source.env"; then
		printf '%s %s %s cached\n' "$line" "$pkg" "$ver"
		return 0
	fi
	mkdir -p "$cache/debs" "$dir"
	deb=$cache/debs/${pkg}_${ver/*:/}_all.deb
	if [[ ! -s $deb ]]; then
		info "downloading $pkg=$ver"
		(cd "$cache/debs" && apt-get "${APT[@]}" download -q "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
		[[ -s $deb ]] || die "apt-get download $pkg=$ver did not produce $deb"
	fi
	unpack "$deb" "$dir"
	printf "PACKAGE='%s'\nVERSION='%s'\n" "$pkg" "$ver" >"$dir/source.env"
	# the .deb is only needed again when the extraction's file list grows
	rm -f "$deb"
	printf '%s %s %s fetched\n' "$line" "$pkg" "$ver"
}

for w in "${want[@]}"; do
	lines_table | awk -v w="$w" '$1 == w { f = 1 } END { exit !f }' ||
		die "no line '$w' in $lines"
done
while read -r line pkg suite; do
	if ((${#want[@]})); then
		hit=0
		for w in "${want[@]}"; do [[ $w == "$line" ]] && hit=1; done
		((hit)) || continue
	fi
	fetch "$line" "$pkg" "$suite"
done < <(lines_table)
