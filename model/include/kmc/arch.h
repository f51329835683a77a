/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Architectural constants: MSR indices, MSR 0x10a bits, the CPUID feature
 * bits kmc reasons about, and the kernel's bug names.  Shared by model/,
 * ref/ and harness/ -- constants only, never logic.
 *
 * Sources: arch/x86/include/asm/msr-index.h and cpufeatures.h of Linux
 * 6.1.192 and 7.3-rc7 (docs/rules.md, legend: KF A.1-A.3).
 */
#ifndef KMC_ARCH_H
#define KMC_ARCH_H

#include <stdint.h>

#define KMC_BIT(n) (1ULL << (n))

/* MSR indices */
#define KMC_MSR_APIC_BASE		0x1b
#define KMC_MSR_SPEC_CTRL		0x48
#define KMC_MSR_MISC_ENABLE		0x1a0
#define KMC_MISC_ENABLE_MWAIT		KMC_BIT(18)
#define KMC_APIC_BASE_ENABLE		KMC_BIT(11)
#define KMC_MSR_ARCH_CAPABILITIES	0x10a
#define KMC_MSR_TSX_CTRL		0x122
#define KMC_MSR_MCU_OPT_CTRL		0x123
#define KMC_MSR_VIRT_ENUM		0x50000000	/* Intel virtual MSRs (G) */
#define KMC_MSR_VIRT_MITIG_ENUM		0x50000001
#define KMC_MSR_VIRT_MITIG_CTRL		0x50000002

/* MSR 0x10a, IA32_ARCH_CAPABILITIES (kernel-facts A.1) */
#define KMC_AC_RDCL_NO			KMC_BIT(0)
#define KMC_AC_IBRS_ALL			KMC_BIT(1)
#define KMC_AC_RSBA			KMC_BIT(2)
#define KMC_AC_SKIP_VMENTRY_L1DFLUSH	KMC_BIT(3)
#define KMC_AC_SSB_NO			KMC_BIT(4)
#define KMC_AC_MDS_NO			KMC_BIT(5)
#define KMC_AC_PSCHANGE_MC_NO		KMC_BIT(6)
#define KMC_AC_TSX_CTRL_MSR		KMC_BIT(7)
#define KMC_AC_TAA_NO			KMC_BIT(8)
#define KMC_AC_SBDR_SSDP_NO		KMC_BIT(13)
#define KMC_AC_FBSDP_NO			KMC_BIT(14)
#define KMC_AC_PSDP_NO			KMC_BIT(15)
#define KMC_AC_MCU_ENUM			KMC_BIT(16)
#define KMC_AC_FB_CLEAR			KMC_BIT(17)
#define KMC_AC_FB_CLEAR_CTRL		KMC_BIT(18)
#define KMC_AC_RRSBA			KMC_BIT(19)
#define KMC_AC_BHI_NO			KMC_BIT(20)
#define KMC_AC_XAPIC_DISABLE		KMC_BIT(21)
#define KMC_AC_PBRSB_NO			KMC_BIT(24)
#define KMC_AC_GDS_CTRL			KMC_BIT(25)
#define KMC_AC_GDS_NO			KMC_BIT(26)
#define KMC_AC_RFDS_NO			KMC_BIT(27)
#define KMC_AC_RFDS_CLEAR		KMC_BIT(28)
#define KMC_AC_ITS_NO			KMC_BIT(62)
#define KMC_AC_VIRTUAL_ENUM		KMC_BIT(63)	/* proposed, never merged (G) */
/* MSR 0x48 IA32_SPEC_CTRL: the bits kmc models (msr-index.h) */
#define KMC_SPEC_CTRL_IBRS		KMC_BIT(0)
#define KMC_SPEC_CTRL_STIBP		KMC_BIT(1)
#define KMC_SPEC_CTRL_SSBD		KMC_BIT(2)
#define KMC_SPEC_CTRL_RRSBA_DIS_U	KMC_BIT(5)
#define KMC_SPEC_CTRL_RRSBA_DIS_S	KMC_BIT(6)
#define KMC_SPEC_CTRL_BHI_DIS_S		KMC_BIT(10)
#define KMC_SPEC_CTRL_MODELLED		0x467ULL
/* The Intel virtual MSRs as lkml 002's series defines them (patches 02, 08, 09) */
#define KMC_VIRT_ENUM_MITIGATION_CTRL	KMC_BIT(0)	/* MSR 0x50000000 */
#define KMC_MITI_ENUM_BHB_CLEAR_SEQ_S	KMC_BIT(0)	/* MSR 0x50000001: ..._SUPPORT */
#define KMC_MITI_CTRL_BHB_CLEAR_SEQ_S	KMC_BIT(0)	/* MSR 0x50000002: ..._USED */

