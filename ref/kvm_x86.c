// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/x86.c (and lapic.c for APIC_BASE): the feature MSR value
 * kvm_get_arch_capabilities(), the common MSR paths for 0x10a, 0x1a0 and
 * 0x1b, the "ignored"/"advertised" rules, the userspace MSR exits, the
 * host-initiated KVM_{GET,SET}_MSRS helpers, CR4 checks, vCPU create/reset.
 *
 * Line numbers: 6.1 = Debian 6.1.192 x86.c, 7.2 = Debian 7.2.13 x86.c.
 */
#include "ref.h"
#include "internal.h"

#define MISC_ENABLE_EMON		KMC_BIT(7)
#define MISC_ENABLE_BTS_UNAVAIL		KMC_BIT(11)
#define MISC_ENABLE_PEBS_UNAVAIL	KMC_BIT(12)
#define MISC_ENABLE_PMU_RO_MASK		(MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)
#define APIC_DEFAULT_PHYS_BASE		0xfee00000ull
#define APIC_BASE_BSP			KMC_BIT(8)
#define X2APIC_ENABLE			KMC_BIT(10)
/* MAXPHYADDR without a 0x80000008 leaf (cpuid_query_maxphyaddr); NOTES.md */
#define REF_GUEST_MAXPHYADDR		36

/*
 * KVM_SUPPORTED_ARCH_CAP: a Debian line's from its source (tables.c);
 * another release's as it grew (6.1 x86.c l.1623, 7.2 l.1202)
 */
static uint64_t kvm_supported_arch_cap(const struct ref_kernel *k)
{
	uint64_t m = KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_RSBA |
		     KMC_AC_SKIP_VMENTRY_L1DFLUSH | KMC_AC_SSB_NO | KMC_AC_MDS_NO |
		     KMC_AC_PSCHANGE_MC_NO | KMC_AC_TSX_CTRL_MSR | KMC_AC_TAA_NO |
		     KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO |
		     KMC_AC_FB_CLEAR | KMC_AC_RRSBA | KMC_AC_PBRSB_NO;

	if (k->line)
		return *k->line->kvm_supported_arch_cap;
	if (k->kvm_gds_no)
		m |= KMC_AC_GDS_NO;
	if (k->kvm_rfds_no)
		m |= KMC_AC_RFDS_NO | KMC_AC_RFDS_CLEAR;
	if (k->kvm_bhi_no)
		m |= KMC_AC_BHI_NO;
	if (k->kvm_its_no)
		m |= KMC_AC_ITS_NO;
	return m;
}

uint64_t ref_kvm_supported_arch_cap(struct kmc_kver v)
{
	struct ref_kernel k;

	ref_kernel_init(&k, v);
	return kvm_supported_arch_cap(&k);
}

/* 6.1 x86.c l.1631: reads the MSR live; >= 6.6: the module-init snapshot */
uint64_t kvm_get_arch_capabilities(const struct kvm_x86 *x)
{
	const struct ref_host *h = x->host;
	const struct ref_kernel *k = x->k;
	uint64_t data = 0;

	if (k->host_arch_cap_snapshot)
		data = x->host_arch_capabilities;
	else if (boot_cpu_has(h, F(ARCH_CAPABILITIES)))
		data = h->live_arch_cap;
	data &= kvm_supported_arch_cap(k);

	data |= KMC_AC_PSCHANGE_MC_NO;
	if (x->l1tf_vmx_mitigation != KMC_L1TF_VMX_NEVER)
		data |= KMC_AC_SKIP_VMENTRY_L1DFLUSH;
	if (!boot_cpu_has_bug(h, B(CPU_MELTDOWN)))
		data |= KMC_AC_RDCL_NO;
	if (!boot_cpu_has_bug(h, B(SPEC_STORE_BYPASS)))
		data |= KMC_AC_SSB_NO;
	if (!boot_cpu_has_bug(h, B(MDS)))
		data |= KMC_AC_MDS_NO;
	if (k->kvm_rfds_no && !boot_cpu_has_bug(h, B(RFDS)))
		data |= KMC_AC_RFDS_NO;
	if (k->kvm_its_no && !boot_cpu_has_bug(h, B(ITS)))
		data |= KMC_AC_ITS_NO;

	if (!boot_cpu_has(h, F(RTM)))
		data &= ~KMC_AC_TAA_NO;	/* TSX_CTRL kept for migration */
	else if (!boot_cpu_has_bug(h, B(TAA)))
		data |= KMC_AC_TAA_NO;

	if (k->kvm_gds_no && (!boot_cpu_has_bug(h, B(GDS)) || gds_ucode_mitigated(h)))
		data |= KMC_AC_GDS_NO;

	if (x->v->fb_clear_synth)
		data = variant_fb_clear_synth(data);
	return data;
}

