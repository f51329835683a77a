// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/vmx/vmx.c and vmenter.S: the L1D flush setup, FB_CLEAR_DIS
 * (vmx_setup_fb_clear_ctrl / vmx_update_fb_clear_dis), TSX_CTRL, the CR4
 * guest/host mask, and vmx_vcpu_enter_exit() run against a simulated
 * MCU_OPT_CTRL so that a guest VERW can be answered from hardware state.
 *
 * Line numbers: 6.1 = Debian 6.1.192 vmx.c, 7.2 = Debian 7.2.13 vmx.c.
 */
#include "internal.h"

/* kvm_cache_regs.h KVM_POSSIBLE_CR4_GUEST_BITS, restricted to kmc's CR4 bits */
#define KVM_POSSIBLE_CR4_GUEST_BITS	KMC_CR4_FSGSBASE

/*
 * vmx_setup_l1d_flush(vmentry_l1d_flush_param): 6.1 vmx.c l.245,
 * 7.2 __vmx_setup_l1d_flush() l.240.
 */
static void __vmx_setup_l1d_flush(struct kvm_x86 *x, uint8_t param)
{
	const struct ref_host *h = x->host;
	uint8_t l1tf;

	if (!boot_cpu_has_bug(h, B(L1TF))) {
		x->l1tf_vmx_mitigation = KMC_L1TF_VMX_NOT_REQUIRED;
		return;
	}
	if (!x->tdp_enabled) {
		x->l1tf_vmx_mitigation = KMC_L1TF_VMX_EPT_DISABLED;
		return;
	}
	/* 6.1: RDMSR at module init; >= 6.6: kvm_host.arch_capabilities -- same value */
	if (x->host_arch_capabilities & KMC_AC_SKIP_VMENTRY_L1DFLUSH) {
		x->l1tf_vmx_mitigation = KMC_L1TF_VMX_NOT_REQUIRED;
		return;
	}

	if (param == KMC_L1D_AUTO) {
		switch (h->b.l1tf) {
		case L1TF_OFF:
			l1tf = KMC_L1TF_VMX_NEVER;
			break;
		case L1TF_FULL:
		case L1TF_FULL_FORCE:
			l1tf = KMC_L1TF_VMX_ALWAYS;
			break;
		default:
			l1tf = KMC_L1TF_VMX_COND;
			break;
		}
	} else if (h->b.l1tf == L1TF_FULL_FORCE) {
		l1tf = KMC_L1TF_VMX_ALWAYS;
	} else {
		l1tf = param == KMC_L1D_NEVER ? KMC_L1TF_VMX_NEVER :
		       param == KMC_L1D_COND ? KMC_L1TF_VMX_COND : KMC_L1TF_VMX_ALWAYS;
	}
	x->l1tf_vmx_mitigation = l1tf;
}

void vmx_setup_l1d_flush(struct kvm_x86 *x)
{
	__vmx_setup_l1d_flush(x, x->host->cmd->l1d_flush);
}

/*
 * vmentry_l1d_flush_set(), 7.2 vmx.c l.351: a write to the parameter once
 * kvm_intel is loaded redoes the setup; ignored without the L1TF bug.
 */
int vmentry_l1d_flush_set(struct kvm_x86 *x, uint8_t param)
{
	if (!boot_cpu_has_bug(x->host, B(L1TF)))
		return 0;
	__vmx_setup_l1d_flush(x, param);
	return 0;
}

/* 6.1 vmx.c l.376, from vmx_init(); removed in 6.6 by 550ba57faa04 */
void vmx_setup_fb_clear_ctrl(struct kvm_x86 *x)
{
	const struct ref_host *h = x->host;

	x->vmx_fb_clear_ctrl_available =
		boot_cpu_has(h, F(ARCH_CAPABILITIES)) &&
		!boot_cpu_has_bug(h, B(MDS)) && !boot_cpu_has_bug(h, B(TAA)) &&
		(h->live_arch_cap & KMC_AC_FB_CLEAR_CTRL);
}

/*
 * The host half of vmx_update_fb_clear_dis(): 6.1 l.412 "!CLEAR_CPU_BUF &&
 * vmx_fb_clear_ctrl_available"; 7.2 l.505 "!CLEAR_CPU_BUF && snapshot has
 * FB_CLEAR_CTRL && !MDS && !TAA".  The CLEAR_CPU_BUF term came with
 * 43fb862de8f6 (v6.8).
 */