/* MSR 0x122 TSX_CTRL and MSR 0x123 MCU_OPT_CTRL (kernel-facts A.2) */
#define KMC_TSX_CTRL_RTM_DISABLE	KMC_BIT(0)
#define KMC_TSX_CTRL_CPUID_CLEAR	KMC_BIT(1)
#define KMC_MCU_RNGDS_MITG_DIS		KMC_BIT(0)
#define KMC_MCU_RTM_ALLOW		KMC_BIT(1)
#define KMC_MCU_FB_CLEAR_DIS		KMC_BIT(3)
#define KMC_MCU_GDS_MITG_DIS		KMC_BIT(4)
#define KMC_MCU_GDS_MITG_LOCKED		KMC_BIT(5)

/*
 * CPUID feature bits kmc reasons about, as bit numbers of a uint64_t set.
 * The same set describes a host's CPUID and a guest's CPUID table.
 * Hardware locations are in kmc_feat_loc[] (harness/names/names.c).
 */
enum kmc_feat {
	KMC_F_ARCH_CAPABILITIES,	/* 7.0:EDX[29] */
	KMC_F_MD_CLEAR,			/* 7.0:EDX[10] */
	KMC_F_FLUSH_L1D,		/* 7.0:EDX[28] */
	KMC_F_SPEC_CTRL,		/* 7.0:EDX[26] */
	KMC_F_HYBRID_CPU,		/* 7.0:EDX[15] */
	KMC_F_RTM_ALWAYS_ABORT,		/* 7.0:EDX[11] */
	KMC_F_RTM,			/* 7.0:EBX[11] */
	KMC_F_HLE,			/* 7.0:EBX[4] */
	KMC_F_FSGSBASE,			/* 7.0:EBX[0] */
	KMC_F_RDSEED,			/* 7.0:EBX[18] */
	KMC_F_PKU,			/* 7.0:ECX[3] */
	KMC_F_OSPKE,			/* 7.0:ECX[4] */
	KMC_F_RDPID,			/* 7.0:ECX[22] */
	KMC_F_RRSBA_CTRL,		/* 7.2:EDX[2] */
	KMC_F_BHI_CTRL,			/* 7.2:EDX[4] */
	KMC_F_SSE3,			/* 1:ECX[0] */
	KMC_F_MWAIT,			/* 1:ECX[3] ("monitor") */
	KMC_F_MOVBE,			/* 1:ECX[22] */
	KMC_F_XSAVE,			/* 1:ECX[26] */
	KMC_F_OSXSAVE,			/* 1:ECX[27] */
	KMC_F_AVX,			/* 1:ECX[28] */
	KMC_F_RDRAND,			/* 1:ECX[30] */
	KMC_F_HYPERVISOR,		/* 1:ECX[31] */
	KMC_F_APIC,			/* 1:EDX[9] */
	KMC_F_RDTSCP,			/* 0x80000001:EDX[27] */
	KMC_F_AMD_IBPB,			/* 0x80000008:EBX[12] */
	KMC_F_AMD_SSB_NO,		/* 0x80000008:EBX[26] */
	KMC_F_BTC_NO,			/* 0x80000008:EBX[29] */
	KMC_F_AMD_IBPB_RET,		/* 0x80000008:EBX[30] */
	KMC_F_VERW_CLEAR,		/* 0x80000021:EAX[5] */
	KMC_F_AUTOIBRS,			/* 0x80000021:EAX[8] */
	KMC_F_SRSO_NO,			/* 0x80000021:EAX[29] */
	KMC_F_TSA_SQ_NO,		/* 0x80000021:ECX[1] */
	KMC_F_TSA_L1_NO,		/* 0x80000021:ECX[2] */
	KMC_F_TSA_FILL_NO,		/* 0x80000021:ECX[7] (6.12.117's Zen5 TSA patch) */
	KMC_F_NR
};

