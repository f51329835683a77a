// SPDX-License-Identifier: GPL-2.0
/*
 * The host's boot, as far as KVM cares: read 0x10a, derive the bugs, apply
 * tsx=, choose the VERW-based mitigations (MDS, TAA, MMIO, RFDS), GDS and
 * L1TF, then load KVM's vendor module.  docs/rules.md "Host boot" cites
 * each rule (kernel-facts B.5, C.3, E.3; bugs.c and tsx.c of 6.1.192,
 * 6.12.117 and 7.2.13).
 */
#include "internal.h"

/* tsx_init(): the TSX mode and whether RTM/HLE survive it */
enum tsx_state { TSX_NOT_SUPPORTED, TSX_ENABLE, TSX_DISABLE, TSX_ALWAYS_ABORT };

static enum tsx_state tsx_mode(const struct kmc_profile *p, const struct kmc_host *h,
			       uint64_t ac, uint64_t bugs)
{
	uint8_t opt = h->tsx == KMC_TSX_DEFAULT ? p->tsx_default : h->tsx;

	if (HAS_F(h->cpuid, RTM_ALWAYS_ABORT))
		return TSX_ALWAYS_ABORT;
	/* without TSX_CTRL the tsx= option can do nothing */
	if (!(ac & KMC_AC_TSX_CTRL_MSR))
		return TSX_NOT_SUPPORTED;
	if (opt == KMC_TSX_ON)
		return TSX_ENABLE;
	if (opt == KMC_TSX_AUTO)
		return HAS_BUG(bugs, TAA) ? TSX_DISABLE : TSX_ENABLE;
	return TSX_DISABLE;
}

static uint64_t feat_after_tsx(uint64_t feat, enum tsx_state t)
{
	const uint64_t tsx = KMC_F(RTM) | KMC_F(HLE);

	switch (t) {
	case TSX_ALWAYS_ABORT:
	case TSX_DISABLE:
		return feat & ~tsx;
	case TSX_ENABLE:	/* forced on: the MSR re-enables them */
		return feat | tsx;
	default:
		return feat;
	}
}

/*
 * The four VERW-based mitigations converge (md_clear_update_mitigation()
 * before 6.16, verw_clear_cpu_buf_mitigation_selected after): if any of
 * them selects VERW, all affected ones do.  A mitigation "requests" VERW
 * if its bug is present and neither mitigations=off nor its own =off.
 */
static void verw_mitigations(const struct kmc_host *h, struct boot *b)
{
	const bool md_clear = HAS_F(b->feat, MD_CLEAR);
	const bool rtm = HAS_F(b->feat, RTM);
	const bool mds = HAS_BUG(b->bugs, MDS), taa = HAS_BUG(b->bugs, TAA);
	const bool mmio = HAS_BUG(b->bugs, MMIO_STALE_DATA), rfds = HAS_BUG(b->bugs, RFDS);
	const bool mds_req = mds && !(h->vuln_off & KMC_OFF_MDS);
	const bool taa_req = taa && rtm && !(h->vuln_off & KMC_OFF_TAA);
	const bool mmio_req = mmio && !(h->vuln_off & KMC_OFF_MMIO);
	const bool rfds_req = rfds && !(h->vuln_off & KMC_OFF_RFDS);
	const bool rfds_clear = b->ac & KMC_AC_RFDS_CLEAR;
	bool sel;

	b->mds = mds ? VM_OFF : VM_NOT_AFFECTED;
	b->taa = taa ? (rtm ? VM_OFF : VM_TSX_DISABLED) : VM_NOT_AFFECTED;
	b->mmio = mmio ? VM_OFF : VM_NOT_AFFECTED;
	if (HAS_BUG(b->bugs, MMIO_UNKNOWN))
		b->mmio = VM_UNKNOWN;
	b->rfds = rfds ? VM_OFF : VM_NOT_AFFECTED;
	b->verw_selected = false;
	if (b->off)
		return;

	sel = mds_req || taa_req || (mmio_req && (mds || (taa && rtm))) ||
	      (rfds_req && rfds_clear);
	b->verw_selected = sel;

	if (mds && (mds_req || sel))
		b->mds = md_clear ? VM_VERW : VM_UCODE_NEEDED;
	if (taa && rtm && (taa_req || sel)) {
		bool ucode = md_clear && !((b->ac & KMC_AC_MDS_NO) &&
					   !(b->ac & KMC_AC_TSX_CTRL_MSR));

		b->taa = ucode ? VM_VERW : VM_UCODE_NEEDED;
	}
	if (mmio && (mmio_req || sel)) {
		bool fb_clear = (b->ac & KMC_AC_FB_CLEAR) ||
				(md_clear && HAS_F(b->feat, FLUSH_L1D) &&
				 !(b->ac & KMC_AC_MDS_NO));

		b->mmio = fb_clear ? VM_VERW : VM_UCODE_NEEDED;
	}
	if (rfds && (rfds_req || sel))
		b->rfds = rfds_clear ? VM_VERW : VM_UCODE_NEEDED;
}