/*
 * kvm_x86_vendor_init(): cpu caps, the ARCH_CAPABILITIES snapshot
 * (7.2 x86.c l.9708, >= 6.6), the user-return MSRs, the vendor module.
 */
void kvm_x86_vendor_init(struct kvm_x86 *x)
{
	struct ref_host *h = x->host;

	x->vmx = h->c.vendor != KMC_VENDOR_AMD && h->c.vendor != KMC_VENDOR_HYGON;
	x->tdp_enabled = x->vmx ? h->cmd->ept != 0 : true;
	x->ignore_msrs = h->cmd->ignore_msrs != 0;
	x->host_arch_capabilities = boot_cpu_has(h, F(ARCH_CAPABILITIES)) ? h->live_arch_cap : 0;
	/* kvm_probe_user_return_msr(): MSR 0x122 exists iff TSX_CTRL_MSR */
	x->tsx_ctrl_uret = x->vmx && (h->c.arch_cap & KMC_AC_TSX_CTRL_MSR);
	x->l1tf_vmx_mitigation = KMC_L1TF_VMX_AUTO;

	kvm_set_cpu_caps(x);
	if (x->vmx) {
		x->spec_ctrl_shadow = h->cmd->spec_ctrl_shadow != 0;
		vmx_setup_fb_clear_ctrl(x);
		vmx_setup_l1d_flush(x);
		vmx_hardware_setup_force_spec_ctrl(x);
	}
}

/*
 * KVM_ENABLE_CAP(KVM_CAP_FORCE_SPEC_CTRL), RFC v3 01/10
 * kvm_vm_ioctl_enable_cap(): before any vCPU; the value only within what
 * KVM can force, and within the mask.  A stock kernel: -EINVAL.
 */
int kvm_vm_ioctl_enable_cap_force_spec_ctrl(const struct kvm_x86 *x, struct kvm *kvm,
					   uint64_t mask, uint64_t value)
{
	if (!x->supported_force_spec_ctrl || (~x->supported_force_spec_ctrl & value) ||
	    (~mask & value))
		return REF_EINVAL;
	kvm->force_spec_ctrl_mask = mask;
	kvm->force_spec_ctrl_value = value;
	return 0;
}

bool guest_has(const struct kvm_vcpu *vcpu, uint64_t f)
{
	if (kvm_uses_cpu_caps(vcpu->x))
		return (vcpu->cpu_caps & f) != 0;	/* guest_cpu_cap_has() */
	return vcpu->has_cpuid && (vcpu->cpuid & f);	/* guest_cpuid_has() */
}

static bool kvm_check_has_quirk(const struct kvm *kvm, uint32_t quirk)
{
	return !(kvm->disabled_quirks & quirk);
}

/* msrs_to_save + emulated_msrs (kvm_is_advertised_msr / kvm_is_msr_to_save) */
static bool kvm_is_advertised_msr(const struct kvm_x86 *x, uint32_t index)
{
	switch (index) {
	case KMC_MSR_ARCH_CAPABILITIES:
	case KMC_MSR_MISC_ENABLE:
	case KMC_MSR_APIC_BASE:
		return true;
	case KMC_MSR_TSX_CTRL:
		/*
		 * kvm_probe_msr_to_save() at module init: only if the feature
		 * value has TSX_CTRL_MSR, which is the host's bit passed through
		 */
		return (x->host_arch_capabilities & KMC_AC_TSX_CTRL_MSR) != 0;
	default:
		return false;
	}
}

