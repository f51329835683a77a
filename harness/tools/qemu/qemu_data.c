// SPDX-License-Identifier: GPL-2.0
/*
 * Reading data/qemu/qemu-VERSION.txt (docs/qemu-models.md): the features
 * (QEMU's name, kmc's name) and one line per model version.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"
#include "qemu_data.h"

struct ctx {
	const char *path;
	unsigned int line;
	char *err;
	size_t len;
};

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->len, "%s:%u: ", c->path, c->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->len)
		vsnprintf(c->err + n, c->len - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int copy(struct ctx *c, char *dst, size_t size, const char *src)
{
	if (strlen(src) >= size)
		return fail(c, "'%s' is too long", src);
	strcpy(dst, src);
	return 0;
}

static const struct qd_feature *find(const struct qd_data *d, const char *qemu)
{
	for (unsigned int i = 0; i < d->nfeat; i++)
		if (!strcmp(d->feat[i].qemu, qemu))
			return &d->feat[i];
	return NULL;
}

const char *qd_qemu_name(const struct qd_data *d, int arch_cap, uint64_t mask)
{
	for (unsigned int i = 0; i < d->nfeat; i++)
		if (d->feat[i].arch_cap == arch_cap && d->feat[i].mask == mask)
			return d->feat[i].qemu;
	return NULL;
}

/* feature KIND QEMU-NAME KMC-NAME LOCATION */
static int parse_feature(struct ctx *c, struct qd_data *d, char **tok, int ntok)
{
	struct qd_feature *f;
	char why[256];
	int ac;

	if (ntok != 5)
		return fail(c, "a feature line has KIND QEMU-NAME KMC-NAME LOCATION");
	if (strcmp(tok[1], "arch-cap") && strcmp(tok[1], "cpuid"))
		return fail(c, "feature kind '%s' is neither arch-cap nor cpuid", tok[1]);
	if (d->nfeat == QD_FEAT_MAX)
		return fail(c, "more than %d features", QD_FEAT_MAX);
	if (find(d, tok[2]))
		return fail(c, "feature '%s' given twice", tok[2]);
	ac = !strcmp(tok[1], "arch-cap");
	f = &d->feat[d->nfeat];
	if (kmc_list_parse(ac ? &kmc_ac_names : &kmc_feat_names, tok[3], &f->mask, why,
			   sizeof(why)))
		return fail(c, "%s", why);
	if (__builtin_popcountll(f->mask) != 1)
		return fail(c, "'%s' must name one bit", tok[3]);
	f->arch_cap = ac;
	d->nfeat++;
	return copy(c, f->qemu, sizeof(f->qemu), tok[2]);
}

/* arch-cap=a,b or cpuid=a,b: QEMU's names, each a feature of that kind */
static int parse_names(struct ctx *c, const struct qd_data *d, int ac, char *list, uint64_t *out)
{
	*out = 0;
	if (!strcmp(list, "-"))
		return 0;
	for (char *save = NULL, *n = strtok_r(list, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		const struct qd_feature *f = find(d, n);

		if (!f || f->arch_cap != ac)
			return fail(c, "'%s' is not a %s feature of this file", n,
				    ac ? "arch-cap" : "cpuid");
		*out |= f->mask;
	}
	return 0;
}

static int parse_model(struct ctx *c, struct qd_data *d, char **tok, int ntok)
{
	struct qd_model *m;
	int seen = 0, ret;

	if (ntok < 2)
		return fail(c, "a model line needs a NAME");
	m = realloc(d->models, (d->nmodels + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	d->models = m;
	m = &d->models[d->nmodels++];
	memset(m, 0, sizeof(*m));
	ret = copy(c, m->name, sizeof(m->name), tok[1]);
	for (int i = 2; i < ntok && !ret; i++) {
		char *v = strchr(tok[i], '=');

		if (!strcmp(tok[i], "deprecated")) {
			m->deprecated = 1;
			continue;
		}
		if (!v)
			return fail(c, "'%s' is not KEY=VALUE", tok[i]);
		*v++ = '\0';
		if (!strcmp(tok[i], "vendor")) {
			ret = copy(c, m->vendor, sizeof(m->vendor), v);
			seen |= 1;
		} else if (!strcmp(tok[i], "fms")) {
			if (sscanf(v, "%u:%x:%u", &m->family, &m->model, &m->stepping) != 3)
				return fail(c, "fms '%s' is not F:0xM:S", v);
			seen |= 2;
		} else if (!strcmp(tok[i], "arch-cap")) {
			ret = parse_names(c, d, 1, v, &m->arch_cap);
			seen |= 4;
		} else if (!strcmp(tok[i], "cpuid")) {
			ret = parse_names(c, d, 0, v, &m->cpuid);
			seen |= 8;
		} else if (!strcmp(tok[i], "other")) {
			char *end;

			m->other = (unsigned int)strtoul(v, &end, 10);
			if (!*v || *end)
				return fail(c, "other '%s' is not a number", v);
			seen |= 16;
		} else if (!strcmp(tok[i], "alias-of")) {
			ret = copy(c, m->alias_of, sizeof(m->alias_of), v);
		} else {
			return fail(c, "unknown key '%s'", tok[i]);
		}
	}
	if (!ret && seen != 31)
		return fail(c, "model '%s' lacks one of vendor, fms, arch-cap, cpuid, other", m->name);
	return ret;
}

static int parse_qemu(struct ctx *c, struct qd_data *d, const char *rest)
{
	char ver[32];
	int n = 0;

	if (sscanf(rest, "qemu %31s %n", ver, &n) != 1 || !n)
		return fail(c, "expected 'qemu VERSION PACKAGE'");
	if (sscanf(ver, "%u.%u.%u", &d->major, &d->minor, &d->micro) != 3)
		return fail(c, "QEMU version '%s' is not MAJOR.MINOR.MICRO", ver);
	strcpy(d->version, ver);
	return copy(c, d->package, sizeof(d->package), rest + n);
}

int qd_read(const char *path, struct qd_data *d, char *err, size_t len)
{
	struct ctx c = { .path = path, .err = err, .len = len };
	FILE *f = fopen(path, "r");
	char buf[4096];
	int ret = 0;

	memset(d, 0, sizeof(*d));
	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (!ret && fgets(buf, sizeof(buf), f)) {
		char *tok[32], *save = NULL;
		int ntok = 0;

		c.line++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!buf[0] || buf[0] == '#')
			continue;
		if (!strncmp(buf, "qemu ", 5)) {
			ret = parse_qemu(&c, d, buf);
			continue;
		}
		for (char *t = strtok_r(buf, " ", &save); t && ntok < 32; t = strtok_r(NULL, " ", &save))
			tok[ntok++] = t;
		if (!d->version[0])
			ret = fail(&c, "the 'qemu VERSION' line must come first");
		else if (!strcmp(tok[0], "feature"))
			ret = parse_feature(&c, d, tok, ntok);
		else if (!strcmp(tok[0], "unmodelled"))
			continue;	/* listed for the reader; nothing to model */
		else if (!strcmp(tok[0], "model"))
			ret = parse_model(&c, d, tok, ntok);
		else
			ret = fail(&c, "unknown line '%s'", tok[0]);
	}
	fclose(f);
	if (!ret && !d->nmodels)
		ret = fail(&c, "no model lines");
	if (ret)
		qd_free(d);
	return ret;
}

void qd_free(struct qd_data *d)
{
	free(d->models);
	d->models = NULL;
	d->nmodels = 0;
}
