// SPDX-License-Identifier: GPL-2.0
/* The report's findings and failures sections. */
#include <stdlib.h>
#include <string.h>
#include "sections.h"
#include "util.h"

/* "None in: A, B." for the runs where @has() is 0 (one line, however many kernels) */
static void write_none_in(FILE *fp, const struct kr_results *runs, unsigned int nruns,
			  unsigned int (*has)(const struct kr_results *))
{
	unsigned int n = 0;

	for (unsigned int r = 0; r < nruns; r++) {
		if (has(&runs[r]))
			continue;
		fputs(n++ ? ", " : "<p>None in: ", fp);
		kr_xml_esc(fp, runs[r].id, 0);
	}
	if (n)
		fputs(".</p>\n", fp);
}

static unsigned int has_findings(const struct kr_results *x)
{
	return x->findings;
}

void kr_report_findings(FILE *fp, struct kr_results *runs, unsigned int nruns)
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
					kr_axis_index(&names, t->findings[f]);
			}
		count = calloc(names.n + 1, sizeof(*count));
		if (!count) {
			kr_axis_free(&names);
			continue;
		}
		for (unsigned int i = 0; i < runs[r].nsuites; i++)
			for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
				const struct kt_test *t = runs[r].suites[i].cases[k].t;

				for (unsigned int f = 0; t && f < t->nfindings; f++) {
					int ix = kr_axis_index(&names, t->findings[f]);

					if (ix >= 0 && (unsigned int)ix < names.n)
						count[ix]++;
				}
			}
		fputs("<h3>", fp);
		kr_xml_esc(fp, runs[r].id, 0);
		fprintf(fp, ": %u vector%s</h3>\n", runs[r].findings, runs[r].findings == 1 ? "" : "s");
		if (!names.n) {
			fputs("<p>None.</p>\n", fp);
			kr_axis_free(&names);
			free(count);
			continue;
		}
		fputs("<table><tr><th>finding</th><th>vectors</th><th>ids</th></tr>\n", fp);
		for (unsigned int n = 0; n < names.n; n++) {
			unsigned int listed = 0;

			fputs("<tr><td>", fp);
			kr_xml_esc(fp, names.v[n], 0);
			fprintf(fp, "</td><td class=\"num\">%u</td><td><details><summary>%u vector%s</summary>",
				count[n], count[n], count[n] == 1 ? "" : "s");
			for (unsigned int i = 0; i < runs[r].nsuites; i++)
				for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
					const struct kr_case *c = &runs[r].suites[i].cases[k];

					for (unsigned int f = 0; c->t && f < c->t->nfindings; f++) {
						if (strcmp(c->t->findings[f], names.v[n]) || listed++ >= MAX_LISTED)
							continue;
						kr_xml_esc(fp, c->name, 0);
						fputs("<br>", fp);
					}
				}
			if (listed > MAX_LISTED)
				fprintf(fp, "(and %u more)", listed - MAX_LISTED);
			fputs("</details></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
		kr_axis_free(&names);
		free(count);
	}
	fputs("</section>\n", fp);
}

int kr_status_bad(enum kt_status s)
{
	return s == KT_FAIL || s == KT_XPASS || s == KT_ERROR || s == KT_TIMEOUT || s == KT_MISS;
}

static unsigned int has_failures(const struct kr_results *x)
{
	return x->counts[KT_FAIL] + x->counts[KT_XPASS] + x->counts[KT_ERROR] +
	       x->counts[KT_TIMEOUT] + x->counts[KT_MISS];
}

void kr_report_failures(FILE *fp, struct kr_results *runs, unsigned int nruns)
{
	fputs("<section id=\"failures\"><h2>Failures, errors and misses</h2>\n", fp);
	write_none_in(fp, runs, nruns, has_failures);
	for (unsigned int r = 0; r < nruns; r++) {
		unsigned int listed = 0, total = 0;

		if (!has_failures(&runs[r]))
			continue;
		fputs("<h3>", fp);
		kr_xml_esc(fp, runs[r].id, 0);
		fputs("</h3>\n", fp);
		for (unsigned int i = 0; i < runs[r].nsuites; i++)
			for (unsigned int k = 0; k < runs[r].suites[i].n; k++) {
				const struct kr_case *c = &runs[r].suites[i].cases[k];

				if (!kr_status_bad(c->status))
					continue;
				if (!total++)
					fputs("<table><tr><th>status</th><th>test</th><th>diagnostics</th></tr>\n", fp);
				if (listed >= MAX_LISTED)
					continue;
				listed++;
				fprintf(fp, "<tr><td class=\"%s\">%s</td><td>", kt_status_names[c->status],
					kt_status_names[c->status]);
				kr_xml_esc(fp, runs[r].suites[i].name, 0);
				fputs(": ", fp);
				kr_xml_esc(fp, c->name, 0);
				fputs("</td><td><pre>", fp);
				if (c->t && c->t->reason) {
					kr_xml_esc(fp, c->t->reason, 0);
					fputs("\n", fp);
				}
				if (c->t && c->t->diag)
					kr_xml_esc(fp, c->t->diag, 0);
				if (!c->t && c->why)
					kr_xml_esc(fp, c->why, 0);
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
