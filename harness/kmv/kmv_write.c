// SPDX-License-Identifier: GPL-2.0
/*
 * The canonical writer (docs/vectors.md "Canonical output"): one space
 * between tokens, two-space indent, `->` at column 40, hex in lower case,
 * comments kept in place, blank lines collapsed.  Its output read back and
 * written again is byte-identical.
 */
#include <errno.h>
#include <stdio.h>
#include "kmv_internal.h"

/* ---- the canonical writer ----------------------------------------------- */

struct wr {
	FILE *out;
	int pend_blank;		/* a blank line is due before the next line */
	int printed;		/* anything printed yet */
	int after_record;
};

/* Start a line: blank lines collapse, and are never first or last */
static void wr_start(struct wr *w)
{
	if (w->pend_blank && w->printed)
		fputc('\n', w->out);
	w->pend_blank = 0;
	w->printed = 1;
}

static void wr_trivia(struct wr *w, char *const *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!*v[i]) {
			w->pend_blank = 1;
			continue;
		}
		wr_start(w);
		fprintf(w->out, "%s\n", v[i]);
	}
}

static void wr_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void wr_body(struct wr *w, const struct kmv_record *r, const struct kmv_line *l)
{
	char val[2048];

	wr_start(w);
	switch (l->kind) {
	case KMV_L_HOST:
	case KMV_L_VM:
	case KMV_L_COMMENT:
		fprintf(w->out, "  %s\n", l->text);
		break;
	case KMV_L_OP: {
		int col = fprintf(w->out, "  %s", l->text);

		if (r->res_have & (1u << l->idx)) {
			kmv_format_result(r->sc.ops[l->idx].kind, &r->exp.res[l->idx], val, sizeof(val));
			fprintf(w->out, "%*s-> %s", col < KMV_RESULT_COL - 1 ?
				KMV_RESULT_COL - 1 - col : 1, "", val);
		}
		fputc('\n', w->out);
		break;
	}
	case KMV_L_EXPECT:
		fprintf(w->out, "  expect %s", kmv_key_names[l->idx]);
		if (r->exp_have & (1u << l->idx)) {
			kmv_format_key((enum kmv_key)l->idx, &r->exp, val, sizeof(val));
			fprintf(w->out, "=%s", val);
		}
		fputc('\n', w->out);
		break;
	case KMV_L_REJECT:
		fputs("  reject ", w->out);
		wr_quoted(w->out, r->reject);
		fputc('\n', w->out);
		break;
	}
}

static void wr_record(struct wr *w, const struct kmv_record *r)
{
	/* records are separated by a blank line */
	if (w->after_record)
		w->pend_blank = 1;
	wr_trivia(w, r->before, r->nbefore);
	if (r->reject) {
		/* the expected-failure form is kept as written */
		for (unsigned int i = 0; i < r->nraw; i++) {
			wr_start(w);
			fprintf(w->out, "%s\n", r->raw[i]);
		}
	} else {
		wr_start(w);
		fprintf(w->out, "vector %s profile=%s", r->id, r->profile->name);
		kmv_put_variants(w->out, r->sc.variants);
		fputc('\n', w->out);
		for (unsigned int i = 0; i < r->nbody; i++)
			wr_body(w, r, &r->body[i]);
	}
	w->after_record = 1;
}

int kmv_write_all(FILE *out, const struct kmv_file *f, unsigned int n)
{
	struct wr w = { .out = out };

	for (unsigned int i = 0; n && i < f[0].npre; i++) {
		wr_start(&w);
		fprintf(out, "%s\n", f[0].pre[i]);
	}
	wr_start(&w);
	fputs("kmv 1\n", out);
	for (unsigned int k = 0; k < n; k++) {
		if (k && f[k].npre) {
			/* a later file's header comments lead its first record */
			if (w.after_record)
				w.pend_blank = 1;
			wr_trivia(&w, f[k].pre, f[k].npre);
			w.after_record = 0;
		}
		for (unsigned int i = 0; i < f[k].nrecs; i++)
			wr_record(&w, &f[k].recs[i]);
		wr_trivia(&w, f[k].tail, f[k].ntail);
	}
	fflush(out);
	return ferror(out) ? -EIO : 0;
}

int kmv_write(FILE *out, const struct kmv_file *f)
{
	return kmv_write_all(out, f, 1);
}
