// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP reader (harness/results/ktap_parse.c): kmc-run's nested output, the
 * emulated lab's flat output (harness/lab/qemu-lab.sh), kselftest's TAP 13, and
 * streams cut by a kill.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	"  KTAP version 1\n"
	"  # Subtest: host.kmv\n"
	"  1..4\n"
	"  ok 1 host.mmio.spr-hidden.6-1\n"
	"  # vectors/host.kmv:14: bugs: expected spectre_v1,mds, got spectre_v1 (missing mds)\n"
	"  # rerun: kmc-run --backend ref --id 'host.mmio.icx.6-1' vectors/host.kmv\n"
	"  not ok 2 host.mmio.icx.6-1\n"
	"  ok 3 vcpu.gate.live # SKIP host 'live' needs --backend kvm\n"
	"  # FINDING verw_promise_hw: fb.promise.spr.7-2\n"
	"  ok 4 fb.promise.spr.7-2\n"
	"not ok 1 host.kmv\n"
	"  KTAP version 1\n"
	"  # Subtest: broken.kmv\n"
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
	/* kmc-run writes diagnostics before the result they explain */
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

/* kmc-run before 0.2: "# Subtest:" first, diagnostics after the result */
START_TEST(kmc_run_output_of_the_old_order)
{
	struct kt_doc d = parse(
		"KTAP version 1\n"
		"1..2\n"
		"# kmc-run 0.1.0: backend ref, 2 files, 4 vectors selected\n"
		"  # Subtest: host.kmv\n"
		"  KTAP version 1\n"
		"  1..3\n"
		"  ok 1 host.a\n"
		"  not ok 2 host.b\n"
		"  # vectors/host.kmv:14: bugs: expected mds, got -\n"
		"  ok 3 host.c\n"
		"  # FINDING verw_promise_hw: host.c\n"
		"not ok 1 host.kmv\n"
		"  # Subtest: b.kmv\n"
		"  KTAP version 1\n"
		"  1..1\n"
		"  ok 1 b.one\n"
		"ok 2 b.kmv\n"
		"# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:0 error:0\n");
	struct kt_test *h = &d.tests[0];

	ck_assert(d.kmc);
	ck_assert_uint_eq(d.ntests, 2);
	ck_assert_uint_eq(h->nsub, 3);
	ck_assert_ptr_nonnull(h->sub[1].diag);
	ck_assert_ptr_nonnull(strstr(h->sub[1].diag, "expected mds"));
	ck_assert_ptr_null(h->sub[2].diag);
	ck_assert_uint_eq(h->sub[2].nfindings, 1);
	ck_assert_str_eq(d.tests[1].name, "b.kmv");
	ck_assert(!d.truncated);
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
		"  KTAP version 1\n"
		"  # Subtest: a.kmv\n"
		"  1..1\n"
		"  ok 1 a.one\n"
		"ok 1 a.kmv\n"
		"  KTAP version 1\n"
		"  # Subtest: b.kmv\n"
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

/* harness/lab/qemu-lab.sh: flat, diagnostics before the result, "# text" after it */
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

/*
 * Real KUnit output, as the kernel's own parser's tests have it
 * (tools/testing/kunit/test_data/ of Linux 6.1): printk's time stamps
 * before every line and kernel log noise in between
 * (test_interrupted_tap_output.log), tab indentation and a failure's
 * "EXPECTATION FAILED" lines (test_is_test_passed-failure.log)
 */
START_TEST(kunit_with_printk_time_stamps_and_noise)
{
	struct kt_doc d = parse(
		"[    0.060000] printk: console [mc-1] enabled\n"
		"[    0.060000] random: get_random_bytes called from init_oops_id+0x35/0x40 with crng_init=0\n"
		"[    0.060000] TAP version 14\n"
		"[    0.060000] 1..3\n"
		"[    0.060000] \t# Subtest: kunit-resource-test\n"
		"[    0.060000] \t1..5\n"
		"[    0.060000] \tok 1 - kunit_resource_test_init_resources\n"
		"[    0.060000] \tok 2 - kunit_resource_test_alloc_resource\n"
		"[    0.060000] \tok 3 - kunit_resource_test_destroy_resource\n"
		"[    0.060000] kAFS: Red Hat AFS client v0.1 registering.\n"
		"[    0.060000] FS-Cache: Netfs 'afs' registered for caching\n"
		"[    0.060000] *** VALIDATE kAFS ***\n"
		"[    0.060000] Btrfs loaded, crc32c=crc32c-generic, debug=on, assert=on, integrity-checker=on, ref-verify=on\n"
		"[    0.060000] BTRFS: selftest: sectorsize: 4096  nodesize: 4096\n"
		"[    0.060000] BTRFS: selftest: running btrfs free space cache tests\n"
		"[    0.060000] \tok 4 - kunit_resource_test_cleanup_resources\n"
		"[    0.060000] \tok 5 - kunit_resource_test_proper_free_ordering\n"
		"[    0.060000] ok 1 - kunit-resource-test\n"
		"[    0.060000] \t# Subtest: kunit-try-catch-test\n"
		"[    0.060000] \t1..2\n"
		"[    0.060000] \tok 1 - kunit_test_try_catch_successful_try_no_catch\n"
		"[    0.060000] \tok 2 - kunit_test_try_catch_unsuccessful_try_does_catch\n"
		"[    0.060000] ok 2 - kunit-try-catch-test\n"
		"[    0.060000] \t# Subtest: string-stream-test\n"
		"[    0.060000] \t1..3\n"
		"[    0.060000] \tok 1 - string_stream_test_empty_on_creation\n"
		"[    0.060000] \tok 2 - string_stream_test_not_empty_after_add\n"
		"[    0.060000] \tok 3 - string_stream_test_get_string\n"
		"[    0.060000] ok 3 - string-stream-test\n"
		"[    0.060000] List of all partitions:\n"
		"[    0.060000] No filesystem could mount root, tried:\n"
		"[    0.060000]\n"
		"[    0.060000] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(98,0)\n");
	unsigned int c[KT_NSTATUS] = { 0 };

	ck_assert_int_eq(d.version, 14);
	ck_assert_int_eq(d.plan, 3);
	ck_assert_uint_eq(d.ntests, 3);
	ck_assert_str_eq(d.tests[0].name, "kunit-resource-test");
	ck_assert_uint_eq(d.tests[0].nsub, 5);
	ck_assert_str_eq(d.tests[0].sub[4].name, "kunit_resource_test_proper_free_ordering");
	ck_assert_str_eq(d.tests[2].name, "string-stream-test");
	ck_assert_uint_eq(d.tests[2].nsub, 3);
	ck_assert(!d.truncated);
	kt_count_leaves(d.tests, d.ntests, c);
	ck_assert_uint_eq(c[KT_PASS], 10);
	ck_assert_uint_eq(c[KT_FAIL], 0);
	kt_doc_free(&d);
}
END_TEST

START_TEST(kunit_with_tabs_and_a_failure)
{
	struct kt_doc d = parse(
		"TAP version 14\n"
		"1..2\n"
		"\t# Subtest: sysctl_test\n"
		"\t1..2\n"
		"\t# sysctl_test_dointvec_null_tbl_data: sysctl_test_dointvec_null_tbl_data passed\n"
		"\tok 1 - sysctl_test_dointvec_null_tbl_data\n"
		"\t# sysctl_test_dointvec_table_maxlen_unset: sysctl_test_dointvec_table_maxlen_unset passed\n"
		"\tok 2 - sysctl_test_dointvec_table_maxlen_unset\n"
		"kunit sysctl_test: all tests passed\n"
		"ok 1 - sysctl_test\n"
		"\t# Subtest: example\n"
		"\t1..2\n"
		"init_suite\n"
		"\t# example_simple_test: initializing\n"
		"\t# example_simple_test: EXPECTATION FAILED at lib/kunit/example-test.c:30\n"
		"\tExpected 1 + 1 == 3, but\n"
		"\t\t1 + 1 == 2\n"
		"\t\t3 == 3\n"
		"\t# example_simple_test: example_simple_test failed\n"
		"\tnot ok 1 - example_simple_test\n"
		"\t# example_mock_test: initializing\n"
		"\t# example_mock_test: example_mock_test passed\n"
		"\tok 2 - example_mock_test\n"
		"kunit example: one or more tests failed\n"
		"not ok 2 - example\n");
	const struct kt_test *e;

	ck_assert_uint_eq(d.ntests, 2);
	ck_assert_str_eq(d.tests[0].name, "sysctl_test");
	ck_assert_int_eq(d.tests[0].status, KT_PASS);
	ck_assert_uint_eq(d.tests[0].nsub, 2);
	e = &d.tests[1];
	ck_assert_str_eq(e->name, "example");
	ck_assert_int_eq(e->status, KT_FAIL);
	ck_assert_uint_eq(e->nsub, 2);
	ck_assert_str_eq(e->sub[0].name, "example_simple_test");
	ck_assert_int_eq(e->sub[0].status, KT_FAIL);
	/* KUnit's diagnostics come before their result */
	ck_assert_ptr_nonnull(e->sub[0].diag);
	ck_assert_ptr_nonnull(strstr(e->sub[0].diag, "EXPECTATION FAILED at lib/kunit/example-test.c:30"));
	ck_assert_ptr_nonnull(strstr(e->sub[1].diag, "example_mock_test passed"));
	ck_assert(!d.truncated);
	kt_doc_free(&d);
}
END_TEST

/*
 * KUnit of today (Documentation/dev-tools/kunit/run_manual.rst, the
 * example suite): KTAP v1, a suite's "# Subtest:" after its version line,
 * its module, a parameterised test without a plan, each suite's and the
 * run's own counts (KUnit's "# Totals:" is not kmc's)
 */
START_TEST(kunit_ktap_v1_with_parameters)
{
	struct kt_doc d = parse(
		"KTAP version 1\n"
		"1..1\n"
		"    KTAP version 1\n"
		"    # Subtest: example\n"
		"    # module: kunit_example_test\n"
		"    1..4\n"
		"    # example_simple_test: initializing\n"
		"    # example_simple_test: cleaning up\n"
		"    ok 1 example_simple_test\n"
		"    # example_skip_test: initializing\n"
		"    # example_skip_test: You should not see a line below.\n"
		"    ok 2 example_skip_test # SKIP this test should be skipped\n"
		"        KTAP version 1\n"
		"        # Subtest: example_params_test\n"
		"        # example_params_test: initializing\n"
		"        ok 1 example value 3 # SKIP unsupported param value 3\n"
		"        ok 2 example value 2\n"
		"        ok 3 example value 1\n"
		"        ok 4 example value 0 # SKIP unsupported param value 0\n"
		"    # example_params_test: pass:2 fail:0 skip:2 total:4\n"
		"    ok 3 example_params_test\n"
		"    # example_mark_skipped_test: initializing\n"
		"    not ok 4 example_failing_test\n"
		"# example: pass:2 fail:1 skip:1 total:4\n"
		"# Totals: pass:4 fail:1 skip:3 total:8\n"
		"not ok 1 example\n");
	const struct kt_test *e, *p;
	unsigned int c[KT_NSTATUS] = { 0 };

	ck_assert_int_eq(d.version, 1);
	ck_assert_uint_eq(d.ntests, 1);
	ck_assert(!d.have_totals);	/* KUnit's own totals line is not kmc's */
	e = &d.tests[0];
	ck_assert_str_eq(e->name, "example");
	ck_assert_int_eq(e->status, KT_FAIL);
	ck_assert_int_eq(e->plan, 4);
	ck_assert_uint_eq(e->nsub, 4);
	ck_assert_int_eq(e->sub[1].status, KT_SKIP);
	ck_assert_str_eq(e->sub[1].reason, "this test should be skipped");
	p = &e->sub[2];
	ck_assert_str_eq(p->name, "example_params_test");
	ck_assert_uint_eq(p->nsub, 4);
	ck_assert_int_eq(p->plan, -1);
	ck_assert_str_eq(p->sub[0].name, "example value 3");
	ck_assert_int_eq(p->sub[0].status, KT_SKIP);
	ck_assert_ptr_nonnull(strstr(p->diag, "pass:2 fail:0 skip:2 total:4"));
	ck_assert_ptr_nonnull(strstr(e->sub[0].diag, "example_simple_test: cleaning up"));
	ck_assert_ptr_nonnull(strstr(e->diag, "example: pass:2 fail:1 skip:1 total:4"));
	ck_assert(!d.truncated);
	kt_count_leaves(d.tests, d.ntests, c);
	ck_assert_uint_eq(c[KT_PASS], 3);
	ck_assert_uint_eq(c[KT_SKIP], 3);
	ck_assert_uint_eq(c[KT_FAIL], 1);
	kt_doc_free(&d);
}
END_TEST

/* Not KTAP at all: an error naming the line, quickly, and nothing kept */
static int parse_fails(const char *text, size_t len, char *msg, size_t mlen)
{
	struct kt_doc d;
	FILE *fp = fmemopen((void *)text, len, "r");
	int ret;

	ck_assert_ptr_nonnull(fp);
	ret = kt_parse(fp, "mem.ktap", &d, msg, mlen);
	fclose(fp);
	if (!ret)
		kt_doc_free(&d);
	return ret;
}

START_TEST(nesting_too_deep_is_an_error_not_a_crash)
{
	/* 3,500 levels, as in issue 13: a stack overflow in anything recursive */
	size_t n = 3500, len = 0;
	char *text = malloc(n * (4 * n + 40)), msg[256];

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "KTAP version 1\n1..1\n");
	for (size_t i = 1; i < n; i++)
		len += (size_t)sprintf(text + len, "%*sKTAP version 1\n%*s1..1\n", (int)(2 * i), "",
				       (int)(2 * i), "");
	len += (size_t)sprintf(text + len, "%*sok 1 leaf\n", (int)(2 * n), "");
	ck_assert_int_eq(parse_fails(text, len, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "mem.ktap:") && strstr(msg, "nested deeper than 64 levels"), "%s", msg);
	free(text);
	/* 64 levels are read */
	{
		struct kt_doc d;
		FILE *fp;
		char *t = malloc(200000);
		size_t l = 0;
		const struct kt_test *x;
		unsigned int depth = 0;

		ck_assert_ptr_nonnull(t);
		l += (size_t)sprintf(t, "KTAP version 1\n1..1\n");
		for (int i = 1; i <= KT_MAX_DEPTH; i++)
			l += (size_t)sprintf(t + l, "%*sKTAP version 1\n%*s1..1\n", 2 * i, "", 2 * i, "");
		l += (size_t)sprintf(t + l, "%*sok 1 leaf\n", 2 * KT_MAX_DEPTH, "");
		for (int i = KT_MAX_DEPTH - 1; i >= 0; i--)
			l += (size_t)sprintf(t + l, "%*sok 1 level%d\n", 2 * i, "", i);
		fp = fmemopen(t, l, "r");
		ck_assert_int_eq(kt_parse(fp, "mem.ktap", &d, msg, sizeof(msg)), 0);
		fclose(fp);
		for (x = d.tests; x && x->nsub; x = x->sub)
			depth++;
		ck_assert_uint_eq(depth, KT_MAX_DEPTH);
		ck_assert(!d.truncated);
		kt_doc_free(&d);
		free(t);
	}
}
END_TEST

