// SPDX-License-Identifier: GPL-2.0
/* `kmc-results report`: its options, the runs and comparisons it reads, its two files (report.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "labrun.h"
#include "report.h"
#include "sections.h"
#include "util.h"

#define EXIT_USAGE	2

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
	struct kr_comparison *cmp;
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
		prevdir = auto_prev = kr_report_find_previous(&runs[0]);
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
	ret = kr_report_page(a.fp, out, title, runs, labs, nruns, cmp, ncmp, covdir);
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
