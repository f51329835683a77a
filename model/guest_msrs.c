// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RDMSR/WRMSR of the MSRs kmc models, as KVM handles them before
 * exits and ignore_msrs (kernel-facts D.1, C.4.3, F.1; guest_msr_result()
 * in vcpu.c does the rest).  RC_ONE is the "return 1" of the older code
 * (user exit reason INVAL, ignore_msrs does not help), RC_UNSUPPORTED is
 * KVM_MSR_RET_UNSUPPORTED (reason UNKNOWN, ignore_msrs applies).
 */
#include "internal.h"

#define MISC_ENABLE_RO	0x1800ULL	/* PEBS_UNAVAIL | BTS_UNAVAIL */
#define MISC_ENABLE_EMON 0x80ULL
#define APIC_BASE_ADDR	0xfee00000ULL
#define APIC_BASE_BSP	0x100ULL

/* 0x10a: readable with the CPUID bit; never writable by the guest */
static enum msr_rc ac_refused(const struct vcpu *v)
{
	return HAS(v->p, FL_AC_REQUIRES_CPUID) ? RC_UNSUPPORTED : RC_ONE;
}

/* 0x122 exists for the guest on VMX if its own 0x10a says TSX_CTRL_MSR */
static enum msr_rc tsx_ctrl_access(const struct vcpu *v)
{
	if (!vcpu_is_vmx(v))
		return RC_UNSUPPORTED;		/* SVM does not emulate it */
	if (!(v->ac & KMC_AC_TSX_CTRL_MSR))
		return RC_ONE;
	if (!(v->b->ac & KMC_AC_TSX_CTRL_MSR))
		return RC_UNSUPPORTED;		/* no host MSR behind it */
	return RC_OK;
}

static uint64_t apic_base(const struct vcpu *v)
{
	return APIC_BASE_ADDR | APIC_BASE_BSP |
	       (v->apic_enabled ? KMC_APIC_BASE_ENABLE : 0);
}

static bool virt_msr(uint32_t index)
{
	return index >= KMC_MSR_VIRT_ENUM && index <= KMC_MSR_VIRT_MITIG_CTRL;
}

enum msr_rc model_guest_rdmsr(struct vcpu *v, uint32_t index, uint64_t *val)
{
	enum msr_rc rc;

	switch (index) {
	case KMC_MSR_ARCH_CAPABILITIES:
		if (!vcpu_guest_has(v, KMC_F_ARCH_CAPABILITIES))
			return ac_refused(v);
		*val = v->ac;
		return RC_OK;
	case KMC_MSR_TSX_CTRL:
		rc = tsx_ctrl_access(v);
		if (rc == RC_OK)
			*val = v->tsx_ctrl;
		return rc;
	case KMC_MSR_MISC_ENABLE:
		*val = v->misc_enable;
		return RC_OK;
	case KMC_MSR_APIC_BASE:
		*val = apic_base(v);
		return RC_OK;
	case KMC_MSR_SPEC_CTRL:
		return model_spec_ctrl_rdmsr(v, val);
	default:
		return virt_msr(index) ? RC_UNSUPPORTED : RC_NOT_MODELLED;
	}
}

/*
 * MISC_ENABLE: MWAIT may change only with the quirk off and SSE3 (F.1);
 * BTS/PEBS_UNAVAIL read-only and EMON ignored since 6.0, before it the
 * guest wrote any value (5.10 x86.c l.3224)
 */
static enum msr_rc misc_enable_write(struct vcpu *v, uint64_t val)
{
	uint64_t old = v->misc_enable;

	if (HAS(v->p, FL_MISC_ENABLE_PMU_BITS)) {
		if ((old ^ val) & MISC_ENABLE_RO)
			return RC_ONE;
		val = (val & ~MISC_ENABLE_EMON) | (old & MISC_ENABLE_EMON);
	}
	if ((v->vm->disabled_quirks & KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT) &&
	    ((old ^ val) & KMC_MISC_ENABLE_MWAIT)) {
		if (!vcpu_guest_has(v, KMC_F_SSE3))
			return RC_ONE;
		v->misc_enable = val;
		if (v->has_table)
			v->table = model_runtime_bits(v, v->table);
		return RC_OK;
	}
	v->misc_enable = val;
	return RC_OK;
}

/* APIC_BASE: kmc models only toggling EN at the reset base address */
static enum msr_rc apic_base_write(struct vcpu *v, uint64_t val)
{
	if ((val & ~KMC_APIC_BASE_ENABLE) != (APIC_BASE_ADDR | APIC_BASE_BSP))
		return RC_NOT_MODELLED;
	v->apic_enabled = (val & KMC_APIC_BASE_ENABLE) != 0;
	if (v->has_table)
		v->table = model_runtime_bits(v, v->table);
	return RC_OK;
}

enum msr_rc model_guest_wrmsr(struct vcpu *v, uint32_t index, uint64_t val)
{
	enum msr_rc rc;

	switch (index) {
	case KMC_MSR_ARCH_CAPABILITIES:
		return ac_refused(v);
	case KMC_MSR_TSX_CTRL:
		rc = tsx_ctrl_access(v);
		/* reserved bits fault before KVM looks for the host MSR */
		if (rc != RC_ONE && vcpu_is_vmx(v) &&
		    (val & ~(KMC_TSX_CTRL_RTM_DISABLE | KMC_TSX_CTRL_CPUID_CLEAR)))
			return RC_ONE;
		if (rc == RC_OK)
			v->tsx_ctrl = val;
		return rc;
	case KMC_MSR_MISC_ENABLE:
		return misc_enable_write(v, val);
	case KMC_MSR_APIC_BASE:
		return apic_base_write(v, val);
	case KMC_MSR_SPEC_CTRL:
		return model_spec_ctrl_wrmsr(v, val);
	default:
		return virt_msr(index) ? RC_UNSUPPORTED : RC_NOT_MODELLED;
	}
}
