// SPDX-License-Identifier: GPL-2.0
/* The tree kt_parse() makes: statuses, freeing it, counting and finding its tests (ktap_parse.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ktap_parse.h"

const char *const kt_status_names[KT_NSTATUS] = {
	[KT_PASS] = "PASS", [KT_FAIL] = "FAIL", [KT_XFAIL] = "XFAIL", [KT_XPASS] = "XPASS",
	[KT_SKIP] = "SKIP", [KT_ERROR] = "ERROR", [KT_TIMEOUT] = "TIMEOUT", [KT_MISS] = "MISS",
};

int kt_status_parse(const char *name)
{
	for (int i = 0; i < KT_NSTATUS; i++)
		if (!strcasecmp(name, kt_status_names[i]))
			return i;
	return -1;
}

void kt_test_free(struct kt_test *t)
{
	free(t->name);
	free(t->directive);
	free(t->reason);
	free(t->diag);
	for (unsigned int i = 0; i < t->nfindings; i++)
		free(t->findings[i]);
	free(t->findings);
	for (unsigned int i = 0; i < t->nsub; i++)
		kt_test_free(&t->sub[i]);
	free(t->sub);
}

void kt_doc_free(struct kt_doc *d)
{
	for (unsigned int i = 0; i < d->ntests; i++)
		kt_test_free(&d->tests[i]);
	free(d->tests);
	free(d->path);
	free(d->diag);
	free(d->bail);
	memset(d, 0, sizeof(*d));
}

void kt_count_leaves(const struct kt_test *t, unsigned int n, unsigned int counts[KT_NSTATUS])
{
	for (unsigned int i = 0; i < n; i++) {
		if (t[i].nsub)
			kt_count_leaves(t[i].sub, t[i].nsub, counts);
		else if (t[i].closed)
			counts[t[i].status]++;
	}
}

struct kt_test *kt_find(struct kt_test *tests, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (tests[i].name && !strcmp(tests[i].name, name))
			return &tests[i];
	return NULL;
}
