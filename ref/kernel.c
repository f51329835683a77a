// SPDX-License-Identifier: GPL-2.0
/*
 * The per-release behaviour flags: one per kernel change.
 *
 * A flag is on when the release is at or after the upstream release that
 * merged the change, or when it is a 6.1.y / 6.12.y stable release at or
 * after the one that got the backport (found in the Debian 6.1.192 and
 * 6.12.117 trees and their changelog.Debian).  Any other release is judged
 * by version comparison alone, e.g. 6.9.3 behaves as upstream 6.9 and 7.0
 * as upstream 7.0 (ref/NOTES.md "Releases other than the profiles").
 */
#include "internal.h"

#define NEVER	0xffffffffu

/* @up: upstream release; @s61 / @s612: first 6.1.y / 6.12.y with it (0: none) */
static bool since(uint32_t kv, uint32_t up, unsigned int s61, unsigned int s612)
{
	uint32_t line = kv & 0xffff00u, sub = kv & 0xffu;

	if (kv >= up)
		return true;
	if (line == KV(6, 1, 0) && s61 && sub >= s61)
		return true;
	if (line == KV(6, 12, 0) && s612 && sub >= s612)
		return true;
	return false;
}

/* stable backport to another line: @kv is on @line's x.y and at or after it */
static bool on_stable(uint32_t kv, uint32_t line)
{
	return (kv & 0xffff00u) == (line & 0xffff00u) && kv >= line;
}

