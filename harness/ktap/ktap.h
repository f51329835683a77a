/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP v1 writer (Documentation/dev-tools/ktap.rst, kselftest.h totals and
 * exit codes).  One top-level test per group (kmc-run: per input file),
 * nested subtests per vector, each group opened as KUnit does: its own
 * "KTAP version 1", then "# Subtest: NAME", then its plan.  Diagnostics
 * of a subtest come before its result line (KTAP's convention, what
 * tools/testing/kunit/kunit_parser.py expects): inside a group they are
 * held back until the next result, and go out with it.  Every line is
 * flushed as it is written, so a run that is killed keeps everything it
 * already reported.
 */
#ifndef KMC_KTAP_H
#define KMC_KTAP_H

#include <stdio.h>

enum ktap_verdict {
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_XFAIL,	/* a known divergence, still there */
	KTAP_XPASS,	/* a known divergence that went away: counts as a failure */
	KTAP_SKIP,
	KTAP_ERROR,	/* the harness could not observe */
};

struct ktap_totals {
	unsigned int pass, fail, xfail, xpass, skip, error;
	unsigned int findings;	/* vectors with an architectural finding (not failures) */
};

struct ktap {
	FILE *out;
	int quiet;		/* only failures (with their diagnostics) and totals */
	struct ktap_totals t;	/* over all subtests */
	unsigned int ntop;	/* top-level tests reported */
	/* the open group */
	int in_group;
	char gname[256];
	unsigned int nsub;
	struct ktap_totals g;
	/* diagnostics of the open group waiting for the next result line */
	char *pend;
	size_t plen, pcap;
	int pend_oom;		/* some could not be kept: say so with the result */
	/* called before each line, e.g. to erase a progress line on a terminal */
	void (*before_line)(void *arg);
	void *before_arg;
	/*
	 * Every call is repeated on @mirror, e.g. a full (never quiet) copy
	 * into a results directory (harness/results/rundir.h).  Kept by
	 * ktap_begin like before_line.
	 */
	struct ktap *mirror;
};

/*
 * Exit codes: kselftest's (tools/testing/selftests/kselftest.h KSFT_PASS 0,
 * KSFT_FAIL 1, KSFT_SKIP 4; 2 and 3 are KSFT_XFAIL and KSFT_XPASS, never
 * used here).  A usage error is 64 (EX_USAGE, sysexits.h): not a pass for
 * kselftest's runner (tools/testing/selftests/kselftest/runner.sh reports
 * every status but 0, 4 and 124 as "not ok ... # exit=N").
 */
#define KTAP_EXIT_PASS	0
#define KTAP_EXIT_FAIL	1
#define KTAP_EXIT_SKIP	4
#define KTAP_EXIT_USAGE	64

/*
 * "KTAP version 1" and the plan of @ntop top-level tests.  Resets @k but
 * keeps before_line/before_arg and mirror (zero them first if unused).
 */
void ktap_begin(struct ktap *k, FILE *out, int quiet, unsigned int ntop);
/*
 * "# ..." at the current depth.  Inside a group: a diagnostic of the next
 * result, printed right before it (in quiet mode only if that result is a
 * failure); at the top level: printed at once (not in quiet mode).
 */
void ktap_diag(struct ktap *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Open a top-level test holding @nsub subtests */
void ktap_group_begin(struct ktap *k, const char *name, unsigned int nsub);
/* One result; @reason is the directive text for SKIP/XFAIL/XPASS/ERROR, may be NULL */
void ktap_result(struct ktap *k, enum ktap_verdict v, const char *name, const char *reason);
/* `# FINDING <names>: <id>` before the passing vector's result, and count it */
void ktap_finding(struct ktap *k, const char *names, const char *id);
/* Close the group: its own ok/not ok line (SKIP if nothing in it ran) */
void ktap_group_end(struct ktap *k);
/* A closing "# ..." line at the top level, printed in quiet mode too */
void ktap_summary(struct ktap *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `# Totals: ...` and `# Findings: N` */
void ktap_end(struct ktap *k);
/* `Bail out! <reason>` at the top level (the run stops; groups stay open) */
void ktap_bail(struct ktap *k, const char *reason);
/* 0 all passed (skips allowed if something passed), 1 any fail/xpass/error, 4 all skipped */
int ktap_exit_code(const struct ktap_totals *t);

#endif
