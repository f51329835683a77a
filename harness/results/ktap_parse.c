// SPDX-License-Identifier: GPL-2.0
/* KTAP reader: the grammar of its lines, nesting by indentation (ktap_parse.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ktap_line.h"
#include "ktap_parse.h"

/* One level of nesting: the tests at one indentation */
struct level {
	unsigned int indent;
	struct kt_test *tests;
	unsigned int n, cap;
	int plan;
	char *name;		/* "# Subtest: NAME" */
	char *pending;		/* diagnostics waiting for the next result (before-mode) */
	char *diag;		/* diagnostics of a level with no test yet (after-mode) */
	char **pfind;		/* "# FINDING NAMES: ID" lines waiting for the result of ID */
	unsigned int npfind;
};

struct parser {
	struct kt_doc *d;
	struct level *lv;
	unsigned int depth, cap;
	int after;		/* diagnostics follow their result (kmc-run before 0.2's order) */
	int oom;
	/* the stream is not KTAP: "LINE: reason", parsing stops */
	char bad[160];
	/* printk's prefix before the first version line ("[    0.06] "), stripped */
	int started;
	size_t prefix;
	/* the string join() appended to last: its length and room, so appending is O(1) */
	char **jdst, *jstr;
	size_t jlen, jcap;
};

static char *xstrdup(struct parser *p, const char *s)
{
	char *c = strdup(s);

	if (!c)
		p->oom = 1;
	return c;
}

/*
 * Append "@s" to a '\n'-joined string.  The last string appended to keeps
 * its length and room in @p: thousands of lines joined one by one cost
 * what they weigh, not its square.
 */
static void join(struct parser *p, char **dst, const char *s)
{
	int same = *dst && dst == p->jdst && *dst == p->jstr;
	size_t a = !*dst ? 0 : same ? p->jlen : strlen(*dst), b = strlen(s);
	size_t cap = same ? p->jcap : a ? a + 1 : 0, need = a + b + 2;
	char *n = *dst;

	if (need > cap) {
		cap = need > 2 * cap ? need : 2 * cap;
		n = realloc(*dst, cap);
		if (!n) {
			p->oom = 1;
			return;
		}
	}
	if (a)
		n[a++] = '\n';
	memcpy(n + a, s, b + 1);
	*dst = n;
	p->jdst = dst;
	p->jstr = n;
	p->jlen = a + b;
	p->jcap = cap;
}

/* A string join() may have cached moves or goes away: forget it */
static void unjoin(struct parser *p)
{
	p->jdst = NULL;
	p->jstr = NULL;
}

static struct level *cur(struct parser *p)
{
	return &p->lv[p->depth - 1];
}

static void push(struct parser *p, unsigned int indent, unsigned int lineno)
{
	struct level *l;

	if (p->depth > KT_MAX_DEPTH) {
		/* the tree (and whatever walks it) stays shallow */
		if (!p->bad[0])
			snprintf(p->bad, sizeof(p->bad), "%u: KTAP nested deeper than %d levels",
				 lineno, KT_MAX_DEPTH);
		return;
	}
	if (p->depth == p->cap) {
		unsigned int cap = p->cap ? 2 * p->cap : 8;
		struct level *v = realloc(p->lv, cap * sizeof(*v));

		if (!v) {
			p->oom = 1;
			return;
		}
		p->lv = v;
		p->cap = cap;
		unjoin(p);	/* the levels' strings moved with them */
	}
	l = &p->lv[p->depth++];
	memset(l, 0, sizeof(*l));
	l->indent = indent;
	l->plan = -1;
}

static struct kt_test *add_test(struct parser *p, struct level *l)
{
	struct kt_test *t;

	if (l->n == l->cap) {
		unsigned int cap = l->cap ? 2 * l->cap : 16;
		struct kt_test *v = realloc(l->tests, cap * sizeof(*v));

		if (!v) {
			p->oom = 1;
			return NULL;
		}
		l->tests = v;
		l->cap = cap;
		unjoin(p);	/* the tests' diagnostics moved with them */
	}
	t = &l->tests[l->n++];
	memset(t, 0, sizeof(*t));
	t->plan = -1;
	t->closed = 1;
	return t;
}

