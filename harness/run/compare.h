/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compare what a backend observed with what a vector expects: only the keys
 * the record lists and the ops that have a result.  Values are compared in
 * their vector-file spelling, so a diff reads like the file.
 */
#ifndef KMC_COMPARE_H
#define KMC_COMPARE_H

#include "kmv.h"

struct kmc_diff {
	unsigned int line;	/* source line of the expect/op */
	int op;			/* op number, or -1 for a key */
	int key;		/* enum kmv_key when op < 0 */
	char what[160];		/* "bugs", "op rdmsr 0x10a" */
	char exp[KMV_VALMAX];	/* the record's expectation */
	char got[KMV_VALMAX];
	char was[KMV_VALMAX];	/* kmc_compare_obs: the first observation's value */
	char note[160];		/* lists: "missing a; extra b" */
};

struct kmc_cmp {
	unsigned int ndiff;
	struct kmc_diff diff[KMV_K_NR + KMC_MAX_OPS];	/* by line */
	uint32_t findings;	/* expected, non-empty findings that held */
};

/* Compare @got with @r's expectations.  Returns the number of mismatches. */
unsigned int kmc_compare(const struct kmv_record *r, const struct kmc_obs *got,
			 struct kmc_cmp *c);
/*
 * Which of @r's compared items differ between two observations @a and
 * @b (e.g. stock ref and ref with a variant).  diff.was is @a's value,
 * diff.got @b's, diff.exp the record's expectation.
 */
unsigned int kmc_compare_obs(const struct kmv_record *r, const struct kmc_obs *a,
			     const struct kmc_obs *b, struct kmc_cmp *c);

/* "FILE:LINE: what: expected X, got Y (note)" */
int kmc_diff_format(const struct kmv_record *r, const struct kmc_diff *d,
		    char *buf, size_t len);

#endif
