// SPDX-License-Identifier: GPL-2.0
/* A string -> number map over uthash (strmap.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strmap.h"

/* a failed malloc leaves the item out (its hh.tbl NULL) instead of exiting */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

struct kr_strmap_item {
	UT_hash_handle hh;
	unsigned int val;
	char key[];
};

static struct kr_strmap_item *find(const struct kr_strmap *m, const char *k)
{
	struct kr_strmap_item *it;

	HASH_FIND_STR(m->head, k, it);
	return it;
}

long kr_strmap_get(const struct kr_strmap *m, const char *k)
{
	const struct kr_strmap_item *it = find(m, k);

	return it ? (long)it->val : -1;
}

int kr_strmap_put(struct kr_strmap *m, const char *k, unsigned int v)
{
	struct kr_strmap_item *it = find(m, k);
	size_t len = strlen(k);

	if (it) {
		it->val = v;
		return 0;
	}
	it = malloc(sizeof(*it) + len + 1);
	if (!it)
		return -ENOMEM;
	memcpy(it->key, k, len + 1);
	it->val = v;
	HASH_ADD_KEYPTR(hh, m->head, it->key, len, it);
	if (!it->hh.tbl) {
		free(it);
		return -ENOMEM;
	}
	return 0;
}

void kr_strmap_free(struct kr_strmap *m)
{
	struct kr_strmap_item *it, *next;

	HASH_ITER(hh, m->head, it, next) {
		HASH_DEL(m->head, it);
		free(it);
	}
	m->head = NULL;
}