/* Free a level's own strings (its tests are moved or freed by the caller) */
static void level_clear(struct parser *p, struct level *l)
{
	free(l->name);
	free(l->pending);
	free(l->diag);
	for (unsigned int i = 0; i < l->npfind; i++)
		free(l->pfind[i]);
	free(l->pfind);
	l->name = l->pending = l->diag = NULL;
	l->pfind = NULL;
	l->npfind = 0;
	unjoin(p);
}

/* "NAMES: ID" of a finding onto @t */
static void finding_to(struct parser *p, struct kt_test *t, const char *s, size_t nlen)
{
	char **v = realloc(t->findings, (t->nfindings + 1) * sizeof(*v));

	if (!v) {
		p->oom = 1;
		return;
	}
	t->findings = v;
	v[t->nfindings] = strndup(s, nlen);
	if (!v[t->nfindings])
		p->oom = 1;
	else
		t->nfindings++;
}

/*
 * A finding names its test: "NAMES: ID".  The test is one of the last few
 * results of level @l (after-mode: the finding follows it), or else the
 * finding waits for the result named ID (before-mode: it precedes it).
 * The search is bounded: a stream of findings costs linear time.
 */
static void add_finding(struct parser *p, struct level *l, const char *s)
{
	const char *colon = strstr(s, ": ");
	char **v, *c;

	if (!colon)
		return;
	for (unsigned int i = l->n, k = 0; i > 0 && k < 64; i--, k++)
		if (l->tests[i - 1].name && !strcmp(l->tests[i - 1].name, colon + 2)) {
			finding_to(p, &l->tests[i - 1], s, (size_t)(colon - s));
			return;
		}
	if (l->npfind >= 256)
		return;		/* findings nobody claims: not kept without end */
	c = strdup(s);
	v = c ? realloc(l->pfind, (l->npfind + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(c);
		p->oom = 1;
		return;
	}
	l->pfind = v;
	v[l->npfind++] = c;
}

/* The findings waiting for @t (a result just read at level @l) */
static void claim_findings(struct parser *p, struct level *l, struct kt_test *t)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < l->npfind; i++) {
		char *f = l->pfind[i];
		const char *colon = strstr(f, ": ");

		if (t->name && colon && !strcmp(colon + 2, t->name)) {
			finding_to(p, t, f, (size_t)(colon - f));
			free(f);
		} else {
			l->pfind[k++] = f;
		}
	}
	l->npfind = k;
}

/*
 * Leftover diagnostics of a level (after its last result, in before-mode)
 * go to @fallback: the group test, or the document
 */
static void flush_pending(struct parser *p, struct level *l, char **fallback)
{
	if (l->pending) {
		join(p, fallback, l->pending);
		free(l->pending);
		l->pending = NULL;
	}
	if (l->diag) {
		join(p, fallback, l->diag);
		free(l->diag);
		l->diag = NULL;
	}
}

/*
 * Close the innermost level.  With @t (the parent's result line that ends
 * it), its tests become @t's subtests; without, they go under a new,
 * unclosed test of the parent named by "# Subtest:".
 */
static void pop(struct parser *p, struct kt_test *t)
{
	struct level child = *cur(p), *parent;

	p->depth--;
	parent = cur(p);
	if (!t) {
		t = add_test(p, parent);
		if (!t) {
			p->depth++;	/* keep it freeable */
			return;
		}
		t->name = child.name ? child.name : xstrdup(p, "(unnamed subtest)");
		child.name = NULL;
		t->status = KT_MISS;
		t->closed = 0;
	}
	flush_pending(p, &child, &t->diag);
	t->sub = child.tests;
	t->nsub = child.n;
	t->plan = child.plan;
	level_clear(p, &child);
}

/* Close every level deeper than @indent (they ended without their result) */
static void pop_to(struct parser *p, unsigned int indent)
{
	while (p->depth > 1 && cur(p)->indent > indent)
		pop(p, NULL);
}

