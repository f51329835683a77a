// SPDX-License-Identifier: GPL-2.0
/*
 * A host from the command line, read as a one-record vector file so that
 * it accepts exactly what a vector's `host` line does (docs/vectors.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostspec.h"

int kmc_hostspec_read(struct kmc_hostspec *s, const char *host, const char *profile, char *err,
		      size_t len)
{
	char *text = NULL, msg[512];
	size_t tlen = 0;
	FILE *m = open_memstream(&text, &tlen);
	int ret;

	if (!m)
		return -ENOMEM;
	fprintf(m, "kmv 1\nvector hostspec.%s profile=%s\n  host %s\n", s->what, profile, host);
	fclose(m);
	m = fmemopen(text, tlen, "r");
	if (!m) {
		free(text);
		return -ENOMEM;
	}
	ret = kmv_read(m, s->what, KMV_REQUESTS, NULL, &s->f, msg, sizeof(msg));
	fclose(m);
	free(text);
	if (!ret && s->f.nrecs != 1)
		ret = -EINVAL;
	if (ret) {
		/* "source:3: unknown CPU 'x'": say which argument it was */
		const char *why = strchr(msg, ' ');

		snprintf(err, len, "%s host '%s': %s", s->what, host, why ? why + 1 : msg);
		return ret;
	}
	s->r = &s->f.recs[0];
	if (s->r->live) {
		snprintf(err, len, "%s host: 'live' needs the kvm backend, not the model", s->what);
		return -EINVAL;
	}
	return 0;
}

void kmc_hostspec_free(struct kmc_hostspec *s)
{
	kmv_file_free(&s->f);
	s->r = NULL;
}

int kmc_hostspec_view(const struct kmc_hostspec *s, struct kmc_obs *o)
{
	struct kmc_scenario sc = s->r->sc;

	sc.nops = 0;
	return kmc_model_eval(s->r->profile, &sc, o);
}

int kmc_hostspec_guest(const struct kmc_hostspec *s, uint64_t cpuid, uint64_t ac,
		       struct kmc_obs *o)
{
	struct kmc_scenario sc = s->r->sc;

	sc.nops = 3;
	sc.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = cpuid };
	sc.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = KMC_MSR_ARCH_CAPABILITIES,
				     .value = ac };
	sc.ops[2] = (struct kmc_op){ .kind = KMC_OP_VERW };
	return kmc_model_eval(s->r->profile, &sc, o);
}
