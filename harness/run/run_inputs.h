/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmc-run's inputs: the vector files named on the command line (a
 * directory's *.kmv in name order), read twice, streaming, and never held
 * in memory.  A first pass plans (counts the selected vectors for the KTAP
 * plan, lists them in vectors.tsv, finds the file's error, hashes the
 * bytes); a second runs each vector as it is read.  A regular file is
 * read again from the same descriptor and its hash compared; anything
 * else (a pipe) is copied aside in the first pass and run from the copy.
 */
#ifndef KMC_RUN_INPUTS_H
#define KMC_RUN_INPUTS_H

#include <stdio.h>
#include "kmv.h"
#include "run_args.h"

/* One input file (or a directory that could not be used) */
struct input {
	char *path;
	char *name;		/* the top-level test's name */
	int failed;		/* f.err/f.errmsg say why; nothing to read */
	struct kmv_file f;	/* the first pass: the file's error (no records) */
	int fd;			/* the input, open for the second pass (-1: none) */
	int spool;		/* a copy of what the first pass read, to run from (-1: none) */
	unsigned int nrecs;	/* records read in the first pass */
	unsigned int nsel;	/* ... of them selected: the group's plan */
	/* SHA-256 of the bytes read (and run), for the results directory */
	char sha[65];
	int hashed;		/* sha is set */
	char *partial;		/* NULL: the whole file; else what sha is of */
};

/* The first pass: what it learns of the selected vectors */
struct plan {
	const struct run_opts *o;
	struct input *in;
	FILE *tsv;		/* --results: vectors.tsv's lines, copied in later */
	unsigned int nvec;	/* lines in tsv */
	uint32_t profiles;	/* kmc_profile_at() bits of the selected vectors */
};

/* @r passes --id, --group and --profile */
int run_selected(const struct run_opts *o, const struct kmv_record *r);

/* The inputs of @args, directories expanded to their *.kmv files, sorted by name */
void run_inputs_expand(const struct strv *args, struct input **in, unsigned int *n);
/*
 * The first pass over every input.  Its id set screens (fixed memory);
 * only when it found ids that may be duplicates is the pass made again,
 * exact for those.  Returns the set, ready for the second pass.
 */
struct kmv_idset *run_inputs_plan(struct input *in, unsigned int n, struct plan *pl);
/*
 * The second pass over @in: @each for every record, from the bytes the
 * first pass read.  @sha is the hash of what ran; *@unreadable is set when
 * reading again failed part way.  1 when @each stopped it, else 0 (@f has
 * the file's error, if any; in->f when it could not be read again).
 */
int run_input_again(struct input *in, struct kmv_idset *ids,
		    int (*each)(void *arg, const struct kmv_record *r), void *arg,
		    struct kmv_file *f, char sha[65], int *unreadable);
void run_inputs_free(struct input *in, unsigned int n);

/* An unnamed file in $TMPDIR, gone when closed; -1 with errno */
int run_anon_file(void);

#endif
