#!/usr/bin/env bash
# Turn what a guest kernel reported (report.sh blocks) into a vector record
# whose host is exactly what that kernel saw and whose expectations are what
# it derived. kmc-run --backend model then shows every disagreement between
# the model and the kernel as a failure with a diff.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG --id ID [options] BLOCKDIR

BLOCKDIR holds the split report.sh blocks of one kernel: uname.out,
cpuinfo.out, vulns.out, l2probe.out (boot-l1.sh writes them to
blocks/JOB.l2/). Prints one record (docs/vectors.md) on stdout:

  vector ID profile=P [variant=L] P = kmc profile-for (uname -r, uname -v)
    host vendor=V fms=F:M:S [core=C] [ac=X] cpuid=+f,... smt=0 [TOKENS]
    expect bugs=...              /proc/cpuinfo "bugs" (names kmc knows)
    expect sysfs.mds="..."       and tsx_async_abort, mmio_stale_data
    [expect kvm.arch_cap=V]      with --kvmprobe

The host is built from l2probe's raw CPUID (every feature of 'kmc names
features', leaves 7.1/7.2 only when 7.0 EAX reaches them) and MSR 0x10a
(when CPUID 7.0 EDX[29] is set); smt=0 (one vCPU; under a hypervisor the
sysfs strings say "SMT Host state unknown" anyway).

Options:
  --id ID              vector id
  --host-tokens 'T..'  more host tokens (the kernel command line: mitigations=off ...)
  --comment TEXT       a comment line above the record (repeatable)
  --kvmprobe FILE      kvmprobe output of this kernel as KVM host: adds
                       expect kvm.arch_cap from its feature_msr_0x10a
  --variant LIST       the kernel carries these proposed changes (kmc names
                       variants, comma-separated): variant=LIST
Environment: KMC (default build/bin/kmc).
EOF
}

KMC=${KMC:-$KMC_ROOT/build/bin/kmc}
id=
tokens=
comments=()
kvmprobe=
variant=
while (($#)); do
	case "$1" in
	--id) (($# >= 2)) || die "--id needs a value"; id=$2; shift ;;
	--host-tokens) (($# >= 2)) || die "--host-tokens needs a value"; tokens=$2; shift ;;
	--comment) (($# >= 2)) || die "--comment needs a value"; comments+=("$2"); shift ;;
	--kvmprobe) (($# >= 2)) || die "--kvmprobe needs a file"; kvmprobe=$2; shift ;;
	--variant) (($# >= 2)) || die "--variant needs a list"; variant=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
	shift
done
(($# == 1)) || die "need one BLOCKDIR (see --help)"
d=$1
[[ -n $id ]] || die "--id is required"
[[ -x $KMC ]] || die "$KMC not found (make, or KMC=...)"
for f in uname cpuinfo vulns l2probe; do
	[[ -r $d/$f.out ]] || die "$d/$f.out missing: the kernel's report is incomplete"
done

declare -A P=()
while IFS='=' read -r k v; do
	[[ -n $k ]] && P[$k]=$v
done <"$d/l2probe.out"
for k in vendor family model stepping cpuid.max; do
	[[ -n ${P[$k]:-} ]] || die "$d/l2probe.out has no $k="
done

release=$(sed -n 's/^release=//p' "$d/uname.out")
version=$(sed -n 's/^version=//p' "$d/uname.out")
[[ -n $release ]] || die "$d/uname.out has no release="
perr=$(mktemp)
profile=$("$KMC" profile-for "$release" "$version" 2>"$perr" | cut -f1) || {
	cat "$perr" >&2
	rm -f "$perr"
	die "kmc profile-for '$release' found no profile"
}
pwarn=$(tr '\n' ' ' <"$perr")
rm -f "$perr"

case "${P[vendor]}" in
GenuineIntel) vendor=intel ;;
AuthenticAMD) vendor=amd ;;
HygonGenuine) vendor=hygon ;;
CentaurHauls) vendor=centaur ;;
"  Shanghai  ") vendor=zhaoxin ;;
*) vendor=other ;;
esac
fms=$(printf '%d:0x%x:%d' "${P[family]}" "${P[model]}" "${P[stepping]}")

# cpuid_bit LEAF.SUB REG BIT: 0/1 from l2probe's raw leaves
regs_of() { # LEAF.SUB -> "EAX EBX ECX EDX" or empty
	local key=cpuid.$1 leaf=${1%%.*} sub=${1#*.} eax7
	# the kernel reads 7.1 / 7.2 only when 7.0 EAX says they exist
	if ((leaf == 7 && sub > 0)); then
		eax7=${P[cpuid.0x7.0]%% *}
		[[ -n $eax7 ]] && ((eax7 >= sub)) || return 0
	fi
	echo "${P[$key]:-}"
}
cpuid_bit() {
	local r i w
	r=$(regs_of "$1")
	[[ -n $r ]] || { echo 0; return; }
	read -ra w <<<"$r"
	case "$2" in eax) i=0 ;; ebx) i=1 ;; ecx) i=2 ;; *) i=3 ;; esac
	echo $(((${w[$i]} >> $3) & 1))
}

