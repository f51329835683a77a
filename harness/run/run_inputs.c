// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run's inputs, read twice (run_inputs.h; docs/kmc-run.md "Memory").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rundir.h"
#include "run_inputs.h"
#include "digest.h"

static int any_match(const struct strv *s, const char *v, int glob)
{
	if (!s->n)
		return 1;
	if (!v)
		return 0;
	for (unsigned int i = 0; i < s->n; i++)
		if (glob ? !fnmatch(s->v[i], v, 0) : !strcmp(s->v[i], v))
			return 1;
	return 0;
}

int run_selected(const struct run_opts *o, const struct kmv_record *r)
{
	return any_match(&o->ids, r->id, 1) && any_match(&o->groups, r->group, 0) &&
	       any_match(&o->profiles, r->profile ? r->profile->name : NULL, 0);
}

/* The record's `host` tokens as written ("cpu=NAME ..."), for vectors.tsv */
static const char *host_text(const struct kmv_record *r)
{
	for (unsigned int i = 0; i < r->nbody; i++) {
		const char *t = r->body[i].text;

		if (r->body[i].kind != KMV_L_HOST || !t)
			continue;
		return strncmp(t, "host ", 5) ? t : t + 5;
	}
	return r->live ? "live" : "-";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_input(struct input **in, unsigned int *n, const char *path)
{
	struct input *p = realloc(*in, (*n + 1) * sizeof(**in));
	char *copy = strdup(path);

	if (!p || !copy) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	*in = p;
	memset(&p[*n], 0, sizeof(p[*n]));
	p[*n].fd = p[*n].spool = -1;
	p[*n].path = strdup(path);
	p[*n].name = strdup(basename(copy));
	free(copy);
	if (!p[*n].path || !p[*n].name) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	(*n)++;
}

/* An input that fails before reading, e.g. a directory without *.kmv */
static void add_failed(struct input **in, unsigned int *n, const char *path, int err,
		       const char *why)
{
	char msg[MSGLEN];
	struct input *p;

	add_input(in, n, path);
	p = &(*in)[*n - 1];
	snprintf(msg, sizeof(msg), "%s: %s", path, why);
	p->failed = 1;
	p->f.err = err;
	p->f.errmsg = strdup(msg);
}

/* Expand directories to their *.kmv files, sorted by name */
void run_inputs_expand(const struct strv *args, struct input **in, unsigned int *n)
{
	for (unsigned int i = 0; i < args->n; i++) {
		const char *a = args->v[i];
		struct strv names = { 0 };
		struct stat st;
		struct dirent *de;
		DIR *d;

		if (stat(a, &st) || !S_ISDIR(st.st_mode)) {
			add_input(in, n, a);	/* kmv_read_file reports what is wrong */
			continue;
		}
		d = opendir(a);
		if (!d) {
			add_failed(in, n, a, -errno, strerror(errno));
			continue;
		}
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);

			if (len > 4 && !strcmp(de->d_name + len - 4, ".kmv") && de->d_name[0] != '.')
				strv_push(&names, strdup(de->d_name));
		}
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
		else
			add_failed(in, n, a, -ENOENT, "no *.kmv files in this directory");
		for (unsigned int k = 0; k < names.n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s%s%s", a,
				 a[strlen(a) - 1] == '/' ? "" : "/", names.v[k]);
			add_input(in, n, path);
			free(names.v[k]);
		}
		free(names.v);
	}
}

/*
 * Every input goes through a stream that hashes what passes: the hash
 * run.json records is of the bytes that ran.  In the first pass of an
 * input that cannot be read twice, the bytes are also copied to @spool.
 */
struct hashing {
	int fd;
	int spool;		/* -1, or where to copy what is read */
	int spool_err;		/* errno of a failed copy */
	struct sha256_ctx sha;
	unsigned long long n;
};

