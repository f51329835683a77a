// SPDX-License-Identifier: GPL-2.0
/*
 * The vector file reader (docs/vectors.md).
 *
 * Line-oriented.  A record runs from its `vector` line to the next one;
 * its first problem is kept rather than reported at once, so that a record
 * carrying `reject "TEXT"` can be judged as a whole.  A problem in any
 * other record ends the file (the records before it stay usable).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "kmv_internal.h"
#include "names.h"

#define MAXTOK	64
/* Longest line read: a vector line is short; /dev/zero must not fill the memory */
#define KMV_LINE_MAX	65536

const struct kmc_profile kmv_live_profile = {
	.name = "live",
	.desc = "the running kernel's profile (host live; decided by the kvm backend)",
};

/* ---- small allocation helpers ------------------------------------------ */

/*
 * Room for element @n of an array that grows in powers of two: the array
 * (maybe moved), or NULL if out of memory (the old one is still valid).
 */
void *kmv_grow(void *arr, unsigned int n, size_t size)
{
	if (n && (n & (n - 1)))
		return arr;
	return realloc(arr, (n ? (size_t)n * 2 : 1) * size);
}

int kmv_strv_add(char ***v, unsigned int *n, const char *s)
{
	char *d = strdup(s);
	char **nv = d ? kmv_grow(*v, *n, sizeof(char *)) : NULL;

	if (!nv) {
		free(d);
		return -ENOMEM;
	}
	*v = nv;
	(*v)[(*n)++] = d;
	return 0;
}

