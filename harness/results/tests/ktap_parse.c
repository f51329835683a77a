// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP reader (harness/results/ktap_parse.c): kmc-run's nested output, the
 * emulated lab's flat output (harness/lab/lab.sh), kselftest's TAP 13, and
 * streams cut by a kill.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktap_parse.h"

static struct kt_doc parse(const char *text)
{
	struct kt_doc d;
	char msg[256];
	FILE *fp = fmemopen((void *)text, strlen(text), "r");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(kt_parse(fp, "mem.ktap", &d, msg, sizeof(msg)), 0);
	fclose(fp);
	return d;
}

/* What kmc-run prints (docs/kmc-run.md "Output") */
static const char kmc_out[] =
	"KTAP version 1\n"
	"1..2\n"
	"# kmc-run 0.1.0: backend ref, 2 files, 5 vectors selected\n"
	"  # Subtest: host.kmv\n"
	"  KTAP version 1\n"
	"  1..4\n"
	"  ok 1 host.mmio.spr-hidden.6-1\n"
	"  not ok 2 host.mmio.icx.6-1\n"
	"  # vectors/host.kmv:14: bugs: expected spectre_v1,mds, got spectre_v1 (missing mds)\n"
	"  # rerun: kmc-run --backend ref --id 'host.mmio.icx.6-1' vectors/host.kmv\n"
	"  ok 3 vcpu.gate.live # SKIP host 'live' needs --backend kvm\n"
	"  ok 4 fb.promise.spr.7-2\n"
	"  # FINDING verw_promise_hw: fb.promise.spr.7-2\n"
	"not ok 1 host.kmv\n"
	"  # Subtest: broken.kmv\n"
	"  KTAP version 1\n"
	"  1..2\n"
	"  ok 1 known.one # XFAIL known divergence (k.txt:3): commit abc\n"
	"  not ok 2 broken.kmv:7 # ERROR vectors/broken.kmv:7: unknown CPU 'x' (see kmc cpus)\n"
	"not ok 2 broken.kmv\n"
	"# Totals: pass:2 fail:1 xfail:1 xpass:0 skip:1 error:1\n"
	"# Findings: 1\n";

START_TEST(kmc_run_output_nests_by_indentation)
{
	struct kt_doc d = parse(kmc_out);
	struct kt_test *h, *b;
	unsigned int c[KT_NSTATUS] = { 0 };

	ck_assert_int_eq(d.version, 1);
	ck_assert_int_eq(d.plan, 2);
	ck_assert(d.kmc);
	ck_assert_uint_eq(d.ntests, 2);
	h = &d.tests[0];
	ck_assert_str_eq(h->name, "host.kmv");
	ck_assert_int_eq(h->status, KT_FAIL);
	ck_assert_int_eq(h->plan, 4);
	ck_assert_uint_eq(h->nsub, 4);
	ck_assert(h->closed);
	ck_assert_str_eq(h->sub[1].name, "host.mmio.icx.6-1");
	ck_assert_int_eq(h->sub[1].status, KT_FAIL);
	/* kmc-run writes diagnostics after the result they explain */
	ck_assert_ptr_nonnull(h->sub[1].diag);
	ck_assert_ptr_nonnull(strstr(h->sub[1].diag, "missing mds"));
	ck_assert_ptr_nonnull(strstr(h->sub[1].diag, "\nrerun: kmc-run"));
	ck_assert_ptr_null(h->sub[0].diag);
	ck_assert_int_eq(h->sub[2].status, KT_SKIP);
	ck_assert_str_eq(h->sub[2].directive, "SKIP");
	ck_assert_str_eq(h->sub[2].reason, "host 'live' needs --backend kvm");
	ck_assert_uint_eq(h->sub[3].nfindings, 1);
	ck_assert_str_eq(h->sub[3].findings[0], "verw_promise_hw");
	b = kt_find(d.tests, d.ntests, "broken.kmv");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->sub[0].status, KT_XFAIL);
	ck_assert_str_eq(b->sub[0].reason, "known divergence (k.txt:3): commit abc");
	ck_assert_int_eq(b->sub[1].status, KT_ERROR);
	ck_assert_str_eq(b->sub[1].name, "broken.kmv:7");
	ck_assert(d.have_totals);
	ck_assert_uint_eq(d.totals[0], 2);
	ck_assert_uint_eq(d.totals[5], 1);
	ck_assert(!d.truncated);
	ck_assert(!d.partial_line);
	/* the run's own lines are not a group's diagnostics */
	ck_assert_ptr_nonnull(d.diag);
	ck_assert_ptr_nonnull(strstr(d.diag, "Findings: 1"));
	ck_assert_ptr_null(d.tests[1].diag);
	kt_count_leaves(d.tests, d.ntests, c);
	ck_assert_uint_eq(c[KT_PASS], 2);
	ck_assert_uint_eq(c[KT_FAIL], 1);
	ck_assert_uint_eq(c[KT_XFAIL], 1);
	ck_assert_uint_eq(c[KT_ERROR], 1);
	ck_assert_uint_eq(c[KT_SKIP], 1);
	kt_doc_free(&d);
}
END_TEST