static ssize_t hashing_read(void *cookie, char *buf, size_t size)
{
	struct hashing *h = cookie;
	ssize_t n;

	do
		n = read(h->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		sha256_update(&h->sha, (size_t)n, (const uint8_t *)buf);
		h->n += (unsigned long long)n;
		for (ssize_t w, done = 0; h->spool >= 0 && !h->spool_err && done < n; done += w) {
			w = write(h->spool, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				h->spool_err = w < 0 ? errno : ENOSPC;
		}
	}
	return n;
}

/* A stream over @h (its fd stays open when the stream closes) */
static FILE *hashing_open(struct hashing *h)
{
	static const cookie_io_functions_t io = { .read = hashing_read };

	sha256_init(&h->sha);
	h->n = 0;
	return fopencookie(h, "r", io);
}

/* The rest of a regular file, hashed too: a run's hash is of the whole file */
static void hashing_drain(FILE *fp, int fd)
{
	struct stat st;
	char buf[65536];

	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		while (fread(buf, 1, sizeof(buf), fp) > 0)
			;
}

/* An unnamed file for the copy of a pipe: in $TMPDIR, gone when closed */
int run_anon_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	snprintf(path, sizeof(path), "%s/kmc-run.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static void input_error(struct input *in, int err, const char *fmt, ...)
{
	char msg[MSGLEN];
	int len;
	va_list ap;

	len = snprintf(msg, sizeof(msg), "%s: ", in->path);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	kmv_file_free(&in->f);
	in->f.path = strdup(in->path);
	in->f.err = err;
	in->f.errmsg = strdup(msg);
}


static int plan_record(void *arg, const struct kmv_record *r)
{
	struct plan *pl = arg;
	char where[4200];

	pl->in->nrecs++;
	if (!run_selected(pl->o, r))
		return 0;
	pl->in->nsel++;
	if (pl->tsv) {
		snprintf(where, sizeof(where), "%s:%u", r->file, r->line);
		kr_vectors_line(pl->tsv, pl->in->name, r->id, r->group,
				r->profile ? r->profile->name : NULL, host_text(r), where);
		pl->nvec++;
	}
	for (unsigned int p = 0; r->profile && p < kmc_nprofiles; p++)
		if (kmc_profile_at(p) == r->profile)
			pl->profiles |= 1u << p;
	return 0;
}

static void plan_input(struct input *in, struct kmv_idset *ids, struct plan *pl)
{
	struct hashing h = { .fd = open(in->path, O_RDONLY | O_CLOEXEC), .spool = -1 };
	char msg[MSGLEN], buf[MSGLEN + 64];
	struct stat st;
	FILE *fp;
	int ret, regular;

	if (h.fd < 0) {
		input_error(in, -errno, "%s", strerror(errno));
		return;
	}
	regular = !fstat(h.fd, &st) && S_ISREG(st.st_mode);
	if (!regular && (h.spool = run_anon_file()) < 0) {
		input_error(in, -errno, "cannot keep a copy to run it from: %s", strerror(errno));
		close(h.fd);
		return;
	}
	fp = hashing_open(&h);
	if (!fp) {
		input_error(in, -errno, "%s", strerror(errno));
		close(h.fd);
		if (h.spool >= 0)
			close(h.spool);
		return;
	}
	pl->in = in;
	/* errors stay in the kmv_file, to be reported in its place */
	ret = kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, ids, plan_record, pl,
			    &in->f, msg, sizeof(msg));
	if (ret)
		hashing_drain(fp, h.fd);
	if (!ferror(fp)) {
		kr_sha256_hex(&h.sha, in->sha);
		in->hashed = 1;
		if (ret && !regular) {
			snprintf(buf, sizeof(buf), "the first %llu bytes, read before %s", h.n,
				 in->f.errmsg ? in->f.errmsg : "an error");
			in->partial = strdup(buf);
		}
	}
	fclose(fp);
	if (h.spool_err) {
		input_error(in, -h.spool_err, "cannot keep a copy to run it from: %s",
			    strerror(h.spool_err));
		in->nsel = 0;
		close(h.fd);
		close(h.spool);
		return;
	}
	if (regular) {
		in->fd = h.fd;
	} else {
		close(h.fd);
		in->spool = h.spool;
	}
}

/*
 * The first pass again, from the bytes kept for the second (the file, or a
 * pipe's copy), with @ids exact for the ids the first pass suspected: what
 * that pass counted past a duplicate (where reading stops) is undone.
 */
static void replan_input(struct input *in, struct kmv_idset *ids, struct plan *pl)
{
	struct hashing h = { .fd = in->fd >= 0 ? in->fd : in->spool, .spool = -1 };
	char msg[MSGLEN];
	FILE *fp;

	if (h.fd < 0)
		return;
	if (lseek(h.fd, 0, SEEK_SET) || !(fp = hashing_open(&h))) {
		input_error(in, -errno, "cannot read it again to plan it: %s", strerror(errno));
		in->nsel = 0;
		return;
	}
	kmv_file_free(&in->f);
	in->nrecs = in->nsel = 0;
	pl->in = in;
	kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, ids, plan_record, pl, &in->f,
		      msg, sizeof(msg));
	fclose(fp);
}

