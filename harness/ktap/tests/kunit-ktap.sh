#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmc's KTAP read by the kernel's own parser (tools/testing/kunit/
# kunit_parser.py, through harness/ktap/kunit-parser.sh) and by kmc's
# (kmc-results ktap):
#   * kmc-run's output for a vector file with passes, failures, skips,
#     XFAILs, an XPASS and a file ERROR;
#   * the emulated labs' nested form: harness/lab/run-labs.sh prints each lab's
#     document as a subtest, indented by 4 spaces (here a flat lab
#     document and a kmc-run document, as run-labs.sh and lab-other.sh make them);
#   * every FILE given (e.g. the ref run over vectors/ of make check).
# Each must parse with 0 errors, and with kunit's totals equal to kmc's
# own "# Totals:" -- kunit knows no XFAIL/XPASS/ERROR: passed is
# pass+xfail+xpass, failed is fail+error, skipped is skip -- and kmc's
# parser must count the same.  Prints a KTAP line per check; exit 1 if one
# failed.  Run from the top of the tree; O as for make (default build).
#
#   sh harness/ktap/tests/kunit-ktap.sh [FILE.ktap...]
set -u
O=${O:-build}
bin=$O/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kunit-ktap.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
bad=0

check() {
	n=$((n + 1))
	what=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		sed 's/^/# /' "$tmp/check.out" | head -n 20
		bad=$((bad + 1))
	fi
}

# kmc_totals FILE: "pass fail xfail xpass skip error" of its top-level "# Totals:" line(s), summed
kmc_totals() {
	sed -n 's/^ *# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\)$/\1 \2 \3 \4 \5 \6/p' "$1" |
		awk '{ for (i = 1; i <= 6; i++) s[i] += $i } END { print s[1]+0, s[2]+0, s[3]+0, s[4]+0, s[5]+0, s[6]+0 }'
}

# same_as_kunit FILE: kunit's parse of FILE has no errors and kmc's totals
same_as_kunit() {
	f=$1
	got=$(sh harness/ktap/kunit-parser.sh parse "$f") || return 1
	read -r tp tf tx txp ts te <<-EOF
	$(kmc_totals "$f")
	EOF
	want="passed:$((tp + tx + txp)) failed:$((tf + te)) crashed:0 skipped:$ts errors:0"
	echo "kunit: ${got#*: }"
	echo "kmc:   $want (from # Totals: pass:$tp fail:$tf xfail:$tx xpass:$txp skip:$ts error:$te)"
	[ "${got#*: }" = "$want" ] || {
		grep -m 10 'ERROR\]' "$f.kunit"
		return 1
	}
}

# same_as_kmc FILE: kmc-results ktap counts what the # Totals: say, and the file is whole
same_as_kmc() {
	f=$1
	"$bin/kmc-results" ktap "$f" >"$tmp/kmc.out" || return 1
	got=$(sed -n 's/.* pass:\([0-9]*\) fail:\([0-9]*\) xfail:\([0-9]*\) xpass:\([0-9]*\) skip:\([0-9]*\) error:\([0-9]*\) timeout:0\(.*\)$/\1 \2 \3 \4 \5 \6\7/p' "$tmp/kmc.out" | tail -n 1)
	want=$(kmc_totals "$f")
	echo "kmc-results ktap: $got"
	echo "# Totals:         $want"
	[ "$got" = "$want" ] || [ "$got" = "$want, no totals line" ]
}

# The vectors: the model fills them (a model change does not break this
# test); then a failure, a skip, two known divergences and a file error
cat >"$tmp/in.kmv" <<'EOF'
kmv 1
vector host.mmio.spr-hidden.6-1 profile=6.1
  host cpu=sapphirerapids ac=0x0c0000eb cpuid=+hypervisor smt=0
  expect bugs
  expect sysfs.mmio_stale_data

vector vcpu.gate.epyc.7-2 profile=7.2
  host cpu=epyc-rome
  op set_msr 0x10a 0x5
  op get_msr 0x10a
  op rdmsr 0x10a

vector fb.promise.spr.7-2 profile=7.2
  host cpu=sapphirerapids
  op set_cpuid arch_capabilities,md_clear,flush_l1d
  op set_msr 0x10a 0x0
  op run
  expect findings
EOF
"$bin/kmc" fill "$tmp/in.kmv" >"$tmp/sample.kmv" || exit 1
cat >>"$tmp/sample.kmv" <<'EOF'

vector vcpu.gate.live profile=7.2
  host live
  op rdmsr 0x10a -> gp

