#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Extract the CPU vulnerability tables from an unpacked Linux tree.

Generation only (never at test time): `make source-tables` and
`make source-check` run it on the files harness/tools/source/fetch.sh unpacked;
the output is the committed ref/tables/linux-LINE.h (docs/source-check.md).

What it reads, and what it writes (one KST_* line per fact; KST_SOURCE and
KST_KVER name the package and the release it holds):
  arch/x86/kernel/cpu/common.c   cpu_vuln_whitelist -> KST_WL, cpu_vuln_blacklist -> KST_BL,
                                 the BIT() names of their flags -> KST_WL_FLAG, KST_BL_FLAG
  arch/x86/include/asm/intel-family.h   the INTEL_* model numbers those rows name
  arch/x86/kvm/x86.c (7.3: msrs.c)  KVM_SUPPORTED_ARCH_CAP -> KST_KVM_AC
  arch/x86/include/asm/msr-index.h      ARCH_CAP_* bit numbers -> KST_AC
  arch/x86/include/asm/cpufeatures.h    X86_BUG_* numbers and /proc/cpuinfo names -> KST_BUG,
                                 those common.c never names -> KST_BUG_UNSET
  drivers/base/cpu.c             the vulnerabilities files that exist -> KST_VULN_FILE
Anything it cannot parse is an error: a table it half understood would be
worse than none.
"""
import argparse
import os
import re
import sys

VENDORS = {"ANY", "INTEL", "AMD", "HYGON", "CENTAUR", "ZHAOXIN", "NSC", "VORTEX"}
STEP_MAX = 0xF  # X86_STEP_MAX, and every stepping for X86_STEPPING_ANY


class ParseError(Exception):
    pass


def read(tree, rel):
    try:
        with open(f"{tree}/{rel}", encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as e:
        raise ParseError(f"{rel}: {e.strerror}") from e


def strip_comments(text):
    """Comments become spaces of the same line count, so line numbers stay."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def lineno(text, pos):
    return text.count("\n", 0, pos) + 1


def intel_models(text):
    """INTEL_FAM6_X 0xNN (6.1) and INTEL_X IFM(6, 0xNN) (6.12+) -> number."""
    models = {}
    for m in re.finditer(r"^#define\s+(INTEL_FAM6_\w+)\s+(0x[0-9A-Fa-f]+)\b", text, re.M):
        models[m.group(1)] = (6, int(m.group(2), 16))
    for m in re.finditer(r"^#define\s+(INTEL_\w+)\s+IFM\(\s*(\d+)\s*,\s*(0x[0-9A-Fa-f]+)\s*\)", text, re.M):
        models[m.group(1)] = (int(m.group(2)), int(m.group(3), 16))
    return models


def table_body(code, name):
    m = re.search(r"\b" + name + r"\s*\[\s*\]\s*(?:__initconst\s*)?=\s*\{", code)
    if not m:
        raise ParseError(f"common.c: no table {name}")
    start = m.end()
    end = code.find("\n};", start)
    if end < 0:
        raise ParseError(f"common.c: {name} has no end")
    return start, code[start:end]


def split_args(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur.strip())
    return out


def number(tok, what):
    try:
        return int(tok, 0)
    except ValueError as e:
        raise ParseError(f"{what}: '{tok}' is not a number") from e


def steps(tok, where):
    """A stepping argument -> (min, max)."""
    if tok in ("X86_STEPPING_ANY", "X86_STEP_MAX"):
        return 0, STEP_MAX
    m = re.fullmatch(r"X86_STEPPINGS\(\s*(\w+)\s*,\s*(\w+)\s*\)", tok)
    if m:
        return number(m.group(1), where), number(m.group(2), where)
    return 0, number(tok, where)  # VULNBL_INTEL_STEPS: the highest stepping


def flags(tok, known, where):
    names = [t.strip() for t in tok.split("|")]
    for n in names:
        if n not in known:
            raise ParseError(f"{where}: flag '{n}' is not one of the table's BIT() names")
    return names


def model_of(tok, models, where):
    """An Intel model argument (INTEL_X or X for INTEL_FAM6_X) -> (family, model)."""
    for key in (tok, "INTEL_FAM6_" + tok):
        if key in models:
            return models[key]
    raise ParseError(f"{where}: Intel model '{tok}' not in intel-family.h")


def family(tok, where):
    return "ANY" if tok == "X86_FAMILY_ANY" else number(tok, where)


