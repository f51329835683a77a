/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Behaviour flags: one per kernel change kmc can observe.  The order is
 * the order of kmc_flags[] in profiles.c; `kmc profiles` prints that table.
 */
#ifndef KMC_MODEL_FLAGS_H
#define KMC_MODEL_FLAGS_H

#include "kmc/model.h"

enum kmc_flag_id {
	/* host bug derivation (kernel-facts B) */
	FL_BUG_GDS,
	FL_BUG_SRSO,
	FL_BUG_SMT_RSB,
	FL_BUG_RFDS,
	FL_BUG_BHI,
	FL_BUG_IBPB_NO_RET,
	FL_BUG_ITS,
	FL_BUG_TSA,
	FL_BUG_VMSCAPE,
	FL_BUG_SPECTRE_V2_USER,
	FL_NO_MMIO_UNKNOWN,
	FL_RFDS_ATOM_TYPE_ROW,
	FL_RFDS_HYBRID_EXCEPTION,
	FL_AIRMONT_NO_SSB,
	FL_AMD_1A_LISTED,
	FL_AMD_1A_TSA,
	FL_ZEN5_GENERATION,
	FL_ZEN6_GENERATION,
	FL_VMSCAPE_LATE_MODELS,
	FL_VMSCAPE_RECENT_MODELS,
	FL_GDS_AUTO,
	FL_PER_BUG_OPTIONS_WIN,
	FL_TSX_DEFAULT_AUTO,
	/* VERW machinery (kernel-facts E.3) */
	FL_CLEAR_CPU_BUF,
	FL_MMIO_KVM_KEY_FOLLOWS_CLEAR,
	FL_TSA_UCODE_NEEDED_QUIET,
	FL_VMX_VM_CLEAR_CPU_BUF,
	/* KVM's 0x10a (kernel-facts C) */
	FL_KVM_GDS_NO,
	FL_KVM_RFDS,
	FL_KVM_BHI_NO,
	FL_KVM_ITS_NO,
	FL_KVM_AC_SNAPSHOT,
	/* vCPU access (kernel-facts D) */
	FL_IMMUTABLE_FEATURE_MSRS,
	FL_STUFF_FEATURE_MSRS_QUIRK,
	FL_AC_REQUIRES_CPUID,
	FL_CPUID_FROZEN_AFTER_RUN,
	FL_MISC_ENABLE_PMU_BITS,
	/* guest CPUID and cpu_caps (kernel-facts F) */
	FL_CPU_CAPS,
	FL_CR4_KVM_RESERVED,
	FL_NR
};

#define HAS(p, f) ((((p)->flags) >> (f)) & 1u)

#endif
