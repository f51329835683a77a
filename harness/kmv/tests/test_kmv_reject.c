// SPDX-License-Identifier: GPL-2.0
/*
 * The expected-failure form: a record with `reject "TEXT"` passes when the
 * reader rejects it for a reason containing TEXT (harness/kmv/).
 */
#include "kmv_test.h"

START_TEST(reject_matching_passes_and_reading_goes_on)
{
	struct kmv_file f;
	char msg[512], want[600];

	ck_assert_int_eq(read_text("kmv 1\n"
				   "vector r.1 profile=@P@\n  host cpu=nosuch\n  reject \"unknown CPU 'nosuch'\"\n"
				   "vector r.2 profile=9.9\n  host cpu=@CPU@\n  op frob\n  reject \"unknown profile\"\n"
				   "vector ok.1 profile=@P@\n  host cpu=@CPU@\n",
				   0, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.nrecs, 3);
	ck_assert_int_eq(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)), 1);
	snprintf(want, sizeof(want), "%s:3: unknown CPU 'nosuch' (see kmc cpus)", path);
	ck_assert_str_eq(msg, want);
	/* the first problem counts (the vector line), not the later op */
	ck_assert_int_eq(kmv_reject_ok(&f.recs[1], msg, sizeof(msg)), 1);
	ck_assert_str_eq(f.recs[1].error, "unknown profile '9.9' (see kmc profiles)");
	ck_assert_ptr_null(f.recs[2].reject);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

/* One record read without a problem of the file; kmv_reject_ok's verdict */
static const struct reject_case {
	const char *name;
	const char *text;
	int ok;			/* kmv_reject_ok() */
	const char *msg;	/* its message (@PATH@ expanded), or NULL: not checked */
	const char *error;	/* the record's first problem, or NULL: not checked */
} reject_cases[] = {
	{ "reject of an accepted record fails",
	  "kmv 1\nvector r profile=@P@\n  host cpu=@CPU@\n  reject \"anything\"\n",
	  0, "@PATH@:4: accepted, but expected a rejection containing \"anything\"", NULL },
	{ "reject for another reason fails",
	  "kmv 1\nvector r profile=@P@\n  host cpu=@CPU@ smt=2\n  reject \"unknown CPU\"\n",
	  0, "@PATH@:4: rejected with \"smt=2: expected 0 or 1\" (line 3), "
	     "expected a message containing \"unknown CPU\"", NULL },
	{ "reject before the bad line still counts",
	  "kmv 1\nvector r profile=@P@\n  reject \"no host line\"\n", 1, NULL, NULL },
	{ "two reject lines are a problem of the record",
	  "kmv 1\nvector r profile=@P@\n  host cpu=@CPU@\n  reject \"xyz1\"\n  reject \"xyz2\"\n",
	  0, NULL, "second reject line (first at line 4)" },
};

START_TEST(reject_verdict)
{
	const struct reject_case *c = &reject_cases[_i];
	struct kmv_file f;
	char msg[512];

	ck_assert_msg(read_text(c->text, 0, &f, msg, sizeof(msg)) == 0, "%s: %s", c->name, msg);
	ck_assert_uint_eq(f.nrecs, 1);
	if (c->error)
		ck_assert_str_eq(f.recs[0].error, c->error);
	ck_assert_msg(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)) == c->ok, "%s: %s", c->name, msg);
	if (c->msg) {
		char *want = expand(c->msg);

		ck_assert_str_eq(msg, want);
		free(want);
	}
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(error_after_a_reject_record_stops_the_file)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\nvector r profile=@P@\n  host cpu=x\n  reject \"unknown CPU\"\n"
				   "vector s profile=@P@\n  host cpu=y\n"
				   "vector t profile=@P@\n  host cpu=@CPU@\n",
				   0, &f, msg, sizeof(msg)), -ENOENT);
	ck_assert_uint_eq(f.nrecs, 1);
	ck_assert_uint_eq(f.errline, 6);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kmv-reject");
	TCase *tc = tcase_create("reject");

	tcase_add_test(tc, reject_matching_passes_and_reading_goes_on);
	tcase_add_loop_test(tc, reject_verdict, 0, (int)ARRAY_SIZE(reject_cases));
	tcase_add_test(tc, error_after_a_reject_record_stops_the_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
