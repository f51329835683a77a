/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The HTML report (make report): one static index.html and its report.css,
 * no script, nothing fetched.  kr_report_main is `kmc-results report`.
 */
#ifndef KR_REPORT_H
#define KR_REPORT_H

#include <stddef.h>
#include "derive.h"

/* `kmc-results report [OPTIONS] RUN...` (argv[0] is "report") */
int kr_report_main(int argc, char **argv);

/* Coverage of one lcov tracefile, summed per top directory (model/, ref/, ...) */
struct kr_cov_file {
	char *path;		/* relative to the tree when it can be */
	unsigned long lf, lh, brf, brh;
};
struct kr_cov {
	struct kr_cov_file *f;
	unsigned int n;
	char *info;		/* the .info file read */
};
/* 0, -ENOENT if @dir has no *.info, or another -errno with a message */
int kr_cov_read(const char *dir, struct kr_cov *c, char *msg, size_t len);
void kr_cov_free(struct kr_cov *c);

/* The matrix row and column of a case (what the report groups by) */
void kr_matrix_key(const struct kr_results *res, const struct kr_suite *s,
		   const struct kr_case *c, char *row, size_t rowlen, char *col, size_t collen);

#endif