START_TEST(a_binary_stream_is_an_error)
{
	char msg[256], *zeros = calloc(1, 3u << 20);
	struct kt_doc d;
	int ret;

	ck_assert_ptr_nonnull(zeros);
	/* /dev/zero's first 3 MiB: no line ends in time */
	ck_assert_int_eq(parse_fails(zeros, 3u << 20, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "mem.ktap:1: a line longer than") != NULL, "%s", msg);
	free(zeros);
	/* a NUL in a whole line */
	{
		static const char t[] = "KTAP version 1\n1..1\nok 1 a\0b\n";

		ck_assert_int_eq(parse_fails(t, sizeof(t) - 1, msg, sizeof(msg)), -EINVAL);
	}
	ck_assert_msg(strstr(msg, "mem.ktap:3: a NUL byte") != NULL, "%s", msg);
	/* NULs at the very end, without a newline: a crash left them; dropped as a cut line */
	{
		static const char t[] = "KTAP version 1\n1..1\nok 1 a\n\0\0\0\0";
		FILE *fp = fmemopen((void *)t, sizeof(t) - 1, "r");

		ck_assert_int_eq(kt_parse(fp, "mem.ktap", &d, msg, sizeof(msg)), 0);
		fclose(fp);
		ck_assert(d.partial_line);
		ck_assert_uint_eq(d.ntests, 1);
		kt_doc_free(&d);
	}
	/* the real /dev/zero, through the file reader */
	ret = kt_parse_file("/dev/zero", &d, msg, sizeof(msg));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(msg, "/dev/zero:1: ") != NULL, "%s", msg);
}
END_TEST

