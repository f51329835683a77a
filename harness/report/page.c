// SPDX-License-Identifier: GPL-2.0
/* The report's page: its head and navigation, the runs, then each section in turn. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "links.h"
#include "labrun.h"
#include "sections.h"
#include "util.h"
#include "version.h"

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
		link = kr_rel_link(out, path);
		fputs("<a href=\"", fp);
		kr_xml_esc(fp, link ? link : path, 0);
		fputs("\">", fp);
		kr_xml_esc(fp, files[f], 0);
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
	n = kr_report_lab_order(labs, nruns, kind, order);
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
			kr_xml_esc(fp, labs[order[i]].stamp, 0);
		}
	if (labs[order[0]].mode[0]) {
		fputs(" (", fp);
		kr_xml_esc(fp, labs[order[0]].mode, 0);
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
		kr_xml_esc(fp, l->kernel, 0);
		fputs("</th><td>", fp);
		kr_xml_esc(fp, l->release[0] ? l->release : "(no summary.txt)", 0);
		fprintf(fp, "</td><td class=\"%s\">", x->interrupted ? "MISS" : "PASS");
		kr_xml_esc(fp, x->status, 0);
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
		kr_xml_esc(fp, l->steps[0] ? l->steps : "-", 0);
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
		kr_xml_esc(fp, x->id, 0);
		fputs("</td><td>", fp);
		kr_xml_esc(fp, x->backend, 0);
		fprintf(fp, "</td><td class=\"%s\">", x->interrupted ? "MISS" : "PASS");
		kr_xml_esc(fp, x->status, 0);
		fputs("</td><td>", fp);
		kr_xml_esc(fp, when, 0);
		fputs("</td><td>", fp);
		if (kernel) {
			kr_xml_esc(fp, kernel, 0);
		} else {
			json_t *p = json_object_get(x->meta, "kernel_profiles");
			size_t i;
			json_t *v;

			fputs("profiles ", fp);
			json_array_foreach(p, i, v) {
				fputs(i ? ", " : "", fp);
				kr_xml_esc(fp, json_string_value(v), 0);
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

int kr_report_page(FILE *fp, const char *out, const char *title, struct kr_results *runs,
		      const struct kr_labrun *labs, unsigned int nruns, struct kr_comparison *cmp,
		      unsigned int ncmp, const char *covdir)
{
	static const char *const kinds[] = { "qemu", "vmx" };
	struct timespec now;
	char when[48];

	clock_gettime(CLOCK_REALTIME, &now);
	kr_iso_time(&now, 0, when, sizeof(when));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", fp);
	kr_xml_esc(fp, title, 0);
	fputs("</title>\n<link rel=\"stylesheet\" href=\"report.css\"></head>\n<body>\n<h1>", fp);
	kr_xml_esc(fp, title, 0);
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
		kr_xml_esc(fp, runs[r].id, 0);
		fputs("</a>", fp);
	}
	fputs("<a href=\"#findings\">Findings</a><a href=\"#failures\">Failures</a>"
	      "<a href=\"#diff\">Diff</a><a href=\"#coverage\">Coverage</a></nav>\n", fp);
	write_runs(fp, out, runs, labs, nruns);
	for (unsigned int k = 0; k < 2; k++)
		kr_report_lab_matrix(fp, runs, labs, nruns, kinds[k]);
	for (unsigned int r = 0; r < nruns; r++)
		if (!labs[r].is_lab)
			kr_report_matrix(fp, &runs[r], r);
	kr_report_findings(fp, runs, nruns);
	kr_report_failures(fp, runs, nruns);
	fputs("<section id=\"diff\"><h2>Diff</h2>\n", fp);
	if (ncmp) {
		kr_report_diffs(fp, cmp, ncmp);
	} else {
		fputs("<p>Nothing to compare ", fp);
		kr_xml_esc(fp, runs[0].id, 0);
		fputs(" with: no earlier run of the same backend beside it, and no "
		      "<code>--baseline</code> or matching <code>--baselines</code> directory.</p>\n", fp);
	}
	fputs("</section>\n", fp);
	kr_report_coverage(fp, out, covdir);
	fputs("</body></html>\n", fp);
	return ferror(fp) ? -EIO : 0;
}