/* A kill cuts the stream anywhere: here in the middle of a line of group 2 */
START_TEST(a_killed_run_is_truncated_but_readable)
{
	size_t cut = (size_t)(strstr(kmc_out, "known.one") - kmc_out) + 4;
	char *text = strndup(kmc_out, cut);
	struct kt_doc d = parse(text);
	struct kt_test *b;

	ck_assert(d.partial_line);
	ck_assert(d.truncated);
	ck_assert(!d.have_totals);
	ck_assert_uint_eq(d.ntests, 2);
	ck_assert_int_eq(d.tests[0].status, KT_FAIL);
	b = &d.tests[1];
	ck_assert_str_eq(b->name, "broken.kmv");	/* from "# Subtest:" */
	ck_assert(!b->closed);
	ck_assert_int_eq(b->status, KT_MISS);
	ck_assert_int_eq(b->plan, 2);
	ck_assert_uint_eq(b->nsub, 0);	/* the cut line is dropped, not half-read */
	kt_doc_free(&d);
	free(text);
}
END_TEST

/* SIGTERM: kmc-run bails out at the top and prints the totals so far */
START_TEST(a_bail_out_leaves_the_open_group_unclosed)
{
	struct kt_doc d = parse(
		"KTAP version 1\n"
		"1..2\n"
		"# kmc-run 0.1.0: backend ref, 2 files, 9 vectors selected\n"
		"  # Subtest: a.kmv\n"
		"  KTAP version 1\n"
		"  1..1\n"
		"  ok 1 a.one\n"
		"ok 1 a.kmv\n"
		"  # Subtest: b.kmv\n"
		"  KTAP version 1\n"
		"  1..8\n"
		"  ok 1 b.one\n"
		"  ok 2 b.two\n"
		"Bail out! kmc-run: interrupted by SIGTERM\n"
		"# Totals: pass:3 fail:0 xfail:0 xpass:0 skip:0 error:0\n"
		"# Findings: 0\n");

	ck_assert(d.bailed);
	ck_assert_str_eq(d.bail, "kmc-run: interrupted by SIGTERM");
	ck_assert(d.truncated);
	ck_assert(d.have_totals);
	ck_assert_uint_eq(d.ntests, 2);
	ck_assert(d.tests[0].closed);
	ck_assert_int_eq(d.tests[0].status, KT_PASS);
	ck_assert(!d.tests[1].closed);
	ck_assert_uint_eq(d.tests[1].nsub, 2);
	ck_assert_int_eq(d.tests[1].plan, 8);
	kt_doc_free(&d);
}
END_TEST

/* harness/lab/lab.sh: flat, diagnostics before the result, "# text" after it */
START_TEST(the_emulated_lab_output)
{
	struct kt_doc d = parse(
		"KTAP version 1\n"
		"# step deps: 3.1s\n"
		"# step fetch: 40.2s\n"
		"1..5\n"
		"ok 1 lab.6.1.l1_boot # 6.1.0-40-amd64, wall 31s\n"
		"# 6.1: kvmprobe: kvm_api_version=12 feature_msr_0x10a=0x400000000c000069 \n"
		"ok 2 lab.6.1.kvmprobe # 0x10a=0x400000000c000069\n"
		"# 6.1: L2 bugs: cpu_meltdown spectre_v1\n"
		"not ok 3 lab.6.1.l2_forced_arch_cap # l2 rc=1, L2 reads 'nothing', forced 0x4; x.out\n"
		"not ok 4 lab.7.2.l1_boot # boot-l1.sh rc=124; serial log x/serial.log\n"
		"ok 5 lab.7.2.kvmprobe # SKIP L1 did not finish\n"
		"# lab: total wall 200s; run directory /x\n"
		"# Totals: pass:2 fail:2 xfail:0 xpass:0 skip:1 error:0\n");

	ck_assert(!d.kmc);
	ck_assert_int_eq(d.plan, 5);
	ck_assert_uint_eq(d.ntests, 5);
	ck_assert(!d.truncated);
	ck_assert_str_eq(d.tests[0].name, "lab.6.1.l1_boot");
	ck_assert_int_eq(d.tests[0].status, KT_PASS);
	ck_assert_ptr_null(d.tests[0].directive);
	ck_assert_str_eq(d.tests[0].reason, "6.1.0-40-amd64, wall 31s");
	/* the step lines came before any test: the run's */
	ck_assert_ptr_nonnull(strstr(d.diag, "step fetch: 40.2s"));
	/* a diagnostic goes with the result that follows it */
	ck_assert_ptr_nonnull(d.tests[1].diag);
	ck_assert_ptr_nonnull(strstr(d.tests[1].diag, "kvmprobe: kvm_api_version=12"));
	ck_assert_ptr_nonnull(strstr(d.tests[2].diag, "L2 bugs"));
	ck_assert_int_eq(d.tests[2].status, KT_FAIL);
	ck_assert_int_eq(d.tests[3].status, KT_FAIL);
	ck_assert_int_eq(d.tests[4].status, KT_SKIP);
	ck_assert_str_eq(d.tests[4].reason, "L1 did not finish");
	ck_assert_ptr_nonnull(strstr(d.diag, "total wall 200s"));
	kt_doc_free(&d);
}
END_TEST

