/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ref's private state, shaped after the kernel's: one struct per kernel
 * object (the per-release behaviour flags, boot_cpu_data, bugs.c's
 * mitigation state, KVM's module-wide state, struct kvm, struct kvm_vcpu)
 * and the functions named after the kernel functions they stand for.
 *
 * Only kmc/arch.h and kmc/scenario.h are shared with the model (types and
 * constants); everything here is ref's own reading of the kernel trees.
 */
#ifndef REF_INTERNAL_H
#define REF_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "kmc/scenario.h"

#define KV(a, b, c)	(((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))
#define F(f)		KMC_F(f)
#define B(b)		KMC_B(b)

/*
 * One flag per kernel change (kernel.c fills them from the release; each
 * assignment names the commit, the upstream release and the stable
 * backports found in the Debian 6.1.192 / 6.12.117 trees).
 */
struct ref_kernel {
	uint32_t kv;
	const struct ref_line *line;	/* its Debian line's tables, or NULL */
	/* arch/x86/kernel/cpu: common.c, amd.c, tsx.c */
	bool tsx_mode_auto;		/* Kconfig default X86_INTEL_TSX_MODE_AUTO (f8c7600d468b) */
	bool airmont_no_ssb;		/* "x86/bugs: Add missing NO_SSB flag" */
	bool bug_gds;
	bool bug_smt_rsb;
	bool bug_rfds;
	bool bug_bhi;
	bool bug_ibpb_no_ret;
	bool bug_spectre_v2_user;
	bool bug_its;
	bool bug_tsa;
	bool bug_vmscape;
	bool vmscape_arl_u_srf;		/* ARROWLAKE_U / ATOM_CRESTMONT_X blacklist rows */
	bool amd_1a_srso;		/* VULNBL_AMD(0x1a, SRSO) */
	bool zen6_generation;		/* bsp_init_amd() knows Zen6 (0x1a) ranges */
	bool tsa_zen5;			/* "x86/bugs: Mitigate TSA on AMD Zen5" (6.12.y) */
	bool mmio_unknown_removed;	/* dd86a1d013e0 */
	bool rfds_atom_type_row;	/* VULNBL_INTEL_TYPE(ALDERLAKE/RAPTORLAKE, ATOM, RFDS) */
	bool rfds_hybrid_exception;	/* ADL/RPL without Atom cores not RFDS-affected */
	/* arch/x86/kernel/cpu/bugs.c */
	bool clear_cpu_buf;		/* X86_FEATURE_CLEAR_CPU_BUF replaces mds_user_clear */
	bool mmio_key_follows_clear_cpu_buf; /* "x86/mmio: Disable KVM mitigation when ..." */
	bool bugs_select_update_apply;	/* Kaplan's restructure, AUTO defaults */
	bool attack_vector_controls;	/* explicit cmdline beats mitigations=off */
	bool tsa_stable_layout;		/* TSA UCODE_NEEDED in a VM forces it on (< 6.17) */
	bool verw_vm_for_vmx;		/* 6.19: VM_CLEAR_CPU_BUFFERS in VMX, ..._VM_MMIO */
	/* arch/x86/kvm */
	bool kvm_gds_no;
	bool kvm_rfds_no;
	bool kvm_bhi_no;
	bool kvm_its_no;
	bool immutable_feature_msrs;	/* 0094f62c7eaa */
	bool host_arch_cap_snapshot;	/* a2fd5d02bad6 + 550ba57faa04 */
	bool kvm_do_msr_access;		/* "advertised" MSRs: host read/write-0 OK */
	bool stuff_feature_msrs_quirk;
	bool arch_cap_gated;		/* a5d563890b8f */
	bool cpuid_frozen_after_run;	/* feb627e8d6f6, c6617c61e8fe */
	bool misc_enable_pmu_ro;	/* 9fc222967a39: RESET value, guest RO/EMON */
	bool cpu_caps;			/* 7ea34578aea7: cpu_caps = (KVM|emul) & guest */
	bool cr4_kvm_rsvd_in_guest_rsvd;/* 7520a53b8e0a */
	bool runtime_os_bits_always;	/* OS{XSAVE,PKE} irrespective of host support */
	bool kvm_hypervisor_emulated;	/* EMULATED_F(HYPERVISOR) */
	bool kvm_amd_ibpb_ret;		/* SPEC_CTRL needs IBPB_RET on AMD; AMD_IBPB_RET cap */
	bool kvm_flush_l1d;		/* F(FLUSH_L1D) in 7.0.EDX */
	bool kvm_autoibrs;		/* F(AUTOIBRS) in 0x80000021.EAX */
};

void ref_kernel_init(struct ref_kernel *k, struct kmc_kver v);

/* ---- the tables generated from the kernel sources (tables.c) ---------- */

/* cpu_vuln_whitelist flags, named as in ref/tables/ (common.c's, WL_ added) */
#define WL_NO_SPECULATION	(1u << 0)
#define WL_NO_MELTDOWN		(1u << 1)
#define WL_NO_SSB		(1u << 2)
#define WL_NO_L1TF		(1u << 3)
#define WL_NO_MDS		(1u << 4)
#define WL_MSBDS_ONLY		(1u << 5)
#define WL_NO_SWAPGS		(1u << 6)
#define WL_NO_ITLB_MULTIHIT	(1u << 7)
#define WL_NO_SPECTRE_V2	(1u << 8)
#define WL_NO_MMIO		(1u << 9)
#define WL_NO_EIBRS_PBRSB	(1u << 10)
#define WL_NO_BHI		(1u << 11)

/* cpu_vuln_blacklist flags (common.c's, BL_ added) */
#define BL_SRBDS		(1u << 0)
#define BL_MMIO			(1u << 1)
#define BL_MMIO_SBDS		(1u << 2)
#define BL_RETBLEED		(1u << 3)
#define BL_SMT_RSB		(1u << 4)
#define BL_SRSO			(1u << 5)
#define BL_GDS			(1u << 6)
#define BL_RFDS			(1u << 7)
#define BL_ITS			(1u << 8)
#define BL_ITS_NATIVE_ONLY	(1u << 9)
#define BL_TSA			(1u << 10)
#define BL_VMSCAPE		(1u << 11)

#define ANY		(-1)	/* X86_FAMILY_ANY, X86_MODEL_ANY */
#define VENDOR_ANY	0xff	/* X86_VENDOR_ANY */
#define VENDOR_NOT_KMC	0xfe	/* NSC, VORTEX: no kmc CPU is one */

/* One row of cpu_vuln_whitelist[] or cpu_vuln_blacklist[] */
struct ref_vuln_row {
	uint8_t vendor;
	int16_t family, model;
	uint8_t step_min, step_max;
	uint16_t bits;
};

/* A kernel line's tables, from Debian's linux-source of that line */
struct ref_line {
	const struct kmc_kver *kver;	/* the release the source holds */
	const struct ref_vuln_row *wl;
	unsigned int nwl;
	const struct ref_vuln_row *bl;
	unsigned int nbl;
	const uint64_t *kvm_supported_arch_cap;
};

/* The line of release @kv (same major.minor), or NULL */
const struct ref_line *ref_line_of(uint32_t kv);
/* The newest line: the releases without one of their own start from it */
const struct ref_line *ref_newest_line(void);

/* cpu_caps/findings variants of this run (REF_V_*) */
struct ref_variant_set {
	bool fb_clear_synth;
	bool validate_arch_cap;
	bool caps_and;
	bool virt_msrs;
	bool md_clear;
	bool force_spec_ctrl;
};

/* ---- host boot (boot_cpu_data and friends) ---------------------------- */

enum ref_mds { MDS_OFF, MDS_AUTO, MDS_FULL, MDS_VMWERV };
enum ref_taa { TAA_OFF, TAA_AUTO, TAA_UCODE_NEEDED, TAA_VERW, TAA_TSX_DISABLED };
enum ref_mmio { MMIO_OFF, MMIO_AUTO, MMIO_UCODE_NEEDED, MMIO_VERW };
enum ref_rfds { RFDS_OFF, RFDS_AUTO, RFDS_VERW, RFDS_UCODE_NEEDED };
enum ref_gds { GDS_OFF, GDS_AUTO, GDS_UCODE_NEEDED, GDS_FORCE, GDS_FULL,
	       GDS_FULL_LOCKED, GDS_HYPERVISOR };
enum ref_tsa { TSA_NONE, TSA_AUTO, TSA_UCODE_NEEDED, TSA_USER_KERNEL, TSA_VM, TSA_FULL };
enum ref_l1tf { L1TF_OFF, L1TF_AUTO, L1TF_FLUSH_NOWARN, L1TF_FLUSH, L1TF_FLUSH_NOSMT,
		L1TF_FULL, L1TF_FULL_FORCE };
enum ref_tsx_ctrl { TSX_CTRL_AUTO, TSX_CTRL_ENABLE, TSX_CTRL_DISABLE,
		    TSX_CTRL_RTM_ALWAYS_ABORT, TSX_CTRL_NOT_SUPPORTED };

struct cpuinfo_x86 {
	uint8_t vendor, family, model, stepping, intel_type;
	uint64_t raw;		/* what CPUID enumerates (hardware) */
	uint64_t caps;		/* x86_capability: raw - cleared + forced */
	uint64_t visible;	/* obs.host_feat: raw - cleared + tsx-forced */
	uint64_t bugs;		/* KMC_BUG_* */
	bool ibrs_enhanced;	/* X86_FEATURE_IBRS_ENHANCED */
	bool zen, zen3, zen4, zen5;
	bool tsa_fill_no;	/* X86_FEATURE_TSA_FILL_NO (6.12.117 only) */
	uint64_t arch_cap;	/* x86_read_arch_cap_msr() at boot */
};

struct ref_bugs {
	enum ref_mds mds;
	enum ref_taa taa;
	enum ref_mmio mmio;
	enum ref_rfds rfds;
	enum ref_gds gds;
	enum ref_tsa tsa;
	enum ref_l1tf l1tf;
	enum ref_tsx_ctrl tsx_ctrl_state;
	bool verw_clear_cpu_buf_mitigation_selected;
	bool mds_user_clear;		/* static key before X86_FEATURE_CLEAR_CPU_BUF */
	bool mmio_stale_data_clear;	/* static key (cpu_buf_vm_clear from 6.16) */
	bool smt_disabled;		/* cpu_smt_disable() was called */
	/* synthetic features */
	bool clear_cpu_buf, clear_cpu_buf_vm, clear_cpu_buf_vm_mmio;
};

struct ref_host {
	const struct ref_kernel *k;
	const struct kmc_host *cmd;	/* command line, module parameters */
	struct cpuinfo_x86 c;
	struct ref_bugs b;
	uint64_t live_arch_cap;		/* the MSR now (host_ucode changes it) */
	bool mitigations_off;
};

/* cpu_common.c */
void early_identify_cpu(struct ref_host *h);
/* Table @t as a release without a line sees it: the newest line's, less later changes */
unsigned int ref_match_newest(const struct ref_kernel *k, enum kmc_vuln_table t,
			      const struct cpuinfo_x86 *c);
/* cpu_amd.c */
void bsp_init_amd(struct ref_host *h);
void init_amd(struct ref_host *h);
/* cpu_tsx.c */
void tsx_init(struct ref_host *h);
/* cpu_bugs.c */
void cpu_select_mitigations(struct ref_host *h);
bool gds_ucode_mitigated(const struct ref_host *h);
bool sched_smt_active(const struct ref_host *h);
void cpu_show_mds(const struct ref_host *h, char *buf);
void cpu_show_tsx_async_abort(const struct ref_host *h, char *buf);
void cpu_show_mmio_stale_data(const struct ref_host *h, char *buf);
uint32_t ref_host_state(const struct ref_host *h);

static inline bool boot_cpu_has(const struct ref_host *h, uint64_t f)
{
	return (h->c.caps & f) != 0;
}

static inline bool boot_cpu_has_bug(const struct ref_host *h, uint64_t b)
{
	return (h->c.bugs & b) != 0;
}

/* ---- KVM ---------------------------------------------------------------- */

/* KVM_MSR_RET_* as the trees define them (x86.h) */
#define KVM_MSR_RET_UNSUPPORTED	2
#define KVM_MSR_RET_FILTERED	3
#define REF_EINVAL		(-22)

struct kvm_x86 {			/* module-wide: kvm.ko + vendor module */
	struct ref_host *host;
	const struct ref_kernel *k;
	const struct ref_variant_set *v;
	bool vmx;			/* kvm_intel loaded (else kvm_amd) */
	bool tdp_enabled;
	uint64_t host_arch_capabilities;/* 0x10a at module init (kvm_host snapshot >= 6.6) */
	bool vmx_fb_clear_ctrl_available;/* 6.1: cached at vmx_init() */
	uint8_t l1tf_vmx_mitigation;	/* enum kmc_l1tf_vmx */
	uint64_t kvm_cpu_caps;		/* KMC_F_* view of kvm_cpu_caps[] */
	bool tsx_ctrl_uret;		/* MSR_IA32_TSX_CTRL is a user-return MSR */
	bool ignore_msrs;
	bool spec_ctrl_shadow;		/* cpu_has_spec_ctrl_shadow() (lkml 002) */
	uint64_t supported_force_spec_ctrl;	/* kvm_caps, variant 002 */
};

struct kvm {
	uint32_t disabled_quirks;
	uint8_t user_space_msr_mask;
	bool filter_arch_cap_read;
	bool filter_virt_msrs;		/* variant 002 */
	bool mmio_mapped;
	uint64_t uemu_arch_cap;
	uint64_t force_spec_ctrl_mask;	/* kvm->arch, variant 002 */
	uint64_t force_spec_ctrl_value;
};

struct kvm_vcpu {
	struct kvm_x86 *x;
	struct kvm *kvm;
	bool has_cpuid;
	uint64_t cpuid;			/* KMC_F_* bits of the CPUID table */
	uint64_t cpu_caps;		/* >= 6.14 (or variant 003) */
	uint64_t cr4_guest_rsvd_bits;	/* restricted to the CR4 bits kmc toggles */
	uint64_t cr4;
	uint64_t apic_base;
	uint64_t ia32_misc_enable_msr;
	uint64_t arch_capabilities;
	uint64_t tsx_ctrl;		/* vmx uret slot */
	bool has_run;			/* last_vmentry_cpu != -1 */
	/* vcpu_vmx */
	bool disable_fb_clear;
	/* userspace's emulation of the Intel virtual MSRs (variant 002) */
	uint64_t virt_mitig_ctrl;
	/* vcpu_vmx: IA32_SPEC_CTRL for the guest, its shadow, what is forced */
	uint64_t spec_ctrl;
	uint64_t spec_ctrl_shadow;
	uint64_t force_spec_ctrl_mask;
	uint64_t force_spec_ctrl_value;
};

/* The hardware state the VMX simulation writes (MCU_OPT_CTRL, VERW) */
struct ref_hw {
	uint64_t mcu_opt_ctrl;
	bool kvm_verw_with_fb_clear_dis;	/* finding mmio_verw_order */
};

/* kvm_x86.c */
int kvm_vm_ioctl_enable_cap_force_spec_ctrl(const struct kvm_x86 *x, struct kvm *kvm,
					   uint64_t mask, uint64_t value);
void kvm_x86_vendor_init(struct kvm_x86 *x);
uint64_t kvm_get_arch_capabilities(const struct kvm_x86 *x);
void kvm_arch_vcpu_create(struct kvm_vcpu *vcpu);
void kvm_vcpu_reset(struct kvm_vcpu *vcpu, bool init_event);
int do_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data);
int do_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data);
void kvm_emulate_rdmsr(struct kvm_vcpu *vcpu, uint32_t index, struct kmc_result *res);
void kvm_emulate_wrmsr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data,
		       struct kmc_result *res);
