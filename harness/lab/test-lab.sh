#!/usr/bin/env bash
# Tests of the lab scripts' own behaviour, without a boot (make check runs
# it). That the labs never stop silently: a command
# failing under set -e while one kernel's results are collected (a block
# file a lost console marker never wrote, as happened under load) becomes a
# named ERROR test, keeps the tests collected before it, and the next
# kernel's collection still runs (ktap.sh: collect_kernel); a command that
# stops a lab script names its line (ktap.sh: name_failures). That the two
# labs side by side never run more boots than CPU slots (cpu-slot.sh). That
# the coverage test knows which rules a profile lacks. That own-kernel.sh
# registers a build directory or an image as make lab KERNEL= gives them, and
# refuses what it cannot boot; that same-kernel.sh tells equal verdicts from
# different ones. Prints one
# line per check and "N passed, N failed"; exit 1 on a failure.
set -uo pipefail
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { printf 'ok %s\n' "$1"; pass=$((pass + 1)); }
bad() { printf 'not ok %s: %s\n' "$1" "$2"; fail=$((fail + 1)); }

# 1-4: three kernels; the second one's collection reads a block file that
# does not exist, as qemu-lab.sh's L2 loop did
cat >"$tmp/collect.sh" <<EOF
set -euo pipefail
PROG=test
. "$LAB_DIR/ktap.sh"
BLOCKS=$tmp/blocks
EOF
cat >>"$tmp/collect.sh" <<'EOF'
collect() {
	local k=$1 rc
	flat ok "k$k.boot"
	set +e
	false # expected to fail: stops nothing
	set -e
	flat skip "k$k.maybe" "not here"
	rc=$(cat "$BLOCKS/k$k.rc")
	flat ok "k$k.job" "rc $rc"
	SUMMARY+=("k$k: collected")
}
mkdir -p "$BLOCKS"
echo 0 >"$BLOCKS/k1.rc"
echo 0 >"$BLOCKS/k3.rc"
for k in 1 2 3; do collect_kernel collect "$k" "$BLOCKS/state-$k" "k$k.results"; done
printf '%s\n' "${FLAT[@]}"
printf 'summary %s\n' "${SUMMARY[@]}"
echo "totals $T_PASS $T_SKIP $T_ERROR"
EOF
bash "$tmp/collect.sh" >"$tmp/out" 2>"$tmp/err"
rc=$?
if ((rc == 0)); then ok "the lab goes on after a failing collection"; else bad "the lab goes on after a failing collection" "exit $rc: $(head -c 300 "$tmp/err")"; fi
if grep -q '^ok NUM k3.job # rc 0$' "$tmp/out" && grep -q '^summary k3: collected$' "$tmp/out"; then
	ok "the next kernel is collected"
else
	bad "the next kernel is collected" "$(tr '\n' '|' <"$tmp/out")"
fi
if grep -q '^ok NUM k2.boot$' "$tmp/out" && grep -q '^ok NUM k2.maybe # SKIP not here$' "$tmp/out" &&
	! grep -q 'k2.job' "$tmp/out"; then
	ok "the failing kernel keeps its tests so far"
else
	bad "the failing kernel keeps its tests so far" "$(tr '\n' '|' <"$tmp/out")"
fi
if grep -Eq '^not ok NUM k2.results # ERROR collecting the results of kernel 2 stopped at line [0-9]+: rc=\$\(cat "\$BLOCKS/k\$k.rc"\) \(exit 1\)' "$tmp/out" &&
	grep -q 'error: collecting the results of kernel 2 stopped at line' "$tmp/err"; then
	ok "the failure is an ERROR test naming the line and command"
else
	bad "the failure is an ERROR test naming the line and command" "$(grep results "$tmp/out"; head -c 300 "$tmp/err")"
fi
if grep -q '^totals 5 3 1$' "$tmp/out"; then
	ok "totals count every kernel's tests and the error"
else
	bad "totals count every kernel's tests and the error" "$(grep totals "$tmp/out")"
fi

