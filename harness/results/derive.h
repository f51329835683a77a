/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a results directory holds, read back (run.json, the KTAP, vectors.tsv:
 * load.c, suites.c), and the files derived from it (derive.c): JUnit XML
 * (junit.c), KCIDB v5 JSON (kcidb.c), a text summary (summary.c).  The
 * mapping of statuses is in docs/results.md.  Errors are a negative errno
 * and "PATH: reason".
 */
#ifndef KR_DERIVE_H
#define KR_DERIVE_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>
#include "ktap_parse.h"

/* One line of vectors.tsv: a vector kmc-run selected */
struct kr_vecinfo {
	char *top, *id, *group, *profile, *host, *where;
};

/* A leaf test: a testcase in JUnit, a test in KCIDB */
struct kr_case {
	char *name;			/* within its suite */
	enum kt_status status;
	const struct kt_test *t;	/* NULL: never reported (MISS) */
	const struct kr_vecinfo *vi;	/* from vectors.tsv, or NULL */
	const char *why;		/* MISS: why */
};

/* A top-level test with subtests, or the flat tests of a KTAP file */
struct kr_suite {
	char *name;
	unsigned int doc;		/* index into docs[] */
	const struct kt_test *t;	/* the top-level test, NULL for a flat suite or a missing one */
	enum kt_status status;		/* MISS: never closed or never started */
	struct kr_case *cases;
	unsigned int n, cap;
};

struct kr_results {
	char *dir;
	json_t *meta;			/* run.json, or NULL */
	struct kt_doc *docs;
	char **labels;			/* KTAP file names without .ktap */
	unsigned int ndocs;
	struct kr_vecinfo *vec;
	unsigned int nvec;
	struct kr_suite *suites;
	unsigned int nsuites;
	unsigned int counts[KT_NSTATUS];	/* over all cases */
	unsigned int findings;		/* cases with a # FINDING */
	/* from run.json, or made up from what the directory holds */
	char *id, *backend, *status, *hostname;
	int interrupted;		/* run.json says so, or the KTAP was cut short */
	struct timespec start;
};

int kr_results_load(const char *dir, struct kr_results *res, char *msg, size_t len);
/* The same with @meta for run.json (what kmc-run is about to write there), NULL: read it */
int kr_results_load_meta(const char *dir, json_t *meta, struct kr_results *res, char *msg,
			 size_t len);
/* Load one KTAP file as a results directory of that file alone (vectors.tsv beside it is read) */
int kr_results_load_ktap(const char *path, struct kr_results *res, char *msg, size_t len);
/*
 * Load @dir to compare with @like: a directory without run.json (a committed
 * baseline) is read the way @like was, from the KTAP file its run.json names
 * (a lab's lab.ktap) when @dir has that file, not from every *.ktap in it.
 */
int kr_results_load_like(const char *dir, const struct kr_results *like, struct kr_results *res,
			 char *msg, size_t len);
void kr_results_free(struct kr_results *res);
/* The suites and cases of @res from its KTAP documents and vectors: 0 or -ENOMEM */
int kr_results_build_suites(struct kr_results *res);

/* Rank of a status for roll-ups, as KCIDB orders them (FAIL highest, SKIP lowest) */
int kr_status_rank(enum kt_status s);
/* The KCIDB status of a KTAP status */
const char *kr_kcidb_status(enum kt_status s);
/* A string value at a dotted path of run.json, or NULL */
const char *kr_meta_str(const json_t *meta, const char *key);
/* The value of fact @name in run.json's @section ("runner"/"host"), or NULL */
const char *kr_meta_fact(const json_t *meta, const char *section, const char *name);

/*
 * The group of a case, what JUnit's class and a LAVA test case stand for:
 * a vector's second id component (host.mmio.x: "mmio"), a lab test's
 * configuration or layer (vmx.6.1.skx-stock.boot: "skx-stock",
 * lab.6.1.l2.clx-noac: "l2_clx-noac"); dots become '_'.
 */
void kr_case_group(const struct kr_case *c, char *buf, size_t len);
/*
 * What went wrong with a case, on one line: its mismatches ("FILE:LINE: WHAT:
 * expected X, got Y", joined by "; "), else its directive's reason, else its
 * first diagnostic that is not a note.  malloc'd, NULL on ENOMEM.
 */
char *kr_case_message(const struct kr_case *c);
/* "REASON\nDIAG" of a case, malloc'd, NULL on ENOMEM */
char *kr_case_text(const struct kr_case *c);
/* Dots to '_': a dot would add a level to a JUnit class name */
void kr_undot(char *p);

int kr_write_junit(const struct kr_results *res, FILE *fp);
int kr_write_kcidb(const struct kr_results *res, FILE *fp, char *msg, size_t len);
int kr_write_summary(const struct kr_results *res, FILE *fp);

/* Read DIR and (re)write DIR/junit.xml, DIR/kcidb.json, DIR/summary.txt atomically */
int kr_derive_dir(const char *dir, char *msg, size_t len);
/* The same with @meta for run.json (what kmc-run is about to write there) */
int kr_derive_dir_meta(const char *dir, json_t *meta, char *msg, size_t len);

#endif
