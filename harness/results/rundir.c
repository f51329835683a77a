// SPDX-License-Identifier: GPL-2.0
/* The results directory of one run (rundir.h). */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include "ktap_parse.h"
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "derive.h"
#include "rundir.h"
#include "sha256.h"
#include "util.h"

struct kr_run {
	char dir[4096];
	char id[512];
	FILE *ktap, *vectors, *log;
	json_t *meta;
	struct timespec start;
	struct kr_sha256 set;	/* over "SHA256  BASENAME\n" of each input */
	unsigned int ninputs, nvectors;
	int begun;
};

const char *kr_run_dir(const struct kr_run *r)
{
	return r->dir;
}

FILE *kr_run_ktap(struct kr_run *r)
{
	return r->ktap;
}

/* The object at dotted @key (all but its last part), created as needed */
static json_t *parent_of(json_t *root, const char *key, const char **last)
{
	char part[128];
	const char *dot;
	json_t *o = root;

	while ((dot = strchr(key, '.'))) {
		json_t *c;
		size_t n = (size_t)(dot - key);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, key, n);
		part[n] = 0;
		c = json_object_get(o, part);
		if (!json_is_object(c)) {
			c = json_object();
			if (!c || json_object_set_new(o, part, c))
				return NULL;
		}
		o = c;
		key = dot + 1;
	}
	*last = key;
	return o;
}

static void set(struct kr_run *r, const char *key, json_t *v)
{
	const char *last;
	json_t *o = v ? parent_of(r->meta, key, &last) : NULL;

	if (!o) {
		json_decref(v);
		return;
	}
	json_object_set_new(o, last, v);
}

/* A JSON string from any bytes (jansson wants valid UTF-8) */
static json_t *jstr(const char *s)
{
	char *c = kr_clean(s ? s : "", 0);
	json_t *j = c ? json_string(c) : NULL;

	free(c);
	return j;
}

void kr_run_set_str(struct kr_run *r, const char *key, const char *val)
{
	set(r, key, jstr(val));
}

void kr_run_set_num(struct kr_run *r, const char *key, double val)
{
	set(r, key, val == (double)(long long)val ? json_integer((json_int_t)val) : json_real(val));
}

void kr_run_set_bool(struct kr_run *r, const char *key, int val)
{
	set(r, key, json_boolean(val));
}

void kr_run_append_str(struct kr_run *r, const char *key, const char *val)
{
	const char *last;
	json_t *o = parent_of(r->meta, key, &last), *a;

	if (!o)
		return;
	a = json_object_get(o, last);
	if (!json_is_array(a)) {
		a = json_array();
		if (!a || json_object_set_new(o, last, a))
			return;
	}
	json_array_append_new(a, jstr(val));
}

void kr_run_fact(struct kr_run *r, const char *section, const char *name, const char *value,
		 const char *source)
{
	char key[160];
	json_t *f = json_object(), *o, *a;
	const char *last;

	if (!f)
		return;
	json_object_set_new(f, "name", jstr(name));
	json_object_set_new(f, "value", jstr(value));
	json_object_set_new(f, "source", jstr(source));
	snprintf(key, sizeof(key), "%s.facts", section);
	o = parent_of(r->meta, key, &last);
	a = o ? json_object_get(o, last) : NULL;
	if (o && !json_is_array(a)) {
		a = json_array();
		if (a && json_object_set_new(o, last, a))
			a = NULL;
	}
	if (!a || json_array_append_new(a, f))
		json_decref(f);
}

void kr_run_log(struct kr_run *r, const char *fmt, ...)
{
	struct timespec ts;
	char when[48];
	va_list ap;

	if (!r->log)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	kr_iso_time(&ts, 1, when, sizeof(when));
	fprintf(r->log, "%s ", when);
	va_start(ap, fmt);
	vfprintf(r->log, fmt, ap);
	va_end(ap);
	fputc('\n', r->log);
	fflush(r->log);
}

/* First line of a command's stdout, "" if none */
static void command_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");

	buf[0] = 0;
	if (!p)
		return;
	if (fgets(buf, (int)len, p))
		buf[strcspn(buf, "\n")] = 0;
	while (fgetc(p) != EOF)
		;
	pclose(p);
}