feats=()
hybrid=0
while read -r name spec; do
	[[ $spec =~ ^(0x[0-9a-f]+\.[0-9]+):([A-Z]{3})\[([0-9]+)\]$ ]] || die "kmc names features: '$name $spec'"
	if [[ $(cpuid_bit "${BASH_REMATCH[1]}" "${BASH_REMATCH[2],,}" "${BASH_REMATCH[3]}") == 1 ]]; then
		feats+=("+$name")
		[[ $name == hybrid_cpu ]] && hybrid=1
	fi
done < <("$KMC" names features)

# the core type counts only on hybrid parts (CPUID 0x1a EAX[31:24])
core=
if ((hybrid)) && [[ -n ${P[cpuid.0x1a.0]:-} ]]; then
	case $(((${P[cpuid.0x1a.0]%% *} >> 24) & 0xff)) in
	32) core=atom ;;
	64) core=core ;;
	*) core=none ;;
	esac
fi

ac=
acnote=
if [[ ${P[arch_cap_cpuid]:-0} == 1 ]]; then
	case "${P[msr_0x10a]:-}" in
	0x*) ac=$(printf '0x%x' "${P[msr_0x10a]}") ;;
	*) ac=0x0; acnote="MSR 0x10a unreadable in the guest (${P[msr_0x10a]:-missing}); taken as 0" ;;
	esac
fi

# bugs: the names kmc knows; others are noted
declare -A known=()
while read -r b; do known[$b]=1; done < <("$KMC" names bugs)
bugs=()
other=()
read -ra cpubugs <<<"$(sed -n 's/^bugs[[:space:]]*: *//p' "$d/cpuinfo.out")"
for b in "${cpubugs[@]}"; do
	if [[ -n ${known[$b]:-} ]]; then bugs+=("$b"); else other+=("$b"); fi
done

vuln() { sed -n "s/^$1: //p" "$d/vulns.out" | head -n1; }

for c in "${comments[@]}"; do printf '# %s\n' "$c"; done
[[ -z $pwarn ]] || printf '# profile-for: %s\n' "$pwarn"
[[ -z $acnote ]] || printf '# %s\n' "$acnote"
((${#other[@]} == 0)) || printf '# bugs not modelled by kmc (left out): %s\n' "${other[*]}"
printf 'vector %s profile=%s%s\n' "$id" "$profile" "${variant:+ variant=$variant}"
host="host vendor=$vendor fms=$fms${core:+ core=$core}${ac:+ ac=$ac}"
((${#feats[@]} == 0)) || host+=" cpuid=$(IFS=,; echo "${feats[*]}")"
host+=" smt=0${tokens:+ $tokens}"
printf '  %s\n' "$host"
if ((${#bugs[@]})); then
	printf '  expect bugs=%s\n' "$(IFS=,; echo "${bugs[*]}")"
else
	printf '  expect bugs=-\n'
fi
for f in mds:mds tsx_async_abort:tsx_async_abort mmio_stale_data:mmio_stale_data; do
	v=$(vuln "${f%%:*}")
	if [[ -n $v ]]; then
		printf '  expect sysfs.%s="%s"\n' "${f#*:}" "${v//\"/\\\"}"
	fi
done
if [[ -n $kvmprobe ]]; then
	v=$(sed -n 's/^feature_msr_0x10a=//p' "$kvmprobe" | head -n1)
	[[ $v == 0x* ]] || die "$kvmprobe has no feature_msr_0x10a"
	printf '  expect kvm.arch_cap=0x%x\n' "$v"
fi
