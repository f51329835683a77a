// SPDX-License-Identifier: GPL-2.0
/* The results directory of one run (rundir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
	int dirfd;		/* the run's directory (-1: none, use dir) */
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

/*
 * PATH has no entries; with SKIP_TMP, none but other runs' hidden
 * directories in the making (".NAME.tmp.XXXXXX")
 */
static int dir_is_empty(const char *path, int skip_tmp)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    !(skip_tmp && de->d_name[0] == '.' && strstr(de->d_name, ".tmp.")))
			empty = 0;
	closedir(d);
	return empty;
}

/* Close a file we wrote, making sure it reached the disk: 0 or -errno */
static int close_synced(FILE **fp)
{
	int err = 0;

	if (!*fp)
		return 0;
	errno = 0;
	if (fflush(*fp) || fsync(fileno(*fp)) || ferror(*fp))
		err = errno ? -errno : -EIO;
	if (fclose(*fp) && !err)
		err = errno ? -errno : -EIO;
	*fp = NULL;
	return err;
}

/* run.json, replaced atomically (a new temporary name each time, then rename) */
static int write_meta(struct kr_run *r, char *msg, size_t len)
{
	struct kr_atomic a;
	char path[4300];
	int ret, c;

	snprintf(path, sizeof(path), "%s/%s", r->dir, KR_RUN_JSON);
	ret = r->dirfd >= 0 ? kr_atomic_openat(&a, r->dirfd, r->dir, KR_RUN_JSON, msg, len)
			    : kr_atomic_open(&a, path, msg, len);
	if (ret)
		return ret;
	ret = json_dumpf(r->meta, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	if (!ret)
		fputc('\n', a.fp);
	c = kr_atomic_commit(&a, ret == 0, msg, len);
	if (c)
		return c;
	if (ret)
		snprintf(msg, len, "%s: write error", path);
	return ret ? -EIO : 0;
}

/*
 * A new directory for the run, hidden beside where it goes: PARENT/.BASE.tmp.XXXXXX,
 * with the permissions mkdir(2) would give (mkdtemp makes it 0700)
 */
static int make_tmpdir(const char *parent, const char *base, char *out, size_t outlen,
		       char *msg, size_t len)
{
	mode_t mask = umask(022);

	umask(mask);
	if ((size_t)snprintf(out, outlen, "%s/.%s.tmp.XXXXXX", parent, base) >= outlen) {
		snprintf(msg, len, "%s/%s: path too long", parent, base);
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(out)) {
		int err = -errno;

		snprintf(msg, len, "%s: %s", out, strerror(errno));
		return err;
	}
	chmod(out, 0777 & ~mask);
	return 0;
}

/* Remove what fill_tmpdir() made in the directory at @fd (a run that did not start) */
static void remove_tmpdir(int fd, const char *path)
{
	static const char *const names[] = { KR_RUN_JSON, KR_RUN_KTAP, KR_RUN_VECTORS, KR_RUN_LOG };

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(fd, names[i], 0);
	unlinkat(fd, "logs", AT_REMOVEDIR);
	rmdir(path);
}

/*
 * The run's files in the (temporary) directory open as r->dirfd, each
 * created with O_EXCL|O_NOFOLLOW, and a first run.json: the directory
 * is only ever seen with its run.json in it.
 */
static int fill_tmpdir(struct kr_run *r, const char *backend, int argc, char **argv,
		       char *msg, size_t len)
{
	char when[48];
	int logs;

	if (mkdirat(r->dirfd, "logs", 0777) ||
	    (logs = openat(r->dirfd, "logs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		int err = -errno;

		snprintf(msg, len, "%s/logs: %s", r->dir, strerror(errno));
		return err;
	}
	r->ktap = kr_create_at(r->dirfd, KR_RUN_KTAP);
	r->vectors = r->ktap ? kr_create_at(r->dirfd, KR_RUN_VECTORS) : NULL;
	r->log = r->vectors ? kr_create_at(logs, "kmc-run.log") : NULL;
	close(logs);
	if (!r->log) {
		int err = -errno;

		snprintf(msg, len, "%s: creating its files: %s", r->dir, strerror(errno));
		return err;
	}
	fputs("# top\tid\tgroup\tprofile\thost\twhere\n", r->vectors);
	json_object_set_new(r->meta, "kmc_run_json", json_integer(1));
	kr_run_set_str(r, "id", r->id);
	kr_run_set_str(r, "status", "running");
	kr_run_set_bool(r, "interrupted", 1);
	kr_iso_time(&r->start, 1, when, sizeof(when));
	kr_run_set_str(r, "start", when);
	for (int i = 0; i < argc; i++)
		kr_run_append_str(r, "command_line", argv[i]);
	kr_run_set_str(r, "backend", backend);
	kr_run_set_str(r, "files.ktap", KR_RUN_KTAP);
	kr_run_set_str(r, "files.vectors", KR_RUN_VECTORS);
	kr_run_set_str(r, "files.log", KR_RUN_LOG);
	kr_run_set_str(r, "files.junit", KR_JUNIT);
	kr_run_set_str(r, "files.kcidb", KR_KCIDB);
	kr_run_set_str(r, "files.summary", KR_SUMMARY);
	return write_meta(r, msg, len);
}

/*
 * DIR is a mount point or the working directory, which a rename cannot
 * replace: it is taken in place.  The run is made in a hidden directory
 * inside it (the same file system), then run.json goes into DIR first,
 * with link(2), which fails if another run's is there; then the other
 * files, none replacing anything.
 */
static int claim_in_place(struct kr_run *r, const char *real, const char *backend, int argc,
			  char **argv, char *msg, size_t len)
{
	static const char *const names[] = { KR_RUN_KTAP, KR_RUN_VECTORS, "logs" };
	char tmp[4400];
	int dfd, err;

	err = make_tmpdir(real, "kmc-run", tmp, sizeof(tmp), msg, len);
	if (err)
		return err;
	r->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	dfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0 || dfd < 0) {
		err = -errno;
		snprintf(msg, len, "%s: %s", r->dirfd < 0 ? tmp : real, strerror(errno));
		goto fail;
	}
	err = fill_tmpdir(r, backend, argc, argv, msg, len);
	if (err)
		goto fail;
	/* one look at DIR, and linkat's errno read before anything else can change it */
	if (!dir_is_empty(real, 1))
		err = -EEXIST;
	else if (linkat(r->dirfd, KR_RUN_JSON, dfd, KR_RUN_JSON, 0))
		err = -errno;
	if (err) {
		snprintf(msg, len, "%s: %s", r->dir, err == -EEXIST ?
			 "exists and is not empty (one results directory per run)" : strerror(-err));
		goto fail;
	}
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (renameat2(r->dirfd, names[i], dfd, names[i], RENAME_NOREPLACE)) {
			err = -errno;
			snprintf(msg, len, "%s/%s: %s", r->dir, names[i], strerror(errno));
			goto fail;
		}
	unlinkat(r->dirfd, KR_RUN_JSON, 0);
	rmdir(tmp);
	close(r->dirfd);
	r->dirfd = dfd;
	return 0;
fail:
	if (r->dirfd >= 0)
		remove_tmpdir(r->dirfd, tmp);
	else
		rmdir(tmp);
	if (dfd >= 0)
		close(dfd);
	return err;
}

/*
 * --results DIR: made whole beside it, then renamed to DIR in one step --
 * which succeeds where DIR does not exist or is an empty directory, and
 * fails for every run but one when several are given the same DIR.
 * r->dir keeps DIR as given (messages, derive); the work is done on its
 * real path (a symlink to a directory: where it points).
 */
static int claim_dir(struct kr_run *r, const char *dir, const char *backend, int argc, char **argv,
		     char *msg, size_t len)
{
	char copy[4096], parent[4096], base[256], real[4096], tmp[4400];
	struct stat st, pst, cwd;
	int ret, exists;

	if (strlen(dir) >= sizeof(r->dir) || !*dir) {
		snprintf(msg, len, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	snprintf(copy, sizeof(copy), "%s", dir);
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = 0;
	snprintf(r->dir, sizeof(r->dir), "%s", copy);
	exists = !stat(r->dir, &st);
	if (exists) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(msg, len, "%s: exists and is not a directory", r->dir);
			return -ENOTDIR;
		}
		if (!dir_is_empty(r->dir, 0)) {
			snprintf(msg, len, "%s: exists and is not empty (one results directory per run)",
				 r->dir);
			return -EEXIST;
		}
		if (!realpath(r->dir, real)) {
			ret = -errno;
			snprintf(msg, len, "%s: %s", r->dir, strerror(errno));
			return ret;
		}
	} else {
		char rp[4096];

		snprintf(copy, sizeof(copy), "%s", r->dir);
		snprintf(parent, sizeof(parent), "%s", dirname(copy));
		ret = kr_mkdir_p(parent, msg, len);
		if (ret)
			return ret;
		snprintf(copy, sizeof(copy), "%s", r->dir);
		if (!realpath(parent, rp)) {
			ret = -errno;
			snprintf(msg, len, "%s: %s", parent, strerror(errno));
			return ret;
		}
		if ((size_t)snprintf(real, sizeof(real), "%s/%s", strcmp(rp, "/") ? rp : "",
				     basename(copy)) >= sizeof(real)) {
			snprintf(msg, len, "%s: path too long", r->dir);
			return -ENAMETOOLONG;
		}
	}
	snprintf(copy, sizeof(copy), "%s", real);
	snprintf(base, sizeof(base), "%s", basename(copy));
	snprintf(r->id, sizeof(r->id), "%s", base);
	snprintf(copy, sizeof(copy), "%s", real);
	snprintf(parent, sizeof(parent), "%s", dirname(copy));
	/* a mount point, or the working directory: a rename cannot replace it */
	if (exists && ((!stat(parent, &pst) && pst.st_dev != st.st_dev) ||
		       (!stat(".", &cwd) && cwd.st_dev == st.st_dev && cwd.st_ino == st.st_ino)))
		return claim_in_place(r, real, backend, argc, argv, msg, len);
	ret = make_tmpdir(parent, base, tmp, sizeof(tmp), msg, len);
	if (ret)
		return ret;
	r->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->dirfd < 0) {
		ret = -errno;
		snprintf(msg, len, "%s: %s", tmp, strerror(errno));
		rmdir(tmp);
		return ret;
	}
	ret = fill_tmpdir(r, backend, argc, argv, msg, len);
	if (ret)
		goto fail;
	if (!rename(tmp, real))
		return 0;
	ret = -errno;
	if (errno == ENOTEMPTY || errno == EEXIST)
		snprintf(msg, len, "%s: exists and is not empty (one results directory per run: "
			 "another run took it)", r->dir);
	else
		snprintf(msg, len, "%s: %s", r->dir, strerror(errno));
fail:
	remove_tmpdir(r->dirfd, tmp);
	return ret;
}

/* --results auto: results/runs/<time>_<backend>[-N], and results/runs/latest */
static int claim_default(struct kr_run *r, const char *backend, int argc, char **argv,
			 char *msg, size_t len)
{
	char when[64], tmp[1024], link[4200], ltmp[4300];
	struct tm tm;
	int ret = kr_mkdir_p("results/runs", msg, len);

	if (ret)
		return ret;
	gmtime_r(&r->start.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H%M%SZ", &tm);
	snprintf(r->id, sizeof(r->id), "%s_%s", when, backend);
	ret = make_tmpdir("results/runs", r->id, tmp, sizeof(tmp), msg, len);
	if (ret)
		return ret;
	r->dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r->dirfd < 0) {
		ret = -errno;
		snprintf(msg, len, "%s: %s", tmp, strerror(errno));
		rmdir(tmp);
		return ret;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", tmp);
	ret = fill_tmpdir(r, backend, argc, argv, msg, len);
	for (unsigned int i = 1; !ret; i++) {
		if (i > 1) {
			snprintf(r->id, sizeof(r->id), "%s_%s-%u", when, backend, i);
			kr_run_set_str(r, "id", r->id);
			ret = write_meta(r, msg, len);
			if (ret)
				break;
		}
		snprintf(r->dir, sizeof(r->dir), "results/runs/%s", r->id);
		if (!rename(tmp, r->dir))
			break;
		if ((errno != EEXIST && errno != ENOTEMPTY) || i > 1000) {
			ret = -errno;
			snprintf(msg, len, "%s: %s", r->dir, strerror(errno));
		}
	}
	if (ret) {
		remove_tmpdir(r->dirfd, tmp);
		return ret;
	}
	/* results/runs/latest -> <id>, replaced atomically */
	snprintf(link, sizeof(link), "results/runs/latest");
	snprintf(ltmp, sizeof(ltmp), "results/runs/.latest.%ld.%016llx", (long)getpid(), kr_random());
	if (!symlink(r->id, ltmp) && rename(ltmp, link))
		unlink(ltmp);
	return 0;
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
	if (r->dirfd >= 0)
		close(r->dirfd);
	json_decref(r->meta);
	free(r);
}

int kr_run_open(struct kr_run **out, const char *dir, const char *backend,
		const char *suite_version, int argc, char **argv, char *msg, size_t len)
{
	struct kr_run *r = calloc(1, sizeof(*r));
	char cwd[4096] = "";
	int ret;

	*out = NULL;
	if (!r || !(r->meta = json_object())) {
		free(r);
		snprintf(msg, len, "results: out of memory");
		return -ENOMEM;
	}
	r->dirfd = -1;
	clock_gettime(CLOCK_REALTIME, &r->start);
	kr_sha256_init(&r->set);
	ret = !dir || !*dir || !strcmp(dir, "auto") ? claim_default(r, backend, argc, argv, msg, len)
						   : claim_dir(r, dir, backend, argc, argv, msg, len);
	if (ret)
		goto fail;
	/* the directory is ours, with a run.json that says "running"; now the slower facts */
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	kr_run_set_str(r, "cwd", cwd);
	suite_facts(r, suite_version, cwd);
	runner_facts(r);
	kr_run_log(r, "kmc-run %s: backend %s, results in %s", suite_version, backend, r->dir);
	*out = r;
	return 0;
fail:
	kr_run_abandon(r);
	return ret;
}

static int add_input(struct kr_run *r, const char *path, const char *hex, const char *note)
{
	char copy[4096], line[4200];
	json_t *f;
	const char *last;
	json_t *o, *a;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(line, sizeof(line), "%s  %s\n", hex, basename(copy));
	kr_sha256_update(&r->set, line, strlen(line));
	r->ninputs++;
	f = json_object();
	if (!f)
		return -ENOMEM;
	json_object_set_new(f, "path", jstr(path));
	json_object_set_new(f, "sha256", json_string(hex));
	if (note)
		json_object_set_new(f, "sha256_of", jstr(note));
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

int kr_run_input(struct kr_run *r, const char *path, char *msg, size_t len)
{
	char hex[65];
	int ret = kr_sha256_file(path, hex, msg, len);

	return ret ? ret : add_input(r, path, hex, NULL);
}

int kr_run_input_hash(struct kr_run *r, const char *path, const char *hex, const char *note)
{
	return add_input(r, path, hex, note);
}

/* A TSV field: tabs and newlines would break the line */
static void tsv(FILE *fp, const char *s, int last)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
	fputc(last ? '\n' : '\t', fp);
}

void kr_vectors_line(FILE *fp, const char *top, const char *id, const char *group,
		     const char *profile, const char *host, const char *where)
{
	tsv(fp, top, 0);
	tsv(fp, id, 0);
	tsv(fp, group, 0);
	tsv(fp, profile ? profile : "-", 0);
	tsv(fp, host ? host : "-", 0);
	tsv(fp, where ? where : "-", 1);
}

void kr_run_vector(struct kr_run *r, const char *top, const char *id, const char *group,
		   const char *profile, const char *host, const char *where)
{
	if (!r->vectors)
		return;
	kr_vectors_line(r->vectors, top, id, group, profile, host, where);
	r->nvectors++;
}

int kr_run_vectors_copy(struct kr_run *r, FILE *from, unsigned int n, char *msg, size_t len)
{
	char buf[65536];
	size_t got;

	if (!r->vectors)
		return 0;
	rewind(from);
	while ((got = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, got, r->vectors) != got)
			break;
	if (ferror(from) || ferror(r->vectors)) {
		snprintf(msg, len, "%s/%s: %s", r->dir, KR_RUN_VECTORS, strerror(errno ? errno : EIO));
		return -EIO;
	}
	r->nvectors += n;
	return 0;
}

int kr_run_input_ran(struct kr_run *r, const char *path, const char *hex)
{
	json_t *files = json_object_get(json_object_get(r->meta, "vectors"), "files");
	json_t *hit = NULL, *f;
	size_t i;

	json_array_foreach(files, i, f)
		if (json_is_string(json_object_get(f, "path")) &&
		    !strcmp(json_string_value(json_object_get(f, "path")), path))
			hit = f;
	if (!hit || json_object_set_new(hit, "sha256_ran", json_string(hex)))
		return -ENOMEM;
	kr_run_log(r, "vector input %s changed while it ran: planned from sha256 %s, ran %s", path,
		   json_string_value(json_object_get(hit, "sha256")), hex);
	return 0;
}

int kr_run_begin(struct kr_run *r, char *msg, size_t len)
{
	char hex[65];
	struct kr_sha256 s = r->set;
	int err;

	kr_sha256_hex(&s, hex);
	kr_run_set_str(r, "vectors.set_sha256", hex);
	kr_run_set_str(r, "vectors.set_sha256_how",
		       "sha256 of the lines 'SHA256  BASENAME' of the input files in run order "
		       "(= cd DIR && sha256sum FILES | sha256sum), each hashed from the bytes "
		       "kmc-run read and ran");
	kr_run_set_num(r, "vectors.selected", r->nvectors);
	err = close_synced(&r->vectors);
	if (err) {
		snprintf(msg, len, "%s/%s: %s", r->dir, KR_RUN_VECTORS, strerror(-err));
		return err;
	}
	r->begun = 1;
	return write_meta(r, msg, len);
}

/*
 * The end.  Everything else is written before run.json says how the run
 * ended: the KTAP closed and synced, then junit.xml, kcidb.json and
 * summary.txt (from the run.json about to be written), then run.json,
 * atomically.  A kill in between leaves run.json saying "running"
 * (kmc-results derive completes it); a write that fails (a full disk)
 * leaves it saying "error" with exit code 1, or -- if run.json itself
 * cannot be written -- "running": never "complete" for a directory that
 * is not.
 */
int kr_run_finish(struct kr_run *r, int signo, int exit_code, const struct kr_totals *t,
		  char *msg, size_t len)
{
	struct timespec end;
	char when[48], sig[32] = "", why[4400] = "";
	double dur;
	int ret = 0, err;

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
	err = close_synced(&r->ktap);
	if (err) {
		ret = err;
		snprintf(why, sizeof(why), "%s/%s: %s", r->dir, KR_RUN_KTAP, strerror(-err));
	}
	if (r->vectors)
		close_synced(&r->vectors);
	if (!ret) {
		ret = kr_derive_dir_meta(r->dir, r->meta, why, sizeof(why));
		if (ret)
			kr_run_log(r, "derive: %s", why);
	}
	if (ret) {
		/* not complete: say so, and what kmc-run exits with */
		kr_run_set_str(r, "status", signo ? "interrupted" : "error");
		kr_run_set_bool(r, "interrupted", 1);
		kr_run_set_str(r, "error", why);
		if (!signo)
			kr_run_set_num(r, "exit_code", KR_EXIT_RESULTS);
		snprintf(msg, len, "%s", why);
	}
	err = write_meta(r, why, sizeof(why));
	if (err && !ret) {
		ret = err;
		snprintf(msg, len, "%s", why);
	}
	kr_run_log(r, "%s%s, exit %d%s%s", signo ? "interrupted by " : ret ? "error" : "complete", sig,
		   ret && !signo ? KR_EXIT_RESULTS : exit_code, ret ? ": " : "", ret ? msg : "");
	if (r->log && close_synced(&r->log) && !ret) {
		ret = -EIO;
		snprintf(msg, len, "%s/%s: write error", r->dir, KR_RUN_LOG);
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
	r.dirfd = -1;
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
