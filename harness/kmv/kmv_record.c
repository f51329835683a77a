// SPDX-License-Identifier: GPL-2.0
/*
 * One record of a vector file (docs/vectors.md): its indented lines
 * (host, vm, op, expect) into the record, and whether the record, once
 * closed, is complete.  The reader (kmv_read.c) keeps the file's state:
 * lines, comments, where each record starts and ends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmv_internal.h"

void kmv_record_free(struct kmv_record *r)
{
	free(r->id);
	free(r->group);
	free(r->reject);
	free(r->error);
	kmv_strv_free(r->before, r->nbefore);
	for (unsigned int i = 0; i < r->nbody; i++)
		free(r->body[i].text);
	free(r->body);
	kmv_strv_free(r->raw, r->nraw);
}

int kmv_body_add(struct kmv_record *r, uint8_t kind, uint8_t idx, char *text, unsigned int lineno)
{
	struct kmv_line *l = kmv_grow(r->body, r->nbody, sizeof(*l));

	if (!l) {
		free(text);
		return -ENOMEM;
	}
	r->body = l;
	l = &r->body[r->nbody++];
	l->kind = kind;
	l->idx = idx;
	l->lineno = lineno;
	l->text = text;
	return 0;
}

/* A body line that keeps its tokens in canonical spelling (host, vm, op) */
static int body_add_tokens(struct kmv_record *r, uint8_t kind, uint8_t idx, struct tok *t, int n,
			   unsigned int lineno)
{
	char *text = kmv_join_tokens(t, n);

	if (!text)
		return -ENOMEM;
	return kmv_body_add(r, kind, idx, text, lineno);
}

static int host_or_vm_line(struct kmv_record *r, unsigned int lineno, struct tok *t, int n,
			   char *err, size_t errlen)
{
	int host = t[0].s[0] == 'h';
	unsigned int *line = host ? &r->host_line : &r->vm_line;
	int ret;

	if (*line) {
		snprintf(err, errlen, "second %s line (first at line %u)", t[0].s, *line);
		return -EINVAL;
	}
	ret = host ? kmv_parse_host(r, t, n, err, errlen) : kmv_parse_vm(r, t, n, err, errlen);
	if (ret)
		return ret;
	*line = lineno;
	return body_add_tokens(r, host ? KMV_L_HOST : KMV_L_VM, 0, t, n, lineno);
}

static int op_line(struct kmv_record *r, unsigned int lineno, struct tok *t, int n,
		   char *err, size_t errlen)
{
	struct kmc_op op;
	struct kmc_result res;
	int has_res = 0, textlen = 0, ret;
	unsigned int i = r->sc.nops;

	if (i == KMC_MAX_OPS) {
		snprintf(err, errlen, "too many ops (at most %d)", KMC_MAX_OPS);
		return -E2BIG;
	}
	ret = kmv_parse_op(&op, &res, &has_res, &textlen, t, n, err, errlen);
	if (ret)
		return ret;
	r->sc.ops[i] = op;
	r->sc.nops++;
	r->op_line[i] = lineno;
	if (has_res) {
		r->exp.res[i] = res;
		r->res_have |= 1u << i;
	}
	return body_add_tokens(r, KMV_L_OP, (uint8_t)i, t, textlen, lineno);
}

static int expect_line(struct kmv_record *r, unsigned int lineno, struct tok *t, int n,
		       char *err, size_t errlen)
{
	const char *eq;
	size_t klen;
	int k = -1, ret;

	if (n != 2) {
		snprintf(err, errlen, n < 2 ? "expect: missing KEY[=VALUE]" :
			 "expect: one KEY[=VALUE] per line (quote values with spaces)");
		return -EINVAL;
	}
	eq = strchr(t[1].s, '=');
	klen = eq ? (size_t)(eq - t[1].s) : strlen(t[1].s);
	for (int i = 0; i < KMV_K_NR; i++)
		if (strlen(kmv_key_names[i]) == klen && !strncmp(kmv_key_names[i], t[1].s, klen))
			k = i;
	if (k < 0) {
		snprintf(err, errlen, "unknown expect key '%.*s'", (int)klen, t[1].s);
		return -EINVAL;
	}
	if ((r->exp_have | r->exp_req) & (1u << k)) {
		snprintf(err, errlen, "expect '%s' given twice (first at line %u)",
			 kmv_key_names[k], r->exp_line[k]);
		return -EINVAL;
	}
	if (!eq) {
		/* allowed for `host live` records and kmc fill; see kmv_record_check() */
		r->exp_req |= 1u << k;
	} else {
		ret = kmv_parse_key_value((enum kmv_key)k, eq + 1, &r->exp, err, errlen);
		if (ret)
			return ret;
		r->exp_have |= 1u << k;
	}
	r->exp_line[k] = lineno;
	return kmv_body_add(r, KMV_L_EXPECT, (uint8_t)k, NULL, lineno);
}

int kmv_record_line(struct kmv_record *r, unsigned int lineno, struct tok *t, int n,
		    char *err, size_t errlen)
{
	const char *kw = t[0].s;

	if (!strcmp(kw, "host") || !strcmp(kw, "vm"))
		return host_or_vm_line(r, lineno, t, n, err, errlen);
	if (!strcmp(kw, "op"))
		return op_line(r, lineno, t, n, err, errlen);
	if (!strcmp(kw, "expect"))
		return expect_line(r, lineno, t, n, err, errlen);
	snprintf(err, errlen, "unknown keyword '%s' (expected host, vm, op, expect or reject)", kw);
	return -EINVAL;
}

int kmv_record_check(const struct kmv_record *r, unsigned int flags, unsigned int *line,
		     char *err, size_t errlen)
{
	*line = r->line;
	if (!r->host_line) {
		snprintf(err, errlen, "record has no host line");
		return -EINVAL;
	}
	if (r->live && r->sc.variants) {
		/* no running kernel carries a proposed change */
		snprintf(err, errlen, "variant= cannot go with `host live`");
		return -EINVAL;
	}
	if (r->profile == &kmv_live_profile && !r->live) {
		snprintf(err, errlen, "profile=live needs `host live`");
		return -EINVAL;
	}
	/*
	 * Something to check: a vector that pins nothing passes whatever the
	 * backend does.  Ops without `-> RESULT` count where they are filled
	 * in (host live at run time, kmc fill).
	 */
	if ((flags & KMV_CHECKS) && !r->reject && !r->exp_have && !r->res_have &&
	    !r->exp_req && !((r->live || (flags & KMV_REQUESTS)) && r->sc.nops)) {
		snprintf(err, errlen,
			 "vector '%s' has no expectations (no `expect`, no op with `-> RESULT`): "
			 "it would pass without checking anything", r->id ? r->id : "?");
		return -EINVAL;
	}
	/* `expect KEY` without a value: the model fills it, at run time for host live */
	if (r->exp_req && !r->live && !(flags & KMV_REQUESTS)) {
		int k = __builtin_ctz(r->exp_req);

		snprintf(err, errlen, "expect '%s' has no value (kmc fill fills it in)",
			 kmv_key_names[k]);
		*line = r->exp_line[k];
		return -EINVAL;
	}
	return 0;
}
