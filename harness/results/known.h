/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known divergences (docs/results.md): a committed, line-oriented file of
 *
 *     ID-GLOB  KERNELS  [backend=NAME[,NAME...]]  SOURCE...
 *
 * that kmc-run consults to report a FAIL as XFAIL and a PASS as XPASS.
 * KERNELS is `*`, `V`, `V..W`, `V..` or `..W` with V, W one to three
 * dotted numbers, inclusive, a bound matching as a prefix (`..6.12` takes
 * every 6.12.y).  SOURCE (required) says where the divergence is written
 * down: a commit, a Message-ID, a URL.  `#` starts a comment line.
 * Errors are a negative errno and "FILE:LINE: reason".
 */
#ifndef KR_KNOWN_H
#define KR_KNOWN_H

#include <stddef.h>
#include <stdio.h>

/* A kernel version: up to three components */
struct kr_kver {
	unsigned int n;		/* components given, 0 = none */
	unsigned long v[3];
};

struct kr_known_entry {
	char *glob;		/* fnmatch(3) pattern over vector ids */
	char *kernels;		/* as written */
	struct kr_kver lo, hi;	/* n == 0: unbounded on that side */
	char **backends;	/* NULL: every backend */
	unsigned int nbackends;
	char *source;
	unsigned int line;
};

struct kr_known {
	char *path;
	struct kr_known_entry *e;
	unsigned int n;
};

/* "6.12.57+deb13-amd64" -> 6.12.57 (the leading dotted numbers): 0 or -EINVAL */
int kr_kver_parse(const char *s, struct kr_kver *v);
/* -1, 0, 1 comparing the first min(a.n, b.n) components (missing ones as 0 if @pad) */
int kr_kver_cmp(const struct kr_kver *a, const struct kr_kver *b, int pad);

int kr_known_parse(FILE *fp, const char *path, struct kr_known *k, char *msg, size_t len);
int kr_known_read(const char *path, struct kr_known *k, char *msg, size_t len);
void kr_known_free(struct kr_known *k);
/*
 * The first entry matching vector @id run on @backend against kernel
 * @kernel ("6.1.192", a `uname -r`, or NULL when unknown: then only `*`
 * entries match), or NULL.
 */
const struct kr_known_entry *kr_known_match(const struct kr_known *k, const char *id,
					    const char *kernel, const char *backend);

#endif
