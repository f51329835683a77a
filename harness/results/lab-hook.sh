#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lab-hook.sh DIR: what the emulated lab (harness/lab/qemu-lab.sh, results_hook)
# runs on each results/lab/<date>_<kernel>/ it writes: make it a full
# results directory -- run.json (kind emulated-lab, the KTAP and vector
# files with their hashes, the suite commit, interrupted if lab.ktap was cut
# short), junit.xml, kcidb.json and kmc-summary.txt derived from lab.ktap
# (the kernel's flat KTAP: L1 checks and L2 configurations).  Leaves the
# lab's own files alone.  KMC_BIN: the directory with kmc-results
# (default build/bin under the tree).
set -eu
[ $# -eq 1 ] || { echo "usage: lab-hook.sh RESULTS-DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${KMC_BIN:-$root/build/bin}
dir=$(cd "$1" && pwd) || exit 1
ktap=
[ -f "$dir/lab.ktap" ] && ktap="--ktap lab.ktap"
cd "$root"
# shellcheck disable=SC2086
exec "$bin/kmc-results" adopt --kind emulated-lab $ktap "$dir"
