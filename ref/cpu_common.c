// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kernel/cpu/common.c: early_identify_cpu() and cpu_set_bug_bits()
 * with the vulnerability whitelist and blacklist.
 *
 * A bit of a bug the release does not know is never consulted (the bug is
 * gated where it is set).
 */
#include <stddef.h>
#include "ref.h"
#include "internal.h"

/*
 * The tables are those of the release's Debian line, generated from its
 * source (tables.c, ref/tables/linux-LINE.h).  A release without a line
 * of its own (the upstream profiles) takes the newest line's rows less
 * what came after it: each change below names a row and the bits a
 * release without the change lacks (0: the whole row), decided by the
 * same per-change flags as the rest of ref (kernel.c).
 */
enum row_gate { AIRMONT_NO_SSB, ARL_U_SRF, AMD_1A_SRSO, AMD_1A_TSA, AMD_1A_ROW, NO_RFDS_TYPE_ROW };

static const struct later_change {
	enum kmc_vuln_table table;
	uint8_t vendor;
	int16_t family, model;
	uint16_t bits;
	uint8_t gate;		/* enum row_gate */
	uint8_t keep_type;	/* the bits stay on a boot CPU of this core type (0: none) */
} later_changes[] = {
	/* "x86/bugs: Add missing NO_SSB flag" (SILVERMONT_MID2 / AIRMONT_NP) */
	{ KMC_VULN_WHITELIST, KMC_VENDOR_INTEL, 6, 0x5A, WL_NO_SSB, AIRMONT_NO_SSB, 0 },
	{ KMC_VULN_WHITELIST, KMC_VENDOR_INTEL, 6, 0x75, WL_NO_SSB, AIRMONT_NO_SSB, 0 },
	/* the VMSCAPE rows of ARROWLAKE_U and ATOM_CRESTMONT_X (not in 6.1.y) */
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_INTEL, 6, 0xB5, 0, ARL_U_SRF, 0 },
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_INTEL, 6, 0xAF, 0, ARL_U_SRF, 0 },
	/* AMD family 0x1a: the row, its SRSO (SRSO_USER_KERNEL_NO), its TSA (Zen5 TSA) */
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_AMD, 0x1a, ANY, 0, AMD_1A_ROW, 0 },
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_AMD, 0x1a, ANY, BL_SRSO, AMD_1A_SRSO, 0 },
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_AMD, 0x1a, ANY, BL_TSA, AMD_1A_TSA, 0 },
	/*
	 * 722fa0dba74f: while ALDERLAKE / RAPTORLAKE are VULNBL_INTEL_TYPE(..,
	 * ATOM, RFDS) rows (until the open-coded rework), RFDS only when the
	 * boot CPU is an Atom core
	 */
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_INTEL, 6, 0x97, BL_RFDS, NO_RFDS_TYPE_ROW, KMC_CORE_TYPE_ATOM },
	{ KMC_VULN_BLACKLIST, KMC_VENDOR_INTEL, 6, 0xB7, BL_RFDS, NO_RFDS_TYPE_ROW, KMC_CORE_TYPE_ATOM },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool gate_holds(const struct ref_kernel *k, uint8_t gate)
{
	switch (gate) {
	case AIRMONT_NO_SSB:	return k->airmont_no_ssb;
	case ARL_U_SRF:		return k->vmscape_arl_u_srf;
	case AMD_1A_SRSO:	return k->amd_1a_srso;
	case AMD_1A_TSA:	return k->tsa_zen5;
	case NO_RFDS_TYPE_ROW:	return !k->rfds_atom_type_row;
	default:		return k->amd_1a_srso || k->tsa_zen5;
	}
}

/* The bits of row @r for a release without a line: -1 if it lacks the row */
static int later_bits(const struct ref_kernel *k, enum kmc_vuln_table t,
		      const struct ref_vuln_row *r, const struct cpuinfo_x86 *cpu)
{
	int bits = r->bits;

	for (unsigned int i = 0; i < N(later_changes); i++) {
		const struct later_change *c = &later_changes[i];

		if (c->table != t || c->vendor != r->vendor || c->family != r->family ||
		    c->model != r->model || gate_holds(k, c->gate) ||
		    (c->keep_type && cpu->intel_type == c->keep_type))
			continue;
		if (!c->bits)
			return -1;
		bits &= ~c->bits;
	}
	return bits;
}

/*
 * The bits of the first row of @line's table @t that matches the CPU
 * (first match wins); @k: later changes removed for a release without a
 * line of its own, NULL: the line's rows as they are.
 */
static unsigned int match_rows(const struct ref_line *line, const struct ref_kernel *k,
			       enum kmc_vuln_table t, const struct cpuinfo_x86 *c)
{
	const struct ref_vuln_row *rows = t == KMC_VULN_WHITELIST ? line->wl : line->bl;
	unsigned int n = t == KMC_VULN_WHITELIST ? line->nwl : line->nbl;

