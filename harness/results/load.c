// SPDX-License-Identifier: GPL-2.0
/* A results directory read back: run.json, its KTAP files, vectors.tsv (derive.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "derive.h"
#include "rundir.h"
#include "util.h"

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

int kr_results_load_meta(const char *dir, json_t *meta, struct kr_results *res, char *msg, size_t len)
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
	if (kr_results_build_suites(res))
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
	return kr_results_load_meta(dir, NULL, res, msg, len);
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
	ret = kr_results_load_meta(slash ? (*dir ? dir : "/") : ".", meta, res, msg, len);
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
		return kr_results_load_meta(dir, NULL, res, msg, len);
	snprintf(path, sizeof(path), "%s/%s", dir, ktap);
	if (stat(path, &st))
		return kr_results_load_meta(dir, NULL, res, msg, len);
	/* no run.json: read it as @like's was read, its KTAP file alone */
	meta = json_pack("{s:{s:s}, s:s}", "files", "ktap", ktap, "backend", like->backend);
	if (!meta) {
		snprintf(msg, len, "%s: out of memory", dir);
		return -ENOMEM;
	}
	ret = kr_results_load_meta(dir, meta, res, msg, len);
	json_decref(meta);
	return ret;
}
