// SPDX-License-Identifier: GPL-2.0
/* `kmc-results report`: the static HTML report (report.h). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "derive.h"
#include "known.h"
#include "labrun.h"
#include "report.h"
#include "util.h"
#include "version.h"

#define EXIT_USAGE	2
#define MAX_LISTED	200	/* rows of a failure or diff table */
#define CELL_NAMES	12	/* ids named in a cell's tooltip */

static const char css[] =
"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
"margin:0 1.5em 2em;color:#1b1f24;background:#fff;font-size:14px}\n"
"h1{font-size:1.6em;margin:.8em 0 .2em}h2{font-size:1.25em;margin:1.6em 0 .5em;"
"border-bottom:1px solid #d0d7de;padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 .4em}\n"
"p.meta,span.meta{color:#57606a}nav a{margin-right:1em}\n"
"table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #d0d7de;"
"padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f6f8fa}\n"
"td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
".scroll{overflow-x:auto;max-width:100%}\n"
"table.matrix td{text-align:center;min-width:2.6em;font-variant-numeric:tabular-nums;"
"padding:.2em .3em}table.matrix th.row{white-space:nowrap;font-weight:normal}\n"
"table.matrix th.col{vertical-align:bottom;font-weight:normal;padding:.4em .2em;width:2.6em}"
"table.matrix th.col span{display:inline-block;writing-mode:vertical-rl;transform:rotate(180deg);"
"white-space:nowrap}table.matrix{width:auto}\n"
"table.lab th.kernel{font-weight:bold;text-align:center;white-space:nowrap}"
"table.lab td{min-width:5em}td.steps{font-size:.9em;max-width:18em}\n"
".PASS{background:#c6efce;color:#0b5d1e}.FAIL{background:#f8b4b4;color:#7a0b0b;font-weight:bold}"
".XFAIL{background:#fde9a9;color:#6b4e00}.XPASS{background:#e0c3f5;color:#4a1170;font-weight:bold}"
".SKIP{background:#eaeef2;color:#57606a}.ERROR,.TIMEOUT{background:#fbc78d;color:#6a3300;"
"font-weight:bold}.MISS{background:#8c959f;color:#fff}.none{background:#fff}\n"
"span.badge{display:inline-block;padding:0 .45em;border-radius:.6em;margin-right:.3em;"
"font-size:.9em}\n"
"pre{background:#f6f8fa;padding:.4em .6em;margin:.2em 0;white-space:pre-wrap;"
"font-size:12px;max-width:110em}\n"
".bar{display:block;height:100%;background:#2da44e}"
".barbg{display:inline-block;width:10em;height:.8em;background:#f8b4b4;vertical-align:middle;"
"margin-right:.4em}\n"
"details summary{cursor:pointer}\n";

static void esc(FILE *fp, const char *s)
{
	char *c = kr_clean(s ? s : "", 0);

	for (const char *p = c ? c : ""; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*p, fp);
		}
	}
	free(c);
}

/* A link from the report's directory to @path (both made absolute) */
static char *rel_link(const char *from_dir, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], *out = NULL;
	size_t common = 0, i;

	if (!realpath(from_dir, a) || !realpath(path, b))
		return strdup(path);
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i;
	if (!a[i] && (b[i] == '/' || !b[i]))
		common = i;
	for (const char *p = a + common; *p; p++)
		if (*p == '/' && kr_appendf(&out, "../"))
			return NULL;
	if (kr_appendf(&out, "%s", b[common] == '/' ? b + common + 1 : b + common))
		return NULL;
	if (!*out) {
		free(out);
		return strdup(".");
	}
	return out;
}

/* ---- coverage ----------------------------------------------------------- */

void kr_cov_free(struct kr_cov *c)
{
	for (unsigned int i = 0; i < c->n; i++)
		free(c->f[i].path);
	free(c->f);
	free(c->info);
	memset(c, 0, sizeof(*c));
}

