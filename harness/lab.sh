#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make lab`: with a usable /dev/kvm, check this machine's own KVM
# (harness/kvm/lab-live.sh); otherwise run the emulated lab
# (harness/lab/lab.sh: Debian's kernels under QEMU).  Arguments go through.
set -eu
cd "$(dirname "$0")/.."
if [ -c /dev/kvm ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		exec sh harness/kvm/lab-live.sh "$@"
	fi
	echo "lab: /dev/kvm exists but $(id -un) cannot open it read-write;" \
		"running the emulated lab instead" >&2
fi
exec bash harness/lab/lab.sh "$@"