/*
 * The first pass over every input.  Its id set screens (kmv_idset_new_screen:
 * fixed memory); only when it found ids that may be duplicates is the pass
 * made again, exact for those.  Returns the set, ready for the second pass.
 */
struct kmv_idset *run_inputs_plan(struct input *in, unsigned int n, struct plan *pl)
{
	struct kmv_idset *ids = kmv_idset_new_screen();

	if (!ids) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	for (unsigned int i = 0; i < n; i++)
		if (!in[i].failed)
			plan_input(&in[i], ids, pl);
	if (kmv_idset_confirm(ids)) {
		if (pl->tsv && (fflush(pl->tsv) || ftruncate(fileno(pl->tsv), 0) ||
				fseek(pl->tsv, 0, SEEK_SET))) {
			fprintf(stderr, "kmc-run: results: vectors.tsv's temporary file: %s\n",
				strerror(errno));
			exit(1);
		}
		pl->nvec = 0;
		pl->profiles = 0;
		for (unsigned int i = 0; i < n; i++)
			if (!in[i].failed)
				replan_input(&in[i], ids, pl);
		kmv_idset_confirm(ids);
	}
	return ids;
}

int run_input_again(struct input *in, struct kmv_idset *ids,
		    int (*each)(void *arg, const struct kmv_record *r), void *arg,
		    struct kmv_file *f, char sha[65], int *unreadable)
{
	struct hashing h = { .fd = in->fd >= 0 ? in->fd : in->spool, .spool = -1 };
	char msg[MSGLEN];
	FILE *fp;
	int ret;

	sha[0] = '\0';
	*unreadable = 0;
	if (h.fd < 0 || !in->nsel)
		return 0;
	if (lseek(h.fd, 0, SEEK_SET) || !(fp = hashing_open(&h))) {
		input_error(in, -errno, "cannot read it again to run it: %s", strerror(errno));
		return 0;
	}
	ret = kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, ids, each, arg, f, msg,
			    sizeof(msg));
	if (ret > 0) {
		fclose(fp);
		return 1;	/* stopped by @each */
	}
	if (ret)
		hashing_drain(fp, h.fd);
	kr_sha256_hex(&h.sha, sha);
	*unreadable = ferror(fp);
	fclose(fp);
	return 0;
}

void run_inputs_free(struct input *in, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		kmv_file_free(&in[i].f);
		if (in[i].fd >= 0)
			close(in[i].fd);
		if (in[i].spool >= 0)
			close(in[i].spool);
		free(in[i].partial);
		free(in[i].path);
		free(in[i].name);
	}
	free(in);
}
