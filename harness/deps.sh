#!/bin/sh
# Install the Debian packages kmc needs (run as root on Debian 12).
#   build and test: gcc, make, pkg-config, libcheck, lcov
#   vectors:        python3 (generation only, never at test time)
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root (apt-get install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
pkgs="build-essential pkg-config check lcov python3"
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