void kmv_strv_free(char **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- the reader --------------------------------------------------------- */

struct pend {
	char *raw;		/* the line, trailing blanks stripped */
	char *text;		/* a comment from its '#', or "" for a blank line */
	int indented;
};

struct rd {
	const char *path;
	unsigned int flags;
	struct kmv_idset *ids;
	struct kmv_file *f;
	unsigned int lineno;
	unsigned int header_line;
	struct kmv_record *cur;		/* the open record */
	int cur_errno;			/* errno of cur->error */
	struct pend *pend;		/* comments/blank lines not yet placed */
	unsigned int npend;
	int nomem;
	kmv_record_fn each;		/* streaming: each record goes here, not into f */
	void *each_arg;
	int stop;			/* what each() returned to stop reading */
};

static void pend_clear(struct rd *rd, unsigned int from)
{
	for (unsigned int i = from; i < rd->npend; i++) {
		free(rd->pend[i].raw);
		free(rd->pend[i].text);
	}
	rd->npend = from;
}

static void pend_add(struct rd *rd, const char *raw, const char *text, int indented)
{
	struct pend p, *np;

	if (rd->flags & KMV_NO_TRIVIA)
		return;
	p = (struct pend){ strdup(raw), strdup(text), indented };
	np = p.raw && p.text ? kmv_grow(rd->pend, rd->npend, sizeof(p)) : NULL;
	if (!np) {
		free(p.raw);
		free(p.text);
		rd->nomem = 1;
		return;
	}
	rd->pend = np;
	rd->pend[rd->npend++] = p;
}

static int file_fail(struct rd *rd, int err, unsigned int line, const char *fmt, ...)
{
	char reason[ERRLEN];
	va_list ap;
	int len;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	len = snprintf(NULL, 0, "%s:%u: %s", rd->path, line, reason);
	free(rd->f->errmsg);
	rd->f->errmsg = malloc((size_t)len + 1);
	if (rd->f->errmsg)
		snprintf(rd->f->errmsg, (size_t)len + 1, "%s:%u: %s", rd->path, line, reason);
	rd->f->err = err;
	rd->f->errline = line;
	return err;
}

/* Keep the record's first problem; the record is judged when it closes */
static void rec_fail(struct rd *rd, int err, const char *reason)
{
	struct kmv_record *r = rd->cur;

	if (r->error)
		return;
	r->error = strdup(reason);
	if (!r->error)
		rd->nomem = 1;
	r->error_line = rd->lineno;
	rd->cur_errno = err;
}

static void body_add(struct rd *rd, uint8_t kind, uint8_t idx, char *text)
{
	if (kmv_body_add(rd->cur, kind, idx, text, rd->lineno))
		rd->nomem = 1;
}

static void raw_add(struct rd *rd, const char *line)
{
	if (!(rd->flags & KMV_NO_TRIVIA) && kmv_strv_add(&rd->cur->raw, &rd->cur->nraw, line))
		rd->nomem = 1;
}

/* Pending comments followed by a record line belong to the record */
static void pend_to_body(struct rd *rd)
{
	for (unsigned int i = 0; i < rd->npend; i++) {
		struct pend *p = &rd->pend[i];

		if (!*p->text)
			continue;
		raw_add(rd, p->raw);
		body_add(rd, KMV_L_COMMENT, 0, p->text);
		p->text = NULL;
	}
	pend_clear(rd, 0);
}

/* Move the pending lines from @from on to a trivia list */
static void pend_to_list(struct rd *rd, unsigned int from, char ***v, unsigned int *n)
{
	for (unsigned int i = from; i < rd->npend; i++)
		if (kmv_strv_add(v, n, rd->pend[i].text))
			rd->nomem = 1;
	pend_clear(rd, from);
}

static int close_record(struct rd *rd)
{
	struct kmv_record *r = rd->cur, *recs;
	unsigned int trailing = 0;

	if (!r)
		return 0;
	/* indented comments right below the record are its own */
	while (trailing < rd->npend && rd->pend[trailing].indented && *rd->pend[trailing].text)
		trailing++;
	for (unsigned int i = 0; i < trailing; i++) {
		raw_add(rd, rd->pend[i].raw);
		body_add(rd, KMV_L_COMMENT, 0, rd->pend[i].text);
		rd->pend[i].text = NULL;
		free(rd->pend[i].raw);
	}
	if (trailing) {
		memmove(rd->pend, rd->pend + trailing, (rd->npend - trailing) * sizeof(*rd->pend));
		rd->npend -= trailing;
	}
	rd->cur = NULL;

	if (!r->error) {
		char err[ERRLEN];
		unsigned int line;
		int ret = kmv_record_check(r, rd->flags, &line, err, sizeof(err));

		if (ret) {
			r->error = strdup(err);
			r->error_line = line;
			rd->cur_errno = ret;
			if (!r->error)
				rd->nomem = 1;
		}
	}
	r->exp.nres = r->sc.nops;
	if (r->error && !r->reject) {
		int ret = file_fail(rd, rd->cur_errno, r->error_line, "%s", r->error);

		kmv_record_free(r);
		free(r);
		return ret;
	}
	if (rd->each) {
		/* streaming: the record lives as long as the call */
		int stop = rd->nomem ? 0 : rd->each(rd->each_arg, r);

		kmv_record_free(r);
		free(r);
		rd->stop = stop;
		return stop;
	}
	recs = kmv_grow(rd->f->recs, rd->f->nrecs, sizeof(*r));
	if (!recs) {
		kmv_record_free(r);
		free(r);
		rd->nomem = 1;
		return 0;
	}
	rd->f->recs = recs;
	rd->f->recs[rd->f->nrecs++] = *r;
	free(r);
	return 0;
}

static int valid_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!kmv_isalnum_ascii(*s) && !strchr("_.:+-", *s))
			return 0;
	return 1;
}


/*
 * `variant=a,b`: proposed kernel changes the record's kernel carries
 * (kmc names variants); the kvm backend cannot run such a record.
 */
static void parse_variants(struct rd *rd, struct kmv_record *r, const char *list)
{
	char err[ERRLEN];
	uint64_t v;

	if (r->sc.variants) {
		rec_fail(rd, -EINVAL, "variant= given twice");
		return;
	}
	if (kmc_list_parse(&kmc_variant_names, list, &v, err, sizeof(err))) {
		rec_fail(rd, -EINVAL, err);
		return;
	}
	if (!v) {
		rec_fail(rd, -EINVAL, "variant=- names no variant (leave the token out)");
		return;
	}
	r->sc.variants = (uint32_t)v;
}

