// SPDX-License-Identifier: GPL-2.0
/*
 * IA32_SPEC_CTRL (0x48) as a guest sees it, and lkml 002's two proposals
 * around it: KVM_CAP_FORCE_SPEC_CTRL (variant force-spec-ctrl) and the
 * Intel virtual MSRs answered by the VMM (variant virt-mitigation-msrs),
 * whose BHB_CLEAR_SEQ_S_USED makes the VMM force BHI_DIS_S.
 * docs/rules.md 6 and 12.
 */
#include "internal.h"

/*
 * What the CPU takes in IA32_SPEC_CTRL (kvm_spec_ctrl_test_value() tries
 * the write on the host): nothing without the MSR; IBRS, STIBP and SSBD
 * with SPEC_CTRL (assumption: kmc's parts with SPEC_CTRL enumerate STIBP
 * and SSBD too); RRSBA_DIS_U/S with RRSBA_CTRL; BHI_DIS_S with BHI_CTRL.
 */
static bool cpu_takes(const struct vcpu *v, uint64_t val)
{
	uint64_t ok = 0;

	if (!HAS_F(v->h->cpuid, SPEC_CTRL))
		return false;
	ok |= KMC_SPEC_CTRL_IBRS | KMC_SPEC_CTRL_STIBP | KMC_SPEC_CTRL_SSBD;
	if (HAS_F(v->h->cpuid, RRSBA_CTRL))
		ok |= KMC_SPEC_CTRL_RRSBA_DIS_U | KMC_SPEC_CTRL_RRSBA_DIS_S;
	if (HAS_F(v->h->cpuid, BHI_CTRL))
		ok |= KMC_SPEC_CTRL_BHI_DIS_S;
	return !(val & ~ok);
}

/*
 * guest_has_spec_ctrl_msr(): the guest's CPUID says SPEC_CTRL; from the
 * cpu_caps rework only if KVM supports it too, i.e. the host kernel has it
 * (kmc models Intel's bit only: SPEC_CTRL on SVM is not modelled).
 */
static bool guest_has_msr(const struct vcpu *v)
{
	return vcpu_guest_has(v, KMC_F_SPEC_CTRL) &&
	       (!HAS(v->p, FL_CPU_CAPS) || HAS_F(v->b->feat, SPEC_CTRL));
}

/*
 * The bits KVM can force on (v3 patch 01, hardware_setup()): none without
 * the VMX "virtualize IA32_SPEC_CTRL" control, else IBRS, STIBP and SSBD
 * with SPEC_CTRL, RRSBA_DIS_S on an RRSBA part with RRSBA_CTRL, BHI_DIS_S
 * with BHI_CTRL.
 */
static uint64_t can_force(const struct vcpu *v)
{
	uint64_t bits = KMC_SPEC_CTRL_IBRS;

	if (!(v->var & KMC_VAR_FORCE_SPEC_CTRL) || !vcpu_is_vmx(v) || !v->h->spec_ctrl_shadow)
		return 0;
	if (HAS_F(v->b->feat, SPEC_CTRL))
		bits |= KMC_SPEC_CTRL_STIBP | KMC_SPEC_CTRL_SSBD;
	if (HAS_F(v->b->feat, RRSBA_CTRL) && (v->b->ac & KMC_AC_RRSBA))
		bits |= KMC_SPEC_CTRL_RRSBA_DIS_S;
	if (HAS_F(v->b->feat, BHI_CTRL))
		bits |= KMC_SPEC_CTRL_BHI_DIS_S;
	return bits;
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_FORCE_SPEC_CTRL, mask, value) before the vCPU
 * exists: taken when KVM can force something at all, every value bit is
 * one it can force and lies in the mask (any mask bit may be forced to 0).
 * A stock kernel does not know the capability: nothing is forced.
 */
