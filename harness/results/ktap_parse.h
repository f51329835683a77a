/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP reader (Documentation/dev-tools/ktap.rst): builds the tree of
 * tests of one KTAP (or TAP 13/14) stream.  It takes kmc-run's output
 * (nested by indentation, "KTAP version 1" then "# Subtest:", diagnostics
 * before the result, "# FINDING" lines; kmc-run before 0.2 put
 * "# Subtest:" first and diagnostics after the result, and is still
 * read), KUnit's (as the kernel prints it: 4-space or tab indentation,
 * printk's time stamp before every line, kernel log noise in between),
 * the emulated lab's flat output (diagnostics before the result, "# text"
 * after a result), and the stream of a run that was killed: an
 * unterminated last line is dropped, open subtests are kept as unclosed,
 * and the document says it is truncated.  Lines it does not understand
 * (kernel log noise) are counted and skipped.  What is not KTAP at all
 * (a line longer than KT_LINE_MAX, a NUL byte, nesting deeper than
 * KT_MAX_DEPTH) stops it with an error naming the line.
 */
#ifndef KR_KTAP_PARSE_H
#define KR_KTAP_PARSE_H

#include <stddef.h>
#include <stdio.h>

/* Longest line read (longer: not KTAP), deepest nesting of subtests */
#define KT_LINE_MAX	(1 << 20)
#define KT_MAX_DEPTH	64

enum kt_status {
	KT_PASS,
	KT_FAIL,
	KT_XFAIL,	/* ok # XFAIL, or not ok # TODO */
	KT_XPASS,	/* ok # XPASS, or ok # TODO */
	KT_SKIP,
	KT_ERROR,
	KT_TIMEOUT,
	KT_MISS,	/* planned or started but never reported */
	KT_NSTATUS
};

extern const char *const kt_status_names[KT_NSTATUS];	/* "PASS", ... */

struct kt_test {
	char *name;
	unsigned int num;	/* as printed, 0 if it never printed a result */
	unsigned int line;	/* its result line in the stream, 0 if none */
	enum kt_status status;
	char *directive;	/* "SKIP", "XFAIL", ... as written, or NULL */
	char *reason;		/* text after the directive, or after a plain '#' */
	char *diag;		/* its diagnostic lines without "# ", '\n'-joined, or NULL */
	char **findings;	/* "# FINDING NAMES: id" NAMES, one per line seen */
	unsigned int nfindings;
	struct kt_test *sub;	/* subtests */
	unsigned int nsub;
	int plan;		/* its subtests' plan, -1 if none */
	int closed;		/* 0: a subtest block whose own result line never came */
};

struct kt_doc {
	char *path;
	int version;		/* KTAP 1, TAP 13/14, 0 if no version line */
	int plan;		/* top-level plan, -1 if none */
	struct kt_test *tests;	/* top-level tests */
	unsigned int ntests;
	char *diag;		/* top-level diagnostics not attached to a test */
	int have_totals;	/* a "# Totals:" line */
	unsigned int totals[6];	/* pass fail xfail xpass skip error */
	int bailed;		/* "Bail out!" */
	char *bail;		/* its text */
	int partial_line;	/* the last line had no newline (it was dropped) */
	int truncated;		/* partial line, unclosed subtest, plan not met, or bail-out */
	int kmc;		/* written by kmc-run ("# kmc-run ..." header) */
	unsigned int nlines, nunknown;
};

/*
 * 0, or a negative errno with "PATH: reason" in @msg: I/O, memory, and
 * -EINVAL with "PATH:LINE: reason" for a stream that is not KTAP
 */
int kt_parse(FILE *fp, const char *path, struct kt_doc *d, char *msg, size_t len);
int kt_parse_file(const char *path, struct kt_doc *d, char *msg, size_t len);
void kt_doc_free(struct kt_doc *d);
/* Free what @t holds, its subtests too (not @t itself) */
void kt_test_free(struct kt_test *t);

/* KT_* for "PASS", "FAIL", ... (case-insensitive), or -1 */
int kt_status_parse(const char *name);
/* Counts of the leaves (tests without subtests) under @t, by status */
void kt_count_leaves(const struct kt_test *t, unsigned int n, unsigned int counts[KT_NSTATUS]);
/* Find a direct child test by name, or NULL */
struct kt_test *kt_find(struct kt_test *tests, unsigned int n, const char *name);

#endif
