#!/usr/bin/env bash
# A Debian kernel with KVM rebuilt from a (patched) source tree: the quick
# way to boot a KVM change in the labs when a whole kernel build is too long
# (docs/lab.md "Testing your own kernel"). KVM is three modules; the image
# and every other module stay Debian's.
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/../lib.sh"

usage() {
	cat <<EOF
usage: $PROG --src DIR --line LINE --out DIR [--patch FILE]... [--jobs N]

Builds kvm.ko, kvm-intel.ko and kvm-amd.ko from DIR's arch/x86/kvm and
virt/kvm (a copy of them, with each --patch FILE applied by patch -p1),
against the headers of the Debian kernel of lab line LINE (kmod/build-debian.sh
unpacks them; its compiler, its configuration), and writes OUT/modules: that
kernel's modules (hard links into the lab's cache) with the three KVM modules
replaced. Prints the make lab arguments:
  KERNEL=IMAGE KMODULES=OUT/modules
DIR must hold the same release as the Debian kernel (its linux-source):
the modules are loaded into that kernel, unsigned (the kernel is tainted E,
as the lab's Bochs boots already are).

  --src DIR     kernel source tree (only arch/x86/kvm and virt/kvm are read)
  --line LINE   the Debian kernel (6.1, 6.12, 7.2, 7.3)
  --out DIR     build and output directory
  --patch FILE  a patch to apply to the copy (repeatable)
  --jobs N      make -jN (default: nproc)
EOF
}

src=
line=
out=
patches=()
jobs=$(nproc)
while (($#)); do
	case "$1" in
	--src) (($# >= 2)) || die "--src needs a directory"; src=$2; shift ;;
	--line) (($# >= 2)) || die "--line needs a line"; line=$2; shift ;;
	--out) (($# >= 2)) || die "--out needs a directory"; out=$2; shift ;;
	--patch) (($# >= 2)) || die "--patch needs a file"; [[ -r $2 ]] || die "--patch $2: not readable"; patches+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
	--jobs) (($# >= 2)) || die "--jobs needs a number"; jobs=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $src && -n $line && -n $out ]] || die "--src, --line and --out are required (see --help)"
[[ -d $src/arch/x86/kvm && -d $src/virt/kvm ]] || die "--src $src has no arch/x86/kvm and virt/kvm"
check_series "$line"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs $jobs: not a positive number"

# the Debian kernel and its headers (both cached by the lab and kmod/)
load_kernel "$LAB_CACHE_DEFAULT" "$line"
kenv=${KMC_KMOD_BUILD:-$KMC_ROOT/build/kmod}/$line/kmc.env
if [[ ! -r $kenv ]] || [[ ! -d $(. "$kenv" && echo "$HDR") ]]; then
	"$KMC_ROOT/kmod/build-debian.sh" --kver "$line=$KVER" "$line" >&2 || die "kmod/build-debian.sh $line failed (its headers)"
fi
hdr=$(. "$kenv" && echo "$HDR")
cc=$(. "$kenv" && echo "$CC")
cc=${cc%% *}
[[ -d $hdr ]] || die "$kenv names headers $hdr that do not exist"
srcver=$(make -s -C "$src" kernelversion 2>/dev/null) || die "cannot read the version of $src (make kernelversion)"
[[ $KVER == "$srcver"[+-]* || $KVER == "$srcver" ]] ||
	die "$src is $srcver, the Debian kernel of $line is $KVER: the modules would not fit it"

mkdir -p "$out"
out=$(cd "$out" && pwd)
t=$out/tree
rm -rf "$t"
mkdir -p "$t/arch/x86" "$t/virt"
cp -r "$src/arch/x86/kvm" "$t/arch/x86/"
cp -r "$src/virt/kvm" "$t/virt/"
for p in "${patches[@]}"; do
	(cd "$t" && patch -p1 --quiet <"$p") || die "patch $p does not apply to $src's arch/x86/kvm"
done
# out of tree, the Makefile's $(srctree) paths become this copy's; trace.h
# includes itself as include/trace/../../arch/x86/kvm/trace.h, which an
# -I of the copy's (empty) include/trace finds
sed -i -e 's|\$(srctree)/arch/x86/kvm|$(src)|' -e 's|include \$(srctree)/virt/kvm/Makefile.kvm|include $(src)/../../../virt/kvm/Makefile.kvm|' \
	"$t/arch/x86/kvm/Makefile"
mkdir -p "$t/include/trace"
echo 'ccflags-y += -I $(src)/../../../include/trace' >>"$t/arch/x86/kvm/Makefile"

t0=$(now_ms)
ccargs=()
[[ -z $cc || $cc == gcc ]] || ccargs=("CC=$cc")
make -C "$hdr" M="$t/arch/x86/kvm" -j"$jobs" "${ccargs[@]}" modules >"$out/build.log" 2>&1 ||
	die "the KVM modules do not build; see $out/build.log"
info "kvm.ko, kvm-intel.ko, kvm-amd.ko built against $KVER in $(elapsed "$t0")s"

# Debian's modules, hard-linked, with KVM's replaced (the .ko.xz removed:
# the initramfs builder would not know which one to take)
root=$out/modules
rm -rf "$root"
rel=${MODDIR#"$LAB_CACHE_DEFAULT"/kernel-"$line"/root/}
mkdir -p "$root/$(dirname "$rel")"
cp -al "$MODDIR" "$root/$rel"
for m in kvm kvm-intel kvm-amd; do
	old=$(find "$root/$rel/kernel/arch/x86/kvm" -name "$m.ko*" | head -n1)
	[[ -n $old ]] || die "Debian's $line has no $m module under kernel/arch/x86/kvm"
	rm -f "$old"
	cp "$t/arch/x86/kvm/$m.ko" "$(dirname "$old")/$m.ko"
done
echo "KERNEL=$VMLINUZ KMODULES=$root"
