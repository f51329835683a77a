#!/bin/sh
# Install the Debian packages kmc needs (run as root on Debian 12).
#   build and test: gcc, make, pkg-config, libcheck, lcov
#   vectors:        python3 (generation only, never at test time)
#   kmod:           bpftool (BTF offsets: kmod/vmx-offset.sh, kmod/tests/btf-offsets.sh)
#   kvm backend:    linux-libc-dev (<linux/kvm.h>); build-essential's libc6-dev has the
#                   static libc for `make kvm-static` (docs/kvm-backend.md)
#   results:        libjansson-dev (run.json, kcidb.json), libxml2-utils (xmllint:
#                   JUnit XSD check), node-ajv (KCIDB schema check), chromium
#                   (the report's screenshot test) -- docs/results.md
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
pkgs="build-essential pkg-config check lcov python3 bpftool linux-libc-dev"
pkgs="$pkgs libjansson-dev libxml2-utils node-ajv chromium"
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