static int start_record(struct rd *rd, const char *line)
{
	struct tok t[MAXTOK];
	char err[ERRLEN], *copy;
	struct kmv_record *r;
	int n, ret;

	ret = close_record(rd);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	copy = strdup(line);
	if (!r || !copy) {
		free(r);
		free(copy);
		rd->nomem = 1;
		return 0;
	}
	rd->cur = r;
	rd->cur_errno = 0;
	r->file = rd->f->path;
	r->line = rd->lineno;
	pend_to_list(rd, 0, &r->before, &r->nbefore);
	raw_add(rd, line);

	n = kmv_tokenize(copy, t, MAXTOK, err, sizeof(err));
	if (n < 0) {
		rec_fail(rd, -EINVAL, err);
	} else if (n < 2) {
		rec_fail(rd, -EINVAL, "vector: missing ID");
	} else if (!valid_id(t[1].s)) {
		snprintf(err, sizeof(err), "invalid vector id '%s' (allowed: A-Z a-z 0-9 _ . : + -)",
			 t[1].s);
		rec_fail(rd, -EINVAL, err);
	} else {
		const char *first_path = NULL;
		unsigned int first_line = 0;
		int dup = kmv_idset_seen(rd->ids, t[1].s, rd->path, rd->lineno, &first_path,
					 &first_line);

		r->id = strdup(t[1].s);
		if (!r->id || dup < 0)
			rd->nomem = 1;
		if (dup > 0) {
			snprintf(err, sizeof(err), "duplicate vector id '%s' (first at %s:%u)",
				 t[1].s, first_path, first_line);
			rec_fail(rd, -EEXIST, err);
		}
	}
	if (!r->id) {
		/* a record without a usable id is still named in reports */
		char name[32];

		snprintf(name, sizeof(name), "line-%u", rd->lineno);
		r->id = strdup(name);
		goto out;
	}
	for (int i = 2; i < n && !r->error; i++) {
		if (!strncmp(t[i].s, "variant=", 8)) {
			parse_variants(rd, r, t[i].s + 8);
		} else if (strncmp(t[i].s, "profile=", 8)) {
			snprintf(err, sizeof(err), "unknown token '%s' on the vector line (expected profile=NAME or variant=LIST)",
				 t[i].s);
			rec_fail(rd, -EINVAL, err);
		} else if (r->profile) {
			rec_fail(rd, -EINVAL, "profile= given twice");
		} else if (!strcmp(t[i].s + 8, "live")) {
			r->profile = &kmv_live_profile;
		} else if (!(r->profile = kmc_profile_find(t[i].s + 8))) {
			snprintf(err, sizeof(err), "unknown profile '%s' (see kmc profiles)", t[i].s + 8);
			rec_fail(rd, -ENOENT, err);
		}
	}
	if (!r->error && !r->profile) {
		snprintf(err, sizeof(err), "vector '%s' has no profile= (see kmc profiles)", t[1].s);
		rec_fail(rd, -EINVAL, err);
	}
out:
	if (r->id) {
		const char *dot = strchr(r->id, '.');

		r->group = strndup(r->id, dot ? (size_t)(dot - r->id) : strlen(r->id));
	}
	if (!r->id || !r->group)
		rd->nomem = 1;
	free(copy);
	return 0;
}

static void parse_reject(struct rd *rd, struct tok *t, int n)
{
	struct kmv_record *r = rd->cur;
	char err[ERRLEN];

	if (r->reject) {
		snprintf(err, sizeof(err), "second reject line (first at line %u)", r->reject_line);
		rec_fail(rd, -EINVAL, err);
		return;
	}
	if (n != 2 || !*t[1].s) {
		rec_fail(rd, -EINVAL, n != 2 ? "reject: expected one quoted TEXT"
					     : "reject: TEXT is empty");
		return;
	}
	r->reject = strdup(t[1].s);
	r->reject_line = rd->lineno;
	if (!r->reject)
		rd->nomem = 1;
	else
		body_add(rd, KMV_L_REJECT, 0, NULL);
}

static void body_line(struct rd *rd, const char *line, const char *p)
{
	struct tok t[MAXTOK];
	char err[ERRLEN];
	char *copy;
	int n, ret;

	pend_to_body(rd);
	raw_add(rd, line);
	copy = strdup(p);
	if (!copy) {
		rd->nomem = 1;
		return;
	}
	n = kmv_tokenize(copy, t, MAXTOK, err, sizeof(err));
	if (n < 0) {
		rec_fail(rd, -EINVAL, err);
	} else if (!strcmp(t[0].s, "reject")) {
		parse_reject(rd, t, n);
	} else if (!rd->cur->error) {
		/* after a record's first problem only `reject` is looked for */
		ret = kmv_record_line(rd->cur, rd->lineno, t, n, err, sizeof(err));
		if (ret == -ENOMEM)
			rd->nomem = 1;
		else if (ret)
			rec_fail(rd, ret, err);
	}
	free(copy);
}

