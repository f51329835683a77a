// SPDX-License-Identifier: GPL-2.0
/* JUnit XML of a results directory, in Ant's schema (harness/results/schemas/JUnit.xsd). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "derive.h"
#include "util.h"

static void xml_attr(FILE *fp, const char *name, const char *val)
{
	fprintf(fp, " %s=\"", name);
	kr_xml_esc(fp, val, 1);
	fputc('"', fp);
}

/* "kmc.BACKEND.FILE.GROUP", each part without dots: Jenkins and GitLab take
 * what comes before the last dot as the package, the rest as the class */
static char *junit_class(const struct kr_results *res, const struct kr_suite *s,
			 const struct kr_case *c)
{
	char group[256], back[128], stem[256], *cls = NULL;
	size_t l = strlen(s->name);

	kr_case_group(c, group, sizeof(group));
	if (l > 4 && !strcmp(s->name + l - 4, ".kmv"))
		l -= 4;
	else if (l > 5 && !strcmp(s->name + l - 5, ".ktap"))
		l -= 5;
	snprintf(back, sizeof(back), "%s", res->backend);
	snprintf(stem, sizeof(stem), "%.*s", (int)l, s->name);
	kr_undot(back);
	kr_undot(stem);
	if (kr_appendf(&cls, "kmc.%s.%s.%s", back, stem, group))
		return NULL;
	return cls;
}

int kr_write_junit(const struct kr_results *res, FILE *fp)
{
	char stamp[32];
	const char *ktap = kr_meta_str(res->meta, "files.ktap");

	kr_iso_time_nozone(&res->start, stamp, sizeof(stamp));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", fp);
	for (unsigned int i = 0; i < res->nsuites; i++) {
		const struct kr_suite *s = &res->suites[i];
		unsigned int f = 0, e = 0, sk = 0;
		char *cls = NULL, *out = NULL, id[16];
		size_t outlen = 0;
		/* the suite's system-out, grown in linear time (a line per finding or XFAIL) */
		FILE *om;

		for (unsigned int k = 0; k < s->n; k++) {
			enum kt_status st = s->cases[k].status;

			f += st == KT_FAIL || st == KT_XPASS;
			e += st == KT_ERROR || st == KT_TIMEOUT || st == KT_MISS;
			sk += st == KT_SKIP || st == KT_XFAIL;
		}
		om = open_memstream(&out, &outlen);
		if (!om) {
			free(cls);
			return -ENOMEM;
		}
		fputs("  <testsuite", fp);
		xml_attr(fp, "package", "kmc");
		snprintf(id, sizeof(id), "%u", i);
		xml_attr(fp, "id", id);
		xml_attr(fp, "name", s->name);
		xml_attr(fp, "timestamp", stamp);
		xml_attr(fp, "hostname", res->hostname);
		fprintf(fp, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"0\">\n",
			s->n, f, e, sk);
		fputs("    <properties>\n", fp);
		{
			const char *props[][2] = {
				{ "kmc.run", res->id },
				{ "kmc.backend", res->backend },
				{ "kmc.run_status", res->status },
				{ "kmc.suite_status", kt_status_names[s->status] },
				{ "kmc.ktap", ktap ? ktap : res->labels[s->doc] },
				{ "kmc.suite_version", kr_meta_str(res->meta, "suite.version") },
				{ "kmc.git_commit", kr_meta_str(res->meta, "suite.git_commit") },
			};

			for (unsigned int p = 0; p < sizeof(props) / sizeof(props[0]); p++) {
				if (!props[p][1])
					continue;
				fputs("      <property", fp);
				xml_attr(fp, "name", props[p][0]);
				xml_attr(fp, "value", props[p][1]);
				fputs("/>\n", fp);
			}
		}
		fputs("    </properties>\n", fp);
		for (unsigned int k = 0; k < s->n; k++) {
			const struct kr_case *c = &s->cases[k];
			char *text = kr_case_text(c), *msg = kr_case_message(c);
			const char *kind = NULL;

			free(cls);
			cls = junit_class(res, s, c);
			if (!text || !msg || !cls) {
				free(text);
				free(msg);
				free(cls);
				fclose(om);
				free(out);
				return -ENOMEM;
			}
			fputs("    <testcase", fp);
			xml_attr(fp, "name", c->name);
			xml_attr(fp, "classname", cls);
			fputs(" time=\"0\"", fp);
			switch (c->status) {
			case KT_PASS: break;
			case KT_FAIL: case KT_XPASS: kind = "failure"; break;
			case KT_SKIP: case KT_XFAIL: kind = "skipped"; break;
			default: kind = "error"; break;
			}
			if (!kind) {
				fputs("/>\n", fp);
			} else {
				fprintf(fp, ">\n      <%s", kind);
				xml_attr(fp, "type", kt_status_names[c->status]);
				xml_attr(fp, "message", msg);
				if (*text) {
					fputc('>', fp);
					kr_xml_esc(fp, text, 0);
					fprintf(fp, "</%s>\n    </testcase>\n", kind);
				} else {
					fputs("/>\n    </testcase>\n", fp);
				}
			}
			if (c->t && c->t->nfindings)
				for (unsigned int n = 0; n < c->t->nfindings; n++)
					fprintf(om, "FINDING %s: %s\n", c->t->findings[n], c->name);
			if (c->status == KT_XFAIL)
				fprintf(om, "XFAIL %s: %s\n", c->name, c->t && c->t->reason ? c->t->reason : "");
			free(text);
			free(msg);
		}
		if (s->t && s->t->diag)
			fprintf(om, "%s\n", s->t->diag);
		if (i == 0 && res->docs[s->doc].diag)
			fprintf(om, "%s\n", res->docs[s->doc].diag);
		if (res->interrupted)
			fprintf(om, "run %s: %s%s%s\n", res->id, res->status,
				res->docs[s->doc].bail ? ": " : "",
				res->docs[s->doc].bail ? res->docs[s->doc].bail : "");
		if (fclose(om)) {
			free(cls);
			free(out);
			return -ENOMEM;
		}
		fputs("    <system-out>", fp);
		kr_xml_esc(fp, out, 0);
		fputs("</system-out>\n    <system-err/>\n  </testsuite>\n", fp);
		free(out);
		free(cls);
	}
	fputs("</testsuites>\n", fp);
	return ferror(fp) ? -EIO : 0;
}
