#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A newer Debian QEMU than the machine's, for `make qemu-models` only: its
# qemu-system-x86 and the shared libraries it needs, fetched through a
# private apt state (the machine's sources and dpkg state are only read)
# and unpacked with dpkg-deb -x under build/qemu/SUITE/root.  The binary is
# run with the unpacked loader and library path; nothing is installed.
#
#   harness/tools/qemu/fetch.sh [SUITE]     (default sid)
# Prints the command that runs that QEMU, one word a line.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SUITE=${1:-sid}
D=${KMC_QEMU_CACHE:-$ROOT/build/qemu}/$SUITE

die() { printf 'qemu/fetch.sh: error: %s\n' "$*" >&2; exit 1; }
info() { printf 'qemu/fetch.sh: %s\n' "$*" >&2; }

[[ $SUITE =~ ^[a-z0-9-]+$ ]] || die "'$SUITE' is not a suite name"
mkdir -p "$D/lists/partial" "$D/cache/archives/partial" "$D/etc/preferences.d" "$D/debs"
src=$("$ROOT/harness/lab/debian-sources.sh" "$D/etc/$SUITE" "$SUITE") ||
	die "cannot write the apt sources for $SUITE"
printf '#clear APT::Update::Post-Invoke-Success;\n#clear APT::Update::Post-Invoke;\n' >"$D/etc/no-hooks.conf"
# Dir::State::status=/dev/null: resolve the dependencies as on an empty
# system, so that every library comes from SUITE, none from the machine
APT=(-c "$D/etc/no-hooks.conf" -o "Dir::Etc::sourcelist=$src" -o Dir::Etc::sourceparts=/nonexistent
	-o "Dir::State::Lists=$D/lists" -o "Dir::Cache=$D/cache" -o Dir::State::status=/dev/null
	-o "Dir::Etc::preferencesparts=$D/etc/preferences.d" -o APT::Sandbox::User=root)
if [[ ! -e $D/lists/.kmc-updated || -n $(find "$D/lists/.kmc-updated" -mmin +1440) ]]; then
	info "updating the private package lists for $SUITE in $D"
	apt-get "${APT[@]}" update -q >&2 || die "apt-get update of the private lists failed"
	touch "$D/lists/.kmc-updated"
fi

# qemu-system-x86 and the libraries it depends on, recursively; the rest
# of the closure (systemd, pam, debconf, firmware) is not needed to answer QMP
pkgs=$(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances qemu-system-x86 | grep -v '^ ' | sort -u |
	grep -E '^(lib[a-z0-9].*|zlib1g|qemu-system-x86|qemu-system-data|seabios)$' |
	grep -vE '^(libpam|libsemanage|libdebconf|libdebian-installer|libsystemd-shared|libc-gconv)') ||
	die "apt-cache depends qemu-system-x86 found nothing in $SUITE"
ver=$(apt-cache "${APT[@]}" policy qemu-system-x86 | awk '$1 == "Candidate:" { print $2 }')
[[ -n $ver && $ver != "(none)" ]] || die "$SUITE has no qemu-system-x86"
if [[ ! -x $D/root/usr/bin/qemu-system-x86_64 || $(cat "$D/root/.version" 2>/dev/null) != "$ver" ]]; then
	info "downloading qemu-system-x86 $ver and $(($(wc -w <<<"$pkgs") - 1)) packages it needs"
	rm -f "$D"/debs/*.deb
	# shellcheck disable=SC2086 # one package a word
	(cd "$D/debs" && apt-get "${APT[@]}" download -qq $pkgs >&2) || die "apt-get download failed"
	rm -rf "$D/root"
	mkdir -p "$D/root"
	for deb in "$D"/debs/*.deb; do dpkg-deb -x "$deb" "$D/root" || die "dpkg-deb -x $deb failed"; done
	printf '%s\n' "$ver" >"$D/root/.version"
fi
lib=$D/root/usr/lib/x86_64-linux-gnu
[[ -x $lib/ld-linux-x86-64.so.2 ]] || die "no loader in $lib"
printf '%s\n' "$lib/ld-linux-x86-64.so.2" --library-path "$lib:$D/root/lib/x86_64-linux-gnu" \
	"$D/root/usr/bin/qemu-system-x86_64" -L "$D/root/usr/share/qemu" -L "$D/root/usr/share/seabios"