void ref_kernel_init(struct ref_kernel *k, struct kmc_kver v)
{
	uint32_t kv = KV(v.major, v.minor, v.sub > 255 ? 255 : v.sub);

	*k = (struct ref_kernel){ .kv = kv, .line = ref_line_of(kv) };

	/*
	 * The Kconfig choice's default: f8c7600d468b "x86/tsx: Set default TSX
	 * mode to auto" (tip x86/cpu 2026-01-06, v7.0) moved it from OFF to
	 * AUTO; 7.2.13's Kconfig l.1785 has AUTO.  Debian does not override it
	 * (.config: _OFF in 6.1.192 / 6.12.117, _AUTO in 7.2.13).
	 */
	k->tsx_mode_auto = since(kv, KV(7, 0, 0), 0, 0);

	/* "x86/bugs: Add missing NO_SSB flag" (0x5A, 0x75): v6.12 (stable 6.11.3); 6.1.192 lacks it */
	k->airmont_no_ssb = since(kv, KV(6, 12, 0), 0, 1);
	/*
	 * 8974eb588283 "x86/speculation: Add Gather Data Sampling mitigation": v6.5; 6.1.44;
	 * 5.10.y: Debian 5.10.179-4 (changelog.Debian of linux-source-5.10 5.10.262-1)
	 */
	k->bug_gds = since(kv, KV(6, 5, 0), 44, 1) || on_stable(kv, KV(5, 10, 179));
	/* X86_BUG_SMT_RSB rows (0x17/0x18): with SRSO on 6.1.y; 5.10.262's blacklist has none */
	k->bug_smt_rsb = since(kv, KV(6, 5, 0), 44, 1);
	/* 8076fcde016c "x86/rfds: Mitigate Register File Data Sampling": v6.9; 6.1.82 */
	k->bug_rfds = since(kv, KV(6, 9, 0), 82, 1) || on_stable(kv, KV(5, 10, 216));
	/* "x86/bhi: Enumerate Branch History Injection (BHI) bug": v6.9; 6.1.85 */
	k->bug_bhi = since(kv, KV(6, 9, 0), 85, 1);
	/* "x86/cpufeatures: Add a IBPB_NO_RET BUG flag": v6.12 (stable 6.11.5); 6.1.114 */
	k->bug_ibpb_no_ret = since(kv, KV(6, 12, 0), 114, 1) || on_stable(kv, KV(5, 10, 234));
	/*
	 * "x86/bugs: Add X86_BUG_SPECTRE_V2_USER" (David Kaplan, lore
	 * 20250108202515.385902-2-david.kaplan@amd.com): v6.15 (same merge
	 * window as OLD_MICROCODE, the next bug number); not in 6.1.192 / 6.12.117.
	 */
	k->bug_spectre_v2_user = since(kv, KV(6, 15, 0), 0, 0);
	/* "x86/its: Enumerate Indirect Target Selection (ITS) bug": v6.15; 6.1.139, 6.12.29 */
	k->bug_its = since(kv, KV(6, 15, 0), 139, 29) || on_stable(kv, KV(5, 10, 244));
	/* d8010d4ba43e "x86/bugs: Add a Transient Scheduler Attacks mitigation": v6.16; 6.1.144, 6.12.37 */
	k->bug_tsa = since(kv, KV(6, 16, 0), 144, 37) || on_stable(kv, KV(5, 10, 244));
	/* "x86/vmscape: Enumerate VMSCAPE bug": v6.17; 6.1.152, 6.12.47 */
	k->bug_vmscape = since(kv, KV(6, 17, 0), 152, 47) || on_stable(kv, KV(5, 10, 244));
	/* same series; the 6.1.y backport has no ARROWLAKE_U / ATOM_CRESTMONT_X rows */
	k->vmscape_arl_u_srf = since(kv, KV(6, 17, 0), 0, 47);
	/*
	 * 877818802c3e "x86/bugs: Add SRSO_USER_KERNEL_NO support" adds
	 * VULNBL_AMD(0x1a, SRSO) (tip x86/bugs 2024-12-30): v6.14.  6.12.y got
	 * the row already in 6.12.47, with the VMSCAPE backport of 7c62c442b6eb
	 * (VULNBL_AMD(0x1a, SRSO | VMSCAPE); reported on stable@ 2025-09-19).
	 */
	k->amd_1a_srso = since(kv, KV(6, 14, 0), 0, 47);
	/*
	 * "x86/bugs: Mitigate TSA on AMD Zen5": stable 6.12.117 and 7.3.4
	 * (linux-source-7.3 7.3.4-1~bpo13+1: common.c l.1344 and l.1607-1614,
	 * amd.c tsa_init() l.407-427); 7.2.13 does not have it
	 */
	k->tsa_zen5 = since(kv, NEVER, 0, 117) || on_stable(kv, KV(7, 3, 4));
	/*
	 * bsp_init_amd()'s ZEN6 ranges of family 0x1a: in 7.2.13, not in
	 * 6.12.117; release assumed v6.18 (no observable effect before: 0x1a has
	 * no TSA row upstream, so whether tsa_init() runs cannot be seen).
	 */
	k->zen6_generation = since(kv, KV(6, 18, 0), 0, 0);
	/* dd86a1d013e0 "x86/bugs: Remove X86_BUG_MMIO_UNKNOWN": v6.16; not backported */
	k->mmio_unknown_removed = since(kv, KV(6, 16, 0), 0, 0);
	/*
	 * vulnerable_to_rfds() ADL/RPL exception with the HYBRID_CPU check
	 * (7.2 common.c l.1389-1398): its commit was not found.  6.16.7, the
	 * backport of v6.17's VMSCAPE rows, still has the Atom-type rows;
	 * assumed v6.18.
	 */
	k->rfds_hybrid_exception = since(kv, KV(6, 18, 0), 0, 0);
	/*
	 * 722fa0dba74f "x86/rfds: Exclude P-only parts from the RFDS affected
	 * list" (tip x86/core 2025-03-19): v6.15; the rows go with the rework.
	 */
	k->rfds_atom_type_row = since(kv, KV(6, 15, 0), 0, 0) && !k->rfds_hybrid_exception;

	/* "x86/bugs: Add asm helpers for executing VERW" .. 43fb862de8f6: v6.8; 6.1.81 */
	k->clear_cpu_buf = since(kv, KV(6, 8, 0), 81, 1) || on_stable(kv, KV(5, 10, 216));
	/* "x86/mmio: Disable KVM mitigation when X86_FEATURE_CLEAR_CPU_BUF is set": v6.9; 6.1.82 */
	k->mmio_key_follows_clear_cpu_buf = since(kv, KV(6, 9, 0), 82, 1) ||
					    on_stable(kv, KV(5, 10, 216));
	/* "x86/bugs: Restructure ... mitigation" series (select/update/apply): v6.16 */
	k->bugs_select_update_apply = since(kv, KV(6, 16, 0), 0, 0);
	/* "x86/bugs: Add attack vector controls": v6.17 */
	k->attack_vector_controls = since(kv, KV(6, 17, 0), 0, 0);
	/*
	 * A VM without the microcode forces the TSA mitigation on ("Forcing
	 * mitigation on in a VM"): only the stable backports (6.1.144,
	 * 6.12.37) have it; upstream d8010d4ba43e (v6.16) selects UCODE_NEEDED
	 * and applies nothing.
	 */
	k->tsa_stable_layout = k->bug_tsa && kv < KV(6, 16, 0);
	/* "x86/bugs: Use VM_CLEAR_CPU_BUFFERS in VMX as well", f6106d41ec84, e6ff1d61de51: v6.19 */
	k->verw_vm_for_vmx = since(kv, KV(6, 19, 0), 0, 0);

	/* 81ac7e5d7417 "KVM: Add GDS_NO support to KVM": v6.5; 6.1.44 */
	k->kvm_gds_no = k->bug_gds;
	/* "KVM/x86: Export RFDS_NO and RFDS_CLEAR to guests": v6.9; 6.1.82 */
	k->kvm_rfds_no = k->bug_rfds;
	/* ed2e8d49b54d "KVM: x86: Add BHI_NO": v6.9; 6.1.85 */
	k->kvm_bhi_no = k->bug_bhi;
	/* ITS_NO in KVM_SUPPORTED_ARCH_CAP: with the ITS enumeration */
	k->kvm_its_no = k->bug_its;
	/* 0094f62c7eaa "KVM: x86: Disallow writes to immutable feature MSRs after KVM_RUN": v6.4 */
	k->immutable_feature_msrs = since(kv, KV(6, 4, 0), 0, 1);
	/* a2fd5d02bad6 "KVM: x86: Snapshot host's MSR_IA32_ARCH_CAPABILITIES", 550ba57faa04: v6.6 */
	k->host_arch_cap_snapshot = since(kv, KV(6, 6, 0), 0, 1);
	/* "KVM: x86: Suppress failures on userspace access to advertised, unsupported MSRs": v6.12 */
	k->kvm_do_msr_access = since(kv, KV(6, 12, 0), 0, 1);
	/* "KVM: x86: Quirk initialization of feature MSRs to KVM's max configuration": v6.13; 6.12.78 */
	k->stuff_feature_msrs_quirk = since(kv, KV(6, 13, 0), 0, 78);
	/* a5d563890b8f "KVM: x86: Reject userspace attempts to access ARCH_CAPABILITIES w/o support": v6.13 */
	k->arch_cap_gated = since(kv, KV(6, 13, 0), 0, 0);
	/*
	 * feb627e8d6f6 "KVM: x86: Forbid KVM_SET_CPUID{,2} after KVM_RUN": v5.16,
	 * c6617c61e8fe then allowed an identical table (v5.17); 5.10.262's
	 * kvm_vcpu_ioctl_set_cpuid2() (cpuid.c l.281) checks neither
	 */
	k->cpuid_frozen_after_run = since(kv, KV(5, 16, 0), 0, 1);
	/*
	 * 9fc222967a39 "KVM: x86: Give host userspace full control of
	 * MSR_IA32_MISC_ENABLES": v6.0 (kvm/next 2022-06-24)
	 */
	k->misc_enable_pmu_ro = since(kv, KV(6, 0, 0), 0, 1);
	/* 7ea34578aea7 "KVM: x86: Replace guts of 'governed' features with comprehensive cpu_caps": v6.14 */
	k->cpu_caps = since(kv, KV(6, 14, 0), 0, 0);
	/* 7520a53b8e0a "KVM: x86: Account for KVM-reserved CR4 bits when passing through CR4 on VMX": v6.14 */
	k->cr4_kvm_rsvd_in_guest_rsvd = since(kv, KV(6, 14, 0), 0, 0);
	/* "KVM: x86: Update OS{XSAVE,PKE} bits in guest CPUID irrespective of host support": v6.14 */
	k->runtime_os_bits_always = since(kv, KV(6, 14, 0), 0, 0);
	/* EMULATED_F(HYPERVISOR): not in 6.12.117's kvm_set_cpu_caps; assumed with the v6.14 overhaul */
	k->kvm_hypervisor_emulated = since(kv, KV(6, 14, 0), 0, 0);
	/*
	 * 71dd5d5300d2 "KVM: x86: Advertise AMD_IBPB_RET to userspace",
	 * de572491a975 "KVM: x86: AMD's IBPB is not equivalent to Intel's
	 * IBPB": the kvm-x86 misc pull for 6.13; not in 6.12.117.
	 */
	k->kvm_amd_ibpb_ret = since(kv, KV(6, 13, 0), 0, 0);
	/*
	 * da3db168fb67 "KVM: x86: Virtualize FLUSH_L1D and passthrough
	 * MSR_IA32_FLUSH_CMD" adds F(FLUSH_L1D) to 7.0.EDX (posted 2023-03-22
	 * on 6.3-rc, kvm-x86 for 6.4); absent in 6.1.192, present in 6.12.117.
	 */
	k->kvm_flush_l1d = since(kv, KV(6, 4, 0), 0, 1);
	/* 8c19b6f257fa "KVM: x86: Propagate the AMD Automatic IBRS feature to the guest": v6.3 */
	k->kvm_autoibrs = since(kv, KV(6, 3, 0), 0, 1);
}
