// SPDX-License-Identifier: GPL-2.0
/* The report's diff: each run against the previous run and its baseline. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "sections.h"
#include "util.h"

struct keyed {
	char *key;		/* "SUITE: NAME" */
	enum kt_status st;
};

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static struct keyed *keyed_list(const struct kr_results *res, unsigned int *n)
{
	unsigned int total = 0, o = 0;
	struct keyed *v;

	for (unsigned int i = 0; i < res->nsuites; i++)
		total += res->suites[i].n;
	v = calloc(total + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (unsigned int i = 0; i < res->nsuites; i++)
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			if (kr_appendf(&v[o].key, "%s: %s", res->suites[i].name, res->suites[i].cases[k].name))
				continue;
			v[o++].st = res->suites[i].cases[k].status;
		}
	qsort(v, o, sizeof(*v), cmp_keyed);
	*n = o;
	return v;
}

static void keyed_free(struct keyed *v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

static const char *const diff_kinds[] = { "newly failing", "fixed", "changed", "new", "gone" };

/* Walk both runs' tests by name: count each difference, or (@fp) list them */
static int diff_walk(struct kr_comparison *cmp, FILE *fp)
{
	unsigned int na = 0, nb = 0, i = 0, j = 0, listed = 0;
	struct keyed *a = keyed_list(cmp->cur, &na), *b = keyed_list(&cmp->old, &nb);

	if (!a || !b) {
		keyed_free(a, na);
		keyed_free(b, nb);
		return -ENOMEM;
	}
	while (i < na || j < nb) {
		int c = i >= na ? 1 : j >= nb ? -1 : strcmp(a[i].key, b[j].key);
		int kind;
		enum kt_status was = KT_NSTATUS, now = KT_NSTATUS;
		const char *key;

		if (c < 0) {
			kind = 3;
			now = a[i].st;
			key = a[i++].key;
		} else if (c > 0) {
			kind = 4;
			was = b[j].st;
			key = b[j++].key;
		} else {
			was = b[j++].st;
			now = a[i].st;
			key = a[i++].key;
			if (was == now)
				continue;
			kind = kr_status_bad(now) && !kr_status_bad(was) ? 0 : !kr_status_bad(now) && kr_status_bad(was) ? 1 : 2;
		}
		if (!fp) {
			cmp->count[kind]++;
			continue;
		}
		if (listed++ >= MAX_LISTED)
			continue;
		fprintf(fp, "<tr><td>%s</td><td>", diff_kinds[kind]);
		kr_xml_esc(fp, key, 0);
		fprintf(fp, "</td><td class=\"%s\">%s</td><td class=\"%s\">%s</td></tr>\n",
			was < KT_NSTATUS ? kt_status_names[was] : "none",
			was < KT_NSTATUS ? kt_status_names[was] : "-",
			now < KT_NSTATUS ? kt_status_names[now] : "none",
			now < KT_NSTATUS ? kt_status_names[now] : "-");
	}
	if (fp && listed > MAX_LISTED)
		fprintf(fp, "<tr><td colspan=\"4\">(and %u more)</td></tr>\n", listed - MAX_LISTED);
	keyed_free(a, na);
	keyed_free(b, nb);
	return 0;
}

/*
 * Every comparison in one table (a row each, however many kernels), then
 * the differences of those that have any.  Tests are matched by "FILE:
 * NAME", the baseline read like the run (kr_results_load_like).
 */
void kr_report_diffs(FILE *fp, struct kr_comparison *cmp, unsigned int n)
{
	unsigned int differing = 0;

	fputs("<table><tr><th>run</th><th>against</th>", fp);
	for (unsigned int k = 0; k < 5; k++)
		fprintf(fp, "<th>%s</th>", diff_kinds[k]);
	fputs("</tr>\n", fp);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int any = 0;

		if (diff_walk(&cmp[i], NULL)) {
			fputs("<tr><td colspan=\"7\">out of memory</td></tr>\n", fp);
			continue;
		}
		for (unsigned int k = 0; k < 5; k++)
			any += cmp[i].count[k];
		differing += !!any;
		fputs("<tr><td>", fp);
		kr_xml_esc(fp, cmp[i].cur->id, 0);
		fprintf(fp, "</td><td>%s <code>", cmp[i].what);
		kr_xml_esc(fp, cmp[i].old.dir, 0);
		fputs("</code></td>", fp);
		for (unsigned int k = 0; k < 5; k++)
			fprintf(fp, "<td class=\"num%s\">%u</td>",
				!cmp[i].count[k] ? "" : k == 0 ? " FAIL" : k == 1 ? " PASS" : " XFAIL",
				cmp[i].count[k]);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (!differing) {
		fputs("<p>No differences.</p>\n", fp);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int any = 0;

		for (unsigned int k = 0; k < 5; k++)
			any += cmp[i].count[k];
		if (!any)
			continue;
		fputs("<h3>", fp);
		kr_xml_esc(fp, cmp[i].cur->id, 0);
		fprintf(fp, " against %s ", cmp[i].what);
		kr_xml_esc(fp, cmp[i].old.id, 0);
		fputs("</h3>\n<p>", fp);
		for (unsigned int k = 0; k < 5; k++)
			fprintf(fp, "%s%s: <b>%u</b>", k ? ", " : "", diff_kinds[k], cmp[i].count[k]);
		fputs(".</p>\n<table><tr><th>change</th><th>test</th><th>before</th><th>now</th></tr>\n", fp);
		diff_walk(&cmp[i], fp);
		fputs("</table>\n", fp);
	}
}

/* Runs worth comparing: same backend, same kernel (labs), same machine (kvm) */
static int same_kind(const json_t *meta, const struct kr_results *res)
{
	static const char *const facts[][2] = {
		{ "host", "kernel" }, { "host", "kernel_release" },
	};
	const char *b = kr_meta_str(meta, "backend");

	if (!b || strcmp(b, res->backend))
		return 0;
	for (unsigned int i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const char *x = kr_meta_fact(meta, facts[i][0], facts[i][1]);
		const char *y = kr_meta_fact(res->meta, facts[i][0], facts[i][1]);

		if (x && y && strcmp(x, y))
			return 0;
	}
	if (!strcmp(b, "kvm")) {
		const char *x = kr_meta_fact(meta, "runner", "hostname");
		const char *y = kr_meta_fact(res->meta, "runner", "hostname");

		if (x && y && strcmp(x, y))
			return 0;
	}
	return 1;
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

char *kr_report_find_previous(const struct kr_results *res)
{
	char parent[4096], *slash, *best = NULL;
	struct timespec best_t = { 0 };
	DIR *d;
	struct dirent *de;
	char self[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", res->dir);
	while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
		parent[strlen(parent) - 1] = 0;
	slash = strrchr(parent, '/');
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else
		*slash = 0;
	if (!realpath(res->dir, self))
		return NULL;
	d = opendir(parent);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char path[4400], real[PATH_MAX], *text;
		json_t *meta;
		struct timespec t;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/run.json", parent, de->d_name);
		text = kr_read_file(path, NULL);
		if (!text)
			continue;
		meta = json_loads(text, 0, NULL);
		free(text);
		snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
		if (meta && realpath(path, real) && strcmp(real, self) && same_kind(meta, res) &&
		    !kr_iso_parse(kr_meta_str(meta, "start"), &t) && ts_before(&t, &res->start) &&
		    ts_before(&best_t, &t)) {
			free(best);
			best = strdup(path);
			best_t = t;
		}
		json_decref(meta);
	}
	closedir(d);
	return best;
}