bool vmx_fb_clear_host_ok(const struct kvm_x86 *x)
{
	const struct ref_host *h = x->host;
	const struct ref_kernel *k = x->k;

	if (k->clear_cpu_buf && h->b.clear_cpu_buf)
		return false;
	if (!k->host_arch_cap_snapshot)
		return x->vmx_fb_clear_ctrl_available;
	return (x->host_arch_capabilities & KMC_AC_FB_CLEAR_CTRL) &&
	       !boot_cpu_has_bug(h, B(MDS)) && !boot_cpu_has_bug(h, B(TAA));
}

void vmx_update_fb_clear_dis(struct kvm_vcpu *vcpu)
{
	uint64_t ac = vcpu->arch_capabilities;
	const uint64_t all_no = KMC_AC_MDS_NO | KMC_AC_TAA_NO | KMC_AC_PSDP_NO |
				KMC_AC_FBSDP_NO | KMC_AC_SBDR_SSDP_NO;

	vcpu->disable_fb_clear = vmx_fb_clear_host_ok(vcpu->x);
	/* the guest will not use VERW for buffer clearing: no MSR writes needed */
	if ((ac & KMC_AC_FB_CLEAR) || (ac & all_no) == all_no)
		vcpu->disable_fb_clear = false;
	/*
	 * variant 001 (lkml 001): a guest whose CPUID says MD_CLEAR and
	 * L1D_FLUSH and whose 0x10a lacks MDS_NO is "affected by MDS" and
	 * relies on VERW; honour it.  guest_cpuid_has(): the table as set.
	 */
	if (vcpu->x->v->md_clear && vcpu->has_cpuid && !(ac & KMC_AC_MDS_NO) &&
	    (vcpu->cpuid & F(MD_CLEAR)) && (vcpu->cpuid & F(FLUSH_L1D)))
		vcpu->disable_fb_clear = false;
}

/*
 * vmx_vcpu_after_set_cpuid(), the TSX part (6.1 vmx.c l.7739, 7.2 l.8007):
 * on an RTM host the guest's TSX_CTRL becomes 0 if its CPUID has RTM,
 * RTM_DISABLE otherwise.
 */
void vmx_vcpu_after_set_cpuid(struct kvm_vcpu *vcpu)
{
	const struct kvm_x86 *x = vcpu->x;
	uint64_t table = vcpu->has_cpuid ? vcpu->cpuid : 0;

	if (x->v->md_clear)	/* variant 001: the CPUID now matters to FB_CLEAR_DIS */
		vmx_update_fb_clear_dis(vcpu);
	if (!boot_cpu_has(x->host, F(RTM)) || !x->tsx_ctrl_uret)
		return;
	vcpu->tsx_ctrl = (table & F(RTM)) ? 0 : KMC_TSX_CTRL_RTM_DISABLE;
}

/*
 * kvm_spec_ctrl_test_value() (7.2 x86.c l.13314): KVM writes the value to
 * the host's own MSR and sees whether the CPU takes it.  ref's CPU: no MSR
 * without SPEC_CTRL; IBRS, STIBP, SSBD with it (NOTES.md: STIBP and SSBD
 * assumed with SPEC_CTRL); RRSBA_DIS_U/S with RRSBA_CTRL; BHI_DIS_S with
 * BHI_CTRL.
 */
static int kvm_spec_ctrl_test_value(const struct ref_host *h, uint64_t value)
{
	uint64_t cpu = 0;

	if (!(h->c.raw & F(SPEC_CTRL)))
		return 1;			/* rdmsrq_safe() faults */
	cpu = KMC_SPEC_CTRL_IBRS | KMC_SPEC_CTRL_STIBP | KMC_SPEC_CTRL_SSBD;
	if (h->c.raw & F(RRSBA_CTRL))
		cpu |= KMC_SPEC_CTRL_RRSBA_DIS_U | KMC_SPEC_CTRL_RRSBA_DIS_S;
	if (h->c.raw & F(BHI_CTRL))
		cpu |= KMC_SPEC_CTRL_BHI_DIS_S;
	return (value & ~cpu) ? 1 : 0;		/* wrmsrq_safe() faults */
}

/* cpuid.h guest_has_spec_ctrl_msr(), Intel's bit */
static bool guest_has_spec_ctrl_msr(const struct kvm_vcpu *vcpu)
{
	return guest_has(vcpu, F(SPEC_CTRL));
}

