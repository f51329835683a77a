/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One results directory per run (docs/results.md):
 *
 *   run.json        written at the start with "status": "running" and
 *                   "interrupted": true, atomically replaced at the end
 *   kmc-run.ktap    the KTAP stream, written line by line as the run goes
 *   vectors.tsv     every selected vector, written before the first runs
 *   logs/kmc-run.log
 *   junit.xml, kcidb.json, summary.txt   derived from the KTAP at the end
 *                   (kmc-results derive DIR makes them again)
 *
 * A kill at any point leaves a directory that kmc-results can read.  The
 * directory is made whole under a hidden name beside DIR, with its
 * run.json, and renamed to DIR in one step: nobody sees DIR without a
 * run.json, and of two runs given the same DIR one gets it and the other
 * is refused.  Every file is created with O_EXCL|O_NOFOLLOW.  Errors are
 * a negative errno and "PATH: reason".
 */
#ifndef KR_RUNDIR_H
#define KR_RUNDIR_H

#include <stddef.h>
#include <stdio.h>

#define KR_RUN_JSON	"run.json"
#define KR_RUN_KTAP	"kmc-run.ktap"
#define KR_RUN_VECTORS	"vectors.tsv"
#define KR_RUN_LOG	"logs/kmc-run.log"
#define KR_JUNIT	"junit.xml"
#define KR_KCIDB	"kcidb.json"
#define KR_SUMMARY	"summary.txt"

struct kr_run;

/*
 * Create the directory: @dir, which must not exist or be empty, or with
 * @dir NULL or "auto", results/runs/<UTC time>_<backend> (and a
 * results/runs/latest symlink).  It appears with a run.json that says
 * "running".  Records the command line, the working directory, the suite
 * version and git commit, and facts about the machine kmc-run runs on
 * (each with its source).
 */
int kr_run_open(struct kr_run **out, const char *dir, const char *backend,
		const char *suite_version, int argc, char **argv, char *msg, size_t len);
const char *kr_run_dir(const struct kr_run *r);
/* The KTAP file, to mirror the run's KTAP into */
FILE *kr_run_ktap(struct kr_run *r);

/* run.json values; @key is a dotted path of objects ("vectors.selected") */
void kr_run_set_str(struct kr_run *r, const char *key, const char *val);
void kr_run_set_num(struct kr_run *r, const char *key, double val);
void kr_run_set_bool(struct kr_run *r, const char *key, int val);
void kr_run_append_str(struct kr_run *r, const char *key, const char *val);
/* A fact about a host: @section "runner" (where kmc-run runs) or "host" (under test) */
void kr_run_fact(struct kr_run *r, const char *section, const char *name, const char *value,
		 const char *source);
/* A vector input file: its hash goes into vectors.files[] and the set hash */
int kr_run_input(struct kr_run *r, const char *path, char *msg, size_t len);
/*
 * The same with the hash of the bytes the caller read (and ran): the file
 * is not read again.  @note, if not NULL, says what the hash is of when it
 * is not the whole file ("sha256_of").
 */
int kr_run_input_hash(struct kr_run *r, const char *path, const char *hex, const char *note);
/* One selected vector, a line of vectors.tsv */
void kr_run_vector(struct kr_run *r, const char *top, const char *id, const char *group,
		   const char *profile, const char *host, const char *where);
/* The same line into @fp (a file to copy in later with kr_run_vectors_copy) */
void kr_vectors_line(FILE *fp, const char *top, const char *id, const char *group,
		     const char *profile, const char *host, const char *where);
/* Append @from (lines of kr_vectors_line, @n of them) to vectors.tsv; 0 or -EIO */
int kr_run_vectors_copy(struct kr_run *r, FILE *from, unsigned int n, char *msg, size_t len);
/*
 * Input @path (given to kr_run_input_hash) was read again to run and its
 * bytes differed: the hash of what ran goes beside the planned one
 * ("sha256_ran").  0 or -ENOMEM.
 */
int kr_run_input_ran(struct kr_run *r, const char *path, const char *hex);
/* A line in logs/kmc-run.log, time-stamped */
void kr_run_log(struct kr_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write run.json ("running") and close vectors.tsv: call once the run is set up */
int kr_run_begin(struct kr_run *r, char *msg, size_t len);

struct kr_totals {
	unsigned int pass, fail, xfail, xpass, skip, error, findings;
};
/*
 * The end: @signo 0 for a run that finished ("complete"), else the signal
 * that stopped it ("interrupted").  Closes the KTAP, derives
 * junit.xml/kcidb.json/summary.txt, and only then replaces run.json: a
 * kill before that leaves "running".  When something cannot be written
 * (a full disk) it returns the error, and run.json says "error" with
 * "exit_code" KR_EXIT_RESULTS (the caller exits with it), or, when
 * run.json itself cannot be written, still "running".  Frees @r.
 */
#define KR_EXIT_RESULTS	1
int kr_run_finish(struct kr_run *r, int signo, int exit_code, const struct kr_totals *t,
		  char *msg, size_t len);
/* Free without finishing (run.json keeps saying "running") */
void kr_run_abandon(struct kr_run *r);

/*
 * Make a directory some other tool wrote (the emulated lab's per-kernel
 * directory) a results directory: when it has no run.json, write one that
 * says what is there — @kind, the KTAP file @ktap (NULL: every *.ktap),
 * the *.kmv files and their set hash, the suite version and commit, the
 * times of the KTAP files, interrupted when the KTAP was cut short — and
 * with "summary": "kmc-summary.txt" so that nothing of the tool's is
 * overwritten; then derive.
 */
int kr_run_adopt(const char *dir, const char *kind, const char *ktap, const char *suite_version,
		 char *msg, size_t len);

#endif