int kr_cov_read(const char *dir, struct kr_cov *c, char *msg, size_t len)
{
	char path[4300] = "", cwd[PATH_MAX] = "", *line = NULL;
	size_t cap = 0, cwdlen;
	struct kr_cov_file *cur = NULL;
	DIR *d;
	struct dirent *de;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > 5 && !strcmp(de->d_name + l - 5, ".info") &&
		    (!path[0] || !strcmp(de->d_name, "coverage.info")))
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (!path[0])
		return -ENOENT;
	fp = fopen(path, "r");
	if (!fp) {
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	c->info = strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = 0;
	cwdlen = strlen(cwd);
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "SF:", 3)) {
			struct kr_cov_file *v = realloc(c->f, (c->n + 1) * sizeof(*v));
			const char *p = line + 3;

			if (!v)
				break;
			c->f = v;
			cur = &v[c->n++];
			memset(cur, 0, sizeof(*cur));
			if (cwdlen && !strncmp(p, cwd, cwdlen) && p[cwdlen] == '/')
				p += cwdlen + 1;
			cur->path = strdup(p);
		} else if (cur && !strncmp(line, "LF:", 3)) {
			cur->lf = strtoul(line + 3, NULL, 10);
		} else if (cur && !strncmp(line, "LH:", 3)) {
			cur->lh = strtoul(line + 3, NULL, 10);
		} else if (cur && !strncmp(line, "BRF:", 4)) {
			cur->brf = strtoul(line + 4, NULL, 10);
		} else if (cur && !strncmp(line, "BRH:", 4)) {
			cur->brh = strtoul(line + 4, NULL, 10);
		} else if (!strcmp(line, "end_of_record")) {
			cur = NULL;
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

static void pct_cell(FILE *fp, unsigned long hit, unsigned long found)
{
	double p = found ? 100.0 * (double)hit / (double)found : 0;

	if (!found) {
		fputs("<td class=\"num\">-</td>", fp);
		return;
	}
	fprintf(fp, "<td class=\"num\"><span class=\"barbg\"><span class=\"bar\" style=\"width:%.1f%%\">"
		"</span></span>%.1f%% (%lu/%lu)</td>", p, p, hit, found);
}

static void write_coverage(FILE *fp, const char *out, const char *dir)
{
	struct kr_cov c;
	char msg[512], index[4300];
	struct { char name[64]; unsigned long lf, lh, brf, brh; } top[16];
	unsigned int ntop = 0;
	struct stat st;
	int ret = kr_cov_read(dir, &c, msg, sizeof(msg));

	fputs("<section id=\"coverage\"><h2>Coverage of model/ and ref/</h2>\n", fp);
	if (ret) {
		fputs("<p>No coverage data", fp);
		if (ret != -ENOENT) {
			fputs(": ", fp);
			esc(fp, msg);
		} else {
			fputs(" in <code>", fp);
			esc(fp, dir);
			fputs("</code> (no <code>*.info</code>): run <code>make coverage</code>", fp);
		}
		fputs(".</p></section>\n", fp);
		return;
	}
	for (unsigned int i = 0; i < c.n; i++) {
		const char *p = c.f[i].path ? c.f[i].path : "?";
		size_t l = strcspn(p, "/");
		unsigned int k;

		if (!p[l])
			l = 0;	/* a file at the top */
		for (k = 0; k < ntop; k++)
			if (strlen(top[k].name) == l && !strncmp(top[k].name, p, l))
				break;
		if (k == ntop) {
			if (ntop == sizeof(top) / sizeof(top[0]))
				continue;
			memset(&top[ntop], 0, sizeof(top[0]));
			snprintf(top[ntop].name, sizeof(top[0].name), "%.*s", (int)l, p);
			ntop++;
		}
		top[k].lf += c.f[i].lf;
		top[k].lh += c.f[i].lh;
		top[k].brf += c.f[i].brf;
		top[k].brh += c.f[i].brh;
	}
	fputs("<p class=\"meta\">From <code>", fp);
	esc(fp, c.info);
	fputs("</code>", fp);
	/* genhtml's pages beside the tracefile, or in html/ (harness/coverage.sh) */
	snprintf(index, sizeof(index), "%s/index.html", dir);
	if (stat(index, &st))
		snprintf(index, sizeof(index), "%s/html/index.html", dir);
	if (!stat(index, &st)) {
		char *link = rel_link(out, index);

		fputs("; the lcov pages: <a href=\"", fp);
		esc(fp, link);
		fputs("\">index.html</a>", fp);
		free(link);
	}
	fputs(".</p>\n<table><tr><th>directory</th><th>lines</th><th>branches</th></tr>\n", fp);
	for (unsigned int k = 0; k < ntop; k++) {
		fputs("<tr><th>", fp);
		esc(fp, top[k].name[0] ? top[k].name : "(top)");
		fputs("/</th>", fp);
		pct_cell(fp, top[k].lh, top[k].lf);
		pct_cell(fp, top[k].brh, top[k].brf);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n<details><summary>Per file</summary><table><tr><th>file</th><th>lines</th>"
	      "<th>branches</th></tr>\n", fp);
	for (unsigned int i = 0; i < c.n; i++) {
		fputs("<tr><td>", fp);
		esc(fp, c.f[i].path);
		fputs("</td>", fp);
		pct_cell(fp, c.f[i].lh, c.f[i].lf);
		pct_cell(fp, c.f[i].brh, c.f[i].brf);
		fputs("</tr>\n", fp);
	}
	fputs("</table></details></section>\n", fp);
	kr_cov_free(&c);
}

/* ---- the matrix --------------------------------------------------------- */

void kr_matrix_key(const struct kr_results *res, const struct kr_suite *s,
		   const struct kr_case *c, char *row, size_t rowlen, char *col, size_t collen)
{
	if (c->vi) {
		const char *h = c->vi->host, *cpu = strstr(h, "cpu=");
		char host[256];

		if (cpu)
			snprintf(host, sizeof(host), "%.*s", (int)strcspn(cpu + 4, " "), cpu + 4);
		else if (!strncmp(h, "live", 4)) {
			const char *m = kr_meta_fact(res->meta, "host", "cpu_model");

			if (!m)
				m = kr_meta_fact(res->meta, "runner", "cpu_model");
			snprintf(host, sizeof(host), "live%s%s%s", m ? " (" : "", m ? m : "", m ? ")" : "");
		} else if (!strcmp(h, "-")) {
			snprintf(host, sizeof(host), "(no host)");
		} else {
			/* no catalog CPU: vendor and family/model/stepping name the row */
			const char *v = strstr(h, "vendor="), *f = strstr(h, "fms=");

			if (v || f)
				snprintf(host, sizeof(host), "%.*s%s%.*s", v ? (int)strcspn(v + 7, " ") : 0,
					 v ? v + 7 : "", v && f ? " " : "", f ? (int)strcspn(f + 4, " ") : 0,
					 f ? f + 4 : "");
			else
				snprintf(host, sizeof(host), "%.40s", h);
		}
		snprintf(row, rowlen, "%s \xc2\xb7 %s", host,
			 strcmp(c->vi->profile, "-") ? c->vi->profile : "(no profile)");
		/* the rule family: the vector's group (host, kvm, vcpu, fb, caps, ...) */
		snprintf(col, collen, "%s", c->vi->group);
		return;
	}
	{
		const char *last = strrchr(c->name, '.');
		unsigned int dots = 0;

		for (const char *p = c->name; *p; p++)
			dots += *p == '.';
		if (dots >= 2 && last) {
			snprintf(row, rowlen, "%.*s", (int)(last - c->name), c->name);
			snprintf(col, collen, "%s", last + 1);
		} else {
			snprintf(row, rowlen, "%s", s->name);
			snprintf(col, collen, "%s", c->name);
		}
	}
}

struct cell {
	unsigned int n[KT_NSTATUS];
	const char *names[CELL_NAMES];	/* the cases that did not pass */
	unsigned int nnames, total;
};

struct axis {
	char **v;
	unsigned int n;
};

static int axis_index(struct axis *a, const char *s)
{
	for (unsigned int i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], s))
			return (int)i;
	{
		char **v = realloc(a->v, (a->n + 1) * sizeof(*v));

		if (!v || !(v[a->n] = strdup(s)))
			return -1;
		a->v = v;
		return (int)a->n++;
	}
}

