#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build kmod/ (kmc.ko) against Debian's linux-headers packages.
# See usage() and docs/kmod.md.
set -eEuo pipefail
# the kernel build must not see the make variables of a calling make
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
trap 'printf "%s: error: line %s: %s failed\n" "${0##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR

PROG=$(basename "$0")
KMOD_DIR=$(cd "$(dirname "$0")" && pwd)
KMC_ROOT=$(cd "$KMOD_DIR/.." && pwd)
OUT=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}

usage() {
	cat <<EOF
usage: $PROG [--offline] [--refresh] [--kver SERIES=KVER]... [--jobs N] KERNEL...

Builds kmod/ against the Debian linux-headers package of each KERNEL:
  6.1   Debian 12: the headers linux-headers-amd64 depends on
        (linux-headers-6.1.0-N-amd64), else the newest linux-headers-6.1.0-N-amd64
  6.12  Debian 12 (bookworm-security): newest linux-headers-6.12.N+deb12-amd64
  7.2   Debian sid: newest linux-headers-7.2.N+deb14-amd64
  7.3   Debian 13 (trixie-backports): newest linux-headers-7.3.N+deb13-amd64
  5.10  Debian 11 (bullseye-security): newest linux-headers-5.10.0-N-amd64
  all   all five

Package names are resolved with apt-cache at run time. 6.1 and 6.12 use the
system's apt lists; 7.2, 7.3 and 5.10 a private apt state each, under
$OUT/apt-{sid,trixie-backports,bullseye}, whose sources are derived from
the machine's own Debian sources (harness/lab/debian-sources.sh).
The packages (headers, -common, linux-kbuild) are unpacked with dpkg-deb -x
under $OUT/hdr-SERIES/ and the module is built in $OUT/SERIES/:
  $OUT/SERIES/kmc.ko     the module
  $OUT/SERIES/kmc.env    KVER, HDR, CC, PKGS, BUILD_SECONDS
  $OUT/SERIES/build.log  the full kbuild output

The 7.2 headers come from sid and were built with gcc-16 and glibc >= 2.38
(7.3: trixie's gcc-14 and glibc 2.41; 5.10: bullseye's gcc-10).
On Debian 12 the script (1) runs a newer suite's kbuild host tools (fixdep,
modpost, objtool) with that suite's own dynamic loader and libraries, unpacked
next to the headers, when they do not run with the system's C library, and (2) compiles
with the local gcc after switching off, in the private copy of the headers'
configuration, the compiler-capability symbols (CONFIG_CC_HAS_*, ...) that
the local gcc fails, as listed and tested in kmod/compat/cc-features; the
changes are logged in $OUT/hdr-SERIES/cc-reconfig.log. A gcc of the kernel's
own major version on PATH (x86_64-linux-gnu-gcc-16) is used as is.

  --kver SERIES=KVER  use linux-headers-KVER for SERIES (e.g. to match the
                      kernel the lab boots: --kver 6.1=6.1.0-57-amd64)
  --offline           no apt access: reuse what is unpacked under $OUT
  --refresh           refresh the private package lists
  --jobs N            make -j N (default: number of CPUs)
EOF
}

die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}

info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

now_ms() {
	date +%s%3N
}

# secs START_MS: seconds since START_MS with one decimal.
secs() {
	local d=$(($(now_ms) - $1))
	printf '%d.%d' $((d / 1000)) $((d % 1000 / 100))
}

# need_cmd CMD PACKAGE
need_cmd() {
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found (install the Debian package $2)"
}

offline=0
refresh=0
jobs=$(nproc 2>/dev/null || echo 2)
declare -A kver_override=()
series=()
while (($#)); do
	case "$1" in
	--offline) offline=1 ;;
	--refresh) refresh=1 ;;
	--jobs) (($# >= 2)) || die "--jobs needs a number"; jobs=$2; shift ;;
	--kver)
		(($# >= 2)) || die "--kver needs SERIES=KVER"
		[[ $2 == *=* ]] || die "--kver needs SERIES=KVER, got '$2'"
		kver_override[${2%%=*}]=${2#*=}
		shift
		;;
	-h | --help) usage; exit 0 ;;
	all) series+=(5.10 6.1 6.12 7.2 7.3) ;;
	5.10 | 6.1 | 6.12 | 7.2 | 7.3) series+=("$1") ;;
	*) die "unknown argument '$1' (KERNEL is one of 5.10 6.1 6.12 7.2 7.3 all; see --help)" ;;
	esac
	shift