def rows(code, name, known, models):
    """The entries of one table, in order: (vendor, family, model, smin, smax, [flags], line)."""
    start, body = table_body(code, name)
    out = []
    for m in re.finditer(r"(\w+)\s*\(((?:[^()]|\([^()]*\))*)\)\s*,", body):
        macro, args = m.group(1), split_args(m.group(2))
        where = f"common.c:{lineno(code, start + m.start())} {macro}"
        line = lineno(code, start + m.start())
        if macro in ("VULNWL", "VULNBL"):
            vendor, fam, model, fl = args
            if vendor not in VENDORS:
                raise ParseError(f"{where}: unknown vendor '{vendor}'")
            if model != "X86_MODEL_ANY":
                raise ParseError(f"{where}: a model other than X86_MODEL_ANY ('{model}')")
            out.append((vendor, family(fam, where), "ANY", 0, STEP_MAX, flags(fl, known, where), line))
        elif macro in ("VULNWL_AMD", "VULNWL_HYGON", "VULNBL_AMD", "VULNBL_HYGON"):
            fam, fl = args
            out.append((macro.split("_")[1], family(fam, where), "ANY", 0, STEP_MAX,
                        flags(fl, known, where), line))
        elif macro == "VULNWL_INTEL":
            model, fl = args
            f, mo = model_of(model, models, where)
            out.append(("INTEL", f, mo, 0, STEP_MAX, flags(fl, known, where), line))
        elif macro in ("VULNBL_INTEL_STEPPINGS", "VULNBL_INTEL_STEPS"):
            model, st, fl = args
            f, mo = model_of(model, models, where)
            lo, hi = steps(st, where)
            out.append(("INTEL", f, mo, lo, hi, flags(fl, known, where), line))
        else:
            raise ParseError(f"{where}: unknown row macro {macro}")
    if not out:
        raise ParseError(f"common.c: {name} has no rows")
    return out


def bit_names(code, first, table):
    """The BIT(n) defines from @first up to @table's definition: name -> n."""
    begin = re.search(r"^#define\s+" + first + r"\s+BIT\(", code, re.M)
    end = re.search(r"\b" + table + r"\s*\[\s*\]", code)
    if not begin or not end or end.start() < begin.start():
        raise ParseError(f"common.c: no BIT() defines from {first} before {table}")
    span = code[begin.start():end.start()]
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^#define\s+(\w+)\s+BIT\((\d+)\)", span, re.M)}


def kvm_supported_arch_cap(text, name="x86.c"):
    code = strip_comments(text)
    m = re.search(r"#define\s+KVM_SUPPORTED_ARCH_CAP\s*\\?\s*\(((?:[^()])*)\)", code)
    if not m:
        raise ParseError(f"{name}: no #define KVM_SUPPORTED_ARCH_CAP (...)")
    body = m.group(1).replace("\\", " ")
    names = [t.strip() for t in body.split("|")]
    for n in names:
        if not re.fullmatch(r"ARCH_CAP_\w+", n):
            raise ParseError(f"x86.c: KVM_SUPPORTED_ARCH_CAP term '{n}' is not an ARCH_CAP_* name")
    return [n[len("ARCH_CAP_"):] for n in names], lineno(code, m.start())


def arch_caps(text):
    out = []
    for m in re.finditer(r"^#define\s+ARCH_CAP_(\w+)\s+BIT(?:_ULL)?\((\d+)\)", text, re.M):
        out.append((m.group(1), int(m.group(2))))
    if not out:
        raise ParseError("msr-index.h: no ARCH_CAP_* BIT() defines")
    return out


def bugs(text):
    """X86_BUG_NAME X86_BUG(expr) /* "cpuinfo" ... */ -> (NAME, n, cpuinfo name or '')."""
    out = []
    for m in re.finditer(r"^#define\s+X86_BUG_(\w+)\s+X86_BUG\(\s*([0-9*+ ]+?)\s*\)\s*(/\*.*)?$",
                         text, re.M):
        name, expr, comment = m.group(1), m.group(2), m.group(3) or ""
        if not re.fullmatch(r"[0-9*+ ]+", expr):
            raise ParseError(f"cpufeatures.h: X86_BUG_{name}: cannot evaluate '{expr}'")
        n = eval(expr, {"__builtins__": {}})  # digits, '*' and '+' only
        q = re.match(r'/\*\s*"([^"]*)"', comment)
        shown = q.group(1) if q else name.lower()
        out.append((name, n, shown))
    if not out:
        raise ParseError("cpufeatures.h: no X86_BUG(n) defines")
    return out


def vulnerability_files(text):
    code = strip_comments(text)
    m = re.search(r"cpu_root_vulnerabilities_attrs\s*\[\s*\]\s*=\s*\{(.*?)\n\};", code, re.S)
    if not m:
        raise ParseError("drivers/base/cpu.c: no cpu_root_vulnerabilities_attrs[]")
    names = re.findall(r"&dev_attr_(\w+)\.attr", m.group(1))
    if not names:
        raise ParseError("drivers/base/cpu.c: cpu_root_vulnerabilities_attrs[] is empty")
    return names, lineno(code, m.start())


