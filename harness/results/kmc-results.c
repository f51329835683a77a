// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-results: read results directories and KTAP, derive JUnit/KCIDB,
 * feed LAVA, write the HTML report.  `kmc-results --help` says how;
 * docs/results.md says more.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "derive.h"
#include "ktap.h"
#include "ktap_parse.h"
#include "report.h"
#include "rundir.h"
#include "version.h"

#define EXIT_USAGE	KTAP_EXIT_USAGE	/* 64, not 2: kselftest reads 2 as XFAIL */

static const char usage_text[] =
"Usage: kmc-results derive DIR...\n"
"       kmc-results adopt [--kind NAME] [--ktap FILE] DIR...\n"
"       kmc-results ktap FILE...\n"
"       kmc-results lava FILE|DIR\n"
"       kmc-results report [--out DIR] [--previous DIR] [--baseline DIR]\n"
"                          [--baselines DIR] [--coverage DIR] [--title TEXT] RUN...\n"
"\n"
"derive   (re)write DIR/junit.xml, DIR/kcidb.json and DIR/summary.txt from the\n"
"         KTAP of results directory DIR (kmc-run --results writes them at the\n"
"         end of a run; after a kill, run this).  A directory without\n"
"         run.json is read as a lab directory: its *.ktap and ktap/*.ktap.\n"
"adopt    make a directory another tool wrote (the emulated lab's\n"
"         results/lab/<date>_<kernel>/) a results directory: write its run.json\n"
"         (kind, KTAP files, *.kmv hashes, suite commit, interrupted if the KTAP\n"
"         was cut short) unless it has one, then derive; the text summary goes\n"
"         to kmc-summary.txt.  --ktap: the one KTAP file to derive from.\n"
"ktap     parse KTAP files and print every test as STATUS NAME, then a\n"
"         summary line; exit 1 if a file cannot be read.\n"
"lava     print the lines harness/lava/ktap-to-lava.sh turns into\n"
"         lava-test-set / lava-test-case calls: 'set FILE', then per group of\n"
"         its tests (a vector's group, a lab's configuration) 'note STATUS\n"
"         TEST: MESSAGE' for each test that did not pass and 'case GROUP\n"
"         RESULT' (the worst of the group), 'end'; last 'case run-complete'\n"
"         (ktap-complete for a FILE).\n"
"report   write an HTML report (index.html and report.css) into --out\n"
"         (default results/report) for results directories RUN...: the\n"
"         conformance matrix, the findings, the failures, the diff against\n"
"         --previous and --baseline (results directories, for the first RUN),\n"
"         and the lcov coverage summary from --coverage (default\n"
"         results/coverage).  Emulated-lab directories (<stamp>_<kernel>)\n"
"         are shown per lab, a row and a matrix column per kernel, each diffed\n"
"         against --baselines DIR/<kernel> when it exists.\n"
"\n"
"Statuses: PASS FAIL XFAIL XPASS SKIP ERROR TIMEOUT MISS (MISS: selected or\n"
"planned, never reported).  docs/results.md has the mapping to JUnit,\n"
"KCIDB and LAVA.\n"
"\n"
"Exit status: 0 done, 1 a file or directory could not be read or written\n"
"(or is not KTAP), 64 usage error (EX_USAGE; never 2 or 3, which\n"
"kselftest reads as XFAIL and XPASS).\n";

static int cmd_derive(int argc, char **argv)
{
	char msg[1024];
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "kmc-results derive: no directory given (kmc-results --help)\n");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (kr_derive_dir(argv[i], msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: %s\n", msg);
			bad = 1;
			continue;
		}
		printf("%s: derived (junit.xml, kcidb.json, the text summary)\n", argv[i]);
	}
	return bad;
}