# 5: a lab script stopped by a failing command names it
cat >"$tmp/stop.sh" <<EOF
set -euo pipefail
PROG=lab-x.sh
. "$LAB_DIR/ktap.sh"
name_failures
set +e; false; set -e
cat "$tmp/no-such-file"
echo "not reached"
EOF
bash "$tmp/stop.sh" >"$tmp/out" 2>"$tmp/err"
rc=$?
if ((rc != 0)) && grep -Eq '^lab-x.sh: error: line [0-9]+: cat .*no-such-file" failed \(exit 1\); stopping$' "$tmp/err" &&
	[[ $(grep -c 'error: line' "$tmp/err") == 1 ]] && ! grep -q 'not reached' "$tmp/out"; then
	ok "a stopping command names itself, once"
else
	bad "a stopping command names itself, once" "exit $rc: $(head -c 400 "$tmp/err")"
fi

# 6-7: cpu-slot.sh: four commands in two slots, never more than two at once
export KMC_LAB_BUILD=$tmp/build
: >"$tmp/log"
for i in 1 2 3 4; do
	KMC_LAB_SLOTS=2 "$LAB_DIR/cpu-slot.sh" bash -c 'echo "start $(date +%s%N)" >>"$0"; sleep 1; echo "end $(date +%s%N)" >>"$0"' "$tmp/log" &
done
wait
most=$(sort -k2 -n "$tmp/log" | awk '$1 == "start" { n++; if (n > m) m = n } $1 == "end" { n-- } END { print m }')
if [[ $(grep -c '^end' "$tmp/log") == 4 && $most == 2 ]]; then
	ok "cpu-slot.sh: four boots in two slots, two at a time"
else
	bad "cpu-slot.sh: four boots in two slots, two at a time" "$(grep -c '^end' "$tmp/log") ended, at most $most at once"
fi
# a freed slot goes to the costliest waiting boot (KMC_SLOT_COST), equal
# costs in the order they came
: >"$tmp/order"
flock "$KMC_LAB_BUILD/locks/slot-0.lock" sleep 3 &
holder=$!
sleep 0.3
for c in 10 300 50 300; do
	KMC_SLOT_COST=$c KMC_LAB_SLOTS=1 "$LAB_DIR/cpu-slot.sh" bash -c 'echo "$1" >>"$0"; sleep 0.2' "$tmp/order" "$c.$$" &
	sleep 0.3
done
wait
order=$(cut -d. -f1 "$tmp/order" | tr '\n' ' ')
if [[ $order == "300 300 50 10 " && -z $(ls "$KMC_LAB_BUILD/locks/waiting") ]]; then
	ok "cpu-slot.sh: a freed slot goes to the costliest waiting boot"
else
	bad "cpu-slot.sh: a freed slot goes to the costliest waiting boot" "order '$order' (want 300 300 50 10), left waiting: $(ls "$KMC_LAB_BUILD/locks/waiting")"
fi
# every slot held: with a limit the command waits (killed by timeout, 124);
# without one it runs at once (no wall-time bound: the machine may be busy)
mkdir -p "$KMC_LAB_BUILD/locks"
exec 7>"$KMC_LAB_BUILD/locks/slot-0.lock"
flock 7
KMC_LAB_SLOTS=1 timeout 3 "$LAB_DIR/cpu-slot.sh" true
waited=$?
KMC_LAB_SLOTS= timeout 20 "$LAB_DIR/cpu-slot.sh" true && KMC_LAB_SLOTS=0 timeout 20 "$LAB_DIR/cpu-slot.sh" true
free=$?
exec 7>&-
if ((waited == 124 && free == 0)) && ! KMC_LAB_SLOTS=x "$LAB_DIR/cpu-slot.sh" true 2>/dev/null; then
	ok "cpu-slot.sh: no limit without KMC_LAB_SLOTS; a bad value refused"
else
	bad "cpu-slot.sh: no limit without KMC_LAB_SLOTS; a bad value refused" "with every slot held: exit $waited with a limit, $free without"
fi
unset KMC_LAB_BUILD