def fmt_num(v):
    return v if v == "ANY" else f"0x{v:x}"


def extract(tree, line, package, version):
    common_text = read(tree, "arch/x86/kernel/cpu/common.c")
    common = strip_comments(common_text)
    models = intel_models(read(tree, "arch/x86/include/asm/intel-family.h"))
    wl_bits = bit_names(common, "NO_SPECULATION", "cpu_vuln_whitelist")
    bl_bits = bit_names(common, "SRBDS", "cpu_vuln_blacklist")
    wl = rows(common, "cpu_vuln_whitelist", wl_bits, models)
    bl = rows(common, "cpu_vuln_blacklist", bl_bits, models)
    # 7.3 moved KVM's MSR code, this define with it, from x86.c into msrs.c
    kvm_file = "arch/x86/kvm/x86.c"
    if os.path.exists(f"{tree}/arch/x86/kvm/msrs.c") and \
            "KVM_SUPPORTED_ARCH_CAP" not in strip_comments(read(tree, kvm_file)):
        kvm_file = "arch/x86/kvm/msrs.c"
    kvm, kvm_line = kvm_supported_arch_cap(read(tree, kvm_file), os.path.basename(kvm_file))
    acs = arch_caps(read(tree, "arch/x86/include/asm/msr-index.h"))
    bug = bugs(read(tree, "arch/x86/include/asm/cpufeatures.h"))
    files, files_line = vulnerability_files(read(tree, "drivers/base/cpu.c"))

    o = []
    o.append(f"/* Generated by harness/tools/source/extract.py from {package} {version}: do not edit.")
    o.append("   `make source-tables` regenerates it; docs/source-check.md says what it holds. */")
    o.append(f'KST_SOURCE("{line}", "{package}", "{version}")')
    kv = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    if not kv:
        raise ParseError(f"package version '{version}' does not start with MAJOR.MINOR.SUB")
    o.append(f"KST_KVER({kv.group(1)}, {kv.group(2)}, {kv.group(3)})")
    for tag, name, table, bits in (("WL", "cpu_vuln_whitelist", wl, wl_bits),
                                   ("BL", "cpu_vuln_blacklist", bl, bl_bits)):
        o.append(f"/* {name}, arch/x86/kernel/cpu/common.c l.{table[0][6]}-{table[-1][6]}: "
                 "vendor, family, model, steppings min..max, flags (first match wins) */")
        o.append("/* its flags: name, BIT() number */")
        o.extend(f"KST_{tag}_FLAG({tag}_{n}, {b})" for n, b in bits.items())
        for vendor, fam, model, lo, hi, fl, _ in table:
            o.append(f"KST_{tag}({vendor}, {fmt_num(fam)}, {fmt_num(model)}, 0x{lo:x}, 0x{hi:x}, "
                     + " | ".join(f"{tag}_{f}" for f in fl) + ")")
    o.append(f"/* KVM_SUPPORTED_ARCH_CAP, {kvm_file} l.{kvm_line} */")
    o.extend(f"KST_KVM_AC({n})" for n in kvm)
    o.append("/* ARCH_CAP_* of arch/x86/include/asm/msr-index.h: name, bit */")
    o.extend(f"KST_AC({n}, {b})" for n, b in acs)
    o.append("/* X86_BUG_* of arch/x86/include/asm/cpufeatures.h: name, X86_BUG() number, "
             "/proc/cpuinfo name (\"\" = not shown) */")
    o.extend(f'KST_BUG({n}, {b}, "{s}")' for n, b, s in bug)
    # cpu_set_bug_bits() sets the bugs kmc models; 5.10's BHI is defined only
    # for its ITS backport and never set there
    unset = [n for n, _, _ in bug if not re.search(rf"\bX86_BUG_{n}\b", common)]
    o.append("/* X86_BUG_* that arch/x86/kernel/cpu/common.c never names (cpu_set_bug_bits() "
             "cannot set them) */")
    o.extend(f"KST_BUG_UNSET({n})" for n in unset)
    o.append(f"/* cpu_root_vulnerabilities_attrs[], drivers/base/cpu.c l.{files_line}: "
             "the files of /sys/devices/system/cpu/vulnerabilities/ */")
    o.extend(f"KST_VULN_FILE({n})" for n in files)
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", required=True, help="the unpacked tree (build/source/LINE/tree)")
    ap.add_argument("--line", required=True, help="the kernel line, e.g. 6.1")
    ap.add_argument("--package", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True, help="the header to write")
    a = ap.parse_args()
    try:
        text = extract(a.tree, a.line, a.package, a.version)
    except ParseError as e:
        print(f"extract.py: {a.line}: {e}", file=sys.stderr)
        return 2
    with open(a.out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(a.out + ".tmp", a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