static int cmd_adopt(int argc, char **argv)
{
	const char *kind = "adopted", *ktap = NULL;
	char msg[1024];
	int bad = 0, i = 1;

	for (; i < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (i + 1 >= argc) {
			fprintf(stderr, "kmc-results adopt: %s needs a value\n", argv[i]);
			return EXIT_USAGE;
		}
		if (!strcmp(argv[i], "--kind"))
			kind = argv[i + 1];
		else if (!strcmp(argv[i], "--ktap"))
			ktap = argv[i + 1];
		else {
			fprintf(stderr, "kmc-results adopt: unknown option %s\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		fprintf(stderr, "kmc-results adopt: no directory given (kmc-results --help)\n");
		return EXIT_USAGE;
	}
	for (; i < argc; i++) {
		if (kr_run_adopt(argv[i], kind, ktap, KMC_VERSION, msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: %s\n", msg);
			bad = 1;
			continue;
		}
		printf("%s: run.json junit.xml kcidb.json\n", argv[i]);
	}
	return bad;
}

static void print_tests(const struct kt_test *t, unsigned int n, const char *prefix)
{
	for (unsigned int i = 0; i < n; i++) {
		char name[1024];

		snprintf(name, sizeof(name), "%s%s", prefix, t[i].name ? t[i].name : "?");
		printf("%-7s %s%s\n", kt_status_names[t[i].closed ? t[i].status : KT_MISS], name,
		       t[i].closed ? "" : " (never closed)");
		if (t[i].nsub) {
			char sub[1100];

			snprintf(sub, sizeof(sub), "%s/", name);
			print_tests(t[i].sub, t[i].nsub, sub);
		}
	}
}

static int cmd_ktap(int argc, char **argv)
{
	char msg[1024];
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "kmc-results ktap: no file given (kmc-results --help)\n");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		struct kt_doc d;
		unsigned int c[KT_NSTATUS] = { 0 };

		if (kt_parse_file(argv[i], &d, msg, sizeof(msg))) {
			fprintf(stderr, "kmc-results: %s\n", msg);
			bad = 1;
			continue;
		}
		print_tests(d.tests, d.ntests, "");
		kt_count_leaves(d.tests, d.ntests, c);
		printf("# %s: KTAP %d, %u top-level tests (plan %d), pass:%u fail:%u xfail:%u "
		       "xpass:%u skip:%u error:%u timeout:%u%s%s%s\n", argv[i], d.version, d.ntests,
		       d.plan, c[KT_PASS], c[KT_FAIL], c[KT_XFAIL], c[KT_XPASS], c[KT_SKIP],
		       c[KT_ERROR], c[KT_TIMEOUT], d.truncated ? ", truncated" : "",
		       d.bailed ? ", bailed out" : "", d.have_totals ? "" : ", no totals line");
		kt_doc_free(&d);
	}
	return bad;
}

/* LAVA names: [A-Za-z0-9._-] */
static void lava_name(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 1 < len; s++)
		out[o++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_' ? *s : '_';
	out[o] = 0;
	if (!o)
		snprintf(out, len, "_");
}

static const char *lava_result(enum kt_status s)
{
	switch (s) {
	case KT_PASS: case KT_XFAIL: return "pass";
	case KT_SKIP: return "skip";
	case KT_MISS: return "unknown";
	default: return "fail";
	}
}

/*
 * One LAVA test case per group of each file (kr_case_group: a vector's
 * group, a lab's configuration), its result the worst of its tests; before
 * it a "note" line for each test that did not pass, so that LAVA's log
 * names them and their mismatch.
 */
struct lava_member {
	char group[256];
	unsigned int k, first;	/* the case, the first case of its group */
};

static int by_group(const void *a, const void *b)
{
	const struct lava_member *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	return c ? c : (x->k > y->k) - (x->k < y->k);
}

static int by_first(const void *a, const void *b)
{
	const struct lava_member *x = a, *y = b;

	return x->first != y->first ? (x->first > y->first) - (x->first < y->first) :
	       (x->k > y->k) - (x->k < y->k);
}

static int lava_suite(const struct kr_suite *s)
{
	struct lava_member *m = calloc(s->n + 1, sizeof(*m));
	char name[1024], full[1024];
	size_t stem = strlen(s->name);

	if (!m)
		return -1;
	lava_name(s->name, name, sizeof(name));
	printf("set %s\n", name);
	if (stem > 4 && !strcmp(s->name + stem - 4, ".kmv"))
		stem -= 4;
	else if (stem > 5 && !strcmp(s->name + stem - 5, ".ktap"))
		stem -= 5;
	/* the cases grouped (n log n), the groups in the order they first appear */
	for (unsigned int k = 0; k < s->n; k++) {
		kr_case_group(&s->cases[k], m[k].group, sizeof(m[k].group));
		m[k].k = k;
	}
	qsort(m, s->n, sizeof(*m), by_group);
	for (unsigned int i = 0; i < s->n; i++)
		m[i].first = i && !strcmp(m[i].group, m[i - 1].group) ? m[i - 1].first : m[i].k;
	qsort(m, s->n, sizeof(*m), by_first);
	for (unsigned int i = 0; i < s->n;) {
		enum kt_status w = KT_NSTATUS;
		unsigned int j;

		for (j = i; j < s->n && m[j].first == m[i].first; j++) {
			const struct kr_case *c = &s->cases[m[j].k];
			char *msg;

			if (w == KT_NSTATUS || kr_status_rank(c->status) > kr_status_rank(w))
				w = c->status;
			if (c->status == KT_PASS || c->status == KT_XFAIL || c->status == KT_SKIP)
				continue;
			msg = kr_case_message(c);
			printf("note %s %s%s%s\n", kt_status_names[c->status], c->name,
			       msg && *msg ? ": " : "", msg ? msg : "");
			free(msg);
		}
		/* FILE.GROUP: unique in the run (host.mmio, kvm.mmio) */
		snprintf(full, sizeof(full), "%.*s.%s", (int)stem, s->name, m[i].group);
		lava_name(full, name, sizeof(name));
		printf("case %s %s\n", name, lava_result(w));
		i = j;
	}
	printf("end\n");
	free(m);
	return 0;
}

static int cmd_lava(int argc, char **argv)
{
	struct kr_results res;
	char msg[1024];
	size_t l;
	int file;

	if (argc != 2) {
		fprintf(stderr, "kmc-results lava: want one FILE or DIR (kmc-results --help)\n");
		return EXIT_USAGE;
	}
	l = strlen(argv[1]);
	file = l > 5 && !strcmp(argv[1] + l - 5, ".ktap");
	if ((file ? kr_results_load_ktap : kr_results_load)(argv[1], &res, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-results: %s\n", msg);
		return 1;
	}
	for (unsigned int i = 0; i < res.nsuites; i++)
		if (lava_suite(&res.suites[i])) {
			kr_results_free(&res);
			fprintf(stderr, "kmc-results: out of memory\n");
			return 1;
		}
	printf("case %s %s\n", file ? "ktap-complete" : "run-complete", res.interrupted ? "fail" : "pass");
	kr_results_free(&res);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kmc-results %s\n", KMC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "derive"))
		return cmd_derive(argc - 1, argv + 1);
	if (!strcmp(argv[1], "adopt"))
		return cmd_adopt(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ktap"))
		return cmd_ktap(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lava"))
		return cmd_lava(argc - 1, argv + 1);
	if (!strcmp(argv[1], "report")) {
		int ret = kr_report_main(argc - 1, argv + 1);

		/* harness/report/report.c says 2 for a usage error */
		return ret == 2 ? EXIT_USAGE : ret;
	}
	fprintf(stderr, "kmc-results: unknown command '%s' (kmc-results --help)\n", argv[1]);
	return EXIT_USAGE;
}