/* Per-bug command-line choices override mitigations=off (attack vectors) */
static bool per_bug_option_wins(const struct kmc_profile *p)
{
	return HAS(p, FL_PER_BUG_OPTIONS_WIN);
}

/*
 * gds_ucode_mitigated(): the GDS mitigation is FULL or FULL_LOCKED.  On a
 * CPU without the bug the mode keeps its initial value: FULL before the
 * restructure (so the function says yes), AUTO after.
 */
static bool gds_ucode_mitigated(const struct kmc_profile *p, const struct kmc_host *h,
				const struct boot *b)
{
	bool forced = h->gds == KMC_GDS_FORCE && (!b->off || per_bug_option_wins(p));
	bool wanted = forced || (!b->off && h->gds != KMC_GDS_OFF);

	if (!HAS_BUG(b->bugs, GDS))
		return !HAS(p, FL_GDS_AUTO);
	if (HAS_F(h->cpuid, HYPERVISOR))
		return false;
	if (!(b->ac & KMC_AC_GDS_CTRL))
		return false;		/* UCODE_NEEDED (or FORCE: AVX off) */
	return wanted || (h->mcu_opt_ctrl & KMC_MCU_GDS_MITG_LOCKED);
}

/* gather_data_sampling=force without microcode: the kernel turns AVX off */
static bool gds_clears_avx(const struct kmc_profile *p, const struct kmc_host *h,
			   const struct boot *b)
{
	return HAS_BUG(b->bugs, GDS) && !HAS_F(h->cpuid, HYPERVISOR) &&
	       !(b->ac & KMC_AC_GDS_CTRL) && h->gds == KMC_GDS_FORCE &&
	       (!b->off || per_bug_option_wins(p));
}

/* l1tf_mitigation after boot, reduced to what KVM's auto mode maps */
enum l1tf_class { L1TF_OFF, L1TF_FLUSH, L1TF_FULL, L1TF_FULL_FORCE };

static enum l1tf_class l1tf_class(const struct kmc_profile *p, const struct kmc_host *h,
				  const struct boot *b)
{
	bool explicit = h->l1tf != KMC_L1TF_DEFAULT;

	if (b->off && !(explicit && per_bug_option_wins(p)))
		return L1TF_OFF;
	switch (h->l1tf) {
	case KMC_L1TF_OFF:
		return L1TF_OFF;
	case KMC_L1TF_FULL:
		return L1TF_FULL;
	case KMC_L1TF_FULL_FORCE:
		return L1TF_FULL_FORCE;
	default:
		return L1TF_FLUSH;
	}
}

/*
 * l1tf=flush,nosmt, full and full,force turn SMT off (cpu_smt_disable) on
 * an L1TF-affected host; the sysfs "SMT ..." suffixes then say so.
 */
static bool l1tf_disables_smt(const struct kmc_profile *p, const struct kmc_host *h,
			      const struct boot *b)
{
	enum l1tf_class l = l1tf_class(p, h, b);

	if (!HAS_BUG(b->bugs, L1TF) || l == L1TF_OFF)
		return false;
	return h->l1tf == KMC_L1TF_FLUSH_NOSMT || l >= L1TF_FULL;
}

/*
 * l1tf_vmx_mitigation for vmentry_l1d_flush=@param (vmx_setup_l1d_flush at
 * load, __vmx_setup_l1d_flush when the parameter is written later)
 */
