// SPDX-License-Identifier: GPL-2.0
/*
 * Guest CPUID and the capabilities KVM enforces (kernel-facts F): runtime
 * bits, cpu_caps per kernel, and the CR4 bits a guest may set.
 */
#include "internal.h"

/* The bits KVM never queries as capabilities (F.3: build error in U) */
#define NOT_CAPS (KMC_F(APIC) | KMC_F(OSXSAVE) | KMC_F(OSPKE))

static uint64_t change(uint64_t t, enum kmc_feat f, bool on)
{
	return on ? t | KMC_BIT(f) : t & ~KMC_BIT(f);
}

/*
 * KVM rewrites some CPUID bits from vCPU state (F.1, F.3): OSXSAVE from
 * CR4.OSXSAVE and OSPKE from CR4.PKE (before 6.14 only if the host kernel
 * has XSAVE / PKU), APIC from APIC_BASE.EN, and MWAIT from
 * MISC_ENABLE[18] when the MISC_ENABLE_NO_MWAIT quirk is disabled.
 */
uint64_t model_runtime_bits(const struct vcpu *v, uint64_t t)
{
	bool any_host = HAS(v->p, FL_CPU_CAPS);

	if (any_host || HAS_F(v->b->feat, XSAVE))
		t = change(t, KMC_F_OSXSAVE, v->cr4 & KMC_CR4_OSXSAVE);
	t = change(t, KMC_F_APIC, v->apic_enabled);
	if (any_host || HAS_F(v->b->feat, PKU))
		t = change(t, KMC_F_OSPKE, v->cr4 & KMC_CR4_PKE);
	if (v->vm->disabled_quirks & KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT)
		t = change(t, KMC_F_MWAIT, v->misc_enable & KMC_MISC_ENABLE_MWAIT);
	return t;
}

/* What KVM can give a guest: supported, or emulated (MWAIT partly, F.3) */
static uint64_t kvm_caps(const struct vcpu *v)
{
	return model_kvm_cpuid(v->p, v->h, v->b) | model_kvm_emul_cpuid(v->h) |
	       KMC_F(MWAIT);
}

/*
 * cpu_caps: 6.1 consults the guest's CPUID table itself; 6.6-6.13 add
 * "governed" features, none of which kmc models; from 6.14 every
 * capability is (KVM | emulated) & guest CPUID.  MWAIT counts as emulated,
 * and with the quirk off the table's MWAIT already follows MISC_ENABLE.
 */
uint64_t model_cpu_caps(const struct vcpu *v)
{
	uint64_t caps;

	if (!v->has_table)
		return 0;
	caps = v->table & KMC_KVM_CPUID_MASK & ~NOT_CAPS;
	if (!HAS(v->p, FL_CPU_CAPS))
		return caps;
	return caps & kvm_caps(v);
}

/* Whether KVM lets the guest have a CPUID feature at all */
static bool guest_may(const struct vcpu *v, enum kmc_feat f)
{
	if (HAS(v->p, FL_CPU_CAPS))
		return (model_cpu_caps(v) & KMC_BIT(f)) != 0;
	return vcpu_guest_has(v, f) && (model_kvm_cpuid(v->p, v->h, v->b) & KMC_BIT(f));
}

/*
 * MOV to CR4: OSXSAVE needs XSAVE, PKE needs PKU, FSGSBASE needs FSGSBASE,
 * each in the guest's CPUID and in KVM's own caps.  Exception (F.4): VMX
 * before 6.14 passes CR4.FSGSBASE through whenever the guest's CPUID has
 * it, so the hardware decides, not KVM.
 */
bool model_cr4_ok(const struct vcpu *v, uint64_t bits)
{
	if ((bits & KMC_CR4_OSXSAVE) && !guest_may(v, KMC_F_XSAVE))
		return false;
	if ((bits & KMC_CR4_PKE) && !guest_may(v, KMC_F_PKU))
		return false;
	if (bits & KMC_CR4_FSGSBASE) {
		bool passthrough = vcpu_is_vmx(v) && !HAS(v->p, FL_CR4_KVM_RESERVED) &&
				   vcpu_guest_has(v, KMC_F_FSGSBASE);

		if (passthrough)
			return HAS_F(v->h->cpuid, FSGSBASE);
		if (!guest_may(v, KMC_F_FSGSBASE))
			return false;
	}
	return true;
}

/*
 * After KVM_SET_CPUID2 (VMX): the guest's TSX_CTRL starts as RTM_DISABLE
 * unless its CPUID has RTM, where the host has RTM and the MSR.
 */
void model_after_set_cpuid(struct vcpu *v)
{
	if (vcpu_is_vmx(v) && HAS_F(v->b->feat, RTM) &&
	    (v->b->ac & KMC_AC_TSX_CTRL_MSR))
		v->tsx_ctrl = vcpu_guest_has(v, KMC_F_RTM) ? 0 : KMC_TSX_CTRL_RTM_DISABLE;
}
