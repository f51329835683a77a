// SPDX-License-Identifier: GPL-2.0
/*
 * --variant's per-variant changes (run_variants.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "run_variants.h"

/* "ID: what expected X, got Y; ..." for the diffs of one vector (malloc'd) */
static char *changes_line(const struct kmv_record *r, const struct kmc_cmp *c)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	fprintf(m, "%s:", r->id);
	for (unsigned int i = 0; i < c->ndiff; i++) {
		const struct kmc_diff *d = &c->diff[i];

		fprintf(m, "%s %s expected %s, got %s", i ? ";" : "", d->what, d->exp, d->got);
		/* the stock ref missed the expectation as well: say so */
		if (strcmp(d->was, d->exp))
			fprintf(m, " (stock ref got %s)", d->was);
	}
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

void run_variants_track(const struct run_opts *o, void *ctx, struct strv *changed,
			const struct kmv_record *r, const struct kmc_obs *combined)
{
	struct kmc_obs stock, one;
	struct kmc_cmp *c = malloc(sizeof(*c));
	char why[MSGLEN];

	if (!c || o->be->eval(ctx, r, 0, &stock, why, sizeof(why))) {
		free(c);
		return;
	}
	for (unsigned int i = 0; i < o->nvar; i++) {
		const struct kmc_obs *got = combined;

		if (o->nvar > 1) {
			if (o->be->eval(ctx, r, o->var[i]->bit, &one, why, sizeof(why)))
				continue;
			got = &one;
		}
		if (kmc_compare_obs(r, &stock, got, c)) {
			char *line = changes_line(r, c);

			if (line)
				strv_push(&changed[i], line);
		}
	}
	free(c);
}

void run_variants_summary(struct ktap *kt, const struct run_opts *o, struct strv *changed)
{
	for (unsigned int i = 0; i < o->nvar; i++) {
		struct strv *s = &changed[i];

		ktap_summary(kt, "Changed by variant %s: %u vector%s", o->var[i]->name, s->n,
			     s->n == 1 ? "" : "s");
		for (unsigned int k = 0; k < s->n; k++) {
			ktap_summary(kt, "  %s", s->v[k]);
			free(s->v[k]);
		}
		free(s->v);
	}
}