/* Many diagnostics of one test: joined in linear time */
START_TEST(many_diagnostics_are_joined_in_linear_time)
{
	size_t n = 200000, len = 0;
	char *text = malloc(n * 16 + 100);
	struct kt_doc d;
	FILE *fp;
	char msg[256];
	struct timespec a, b;

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "KTAP version 1\n1..1\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "# line %zu\n", i);
	len += (size_t)sprintf(text + len, "ok 1 t\n");
	fp = fmemopen(text, len, "r");
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(kt_parse(fp, "mem.ktap", &d, msg, sizeof(msg)), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	fclose(fp);
	ck_assert_ptr_nonnull(d.tests[0].diag);
	ck_assert(!strncmp(d.tests[0].diag, "line 0\nline 1\nline 2\n", 21));
	ck_assert_str_eq(d.tests[0].diag + strlen(d.tests[0].diag) - 23, "line 199998\nline 199999");
	ck_assert_msg(b.tv_sec - a.tv_sec < 5, "%ld s for %zu lines", (long)(b.tv_sec - a.tv_sec), n);
	kt_doc_free(&d);
	free(text);
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

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kmc_run_output_nests_by_indentation);
	tcase_add_test(tc, kmc_run_output_of_the_old_order);
	tcase_add_test(tc, kunit_with_printk_time_stamps_and_noise);
	tcase_add_test(tc, kunit_with_tabs_and_a_failure);
	tcase_add_test(tc, kunit_ktap_v1_with_parameters);
	tcase_add_test(tc, nesting_too_deep_is_an_error_not_a_crash);
	tcase_add_test(tc, a_binary_stream_is_an_error);
	tcase_add_test(tc, many_diagnostics_are_joined_in_linear_time);
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
