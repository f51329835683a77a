/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of the results directory's code share (rundir.h is the interface). */
#ifndef KR_RUNDIR_INTERNAL_H
#define KR_RUNDIR_INTERNAL_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>
#include "digest.h"
#include "rundir.h"

struct kr_run {
	char dir[4096];
	char id[512];
	int dirfd;		/* the run's directory (-1: none, use dir) */
	FILE *ktap, *vectors, *log;
	json_t *meta;
	struct timespec start;
	struct sha256_ctx set;	/* over "SHA256  BASENAME\n" of each input */
	unsigned int ninputs, nvectors;
	int begun;
};

/* A JSON string from any bytes (jansson wants valid UTF-8) */
json_t *kr_run_jstr(const char *s);
/* Append @v (taken) to the array at dotted @key, made as needed: 0 or -ENOMEM */
int kr_run_append(struct kr_run *r, const char *key, json_t *v);
/* run.json, replaced atomically (a new temporary name each time, then rename) */
int kr_run_write_meta(struct kr_run *r, char *msg, size_t len);
/* Close a file we wrote, making sure it reached the disk: 0 or -errno */
int kr_run_close_synced(FILE **fp);
/* suite.*: the name, @version, the git commit of @cwd and whether it is dirty */
void kr_run_suite_facts(struct kr_run *r, const char *version, const char *cwd);
/* runner.facts: the machine kmc-run runs on */
void kr_run_runner_facts(struct kr_run *r);

#endif
