/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario (host, VM, vCPU operations) and what is observed of it.
 * This is the contract between the vector files, the model, ref and the
 * KVM backend: types only, no logic.
 */
#ifndef KMC_SCENARIO_H
#define KMC_SCENARIO_H

#include <stdint.h>
#include "kmc/arch.h"

#define KMC_MAX_OPS	16
#define KMC_SYSFS_MAX	96

/* A kernel release, e.g. 6.1.192 */
struct kmc_kver {
	uint16_t major, minor, sub;
};

/* tsx= */
enum kmc_tsx_opt { KMC_TSX_DEFAULT, KMC_TSX_ON, KMC_TSX_OFF, KMC_TSX_AUTO };
/* gather_data_sampling= */
enum kmc_gds_opt { KMC_GDS_DEFAULT, KMC_GDS_OFF, KMC_GDS_FORCE };
/* l1tf= */
enum kmc_l1tf_opt {
	KMC_L1TF_DEFAULT,	/* flush */
	KMC_L1TF_OFF,
	KMC_L1TF_FLUSH_NOWARN,
	KMC_L1TF_FLUSH_NOSMT,
	KMC_L1TF_FULL,
	KMC_L1TF_FULL_FORCE,
};
/* kvm_intel.vmentry_l1d_flush= */
enum kmc_l1d_param { KMC_L1D_AUTO, KMC_L1D_NEVER, KMC_L1D_COND, KMC_L1D_ALWAYS };

/* Per-vulnerability "=off" options on the host's command line */
#define KMC_OFF_MDS	(1u << 0)	/* mds=off */
#define KMC_OFF_TAA	(1u << 1)	/* tsx_async_abort=off */
#define KMC_OFF_MMIO	(1u << 2)	/* mmio_stale_data=off */
#define KMC_OFF_RFDS	(1u << 3)	/* reg_file_data_sampling=off */

/* The machine KVM runs on, as its kernel booted. */
struct kmc_host {
	uint8_t vendor;		/* enum kmc_vendor */
	uint8_t family, model, stepping;
	uint8_t core_type;	/* KMC_CORE_TYPE_* of the boot CPU */
	uint64_t cpuid;		/* KMC_F_* the CPU enumerates (raw CPUID) */
	uint64_t arch_cap;	/* raw MSR 0x10a; only read if KMC_F_ARCH_CAPABILITIES */
	uint64_t mcu_opt_ctrl;	/* raw MSR 0x123 at boot (GDS_MITG_LOCKED) */
	/* kernel command line */
	uint8_t mitigations_off;	/* mitigations=off */
	uint8_t vuln_off;	/* KMC_OFF_* */
	uint8_t tsx;		/* enum kmc_tsx_opt */
	uint8_t gds;		/* enum kmc_gds_opt */
	uint8_t l1tf;		/* enum kmc_l1tf_opt */
	uint8_t smt;		/* SMT active */
	uint8_t nofsgsbase;	/* nofsgsbase */
	/* module parameters */
	uint8_t l1d_flush;	/* enum kmc_l1d_param */
	uint8_t ept;		/* kvm_intel.ept */
	uint8_t ignore_msrs;	/* kvm.ignore_msrs */
	/* VMX tertiary control "virtualize IA32_SPEC_CTRL" (lkml 002; a host input) */
	uint8_t spec_ctrl_shadow;
};

/* VM-wide setup done before the vCPU is created. */
struct kmc_vm {
	uint32_t disabled_quirks;	/* KVM_CAP_DISABLE_QUIRKS2, KMC_KVM_QUIRK_* */
	uint8_t user_msr_exits;		/* KVM_CAP_X86_USER_SPACE_MSR, KMC_MSR_EXIT_* */
	uint8_t filter_arch_cap;	/* MSR filter denies guest RDMSR(0x10a) */
	uint8_t mmio_mapped;		/* host MMIO mapped into the guest (E) */
	uint64_t uemu_arch_cap;		/* value userspace answers filtered reads with */
	/* KVM_ENABLE_CAP(KVM_CAP_FORCE_SPEC_CTRL, mask, value) before the vCPU (lkml 002) */
	uint8_t force_spec_ctrl;
	uint64_t force_mask, force_value;
};

enum kmc_op_kind {
	KMC_OP_SET_CPUID,	/* KVM_SET_CPUID2; value = guest KMC_F_* set */
	KMC_OP_SET_MSR,		/* KVM_SET_MSRS, one entry (index, value) */
	KMC_OP_GET_MSR,		/* KVM_GET_MSRS, one entry (index) */
	KMC_OP_RUN,		/* KVM_RUN of a guest that halts at once */
	KMC_OP_RDMSR,		/* guest RDMSR(index) */
	KMC_OP_WRMSR,		/* guest WRMSR(index, value) */
	KMC_OP_RESET,		/* INIT/RESET of the vCPU (kvm_vcpu_reset) */
	KMC_OP_SET_CR4,		/* guest MOV to CR4 setting the bits in value */
	KMC_OP_GUEST_CPUID,	/* guest CPUID: which of value's KMC_F_* it sees */
	KMC_OP_VERW,		/* guest VERW: does it clear CPU fill buffers */
	KMC_OP_GET_FEATURE,	/* system-fd KVM_GET_MSRS(0x10a) at this point */
	KMC_OP_HOST_UCODE,	/* late microcode load: host's raw 0x10a becomes value */
	KMC_OP_L1D_FLUSH,	/* write kvm_intel.vmentry_l1d_flush (enum kmc_l1d_param) at run time */
	KMC_OP_NR
};

struct kmc_op {
	uint8_t kind;		/* enum kmc_op_kind */
	uint32_t index;		/* MSR index */
	uint64_t value;
};