/*
 * Variant 002, RFC v3 01/10 hardware_setup(): what KVM can force on, only
 * with the "virtualize IA32_SPEC_CTRL" tertiary control.
 */
void vmx_hardware_setup_force_spec_ctrl(struct kvm_x86 *x)
{
	const struct ref_host *h = x->host;

	x->supported_force_spec_ctrl = 0;
	if (!x->v->force_spec_ctrl || !x->spec_ctrl_shadow)
		return;
	x->supported_force_spec_ctrl = KMC_SPEC_CTRL_IBRS;
	if (boot_cpu_has(h, F(SPEC_CTRL)))	/* X86_FEATURE_STIBP, _SSBD (NOTES.md) */
		x->supported_force_spec_ctrl |= KMC_SPEC_CTRL_STIBP | KMC_SPEC_CTRL_SSBD;
	if (boot_cpu_has(h, F(RRSBA_CTRL)) && (x->host_arch_capabilities & KMC_AC_RRSBA))
		x->supported_force_spec_ctrl |= KMC_SPEC_CTRL_RRSBA_DIS_S;
	if (boot_cpu_has(h, F(BHI_CTRL)))
		x->supported_force_spec_ctrl |= KMC_SPEC_CTRL_BHI_DIS_S;
}

/*
 * vmx_set_spec_ctrl() of the series: the guest's value goes to the shadow,
 * the CPU gets it with the forced bits -- as api.rst of 01/10 states it,
 * (GUEST_WRMSR_VAL & ~MASK) | (forced value & MASK).  Without the
 * forcing both are the guest's value.
 */
void vmx_set_spec_ctrl(struct kvm_vcpu *vcpu, uint64_t val)
{
	vcpu->spec_ctrl_shadow = val;
	vcpu->spec_ctrl = (val & ~vcpu->force_spec_ctrl_mask) |
			  (vcpu->force_spec_ctrl_value & vcpu->force_spec_ctrl_mask);
}

/* 06/10 and 09/10: the per-vCPU mask and value, and the CPU value again */
void vmx_force_spec_ctrl_adjust(struct kvm_vcpu *vcpu, uint64_t mask, uint64_t value)
{
	vcpu->force_spec_ctrl_mask = vcpu->kvm->force_spec_ctrl_mask | mask;
	vcpu->force_spec_ctrl_value = vcpu->kvm->force_spec_ctrl_value | value;
	vmx_set_spec_ctrl(vcpu, vcpu->spec_ctrl_shadow);
}

/* TSX_CTRL: 6.1 vmx.c l.1939 / l.2247, 7.2 l.2134 / l.2453; SPEC_CTRL l.2145 / l.2425 */
int vmx_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host)
{
	if (index == KMC_MSR_SPEC_CTRL) {
		if (!host && !guest_has_spec_ctrl_msr(vcpu))
			return 1;
		*data = vcpu->spec_ctrl_shadow;	/* = spec_ctrl unless forced */
		return 0;
	}
	if (index == KMC_MSR_TSX_CTRL) {
		if (!host && !(vcpu->arch_capabilities & KMC_AC_TSX_CTRL_MSR))
			return 1;
		if (vcpu->x->tsx_ctrl_uret) {		/* find_uret_msr */
			*data = vcpu->tsx_ctrl;
			return 0;
		}
	}
	return kvm_get_msr_common(vcpu, index, data, host);
}

int vmx_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host)
{
	int ret;

	if (index == KMC_MSR_SPEC_CTRL) {
		if (!host && !guest_has_spec_ctrl_msr(vcpu))
			return 1;
		if (kvm_spec_ctrl_test_value(vcpu->x->host, data))
			return 1;
		vmx_set_spec_ctrl(vcpu, data);
		return 0;
	}
	if (index == KMC_MSR_TSX_CTRL) {
		if (!host && !(vcpu->arch_capabilities & KMC_AC_TSX_CTRL_MSR))
			return 1;
		if (data & ~(KMC_TSX_CTRL_RTM_DISABLE | KMC_TSX_CTRL_CPUID_CLEAR))
			return 1;
	}
	if (index == KMC_MSR_TSX_CTRL && vcpu->x->tsx_ctrl_uret) {
		vcpu->tsx_ctrl = data;
		ret = 0;
	} else {
		ret = kvm_set_msr_common(vcpu, index, data, host);
	}

	/* FB_CLEAR may have changed, whatever the outcome (6.1 l.2434) */
	if (index == KMC_MSR_ARCH_CAPABILITIES)
		vmx_update_fb_clear_dis(vcpu);
	return ret;
}

