// SPDX-License-Identifier: GPL-2.0
/*
 * Known divergences (harness/results/known.c): the file format, its
 * errors, the matching.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "known.h"

static int parse(const char *text, struct kr_known *k, char *msg, size_t len)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ck_assert_ptr_nonnull(fp);
	ret = kr_known_parse(fp, "kd.txt", k, msg, len);
	fclose(fp);
	return ret;
}

static const char good[] =
	"# known divergences\n"
	"\n"
	"vcpu.immutable.*   6.1..6.3    backend=kvm   a6c3b9b9 \"KVM: x86: immutable feature MSRs\"\n"
	"host.mmio.*        ..6.15      https://lore.kernel.org/x#frag\n"
	"fb.*               6.13..      backend=kvm,ref  Message-ID <abc@example.org>\n"
	"exact.one          6.12        docs/observations.md#e2\n"
	"any.*              *           anything at all\n";

START_TEST(entries_and_their_fields)
{
	struct kr_known k;
	char msg[256];

	ck_assert_int_eq(parse(good, &k, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(k.n, 5);
	ck_assert_str_eq(k.e[0].glob, "vcpu.immutable.*");
	ck_assert_uint_eq(k.e[0].line, 3);
	ck_assert_uint_eq(k.e[0].nbackends, 1);
	ck_assert_str_eq(k.e[0].backends[0], "kvm");
	ck_assert_str_eq(k.e[0].source, "a6c3b9b9 \"KVM: x86: immutable feature MSRs\"");
	/* a '#' inside SOURCE is not a comment */
	ck_assert_str_eq(k.e[1].source, "https://lore.kernel.org/x#frag");
	ck_assert_uint_eq(k.e[1].lo.n, 0);
	ck_assert_uint_eq(k.e[1].hi.n, 2);
	ck_assert_uint_eq(k.e[2].nbackends, 2);
	kr_known_free(&k);
}
END_TEST

START_TEST(matching_by_id_kernel_and_backend)
{
	static const struct {
		const char *id, *kernel, *backend;
		int entry;	/* line of the entry that matches, 0 none */
	} cases[] = {
		{ "vcpu.immutable.epyc", "6.1.192", "kvm", 3 },
		{ "vcpu.immutable.epyc", "6.3.13", "kvm", 3 },
		{ "vcpu.immutable.epyc", "6.4.0", "kvm", 0 },		/* above the range */
		{ "vcpu.immutable.epyc", "6.0.19", "kvm", 0 },		/* below it */
		{ "vcpu.immutable.epyc", "6.1.192", "ref", 0 },		/* other backend */
		{ "vcpu.immutable.epyc", "6.2.0-1-amd64", "kvm", 3 },	/* a uname -r */
		{ "host.mmio.icx", "6.15.9", "ref", 4 },			/* ..6.15 takes 6.15.y */
		{ "host.mmio.icx", "6.16.0", "ref", 0 },
		{ "fb.promise.spr", "6.13.0", "ref", 5 },
		{ "fb.promise.spr", "7.2.13", "kvm", 5 },
		{ "fb.promise.spr", "6.12.117", "kvm", 0 },
		{ "fb.promise.spr", "7.2.13", "model", 0 },
		{ "exact.one", "6.12.117", "model", 6 },
		{ "exact.one", "6.1.192", "model", 0 },
		{ "exact.one", NULL, "model", 0 },			/* kernel unknown */
		{ "any.thing", NULL, "kvm", 7 },				/* only * matches then */
		{ "none.such", "6.1.192", "ref", 0 },
	};
	struct kr_known k;
	char msg[256];

	ck_assert_int_eq(parse(good, &k, msg, sizeof(msg)), 0);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kr_known_entry *e = kr_known_match(&k, cases[i].id, cases[i].kernel,
								 cases[i].backend);

		ck_assert_msg((e ? (int)e->line : 0) == cases[i].entry,
			      "%s on %s/%s: matched line %d, expected %d", cases[i].id,
			      cases[i].kernel ? cases[i].kernel : "?", cases[i].backend,
			      e ? (int)e->line : 0, cases[i].entry);
	}
	kr_known_free(&k);
}
END_TEST

/* Bad lines are rejected with FILE:LINE and the reason */
START_TEST(errors_name_the_line)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "a.*\n", "kd.txt:1: want ID-GLOB KERNELS" },
		{ "# c\na.* 6.1\n", "kd.txt:2: no SOURCE" },
		{ "a.* 6.1 backend=kvm\n", "kd.txt:1: no SOURCE" },
		{ "a.* 6.x src\n", "kd.txt:1: bad KERNELS" },
		{ "a.* 6.1.2.3 src\n", "kd.txt:1: bad KERNELS" },
		{ "a.* .. src\n", "kd.txt:1: bad KERNELS" },
		{ "a.* 6.12..6.1 src\n", "kd.txt:1: kernel range runs backwards" },
		{ "a.* 6.1 backend=, src\n", "kd.txt:1: bad backend= list" },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kr_known k;
		char msg[256] = "";

		ck_assert_int_eq(parse(cases[i].text, &k, msg, sizeof(msg)), -EINVAL);
		ck_assert_msg(!strncmp(msg, cases[i].msg, strlen(cases[i].msg)), "'%s': got '%s'",
			      cases[i].text, msg);
		ck_assert_uint_eq(k.n, 0);
	}
}
END_TEST

START_TEST(the_committed_file_reads)
{
	struct kr_known k;
	char msg[256];

	ck_assert_msg(!kr_known_read("harness/results/known-divergences.txt", &k, msg, sizeof(msg)),
		      "%s", msg);
	kr_known_free(&k);
	ck_assert_int_eq(kr_known_read("/nonexistent/kd", &k, msg, sizeof(msg)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(msg, "/nonexistent/kd"));
}
END_TEST

START_TEST(kernel_versions)
{
	struct kr_kver a, b;

	ck_assert_int_eq(kr_kver_parse("6.12.57+deb13-amd64", &a), 0);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_uint_eq(a.v[1], 12);
	ck_assert_uint_eq(a.v[2], 57);
	ck_assert_int_eq(kr_kver_parse("7.2", &b), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_int_lt(kr_kver_cmp(&a, &b, 1), 0);
	ck_assert_int_eq(kr_kver_parse("v6.1", &a), -EINVAL);
	ck_assert_int_eq(kr_kver_parse("6.", &a), 0);
	ck_assert_uint_eq(a.n, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("known");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, entries_and_their_fields);
	tcase_add_test(tc, matching_by_id_kernel_and_backend);
	tcase_add_test(tc, errors_name_the_line);
	tcase_add_test(tc, the_committed_file_reads);
	tcase_add_test(tc, kernel_versions);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
