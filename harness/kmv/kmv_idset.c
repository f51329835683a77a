// SPDX-License-Identifier: GPL-2.0
/*
 * The set of vector ids a run has seen, to keep ids unique across its
 * files (docs/kmc-run.md "Memory").
 *
 * An exact set keeps every id with the file and line it was first seen
 * at: what a single read needs (kmc check, kmv_read_file).  kmc-run reads
 * its inputs twice, and there memory must not grow with the number of
 * records, so its set has two more modes:
 *
 *   SCREEN   the first pass.  Ids go into a Bloom filter of fixed size; an
 *            id the filter may have seen already is a suspect, kept exactly.
 *            Nothing is reported as a duplicate: an id that is no suspect
 *            was seen once, and the suspects are few (the filter's false
 *            positives, about 120 of 10^6 unique ids, plus the true
 *            duplicates).
 *   CONFIRM  the passes after it, over the same bytes: exact, but only for
 *            the suspects; every other id is known unique and not stored.
 *
 * The exact part packs its entries, {uthash's handle, file, line, id}, in
 * chunks that are never moved (256 bytes, 512, ... up to 1 MiB each), and
 * finds them through uthash's table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kmv_internal.h"

/* a failed malloc leaves the entry out (its hh.tbl NULL) instead of exiting */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#define IDSET_CHUNK_MIN	256u
#define IDSET_CHUNK_MAX	(1u << 20)

/* The screen's filter: 2^24 bits (2 MiB) and 6 probes per id */
#define BLOOM_BITS_LOG	24
#define BLOOM_PROBES	6

enum idset_mode { IDSET_EXACT, IDSET_SCREEN, IDSET_CONFIRM };

struct idset_entry {
	UT_hash_handle hh;
	uint32_t file;		/* index into files[] */
	uint32_t line;
	char id[];
};

struct exact {
	struct idset_entry *head;	/* uthash's table of the entries */
	unsigned int n;
	char **chunk;
	unsigned int nchunk;
	size_t used, size;	/* bytes used in the last chunk, and its size */
	char **files;		/* the paths ids came from, in order */
	unsigned int nfiles;
};

struct kmv_idset {
	enum idset_mode mode;
	struct exact seen;	/* EXACT: every id; CONFIRM: the suspects seen in this pass */
	struct exact suspects;	/* SCREEN, CONFIRM: ids the filter may have seen twice */
	uint64_t *bloom;	/* SCREEN only */
};

/* FNV-1a: the Bloom filter's probes */
static uint64_t hash64(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void exact_free(struct exact *e)
{
	HASH_CLEAR(hh, e->head);	/* the table; the entries go with their chunks */
	kmv_strv_free(e->chunk, e->nchunk);
	kmv_strv_free(e->files, e->nfiles);
	memset(e, 0, sizeof(*e));
}

/* The entry of @id, or NULL */
static const struct idset_entry *exact_find(const struct exact *s, const char *id)
{
	struct idset_entry *e;

	HASH_FIND_STR(s->head, id, e);
	return e;
}

/* Add @id, first seen at @path:@line (@id not in @s yet); 0 or -ENOMEM */
static int exact_add(struct exact *s, const char *id, const char *path, unsigned int line)
{
	size_t len = strlen(id), need = (sizeof(struct idset_entry) + len + 1 + 7) & ~(size_t)7;
	struct idset_entry *e;

	if (!s->nfiles || strcmp(s->files[s->nfiles - 1], path))
		if (kmv_strv_add(&s->files, &s->nfiles, path))
			return -ENOMEM;
	if (!s->nchunk || s->used + need > s->size) {
		size_t size = s->nchunk < 12 ? IDSET_CHUNK_MIN << s->nchunk : IDSET_CHUNK_MAX;
		char *c, **nv;

		if (size < need)
			size = need;
		c = malloc(size);
		nv = c ? kmv_grow(s->chunk, s->nchunk, sizeof(char *)) : NULL;
		if (!nv) {
			free(c);
			return -ENOMEM;
		}
		s->chunk = nv;
		s->chunk[s->nchunk++] = c;
		s->used = 0;
		s->size = size;
	}
	e = (struct idset_entry *)(s->chunk[s->nchunk - 1] + s->used);
	e->file = s->nfiles - 1;
	e->line = line;
	memcpy(e->id, id, len + 1);
	HASH_ADD_KEYPTR(hh, s->head, e->id, len, e);
	if (!e->hh.tbl)
		return -ENOMEM;
	s->used += need;
	s->n++;
	return 0;
}

/* Set @id's bits in the filter; whether they were all set already */
static int bloom_test_and_set(uint64_t *bloom, const char *id)
{
	uint64_t h = hash64(id);
	uint32_t h1 = (uint32_t)h, h2 = (uint32_t)(h >> 32) | 1;
	int all = 1;

	for (uint32_t i = 0; i < BLOOM_PROBES; i++) {
		uint32_t bit = (h1 + i * h2) & ((1u << BLOOM_BITS_LOG) - 1);
		uint64_t m = 1ull << (bit & 63);

		all &= !!(bloom[bit >> 6] & m);
		bloom[bit >> 6] |= m;
	}
	return all;
}

struct kmv_idset *kmv_idset_new(void)
{
	return calloc(1, sizeof(struct kmv_idset));
}

struct kmv_idset *kmv_idset_new_screen(void)
{
	struct kmv_idset *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->mode = IDSET_SCREEN;
	/* calloc: the untouched pages of a small run cost nothing */
	s->bloom = calloc((size_t)1 << (BLOOM_BITS_LOG - 6), sizeof(uint64_t));
	if (!s->bloom) {
		free(s);
		return NULL;
	}
	return s;
}

unsigned int kmv_idset_confirm(struct kmv_idset *s)
{
	if (s->mode == IDSET_SCREEN) {
		free(s->bloom);
		s->bloom = NULL;
		s->mode = IDSET_CONFIRM;
	}
	exact_free(&s->seen);
	return s->suspects.n;
}

void kmv_idset_free(struct kmv_idset *s)
{
	if (!s)
		return;
	exact_free(&s->seen);
	exact_free(&s->suspects);
	free(s->bloom);
	free(s);
}

int kmv_idset_seen(struct kmv_idset *s, const char *id, const char *path, unsigned int line,
		   const char **first_path, unsigned int *first_line)
{
	const struct idset_entry *e;

	switch (s->mode) {
	case IDSET_SCREEN:
		if (bloom_test_and_set(s->bloom, id) && !exact_find(&s->suspects, id))
			return exact_add(&s->suspects, id, path, line);
		return 0;
	case IDSET_CONFIRM:
		if (!exact_find(&s->suspects, id))
			return 0;
		break;
	case IDSET_EXACT:
		break;
	}
	e = exact_find(&s->seen, id);
	if (!e)
		return exact_add(&s->seen, id, path, line);
	*first_path = s->seen.files[e->file];
	*first_line = e->line;
	return 1;
}
