// SPDX-License-Identifier: GPL-2.0
/* Expectation vs observation (harness/run/compare.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "check_main.h"

static struct kmv_file f;
static const struct kmv_record *r;

/* A record with a few keys and ops; the profile/CPU are the catalog's first */
static void setup(void)
{
	char text[2048], msg[512];
	FILE *fp;

	snprintf(text, sizeof(text),
		 "kmv 1\n"
		 "vector c.1 profile=%s\n"
		 "  host cpu=%s\n"
		 "  op set_cpuid arch_capabilities -> ok\n"
		 "  op rdmsr 0x10a -> 0x69\n"
		 "  op run\n"
		 "  op verw -> clears\n"
		 "  expect bugs=spectre_v1,mds\n"
		 "  expect kvm.arch_cap=0x69\n"
		 "  expect sysfs.mds=\"Not affected\"\n"
		 "  expect findings=verw_promise_kvm\n",
		 kmc_profile_at(0)->name, kmc_cpus[0].name);
	fp = fmemopen(text, strlen(text), "r");
	ck_assert_int_eq(kmv_read(fp, "c.kmv", 0, NULL, &f, msg, sizeof(msg)), 0);
	fclose(fp);
	r = &f.recs[0];
}

static void teardown(void)
{
	kmv_file_free(&f);
}

/* An observation that matches the record */
static struct kmc_obs matching(void)
{
	struct kmc_obs o = r->exp;

	/* fields the record does not pin may hold anything */
	o.host_feat = 0x1234;
	o.vcpu_arch_cap = 7;
	o.fb_clear_ctrl = 1;
	o.nres = 4;
	o.res[2].kind = KMC_RES_OK;	/* op run: not checked */
	return o;
}

START_TEST(matching_observation_has_no_diff)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;

	ck_assert_uint_eq(kmc_compare(r, &o, &c), 0);
	ck_assert_uint_eq(c.findings, KMC_FINDING_VERW_PROMISE_KVM);
}
END_TEST

START_TEST(unchecked_op_result_is_ignored)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;

	o.res[2].kind = KMC_RES_GP;
	ck_assert_uint_eq(kmc_compare(r, &o, &c), 0);
}
END_TEST

START_TEST(diffs_name_line_key_and_values_in_line_order)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;
	char buf[1024];

	o.bugs = KMC_B(SPECTRE_V1) | KMC_B(TAA);
	o.res[1] = (struct kmc_result){ .kind = KMC_RES_GP };
	strcpy(o.sysfs_mds, "Vulnerable");
	ck_assert_uint_eq(kmc_compare(r, &o, &c), 3);
	kmc_diff_format(r, &c.diff[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "c.kmv:5: op rdmsr 0x10a: expected 0x69, got gp");
	kmc_diff_format(r, &c.diff[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "c.kmv:8: bugs: expected spectre_v1,mds, got spectre_v1,taa "
			 "(missing mds; extra taa)");
	kmc_diff_format(r, &c.diff[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "c.kmv:10: sysfs.mds: expected \"Not affected\", got \"Vulnerable\"");
	ck_assert_int_eq(c.diff[0].op, 1);
	ck_assert_int_eq(c.diff[1].key, KMV_K_BUGS);
}
END_TEST

START_TEST(missing_op_result_is_a_diff)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;

	o.nres = 1;
	ck_assert_uint_eq(kmc_compare(r, &o, &c), 2);
	ck_assert_str_eq(c.diff[0].got, "(not run)");
	ck_assert_str_eq(c.diff[1].what, "op verw");
}
END_TEST

START_TEST(equivalent_encodings_compare_equal)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;

	/* a value the file does not print (the n of a VALUE) does not matter */
	o.res[1].n = 3;
	o.res[1].exit = 9;
	ck_assert_uint_eq(kmc_compare(r, &o, &c), 0);
}
END_TEST

START_TEST(finding_needs_the_vector_to_pin_it_and_hold)
{
	struct kmc_obs o = matching();
	struct kmc_cmp c;

	o.findings = KMC_FINDING_VERW_PROMISE_KVM | KMC_FINDING_MMIO_VERW_ORDER;
	ck_assert_uint_eq(kmc_compare(r, &o, &c), 1);
	ck_assert_uint_eq(c.findings, 0);
	ck_assert_str_eq(c.diff[0].note, "extra mmio_verw_order");
}
END_TEST

START_TEST(compare_obs_lists_what_changed)
{
	struct kmc_obs a = matching(), b = matching();
	struct kmc_cmp c;

	b.kvm_arch_cap = 0x20069;
	b.host_feat = 0;	/* not pinned by the record: not a change */
	ck_assert_uint_eq(kmc_compare_obs(r, &a, &b, &c), 1);
	ck_assert_str_eq(c.diff[0].what, "kvm.arch_cap");
	ck_assert_str_eq(c.diff[0].exp, "0x69");
	ck_assert_str_eq(c.diff[0].was, "0x69");
	ck_assert_str_eq(c.diff[0].got, "0x20069");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, matching_observation_has_no_diff);
	tcase_add_test(tc, unchecked_op_result_is_ignored);
	tcase_add_test(tc, diffs_name_line_key_and_values_in_line_order);
	tcase_add_test(tc, missing_op_result_is_a_diff);
	tcase_add_test(tc, equivalent_encodings_compare_equal);
	tcase_add_test(tc, finding_needs_the_vector_to_pin_it_and_hold);
	tcase_add_test(tc, compare_obs_lists_what_changed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
