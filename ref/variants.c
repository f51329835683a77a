// SPDX-License-Identifier: GPL-2.0
/*
 * The proposals from the seed threads (docs/rules.md §12), applied
 * to ref on request (kmc-run --variant NAME).  None was merged upstream.
 */
#include <stddef.h>
#include "ref.h"
#include "internal.h"

const struct ref_variant_info ref_variants[] = {
	{ REF_V_FB_CLEAR_SYNTH, "fb-clear-synth", "000",
	  "kvm_get_arch_capabilities() sets FB_CLEAR when MDS_NO, TAA_NO, PSDP_NO, "
	  "FBSDP_NO and SBDR_SSDP_NO are all set (Jon Kohler, 2025-03)" },
	{ REF_V_VALIDATE_AC, "validate-arch-cap", "004",
	  "host writes of MSR 0x10a with bits outside kvm_get_arch_capabilities() "
	  "are rejected (Wei Wang, 2024-04)" },
	{ REF_V_CAPS_AND, "caps-kvm-and-guest", "003",
	  "cpu_caps = (KVM | emulated) & guest CPUID on kernels before 6.14, "
	  "with KVM-reserved CR4 bits in the guest mask (no FSGSBASE pass-through)" },
	{ REF_V_VIRT_MSRS, "virt-mitigation-msrs", "002",
	  "userspace emulates MSRs 0x50000000-0x50000002 through an MSR filter "
	  "(FILTER exits) as RFC v3 09/10 defines them: enumeration 1, mitigation "
	  "enum BHB_CLEAR_SEQ_S (0x1), ctrl takes BHB_CLEAR_SEQ_S_USED (0x1) only; "
	  "with force-spec-ctrl the VMM then forces BHI_DIS_S on a BHI_CTRL host "
	  "without BHI_NO (Sean Christopherson, 2024-06)" },
	{ REF_V_MD_CLEAR, "md-clear", "001",
	  "vmx_update_fb_clear_dis() leaves FB_CLEAR_DIS off for a guest whose CPUID has "
	  "MD_CLEAR and L1D_FLUSH and whose 0x10a lacks MDS_NO; also run after "
	  "KVM_SET_CPUID2 (Xiaoyao Li, Sean Christopherson, 2023-05)" },
	{ REF_V_FORCE_SPEC_CTRL, "force-spec-ctrl", "002",
	  "KVM_CAP_FORCE_SPEC_CTRL (mask, value), RFC v3 01/10 and 06/10: with the VMX "
	  "SPEC_CTRL shadow the guest keeps its own value in the shadow while the "
	  "CPU runs it with the forced bits (Daniel Sneddon, Chao Gao, 2024-04)" },
	{ 0, NULL, NULL, NULL },
};

void ref_variant_set_init(struct ref_variant_set *v, uint32_t bits)
{
	v->fb_clear_synth = bits & REF_V_FB_CLEAR_SYNTH;
	v->validate_arch_cap = bits & REF_V_VALIDATE_AC;
	v->caps_and = bits & REF_V_CAPS_AND;
	v->virt_msrs = bits & REF_V_VIRT_MSRS;
	v->md_clear = bits & REF_V_MD_CLEAR;
	v->force_spec_ctrl = bits & REF_V_FORCE_SPEC_CTRL;
}

/* lkml 000: the hunk Jon Kohler proposed for kvm_get_arch_capabilities() */
uint64_t variant_fb_clear_synth(uint64_t data)
{
	const uint64_t all_no = KMC_AC_MDS_NO | KMC_AC_TAA_NO | KMC_AC_PSDP_NO |
				KMC_AC_FBSDP_NO | KMC_AC_SBDR_SSDP_NO;

	if ((data & all_no) == all_no)
		data |= KMC_AC_FB_CLEAR;
	return data;
}