done
((${#series[@]})) || die "no KERNEL given (see --help)"
need_cmd dpkg-deb dpkg
need_cmd make make
mkdir -p "$OUT/debs"

# ---------------------------------------------------------------- apt

APT_PRIV=()
APT_SYS=(-o APT::Sandbox::User=root)
sys_updated=0

sys_update_once() {
	((sys_updated)) && return 0
	sys_updated=1
	info "running apt-get update (system lists)"
	apt-get update -q >&2 || die "apt-get update failed"
}

# candidate APT-OPTS... -- PKG: candidate version of PKG, empty if none.
candidate() {
	local opts=()
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	apt-cache "${opts[@]}" policy "$2" 2>/dev/null |
		awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# newest REGEX APT-OPTS...: newest package name matching REGEX with a candidate.
newest() {
	local re=$1 p
	shift
	apt-cache "$@" pkgnames 2>/dev/null | grep -E "$re" | sort -rV |
		while read -r p; do
			if [[ -n $(candidate "$@" -- "$p") ]]; then
				printf '%s\n' "$p"
				break
			fi
		done
}

# depends_on APT-OPTS... -- PKG REGEX: PKG's direct Depends matching REGEX.
depends_on() {
	local opts=()
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	apt-cache "${opts[@]}" depends "$2" 2>/dev/null |
		awk -v re="$3" '$1 ~ /^\|?Depends:$/ && $2 ~ re && $2 !~ /^</ { print $2 }' |
		sort -u
}

# lib_closure APT-OPTS... -- PKG...: the lib* packages PKG... need, recursively.
lib_closure() {
	local opts=()
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null |
		awk '$1 ~ /^\|?(Pre)?Depends:$/ && $2 ~ /^lib/ && $2 !~ /^</ { print $2 }' |
		sort -u
}

# suite_of SERIES: "NAME SUITE..." of the private apt state SERIES needs
# (empty: the system's); the kbuild sysroot takes its C library from there too.
suite_of() {
	case $1 in
	7.2) echo sid sid ;;
	7.3) echo trixie-backports trixie trixie-backports ;;
	5.10) echo bullseye bullseye bullseye-security ;;
	esac
}

# priv_setup SERIES: private apt state for SERIES under $OUT/apt-NAME, its
# sources derived from the machine's own (harness/lab/debian-sources.sh);
# sets APT_PRIV.
priv_setup() {
	local name suites d src stamp
	read -r name suites <<<"$(suite_of "$1")"
	d=$OUT/apt-$name
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/prefs"
	# an empty dpkg status: candidates are the suite's own versions, never
	# this machine's installed ones (bookworm's libacl1 is newer than bullseye's)
	: >"$d/status"
	# shellcheck disable=SC2086 # suites: one word each
	src=$("$KMC_ROOT/harness/lab/debian-sources.sh" "$d/$name" $suites) || die "cannot write the sources for $suites"
	# the machine's apt hooks (an AppStream refresh after every update) are
	# about its own lists, not these
	printf '#clear APT::Update::Post-Invoke-Success;\n#clear APT::Update::Post-Invoke;\n' >"$d/no-hooks.conf"
	APT_PRIV=(
		-c "$d/no-hooks.conf"
		-o "Dir::Etc::sourcelist=$src"
		-o Dir::Etc::sourceparts=/nonexistent
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d/cache"
		-o "Dir::Etc::preferencesparts=$d/prefs"
		-o "Dir::State::status=$d/status"
		-o APT::Sandbox::User=root
	)
	stamp=$d/lists/.kmc-updated
	# lists older than a day, or fetched for other sources, are updated
	if ((refresh)) || [[ ! -e $stamp ]] || [[ -n $(find "$stamp" -mmin +1440) ]] ||
		! cmp -s "$src" "$d/lists/.kmc-sources"; then
		info "updating the private package lists ($suites) in $d"
		apt-get "${APT_PRIV[@]}" update -q >&2 ||
			die "apt-get update of the private lists failed (sources: $src)"
		cp "$src" "$d/lists/.kmc-sources"
		touch "$stamp"
	fi
}

# fetch_debs APT-OPTS... -- PKG...: download PKG (candidate versions) into
# $OUT/debs unless already there; prints the .deb paths.
fetch_debs() {
	local opts=() p v deb
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	for p in "$@"; do
		v=$(candidate "${opts[@]}" -- "$p")
		[[ -n $v ]] || die "package $p has no installable candidate (apt-cache policy $p)"
		# apt-get download spells an epoch "N:" as "N%3a" in the file name
		deb=$(find "$OUT/debs" -maxdepth 1 -name "${p}_${v//:/%3a}_*.deb" -print -quit)
		if [[ -z $deb ]]; then
			info "downloading $p=$v"
			(cd "$OUT/debs" && apt-get "${opts[@]}" download -q "$p=$v" >&2) ||
				die "apt-get download $p=$v failed"
			deb=$(find "$OUT/debs" -maxdepth 1 -name "${p}_${v//:/%3a}_*.deb" -print -quit)
			[[ -n $deb ]] || die "apt-get download $p=$v left no .deb in $OUT/debs"
		fi
		printf '%s\n' "$deb"
	done
}

# -------------------------------------------------------- resolve, unpack

# resolve SERIES: sets HDR_PKG and APT_OPTS for SERIES.
resolve() {
	local s=$1 re priv
	APT_OPTS=("${APT_SYS[@]}")
	priv=$(suite_of "$s")
	if [[ -n $priv ]]; then
		priv_setup "$s"
		APT_OPTS=("${APT_PRIV[@]}")
	fi
	if [[ -n ${kver_override[$s]:-} ]]; then
		HDR_PKG=linux-headers-${kver_override[$s]}
		[[ -n $(candidate "${APT_OPTS[@]}" -- "$HDR_PKG") ]] || {
			[[ -n $priv ]] || sys_update_once
			[[ -n $(candidate "${APT_OPTS[@]}" -- "$HDR_PKG") ]] ||
				die "$s: --kver asks for $HDR_PKG, which apt does not know"
		}
		return 0
	fi
	case $s in
	5.10) re='^linux-headers-5\.10\.0-[0-9]+-amd64$' ;;
	6.1) re='^linux-headers-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) re='^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' ;;
	7.2) re='^linux-headers-7\.2\.[0-9]+\+deb14-amd64$' ;;
	7.3) re='^linux-headers-7\.3\.[0-9]+\+deb13-amd64$' ;;
	esac
	HDR_PKG=
	if [[ $s == 6.1 ]]; then
		HDR_PKG=$(depends_on "${APT_OPTS[@]}" -- linux-headers-amd64 "$re" | head -n1)
	fi
	[[ -n $HDR_PKG ]] || HDR_PKG=$(newest "$re" "${APT_OPTS[@]}")
	if [[ -z $HDR_PKG && -z $priv ]]; then
		sys_update_once
		HDR_PKG=$(depends_on "${APT_OPTS[@]}" -- linux-headers-amd64 "$re" | head -n1)
		[[ -n $HDR_PKG ]] || HDR_PKG=$(newest "$re" "${APT_OPTS[@]}")
	fi
	[[ -n $HDR_PKG ]] || die "$s: no package matching $re (apt sources: ${priv:-system})"
}

