// SPDX-License-Identifier: GPL-2.0
/* A directory another tool wrote made a results directory (kr_run_adopt, rundir.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "derive.h"
#include "ktap_parse.h"
#include "rundir_internal.h"
#include "util.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir ending in @suffix, sorted (malloc'd array of malloc'd names) */
static char **names_with(const char *dir, const char *suffix, unsigned int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t sl = strlen(suffix);

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix))
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[*n] = strdup(de->d_name);
		if (v[*n])
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_name);
	return v;
}

int kr_run_adopt(const char *dir, const char *kind, const char *ktap, const char *suite_version,
		 char *msg, size_t len)
{
	struct kr_run r = { 0 };
	char path[4300], cwd[4096] = ".", when[48], hex[65];
	char **kmv, **kt;
	unsigned int nkmv, nkt, cut = 0;
	struct timespec first = { 0 }, last = { 0 };
	const char *base = strrchr(dir, '/'), *us;
	struct stat st;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, KR_RUN_JSON);
	if (!stat(path, &st))
		return kr_derive_dir(dir, msg, len);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(msg, len, "%s: not a directory", dir);
		return -ENOTDIR;
	}
	r.dirfd = -1;
	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	snprintf(r.id, sizeof(r.id), "%s", base && base[1] ? base + 1 : dir);
	r.meta = json_object();
	if (!r.meta) {
		snprintf(msg, len, "%s: out of memory", dir);
		return -ENOMEM;
	}
	sha256_init(&r.set);
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	json_object_set_new(r.meta, "kmc_run_json", json_integer(1));
	kr_run_set_str(&r, "id", r.id);
	kr_run_set_str(&r, "kind", kind ? kind : "adopted");
	kr_run_suite_facts(&r, suite_version, cwd);
	kr_run_set_str(&r, "backend", kind ? kind : "adopted");
	kt = names_with(dir, ".ktap", &nkt);
	for (unsigned int i = 0; i < nkt; i++) {
		struct kt_doc d;

		snprintf(path, sizeof(path), "%s/%s", dir, kt[i]);
		if ((!ktap || !strcmp(kt[i], ktap)) && !kt_parse_file(path, &d, msg, len)) {
			cut |= (unsigned int)d.truncated;
			kt_doc_free(&d);
		}
		if (!stat(path, &st)) {
			if (!first.tv_sec || st.st_mtim.tv_sec < first.tv_sec)
				first = st.st_mtim;
			if (st.st_mtim.tv_sec > last.tv_sec)
				last = st.st_mtim;
		}
		kr_run_append_str(&r, "ktap_files", kt[i]);
		free(kt[i]);
	}
	free(kt);
	if (!nkt) {
		snprintf(msg, len, "%s: no *.ktap to adopt", dir);
		json_decref(r.meta);
		return -ENOENT;
	}
	kr_iso_time(&first, 1, when, sizeof(when));
	kr_run_set_str(&r, "start", when);
	kr_iso_time(&last, 1, when, sizeof(when));
	kr_run_set_str(&r, "end", when);
	kr_run_set_str(&r, "times_source", "modification times of the KTAP files");
	kr_run_set_str(&r, "status", cut ? "interrupted" : "complete");
	kr_run_set_bool(&r, "interrupted", cut != 0);
	kmv = names_with(dir, ".kmv", &nkmv);
	for (unsigned int i = 0; i < nkmv; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kmv[i]);
		if (kr_run_input(&r, path, msg, len))
			kr_run_log(&r, "%s", msg);
		free(kmv[i]);
	}
	free(kmv);
	if (nkmv) {
		kr_sha256_hex(&r.set, hex);
		kr_run_set_str(&r, "vectors.set_sha256", hex);
	}
	/* "<date>_<name>": the name is what the run was about (the lab's kernel) */
	us = strchr(r.id, '_');
	if (us && us[1])
		kr_run_fact(&r, "host", "kernel", us + 1, "results directory name (<date>_<kernel>)");
	if (ktap)
		kr_run_set_str(&r, "files.ktap", ktap);
	kr_run_set_str(&r, "files.junit", KR_JUNIT);
	kr_run_set_str(&r, "files.kcidb", KR_KCIDB);
	kr_run_set_str(&r, "files.summary", "kmc-summary.txt");
	kr_run_set_str(&r, "adopted_by", "kmc-results adopt");
	ret = kr_run_write_meta(&r, msg, len);
	json_decref(r.meta);
	return ret ? ret : kr_derive_dir(dir, msg, len);
}