void model_spec_ctrl_create(struct vcpu *v)
{
	uint64_t ok = can_force(v), mask = v->vm->force_mask, val = v->vm->force_value;

	v->spec_ctrl = 0;
	if (!v->vm->force_spec_ctrl || !ok || (val & ~ok) || (val & ~mask))
		return;
	v->vm_force_mask = v->force_mask = mask;
	v->vm_force_value = v->force_value = val;
}

uint64_t model_spec_ctrl_hw(const struct vcpu *v)
{
	return (v->spec_ctrl & ~v->force_mask) | v->force_value;
}

/* Guest RDMSR(0x48): its own value (with the shadow control: the shadow) */
enum msr_rc model_spec_ctrl_rdmsr(const struct vcpu *v, uint64_t *val)
{
	if (!vcpu_is_vmx(v))
		return RC_NOT_MODELLED;
	if (!guest_has_msr(v))
		return RC_ONE;
	*val = v->spec_ctrl;
	return RC_OK;
}

/* Guest WRMSR(0x48): forced bits keep their forced value in the CPU */
enum msr_rc model_spec_ctrl_wrmsr(struct vcpu *v, uint64_t val)
{
	if (!vcpu_is_vmx(v) || (val & ~KMC_SPEC_CTRL_MODELLED))
		return RC_NOT_MODELLED;
	if (!guest_has_msr(v) || !cpu_takes(v, val))
		return RC_ONE;
	v->spec_ctrl = val;
	return RC_OK;
}

/*
 * Variant virt-mitigation-msrs (Sean Christopherson's answer in lkml 002):
 * the VMM filters MSRs 0x50000000-0x50000002 and answers them itself, as
 * patches 02, 08 and 09 of the series define them: mitigation control
 * supported; BHB_CLEAR_SEQ_S only; a control that takes BHB_CLEAR_SEQ_S_USED
 * and nothing else.  When the guest says it uses the short BHB-clearing
 * sequence, the VMM forces BHI_DIS_S -- iff the host has BHI_CTRL and lacks
 * BHI_NO (patch 09's rule), through KVM_CAP_FORCE_SPEC_CTRL made per-vCPU
 * and adjustable (Chao Gao's "tweaks"), and never against a bit the VM's
 * own capability already forces.  Returns true when the op was the VMM's.
 */
bool model_vmm_virt_msr(struct vcpu *v, const struct kmc_op *op, struct kmc_result *r)
{
	bool write = op->kind == KMC_OP_WRMSR;
	uint64_t bhi = 0;

	if (!(v->var & KMC_VAR_VIRT_MSRS) || op->index < KMC_MSR_VIRT_ENUM ||
	    op->index > KMC_MSR_VIRT_MITIG_CTRL)
		return false;
	r->kind = KMC_RES_EXIT;
	r->exit = KMC_MSR_EXIT_FILTER;
	r->n = 1;
	if (!write) {
		r->value = op->index == KMC_MSR_VIRT_ENUM ? KMC_VIRT_ENUM_MITIGATION_CTRL :
			   op->index == KMC_MSR_VIRT_MITIG_ENUM ? KMC_MITI_ENUM_BHB_CLEAR_SEQ_S :
			   v->mitig_ctrl;
		return true;
	}
	if (op->index != KMC_MSR_VIRT_MITIG_CTRL || (op->value & ~KMC_MITI_CTRL_BHB_CLEAR_SEQ_S)) {
		r->n = 0;	/* read-only, or a bit the VMM does not offer: #GP */
		return true;
	}
	v->mitig_ctrl = op->value;
	if ((op->value & KMC_MITI_CTRL_BHB_CLEAR_SEQ_S) && HAS_F(v->b->feat, BHI_CTRL) &&
	    !(v->b->ac & KMC_AC_BHI_NO) && (can_force(v) & KMC_SPEC_CTRL_BHI_DIS_S))
		bhi = KMC_SPEC_CTRL_BHI_DIS_S & ~v->vm_force_mask;
	v->force_mask = v->vm_force_mask | bhi;
	v->force_value = v->vm_force_value | bhi;
	return true;
}
