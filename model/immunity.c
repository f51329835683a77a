// SPDX-License-Identifier: GPL-2.0
/*
 * False immunity (docs/observations.md, lkml 004): the 0x10a value the
 * guest reads -- the vCPU's stored value, or userspace's answer behind an
 * MSR filter -- says "not affected" by a bug the host kernel has.  KVM
 * stores whatever userspace writes (kernel-facts D.2), so a guest
 * configured elsewhere keeps its source's "NO" bits.
 *
 * One row per claim: the bits the guest must see (all of them: the kernel
 * asks for the whole MMIO trio, arch_cap_mmio_immune()), the host bug it
 * denies, and what else must hold for the claim to matter to this guest.
 * The bug <-> bit pairs are cpu_set_bug_bits()' (kernel-facts B.2; the
 * same in 6.1.192, 6.12.117 and 7.2.13), docs/rules.md 8 gives the
 * reasons for the extra conditions.
 */
#include "internal.h"

#define MMIO3 (KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO)

/*
 * TAA_NO matters only if the guest can run a TSX transaction: the guest
 * kernel's own TAA rule needs RTM or TSX_CTRL_MSR, and a host booted with
 * TSX off never loads a guest's TSX_CTRL into the CPU (vmx_setup_uret_msrs
 * "so that TSX remains always disabled").
 */
static bool tsx_reachable(const struct vcpu *v, uint64_t seen)
{
	return HAS_F(v->b->feat, RTM) &&
	       (vcpu_guest_sees(v, KMC_F_RTM) || (seen & KMC_AC_TSX_CTRL_MSR));
}

/*
 * GDS_NO matters only if the guest can execute gathers (AVX in its CPUID,
 * and kept by the host kernel: XCR0 cannot enable what the host turned
 * off) and the host's microcode mitigation is not in force -- with it,
 * KVM claims GDS_NO itself (81ac7e5d7417).
 */
static bool gather_exposed(const struct vcpu *v, uint64_t seen)
{
	(void)seen;
	return HAS_F(v->b->feat, AVX) && vcpu_guest_sees(v, KMC_F_AVX) &&
	       !(v->b->state & KMC_HS_GDS_UCODE_MITIGATED);
}

static const struct immunity_claim {
	uint64_t bits;
	enum kmc_bug bug;
	bool (*matters)(const struct vcpu *v, uint64_t seen);	/* NULL: always */
} claims[] = {
	{ KMC_AC_RDCL_NO,	KMC_BUG_CPU_MELTDOWN,		NULL },
	{ KMC_AC_SSB_NO,	KMC_BUG_SPEC_STORE_BYPASS,	NULL },
	{ KMC_AC_MDS_NO,	KMC_BUG_MDS,			NULL },
	{ KMC_AC_TAA_NO,	KMC_BUG_TAA,			tsx_reachable },
	{ MMIO3,		KMC_BUG_MMIO_STALE_DATA,	NULL },
	{ KMC_AC_GDS_NO,	KMC_BUG_GDS,			gather_exposed },
	{ KMC_AC_RFDS_NO,	KMC_BUG_RFDS,			NULL },
	{ KMC_AC_ITS_NO,	KMC_BUG_ITS,			NULL },
};

bool model_false_immunity(const struct vcpu *v)
{
	uint64_t seen = model_guest_sees_ac(v);

	UNROLLED
	for (unsigned int i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		const struct immunity_claim *c = &claims[i];

		if ((seen & c->bits) == c->bits && (v->b->bugs & KMC_BIT(c->bug)) &&
		    (!c->matters || c->matters(v, seen)))
			return true;
	}
	return false;
}
