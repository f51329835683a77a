// SPDX-License-Identifier: GPL-2.0
/* KTAP writer: format, totals, exit codes, streaming (harness/ktap/ktap.c). */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ktap.h"
#include "kmc/array_size.h"
#include "check_main.h"

/* The run kmc-run would report for two files */
static char *sample_run(int quiet, struct ktap_totals *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct ktap k = { 0 };

	ck_assert_ptr_nonnull(out);
	ktap_begin(&k, out, quiet, 2);
	ktap_group_begin(&k, "a.kmv", 4);
	ktap_result(&k, KTAP_PASS, "v.pass", NULL);
	/* a result's diagnostics first: they go out with it */
	ktap_diag(&k, "a.kmv:3: bugs: expected mds, got -");
	ktap_result(&k, KTAP_FAIL, "v.fail", NULL);
	ktap_result(&k, KTAP_SKIP, "v.skip", "host 'live' needs --backend kvm");
	ktap_result(&k, KTAP_ERROR, "v.err", "boom");
	ktap_group_end(&k);
	ktap_group_begin(&k, "b.kmv", 1);
	ktap_result(&k, KTAP_PASS, "v.find", NULL);
	ktap_finding(&k, "verw_promise_kvm", "v.find");
	ktap_diag(&k, "a note after a pass");
	ktap_group_end(&k);
	ktap_end(&k);
	fclose(out);
	*t = k.t;
	return buf;
}

START_TEST(nested_ktap_with_totals_and_findings)
{
	struct ktap_totals t;
	char *out = sample_run(0, &t);

	ck_assert_str_eq(out,
		"KTAP version 1\n"
		"1..2\n"
		"  KTAP version 1\n"
		"  # Subtest: a.kmv\n"
		"  1..4\n"
		"  ok 1 v.pass\n"
		"  # a.kmv:3: bugs: expected mds, got -\n"
		"  not ok 2 v.fail\n"
		"  ok 3 v.skip # SKIP host 'live' needs --backend kvm\n"
		"  not ok 4 v.err # ERROR boom\n"
		"not ok 1 a.kmv\n"
		"  KTAP version 1\n"
		"  # Subtest: b.kmv\n"
		"  1..1\n"
		"  ok 1 v.find\n"
		"  # FINDING verw_promise_kvm: v.find\n"
		"  # a note after a pass\n"
		"ok 2 b.kmv\n"
		"# Totals: pass:2 fail:1 xfail:0 xpass:0 skip:1 error:1\n"
		"# Findings: 1\n");
	ck_assert_uint_eq(t.pass, 2);
	ck_assert_uint_eq(t.findings, 1);
	ck_assert_int_eq(ktap_exit_code(&t), KTAP_EXIT_FAIL);
	free(out);
}
END_TEST

START_TEST(quiet_prints_only_failures_and_totals)
{
	struct ktap_totals t;
	char *out = sample_run(1, &t);

	ck_assert_str_eq(out,
		"# a.kmv:3: bugs: expected mds, got -\n"
		"not ok 2 v.fail\n"
		"not ok 4 v.err # ERROR boom\n"
		"not ok 1 a.kmv\n"
		"# Totals: pass:2 fail:1 xfail:0 xpass:0 skip:1 error:1\n"
		"# Findings: 1\n");
	free(out);
}
END_TEST

START_TEST(xfail_and_xpass_directives)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct ktap k = { 0 };

	ktap_begin(&k, out, 0, 1);
	ktap_group_begin(&k, "g", 2);
	ktap_result(&k, KTAP_XFAIL, "known", "6.1 lacks it");
	ktap_result(&k, KTAP_XPASS, "fixed", NULL);
	ktap_group_end(&k);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "  ok 1 known # XFAIL 6.1 lacks it\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  ok 2 fixed # XPASS\n"));
	/* an XPASS fails its group: the pin is out of date */
	ck_assert_ptr_nonnull(strstr(buf, "\nnot ok 1 g\n"));
	ck_assert_int_eq(ktap_exit_code(&k.t), KTAP_EXIT_FAIL);
	free(buf);
}
END_TEST

START_TEST(group_with_nothing_run_is_skipped)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct ktap k = { 0 };

	ktap_begin(&k, out, 0, 2);
	ktap_group_begin(&k, "empty.kmv", 0);
	ktap_group_end(&k);
	ktap_group_begin(&k, "live.kmv", 2);
	ktap_result(&k, KTAP_SKIP, "a", "no kvm");
	ktap_result(&k, KTAP_SKIP, "b", "no kvm");
	ktap_group_end(&k);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "  1..0\nok 1 empty.kmv # SKIP no vectors selected\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nok 2 live.kmv # SKIP all 2 skipped\n"));
	/* group lines are summaries, not counted */
	ck_assert_uint_eq(k.t.skip, 2);
	ck_assert_int_eq(ktap_exit_code(&k.t), KTAP_EXIT_SKIP);
	free(buf);
}
END_TEST

/*
 * KTAP's convention (Documentation/dev-tools/ktap.rst): a test's diagnostic
 * lines come before its result line, and a nested block starts with its
 * own version line, then "# Subtest:" -- what kunit_parser.py reads
 */