static int header_line(struct rd *rd, char *line)
{
	struct tok t[4];
	char err[ERRLEN];
	uint64_t v;
	int n = kmv_tokenize(line, t, 4, err, sizeof(err));

	if (n < 1 || strcmp(t[0].s, "kmv"))
		return file_fail(rd, -EINVAL, rd->lineno, "missing 'kmv 1' header%s%s",
				 n < 0 ? ": " : "", n < 0 ? err : "");
	if (n != 2)
		return file_fail(rd, -EINVAL, rd->lineno, "bad header (expected 'kmv 1')");
	if (kmc_parse_u64(t[1].s, &v))
		return file_fail(rd, -EINVAL, rd->lineno,
				 "bad format version '%s' (expected 'kmv 1')", t[1].s);
	if (v != 1)
		return file_fail(rd, -EPROTONOSUPPORT, rd->lineno,
				 "unsupported format version %s", t[1].s);
	rd->header_line = rd->lineno;
	/* comments between blank lines above the header are kept above it */
	for (unsigned int i = 0; i < rd->npend; i++)
		if (*rd->pend[i].text && kmv_strv_add(&rd->f->pre, &rd->f->npre, rd->pend[i].text))
			rd->nomem = 1;
	pend_clear(rd, 0);
	return 0;
}

static int do_line(struct rd *rd, char *line)
{
	char *p = line, word[32];
	size_t wlen;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#') {
		pend_add(rd, line, p, p != line);
		return 0;
	}
	if (!rd->header_line)
		return header_line(rd, line);
	if (p != line) {
		if (!rd->cur)
			return file_fail(rd, -EINVAL, rd->lineno, "indented line outside a record");
		body_line(rd, line, p);
		return 0;
	}
	wlen = strcspn(line, " \t");
	snprintf(word, sizeof(word), "%.*s%s", (int)(wlen < 24 ? wlen : 24), line,
		 wlen < 24 ? "" : "...");
	if (wlen == 6 && !strncmp(line, "vector", 6))
		return start_record(rd, line);
	if (wlen == 3 && !strncmp(line, "kmv", 3))
		return file_fail(rd, -EINVAL, rd->lineno,
				 "'kmv' header repeated (first at line %u)", rd->header_line);
	if (!rd->cur)
		return file_fail(rd, -EINVAL, rd->lineno,
				 "unexpected '%s' (expected 'vector' or an indented record line)",
				 word);
	{
		char err[ERRLEN];

		pend_to_body(rd);
		raw_add(rd, line);
		snprintf(err, sizeof(err),
			 "unexpected '%s' (expected 'vector' or an indented record line)", word);
		rec_fail(rd, -EINVAL, err);
	}
	return 0;
}

/*
 * The next line into *@buf (its newline kept, like getline): its length,
 * -1 at the end, -2 for a NUL byte (not a text file: stop at once), -3 for
 * a line longer than KMV_LINE_MAX (not a vector file), -4 out of memory.
 * What /dev/zero or a binary file costs is one line, not the memory.
 */
static ssize_t read_line(FILE *fp, char **buf, size_t *cap)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(fp)) != EOF) {
		if (!c)
			return -2;
		if (n >= KMV_LINE_MAX)
			return -3;
		if (n + 2 > *cap) {
			size_t ncap = *cap ? 2 * *cap : 256;
			char *b = realloc(*buf, ncap);

			if (!b)
				return -4;
			*buf = b;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!n)
		return -1;
	(*buf)[n] = '\0';
	return (ssize_t)n;
}

