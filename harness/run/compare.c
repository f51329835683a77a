// SPDX-License-Identifier: GPL-2.0
/* Verdicts on one record: expectation vs observation (compare.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "names.h"

/* snprintf that may truncate (diff text is for people) */
__attribute__((format(printf, 3, 4)))
static void sfmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* For a list: which names are missing from @got and which are extra */
static void list_note(const struct kmc_names *t, uint64_t exp, uint64_t got,
		      char *buf, size_t len)
{
	char a[KMV_VALMAX], b[KMV_VALMAX];
	uint64_t miss = exp & ~got, extra = got & ~exp;

	kmc_list_format(t, miss, a, sizeof(a));
	kmc_list_format(t, extra, b, sizeof(b));
	if (miss && extra)
		sfmt(buf, len, "missing %s; extra %s", a, b);
	else if (miss)
		sfmt(buf, len, "missing %s", a);
	else
		sfmt(buf, len, "extra %s", b);
}

static int by_line(const void *x, const void *y)
{
	const struct kmc_diff *a = x, *b = y;

	return (a->line > b->line) - (a->line < b->line);
}

static void format_item(const struct kmv_record *r, int op, int key,
			const struct kmc_obs *o, char *buf, size_t len)
{
	if (op < 0)
		kmv_format_key((enum kmv_key)key, o, buf, len);
	else if ((unsigned int)op < o->nres)
		kmv_format_result(r->sc.ops[op].kind, &o->res[op], buf, len);
	else
		snprintf(buf, len, "(not run)");
}

/* Every item @r compares, @a against @b; @exp gives diff.exp */
static unsigned int compare(const struct kmv_record *r, const struct kmc_obs *exp,
			    const struct kmc_obs *a, const struct kmc_obs *b,
			    struct kmc_cmp *c)
{
	char va[KMV_VALMAX], vb[KMV_VALMAX];

	c->ndiff = 0;
	c->findings = 0;
	for (int i = 0; i < KMV_K_NR + (int)r->sc.nops; i++) {
		int key = i < KMV_K_NR ? i : -1;
		int op = i < KMV_K_NR ? -1 : i - KMV_K_NR;
		struct kmc_diff *d;

		if (op < 0 ? !(r->exp_have & (1u << key)) : !(r->res_have & (1u << op)))
			continue;
		format_item(r, op, key, a, va, sizeof(va));
		format_item(r, op, key, b, vb, sizeof(vb));
		if (!strcmp(va, vb))
			continue;
		d = &c->diff[c->ndiff++];
		memset(d, 0, sizeof(*d));
		d->op = op;
		d->key = key;
		d->line = op < 0 ? r->exp_line[key] : r->op_line[op];
		if (op < 0)
			sfmt(d->what, sizeof(d->what), "%s", kmv_key_names[key]);
		else
			kmv_format_op(r, (unsigned int)op, d->what, sizeof(d->what));
		format_item(r, op, key, exp, d->exp, sizeof(d->exp));
		sfmt(d->was, sizeof(d->was), "%s", va);
		sfmt(d->got, sizeof(d->got), "%s", vb);
		if (op < 0 && kmv_key_list((enum kmv_key)key))
			list_note(kmv_key_list((enum kmv_key)key), kmv_key_bits((enum kmv_key)key, exp),
				  kmv_key_bits((enum kmv_key)key, b), d->note, sizeof(d->note));
	}
	qsort(c->diff, c->ndiff, sizeof(c->diff[0]), by_line);
	return c->ndiff;
}

unsigned int kmc_compare(const struct kmv_record *r, const struct kmc_obs *got,
			 struct kmc_cmp *c)
{
	unsigned int n = compare(r, &r->exp, &r->exp, got, c);

	/* a finding is reported when the vector pins it and it holds */
	if ((r->exp_have & (1u << KMV_K_FINDINGS)) && r->exp.findings &&
	    r->exp.findings == got->findings)
		c->findings = r->exp.findings;
	return n;
}

unsigned int kmc_compare_obs(const struct kmv_record *r, const struct kmc_obs *a,
			     const struct kmc_obs *b, struct kmc_cmp *c)
{
	return compare(r, &r->exp, a, b, c);
}

int kmc_diff_format(const struct kmv_record *r, const struct kmc_diff *d,
		    char *buf, size_t len)
{
	return snprintf(buf, len, "%s:%u: %s: expected %s, got %s%s%s%s", r->file, d->line,
			d->what, d->exp, d->got, *d->note ? " (" : "", d->note,
			*d->note ? ")" : "");
}
