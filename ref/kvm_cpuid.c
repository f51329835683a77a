// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/cpuid.c: kvm_cpu_caps (kvm_set_cpu_caps in 6.1/6.12,
 * kvm_initialize_cpu_caps in 7.2), the emulated leaf function,
 * KVM_SET_CPUID2 (incl. after KVM_RUN), the runtime CPUID bits and the
 * per-vCPU cpu_caps.
 *
 * A CPUID table is kept as its KMC_F_* bits; the other leaves of kmc's
 * base table are the same in every KVM_SET_CPUID2 and carry no runtime bits.
 */
#include <stddef.h>
#include "internal.h"

bool kvm_uses_cpu_caps(const struct kvm_x86 *x)
{
	return x->k->cpu_caps || x->v->caps_and;
}

/*
 * The KMC_F_* part of kvm_cpu_caps.  F(): kernel (boot_cpu_data) AND raw
 * CPUID; SYNTHESIZED_F() / check_and_set: kernel only; KVM-only leaf 7.2.EDX:
 * raw only; EMULATED_F(): always; RUNTIME_F(): never (6.1 cpuid.c l.580ff,
 * 7.2 l.835ff).
 */
void kvm_set_cpu_caps(struct kvm_x86 *x)
{
	const struct ref_host *h = x->host;
	const struct ref_kernel *k = x->k;
	uint64_t kern = h->c.caps, raw = h->c.raw, fk = kern & raw;
	bool ibpb = (kern & F(SPEC_CTRL)) || (kern & F(AMD_IBPB));
	uint64_t caps;

	caps = fk & (F(MD_CLEAR) | F(RTM) | F(HLE) | F(FSGSBASE) | F(RDSEED) | F(RDPID) |
		     F(SSE3) | F(MOVBE) | F(XSAVE) | F(AVX) | F(RDRAND) | F(APIC) |
		     F(RDTSCP) | F(AMD_IBPB) | F(AMD_SSB_NO) | F(VERW_CLEAR) | F(SPEC_CTRL) |
		     F(PKU));
	caps |= raw & (F(RRSBA_CTRL) | F(BHI_CTRL));
	caps |= F(ARCH_CAPABILITIES);		/* emulated in software */
	caps |= kern & F(SRSO_NO);
	if (k->kvm_flush_l1d)
		caps |= fk & F(FLUSH_L1D);
	if (k->kvm_autoibrs)
		caps |= fk & F(AUTOIBRS);
	if (k->bug_tsa)
		caps |= kern & (F(TSA_SQ_NO) | F(TSA_L1_NO));
	if (k->kvm_hypervisor_emulated)
		caps |= F(HYPERVISOR);

	/* PKU: needs TDP and host OSPKE (CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS=y) */
	if (!x->tdp_enabled || !(kern & F(PKU)))
		caps &= ~F(PKU);

	/*
	 * AMD's separate SPEC_CTRL bits.  X86_FEATURE_IBPB/IBRS are derived
	 * from SPEC_CTRL (Intel) or AMD_IBPB/AMD_IBRS; kmc has no AMD_IBRS bit
	 * and takes AMD_IBRS = AMD_IBPB (NOTES.md).
	 */
	if (k->kvm_amd_ibpb_ret) {
		if ((kern & F(AMD_IBPB_RET)) && (kern & F(AMD_IBPB)))
			caps |= F(SPEC_CTRL);
		caps |= fk & F(AMD_IBPB_RET);
		if (ibpb && (kern & F(SPEC_CTRL)) && !boot_cpu_has_bug(h, B(EIBRS_PBRSB)))
			caps |= F(AMD_IBPB_RET);
	} else if (ibpb) {
		caps |= F(SPEC_CTRL);	/* IBPB && IBRS */
	}
	if (ibpb)
		caps |= F(AMD_IBPB);
	if (!boot_cpu_has_bug(h, B(SPEC_STORE_BYPASS)))
		caps |= F(AMD_SSB_NO);

	x->kvm_cpu_caps = caps;
}

/* __do_cpuid_func_emulated() / 7.2 cpuid_func_emulated() l.1371 */
uint64_t kvm_cpuid_func_emulated(const struct kvm_x86 *x, bool include_partially_emulated)
{
	uint64_t e = F(MOVBE);

	if (include_partially_emulated)
		e |= F(MWAIT);
	if (x->kvm_cpu_caps & F(RDTSCP))
		e |= F(RDPID);
	return e;
}

uint64_t kvm_get_supported_cpuid(const struct kvm_x86 *x)
{
	return x->kvm_cpu_caps;
}

/*
 * __kvm_update_cpuid_runtime() on a table: 6.1 cpuid.c l.269 updates
 * OSXSAVE only with host XSAVE and OSPKE only with host PKU; from 6.14
 * irrespective of host support (7.2 l.289).  *@touched gets the bits the
 * update owns.
 */
static uint64_t cpuid_runtime_bits(const struct kvm_vcpu *vcpu, uint64_t t, uint64_t *touched)
{
	const struct kvm_x86 *x = vcpu->x;
	bool always = x->k->runtime_os_bits_always;
	uint64_t on = 0, mask = F(APIC);

	if (vcpu->apic_base & KMC_APIC_BASE_ENABLE)
		on |= F(APIC);
	if (always || boot_cpu_has(x->host, F(XSAVE))) {
		mask |= F(OSXSAVE);
		if (vcpu->cr4 & KMC_CR4_OSXSAVE)
			on |= F(OSXSAVE);
	}
	if (always || boot_cpu_has(x->host, F(PKU))) {
		mask |= F(OSPKE);
		if (vcpu->cr4 & KMC_CR4_PKE)
			on |= F(OSPKE);
	}
	if (vcpu->kvm->disabled_quirks & KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT) {
		mask |= F(MWAIT);
		if (vcpu->ia32_misc_enable_msr & KMC_MISC_ENABLE_MWAIT)
			on |= F(MWAIT);
	}
	if (touched)
		*touched = mask;
	return (t & ~mask) | on;
}

