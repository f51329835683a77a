// SPDX-License-Identifier: GPL-2.0
/*
 * ref's tables (tables.c, cpu_common.c): the tables generated from the
 * kernel sources, and what a release without a Debian line makes of them.
 */
#include <check.h>
#include <stdlib.h>
#include "ref.h"
#include "internal.h"

static const struct kmc_kver K510 = { 5, 10, 262 }, K61 = { 6, 1, 192 }, K612 = { 6, 12, 117 }, K72 = { 7, 2, 13 },
			     K73 = { 7, 3, 4 };

/* Each profile's release on a Debian line reads that line's source tables */
START_TEST(lines_of_releases)
{
	struct ref_kernel k;

	ref_kernel_init(&k, K510);
	ck_assert_ptr_nonnull(k.line);
	ck_assert_uint_eq(k.line->kver->minor, 10);
	ref_kernel_init(&k, K61);
	ck_assert_ptr_nonnull(k.line);
	ck_assert_uint_eq(k.line->kver->minor, 1);
	ref_kernel_init(&k, K612);
	ck_assert_uint_eq(k.line->kver->minor, 12);
	ref_kernel_init(&k, K72);
	ck_assert_uint_eq(k.line->kver->minor, 2);
	ref_kernel_init(&k, K73);
	ck_assert_ptr_eq(k.line, ref_newest_line());
	ref_kernel_init(&k, (struct kmc_kver){ 6, 16, 0 });
	ck_assert_ptr_null(k.line);
}
END_TEST

/*
 * A release without a Debian line of its own reads the newest line's rows
 * less the later changes (cpu_common.c).  Those changes must be exactly
 * what separates the lines' sources: at each older line's flags the newest
 * line (7.3.4, which has the stable Zen5 TSA row again) less them gives
 * that line's own tables for every CPU.
 */
START_TEST(newest_line_less_later_changes)
{
	/* not 5.10: no release without a line is older than 6.1 */
	const struct kmc_kver lines[] = { K61, K612, K72 };

	for (unsigned int l = 0; l < 3; l++) {
		struct ref_kernel k;

		ref_kernel_init(&k, lines[l]);
		ck_assert_ptr_nonnull(k.line);
		for (int t = KMC_VULN_WHITELIST; t <= KMC_VULN_BLACKLIST; t++)
			for (int v = 0; v < KMC_VENDOR_NR; v++)
				for (int f = 0; f < 0x20; f++)
					for (int m = 0; m < 0x100; m++)
						for (int st = 0; st < 0x10; st++) {
							struct cpuinfo_x86 c = { .vendor = (uint8_t)v,
								.family = (uint8_t)f, .model = (uint8_t)m,
								.stepping = (uint8_t)st };
							unsigned int own = ref_vuln_match(lines[l], t,
								c.vendor, c.family, c.model, c.stepping);
							unsigned int rebuilt = ref_match_newest(&k, t, &c);

							ck_assert_msg(own == rebuilt,
								      "line %u table %d cpu %d %02x_%02x.%x: own 0x%x, rebuilt 0x%x",
								      l, t, v, f, m, st, own, rebuilt);
						}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ref-tables");
	TCase *tc = tcase_create("tables");
	SRunner *r;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lines_of_releases);
	tcase_add_test(tc, newest_line_less_later_changes);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
