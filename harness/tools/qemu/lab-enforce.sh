#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# QEMU's named models against a real KVM: boots the QEMU lab's L1 (Debian
# kernel SERIES, real kvm_amd on emulated SVM; docs/lab.md) or, with
# --bochs, the VMX lab's Bochs host (real kvm_intel), and there starts every
# named model version of the machine's QEMU (Debian 12's 7.2, shipped in the
# initramfs: mkinitramfs.sh --l2, or --bin for Bochs), or the --models given, with
#   qemu-system-x86_64 -M microvm -accel kvm -cpu MODEL,enforce -S -qmp stdio
# answering QMP `quit` at once.  QEMU's exit status and the features its
# warnings name ("host doesn't support requested feature: MSR(10AH).x")
# become OUT/observed.txt, compared with the model's prediction by
#   kmc qemu-models --host cpu=qemu-epyc --profile SERIES --observed FILE
# (KTAP in OUT/qemu-models.ktap; docs/qemu-models.md "Checked live").  And
# QEMU's names against the bits: `-cpu host` expanded over QMP on that KVM
# must set, by the data's name table, the bits of KVM's own 0x10a value
# (kvmprobe) that QEMU names (OUT/host-expansion.txt).
#
#   harness/tools/qemu/lab-enforce.sh --kernel SERIES [--out DIR] [--cache DIR]
#                               [--models 'A B ...'] [--host HOST]
#                               [--bochs CPU:ARCH_CAP] [--append ARGS]
#                               [--update-baseline]
# --host is the model's view of that host (default cpu=qemu-epyc, the QEMU
# lab's L1; for --bochs the host line the VMX lab's baseline host.kmv has
# for that configuration, less what --append hides from the kernel: Bochs
# needs clearcpuid=avx512f,pku on tigerlake, as vmx-lab.sh's append() says).  The KTAP is diffed against
# results/baselines/qemu-models/NAME/ (NAME: SERIES, or vmx-SERIES-CPU-AC),
# which --update-baseline writes.
# Exit 0: every start as predicted; 1: some differ; 2: the boot failed;
# 3: usage or setup error.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness/lab/lib.sh
. "$HERE/../../lab/lib.sh"
# shellcheck disable=SC2034 # lib.sh's die exits with it
DIE_RC=3

series=
out=
cache=$LAB_CACHE_DEFAULT
models=
host=cpu=qemu-epyc
bochs=
append=
update=0
KMC=${KMC:-$KMC_ROOT/build/bin/kmc}
while (($#)); do
	case $1 in
	--kernel) series=${2:?--kernel needs a value}; shift ;;
	--out) out=${2:?--out needs a value}; shift ;;
	--cache) cache=${2:?--cache needs a value}; shift ;;
	--models) models=${2:?--models needs a value}; shift ;;
	--host) host=${2:?--host needs a value}; shift ;;
	--bochs) bochs=${2:?--bochs needs CPU:ARCH_CAP}; shift ;;
	--append) append=${2:?--append needs a value}; shift ;;
	--update-baseline) update=1 ;;
	-h | --help) sed -n '3,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $series ]] || die "--kernel SERIES is needed (6.1, 6.12, 7.2)"
[[ -x $KMC ]] || die "$KMC missing; run make"
name=$series
if [[ -n $bochs ]]; then
	[[ $bochs == ?*:?* ]] || die "--bochs wants CPU:ARCH_CAP, e.g. tigerlake:0x6013f"
	[[ $host != cpu=qemu-epyc ]] || die "--bochs needs --host: the Bochs host as the model sees it"
	name=vmx-$series-${bochs/:/-}
