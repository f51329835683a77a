/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmc: host facts for the KVM mitigation conformance harness.
 *
 * The module owns one misc device, /dev/kmc. Reading it returns the facts
 * (docs/kmod.md has the format); writing one command line to it arms the
 * VMX observation or runs the VERW timing.
 */
#ifndef KMC_H
#define KMC_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct seq_file;
struct pid;

#define KMC_FORMAT		1
#define KMC_ERRMSG_LEN		128

/* VMX observation: per-vCPU slots filled by the probes. */
#define KMC_VMX_SLOTS		32

enum kmc_vmx_src {
	KMC_SRC_RESET,		/* after vmx_vcpu_reset() */
	KMC_SRC_SET_ARCH_CAP,	/* after vmx_set_msr(MSR_IA32_ARCH_CAPABILITIES) */
	KMC_SRC_RUN,		/* at entry of vmx_vcpu_run() */
	KMC_SRC_NR,
};

#define KMC_VAL_NONE		0xff

struct kmc_vmx_slot {
	const void *kvm;	/* identity only, never printed */
	const void *vcpu;	/* identity only, never printed */
	int vm;			/* order of first sighting of kvm */
	int vcpu_id;
	u8 last;
	u8 at[KMC_SRC_NR];
	u64 count[KMC_SRC_NR];
	u64 runs_disabled;	/* VM-entries at which the byte read 1 */
	u64 changes;
};

/* Where the probes go: KVM's VMX functions, or SVM's to test the probes. */
struct kmc_target {
	const char *name;
	const char *run;	/* entry: value used for this VM-entry */
	const char *reset;	/* return: value after a vCPU reset */
	const char *set_msr;	/* return: value after a write of 0x10a */
	int feature;		/* X86_FEATURE_VMX or X86_FEATURE_SVM */
};

struct kmc_vmx {
	const struct kmc_target *target;
	raw_spinlock_t lock;		/* slots, nslots, nvms, dropped, faults */
	struct kmc_vmx_slot slots[KMC_VMX_SLOTS];
	int nslots;
	int nvms;
	u64 dropped;
	u64 faults;
	struct pid *pid;		/* watched thread group, NULL if none */
	unsigned long offset;		/* disable_fb_clear, from struct kvm_vcpu */
	bool armed;
	int arm_err;			/* why the last watch failed, 0 if it did not */
	void *probes;			/* struct kmc_probes, see vmx.c */
};

/* VERW timing. */
#define KMC_VERW_MAX_SAMPLES	4096
#define KMC_VERW_DEF_SAMPLES	1001

enum kmc_verw_set {
	KMC_VERW_OVERHEAD,	/* the rdtsc bracket alone */
	KMC_VERW_ASIS,		/* VERW, MCU_OPT_CTRL as found */
	KMC_VERW_DIS0,		/* VERW, FB_CLEAR_DIS clear: buffers cleared */
	KMC_VERW_DIS1,		/* VERW, FB_CLEAR_DIS set */
	KMC_VERW_NR,
};

struct kmc_verw {
	bool done;
	int cpu;
	unsigned int samples;
	bool fb_clear_ctrl;
	u64 arch_cap;
	u64 mcu_opt_ctrl;	/* as found, and restored */
	int err;		/* MSR error during the run */
	u64 median[KMC_VERW_NR];
	u64 min[KMC_VERW_NR];
	bool have[KMC_VERW_NR];
};

struct kmc {
	struct mutex lock;	/* serialises commands and fact snapshots */
	struct kmc_vmx vmx;
	struct kmc_verw verw;
	int last_err;
	char last_msg[KMC_ERRMSG_LEN];
};

/* facts.c */
void kmc_show_facts(struct seq_file *m, struct kmc *k);

/* vmx.c */
int kmc_vmx_init(struct kmc_vmx *v, const char *target);
int kmc_vmx_watch(struct kmc *k, struct pid *pid, unsigned long offset);
void kmc_vmx_unwatch(struct kmc_vmx *v);
void kmc_vmx_show(struct seq_file *m, struct kmc_vmx *v);

/* verw.c */
int kmc_verw_run(struct kmc *k, unsigned int samples, int cpu);
void kmc_verw_show(struct seq_file *m, struct kmc_verw *r);

/* main.c */
int kmc_fail(struct kmc *k, int err, const char *fmt, ...) __printf(3, 4);

#endif /* KMC_H */