void kvm_update_cpuid_runtime(struct kvm_vcpu *vcpu)
{
	uint64_t mask;

	if (!vcpu->has_cpuid)
		return;
	vcpu->cpuid = cpuid_runtime_bits(vcpu, vcpu->cpuid, &mask);
	/* 7.2 kvm_update_feature_runtime(): the cap follows the CPUID bit */
	if (kvm_uses_cpu_caps(vcpu->x))
		vcpu->cpu_caps = (vcpu->cpu_caps & ~mask) | (vcpu->cpuid & mask);
}

static uint64_t cr4_reserved_bits(uint64_t has)
{
	uint64_t r = 0;

	if (!(has & F(XSAVE)))
		r |= KMC_CR4_OSXSAVE;
	if (!(has & F(FSGSBASE)))
		r |= KMC_CR4_FSGSBASE;
	if (!(has & F(PKU)))
		r |= KMC_CR4_PKE;
	return r;
}

/* kvm_vcpu_after_set_cpuid(): 6.1 cpuid.c l.344, 7.2 l.375 */
void kvm_vcpu_after_set_cpuid(struct kvm_vcpu *vcpu)
{
	const struct kvm_x86 *x = vcpu->x;
	uint64_t table = vcpu->has_cpuid ? vcpu->cpuid : 0;

	if (kvm_uses_cpu_caps(x)) {
		/* a vCPU has a feature if KVM supports or emulates it and guest CPUID has it */
		vcpu->cpu_caps = (x->kvm_cpu_caps | kvm_cpuid_func_emulated(x, true)) & table;
		kvm_update_cpuid_runtime(vcpu);
	}

	if (x->k->cr4_kvm_rsvd_in_guest_rsvd || x->v->caps_and)
		vcpu->cr4_guest_rsvd_bits = cr4_reserved_bits(x->kvm_cpu_caps) |
					    cr4_reserved_bits(vcpu->cpu_caps);
	else
		vcpu->cr4_guest_rsvd_bits = cr4_reserved_bits(table);
	if (x->vmx)
		vmx_vcpu_after_set_cpuid(vcpu);
}

/*
 * kvm_set_cpuid(): 6.1 cpuid.c l.414.  The incoming table gets the runtime
 * bits first; after KVM_RUN only an identical table is accepted (-EINVAL
 * otherwise, c6617c61e8fe; from 5.16, before it any table as before the run).  7.2 (l.509) swaps the tables and applies the
 * runtime bits to the incoming one: the same comparison.
 */
int kvm_set_cpuid(struct kvm_vcpu *vcpu, uint64_t table)
{
	uint64_t e2 = cpuid_runtime_bits(vcpu, table, NULL);

	if (vcpu->has_run && vcpu->x->k->cpuid_frozen_after_run) {
		/* kvm_cpuid_check_equal(): nent, then every entry */
		if (!vcpu->has_cpuid || e2 != vcpu->cpuid)
			return REF_EINVAL;
		return 0;
	}

	vcpu->cpuid = e2;
	vcpu->has_cpuid = true;
	kvm_vcpu_after_set_cpuid(vcpu);
	return 0;
}

/*
 * kvm_emulate_cpuid(): the guest reads its table (runtime bits applied);
 * leaf 7 loses RTM and HLE while the guest's TSX_CTRL has CPUID_CLEAR
 * (kvm_cpuid(), 6.1 cpuid.c l.1480, 6.12 l.1653, 7.2 l.2115).
 */
uint64_t kvm_emulate_cpuid(struct kvm_vcpu *vcpu, uint64_t asked)
{
	uint64_t ebx, data;

	if (!vcpu->has_cpuid)
		return 0;
	ebx = asked & vcpu->cpuid;
	if (vcpu->x->vmx && !vmx_get_msr(vcpu, KMC_MSR_TSX_CTRL, &data, true) &&
	    (data & KMC_TSX_CTRL_CPUID_CLEAR))
		ebx &= ~(F(RTM) | F(HLE));
	return ebx;
}

/*
 * obs.cpu_caps: what KVM's feature checks consult.  6.1: the guest CPUID
 * table; 6.6-6.13: the same (no KMC_F_* feature is "governed",
 * 6.12 governed_features.h); >= 6.14: vcpu->arch.cpu_caps.  APIC, OSXSAVE
 * and OSPKE are never queried as caps (7.2 cpuid.h l.268).
 */
uint64_t kvm_cpu_caps_obs(const struct kvm_vcpu *vcpu)
{
	uint64_t c;

	if (kvm_uses_cpu_caps(vcpu->x))
		c = vcpu->cpu_caps;
	else
		c = vcpu->has_cpuid ? vcpu->cpuid : 0;
	/* the observation covers the features whose KVM support kmc models */
	return c & KMC_KVM_CPUID_MASK & ~(F(APIC) | F(OSXSAVE) | F(OSPKE));
}
