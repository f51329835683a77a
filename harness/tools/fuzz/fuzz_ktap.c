// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the KTAP reader of kmc-results (harness/results/
 * ktap_parse.c: `kmc-results ktap`, derive, report).  Besides what the
 * sanitizers catch: every test of the tree it builds is well formed (a
 * name, a known status, subtests no deeper than KT_MAX_DEPTH), and the
 * leaf counts add up to the closed leaves of the tree.  In memory only
 * (fmemopen): no files, no state kept between inputs.  `make fuzz` runs
 * it (docs/vectors.md "Fuzzing").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "ktap_parse.h"

/* The leaves under @t (checking each test on the way); abort() on a malformed tree */
static unsigned int walk(const struct kt_test *t, unsigned int n, unsigned int depth)
{
	unsigned int leaves = 0;

	if (depth > KT_MAX_DEPTH + 1)
		abort();
	for (unsigned int i = 0; i < n; i++) {
		if (!t[i].name || (unsigned int)t[i].status >= KT_NSTATUS || (t[i].nsub && !t[i].sub))
			abort();
		leaves += t[i].nsub ? walk(t[i].sub, t[i].nsub, depth + 1) : !!t[i].closed;
	}
	return leaves;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int counts[KT_NSTATUS] = { 0 }, sum = 0;
	struct kt_doc d;
	char msg[1024];
	static char empty[1], buf[4096];
	FILE *fp = fmemopen(size ? (void *)data : empty, size, "r");

	if (!fp)
		return 0;
	/* a static stdio buffer: stdio would malloc 8 KiB per stream, and ASan fill it */
	setvbuf(fp, buf, _IOFBF, sizeof(buf));
	if (!kt_parse(fp, "f", &d, msg, sizeof(msg))) {
		kt_count_leaves(d.tests, d.ntests, counts);
		for (int s = 0; s < KT_NSTATUS; s++)
			sum += counts[s];
		if (sum != walk(d.tests, d.ntests, 0))
			abort();
		if (d.ntests)
			(void)kt_find(d.tests, d.ntests, d.tests[d.ntests - 1].name);
	}
	kt_doc_free(&d);
	fclose(fp);
	return 0;
}
