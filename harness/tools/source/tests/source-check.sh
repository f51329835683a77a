#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `kmc source-check` on the committed tables (ref/tables/linux-*.h, no
# network, no python): the model and ref agree with every line, and an
# altered copy of a line's data is reported, naming what was altered
# (docs/source-check.md "Proving it can fail").  Run from the top of the
# tree; $O is the build (default build/).  Prints KTAP; the last line is
# "N passed, N failed".
set -u
O=${O:-build}
KMC=$O/bin/kmc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
pass=0
fail=0

result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	echo "$1 $n $2"
}

echo "KTAP version 1"
echo "1..10"

# 1: the committed data against the model and ref: every test ok, 0 mismatches
"$KMC" source-check >"$tmp/all.ktap" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^# source-check: .* 0 mismatches$' "$tmp/all.ktap" &&
	! grep -q 'not ok' "$tmp/all.ktap"; then
	result ok "committed-tables-agree # $(tail -n 1 "$tmp/all.ktap" | sed 's/^# //')"
else
	sed 's/^/# /' "$tmp/all.ktap" | grep -v '^#     ok' | head -n 30
	result "not ok" "committed-tables-agree (exit $rc)"
fi

# mutant NAME LINE SED_EXPR PATTERN: LINE's data altered by SED_EXPR must
# make source-check fail (exit 1) with a "not ok" and a line matching PATTERN
mutant() {
	name=$1 line=$2 expr=$3 pattern=$4
	rm -rf "$tmp/m"
	mkdir "$tmp/m"
	sed -e "$expr" "ref/tables/linux-$line.h" >"$tmp/m/linux-$line.h"
	if cmp -s "ref/tables/linux-$line.h" "$tmp/m/linux-$line.h"; then
		result "not ok" "$name # the alteration changed nothing: the test would be vacuous"
		return
	fi
	"$KMC" source-check --tables "$tmp/m" "$line" >"$tmp/m.ktap" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q 'not ok' "$tmp/m.ktap" && grep -qE "$pattern" "$tmp/m.ktap"; then
		result ok "$name # reported: $(grep -E "$pattern" "$tmp/m.ktap" | head -n 1 | sed 's/^ *# *//')"
	else
		sed 's/^/# /' "$tmp/m.ktap" | grep -v '^#     ok' | head -n 20
		result "not ok" "$name (exit $rc, no line matching '$pattern')"
	fi
}

mutant blacklist-flag-dropped 6.1 \
	's/^KST_BL(INTEL, 0x6, 0x55, 0x0, 0x5, BL_MMIO | BL_RETBLEED | BL_GDS | BL_VMSCAPE)$/KST_BL(INTEL, 0x6, 0x55, 0x0, 0x5, BL_MMIO | BL_RETBLEED | BL_VMSCAPE)/' \
	'intel 06_55h steppings 0-5: source MMIO\|RETBLEED\|VMSCAPE .*model MMIO\|RETBLEED\|GDS\|VMSCAPE'
mutant blacklist-stepping-range 7.2 \
	's/^KST_BL(INTEL, 0x6, 0x8e, 0x0, 0xb, /KST_BL(INTEL, 0x6, 0x8e, 0x0, 0xa, /' \
	'intel 06_8eh steppings b-b: .*ITS'
mutant whitelist-row-model 6.12 \
	's/^KST_WL(INTEL, 0x6, 0x8d, 0x0, 0xf, WL_NO_MMIO)$/KST_WL(INTEL, 0x6, 0x8b, 0x0, 0xf, WL_NO_MMIO)/' \
	'not ok 1 cpu_vuln_whitelist-model'
mutant amd-row-dropped 7.2 '/^KST_BL(AMD, 0x1a, /d' \
	'amd 1a_00h steppings 0-f: source - .*model SRSO\|VMSCAPE'
mutant kvm-supported-arch-cap 6.1 '/^KST_KVM_AC(ITS_NO)$/d' \
	'bit 62 \(its_no\): model passes it, the source does not'
mutant arch-cap-number 7.2 's/^KST_AC(GDS_NO, 26)$/KST_AC(GDS_NO, 29)/' \
	'ARCH_CAP_GDS_NO is bit 29, kmc has gds_no at bit 26'
mutant x86-bug-removed 6.12 '/^KST_BUG(VMSCAPE, /d' \
	'X86_BUG_VMSCAPE: the source does not define it, model sets it'
mutant vulnerabilities-file 7.2 '/^KST_VULN_FILE(tsx_async_abort)$/d' \
	'vulnerabilities/tsx_async_abort, which kmc reads, does not exist'
mutant unknown-flag-refused 6.1 's/^KST_BL(AMD, 0x15, ANY, 0x0, 0xf, BL_RETBLEED)$/KST_BL(AMD, 0x15, ANY, 0x0, 0xf, BL_RETBLEED | BL_FOO)/' \
	"flag 'BL_FOO' is not defined by a BL_FLAG line above"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
