#!/usr/bin/env bash
# Download and unpack Debian's kernels for the emulated lab.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [--cache DIR] [--refresh] [--offline] KERNEL...

KERNEL is one of:
  6.1   Debian 12: the image linux-image-amd64 depends on (linux-image-6.1.0-N-amd64)
  6.12  Debian 12 (bookworm-security): newest linux-image-6.12.*+deb12-amd64[-unsigned]
  7.2   Debian sid: newest linux-binary-7.2.*+deb14-amd64 + linux-modules-7.2.*+deb14-amd64
  7.3   Debian 13 (trixie-backports): newest linux-binary-7.3.*+deb13-amd64
        + linux-modules-7.3.*+deb13-amd64
  5.10  Debian 11 (bullseye-security): newest linux-image-5.10.0-N-amd64

Package names are resolved at run time with apt-cache. 6.1 and 6.12 use the
system's apt state (running 'apt-get update' once if the package is unknown).
7.2, 7.3 and 5.10 each use a private apt state under the cache,
CACHE/apt-{sid,trixie-backports,bullseye}, whose sources file
debian-sources.sh derives at run time from the machine's own Debian sources
(other suites, same archives); the system's apt state is not touched.

Each kernel is fetched with 'apt-get download' and unpacked with 'dpkg -x' into
  CACHE/kernel-SERIES/root/
and described by CACHE/kernel-SERIES/kernel.env (KVER, VMLINUZ, MODDIR, PKGS...).
A kernel already unpacked at the resolved version is reused (idempotent).

  --cache DIR  cache directory (default: build/lab/cache in the repository)
  --refresh    refresh the private package lists even if they are recent
  --offline    no apt access: reuse whatever is unpacked in the cache
EOF
}

cache=$LAB_CACHE_DEFAULT
refresh=0
offline=0
series=()
while (($#)); do
	case "$1" in
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--cache=*) cache=${1#*=} ;;
	--refresh) refresh=1 ;;
	--offline) offline=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) check_series "$1"; series+=("$1") ;;
	esac
	shift