static int read_stream(FILE *fp, const char *path, unsigned int flags, struct kmv_idset *ids,
		       kmv_record_fn each, void *arg, struct kmv_file *f, char *msg, size_t msglen)
{
	struct rd rd = { .path = path, .flags = flags, .ids = ids, .f = f,
			 .each = each, .each_arg = arg };
	struct kmv_idset *own = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!ids)
		rd.ids = own = kmv_idset_new();
	if (!f->path || !rd.ids) {
		ret = -ENOMEM;
		snprintf(msg, msglen, "%s: out of memory", path);
		goto out;
	}
	rd.path = f->path;
	while ((len = read_line(fp, &line, &cap)) != -1) {
		rd.lineno++;
		if (len == -2) {
			ret = file_fail(&rd, -EINVAL, rd.lineno, "NUL byte in line: not a vector file");
			break;
		}
		if (len == -3) {
			ret = file_fail(&rd, -EINVAL, rd.lineno,
					"line longer than %d bytes: not a vector file", KMV_LINE_MAX);
			break;
		}
		if (len == -4) {
			ret = file_fail(&rd, -ENOMEM, rd.lineno, "out of memory");
			break;
		}
		while (len && strchr(" \t\r\n", line[len - 1]))
			line[--len] = '\0';
		ret = do_line(&rd, line);
		if (!ret && rd.nomem)
			ret = file_fail(&rd, -ENOMEM, rd.lineno, "out of memory");
		if (ret)
			break;
	}
	if (!ret && ferror(fp))
		ret = file_fail(&rd, -EIO, rd.lineno, "read error");
	if (!ret && !rd.header_line)
		ret = file_fail(&rd, -EINVAL, rd.lineno ? rd.lineno : 1,
				"missing 'kmv 1' header");
	if (!ret)
		ret = close_record(&rd);
	if (!ret && rd.nomem)
		ret = file_fail(&rd, -ENOMEM, rd.lineno, "out of memory");
	if (!ret)
		pend_to_list(&rd, 0, &f->tail, &f->ntail);
	if (ret && rd.stop)
		goto out;	/* the caller's choice, not a problem of the file */
	if (ret && msglen)
		snprintf(msg, msglen, "%s", f->errmsg ? f->errmsg : "out of memory");
out:
	if (rd.cur) {
		kmv_record_free(rd.cur);
		free(rd.cur);
	}
	pend_clear(&rd, 0);
	free(rd.pend);
	free(line);
	kmv_idset_free(own);
	return ret;
}

int kmv_read(FILE *fp, const char *path, unsigned int flags,
	     struct kmv_idset *ids, struct kmv_file *f, char *msg, size_t msglen)
{
	return read_stream(fp, path, flags, ids, NULL, NULL, f, msg, msglen);
}

int kmv_read_each(FILE *fp, const char *path, unsigned int flags, struct kmv_idset *ids,
		  kmv_record_fn each, void *arg, struct kmv_file *f, char *msg, size_t msglen)
{
	return read_stream(fp, path, flags, ids, each, arg, f, msg, msglen);
}

int kmv_read_file(const char *path, unsigned int flags, struct kmv_idset *ids,
		  struct kmv_file *f, char *msg, size_t msglen)
{
	FILE *fp = fopen(path, "r");
	int ret;

	if (!fp) {
		ret = -errno;
		memset(f, 0, sizeof(*f));
		f->path = strdup(path);
		f->err = ret;
		snprintf(msg, msglen, "%s: %s", path, strerror(-ret));
		f->errmsg = strdup(msg);
		return ret;
	}
	ret = kmv_read(fp, path, flags, ids, f, msg, msglen);
	fclose(fp);
	return ret;
}

void kmv_file_free(struct kmv_file *f)
{
	for (unsigned int i = 0; i < f->nrecs; i++)
		kmv_record_free(&f->recs[i]);
	free(f->recs);
	kmv_strv_free(f->pre, f->npre);
	kmv_strv_free(f->tail, f->ntail);
	free(f->errmsg);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

int kmv_reject_ok(const struct kmv_record *r, char *msg, size_t msglen)
{
	if (!r->reject) {
		snprintf(msg, msglen, "%s:%u: not a reject record", r->file, r->line);
		return 0;
	}
	if (!r->error) {
		snprintf(msg, msglen, "%s:%u: accepted, but expected a rejection containing \"%s\"",
			 r->file, r->reject_line, r->reject);
		return 0;
	}
	if (!strstr(r->error, r->reject)) {
		snprintf(msg, msglen,
			 "%s:%u: rejected with \"%s\" (line %u), expected a message containing \"%s\"",
			 r->file, r->reject_line, r->error, r->error_line, r->reject);
		return 0;
	}
	snprintf(msg, msglen, "%s:%u: %s", r->file, r->error_line, r->error);
	return 1;
}
