/* SPDX-License-Identifier: GPL-2.0 */
/* Model-private interfaces between the rule files. */
#ifndef KMC_MODEL_INTERNAL_H
#define KMC_MODEL_INTERNAL_H

#include <stdbool.h>
#include "flags.h"

/* Mitigation modes shared by mds/taa/mmio/rfds (sysfs base strings) */
enum verw_mode {
	VM_NOT_AFFECTED,
	VM_OFF,			/* "Vulnerable" */
	VM_UCODE_NEEDED,	/* "... attempted, no microcode" / RFDS "No microcode" */
	VM_VERW,		/* "Mitigation: Clear CPU buffers" */
	VM_TSX_DISABLED,	/* TAA only */
	VM_UNKNOWN,		/* MMIO only, before 6.16: "Unknown: No mitigations" */
};

/* What the host kernel ends up with after boot. */
struct boot {
	uint64_t ac;		/* 0x10a as the kernel read it (0 without the CPUID bit) */
	uint64_t feat;		/* CPUID features kept after boot */
	uint64_t bugs;
	bool off;		/* mitigations=off */
	bool smt;		/* SMT still active (l1tf= may turn it off) */
	uint8_t mds, taa, mmio, rfds;	/* enum verw_mode */
	bool verw_selected;	/* a VERW mitigation converged (CLEAR_CPU_BUF) */
	uint32_t state;		/* KMC_HS_* */
	uint8_t l1tf_vmx;	/* enum kmc_l1tf_vmx */
	/* KVM's module init */
	bool vmx;		/* kvm_intel (VMX) loaded, else kvm_amd (SVM) */
	uint64_t kvm_ac;	/* KVM's feature 0x10a then: the vCPU's default */
};

/*
 * Before a loop over one of the rule tables: the loop is unrolled, so each
 * row's constants sit in the code and a row's function is called directly
 * (the model's cost per scenario: docs/bench.md).
 */
#define UNROLLED _Pragma("GCC unroll 128")

#define HAS_F(set, f) (((set) & KMC_F(f)) != 0)
#define HAS_BUG(b, x) (((b) & KMC_B(x)) != 0)

/* host_bugs.c: cpu_set_bug_bits as decision tables */
uint64_t model_host_bugs(const struct kmc_profile *p, const struct kmc_host *h,
			 uint64_t ac);
/* host_boot.c: l1tf_vmx_mitigation for a vmentry_l1d_flush value */
uint8_t model_l1tf_vmx(const struct kmc_profile *p, const struct kmc_host *h,
		       const struct boot *b, uint8_t param);
/* host_boot.c: the boot sequence: tsx, bugs, mitigations, KVM module init
 * (@var: the KMC_VAR_* the kernel carries) */
void model_boot(const struct kmc_profile *p, const struct kmc_host *h, uint32_t var,
		struct boot *b);
/* sysfs_strings.c */
void model_sysfs(const struct kmc_host *h, const struct boot *b,
		 struct kmc_obs *o);
/* kvm_feature.c: KVM's advertised 0x10a for a raw host value @raw */
uint64_t model_kvm_arch_cap(const struct kmc_profile *p, const struct boot *b,
			    uint64_t raw, uint32_t var);
uint64_t model_kvm_cpuid(const struct kmc_profile *p, const struct kmc_host *h,
			 const struct boot *b);
uint64_t model_kvm_emul_cpuid(const struct kmc_host *h);
/* The vCPU as the rules see it */
struct vcpu {
	const struct kmc_profile *p;
	const struct kmc_host *h;
	const struct kmc_vm *vm;
	const struct boot *b;
	uint32_t var;		/* KMC_VAR_* the kernel carries */
	uint64_t ac;		/* vcpu->arch.arch_capabilities */
	uint64_t host_ac;	/* the host's raw 0x10a now (late microcode) */
	bool has_table;		/* KVM_SET_CPUID2 has been done */
	uint64_t table;		/* guest CPUID features, runtime bits applied */
	bool ran;		/* KVM_RUN has entered the guest */
	uint64_t cr4;		/* KMC_CR4_* bits the guest set */
	bool apic_enabled;	/* APIC_BASE.EN */
	uint64_t misc_enable;	/* MSR 0x1a0 */
	uint64_t tsx_ctrl;	/* the guest's MSR 0x122 */
	bool disable_fb_clear;
	uint64_t spec_ctrl;	/* the guest's MSR 0x48, as it wrote it */
	uint64_t vm_force_mask, vm_force_value;	/* KVM_CAP_FORCE_SPEC_CTRL taken */
	uint64_t force_mask, force_value;	/* ... and what the VMM adds */
	uint64_t mitig_ctrl;	/* MSR 0x50000002 as the VMM keeps it */
	uint8_t l1tf_vmx;	/* l1tf_vmx_mitigation now (vmentry_l1d_flush writes) */
};

/* Outcome of an MSR access inside KVM, before exits and ignore_msrs */
enum msr_rc { RC_OK, RC_ONE, RC_UNSUPPORTED, RC_NOT_MODELLED };

/* vcpu.c: the vCPU and its operations; -EINVAL for an op kmc does not model */
int model_vcpu_run_ops(const struct kmc_profile *p, const struct kmc_scenario *s,
		       const struct boot *b, struct kmc_obs *o);
static inline bool vcpu_is_vmx(const struct vcpu *v) { return v->b->vmx; }
bool vcpu_user_exit(const struct vcpu *v, uint8_t reason);
bool vcpu_guest_has(const struct vcpu *v, enum kmc_feat f);
/* the guest's CPUID instruction sees @f (TSX_CTRL.CPUID_CLEAR hides RTM/HLE) */
bool vcpu_guest_sees(const struct vcpu *v, enum kmc_feat f);
/* guest_msrs.c: guest RDMSR/WRMSR inside KVM */
enum msr_rc model_guest_rdmsr(struct vcpu *v, uint32_t index, uint64_t *val);
enum msr_rc model_guest_wrmsr(struct vcpu *v, uint32_t index, uint64_t val);
/* cpu_caps.c */
uint64_t model_runtime_bits(const struct vcpu *v, uint64_t table);
uint64_t model_cpu_caps(const struct vcpu *v);
bool model_cr4_ok(const struct vcpu *v, uint64_t bits);
void model_after_set_cpuid(struct vcpu *v);
/* fb_clear.c */
int8_t model_fb_clear_ctrl(const struct vcpu *v);
void model_update_fb_clear_dis(struct vcpu *v);
uint8_t model_verw(const struct vcpu *v);
uint64_t model_guest_sees_ac(const struct vcpu *v);
uint32_t model_findings(const struct vcpu *v);
/* spec_ctrl.c: guest SPEC_CTRL, KVM_CAP_FORCE_SPEC_CTRL, the VMM's virtual MSRs */
void model_spec_ctrl_create(struct vcpu *v);
uint64_t model_spec_ctrl_hw(const struct vcpu *v);
enum msr_rc model_spec_ctrl_rdmsr(const struct vcpu *v, uint64_t *val);
enum msr_rc model_spec_ctrl_wrmsr(struct vcpu *v, uint64_t val);
bool model_vmm_virt_msr(struct vcpu *v, const struct kmc_op *op, struct kmc_result *r);
/* immunity.c: the guest is told "not affected" by a bug its host has */
bool model_false_immunity(const struct vcpu *v);

#endif