static void suite_facts(struct kr_run *r, const char *version, const char *cwd)
{
	char cmd[4500], sha[128], dirty[16];

	kr_run_set_str(r, "suite.name", "kmc");
	kr_run_set_str(r, "suite.version", version);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD 2>/dev/null", cwd);
	command_line(cmd, sha, sizeof(sha));
	if (!sha[0] || strchr(cwd, '\'')) {
		kr_run_set_str(r, "suite.git_commit", "unknown");
		kr_run_set_str(r, "suite.git_source", "not a git work tree (git rev-parse failed)");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null | head -n 1", cwd);
	command_line(cmd, dirty, sizeof(dirty));
	kr_run_set_str(r, "suite.git_commit", sha);
	kr_run_set_bool(r, "suite.git_dirty", dirty[0] != 0);
	kr_run_set_str(r, "suite.git_source", "git rev-parse HEAD; git status --porcelain");
}

static void runner_facts(struct kr_run *r)
{
	struct utsname u;
	char host[256] = "", buf[64];
	FILE *fp;

	if (!gethostname(host, sizeof(host) - 1) && host[0])
		kr_run_fact(r, "runner", "hostname", host, "gethostname(2)");
	if (!uname(&u)) {
		kr_run_fact(r, "runner", "kernel_release", u.release, "uname(2) release");
		kr_run_fact(r, "runner", "kernel_version", u.version, "uname(2) version");
		kr_run_fact(r, "runner", "machine", u.machine, "uname(2) machine");
	}
	snprintf(buf, sizeof(buf), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	kr_run_fact(r, "runner", "cpus_online", buf, "sysconf(_SC_NPROCESSORS_ONLN)");
	fp = fopen("/proc/cpuinfo", "r");
	if (fp) {
		char line[512];

		while (fgets(line, sizeof(line), fp)) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) || !colon)
				continue;
			colon += 2;
			colon[strcspn(colon, "\n")] = 0;
			kr_run_fact(r, "runner", "cpu_model", colon, "/proc/cpuinfo model name (cpu 0)");
			break;
		}
		fclose(fp);
	}
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

