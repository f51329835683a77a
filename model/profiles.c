// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel profiles: each kernel line kmc knows, as the set of behaviour
 * flags it has.  A flag is in a release if the release is at or after the
 * upstream release that brought it, or on a stable line at or after the
 * stable release that got the backport.  docs/rules.md section 1 cites the
 * source of each release; `kmc profiles` prints the table, says how each
 * profile is known and which releases are not established.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flags.h"

#define KV(a, b, c) { (a), (b), (c) }
#define NEVER KV(0, 0, 0)
/* not (yet) in an upstream release kmc knows */
#define NOT_UPSTREAM KV(999, 0, 0)

const struct kmc_flag_info kmc_flags[FL_NR] = {
	[FL_BUG_GDS] = { "bug_gds",
		"8974eb588283 x86/speculation: Add Gather Data Sampling mitigation",
		KV(6, 5, 0), KV(6, 1, 44), NEVER, "X86_BUG_GDS and gather_data_sampling=",
		.bp_more = { KV(5, 10, 179) },
		.bp_more_from = "Debian 5.10.179-4: x86/speculation: Add Gather Data Sampling mitigation" },
	[FL_BUG_SRSO] = { "bug_srso",
		"fb3bd914b3ec x86/srso: Add a Speculative RAS Overflow mitigation",
		KV(6, 5, 0), KV(6, 1, 44), NEVER, "X86_BUG_SRSO",
		.bp_more = { KV(5, 10, 179) },
		.bp_more_from = "Debian 5.10.179-4: x86/srso: Add a Speculative RAS Overflow mitigation" },
	[FL_BUG_SMT_RSB] = { "bug_smt_rsb",
		"X86_BUG_SMT_RSB (AMD/Hygon 0x17/0x18 rows; with the SRSO series on 6.1.y, never on 5.10.y)",
		KV(6, 5, 0), KV(6, 1, 44), NEVER, "X86_BUG_SMT_RSB" },
	[FL_BUG_RFDS] = { "bug_rfds",
		"8076fcde016c x86/rfds: Mitigate Register File Data Sampling (RFDS)",
		KV(6, 9, 0), KV(6, 1, 82), NEVER, "X86_BUG_RFDS (vulnerable_to_rfds)",
		.bp_more = { KV(5, 10, 216) },
		.bp_more_from = "Debian 5.10.216-1: x86/rfds: Mitigate Register File Data Sampling (RFDS)" },
	[FL_BUG_BHI] = { "bug_bhi",
		"x86/bhi: Add BHI mitigation knob (BHI series)",
		KV(6, 9, 0), KV(6, 1, 85), NEVER, "X86_BUG_BHI" },
	[FL_BUG_IBPB_NO_RET] = { "bug_ibpb_no_ret",
		"x86/cpufeatures: Add a IBPB_NO_RET BUG flag",
		KV(6, 12, 0), KV(6, 1, 114), NEVER, "X86_BUG_IBPB_NO_RET",
		.bp_more = { KV(5, 10, 234) },
		.bp_more_from = "Debian 5.10.234-1: x86/cpufeatures: Add a IBPB_NO_RET BUG flag" },
	[FL_BUG_ITS] = { "bug_its",
		"159013a7ca18 x86/its: Enumerate Indirect Target Selection (ITS) bug",
		KV(6, 15, 0), KV(6, 1, 139), KV(6, 12, 29), "X86_BUG_ITS, ITS_NATIVE_ONLY",
		.bp_more = { KV(5, 10, 244) },
		.bp_more_from = "Debian 5.10.244-1: x86/its: Enumerate Indirect Target Selection (ITS) bug" },
	[FL_BUG_TSA] = { "bug_tsa",
		"d8010d4ba43e x86/bugs: Add a Transient Scheduler Attacks mitigation",
		KV(6, 16, 0), KV(6, 1, 144), KV(6, 12, 37), "X86_BUG_TSA, X86_FEATURE_CLEAR_CPU_BUF_VM",
		.bp_more = { KV(5, 10, 244) },
		.bp_more_from = "Debian 5.10.244-1: x86/bugs: Add a Transient Scheduler Attacks mitigation" },
	[FL_BUG_VMSCAPE] = { "bug_vmscape",
		"x86/vmscape: Enumerate VMSCAPE bug",
		KV(6, 17, 0), KV(6, 1, 152), KV(6, 12, 47), "X86_BUG_VMSCAPE (bare metal only)",
		.bp_more = { KV(5, 10, 244) },
		.bp_more_from = "Debian 5.10.244-1: x86/vmscape: Enumerate VMSCAPE bug" },
	[FL_BUG_SPECTRE_V2_USER] = { "bug_spectre_v2_user",
		"x86/bugs: Add X86_BUG_SPECTRE_V2_USER (lore 20250108202515.385902-2-david.kaplan@amd.com; v6.15)",
		KV(6, 15, 0), NEVER, NEVER, "X86_BUG_SPECTRE_V2_USER beside SPECTRE_V2" },
	[FL_NO_MMIO_UNKNOWN] = { "no_mmio_unknown",
		"dd86a1d013e0 x86/bugs: Remove X86_BUG_MMIO_UNKNOWN",
		KV(6, 16, 0), NEVER, NEVER, "no mmio_unknown bug, no 'Unknown: No mitigations'" },
	[FL_RFDS_ATOM_TYPE_ROW] = { "rfds_atom_type_row",
		"722fa0dba74f x86/rfds: Exclude P-only parts from the RFDS affected list (tip x86/core 2025-03-19, v6.15)",
		KV(6, 15, 0), NEVER, NEVER, "0x97/0xB7 rows carry RFDS only if the boot CPU is an Atom core" },
	[FL_RFDS_HYBRID_EXCEPTION] = { "rfds_hybrid_exception",
		"vulnerable_to_rfds() open-codes the ADL/RPL exception with the HYBRID_CPU check, replacing the Atom-type row (in 7.2.13; commit not found)",
		KV(6, 18, 0), NEVER, NEVER, "RFDS skips 0x97/0xB7 only without Atom boot CPU and HYBRID_CPU",
		"rework commit not found: after v6.17's VMSCAPE rows (6.16.7 still has the Atom-type row), at or before 7.2.13; v6.18 assumed" },
	[FL_AIRMONT_NO_SSB] = { "airmont_no_ssb",
		"x86/bugs: Add missing NO_SSB flag (stable 6.11.3)",
		KV(6, 12, 0), NEVER, NEVER, "NO_SSB for Airmont 0x5A and 0x75" },
	[FL_AMD_1A_LISTED] = { "amd_1a_listed",
		"877818802c3e x86/bugs: Add SRSO_USER_KERNEL_NO support (tip x86/bugs 2024-12-30, v6.14); 6.12.y: the VMSCAPE backport 7c62c442b6eb in 6.12.47 added VULNBL_AMD(0x1a, SRSO | VMSCAPE)",
		KV(6, 14, 0), NEVER, KV(6, 12, 47), "Zen 5 (family 0x1a) listed: SRSO" },
	[FL_AMD_1A_TSA] = { "amd_1a_tsa",
		"x86/bugs: Mitigate TSA on AMD Zen5 (stable 6.12.117 and 7.3.4; not in 7.2.13 nor 7.3-rc7)",
		NOT_UPSTREAM, NEVER, KV(6, 12, 117), "Zen 5 listed for TSA",
		"mainline release unknown (after 7.3-rc7); the 7.3.y backport is read in 7.3.4's source",
		.bp_more = { KV(7, 3, 4) },
		.bp_more_from = "7.3.4's common.c has the family 0x1a TSA row (linux-source-7.3 7.3.4-1~bpo13+1)" },
	[FL_ZEN5_GENERATION] = { "zen5_generation",
		"3e4147f33f8b x86/CPU/AMD: Add X86_FEATURE_ZEN5 (tip x86/urgent 2024-01-23, v6.8-rc2): bsp_init_amd knows family 0x1a",
		KV(6, 8, 0), NEVER, NEVER, "unlisted 0x1a models skip tsa_init ('goto warn')" },
	[FL_ZEN6_GENERATION] = { "zen6_generation",
		"x86/CPU/AMD: Add X86_FEATURE_ZEN6 (bsp_init_amd's Zen6 ranges of family 0x1a: 7.2.13 amd.c, 7.3.4 amd.c l.527-531; not in 6.12.117)",
		KV(6, 18, 0), NEVER, NEVER, "0x1a Zen6 models run tsa_init: TSA_SQ_NO, TSA_L1_NO, TSA_FILL_NO forced",
		"release not checked against a tree or pull; v6.18 assumed (as ref's zen6_generation); observable only with the Zen5 TSA row (6.12.117 has no Zen6 ranges, 7.3.4 has both)" },
	[FL_VMSCAPE_LATE_MODELS] = { "vmscape_late_models",
		"VMSCAPE list has ARROWLAKE_U 0xB5 and ATOM_CRESTMONT_X 0xAF",
		KV(6, 17, 0), NEVER, KV(6, 12, 47), "VMSCAPE on 0xB5/0xAF" },
	[FL_VMSCAPE_RECENT_MODELS] = { "vmscape_recent_models",
		"VMSCAPE rows of METEORLAKE_L, ARROWLAKE_H, ARROWLAKE, LUNARLAKE_M, GRANITERAPIDS_X, EMERALDRAPIDS_X: not in the 5.10.244 backport, whose intel-family.h names none of them",
		KV(6, 17, 0), KV(6, 1, 152), KV(6, 12, 47), "VMSCAPE on 0xAA/0xC5/0xC6/0xBD/0xAD/0xCF" },
	[FL_GDS_AUTO] = { "gds_auto",
		"x86/bugs: Restructure GDS mitigation (GDS_MITIGATION_AUTO; in 7.2.13, not 6.12.117)",
		KV(6, 16, 0), NEVER, NEVER, "gds_ucode_mitigated() false on unaffected CPUs",
		"release of the bugs.c restructure not checked against a tree or pull; v6.16 assumed" },
	[FL_PER_BUG_OPTIONS_WIN] = { "per_bug_options_win",
		"x86/bugs: Add attack vector controls: per-bug options are kept under mitigations=off",
		KV(6, 17, 0), NEVER, NEVER, "gather_data_sampling=force, l1tf= survive mitigations=off",
		"release of the attack-vector series not checked against a tree or pull; v6.17 assumed" },
	[FL_TSX_DEFAULT_AUTO] = { "tsx_default_auto",
		"f8c7600d468b x86/tsx: Set default TSX mode to auto (tip x86/cpu 2026-01-06, v7.0); Debian keeps the default",
		KV(7, 0, 0), NEVER, NEVER, "no tsx= means tsx=auto (X86_INTEL_TSX_MODE_AUTO), before it tsx=off" },
	[FL_CLEAR_CPU_BUF] = { "clear_cpu_buf",
		"43fb862de8f6 KVM/VMX: Move VERW closer to VMentry for MDS mitigation",
		KV(6, 8, 0), KV(6, 1, 81), NEVER, "X86_FEATURE_CLEAR_CPU_BUF; disable_fb_clear needs !CLEAR_CPU_BUF",
		.bp_more = { KV(5, 10, 216) },
		.bp_more_from = "Debian 5.10.216-1: KVM/VMX: Move VERW closer to VMentry for MDS mitigation" },
	[FL_MMIO_KVM_KEY_FOLLOWS_CLEAR] = { "mmio_kvm_key_follows_clear",
		"x86/mmio: Disable KVM mitigation when X86_FEATURE_CLEAR_CPU_BUF is set",
		KV(6, 9, 0), KV(6, 1, 82), NEVER, "KVM-only MMIO VERW only without CLEAR_CPU_BUF",
		.bp_more = { KV(5, 10, 216) },
		.bp_more_from = "Debian 5.10.216-1: mmio: Disable KVM mitigation when X86_FEATURE_CLEAR_CPU_BUF is set" },
	[FL_TSA_UCODE_NEEDED_QUIET] = { "tsa_ucode_needed_quiet",
		"d8010d4ba43e upstream TSA: UCODE_NEEDED never forces the mitigation in a VM ('Forcing mitigation on in a VM' is only in the 6.1.y/6.12.y/6.15.y backports)",
		KV(6, 16, 0), NEVER, NEVER, "TSA without VERW_CLEAR sets no CLEAR_CPU_BUF*" },
	[FL_VMX_VM_CLEAR_CPU_BUF] = { "vmx_vm_clear_cpu_buf",
		"x86/bugs: Use VM_CLEAR_CPU_BUFFERS in VMX as well; f6106d41ec84; e6ff1d61de51",
		KV(6, 19, 0), NEVER, NEVER, "CLEAR_CPU_BUF_VM(_MMIO); MMIO VERW after FB_CLEAR_DIS" },
	[FL_KVM_GDS_NO] = { "kvm_gds_no",
		"81ac7e5d7417 KVM: Add GDS_NO support to KVM",
		KV(6, 5, 0), KV(6, 1, 44), NEVER, "GDS_NO synthesised",
		.bp_more = { KV(5, 10, 179) },
		.bp_more_from = "Debian 5.10.179-4: KVM: Add GDS_NO support to KVM" },
	[FL_KVM_RFDS] = { "kvm_rfds",
		"2a0180129d72 KVM/x86: Export RFDS_NO and RFDS_CLEAR to guests",
		KV(6, 9, 0), KV(6, 1, 82), NEVER, "RFDS_NO/RFDS_CLEAR passed, RFDS_NO synthesised",
		.bp_more = { KV(5, 10, 216) },
		.bp_more_from = "Debian 5.10.216-1: KVM/x86: Export RFDS_NO and RFDS_CLEAR to guests" },
	[FL_KVM_BHI_NO] = { "kvm_bhi_no",
		"ed2e8d49b54d KVM: x86: Add BHI_NO",
		KV(6, 9, 0), KV(6, 1, 85), NEVER, "BHI_NO passed through" },
	[FL_KVM_ITS_NO] = { "kvm_its_no",
		"159013a7ca18 x86/its: Enumerate ITS bug (KVM part)",
		KV(6, 15, 0), KV(6, 1, 139), KV(6, 12, 29), "ITS_NO passed, synthesised",
		.bp_more = { KV(5, 10, 244) },
		.bp_more_from = "Debian 5.10.244-1: x86/its: Enumerate Indirect Target Selection (ITS) bug (ITS_NO in KVM_SUPPORTED_ARCH_CAP)" },
	[FL_KVM_AC_SNAPSHOT] = { "kvm_ac_snapshot",
		"a2fd5d02bad6 KVM: x86: Snapshot host's MSR_IA32_ARCH_CAPABILITIES",
		KV(6, 6, 0), NEVER, NEVER, "feature value from a snapshot, not a live RDMSR" },
	[FL_IMMUTABLE_FEATURE_MSRS] = { "immutable_feature_msrs",
		"0094f62c7eaa KVM: x86: Disallow writes to immutable feature MSRs after KVM_RUN",
		KV(6, 4, 0), NEVER, NEVER, "0x10a fixed after KVM_RUN" },
	[FL_STUFF_FEATURE_MSRS_QUIRK] = { "stuff_feature_msrs_quirk",
		"KVM: x86: Quirk initialization of feature MSRs to KVM's max configuration",
		KV(6, 13, 0), NEVER, KV(6, 12, 78), "KVM_X86_QUIRK_STUFF_FEATURE_MSRS" },
	[FL_AC_REQUIRES_CPUID] = { "ac_requires_cpuid",
		"a5d563890b8f KVM: x86: Reject userspace attempts to access ARCH_CAPABILITIES w/o support (mainline id; 83a5fe6cf1eb in the kvm-x86 Applied mail)",
		KV(6, 13, 0), NEVER, NEVER, "host access gated on guest CPUID; KVM_MSR_RET_UNSUPPORTED" },
	[FL_CPUID_FROZEN_AFTER_RUN] = { "cpuid_frozen_after_run",
		"feb627e8d6f6 KVM: x86: Forbid KVM_SET_CPUID{,2} after KVM_RUN (v5.16); c6617c61e8fe lets an identical table through (v5.17)",
		KV(5, 16, 0), NEVER, NEVER, "KVM_SET_CPUID2 after KVM_RUN: -EINVAL unless identical" },
	[FL_MISC_ENABLE_PMU_BITS] = { "misc_enable_pmu_bits",
		"9fc222967a39 KVM: x86: Give host userspace full control of MSR_IA32_MISC_ENABLES (v6.0)",
		KV(6, 0, 0), NEVER, NEVER, "MISC_ENABLE resets to 0x1800 (BTS/PEBS_UNAVAIL, guest read-only), EMON ignored" },
	[FL_CPU_CAPS] = { "cpu_caps",
		"7ea34578aea7 KVM: x86: Replace guts of 'governed' features with comprehensive cpu_caps",
		KV(6, 14, 0), NEVER, NEVER, "cpu_caps = (KVM caps | emulated) & guest CPUID" },
	[FL_CR4_KVM_RESERVED] = { "cr4_kvm_reserved",
		"7520a53b8e0a KVM: x86: Account for KVM-reserved CR4 bits when passing through CR4 on VMX",
		KV(6, 14, 0), NEVER, NEVER, "CR4.FSGSBASE no longer passed through against the host" },
};
const unsigned int kmc_nflags = FL_NR;