/* lapic.c kvm_set_apic_base() / 7.2 kvm_apic_set_base() */
static int kvm_set_apic_base(struct kvm_vcpu *vcpu, uint64_t data, bool host)
{
	uint64_t old = vcpu->apic_base;
	uint64_t rsvd = ~((1ull << REF_GUEST_MAXPHYADDR) - 1) | 0x2ff | X2APIC_ENABLE;
	bool old_en = old & KMC_APIC_BASE_ENABLE, old_x2 = old & X2APIC_ENABLE;
	bool en = data & KMC_APIC_BASE_ENABLE, x2 = data & X2APIC_ENABLE;

	/* no X2APIC in kmc's guest CPUID: EXTD is reserved */
	if ((data & rsvd) || (!en && x2))
		return 1;
	if (!host) {
		if (old_en && old_x2 && en && !x2)
			return 1;
		if (!old_en && x2)
			return 1;
	}
	vcpu->apic_base = data;
	if ((old ^ data) & KMC_APIC_BASE_ENABLE)
		kvm_update_cpuid_runtime(vcpu);	/* kvm_lapic_set_base() */
	return 0;
}

int kvm_get_msr_common(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host)
{
	const struct ref_kernel *k = vcpu->x->k;

	switch (index) {
	case KMC_MSR_ARCH_CAPABILITIES:
		if (k->arch_cap_gated) {
			/* 7.2 l.3976: host reads gated too, then "advertised" -> 0 */
			if (!guest_has(vcpu, F(ARCH_CAPABILITIES)))
				return KVM_MSR_RET_UNSUPPORTED;
		} else if (!host && !guest_has(vcpu, F(ARCH_CAPABILITIES))) {
			return 1;	/* 6.1 l.4019 */
		}
		*data = vcpu->arch_capabilities;
		return 0;
	case KMC_MSR_MISC_ENABLE:
		*data = vcpu->ia32_misc_enable_msr;
		return 0;
	case KMC_MSR_APIC_BASE:
		*data = vcpu->apic_base;
		return 0;
	default:
		/* before kvm_do_msr_access(): host reads of msrs_to_save give 0 */
		if (!k->kvm_do_msr_access && host && kvm_is_advertised_msr(vcpu->x, index)) {
			*data = 0;
			return 0;
		}
		return KVM_MSR_RET_UNSUPPORTED;
	}
}

int kvm_set_msr_common(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host)
{
	const struct ref_kernel *k = vcpu->x->k;
	uint64_t old;

	switch (index) {
	case KMC_MSR_ARCH_CAPABILITIES:
		if (k->arch_cap_gated) {
			/* 7.2 l.3503 */
			if (!host || !guest_has(vcpu, F(ARCH_CAPABILITIES)))
				return KVM_MSR_RET_UNSUPPORTED;
		} else if (!host) {
			return 1;	/* 6.1 l.3609 */
		}
		/* variant 004 (lkml 004): reject bits KVM does not advertise */
		if (vcpu->x->v->validate_arch_cap && (data & ~kvm_get_arch_capabilities(vcpu->x)))
			return 1;
		vcpu->arch_capabilities = data;	/* any value: no validation (D.2) */
		return 0;
	case KMC_MSR_MISC_ENABLE:
		old = vcpu->ia32_misc_enable_msr;
		if (!host && k->misc_enable_pmu_ro) {
			if ((old ^ data) & MISC_ENABLE_PMU_RO_MASK)
				return 1;
			data = (data & ~MISC_ENABLE_EMON) | (old & MISC_ENABLE_EMON);
		}
		if (!kvm_check_has_quirk(vcpu->kvm, KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT) &&
		    ((old ^ data) & KMC_MISC_ENABLE_MWAIT)) {
			if (!guest_has(vcpu, F(SSE3)))
				return 1;
			vcpu->ia32_misc_enable_msr = data;
			kvm_update_cpuid_runtime(vcpu);
		} else {
			vcpu->ia32_misc_enable_msr = data;
		}
		return 0;
	case KMC_MSR_APIC_BASE:
		return kvm_set_apic_base(vcpu, data, host);
	default:
		if (!k->kvm_do_msr_access && host && !data && kvm_is_advertised_msr(vcpu->x, index))
			return 0;	/* 6.1 l.3912: write '0' to msrs_to_save */
		return KVM_MSR_RET_UNSUPPORTED;
	}
}