	for (unsigned int i = 0; i < n; i++) {
		const struct ref_vuln_row *m = &rows[i];
		int bits = m->bits;

		if (m->vendor != VENDOR_ANY && m->vendor != c->vendor)
			continue;
		if (m->family != ANY && m->family != c->family)
			continue;
		if (m->model != ANY && m->model != c->model)
			continue;
		if (c->stepping < m->step_min || c->stepping > m->step_max)
			continue;
		if (k)
			bits = later_bits(k, t, m, c);
		if (bits >= 0)
			return (unsigned int)bits;
	}
	return 0;
}

unsigned int ref_match_newest(const struct ref_kernel *k, enum kmc_vuln_table t,
			      const struct cpuinfo_x86 *c)
{
	return match_rows(ref_newest_line(), k, t, c);
}

/* x86_match_cpu() for the boot CPU, on table @t of the release */
static unsigned int x86_match_cpu(const struct ref_host *h, enum kmc_vuln_table t)
{
	if (h->k->line)
		return match_rows(h->k->line, NULL, t, &h->c);
	return ref_match_newest(h->k, t, &h->c);
}

struct vuln_match {
	unsigned int wl, bl;
};

static bool cpu_matches_wl(const struct vuln_match *vm, unsigned int which)
{
	return (vm->wl & which) != 0;
}

static bool cpu_matches_bl(const struct vuln_match *vm, unsigned int which)
{
	return (vm->bl & which) != 0;
}

static bool arch_cap_mmio_immune(uint64_t ac)
{
	return (ac & KMC_AC_FBSDP_NO) && (ac & KMC_AC_PSDP_NO) && (ac & KMC_AC_SBDR_SSDP_NO);
}

/* common.c vulnerable_to_rfds(): 6.1 l.1348, 7.2 l.1371 */
static bool vulnerable_to_rfds(const struct ref_host *h, const struct vuln_match *vm)
{
	uint64_t ac = h->c.arch_cap;

	if (ac & KMC_AC_RFDS_NO)
		return false;
	if (ac & KMC_AC_RFDS_CLEAR)
		return true;
	if (!cpu_matches_bl(vm, BL_RFDS))
		return false;
	/* 7.2 l.1387-1398: ADL/RPL are affected only if they have Atom cores */
	if (h->k->rfds_hybrid_exception &&
	    (h->c.model == 0x97 || h->c.model == 0xB7) &&
	    h->c.intel_type != KMC_CORE_TYPE_ATOM &&
	    !boot_cpu_has(h, F(HYBRID_CPU)))
		return false;
	return true;
}

/* common.c vulnerable_to_its(): 6.1 l.1366 */
static bool vulnerable_to_its(const struct ref_host *h, const struct vuln_match *vm)
{
	if (h->c.arch_cap & KMC_AC_ITS_NO)
		return false;
	if (h->c.vendor != KMC_VENDOR_INTEL)
		return false;
	if (boot_cpu_has(h, F(BHI_CTRL)))
		return false;
	if (boot_cpu_has(h, F(HYPERVISOR)))
		return true;
	return cpu_matches_bl(vm, BL_ITS);
}

static void setup_force_cpu_bug(struct ref_host *h, uint64_t b)
{
	h->c.bugs |= b;
}

