// SPDX-License-Identifier: GPL-2.0
/* KTAP v1 writer (ktap.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "ktap.h"

static const char *const directive[] = {
	[KTAP_PASS] = NULL, [KTAP_FAIL] = NULL, [KTAP_XFAIL] = "XFAIL",
	[KTAP_XPASS] = "XPASS", [KTAP_SKIP] = "SKIP", [KTAP_ERROR] = "ERROR",
};

static int is_ok(enum ktap_verdict v)
{
	/* kselftest prints XFAIL and XPASS as "ok" */
	return v != KTAP_FAIL && v != KTAP_ERROR;
}

static int is_bad(enum ktap_verdict v)
{
	return v == KTAP_FAIL || v == KTAP_ERROR || v == KTAP_XPASS;
}

static const char *indent(const struct ktap *k)
{
	return k->in_group && !k->quiet ? "  " : "";
}

/* Each line goes out whole and at once: a killed run loses nothing reported */
static void vline(struct ktap *k, const char *prefix, const char *fmt, va_list ap)
{
	if (k->before_line)
		k->before_line(k->before_arg);
	fputs(prefix, k->out);
	vfprintf(k->out, fmt, ap);
	fputc('\n', k->out);
	fflush(k->out);
}

__attribute__((format(printf, 2, 3)))
static void line(struct ktap *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(k, indent(k), fmt, ap);
	va_end(ap);
}

/* Hold a diagnostic line of the open group back for the next result */
static void vpend(struct ktap *k, const char *prefix, const char *fmt, va_list ap)
{
	va_list aq;
	size_t need;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	need = k->plen + strlen(prefix) + (size_t)n + 2;
	if (need > k->pcap) {
		size_t cap = k->pcap ? 2 * k->pcap : 1024;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(k->pend, cap);
		if (!p) {
			k->pend_oom = 1;
			return;
		}
		k->pend = p;
		k->pcap = cap;
	}
	k->plen += (size_t)sprintf(k->pend + k->plen, "%s", prefix);
	k->plen += (size_t)vsnprintf(k->pend + k->plen, k->pcap - k->plen, fmt, ap);
	k->pend[k->plen++] = '\n';
	k->pend[k->plen] = '\0';
}

/* The held-back diagnostics: written (@show) or dropped (quiet, not a failure) */
static void flush_pend(struct ktap *k, int show)
{
	if (show && (k->plen || k->pend_oom)) {
		if (k->before_line)
			k->before_line(k->before_arg);
		if (k->plen)
			fwrite(k->pend, 1, k->plen, k->out);
		if (k->pend_oom)
			fprintf(k->out, "%s# (some diagnostics were lost: out of memory)\n", indent(k));
		fflush(k->out);
	}
	free(k->pend);
	k->pend = NULL;
	k->plen = k->pcap = 0;
	k->pend_oom = 0;
}

void ktap_begin(struct ktap *k, FILE *out, int quiet, unsigned int ntop)
{
	void (*hook)(void *) = k->before_line;
	void *arg = k->before_arg;
	struct ktap *mirror = k->mirror;

	if (mirror)
		ktap_begin(mirror, mirror->out, mirror->quiet, ntop);
	free(k->pend);
	memset(k, 0, sizeof(*k));
	k->before_line = hook;
	k->before_arg = arg;
	k->mirror = mirror;
	k->out = out;
	k->quiet = quiet;
	if (quiet)
		return;
	line(k, "KTAP version 1");
	line(k, "1..%u", ntop);
}

static void vdiag(struct ktap *k, const char *fmt, va_list ap)
{
	char prefix[8];

	snprintf(prefix, sizeof(prefix), "%s# ", indent(k));
	if (k->in_group)
		vpend(k, prefix, fmt, ap);
	else if (!k->quiet)
		vline(k, prefix, fmt, ap);
}

