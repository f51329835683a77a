#!/usr/bin/env bash
# Entry point of the emulated lab (called by `make lab` when there is no /dev/kvm).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG [options]

The emulated lab's smoke run, end to end:
  1. deps.sh            installs the host packages (qemu-system-x86, busybox-static, ...)
  2. fetch-kernels.sh   Debian's 6.1, 6.12 and 7.2 kernels into build/lab/cache
  3. build.sh           kvmprobe, l2probe, l2wrap.so
  4. mkinitramfs.sh     one L1 initramfs per kernel (with the L2 pieces)
  5. boot-l1.sh         per kernel, one L1 boot (TCG, EPYC,+svm) that runs
                        /lab/kvmprobe and, in L2 (Cascadelake-Server under
                        L1's KVM), the same kernel with 0x10a forced
Prints KTAP v1 on stdout (exit 0 all passed, 1 something failed, 4 all
skipped); the boots' run directories and a log go under OUT.

Options:
  --kernels 'LIST'   kernels to use (default: '6.1 6.12 7.2')
  --no-l2            skip the L2 boots
  --parallel N       L1 boots at once (default 2; each is one TCG thread)
  --cache DIR        kernel cache (default build/lab/cache)
  --out DIR          run directory (default build/lab/runs/lab-TIME)
  --offline          no apt: use what is already in the cache
  --no-deps          do not run deps.sh
  --arch-cap VALUE   the 0x10a value forced on L2 (default 0x400000000d10e17b)
Environment: KMC_LAB_EXPECT_ARCH_CAP (default 0x400000000c000069) is the
value L1's KVM is expected to advertise on the EPYC,+svm L1.
EOF
}

