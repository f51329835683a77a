// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kernel/cpu/common.c: early_identify_cpu() and cpu_set_bug_bits()
 * with the vulnerability whitelist and blacklist.
 *
 * The tables are 7.2.13's (common.c l.1184-1345) in the same order, which is
 * a superset of 6.1.192's (l.1162-1322) and 6.12.117's; rows and bits that
 * differ between trees carry the flag that decides them.  A bit of a bug the
 * release does not know is never consulted (the bug is gated where it is set).
 */
#include "ref.h"
#include "internal.h"

/* whitelist bits (common.c NO_SPECULATION .. NO_BHI) */
#define NO_SPECULATION		(1u << 0)
#define NO_MELTDOWN		(1u << 1)
#define NO_SSB			(1u << 2)
#define NO_L1TF			(1u << 3)
#define NO_MDS			(1u << 4)
#define WL_MSBDS_ONLY		(1u << 5)
#define NO_SWAPGS		(1u << 6)
#define NO_ITLB_MULTIHIT	(1u << 7)
#define NO_SPECTRE_V2		(1u << 8)
#define NO_MMIO			(1u << 9)
#define NO_EIBRS_PBRSB		(1u << 10)
#define NO_BHI			(1u << 11)

/* blacklist bits (common.c BL_SRBDS .. BL_VMSCAPE) */
#define BL_SRBDS			(1u << 0)
#define BL_MMIO			(1u << 1)
#define BL_MMIO_SBDS		(1u << 2)
#define BL_RETBLEED		(1u << 3)
#define BL_SMT_RSB			(1u << 4)
#define BL_SRSO			(1u << 5)
#define BL_GDS			(1u << 6)
#define BL_RFDS			(1u << 7)
#define BL_ITS			(1u << 8)
#define BL_ITS_NATIVE_ONLY		(1u << 9)
#define BL_TSA			(1u << 10)
#define BL_VMSCAPE			(1u << 11)

#define ANY		(-1)
#define VENDOR_ANY	0xff
#define STEP_MAX	0xff

/* Which flag decides a row's conditional bits (see ref_kernel) */
enum row_gate { ALWAYS, AIRMONT_NO_SSB, ARL_U_SRF, AMD_1A_SRSO, AMD_1A_TSA, AMD_1A_ROW,
		RFDS_TYPE_ROW, NO_RFDS_TYPE_ROW };

struct x86_cpu_id {
	uint8_t vendor;
	int16_t family, model;
	uint8_t max_step;	/* X86_STEP_MIN .. max_step */
	uint16_t bits;
	struct {
		uint16_t bits;	/* set only when @gate holds */
		uint8_t gate;
	} cond[3];
	uint8_t exists;		/* the row is in the table only when this gate holds */
	uint8_t type;		/* X86_MATCH_VFM_CPU_TYPE: boot CPU core type, 0 = any */
};

#define WL(v, f, m, b)			{ .vendor = v, .family = f, .model = m, .max_step = STEP_MAX, .bits = b }
#define WL_INTEL(m, b)			WL(KMC_VENDOR_INTEL, 6, m, b)
#define WL_INTEL_IF(m, b, c, g)		{ KMC_VENDOR_INTEL, 6, m, STEP_MAX, b, { { c, g } }, ALWAYS, 0 }
#define BL_INTEL(m, s, b)		{ KMC_VENDOR_INTEL, 6, m, s, b, { { 0, ALWAYS } }, ALWAYS, 0 }
#define BL_INTEL_IF(m, s, c, g)		{ KMC_VENDOR_INTEL, 6, m, s, 0, { { c, g } }, ALWAYS, 0 }
#define BL(v, f, b)			{ v, f, ANY, STEP_MAX, b, { { 0, ALWAYS } }, ALWAYS, 0 }
/* VULNBL_INTEL_TYPE(): matches only when the boot CPU has core type @t */
#define BL_INTEL_TYPE_IF(m, t, b, g)	{ KMC_VENDOR_INTEL, 6, m, STEP_MAX, b, { { 0, ALWAYS } }, g, t }
/* a row whose bits @c are there only when gate @g holds */
#define BL_INTEL_PART(m, b, c, g)	{ KMC_VENDOR_INTEL, 6, m, STEP_MAX, b, { { c, g } }, ALWAYS, 0 }

