#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make lab`. With a /dev/kvm served by kvm_intel or kvm_amd: check this
# machine's own KVM (harness/kvm/lab-live.sh). Otherwise the emulated labs:
# first what this machine's other KVM (e.g. kvm_pvm) can answer
# (harness/kvm/lab-other.sh), then the QEMU lab (harness/lab/qemu-lab.sh: kvm_amd,
# Debian's kernels as L1 and L2) and the VMX lab (harness/lab/bochs/vmx-lab.sh:
# kvm_intel, Debian's kernels as Bochs hosts). Their KTAP documents become
# subtests of one KTAP document on stdout.
#
#   harness/lab/run-labs.sh [--emulated] [--qemu-only | --vmx-only] [ARGS...]
# --emulated: the emulated labs even where /dev/kvm is kvm_intel/kvm_amd
# (make lab-smoke, CI).
# ARGS go to each lab (--smoke, --kernels, --update-baseline, --no-baseline,
# --offline, --no-deps, --cache, --results, --baselines, --own-kernel,
# --own-modules, --own-name, --profile-flags are common to both;
# --only needs --qemu-only or --vmx-only, the two labs name their
# configurations differently). Exit: 0 all passed, 1 a failure, 4 nothing
# ran, 2 setup error.
set -eu
cd "$(dirname "$0")/../.."
case "${1:-}" in
-h | --help)
	# the header above is the usage; each lab's own --help has its options
	sed -n '3,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' harness/lab/run-labs.sh
	echo "Each lab's options: harness/lab/qemu-lab.sh --help, harness/lab/bochs/vmx-lab.sh --help."
	exit 0 ;;
esac

# kvm_vendor: the module serving /dev/kvm: kvm_intel, kvm_amd, another kvm_*
# module, or nothing
kvm_vendor() {
	for m in kvm_intel kvm_amd; do
		[ -d "/sys/module/$m" ] && { echo "$m"; return; }
	done
	for d in /sys/module/kvm_*; do
		[ -d "$d/holders" ] || [ -e "$d/initstate" ] || continue
		case "${d##*/}" in kvm_intel | kvm_amd) ;; *) echo "${d##*/}"; return ;; esac
	done
}

emulated=0
if [ "${1:-}" = --emulated ]; then emulated=1; shift; fi
which=both
case "${1:-}" in
--qemu-only) which=qemu; shift ;;
--vmx-only) which=vmx; shift ;;
esac
for a in "$@"; do
	# an own kernel (make lab KERNEL=) boots in the emulated labs, never here
	[ "$a" != --own-kernel ] || emulated=1
	if [ "$a" = --only ] && [ $which = both ]; then
		echo "run-labs.sh: --only names configurations of one lab: add --qemu-only or --vmx-only" >&2
		exit 2
	fi
done

# The model's tables against Debian's sources of the lines the labs run
# first (docs/source-check.md; seconds when cached): a mismatch stops the
# lab, whose verdicts would come from a wrong model.
bash harness/tools/source/check.sh --lab "$@" >&2 || exit 1

vendor=
if [ -c /dev/kvm ] && [ $emulated = 0 ]; then
	vendor=$(kvm_vendor)
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "lab: /dev/kvm exists but $(id -un) cannot open it read-write; the emulated labs only" >&2
	else
		case "$vendor" in
		kvm_intel | kvm_amd) exec sh harness/kvm/lab-live.sh "$@" ;;
		esac
		echo "lab: /dev/kvm is served by ${vendor:-an unknown module}, neither kvm_intel nor kvm_amd:" \
			"what it answers first, then the emulated labs" >&2
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=
n=0
if [ $emulated = 0 ] && [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -x harness/kvm/lab-other.sh ]; then
	n=$((n + 1))
	names="$names own-kvm"
	set +e
	sh harness/kvm/lab-other.sh "$vendor" >"$tmp/$n.ktap"
	echo $? >"$tmp/$n.rc"
	set -e
fi
# The two emulated labs run side by side, each two boots at a time, all boots
# taking one of as many CPU slots as the machine has CPUs
# (harness/lab/cpu-slot.sh): every CPU stays busy until the last boots, where
# one lab after the other leaves a CPU idle at each lab's tail (docs/lab.md
# "Timing"). What they share (make, the kernel cache, kmc.ko builds, apt)
# takes turns on locks.
if [ -z "${KMC_LAB_SLOTS:-}" ]; then
	KMC_LAB_SLOTS=$(nproc)
	export KMC_LAB_SLOTS
fi
pids=
if [ $which != vmx ]; then
	n=$((n + 1))
	names="$names qemu-lab"
	bash harness/lab/qemu-lab.sh "$@" >"$tmp/$n.ktap" &
	pids="$pids $n:$!"
fi
if [ $which != qemu ]; then
	n=$((n + 1))
	names="$names vmx-lab"
	# --matrix, --parts, --l2-timeout and --no-kvm-backend are the QEMU lab's alone
	bash harness/lab/bochs/vmx-lab.sh "$@" >"$tmp/$n.ktap" &
	pids="$pids $n:$!"
fi
# an interrupted make lab stops both (each lab stops its own emulators)
trap 'for p in $pids; do kill -TERM "${p#*:}" 2>/dev/null; done; wait; rm -rf "$tmp"; exit 130' INT TERM
for p in $pids; do
	set +e
	wait "${p#*:}"
	echo $? >"$tmp/${p%%:*}.rc"
	set -e
done
trap - INT TERM

# One KTAP document: each lab's a subtest (version line first, as KUnit
# prints it), its verdict from its exit status.
echo "KTAP version 1"
echo "1..$n"
i=0
worst=4
for name in $names; do
	i=$((i + 1))
	rc=$(cat "$tmp/$i.rc")
	sed -e '/^KTAP version/{s/^/    /;n;s/^/    # Subtest: '"$name"'\n    /;b}' -e 's/^/    /' "$tmp/$i.ktap"
	case $rc in
	0) echo "ok $i $name"; [ $worst = 4 ] && worst=0 ;;
	4) echo "ok $i $name # SKIP nothing ran" ;;
	2) echo "not ok $i $name # ERROR setup failed (exit 2; its messages are above on stderr)"; worst=1 ;;
	*) echo "not ok $i $name"; worst=1 ;;
	esac
done
exit $worst
