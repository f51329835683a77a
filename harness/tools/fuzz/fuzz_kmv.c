// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the vector reader and the canonical writer
 * (harness/kmv/kmv_read.c, kmv_write.c; docs/vectors.md).  Besides what the
 * sanitizers catch, each input checks three properties, and abort()s
 * (a finding) when one fails:
 *   - streaming (kmv_read_each, what kmc-run uses) and reading whole
 *     (kmv_read) agree: the same records, in order, and the same error;
 *   - what the canonical writer prints reads back (kmc fill prints it);
 *   - and is a fixed point: writing it again prints the same text.
 * Everything is in memory (fmemopen, open_memstream): no files, no state
 * kept between inputs.  `make fuzz` runs it (docs/vectors.md "Fuzzing").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmv.h"

/*
 * A stream over @size bytes at @data.  Its stdio buffer is a static one
 * (one stream is open at a time): stdio would otherwise malloc 8 KiB per
 * stream, which ASan fills and the kernel faults in: a fifth of an
 * execution's time.
 */
static FILE *input(const void *data, size_t size)
{
	static char empty[1], buf[4096];
	FILE *fp = fmemopen(size ? (void *)data : empty, size, "r");

	if (fp)
		setvbuf(fp, buf, _IOFBF, sizeof(buf));
	return fp;
}

struct order {
	const struct kmv_file *whole;
	unsigned int i;
};

/* kmv_read_each's callback: record i of the stream is record i of the whole read */
static int in_order(void *arg, const struct kmv_record *r)
{
	struct order *o = arg;
	const struct kmv_record *w;

	if (o->i >= o->whole->nrecs)
		abort();
	w = &o->whole->recs[o->i];
	if (strcmp(w->id, r->id) || w->line != r->line || !!w->error != !!r->error)
		abort();
	o->i++;
	return 0;
}

/* The canonical text of @f (malloc'd), or NULL */
static char *canonical(const struct kmv_file *f, size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);

	if (!m)
		return NULL;
	if (kmv_write(m, f)) {
		fclose(m);
		free(buf);
		return NULL;
	}
	fclose(m);
	return buf;
}

/*
 * Read @data whole (as kmc does) and streaming (as kmc-run does): the same
 * records and the same error.  Then, when it read, what the writer prints
 * reads back and printing that again changes nothing.  Inputs of odd size
 * are read with kmc-run's flags (KMV_CHECKS), the others with kmc fill's
 * (KMV_REQUESTS): each mutation tries one or the other.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags = size % 2 ? KMV_CHECKS : KMV_REQUESTS;
	struct kmv_file f, streamed, g;
	struct order o = { &f, 0 };
	char msg1[1024], msg2[1024], *t1, *t2;
	size_t n1, n2;
	FILE *fp;
	int r1, r2;

	msg1[0] = msg2[0] = '\0';
	if (!(fp = input(data, size)))
		return 0;
	r1 = kmv_read(fp, "f", flags, NULL, &f, msg1, sizeof(msg1));
	fclose(fp);
	if (!(fp = input(data, size)))
		abort();
	r2 = kmv_read_each(fp, "f", flags | KMV_NO_TRIVIA, NULL, in_order, &o, &streamed, msg2,
			   sizeof(msg2));
	fclose(fp);
	if (r1 != r2 || o.i != f.nrecs || strcmp(msg1, msg2) || streamed.nrecs ||
	    f.err != streamed.err || f.errline != streamed.errline) {
		fprintf(stderr, "streaming read differs: %d %u/%u \"%s\", whole: %d \"%s\"\n", r2, o.i,
			f.nrecs, msg2, r1, msg1);
		abort();
	}
	kmv_file_free(&streamed);
	if (r1) {
		kmv_file_free(&f);
		return 0;
	}
	t1 = canonical(&f, &n1);
	if (!t1 || !(fp = input(t1, n1)))
		abort();
	r2 = kmv_read(fp, "g", flags, NULL, &g, msg2, sizeof(msg2));
	fclose(fp);
	if (r2 || g.nrecs != f.nrecs) {
		fprintf(stderr, "canonical text does not read back: %s\n%s", msg2, t1);
		abort();
	}
	t2 = canonical(&g, &n2);
	if (!t2 || n1 != n2 || memcmp(t1, t2, n1)) {
		fprintf(stderr, "canonical text is not a fixed point:\n--- once\n%s--- twice\n%s", t1,
			t2 ? t2 : "(null)\n");
		abort();
	}
	free(t1);
	free(t2);
	kmv_file_free(&f);
	kmv_file_free(&g);
	return 0;
}
