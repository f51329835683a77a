// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of the extracted kernel tables (ref/tables/linux-LINE.h): every
 * line that starts with KST_ is a fact, everything else a comment.  A line
 * it does not understand is an error, so a changed format cannot pass
 * unread.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "source_tables.h"

#define MAX_ARGS 8

struct ctx {
	const char *path;
	unsigned int lineno;
	char *err;
	size_t errlen;
};

static int fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s:%u: ", c->path, c->lineno);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "TAG(a, b, c)" -> tag, args; quotes stripped from "..." arguments */
static int split(const struct ctx *c, char *l, char **tag, char **arg, unsigned int *n)
{
	char *open = strchr(l, '('), *close = strrchr(l, ')'), *p;

	if (!open || !close || close < open || *trim(close + 1))
		return fail(c, "want KST_NAME(ARGS) on one line");
	*open = '\0';
	*close = '\0';
	*tag = trim(l);
	*n = 0;
	for (p = open + 1;;) {
		char *comma = strchr(p, ',');

		if (*n == MAX_ARGS)
			return fail(c, "more than %d arguments", MAX_ARGS);
		if (comma)
			*comma = '\0';
		arg[*n] = trim(p);
		if (arg[*n][0] == '"') {
			size_t len = strlen(arg[*n]);

			if (len < 2 || arg[*n][len - 1] != '"')
				return fail(c, "unterminated string %s", arg[*n]);
			arg[*n][len - 1] = '\0';
			arg[*n]++;
		}
		(*n)++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int copy(const struct ctx *c, char *dst, const char *src)
{
	if (strlen(src) >= KST_NAME || !*src)
		return fail(c, "name '%s' empty or longer than %d", src, KST_NAME - 1);
	strcpy(dst, src);
	return 0;
}

static int num(const struct ctx *c, const char *s, int any_ok, int *v)
{
	char *end;
	long x;

	if (any_ok && !strcmp(s, "ANY")) {
		*v = KST_ANY;
		return 0;
	}
	x = strtol(s, &end, 0);
	if (!*s || *end || x < 0 || x > 0xffff)
		return fail(c, "'%s' is not a number%s", s, any_ok ? " or ANY" : "");
	*v = (int)x;
	return 0;
}

static int vendor(const struct ctx *c, const char *s, int *v)
{
	static const char *const names[] = {
		[KMC_VENDOR_INTEL] = "INTEL", [KMC_VENDOR_AMD] = "AMD",
		[KMC_VENDOR_HYGON] = "HYGON", [KMC_VENDOR_CENTAUR] = "CENTAUR",
		[KMC_VENDOR_ZHAOXIN] = "ZHAOXIN",
	};

	if (!strcmp(s, "ANY")) {
		*v = KST_ANY;
		return 0;
	}
	if (!strcmp(s, "NSC") || !strcmp(s, "VORTEX")) {
		*v = KST_NOT_KMC;
		return 0;
	}
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] && !strcmp(s, names[i])) {
			*v = (int)i;
			return 0;
		}
	return fail(c, "unknown vendor '%s'", s);
}

/* KST_WL_FLAG(WL_NAME, BIT) */
static int flag_def(const struct ctx *c, struct kst_table *t, const char *prefix, char **a)
{
	int bit;

	if (strncmp(a[0], prefix, strlen(prefix)))
		return fail(c, "flag '%s' does not start with %s", a[0], prefix);
	if (num(c, a[1], 0, &bit))
		return -1;
	if (t->nflags == KST_MAX_FLAGS)
		return fail(c, "more than %d flags", KST_MAX_FLAGS);
	return copy(c, t->flag[t->nflags++], a[0] + strlen(prefix));
}

/* KST_WL(VENDOR, FAMILY, MODEL, STEP_MIN, STEP_MAX, WL_A | WL_B) */
static int row(const struct ctx *c, struct kst_table *t, const char *prefix, char **a)
{
	struct kst_row r = { .line = c->lineno };
	int lo = 0, hi = 0;
	char *p, *tok;

	if (vendor(c, a[0], &r.vendor) || num(c, a[1], 1, &r.family) ||
	    num(c, a[2], 1, &r.model) || num(c, a[3], 0, &lo) || num(c, a[4], 0, &hi))
		return -1;
	if (lo > hi || hi > 0xf)
		return fail(c, "steppings %s..%s are not a range within 0..0xf", a[3], a[4]);
	r.step_min = (uint8_t)lo;
	r.step_max = (uint8_t)hi;
	for (p = a[5]; (tok = strsep(&p, "|"));) {
		unsigned int i;

		tok = trim(tok);
		if (strncmp(tok, prefix, strlen(prefix)))
			return fail(c, "flag '%s' does not start with %s", tok, prefix);
		for (i = 0; i < t->nflags && strcmp(t->flag[i], tok + strlen(prefix)); i++)
			;
		if (i == t->nflags)
			return fail(c, "flag '%s' is not defined by a %sFLAG line above", tok, prefix);
		r.flags |= 1u << i;
	}
	if (t->nrows == KST_MAX_ROWS)
		return fail(c, "more than %d rows", KST_MAX_ROWS);
	t->row[t->nrows++] = r;
	return 0;
}

static int named(const struct ctx *c, struct kst_named *list, unsigned int *n, unsigned int max,
		 char **a, unsigned int nargs)
{
	struct kst_named *e;
	int v = 0;

	if (*n == max)
		return fail(c, "more than %u entries", max);
	e = &list[*n];
	if (copy(c, e->name, a[0]) || num(c, a[1], 0, &v))
		return -1;
	e->num = (unsigned int)v;
	if (nargs == 3) {
		if (strlen(a[2]) >= KST_NAME)
			return fail(c, "name '%s' too long", a[2]);
		strcpy(e->shown, a[2]);
	}
	(*n)++;
	return 0;
}