/* "ok 3 name # SKIP why" (after "ok"/"not ok") */
static void parse_result(struct parser *p, int ok, const char *s, unsigned int lineno,
			 unsigned int indent)
{
	struct level *l;
	struct kt_test *t;
	unsigned long num = 0;
	const char *hash, *name;
	size_t nlen;
	char *end;
	int closes = 0;

	/* close levels below this one; the level right below is this test's */
	while (p->depth > 1 && cur(p)->indent > indent) {
		if (p->depth > 2 && p->lv[p->depth - 2].indent > indent)
			pop(p, NULL);
		else {
			closes = 1;
			break;
		}
	}
	if (!closes && cur(p)->indent < indent)
		push(p, indent, lineno);	/* results deeper than their level: an implicit subtest */
	if (p->oom || p->bad[0])
		return;
	l = closes ? &p->lv[p->depth - 2] : cur(p);
	t = add_test(p, l);
	if (!t)
		return;
	t->line = lineno;
	while (*s == ' ')
		s++;
	if (isdigit((unsigned char)*s)) {
		num = strtoul(s, &end, 10);
		s = end;
	}
	t->num = num > UINT_MAX ? UINT_MAX : (unsigned int)num;
	while (*s == ' ')
		s++;
	if (s[0] == '-' && s[1] == ' ')
		s += 2;
	name = s;
	if (*s == '#')
		hash = s;	/* "ok 1 # SKIP": no name */
	else if ((hash = strstr(s, " #")))
		hash++;
	nlen = hash ? (size_t)(hash - name) : strlen(name);
	while (nlen && name[nlen - 1] == ' ')
		nlen--;
	t->name = strndup(name, nlen);
	if (!t->name)
		p->oom = 1;
	t->status = ok ? KT_PASS : KT_FAIL;
	if (hash) {
		static const char *const dirs[] = { "SKIP", "TODO", "XFAIL", "XPASS", "ERROR", "TIMEOUT" };
		const char *d = hash + 1;
		size_t wl;

		while (*d == ' ')
			d++;
		wl = strcspn(d, " ");
		for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			if (wl != strlen(dirs[i]) || strncasecmp(d, dirs[i], wl))
				continue;
			t->directive = strndup(d, wl);
			d += wl;
			switch (i) {
			case 0: t->status = KT_SKIP; break;
			case 1: t->status = ok ? KT_XPASS : KT_XFAIL; break;
			case 2: t->status = KT_XFAIL; break;
			case 3: t->status = KT_XPASS; break;
			case 4: t->status = KT_ERROR; break;
			default: t->status = KT_TIMEOUT; break;
			}
			break;
		}
		while (*d == ' ')
			d++;
		if (*d)
			t->reason = xstrdup(p, d);
	}
	if (!p->after && l->pending) {
		t->diag = l->pending;
		l->pending = NULL;
		unjoin(p);
	}
	if (l->npfind)
		claim_findings(p, l, t);
	if (closes)
		pop(p, t);
}

/* The level a line at @indent belongs to (the deepest with indent <= it) */
static struct level *level_for(struct parser *p, unsigned int indent)
{
	for (unsigned int i = p->depth; i > 1; i--)
		if (p->lv[i - 1].indent <= indent)
			return &p->lv[i - 1];
	return &p->lv[0];
}

