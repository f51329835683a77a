// SPDX-License-Identifier: GPL-2.0
/*
 * FB_CLEAR_DIS (kernel-facts E), what VERW does in a guest, and the
 * architectural findings (docs/observations.md: lkml 001's broken VERW
 * promise by cause, the E.2 ordering observation; false immunity is
 * model/immunity.c's).
 */
#include "internal.h"

#define FIVE_NO (KMC_AC_MDS_NO | KMC_AC_TAA_NO | KMC_AC_PSDP_NO | \
		 KMC_AC_FBSDP_NO | KMC_AC_SBDR_SSDP_NO)

/*
 * The host condition (E.1/E.2): KVM may set FB_CLEAR_DIS around VM-entry
 * only on a VMX host whose 0x10a enumerates FB_CLEAR_CTRL and that has
 * neither MDS nor TAA.  (6.1 reads the MSR once at vmx_init, later kernels
 * use the snapshot: the same value for a given boot.)  Since 43fb862de8f6
 * never while X86_FEATURE_CLEAR_CPU_BUF is in force: the host's own VERW
 * before VM-entry must clear the buffers.
 */
static bool host_allows(const struct vcpu *v)
{
	bool clear_cpu_buf = HAS(v->p, FL_CLEAR_CPU_BUF) &&
			     (v->b->state & KMC_HS_CLEAR_CPU_BUF);

	return (v->b->ac & KMC_AC_FB_CLEAR_CTRL) && !HAS_BUG(v->b->bugs, MDS) &&
	       !HAS_BUG(v->b->bugs, TAA) && !clear_cpu_buf;
}

int8_t model_fb_clear_ctrl(const struct vcpu *v)
{
	return vcpu_is_vmx(v) ? (int8_t)host_allows(v) : -1;
}

/* The guest was told it need not rely on VERW to clear fill buffers */
static bool guest_needs_no_verw(uint64_t ac)
{
	return (ac & KMC_AC_FB_CLEAR) || (ac & FIVE_NO) == FIVE_NO;
}

/*
 * Variant md-clear (lkml 001): a guest told MD_CLEAR and L1D_FLUSH in its
 * CPUID table, without MDS_NO in its 0x10a, is "affected by MDS" as it is
 * told and is promised that VERW clears fill buffers: KVM keeps
 * FB_CLEAR_DIS off for it, and so looks at the table on KVM_SET_CPUID2.
 */
static bool honours_md_clear(const struct vcpu *v)
{
	return (v->var & KMC_VAR_MD_CLEAR) && !(v->ac & KMC_AC_MDS_NO) &&
	       vcpu_guest_has(v, KMC_F_MD_CLEAR) && vcpu_guest_has(v, KMC_F_FLUSH_L1D);
}

/*
 * vmx_update_fb_clear_dis(): recomputed at vCPU creation/reset and after
 * every host write of 0x10a.  Off while CLEAR_CPU_BUF is in force (since
 * 43fb862de8f6), and off when the guest's own 0x10a says FB_CLEAR or all
 * five "NO" bits (the guest is told VERW is not needed / does clear).
 */
void model_update_fb_clear_dis(struct vcpu *v)
{
	v->disable_fb_clear = vcpu_is_vmx(v) && host_allows(v) && !guest_needs_no_verw(v->ac) &&
			      !honours_md_clear(v);
}

/*
 * Hardware: the host CPU's VERW clears fill buffers (observations.md):
 * an MDS-affected part with the MD_CLEAR microcode, or one whose current
 * 0x10a (after any late microcode load) enumerates FB_CLEAR.
 *
 * **Assumption** (docs/rules.md 8): a part with MDS_NO and without FB_CLEAR
 * keeps its fill buffers on VERW.  Intel only says such a VERW is "not
 * guaranteed" to clear them (Pawan Gupta, lkml 001); kmc takes the
 * pessimistic reading, and verw_promise_hw stands on it.
 */
