#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Ask a QEMU over QMP for its named x86 CPU models (docs/qemu-models.md).

Every model and version that `query-cpu-definitions` lists is expanded with
`query-cpu-model-expansion` (type static: exactly the feature bits the model
sets).  Where each feature lives is asked of QEMU too: started with
`-cpu base,+NAME,check` under TCG it prints "MSR(10AH).NAME [bit N]" or
"CPUID.07H:EDX.NAME [bit N]" for a feature TCG lacks or whose dependency is
missing, and otherwise its `feature-words` property shows the bit.  Those
locations are joined with kmc's own (`kmc names arch-cap`, `kmc names
features`: msr-index.h and cpufeatures.h), and the hand-written table
EXPECTED below must agree with that join; a QEMU 0x10a bit at a location
kmc does not model is listed as such.

Nothing of QEMU's source is read.  python3 runs only here (generation);
`kmc qemu-models` reads the file this writes.

Usage: gen-models.py --kmc build/bin/kmc --out-dir data/qemu -- QEMU-COMMAND...
writes DIR/qemu-VERSION.txt, VERSION being what QEMU says it is.
"""
import argparse
import json
import os
import re
import subprocess
import sys

# QEMU's name -> kmc's name for the bits both know, written from QEMU's
# docs/system/cpu-models-x86.rst and the kernel's msr-index.h /
# cpufeatures.h; checked against the locations QEMU itself reports (a
# name QEMU does not have in a version is skipped for that version)
EXPECTED = {
    # MSR 0x10a
    "rdctl-no": "rdcl_no", "ibrs-all": "ibrs_all", "rsba": "rsba",
    "skip-l1dfl-vmentry": "skip_vmentry_l1dflush", "ssb-no": "ssb_no",
    "mds-no": "mds_no", "pschange-mc-no": "pschange_mc_no",
    "tsx-ctrl": "tsx_ctrl_msr", "taa-no": "taa_no",
    "sbdr-ssdp-no": "sbdr_ssdp_no", "fbsdp-no": "fbsdp_no",
    "psdp-no": "psdp_no", "fb-clear": "fb_clear", "rrsba": "rrsba",
    "bhi-no": "bhi_no", "pbrsb-no": "pbrsb_no", "gds-no": "gds_no",
    "rfds-no": "rfds_no", "rfds-clear": "rfds_clear", "its-no": "its_no",
    # CPUID
    "arch-capabilities": "arch_capabilities", "md-clear": "md_clear",
    "flush-l1d": "flush_l1d", "spec-ctrl": "spec_ctrl", "rtm": "rtm",
    "hle": "hle", "fsgsbase": "fsgsbase", "rdseed": "rdseed", "pku": "pku",
    "ospke": "ospke", "rdpid": "rdpid", "rrsba-ctrl": "rrsba_ctrl",
    "bhi-ctrl": "bhi_ctrl", "pni": "sse3", "monitor": "mwait",
    "movbe": "movbe", "xsave": "xsave", "osxsave": "osxsave", "avx": "avx",
    "rdrand": "rdrand", "hypervisor": "hypervisor", "apic": "apic",
    "rdtscp": "rdtscp", "ibpb": "amd_ibpb", "amd-no-ssb": "amd_ssb_no",
    "btc-no": "btc_no", "verw-clear": "verw_clear", "auto-ibrs": "autoibrs",
    "sbpb": None, "ibpb-brtype": None, "srso-no": "srso_no",
    "tsa-sq-no": "tsa_sq_no", "tsa-l1-no": "tsa_l1_no",
}

REG = {"EAX": "EAX", "EBX": "EBX", "ECX": "ECX", "EDX": "EDX"}
# QEMU 7.2: "MSR(10AH).mds-no [bit 5]", "CPUID.07H:EDX.md-clear [bit 10]";
# QEMU 11: "MSR(10Ah).mds-no [bit 5]", "CPUID[eax=07h,ecx=00h].EDX.md-clear [bit 10]"
RE_MSR = re.compile(r"MSR\(([0-9A-Fa-f]+)[Hh]\)\.([\w.-]+) \[bit (\d+)\]")
RE_CPUID_OLD = re.compile(r"CPUID\.([0-9A-Fa-f]+)H:(E[A-D]X)\.([\w.-]+) \[bit (\d+)\]")
RE_CPUID_NEW = re.compile(
    r"CPUID\[eax=([0-9A-Fa-f]+)h(?:,ecx=([0-9A-Fa-f]+)h)?\]\.(E[A-D]X)\.([\w.-]+) \[bit (\d+)\]")

HEADER = """\
# QEMU's named x86 CPU models, asked of QEMU itself over QMP by
# harness/tools/qemu/gen-models.py (`make qemu-models`); do not edit.
# Format and provenance: docs/qemu-models.md.
"""


def die(msg):
    raise SystemExit(f"gen-models.py: {msg}")


def qmp(qemu, args, cmds):
    """Run QEMU with ARGS, send CMDS over QMP; (responses, stderr)."""
    lines = [json.dumps({"execute": "qmp_capabilities"})]
    lines += [json.dumps(c) for c in cmds]
    lines.append(json.dumps({"execute": "quit"}))
    r = subprocess.run(qemu + ["-accel", "tcg", "-nodefaults", "-display", "none",
                               "-qmp", "stdio"] + args,
                       input="\n".join(lines) + "\n", capture_output=True, text=True,
                       timeout=300)
    out = []
    for ln in r.stdout.splitlines():
        ln = ln.strip()
        if not ln.startswith("{"):
            continue
        d = json.loads(ln)
        if "return" in d or "error" in d:
            out.append(d)
    if len(out) < len(cmds) + 1:
        die(f"QEMU {' '.join(args)} answered {len(out)} of {len(cmds) + 2} commands:\n"
            f"{r.stderr}")
    errs = [d for d in out if "error" in d]
    if errs:
        die(f"QMP error: {errs[0]['error']}")
    return [d["return"] for d in out[1:len(cmds) + 1]], r.stderr


def kmc_locations(kmc):
    """{('msr', bit) or ('cpuid', leaf, subleaf, reg, bit): kmc name}."""
    loc = {}
    out = subprocess.run([kmc, "names", "arch-cap"], capture_output=True, text=True,
                         check=True).stdout
    for ln in out.splitlines():
        b, n = ln.split()
        loc[("msr", int(b))] = n
    out = subprocess.run([kmc, "names", "features"], capture_output=True, text=True,
                         check=True).stdout
    for ln in out.splitlines():
        n, w = ln.split()
        m = re.fullmatch(r"0x([0-9a-f]+)\.(\d+):(E[A-D]X)\[(\d+)\]", w)
        if not m:
            die(f"cannot read kmc's location '{w}'")
        loc[("cpuid", int(m[1], 16), int(m[2]), m[3], int(m[4]))] = n
    return loc


def parse_warnings(text):
    """{name: location} from QEMU's feature warnings (subleaf None if unsaid)."""
    found = {}
    for m in RE_MSR.finditer(text):
        if int(m[1], 16) == 0x10a:
            found[m[2]] = ("msr", int(m[3]))
    for m in RE_CPUID_OLD.finditer(text):
        found[m[3]] = ("cpuid", int(m[1], 16), None, m[2], int(m[4]))
    for m in RE_CPUID_NEW.finditer(text):
        found[m[4]] = ("cpuid", int(m[1], 16), int(m[2], 16) if m[2] else 0, m[3], int(m[5]))
    return found


def feature_words(qemu, cpu):
    """{(leaf, subleaf, reg): bits} of a realised CPU (enabled and filtered)."""
    ret, err = qmp(qemu, ["-M", "q35", "-S", "-cpu", cpu], [
        {"execute": "qom-get", "arguments": {"path": "/machine/unattached/device[0]",
                                             "property": "feature-words"}},
        {"execute": "qom-get", "arguments": {"path": "/machine/unattached/device[0]",
                                             "property": "filtered-features"}}])
    words = {}
    for w in ret[0] + ret[1]:
        k = (w["cpuid-input-eax"], w.get("cpuid-input-ecx", 0), w["cpuid-register"])
        words[k] = words.get(k, 0) | w["features"]
    return words, err


def locate(qemu, names):
    """{name: location} for every QEMU feature NAME, asked of QEMU."""
    # one start for all: the warnings locate what TCG lacks and every 0x10a
    # bit (arch-capabilities is not asked for, so each depends on it)
    asked = [n for n in names if n != "arch-capabilities"]
    _, err = qmp(qemu, ["-M", "q35", "-S", "-cpu", "base," +
                        ",".join("+" + n for n in asked) + ",check"], [])
    found = parse_warnings(err)
    base, _ = feature_words(qemu, "base")
    for n in names:
        # QEMU 7.2's warnings give no subleaf: the feature words do
        if n in found and not (found[n][0] == "cpuid" and found[n][2] is None):
            continue
        words, err = feature_words(qemu, f"base,+{n},check")
        w = parse_warnings(err)
        if n in w and w[n][0] == "msr":
            found[n] = w[n]
            continue
        # leaf 0xD (XSAVE components) follows xsave and the AVX bits: not a feature
        diff = [(k, v & ~base.get(k, 0)) for k, v in words.items()
                if v & ~base.get(k, 0) and k[0] != 0xD]
        if len(diff) == 1 and bin(diff[0][1]).count("1") == 1:
            (leaf, sub, reg), v = diff[0]
            found[n] = ("cpuid", leaf, sub, reg, v.bit_length() - 1)
    return found


def kmc_name_at(kloc, where):
    if where[0] == "msr":
        return kloc.get(where)
    for k, n in kloc.items():
        if k[0] == "cpuid" and k[1] == where[1] and k[3:] == where[3:] and \
                (where[2] is None or k[2] == where[2]):
            return n
    return None


def fmt_loc(where):
    if where[0] == "msr":
        return f"msr-0x10a[{where[1]}]"
    sub = "?" if where[2] is None else where[2]
    return f"0x{where[1]:x}.{sub}:{where[3]}[{where[4]}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kmc", required=True)
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("qemu", nargs="+", help="the QEMU command (after --)")
    a = ap.parse_args()

    ret, _ = qmp(a.qemu, ["-machine", "none"], [
        {"execute": "query-version"}, {"execute": "query-cpu-definitions"}])
    ver, defs = ret
    q = ver["qemu"]
    version = f"{q['major']}.{q['minor']}.{q['micro']}"
    names = [d["name"] for d in defs if d["name"] not in ("max", "host", "base")]
    ret, _ = qmp(a.qemu, ["-machine", "none"], [
        {"execute": "query-cpu-model-expansion",
         "arguments": {"type": "static", "model": {"name": n}}} for n in names])
    models = {n: r["model"]["props"] for n, r in zip(names, ret)}
    all_feats = sorted({k for p in models.values() for k, v in p.items()
                        if isinstance(v, bool)})

    kloc = kmc_locations(a.kmc)
    found = locate(a.qemu, all_feats)
    mapping, unmodelled, problems = {}, [], []
    for n in all_feats:
        where = found.get(n)
        if where is None:
            if n in EXPECTED:
                problems.append(f"QEMU does not say where '{n}' is")
            continue
        kn = kmc_name_at(kloc, where)
        if n in EXPECTED and EXPECTED[n] != kn:
            problems.append(f"'{n}' is at {fmt_loc(where)}: kmc's name there is {kn}, "
                            f"the table says {EXPECTED[n]}")
        elif kn and n not in EXPECTED:
            problems.append(f"'{n}' is at {fmt_loc(where)}, kmc's {kn}: not in the table")
        if kn:
            mapping[n] = (kn, where)
        elif where[0] == "msr":
            unmodelled.append((n, where))
    if problems:
        die("QEMU's names and kmc's disagree:\n  " + "\n  ".join(problems))

    out = [HEADER.rstrip("\n")]
    out.append(f"qemu {version} {ver.get('package', '').strip() or '-'}")
    out.append("# feature QEMU-NAME KMC-NAME LOCATION (as QEMU reports it)")
    for n in sorted(mapping, key=lambda n: (mapping[n][1][0], mapping[n][0])):
        kn, where = mapping[n]
        kind = "arch-cap" if where[0] == "msr" else "cpuid"
        out.append(f"feature {kind} {n} {kn} {fmt_loc(where)}")
    out.append("# 0x10a bits QEMU has and kmc does not model")
    for n, where in unmodelled:
        out.append(f"unmodelled {n} {fmt_loc(where)}")
    out.append("# model NAME vendor=V fms=F:M:S arch-cap=QEMU-NAMES cpuid=QEMU-NAMES"
               " other=N (its features kmc does not model)")
    by_name = {d["name"]: d for d in defs}
    for n in names:
        p = models[n]
        on = sorted(k for k, v in p.items() if v is True)
        ac = [k for k in on if k in mapping and mapping[k][1][0] == "msr"]
        cp = [k for k in on if k in mapping and mapping[k][1][0] == "cpuid"]
        other = len(on) - len(ac) - len(cp)
        alias = by_name[n].get("alias-of")
        fms = f"{p.get('family', 0)}:0x{p.get('model', 0):x}:{p.get('stepping', 0)}"
        out.append(f"model {n} vendor={p.get('vendor', '-')} fms={fms}"
                   f" arch-cap={','.join(ac) or '-'} cpuid={','.join(cp) or '-'} other={other}"
                   + (f" alias-of={alias}" if alias else "")
                   + (" deprecated" if by_name[n].get("deprecated") else ""))
    path = os.path.join(a.out_dir, f"qemu-{version}.txt")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"gen-models.py: QEMU {version}: {len(names)} models, {len(mapping)} names mapped, "
          f"{len(unmodelled)} 0x10a bits kmc does not model -> {path}")


if __name__ == "__main__":
    sys.exit(main())
