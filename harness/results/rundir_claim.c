// SPDX-License-Identifier: GPL-2.0
/*
 * A run's directory made whole under a hidden name and claimed in one step
 * (rundir.h): --results DIR, a mount point or the working directory taken
 * in place, --results auto.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rundir_internal.h"
#include "util.h"

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
	return kr_run_write_meta(r, msg, len);
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
			ret = kr_run_write_meta(r, msg, len);
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
	sha256_init(&r->set);
	ret = !dir || !*dir || !strcmp(dir, "auto") ? claim_default(r, backend, argc, argv, msg, len)
						   : claim_dir(r, dir, backend, argc, argv, msg, len);
	if (ret)
		goto fail;
	/* the directory is ours, with a run.json that says "running"; now the slower facts */
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	kr_run_set_str(r, "cwd", cwd);
	kr_run_suite_facts(r, suite_version, cwd);
	kr_run_runner_facts(r);
	kr_run_log(r, "kmc-run %s: backend %s, results in %s", suite_version, backend, r->dir);
	*out = r;
	return 0;
fail:
	kr_run_abandon(r);
	return ret;
}