/*
 * The releases kmc models.  Flags and the Kconfig TSX default are filled
 * in by profiles_init() from kmc_flags[].  How each is known: LAB = Debian
 * builds of the line boot in the QEMU and Bochs labs (docs/lab.md), SOURCE
 * = the Debian linux-source tree named was read for the rules; neither =
 * only list mails and stable diffs date its flags.
 */
#define P(name, a, b, c, desc, known, from) \
	{ name, KV(a, b, c), desc, 0, 0, known, from }
#define LAB_SRC (KMC_KNOWN_LAB | KMC_KNOWN_SOURCE)
#define MAILS "list mails and stable diffs date its flags (docs/rules.md); no tree read, never booted"

static struct kmc_profile profiles[] = {
	P("5.10", 5, 10, 262, "Debian 11 bullseye-security (linux-image-5.10.0-*-amd64)", LAB_SRC,
	  "labs boot linux-image-5.10.0-46-amd64 5.10.262-1; read linux-source-5.10 5.10.262-1, backports dated by its changelog.Debian"),
	P("6.1",  6, 1, 192, "Debian 12 bookworm (linux-image-6.1.0-*-amd64)", LAB_SRC,
	  "labs boot linux-image-6.1.0-57-amd64 6.1.192-3; read linux-source-6.1 6.1.192-2"),
	P("6.6",  6, 6, 0,   "upstream v6.6", 0, MAILS),
	P("6.12", 6, 12, 117, "Debian 12 bookworm-security (linux-image-6.12.*+deb12-amd64)", LAB_SRC,
	  "labs boot linux-image-6.12.118+deb12-amd64 (mapped to this profile); read linux-source-6.12 6.12.117-1~deb12u1"),
	P("6.13", 6, 13, 0,  "upstream v6.13", 0, MAILS),
	P("6.14", 6, 14, 0,  "upstream v6.14", 0, MAILS),
	P("6.16", 6, 16, 0,  "upstream v6.16", 0, MAILS),
	/* the Atom-type RFDS rows beside VMSCAPE's, attack-vector controls */
	P("6.17", 6, 17, 0,  "upstream v6.17", 0, MAILS),
	P("7.2",  7, 2, 13,  "Debian sid (linux-image-7.2.*+deb14-amd64)", LAB_SRC,
	  "labs boot linux-binary-7.2.13+deb14-amd64 7.2.13-1; read linux-source-7.2 7.2.13-1"),
	P("7.3",  7, 3, 4,   "Debian 13 trixie-backports (linux-image-7.3.*+deb13-amd64)", LAB_SRC,
	  "labs boot linux-binary-7.3.4+deb13-amd64 7.3.4-1~bpo13+1; read linux-source-7.3 7.3.4-1~bpo13+1"),
};
const unsigned int kmc_nprofiles = sizeof(profiles) / sizeof(profiles[0]);

