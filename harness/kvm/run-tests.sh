#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-one's last step: the kvm backend's tests that need a usable
# /dev/kvm (build $O/kvm-test/kvm_guest, harness/kvm/tests/test_guest.c).
# Exit status 4 of the program means "all skipped" (no /dev/kvm, no
# permission, or a vendor module kmc does not model): reported as skipped,
# never as passed, and not a failure of make check.  Log: $O/check/kvm_guest.log
# Then the tests of harness/kvm/lab-other.sh and lab-live.sh, which need no
# /dev/kvm (harness/kvm/tests/lab-scripts.sh; log $O/check/lab-scripts.log).
set -u
O=${O:-build}
t=$O/kvm-test/kvm_guest
log=$O/check/kvm_guest.log
mkdir -p "$O/check" || exit 1
if [ ! -x "$t" ]; then
	echo "kvm_guest: $t not built (make test-bins)"
	exit 1
fi
CK_FORK=yes "$t" >"$log" 2>&1
rc=$?
case $rc in
0)
	printf '%-32s %s\n' kvm_guest "$(grep -E '^[0-9]+%: Checks:' "$log" | tail -n 1)"
	;;
4)
	printf '%-32s %s\n' kvm_guest "skipped: $(sed -n 's/^SKIP: kvm_guest: all tests skipped: //p' "$log" | head -n 1)"
	rc=0
	;;
*)
	printf '%-32s %s\n' kvm_guest "$(grep -E '^[0-9]+%: Checks:' "$log" | tail -n 1) (exit $rc)"
	grep -E ':[FE]:' "$log" | head -n 20 | sed 's/^/    /'
	;;
esac

slog=$O/check/lab-scripts.log
O=$O sh harness/kvm/tests/lab-scripts.sh >"$slog" 2>&1
src=$?
printf '%-32s %s\n' lab-scripts "$(tail -n 1 "$slog")"
if [ "$src" -ne 0 ]; then
	grep -A5 '^not ok' "$slog" | head -n 20 | sed 's/^/    /'
	rc=1
fi
exit "$rc"
