// SPDX-License-Identifier: GPL-2.0
/*
 * The readers against input that is big, deep or not KTAP at all (issue
 * 13, item 4): kmc-results derive in linear time on 20,000 tests of one
 * name; kmc-results ktap on KTAP nested 3,500 deep (a clear error, not a
 * stack overflow); /dev/zero (a clear error at once, exit 1).  Item 5:
 * kmc-run streams its vectors, 100,000 of them in bounded memory.
 */
#include <sys/resource.h>
#include <time.h>
#include "kr_test.h"

static char *tmp;

static void setup(void)
{
	tmp = kr_tmpdir();
}

static void teardown(void)
{
	kr_rmrf(tmp);
	tmp = NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Issue 13 measured 102 s for 20,000: the KCIDB paths "-2", "-3", ... were searched from 1 */
START_TEST(derive_is_linear_in_tests_of_one_name)
{
	char dir[4300], p[4400], *sum;
	unsigned int n = 20000;
	double t;
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s/lab", tmp);
	ck_assert_int_eq(kr_sh("mkdir '%s'", dir), 0);
	snprintf(p, sizeof(p), "%s/lab.ktap", dir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: s\n  1..%u\n", n);
	for (unsigned int i = 1; i <= n; i++) {
		if (i % 2)
			fprintf(fp, "  # FINDING f: same\n");
		fprintf(fp, "  ok %u same%s\n", i, i % 3 ? "" : " # XFAIL known divergence (k:1): x");
	}
	fprintf(fp, "ok 1 s\n");
	ck_assert_int_eq(fclose(fp), 0);
	t = now();
	ck_assert_int_eq(kr_sh("'%s' derive '%s' >/dev/null", kr_bin("kmc-results"), dir), 0);
	t = now() - t;
	ck_assert_msg(t < 30, "derive took %.1f s for %u tests of one name", t, n);
	snprintf(p, sizeof(p), "%s/kmc-summary.txt", dir);
	sum = kr_slurp(p);
	ck_assert_msg(strstr(sum, "pass:13334 fail:0 xfail:6666 ") != NULL, "%s", sum);
	free(sum);
	/* every KCIDB path unique: kmc.s.same, kmc.s.same-2 ... kmc.s.same-20000 */
	snprintf(p, sizeof(p), "%s/kcidb.json", dir);
	ck_assert_int_eq(kr_sh("grep -c '\"path\": \"kmc\\.s\\.same' '%s' | grep -qx %u && "
			       "grep -q '\"path\": \"kmc\\.s\\.same-20000\"' '%s'", p, n, p), 0);
}
END_TEST

START_TEST(ktap_nested_3500_deep_is_an_error_not_a_crash)
{
	char p[4300], err[4300], *e;
	unsigned int n = 3500;
	FILE *fp;

	snprintf(p, sizeof(p), "%s/deep.ktap", tmp);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "KTAP version 1\n1..1\n");
	for (unsigned int i = 1; i <= n; i++)
		fprintf(fp, "%*sKTAP version 1\n%*s# Subtest: d%u\n%*s1..1\n", 2 * i, "", 2 * i, "", i,
			2 * i, "");
	fprintf(fp, "%*sok 1 leaf\n", 2 * n + 2, "");
	for (unsigned int i = n; i > 0; i--)
		fprintf(fp, "%*sok 1 d%u\n", 2 * (i - 1), "", i);
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(err, sizeof(err), "%s/err", tmp);
	ck_assert_int_eq(kr_sh("'%s' ktap '%s' >/dev/null 2>'%s'", kr_bin("kmc-results"), p, err), 1);
	e = kr_slurp(err);
	ck_assert_msg(strstr(e, "deep.ktap:") && strstr(e, "KTAP nested deeper than 64 levels"), "%s", e);
	free(e);
	/* derive says the same of a directory holding it */
	ck_assert_int_eq(kr_sh("mkdir '%s/d' && mv '%s' '%s/d/' && '%s' derive '%s/d' >/dev/null 2>'%s'",
			       tmp, p, tmp, kr_bin("kmc-results"), tmp, err), 1);
	e = kr_slurp(err);
	ck_assert_msg(strstr(e, "KTAP nested deeper than 64 levels") != NULL, "%s", e);
	free(e);
}
END_TEST

START_TEST(dev_zero_is_an_error_at_once)
{
	char err[4300], *e;
	double t = now();

	snprintf(err, sizeof(err), "%s/err", tmp);
	/* timeout: the old reader ate /dev/zero into memory until it ran out */
	ck_assert_int_eq(kr_sh("timeout 20 '%s' ktap /dev/zero >/dev/null 2>'%s'", kr_bin("kmc-results"),
			       err), 1);
	e = kr_slurp(err);
	ck_assert_msg(strstr(e, "/dev/zero:1: a line longer than 1048576 bytes: not KTAP") != NULL, "%s",
		      e);
	free(e);
	ck_assert_int_eq(kr_sh("timeout 20 '%s' --known none /dev/zero >'%s/out' 2>/dev/null",
			       kr_bin("kmc-run"), tmp), 1);
	ck_assert_int_eq(kr_sh("grep -q '# ERROR /dev/zero:1: NUL byte in line: not a vector file' '%s/out'",
			       tmp), 0);
	ck_assert_msg(now() - t < 20, "%.1f s", now() - t);
}
END_TEST

/* Peak memory allowed for a run of 100,000 records (the old reader took 173 MB) */
#define STREAM_RSS_MAX_KB	(64 * 1024)

/*
 * Issue 13 item 5: the reader kept every record before running any
 * (1.66 GB for 10^6).  Streaming, 10^5 records run in a few MB: under an
 * address-space limit the old reader ran out of (plain build; ASan
 * reserves terabytes of address space, so there only the peak RSS is
 * asserted, with ASan's quarantine of freed memory kept small).
 */
START_TEST(kmc_run_streams_100k_records_in_bounded_memory)
{
	char p[4300], out[4300];
	unsigned int n = 100000;
	struct rusage ru;
	pid_t pid;
	int st;

	snprintf(p, sizeof(p), "%s/many.kmv", tmp);
	snprintf(out, sizeof(out), "%s/many.ktap", tmp);
	kr_write_records(p, "many", n);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
#ifndef __SANITIZE_ADDRESS__
		struct rlimit rl = { 128u << 20, 128u << 20 };

		if (setrlimit(RLIMIT_AS, &rl))
			_exit(126);
#endif
		setenv("ASAN_OPTIONS", "quarantine_size_mb=4:detect_leaks=1", 1);
		if (!freopen(out, "w", stdout))
			_exit(126);
		execl(kr_bin("kmc-run"), "kmc-run", "-q", "--known", "none", p, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(wait4(pid, &st, 0, &ru), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kmc-run: status 0x%x", st);
	ck_assert_int_eq(kr_sh("grep -qx '# Totals: pass:%u fail:0 xfail:0 xpass:0 skip:0 error:0' '%s'",
			       n, out), 0);
	ck_assert_msg(ru.ru_maxrss < STREAM_RSS_MAX_KB, "kmc-run peaked at %ld KB for %u records",
		      ru.ru_maxrss, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, derive_is_linear_in_tests_of_one_name);
	tcase_add_test(tc, ktap_nested_3500_deep_is_an_error_not_a_crash);
	tcase_add_test(tc, kmc_run_streams_100k_records_in_bounded_memory);
	suite_add_tcase(s, tc);
	/* apart: before the fix it is not safe to run (memory) */
	tc = tcase_create("devzero");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dev_zero_is_an_error_at_once);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
