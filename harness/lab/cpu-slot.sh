#!/usr/bin/env bash
# cpu-slot.sh CMD [ARG...]: run CMD once one of KMC_LAB_SLOTS CPU slots is
# free, holding it until CMD and everything it started have exited.
#
# make lab runs the QEMU and the VMX lab side by side, each two emulators at
# a time: without a common limit four emulators would share two CPUs, and an
# emulator's guest clock and time limits run on wall time. harness/lab.sh
# sets KMC_LAB_SLOTS to the number of CPUs; each boot of either lab takes a
# slot (a lock file build/lab/locks/slot-N.lock) before it starts, so that
# the two labs together keep every CPU busy and no more. Without
# KMC_LAB_SLOTS (one lab run by hand) CMD runs at once.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

(($#)) || die "usage: $PROG CMD [ARG...]"
slots=${KMC_LAB_SLOTS:-0}
[[ $slots =~ ^[0-9]+$ ]] || die "KMC_LAB_SLOTS='$slots': not a number"
((slots > 0)) || exec "$@"
mkdir -p "$LAB_BUILD/locks"
while :; do
	for ((i = 0; i < slots; i++)); do
		exec 9>"$LAB_BUILD/locks/slot-$i.lock"
		# the descriptor stays open in CMD and its children: the slot is
		# free again when the last of them exits
		flock -n 9 && exec "$@"
		exec 9>&-
	done
	sleep 1
done