done
((${#series[@]})) || die "no KERNEL given (see --help)"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
need_cmd dpkg-deb flock
# one fetch at a time per cache (make lab runs both emulated labs at once)
hold_lock "$cache/.fetch.lock" "another fetch into $cache"

sys_updated=0
APT_PRIV=()

# apt_sys ARGS...: apt-cache/apt-get against the system's state.
sys_update_once() {
	((sys_updated)) && return 0
	sys_updated=1
	info "running apt-get update (system lists)"
	apt-get update -q >&2 || die "apt-get update failed"
}

# candidate [APT-OPTS...] -- PKG: candidate version of PKG, empty if none.
candidate() {
	local opts=()
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	{ apt-cache "${opts[@]}" policy "$1" 2>/dev/null || true; } | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# newest_pkg REGEX [APT-OPTS...]: newest package name matching REGEX that has a candidate.
newest_pkg() {
	local re=$1 p
	shift
	{ apt-cache "$@" pkgnames 2>/dev/null || true; } | { grep -E "$re" || true; } | sort -rV | while read -r p; do
		if [[ -n $(candidate "$@" -- "$p") ]]; then
			printf '%s\n' "$p"
			break
		fi
	done
}

# suite_setup NAME SUITE...: private apt state for SUITE... under
# CACHE/apt-NAME (sources from debian-sources.sh); sets APT_PRIV, APT_PRIV_DIR.
suite_setup() {
	local name=$1 d=$cache/apt-$1 src stamp
	shift
	APT_PRIV_DIR=$d
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc/preferences.d"
	src=$("$LAB_DIR/debian-sources.sh" "$d/etc/$name" "$@") || die "cannot write the sources for $*"
	# the machine's apt hooks (an AppStream refresh after every update: minutes
	# on a busy machine) are about its own lists, not these
	printf '#clear APT::Update::Post-Invoke-Success;\n#clear APT::Update::Post-Invoke;\n' >"$d/etc/no-hooks.conf"
	APT_PRIV=(
		-c "$d/etc/no-hooks.conf"
		-o "Dir::Etc::sourcelist=$src"
		-o Dir::Etc::sourceparts=/nonexistent
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d/cache"
		-o "Dir::Etc::preferencesparts=$d/etc/preferences.d"
		-o APT::Sandbox::User=root
	)
	stamp=$d/lists/.kmc-updated
	# lists older than a day, or fetched for other sources, are updated
	if ((refresh)) || [[ ! -e $stamp ]] || [[ -n $(find "$stamp" -mmin +1440 2>/dev/null) ]] ||
		! cmp -s "$src" "$d/lists/.kmc-sources"; then
		info "updating private package lists ($*) in $d"
		apt-get "${APT_PRIV[@]}" update -q >&2 || die "apt-get update of the private lists failed (sources: $src)"
		cp "$src" "$d/lists/.kmc-sources"
		touch "$stamp"
	fi
}

# download_unpack DIR PKG=VER...: fetch debs into CACHE/debs, unpack into DIR/root.
download_unpack() {
	local dir=$1 pv p v deb aopts=()
	shift
	if [[ ${1:-} == --private ]]; then aopts=("${APT_PRIV[@]}"); shift; else aopts=(-o APT::Sandbox::User=root); fi
	mkdir -p "$cache/debs"
	rm -rf "$dir.new"
	mkdir -p "$dir.new/root"
	for pv in "$@"; do
		p=${pv%%=*}
		v=${pv#*=}
		deb=$(find "$cache/debs" -maxdepth 1 -name "${p}_${v/*:/}_*.deb" -print -quit)
		if [[ -z $deb ]]; then
			info "downloading $p=$v"
			(cd "$cache/debs" && apt-get "${aopts[@]}" download -q "$p=$v" >&2) ||
				die "apt-get download $p=$v failed"
			deb=$(find "$cache/debs" -maxdepth 1 -name "${p}_*.deb" -newer "$dir.new" -print -quit)
			[[ -n $deb ]] || deb=$(find "$cache/debs" -maxdepth 1 -name "${p}_*.deb" -print -quit)
			[[ -n $deb ]] || die "apt-get download $p=$v produced no .deb in $cache/debs"
		fi
		info "unpacking $(basename "$deb")"
		dpkg-deb -x "$deb" "$dir.new/root" || die "dpkg -x $deb failed"
	done
	rm -rf "$dir.old"
	[[ -e $dir ]] && mv "$dir" "$dir.old"
	mv "$dir.new" "$dir"
	rm -rf "$dir.old"
}

# write_env SERIES DIR PKGVER PKGS...: find vmlinuz and modules, write kernel.env.
write_env() {
	local s=$1 dir=$2 pkgver=$3 kver vmlinuz moddir
	shift 3
	moddir=$(find "$dir/root/lib/modules" "$dir/root/usr/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n1 || true)
	[[ -n $moddir ]] || die "no lib/modules/VERSION in the $s packages ($*)"
	kver=$(basename "$moddir")
	for vmlinuz in "$dir/root/boot/vmlinuz-$kver" "$moddir/vmlinuz" "$dir/root/usr/lib/linux/vmlinuz-$kver"; do
		[[ -r $vmlinuz ]] && break
	done
	[[ -r $vmlinuz ]] || die "no vmlinuz for $kver in the $s packages ($*): looked in boot/ and $moddir/"
	[[ -d $moddir/kernel/arch/x86/kvm ]] || die "$moddir has no kernel/arch/x86/kvm: not a kernel with KVM modules"
	cat >"$dir/kernel.env.tmp" <<EOF
# written by harness/lab/fetch-kernels.sh; sourced by the other lab scripts
SERIES='$s'
KVER='$kver'
PKGVER='$pkgver'
PKGS='$*'
VMLINUZ='$vmlinuz'
MODDIR='$moddir'
EOF
	mv "$dir/kernel.env.tmp" "$dir/kernel.env"
}

# lists_unchanged DIR LISTS...: DIR's packages were resolved (.kmc-resolved)
# after the last change to LISTS, so apt-cache would answer the same: the
# second lab of make lab, and every later run until an apt-get update, skip
# the seconds of apt-cache start-up per kernel
lists_unchanged() {
	local stamp=$1/.kmc-resolved
	shift
	((refresh == 0)) && [[ -e $stamp && -r ${stamp%/*}/kernel.env ]] &&
		[[ -z $(find "$@" -newer "$stamp" -print -quit 2>/dev/null) ]]
}

# fetch SERIES
fetch() {
	local s=$1 dir=$cache/kernel-$1 img ver mods mver re pkgs=() priv=()
	local t0
	t0=$(now_ms)
	if ((offline)); then
		load_kernel "$cache" "$s"
		# shellcheck disable=SC2153 # set by load_kernel
		printf '%s\t%s\t%s\t%s\t(offline, cached)\n' "$s" "$KVER" "$PKGVER" "$PKGS"
		return 0
	fi
	case "$s" in
	7.2) suite_setup sid sid ;;
	7.3) suite_setup trixie-backports trixie-backports ;;
	5.10) suite_setup bullseye bullseye-security ;;
	esac
	local lists=(/var/lib/apt/lists /var/lib/dpkg/status)
	[[ $s == 6.1 || $s == 6.12 ]] || lists=("$APT_PRIV_DIR/lists")
	if lists_unchanged "$dir" "${lists[@]}"; then
		load_kernel "$cache" "$s"
		printf '%s\t%s\t%s\t%s\t(cached, apt lists unchanged, %ss)\n' "$s" "$KVER" "$PKGVER" "$PKGS" "$(elapsed "$t0")"
		return 0
	fi
	case "$s" in
	6.1)
		img=$({ apt-cache depends linux-image-amd64 2>/dev/null || true; } | awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\./ { print $2; exit }')
		if [[ -z $img ]]; then
			sys_update_once
			img=$({ apt-cache depends linux-image-amd64 2>/dev/null || true; } | awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1\./ { print $2; exit }')
		fi
		[[ -n $img ]] || die "6.1: linux-image-amd64 does not depend on a linux-image-6.1.* package (is this Debian 12? apt-cache depends linux-image-amd64)"
		ver=$(candidate -- "$img")
		[[ -n $ver ]] || die "6.1: package $img has no installable candidate (apt-cache policy $img)"
		pkgs=("$img=$ver")
		;;
	6.12)
		local re='^linux-image-6\.12\.[0-9]+\+deb12-amd64(-unsigned)?$'
		img=$(newest_pkg "$re")
		if [[ -z $img ]]; then
			sys_update_once
			img=$(newest_pkg "$re")
		fi
		[[ -n $img ]] || die "6.12: no package matching $re (needs bookworm-security in the apt sources)"
		# prefer the signed image of the same version when both exist
		if [[ $img == *-unsigned && -n $(candidate -- "${img%-unsigned}") ]]; then img=${img%-unsigned}; fi
		ver=$(candidate -- "$img")
		pkgs=("$img=$ver")
		;;
	7.2 | 7.3)
		# sid's 7.2, trixie-backports' 7.3
		if [[ $s == 7.2 ]]; then
			re='^linux-binary-7\.2\.[0-9]+\+deb14-amd64$'
		else
			re='^linux-binary-7\.3\.[0-9]+\+deb13-amd64$'
		fi
		priv=(--private)
		img=$(newest_pkg "$re" "${APT_PRIV[@]}")
		[[ -n $img ]] || die "$s: no package matching $re (private lists in $APT_PRIV_DIR; try --refresh)"
		mods=linux-modules-${img#linux-binary-}
		ver=$(candidate "${APT_PRIV[@]}" -- "$img")
		mver=$(candidate "${APT_PRIV[@]}" -- "$mods")
		[[ -n $mver ]] || die "$s: $img found but not its modules package $mods"
		pkgs=("$img=$ver" "$mods=$mver")
		;;
	5.10)
		# Debian 11's kernel: one package with the modules
		priv=(--private)
		re='^linux-image-5\.10\.0-[0-9]+-amd64$'
		img=$(newest_pkg "$re" "${APT_PRIV[@]}")
		[[ -n $img ]] || die "5.10: no package matching $re (private lists in $APT_PRIV_DIR; try --refresh)"
		ver=$(candidate "${APT_PRIV[@]}" -- "$img")
		pkgs=("$img=$ver")
		;;
	esac
	if [[ -r $dir/kernel.env ]] && grep -qxF "PKGS='${pkgs[*]}'" "$dir/kernel.env"; then
		load_kernel "$cache" "$s"
		touch "$dir/.kmc-resolved"
		printf '%s\t%s\t%s\t%s\t(cached, %ss)\n' "$s" "$KVER" "$PKGVER" "$PKGS" "$(elapsed "$t0")"
		return 0
	fi
	download_unpack "$dir" "${priv[@]}" "${pkgs[@]}"
	write_env "$s" "$dir" "$ver" "${pkgs[@]}"
	touch "$dir/.kmc-resolved"
	load_kernel "$cache" "$s"
	printf '%s\t%s\t%s\t%s\t(fetched, %ss)\n' "$s" "$KVER" "$PKGVER" "$PKGS" "$(elapsed "$t0")"
}

printf '# series\tkver\tversion\tpackages\n'
for s in "${series[@]}"; do
	fetch "$s"
done