int kmc_kver_cmp(struct kmc_kver a, struct kmc_kver b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	if (a.sub != b.sub)
		return a.sub < b.sub ? -1 : 1;
	return 0;
}

static int on_line(struct kmc_kver kv, struct kmc_kver bp)
{
	return bp.major && kv.major == bp.major && kv.minor == bp.minor &&
	       kv.sub >= bp.sub;
}

int kmc_flag_in_release(unsigned int i, struct kmc_kver kv)
{
	const struct kmc_flag_info *f = &kmc_flags[i];

	return kmc_kver_cmp(kv, f->since) >= 0 || on_line(kv, f->bp_6_1) ||
	       on_line(kv, f->bp_6_12) || on_line(kv, f->bp_more[0]) ||
	       on_line(kv, f->bp_more[1]);
}

/*
 * Profiles are constant data, but their flag sets are derived from the
 * flag table so that the two can never disagree.  The derivation runs
 * once, before the first lookup.
 */
static void profiles_init(void)
{
	static int done;

	if (done)
		return;
	for (unsigned int p = 0; p < kmc_nprofiles; p++) {
		uint64_t fl = 0;

		for (unsigned int i = 0; i < FL_NR; i++)
			if (kmc_flag_in_release(i, profiles[p].kver))
				fl |= 1ULL << i;
		profiles[p].flags = fl;
		profiles[p].tsx_default = fl >> FL_TSX_DEFAULT_AUTO & 1 ? KMC_TSX_AUTO : KMC_TSX_OFF;
	}
	done = 1;
}

