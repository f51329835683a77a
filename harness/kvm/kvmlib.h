/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM side of the kvm backend: /dev/kvm and its system ioctls
 * (kvm_sys.c), CPUID tables (kvm_cpuid.c), VMs, vCPUs and the guest
 * program (kvm_vcpu.c, guest.S).
 *
 * Errors follow libbpf: a negative errno is returned and @msg says which
 * ioctl or file failed and why ("KVM_SET_CPUID2: Invalid argument").
 * Where a failing ioctl *is* the observation (KVM_SET_CPUID2 after
 * KVM_RUN), the errno is returned through an out-parameter instead.
 */
#ifndef KMC_KVMLIB_H
#define KMC_KVMLIB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "guest.h"

/* uapi values newer than some installed headers */
#ifndef KVM_X86_QUIRK_STUFF_FEATURE_MSRS
#define KVM_X86_QUIRK_STUFF_FEATURE_MSRS	(1 << 8)
#endif
#ifndef KVM_CAP_DISABLE_QUIRKS2
#define KVM_CAP_DISABLE_QUIRKS2			213
#endif
#ifndef KVM_EXIT_X86_RDMSR
#define KVM_EXIT_X86_RDMSR			29
#define KVM_EXIT_X86_WRMSR			30
#endif

/* ---- /dev/kvm (kvm_sys.c) ---------------------------------------------- */

/* The KVM vendor modules kmc knows how to model */
enum kmc_kvm_vendor { KMC_KVM_NONE, KMC_KVM_INTEL, KMC_KVM_AMD, KMC_KVM_OTHER };

struct kmc_kvm {
	int fd;				/* /dev/kvm, -1 when not open */
	int api;			/* KVM_GET_API_VERSION */
	int vendor;			/* enum kmc_kvm_vendor */
	char vendor_mod[32];		/* "kvm_amd", "kvm_intel", "kvm_pvm", "" */
	int vcpu_mmap_size;
	int cap_msr_features;		/* KVM_CAP_GET_MSR_FEATURES */
	int cap_user_space_msr;		/* KVM_CAP_X86_USER_SPACE_MSR */
	int cap_msr_filter;		/* KVM_CAP_X86_MSR_FILTER */
	int cap_disable_quirks2;	/* KVM_CAP_DISABLE_QUIRKS2: the quirks that can be disabled */
	int cap_disable_quirks;		/* KVM_CAP_DISABLE_QUIRKS: 1 where the older form exists */
	uint32_t nfeature_msrs;		/* KVM_GET_MSR_FEATURE_INDEX_LIST */
	uint32_t *feature_msrs;
	struct kvm_cpuid2 *supported;	/* KVM_GET_SUPPORTED_CPUID */
	struct kvm_cpuid2 *emulated;	/* KVM_GET_EMULATED_CPUID */
};

/*
 * Open @path (NULL: /dev/kvm) and read what the system ioctls tell.
 * -ENOENT/-EACCES/... with "/dev/kvm: ..." in @msg when it cannot be
 * opened; other failures name the ioctl.  kmc_kvm_close() in any case.
 */
int kmc_kvm_open(struct kmc_kvm *k, const char *path, char *msg, size_t len);
/*
 * The quirks a VM on this KVM can disable, and the capability that does it
 * (*cap): KVM_CAP_DISABLE_QUIRKS2 and its mask; on a KVM without it (5.10)
 * KVM_CAP_DISABLE_QUIRKS, which does not say which quirks it knows, with
 * KMC_KVM_QUIRKS_V1, the ones 5.10's uapi defines; 0 and *cap 0: neither.
 * kmc_kvm_quirks_str() puts the answer in words, for notes and skips.
 */
#define KMC_KVM_QUIRKS_V1	0x1fu	/* LINT0_REENABLED .. MISC_ENABLE_NO_MWAIT */
uint32_t kmc_kvm_quirks_offered(const struct kmc_kvm *k, uint32_t *cap);
const char *kmc_kvm_quirks_str(const struct kmc_kvm *k, char *buf, size_t len);
void kmc_kvm_close(struct kmc_kvm *k);
/*
 * The loaded vendor module, from /sys/module (@sysroot NULL: "/"):
 * kvm_intel, kvm_amd, kvm_pvm, kvm_hygon, else the first other loaded
 * kvm_* module (KMC_KVM_OTHER).  KMC_KVM_MODULE=NAME (tests, and to try
 * the backend's other-KVM mode on a KVM that runs guests) names it instead.
 */
int kmc_kvm_vendor_module(const char *sysroot, char *name, size_t len);
/* System KVM_GET_MSRS(@index): 0 and *@val, or -errno (not listed, ioctl failed) */
int kmc_kvm_feature_msr(const struct kmc_kvm *k, uint32_t index, uint64_t *val,
			char *msg, size_t len);
int kmc_kvm_has_feature_msr(const struct kmc_kvm *k, uint32_t index);

/* ---- CPUID tables (kvm_cpuid.c) ---------------------------------------- */

/* The entry for @leaf/@subleaf (subleaf only where KVM says it matters) */
struct kvm_cpuid_entry2 *kmc_cpuid_find(struct kvm_cpuid2 *t, uint32_t leaf, uint32_t subleaf);
/* The KMC_F_* bits a table sets */
uint64_t kmc_cpuid_features(const struct kvm_cpuid2 *t);
/*
 * A guest table: @base (KVM_GET_SUPPORTED_CPUID) with every KMC_F_* bit
 * set exactly as in @feats; every leaf that holds a KMC_F_* bit is there
 * (zeros where @base had none, the maximum leaf raised to cover it).
 * malloc'd; NULL if out of memory.
 */
