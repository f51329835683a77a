// SPDX-License-Identifier: GPL-2.0
/*
 * FB_CLEAR_DIS (kernel-facts E), what VERW does in a guest, and the
 * architectural findings (docs/observations.md, lkml threads 001 and the
 * E.2 ordering observation).
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
 * vmx_update_fb_clear_dis(): recomputed at vCPU creation/reset and after
 * every host write of 0x10a.  Off while CLEAR_CPU_BUF is in force (since
 * 43fb862de8f6), and off when the guest's own 0x10a says FB_CLEAR or all
 * five "NO" bits (the guest is told VERW is not needed / does clear).
 */
void model_update_fb_clear_dis(struct vcpu *v)
{
	v->disable_fb_clear = vcpu_is_vmx(v) && host_allows(v) && !guest_needs_no_verw(v->ac);
}

/*
 * Hardware: the host CPU's VERW clears fill buffers (observations.md):
 * an MDS-affected part with the MD_CLEAR microcode, or one whose current
 * 0x10a (after any late microcode load) enumerates FB_CLEAR.
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
static uint64_t guest_sees_ac(const struct vcpu *v)
{
	if (!vcpu_guest_has(v, KMC_F_ARCH_CAPABILITIES))
		return 0;
	if (v->vm->filter_arch_cap)
		return (v->vm->user_msr_exits & KMC_MSR_EXIT_FILTER) ? v->vm->uemu_arch_cap : 0;
	return v->ac;
}

/*
 * What the guest can read about VERW: MD_CLEAR without MDS_NO (an
 * MDS-affected part with the microcode) or FB_CLEAR both promise that
 * VERW clears the fill buffers (thread 001).
 */
static bool guest_told_verw_clears(const struct vcpu *v)
{
	uint64_t ac = guest_sees_ac(v);

	return (vcpu_guest_has(v, KMC_F_MD_CLEAR) && !(ac & KMC_AC_MDS_NO)) ||
	       (ac & KMC_AC_FB_CLEAR);
}

uint32_t model_findings(const struct vcpu *v)
{
	uint32_t f = 0;

	if (!vcpu_is_vmx(v))
		return 0;
	if (guest_told_verw_clears(v) && model_verw(v) == VERW_KEEPS)
		f |= KMC_FINDING_VERW_PROMISE;
	/* E.2: since 6.19 the MMIO-only VERW runs after FB_CLEAR_DIS is set */
	if (HAS(v->p, FL_VMX_VM_CLEAR_CPU_BUF) && v->vm->mmio_mapped &&
	    (v->b->state & KMC_HS_CLEAR_CPU_BUF_VM_MMIO) && v->disable_fb_clear)
		f |= KMC_FINDING_MMIO_VERW_ORDER;
	return f;
}
