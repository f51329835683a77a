// SPDX-License-Identifier: GPL-2.0
/*
 * The suites and cases of a results directory (derive.h): the KTAP tests
 * as JUnit's and KCIDB's suites and cases, with the vectors vectors.tsv
 * planned that never came as MISS cases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "derive.h"
#include "strmap.h"
#include "util.h"

int kr_status_rank(enum kt_status s)
{
	switch (s) {
	case KT_FAIL: case KT_XPASS: return 6;
	case KT_ERROR: case KT_TIMEOUT: return 5;
	case KT_MISS: return 4;
	case KT_PASS: case KT_XFAIL: return 3;
	case KT_SKIP: return 1;
	default: return 0;
	}
}

static struct kr_suite *add_suite(struct kr_results *res, const char *name, unsigned int doc)
{
	struct kr_suite *s = realloc(res->suites, (res->nsuites + 1) * sizeof(*s));

	if (!s)
		return NULL;
	res->suites = s;
	s = &s[res->nsuites];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name)
		return NULL;
	s->doc = doc;
	s->status = KT_PASS;
	res->nsuites++;
	return s;
}

static struct kr_case *add_case(struct kr_suite *s, const char *name)
{
	struct kr_case *c;

	if (s->n == s->cap) {
		unsigned int cap = s->cap ? 2 * s->cap : 16;

		c = realloc(s->cases, cap * sizeof(*c));
		if (!c)
			return NULL;
		s->cases = c;
		s->cap = cap;
	}
	c = &s->cases[s->n];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name)
		return NULL;
	s->n++;
	return c;
}

/* The leaves under @t into @s, deeper names joined with '/' */
static int flatten(struct kr_suite *s, const struct kt_test *t, unsigned int n, const char *prefix)
{
	for (unsigned int i = 0; i < n; i++) {
		char *name = NULL;
		struct kr_case *c;

		if (kr_appendf(&name, "%s%s%s", prefix, *prefix ? "/" : "", t[i].name ? t[i].name : "?"))
			return -ENOMEM;
		if (t[i].nsub) {
			int ret = flatten(s, t[i].sub, t[i].nsub, name);

			free(name);
			if (ret)
				return ret;
			continue;
		}
		c = add_case(s, name);
		free(name);
		if (!c)
			return -ENOMEM;
		c->t = &t[i];
		c->status = t[i].closed ? t[i].status : KT_MISS;
		if (!t[i].closed)
			c->why = "its subtest block never closed";
	}
	return 0;
}

int kr_results_build_suites(struct kr_results *res)
{
	struct kr_strmap suites = { 0 }, cases = { 0 };
	int ret = -ENOMEM;

	for (unsigned int d = 0; d < res->ndocs; d++) {
		struct kt_doc *doc = &res->docs[d];
		long flat = -1;
		unsigned int tops = 0;

		for (unsigned int i = 0; i < doc->ntests; i++) {
			struct kt_test *t = &doc->tests[i];
			char *name = NULL;
			struct kr_suite *s;

			if (!t->nsub && t->closed) {
				/* tests without subtests of one file make one suite */
				if (flat < 0) {
					if (!add_suite(res, res->labels[d], d))
						goto out;
					flat = res->nsuites - 1;
				}
				if (flatten(&res->suites[flat], t, 1, ""))
					goto out;
				tops++;
				continue;
			}
			if (kr_appendf(&name, "%s%s%s", res->ndocs > 1 ? res->labels[d] : "",
				       res->ndocs > 1 ? "/" : "", t->name ? t->name : "?"))
				goto out;
			s = add_suite(res, name, d);
			free(name);
			if (!s)
				goto out;
			s->t = t;
			s->status = t->closed ? t->status : KT_MISS;
			if (flatten(s, t->sub, t->nsub, ""))
				goto out;
			tops++;
		}
		/* a plan with tests never reported: anonymous misses */
		if (doc->plan > 0 && tops < (unsigned int)doc->plan && !res->nvec) {
			struct kr_suite *s = add_suite(res, res->labels[d], d);

			for (unsigned int k = tops + 1; s && k <= (unsigned int)doc->plan; k++) {
				char name[32];
				struct kr_case *c;

				snprintf(name, sizeof(name), "missing-%u", k);
				if (!(c = add_case(s, name)))
					goto out;
				c->status = KT_MISS;
				c->why = "planned but never reported (the run stopped before it)";
			}
			if (!s)
				goto out;
			s->status = KT_MISS;
		}
	}
	/* index what was reported, then add what vectors.tsv planned but never came */
	for (unsigned int i = 0; i < res->nsuites; i++) {
		if (!res->suites[i].t)
			continue;
		if (kr_strmap_put(&suites, res->suites[i].name, i))
			goto out;
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			char *key = NULL;

			if (kr_appendf(&key, "%u\x01%s", i, res->suites[i].cases[k].name) ||
			    kr_strmap_put(&cases, key, k)) {
				free(key);
				goto out;
			}
			free(key);
		}
	}
	for (unsigned int v = 0; v < res->nvec; v++) {
		const struct kr_vecinfo *vi = &res->vec[v];
		long si = kr_strmap_get(&suites, vi->top), ci = -1;
		char *key = NULL;
		struct kr_suite *s;
		struct kr_case *c;

		if (si < 0) {
			if (!add_suite(res, vi->top, 0) || kr_strmap_put(&suites, vi->top, res->nsuites - 1))
				goto out;
			si = res->nsuites - 1;
			res->suites[si].status = KT_MISS;
		}
		s = &res->suites[si];
		if (kr_appendf(&key, "%ld\x01%s", si, vi->id))
			goto out;
		ci = kr_strmap_get(&cases, key);
		if (ci < 0) {
			c = add_case(s, vi->id);
			if (!c || kr_strmap_put(&cases, key, s->n - 1)) {
				free(key);
				goto out;
			}
			c->status = KT_MISS;
			c->why = s->t && s->t->closed ? "selected but not reported" :
				 "not reached: the run stopped before it";
		} else {
			c = &s->cases[ci];
		}
		free(key);
		c->vi = vi;
	}
	/* group plans not met, when vectors.tsv does not name the missing ones */
	for (unsigned int i = 0; i < res->nsuites; i++) {
		struct kr_suite *s = &res->suites[i];

		if (!s->t || s->t->plan < 0 || s->n >= (unsigned int)s->t->plan)
			continue;
		for (unsigned int k = s->n + 1; k <= (unsigned int)s->t->plan; k++) {
			char name[32];
			struct kr_case *c;

			snprintf(name, sizeof(name), "missing-%u", k);
			if (!(c = add_case(s, name)))
				goto out;
			c->status = KT_MISS;
			c->why = "planned but never reported (the run stopped before it)";
		}
	}
	for (unsigned int i = 0; i < res->nsuites; i++) {
		struct kr_suite *s = &res->suites[i];

		for (unsigned int k = 0; k < s->n; k++) {
			res->counts[s->cases[k].status]++;
			res->findings += s->cases[k].t && s->cases[k].t->nfindings;
			if (!s->t && kr_status_rank(s->cases[k].status) > kr_status_rank(s->status))
				s->status = s->cases[k].status;
		}
	}
	ret = 0;
out:
	kr_strmap_free(&suites);
	kr_strmap_free(&cases);
	return ret;
}