vector kd.wrong.cascadelake.6-1 profile=6.1
  host cpu=cascadelake
  expect kvm.arch_cap=0x1

vector kd.xfail.cascadelake.6-1 profile=6.1
  host cpu=cascadelake
  expect kvm.arch_cap=0x2

vector plain.wrong.cascadelake.6-1 profile=6.1
  host cpu=cascadelake
  expect kvm.arch_cap=0x3
  expect bugs=spectre_v1
EOF
cat >"$tmp/broken.kmv" <<'EOF'
kmv 1
vector broken.one profile=6.1
  host cpu=cascadelake
  expect kvm.arch_cap=0x4

vector broken.two profile=6.1
  host cpu=nosuchcpu
  expect bugs=-
EOF
cat >"$tmp/kd.txt" <<'EOF'
kd.*             6.1  kunit-ktap.sh: an XFAIL
vcpu.gate.epyc.* 7.2  kunit-ktap.sh: an XPASS
EOF
"$bin/kmc-run" --known "$tmp/kd.txt" "$tmp/sample.kmv" "$tmp/broken.kmv" >"$tmp/kmc-run.ktap" 2>"$tmp/kmc-run.err"
rc=$?
read -r tp tf tx txp ts te <<EOF
$(kmc_totals "$tmp/kmc-run.ktap")
EOF
check "kmc-run's sample has every status (pass:$tp fail:$tf xfail:$tx xpass:$txp skip:$ts error:$te, exit $rc)" \
	sh -c "[ $rc = 1 ] && [ $tp -gt 0 ] && [ $tf -gt 0 ] && [ $tx -gt 0 ] && [ $txp -gt 0 ] && [ $ts -gt 0 ] && [ $te -gt 0 ]"
check "kmc-run's KTAP: a failure's diagnostics come before its 'not ok'" \
	sh -c "grep -B 1 '^  not ok [0-9]* plain.wrong' '$tmp/kmc-run.ktap' | grep -q \"^  # rerun: .* --id 'plain.wrong\""
check "kmc-run's KTAP: kunit's parser, 0 errors, kmc's totals" same_as_kunit "$tmp/kmc-run.ktap"
check "kmc-run's KTAP: kmc-results ktap, kmc's totals" same_as_kmc "$tmp/kmc-run.ktap"

# The labs' nested form, made as harness/lab/run-labs.sh makes it
cat >"$tmp/qemu-lab.ktap" <<'EOF'
KTAP version 1
1..5
# kmc emulated lab 20261207-103305: kernel 7.2 (7.2.13+deb14-amd64, 7.2.13-1)
ok 1 lab.7.2.l1.boot.p1 # wall 128.6s, 22 jobs
# /payload/live.kmv:35: host.flags: not compared: spec_ctrl (/proc/cpuinfo never prints them)
ok 2 lab.7.2.l1.live.host.bugs
ok 3 lab.7.2.l1.live.ignore_msrs.on # SKIP needs kvm.ignore_msrs=1 (it is 0)
ok 4 lab.7.2.l2.clx-0x69 # XFAIL known divergence (k:1): x
not ok 5 lab.7.2.l2.spr-tsx-off # bugs: expected taa, got -
# Totals: pass:2 fail:1 xfail:1 xpass:0 skip:1 error:0
EOF
cp "$tmp/kmc-run.ktap" "$tmp/own-kvm.ktap"
{
	echo "KTAP version 1"
	echo "1..2"
	i=0
	for name in qemu-lab own-kvm; do
		i=$((i + 1))
		# harness/lab/run-labs.sh's own sed: the version line, then "# Subtest:", then the rest
		sed -e '/^KTAP version/{s/^/    /;n;s/^/    # Subtest: '"$name"'\n    /;b}' -e 's/^/    /' "$tmp/$name.ktap"
		echo "not ok $i $name"
	done
} >"$tmp/lab.ktap"
# the outer document has no totals of its own: kunit counts the leaves, which are the inner totals
check "the labs' nested KTAP: kunit's parser, 0 errors, the inner totals" same_as_kunit "$tmp/lab.ktap"
check "the labs' nested KTAP: kmc-results ktap, the inner totals" same_as_kmc "$tmp/lab.ktap"

for f in "$@"; do
	check "$f: kunit's parser, 0 errors, kmc's totals" same_as_kunit "$f"
	check "$f: kmc-results ktap, kmc's totals" same_as_kmc "$f"
done
echo "# kunit parser ($(cat "$(sh harness/ktap/kunit-parser.sh dir)/../../../SOURCE" 2>/dev/null | tr '\n' ' ')): $n checks, $bad failed"
[ "$bad" -eq 0 ]
