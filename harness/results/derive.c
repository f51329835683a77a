// SPDX-License-Identifier: GPL-2.0
/* A results directory read back, and JUnit/KCIDB/summary from it (derive.h). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "derive.h"
#include "labrun.h"
#include "rundir.h"
#include "sha256.h"
#include "util.h"

#define KCIDB_MAJOR	5
#define KCIDB_MINOR	3
#define KCIDB_ORIGIN	"kmc"
#define LOG_EXCERPT_MAX	16384

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

const char *kr_meta_str(const json_t *meta, const char *key)
{
	char part[128];
	const char *dot;
	const json_t *o = meta;

	while (o && (dot = strchr(key, '.'))) {
		size_t n = (size_t)(dot - key);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, key, n);
		part[n] = 0;
		o = json_object_get(o, part);
		key = dot + 1;
	}
	o = o ? json_object_get(o, key) : NULL;
	return json_is_string(o) ? json_string_value(o) : NULL;
}

const char *kr_meta_fact(const json_t *meta, const char *section, const char *name)
{
	const json_t *facts = json_object_get(json_object_get(meta, section), "facts");
	size_t i;
	json_t *f;

	json_array_foreach(facts, i, f) {
		const char *n = json_string_value(json_object_get(f, "name"));

		if (n && !strcmp(n, name))
			return json_string_value(json_object_get(f, "value"));
	}
	return NULL;
}

/* ---- a small string -> index map ---------------------------------------- */

struct smap {
	char **keys;
	unsigned int *vals;
	size_t cap, n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void smap_free(struct smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* -1 if absent */
static long smap_get(const struct smap *m, const char *k)
{
	if (!m->cap)
		return -1;
	for (size_t i = hash(k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], k))
			return m->vals[i];
	return -1;
}

static int smap_put(struct smap *m, const char *k, unsigned int v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct smap n = { 0 };

		n.cap = m->cap ? 2 * m->cap : 64;
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.vals = calloc(n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals) {
			free(n.keys);
			free(n.vals);
			return -ENOMEM;
		}
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			for (i = hash(m->keys[j]) & (n.cap - 1); n.keys[i]; i = (i + 1) & (n.cap - 1))
				;
			n.keys[i] = m->keys[j];
			n.vals[i] = m->vals[j];
		}
		n.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	for (i = hash(k) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], k)) {
			m->vals[i] = v;
			return 0;
		}
	m->keys[i] = strdup(k);
	if (!m->keys[i])
		return -ENOMEM;
	m->vals[i] = v;
	m->n++;
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

static void free_vec(struct kr_vecinfo *v)
{
	free(v->top);
	free(v->id);
	free(v->group);
	free(v->profile);
	free(v->host);
	free(v->where);
}

void kr_results_free(struct kr_results *res)
{
	for (unsigned int i = 0; i < res->nsuites; i++) {
		struct kr_suite *s = &res->suites[i];

		for (unsigned int k = 0; k < s->n; k++)
			free(s->cases[k].name);
		free(s->cases);
		free(s->name);
	}
	free(res->suites);
	for (unsigned int i = 0; i < res->ndocs; i++) {
		kt_doc_free(&res->docs[i]);
		free(res->labels[i]);
	}
	free(res->docs);
	free(res->labels);
	for (unsigned int i = 0; i < res->nvec; i++)
		free_vec(&res->vec[i]);
	free(res->vec);
	json_decref(res->meta);
	free(res->dir);
	free(res->id);
	free(res->backend);
	free(res->status);
	free(res->hostname);
	memset(res, 0, sizeof(*res));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.ktap files directly in @dir, sorted, appended to @v as "DIR/NAME" */
static int list_ktap(const char *dir, char ***v, unsigned int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned int first = *n;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv, *p = NULL;

		if (l < 6 || strcmp(de->d_name + l - 5, ".ktap") || de->d_name[0] == '.')
			continue;
		if (kr_appendf(&p, "%s/%s", dir, de->d_name) ||
		    !(nv = realloc(*v, (*n + 1) * sizeof(*nv)))) {
			free(p);
			closedir(d);
			return -ENOMEM;
		}
		*v = nv;
		nv[(*n)++] = p;
	}
	closedir(d);
	if (*n > first)
		qsort(*v + first, *n - first, sizeof(char *), cmp_str);
	return 0;
}

