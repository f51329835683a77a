// SPDX-License-Identifier: GPL-2.0
/*
 * The model and ref backends, and the table kmc-run chooses from.  The kvm
 * backend is in harness/kvm/kvm_backend.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "ref.h"

static int none_open(void **ctx, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	*ctx = NULL;
	return 0;
}

static void none_close(void *ctx)
{
	(void)ctx;
}

/* model and ref compute a scenario; they cannot read a live host */
static int skip_live(const struct kmv_record *r, char *why, size_t len)
{
	if (!r->live)
		return 0;
	snprintf(why, len, "host 'live' needs --backend kvm");
	return KMC_BE_SKIP;
}

static int model_eval(void *ctx, const struct kmv_record *r, uint32_t variants,
		      struct kmc_obs *o, char *why, size_t len)
{
	int ret;

	(void)ctx;
	(void)variants;
	if (skip_live(r, why, len))
		return KMC_BE_SKIP;
	memset(o, 0, sizeof(*o));
	ret = kmc_model_eval(r->profile, &r->sc, o);
	if (ret < 0)
		snprintf(why, len, "%s:%u: model: cannot evaluate this scenario (%s)",
			 r->file, r->line, strerror(-ret));
	return ret < 0 ? ret : 0;
}

static int ref_backend_eval(void *ctx, const struct kmv_record *r, uint32_t variants,
			    struct kmc_obs *o, char *why, size_t len)
{
	struct ref_opts opts = { .kver = r->profile->kver, .variants = variants };
	int ret;

	(void)ctx;
	if (skip_live(r, why, len))
		return KMC_BE_SKIP;
	memset(o, 0, sizeof(*o));
	ret = ref_eval(&opts, &r->sc, o);
	if (ret < 0)
		snprintf(why, len, "%s:%u: ref: cannot evaluate this scenario (%s)",
			 r->file, r->line, strerror(-ret));
	return ret < 0 ? ret : 0;
}

static const struct kmc_backend model_backend = {
	.name = "model",
	.desc = "the oracle (model/), evaluated for the vector's profile",
	.open = none_open,
	.eval = model_eval,
	.close = none_close,
};

static const struct kmc_backend ref_backend = {
	.name = "ref",
	.desc = "the kernel-shaped reference (ref/), given the profile's release",
	.has_variants = 1,
	.open = none_open,
	.eval = ref_backend_eval,
	.close = none_close,
};

const struct kmc_backend *const kmc_backends[] = {
	&model_backend,
	&ref_backend,
	&kmc_kvm_backend,	/* harness/kvm/kvm_backend.c */
	NULL,
};

const char *const kmc_backends_planned[] = { NULL };

const struct kmc_backend *kmc_backend_find(const char *name)
{
	for (unsigned int i = 0; kmc_backends[i]; i++)
		if (!strcmp(kmc_backends[i]->name, name))
			return kmc_backends[i];
	return NULL;
}