/* kselftest's runner: TAP 13, TIMEOUT, TODO, "- " before names, log noise */
START_TEST(kselftest_tap13_directives_and_noise)
{
	struct kt_doc d = parse(
		"TAP version 13\n"
		"1..4\n"
		"# selftests: kvm: feature_msrs_test\n"
		"[   12.345678] kvm: some kernel log line\n"
		"ok 1 selftests: kvm: feature_msrs_test\n"
		"not ok 2 selftests: kvm: msrs_test # TIMEOUT 45 seconds\n"
		"not ok 3 - a todo # TODO not yet\n"
		"ok 4 # SKIP\n");

	ck_assert_int_eq(d.version, 13);
	ck_assert_uint_eq(d.ntests, 4);
	ck_assert_uint_eq(d.nunknown, 1);
	ck_assert_int_eq(d.tests[1].status, KT_TIMEOUT);
	ck_assert_str_eq(d.tests[1].reason, "45 seconds");
	ck_assert_int_eq(d.tests[2].status, KT_XFAIL);
	ck_assert_str_eq(d.tests[2].name, "a todo");
	ck_assert_int_eq(d.tests[3].status, KT_SKIP);
	ck_assert_str_eq(d.tests[3].name, "");
	ck_assert(!d.truncated);
	kt_doc_free(&d);
}
END_TEST

/* KUnit: version line first, then "# Subtest:", 4-space indent, 3 levels */
START_TEST(kunit_style_deeper_nesting)
{
	struct kt_doc d = parse(
		"KTAP version 1\n"
		"1..1\n"
		"    KTAP version 1\n"
		"    # Subtest: suite\n"
		"    1..2\n"
		"        KTAP version 1\n"
		"        # Subtest: param\n"
		"        1..2\n"
		"        ok 1 p0\n"
		"        not ok 2 p1\n"
		"    not ok 1 param\n"
		"    ok 2 plain\n"
		"not ok 1 suite\n");
	const struct kt_test *s;

	ck_assert_uint_eq(d.ntests, 1);
	s = &d.tests[0];
	ck_assert_str_eq(s->name, "suite");
	ck_assert_uint_eq(s->nsub, 2);
	ck_assert_uint_eq(s->sub[0].nsub, 2);
	ck_assert_int_eq(s->sub[0].sub[1].status, KT_FAIL);
	ck_assert_str_eq(s->sub[1].name, "plain");
	ck_assert(!d.truncated);
	kt_doc_free(&d);
}
END_TEST

START_TEST(a_plan_not_met_is_truncated)
{
	struct kt_doc d = parse("KTAP version 1\n1..3\nok 1 a\n");

	ck_assert(d.truncated);
	ck_assert(!d.partial_line);
	kt_doc_free(&d);
}
END_TEST

START_TEST(a_missing_file_is_an_error_naming_it)
{
	struct kt_doc d;
	char msg[256];

	ck_assert_int_lt(kt_parse_file("/nonexistent/x.ktap", &d, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "/nonexistent/x.ktap"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ktap_parse");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, kmc_run_output_nests_by_indentation);
	tcase_add_test(tc, a_killed_run_is_truncated_but_readable);
	tcase_add_test(tc, a_bail_out_leaves_the_open_group_unclosed);
	tcase_add_test(tc, the_emulated_lab_output);
	tcase_add_test(tc, kselftest_tap13_directives_and_noise);
	tcase_add_test(tc, kunit_style_deeper_nesting);
	tcase_add_test(tc, a_plan_not_met_is_truncated);
	tcase_add_test(tc, a_missing_file_is_an_error_naming_it);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
