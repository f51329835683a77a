// SPDX-License-Identifier: GPL-2.0
/*
 * Host bug derivation: which X86_BUG_* bits a kernel sets for a CPU, from
 * its identity, CPUID and MSR 0x10a.  docs/rules.md section "Host bugs"
 * cites each row; the tables are kernel-facts.md B.3 (whitelist) and B.4
 * (blacklist), the predicates are B.2.
 *
 * A table lookup finds the FIRST entry that matches the CPU (vendor,
 * family, model, stepping range, and the kernel having that entry) and
 * asks whether it carries a flag.
 */
#include "internal.h"
#include "kmc/array_size.h"

#define ANY 0xff
#define NONE 0xff		/* no profile condition */

struct vuln_entry {
	uint8_t vendor;		/* KMC_VENDOR_* or ANY */
	uint8_t family;		/* or ANY */
	uint8_t model;		/* or ANY (no Intel model 0xff is listed) */
	uint8_t step_max;	/* steppings 0..step_max; ANY = all */
	uint16_t flags;
	uint8_t only_with;	/* entry exists only in kernels with this flag */
};

/* whitelist flags (B.1) */
enum {
	NO_SPECULATION = 1 << 0, NO_MELTDOWN = 1 << 1, NO_SSB = 1 << 2,
	NO_L1TF = 1 << 3, NO_MDS = 1 << 4, MSBDS_ONLY = 1 << 5,
	NO_SWAPGS = 1 << 6, NO_ITLB_MULTIHIT = 1 << 7, NO_SPECTRE_V2 = 1 << 8,
	NO_MMIO = 1 << 9, NO_EIBRS_PBRSB = 1 << 10, NO_BHI = 1 << 11,
};

/* blacklist flags (B.1) */
enum {
	SRBDS = 1 << 0, MMIO = 1 << 1, MMIO_SBDS = 1 << 2, RETBLEED = 1 << 3,
	SMT_RSB = 1 << 4, SRSO = 1 << 5, GDS = 1 << 6, RFDS = 1 << 7,
	ITS = 1 << 8, ITS_NATIVE_ONLY = 1 << 9, TSA = 1 << 10, VMSCAPE = 1 << 11,
};

/* The flags as common.c names them (`kmc source-check` compares by name) */
static const char *const whitelist_names[] = {
	"NO_SPECULATION", "NO_MELTDOWN", "NO_SSB", "NO_L1TF", "NO_MDS", "MSBDS_ONLY",
	"NO_SWAPGS", "NO_ITLB_MULTIHIT", "NO_SPECTRE_V2", "NO_MMIO", "NO_EIBRS_PBRSB", "NO_BHI",
};
static const char *const blacklist_names[] = {
	"SRBDS", "MMIO", "MMIO_SBDS", "RETBLEED", "SMT_RSB", "SRSO", "GDS", "RFDS",
	"ITS", "ITS_NATIVE_ONLY", "TSA", "VMSCAPE",
};

#define WL_I(m, f)	{ KMC_VENDOR_INTEL, 6, m, ANY, f, NONE }
#define BL_I(m, s, f)	{ KMC_VENDOR_INTEL, 6, m, s, f, NONE }
#define BL_I_IF(m, f, c) { KMC_VENDOR_INTEL, 6, m, ANY, f, c }
#define AMD_FAM(v, fam, f) { v, fam, ANY, ANY, f, NONE }