static const struct x86_cpu_id cpu_vuln_whitelist[] = {
	WL(VENDOR_ANY, 4, ANY, NO_SPECULATION),
	WL(KMC_VENDOR_CENTAUR, 5, ANY, NO_SPECULATION),
	WL(KMC_VENDOR_INTEL, 5, ANY, NO_SPECULATION),
	/* NSC family 5 and Vortex families 5/6 have no kmc vendor */

	WL_INTEL(0x8D, NO_MMIO),	/* TIGERLAKE */
	WL_INTEL(0x8C, NO_MMIO),	/* TIGERLAKE_L */
	WL_INTEL(0x97, NO_MMIO),	/* ALDERLAKE */
	WL_INTEL(0x9A, NO_MMIO),	/* ALDERLAKE_L */

	WL_INTEL(0x36, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL */
	WL_INTEL(0x35, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL_TABLET */
	WL_INTEL(0x27, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL_MID */
	WL_INTEL(0x1C, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_BONNELL */
	WL_INTEL(0x26, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_BONNELL_MID */

	WL_INTEL(0x37, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* SILVERMONT */
	WL_INTEL(0x4D, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* SILVERMONT_D */
	WL_INTEL(0x4A, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* SILVERMONT_MID */
	WL_INTEL(0x4C, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* AIRMONT */
	WL_INTEL(0x57, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* XEON_PHI_KNL */
	WL_INTEL(0x85, NO_SSB | NO_L1TF | WL_MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT), /* XEON_PHI_KNM */

	WL_INTEL(0x0E, NO_SSB),		/* CORE_YONAH */

	/* SILVERMONT_MID2 (6.1: AIRMONT_MID) and AIRMONT_NP: NO_SSB only in >= 6.12 */
	WL_INTEL_IF(0x5A, NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | WL_MSBDS_ONLY, NO_SSB, AIRMONT_NO_SSB),
	WL_INTEL_IF(0x75, NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT, NO_SSB, AIRMONT_NO_SSB),

	WL_INTEL(0x5C, NO_MDS | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO),	/* GOLDMONT */
	WL_INTEL(0x5F, NO_MDS | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO),	/* GOLDMONT_D */
	WL_INTEL(0x7A, NO_MDS | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_EIBRS_PBRSB), /* GOLDMONT_PLUS */

	WL_INTEL(0x96, NO_EIBRS_PBRSB),			/* ATOM_TREMONT */
	WL_INTEL(0x9C, NO_EIBRS_PBRSB),			/* ATOM_TREMONT_L */
	WL_INTEL(0x86, NO_ITLB_MULTIHIT | NO_EIBRS_PBRSB),	/* ATOM_TREMONT_D */

	WL(KMC_VENDOR_AMD, 0x0f, ANY, NO_MELTDOWN | NO_SSB | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_BHI),
	WL(KMC_VENDOR_AMD, 0x10, ANY, NO_MELTDOWN | NO_SSB | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_BHI),
	WL(KMC_VENDOR_AMD, 0x11, ANY, NO_MELTDOWN | NO_SSB | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_BHI),
	WL(KMC_VENDOR_AMD, 0x12, ANY, NO_MELTDOWN | NO_SSB | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_BHI),

	/* FAMILY_ANY must come after 0x0f - 0x12 (first match wins) */
	WL(KMC_VENDOR_AMD, ANY, ANY, NO_MELTDOWN | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_EIBRS_PBRSB | NO_BHI),
	WL(KMC_VENDOR_HYGON, ANY, ANY, NO_MELTDOWN | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO | NO_EIBRS_PBRSB | NO_BHI),

	WL(KMC_VENDOR_CENTAUR, 7, ANY, NO_SPECTRE_V2 | NO_SWAPGS | NO_MMIO | NO_BHI),
	WL(KMC_VENDOR_ZHAOXIN, 7, ANY, NO_SPECTRE_V2 | NO_SWAPGS | NO_MMIO | NO_BHI),
};

static const struct x86_cpu_id cpu_vuln_blacklist[] = {
	BL_INTEL(0x2D, STEP_MAX, BL_VMSCAPE),			/* SANDYBRIDGE_X */
	BL_INTEL(0x2A, STEP_MAX, BL_VMSCAPE),			/* SANDYBRIDGE */
	BL_INTEL(0x3E, STEP_MAX, BL_VMSCAPE),			/* IVYBRIDGE_X */
	BL_INTEL(0x3A, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* IVYBRIDGE */
	BL_INTEL(0x3C, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* HASWELL */
	BL_INTEL(0x45, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* HASWELL_L */
	BL_INTEL(0x46, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* HASWELL_G */
	BL_INTEL(0x3F, STEP_MAX, BL_MMIO | BL_VMSCAPE),		/* HASWELL_X */
	BL_INTEL(0x56, STEP_MAX, BL_MMIO | BL_VMSCAPE),		/* BROADWELL_D */
	BL_INTEL(0x4F, STEP_MAX, BL_MMIO | BL_VMSCAPE),		/* BROADWELL_X */
	BL_INTEL(0x47, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* BROADWELL_G */
	BL_INTEL(0x3D, STEP_MAX, BL_SRBDS | BL_VMSCAPE),		/* BROADWELL */
	BL_INTEL(0x55, 0x5, BL_MMIO | BL_RETBLEED | BL_GDS | BL_VMSCAPE),	/* SKYLAKE_X (Skylake-SP) */
	BL_INTEL(0x55, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_ITS | BL_VMSCAPE), /* Cascade/Cooper Lake */
	BL_INTEL(0x4E, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_VMSCAPE), /* SKYLAKE_L */
	BL_INTEL(0x5E, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_VMSCAPE), /* SKYLAKE */
	BL_INTEL(0x8E, 0xb, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_VMSCAPE),	/* KABYLAKE_L */
	BL_INTEL(0x8E, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_ITS | BL_VMSCAPE),
	BL_INTEL(0x9E, 0xc, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_VMSCAPE),	/* KABYLAKE */
	BL_INTEL(0x9E, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_SRBDS | BL_ITS | BL_VMSCAPE),
	BL_INTEL(0x66, STEP_MAX, BL_RETBLEED | BL_VMSCAPE),		/* CANNONLAKE_L */
	BL_INTEL(0x7E, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RETBLEED | BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY), /* ICELAKE_L */
	BL_INTEL(0x6C, STEP_MAX, BL_MMIO | BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY),	/* ICELAKE_D */
	BL_INTEL(0x6A, STEP_MAX, BL_MMIO | BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY),	/* ICELAKE_X */
	BL_INTEL(0xA5, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RETBLEED | BL_GDS | BL_ITS | BL_VMSCAPE), /* COMETLAKE */
	BL_INTEL(0xA6, 0x0, BL_MMIO | BL_RETBLEED | BL_ITS | BL_VMSCAPE),		/* COMETLAKE_L */
	BL_INTEL(0xA6, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RETBLEED | BL_GDS | BL_ITS | BL_VMSCAPE),
	BL_INTEL(0x8C, STEP_MAX, BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY),		/* TIGERLAKE_L */
	BL_INTEL(0x8D, STEP_MAX, BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY),		/* TIGERLAKE */
	BL_INTEL(0x8A, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RETBLEED),		/* LAKEFIELD */
	BL_INTEL(0xA7, STEP_MAX, BL_MMIO | BL_RETBLEED | BL_GDS | BL_ITS | BL_ITS_NATIVE_ONLY), /* ROCKETLAKE */
	/*
	 * 6.15 .. the rework: VULNBL_INTEL_TYPE(ALDERLAKE, ATOM, RFDS | VMSCAPE)
	 * then VULNBL_INTEL_STEPS(ALDERLAKE, VMSCAPE) (6.16.7 common.c); the
	 * 6.15/6.16 trees have no VMSCAPE bit and no second row, which ends
	 * the same since VMSCAPE is not consulted there.
	 */
	BL_INTEL_TYPE_IF(0x97, KMC_CORE_TYPE_ATOM, BL_RFDS | BL_VMSCAPE, RFDS_TYPE_ROW), /* ALDERLAKE */
	BL_INTEL_PART(0x97, BL_VMSCAPE, BL_RFDS, NO_RFDS_TYPE_ROW),	/* ALDERLAKE */
	BL_INTEL(0x9A, STEP_MAX, BL_RFDS | BL_VMSCAPE),		/* ALDERLAKE_L */
	BL_INTEL_TYPE_IF(0xB7, KMC_CORE_TYPE_ATOM, BL_RFDS | BL_VMSCAPE, RFDS_TYPE_ROW), /* RAPTORLAKE */
	BL_INTEL_PART(0xB7, BL_VMSCAPE, BL_RFDS, NO_RFDS_TYPE_ROW),	/* RAPTORLAKE */
	BL_INTEL(0xBA, STEP_MAX, BL_RFDS | BL_VMSCAPE),		/* RAPTORLAKE_P */
	BL_INTEL(0xBF, STEP_MAX, BL_RFDS | BL_VMSCAPE),		/* RAPTORLAKE_S */
	BL_INTEL(0xAA, STEP_MAX, BL_VMSCAPE),			/* METEORLAKE_L */
	BL_INTEL(0xC5, STEP_MAX, BL_VMSCAPE),			/* ARROWLAKE_H */
	BL_INTEL(0xC6, STEP_MAX, BL_VMSCAPE),			/* ARROWLAKE */
	BL_INTEL_IF(0xB5, STEP_MAX, BL_VMSCAPE, ARL_U_SRF),	/* ARROWLAKE_U: not in 6.1.y */
	BL_INTEL(0xBD, STEP_MAX, BL_VMSCAPE),			/* LUNARLAKE_M */
	BL_INTEL(0x8F, STEP_MAX, BL_VMSCAPE),			/* SAPPHIRERAPIDS_X */
	BL_INTEL(0xAD, STEP_MAX, BL_VMSCAPE),			/* GRANITERAPIDS_X */
	BL_INTEL(0xCF, STEP_MAX, BL_VMSCAPE),			/* EMERALDRAPIDS_X */
	BL_INTEL(0xBE, STEP_MAX, BL_RFDS | BL_VMSCAPE),		/* ATOM_GRACEMONT (ALDERLAKE_N) */
	BL_INTEL(0x96, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RFDS),	/* ATOM_TREMONT */
	BL_INTEL(0x86, STEP_MAX, BL_MMIO | BL_RFDS),			/* ATOM_TREMONT_D */
	BL_INTEL(0x9C, STEP_MAX, BL_MMIO | BL_MMIO_SBDS | BL_RFDS),	/* ATOM_TREMONT_L */
	BL_INTEL(0x5C, STEP_MAX, BL_RFDS),				/* ATOM_GOLDMONT */
	BL_INTEL(0x5F, STEP_MAX, BL_RFDS),				/* ATOM_GOLDMONT_D */
	BL_INTEL(0x7A, STEP_MAX, BL_RFDS),				/* ATOM_GOLDMONT_PLUS */
	BL_INTEL_IF(0xAF, STEP_MAX, BL_VMSCAPE, ARL_U_SRF),	/* ATOM_CRESTMONT_X: not in 6.1.y */

	BL(KMC_VENDOR_AMD, 0x15, BL_RETBLEED),
	BL(KMC_VENDOR_AMD, 0x16, BL_RETBLEED),
	BL(KMC_VENDOR_AMD, 0x17, BL_RETBLEED | BL_SMT_RSB | BL_SRSO | BL_VMSCAPE),
	BL(KMC_VENDOR_HYGON, 0x18, BL_RETBLEED | BL_SMT_RSB | BL_SRSO | BL_VMSCAPE),
	BL(KMC_VENDOR_AMD, 0x19, BL_SRSO | BL_TSA | BL_VMSCAPE),
	/* 0x1a: absent in 6.1.y; BL_SRSO|BL_VMSCAPE from 6.12.47, |BL_TSA in 6.12.117; BL_SRSO|BL_VMSCAPE in 7.2 */
	{ KMC_VENDOR_AMD, 0x1a, ANY, STEP_MAX, 0,
	  { { BL_SRSO, AMD_1A_SRSO }, { BL_TSA, AMD_1A_TSA }, { BL_VMSCAPE, AMD_1A_ROW } }, ALWAYS, 0 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool gate_holds(const struct ref_kernel *k, uint8_t gate)
{
	switch (gate) {
	case AIRMONT_NO_SSB:	return k->airmont_no_ssb;
	case ARL_U_SRF:		return k->vmscape_arl_u_srf;
	case AMD_1A_SRSO:	return k->amd_1a_srso;
	case AMD_1A_TSA:	return k->tsa_zen5;
	case AMD_1A_ROW:	return k->amd_1a_srso || k->tsa_zen5;
	case RFDS_TYPE_ROW:	return k->rfds_atom_type_row;
	case NO_RFDS_TYPE_ROW:	return !k->rfds_atom_type_row;
	default:		return true;
	}
}

/*
 * x86_match_cpu() for the boot CPU: the bits of the first row that matches
 * vendor, family, model and stepping (first match wins).
 */
static unsigned int x86_match_cpu(const struct ref_host *h, const struct x86_cpu_id *t,
				  unsigned int n)
{
	const struct cpuinfo_x86 *c = &h->c;

	for (unsigned int i = 0; i < n; i++) {
		const struct x86_cpu_id *m = &t[i];
		unsigned int bits = m->bits;

		if (m->vendor != VENDOR_ANY && m->vendor != c->vendor)
			continue;
		if (m->family != ANY && m->family != c->family)
			continue;
		if (m->model != ANY && m->model != c->model)
			continue;
		if (c->stepping > m->max_step)
			continue;
		if (!gate_holds(h->k, m->exists))
			continue;
		if (m->type && m->type != c->intel_type)
			continue;
		for (unsigned int j = 0; j < 3; j++)
			if (m->cond[j].bits && gate_holds(h->k, m->cond[j].gate))
				bits |= m->cond[j].bits;
		return bits;
	}
	return 0;
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
		.wl = x86_match_cpu(h, cpu_vuln_whitelist, N(cpu_vuln_whitelist)),
		.bl = x86_match_cpu(h, cpu_vuln_blacklist, N(cpu_vuln_blacklist)),
	};

	/* OLD_MICROCODE (7.2 l.1471) is not modelled: microcode assumed current */

	if (!cpu_matches_wl(&vm, NO_ITLB_MULTIHIT) && !(ac & KMC_AC_PSCHANGE_MC_NO))
		setup_force_cpu_bug(h, B(ITLB_MULTIHIT));

	if (cpu_matches_wl(&vm, NO_SPECULATION))
		return;

	setup_force_cpu_bug(h, B(SPECTRE_V1));

	if (!cpu_matches_wl(&vm, NO_SPECTRE_V2)) {
		setup_force_cpu_bug(h, B(SPECTRE_V2));
		if (k->bug_spectre_v2_user)
			setup_force_cpu_bug(h, B(SPECTRE_V2_USER));
	}

	if (!cpu_matches_wl(&vm, NO_SSB) && !(ac & KMC_AC_SSB_NO) &&
	    !boot_cpu_has(h, F(AMD_SSB_NO)))
		setup_force_cpu_bug(h, B(SPEC_STORE_BYPASS));

	/* AutoIBRS counts as eIBRS; SEV-SNP (6.12+ exclusion) is not modelled: off */
	if ((ac & KMC_AC_IBRS_ALL) || boot_cpu_has(h, F(AUTOIBRS))) {
		c->ibrs_enhanced = true;
		if (!cpu_matches_wl(&vm, NO_EIBRS_PBRSB) && !(ac & KMC_AC_PBRSB_NO))
			setup_force_cpu_bug(h, B(EIBRS_PBRSB));
	}

	if (!cpu_matches_wl(&vm, NO_MDS) && !(ac & KMC_AC_MDS_NO)) {
		setup_force_cpu_bug(h, B(MDS));
		if (cpu_matches_wl(&vm, WL_MSBDS_ONLY))
			setup_force_cpu_bug(h, B(MSBDS_ONLY));
	}

	if (!cpu_matches_wl(&vm, NO_SWAPGS))
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
		else if (!k->mmio_unknown_removed && !cpu_matches_wl(&vm, NO_MMIO))
			setup_force_cpu_bug(h, B(MMIO_UNKNOWN));
	}

	if (!boot_cpu_has(h, F(BTC_NO))) {
		if (cpu_matches_bl(&vm, BL_RETBLEED) || (ac & KMC_AC_RSBA))
			setup_force_cpu_bug(h, B(RETBLEED));
	}

	if (cpu_matches_bl(&vm, BL_SMT_RSB))
		setup_force_cpu_bug(h, B(SMT_RSB));

	/* BL_SRSO came with BL_GDS (v6.5, 6.1.44) */
	if (k->bug_gds && !boot_cpu_has(h, F(SRSO_NO)) && cpu_matches_bl(&vm, BL_SRSO))
		setup_force_cpu_bug(h, B(SRSO));

	if (k->bug_gds && cpu_matches_bl(&vm, BL_GDS) && !(ac & KMC_AC_GDS_NO) &&
	    boot_cpu_has(h, F(AVX)))
		setup_force_cpu_bug(h, B(GDS));

	if (k->bug_rfds && vulnerable_to_rfds(h, &vm))
		setup_force_cpu_bug(h, B(RFDS));

	if (k->bug_bhi && !cpu_matches_wl(&vm, NO_BHI) &&
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

	if (cpu_matches_wl(&vm, NO_MELTDOWN))
		return;
	if (ac & KMC_AC_RDCL_NO)
		return;

	setup_force_cpu_bug(h, B(CPU_MELTDOWN));

	if (cpu_matches_wl(&vm, NO_L1TF))
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
	if (t == KMC_VULN_WHITELIST)
		return x86_match_cpu(&h, cpu_vuln_whitelist, N(cpu_vuln_whitelist));
	return x86_match_cpu(&h, cpu_vuln_blacklist, N(cpu_vuln_blacklist));
}

/* The bugs cpu_set_bug_bits() above can set in release @v */
uint64_t ref_known_bugs(struct kmc_kver v)
{
	struct ref_kernel k;
	uint64_t b = B(ITLB_MULTIHIT) | B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) |
		     B(EIBRS_PBRSB) | B(MDS) | B(MSBDS_ONLY) | B(SWAPGS) | B(TAA) | B(SRBDS) |
		     B(MMIO_STALE_DATA) | B(RETBLEED) | B(SMT_RSB) | B(CPU_MELTDOWN) | B(L1TF);

	ref_kernel_init(&k, v);
	if (!k.mmio_unknown_removed)
		b |= B(MMIO_UNKNOWN);
	if (k.bug_spectre_v2_user)
		b |= B(SPECTRE_V2_USER);
	if (k.bug_gds)
		b |= B(SRSO) | B(GDS);
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
