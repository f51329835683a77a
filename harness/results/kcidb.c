// SPDX-License-Identifier: GPL-2.0
/* KCIDB v5 JSON of a results directory (harness/results/schemas/kcidb.v05_03.schema.json). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "derive.h"
#include "digest.h"
#include "strmap.h"
#include "util.h"

#define KCIDB_MAJOR	5
#define KCIDB_MINOR	3
#define KCIDB_ORIGIN	"kmc"
#define LOG_EXCERPT_MAX	16384

const char *kr_kcidb_status(enum kt_status s)
{
	switch (s) {
	case KT_PASS: case KT_XFAIL: return "PASS";
	case KT_FAIL: case KT_XPASS: return "FAIL";
	case KT_SKIP: return "SKIP";
	case KT_ERROR: case KT_TIMEOUT: return "ERROR";
	default: return "MISS";
	}
}

/* One path component: [a-zA-Z0-9_-]+ */
static int path_part(char **p, const char *s, size_t n)
{
	size_t at = *p ? strlen(*p) : 0;
	char *q = realloc(*p, at + n + 3);

	if (!q)
		return -ENOMEM;
	*p = q;
	if (at)
		q[at++] = '.';
	if (!n)
		q[at++] = '_';
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		q[at++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '-' ? c : '_';
	}
	q[at] = 0;
	return 0;
}

