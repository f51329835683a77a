/* SPDX-License-Identifier: GPL-2.0 */
/* A string -> number map over uthash: the names the results code looks up (suites, cases, KCIDB paths). */
#ifndef KR_STRMAP_H
#define KR_STRMAP_H

struct kr_strmap_item;

/* { 0 } is an empty map */
struct kr_strmap {
	struct kr_strmap_item *head;
};

/* @k's number, or -1 if absent */
long kr_strmap_get(const struct kr_strmap *m, const char *k);
/* Set @k (copied) to @v: 0 or -ENOMEM */
int kr_strmap_put(struct kr_strmap *m, const char *k, unsigned int v);
void kr_strmap_free(struct kr_strmap *m);

#endif