static void parse_diag(struct parser *p, const char *s, unsigned int indent, unsigned int lineno)
{
	struct level *l = level_for(p, indent);
	struct kt_doc *d = p->d;

	if (!strncmp(s, "Subtest:", 8) && indent > 0) {
		const char *n = s + 8;

		while (*n == ' ')
			n++;
		pop_to(p, indent);
		/* a sibling block began: the last one never closed */
		if (p->depth > 1 && cur(p)->indent == indent && (cur(p)->n || cur(p)->name))
			pop(p, NULL);
		if (cur(p)->indent < indent) {
			/*
			 * "# Subtest:" before the block's version line: KUnit before
			 * KTAP v1, and kmc-run before 0.2, which also wrote a
			 * vector's diagnostics after its result
			 */
			if (d->kmc)
				p->after = 1;
			push(p, indent, lineno);
		}
		if (p->oom || p->bad[0])
			return;
		free(cur(p)->name);
		cur(p)->name = xstrdup(p, n);
		return;
	}
	if (l == &p->lv[0] && !strncmp(s, "Totals:", 7)) {
		unsigned int *v = d->totals;

		if (sscanf(s, "Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6) {
			d->have_totals = 1;
			return;
		}
	}
	if (!strncmp(s, "FINDING ", 8)) {
		add_finding(p, l, s + 8);
		return;
	}
	if (l == &p->lv[0] && !l->n && !strncmp(s, "kmc-run ", 8))
		d->kmc = 1;
	if (d->kmc && l == &p->lv[0]) {
		/* kmc-run's top-level lines are group summaries: its top diagnostics are the run's */
		join(p, &d->diag, s);
	} else if (p->after) {
		if (l->n)
			join(p, &l->tests[l->n - 1].diag, s);
		else
			join(p, &l->diag, s);
	} else {
		join(p, &l->pending, s);
	}
}

/* "KTAP version N" / "TAP version N" (the whole line): the version, else -1 */
static int version_line(const char *s)
{
	const char *v = !strncmp(s, "KTAP version ", 13) ? s + 13 :
			!strncmp(s, "TAP version ", 12) ? s + 12 : NULL;
	char *end;
	long n;

	if (!v || !isdigit((unsigned char)*v))
		return -1;
	n = strtol(v, &end, 10);
	return *end || n > 1000 ? -1 : (int)n;
}

static void parse_line(struct parser *p, char *line, unsigned int lineno)
{
	unsigned int indent = 0;
	char *s = line;
	struct kt_doc *d = p->d;
	int v;

	if (!p->started) {
		/*
		 * The first version line starts the document; what comes before
		 * it on that line (printk's "[    0.06] ") comes before every
		 * line after it too, and goes: what kunit_parser.py's
		 * extract_tap_lines() does
		 */
		char *k = strstr(line, "TAP version ");

		if (k && k > line && k[-1] == 'K')
			k--;
		if (k && version_line(k) >= 0) {
			p->started = 1;
			p->prefix = (size_t)(k - line);
			s = k;
		}
	} else if (p->prefix) {
		size_t n = strlen(line);

		s = line + (n < p->prefix ? n : p->prefix);
	}
	/* indentation: spaces, and tabs to the next multiple of 8 (old KUnit) */
	for (;; s++) {
		if (*s == ' ')
			indent++;
		else if (*s == '\t')
			indent = (indent / 8 + 1) * 8;
		else
			break;
		if (indent > 1u << 20)
			break;
	}
	if ((v = version_line(s)) >= 0) {
		if (p->depth == 1 && !cur(p)->n && !d->version && indent == 0) {
			d->version = v;
			return;
		}
		pop_to(p, indent);
		if (p->depth > 1 && cur(p)->indent == indent && (cur(p)->n || cur(p)->plan >= 0))
			pop(p, NULL);	/* a sibling block began: the last one never closed */
		if (cur(p)->indent < indent)
			push(p, indent, lineno);
		else if (p->depth == 1)
			d->nunknown++;	/* a second version line at the top */
		return;
	}
	if (s[0] == '1' && s[1] == '.' && s[2] == '.') {
		char *end;
		long n = strtol(s + 3, &end, 10);

		if (end == s + 3 || n < 0 || n > INT_MAX) {
			d->nunknown++;
			return;
		}
		pop_to(p, indent);
		if (cur(p)->indent < indent)
			push(p, indent, lineno);
		if (p->oom || p->bad[0])
			return;
		/* diagnostics before the plan are the (sub)test's own, not its first result's */
		if (cur(p)->pending && !cur(p)->n) {
			join(p, cur(p) == &p->lv[0] ? &d->diag : &cur(p)->diag, cur(p)->pending);
			free(cur(p)->pending);
			cur(p)->pending = NULL;
			unjoin(p);
		}
		if (cur(p) == &p->lv[0])
			d->plan = (int)n;
		else
			cur(p)->plan = (int)n;
		return;
	}
	if (!strncmp(s, "ok", 2) && (s[2] == ' ' || !s[2])) {
		parse_result(p, 1, s + 2, lineno, indent);
		return;
	}
	if (!strncmp(s, "not ok", 6) && (s[6] == ' ' || !s[6])) {
		parse_result(p, 0, s + 6, lineno, indent);
		return;
	}
	if (s[0] == '#') {
		s++;
		if (*s == ' ')
			s++;
		parse_diag(p, s, indent, lineno);
		return;
	}
	if (!strncmp(s, "Bail out!", 9)) {
		const char *r = s + 9;

		while (*r == ' ')
			r++;
		d->bailed = 1;
		free(d->bail);
		d->bail = xstrdup(p, r);
		return;
	}
	d->nunknown++;
}

static void parser_free(struct parser *p)
{
	for (unsigned int i = p->depth; i > 0; i--) {
		struct level *l = &p->lv[i - 1];

		for (unsigned int k = 0; k < l->n; k++)
			kt_test_free(&l->tests[k]);
		free(l->tests);
		level_clear(p, l);
	}
	free(p->lv);
	p->lv = NULL;
	p->depth = 0;
}

int kt_parse(FILE *fp, const char *path, struct kt_doc *d, char *msg, size_t len)
{
	struct parser p = { .d = d };
	char *line = NULL;
	size_t cap = 0;
	long n;
	unsigned int lineno = 0;
	int ret = 0, partial;

	memset(d, 0, sizeof(*d));
	d->plan = -1;
	d->path = strdup(path);
	push(&p, 0, 0);
	if (!d->path)
		p.oom = 1;
	while (!p.oom && !p.bad[0] && (n = kt_read_line(fp, &line, &cap, &partial)) != -1) {
		if (lineno < UINT_MAX)
			lineno++;
		if (n == -4) {
			p.oom = 1;
			break;
		}
		if (n == -2 || n == -3) {
			snprintf(p.bad, sizeof(p.bad), n == -2 ?
				 "%u: a line longer than %d bytes: not KTAP (a binary file or a device?)" :
				 "%u: a NUL byte in the line: not KTAP (a binary file?)", lineno,
				 KT_LINE_MAX);
			break;
		}
		if (partial) {
			d->partial_line = 1;	/* cut by a kill: not to be trusted */
			continue;
		}
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		parse_line(&p, line, lineno);
	}
	free(line);
	d->nlines = lineno;
	if (!p.oom && !p.bad[0] && ferror(fp)) {
		snprintf(msg, len, "%s: read error", path);
		ret = -EIO;
	}
	if (p.bad[0]) {
		parser_free(&p);
		kt_doc_free(d);
		snprintf(msg, len, "%s:%s", path, p.bad);
		return -EINVAL;
	}
	if (p.depth > 1)
		d->truncated = 1;
	while (!p.oom && p.depth > 1)
		pop(&p, NULL);
	if (!p.oom && p.depth == 1) {
		flush_pending(&p, &p.lv[0], &d->diag);
		d->tests = p.lv[0].tests;
		d->ntests = p.lv[0].n;
		p.lv[0].tests = NULL;
		p.lv[0].n = 0;
	}
	if (p.oom) {
		parser_free(&p);
		kt_doc_free(d);
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	parser_free(&p);
	if (d->partial_line || d->bailed || (d->plan >= 0 && d->ntests < (unsigned int)d->plan))
		d->truncated = 1;
	for (unsigned int i = 0; i < d->ntests; i++)
		if (!d->tests[i].closed ||
		    (d->tests[i].plan >= 0 && d->tests[i].nsub < (unsigned int)d->tests[i].plan))
			d->truncated = 1;
	return ret;
}

int kt_parse_file(const char *path, struct kt_doc *d, char *msg, size_t len)
{
	FILE *fp = fopen(path, "r");
	int ret;

	if (!fp) {
		ret = -errno;
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		memset(d, 0, sizeof(*d));
		return ret;
	}
	ret = kt_parse(fp, path, d, msg, len);
	fclose(fp);
	return ret;
}