static int fact(const struct ctx *c, struct kst_source *s, char *l)
{
	static const struct { const char *tag; unsigned int nargs; } forms[] = {
		{ "KST_SOURCE", 3 }, { "KST_KVER", 3 }, { "KST_WL_FLAG", 2 }, { "KST_BL_FLAG", 2 },
		{ "KST_WL", 6 }, { "KST_BL", 6 }, { "KST_KVM_AC", 1 }, { "KST_AC", 2 },
		{ "KST_BUG", 3 }, { "KST_BUG_UNSET", 1 }, { "KST_VULN_FILE", 1 },
	};
	struct kst_table *wl = &s->table[KMC_VULN_WHITELIST], *bl = &s->table[KMC_VULN_BLACKLIST];
	char *tag = NULL, *a[MAX_ARGS];
	unsigned int n = 0, i;

	if (split(c, l, &tag, a, &n))
		return -1;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]) && strcmp(tag, forms[i].tag); i++)
		;
	if (i == sizeof(forms) / sizeof(forms[0]))
		return fail(c, "unknown fact %s", tag);
	if (n != forms[i].nargs)
		return fail(c, "%s takes %u arguments, not %u", tag, forms[i].nargs, n);
	if (!strcmp(tag, "KST_SOURCE")) {
		if (strlen(a[0]) >= sizeof(s->line) || strlen(a[1]) >= sizeof(s->package) ||
		    strlen(a[2]) >= sizeof(s->version))
			return fail(c, "KST_SOURCE arguments too long");
		strcpy(s->line, a[0]);
		strcpy(s->package, a[1]);
		strcpy(s->version, a[2]);
		return 0;
	}
	if (!strcmp(tag, "KST_KVER")) {
		int v[3];

		for (i = 0; i < 3; i++)
			if (num(c, a[i], 0, &v[i]))
				return -1;
		s->kver = (struct kmc_kver){ (uint16_t)v[0], (uint16_t)v[1], (uint16_t)v[2] };
		return 0;
	}
	if (!strcmp(tag, "KST_WL_FLAG"))
		return flag_def(c, wl, "WL_", a);
	if (!strcmp(tag, "KST_BL_FLAG"))
		return flag_def(c, bl, "BL_", a);
	if (!strcmp(tag, "KST_WL"))
		return row(c, wl, "WL_", a);
	if (!strcmp(tag, "KST_BL"))
		return row(c, bl, "BL_", a);
	if (!strcmp(tag, "KST_KVM_AC")) {
		if (s->nkvm_ac == KST_MAX_BITS)
			return fail(c, "more than %d KVM_SUPPORTED_ARCH_CAP terms", KST_MAX_BITS);
		return copy(c, s->kvm_ac[s->nkvm_ac++], a[0]);
	}
	if (!strcmp(tag, "KST_AC"))
		return named(c, s->ac, &s->nac, KST_MAX_BITS, a, 2);
	if (!strcmp(tag, "KST_BUG"))
		return named(c, s->bug, &s->nbug, KST_MAX_BUGS, a, 3);
	if (!strcmp(tag, "KST_BUG_UNSET")) {
		if (s->nbug_unset == KST_MAX_BUGS)
			return fail(c, "more than %d KST_BUG_UNSET", KST_MAX_BUGS);
		return copy(c, s->bug_unset[s->nbug_unset++], a[0]);
	}
	if (s->nfiles == KST_MAX_FILES)
		return fail(c, "more than %d vulnerabilities files", KST_MAX_FILES);
	return copy(c, s->file[s->nfiles++], a[0]);
}

int kst_read(const char *path, struct kst_source *s, char *err, size_t errlen)
{
	struct ctx c = { .path = path, .err = err, .errlen = errlen };
	char buf[1024];
	FILE *f;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (!rc && fgets(buf, sizeof(buf), f)) {
		int whole = strchr(buf, '\n') || feof(f);
		char *l = trim(buf);

		c.lineno++;
		if (!whole)
			rc = fail(&c, "line longer than %zu characters", sizeof(buf) - 2);
		else if (!strncmp(l, "KST_", 4))
			rc = fact(&c, s, l);
	}
	if (!rc && ferror(f))
		rc = fail(&c, "read error");
	fclose(f);
	if (rc)
		return rc;
	if (!s->line[0] || !s->kver.major || !s->table[0].nrows || !s->table[1].nrows || !s->nkvm_ac || !s->nac ||
	    !s->nbug || !s->nfiles) {
		snprintf(err, errlen, "%s: incomplete: needs KST_SOURCE, KST_KVER and at least one of each "
			 "KST_WL, KST_BL, KST_KVM_AC, KST_AC, KST_BUG, KST_VULN_FILE", path);
		return -1;
	}
	return 0;
}

uint32_t kst_match(const struct kst_table *t, int vendor, int family, int model, int stepping,
		   const struct kst_row **row)
{
	for (unsigned int i = 0; i < t->nrows; i++) {
		const struct kst_row *r = &t->row[i];

		if (r->vendor == KST_NOT_KMC || (r->vendor != KST_ANY && r->vendor != vendor))
			continue;
		if ((r->family != KST_ANY && r->family != family) ||
		    (r->model != KST_ANY && r->model != model) ||
		    stepping < r->step_min || stepping > r->step_max)
			continue;
		*row = r;
		return r->flags;
	}
	*row = NULL;
	return 0;
}

int kst_find(const struct kst_named *list, unsigned int n, const char *name)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return (int)i;
	return -1;
}