static int load_vectors(struct kr_results *res, const char *path, char *msg, size_t len)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned int cap_vec = 0;
	int ret = 0;

	if (!fp)
		return errno == ENOENT ? 0 : (snprintf(msg, len, "%s: %s", path, strerror(errno)), -errno);
	while ((n = getline(&line, &cap, fp)) > 0) {
		char *f[6] = { 0 }, *s = line, *save = NULL;
		unsigned int k = 0;
		struct kr_vecinfo *v;

		if (line[0] == '#' || line[n - 1] != '\n')
			continue;	/* header, or a line cut by a kill */
		line[n - 1] = 0;
		for (char *t = strtok_r(s, "\t", &save); t && k < 6; t = strtok_r(NULL, "\t", &save))
			f[k++] = t;
		if (k < 2)
			continue;
		if (res->nvec == cap_vec) {
			cap_vec = cap_vec ? 2 * cap_vec : 256;
			v = realloc(res->vec, cap_vec * sizeof(*v));
			if (!v) {
				ret = -ENOMEM;
				break;
			}
			res->vec = v;
		}
		v = &res->vec[res->nvec++];
		memset(v, 0, sizeof(*v));
		v->top = strdup(f[0]);
		v->id = strdup(f[1]);
		v->group = strdup(f[2] ? f[2] : "-");
		v->profile = strdup(f[3] ? f[3] : "-");
		v->host = strdup(f[4] ? f[4] : "-");
		v->where = strdup(f[5] ? f[5] : "-");
		if (!v->top || !v->id || !v->group || !v->profile || !v->host || !v->where) {
			ret = -ENOMEM;
			break;
		}
	}
	free(line);
	fclose(fp);
	if (ret)
		snprintf(msg, len, "%s: out of memory", path);
	return ret;
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

