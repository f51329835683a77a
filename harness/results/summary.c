// SPDX-License-Identifier: GPL-2.0
/* The text summary of a results directory: a line per suite, the totals (derive.h). */
#include <errno.h>
#include "derive.h"

int kr_write_summary(const struct kr_results *res, FILE *fp)
{
	const unsigned int *c = res->counts;

	fprintf(fp, "kmc run %s: %s (backend %s)\n", res->id, res->status, res->backend);
	for (unsigned int i = 0; i < res->nsuites; i++) {
		const struct kr_suite *s = &res->suites[i];
		unsigned int n[KT_NSTATUS] = { 0 };

		for (unsigned int k = 0; k < s->n; k++)
			n[s->cases[k].status]++;
		fprintf(fp, "%-7s %-40s pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u miss:%u\n",
			kt_status_names[s->status], s->name, n[KT_PASS], n[KT_FAIL], n[KT_XFAIL],
			n[KT_XPASS], n[KT_SKIP], n[KT_ERROR] + n[KT_TIMEOUT], n[KT_MISS]);
	}
	fprintf(fp, "Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u miss:%u\n",
		c[KT_PASS], c[KT_FAIL], c[KT_XFAIL], c[KT_XPASS], c[KT_SKIP], c[KT_ERROR] + c[KT_TIMEOUT],
		c[KT_MISS]);
	fprintf(fp, "Findings: %u\n", res->findings);
	return ferror(fp) ? -EIO : 0;
}