void ktap_diag(struct ktap *k, const char *fmt, ...)
{
	va_list ap;

	if (k->mirror) {
		va_start(ap, fmt);
		vdiag(k->mirror, fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	vdiag(k, fmt, ap);
	va_end(ap);
}

void ktap_group_begin(struct ktap *k, const char *name, unsigned int nsub)
{
	if (k->mirror)
		ktap_group_begin(k->mirror, name, nsub);
	flush_pend(k, !k->quiet);
	snprintf(k->gname, sizeof(k->gname), "%s", name);
	memset(&k->g, 0, sizeof(k->g));
	k->nsub = 0;
	k->in_group = 1;
	if (k->quiet)
		return;
	/* the version line first, then "# Subtest:", as KUnit prints a suite */
	line(k, "KTAP version 1");
	line(k, "# Subtest: %s", name);
	line(k, "1..%u", nsub);
}

static void count(struct ktap_totals *t, enum ktap_verdict v)
{
	switch (v) {
	case KTAP_PASS: t->pass++; break;
	case KTAP_FAIL: t->fail++; break;
	case KTAP_XFAIL: t->xfail++; break;
	case KTAP_XPASS: t->xpass++; break;
	case KTAP_SKIP: t->skip++; break;
	case KTAP_ERROR: t->error++; break;
	}
}

void ktap_result(struct ktap *k, enum ktap_verdict v, const char *name, const char *reason)
{
	unsigned int n = k->in_group ? ++k->nsub : ++k->ntop;
	int bad = is_bad(v);

	if (k->mirror)
		ktap_result(k->mirror, v, name, reason);
	if (k->in_group) {
		count(&k->t, v);
		count(&k->g, v);
	}
	/* its diagnostics first; quiet mode keeps those of failures only */
	flush_pend(k, !k->quiet || bad);
	if (k->quiet && !bad)
		return;
	if (directive[v])
		line(k, "%s %u %s # %s%s%s", is_ok(v) ? "ok" : "not ok", n, name,
		     directive[v], reason && *reason ? " " : "", reason ? reason : "");
	else
		line(k, "%s %u %s", is_ok(v) ? "ok" : "not ok", n, name);
}

__attribute__((format(printf, 2, 3)))
static void pendf(struct ktap *k, const char *fmt, ...)
{
	char prefix[8];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s# ", indent(k));
	va_start(ap, fmt);
	vpend(k, prefix, fmt, ap);
	va_end(ap);
}

void ktap_finding(struct ktap *k, const char *names, const char *id)
{
	if (k->mirror)
		ktap_finding(k->mirror, names, id);
	k->t.findings++;
	k->g.findings++;
	if (k->quiet)
		return;
	if (k->in_group)
		pendf(k, "FINDING %s: %s", names, id);	/* it goes out with the result */
	else
		line(k, "# FINDING %s: %s", names, id);
}

void ktap_group_end(struct ktap *k)
{
	const struct ktap_totals *g = &k->g;
	enum ktap_verdict v;
	char reason[64] = "";
	struct ktap *mirror = k->mirror;

	if (mirror)
		ktap_group_end(mirror);
	if (g->fail || g->error || g->xpass)
		v = KTAP_FAIL;
	else if (g->pass || g->xfail)
		v = KTAP_PASS;
	else {
		v = KTAP_SKIP;
		if (k->nsub)
			snprintf(reason, sizeof(reason), "all %u skipped", k->nsub);
		else
			snprintf(reason, sizeof(reason), "no vectors selected");
	}
	/* diagnostics left in the group: the group's own, before its line */
	flush_pend(k, !k->quiet || is_bad(v));
	/* the group line below must not reach the mirror twice */
	k->mirror = NULL;
	k->in_group = 0;
	/* the group line is a summary: it is not counted in the totals */
	ktap_result(k, v, k->gname, reason);
	k->mirror = mirror;
}

void ktap_summary(struct ktap *k, const char *fmt, ...)
{
	va_list ap;

	if (k->mirror) {
		va_start(ap, fmt);
		vline(k->mirror, "# ", fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	vline(k, "# ", fmt, ap);
	va_end(ap);
}

void ktap_end(struct ktap *k)
{
	const struct ktap_totals *t = &k->t;
	struct ktap *mirror = k->mirror;

	if (mirror)
		ktap_end(mirror);
	flush_pend(k, !k->quiet);
	k->mirror = NULL;	/* its own totals, not ours */
	ktap_summary(k, "Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u",
		     t->pass, t->fail, t->xfail, t->xpass, t->skip, t->error);
	ktap_summary(k, "Findings: %u", t->findings);
	k->mirror = mirror;
}

void ktap_bail(struct ktap *k, const char *reason)
{
	if (k->mirror)
		ktap_bail(k->mirror, reason);
	flush_pend(k, !k->quiet);
	if (k->before_line)
		k->before_line(k->before_arg);
	fprintf(k->out, "Bail out! %s\n", reason ? reason : "");
	fflush(k->out);
}

int ktap_exit_code(const struct ktap_totals *t)
{
	if (t->fail || t->error || t->xpass)
		return KTAP_EXIT_FAIL;
	if (!t->pass && !t->xfail)
		return KTAP_EXIT_SKIP;
	return KTAP_EXIT_PASS;
}
