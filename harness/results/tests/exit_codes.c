// SPDX-License-Identifier: GPL-2.0
/*
 * Exit codes of kmc-run, kmc and kmc-results (docs/kmc-run.md "Exit
 * status"): kselftest's 0 pass, 1 fail, 4 skip, and 64 (EX_USAGE) for a
 * usage error -- never 2 or 3, which kselftest.h names KSFT_XFAIL and
 * KSFT_XPASS.
 */
#include "kr_test.h"

static char *tmp;

static void setup(void)
{
	char p[4300];

	tmp = kr_tmpdir();
	snprintf(p, sizeof(p), "%s/pass.kmv", tmp);
	kr_write(p, "kmv 1\n"
		    "vector t.pass profile=6.1\n"
		    "  host cpu=cascadelake\n"
		    "  op rdmsr 0x10a\n");
	ck_assert_int_eq(kr_sh("cd '%s' && sed 's/op rdmsr 0x10a/expect kvm.arch_cap/' pass.kmv > in.kmv && "
			       "'%s' fill in.kmv > pass.kmv", tmp, kr_bin("kmc")), 0);
	snprintf(p, sizeof(p), "%s/fail.kmv", tmp);
	kr_write(p, "kmv 1\n"
		    "vector t.fail profile=6.1\n"
		    "  host cpu=cascadelake\n"
		    "  expect kvm.arch_cap=0x1\n");
	snprintf(p, sizeof(p), "%s/skip.kmv", tmp);
	kr_write(p, "kmv 1\n"
		    "vector t.skip profile=7.2\n"
		    "  host live\n"
		    "  op rdmsr 0x10a -> gp\n");
	snprintf(p, sizeof(p), "%s/bad-known.txt", tmp);
	kr_write(p, "t.* 6.1\n");
	snprintf(p, sizeof(p), "%s/x.ktap", tmp);
	kr_write(p, "KTAP version 1\n1..1\nok 1 a\n");
}

static void teardown(void)
{
	kr_rmrf(tmp);
	tmp = NULL;
}

static const struct {
	const char *bin, *args;
	int code;
} cases[] = {
	/* kmc-run: kselftest's codes */
	{ "kmc-run", "--known none pass.kmv", 0 },
	{ "kmc-run", "--known none fail.kmv", 1 },
	{ "kmc-run", "--known none pass.kmv fail.kmv", 1 },
	{ "kmc-run", "--known none skip.kmv", 4 },
	{ "kmc-run", "--known none pass.kmv skip.kmv", 0 },
	/* kmc-run: usage errors */
	{ "kmc-run", "", 64 },
	{ "kmc-run", "--nosuch pass.kmv", 64 },
	{ "kmc-run", "--backend", 64 },
	{ "kmc-run", "--backend nosuch pass.kmv", 64 },
	{ "kmc-run", "--profile nosuch pass.kmv", 64 },
	{ "kmc-run", "--variant nosuch pass.kmv", 64 },
	{ "kmc-run", "--backend model --variant fb_clear_synth pass.kmv", 64 },
	{ "kmc-run", "--kernel-variant validate-arch-cap pass.kmv", 64 },	/* kvm only */
	{ "kmc-run", "--backend kvm --kernel-variant nosuch pass.kmv", 64 },
	{ "kmc-run", "--backend kvm --kernel-variant caps-kvm-and-guest pass.kmv", 64 },	/* not in the model */
	{ "kmc-run", "--known bad-known.txt pass.kmv", 64 },
	{ "kmc-run", "--sweep --nosuch", 64 },
	/* filters that match no vector: said, and not a run where everything was skipped */
	{ "kmc-run", "--group nosuch pass.kmv", 64 },
	{ "kmc-run", "--id 'nosuch.*' pass.kmv skip.kmv", 64 },
	{ "kmc-run", "--profile 6.12 pass.kmv", 64 },
	{ "kmc-run", "--known none --group t pass.kmv", 0 },
	{ "kmc-run", "--help", 0 },
	/* kmc */
	{ "kmc", "", 64 },
	{ "kmc", "nosuch", 64 },
	{ "kmc", "profiles extra", 64 },
	{ "kmc", "migrate", 64 },
	{ "kmc", "migrate --from cpu=nosuch --to cpu=cascadelake", 64 },
	{ "kmc", "fill fail.kmv", 0 },
	{ "kmc", "fill /nonexistent.kmv", 1 },
	{ "kmc", "--help", 0 },
	/* kmc-results */
	{ "kmc-results", "", 64 },
	{ "kmc-results", "nosuch", 64 },
	{ "kmc-results", "derive", 64 },
	{ "kmc-results", "ktap", 64 },
	{ "kmc-results", "adopt --kind", 64 },
	{ "kmc-results", "lava", 64 },
	{ "kmc-results", "report --nosuch", 64 },
	{ "kmc-results", "report", 64 },
	{ "kmc-results", "ktap x.ktap", 0 },
	{ "kmc-results", "ktap /nonexistent.ktap", 1 },
	{ "kmc-results", "derive /nonexistent", 1 },
	{ "kmc-results", "--help", 0 },
};

START_TEST(exit_code)
{
	int rc = kr_sh("cd '%s' && '%s' %s >/dev/null 2>&1", tmp, kr_bin(cases[_i].bin), cases[_i].args);

	ck_assert_msg(rc == cases[_i].code, "%s %s: exit %d, want %d", cases[_i].bin, cases[_i].args, rc,
		      cases[_i].code);
	/* kselftest's XFAIL and XPASS are never anyone's answer */
	ck_assert(rc != 2 && rc != 3);
}
END_TEST

START_TEST(a_filter_that_matches_nothing_says_so)
{
	char err[4300], *e;

	snprintf(err, sizeof(err), "%s/err", tmp);
	ck_assert_int_eq(kr_sh("cd '%s' && '%s' --group nosuch pass.kmv fail.kmv >out 2>'%s'", tmp,
			       kr_bin("kmc-run"), err), 64);
	e = kr_slurp(err);
	ck_assert_msg(strstr(e, "kmc-run: no vector matched --group nosuch (of 2 in 2 files") != NULL,
		      "%s", e);
	free(e);
}
END_TEST

/* Each --help says so */
START_TEST(help_texts_name_the_codes)
{
	static const char *const bins[] = { "kmc-run", "kmc", "kmc-results" };

	for (unsigned int i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		ck_assert_msg(kr_sh("'%s' --help | tr '\\n' ' ' | grep -q '64 usage error'", kr_bin(bins[i])) == 0,
			      "%s --help does not name 64", bins[i]);
		ck_assert_msg(kr_sh("'%s' --help | grep -q '2 usage'", kr_bin(bins[i])) != 0,
			      "%s --help still says 2", bins[i]);
	}
	ck_assert(kr_sh("'%s' --sweep --help | grep -q '64 usage error'", kr_bin("kmc-run")) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exit_codes");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, exit_code, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, help_texts_name_the_codes);
	tcase_add_test(tc, a_filter_that_matches_nothing_says_so);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