/*
 * Guest MOV to CR4 that sets @bits.  set_cr4_guest_host_mask() (6.1
 * l.4313) makes the possible guest bits guest-owned unless they are in
 * cr4_guest_rsvd_bits; a write that changes only guest-owned bits never
 * exits and the hardware checks it against what the CPU supports.
 */
int vmx_set_cr4_guest(struct kvm_vcpu *vcpu, uint64_t bits)
{
	uint64_t new = vcpu->cr4 | bits, changed = new ^ vcpu->cr4;
	uint64_t owned = KVM_POSSIBLE_CR4_GUEST_BITS & ~vcpu->cr4_guest_rsvd_bits;

	if (!changed)
		return 0;
	if (!(changed & ~owned)) {
		if ((changed & KMC_CR4_FSGSBASE) && !(vcpu->x->host->c.raw & F(FSGSBASE)))
			return 1;	/* #GP from the CPU */
		vcpu->cr4 = new;
		return 0;
	}
	return kvm_set_cr4(vcpu, new);	/* handle_cr() */
}

/* Does the CPU's VERW clear fill buffers at all (docs/observations.md) */
static bool hw_verw_clears_buffers(const struct ref_host *h)
{
	uint64_t ac = (h->c.raw & F(ARCH_CAPABILITIES)) ? h->live_arch_cap : 0;

	return (boot_cpu_has_bug(h, B(MDS)) && (h->c.raw & F(MD_CLEAR))) ||
	       (ac & KMC_AC_FB_CLEAR);
}

static void hw_kvm_verw(struct ref_hw *hw)
{
	if (hw->mcu_opt_ctrl & KMC_MCU_FB_CLEAR_DIS)
		hw->kvm_verw_with_fb_clear_dis = true;
}

/*
 * vmx_vcpu_enter_exit() + __vmx_vcpu_run(): 6.1 vmx.c l.7163 and
 * vmenter.S l.132; 7.2 vmx.c l.7468 and vmenter.S l.75-87.  Returns whether
 * a VERW executed by the guest (@guest_verw) cleared the fill buffers.
 */
bool vmx_vcpu_enter_exit(struct kvm_vcpu *vcpu, struct ref_hw *hw, bool guest_verw)
{
	const struct ref_host *h = vcpu->x->host;
	const struct ref_kernel *k = vcpu->x->k;
	bool l1d_flush = vcpu->x->l1tf_vmx_mitigation == KMC_L1TF_VMX_COND ||
			 vcpu->x->l1tf_vmx_mitigation == KMC_L1TF_VMX_ALWAYS;
	bool cleared = false;

	if (!k->verw_vm_for_vmx && !l1d_flush) {
		if (!k->clear_cpu_buf && h->b.mds_user_clear)
			hw_kvm_verw(hw);	/* < 6.8: mds_clear_cpu_buffers() */
		else if (h->b.mmio_stale_data_clear && vcpu->kvm->mmio_mapped)
			hw_kvm_verw(hw);	/* KVM-only MMIO Stale Data VERW */
	}

	if (vcpu->disable_fb_clear)		/* vmx_disable_fb_clear() */
		hw->mcu_opt_ctrl |= KMC_MCU_FB_CLEAR_DIS;

	/* vmenter.S, after FB_CLEAR_DIS is set */
	if (k->verw_vm_for_vmx) {
		if (h->b.clear_cpu_buf_vm)
			hw_kvm_verw(hw);
		else if (h->b.clear_cpu_buf_vm_mmio && vcpu->kvm->mmio_mapped)
			hw_kvm_verw(hw);	/* KVM_ENTER_CLEAR_CPU_BUFFERS_FOR_MMIO */
	} else if (k->clear_cpu_buf && h->b.clear_cpu_buf) {
		hw_kvm_verw(hw);		/* CLEAR_CPU_BUFFERS */
	}

	if (guest_verw)
		cleared = hw_verw_clears_buffers(h) &&
			  !(hw->mcu_opt_ctrl & KMC_MCU_FB_CLEAR_DIS);

	if (vcpu->disable_fb_clear)		/* vmx_enable_fb_clear() */
		hw->mcu_opt_ctrl &= ~KMC_MCU_FB_CLEAR_DIS;
	vcpu->has_run = true;			/* last_vmentry_cpu */
	return cleared;
}