# 8: the coverage test's gates (qemu-collect.sh COVER_GATES, bug_absent) follow the
# profiles: 5.10 has no smt_rsb and no bhi, 6.1 both, 7.2 no mmio_unknown
KMC=${KMC:-$LAB_DIR/../../${O:-build}/bin/kmc}
sed -n '/^COVER_GATES=/,/"$/p; /^profile_has() {/,/^}/p; /^bug_absent() {/,/^}/p' "$LAB_DIR/qemu-collect.sh" >"$tmp/gates.sh"
got=$(KMC=$KMC bash -c '. "$1"; for pb in 5.10:smt_rsb 5.10:bhi 5.10:gds 6.1:smt_rsb 6.1:mmio_unknown 7.2:mmio_unknown; do
	printf "%s=%s;" "$pb" "$(bug_absent "${pb%%:*}" "${pb#*:}")"; done' _ "$tmp/gates.sh" 2>&1)
want="5.10:smt_rsb=no bug_smt_rsb;5.10:bhi=no bug_bhi;5.10:gds=;6.1:smt_rsb=;6.1:mmio_unknown=;7.2:mmio_unknown=no_mmio_unknown;"
if [[ $got == "$want" ]]; then
	ok "qemu-collect.sh coverage: the rules a profile lacks must stay unset"
else
	bad "qemu-collect.sh coverage: the rules a profile lacks must stay unset" "got '$got' (kmc: $KMC)"
fi

# 9-11: own-kernel.sh (make lab KERNEL=): the manifest of a build directory
# and of an image with its modules, and the inputs it refuses
oc=$tmp/own-cache
b=$tmp/own-build
mkdir -p "$b/arch/x86/boot" "$b/include/config"
echo image >"$b/arch/x86/boot/bzImage"
echo 6.12.118-kmc >"$b/include/config/kernel.release"
: >"$b/modules.builtin"
: >"$b/modules.order"
name=$("$LAB_DIR/own-kernel.sh" --cache "$oc" --name mine "$b" 2>"$tmp/err")
if [[ $name == mine ]] && (. "$oc/kernel-mine/kernel.env" &&
	[[ $KVER == 6.12.118-kmc && $LINE == 6.12 && $MODDIR == "$b" && $KMOD_KDIR == "$b" &&
		$VMLINUZ == "$b/arch/x86/boot/bzImage" && $OWN == 1 ]]); then
	ok "own-kernel.sh: a build directory's release, line, modules and kmc.ko source"
else
	bad "own-kernel.sh: a build directory's release, line, modules and kmc.ko source" "$name: $(cat "$oc/kernel-mine/kernel.env" "$tmp/err" 2>&1 | tr '\n' '|')"
fi
# where the modules are: a build directory has a kernel/ of its own (the
# objects of kernel/) and a .config; an installed tree its modules in kernel/
mkdir -p "$b/kernel/sched" "$tmp/inst/kernel/arch"
: >"$b/.config"
top_b=$(bash -c '. "$0/lib.sh"; module_top "$1"' "$LAB_DIR" "$b")
top_i=$(bash -c '. "$0/lib.sh"; module_top "$1"' "$LAB_DIR" "$tmp/inst")
if [[ $top_b == "$b" && $top_i == "$tmp/inst/kernel" ]]; then
	ok "module_top: a build directory's modules beside their sources, an installed tree's in kernel/"
else
	bad "module_top: a build directory's modules beside their sources, an installed tree's in kernel/" "got $top_b and $top_i"
fi
# an image: the release from the setup header (HdrS at 0x202, the version
# string at the pointer at 0x20e plus 0x200); its Debian twin in the cache
img=$tmp/bzImage
head -c 2048 /dev/zero >"$img"
printf 'HdrS' | dd of="$img" bs=1 seek=$((0x202)) conv=notrunc status=none
printf '\x00\x04' | dd of="$img" bs=1 seek=$((0x20e)) conv=notrunc status=none
printf '7.2.13+deb14-amd64 (debian-kernel@lists.debian.org) #1\0' | dd of="$img" bs=1 seek=$((0x600)) conv=notrunc status=none
mkdir -p "$tmp/mods/usr/lib/modules/7.2.13+deb14-amd64/kernel" "$oc/kernel-7.2"
echo "KVER='7.2.13+deb14-amd64'" >"$oc/kernel-7.2/kernel.env"
name=$("$LAB_DIR/own-kernel.sh" --cache "$oc" --modules "$tmp/mods" "$img" 2>"$tmp/err")
if [[ $name == 7.2.13+deb14-amd64 ]] && (. "$oc/kernel-$name/kernel.env" &&
	[[ $LINE == 7.2 && $MODDIR == "$tmp/mods/usr/lib/modules/7.2.13+deb14-amd64" && -z $KMOD_KDIR && $KMOD_LINE == 7.2 ]]); then
	ok "own-kernel.sh: an image's release from its header, modules from INSTALL_MOD_PATH, kmc.ko from its Debian line"
else
	bad "own-kernel.sh: an image's release from its header, modules from INSTALL_MOD_PATH, kmc.ko from its Debian line" "$name: $(cat "$oc/kernel-$name/kernel.env" "$tmp/err" 2>&1 | tr '\n' '|')"
fi
refused=0
"$LAB_DIR/own-kernel.sh" --cache "$oc" "$img" 2>"$tmp/e1" && refused=1
"$LAB_DIR/own-kernel.sh" --cache "$oc" --name 6.12 "$b" 2>"$tmp/e2" && refused=1
"$LAB_DIR/own-kernel.sh" --cache "$oc" --modules "$tmp" "$img" 2>"$tmp/e3" && refused=1
"$LAB_DIR/own-kernel.sh" --cache "$oc" --modules "$tmp/mods" "$LAB_DIR/lib.sh" 2>"$tmp/e4" && refused=1
if ((refused == 0)) && grep -q 'give its modules with --modules' "$tmp/e1" && grep -q "one of the Debian lines" "$tmp/e2" &&
	grep -q 'has no lib/modules/7.2.13+deb14-amd64' "$tmp/e3" && grep -q 'is not a bzImage' "$tmp/e4"; then
	ok "own-kernel.sh: an image without modules, a Debian line's name, a wrong modules directory, not an image: refused, each named"
else
	bad "own-kernel.sh: an image without modules, a Debian line's name, a wrong modules directory, not an image: refused, each named" "$(cat "$tmp"/e[1-4] | tr '\n' '|')"
fi

# 12: same-kernel.sh (make lab-smoke): the packaged and the own run's
# verdicts compared with the kernel's name made neutral, a changed one named
mkdir -p "$tmp/res/20260101-000000_7.2" "$tmp/own"
echo 'run: 20260101-000000 (smoke) subset=1' >"$tmp/res/20260101-000000_7.2/summary.txt"
printf 'KTAP version 1\n1..3\nok 1 lab.7.2.l1.boot.p1 # wall 30s\nok 2 lab.7.2.l2.clx-noac.7-2\nok 3 lab.7.2.l1.live.x # SKIP no kmc.ko\n' \
	>"$tmp/res/20260101-000000_7.2/lab.ktap"
printf 'KTAP version 1\n1..3\nok 1 lab.own-7.2.l1.boot.p1 # wall 41s\nok 2 lab.own-7.2.l2.clx-noac.own-7-2\nok 3 lab.own-7.2.l1.live.x # SKIP no kmc.ko\n' \
	>"$tmp/own/lab.ktap"
KMC_LAB_BUILD=$tmp/build "$LAB_DIR/same-kernel.sh" --results "$tmp/res" --own "$tmp/own" >"$tmp/same1" 2>&1
same=$?
sed -i 's/^ok 2 /not ok 2 /' "$tmp/own/lab.ktap"
KMC_LAB_BUILD=$tmp/build "$LAB_DIR/same-kernel.sh" --results "$tmp/res" --own "$tmp/own" >"$tmp/same2" 2>&1
differ=$?
if ((same == 0 && differ == 1)) && grep -q '^ok 1 lab.same-kernel' "$tmp/same1" &&
	grep -q '^#   own: *not_ok lab.K.l2.clx-noac.K$' "$tmp/same2" && grep -q '^not ok 1 lab.same-kernel' "$tmp/same2"; then
	ok "same-kernel.sh: equal verdicts pass whatever the kernel's name, a changed one fails named"
else
	bad "same-kernel.sh: equal verdicts pass whatever the kernel's name, a changed one fails named" "exit $same, $differ: $(cat "$tmp/same1" "$tmp/same2" | tr '\n' '|')"
fi

echo "$pass passed, $fail failed"
((fail == 0))
