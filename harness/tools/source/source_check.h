/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kmc source-check`: the model's and ref's tables against the ones
 * extracted from a kernel line's source (docs/source-check.md).
 */
#ifndef KMC_SOURCE_CHECK_H
#define KMC_SOURCE_CHECK_H

#include <stdio.h>
#include "kmc/model.h"
#include "source_tables.h"

struct source_check_totals {
	unsigned int rows;		/* table rows and named entries compared */
	unsigned long probes;		/* CPUs looked up in the two vulnerability tables */
	unsigned int mismatches;
	unsigned int failed;		/* KTAP tests not ok */
};

/*
 * Compare @s with profile @p (model) and @p's release (ref); print one KTAP
 * subtest (indented) numbered @n and add to @t.  Returns 0 if all agree.
 */
int source_check_line(FILE *out, unsigned int n, const struct kst_source *s,
		      const struct kmc_profile *p, struct source_check_totals *t);

#endif
