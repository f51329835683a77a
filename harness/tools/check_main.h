/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The main() of a libcheck test program: run @suite, exit 0 when every
 * test passed (make check reads libcheck's own summary line).
 */
#ifndef KMC_CHECK_MAIN_H
#define KMC_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int kmc_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
