#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# QEMU's named models against a real KVM: boots the QEMU lab's L1 (Debian
# kernel SERIES, real kvm_amd on emulated SVM; docs/lab.md), and there starts
# every named model version of the L1's own QEMU (Debian 12's 7.2, shipped by
# mkinitramfs.sh --l2) with
#   qemu-system-x86_64 -M microvm -accel kvm -cpu MODEL,enforce -S -qmp stdio
# answering QMP `quit` at once.  QEMU's exit status and the features its
# warnings name ("host doesn't support requested feature: MSR(10AH).x")
# become OUT/observed.txt, compared with the model's prediction by
#   kmc qemu-models --host cpu=qemu-epyc --profile SERIES --observed FILE
# (KTAP in OUT/qemu-models.ktap; docs/qemu-models.md "Checked live").
#
#   harness/qemu/lab-enforce.sh --kernel SERIES [--out DIR] [--cache DIR]
#                               [--models 'A B ...'] [--host HOST]
# Exit 0: every start as predicted; 1: some differ; 2: the boot failed;
# 3: usage or setup error.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness/lab/lib.sh
. "$HERE/../lab/lib.sh"
DIE_RC=3

series=
out=
cache=$LAB_CACHE_DEFAULT
models=
host=cpu=qemu-epyc
KMC=${KMC:-$KMC_ROOT/build/bin/kmc}
while (($#)); do
	case $1 in
	--kernel) series=${2:?--kernel needs a value}; shift ;;
	--out) out=${2:?--out needs a value}; shift ;;
	--cache) cache=${2:?--cache needs a value}; shift ;;
	--models) models=${2:?--models needs a value}; shift ;;
	--host) host=${2:?--host needs a value}; shift ;;
	-h | --help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $series ]] || die "--kernel SERIES is needed (6.1, 6.12, 7.2)"
[[ -x $KMC ]] || die "$KMC missing; run make"
out=${out:-$LAB_BUILD/runs/qemu-models-$series-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

# the L1's QEMU is the machine's (mkinitramfs.sh copies /usr/bin/qemu-system-x86_64)
ver=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
data=$KMC_ROOT/data/qemu/qemu-$ver.txt
[[ -r $data ]] || die "no $data for the machine's QEMU $ver (make qemu-models)"
# every versioned model (an alias starts the same model)
[[ -n $models ]] || models=$(awk '$1 == "model" && !/ alias-of=/ { print $2 }' "$data" | tr '\n' ' ')

# The job in L1: a block per model, QEMU's stderr between the markers
job='q=/usr/bin/qemu-system-x86_64
for m in '"$models"'; do
	echo "@model $m"
	printf "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n" |
		$q -M microvm -m 64 -accel kvm -cpu "$m,enforce" -S -nodefaults -display none \
		-L /usr/share/qemu -qmp stdio 2>&1 >/dev/null
	echo "@rc $?"
done'
n=$(wc -w <<<"$models")
info "starting $n models of QEMU $ver in L1 ($series); results in $out"
rc=0
"$LAB_DIR/boot-l1.sh" --kernel "$series" --cache "$cache" --l2 --out "$out/l1" --quiet \
	--timeout $((600 + n * 20)) --job-timeout $((120 + n * 15)) --job "models=$job" || rc=$?
blk=$out/l1/blocks/models.out
[[ -r $blk ]] || { printf '%s: error: the L1 boot gave no models block (boot-l1.sh rc=%s; %s)\n' \
	"$PROG" "$rc" "$out/l1" >&2; exit 2; }

# "host doesn't support requested feature: CPUID.07H:EBX.rtm [bit 11]" ->
# rtm; "MSR(10AH).fb-clear" -> fb-clear (a name may hold dots: sse4.1)
awk -v ver="$ver" '
	BEGIN { print "qemu " ver }
	/^@model / { m = $2; miss = ""; next }
	/requested feature: / {
		s = $0
		sub(/.*requested feature: /, "", s)
		sub(/ \[bit [0-9]+\].*/, "", s)
		sub(/^(CPUID\.[0-9A-Fa-f]+H:E[A-D]X|CPUID\[[^]]*\]\.E[A-D]X|MSR\([0-9A-Fa-f]+[Hh]\)|[A-Z0-9_]+)\./, "", s)
		miss = miss (miss == "" ? "" : ",") s
		next
	}
	/^@rc / { print "start " m " rc=" $2 " missing=" (miss == "" ? "-" : miss) }
' "$blk" >"$out/observed.txt"
krc=0
"$KMC" qemu-models --host "$host" --profile "$series" --observed "$out/observed.txt" \
	>"$out/qemu-models.ktap" || krc=$?
tail -n1 "$out/qemu-models.ktap" >&2
case $krc in
0) exit 0 ;;
1) exit 1 ;;
*) die "kmc qemu-models --observed failed (exit $krc)" ;;
esac