uint8_t model_l1tf_vmx(const struct kmc_profile *p, const struct kmc_host *h,
		       const struct boot *b, uint8_t param)
{
	enum l1tf_class l = l1tf_class(p, h, b);

	if (!b->vmx)
		return KMC_L1TF_VMX_AUTO;	/* kvm_intel never loaded */
	if (!HAS_BUG(b->bugs, L1TF))
		return KMC_L1TF_VMX_NOT_REQUIRED;
	if (!h->ept)
		return KMC_L1TF_VMX_EPT_DISABLED;
	if (b->ac & KMC_AC_SKIP_VMENTRY_L1DFLUSH)
		return KMC_L1TF_VMX_NOT_REQUIRED;
	if (l == L1TF_FULL_FORCE)
		return KMC_L1TF_VMX_ALWAYS;
	switch (param) {
	case KMC_L1D_NEVER:
		return KMC_L1TF_VMX_NEVER;
	case KMC_L1D_COND:
		return KMC_L1TF_VMX_COND;
	case KMC_L1D_ALWAYS:
		return KMC_L1TF_VMX_ALWAYS;
	default:
		return l == L1TF_OFF ? KMC_L1TF_VMX_NEVER :
		       l == L1TF_FLUSH ? KMC_L1TF_VMX_COND : KMC_L1TF_VMX_ALWAYS;
	}
}

/* TSA on AMD: which CLEAR_CPU_BUF* features its mitigation sets */
static uint32_t tsa_state(const struct kmc_profile *p, const struct kmc_host *h,
			  const struct boot *b)
{
	const uint32_t both = KMC_HS_CLEAR_CPU_BUF | KMC_HS_CLEAR_CPU_BUF_VM;

	if (b->off || !HAS_BUG(b->bugs, TSA))
		return 0;
	if (HAS_F(h->cpuid, VERW_CLEAR))
		return both;
	/* UCODE_NEEDED: forced on in a VM until the attack-vector rework */
	return HAS_F(h->cpuid, HYPERVISOR) && !HAS(p, FL_TSA_UCODE_NEEDED_QUIET) ? both : 0;
}

/* The MMIO-only VM mitigation: KVM's own VERW before VM-entry */
static bool mmio_vm_only(const struct kmc_profile *p, const struct boot *b)
{
	bool mitigated = b->mmio == VM_VERW || b->mmio == VM_UCODE_NEEDED;

	if (!mitigated)
		return false;
	if (!HAS(p, FL_MMIO_KVM_KEY_FOLLOWS_CLEAR))	/* before 6.9 / 6.1.82 */
		return !HAS_BUG(b->bugs, MDS) &&
		       !(HAS_BUG(b->bugs, TAA) && HAS_F(b->feat, RTM));
	return !b->verw_selected;
}

static uint32_t host_state(const struct kmc_profile *p, const struct kmc_host *h,
			   const struct boot *b, bool gds_mitigated)
{
	uint32_t s = tsa_state(p, h, b);

	if (HAS(p, FL_CLEAR_CPU_BUF) && b->verw_selected)
		s |= KMC_HS_CLEAR_CPU_BUF;
	if (HAS(p, FL_VMX_VM_CLEAR_CPU_BUF) && b->verw_selected)
		s |= KMC_HS_CLEAR_CPU_BUF_VM;
	if (mmio_vm_only(p, b))
		s |= KMC_HS_CLEAR_CPU_BUF_VM_MMIO;
	if (gds_mitigated)
		s |= KMC_HS_GDS_UCODE_MITIGATED;
	return s;
}

/*
 * Which KVM vendor module the host loads: kvm_amd on AMD and Hygon (SVM),
 * kvm_intel on every other vendor (VMX: Intel, Centaur, Zhaoxin; kmc
 * assumes VMX for an unknown vendor too).
 */
static bool model_host_is_vmx(const struct kmc_host *h)
{
	return h->vendor != KMC_VENDOR_AMD && h->vendor != KMC_VENDOR_HYGON;
}

void model_boot(const struct kmc_profile *p, const struct kmc_host *h, uint32_t var,
		struct boot *b)
{
	bool gds_mitigated;

	b->vmx = model_host_is_vmx(h);
	b->ac = HAS_F(h->cpuid, ARCH_CAPABILITIES) ? h->arch_cap : 0;
	b->off = h->mitigations_off;
	b->bugs = model_host_bugs(p, h, b->ac);
	b->feat = feat_after_tsx(h->cpuid, tsx_mode(p, h, b->ac, b->bugs));
	if (h->nofsgsbase)
		b->feat &= ~KMC_F(FSGSBASE);
	verw_mitigations(h, b);
	gds_mitigated = gds_ucode_mitigated(p, h, b);
	if (gds_clears_avx(p, h, b))
		b->feat &= ~KMC_F(AVX);
	b->state = host_state(p, h, b, gds_mitigated);
	b->l1tf_vmx = model_l1tf_vmx(p, h, b, h->l1d_flush);
	b->smt = h->smt && !l1tf_disables_smt(p, h, b);
	b->kvm_ac = model_kvm_arch_cap(p, b, b->ac, var);
}
