#!/usr/bin/env bash
# Tests of the VMX lab's checks that need no boot (make check runs it):
# bochs-patch.so refuses any binary but the known bochs-bin, patches that
# one only when every byte is as expected, boot-bochs.sh refuses a Bochs
# build it does not know, and vmx-lab.sh's FB_CLEAR_DIS comparison fails on
# a disagreeing log. Prints one line per check and "N passed, N failed,
# N skipped"; exit 1 on a failure. Checks that need Debian's bochs are
# skipped (and counted so) where it is not installed.
set -uo pipefail
BOCHS_DIR=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
ok() { printf 'ok %s\n' "$1"; pass=$((pass + 1)); }
bad() { printf 'not ok %s: %s\n' "$1" "$2"; fail=$((fail + 1)); }
skipped() { printf 'skip %s: %s\n' "$1" "$2"; skip=$((skip + 1)); }

so=$tmp/bochs-patch.so
if ! "${CC:-gcc}" -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared -o "$so" "$BOCHS_DIR/bochs-patch.c" -ldl 2>"$tmp/cc.err"; then
	bad build "$(head -c 300 "$tmp/cc.err")"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi

# 1. without the variables it does nothing, in any program
if env LD_PRELOAD="$so" /bin/true 2>"$tmp/err"; then ok "inert without KMC_BOCHS_*"; else bad "inert without KMC_BOCHS_*" "$(cat "$tmp/err")"; fi

# 2. another binary: refused, exit 97, with the build-ids
env LD_PRELOAD="$so" KMC_BOCHS_ARCH_CAP=0x6013f /bin/true 2>"$tmp/err"
rc=$?
if ((rc == 97)) && grep -q "refusing to run: this binary's build-id is '[0-9a-f]*'; known: 6e89e0c0" "$tmp/err"; then
	ok "another binary refused (exit 97)"
else
	bad "another binary refused (exit 97)" "rc=$rc: $(cat "$tmp/err")"
fi

bochs=/usr/bin/bochs-bin
known=0
if [[ -x $bochs ]] && grep -q "$(sha256sum "$bochs" | cut -d' ' -f1)" "$BOCHS_DIR/bochs-builds.txt"; then
	known=1
fi
# 3. the known bochs-bin: patched (the sites matched) before it prints its usage
if ((known)); then
	env LD_PRELOAD="$so" KMC_BOCHS_ARCH_CAP=0x6013f KMC_BOCHS_MSR_LOG="$tmp/msr.log" "$bochs" --help >"$tmp/out" 2>&1
	if grep -q 'MSR 0x10a reads 0x6013f' "$tmp/out" && grep -q '^# bochs-patch: .* MSR 0x10a = 0x6013f' "$tmp/msr.log"; then
		ok "bochs-bin patched (0x10a, MSR log)"
	else
		bad "bochs-bin patched (0x10a, MSR log)" "$(head -c 400 "$tmp/out")"
	fi
	env LD_PRELOAD="$so" KMC_BOCHS_ARCH_CAP=0x6013g "$bochs" --help >"$tmp/out" 2>&1
	rc=$?
	if ((rc == 97)) && grep -q 'KMC_BOCHS_ARCH_CAP=0x6013g: not a number' "$tmp/out"; then
		ok "a bad value refused"
	else
		bad "a bad value refused" "rc=$rc: $(head -c 300 "$tmp/out")"
	fi
else
	skipped "bochs-bin patched (0x10a, MSR log)" "Debian's bochs 2.7+dfsg-4+deb12u1 not installed"
	skipped "a bad value refused" "Debian's bochs 2.7+dfsg-4+deb12u1 not installed"
fi

# 4. boot-bochs.sh: a Bochs whose hash is not in the list is refused by name
if [[ -x $bochs ]] && command -v grub-mkrescue >/dev/null; then
	mkdir -p "$tmp/cache/kernel-7.2/root"
	: >"$tmp/cache/kernel-7.2/root/vmlinuz"
	mkdir -p "$tmp/cache/kernel-7.2/root/mod"
	printf 'KVER=x\nPKGVER=x\nVMLINUZ=%s\nMODDIR=%s\n' "$tmp/cache/kernel-7.2/root/vmlinuz" \
		"$tmp/cache/kernel-7.2/root/mod" >"$tmp/cache/kernel-7.2/kernel.env"
	: >"$tmp/initrd"
	echo "bochs 0.0 amd64 0000" >"$tmp/builds.txt"
	KMC_BOCHS_BUILDS=$tmp/builds.txt bash "$BOCHS_DIR/boot-bochs.sh" --kernel 7.2 --cache "$tmp/cache" \
		--initrd "$tmp/initrd" --out "$tmp/run" >"$tmp/out" 2>&1
	rc=$?
	if ((rc == 3)) && grep -q 'is not a Bochs build the lab knows' "$tmp/out"; then
		ok "boot-bochs.sh refuses an unknown Bochs (exit 3)"
	else
		bad "boot-bochs.sh refuses an unknown Bochs (exit 3)" "rc=$rc: $(head -c 300 "$tmp/out")"
	fi
else
	skipped "boot-bochs.sh refuses an unknown Bochs (exit 3)" "bochs or grub-mkrescue not installed"
fi

# 5. the FB_CLEAR_DIS comparison (fbmsr-check.awk): agree, then three ways to disagree
cat >"$tmp/msr.log" <<'LOG'
# bochs-patch: header
wrmsr n=1 cpu=0 msr=0x5ff value=0x1
wrmsr n=2 cpu=0 msr=0x5ff value=0x2
wrmsr n=3 cpu=0 msr=0x123 value=0x8
wrmsr n=4 cpu=0 msr=0x123 value=0x0
wrmsr n=5 cpu=0 msr=0x123 value=0x9
wrmsr n=6 cpu=0 msr=0x123 value=0x1
wrmsr n=7 cpu=0 msr=0x5ff value=0x3
wrmsr n=8 cpu=0 msr=0x5ff value=0xff
wrmsr n=9 cpu=0 msr=0x123 value=0x8
LOG
printf '1 live.a -\n2 live.b vcpus=1 runs=3 runs_disabled=2\n3 live.c vcpus=2 runs=4 runs_disabled=0\n' >"$tmp/marks"
# fbcheck NAME FBDIS WANT-RESULT: run the comparison, compare its RESULT line
fbcheck() {
	local r
	r=$(awk -v fbdis="$2" -f "$BOCHS_DIR/fbmsr-check.awk" "$tmp/msr.log" "$tmp/marks" | grep '^RESULT')
	if [[ $r == "RESULT $3" ]]; then ok "fbmsr-check: $1"; else bad "fbmsr-check: $1" "got '$r', want 'RESULT $3'"; fi
}
fbcheck "agreeing log" 1 "0 2 2 3"
fbcheck "sets on a configuration that must not arm" 0 "1 2 2 3"
printf '1 live.a -\n2 live.b vcpus=1 runs=3 runs_disabled=1\n3 live.c vcpus=2 runs=4 runs_disabled=0\n' >"$tmp/marks"
fbcheck "kmc.ko counts fewer than the CPU's writes" 1 "1 2 2 3"
printf '1 live.a -\n2 live.b vcpus=1 runs=3 runs_disabled=2\n' >"$tmp/marks"
fbcheck "a marker kmc-run did not log" 1 "1 1 2 2"

echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
