#!/usr/bin/env bash
# Build the lab's L1 initramfs (and, with --l2, everything L1 needs to boot L2).
set -euo pipefail
# shellcheck source=harness/lab/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<EOF
usage: $PROG --kernel SERIES [options]

Builds a cpio (newc, gzip -1) for the L1 guest of the emulated lab:
  /init               harness/lab/init/l1-init.sh (see its header)
  /bin/busybox        busybox-static of the host, with its applet links
  /lib/modules/*.ko   kvm-amd and its dependencies from modules' .modinfo
                      (irqbypass kvm ccp kvm-amd), decompressed; load order in
                      /lib/modules/load.order
  /lab/kvmprobe       harness/lab/probe/kvmprobe.c, static
  /payload/           the files of every --payload DIR
With --l2, also:
  /usr/bin/qemu-system-x86_64 and its shared libraries (ldd), QEMU firmware
  in /usr/share/qemu, /lab/l2wrap.so, /lab/l2run.sh, /l2/vmlinux (the L2
  kernel uncompressed from its bzImage: an ELF with a PVH entry note, so L2
  skips ~5 s of decompression under nested TCG; cached as
  CACHE/kernel-SERIES/vmlinux), /l2/initrd.gz (L2 initramfs: busybox,
  /init = init/l2-init.sh, /lab/report.sh, /lab/l2probe, msr.ko and the
  virtio-mmio block driver for the report disk).
  /lab/l2probe and /lab/report.sh are in L1 as well (L1 reports its own view).

Options:
  --kernel SERIES     6.1, 6.12, 7.2 or 7.3 (fetched by fetch-kernels.sh), or
                      an own kernel's name (own-kernel.sh, LAB_OWN_KERNELS)
  --cache DIR         kernel cache (default build/lab/cache)
  -o, --output FILE   default build/lab/initramfs/l1-SERIES[-l2].cpio.gz
  --payload DIR       copy DIR's contents to /payload (repeatable)
  --bin FILE          copy the program FILE to /payload/ and, if it is dynamic,
                      its shared libraries (ldd) to their paths (repeatable)
  --module NAME       load NAME (and its dependencies) too (repeatable),
                      e.g. --module 9pnet_virtio --module 9p --module virtio_pci
  --kvm-module NAME   the KVM vendor module loaded first (default kvm_amd;
                      the VMX lab's Bochs host uses kvm_intel)
  --strip-sigs        remove the appended signature of each module (the code
                      is unchanged; the kernel loads it unsigned, tainted E):
                      under Bochs checking them costs seconds per boot
  --l2                include the L2 pieces
  --l2-kernel SERIES  kernel for L2 (default: the same as --kernel)
  --l2-bzimage        ship the compressed bzImage as /l2/vmlinuz instead of
                      /l2/vmlinux (slower L2 boots; for comparison)
EOF
}

series=
cache=$LAB_CACHE_DEFAULT
output=
payloads=()
bins=()
kvm_module=kvm_amd
modules=()
strip_sigs=0
l2=0
l2series=
l2_bzimage=0
while (($#)); do
	case "$1" in
	--kernel) (($# >= 2)) || die "--kernel needs a value"; series=$2; shift ;;
	--cache) (($# >= 2)) || die "--cache needs a value"; cache=$2; shift ;;
	-o | --output) (($# >= 2)) || die "$1 needs a value"; output=$2; shift ;;
	--payload) (($# >= 2)) || die "--payload needs a value"; [[ -d $2 ]] || die "--payload $2: not a directory"; payloads+=("$2"); shift ;;
	--bin) (($# >= 2)) || die "--bin needs a file"; [[ -x $2 ]] || die "--bin $2: not an executable file"; bins+=("$2"); shift ;;
	--module) (($# >= 2)) || die "--module needs a value"; modules+=("$2"); shift ;;
	--kvm-module) (($# >= 2)) || die "--kvm-module needs a value"; kvm_module=$2; shift ;;
	--strip-sigs) strip_sigs=1 ;;
	--l2) l2=1 ;;
	--l2-kernel) (($# >= 2)) || die "--l2-kernel needs a value"; l2series=$2; l2=1; shift ;;
	--l2-bzimage) l2_bzimage=1; l2=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ -n $series ]] || die "--kernel is required (see --help)"
check_series "$series"
[[ -z $l2series ]] || check_series "$l2series"
l2series=${l2series:-$series}
need_cmd cpio gzip xz zstd objcopy od
[[ -x /bin/busybox ]] || die "/bin/busybox missing; run harness/lab/host-packages.sh (busybox-static)"
if ldd /bin/busybox >/dev/null 2>&1; then
	die "/bin/busybox is dynamically linked; the lab needs busybox-static (harness/lab/host-packages.sh)"
fi

t0=$(now_ms)
mkdir -p "$LAB_BUILD/initramfs" "$LAB_BUILD/tmp"
if [[ -z $output ]]; then
	output=$LAB_BUILD/initramfs/l1-$series.cpio.gz
	((l2 == 0)) || output=${output%.cpio.gz}-l2.cpio.gz
fi
stage=$(mktemp -d "$LAB_BUILD/tmp/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

"$LAB_DIR/build.sh" >/dev/null
BIN=$LAB_BUILD/bin

# busybox_root DIR: busybox and its applet links in DIR/bin, sbin -> bin.
busybox_root() {
	local d=$1 self
	mkdir -p "$d/bin" "$d/dev" "$d/proc" "$d/sys" "$d/tmp" "$d/run" "$d/etc" "$d/usr/bin"
	cp /bin/busybox "$d/bin/busybox"
	# One call instead of one ln per applet (forks are slow here); the links
	# point at busybox's own resolved path, which we make exist too.
	/bin/busybox --install -s "$d/bin" || die "busybox --install -s $d/bin failed"
	self=$(readlink -f /bin/busybox)
	[[ $self == /bin/busybox ]] || ln -s /bin/busybox "$d$self"
	ln -s bin "$d/sbin"
	# a console node, in case devtmpfs cannot be mounted
	mknod -m 600 "$d/dev/console" c 5 1 2>/dev/null || true
}

# decompress_ko SRC DST
decompress_ko() {
	case "$1" in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -dcq "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*.ko) cp "$1" "$2" ;;
	*) die "unknown module file type: $1" ;;
	esac || die "cannot decompress $1"
}

# strip_sig KO: cut a module's appended signature (module_signature's 12
# bytes, the signature, and the "~Module signature appended~" marker; the
# signature's length is the big-endian word before the marker).
strip_sig() {
	local ko=$1 magic='~Module signature appended~' size siglen
	[[ $(tail -c 28 "$ko" | head -c 27) == "$magic" ]] || return 0
	size=$(stat -c %s "$ko")
	siglen=$(tail -c 32 "$ko" | head -c 4 | od -An -tu1 | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	truncate -s $((size - 28 - 12 - siglen)) "$ko" || die "cannot strip the signature of $ko"
}

# add_modules MODDIR DESTDIR NAME...: the modules and their dependencies,
# decompressed into DESTDIR, with DESTDIR/load.order in dependency order.
add_modules() {
	local moddir=$1 dest=$2 f n top
	shift 2
	declare -A path=() seen=()
	top=$(module_top "$moddir")
	while IFS= read -r f; do
		n=${f##*/}
		n=${n%%.ko*}
		path[${n//-/_}]=$f
	done < <(find "$top" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
	mkdir -p "$dest"
	: >"$dest/load.order"
	visit() {
		local m=${1//-/_} deps d file
		[[ -z ${seen[$m]:-} ]] || return 0
		file=${path[$m]:-}
		if [[ -z $file ]]; then
			if [[ -r $moddir/modules.builtin ]]; then
				if sed 's|.*/||; s|\.ko$||; s|-|_|g' "$moddir/modules.builtin" | grep -qx "$m"; then
					info "module $1 is built into $(basename "$moddir"); nothing to load"
					seen[$m]=1
					return 0
				fi
				die "module $1 not found under $top nor in modules.builtin (wrong name?)"
			fi
			warn "module $1 not found under $top and there is no modules.builtin to check; assuming it is built in"
			seen[$m]=1
			return 0
		fi
		seen[$m]=visiting
		decompress_ko "$file" "$dest/$m.ko"
		((strip_sigs == 0)) || strip_sig "$dest/$m.ko"
		deps=$(objcopy -O binary --only-section=.modinfo "$dest/$m.ko" /dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p')
		for d in ${deps//,/ }; do
			[[ ${seen[${d//-/_}]:-} != visiting ]] || die "module dependency loop at $m -> $d"
			visit "$d"
		done
		seen[$m]=1
		echo "$m.ko" >>"$dest/load.order"
	}
	for n in "$@"; do
		visit "$n"
	done
}

# copy_with_libs ROOT BINARY: BINARY at the same path in ROOT, plus every
# shared library ldd names (at the path ldd names, symlinks resolved).
copy_with_libs() {
	install -D -m 755 "$2" "$1$2"
	copy_libs "$1" "$2"
}

# copy_libs ROOT BINARY: the shared libraries ldd names for BINARY (none for
# a static one), at the paths ldd names, symlinks resolved.
copy_libs() {
	local root=$1 bin=$2 lib
	ldd "$bin" >/dev/null 2>&1 || return 0
	while read -r lib; do
		[[ -e $root$lib ]] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

# extract_vmlinux BZIMAGE OUT: the compressed payload of a bzImage,
# located by the boot protocol header (setup_sects at 0x1f1; payload_offset
# and payload_length at 0x248/0x24c, protocol >= 2.08), decompressed by its
# magic (xz, zstd, gzip). The result is the kernel ELF (vmlinux, with the
# relocations appended, which ELF loaders ignore).
extract_vmlinux() {
	local bz=$1 out=$2 ss po pl off magic
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d " ")
	po=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d " ")
	pl=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d " ")
	[[ $ss =~ ^[0-9]+$ && $po =~ ^[0-9]+$ && $pl =~ ^[0-9]+$ && $pl -gt 0 ]] ||
		die "$bz: not a bzImage with a payload (boot protocol < 2.08?)"
	off=$(((ss + 1) * 512 + po))
	magic=$(od -An -tx1 -j "$off" -N4 "$bz" | tr -d " ")
	# the decompressors complain about the 4-byte size trailer; the ELF check decides
	case "$magic" in
	fd377a58) tail -c +$((off + 1)) "$bz" | head -c "$pl" | xz -dcq >"$out.tmp" 2>/dev/null || true ;;
	28b52ffd) tail -c +$((off + 1)) "$bz" | head -c "$pl" | zstd -dcq >"$out.tmp" 2>/dev/null || true ;;
	1f8b*) tail -c +$((off + 1)) "$bz" | head -c "$pl" | gzip -dcq >"$out.tmp" 2>/dev/null || true ;;
	*) die "$bz: unknown payload compression (magic $magic)" ;;
	esac
	[[ $(od -An -tx1 -N4 "$out.tmp" | tr -d " ") == 7f454c46 ]] ||
		die "$bz: the decompressed payload is not an ELF file"
	mv "$out.tmp" "$out"
}

# mkcpio DIR FILE: newc, root-owned, sorted, gzip -1.
mkcpio() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 -n >"$2.tmp" ||
		die "cpio/gzip of $1 failed"
	mv "$2.tmp" "$2"
}

load_kernel "$cache" "$series"
L1_KVER=$KVER
L1_MODDIR=$MODDIR

root=$stage/root
busybox_root "$root"
install -m 755 "$LAB_DIR/init/l1-init.sh" "$root/init"
add_modules "$L1_MODDIR" "$root/lib/modules" "$kvm_module" "${modules[@]}"
mkdir -p "$root/lab" "$root/payload" "$root/job"
install -m 755 "$BIN/kvmprobe" "$root/lab/kvmprobe"
install -m 755 "$BIN/l2probe" "$root/lab/l2probe"
install -m 755 "$LAB_DIR/init/report.sh" "$root/lab/report.sh"
for p in "${payloads[@]}"; do
	cp -a "$p/." "$root/payload/"
done
for b in "${bins[@]}"; do
	install -m 755 "$b" "$root/payload/${b##*/}"
	copy_libs "$root" "$b"
done
printf 'series=%s\nkver=%s\nl2=%s\n' "$series" "$L1_KVER" "$l2" >"$root/lab/build-info"

if ((l2)); then
	qemu=/usr/bin/qemu-system-x86_64
	[[ -x $qemu ]] || die "$qemu missing; run harness/lab/host-packages.sh (qemu-system-x86)"
	copy_with_libs "$root" "$qemu"
	mkdir -p "$root/usr/share/qemu"
	for fw in qboot.rom bios-microvm.bin linuxboot_dma.bin linuxboot.bin kvmvapic.bin pvh.bin multiboot_dma.bin; do
		[[ -e /usr/share/qemu/$fw ]] || die "QEMU firmware /usr/share/qemu/$fw missing (qemu-system-data)"
		cp -L "/usr/share/qemu/$fw" "$root/usr/share/qemu/$fw"
	done
	install -m 755 "$BIN/l2wrap.so" "$root/lab/l2wrap.so"
	install -m 755 "$LAB_DIR/init/l2run.sh" "$root/lab/l2run.sh"

	load_kernel "$cache" "$l2series"
	mkdir -p "$root/l2"
	if ((l2_bzimage)); then
		cp "$VMLINUZ" "$root/l2/vmlinuz"
	else
		elf=$cache/kernel-$l2series/vmlinux
		if [[ ! -s $elf || $VMLINUZ -nt $elf ]]; then
			extract_vmlinux "$VMLINUZ" "$elf"
		fi
		cp "$elf" "$root/l2/vmlinux"
	fi
	r2=$stage/l2root
	busybox_root "$r2"
	install -m 755 "$LAB_DIR/init/l2-init.sh" "$r2/init"
	mkdir -p "$r2/lab"
	install -m 755 "$BIN/l2probe" "$r2/lab/l2probe"
	install -m 755 "$LAB_DIR/init/report.sh" "$r2/lab/report.sh"
	add_modules "$MODDIR" "$r2/lib/modules" msr virtio_mmio virtio_blk
	mkcpio "$r2" "$root/l2/initrd.gz"
	printf 'l2_series=%s\nl2_kver=%s\n' "$l2series" "$KVER" >>"$root/lab/build-info"
fi

mkcpio "$root" "$output"
size=$(stat -c %s "$output")
info "modules: $(tr '\n' ' ' <"$root/lib/modules/load.order")"
info "wrote $output ($((size / 1024)) KiB, $(du -sk "$root" | cut -f1) KiB unpacked) in $(elapsed "$t0")s"
printf '%s\n' "$output"