static int vendor_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host)
{
	return vcpu->x->vmx ? vmx_get_msr(vcpu, index, data, host) :
			      svm_get_msr(vcpu, index, data, host);
}

static int vendor_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host)
{
	return vcpu->x->vmx ? vmx_set_msr(vcpu, index, data, host) :
			      svm_set_msr(vcpu, index, data, host);
}

/*
 * kvm_do_msr_access() (6.12 x86.c l.489, 7.2 l.518), or before it
 * kvm_{get,set}_msr_ignored_check() (6.1 l.1906/1951): only
 * KVM_MSR_RET_UNSUPPORTED is subject to ignore_msrs.
 */
static int kvm_msr_access(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data,
			  bool host, bool write)
{
	const struct kvm_x86 *x = vcpu->x;
	int ret;

	ret = write ? vendor_set_msr(vcpu, index, *data, host) :
		      vendor_get_msr(vcpu, index, data, host);
	if (ret && !write)
		*data = 0;
	if (ret != KVM_MSR_RET_UNSUPPORTED)
		return ret;

	if (x->k->kvm_do_msr_access && host && !*data && kvm_is_advertised_msr(x, index))
		return 0;
	if (!x->ignore_msrs)
		return ret;
	return 0;
}

/* do_get_msr(): KVM_GET_MSRS on the vCPU fd */
int do_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data)
{
	*data = 0;
	return kvm_msr_access(vcpu, index, data, true, false);
}

static bool kvm_is_immutable_feature_msr(uint32_t index)
{
	/* of the MSRs ref implements, only ARCH_CAPABILITIES is a feature MSR */
	return index == KMC_MSR_ARCH_CAPABILITIES;
}

/* do_set_msr(): 6.1 l.2225; >= 6.4 rejects changing feature MSRs after run */
int do_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data)
{
	uint64_t val;

	if (vcpu->x->k->immutable_feature_msrs && vcpu->has_run &&
	    kvm_is_immutable_feature_msr(index) &&
	    (do_get_msr(vcpu, index, &val) || *data != val))
		return REF_EINVAL;

	return kvm_msr_access(vcpu, index, data, true, true);
}

/* kvm_msr_allowed(): the VM's MSR filter */
static bool kvm_msr_allowed(const struct kvm_vcpu *vcpu, uint32_t index, bool write)
{
	if (!write && index == KMC_MSR_ARCH_CAPABILITIES && vcpu->kvm->filter_arch_cap_read)
		return false;
	if (vcpu->kvm->filter_virt_msrs &&
	    index >= KMC_MSR_VIRT_ENUM && index <= KMC_MSR_VIRT_MITIG_CTRL)
		return false;
	return true;
}

static uint8_t kvm_msr_reason(int r)
{
	if (r == KVM_MSR_RET_UNSUPPORTED)
		return KMC_MSR_EXIT_UNKNOWN;
	if (r == KVM_MSR_RET_FILTERED)
		return KMC_MSR_EXIT_FILTER;
	return KMC_MSR_EXIT_INVAL;
}

/*
 * The VMM's half of 09/10, moved to userspace as Sean Christopherson asks:
 * a guest using the short BHB-clearing sequence gets BHI_DIS_S forced when
 * KVM has BHI_CTRL and the host's 0x10a lacks BHI_NO -- through
 * KVM_CAP_FORCE_SPEC_CTRL adjusted for this vCPU after creation (the
 * "tweaks" Chao Gao names; v3 takes the cap only before vCPUs exist).  A
 * bit the VM-wide capability already masks is left as it says.
 */
