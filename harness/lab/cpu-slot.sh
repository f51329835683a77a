#!/usr/bin/env bash
# cpu-slot.sh CMD [ARG...]: run CMD once one of KMC_LAB_SLOTS CPU slots is
# free, holding it until CMD and everything it started have exited.
#
# make lab runs the QEMU and the VMX lab side by side, each two emulators at
# a time: without a common limit four emulators would share two CPUs, and an
# emulator's guest clock and time limits run on wall time. harness/lab/run-labs.sh
# sets KMC_LAB_SLOTS to the number of CPUs; each boot of either lab takes a
# slot (a lock file build/lab/locks/slot-N.lock) before it starts, so that
# the two labs together keep every CPU busy and no more. Without
# KMC_LAB_SLOTS (one lab run by hand) CMD runs at once.
#
# KMC_SLOT_COST (the boot's estimated CPU seconds, default 0): when a slot
# frees, the waiting boot with the highest cost takes it (equal costs: the
# one that came first). Longest first leaves the short boots for the end,
# where one CPU would otherwise idle while the other finishes a long one
# (docs/lab.md "Timing").
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

(($#)) || die "usage: $PROG CMD [ARG...]"
slots=${KMC_LAB_SLOTS:-0}
[[ $slots =~ ^[0-9]+$ ]] || die "KMC_LAB_SLOTS='$slots': not a number"
((slots > 0)) || exec "$@"
cost=${KMC_SLOT_COST:-0}
[[ $cost =~ ^[0-9]+$ ]] || die "KMC_SLOT_COST='$cost': not a number of seconds"
# each waiting boot is a file COST.ARRIVAL.PID in waiting/
wait_dir=$LAB_BUILD/locks/waiting
mkdir -p "$wait_dir"
cost=$((10#$cost))
arrival=$(date +%s%N)
me=$wait_dir/$cost.$arrival.$$
: >"$me"
trap 'rm -f "$me"' EXIT

# first_in_line: no live waiter has a higher cost, or the same cost and an
# earlier arrival (the file of a waiter that died is removed)
first_in_line() {
	local f n c a p
	for f in "$wait_dir"/*; do
		[[ -e $f && $f != "$me" ]] || continue
		n=${f##*/}
		IFS=. read -r c a p <<<"$n"
		kill -0 "$p" 2>/dev/null || { rm -f "$f"; continue; }
		((c > cost)) && return 1
		((c == cost && a < arrival)) && return 1
	done
	return 0
}

while :; do
	if first_in_line; then
		for ((i = 0; i < slots; i++)); do
			exec 9>"$LAB_BUILD/locks/slot-$i.lock"
			# the descriptor stays open in CMD and its children: the slot is
			# free again when the last of them exits
			if flock -n 9; then
				rm -f "$me"
				trap - EXIT
				exec "$@"
			fi
			exec 9>&-
		done
	fi
	sleep 1
done