#define KMC_F(f) KMC_BIT(KMC_F_##f)

/* The features whose KVM support (KVM_GET_{SUPPORTED,EMULATED}_CPUID) kmc models */
#define KMC_KVM_CPUID_MASK \
	(KMC_F(ARCH_CAPABILITIES) | KMC_F(MD_CLEAR) | KMC_F(RTM) | KMC_F(HLE) | \
	 KMC_F(FSGSBASE) | KMC_F(RDPID) | KMC_F(MOVBE) | KMC_F(MWAIT) | \
	 KMC_F(HYPERVISOR) | KMC_F(XSAVE) | KMC_F(AVX) | KMC_F(PKU))

/*
 * X86_BUG_* bits, named as /proc/cpuinfo prints them.  The numbering is
 * kmc's own (the kernel's numbering differs between trees, A.3).
 */
enum kmc_bug {
	KMC_BUG_CPU_MELTDOWN,
	KMC_BUG_SPECTRE_V1,
	KMC_BUG_SPECTRE_V2,
	KMC_BUG_SPEC_STORE_BYPASS,
	KMC_BUG_L1TF,
	KMC_BUG_MDS,
	KMC_BUG_MSBDS_ONLY,
	KMC_BUG_SWAPGS,
	KMC_BUG_TAA,
	KMC_BUG_ITLB_MULTIHIT,
	KMC_BUG_SRBDS,
	KMC_BUG_MMIO_STALE_DATA,
	KMC_BUG_MMIO_UNKNOWN,
	KMC_BUG_RETBLEED,
	KMC_BUG_EIBRS_PBRSB,
	KMC_BUG_SMT_RSB,
	KMC_BUG_GDS,
	KMC_BUG_SRSO,
	KMC_BUG_RFDS,
	KMC_BUG_BHI,
	KMC_BUG_IBPB_NO_RET,
	KMC_BUG_SPECTRE_V2_USER,
	KMC_BUG_ITS,
	KMC_BUG_ITS_NATIVE_ONLY,
	KMC_BUG_TSA,
	KMC_BUG_VMSCAPE,
	KMC_BUG_NR
};

#define KMC_B(b) KMC_BIT(KMC_BUG_##b)

enum kmc_vendor {
	KMC_VENDOR_INTEL,
	KMC_VENDOR_AMD,
	KMC_VENDOR_HYGON,
	KMC_VENDOR_CENTAUR,
	KMC_VENDOR_ZHAOXIN,
	KMC_VENDOR_OTHER,
	KMC_VENDOR_NR
};

/* The two tables of cpu_set_bug_bits() (common.c), for `kmc source-check` */
enum kmc_vuln_table { KMC_VULN_WHITELIST, KMC_VULN_BLACKLIST };

/* CPUID.1A:EAX[31:24] core type on hybrid parts */
#define KMC_CORE_TYPE_NONE	0x00
#define KMC_CORE_TYPE_ATOM	0x20
#define KMC_CORE_TYPE_CORE	0x40

/* KVM uapi values the observations use */
#define KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT	(1u << 4)
#define KMC_KVM_QUIRK_STUFF_FEATURE_MSRS	(1u << 8)
#define KMC_MSR_EXIT_INVAL	(1u << 0)	/* KVM_MSR_EXIT_REASON_INVAL */
#define KMC_MSR_EXIT_UNKNOWN	(1u << 1)	/* KVM_MSR_EXIT_REASON_UNKNOWN */
#define KMC_MSR_EXIT_FILTER	(1u << 2)	/* KVM_MSR_EXIT_REASON_FILTER */

/* CR4 bits the guest programs toggle */
#define KMC_CR4_OSXSAVE		KMC_BIT(18)
#define KMC_CR4_FSGSBASE	KMC_BIT(16)
#define KMC_CR4_PKE		KMC_BIT(22)

#endif