fi
out=${out:-$LAB_BUILD/runs/qemu-models-$name-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

# the L1's QEMU is the machine's (mkinitramfs.sh copies /usr/bin/qemu-system-x86_64)
ver=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p')
data=$KMC_ROOT/data/qemu/qemu-$ver.txt
[[ -r $data ]] || die "no $data for the machine's QEMU $ver (make qemu-models)"
# every versioned model (an alias starts the same model)
[[ -n $models ]] || models=$(awk '$1 == "model" && !/ alias-of=/ { print $2 }' "$data" | tr '\n' ' ')

# The job: a block per model, QEMU's stderr between the markers; then the
# host model's expansion, one property a line (the console cuts long lines)
q=/usr/bin/qemu-system-x86_64 fw=/usr/share/qemu
[[ -z $bochs ]] || q=/payload/qemu-system-x86_64 fw=/payload
# shellcheck disable=SC2016 # $q, $m and $? are the job's own
job='q='$q'
for m in '"$models"'; do
	echo "@model $m"
	printf "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n" |
		$q -M microvm -m 64 -accel kvm -cpu "$m,enforce" -S -nodefaults -display none \
		-L '$fw' -qmp stdio 2>&1 >/dev/null
	echo "@rc $?"
done
echo "@host"
printf "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"host\"}}}\n{\"execute\":\"quit\"}\n" |
	$q -M microvm -m 64 -accel kvm -cpu host -S -nodefaults -display none -L '$fw' -qmp stdio 2>&1 |
	tr , "\n"
echo "@rc $?"'
n=$(wc -w <<<"$models")
rc=0
if [[ -z $bochs ]]; then
	info "starting $n models of QEMU $ver in the QEMU lab's L1 ($series); results in $out"
	"$LAB_DIR/boot-l1.sh" --kernel "$series" --cache "$cache" --l2 --out "$out/l1" --quiet \
		--timeout $((600 + n * 20)) --job-timeout $((120 + n * 15)) --probe --job "models=$job" || rc=$?
else
	# the VMX lab's initramfs (kvm_intel, unsigned modules) plus QEMU and microvm's firmware
	info "starting $n models of QEMU $ver on Bochs ${bochs%%:*}, 0x10a ${bochs#*:} ($series); results in $out"
	mkdir -p "$out/fw"
	cp -L /usr/share/qemu/qboot.rom /usr/share/qemu/bios-microvm.bin "$out/fw/"
	"$LAB_DIR/mkinitramfs.sh" --kernel "$series" --cache "$cache" --kvm-module kvm_intel --strip-sigs \
		--bin /usr/bin/qemu-system-x86_64 --payload "$out/fw" -o "$out/init.cpio.gz" >/dev/null 2>"$out/mkinitramfs.log" ||
		die "mkinitramfs.sh failed; see $out/mkinitramfs.log"
	# a QEMU start under Bochs takes about 7 s of wall time
	"$LAB_DIR/bochs/boot-bochs.sh" --kernel "$series" --cache "$cache" --initrd "$out/init.cpio.gz" \
		--cpu "${bochs%%:*}" --arch-cap "${bochs#*:}" --out "$out/l1" --quiet \
		${append:+--append "$append"} \
		--timeout $((900 + n * 60)) --job-timeout $((60 + n * 30)) --idle-timeout 900 \
		--probe --job "models=$job" || rc=$?
fi
blk=$out/l1/blocks/models.out
[[ -r $blk ]] || { printf '%s: error: the boot gave no models block (rc=%s; %s)\n' \
	"$PROG" "$rc" "$out/l1" >&2; exit 2; }

# "host doesn't support requested feature: CPUID.07H:EBX.rtm [bit 11]" ->
# rtm; "MSR(10AH).fb-clear" -> fb-clear (a name may hold dots: sse4.1)
kern=$(sed -n 's/^kver=//p; s/^pkgver=/package /p' "$out/l1/info" 2>/dev/null | tr '\n' ' ')
where="QEMU lab L1 (-cpu EPYC,+svm, kvm_amd)"
[[ -z $bochs ]] || where="Bochs ${bochs%%:*}, 0x10a ${bochs#*:} (kvm_intel)"
awk -v ver="$ver" -v head="# kernel $kern on $where; host for the model: $host" '
	BEGIN { print head; print "qemu " ver }
	/^@model / { m = $2; miss = ""; next }
	/^@host/ { m = ""; next }
	/requested feature: / {
		s = $0
		sub(/.*requested feature: /, "", s)
		sub(/ \[bit [0-9]+\].*/, "", s)
		sub(/^(CPUID\.[0-9A-Fa-f]+H:E[A-D]X|CPUID\[[^]]*\]\.E[A-D]X|MSR\([0-9A-Fa-f]+[Hh]\)|[A-Z0-9_]+)\./, "", s)
		miss = miss (miss == "" ? "" : ",") s
		next
	}
	/^@rc / && m != "" { print "start " m " rc=" $2 " missing=" (miss == "" ? "-" : miss) }
' "$blk" >"$out/observed.txt"
# The names against the bits (docs/qemu-models.md): QEMU's `host` model on
# this KVM sets the 0x10a bits of KVM's system-fd value (kvmprobe) that it
# has names for; through the data's name -> bit table the two must agree
hrc=0
kvm_ac=$(sed -n 's/^feature_msr_0x10a=//p' "$out/l1/blocks/kvmprobe.out" 2>/dev/null || true)
host_on=$(sed -n '/^@host/,$p' "$blk" | grep -o '"[a-z0-9._-]*": true' | sed 's/"\(.*\)": true/\1/' | sort)
if [[ -z $kvm_ac || -z $host_on ]]; then
	printf 'host expansion: no KVM value (kvmprobe) or no QMP answer for -cpu host\n' >"$out/host-expansion.txt"
	hrc=1
else
	known=0 named=0
	while read -r _ _ qn _ loc; do
		b=${loc#msr-0x10a[}
		b=${b%]}
		known=$((known | (1 << b)))
		grep -qx -- "$qn" <<<"$host_on" && named=$((named | (1 << b)))
	done < <(awk '$1 == "feature" && $2 == "arch-cap"' "$data")
	want=$((kvm_ac & known))
	printf 'host expansion: QEMU -cpu host sets 0x10a bits 0x%x by the data'"'"'s names;'\
' KVM_GET_MSRS(0x10a) = %s, 0x%x of it bits QEMU %s names: %s\n' "$named" "$kvm_ac" "$want" \
		"$ver" "$( ((named == want)) && echo agree || echo DIFFER)" >"$out/host-expansion.txt"
	((named == want)) || hrc=1
fi
cat "$out/host-expansion.txt" >&2
krc=0
"$KMC" qemu-models --host "$host" --profile "$series" --observed "$out/observed.txt" \
	>"$out/qemu-models.ktap" || krc=$?
tail -n1 "$out/qemu-models.ktap" >&2
base=$KMC_ROOT/results/baselines/qemu-models/$name
if ((update)); then
	mkdir -p "$base"
	cp "$out/observed.txt" "$out/qemu-models.ktap" "$out/host-expansion.txt" "$base/"
	info "baseline written: $base"
elif [[ -r $base/qemu-models.ktap ]]; then
	if diff -u "$base/qemu-models.ktap" "$out/qemu-models.ktap" >"$out/baseline-diff.txt"; then
		info "baseline $base: no differences"
	else
		warn "baseline $base: $(grep -c '^[-+][no]' "$out/baseline-diff.txt") lines differ; see $out/baseline-diff.txt"
	fi
fi
case $krc in
0) exit "$hrc" ;;
1) exit 1 ;;
*) die "kmc qemu-models --observed failed (exit $krc)" ;;
esac
