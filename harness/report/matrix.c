// SPDX-License-Identifier: GPL-2.0
/* The report's conformance matrices: a run's (host · kernel by rule family), a lab's (row by kernel). */
#include <stdlib.h>
#include <string.h>
#include "known.h"
#include "labrun.h"
#include "report.h"
#include "sections.h"
#include "util.h"

#define CELL_NAMES	12	/* ids named in a cell's tooltip */

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

int kr_axis_index(struct axis *a, const char *s)
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

void kr_axis_free(struct axis *a)
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
	kr_xml_esc(fp, col, 0);
	fputs(" on ", fp);
	kr_xml_esc(fp, row, 0);
	for (int s = 0; s < KT_NSTATUS; s++)
		if (cl->n[s])
			fprintf(fp, "&#10;%s: %u", kt_status_names[s], cl->n[s]);
	for (unsigned int n = 0; n < cl->nnames; n++) {
		fputs("&#10;  ", fp);
		kr_xml_esc(fp, cl->names[n], 0);
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

void kr_report_matrix(FILE *fp, const struct kr_results *res, unsigned int idx)
{
	struct axis rows = { 0 }, cols = { 0 };
	struct cell *cells;
	char row[512], col[512];

	for (unsigned int i = 0; i < res->nsuites; i++)
		for (unsigned int k = 0; k < res->suites[i].n; k++) {
			kr_matrix_key(res, &res->suites[i], &res->suites[i].cases[k], row, sizeof(row),
				      col, sizeof(col));
			if (kr_axis_index(&rows, row) < 0 || kr_axis_index(&cols, col) < 0)
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
			cl = &cells[(size_t)kr_axis_index(&rows, row) * cols.n + (size_t)kr_axis_index(&cols, col)];
			cell_add(cl, c);
		}
	fprintf(fp, "<section id=\"matrix-%u\"><h2>Conformance matrix: ", idx);
	kr_xml_esc(fp, res->id, 0);
	fputs("</h2>\n<p class=\"meta\">Rows: host \xc2\xb7 kernel (the vector's CPU and kernel "
	      "profile); columns: the rule family (the vector's group, docs/rules.md). A cell shows "
	      "passed/vectors and takes the colour of its worst status: ", fp);
	for (int s = 0; s < KT_NSTATUS; s++)
		fprintf(fp, "<span class=\"badge %s\">%s</span>", kt_status_names[s], kt_status_names[s]);
	fputs(". Hover a cell for the vectors that did not pass.</p>\n", fp);
	fputs("<div class=\"scroll\"><table class=\"matrix\"><tr><th></th>", fp);
	for (unsigned int c = 0; c < cols.n; c++) {
		fputs("<th class=\"col\"><span>", fp);
		kr_xml_esc(fp, cols.v[c], 0);
		fputs("</span></th>", fp);
	}
	fputs("</tr>\n", fp);
	for (unsigned int r = 0; r < rows.n; r++) {
		fputs("<tr><th class=\"row\">", fp);
		kr_xml_esc(fp, rows.v[r], 0);
		fputs("</th>", fp);
		for (unsigned int c = 0; c < cols.n; c++)
			write_cell(fp, &cells[(size_t)r * cols.n + c], cols.v[c], rows.v[r]);
		fputs("</tr>\n", fp);
	}
	fputs("</table></div></section>\n", fp);
	free(cells);
out:
	kr_axis_free(&rows);
	kr_axis_free(&cols);
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

unsigned int kr_report_lab_order(const struct kr_labrun *labs, unsigned int nruns, const char *kind,
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
void kr_report_lab_matrix(FILE *fp, const struct kr_results *runs, const struct kr_labrun *labs,
			     unsigned int nruns, const char *kind)
{
	struct axis rows = { 0 };
	struct cell *cells = NULL;
	unsigned int *col = calloc(nruns + 1, sizeof(*col)), ncols;
	char row[512], head[300];

	if (!col)
		return;
	ncols = kr_report_lab_order(labs, nruns, kind, col);
	if (!ncols)
		goto out;
	for (unsigned int c = 0; c < ncols; c++) {
		const struct kr_results *x = &runs[col[c]];

		for (unsigned int i = 0; i < x->nsuites; i++)
			for (unsigned int k = 0; k < x->suites[i].n; k++) {
				kr_lab_row(x->suites[i].cases[k].name, labs[col[c]].kernel, row, sizeof(row));
				if (kr_axis_index(&rows, row) < 0)
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
				cell_add(&cells[(size_t)kr_axis_index(&rows, row) * ncols + c], cs);
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
		kr_xml_esc(fp, l->kernel, 0);
		snprintf(head, sizeof(head), "%.*s", (int)strcspn(l->release, " "), l->release);
		if (head[0]) {
			fputs("<br><span class=\"meta\">", fp);
			kr_xml_esc(fp, head, 0);
			fputs("</span>", fp);
		}
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	for (unsigned int r = 0; r < rows.n; r++) {
		fputs("<tr><th class=\"row\">", fp);
		kr_xml_esc(fp, rows.v[r], 0);
		fputs("</th>", fp);
		for (unsigned int c = 0; c < ncols; c++)
			write_cell(fp, &cells[(size_t)r * ncols + c], labs[col[c]].name, rows.v[r]);
		fputs("</tr>\n", fp);
	}
	fputs("</table></section>\n", fp);
out:
	free(cells);
	free(col);
	kr_axis_free(&rows);
}
