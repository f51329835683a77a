/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report's sections, each in a file of its own (coverage.c, matrix.c,
 * findings.c, diff.c), and the page that puts them together (page.c).
 */
#ifndef KR_SECTIONS_H
#define KR_SECTIONS_H

#include <stdio.h>
#include "derive.h"
#include "labrun.h"

#define MAX_LISTED	200	/* rows of a failure or diff table */

/* Distinct strings in the order first seen: a matrix's rows or columns, the findings' names */
struct axis {
	char **v;
	unsigned int n;
};

/* @s's index, added if new; -1 on ENOMEM */
int kr_axis_index(struct axis *a, const char *s);
void kr_axis_free(struct axis *a);

/* A run and what it is compared with */
struct kr_comparison {
	const struct kr_results *cur;
	struct kr_results old;
	const char *what;		/* "the previous run", "the baseline" */
	unsigned int count[5];		/* by kind, diff_kinds[] */
};

/* FAIL, XPASS, ERROR, TIMEOUT, MISS: what the failures section lists and the diff calls failing */
int kr_status_bad(enum kt_status s);
/* The runs of one lab (@kind) in kernel order: their count, indices into @order */
unsigned int kr_report_lab_order(const struct kr_labrun *labs, unsigned int nruns, const char *kind,
				 unsigned int *order);
/* The newest other run beside @res's directory with the same backend that started before it */
char *kr_report_find_previous(const struct kr_results *res);

void kr_report_coverage(FILE *fp, const char *out, const char *dir);
void kr_report_matrix(FILE *fp, const struct kr_results *res, unsigned int idx);
void kr_report_lab_matrix(FILE *fp, const struct kr_results *runs, const struct kr_labrun *labs,
			  unsigned int nruns, const char *kind);
void kr_report_findings(FILE *fp, struct kr_results *runs, unsigned int nruns);
void kr_report_failures(FILE *fp, struct kr_results *runs, unsigned int nruns);
void kr_report_diffs(FILE *fp, struct kr_comparison *cmp, unsigned int n);
/* index.html, to @fp: 0 or -EIO */
int kr_report_page(FILE *fp, const char *out, const char *title, struct kr_results *runs,
		   const struct kr_labrun *labs, unsigned int nruns, struct kr_comparison *cmp,
		   unsigned int ncmp, const char *covdir);

#endif