START_TEST(diagnostics_come_before_their_result)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct ktap k = { 0 }, full = { 0 };
	char *fbuf = NULL;
	size_t flen = 0;

	full.out = open_memstream(&fbuf, &flen);
	k.mirror = &full;
	ktap_begin(&k, out, 1, 1);	/* quiet, with a full mirror (a results directory) */
	ktap_diag(&k, "the run's header");
	ktap_group_begin(&k, "g.kmv", 4);
	ktap_diag(&k, "a note of a passing vector");
	ktap_result(&k, KTAP_PASS, "v.pass", NULL);
	ktap_diag(&k, "g.kmv:3: bugs: expected mds, got -");
	ktap_diag(&k, "rerun: kmc-run --id 'v.fail' g.kmv");
	ktap_result(&k, KTAP_FAIL, "v.fail", NULL);
	ktap_finding(&k, "verw_promise_kvm", "v.find");
	ktap_result(&k, KTAP_PASS, "v.find", NULL);
	ktap_diag(&k, "known, still there");
	ktap_result(&k, KTAP_XFAIL, "v.xfail", "known divergence (k:1): x");
	ktap_group_end(&k);
	ktap_end(&k);
	fclose(out);
	fclose(full.out);
	ck_assert_str_eq(fbuf,
		"KTAP version 1\n"
		"1..1\n"
		"# the run's header\n"
		"  KTAP version 1\n"
		"  # Subtest: g.kmv\n"
		"  1..4\n"
		"  # a note of a passing vector\n"
		"  ok 1 v.pass\n"
		"  # g.kmv:3: bugs: expected mds, got -\n"
		"  # rerun: kmc-run --id 'v.fail' g.kmv\n"
		"  not ok 2 v.fail\n"
		"  # FINDING verw_promise_kvm: v.find\n"
		"  ok 3 v.find\n"
		"  # known, still there\n"
		"  ok 4 v.xfail # XFAIL known divergence (k:1): x\n"
		"not ok 1 g.kmv\n"
		"# Totals: pass:2 fail:1 xfail:1 xpass:0 skip:0 error:0\n"
		"# Findings: 1\n");
	/* quiet: a failure with its diagnostics (before it), nothing of the passes */
	ck_assert_str_eq(buf,
		"# g.kmv:3: bugs: expected mds, got -\n"
		"# rerun: kmc-run --id 'v.fail' g.kmv\n"
		"not ok 2 v.fail\n"
		"not ok 1 g.kmv\n"
		"# Totals: pass:2 fail:1 xfail:1 xpass:0 skip:0 error:0\n"
		"# Findings: 1\n");
	free(buf);
	free(fbuf);
}
END_TEST

static const struct {
	struct ktap_totals t;
	int code;
} codes[] = {
	{ { 0 }, KTAP_EXIT_SKIP },			/* nothing ran */
	{ { .pass = 1 }, KTAP_EXIT_PASS },
	{ { .pass = 1, .skip = 3 }, KTAP_EXIT_PASS },	/* skips allowed when something passed */
	{ { .skip = 3 }, KTAP_EXIT_SKIP },
	{ { .pass = 5, .fail = 1 }, KTAP_EXIT_FAIL },
	{ { .pass = 5, .error = 1 }, KTAP_EXIT_FAIL },
	{ { .skip = 2, .error = 1 }, KTAP_EXIT_FAIL },
	{ { .pass = 5, .xpass = 1 }, KTAP_EXIT_FAIL },
	{ { .xfail = 2 }, KTAP_EXIT_PASS },
	{ { .pass = 1, .findings = 4 }, KTAP_EXIT_PASS },	/* a finding is not a failure */
};

START_TEST(exit_code_follows_kselftest)
{
	ck_assert_int_eq(ktap_exit_code(&codes[_i].t), codes[_i].code);
}
END_TEST

/* Wait up to 5 s for @want to appear on @fd */
static int read_until(int fd, const char *want, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	while (!strstr(buf, want)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 5000) <= 0 || used + 1 >= len)
			return 0;
		n = read(fd, buf + used, len - used - 1);
		if (n <= 0)
			return 0;
		used += (size_t)n;
		buf[used] = '\0';
	}
	return 1;
}

START_TEST(results_reach_a_pipe_before_the_run_ends)
{
	int fds[2];
	char buf[4096];
	pid_t pid;
	int seen;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		/* a pipe is fully buffered: only flushing gets the lines out */
		FILE *out = fdopen(fds[1], "w");
		struct ktap k = { 0 };

		close(fds[0]);
		ktap_begin(&k, out, 0, 1);
		ktap_group_begin(&k, "g", 2);
		ktap_diag(&k, "why");
		ktap_result(&k, KTAP_FAIL, "first", NULL);
		for (;;)
			pause();	/* a run that hangs, and is then killed */
	}
	close(fds[1]);
	seen = read_until(fds[0], "  # why\n  not ok 1 first\n", buf, sizeof(buf));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	ck_assert_msg(seen, "got only: '%s'", buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ktap");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, nested_ktap_with_totals_and_findings);
	tcase_add_test(tc, quiet_prints_only_failures_and_totals);
	tcase_add_test(tc, xfail_and_xpass_directives);
	tcase_add_test(tc, group_with_nothing_run_is_skipped);
	tcase_add_test(tc, diagnostics_come_before_their_result);
	suite_add_tcase(s, tc);

	tc = tcase_create("exit");
	tcase_add_loop_test(tc, exit_code_follows_kselftest, 0, (int)ARRAY_SIZE(codes));
	suite_add_tcase(s, tc);

	tc = tcase_create("streaming");
	tcase_add_test(tc, results_reach_a_pipe_before_the_run_ends);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