/* B.3 */
static const struct vuln_entry whitelist[] = {
	{ ANY, 4, ANY, ANY, NO_SPECULATION, NONE },
	{ KMC_VENDOR_CENTAUR, 5, ANY, ANY, NO_SPECULATION, NONE },
	{ KMC_VENDOR_INTEL, 5, ANY, ANY, NO_SPECULATION, NONE },

	WL_I(0x8d, NO_MMIO),				/* TIGERLAKE */
	WL_I(0x8c, NO_MMIO),				/* TIGERLAKE_L */
	WL_I(0x97, NO_MMIO),				/* ALDERLAKE */
	WL_I(0x9a, NO_MMIO),				/* ALDERLAKE_L */

	WL_I(0x36, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL */
	WL_I(0x35, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL_TABLET */
	WL_I(0x27, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_SALTWELL_MID */
	WL_I(0x1c, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_BONNELL */
	WL_I(0x26, NO_SPECULATION | NO_ITLB_MULTIHIT),	/* ATOM_BONNELL_MID */

#define SLM_FLAGS (NO_SSB | NO_L1TF | MSBDS_ONLY | NO_SWAPGS | NO_ITLB_MULTIHIT)
	WL_I(0x37, SLM_FLAGS),				/* ATOM_SILVERMONT */
	WL_I(0x4d, SLM_FLAGS),				/* ATOM_SILVERMONT_D */
	WL_I(0x4a, SLM_FLAGS),				/* ATOM_SILVERMONT_MID */
	WL_I(0x4c, SLM_FLAGS),				/* ATOM_AIRMONT */
	WL_I(0x57, SLM_FLAGS),				/* XEON_PHI_KNL */
	WL_I(0x85, SLM_FLAGS),				/* XEON_PHI_KNM */

	WL_I(0x0e, NO_SSB),				/* CORE_YONAH */

	/* 0x5a, 0x75: NO_SSB only since "x86/bugs: Add missing NO_SSB flag" */
	{ KMC_VENDOR_INTEL, 6, 0x5a, ANY, NO_SSB | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | MSBDS_ONLY,
	  FL_AIRMONT_NO_SSB },
	{ KMC_VENDOR_INTEL, 6, 0x5a, ANY, NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | MSBDS_ONLY, NONE },
	{ KMC_VENDOR_INTEL, 6, 0x75, ANY, NO_SSB | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT,
	  FL_AIRMONT_NO_SSB },
	{ KMC_VENDOR_INTEL, 6, 0x75, ANY, NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT, NONE },

#define GLM_FLAGS (NO_MDS | NO_L1TF | NO_SWAPGS | NO_ITLB_MULTIHIT | NO_MMIO)
	WL_I(0x5c, GLM_FLAGS),				/* ATOM_GOLDMONT */
	WL_I(0x5f, GLM_FLAGS),				/* ATOM_GOLDMONT_D */
	WL_I(0x7a, GLM_FLAGS | NO_EIBRS_PBRSB),		/* ATOM_GOLDMONT_PLUS */

	WL_I(0x96, NO_EIBRS_PBRSB),			/* ATOM_TREMONT */
	WL_I(0x9c, NO_EIBRS_PBRSB),			/* ATOM_TREMONT_L */
	WL_I(0x86, NO_ITLB_MULTIHIT | NO_EIBRS_PBRSB),	/* ATOM_TREMONT_D */

#define AMD_OLD (NO_MELTDOWN | NO_SSB | NO_L1TF | NO_MDS | NO_SWAPGS | \
		 NO_ITLB_MULTIHIT | NO_MMIO | NO_BHI)
#define AMD_ANY (NO_MELTDOWN | NO_L1TF | NO_MDS | NO_SWAPGS | NO_ITLB_MULTIHIT | \
		 NO_MMIO | NO_EIBRS_PBRSB | NO_BHI)
	AMD_FAM(KMC_VENDOR_AMD, 0x0f, AMD_OLD),
	AMD_FAM(KMC_VENDOR_AMD, 0x10, AMD_OLD),
	AMD_FAM(KMC_VENDOR_AMD, 0x11, AMD_OLD),
	AMD_FAM(KMC_VENDOR_AMD, 0x12, AMD_OLD),
	AMD_FAM(KMC_VENDOR_AMD, ANY, AMD_ANY),
	AMD_FAM(KMC_VENDOR_HYGON, ANY, AMD_ANY),

	AMD_FAM(KMC_VENDOR_CENTAUR, 7, NO_SPECTRE_V2 | NO_SWAPGS | NO_MMIO | NO_BHI),
	AMD_FAM(KMC_VENDOR_ZHAOXIN, 7, NO_SPECTRE_V2 | NO_SWAPGS | NO_MMIO | NO_BHI),
};

/* B.4 */
static const struct vuln_entry blacklist[] = {
	BL_I(0x2a, ANY, VMSCAPE),				/* SANDYBRIDGE */
	BL_I(0x2d, ANY, VMSCAPE),				/* SANDYBRIDGE_X */
	BL_I(0x3e, ANY, VMSCAPE),				/* IVYBRIDGE_X */
	BL_I(0x3a, ANY, SRBDS | VMSCAPE),			/* IVYBRIDGE */
	BL_I(0x3c, ANY, SRBDS | VMSCAPE),			/* HASWELL */
	BL_I(0x45, ANY, SRBDS | VMSCAPE),			/* HASWELL_L */
	BL_I(0x46, ANY, SRBDS | VMSCAPE),			/* HASWELL_G */
	BL_I(0x3f, ANY, MMIO | VMSCAPE),			/* HASWELL_X */
	BL_I(0x56, ANY, MMIO | VMSCAPE),			/* BROADWELL_D */
	BL_I(0x4f, ANY, MMIO | VMSCAPE),			/* BROADWELL_X */
	BL_I(0x47, ANY, SRBDS | VMSCAPE),			/* BROADWELL_G */
	BL_I(0x3d, ANY, SRBDS | VMSCAPE),			/* BROADWELL */
	BL_I(0x55, 0x5, MMIO | RETBLEED | GDS | VMSCAPE),	/* SKYLAKE_X (Skylake-SP) */
	BL_I(0x55, ANY, MMIO | RETBLEED | GDS | ITS | VMSCAPE),	/* SKYLAKE_X (Cascade/Cooper) */
	BL_I(0x4e, ANY, MMIO | RETBLEED | GDS | SRBDS | VMSCAPE), /* SKYLAKE_L */
	BL_I(0x5e, ANY, MMIO | RETBLEED | GDS | SRBDS | VMSCAPE), /* SKYLAKE */
	BL_I(0x8e, 0xb, MMIO | RETBLEED | GDS | SRBDS | VMSCAPE), /* KABYLAKE_L */
	BL_I(0x8e, ANY, MMIO | RETBLEED | GDS | SRBDS | ITS | VMSCAPE),
	BL_I(0x9e, 0xc, MMIO | RETBLEED | GDS | SRBDS | VMSCAPE), /* KABYLAKE */
	BL_I(0x9e, ANY, MMIO | RETBLEED | GDS | SRBDS | ITS | VMSCAPE),
	BL_I(0x66, ANY, RETBLEED | VMSCAPE),			/* CANNONLAKE_L */
	BL_I(0x7e, ANY, MMIO | MMIO_SBDS | RETBLEED | GDS | ITS | ITS_NATIVE_ONLY), /* ICELAKE_L */
	BL_I(0x6c, ANY, MMIO | GDS | ITS | ITS_NATIVE_ONLY),	/* ICELAKE_D */
	BL_I(0x6a, ANY, MMIO | GDS | ITS | ITS_NATIVE_ONLY),	/* ICELAKE_X */
	BL_I(0xa5, ANY, MMIO | MMIO_SBDS | RETBLEED | GDS | ITS | VMSCAPE), /* COMETLAKE */
	BL_I(0xa6, 0x0, MMIO | RETBLEED | ITS | VMSCAPE),	/* COMETLAKE_L */
	BL_I(0xa6, ANY, MMIO | MMIO_SBDS | RETBLEED | GDS | ITS | VMSCAPE),
	BL_I(0x8c, ANY, GDS | ITS | ITS_NATIVE_ONLY),		/* TIGERLAKE_L */
	BL_I(0x8d, ANY, GDS | ITS | ITS_NATIVE_ONLY),		/* TIGERLAKE */
	BL_I(0x8a, ANY, MMIO | MMIO_SBDS | RETBLEED),		/* LAKEFIELD */
	BL_I(0xa7, ANY, MMIO | RETBLEED | GDS | ITS | ITS_NATIVE_ONLY), /* ROCKETLAKE */
	BL_I(0x97, ANY, RFDS | VMSCAPE),			/* ALDERLAKE */
	BL_I(0x9a, ANY, RFDS | VMSCAPE),			/* ALDERLAKE_L */
	BL_I(0xb7, ANY, RFDS | VMSCAPE),			/* RAPTORLAKE */
	BL_I(0xba, ANY, RFDS | VMSCAPE),			/* RAPTORLAKE_P */
	BL_I(0xbf, ANY, RFDS | VMSCAPE),			/* RAPTORLAKE_S */
	BL_I_IF(0xaa, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* METEORLAKE_L */
	BL_I_IF(0xc5, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* ARROWLAKE_H */
	BL_I_IF(0xc6, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* ARROWLAKE */
	BL_I_IF(0xb5, VMSCAPE, FL_VMSCAPE_LATE_MODELS),	/* ARROWLAKE_U */
	BL_I_IF(0xbd, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* LUNARLAKE_M */
	BL_I(0x8f, ANY, VMSCAPE),				/* SAPPHIRERAPIDS_X */
	BL_I_IF(0xad, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* GRANITERAPIDS_X */
	BL_I_IF(0xcf, VMSCAPE, FL_VMSCAPE_RECENT_MODELS),				/* EMERALDRAPIDS_X */
	BL_I(0xbe, ANY, RFDS | VMSCAPE),			/* ATOM_GRACEMONT */
	BL_I(0x96, ANY, MMIO | MMIO_SBDS | RFDS),		/* ATOM_TREMONT */
	BL_I(0x86, ANY, MMIO | RFDS),				/* ATOM_TREMONT_D */
	BL_I(0x9c, ANY, MMIO | MMIO_SBDS | RFDS),		/* ATOM_TREMONT_L */
	BL_I(0x5c, ANY, RFDS),					/* ATOM_GOLDMONT */
	BL_I(0x5f, ANY, RFDS),					/* ATOM_GOLDMONT_D */
	BL_I(0x7a, ANY, RFDS),					/* ATOM_GOLDMONT_PLUS */
	BL_I_IF(0xaf, VMSCAPE, FL_VMSCAPE_LATE_MODELS),	/* ATOM_CRESTMONT_X */

	AMD_FAM(KMC_VENDOR_AMD, 0x15, RETBLEED),
	AMD_FAM(KMC_VENDOR_AMD, 0x16, RETBLEED),
	/* SMT_RSB came with the SRSO series on 6.1.y, never to 5.10.y */
	{ KMC_VENDOR_AMD, 0x17, ANY, ANY, RETBLEED | SMT_RSB | SRSO | VMSCAPE, FL_BUG_SMT_RSB },
	AMD_FAM(KMC_VENDOR_AMD, 0x17, RETBLEED | SRSO | VMSCAPE),
	{ KMC_VENDOR_HYGON, 0x18, ANY, ANY, RETBLEED | SMT_RSB | SRSO | VMSCAPE, FL_BUG_SMT_RSB },
	AMD_FAM(KMC_VENDOR_HYGON, 0x18, RETBLEED | SRSO | VMSCAPE),
	AMD_FAM(KMC_VENDOR_AMD, 0x19, SRSO | TSA | VMSCAPE),
	{ KMC_VENDOR_AMD, 0x1a, ANY, ANY, SRSO | TSA | VMSCAPE, FL_AMD_1A_TSA },
	{ KMC_VENDOR_AMD, 0x1a, ANY, ANY, SRSO | VMSCAPE, FL_AMD_1A_LISTED },
};

/*
 * The family, then the model: what tells most rows apart.  The walk is
 * unrolled (first_match), so one failed family test also skips the rows of
 * that family that follow.
 */
static bool entry_matches(const struct kmc_profile *p, const struct kmc_host *h,
			  const struct vuln_entry *e)
{
	if (e->family != ANY && e->family != h->family)
		return false;
	if (e->model != ANY && e->model != h->model)
		return false;
	if (e->vendor != ANY && e->vendor != h->vendor)
		return false;
	if (e->only_with != NONE && !HAS(p, e->only_with))
		return false;
	return e->step_max == ANY || h->stepping <= e->step_max;
}

/* The flags of the first entry that matches, or 0 */
static uint16_t first_match(const struct kmc_profile *p, const struct kmc_host *h,
			    const struct vuln_entry *t, unsigned int n)
{
	UNROLLED
	for (unsigned int i = 0; i < n; i++)
		if (entry_matches(p, h, &t[i]))
			return t[i].flags;
	return 0;
}

const char *const *model_vuln_flag_names(enum kmc_vuln_table t, unsigned int *n)
{
	*n = t == KMC_VULN_WHITELIST ? ARRAY_SIZE(whitelist_names) : ARRAY_SIZE(blacklist_names);
	return t == KMC_VULN_WHITELIST ? whitelist_names : blacklist_names;
}

uint32_t model_vuln_match(const struct kmc_profile *p, enum kmc_vuln_table t, uint8_t vendor,
			  uint8_t family, uint8_t model, uint8_t stepping)
{
	struct kmc_host h = { .vendor = vendor, .family = family, .model = model,
			      .stepping = stepping };

	if (t == KMC_VULN_WHITELIST)
		return first_match(p, &h, whitelist, ARRAY_SIZE(whitelist));
	return first_match(p, &h, blacklist, ARRAY_SIZE(blacklist));
}

/* Everything a predicate may look at */
struct ctx {
	const struct kmc_profile *p;
	const struct kmc_host *h;
	uint64_t ac;		/* 0x10a as read at identify time */
	uint64_t feat;		/* raw CPUID at identify time */
	uint16_t wl, bl;	/* flags of the first whitelist/blacklist match */
};

#define AC(x)  ((c->ac & KMC_AC_##x) != 0)
#define CPU(x) HAS_F(c->feat, x)
#define WL(x)  ((c->wl & (x)) != 0)
#define BL(x)  ((c->bl & (x)) != 0)

static bool intel(const struct ctx *c) { return c->h->vendor == KMC_VENDOR_INTEL; }

/* X86_FEATURE_IBRS_ENHANCED, decided in the same function (B.2) */
static bool ibrs_enhanced(const struct ctx *c)
{
	return AC(IBRS_ALL) || CPU(AUTOIBRS);
}

static bool mmio_immune(const struct ctx *c)
{
	return AC(FBSDP_NO) && AC(PSDP_NO) && AC(SBDR_SSDP_NO);
}

/* The predicates of B.2, in the order cpu_set_bug_bits evaluates them. */
static bool itlb_multihit(const struct ctx *c) { return !WL(NO_ITLB_MULTIHIT) && !AC(PSCHANGE_MC_NO); }
static bool spectre_v1(const struct ctx *c)    { (void)c; return true; }
static bool spectre_v2(const struct ctx *c)    { return !WL(NO_SPECTRE_V2); }
static bool ssb(const struct ctx *c)           { return !WL(NO_SSB) && !AC(SSB_NO) && !CPU(AMD_SSB_NO); }
static bool eibrs_pbrsb(const struct ctx *c)   { return ibrs_enhanced(c) && !WL(NO_EIBRS_PBRSB) && !AC(PBRSB_NO); }
static bool mds(const struct ctx *c)           { return !WL(NO_MDS) && !AC(MDS_NO); }
static bool msbds_only(const struct ctx *c)    { return mds(c) && WL(MSBDS_ONLY); }
static bool swapgs(const struct ctx *c)        { return !WL(NO_SWAPGS); }
static bool taa(const struct ctx *c)           { return !AC(TAA_NO) && (CPU(RTM) || AC(TSX_CTRL_MSR)); }
static bool srbds(const struct ctx *c)         { return (CPU(RDRAND) || CPU(RDSEED)) && BL(SRBDS | MMIO_SBDS); }
static bool mmio_stale_data(const struct ctx *c) { return !mmio_immune(c) && BL(MMIO); }
static bool mmio_unknown(const struct ctx *c)  { return !mmio_immune(c) && !BL(MMIO) && !WL(NO_MMIO); }
static bool retbleed(const struct ctx *c)      { return !CPU(BTC_NO) && (BL(RETBLEED) || AC(RSBA)); }
static bool smt_rsb(const struct ctx *c)       { return BL(SMT_RSB); }
static bool srso(const struct ctx *c)          { return !CPU(SRSO_NO) && BL(SRSO); }
static bool gds(const struct ctx *c)           { return BL(GDS) && !AC(GDS_NO) && CPU(AVX); }

static bool adl_rpl(const struct ctx *c)
{
	return c->h->model == 0x97 || c->h->model == 0xb7;
}

/*
 * From 722fa0dba74f (6.15) the ALDERLAKE and RAPTORLAKE rows match RFDS only
 * when the boot CPU's core type is Atom; with any other boot CPU the next
 * row for the model has everything but RFDS (v6.17 adds it for VMSCAPE;
 * before that there is none and VMSCAPE does not exist).  So the row form
 * reads as "no RFDS from the list", and P-core-booted hybrids lose it too.
 */
static bool rfds_atom_row_misses(const struct ctx *c)
{
	return HAS(c->p, FL_RFDS_ATOM_TYPE_ROW) && !HAS(c->p, FL_RFDS_HYBRID_EXCEPTION) &&
	       adl_rpl(c) && c->h->core_type != KMC_CORE_TYPE_ATOM;
}

/* The rework (7.2.13): only parts without Atom boot CPU and without HYBRID_CPU */
static bool rfds_p_core_only(const struct ctx *c)
{
	return HAS(c->p, FL_RFDS_HYBRID_EXCEPTION) && adl_rpl(c) &&
	       c->h->core_type != KMC_CORE_TYPE_ATOM && !CPU(HYBRID_CPU);
}

static bool rfds(const struct ctx *c)
{
	return !AC(RFDS_NO) &&
	       (AC(RFDS_CLEAR) || (BL(RFDS) && !rfds_atom_row_misses(c) && !rfds_p_core_only(c)));
}

static bool bhi(const struct ctx *c)          { return !WL(NO_BHI) && (ibrs_enhanced(c) || CPU(HYPERVISOR)); }
static bool ibpb_no_ret(const struct ctx *c)  { return CPU(AMD_IBPB) && !CPU(AMD_IBPB_RET); }
static bool its(const struct ctx *c)
{
	return !AC(ITS_NO) && intel(c) && !CPU(BHI_CTRL) && (CPU(HYPERVISOR) || BL(ITS));
}
static bool its_native_only(const struct ctx *c) { return its(c) && BL(ITS_NATIVE_ONLY); }
/*
 * The kernel also sets TSA for "HYPERVISOR && X86_FEATURE_ZEN", but ZEN is
 * set by init_amd(), after cpu_set_bug_bits() has run (amd.c, all three
 * trees), so that clause never fires at boot: docs/rules.md "TSA".
 * 6.12.117's Zen5 patch also asks for TSA_FILL_NO.
 */
static bool tsa(const struct ctx *c)
{
	bool immune = CPU(TSA_SQ_NO) && CPU(TSA_L1_NO) &&
		      (CPU(TSA_FILL_NO) || !HAS(c->p, FL_AMD_1A_TSA));

	return c->h->vendor == KMC_VENDOR_AMD && !immune && BL(TSA);
}
static bool vmscape(const struct ctx *c)      { return BL(VMSCAPE) && !CPU(HYPERVISOR); }
static bool meltdown(const struct ctx *c)     { return !WL(NO_MELTDOWN) && !AC(RDCL_NO); }
static bool l1tf(const struct ctx *c)         { return meltdown(c) && !WL(NO_L1TF); }

struct bug_rule {
	uint8_t bug;			/* KMC_BUG_* */
	bool (*set)(const struct ctx *);
	uint8_t since;			/* profile flag the bug needs, or NONE */
	bool speculative_only;		/* not on NO_SPECULATION CPUs */
};

static const struct bug_rule bug_rules[] = {
	{ KMC_BUG_ITLB_MULTIHIT,	itlb_multihit,	NONE, false },
	{ KMC_BUG_SPECTRE_V1,		spectre_v1,	NONE, true },
	{ KMC_BUG_SPECTRE_V2,		spectre_v2,	NONE, true },
	{ KMC_BUG_SPECTRE_V2_USER,	spectre_v2,	FL_BUG_SPECTRE_V2_USER, true },
	{ KMC_BUG_SPEC_STORE_BYPASS,	ssb,		NONE, true },
	{ KMC_BUG_EIBRS_PBRSB,		eibrs_pbrsb,	NONE, true },
	{ KMC_BUG_MDS,			mds,		NONE, true },
	{ KMC_BUG_MSBDS_ONLY,		msbds_only,	NONE, true },
	{ KMC_BUG_SWAPGS,		swapgs,		NONE, true },
	{ KMC_BUG_TAA,			taa,		NONE, true },
	{ KMC_BUG_SRBDS,		srbds,		NONE, true },
	{ KMC_BUG_MMIO_STALE_DATA,	mmio_stale_data, NONE, true },
	{ KMC_BUG_RETBLEED,		retbleed,	NONE, true },
	{ KMC_BUG_SMT_RSB,		smt_rsb,	FL_BUG_SMT_RSB, true },
	{ KMC_BUG_SRSO,			srso,		FL_BUG_SRSO, true },
	{ KMC_BUG_GDS,			gds,		FL_BUG_GDS, true },
	{ KMC_BUG_RFDS,			rfds,		FL_BUG_RFDS, true },
	{ KMC_BUG_BHI,			bhi,		FL_BUG_BHI, true },
	{ KMC_BUG_IBPB_NO_RET,		ibpb_no_ret,	FL_BUG_IBPB_NO_RET, true },
	{ KMC_BUG_ITS,			its,		FL_BUG_ITS, true },
	{ KMC_BUG_ITS_NATIVE_ONLY,	its_native_only, FL_BUG_ITS, true },
	{ KMC_BUG_TSA,			tsa,		FL_BUG_TSA, true },
	{ KMC_BUG_VMSCAPE,		vmscape,	FL_BUG_VMSCAPE, true },
	{ KMC_BUG_CPU_MELTDOWN,		meltdown,	NONE, true },
	{ KMC_BUG_L1TF,			l1tf,		NONE, true },
};

uint64_t model_profile_bugs(const struct kmc_profile *p)
{
	uint64_t bugs = HAS(p, FL_NO_MMIO_UNKNOWN) ? 0 : KMC_B(MMIO_UNKNOWN);

	for (unsigned int i = 0; i < ARRAY_SIZE(bug_rules); i++)
		if (bug_rules[i].since == NONE || HAS(p, bug_rules[i].since))
			bugs |= KMC_BIT(bug_rules[i].bug);
	return bugs;
}

/*
 * The Zen generation bsp_init_amd() finds (amd.c, all three trees).  A
 * model of a listed family that no range covers is "goto warn": the rest
 * of bsp_init_amd(), tsa_init() included, is skipped.
 */
enum zen { ZEN_NONE, ZEN_UNKNOWN, ZEN_1, ZEN_2, ZEN_3, ZEN_4, ZEN_5, ZEN_6 };

struct zen_range {
	uint8_t family, lo, hi, gen;
	uint8_t only_with;	/* profile flag, or NONE */
};

static const struct zen_range zen_ranges[] = {
	{ 0x17, 0x00, 0x2f, ZEN_1, NONE }, { 0x17, 0x50, 0x5f, ZEN_1, NONE },
	{ 0x17, 0x30, 0x4f, ZEN_2, NONE }, { 0x17, 0x60, 0x7f, ZEN_2, NONE },
	{ 0x17, 0x90, 0x91, ZEN_2, NONE }, { 0x17, 0xa0, 0xaf, ZEN_2, NONE },
	{ 0x19, 0x00, 0x0f, ZEN_3, NONE }, { 0x19, 0x20, 0x5f, ZEN_3, NONE },
	{ 0x19, 0x10, 0x1f, ZEN_4, NONE }, { 0x19, 0x60, 0xaf, ZEN_4, NONE },
	{ 0x1a, 0x00, 0x2f, ZEN_5, FL_ZEN5_GENERATION }, { 0x1a, 0x40, 0x4f, ZEN_5, FL_ZEN5_GENERATION },
	{ 0x1a, 0x60, 0x7f, ZEN_5, FL_ZEN5_GENERATION }, { 0x1a, 0xd0, 0xd7, ZEN_5, FL_ZEN5_GENERATION },
	{ 0x1a, 0x50, 0x5f, ZEN_6, FL_ZEN6_GENERATION }, { 0x1a, 0x80, 0xaf, ZEN_6, FL_ZEN6_GENERATION },
	{ 0x1a, 0xc0, 0xcf, ZEN_6, FL_ZEN6_GENERATION }, { 0x1a, 0xd8, 0xef, ZEN_6, FL_ZEN6_GENERATION },
};

static enum zen zen_generation(const struct kmc_profile *p, const struct kmc_host *h)
{
	bool listed = h->family == 0x17 || h->family == 0x19 ||
		      (h->family == 0x1a && HAS(p, FL_ZEN5_GENERATION));

	for (unsigned int i = 0; i < ARRAY_SIZE(zen_ranges); i++) {
		const struct zen_range *r = &zen_ranges[i];

		if (r->only_with != NONE && !HAS(p, r->only_with))
			continue;
		if (r->family == h->family && h->model >= r->lo && h->model <= r->hi)
			return (enum zen)r->gen;
	}
	return listed ? ZEN_UNKNOWN : ZEN_NONE;
}

/*
 * tsa_init(), run by bsp_init_amd() before cpu_set_bug_bits() on bare
 * metal: CPUs other than Zen3/4 (and, in 6.12.117, Zen5) are forced
 * TSA_SQ_NO and TSA_L1_NO; 6.12.117 forces TSA_FILL_NO on all but Zen5.
 * Zen3/4's VERW_CLEAR depends on the microcode: kmc takes it from CPUID.
 */
static uint64_t tsa_init(const struct kmc_profile *p, const struct kmc_host *h)
{
	bool zen5_patch = HAS(p, FL_AMD_1A_TSA);
	enum zen g;
	uint64_t f = 0;

	if (!HAS(p, FL_BUG_TSA) || h->vendor != KMC_VENDOR_AMD || HAS_F(h->cpuid, HYPERVISOR))
		return 0;
	g = zen_generation(p, h);
	if (g == ZEN_UNKNOWN)
		return 0;
	if (g != ZEN_3 && g != ZEN_4 && !(zen5_patch && g == ZEN_5))
		f |= KMC_F(TSA_SQ_NO) | KMC_F(TSA_L1_NO);
	if (zen5_patch && g != ZEN_5)
		f |= KMC_F(TSA_FILL_NO);
	return f;
}

uint64_t model_host_bugs(const struct kmc_profile *p, const struct kmc_host *h,
			 uint64_t ac)
{
	struct ctx c = { .p = p, .h = h, .ac = ac, .feat = h->cpuid | tsa_init(p, h) };
	uint64_t bugs = 0;
	bool speculates;

	c.wl = first_match(p, h, whitelist, ARRAY_SIZE(whitelist));
	c.bl = first_match(p, h, blacklist, ARRAY_SIZE(blacklist));
	speculates = !(c.wl & NO_SPECULATION);

	UNROLLED
	for (unsigned int i = 0; i < ARRAY_SIZE(bug_rules); i++) {
		const struct bug_rule *r = &bug_rules[i];

		if (r->since != NONE && !HAS(p, r->since))
			continue;
		if (r->speculative_only && !speculates)
			continue;
		if (r->set(&c))
			bugs |= KMC_BIT(r->bug);
	}
	/* MMIO_UNKNOWN: a bug of its own until dd86a1d013e0 (6.16) */
	if (speculates && !HAS(p, FL_NO_MMIO_UNKNOWN) && mmio_unknown(&c))
		bugs |= KMC_B(MMIO_UNKNOWN);
	return bugs;
}

/* The tables' CPU matches, for `kmc fms` (model/include/kmc/model.h) */
unsigned int kmc_fms_nkeys(void)
{
	return ARRAY_SIZE(whitelist) + ARRAY_SIZE(blacklist) + ARRAY_SIZE(zen_ranges);
}

static void entry_key(const char *table, const struct vuln_entry *e, struct kmc_fms_key *k)
{
	bool any_model = e->model == ANY;

	*k = (struct kmc_fms_key){ table, e->vendor, e->family, any_model ? 0 : e->model,
				   any_model ? 0xff : e->model, e->step_max };
}

int kmc_fms_key_at(unsigned int i, struct kmc_fms_key *k)
{
	const struct zen_range *r;

	if (i < ARRAY_SIZE(whitelist)) {
		entry_key("whitelist", &whitelist[i], k);
		return 1;
	}
	i -= ARRAY_SIZE(whitelist);
	if (i < ARRAY_SIZE(blacklist)) {
		entry_key("blacklist", &blacklist[i], k);
		return 1;
	}
	i -= ARRAY_SIZE(blacklist);
	if (i >= ARRAY_SIZE(zen_ranges))
		return 0;
	r = &zen_ranges[i];
	*k = (struct kmc_fms_key){ "zen", KMC_VENDOR_AMD, r->family, r->lo, r->hi, KMC_FMS_ANY };
	return 1;
}