const struct kmc_profile *kmc_profile_at(unsigned int i)
{
	profiles_init();
	return i < kmc_nprofiles ? &profiles[i] : NULL;
}

const struct kmc_profile *kmc_profile_find(const char *name)
{
	profiles_init();
	for (unsigned int i = 0; i < kmc_nprofiles; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

int kmc_flag_index(const char *name)
{
	for (unsigned int i = 0; i < FL_NR; i++)
		if (!strcmp(kmc_flags[i].name, name))
			return (int)i;
	return -1;
}

/* "6.1.192", "6.12.117+deb12-amd64", "7.2.13+deb14-amd64", "6.1.0-56-amd64" */
static int parse_release(const char *s, struct kmc_kver *kv)
{
	unsigned int a, b, c = 0;
	int n = 0;

	if (!s || sscanf(s, "%u.%u%n", &a, &b, &n) != 2)
		return -1;
	if (s[n] == '.' && sscanf(s + n + 1, "%u", &c) != 1)
		return -1;
	if (a > 0xffff || b > 0xffff || c > 0xffff)
		return -1;
	kv->major = (uint16_t)a;
	kv->minor = (uint16_t)b;
	kv->sub = (uint16_t)c;
	return 0;
}

/* Debian's `uname -v` carries the real release: "... Debian 6.1.192-2 (...)" */
static int debian_release(const char *version, struct kmc_kver *kv)
{
	const char *d = version ? strstr(version, "Debian ") : NULL;

	return d ? parse_release(d + 7, kv) : -1;
}

const struct kmc_profile *kmc_profile_for_uname(const char *release,
						const char *version,
						char *warn, size_t warnlen)
{
	struct kmc_kver kv, deb;
	const struct kmc_profile *best = NULL;

	profiles_init();
	warn[0] = '\0';
	if (parse_release(release, &kv)) {
		snprintf(warn, warnlen, "cannot parse kernel release '%s'",
			 release ? release : "(null)");
		return NULL;
	}
	/* Debian's ABI-numbered 6.1.0-NN: the sublevel is in uname -v */
	if (!debian_release(version, &deb) && deb.major == kv.major &&
	    deb.minor == kv.minor)
		kv = deb;
	for (unsigned int i = 0; i < kmc_nprofiles; i++)
		if (kmc_kver_cmp(profiles[i].kver, kv) <= 0 &&
		    (!best || kmc_kver_cmp(profiles[i].kver, best->kver) > 0))
			best = &profiles[i];
	if (!best) {
		snprintf(warn, warnlen, "kernel %u.%u.%u is older than every profile",
			 kv.major, kv.minor, kv.sub);
		return NULL;
	}
	if (kmc_kver_cmp(best->kver, kv))
		snprintf(warn, warnlen,
			 "kernel %u.%u.%u has no profile of its own; using the nearest older one, %s (%u.%u.%u)",
			 kv.major, kv.minor, kv.sub, best->name, best->kver.major,
			 best->kver.minor, best->kver.sub);
	return best;
}