/* common.c cpu_set_bug_bits(): 6.1 l.1392, 6.12 l.1376, 7.2 l.1465 */
static void cpu_set_bug_bits(struct ref_host *h)
{
	const struct ref_kernel *k = h->k;
	struct cpuinfo_x86 *c = &h->c;
	uint64_t ac = c->arch_cap;
	struct vuln_match vm = {
		.wl = x86_match_cpu(h, KMC_VULN_WHITELIST),
		.bl = x86_match_cpu(h, KMC_VULN_BLACKLIST),
	};

	/* OLD_MICROCODE (7.2 l.1471) is not modelled: microcode assumed current */

	if (!cpu_matches_wl(&vm, WL_NO_ITLB_MULTIHIT) && !(ac & KMC_AC_PSCHANGE_MC_NO))
		setup_force_cpu_bug(h, B(ITLB_MULTIHIT));

	if (cpu_matches_wl(&vm, WL_NO_SPECULATION))
		return;

	setup_force_cpu_bug(h, B(SPECTRE_V1));

	if (!cpu_matches_wl(&vm, WL_NO_SPECTRE_V2)) {
		setup_force_cpu_bug(h, B(SPECTRE_V2));
		if (k->bug_spectre_v2_user)
			setup_force_cpu_bug(h, B(SPECTRE_V2_USER));
	}

	if (!cpu_matches_wl(&vm, WL_NO_SSB) && !(ac & KMC_AC_SSB_NO) &&
	    !boot_cpu_has(h, F(AMD_SSB_NO)))
		setup_force_cpu_bug(h, B(SPEC_STORE_BYPASS));

	/* AutoIBRS counts as eIBRS; SEV-SNP (6.12+ exclusion) is not modelled: off */
	if ((ac & KMC_AC_IBRS_ALL) || boot_cpu_has(h, F(AUTOIBRS))) {
		c->ibrs_enhanced = true;
		if (!cpu_matches_wl(&vm, WL_NO_EIBRS_PBRSB) && !(ac & KMC_AC_PBRSB_NO))
			setup_force_cpu_bug(h, B(EIBRS_PBRSB));
	}

	if (!cpu_matches_wl(&vm, WL_NO_MDS) && !(ac & KMC_AC_MDS_NO)) {
		setup_force_cpu_bug(h, B(MDS));
		if (cpu_matches_wl(&vm, WL_MSBDS_ONLY))
			setup_force_cpu_bug(h, B(MSBDS_ONLY));
	}

	if (!cpu_matches_wl(&vm, WL_NO_SWAPGS))
		setup_force_cpu_bug(h, B(SWAPGS));

	/* RTM as identified: tsx_init() only runs later, in identify_boot_cpu() */
	if (!(ac & KMC_AC_TAA_NO) &&
	    (boot_cpu_has(h, F(RTM)) || (ac & KMC_AC_TSX_CTRL_MSR)))
		setup_force_cpu_bug(h, B(TAA));

	if ((boot_cpu_has(h, F(RDRAND)) || boot_cpu_has(h, F(RDSEED))) &&
	    cpu_matches_bl(&vm, BL_SRBDS | BL_MMIO_SBDS))
		setup_force_cpu_bug(h, B(SRBDS));

	if (!arch_cap_mmio_immune(ac)) {
		if (cpu_matches_bl(&vm, BL_MMIO))
			setup_force_cpu_bug(h, B(MMIO_STALE_DATA));
		else if (!k->mmio_unknown_removed && !cpu_matches_wl(&vm, WL_NO_MMIO))
			setup_force_cpu_bug(h, B(MMIO_UNKNOWN));
	}

	if (!boot_cpu_has(h, F(BTC_NO))) {
		if (cpu_matches_bl(&vm, BL_RETBLEED) || (ac & KMC_AC_RSBA))
			setup_force_cpu_bug(h, B(RETBLEED));
	}

	if (k->bug_smt_rsb && cpu_matches_bl(&vm, BL_SMT_RSB))
		setup_force_cpu_bug(h, B(SMT_RSB));

	/* BL_SRSO came with BL_GDS (v6.5, 6.1.44) */
	if (k->bug_gds && !boot_cpu_has(h, F(SRSO_NO)) && cpu_matches_bl(&vm, BL_SRSO))
		setup_force_cpu_bug(h, B(SRSO));

	if (k->bug_gds && cpu_matches_bl(&vm, BL_GDS) && !(ac & KMC_AC_GDS_NO) &&
	    boot_cpu_has(h, F(AVX)))
		setup_force_cpu_bug(h, B(GDS));

	if (k->bug_rfds && vulnerable_to_rfds(h, &vm))
		setup_force_cpu_bug(h, B(RFDS));

	if (k->bug_bhi && !cpu_matches_wl(&vm, WL_NO_BHI) &&
	    (c->ibrs_enhanced || boot_cpu_has(h, F(HYPERVISOR))))
		setup_force_cpu_bug(h, B(BHI));

	if (k->bug_ibpb_no_ret && boot_cpu_has(h, F(AMD_IBPB)) && !boot_cpu_has(h, F(AMD_IBPB_RET)))
		setup_force_cpu_bug(h, B(IBPB_NO_RET));

	if (k->bug_its && vulnerable_to_its(h, &vm)) {
		setup_force_cpu_bug(h, B(ITS));
		if (cpu_matches_bl(&vm, BL_ITS_NATIVE_ONLY))
			setup_force_cpu_bug(h, B(ITS_NATIVE_ONLY));
	}

	/*
	 * X86_FEATURE_ZEN is only set by init_amd(), after this function, so
	 * "HYPERVISOR && ZEN" cannot hold here on the boot CPU (c->zen is
	 * still false).  6.12.117 also needs TSA_FILL_NO (scattered.c: CPUID
	 * 0x80000021 ECX[7], or forced by tsa_init()).
	 */
	if (k->bug_tsa && c->vendor == KMC_VENDOR_AMD) {
		if (!boot_cpu_has(h, F(TSA_SQ_NO)) || !boot_cpu_has(h, F(TSA_L1_NO)) ||
		    (k->tsa_zen5 && !c->tsa_fill_no && !boot_cpu_has(h, F(TSA_FILL_NO)))) {
			if (cpu_matches_bl(&vm, BL_TSA) ||
			    (boot_cpu_has(h, F(HYPERVISOR)) && c->zen))
				setup_force_cpu_bug(h, B(TSA));
		}
	}

	if (k->bug_vmscape && cpu_matches_bl(&vm, BL_VMSCAPE) && !boot_cpu_has(h, F(HYPERVISOR)))
		setup_force_cpu_bug(h, B(VMSCAPE));

	if (cpu_matches_wl(&vm, WL_NO_MELTDOWN))
		return;
	if (ac & KMC_AC_RDCL_NO)
		return;

	setup_force_cpu_bug(h, B(CPU_MELTDOWN));

	if (cpu_matches_wl(&vm, WL_NO_L1TF))
		return;

	setup_force_cpu_bug(h, B(L1TF));
}