int kvm_set_cr4(struct kvm_vcpu *vcpu, uint64_t cr4);
bool guest_has(const struct kvm_vcpu *vcpu, uint64_t f);
/* kvm_cpuid.c */
void kvm_set_cpu_caps(struct kvm_x86 *x);
uint64_t kvm_cpuid_func_emulated(const struct kvm_x86 *x, bool include_partially_emulated);
uint64_t kvm_get_supported_cpuid(const struct kvm_x86 *x);
int kvm_set_cpuid(struct kvm_vcpu *vcpu, uint64_t table);
void kvm_update_cpuid_runtime(struct kvm_vcpu *vcpu);
uint64_t kvm_emulate_cpuid(struct kvm_vcpu *vcpu, uint64_t asked);
uint64_t kvm_cpu_caps_obs(const struct kvm_vcpu *vcpu);
bool kvm_uses_cpu_caps(const struct kvm_x86 *x);
/* kvm_vmx.c */
void vmx_hardware_setup_force_spec_ctrl(struct kvm_x86 *x);
void vmx_set_spec_ctrl(struct kvm_vcpu *vcpu, uint64_t val);
void vmx_force_spec_ctrl_adjust(struct kvm_vcpu *vcpu, uint64_t mask, uint64_t value);
void vmx_setup_l1d_flush(struct kvm_x86 *x);
int vmentry_l1d_flush_set(struct kvm_x86 *x, uint8_t param);
void vmx_setup_fb_clear_ctrl(struct kvm_x86 *x);
bool vmx_fb_clear_host_ok(const struct kvm_x86 *x);
void vmx_update_fb_clear_dis(struct kvm_vcpu *vcpu);
void vmx_vcpu_after_set_cpuid(struct kvm_vcpu *vcpu);
int vmx_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host);
int vmx_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host);
int vmx_set_cr4_guest(struct kvm_vcpu *vcpu, uint64_t bits);
bool vmx_vcpu_enter_exit(struct kvm_vcpu *vcpu, struct ref_hw *hw, bool guest_verw);
/* kvm_svm.c */
int svm_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host);
int svm_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host);
int svm_set_cr4_guest(struct kvm_vcpu *vcpu, uint64_t bits);
/* common MSR handlers (kvm_x86.c) */
int kvm_get_msr_common(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host);
int kvm_set_msr_common(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host);

/* variants.c */
void ref_variant_set_init(struct ref_variant_set *v, uint32_t bits);
uint64_t variant_fb_clear_synth(uint64_t data);

#endif
