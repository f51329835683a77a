/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backends: what turns a vector's scenario into observations.  model and
 * ref are pure C; the kvm backend (harness/kvm/) drives /dev/kvm.  kmc-run
 * picks one by name from kmc_backends[].
 */
#ifndef KMC_BACKEND_H
#define KMC_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include "kmv.h"

/* eval() return value: the vector cannot run here (reason in @why) */
#define KMC_BE_SKIP	1

struct kmc_backend {
	const char *name;
	const char *desc;
	int has_variants;	/* understands ref's REF_V_* variants */
	/* 0, or a negative errno with a message (e.g. "/dev/kvm: Permission denied") */
	int (*open)(void **ctx, char *msg, size_t len);
	/*
	 * Fill @o for @r with @variants applied.  0; KMC_BE_SKIP with the
	 * reason in @why; or a negative errno with the reason (an ERROR).
	 */
	int (*eval)(void *ctx, const struct kmv_record *r, uint32_t variants,
		    struct kmc_obs *o, char *why, size_t len);
	void (*close)(void *ctx);

	/* ---- optional, for `host live` records (the kvm backend) ---- */
	/*
	 * The host and profile that record @r runs on: the machine itself,
	 * with the settings @r applies (`host live ignore_msrs=1`).  kmc-run
	 * evaluates the model on it for every `expect KEY` without a value
	 * and every op without `-> RESULT`.  0, KMC_BE_SKIP, or -errno.
	 */
	int (*live)(void *ctx, const struct kmv_record *r, struct kmc_host *h,
		    const struct kmc_profile **p, char *why, size_t len);
	/*
	 * Bits of a compared item that the last eval() of @r could not
	 * observe (key >= 0: an `expect` key, else op @op): kmc-run compares
	 * the others and says which it left out, and why (in @why).
	 */
	uint64_t (*unobserved)(void *ctx, const struct kmv_record *r, int key, int op,
			       char *why, size_t len);
	/*
	 * The release (uname -r) of the kernel under test, when it is this
	 * machine's: known divergences match it, run.json records it
	 */
	const char *(*release)(void *ctx);
	/* Facts about the machine, for the report: @fact is called once per fact */
	void (*facts)(void *ctx, void (*fact)(void *arg, const char *key, const char *value,
					      const char *source, const char *note),
		      void *arg);
};

/* The built backends, NULL-terminated */
extern const struct kmc_backend *const kmc_backends[];
/* Backends that exist in the design but are not built yet, NULL-terminated */
extern const char *const kmc_backends_planned[];

const struct kmc_backend *kmc_backend_find(const char *name);

/* harness/kvm/kvm_backend.c */
extern const struct kmc_backend kmc_kvm_backend;

#endif
