/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kvm backend's parts (docs/kvm-backend.md): its state and what each
 * file gives the others.  kvm_backend.c opens, evaluates a vector and
 * closes; kvm_ops.c makes the observations; kvm_watch.c is VMX's vmx
 * watch; kvm_observe.c says what cannot be observed here; kvm_params.c
 * sets kvm.ignore_msrs for a vector; kvm_facts.c reports the host.
 */
#ifndef KMC_KVM_BACKEND_H
#define KMC_KVM_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "backend.h"
#include "kvm_mark.h"
#include "kvm_other.h"
#include "kvmlib.h"
#include "live_host.h"
#include "vmxwatch.h"

#define MSGLEN 600
#define KEYBIT(k) (1u << (k))

struct kctx {
	int usable;			/* 0: every vector is skipped for @why */
	char why[MSGLEN];
	struct kmc_kvm k;
	struct kmc_live_host lh;
	int feature_err;		/* system KVM_GET_MSRS(0x10a) failed (feature_msg) */
	uint64_t feature;
	char feature_msg[256];
	uint64_t kvm_cpuid, kvm_emul_cpuid;
	int write_params;		/* KMC_KVM_WRITE_PARAMS=1: may set kvm.ignore_msrs */
	int trace;			/* KMC_KVM_TRACE=1: every observation on stderr */
	char this_host[300];
	char vm_note[160];		/* the last VM's setup note */
	/* another KVM: neither kvm_intel nor kvm_amd (docs/kvm-backend.md "Another KVM") */
	int other;
	struct kmc_kvm_probe probe;	/* what it can do, probed once at open */
	struct kmc_other oth;		/* for kmc_other_skip() */
	int model_l1tf_never;		/* the model's l1tf_vmx here is never (kvm_intel assumed) */
	/* VMX: kmc.ko's vmx watch (docs/kvm-backend.md "VMX: the vmx watch") */
	int vmx;			/* KVM is kvm_intel */
	int watch_ok;			/* the watch could be armed: observe through it */
	int watch_armed;		/* a watch of ours is armed now (unwatch at close) */
	char watch_why[2 * MSGLEN];	/* why not (the SKIP reason) */
	const char *kmc_dev;		/* KMC_KMC_DEV, else /dev/kmc */
	uint32_t vmx_offset;		/* OFFSET of "watch 0 OFFSET" */
	char vmx_offset_src[400];	/* where it came from */
	char watch_cmd[64];
	struct kmc_mark mark;		/* KMC_KVM_MARK_MSR/_LOG (kvm_mark.c) */
	/* costs, for KMC_KVM_TRACE=1 */
	unsigned int nvectors, nvms, nwatch;
	double vm_create_s, vm_total_s, watch_s;
};

struct evalctx {
	struct kctx *c;
	const struct kmv_record *r;
	struct kmc_kvm_vm vm;
	int have_vm;
	struct kmc_kvm_vcpu *v;
	int watch;			/* VMX: this vector is observed through the vmx watch */
	int marked;			/* its marker's log line is written */
	struct kmc_dev_facts facts;	/* scratch for /dev/kmc reads */
	char *why;
	size_t len;
};


static inline double kb_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- kvm_watch.c --------------------------------------------------------- */

/* (Re-)arm "watch 0 OFFSET": kmc.ko clears its vCPU table, so the next VM is vm0 */
int kb_watch_arm(struct kctx *c, char *msg, size_t len);
/* The OFFSET, kmc.ko's agreement with this kernel, and a first watch; else watch_why */
void kb_watch_setup(struct kctx *c);
void kb_watch_close(struct kctx *c);
/* KMC_KVM_TRACE=1: vCPU 0's slot @when */
void kb_trace_slot(const struct evalctx *e, const char *when, const struct kmc_dev_slot *s);
/* vCPU 0 of the vector's VM in *@out; 0, or -errno with "@what: ..." in e->why */
int kb_watch_read(struct evalctx *e, const char *what, const struct kmc_dev_slot **out);
/* op verw on VMX, derived from @before and the slot now */
int kb_verw_vmx(struct evalctx *e, unsigned int i, const struct kmc_dev_slot *before,
		struct kmc_result *res);

/* ---- kvm_ops.c ------------------------------------------------------------ */

/* Op @i of the vector into @res; 0, KMC_BE_SKIP or -errno (e->why) */
int kb_do_op(struct evalctx *e, unsigned int i, struct kmc_result *res);
/* The vector's VM: its vCPUs, every op, and what the vmx watch saw */
int kb_run_vm(struct evalctx *e, struct kmc_obs *o);

/* ---- kvm_observe.c -------------------------------------------------------- */

/* KMC_BE_SKIP with the reason when @r asks for something this machine cannot show */
int kb_cannot_observe(struct kctx *c, const struct kmv_record *r, char *why, size_t len);
/* The backend's unobserved() (backend.h) */
uint64_t kb_unobserved(void *ctx, const struct kmv_record *r, int key, int op,
		       char *why, size_t len);

/* ---- kvm_params.c --------------------------------------------------------- */

/* 0 with *@restore set when kvm.ignore_msrs was changed for @r, KMC_BE_SKIP, or -errno */
int kb_apply_settings(struct kctx *c, const struct kmv_record *r, int *restore,
		      char *why, size_t len);
void kb_restore_settings(struct kctx *c);

/* ---- kvm_facts.c ---------------------------------------------------------- */

/* The backend's facts() (backend.h) */
void kb_facts(void *ctx, void (*fact)(void *arg, const char *key, const char *value,
				      const char *source, const char *note),
	      void *arg);

#endif