static void vmm_bhi_dis_s(struct kvm_vcpu *vcpu)
{
	const struct kvm_x86 *x = vcpu->x;
	uint64_t m = 0;

	if ((vcpu->virt_mitig_ctrl & KMC_MITI_CTRL_BHB_CLEAR_SEQ_S) &&
	    (x->kvm_cpu_caps & F(BHI_CTRL)) && !(x->host_arch_capabilities & KMC_AC_BHI_NO) &&
	    (x->supported_force_spec_ctrl & KMC_SPEC_CTRL_BHI_DIS_S))
		m = KMC_SPEC_CTRL_BHI_DIS_S & ~vcpu->kvm->force_spec_ctrl_mask;
	vmx_force_spec_ctrl_adjust(vcpu, m, m);
}

/*
 * What the VMM does with a KVM_EXIT_X86_{RD,WR}MSR: FILTER exits are
 * answered (0x10a with uemu_arch_cap; the Intel virtual MSRs by the
 * variant-002 emulation), every other exit completes with an error (#GP).
 * Returns true when userspace answered without error.
 */
static bool userspace_msr_exit(struct kvm_vcpu *vcpu, uint8_t reason, uint32_t index,
			       bool write, uint64_t *data)
{
	if (reason != KMC_MSR_EXIT_FILTER)
		return false;
	if (index == KMC_MSR_ARCH_CAPABILITIES && !write) {
		*data = vcpu->kvm->uemu_arch_cap;
		return true;
	}
	switch (index) {
	case KMC_MSR_VIRT_ENUM:		/* bit 0: mitigation control supported */
		*data = KMC_VIRT_ENUM_MITIGATION_CTRL;
		return !write;
	case KMC_MSR_VIRT_MITIG_ENUM:	/* 09/10: MITI_ENUM_VALID_BITS */
		*data = KMC_MITI_ENUM_BHB_CLEAR_SEQ_S;
		return !write;
	case KMC_MSR_VIRT_MITIG_CTRL:
		if (!write) {
			*data = vcpu->virt_mitig_ctrl;
			return true;
		}
		if (*data & ~KMC_MITI_CTRL_BHB_CLEAR_SEQ_S)	/* MITI_CTRL_VALID_BITS */
			return false;
		vcpu->virt_mitig_ctrl = *data;
		vmm_bhi_dis_s(vcpu);
		return true;
	default:
		return false;
	}
}

/* kvm_msr_user_space() + the VMM's completion, into a kmc_result */
static void kvm_msr_fault(struct kvm_vcpu *vcpu, uint32_t index, bool write, uint64_t data,
			  int r, struct kmc_result *res)
{
	uint8_t reason = kvm_msr_reason(r);

	if (!(vcpu->kvm->user_space_msr_mask & reason)) {
		res->kind = KMC_RES_GP;		/* kvm_inject_gp() */
		return;
	}
	res->kind = KMC_RES_EXIT;
	res->exit = reason;
	res->n = userspace_msr_exit(vcpu, reason, index, write, &data);
	res->value = res->n && !write ? data : 0;
}

/* kvm_emulate_rdmsr(): 6.1 l.2056 */
void kvm_emulate_rdmsr(struct kvm_vcpu *vcpu, uint32_t index, struct kmc_result *res)
{
	uint64_t data = 0;
	int r;

	if (!kvm_msr_allowed(vcpu, index, false))
		r = KVM_MSR_RET_FILTERED;
	else
		r = kvm_msr_access(vcpu, index, &data, false, false);

	if (!r) {
		res->kind = KMC_RES_VALUE;
		res->value = data;
		return;
	}
	kvm_msr_fault(vcpu, index, false, 0, r, res);
}

/* kvm_emulate_wrmsr(): 6.1 l.2081 */
void kvm_emulate_wrmsr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data,
		       struct kmc_result *res)
{
	uint64_t d = data;
	int r;

	if (!kvm_msr_allowed(vcpu, index, true))
		r = KVM_MSR_RET_FILTERED;
	else
		r = kvm_msr_access(vcpu, index, &d, false, true);

	if (!r) {
		res->kind = KMC_RES_OK;
		return;
	}
	kvm_msr_fault(vcpu, index, true, data, r, res);
}

