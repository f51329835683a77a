/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --variant: what each of ref's proposed kernel changes alone does to the
 * vectors (stock ref against ref with the variant), for the summary
 * "# Changed by variant NAME: N vectors".
 */
#ifndef KMC_RUN_VARIANTS_H
#define KMC_RUN_VARIANTS_H

#include "ktap.h"
#include "run_args.h"

/*
 * Record in @changed[i] ("ID: what expected X, got Y; ...") what variant
 * o->var[i] alone changes in @r; @combined is ref with all of them.
 */
void run_variants_track(const struct run_opts *o, void *ctx, struct strv *changed,
			const struct kmv_record *r, const struct kmc_obs *combined);
/* The summary lines, one block per variant; frees @changed's strings */
void run_variants_summary(struct ktap *kt, const struct run_opts *o, struct strv *changed);

#endif