/* results/runs/<time>_<backend>[-N], created; the name goes into r->dir */
static int make_default_dir(struct kr_run *r, const char *backend, char *msg, size_t len)
{
	char when[64], link[4200], tmp[4300];
	struct tm tm;
	int ret = kr_mkdir_p("results/runs", msg, len);

	if (ret)
		return ret;
	gmtime_r(&r->start.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H%M%SZ", &tm);
	for (unsigned int i = 1; ; i++) {
		if (i == 1)
			snprintf(r->id, sizeof(r->id), "%s_%s", when, backend);
		else
			snprintf(r->id, sizeof(r->id), "%s_%s-%u", when, backend, i);
		snprintf(r->dir, sizeof(r->dir), "results/runs/%s", r->id);
		if (!mkdir(r->dir, 0777))
			break;
		if (errno != EEXIST || i > 1000) {
			ret = -errno;
			snprintf(msg, len, "%s: %s", r->dir, strerror(errno));
			return ret;
		}
	}
	/* results/runs/latest -> <id>, replaced atomically */
	snprintf(link, sizeof(link), "results/runs/latest");
	snprintf(tmp, sizeof(tmp), "results/runs/.latest.%ld", (long)getpid());
	unlink(tmp);
	if (!symlink(r->id, tmp) && rename(tmp, link))
		unlink(tmp);
	return 0;
}

static int make_dir(struct kr_run *r, const char *dir, char *msg, size_t len)
{
	char copy[4096];
	int ret;

	if (strlen(dir) >= sizeof(r->dir)) {
		snprintf(msg, len, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	while (strlen(r->dir) > 1 && r->dir[strlen(r->dir) - 1] == '/')
		r->dir[strlen(r->dir) - 1] = 0;
	snprintf(copy, sizeof(copy), "%s", r->dir);
	snprintf(r->id, sizeof(r->id), "%s", basename(copy));
	ret = kr_mkdir_p(r->dir, msg, len);
	if (ret)
		return ret;
	if (!dir_is_empty(r->dir)) {
		snprintf(msg, len, "%s: exists and is not empty (one results directory per run)", r->dir);
		return -EEXIST;
	}
	return 0;
}

static FILE *open_in(struct kr_run *r, const char *name, char *msg, size_t len)
{
	char path[4300];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	fp = fopen(path, "w");
	if (!fp)
		snprintf(msg, len, "%s: %s", path, strerror(errno));
	return fp;
}

void kr_run_abandon(struct kr_run *r)
{
	if (!r)
		return;
	if (r->ktap)
		fclose(r->ktap);
	if (r->vectors)
		fclose(r->vectors);
	if (r->log)
		fclose(r->log);
	json_decref(r->meta);
	free(r);
}

int kr_run_open(struct kr_run **out, const char *dir, const char *backend,
		const char *suite_version, int argc, char **argv, char *msg, size_t len)
{
	struct kr_run *r = calloc(1, sizeof(*r));
	char cwd[4096] = "", when[48], logs[4200];
	int ret;

	*out = NULL;
	if (!r || !(r->meta = json_object())) {
		free(r);
		snprintf(msg, len, "results: out of memory");
		return -ENOMEM;
	}
	clock_gettime(CLOCK_REALTIME, &r->start);
	kr_sha256_init(&r->set);
	ret = !dir || !*dir || !strcmp(dir, "auto") ? make_default_dir(r, backend, msg, len)
						   : make_dir(r, dir, msg, len);
	if (ret)
		goto fail;
	snprintf(logs, sizeof(logs), "%s/logs", r->dir);
	ret = kr_mkdir_p(logs, msg, len);
	if (ret)
		goto fail;
	r->ktap = open_in(r, KR_RUN_KTAP, msg, len);
	r->vectors = r->ktap ? open_in(r, KR_RUN_VECTORS, msg, len) : NULL;
	r->log = r->vectors ? open_in(r, KR_RUN_LOG, msg, len) : NULL;
	if (!r->log) {
		ret = -EIO;
		goto fail;
	}
	fputs("# top\tid\tgroup\tprofile\thost\twhere\n", r->vectors);
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");

	json_object_set_new(r->meta, "kmc_run_json", json_integer(1));
	kr_run_set_str(r, "id", r->id);
	kr_run_set_str(r, "status", "running");
	kr_run_set_bool(r, "interrupted", 1);
	kr_iso_time(&r->start, 1, when, sizeof(when));
	kr_run_set_str(r, "start", when);
	for (int i = 0; i < argc; i++)
		kr_run_append_str(r, "command_line", argv[i]);
	kr_run_set_str(r, "cwd", cwd);
	suite_facts(r, suite_version, cwd);
	kr_run_set_str(r, "backend", backend);
	kr_run_set_str(r, "files.ktap", KR_RUN_KTAP);
	kr_run_set_str(r, "files.vectors", KR_RUN_VECTORS);
	kr_run_set_str(r, "files.log", KR_RUN_LOG);
	kr_run_set_str(r, "files.junit", KR_JUNIT);
	kr_run_set_str(r, "files.kcidb", KR_KCIDB);
	kr_run_set_str(r, "files.summary", KR_SUMMARY);
	runner_facts(r);
	kr_run_log(r, "kmc-run %s: backend %s, results in %s", suite_version, backend, r->dir);
	*out = r;
	return 0;
fail:
	kr_run_abandon(r);
	return ret;
}

int kr_run_input(struct kr_run *r, const char *path, char *msg, size_t len)
{
	char hex[65], copy[4096], line[4200];
	json_t *f;
	const char *last;
	json_t *o, *a;
	int ret = kr_sha256_file(path, hex, msg, len);

	if (ret)
		return ret;
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(line, sizeof(line), "%s  %s\n", hex, basename(copy));
	kr_sha256_update(&r->set, line, strlen(line));
	r->ninputs++;
	f = json_object();
	if (!f)
		return -ENOMEM;
	json_object_set_new(f, "path", jstr(path));
	json_object_set_new(f, "sha256", json_string(hex));
	o = parent_of(r->meta, "vectors.files", &last);
	a = o ? json_object_get(o, last) : NULL;
	if (o && !json_is_array(a)) {
		a = json_array();
		if (a && json_object_set_new(o, last, a))
			a = NULL;
	}
	if (!a || json_array_append_new(a, f)) {
		json_decref(f);
		return -ENOMEM;
	}
	return 0;
}

/* A TSV field: tabs and newlines would break the line */
static void tsv(FILE *fp, const char *s, int last)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
	fputc(last ? '\n' : '\t', fp);
}

void kr_run_vector(struct kr_run *r, const char *top, const char *id, const char *group,
		   const char *profile, const char *host, const char *where)
{
	if (!r->vectors)
		return;
	tsv(r->vectors, top, 0);
	tsv(r->vectors, id, 0);
	tsv(r->vectors, group, 0);
	tsv(r->vectors, profile ? profile : "-", 0);
	tsv(r->vectors, host ? host : "-", 0);
	tsv(r->vectors, where ? where : "-", 1);
	r->nvectors++;
}

static int write_meta(struct kr_run *r, char *msg, size_t len)
{
	struct kr_atomic a;
	char path[4300];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", r->dir, KR_RUN_JSON);
	ret = kr_atomic_open(&a, path, msg, len);
	if (ret)
		return ret;
	ret = json_dumpf(r->meta, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	if (!ret)
		fputc('\n', a.fp);
	{
		int c = kr_atomic_commit(&a, ret == 0, msg, len);

		if (c)
			return c;
	}
	if (ret)
		snprintf(msg, len, "%s: write error", path);
	return ret ? -EIO : 0;
}

/* Close a file we wrote, making sure it reached the disk */
static int close_synced(FILE **fp)
{
	int bad;

	if (!*fp)
		return 0;
	bad = fflush(*fp) || fsync(fileno(*fp)) || ferror(*fp);
	bad |= fclose(*fp) != 0;
	*fp = NULL;
	return bad ? -EIO : 0;
}

int kr_run_begin(struct kr_run *r, char *msg, size_t len)
{
	char hex[65];
	struct kr_sha256 s = r->set;

	kr_sha256_hex(&s, hex);
	kr_run_set_str(r, "vectors.set_sha256", hex);
	kr_run_set_str(r, "vectors.set_sha256_how",
		       "sha256 of the lines 'SHA256  BASENAME' of the input files in run order "
		       "(= cd DIR && sha256sum FILES | sha256sum)");
	kr_run_set_num(r, "vectors.selected", r->nvectors);
	if (close_synced(&r->vectors)) {
		snprintf(msg, len, "%s/%s: write error", r->dir, KR_RUN_VECTORS);
		return -EIO;
	}
	r->begun = 1;
	return write_meta(r, msg, len);
}

int kr_run_finish(struct kr_run *r, int signo, int exit_code, const struct kr_totals *t,
		  char *msg, size_t len)
{
	struct timespec end;
	char when[48], sig[32];
	double dur;
	int ret, kret;

	clock_gettime(CLOCK_REALTIME, &end);
	kr_iso_time(&end, 1, when, sizeof(when));
	dur = (double)(end.tv_sec - r->start.tv_sec) + (double)(end.tv_nsec - r->start.tv_nsec) / 1e9;
	kr_run_set_str(r, "end", when);
	kr_run_set_num(r, "duration_s", (double)(long long)(dur * 1000) / 1000.0);
	kr_run_set_str(r, "status", signo ? "interrupted" : "complete");
	kr_run_set_bool(r, "interrupted", signo != 0);
	if (signo) {
		const char *abbrev = sigabbrev_np(signo);

		snprintf(sig, sizeof(sig), "SIG%s", abbrev ? abbrev : "?");
		kr_run_set_str(r, "signal", sig);
	}
	kr_run_set_num(r, "exit_code", exit_code);
	if (t) {
		kr_run_set_num(r, "totals.pass", t->pass);
		kr_run_set_num(r, "totals.fail", t->fail);
		kr_run_set_num(r, "totals.xfail", t->xfail);
		kr_run_set_num(r, "totals.xpass", t->xpass);
		kr_run_set_num(r, "totals.skip", t->skip);
		kr_run_set_num(r, "totals.error", t->error);
		kr_run_set_num(r, "totals.findings", t->findings);
	}
	kret = close_synced(&r->ktap);
	if (r->vectors)
		close_synced(&r->vectors);
	ret = write_meta(r, msg, len);
	if (!ret && kret) {
		snprintf(msg, len, "%s/%s: write error", r->dir, KR_RUN_KTAP);
		ret = kret;
	}
	if (!ret) {
		ret = kr_derive_dir(r->dir, msg, len);
		kr_run_log(r, "%s%s, exit %d", signo ? "interrupted by " : "complete", signo ? sig : "",
			   exit_code);
		if (ret)
			kr_run_log(r, "derive: %s", msg);
	}
	kr_run_abandon(r);
	return ret;
}

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
	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	snprintf(r.id, sizeof(r.id), "%s", base && base[1] ? base + 1 : dir);
	r.meta = json_object();
	if (!r.meta) {
		snprintf(msg, len, "%s: out of memory", dir);
		return -ENOMEM;
	}
	kr_sha256_init(&r.set);
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	json_object_set_new(r.meta, "kmc_run_json", json_integer(1));
	kr_run_set_str(&r, "id", r.id);
	kr_run_set_str(&r, "kind", kind ? kind : "adopted");
	suite_facts(&r, suite_version, cwd);
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
		struct kr_sha256 s2 = r.set;

		kr_sha256_hex(&s2, hex);
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
	ret = write_meta(&r, msg, len);
	json_decref(r.meta);
	return ret ? ret : kr_derive_dir(dir, msg, len);
}
