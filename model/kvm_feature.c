// SPDX-License-Identifier: GPL-2.0
/*
 * What KVM advertises: the feature MSR 0x10a (kernel-facts C) and the
 * modelled part of KVM_GET_{SUPPORTED,EMULATED}_CPUID (kernel-facts F.1,
 * F.3, H.1.2).
 */
#include "internal.h"

/*
 * C.2: the bits KVM passes through from the host (KVM_SUPPORTED_ARCH_CAP),
 * one row per bit with the change that added it (0xff: in every kernel
 * kmc knows).  Bits not listed (MCU_ENUM, FB_CLEAR_CTRL, XAPIC_DISABLE,
 * GDS_CTRL, the undefined ones) never reach a guest.
 */
static const struct {
	uint64_t bit;
	uint8_t since;		/* profile flag, or 0xff */
} passed_through[] = {
	{ KMC_AC_RDCL_NO, 0xff },		{ KMC_AC_IBRS_ALL, 0xff },
	{ KMC_AC_RSBA, 0xff },			{ KMC_AC_SKIP_VMENTRY_L1DFLUSH, 0xff },
	{ KMC_AC_SSB_NO, 0xff },		{ KMC_AC_MDS_NO, 0xff },
	{ KMC_AC_PSCHANGE_MC_NO, 0xff },	{ KMC_AC_TSX_CTRL_MSR, 0xff },
	{ KMC_AC_TAA_NO, 0xff },		{ KMC_AC_SBDR_SSDP_NO, 0xff },
	{ KMC_AC_FBSDP_NO, 0xff },		{ KMC_AC_PSDP_NO, 0xff },
	{ KMC_AC_FB_CLEAR, 0xff },		{ KMC_AC_RRSBA, 0xff },
	{ KMC_AC_PBRSB_NO, 0xff },
	{ KMC_AC_GDS_NO, FL_KVM_GDS_NO },
	{ KMC_AC_RFDS_NO, FL_KVM_RFDS },	{ KMC_AC_RFDS_CLEAR, FL_KVM_RFDS },
	{ KMC_AC_BHI_NO, FL_KVM_BHI_NO },
	{ KMC_AC_ITS_NO, FL_KVM_ITS_NO },
};

uint64_t model_kvm_supported_arch_cap(const struct kmc_profile *p)
{
	uint64_t m = 0;

	UNROLLED
	for (unsigned int i = 0; i < sizeof(passed_through) / sizeof(passed_through[0]); i++)
		if (passed_through[i].since == 0xff || HAS(p, passed_through[i].since))
			m |= passed_through[i].bit;
	return m;
}

/*
 * C.3: synthesised bits, each a rule of its own.  A "NO" bit is set when
 * the host kernel does not have the bug, whatever the hardware said.
 */
struct synth_rule {
	uint64_t bit;
	uint8_t bug;		/* set the bit iff the host lacks this bug */
	uint8_t needs;		/* profile flag, or 0xff */
};

static const struct synth_rule no_bit_rules[] = {
	{ KMC_AC_RDCL_NO, KMC_BUG_CPU_MELTDOWN, 0xff },
	{ KMC_AC_SSB_NO,  KMC_BUG_SPEC_STORE_BYPASS, 0xff },
	{ KMC_AC_MDS_NO,  KMC_BUG_MDS, 0xff },
	{ KMC_AC_RFDS_NO, KMC_BUG_RFDS, FL_KVM_RFDS },
	{ KMC_AC_ITS_NO,  KMC_BUG_ITS, FL_KVM_ITS_NO },
};

#define FIVE_NO (KMC_AC_MDS_NO | KMC_AC_TAA_NO | KMC_AC_PSDP_NO | KMC_AC_FBSDP_NO | \
		 KMC_AC_SBDR_SSDP_NO)

uint64_t model_kvm_arch_cap(const struct kmc_profile *p, const struct boot *b,
			    uint64_t raw, uint32_t var)
{
	uint64_t v = raw & model_kvm_supported_arch_cap(p);

	v |= KMC_AC_PSCHANGE_MC_NO;		/* NX huge pages cover L2 */
	if (b->l1tf_vmx != KMC_L1TF_VMX_NEVER)
		v |= KMC_AC_SKIP_VMENTRY_L1DFLUSH;
	UNROLLED
	for (unsigned int i = 0; i < sizeof(no_bit_rules) / sizeof(no_bit_rules[0]); i++) {
		const struct synth_rule *r = &no_bit_rules[i];

		if ((r->needs == 0xff || HAS(p, r->needs)) &&
		    !(b->bugs & KMC_BIT(r->bug)))
			v |= r->bit;
	}
	/* TAA_NO: hidden when the host has no RTM (tsx=off) */
	if (!HAS_F(b->feat, RTM))
		v &= ~KMC_AC_TAA_NO;
	else if (!HAS_BUG(b->bugs, TAA))
		v |= KMC_AC_TAA_NO;
	if (HAS(p, FL_KVM_GDS_NO) &&
	    (!HAS_BUG(b->bugs, GDS) || (b->state & KMC_HS_GDS_UCODE_MITIGATED)))
		v |= KMC_AC_GDS_NO;
	/* variant fb-clear-synth (lkml 000): "invulnerable" parts claim FB_CLEAR */
	if ((var & KMC_VAR_FB_CLEAR_SYNTH) && (v & FIVE_NO) == FIVE_NO)
		v |= KMC_AC_FB_CLEAR;
	return v;
}

/* Host-kernel features KVM passes as plain F(): kernel has it and CPUID has it */
#define KVM_F_PLAIN (KMC_F(MD_CLEAR) | KMC_F(RTM) | KMC_F(HLE) | KMC_F(FSGSBASE) | \
		     KMC_F(RDPID) | KMC_F(MOVBE) | KMC_F(XSAVE) | KMC_F(AVX) | KMC_F(PKU))

uint64_t model_kvm_cpuid(const struct kmc_profile *p, const struct kmc_host *h,
			 const struct boot *b)
{
	/* ARCH_CAPABILITIES is emulated, also on AMD (0cf9135b773b) */
	uint64_t v = KMC_F(ARCH_CAPABILITIES) | (b->feat & KVM_F_PLAIN);

	/* PKU needs two-dimensional paging: not with kvm_intel.ept=0 (SVM keeps NPT) */
	if (b->vmx && !h->ept)
		v &= ~KMC_F(PKU);
	/* EMULATED_F(HYPERVISOR) came with the 6.14 CPUID overhaul */
	if (HAS(p, FL_CPU_CAPS))
		v |= KMC_F(HYPERVISOR);
	return v;
}

/* KVM_GET_EMULATED_CPUID: MOVBE always, RDPID when KVM has RDTSCP; never MWAIT */
uint64_t model_kvm_emul_cpuid(const struct kmc_host *h)
{
	uint64_t v = KMC_F(MOVBE);

	if (HAS_F(h->cpuid, RDTSCP))
		v |= KMC_F(RDPID);
	return v;
}
