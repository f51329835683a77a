# shellcheck shell=bash disable=SC2034
# Common helpers for the emulated-lab scripts. Sourced, never executed.
#
# Every lab script lives in harness/lab/ and keeps all downloads, caches and
# build products under $KMC_ROOT/build/lab (git-ignored), never under harness/.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KMC_ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_BUILD=${KMC_LAB_BUILD:-$KMC_ROOT/build/lab}
LAB_CACHE_DEFAULT=$LAB_BUILD/cache
PROG=$(basename "$0")

# die MESSAGE: print "PROG: error: MESSAGE", exit DIE_RC (default 1).
die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit "${DIE_RC:-1}"
}

warn() {
	printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

info() {
	printf '%s: %s\n' "$PROG" "$*" >&2
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found; run harness/lab/deps.sh (installs the lab's Debian packages)"
	done
}

# now_ms: wall clock in milliseconds (for the timing lines the docs quote).
now_ms() {
	date +%s%3N
}

# elapsed START_MS: seconds since START_MS, one decimal.
elapsed() {
	local d=$(($(now_ms) - $1))
	printf '%d.%d' $((d / 1000)) $((d % 1000 / 100))
}

# check_series SERIES: the kernel lines the lab knows.
check_series() {
	case "$1" in
	6.1 | 6.12 | 7.2) ;;
	*) die "unknown kernel '$1' (expected one of: 6.1 6.12 7.2)" ;;
	esac
}

# kernel_env CACHE SERIES: path of the manifest fetch-kernels.sh writes.
kernel_env() {
	printf '%s/kernel-%s/kernel.env' "$1" "$2"
}

# load_kernel CACHE SERIES: source the manifest (sets KVER VMLINUZ MODDIR ...).
load_kernel() {
	local f
	f=$(kernel_env "$1" "$2")
	[[ -r $f ]] || die "kernel $2 is not in the cache $1 (no $f); run: harness/lab/fetch-kernels.sh --cache $1 $2"
	# shellcheck disable=SC1090
	. "$f"
	[[ -r ${VMLINUZ:-} ]] || die "$f names VMLINUZ=${VMLINUZ:-} which does not exist; re-run fetch-kernels.sh $2"
	[[ -d ${MODDIR:-} ]] || die "$f names MODDIR=${MODDIR:-} which does not exist; re-run fetch-kernels.sh $2"
}
