#!/bin/sh
# Install the Debian packages kmc needs (run as root on Debian 12).
#   build and test: gcc, make, pkg-config, libcheck, lcov
#   vectors:        python3 (generation only, never at test time)
#   kmod:           bpftool (BTF offsets: kmod/vmx-offset.sh, kmod/tests/btf-offsets.sh)
#   kvm backend:    linux-libc-dev (<linux/kvm.h>); build-essential's libc6-dev has the
#                   static libc for `make kvm-static` (docs/kvm-backend.md)
#   results:        libjansson-dev (run.json, kcidb.json), nettle-dev (SHA-256 of
#                   the inputs), uthash-dev (the results' and the id set's hash
#                   tables), libxml2-utils (xmllint:
#                   JUnit XSD check), node-ajv (KCIDB schema check), chromium
#                   (the report's screenshot test), lava-common (LAVA's own
#                   test-definition schema, for harness/lava/kmc.yaml) -- docs/results.md
#   fuzzing:        clang and its libFuzzer runtime (make fuzz; docs/vectors.md "Fuzzing")
#
# --list run: only the packages that building and running kmc-run need (what
# harness/lava/kmc.yaml's install: deps: lists; a test keeps the two equal).
# With --if-missing (what `make check` and `make lab` run first) nothing is
# done when every package is installed already, so a developer host without
# root can still run them (`make check` needs no clang).  `deps.sh
# [--if-missing] fuzz`: the fuzzing packages only (what `make fuzz` runs
# first); `deps.sh` alone (make deps): all of them.
set -eu
run_pkgs="build-essential pkg-config linux-libc-dev libjansson-dev nettle-dev uthash-dev"
pkgs="$run_pkgs check lcov python3 bpftool"
pkgs="$pkgs libxml2-utils node-ajv chromium lava-common"
# Debian 12's clang is clang-14; libFuzzer is in its runtime package, a
# Recommends that --no-install-recommends leaves out
fuzz_pkgs="clang libclang-rt-14-dev"

if [ "${1:-}" = --list ]; then
	[ "${2:-}" = run ] || { echo "usage: deps.sh [--if-missing] [fuzz] | --list run" >&2; exit 64; }
	echo "$run_pkgs"
	exit 0
elif [ "${1:-}" = fuzz ] || [ "${2:-}" = fuzz ]; then
	pkgs=$fuzz_pkgs
elif [ $# -eq 0 ]; then
	pkgs="$pkgs $fuzz_pkgs"	# make deps: everything
fi

if [ "${1:-}" = --if-missing ]; then
	missing=
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || exit 0
	pkgs=$missing
	echo "deps: installing$missing" >&2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: these Debian packages are needed: $pkgs; run 'make deps' as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# another apt (a lab's deps.sh, unattended-upgrades) may hold dpkg's lock:
# wait for it up to 10 minutes instead of failing
apt-get -o DPkg::Lock::Timeout=600 update -q
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $pkgs