/*
 * common.c early_identify_cpu() (7.2 l.1793): get_cpu_cap(), the early
 * command line (nofsgsbase), the vendor's bsp_init, then the bug bits.
 */
void early_identify_cpu(struct ref_host *h)
{
	struct cpuinfo_x86 *c = &h->c;

	c->caps = c->raw;
	c->visible = c->raw;
	/* x86_read_arch_cap_msr(): only with CPUID.7.0:EDX[29] */
	c->arch_cap = (c->raw & F(ARCH_CAPABILITIES)) ? h->cmd->arch_cap : 0;
	/* cpu_init_topology(): CPUID.1A core type, Intel only */
	c->intel_type = c->vendor == KMC_VENDOR_INTEL ? h->cmd->core_type : 0;

	if (h->cmd->nofsgsbase) {
		c->caps &= ~F(FSGSBASE);
		c->visible &= ~F(FSGSBASE);
	}

	if (c->vendor == KMC_VENDOR_AMD)
		bsp_init_amd(h);

	cpu_set_bug_bits(h);
}

/* ---- for `kmc source-check` (ref.h) ------------------------------------- */

static const char *const whitelist_flag_names[] = {
	"NO_SPECULATION", "NO_MELTDOWN", "NO_SSB", "NO_L1TF", "NO_MDS", "MSBDS_ONLY",
	"NO_SWAPGS", "NO_ITLB_MULTIHIT", "NO_SPECTRE_V2", "NO_MMIO", "NO_EIBRS_PBRSB", "NO_BHI",
};
static const char *const blacklist_flag_names[] = {
	"SRBDS", "MMIO", "MMIO_SBDS", "RETBLEED", "SMT_RSB", "SRSO", "GDS", "RFDS",
	"ITS", "ITS_NATIVE_ONLY", "TSA", "VMSCAPE",
};

const char *const *ref_vuln_flag_names(enum kmc_vuln_table t, unsigned int *n)
{
	*n = t == KMC_VULN_WHITELIST ? N(whitelist_flag_names) : N(blacklist_flag_names);
	return t == KMC_VULN_WHITELIST ? whitelist_flag_names : blacklist_flag_names;
}

uint32_t ref_vuln_match(struct kmc_kver v, enum kmc_vuln_table t, uint8_t vendor,
			uint8_t family, uint8_t model, uint8_t stepping)
{
	struct ref_kernel k;
	struct ref_host h = { .k = &k, .c = { .vendor = vendor, .family = family,
					      .model = model, .stepping = stepping } };

	ref_kernel_init(&k, v);
	return x86_match_cpu(&h, t);
}

/* The bugs cpu_set_bug_bits() above can set in release @v */
uint64_t ref_known_bugs(struct kmc_kver v)
{
	struct ref_kernel k;
	uint64_t b = B(ITLB_MULTIHIT) | B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) |
		     B(EIBRS_PBRSB) | B(MDS) | B(MSBDS_ONLY) | B(SWAPGS) | B(TAA) | B(SRBDS) |
		     B(MMIO_STALE_DATA) | B(RETBLEED) | B(CPU_MELTDOWN) | B(L1TF);

	ref_kernel_init(&k, v);
	if (!k.mmio_unknown_removed)
		b |= B(MMIO_UNKNOWN);
	if (k.bug_spectre_v2_user)
		b |= B(SPECTRE_V2_USER);
	if (k.bug_gds)
		b |= B(SRSO) | B(GDS);
	if (k.bug_smt_rsb)
		b |= B(SMT_RSB);
	if (k.bug_rfds)
		b |= B(RFDS);
	if (k.bug_bhi)
		b |= B(BHI);
	if (k.bug_ibpb_no_ret)
		b |= B(IBPB_NO_RET);
	if (k.bug_its)
		b |= B(ITS) | B(ITS_NATIVE_ONLY);
	if (k.bug_tsa)
		b |= B(TSA);
	if (k.bug_vmscape)
		b |= B(VMSCAPE);
	return b;
}