static void axis_free(struct axis *a)
{
	for (unsigned int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* Rows sort by host, then by kernel version ("cascadelake · 6.12" after "· 6.1") */
static int cmp_row(const void *pa, const void *pb)
{
	const char *a = *(char *const *)pa, *b = *(char *const *)pb;
	const char *da = strstr(a, "\xc2\xb7 "), *db = strstr(b, "\xc2\xb7 ");

	if (da && db && da - a == db - b && !strncmp(a, b, (size_t)(da - a))) {
		struct kr_kver va, vb;

		if (!kr_kver_parse(da + 3, &va) && !kr_kver_parse(db + 3, &vb))
			return kr_kver_cmp(&va, &vb, 1);
	}
	return strcmp(a, b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum kt_status worst(const unsigned int n[KT_NSTATUS])
{
	enum kt_status w = KT_NSTATUS;

	for (int s = 0; s < KT_NSTATUS; s++)
		if (n[s] && (w == KT_NSTATUS || kr_status_rank(s) > kr_status_rank(w) ||
			     (kr_status_rank(s) == kr_status_rank(w) && s == KT_XFAIL)))
			w = s;
	return w;
}

/* One cell: passed/total in the colour of its worst status, the rest in its tooltip */
static void write_cell(FILE *fp, const struct cell *cl, const char *col, const char *row)
{
	enum kt_status w = worst(cl->n);

	if (!cl->total) {
		fputs("<td class=\"none\"></td>", fp);
		return;
	}
	fprintf(fp, "<td class=\"%s\" title=\"", kt_status_names[w]);
	esc(fp, col);
	fputs(" on ", fp);
	esc(fp, row);
	for (int s = 0; s < KT_NSTATUS; s++)
		if (cl->n[s])
			fprintf(fp, "&#10;%s: %u", kt_status_names[s], cl->n[s]);
	for (unsigned int n = 0; n < cl->nnames; n++) {
		fputs("&#10;  ", fp);
		esc(fp, cl->names[n]);
	}
	fprintf(fp, "\">%u/%u</td>", cl->n[KT_PASS] + cl->n[KT_XFAIL], cl->total);
}

static void cell_add(struct cell *cl, const struct kr_case *c)
{
	cl->n[c->status]++;
	cl->total++;
	if (c->status != KT_PASS && c->status != KT_SKIP && cl->nnames < CELL_NAMES)
		cl->names[cl->nnames++] = c->name;
}

static void write_matrix(FILE *fp, const struct kr_results *res, unsigned int idx)
{
	struct axis rows = { 0 }, cols = { 0 };
	struct cell *cells;
	char row[512], col[512];

	for (unsigned int i = 0; i < res->nsuites; i++)
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			kr_matrix_key(res, &res->suites[i], &res->suites[i].cases[k], row, sizeof(row),
				      col, sizeof(col));
			if (axis_index(&rows, row) < 0 || axis_index(&cols, col) < 0)
				goto out;
		}
	if (rows.n)
		qsort(rows.v, rows.n, sizeof(char *), cmp_row);
	if (cols.n)
		qsort(cols.v, cols.n, sizeof(char *), cmp_str);
	cells = calloc((size_t)rows.n * cols.n + 1, sizeof(*cells));
	if (!cells)
		goto out;
	for (unsigned int i = 0; i < res->nsuites; i++)
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			const struct kr_case *c = &res->suites[i].cases[k];
			struct cell *cl;

			kr_matrix_key(res, &res->suites[i], c, row, sizeof(row), col, sizeof(col));
			cl = &cells[(size_t)axis_index(&rows, row) * cols.n + (size_t)axis_index(&cols, col)];
			cell_add(cl, c);
		}
	fprintf(fp, "<section id=\"matrix-%u\"><h2>Conformance matrix: ", idx);
	esc(fp, res->id);
	fputs("</h2>\n<p class=\"meta\">Rows: host \xc2\xb7 kernel (the vector's CPU and kernel "
	      "profile); columns: the rule family (the vector's group, docs/rules.md). A cell shows "
	      "passed/vectors and takes the colour of its worst status: ", fp);
	for (int s = 0; s < KT_NSTATUS; s++)
		fprintf(fp, "<span class=\"badge %s\">%s</span>", kt_status_names[s], kt_status_names[s]);
	fputs(". Hover a cell for the vectors that did not pass.</p>\n", fp);
	fputs("<div class=\"scroll\"><table class=\"matrix\"><tr><th></th>", fp);
	for (unsigned int c = 0; c < cols.n; c++) {
		fputs("<th class=\"col\"><span>", fp);
		esc(fp, cols.v[c]);
		fputs("</span></th>", fp);
	}
	fputs("</tr>\n", fp);
	for (unsigned int r = 0; r < rows.n; r++) {
		fputs("<tr><th class=\"row\">", fp);
		esc(fp, rows.v[r]);
		fputs("</th>", fp);
		for (unsigned int c = 0; c < cols.n; c++)
			write_cell(fp, &cells[(size_t)r * cols.n + c], cols.v[c], rows.v[r]);
		fputs("</tr>\n", fp);
	}
	fputs("</table></div></section>\n", fp);
	free(cells);
out:
	axis_free(&rows);
	axis_free(&cols);
}

/* Lab runs in the order of their kernels (6.1 before 6.12 before 7.2) */
static const struct kr_labrun *sort_labs;
static int cmp_lab_kernel(const void *pa, const void *pb)
{
	const struct kr_labrun *a = &sort_labs[*(const unsigned int *)pa];
	const struct kr_labrun *b = &sort_labs[*(const unsigned int *)pb];
	struct kr_kver va, vb;
	int c = strcmp(a->stamp, b->stamp);

	if (c)
		return c;
	if (!kr_kver_parse(a->kernel, &va) && !kr_kver_parse(b->kernel, &vb) &&
	    (c = kr_kver_cmp(&va, &vb, 1)))
		return c;
	return strcmp(a->kernel, b->kernel);
}

/* The runs of one lab (@kind) in kernel order: their count, indices into @order */
static unsigned int lab_runs(const struct kr_labrun *labs, unsigned int nruns, const char *kind,
			     unsigned int *order)
{
	unsigned int n = 0;

	for (unsigned int r = 0; r < nruns; r++)
		if (labs[r].is_lab && !strcmp(labs[r].kind, kind))
			order[n++] = r;
	sort_labs = labs;
	if (n)
		qsort(order, n, sizeof(*order), cmp_lab_kernel);
	return n;
}

/*
 * One lab's matrix: a row per configuration or layer (kr_lab_row), a column
 * per kernel -- a handful of columns however many tests a lab has.
 */
static void write_lab_matrix(FILE *fp, const struct kr_results *runs, const struct kr_labrun *labs,
			     unsigned int nruns, const char *kind)
{
	struct axis rows = { 0 };
	struct cell *cells = NULL;
	unsigned int *col = calloc(nruns + 1, sizeof(*col)), ncols;
	char row[512], head[300];

	if (!col)
		return;
	ncols = lab_runs(labs, nruns, kind, col);
	if (!ncols)
		goto out;
	for (unsigned int c = 0; c < ncols; c++) {
		const struct kr_results *x = &runs[col[c]];

		for (unsigned int i = 0; i < x->nsuites; i++)
			for (unsigned int k = 0; k < x->suites[i].n; k++) {
				kr_lab_row(x->suites[i].cases[k].name, labs[col[c]].kernel, row, sizeof(row));
				if (axis_index(&rows, row) < 0)
					goto out;
			}
	}
	cells = calloc((size_t)rows.n * ncols + 1, sizeof(*cells));
	if (!cells)
		goto out;
	for (unsigned int c = 0; c < ncols; c++) {
		const struct kr_results *x = &runs[col[c]];

		for (unsigned int i = 0; i < x->nsuites; i++)
			for (unsigned int k = 0; k < x->suites[i].n; k++) {
				const struct kr_case *cs = &x->suites[i].cases[k];

				kr_lab_row(cs->name, labs[col[c]].kernel, row, sizeof(row));
				cell_add(&cells[(size_t)axis_index(&rows, row) * ncols + c], cs);
			}
	}
	fprintf(fp, "<section id=\"matrix-%s\"><h2>Conformance matrix: %s</h2>\n", kind,
		kr_labrun_title(kind));
	fputs("<p class=\"meta\">Rows: ", fp);
	fputs(!strcmp(kind, "vmx") ? "the host configuration (its boot, 0x10a, the live vectors, "
	      "the FB_CLEAR_DIS count and the host's own derivation)" :
	      "L1's steps (<code>l1.live</code>: the live vectors in L1), each L2 configuration "
	      "(its verdict and its flags), the coverage of the bug rules", fp);
	fputs("; columns: the kernel. A cell shows passed/tests and takes the colour of its worst "
	      "status: ", fp);
	for (int s = 0; s < KT_NSTATUS; s++)
		fprintf(fp, "<span class=\"badge %s\">%s</span>", kt_status_names[s], kt_status_names[s]);
	fputs(". Hover a cell for the counts and the tests that did not pass.</p>\n", fp);
	fputs("<table class=\"matrix lab\"><tr><th></th>", fp);
	for (unsigned int c = 0; c < ncols; c++) {
		const struct kr_labrun *l = &labs[col[c]];

		fputs("<th class=\"kernel\">", fp);
		esc(fp, l->kernel);
		snprintf(head, sizeof(head), "%.*s", (int)strcspn(l->release, " "), l->release);
		if (head[0]) {
			fputs("<br><span class=\"meta\">", fp);
			esc(fp, head);
			fputs("</span>", fp);
		}
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	for (unsigned int r = 0; r < rows.n; r++) {
		fputs("<tr><th class=\"row\">", fp);
		esc(fp, rows.v[r]);
		fputs("</th>", fp);
		for (unsigned int c = 0; c < ncols; c++)
			write_cell(fp, &cells[(size_t)r * ncols + c], labs[col[c]].name, rows.v[r]);
		fputs("</tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
out:
	free(cells);
	free(col);
	axis_free(&rows);
}

/* ---- findings, failures ------------------------------------------------- */

/* "None in: A, B." for the runs where @has() is 0 (one line, however many kernels) */
static void write_none_in(FILE *fp, const struct kr_results *runs, unsigned int nruns,
			  unsigned int (*has)(const struct kr_results *))
{
	unsigned int n = 0;

	for (unsigned int r = 0; r < nruns; r++) {
		if (has(&runs[r]))
			continue;
		fputs(n++ ? ", " : "<p>None in: ", fp);
		esc(fp, runs[r].id);
	}
	if (n)
		fputs(".</p>\n", fp);
}

static unsigned int has_findings(const struct kr_results *x)
{
	return x->findings;
}

static void write_findings(FILE *fp, struct kr_results *runs, unsigned int nruns)
{
	fputs("<section id=\"findings\"><h2>Architectural findings</h2>\n<p class=\"meta\">Vectors "
	      "whose expectations include a finding that held (<code># FINDING</code>): places "
	      "where KVM's behaviour differs from what the architecture promises the guest. A "
	      "finding is not a failure.</p>\n", fp);
	write_none_in(fp, runs, nruns, has_findings);
	for (unsigned int r = 0; r < nruns; r++) {
		struct axis names = { 0 };
		unsigned int *count = NULL;

		if (!runs[r].findings)
			continue;

		for (unsigned int i = 0; i < runs[r].nsuites; i++)
			for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
				const struct kt_test *t = runs[r].suites[i].cases[k].t;

				for (unsigned int f = 0; t && f < t->nfindings; f++)
					axis_index(&names, t->findings[f]);
			}
		count = calloc(names.n + 1, sizeof(*count));
		if (!count) {
			axis_free(&names);
			continue;
		}
		for (unsigned int i = 0; i < runs[r].nsuites; i++)
			for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
				const struct kt_test *t = runs[r].suites[i].cases[k].t;

				for (unsigned int f = 0; t && f < t->nfindings; f++) {
					int ix = axis_index(&names, t->findings[f]);

					if (ix >= 0 && (unsigned int)ix < names.n)
						count[ix]++;
				}
			}
		fputs("<h3>", fp);
		esc(fp, runs[r].id);
		fprintf(fp, ": %u vector%s</h3>\n", runs[r].findings, runs[r].findings == 1 ? "" : "s");
		if (!names.n) {
			fputs("<p>None.</p>\n", fp);
			axis_free(&names);
			free(count);
			continue;
		}
		fputs("<table><tr><th>finding</th><th>vectors</th><th>ids</th></tr>\n", fp);
		for (unsigned int n = 0; n < names.n; n++) {
			unsigned int listed = 0;

			fputs("<tr><td>", fp);
			esc(fp, names.v[n]);
			fprintf(fp, "</td><td class=\"num\">%u</td><td><details><summary>%u vector%s</summary>",
				count[n], count[n], count[n] == 1 ? "" : "s");
			for (unsigned int i = 0; i < runs[r].nsuites; i++)
				for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
					const struct kr_case *c = &runs[r].suites[i].cases[k];

					for (unsigned int f = 0; c->t && f < c->t->nfindings; f++) {
						if (strcmp(c->t->findings[f], names.v[n]) || listed++ >= MAX_LISTED)
							continue;
						esc(fp, c->name);
						fputs("<br>", fp);
					}
				}
			if (listed > MAX_LISTED)
				fprintf(fp, "(and %u more)", listed - MAX_LISTED);
			fputs("</details></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
		axis_free(&names);
		free(count);
	}
	fputs("</section>\n", fp);
}

static int bad(enum kt_status s)
{
	return s == KT_FAIL || s == KT_XPASS || s == KT_ERROR || s == KT_TIMEOUT || s == KT_MISS;
}

static unsigned int has_failures(const struct kr_results *x)
{
	return x->counts[KT_FAIL] + x->counts[KT_XPASS] + x->counts[KT_ERROR] +
	       x->counts[KT_TIMEOUT] + x->counts[KT_MISS];
}

static void write_failures(FILE *fp, struct kr_results *runs, unsigned int nruns)
{
	fputs("<section id=\"failures\"><h2>Failures, errors and misses</h2>\n", fp);
	write_none_in(fp, runs, nruns, has_failures);
	for (unsigned int r = 0; r < nruns; r++) {
		unsigned int listed = 0, total = 0;

		if (!has_failures(&runs[r]))
			continue;
		fputs("<h3>", fp);
		esc(fp, runs[r].id);
		fputs("</h3>\n", fp);
		for (unsigned int i = 0; i < runs[r].nsuites; i++)
			for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
				const struct kr_case *c = &runs[r].suites[i].cases[k];

				if (!bad(c->status))
					continue;
				if (!total++)
					fputs("<table><tr><th>status</th><th>test</th><th>diagnostics</th></tr>\n", fp);
				if (listed >= MAX_LISTED)
					continue;
				listed++;
				fprintf(fp, "<tr><td class=\"%s\">%s</td><td>", kt_status_names[c->status],
					kt_status_names[c->status]);
				esc(fp, runs[r].suites[i].name);
				fputs(": ", fp);
				esc(fp, c->name);
				fputs("</td><td><pre>", fp);
				if (c->t && c->t->reason) {
					esc(fp, c->t->reason);
					fputs("\n", fp);
				}
				if (c->t && c->t->diag)
					esc(fp, c->t->diag);
				if (!c->t && c->why)
					esc(fp, c->why);
				fputs("</pre></td></tr>\n", fp);
			}
		if (!total)
			fputs("<p>None.</p>\n", fp);
		else
			fputs("</table>\n", fp);
		if (total > listed)
			fprintf(fp, "<p>(and %u more: see the run's KTAP)</p>\n", total - listed);
	}
	fputs("</section>\n", fp);
}

/* ---- diff --------------------------------------------------------------- */

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

/* A run and what it is compared with */
struct comparison {
	const struct kr_results *cur;
	struct kr_results old;
	const char *what;		/* "the previous run", "the baseline" */
	unsigned int count[5];		/* by kind, diff_kinds[] */
};

static const char *const diff_kinds[] = { "newly failing", "fixed", "changed", "new", "gone" };

/* Walk both runs' tests by name: count each difference, or (@fp) list them */
static int diff_walk(struct comparison *cmp, FILE *fp)
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
			kind = bad(now) && !bad(was) ? 0 : !bad(now) && bad(was) ? 1 : 2;
		}
		if (!fp) {
			cmp->count[kind]++;
			continue;
		}
		if (listed++ >= MAX_LISTED)
			continue;
		fprintf(fp, "<tr><td>%s</td><td>", diff_kinds[kind]);
		esc(fp, key);
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
static void write_diffs(FILE *fp, struct comparison *cmp, unsigned int n)
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
		esc(fp, cmp[i].cur->id);
		fprintf(fp, "</td><td>%s <code>", cmp[i].what);
		esc(fp, cmp[i].old.dir);
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
		esc(fp, cmp[i].cur->id);
		fprintf(fp, " against %s ", cmp[i].what);
		esc(fp, cmp[i].old.id);
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

/* The newest other run beside @dir with the same backend that started before it */
static char *find_previous(const struct kr_results *res)
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

/* ---- the page ----------------------------------------------------------- */

static void write_totals(FILE *fp, const struct kr_results *x)
{
	for (int s = 0; s < KT_NSTATUS; s++)
		if (x->counts[s])
			fprintf(fp, "<span class=\"badge %s\">%s %u</span>", kt_status_names[s],
				kt_status_names[s], x->counts[s]);
}

/* Links to those of @files that @dir has */
static void write_file_links(FILE *fp, const char *out, const char *dir, const char *const *files,
			     unsigned int n)
{
	for (unsigned int f = 0; f < n; f++) {
		char path[4300], *link;
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
		if (stat(path, &st))
			continue;
		link = rel_link(out, path);
		fputs("<a href=\"", fp);
		esc(fp, link ? link : path);
		fputs("\">", fp);
		esc(fp, files[f]);
		fputs("</a> ", fp);
		free(link);
	}
}

/* "14 min 52 s" */
static void write_span(FILE *fp, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		fprintf(fp, "%ld h %ld min", t / 3600, t / 60 % 60);
	else if (t >= 60)
		fprintf(fp, "%ld min %ld s", t / 60, t % 60);
	else
		fprintf(fp, "%.1f s", s);
}

static void write_local(FILE *fp, time_t t)
{
	struct tm tm;
	char buf[32];

	if (!t || !localtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		fputs("-", fp);
	else
		fputs(buf, fp);
}

/* One lab's runs: a row per kernel with its package, timing, boots and totals */
static void write_lab_runs(FILE *fp, const char *out, const struct kr_results *runs,
			   const struct kr_labrun *labs, unsigned int nruns, const char *kind)
{
	static const char *const files[] = { "summary.txt", "lab.ktap", "baseline-diff.txt",
					     "junit.xml", "kcidb.json", "logs" };
	unsigned int *order = calloc(nruns + 1, sizeof(*order)), n;
	time_t first = 0, last = 0;

	if (!order)
		return;
	n = lab_runs(labs, nruns, kind, order);
	if (!n) {
		free(order);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct kr_labrun *l = &labs[order[i]];

		if (l->started && (!first || l->started < first))
			first = l->started;
		if (l->finished > last)
			last = l->finished;
	}
	fprintf(fp, "<h3>%s: %u kernel%s</h3>\n<p class=\"meta\">Run ", kr_labrun_title(kind), n,
		n == 1 ? "" : "s");
	for (unsigned int i = 0; i < n; i++)
		if (!i || strcmp(labs[order[i]].stamp, labs[order[i - 1]].stamp)) {
			fputs(i ? ", " : "", fp);
			esc(fp, labs[order[i]].stamp);
		}
	if (labs[order[0]].mode[0]) {
		fputs(" (", fp);
		esc(fp, labs[order[0]].mode);
		fputs(")", fp);
	}
	fputs(": started ", fp);
	write_local(fp, first);
	fputs(", last kernel done ", fp);
	write_local(fp, last);
	if (first && last >= first) {
		fputs(", ", fp);
		write_span(fp, difftime(last, first));
	}
	fputs(" (local time of this machine).</p>\n<table><tr><th>kernel</th><th>kernel package</th>"
	      "<th>status</th><th>done after</th><th>boots</th><th>steps</th><th>totals</th>"
	      "<th>files</th></tr>\n", fp);
	for (unsigned int i = 0; i < n; i++) {
		const struct kr_results *x = &runs[order[i]];
		const struct kr_labrun *l = &labs[order[i]];

		fputs("<tr><th class=\"row\">", fp);
		esc(fp, l->kernel);
		fputs("</th><td>", fp);
		esc(fp, l->release[0] ? l->release : "(no summary.txt)");
		fprintf(fp, "</td><td class=\"%s\">", x->interrupted ? "MISS" : "PASS");
		esc(fp, x->status);
		fputs("</td><td class=\"num\">", fp);
		if (l->started && l->finished >= l->started)
			write_span(fp, difftime(l->finished, l->started));
		else
			fputs("-", fp);
		fputs("</td><td class=\"num\">", fp);
		if (l->nboots) {
			fprintf(fp, "%u: ", l->nboots);
			write_span(fp, l->boot_wall);
			if (l->boot_cpu > 0) {
				fputs("<br><span class=\"meta\">CPU ", fp);
				write_span(fp, l->boot_cpu);
				fputs("</span>", fp);
			}
		} else {
			fputs("-", fp);
		}
		fputs("</td><td class=\"steps\">", fp);
		esc(fp, l->steps[0] ? l->steps : "-");
		fputs("</td><td>", fp);
		write_totals(fp, x);
		fputs("</td><td>", fp);
		write_file_links(fp, out, x->dir, files, sizeof(files) / sizeof(files[0]));
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n<p class=\"meta\">Done after: from the lab's start to the kernel's "
	      "<code>summary.txt</code>; boots: how many and their wall time summed (two run at a "
	      "time); steps: the lab's own step times.</p>\n", fp);
	free(order);
}

static void write_runs(FILE *fp, const char *out, struct kr_results *runs,
		       const struct kr_labrun *labs, unsigned int nruns)
{
	unsigned int others = 0;

	fputs("<section id=\"runs\"><h2>Runs</h2>\n", fp);
	write_lab_runs(fp, out, runs, labs, nruns, "qemu");
	write_lab_runs(fp, out, runs, labs, nruns, "vmx");
	for (unsigned int r = 0; r < nruns; r++)
		others += !labs[r].is_lab;
	if (!others) {
		fputs("</section>\n", fp);
		return;
	}
	if (others < nruns)
		fputs("<h3>Other runs</h3>\n", fp);
	fputs("<table><tr><th>run</th><th>backend</th>"
	      "<th>status</th><th>start</th><th>kernel</th><th>vectors</th><th>totals</th>"
	      "<th>findings</th><th>files</th></tr>\n", fp);
	for (unsigned int r = 0; r < nruns; r++) {
		const struct kr_results *x = &runs[r];
		const char *kernel = kr_meta_fact(x->meta, "host", "kernel_release");
		const char *set = kr_meta_str(x->meta, "vectors.set_sha256");
		char when[48];
		unsigned int total = 0;
		static const char *const files[] = { "kmc-run.ktap", "run.json", "junit.xml",
						     "kcidb.json", "summary.txt" };

		if (labs[r].is_lab)
			continue;
		for (int s = 0; s < KT_NSTATUS; s++)
			total += x->counts[s];
		kr_iso_time(&x->start, 0, when, sizeof(when));
		fputs("<tr><td>", fp);
		esc(fp, x->id);
		fputs("</td><td>", fp);
		esc(fp, x->backend);
		fprintf(fp, "</td><td class=\"%s\">", x->interrupted ? "MISS" : "PASS");
		esc(fp, x->status);
		fputs("</td><td>", fp);
		esc(fp, when);
		fputs("</td><td>", fp);
		if (kernel) {
			esc(fp, kernel);
		} else {
			json_t *p = json_object_get(x->meta, "kernel_profiles");
			size_t i;
			json_t *v;

			fputs("profiles ", fp);
			json_array_foreach(p, i, v) {
				fputs(i ? ", " : "", fp);
				esc(fp, json_string_value(v));
			}
			if (!json_array_size(p))
				fputs("-", fp);
		}
		fprintf(fp, "</td><td class=\"num\">%u", total);
		if (set) {
			fputs("<br><span class=\"meta\" title=\"vector-set sha256\">", fp);
			fprintf(fp, "%.12s", set);
			fputs("</span>", fp);
		}
		fputs("</td><td>", fp);
		write_totals(fp, x);
		fprintf(fp, "</td><td class=\"num\">%u</td><td>", x->findings);
		write_file_links(fp, out, x->dir, files, sizeof(files) / sizeof(files[0]));
		fputs("</td></tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
}

static int write_page(FILE *fp, const char *out, const char *title, struct kr_results *runs,
		      const struct kr_labrun *labs, unsigned int nruns, struct comparison *cmp,
		      unsigned int ncmp, const char *covdir)
{
	static const char *const kinds[] = { "qemu", "vmx" };
	struct timespec now;
	char when[48];

	clock_gettime(CLOCK_REALTIME, &now);
	kr_iso_time(&now, 0, when, sizeof(when));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", fp);
	esc(fp, title);
	fputs("</title>\n<link rel=\"stylesheet\" href=\"report.css\"></head>\n<body>\n<h1>", fp);
	esc(fp, title);
	fprintf(fp, "</h1>\n<p class=\"meta\">Generated %s by kmc-results %s.</p>\n", when, KMC_VERSION);
	fputs("<nav><a href=\"#runs\">Runs</a>", fp);
	for (unsigned int k = 0; k < 2; k++)
		for (unsigned int r = 0; r < nruns; r++)
			if (labs[r].is_lab && !strcmp(labs[r].kind, kinds[k])) {
				fprintf(fp, "<a href=\"#matrix-%s\">Matrix: %s</a>", kinds[k],
					kr_labrun_title(kinds[k]));
				break;
			}
	for (unsigned int r = 0; r < nruns; r++) {
		if (labs[r].is_lab)
			continue;
		fprintf(fp, "<a href=\"#matrix-%u\">Matrix: ", r);
		esc(fp, runs[r].id);
		fputs("</a>", fp);
	}
	fputs("<a href=\"#findings\">Findings</a><a href=\"#failures\">Failures</a>"
	      "<a href=\"#diff\">Diff</a><a href=\"#coverage\">Coverage</a></nav>\n", fp);
	write_runs(fp, out, runs, labs, nruns);
	for (unsigned int k = 0; k < 2; k++)
		write_lab_matrix(fp, runs, labs, nruns, kinds[k]);
	for (unsigned int r = 0; r < nruns; r++)
		if (!labs[r].is_lab)
			write_matrix(fp, &runs[r], r);
	write_findings(fp, runs, nruns);
	write_failures(fp, runs, nruns);
	fputs("<section id=\"diff\"><h2>Diff</h2>\n", fp);
	if (ncmp) {
		write_diffs(fp, cmp, ncmp);
	} else {
		fputs("<p>Nothing to compare ", fp);
		esc(fp, runs[0].id);
		fputs(" with: no earlier run of the same backend beside it, and no "
		      "<code>--baseline</code> or matching <code>--baselines</code> directory.</p>\n", fp);
	}
	fputs("</section>\n", fp);
	write_coverage(fp, out, covdir);
	fputs("</body></html>\n", fp);
	return ferror(fp) ? -EIO : 0;
}

int kr_report_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "previous", required_argument, NULL, 'p' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "baselines", required_argument, NULL, 'B' },
		{ "coverage", required_argument, NULL, 'c' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = "results/report", *prevdir = NULL, *basedir = NULL, *basesdir = NULL;
	const char *covdir = "results/coverage", *title = "kmc conformance report";
	struct kr_results *runs;
	struct kr_labrun *labs;
	struct comparison *cmp;
	unsigned int nruns = 0, ncmp = 0;
	char msg[1024], path[4300], *auto_prev = NULL;
	struct kr_atomic a;
	int c, ret = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:p:b:B:c:t:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'p': prevdir = optarg; break;
		case 'b': basedir = optarg; break;
		case 'B': basesdir = optarg; break;
		case 'c': covdir = optarg; break;
		case 't': title = optarg; break;
		case 'h':
			printf("kmc-results report [--out DIR] [--previous DIR|none] [--baseline DIR] "
			       "[--baselines DIR] [--coverage DIR] [--title TEXT] RUN...\n"
			       "(kmc-results --help says what each does)\n");
			return 0;
		default:
			fprintf(stderr, "kmc-results report: bad option '%s' (kmc-results --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "kmc-results report: no results directory given (kmc-results --help)\n");
		return EXIT_USAGE;
	}
	runs = calloc((size_t)(argc - optind), sizeof(*runs));
	labs = calloc((size_t)(argc - optind), sizeof(*labs));
	/* at most a previous run and a baseline for each run */
	cmp = calloc(2 * (size_t)(argc - optind), sizeof(*cmp));
	if (!runs || !labs || !cmp)
		goto out;
	for (int i = optind; i < argc; i++) {
		if (kr_results_load(argv[i], &runs[nruns], msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: %s\n", msg);
			goto out;
		}
		kr_labrun_read(argv[i], &labs[nruns]);
		/* a kmc-run directory (it has vectors.tsv) is never a lab's */
		labs[nruns].is_lab &= !runs[nruns].nvec;
		nruns++;
	}
	if (!prevdir)
		prevdir = auto_prev = find_previous(&runs[0]);
	if (prevdir && strcmp(prevdir, "none")) {
		if (kr_results_load(prevdir, &cmp[ncmp].old, msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: previous run: %s\n", msg);
			goto out;
		}
		cmp[ncmp].cur = &runs[0];
		cmp[ncmp++].what = "the previous run";
	}
	for (unsigned int r = 0; r < nruns; r++) {
		const char *dir = NULL;
		struct stat st;

		if (!r && basedir) {
			dir = basedir;
		} else if (basesdir && labs[r].is_lab) {
			snprintf(path, sizeof(path), "%s/%s", basesdir, labs[r].name);
			if (!stat(path, &st) && S_ISDIR(st.st_mode))
				dir = path;
		}
		if (!dir)
			continue;
		if (kr_results_load_like(dir, &runs[r], &cmp[ncmp].old, msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: baseline: %s\n", msg);
			goto out;
		}
		cmp[ncmp].cur = &runs[r];
		cmp[ncmp++].what = "the baseline";
	}
	if (kr_mkdir_p(out, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-results: %s\n", msg);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/report.css", out);
	if (kr_atomic_open(&a, path, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-results: %s\n", msg);
		goto out;
	}
	fputs(css, a.fp);
	if (kr_atomic_commit(&a, 1, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-results: %s\n", msg);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/index.html", out);
	if (kr_atomic_open(&a, path, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-results: %s\n", msg);
		goto out;
	}
	ret = write_page(a.fp, out, title, runs, labs, nruns, cmp, ncmp, covdir);
	if (kr_atomic_commit(&a, ret == 0, msg, sizeof(msg)) || ret) {
		fprintf(stderr, "kmc-results: %s: %s\n", path, ret ? "write error" : msg);
		ret = 1;
		goto out;
	}
	printf("%s", path);
	for (unsigned int i = 0; i < ncmp; i++)
		printf("%s%s against %s", i ? ", " : " (", cmp[i].cur->id, cmp[i].old.id);
	printf("%s\n", ncmp ? ")" : "");
	ret = 0;
out:
	for (unsigned int i = 0; i < nruns; i++)
		kr_results_free(&runs[i]);
	for (unsigned int i = 0; i < ncmp; i++)
		kr_results_free(&cmp[i].old);
	free(runs);
	free(labs);
	free(cmp);
	free(auto_prev);
	return ret;
}