# hdr_fixup ROOT: the packages name their own files by absolute /usr/...
# paths; point those at ROOT.
hdr_fixup() {
	local root=$1 f
	for f in "$root"/usr/src/linux-headers-*/Makefile; do
		grep -q '/usr/src/' "$f" || continue
		sed -i -E "s#([ =])/usr/src/#\\1$root/usr/src/#g" "$f"
	done
}

# unpack SERIES: fetch and unpack the headers of SERIES; sets HDR KVER PKGS.
unpack() {
	local s=$1 dir=$OUT/hdr-$1 common kbuild debs=() pkgs=() stamp d
	if ((offline)); then
		[[ -r $dir/hdr.env ]] || die "$s: --offline but nothing unpacked in $dir"
		# shellcheck disable=SC1091
		. "$dir/hdr.env"
		host_tools_run "$dir/root" || sysroot_setup "$s" "$dir" ""
		return 0
	fi
	resolve "$s"
	common=$(depends_on "${APT_OPTS[@]}" -- "$HDR_PKG" '^linux-headers-.*-common$' | head -n1)
	kbuild=$(depends_on "${APT_OPTS[@]}" -- "$HDR_PKG" '^linux-kbuild-' | head -n1)
	[[ -n $common ]] || die "$s: $HDR_PKG depends on no linux-headers-*-common package"
	[[ -n $kbuild ]] || die "$s: $HDR_PKG depends on no linux-kbuild-* package"
	pkgs=("$HDR_PKG" "$common" "$kbuild")
	d=$(fetch_debs "${APT_OPTS[@]}" -- "${pkgs[@]}") || exit 1
	mapfile -t debs <<<"$d"
	stamp=$(for d in "${debs[@]}"; do basename "$d"; done | tr '\n' ' ')
	if [[ -r $dir/hdr.env ]] && grep -qxF "DEBS='$stamp'" "$dir/hdr.env"; then
		# shellcheck disable=SC1091
		. "$dir/hdr.env"
		info "$s: headers $KVER already unpacked in $dir"
		host_tools_run "$dir/root" || sysroot_setup "$s" "$dir" "$kbuild"
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for d in "${debs[@]}"; do
		info "unpacking $(basename "$d")"
		dpkg-deb -x "$d" "$dir/root" || die "dpkg-deb -x $d failed"
	done
	hdr_fixup "$dir/root"
	HDR=$dir/root/usr/src/${HDR_PKG}
	KVER=${HDR_PKG#linux-headers-}
	[[ -r $HDR/Makefile && -r $HDR/.config ]] || die "$s: $HDR has no Makefile or .config"
	PKGS="${pkgs[*]}"
	host_tools_run "$dir/root" || sysroot_setup "$s" "$dir" "$kbuild"
	cat >"$dir/hdr.env" <<EOF
# written by kmod/build-debian.sh
KVER='$KVER'
HDR='$HDR'
PKGS='$PKGS'
DEBS='$stamp'
EOF
}

# ------------------------------------------- host tools of a newer Debian

# host_programs ROOT: the ELF programs of the headers and kbuild trees.
host_programs() {
	local f
	while IFS= read -r -d '' f; do
		if is_elf_exec "$f"; then
			printf '%s\n' "$f"
		fi
	done < <(find "$1/usr/lib" "$1/usr/src" -type f -perm -u+x ! -name '*.real' -print0)
	return 0
}

# host_tools_run ROOT: can the system's dynamic loader run every kbuild host
# program (fixdep, modpost, objtool, ...)? (ldd only loads, never runs them.)
host_tools_run() {
	local f out progs
	progs=$(host_programs "$1")
	while IFS= read -r f; do
		[[ -n $f ]] || continue
		out=$(ldd "$f" 2>&1 || true)
		[[ $out == *'not a dynamic executable'* ]] && continue
		if grep -q 'not found' <<<"$out"; then
			return 1
		fi
	done <<<"$progs"
	return 0
}

# is_elf_exec FILE
is_elf_exec() {
	[[ -f $1 && -x $1 && ! -L $1 ]] && [[ $(head -c4 "$1" | od -An -c | tr -d ' ') == 177ELF ]]
}

# sysroot_setup SERIES DIR KBUILD-PKG: unpack the libraries the linux-kbuild
# package depends on (recursively, from the same suite) under DIR/sysroot and
# wrap every ELF program of the headers and kbuild trees so it runs with that
# sysroot's dynamic loader. The system's libraries are not touched.
sysroot_setup() {
	local s=$1 dir=$2 kbuild=$3 libs=() debs=() d ldso libpath f out n=0
	((offline)) && die "$s: --offline, but the kbuild host tools need a sysroot that is not unpacked yet"
	d=$(lib_closure "${APT_OPTS[@]}" -- "$kbuild" libc6) || exit 1
	mapfile -t libs <<<"$d"
	((${#libs[@]})) || die "$s: cannot list the libraries $kbuild depends on"
	info "$s: kbuild host tools need another C library or its libraries; unpacking ${#libs[@]} library packages: ${libs[*]}"
	d=$(fetch_debs "${APT_OPTS[@]}" -- "${libs[@]}") || exit 1
	mapfile -t debs <<<"$d"
	mkdir -p "$dir/sysroot"
	for d in "${debs[@]}"; do
		dpkg-deb -x "$d" "$dir/sysroot" || die "dpkg-deb -x $d failed"
	done
	# the loader itself; bullseye's ld-linux-x86-64.so.2 is a link to ld-2.31.so
	ldso=$(find "$dir/sysroot" \( -name 'ld-linux-x86-64.so.2' -o -name 'ld-2.*.so' \) -type f -print -quit)
	[[ -n $ldso ]] || die "$s: no ld-linux-x86-64.so.2 in the unpacked libc6"
	libpath=$dir/sysroot/usr/lib/x86_64-linux-gnu:$dir/sysroot/lib/x86_64-linux-gnu
	# --argv0 needs glibc 2.33; bullseye's 2.31 loader lacks it (the tools
	# then see their .real name, which they only print)
	argv0=()
	"$ldso" --help 2>/dev/null | grep -q -- '--argv0' && argv0=(--argv0 '"$0"')
	while IFS= read -r f; do
		# only what the system's loader cannot run (5.10's modpost is a
		# dispatcher that execs its argv[0] plus a suffix: left alone)
		{ ldd "$f" 2>&1 || true; } | grep -q 'not found' || continue
		mv "$f" "$f.real"
		cat >"$f" <<EOF
#!/bin/sh
# written by kmod/build-debian.sh: run with the C library of its own suite
exec '$ldso' --library-path '$libpath' ${argv0[*]} '$f.real' "\$@"
EOF
		chmod +x "$f"
		n=$((n + 1))
	done < <(host_programs "$dir/root")
	info "$s: wrapped $n host programs"
	f=$(find "$dir/root/usr/lib" -path '*/scripts/basic/fixdep' -type f -print -quit)
	out=$("$f" 2>&1 || true)
	[[ $out == *Usage* ]] || die "$s: kbuild host tools still do not run with the sysroot in $dir/sysroot: $out"
}

# ------------------------------------------------------------------ build

# pick_cc: sets CC_ARGS (make variables) and CC_DESC for the headers in
# $HDR; RECONFIG=1 when the local gcc is not the kernel's own major version.
pick_cc() {
	local want ver have cfg
	want=$(cat "$HDR/Makefile" "$HDR/.kernelvariables" 2>/dev/null |
		sed -n -E 's/^CC = .*[) ](gcc-[0-9]+)$/\1/p' | head -n1)
	cfg=$HDR/.config
	[[ -e $cfg.kmc-orig ]] && cfg=$cfg.kmc-orig
	ver=$(sed -n -E 's/^CONFIG_GCC_VERSION=([0-9]+)$/\1/p' "$cfg")
	[[ -n $ver ]] || die "$HDR/.config has no CONFIG_GCC_VERSION (not a gcc-built kernel?)"
	CC_ARGS=()
	RECONFIG=0
	for have in "x86_64-linux-gnu-$want" "$want"; do
		[[ -n $want ]] || break
		if command -v "$have" >/dev/null 2>&1; then
			CC_ARGS=("CC=$have")
			CC_DESC=$have
			return 0
		fi
	done
	have=$(command -v gcc || true)
	[[ -n $have ]] || die "no gcc on PATH (install gcc)"
	RECONFIG=1
	CC_ARGS=("CC=$have" "HOSTCC=$have")
	CC_DESC="gcc $($have -dumpfullversion) (kernel configured for ${want:-gcc} $ver; see $OUT/hdr-$SERIES/cc-reconfig.log)"
}

# cc_probe KIND TEST VALUE: does the local gcc pass the test of one symbol?
cc_probe() {
	local kind=$1 test=$2 value=$3 cc
	cc=${CC_ARGS[0]#CC=}
	case $kind in
	val)
		value=${value#\"}
		value=${value%\"}
		# shellcheck disable=SC2086
		"$cc" -Werror $value -c -x c /dev/null -o /dev/null 2>/dev/null
		;;
	opt)
		# shellcheck disable=SC2086
		"$cc" -Werror $test -c -x c /dev/null -o /dev/null 2>/dev/null
		;;
	src)
		printf '%s\n' "$test" | "$cc" -Werror -x c - -c -o /dev/null 2>/dev/null
		;;
	*) return 2 ;;
	esac
}

# cc_set_value SYM VALUE: set CONFIG_SYM in the three configuration files.
cc_set_value() {
	local sym=$1 val=$2 q
	q=$(printf '%s' "$val" | sed -e 's/[\\&#]/\\&/g')
	if [[ $val == \"* ]]; then
		sed -i "s#^CONFIG_$sym=.*#CONFIG_$sym=$q#" "$HDR/.config"
		sed -i "s#^\#define CONFIG_$sym .*#\#define CONFIG_$sym $q#" "$HDR/include/generated/autoconf.h"
		if grep -q "^CONFIG_$sym=\"" "$HDR/include/config/auto.conf"; then
			sed -i "s#^CONFIG_$sym=.*#CONFIG_$sym=$q#" "$HDR/include/config/auto.conf"
		else
			q=$(printf '%s' "${val:1:${#val}-2}" | sed -e 's/[\\&#]/\\&/g')
			sed -i "s#^CONFIG_$sym=.*#CONFIG_$sym=$q#" "$HDR/include/config/auto.conf"
		fi
		return 0
	fi
	sed -i "s#^CONFIG_$sym=.*#CONFIG_$sym=$q#" "$HDR/.config" "$HDR/include/config/auto.conf"
	sed -i "s#^\#define CONFIG_$sym .*#\#define CONFIG_$sym $q#" "$HDR/include/generated/autoconf.h"
}

# cc_unset SYM: switch CONFIG_SYM off in the three configuration files.
cc_unset() {
	sed -i "s/^CONFIG_$1=.*/# CONFIG_$1 is not set/" "$HDR/.config"
	sed -i "/^CONFIG_$1=/d" "$HDR/include/config/auto.conf"
	sed -i "/^#define CONFIG_$1 /d" "$HDR/include/generated/autoconf.h"
}

# cc_restore: undo cc_reconfig (a gcc of the kernel's version is here now).
cc_restore() {
	local f
	for f in .config include/config/auto.conf include/generated/autoconf.h; do
		[[ -e $HDR/$f.kmc-orig ]] && mv "$HDR/$f.kmc-orig" "$HDR/$f"
	done
	rm -f "$OUT/hdr-$SERIES/cc-reconfig.log"
}

# cc_reconfig: make the private copy of the headers' configuration true for
# the local gcc (kmod/compat/cc-features says how, and why).
cc_reconfig() {
	local f sym val kind test cc v log off=() kept=() unprobed=()
	local -A kinds=() tests=()
	log=$OUT/hdr-$SERIES/cc-reconfig.log
	for f in .config include/config/auto.conf include/generated/autoconf.h; do
		[[ -e $HDR/$f.kmc-orig ]] || cp -p "$HDR/$f" "$HDR/$f.kmc-orig"
		cp -p "$HDR/$f.kmc-orig" "$HDR/$f"
	done
	while read -r sym kind test; do
		[[ -z $sym || $sym == \#* ]] && continue
		kinds[$sym]=$kind
		tests[$sym]=$test
	done <"$KMOD_DIR/compat/cc-features"
	while IFS='=' read -r sym val; do
		sym=${sym#CONFIG_}
		if [[ -z ${kinds[$sym]:-} ]]; then
			[[ $sym == CC_HAS_* || $sym == CC_OPT_* ]] && unprobed+=("$sym")
			continue
		fi
		if cc_probe "${kinds[$sym]}" "${tests[$sym]}" "$val"; then
			kept+=("$sym")
		else
			off+=("$sym")
			cc_unset "$sym"
		fi
	done < <(grep -E '^CONFIG_(CC|GCC)_[A-Z0-9_]+=' "$HDR/.config.kmc-orig")
	cc=${CC_ARGS[0]#CC=}
	v=$("$cc" -dumpfullversion)
	IFS=. read -r a b c <<<"$v"
	cc_set_value GCC_VERSION $((a * 10000 + ${b:-0} * 100 + ${c:-0}))
	cc_set_value CC_VERSION_TEXT "\"$("$cc" --version | head -n1)\""
	{
		echo "# kmod/build-debian.sh: configuration of $KVER adjusted for $("$cc" --version | head -n1)"
		echo "# originals: *.kmc-orig next to .config, auto.conf, autoconf.h"
		echo "GCC_VERSION $(grep -E '^CONFIG_GCC_VERSION=' "$HDR/.config.kmc-orig" | cut -d= -f2) -> $((a * 10000 + ${b:-0} * 100 + ${c:-0}))"
		for sym in "${off[@]}"; do echo "off $sym"; done
		for sym in "${kept[@]}"; do echo "kept $sym"; done
		for sym in "${unprobed[@]}"; do echo "unprobed $sym (kept)"; done
	} >"$log"
	info "$SERIES: configuration adjusted for gcc $v: off: ${off[*]:-none}; not probed (kept): ${unprobed[*]:-none}"
}

# pick_btf: module BTF needs pahole at least as new as the kernel's; without
# one, build without it (the harness does not need the module's own BTF).
pick_btf() {
	local want have
	BTF_ARGS=()
	grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$HDR/.config" || return 0
	want=$(sed -n -E 's/^CONFIG_PAHOLE_VERSION=([0-9]+)$/\1/p' "$HDR/.config")
	have=$({ pahole --version 2>/dev/null || true; } | sed -n -E 's/^v?([0-9]+)\.([0-9]+).*/\1\2/p')
	if [[ -n $have && -n $want ]] && ((have >= want)); then
		return 0
	fi
	BTF_ARGS=(CONFIG_DEBUG_INFO_BTF_MODULES=)
	info "$KVER: no module BTF (kernel used pahole ${want:-?}, here: ${have:-none})"
}

# build SERIES
build() {
	local s=$1 bdir=$OUT/$1 t0 rc=0 warns
	SERIES=$s
	unpack "$s"
	pick_cc
	if ((RECONFIG)); then
		cc_reconfig
	else
		cc_restore
	fi
	pick_btf
	rm -rf "$bdir"
	mkdir -p "$bdir/src"
	cp -p "$KMOD_DIR"/Kbuild "$KMOD_DIR"/*.c "$KMOD_DIR"/*.h "$bdir/src/" 2>/dev/null || true
	[[ -r $bdir/src/Kbuild ]] || die "no kmod/Kbuild"
	info "$s: building against $KVER with $CC_DESC"
	t0=$(now_ms)
	make -C "$HDR" M="$bdir/src" -j"$jobs" "${CC_ARGS[@]}" "${BTF_ARGS[@]}" modules >"$bdir/build.log" 2>&1 || rc=$?
	BUILD_SECONDS=$(secs "$t0")
	if ((rc)); then
		tail -n 40 "$bdir/build.log" >&2
		die "$s: build against $KVER failed (rc $rc); full log: $bdir/build.log"
	fi
	cp "$bdir/src/kmc.ko" "$bdir/kmc.ko"
	cat >"$bdir/kmc.env" <<EOF
# written by kmod/build-debian.sh
SERIES='$s'
KVER='$KVER'
HDR='$HDR'
PKGS='$PKGS'
CC='$CC_DESC'
BUILD_SECONDS='$BUILD_SECONDS'
KO='$bdir/kmc.ko'
EOF
	# without module BTF, kbuild's "pahole version differs" warning is moot
	warns=$(grep -iE '(^|[^-])warning:' "$bdir/build.log" |
		{ if ((${#BTF_ARGS[@]})); then grep -v 'pahole version differs'; else cat; fi; } |
		sort -u | head -n 20 || true)
	if [[ -n $warns ]]; then
		info "$s: the build printed warnings (see $bdir/build.log):"
		printf '%s\n' "$warns" >&2
	fi
	printf '%s\t%s\t%s\t%ss\t%s\n' "$s" "$KVER" "$bdir/kmc.ko" "$BUILD_SECONDS" "$CC_DESC"
}

printf '# series\tkver\tmodule\tbuild time\tcompiler\n'
for s in "${series[@]}"; do
	build "$s"
done
