// SPDX-License-Identifier: GPL-2.0
/* The report's coverage section: lcov tracefiles summed per top directory (report.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "links.h"
#include "report.h"
#include "sections.h"
#include "util.h"

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

void kr_report_coverage(FILE *fp, const char *out, const char *dir)
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
			kr_xml_esc(fp, msg, 0);
		} else {
			fputs(" in <code>", fp);
			kr_xml_esc(fp, dir, 0);
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
	kr_xml_esc(fp, c.info, 0);
	fputs("</code>", fp);
	/* genhtml's pages beside the tracefile, or in html/ (harness/tools/coverage.sh) */
	snprintf(index, sizeof(index), "%s/index.html", dir);
	if (stat(index, &st))
		snprintf(index, sizeof(index), "%s/html/index.html", dir);
	if (!stat(index, &st)) {
		char *link = kr_rel_link(out, index);

		fputs("; the lcov pages: <a href=\"", fp);
		kr_xml_esc(fp, link, 0);
		fputs("\">index.html</a>", fp);
		free(link);
	}
	fputs(".</p>\n<table><tr><th>directory</th><th>lines</th><th>branches</th></tr>\n", fp);
	for (unsigned int k = 0; k < ntop; k++) {
		fputs("<tr><th>", fp);
		kr_xml_esc(fp, top[k].name[0] ? top[k].name : "(top)", 0);
		fputs("/</th>", fp);
		pct_cell(fp, top[k].lh, top[k].lf);
		pct_cell(fp, top[k].brh, top[k].brf);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n<details><summary>Per file</summary><table><tr><th>file</th><th>lines</th>"
	      "<th>branches</th></tr>\n", fp);
	for (unsigned int i = 0; i < c.n; i++) {
		fputs("<tr><td>", fp);
		kr_xml_esc(fp, c.f[i].path, 0);
		fputs("</td>", fp);
		pct_cell(fp, c.f[i].lh, c.f[i].lf);
		pct_cell(fp, c.f[i].brh, c.f[i].brf);
		fputs("</tr>\n", fp);
	}
	fputs("</table></details></section>\n", fp);
	kr_cov_free(&c);
}