kernels="6.1 6.12 7.2"
l2=1
parallel=2
cache=$LAB_CACHE_DEFAULT
out=
offline=0
deps=1
force=0x400000000d10e17b
expect=${KMC_LAB_EXPECT_ARCH_CAP:-0x400000000c000069}
while (($#)); do
	case "$1" in
	--kernels) (($# >= 2)) || die "--kernels needs a list"; kernels=$2; shift ;;
	--no-l2) l2=0 ;;
	--parallel) (($# >= 2)) || die "--parallel needs a number"; parallel=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a directory"; cache=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	--offline) offline=1 ;;
	--no-deps) deps=0 ;;
	--arch-cap) (($# >= 2)) || die "--arch-cap needs a value"; force=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $parallel =~ ^[1-9][0-9]*$ ]] || die "--parallel wants a positive number, got '$parallel'"
for k in $kernels; do check_series "$k"; done
out=${out:-$LAB_BUILD/runs/lab-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
steplog=$out/lab.log
: >"$steplog"

# step NAME CMD...: run a preparation step, its output into lab.log, timed.
step() {
	local name=$1 t
	shift
	t=$(now_ms)
	printf '### %s: %s\n' "$name" "$*" >>"$steplog"
	if ! "$@" >>"$steplog" 2>&1; then
		printf '%s: error: step %s failed after %ss; see %s\n' "$PROG" "$name" "$(elapsed "$t")" "$steplog" >&2
		tail -n 20 "$steplog" | sed 's/^/    /' >&2
		exit 1
	fi
	printf '# step %s: %ss\n' "$name" "$(elapsed "$t")"
}

echo "KTAP version 1"
t_all=$(now_ms)
((deps == 0)) || step deps "$LAB_DIR/deps.sh"
offl=()
((offline == 0)) || offl=(--offline)
# shellcheck disable=SC2086
step fetch "$LAB_DIR/fetch-kernels.sh" --cache "$cache" "${offl[@]}" $kernels
step build "$LAB_DIR/build.sh"
l2flag=()
((l2 == 0)) || l2flag=(--l2)
for k in $kernels; do
	step "initramfs-$k" "$LAB_DIR/mkinitramfs.sh" --kernel "$k" --cache "$cache" "${l2flag[@]}" \
		-o "$out/l1-$k.cpio.gz"
done

# boot K: one L1 boot with the probe (and the L2 job); exit status kept.
boot() {
	local k=$1 args
	args=(--kernel "$k" --cache "$cache" --initrd "$out/l1-$k.cpio.gz" --out "$out/l1-$k" --quiet --probe)
	((l2 == 0)) || args+=(--l2-run "--arch-cap $force")
	set +e
	"$LAB_DIR/boot-l1.sh" "${args[@]}" >"$out/l1-$k.stdout" 2>"$out/l1-$k.stderr"
	echo $? >"$out/l1-$k.rc"
}
running=0
for k in $kernels; do
	if ((running >= parallel)); then
		wait -n || true
		running=$((running - 1))
	fi
	boot "$k" &
	running=$((running + 1))
done
wait

# Results as KTAP.
n=0
pass=0
fail=0
skip=0
lines=()
result() { # ok|not ok, name, [diagnostic]
	n=$((n + 1))
	case "$1" in
	ok) pass=$((pass + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	if [[ $1 == skip ]]; then
		lines+=("ok $n $2 # SKIP ${3:-}")
	else
		lines+=("$1 $n $2${3:+ # $3}")
	fi
}
kv() { sed -n "s/^$1=//p" "$2" 2>/dev/null | head -n1; }

for k in $kernels; do
	d=$out/l1-$k
	b=$d/blocks
	rc=$(cat "$out/l1-$k.rc" 2>/dev/null || echo missing)
	while IFS= read -r l; do lines+=("# $k: $l"); done < <(grep ': error: ' "$out/l1-$k.stderr" || true)
	if [[ ! -e $b/DONE ]]; then
		result "not ok" "lab.$k.l1_boot" "boot-l1.sh rc=$rc; serial log $d/serial.log"
		result skip "lab.$k.kvmprobe" "L1 did not finish"
		((l2 == 0)) || result skip "lab.$k.l2_forced_arch_cap" "L1 did not finish"
		continue
	fi
	result ok "lab.$k.l1_boot" "$(kv kernel "$b/l1-setup.out"), wall $(kv wall_s "$d/info")s"
	p=$b/kvmprobe.out
	api=$(kv kvm_api_version "$p")
	has=$(kv feature_msr_list_has_0x10a "$p")
	val=$(kv feature_msr_0x10a "$p")
	lines+=("# $k: kvmprobe: $(tr '\n' ' ' <"$p" 2>/dev/null)")
	if [[ $(cat "$b/kvmprobe.rc" 2>/dev/null) == 0 && $api == 12 && $has == 1 && $((val)) == $((expect)) ]]; then
		result ok "lab.$k.kvmprobe" "0x10a=$val"
	else
		result "not ok" "lab.$k.kvmprobe" "api=$api in_list=$has 0x10a=$val (expected 12, 1, $expect); $p"
	fi
	((l2)) || continue
	c=$b/l2.l2
	got=$(kv msr_0x10a "$c/l2probe.out")
	bugs=$(sed -n 's/^bugs[[:space:]]*: //p' "$c/cpuinfo.out" 2>/dev/null)
	lines+=("# $k: L2 bugs: $bugs")
	if [[ $(cat "$b/l2.rc" 2>/dev/null) == 0 && -n $got && $got != gp && $((got)) == $((force)) ]]; then
		result ok "lab.$k.l2_forced_arch_cap" "L2 reads 0x10a=$got"
	else
		result "not ok" "lab.$k.l2_forced_arch_cap" "l2 rc=$(cat "$b/l2.rc" 2>/dev/null), L2 reads '${got:-nothing}', forced $force; $b/l2.out"
	fi
done

echo "1..$n"
printf '%s\n' "${lines[@]}"
echo "# lab: total wall $(elapsed "$t_all")s; run directory $out"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
if ((fail)); then exit 1; fi
if ((pass == 0)); then exit 4; fi
exit 0