/*
 * __kvm_is_valid_cr4(): 6.1 l.1140 checks KVM's global cr4_reserved_bits
 * and the per-vCPU guest bits; from 6.14 (7520a53b8e0a) the per-vCPU mask
 * already holds KVM's bits (7.2 regs.h l.329).
 */
static uint64_t cr4_reserved_bits_kvm(const struct kvm_x86 *x)
{
	uint64_t r = 0;

	if (!(x->kvm_cpu_caps & F(XSAVE)))
		r |= KMC_CR4_OSXSAVE;
	if (!(x->kvm_cpu_caps & F(FSGSBASE)))
		r |= KMC_CR4_FSGSBASE;
	if (!(x->kvm_cpu_caps & F(PKU)))
		r |= KMC_CR4_PKE;
	return r;
}

int kvm_set_cr4(struct kvm_vcpu *vcpu, uint64_t cr4)
{
	uint64_t old = vcpu->cr4;

	if (cr4 & cr4_reserved_bits_kvm(vcpu->x))
		return 1;
	if (cr4 & vcpu->cr4_guest_rsvd_bits)
		return 1;
	vcpu->cr4 = cr4;	/* vmx_set_cr4() / svm_set_cr4() */
	if ((cr4 ^ old) & (KMC_CR4_OSXSAVE | KMC_CR4_PKE))
		kvm_update_cpuid_runtime(vcpu);
	return 0;
}

/*
 * kvm_vcpu_reset(): on RESET (vCPU creation) MISC_ENABLE and APIC_BASE get
 * their reset values; INIT keeps them.  CR4 goes to 0 either way.  The
 * vendor reset recomputes FB_CLEAR_DIS (vmx_vcpu_reset, 6.1 vmx.c l.4855).
 */
void kvm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event)
{
	if (!init_event) {
		/* init_vmcs(), 06/10: the VM's forced bits for this vCPU */
		vcpu->force_spec_ctrl_mask = vcpu->kvm->force_spec_ctrl_mask;
		vcpu->force_spec_ctrl_value = vcpu->kvm->force_spec_ctrl_value;
		/* kvm_lapic_reset(): in-kernel LAPIC, vCPU 0 is the BSP */
		kvm_set_apic_base(vcpu, APIC_DEFAULT_PHYS_BASE | KMC_APIC_BASE_ENABLE |
				  APIC_BASE_BSP, true);
		/* 5.10 never assigns it: the zeroed vCPU's 0 */
		vcpu->ia32_misc_enable_msr = vcpu->x->k->misc_enable_pmu_ro ?
			MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_BTS_UNAVAIL : 0;
	}
	if (vcpu->cr4) {
		uint64_t old = vcpu->cr4;

		vcpu->cr4 = 0;
		if (old & (KMC_CR4_OSXSAVE | KMC_CR4_PKE))
			kvm_update_cpuid_runtime(vcpu);
	}
	if (vcpu->x->vmx) {
		vmx_set_spec_ctrl(vcpu, 0);	/* vmx_vcpu_reset() */
		vmx_update_fb_clear_dis(vcpu);
	}
}

/* forward: kvm_cpuid.c */
void kvm_vcpu_after_set_cpuid(struct kvm_vcpu *vcpu);

/*
 * kvm_arch_vcpu_create(): 6.1 l.12081 stores kvm_get_arch_capabilities()
 * after the vendor vcpu_create; >= 6.13 only under
 * KVM_X86_QUIRK_STUFF_FEATURE_MSRS (7.2 l.12032).  7.2 also runs
 * kvm_vcpu_after_set_cpuid() on the empty CPUID (l.12053).
 */
void kvm_arch_vcpu_create(struct kvm_vcpu *vcpu)
{
	const struct ref_kernel *k = vcpu->x->k;

	if (!k->stuff_feature_msrs_quirk ||
	    kvm_check_has_quirk(vcpu->kvm, KMC_KVM_QUIRK_STUFF_FEATURE_MSRS))
		vcpu->arch_capabilities = kvm_get_arch_capabilities(vcpu->x);
	if (kvm_uses_cpu_caps(vcpu->x))
		kvm_vcpu_after_set_cpuid(vcpu);
	kvm_vcpu_reset(vcpu, false);
}