struct kvm_cpuid2 *kmc_cpuid_table(const struct kvm_cpuid2 *base, uint64_t feats);
struct kvm_cpuid2 *kmc_cpuid_dup(const struct kvm_cpuid2 *t);

/* ---- VMs, vCPUs, the guest (kvm_vcpu.c) -------------------------------- */

/* VM-wide setup, done before the first vCPU (struct kmc_kvm_vm in scenario.h) */
struct kmc_vm_cfg {
	uint32_t disable_quirks;	/* KVM_CAP_DISABLE_QUIRKS2 args[0] */
	uint32_t user_msr_exits;	/* KVM_CAP_X86_USER_SPACE_MSR args[0] */
	int filter_arch_cap;		/* deny guest RDMSR(0x10a) with an MSR filter */
};

/* What a guest command came to */
enum kmc_gout {
	KMC_GOUT_DONE,		/* the guest reported on KMC_G_PORT_DONE */
	KMC_GOUT_TIMEOUT,	/* no report within the time limit */
	KMC_GOUT_SHUTDOWN,	/* KVM_EXIT_SHUTDOWN: triple fault */
	KMC_GOUT_EXCEPTION,	/* an exception the guest did not expect (KMC_G_PORT_UNEXPECTED) */
	KMC_GOUT_EXIT,		/* an exit the protocol has no place for (exit_reason) */
};

struct kmc_gcmd {
	uint32_t cmd;		/* KMC_GC_* */
	uint32_t index;		/* MSR index or CPUID leaf */
	uint32_t subleaf;
	uint64_t value;
};

struct kmc_gres {
	int outcome;		/* enum kmc_gout */
	uint32_t vector;	/* KMC_G_NO_VECTOR if the command did not fault */
	uint32_t errcode, eip;
	uint64_t out;		/* RDMSR value, CR4 */
	uint32_t regs[4];	/* CPUID EAX..EDX */
	/* userspace MSR exits (KVM_CAP_X86_USER_SPACE_MSR) on the way */
	unsigned int nmsr_exits;
	uint32_t msr_exit_reason;	/* KVM_MSR_EXIT_REASON_* of the first */
	uint32_t msr_exit_index;
	int msr_exit_answered;	/* the harness gave the guest a value (filter) */
	/* KMC_GOUT_EXIT */
	uint32_t exit_reason;	/* KVM_EXIT_* */
	char what[160];		/* the outcome in words, for reports */
};

struct kmc_kvm_vm;

struct kmc_kvm_vcpu {
	struct kmc_kvm_vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	volatile uint8_t *mbox;	/* the vCPU's mailbox in guest memory */
	uint32_t seq;		/* MB_SEQ after the last command */
	int dead;		/* after a shutdown/timeout/unexpected exit */
	char dead_why[160];
};

struct kmc_kvm_vm {
	const struct kmc_kvm *k;
	int fd;
	uint8_t *mem;		/* KMC_G_MEM_SIZE bytes at guest-physical 0 */
	struct kmc_vm_cfg cfg;
	uint64_t uemu_arch_cap;	/* what the harness answers filtered RDMSR(0x10a) with */
	unsigned int nvcpus;
	struct kmc_kvm_vcpu vcpus[KMC_G_MAX_VCPUS];
	char note[160];		/* what the setup could not do as asked (see kmc_vm_create) */
};

/*
 * Create a VM with an in-kernel irqchip and the guest program loaded, set
 * up as @cfg says.  Quirks that this KVM does not offer for disabling
 * (KVM_CHECK_EXTENSION(KVM_CAP_DISABLE_QUIRKS2)) are left alone and named
 * in vm->note.  0 or -errno; kmc_vm_destroy() in any case.
 */
int kmc_vm_create(const struct kmc_kvm *k, const struct kmc_vm_cfg *cfg, struct kmc_kvm_vm *vm,
		  char *msg, size_t len);
void kmc_vm_destroy(struct kmc_kvm_vm *vm);
/* A new vCPU (id = vm->nvcpus), registers set to enter the guest program */
int kmc_vcpu_create(struct kmc_kvm_vm *vm, struct kmc_kvm_vcpu **out, char *msg, size_t len);

/* KVM_SET_CPUID2 of @t; the ioctl's errno in *@err (0 on success). -errno only for harness trouble */
int kmc_vcpu_set_cpuid(struct kmc_kvm_vcpu *v, const struct kvm_cpuid2 *t, int *err,
		       char *msg, size_t len);
/* KVM_SET_MSRS / KVM_GET_MSRS of one entry: entries processed in *@n */
int kmc_vcpu_set_msr(struct kmc_kvm_vcpu *v, uint32_t index, uint64_t val, int *n,
		     char *msg, size_t len);
int kmc_vcpu_get_msr(struct kmc_kvm_vcpu *v, uint32_t index, uint64_t *val, int *n,
		     char *msg, size_t len);

/*
 * Run one guest command: KVM_RUN until the guest reports, with a time
 * limit (@timeout_ms, 0 = kmc_run_timeout_ms()).  Userspace MSR exits are
 * answered on the way (an error, i.e. #GP, except a filtered RDMSR(0x10a),
 * which gets vm->uemu_arch_cap).  Returns 0 with the outcome in @res, or
 * -errno when an ioctl failed (message names it).  After any outcome other
 * than KMC_GOUT_DONE the vCPU is marked dead.
 */
int kmc_vcpu_guest(struct kmc_kvm_vcpu *v, const struct kmc_gcmd *cmd, unsigned int timeout_ms,
		   struct kmc_gres *res, char *msg, size_t len);
/* KMC_KVM_RUN_TIMEOUT_MS from the environment, default 5000 */
unsigned int kmc_run_timeout_ms(void);
const char *kmc_exit_reason_name(uint32_t reason);

#endif