static int build_suites(struct kr_results *res)
{
	struct smap suites = { 0 }, cases = { 0 };
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
		if (smap_put(&suites, res->suites[i].name, i))
			goto out;
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			char *key = NULL;

			if (kr_appendf(&key, "%u\x01%s", i, res->suites[i].cases[k].name) ||
			    smap_put(&cases, key, k)) {
				free(key);
				goto out;
			}
			free(key);
		}
	}
	for (unsigned int v = 0; v < res->nvec; v++) {
		const struct kr_vecinfo *vi = &res->vec[v];
		long si = smap_get(&suites, vi->top), ci = -1;
		char *key = NULL;
		struct kr_suite *s;
		struct kr_case *c;

		if (si < 0) {
			if (!add_suite(res, vi->top, 0) || smap_put(&suites, vi->top, res->nsuites - 1))
				goto out;
			si = res->nsuites - 1;
			res->suites[si].status = KT_MISS;
		}
		s = &res->suites[si];
		if (kr_appendf(&key, "%ld\x01%s", si, vi->id))
			goto out;
		ci = smap_get(&cases, key);
		if (ci < 0) {
			c = add_case(s, vi->id);
			if (!c || smap_put(&cases, key, s->n - 1)) {
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
	smap_free(&suites);
	smap_free(&cases);
	return ret;
}

/* @meta: run.json as it will be (kmc-run at its end), or NULL to read DIR/run.json */
static int load(const char *dir, json_t *meta, struct kr_results *res, char *msg, size_t len)
{
	char path[4300], **files = NULL;
	unsigned int nfiles = 0;
	const char *s;
	struct stat st;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->dir = strdup(dir);
	if (!res->dir)
		goto oom;
	snprintf(path, sizeof(path), "%s/%s", dir, KR_RUN_JSON);
	if (meta) {
		res->meta = json_incref(meta);
	} else if (!stat(path, &st)) {
		json_error_t e;

		res->meta = json_load_file(path, 0, &e);
		if (!res->meta) {
			snprintf(msg, len, "%s:%d: %s", path, e.line, e.text);
			ret = -EINVAL;
			goto fail;
		}
	} else if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "%s: not a results directory (%s)", dir,
			 errno ? strerror(errno) : "not a directory");
		ret = errno ? -errno : -ENOTDIR;
		goto fail;
	}
	s = kr_meta_str(res->meta, "files.ktap");
	if (s) {
		files = malloc(sizeof(*files));
		if (!files)
			goto oom;
		files[0] = NULL;
		if (kr_appendf(&files[0], "%s/%s", dir, s))
			goto oom;
		nfiles = 1;
	} else {
		char sub[4300];

		snprintf(sub, sizeof(sub), "%s/ktap", dir);
		if (list_ktap(dir, &files, &nfiles) || list_ktap(sub, &files, &nfiles))
			goto oom;
	}
	if (!nfiles) {
		snprintf(msg, len, "%s: no KTAP file (%s, *.ktap or ktap/*.ktap)", dir, KR_RUN_KTAP);
		ret = -ENOENT;
		goto fail;
	}
	res->docs = calloc(nfiles, sizeof(*res->docs));
	res->labels = calloc(nfiles, sizeof(*res->labels));
	if (!res->docs || !res->labels)
		goto oom;
	for (unsigned int i = 0; i < nfiles; i++) {
		const char *base = strrchr(files[i], '/');
		size_t l;

		base = base ? base + 1 : files[i];
		l = strlen(base);
		res->labels[i] = strndup(base, l > 5 && !strcmp(base + l - 5, ".ktap") ? l - 5 : l);
		if (!res->labels[i])
			goto oom;
		ret = kt_parse_file(files[i], &res->docs[i], msg, len);
		if (ret)
			goto fail;
		res->ndocs++;
	}
	snprintf(path, sizeof(path), "%s/%s", dir,
		 kr_meta_str(res->meta, "files.vectors") ? kr_meta_str(res->meta, "files.vectors")
							  : KR_RUN_VECTORS);
	ret = load_vectors(res, path, msg, len);
	if (ret)
		goto fail;
	if (build_suites(res))
		goto oom;

	/* what the run says about itself */
	{
		const char *base = strrchr(dir, '/');
		const json_t *intr = json_object_get(res->meta, "interrupted");
		int cut = 0;

		for (unsigned int i = 0; i < res->ndocs; i++)
			cut |= res->docs[i].truncated;
		s = kr_meta_str(res->meta, "id");
		res->id = strdup(s ? s : base && base[1] ? base + 1 : dir);
		s = kr_meta_str(res->meta, "backend");
		res->backend = strdup(s ? s : "unknown");
		s = kr_meta_str(res->meta, "status");
		res->status = strdup(s ? s : cut ? "interrupted" : "complete");
		s = kr_meta_fact(res->meta, "host", "hostname");
		if (!s)
			s = kr_meta_fact(res->meta, "runner", "hostname");
		res->hostname = strdup(s && *s ? s : "localhost");
		res->interrupted = json_is_boolean(intr) ? json_is_true(intr) : cut;
		if (kr_iso_parse(kr_meta_str(res->meta, "start"), &res->start)) {
			snprintf(path, sizeof(path), "%s", files[0]);
			if (!stat(path, &st))
				res->start.tv_sec = st.st_mtime;
		}
		if (!res->id || !res->backend || !res->status || !res->hostname)
			goto oom;
	}
	for (unsigned int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return 0;
oom:
	snprintf(msg, len, "%s: out of memory", dir);
	ret = -ENOMEM;
fail:
	for (unsigned int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	kr_results_free(res);
	return ret;
}

int kr_results_load(const char *dir, struct kr_results *res, char *msg, size_t len)
{
	return load(dir, NULL, res, msg, len);
}

int kr_results_load_ktap(const char *path, struct kr_results *res, char *msg, size_t len)
{
	char *dir = strdup(path), *slash;
	json_t *meta;
	int ret;

	if (!dir) {
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	meta = json_pack("{s:{s:s}}", "files", "ktap", slash ? slash + 1 : dir);
	if (!meta) {
		free(dir);
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	ret = load(slash ? (*dir ? dir : "/") : ".", meta, res, msg, len);
	json_decref(meta);
	free(dir);
	return ret;
}

int kr_results_load_like(const char *dir, const struct kr_results *like, struct kr_results *res,
			 char *msg, size_t len)
{
	const char *ktap = kr_meta_str(like->meta, "files.ktap");
	char path[4300];
	struct stat st;
	json_t *meta;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, KR_RUN_JSON);
	if (!ktap || !stat(path, &st))
		return load(dir, NULL, res, msg, len);
	snprintf(path, sizeof(path), "%s/%s", dir, ktap);
	if (stat(path, &st))
		return load(dir, NULL, res, msg, len);
	/* no run.json: read it as @like's was read, its KTAP file alone */
	meta = json_pack("{s:{s:s}, s:s}", "files", "ktap", ktap, "backend", like->backend);
	if (!meta) {
		snprintf(msg, len, "%s: out of memory", dir);
		return -ENOMEM;
	}
	ret = load(dir, meta, res, msg, len);
	json_decref(meta);
	return ret;
}

/* ---- JUnit (Ant's schema, harness/results/schemas/JUnit.xsd) ------------ */

static void xml_text(FILE *fp, const char *s, int attr)
{
	char *c = kr_clean(s ? s : "", 0);

	for (const char *p = c ? c : ""; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs(attr ? "&quot;" : "\"", fp); break;
		case '\n': fputs(attr ? "&#10;" : "\n", fp); break;
		case '\t': fputs(attr ? "&#9;" : "\t", fp); break;
		default: fputc(*p, fp);
		}
	}
	free(c);
}

static void xml_attr(FILE *fp, const char *name, const char *val)
{
	fprintf(fp, " %s=\"", name);
	xml_text(fp, val, 1);
	fputc('"', fp);
}

/* Dots would add levels to a JUnit class name */
static void undot(char *p)
{
	for (; *p; p++)
		if (*p == '.')
			*p = '_';
}

void kr_case_group(const struct kr_case *c, char *buf, size_t len)
{
	if (c->vi) {
		/* a vector "FAMILY.GROUP.REST": its group (host.mmio.*: mmio) */
		const char *d = strchr(c->vi->id, '.');

		if (d)
			snprintf(buf, len, "%.*s", (int)strcspn(d + 1, "."), d + 1);
		else
			snprintf(buf, len, "%s", c->vi->id);
	} else {
		/* a lab's test: its configuration or layer, as the report's matrix rows */
		kr_lab_row(c->name, NULL, buf, len);
	}
	undot(buf);
}

/* "kmc.BACKEND.FILE.GROUP", each part without dots: Jenkins and GitLab take
 * what comes before the last dot as the package, the rest as the class */
static char *junit_class(const struct kr_results *res, const struct kr_suite *s,
			 const struct kr_case *c)
{
	char group[256], back[128], stem[256], *cls = NULL;
	size_t l = strlen(s->name);

	kr_case_group(c, group, sizeof(group));
	if (l > 4 && !strcmp(s->name + l - 4, ".kmv"))
		l -= 4;
	else if (l > 5 && !strcmp(s->name + l - 5, ".ktap"))
		l -= 5;
	snprintf(back, sizeof(back), "%s", res->backend);
	snprintf(stem, sizeof(stem), "%.*s", (int)l, s->name);
	undot(back);
	undot(stem);
	if (kr_appendf(&cls, "kmc.%s.%s.%s", back, stem, group))
		return NULL;
	return cls;
}

/*
 * What a failure's message says (JUnit's attribute, LAVA's log): the mismatches (kmc-run's
 * "FILE:LINE: WHAT: expected X, got Y" lines, joined), else the directive's
 * reason, else the first diagnostic that is not a note ("not compared",
 * "rerun:").  malloc'd.
 */
char *kr_case_message(const struct kr_case *c)
{
	const char *diag = c->t ? c->t->diag : NULL;
	const char *reason = c->t ? c->t->reason : c->why;
	const char *other = NULL;
	char *msg = NULL;
	size_t olen = 0;

	for (const char *p = diag; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *exp = memmem(p, n, ": expected ", 11);

		if (exp && memmem(exp, n - (size_t)(exp - p), ", got ", 6)) {
			if (kr_appendf(&msg, "%s%.*s", msg ? "; " : "", (int)n, p))
				break;
		} else if (!other && !memmem(p, n, ": not compared: ", 16) && strncmp(p, "rerun:", 6)) {
			other = p;
			olen = n;
		}
		p += n + (p[n] == '\n');
	}
	if (msg)
		return msg;
	if (reason && *reason)
		return strndup(reason, strcspn(reason, "\n"));
	if (other)
		return strndup(other, olen);
	return strdup("");
}

/* "REASON\nDIAG" of a case, malloc'd */
static char *case_text(const struct kr_case *c)
{
	char *s = NULL;
	const char *reason = c->t ? c->t->reason : c->why;
	const char *diag = c->t ? c->t->diag : NULL;

	if (kr_appendf(&s, "%s%s%s", reason ? reason : "", reason && diag ? "\n" : "", diag ? diag : ""))
		return NULL;
	return s;
}

int kr_write_junit(const struct kr_results *res, FILE *fp)
{
	char stamp[32];
	const char *ktap = kr_meta_str(res->meta, "files.ktap");

	kr_iso_time_nozone(&res->start, stamp, sizeof(stamp));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", fp);
	for (unsigned int i = 0; i < res->nsuites; i++) {
		const struct kr_suite *s = &res->suites[i];
		unsigned int f = 0, e = 0, sk = 0;
		char *cls = NULL, *out = NULL, id[16];
		size_t outlen = 0;
		/* the suite's system-out, grown in linear time (a line per finding or XFAIL) */
		FILE *om;

		for (unsigned int k = 0; k < s->n; k++) {
			enum kt_status st = s->cases[k].status;

			f += st == KT_FAIL || st == KT_XPASS;
			e += st == KT_ERROR || st == KT_TIMEOUT || st == KT_MISS;
			sk += st == KT_SKIP || st == KT_XFAIL;
		}
		om = open_memstream(&out, &outlen);
		if (!om) {
			free(cls);
			return -ENOMEM;
		}
		fputs("  <testsuite", fp);
		xml_attr(fp, "package", "kmc");
		snprintf(id, sizeof(id), "%u", i);
		xml_attr(fp, "id", id);
		xml_attr(fp, "name", s->name);
		xml_attr(fp, "timestamp", stamp);
		xml_attr(fp, "hostname", res->hostname);
		fprintf(fp, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"0\">\n",
			s->n, f, e, sk);
		fputs("    <properties>\n", fp);
		{
			const char *props[][2] = {
				{ "kmc.run", res->id },
				{ "kmc.backend", res->backend },
				{ "kmc.run_status", res->status },
				{ "kmc.suite_status", kt_status_names[s->status] },
				{ "kmc.ktap", ktap ? ktap : res->labels[s->doc] },
				{ "kmc.suite_version", kr_meta_str(res->meta, "suite.version") },
				{ "kmc.git_commit", kr_meta_str(res->meta, "suite.git_commit") },
			};

			for (unsigned int p = 0; p < sizeof(props) / sizeof(props[0]); p++) {
				if (!props[p][1])
					continue;
				fputs("      <property", fp);
				xml_attr(fp, "name", props[p][0]);
				xml_attr(fp, "value", props[p][1]);
				fputs("/>\n", fp);
			}
		}
		fputs("    </properties>\n", fp);
		for (unsigned int k = 0; k < s->n; k++) {
			const struct kr_case *c = &s->cases[k];
			char *text = case_text(c), *msg = kr_case_message(c);
			const char *kind = NULL;

			free(cls);
			cls = junit_class(res, s, c);
			if (!text || !msg || !cls) {
				free(text);
				free(msg);
				free(cls);
				fclose(om);
				free(out);
				return -ENOMEM;
			}
			fputs("    <testcase", fp);
			xml_attr(fp, "name", c->name);
			xml_attr(fp, "classname", cls);
			fputs(" time=\"0\"", fp);
			switch (c->status) {
			case KT_PASS: break;
			case KT_FAIL: case KT_XPASS: kind = "failure"; break;
			case KT_SKIP: case KT_XFAIL: kind = "skipped"; break;
			default: kind = "error"; break;
			}
			if (!kind) {
				fputs("/>\n", fp);
			} else {
				fprintf(fp, ">\n      <%s", kind);
				xml_attr(fp, "type", kt_status_names[c->status]);
				xml_attr(fp, "message", msg);
				if (*text) {
					fputc('>', fp);
					xml_text(fp, text, 0);
					fprintf(fp, "</%s>\n    </testcase>\n", kind);
				} else {
					fputs("/>\n    </testcase>\n", fp);
				}
			}
			if (c->t && c->t->nfindings)
				for (unsigned int n = 0; n < c->t->nfindings; n++)
					fprintf(om, "FINDING %s: %s\n", c->t->findings[n], c->name);
			if (c->status == KT_XFAIL)
				fprintf(om, "XFAIL %s: %s\n", c->name, c->t && c->t->reason ? c->t->reason : "");
			free(text);
			free(msg);
		}
		if (s->t && s->t->diag)
			fprintf(om, "%s\n", s->t->diag);
		if (i == 0 && res->docs[s->doc].diag)
			fprintf(om, "%s\n", res->docs[s->doc].diag);
		if (res->interrupted)
			fprintf(om, "run %s: %s%s%s\n", res->id, res->status,
				res->docs[s->doc].bail ? ": " : "",
				res->docs[s->doc].bail ? res->docs[s->doc].bail : "");
		if (fclose(om)) {
			free(cls);
			free(out);
			return -ENOMEM;
		}
		fputs("    <system-out>", fp);
		xml_text(fp, out, 0);
		fputs("</system-out>\n    <system-err/>\n  </testsuite>\n", fp);
		free(out);
		free(cls);
	}
	fputs("</testsuites>\n", fp);
	return ferror(fp) ? -EIO : 0;
}

/* ---- KCIDB v5 ----------------------------------------------------------- */

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
static char *kcidb_path(struct smap *seen, const char *suite, const char *name)
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
		long next = smap_get(seen, p);
		unsigned int i = next < 0 ? 1 : next > 1 ? (unsigned int)next : 2;

		for (;; i++) {
			free(u);
			u = NULL;
			if (i == 1 ? kr_appendf(&u, "%s", p) : kr_appendf(&u, "%s-%u", p, i))
				break;
			if (smap_get(seen, u) < 0) {
				/* P itself remembers where its -N stopped */
				if (smap_put(seen, u, 2) || (i > 1 && smap_put(seen, p, i + 1)))
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

static int add_issue(json_t *root, struct smap *issues, const char *source, const char *run_id,
		     const char *test_id, int present, unsigned int *nincident)
{
	struct kr_sha256 h;
	char hex[65], id[64], inc[600];
	json_t *is, *in;

	kr_sha256_init(&h);
	kr_sha256_update(&h, source, strlen(source));
	kr_sha256_hex(&h, hex);
	snprintf(id, sizeof(id), "%s:kd-%.16s", KCIDB_ORIGIN, hex);
	if (smap_get(issues, id) < 0) {
		is = json_object();
		if (!is || smap_put(issues, id, 0))
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
	struct smap paths = { 0 }, issues = { 0 };
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
			char *p = kcidb_path(&paths, s->name, c->name), *text = case_text(c);
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
	smap_free(&paths);
	smap_free(&issues);
	free(cid);
	return ret;
}

/* ---- summary ------------------------------------------------------------ */

int kr_write_summary(const struct kr_results *res, FILE *fp)
{
	const unsigned int *c = res->counts;

	fprintf(fp, "kmc run %s: %s (backend %s)\n", res->id, res->status, res->backend);
	for (unsigned int i = 0; i < res->nsuites; i++) {
		const struct kr_suite *s = &res->suites[i];
		unsigned int n[KT_NSTATUS] = { 0 };

		for (unsigned int k = 0; k < s->n; k++)
			n[s->cases[k].status]++;
		fprintf(fp, "%-7s %-40s pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u miss:%u\n",
			kt_status_names[s->status], s->name, n[KT_PASS], n[KT_FAIL], n[KT_XFAIL],
			n[KT_XPASS], n[KT_SKIP], n[KT_ERROR] + n[KT_TIMEOUT], n[KT_MISS]);
	}
	fprintf(fp, "Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u miss:%u\n",
		c[KT_PASS], c[KT_FAIL], c[KT_XFAIL], c[KT_XPASS], c[KT_SKIP], c[KT_ERROR] + c[KT_TIMEOUT],
		c[KT_MISS]);
	fprintf(fp, "Findings: %u\n", res->findings);
	return ferror(fp) ? -EIO : 0;
}

int kr_derive_dir(const char *dir, char *msg, size_t len)
{
	return kr_derive_dir_meta(dir, NULL, msg, len);
}

int kr_derive_dir_meta(const char *dir, json_t *meta, char *msg, size_t len)
{
	static const struct {
		const char *key, *name;	/* run.json files.KEY, else NAME */
		int kind;
	} outs[] = {
		{ "files.junit", KR_JUNIT, 0 }, { "files.kcidb", KR_KCIDB, 1 },
		/* a directory kmc-run did not write may have a summary.txt of its own */
		{ "files.summary", "kmc-summary.txt", 2 },
	};
	struct kr_results res;
	int ret = load(dir, meta, &res, msg, len);

	if (ret)
		return ret;
	for (unsigned int i = 0; i < sizeof(outs) / sizeof(outs[0]) && !ret; i++) {
		const char *name = kr_meta_str(res.meta, outs[i].key);
		struct kr_atomic a;
		char path[4300];
		int w, werr;

		if (!name || !*name || strchr(name, '/'))
			name = outs[i].name;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ret = kr_atomic_open(&a, path, msg, len);
		if (ret)
			break;
		errno = 0;
		w = outs[i].kind == 0 ? kr_write_junit(&res, a.fp) :
		    outs[i].kind == 1 ? kr_write_kcidb(&res, a.fp, msg, len) :
		    kr_write_summary(&res, a.fp);
		/* stdio's write error (ENOSPC, EFBIG), before anything else sets errno */
		werr = w == -EIO && errno && ferror(a.fp) ? errno : 0;
		ret = kr_atomic_commit(&a, w == 0, msg, len);
		if (!ret && w) {
			if (werr)
				snprintf(msg, len, "%s: %s", path, strerror(werr));
			else if (w != -ENOMEM && outs[i].kind != 1)
				snprintf(msg, len, "%s: write error", path);
			ret = werr ? -werr : w;
		}
	}
	kr_results_free(&res);
	return ret;
}