/* Dotted (and '/'-joined) names into path components */
static int path_dotted(char **p, const char *s)
{
	while (1) {
		size_t n = strcspn(s, "./");

		if (path_part(p, s, n))
			return -ENOMEM;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/*
 * A unique KCIDB path: "kmc.SUITE[.NAME]" ("-N" added on a clash).  @seen
 * holds every path given out; its value for a path P is the N to try next
 * for P-N, so that many tests of one name cost linear time, not quadratic.
 */
static char *kcidb_path(struct kr_strmap *seen, const char *suite, const char *name)
{
	char *p = NULL, *u = NULL;
	size_t sl = strlen(suite);

	if (path_part(&p, "kmc", 3))
		return NULL;
	if (sl > 4 && !strcmp(suite + sl - 4, ".kmv"))
		sl -= 4;
	{
		char *s = strndup(suite, sl);

		/* the suite is one component: its dots become '_' */
		for (char *c = s; c && *c; c++)
			if (*c == '.' || *c == '/')
				*c = '_';
		if (!s || path_part(&p, s, strlen(s))) {
			free(s);
			free(p);
			return NULL;
		}
		free(s);
	}
	if (name && path_dotted(&p, name)) {
		free(p);
		return NULL;
	}
	{
		long next = kr_strmap_get(seen, p);
		unsigned int i = next < 0 ? 1 : next > 1 ? (unsigned int)next : 2;

		for (;; i++) {
			free(u);
			u = NULL;
			if (i == 1 ? kr_appendf(&u, "%s", p) : kr_appendf(&u, "%s-%u", p, i))
				break;
			if (kr_strmap_get(seen, u) < 0) {
				/* P itself remembers where its -N stopped */
				if (kr_strmap_put(seen, u, 2) || (i > 1 && kr_strmap_put(seen, p, i + 1)))
					break;
				free(p);
				return u;
			}
		}
	}
	free(u);
	free(p);
	return NULL;
}

static json_t *jstr(const char *s, size_t max)
{
	char *c = kr_clean(s ? s : "", max);
	json_t *j = c ? json_string(c) : NULL;

	free(c);
	return j;
}

/* "known divergence (FILE:LINE): SOURCE" -> SOURCE, as kmc-run writes it */
static const char *known_source(const struct kt_test *t)
{
	const char *r = t ? t->reason : NULL, *p;

	if (!r || strncmp(r, "known divergence", 16) || !(p = strstr(r, "): ")))
		return NULL;
	return p + 3;
}

static int add_issue(json_t *root, struct kr_strmap *issues, const char *source, const char *run_id,
		     const char *test_id, int present, unsigned int *nincident)
{
	struct sha256_ctx h;
	char hex[65], id[64], inc[600];
	json_t *is, *in;

	sha256_init(&h);
	sha256_update(&h, strlen(source), (const uint8_t *)source);
	kr_sha256_hex(&h, hex);
	snprintf(id, sizeof(id), "%s:kd-%.16s", KCIDB_ORIGIN, hex);
	if (kr_strmap_get(issues, id) < 0) {
		is = json_object();
		if (!is || kr_strmap_put(issues, id, 0))
			return -ENOMEM;
		json_object_set_new(is, "id", json_string(id));
		json_object_set_new(is, "version", json_integer(0));
		json_object_set_new(is, "origin", json_string(KCIDB_ORIGIN));
		json_object_set_new(is, "comment", jstr(source, 0));
		if (!strncmp(source, "https://", 8) || !strncmp(source, "http://", 7)) {
			char *url = strndup(source, strcspn(source, " \t"));

			json_object_set_new(is, "report_url", jstr(url, 0));
			free(url);
		}
		json_object_set_new(is, "culprit", json_pack("{s:b}", "code", 1));
		json_object_set_new(is, "misc", json_pack("{s:s}", "kmc", "known divergence"));
		json_array_append_new(json_object_get(root, "issues"), is);
	}
	snprintf(inc, sizeof(inc), "%s:%s:incident-%u", KCIDB_ORIGIN, run_id, ++*nincident);
	in = json_object();
	if (!in)
		return -ENOMEM;
	json_object_set_new(in, "id", jstr(inc, 0));
	json_object_set_new(in, "origin", json_string(KCIDB_ORIGIN));
	json_object_set_new(in, "issue_id", json_string(id));
	json_object_set_new(in, "issue_version", json_integer(0));
	json_object_set_new(in, "test_id", jstr(test_id, 0));
	json_object_set_new(in, "present", json_boolean(present));
	json_array_append_new(json_object_get(root, "incidents"), in);
	return 0;
}

static json_t *test_obj(const struct kr_results *res, const char *build_id, const char *path,
			const char *comment, enum kt_status st, const char *stamp)
{
	json_t *t = json_object();
	char *id = NULL;

	if (!t || kr_appendf(&id, "%s:%s:%s", KCIDB_ORIGIN, res->id, path)) {
		json_decref(t);
		return NULL;
	}
	json_object_set_new(t, "id", jstr(id, 0));
	json_object_set_new(t, "build_id", jstr(build_id, 0));
	json_object_set_new(t, "origin", json_string(KCIDB_ORIGIN));
	json_object_set_new(t, "path", json_string(path));
	json_object_set_new(t, "comment", jstr(comment, 0));
	json_object_set_new(t, "status", json_string(kr_kcidb_status(st)));
	json_object_set_new(t, "start_time", json_string(stamp));
	free(id);
	return t;
}

int kr_write_kcidb(const struct kr_results *res, FILE *fp, char *msg, size_t len)
{
	json_t *root = json_object(), *tests, *co, *b, *env;
	struct kr_strmap paths = { 0 }, issues = { 0 };
	char stamp[48], *cid = NULL;
	const char *kernel = kr_meta_fact(res->meta, "host", "kernel_release");
	const char *machine = kr_meta_fact(res->meta, "runner", "machine");
	unsigned int nincident = 0;
	int ret = -ENOMEM;

	kr_iso_time(&res->start, 1, stamp, sizeof(stamp));
	if (!root || kr_appendf(&cid, "%s:%s", KCIDB_ORIGIN, res->id))
		goto out;
	json_object_set_new(root, "version", json_pack("{s:i,s:i}", "major", KCIDB_MAJOR,
						       "minor", KCIDB_MINOR));
	json_object_set_new(root, "checkouts", json_array());
	json_object_set_new(root, "builds", json_array());
	json_object_set_new(root, "tests", tests = json_array());
	json_object_set_new(root, "issues", json_array());
	json_object_set_new(root, "incidents", json_array());

	co = json_object();
	json_object_set_new(co, "id", jstr(cid, 0));
	json_object_set_new(co, "origin", json_string(KCIDB_ORIGIN));
	json_object_set_new(co, "comment",
			    kernel ? jstr(kernel, 0) :
			    json_string("kernel profiles of the kmc model (see each test's environment)"));
	json_object_set_new(co, "start_time", json_string(stamp));
	json_object_set_new(co, "misc", json_pack("{s:o}", "kmc_run", jstr(res->id, 0)));
	json_array_append_new(json_object_get(root, "checkouts"), co);

	b = json_object();
	json_object_set_new(b, "id", jstr(cid, 0));
	json_object_set_new(b, "checkout_id", jstr(cid, 0));
	json_object_set_new(b, "origin", json_string(KCIDB_ORIGIN));
	/* the machine the run describes (kmc is x86-only); the schema wants [a-z0-9_]* */
	json_object_set_new(b, "architecture",
			    json_string(machine && *machine && strspn(machine, "abcdefghijklmnopqrstuvwxyz"
								 "0123456789_") == strlen(machine) ?
					machine : "x86_64"));
	json_object_set_new(b, "comment", jstr(res->backend, 0));
	json_object_set_new(b, "start_time", json_string(stamp));
	{
		json_t *m = json_object();

		json_object_set_new(m, "backend", jstr(res->backend, 0));
		json_object_set_new(m, "run_status", jstr(res->status, 0));
		json_object_set_new(m, "interrupted", json_boolean(res->interrupted));
		if (kr_meta_str(res->meta, "suite.version"))
			json_object_set_new(m, "suite_version", jstr(kr_meta_str(res->meta, "suite.version"), 0));
		if (kr_meta_str(res->meta, "suite.git_commit"))
			json_object_set_new(m, "suite_git_commit",
					    jstr(kr_meta_str(res->meta, "suite.git_commit"), 0));
		if (kr_meta_str(res->meta, "vectors.set_sha256"))
			json_object_set_new(m, "vector_set_sha256",
					    jstr(kr_meta_str(res->meta, "vectors.set_sha256"), 0));
		json_object_set_new(b, "misc", m);
	}
	json_array_append_new(json_object_get(root, "builds"), b);

	for (unsigned int i = 0; i < res->nsuites; i++) {
		const struct kr_suite *s = &res->suites[i];
		char *gp = kcidb_path(&paths, s->name, NULL);
		json_t *g;

		if (!gp)
			goto out;
		g = test_obj(res, cid, gp, s->name, s->status, stamp);
		free(gp);
		if (!g)
			goto out;
		json_object_set_new(g, "misc", json_pack("{s:s,s:b}", "ktap_status",
							 kt_status_names[s->status], "closed",
							 s->t ? s->t->closed : 0));
		json_array_append_new(tests, g);
		for (unsigned int k = 0; k < s->n; k++) {
			const struct kr_case *c = &s->cases[k];
			char *p = kcidb_path(&paths, s->name, c->name), *text = kr_case_text(c);
			json_t *t = p ? test_obj(res, cid, p, c->name, c->status, stamp) : NULL;
			json_t *m = json_object();
			const char *src = known_source(c->t);

			if (!t || !m || !text) {
				free(p);
				free(text);
				json_decref(t);
				json_decref(m);
				goto out;
			}
			if (*text)
				json_object_set_new(t, "log_excerpt", jstr(text, LOG_EXCERPT_MAX));
			env = json_object();
			json_object_set_new(env, "comment", jstr(res->hostname, 0));
			if (c->vi) {
				json_object_set_new(env, "misc",
						    json_pack("{s:o,s:o}", "kernel_profile",
							      jstr(c->vi->profile, 0), "host",
							      jstr(c->vi->host, 0)));
				json_object_set_new(m, "vector", json_pack("{s:o,s:o}", "id",
									   jstr(c->vi->id, 0), "where",
									   jstr(c->vi->where, 0)));
			}
			json_object_set_new(t, "environment", env);
			json_object_set_new(m, "ktap_status", json_string(kt_status_names[c->status]));
			if (c->t) {
				json_object_set_new(m, "ktap_line", json_integer(c->t->line));
				if (c->t->directive)
					json_object_set_new(m, "directive", jstr(c->t->directive, 0));
				if (c->t->nfindings) {
					json_t *a = json_array();

					for (unsigned int n = 0; n < c->t->nfindings; n++)
						json_array_append_new(a, jstr(c->t->findings[n], 0));
					json_object_set_new(m, "findings", a);
				}
			}
			if (c->status == KT_XFAIL)
				json_object_set_new(m, "expected_failure", json_true());
			if (c->status == KT_XPASS)
				json_object_set_new(m, "unexpected_pass", json_true());
			if (c->status == KT_TIMEOUT)
				json_object_set_new(m, "timeout", json_true());
			if (src)
				json_object_set_new(m, "known_divergence", jstr(src, 0));
			json_object_set_new(t, "misc", m);
			if (src && (c->status == KT_XFAIL || c->status == KT_XPASS)) {
				char *tid = NULL;

				if (kr_appendf(&tid, "%s:%s:%s", KCIDB_ORIGIN, res->id, p) ||
				    add_issue(root, &issues, src, res->id, tid, c->status == KT_XFAIL,
					      &nincident)) {
					free(tid);
					free(p);
					free(text);
					json_decref(t);
					goto out;
				}
				free(tid);
			}
			json_array_append_new(tests, t);
			free(p);
			free(text);
		}
	}
	ret = json_dumpf(root, fp, JSON_INDENT(1) | JSON_PRESERVE_ORDER) ? -EIO : 0;
	if (!ret)
		fputc('\n', fp);
out:
	if (ret)
		snprintf(msg, len, "kcidb: %s", ret == -ENOMEM ? "out of memory" : "write error");
	json_decref(root);
	kr_strmap_free(&paths);
	kr_strmap_free(&issues);
	free(cid);
	return ret;
}
