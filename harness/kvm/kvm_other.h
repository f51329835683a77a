/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Another KVM: a /dev/kvm whose vendor module is neither kvm_intel nor
 * kvm_amd (e.g. kvm_pvm, a paravirtual KVM whose feature MSRs answer but
 * whose guests barely run).  The kvm backend checks what such a KVM can
 * answer against the model and SKIPs the rest with the reason
 * (docs/kvm-backend.md "Another KVM").  What it can do is probed, once,
 * never inferred from the module's name: a throwaway VM, a vCPU,
 * KVM_SET_CPUID2, and kmc's guest program (kmc_kvm_probe()).  Which vectors
 * that rules out is kmc_other_skip(), a pure function the tests drive.
 */
#ifndef KMC_KVM_OTHER_H
#define KMC_KVM_OTHER_H

#include <stddef.h>
#include <stdint.h>
#include "kmv.h"
#include "kvmlib.h"

/* The probe's steps, each needing the one before (the guest: the vCPU) */
enum kmc_probe_step {
	KMC_PROBE_VM,		/* KVM_CREATE_VM, KVM_CREATE_IRQCHIP, memory, the program */
	KMC_PROBE_VCPU,		/* KVM_CREATE_VCPU, its kvm_run, registers */
	KMC_PROBE_CPUID,	/* KVM_SET_CPUID2 of KVM's own supported table (+ ARCH_CAPABILITIES) */
	KMC_PROBE_GUEST,	/* KVM_RUN: the guest program's NOP twice, then UD2 through its IDT */
	KMC_PROBE_NR
};

/* "vm", "vcpu", "cpuid", "guest": the names KMC_KVM_PROBE_FAIL takes */
extern const char *const kmc_probe_step_names[KMC_PROBE_NR];

struct kmc_kvm_probe {
	int done;			/* the probe ran */
	int ok[KMC_PROBE_NR];		/* 1: works; 0: see why[] */
	char why[KMC_PROBE_NR][400];	/* "kvm_pvm: KVM_RUN (vCPU 0, guest command 1): Invalid argument" */
};

/*
 * Probe @k (its vendor module is @k->vendor_mod) once: each step's outcome
 * in @p, with the module, the ioctl and the errno or the exit seen when it
 * fails; a step whose predecessor failed is not tried (ok 0, why says so).
 * Test-only: KMC_KVM_PROBE_FAIL=STEP[,STEP...] (names above) makes those
 * steps fail without trying them, to exercise the SKIP paths on a KVM that
 * works.
 */
void kmc_kvm_probe(const struct kmc_kvm *k, struct kmc_kvm_probe *p);
/* One line for the KTAP header: "vm ok, vcpu ok, cpuid ok, guest no (...)" */
void kmc_kvm_probe_format(const struct kmc_kvm_probe *p, char *buf, size_t len);

/* What the backend knows about another KVM, for kmc_other_skip() */
struct kmc_other {
	const char *module;		/* "kvm_pvm"; "" when not known */
	const struct kmc_kvm *k;	/* its capabilities (KVM_CHECK_EXTENSION) */
	const struct kmc_kvm_probe *probe;
	const char *feature_err;	/* why system KVM_GET_MSRS(0x10a) failed, or NULL */
	/*
	 * The model's KVM is kvm_intel on this CPU (vendor neither AMD nor
	 * Hygon): its VMX-only rules (l1tf_vmx, CR4.FSGSBASE guest-owned,
	 * the guest's TSX_CTRL) are kvm_intel's, not this module's.
	 */
	int vmx_cpu;
};

/*
 * 0 when @r can run on another KVM, else KMC_BE_SKIP with the reason in
 * @why: what kmc does not model there (disable_fb_clear, fb_clear_ctrl,
 * op verw; on a VMX CPU l1tf_vmx, CR4.FSGSBASE, MSR 0x122), a feature MSR
 * 0x10a it does not give (kvm.arch_cap, op get_feature), what the
 * probe found missing (a VM, a vCPU, KVM_SET_CPUID2, KVM_RUN of the guest
 * program), and VM capabilities the record asks for that this KVM does
 * not offer (quirks, user-space MSR exits, MSR filters).
 */
int kmc_other_skip(const struct kmc_other *o, const struct kmv_record *r, char *why, size_t len);

/* What a record needs of KVM beyond its system ioctls */
#define KMC_NEED_VM	1u	/* a VM with a vCPU */
#define KMC_NEED_CPUID	2u	/* KVM_SET_CPUID2 */
#define KMC_NEED_GUEST	4u	/* KVM_RUN of kmc's guest program */
/* KMC_NEED_* of @r; *@first_guest_op: the first op that runs the guest, or -1 */
unsigned int kmc_record_needs(const struct kmv_record *r, int *first_guest_op);

#endif
