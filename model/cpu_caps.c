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

/* The CR4 bits that need a CPUID feature, and the feature each needs */
static const struct {
	uint64_t cr4;
	enum kmc_feat feat;
} cr4_feature[] = {
	{ KMC_CR4_OSXSAVE, KMC_F_XSAVE },
	{ KMC_CR4_PKE, KMC_F_PKU },
	{ KMC_CR4_FSGSBASE, KMC_F_FSGSBASE },
};

/* The CR4 bits a feature set leaves reserved */
static uint64_t cr4_reserved_by(uint64_t features)
{
	uint64_t r = 0;

	UNROLLED
	for (unsigned int i = 0; i < sizeof(cr4_feature) / sizeof(cr4_feature[0]); i++)
		if (!(features & KMC_BIT(cr4_feature[i].feat)))
			r |= cr4_feature[i].cr4;
	return r;
}

/*
 * The vCPU's own reserved CR4 bits (cr4_guest_rsvd_bits, F.4): none until
 * the CPUID table is set before 6.14 (only KVM_SET_CPUID2 computes them);
 * from 6.14 vCPU creation computes them from the empty table, and they
 * include KVM's own reserved bits (7520a53b8e0a).
 */
static uint64_t cr4_guest_reserved(const struct vcpu *v)
{
	if (HAS(v->p, FL_CPU_CAPS))
		return cr4_reserved_by(model_cpu_caps(v)) |
		       (HAS(v->p, FL_CR4_KVM_RESERVED) ?
			cr4_reserved_by(model_kvm_cpuid(v->p, v->h, v->b)) : 0);
	return v->has_table ? cr4_reserved_by(v->table) : 0;
}

/*
 * MOV to CR4.  On VMX, FSGSBASE is guest-owned unless the vCPU's own
 * reserved bits have it: a write that changes only guest-owned bits never
 * exits, and the CPU alone decides (F.4: before 6.14 KVM's reserved bits
 * were not in that mask, so a guest could set FSGSBASE against a
 * `nofsgsbase` host).  Any other write exits and KVM checks the whole new
 * value against its own reserved bits and the vCPU's (__kvm_is_valid_cr4);
 * SVM intercepts every CR4 write.
 */
bool model_cr4_ok(const struct vcpu *v, uint64_t bits)
{
	uint64_t new = v->cr4 | bits, changed = new ^ v->cr4;
	uint64_t guest_rsvd = cr4_guest_reserved(v);
	uint64_t owned = vcpu_is_vmx(v) ? KMC_CR4_FSGSBASE & ~guest_rsvd : 0;

	if (!changed)
		return true;
	if (!(changed & ~owned))
		return HAS_F(v->h->cpuid, FSGSBASE);
	return !(new & (guest_rsvd | cr4_reserved_by(model_kvm_cpuid(v->p, v->h, v->b))));
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