static bool host_verw_clears(const struct vcpu *v)
{
	uint64_t ac = HAS_F(v->h->cpuid, ARCH_CAPABILITIES) ? v->host_ac : 0;

	return (HAS_BUG(v->b->bugs, MDS) && HAS_F(v->h->cpuid, MD_CLEAR)) ||
	       (ac & KMC_AC_FB_CLEAR);
}

enum { VERW_KEEPS = 0, VERW_CLEARS = 1, VERW_NA = 2 };

uint8_t model_verw(const struct vcpu *v)
{
	if (!vcpu_is_vmx(v))
		return VERW_NA;
	return host_verw_clears(v) && !v->disable_fb_clear ? VERW_CLEARS : VERW_KEEPS;
}

/*
 * The 0x10a value a guest kernel reads: none unless its CPUID enumerates
 * the MSR; behind an MSR filter, what userspace answers (or nothing, #GP).
 */
uint64_t model_guest_sees_ac(const struct vcpu *v)
{
	if (!vcpu_guest_sees(v, KMC_F_ARCH_CAPABILITIES))
		return 0;
	if (v->vm->filter_arch_cap)
		return vcpu_user_exit(v, KMC_MSR_EXIT_FILTER) ? v->vm->uemu_arch_cap : 0;
	return v->ac;
}

/*
 * What the guest can read about VERW and fill buffers, Intel's two
 * enumerations as quoted in lkml 001: FB_CLEAR; or, for a part "affected
 * by MDS" (as the guest is told: no MDS_NO), MD_CLEAR together with
 * L1D_FLUSH.  MD_CLEAR alone is not a fill-buffer promise (the MSBDS-only
 * Atoms have it without L1D_FLUSH); the guest kernel's own MMIO Stale
 * Data rule trusts VERW with exactly this expression (docs/rules.md 8).
 */
static bool guest_told_verw_clears(const struct vcpu *v)
{
	uint64_t ac = model_guest_sees_ac(v);
	bool md_clear_l1d = vcpu_guest_sees(v, KMC_F_MD_CLEAR) &&
			    vcpu_guest_sees(v, KMC_F_FLUSH_L1D);

	return (ac & KMC_AC_FB_CLEAR) || (md_clear_l1d && !(ac & KMC_AC_MDS_NO));
}

/*
 * A broken VERW promise, by cause: KVM set FB_CLEAR_DIS although the CPU's
 * VERW would have cleared (Xiaoyao Li's Ice Lake case), or the CPU's VERW
 * does not clear fill buffers at all, whatever KVM does (a guest
 * configured on Cascade Lake, on Sapphire Rapids).
 */
static const struct {
	bool host_clears;	/* host_verw_clears() */
	uint32_t finding;
} verw_cause[] = {
	{ true, KMC_FINDING_VERW_PROMISE_KVM },
	{ false, KMC_FINDING_VERW_PROMISE_HW },
};

uint32_t model_findings(const struct vcpu *v)
{
	uint32_t f = model_false_immunity(v) ? KMC_FINDING_FALSE_IMMUNITY : 0;

	if (!vcpu_is_vmx(v))
		return f;
	if (guest_told_verw_clears(v) && model_verw(v) == VERW_KEEPS)
		UNROLLED
		for (unsigned int i = 0; i < sizeof(verw_cause) / sizeof(verw_cause[0]); i++)
			if (verw_cause[i].host_clears == host_verw_clears(v))
				f |= verw_cause[i].finding;
	/* E.2: since 6.19 the MMIO-only VERW runs after FB_CLEAR_DIS is set */
	if (HAS(v->p, FL_VMX_VM_CLEAR_CPU_BUF) && v->vm->mmio_mapped &&
	    (v->b->state & KMC_HS_CLEAR_CPU_BUF_VM_MMIO) && v->disable_fb_clear)
		f |= KMC_FINDING_MMIO_VERW_ORDER;
	return f;
}
