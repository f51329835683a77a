// SPDX-License-Identifier: GPL-2.0
/* Known divergences: the file and the matching (known.h). */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "known.h"

int kr_kver_parse(const char *s, struct kr_kver *v)
{
	memset(v, 0, sizeof(*v));
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	while (v->n < 3 && isdigit((unsigned char)*s)) {
		char *end;

		errno = 0;
		v->v[v->n++] = strtoul(s, &end, 10);
		if (errno)
			return -EINVAL;
		s = end;
		if (*s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	return 0;
}

int kr_kver_cmp(const struct kr_kver *a, const struct kr_kver *b, int pad)
{
	unsigned int n = pad ? 3 : (a->n < b->n ? a->n : b->n);

	for (unsigned int i = 0; i < n; i++) {
		unsigned long x = i < a->n ? a->v[i] : 0, y = i < b->n ? b->v[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* A whole bound: digits and dots only, 1..3 components */
static int parse_bound(const char *s, size_t len, struct kr_kver *v)
{
	char buf[64];

	if (!len)
		return 0;	/* open */
	if (len >= sizeof(buf) || strspn(s, "0123456789.") < len || s[len - 1] == '.')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (kr_kver_parse(buf, v) || strstr(buf, ".."))
		return -EINVAL;
	/* more than three components or trailing junk */
	{
		unsigned int dots = 0;

		for (size_t i = 0; i < len; i++)
			dots += buf[i] == '.';
		if (dots + 1 != v->n)
			return -EINVAL;
	}
	return 0;
}

static int parse_kernels(const char *s, struct kr_known_entry *e)
{
	const char *dd = strstr(s, "..");

	if (!strcmp(s, "*"))
		return 0;
	if (!dd) {
		if (parse_bound(s, strlen(s), &e->lo) || !e->lo.n)
			return -EINVAL;
		e->hi = e->lo;
		return 0;
	}
	if (parse_bound(s, (size_t)(dd - s), &e->lo) || parse_bound(dd + 2, strlen(dd + 2), &e->hi))
		return -EINVAL;
	if (!e->lo.n && !e->hi.n)
		return -EINVAL;	/* ".." alone: write * */
	if (e->lo.n && e->hi.n && kr_kver_cmp(&e->lo, &e->hi, 0) > 0)
		return -ERANGE;
	return 0;
}

static void entry_free(struct kr_known_entry *e)
{
	free(e->glob);
	free(e->kernels);
	for (unsigned int i = 0; i < e->nbackends; i++)
		free(e->backends[i]);
	free(e->backends);
	free(e->source);
}

void kr_known_free(struct kr_known *k)
{
	for (unsigned int i = 0; i < k->n; i++)
		entry_free(&k->e[i]);
	free(k->e);
	free(k->path);
	memset(k, 0, sizeof(*k));
}

/* Split off the next space-separated token of *p */
static char *token(char **p)
{
	char *s = *p, *t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	t = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = 0;
	*p = s;
	return t;
}

static int parse_backends(const char *list, struct kr_known_entry *e)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *b = strtok_r(copy, ",", &save); b; b = strtok_r(NULL, ",", &save)) {
		char **v = realloc(e->backends, (e->nbackends + 1) * sizeof(*v));

		if (!v || !(v[e->nbackends] = strdup(b))) {
			if (v)
				e->backends = v;
			free(copy);
			return -ENOMEM;
		}
		e->backends = v;
		e->nbackends++;
	}
	free(copy);
	return e->nbackends ? 0 : -EINVAL;
}

/* One non-comment line into @e: 0, or -errno with the reason in @why */
static int parse_line(char *s, struct kr_known_entry *e, const char **why)
{
	char *glob = token(&s), *kern = token(&s), *rest;
	int ret;

	if (!glob || !kern) {
		*why = "want ID-GLOB KERNELS [backend=NAME,...] SOURCE";
		return -EINVAL;
	}
	ret = parse_kernels(kern, e);
	if (ret) {
		*why = ret == -ERANGE ? "kernel range runs backwards" :
		       "bad KERNELS (want *, V, V..W, V.. or ..W with V, W like 6.1 or 6.1.192)";
		return -EINVAL;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncmp(s, "backend=", 8)) {
		rest = s;
		token(&s);
		if (parse_backends(rest + 8, e)) {
			*why = "bad backend= list";
			return -EINVAL;
		}
		while (*s == ' ' || *s == '\t')
			s++;
	}
	if (!*s) {
		*why = "no SOURCE: say where this divergence is written down";
		return -EINVAL;
	}
	e->glob = strdup(glob);
	e->kernels = strdup(kern);
	e->source = strdup(s);
	if (!e->glob || !e->kernels || !e->source) {
		*why = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

int kr_known_parse(FILE *fp, const char *path, struct kr_known *k, char *msg, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned int lineno = 0;
	int ret = 0;

	memset(k, 0, sizeof(*k));
	k->path = strdup(path);
	if (!k->path) {
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		struct kr_known_entry e = { 0 }, *v;
		const char *why = NULL;
		char *s = line;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		ret = parse_line(s, &e, &why);
		if (!ret) {
			v = realloc(k->e, (k->n + 1) * sizeof(*v));
			if (!v) {
				ret = -ENOMEM;
				why = "out of memory";
			} else {
				k->e = v;
			}
		}
		if (ret) {
			snprintf(msg, len, "%s:%u: %s", path, lineno, why);
			entry_free(&e);
			break;
		}
		e.line = lineno;
		k->e[k->n++] = e;
	}
	free(line);
	if (!ret && ferror(fp)) {
		snprintf(msg, len, "%s: read error", path);
		ret = -EIO;
	}
	if (ret)
		kr_known_free(k);
	return ret;
}

int kr_known_read(const char *path, struct kr_known *k, char *msg, size_t len)
{
	FILE *fp = fopen(path, "r");
	int ret;

	if (!fp) {
		ret = -errno;
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		memset(k, 0, sizeof(*k));
		return ret;
	}
	ret = kr_known_parse(fp, path, k, msg, len);
	fclose(fp);
	return ret;
}

static int kernel_in(const struct kr_known_entry *e, const char *kernel)
{
	struct kr_kver v;

	if (!e->lo.n && !e->hi.n)
		return 1;	/* * */
	if (!kernel || kr_kver_parse(kernel, &v))
		return 0;
	if (e->lo.n && kr_kver_cmp(&v, &e->lo, 1) < 0)
		return 0;
	if (e->hi.n && kr_kver_cmp(&v, &e->hi, 0) > 0)
		return 0;
	return 1;
}

const struct kr_known_entry *kr_known_match(const struct kr_known *k, const char *id,
					    const char *kernel, const char *backend)
{
	for (unsigned int i = 0; k && i < k->n; i++) {
		const struct kr_known_entry *e = &k->e[i];
		int be = !e->nbackends;

		for (unsigned int b = 0; b < e->nbackends && !be; b++)
			be = backend && !strcmp(e->backends[b], backend);
		if (be && !fnmatch(e->glob, id, 0) && kernel_in(e, kernel))
			return e;
	}
	return NULL;
}