/*
 * Proposed kernel changes from the seed threads (none merged upstream),
 * applied to the kernel of a scenario: a vector's `variant=` and kmc-run's
 * --variant.  Names in harness/names/names.c (kmc_variant_names); what each does
 * in docs/rules.md section 12.
 */
#define KMC_VAR_FB_CLEAR_SYNTH	(1u << 0)	/* 000: KVM synthesises FB_CLEAR */
#define KMC_VAR_VALIDATE_AC	(1u << 1)	/* 004: KVM validates 0x10a writes */
#define KMC_VAR_CAPS_AND	(1u << 2)	/* 003: cpu_caps = KVM & guest earlier */
#define KMC_VAR_VIRT_MSRS	(1u << 3)	/* 002: VMM emulates the virtual MSRs */
#define KMC_VAR_MD_CLEAR	(1u << 4)	/* 001: FB_CLEAR_DIS honours MD_CLEAR */
#define KMC_VAR_FORCE_SPEC_CTRL	(1u << 5)	/* 002: KVM_CAP_FORCE_SPEC_CTRL */
#define KMC_VAR_NR		6

struct kmc_scenario {
	struct kmc_host host;
	struct kmc_vm vm;
	uint32_t variants;	/* KMC_VAR_* the kernel carries */
	uint8_t nops;
	struct kmc_op ops[KMC_MAX_OPS];
};

enum kmc_res_kind {
	KMC_RES_NONE,		/* not evaluated */
	KMC_RES_OK,		/* succeeded, nothing to read */
	KMC_RES_VALUE,		/* succeeded with value */
	KMC_RES_GP,		/* the guest took #GP */
	KMC_RES_EXIT,		/* went to userspace (exit = reason); then #GP or value */
	KMC_RES_ERRNO,		/* the ioctl failed with err */
	KMC_RES_NMSRS,		/* KVM_{GET,SET}_MSRS processed n entries (+ value on GET) */
};

struct kmc_result {
	uint8_t kind;		/* enum kmc_res_kind */
	uint8_t exit;		/* KMC_MSR_EXIT_* for KMC_RES_EXIT */
	uint8_t n;		/* entries processed; for EXIT: 1 = userspace answered */
	int16_t err;		/* positive errno for KMC_RES_ERRNO */
	uint64_t value;
};

/* Host kernel state KVM reads but userspace cannot see directly (kmod) */
#define KMC_HS_CLEAR_CPU_BUF		(1u << 0)	/* X86_FEATURE_CLEAR_CPU_BUF */
#define KMC_HS_CLEAR_CPU_BUF_VM		(1u << 1)	/* X86_FEATURE_CLEAR_CPU_BUF_VM */
#define KMC_HS_CLEAR_CPU_BUF_VM_MMIO	(1u << 2)	/* ..._VM_MMIO (>= 6.19) or the mmio_stale_data_clear key */
#define KMC_HS_GDS_UCODE_MITIGATED	(1u << 3)	/* gds_ucode_mitigated() */

/* l1tf_vmx_mitigation */
enum kmc_l1tf_vmx {
	KMC_L1TF_VMX_AUTO,
	KMC_L1TF_VMX_NEVER,
	KMC_L1TF_VMX_COND,
	KMC_L1TF_VMX_ALWAYS,
	KMC_L1TF_VMX_EPT_DISABLED,
	KMC_L1TF_VMX_NOT_REQUIRED,
};

/* Architectural findings (docs/observations.md) */
#define KMC_FINDING_VERW_PROMISE_KVM	(1u << 0)	/* FB_CLEAR_DIS broke the promise */
#define KMC_FINDING_MMIO_VERW_ORDER	(1u << 1)
#define KMC_FINDING_VERW_PROMISE_HW	(1u << 2)	/* the CPU's VERW does not clear */
#define KMC_FINDING_FALSE_IMMUNITY	(1u << 3)	/* a "NO" bit for a host bug */

struct kmc_obs {
	/* host, after boot */
	uint64_t bugs;			/* KMC_BUG_* set */
	uint64_t host_feat;		/* KMC_F_* the host kernel keeps (after tsx=, ...) */
	uint32_t host_state;		/* KMC_HS_* */
	uint8_t l1tf_vmx;		/* enum kmc_l1tf_vmx */
	char sysfs_mds[KMC_SYSFS_MAX];
	char sysfs_taa[KMC_SYSFS_MAX];
	char sysfs_mmio[KMC_SYSFS_MAX];
	/* KVM */
	uint64_t kvm_arch_cap;		/* system-fd KVM_GET_MSRS(0x10a) */
	uint64_t vcpu_arch_cap;		/* the vCPU's 0x10a right after creation */
	uint64_t kvm_cpuid;		/* KVM_GET_SUPPORTED_CPUID ∩ KMC_KVM_CPUID_MASK */
	uint64_t kvm_emul_cpuid;	/* KVM_GET_EMULATED_CPUID ∩ KMC_KVM_CPUID_MASK */
	/* operations, in order */
	uint8_t nres;
	struct kmc_result res[KMC_MAX_OPS];
	/* after the last operation */
	int8_t fb_clear_ctrl;		/* host offers FB_CLEAR_DIS control; -1 = no VMX */
	int8_t disable_fb_clear;	/* the vCPU's disable_fb_clear; -1 = no VMX */
	uint64_t cpu_caps;		/* guest capabilities KVM enforces, KMC_F_* */
	uint32_t findings;		/* architectural findings (issue 3) */
	uint64_t spec_ctrl;		/* IA32_SPEC_CTRL the CPU runs the guest with */
};

#endif
