// SPDX-License-Identifier: GPL-2.0
/*
 * The vector reader on malformed input: each problem reported as
 * FILE:LINE: reason, with its errno (harness/kmv/).
 */
#include "kmv_test.h"

/* ---- malformed inputs: the exact FILE:LINE: reason --------------------- */

static const struct bad {
	const char *name;
	const char *text;
	unsigned int line;
	const char *reason;
	int err;		/* 0 = -EINVAL */
} bad[] = {
	{ "empty file", "", 1, "missing 'kmv 1' header", 0 },
	{ "no header", "vector a profile=@P@\n", 1, "missing 'kmv 1' header", 0 },
	{ "header after comments", "# c\n\nvector a\n", 3, "missing 'kmv 1' header", 0 },
	{ "future version", "kmv 2\n", 1, "unsupported format version 2", -EPROTONOSUPPORT },
	{ "header without version", "kmv\n", 1, "bad header (expected 'kmv 1')", 0 },
	{ "header with junk", "kmv 1 x\n", 1, "bad header (expected 'kmv 1')", 0 },
	{ "version not a number", "kmv x\n", 1, "bad format version 'x' (expected 'kmv 1')", 0 },
	{ "repeated header", "kmv 1\nkmv 1\n", 2, "'kmv' header repeated (first at line 1)", 0 },
	{ "indented line outside record", "kmv 1\n  host cpu=@CPU@\n", 2,
	  "indented line outside a record", 0 },
	{ "junk at column 0", "kmv 1\nfoo bar\n", 2,
	  "unexpected 'foo' (expected 'vector' or an indented record line)", 0 },
	{ "junk at column 0 in a record", "kmv 1\nvector a profile=@P@\nhost cpu=@CPU@\n", 3,
	  "unexpected 'host' (expected 'vector' or an indented record line)", 0 },
	{ "unknown CPU", "kmv 1\nvector a profile=@P@\n  host cpu=nosuch\n", 3,
	  "unknown CPU 'nosuch' (see kmc cpus)", -ENOENT },
	{ "duplicate id", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "vector a profile=@P@\n  host cpu=@CPU@\n", 4,
	  "duplicate vector id 'a' (first at @PATH@:2)", -EEXIST },
	{ "missing id", "kmv 1\nvector\n", 2, "vector: missing ID", 0 },
	{ "invalid id", "kmv 1\nvector a/b profile=@P@\n  host cpu=@CPU@\n", 2,
	  "invalid vector id 'a/b' (allowed: A-Z a-z 0-9 _ . : + -)", 0 },
	{ "no profile", "kmv 1\nvector a\n  host cpu=@CPU@\n", 2,
	  "vector 'a' has no profile= (see kmc profiles)", 0 },
	{ "unknown profile", "kmv 1\nvector a profile=9.9\n  host cpu=@CPU@\n", 2,
	  "unknown profile '9.9' (see kmc profiles)", -ENOENT },
	{ "profile twice", "kmv 1\nvector a profile=@P@ profile=@P@\n", 2, "profile= given twice", 0 },
	{ "variant twice", "kmv 1\nvector a profile=@P@ variant=md-clear variant=md-clear\n", 2,
	  "variant= given twice", 0 },
	{ "empty variant", "kmv 1\nvector a profile=@P@ variant=-\n", 2,
	  "variant=- names no variant (leave the token out)", 0 },
	{ "junk on vector line", "kmv 1\nvector a profile=@P@ x\n", 2,
	  "unknown token 'x' on the vector line (expected profile=NAME or variant=LIST)", 0 },
	{ "record without host", "kmv 1\nvector a profile=@P@\n  op run\n", 2,
	  "record has no host line", 0 },
	{ "record without host at EOF", "kmv 1\nvector a profile=@P@\n", 2,
	  "record has no host line", 0 },
	{ "second host line", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  host cpu=@CPU@\n",
	  4, "second host line (first at line 3)", 0 },
	{ "second vm line", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  vm mmio=1\n  vm mmio=0\n",
	  5, "second vm line (first at line 4)", 0 },
	{ "unknown keyword", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  frob x\n", 4,
	  "unknown keyword 'frob' (expected host, vm, op, expect or reject)", 0 },
	{ "unterminated quote", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect sysfs.mds=\"abc\n", 4, "unterminated quoted string", 0 },
	{ "bad escape", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect sysfs.mds=\"a\\nb\"\n", 4,
	  "unknown escape '\\n' in quoted string (only \\\" and \\\\)", 0 },
	/* host */
	{ "host without identity", "kmv 1\nvector a profile=@P@\n  host smt=0\n", 3,
	  "host needs cpu=NAME, live, or vendor= and fms=", 0 },
	{ "host vendor without fms", "kmv 1\nvector a profile=@P@\n  host vendor=intel\n", 3,
	  "host needs cpu=NAME, live, or vendor= and fms=", 0 },
	{ "live with other tokens", "kmv 1\nvector a profile=@P@\n  host live cpu=@CPU@\n", 3,
	  "host 'live' takes no other tokens", 0 },
	{ "live with a value", "kmv 1\nvector a profile=@P@\n  host live=1\n", 3,
	  "host: 'live' takes no value", 0 },
	{ "host token twice", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ smt=0 smt=1\n", 3,
	  "host: 'smt' given twice", 0 },
	{ "host token without value", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ ac\n", 3,
	  "host: 'ac' needs a value (ac=...)", 0 },
	{ "unknown host token", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ frob=1\n", 3,
	  "unknown host token 'frob=1'", 0 },
	{ "bad number", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ ac=0x1g\n", 3,
	  "value '0x1g' is not a number", 0 },
	{ "number too big", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ ac=0x10000000000000000\n",
	  3, "value '0x10000000000000000' does not fit in 64 bits", 0 },
	{ "bad tsx", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ tsx=maybe\n", 3,
	  "tsx=maybe: expected on, off or auto", 0 },
	{ "bad l1tf", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ l1tf=flush,x\n", 3,
	  "l1tf=flush,x: expected flush, off, flush,nowarn, flush,nosmt, full or full,force", 0 },
	{ "bad smt", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ smt=2\n", 3,
	  "smt=2: expected 0 or 1", 0 },
	{ "mds=on", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ mds=on\n", 3,
	  "mds=on: only 'mds=off' is supported", 0 },
	{ "bad fms", "kmv 1\nvector a profile=@P@\n  host vendor=intel fms=6:0x55\n", 3,
	  "fms=6:0x55: expected FAMILY:MODEL:STEPPING, e.g. 6:0x55:7", 0 },
	{ "bad vendor", "kmv 1\nvector a profile=@P@\n  host vendor=via fms=6:1:1\n", 3,
	  "vendor=via: expected intel, amd, hygon, centaur, zhaoxin or other", 0 },
	{ "cpuid without sign", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ cpuid=rtm\n", 3,
	  "cpuid: 'rtm' needs a '+' or '-' prefix", 0 },
	{ "unknown feature", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ cpuid=+foo\n", 3,
	  "unknown feature 'foo' (see kmc names features)", 0 },
	{ "cpuid feature twice", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@ cpuid=+rtm,-rtm\n",
	  3, "cpuid: 'rtm' listed twice", 0 },
	/* vm */
	{ "quirk without minus", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  vm quirks=stuff_feature_msrs\n", 4,
	  "quirks: 'stuff_feature_msrs' needs a '-' prefix (quirks can only be disabled)", 0 },
	{ "unknown quirk", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  vm quirks=-nope\n", 4,
	  "unknown quirk 'nope'", 0 },
	{ "filter other MSR", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  vm filter=0x48\n", 4,
	  "filter=0x48: only 0x10a can be filtered", 0 },
	{ "unknown user_msr reason", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  vm user_msr=inval,bogus\n", 4, "unknown exit reason 'bogus'", 0 },
	{ "unknown vm token", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  vm smt=1\n", 4,
	  "unknown vm token 'smt=1'", 0 },
	/* ops */
	{ "op with too few args", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_msr 0x10a\n", 4, "op 'set_msr': expected 2 arguments", 0 },
	{ "op with too many args", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x10a 1 -> gp\n", 4, "op 'rdmsr': expected 1 argument", 0 },
	{ "op run with an arg", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  op run 1\n", 4,
	  "op 'run': expected no arguments", 0 },
	{ "unknown op", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  op frob\n", 4,
	  "unknown op 'frob' (see docs/vectors.md)", 0 },
	{ "op without name", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  op\n", 4,
	  "op: missing the op name", 0 },
	{ "arrow without result", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  op run ->\n",
	  4, "op 'run': '->' without a result", 0 },
	{ "op arg not a number", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x1g\n", 4, "value '0x1g' is not a number", 0 },
	{ "MSR index too big", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x100000000\n", 4, "MSR index '0x100000000' does not fit in 32 bits", 0 },
	{ "bad rdmsr result", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x10a -> maybe\n", 4,
	  "op 'rdmsr': bad result 'maybe' (expected V, gp, exit=R gp or exit=R V)", 0 },
	{ "bad result value", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x10a -> 0x1g\n", 4, "value '0x1g' is not a number", 0 },
	{ "bad set_msr result", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_msr 0x10a 0 -> n=2\n", 4,
	  "op 'set_msr': bad result 'n=2' (expected n=0 or n=1)", 0 },
	{ "get_msr n=1 without value", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op get_msr 0x10a -> n=1\n", 4,
	  "op 'get_msr': bad result 'n=1' (expected n=0 or n=1 V)", 0 },
	{ "wrmsr exit with value", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op wrmsr 0x10a 0 -> exit=filter 0x5\n", 4,
	  "op 'wrmsr': bad result 'exit=filter 0x5' (expected ok, gp, exit=R gp or exit=R ok)", 0 },
	{ "result with three tokens", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x10a -> exit=inval gp x\n", 4,
	  "op 'rdmsr': bad result 'exit=inval gp ...' (expected V, gp, exit=R gp or exit=R V)", 0 },
	{ "unknown exit reason", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op rdmsr 0x10a -> exit=foo gp\n", 4,
	  "unknown exit reason 'foo' (inval, unknown or filter)", 0 },
	{ "unknown errno", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_cpuid - -> errno=EWHAT\n", 4, "unknown errno 'EWHAT'", 0 },
	{ "bad verw result", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op verw -> yes\n", 4, "op 'verw': bad result 'yes' (expected clears, keeps or n/a)", 0 },
	{ "bad CR4 name", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_cr4 osxsave,smep\n", 4, "unknown CR4 bit 'smep'", 0 },
	{ "guest_cpuid result not a list", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op guest_cpuid rtm -> foo\n", 4, "unknown feature 'foo' (see kmc names features)", 0 },
	/* expect */
	{ "expect without key", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  expect\n", 4,
	  "expect: missing KEY[=VALUE]", 0 },
	{ "expect unquoted spaces", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect sysfs.mds=Not affected\n", 4,
	  "expect: one KEY[=VALUE] per line (quote values with spaces)", 0 },
	{ "unknown expect key", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugz=-\n", 4, "unknown expect key 'bugz'", 0 },
	{ "expect twice", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugs=-\n  expect bugs=mds\n", 5, "expect 'bugs' given twice (first at line 4)", 0 },
	{ "expect request outside kmc fill", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugs\n", 4, "expect 'bugs' has no value (kmc fill fills it in)", 0 },
	{ "unknown bug", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugs=mds,foo\n", 4, "unknown bug 'foo' (see kmc names bugs)", 0 },
	{ "bug twice", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugs=mds,mds\n", 4, "bug 'mds' listed twice", 0 },
	{ "empty list", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  expect bugs=\n", 4,
	  "empty bug list (write '-' for none)", 0 },
	{ "empty name in list", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect bugs=mds,,taa\n", 4, "empty name in bug list 'mds,,taa'", 0 },
	{ "bad fb_clear_ctrl", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect fb_clear_ctrl=2\n", 4, "expect 'fb_clear_ctrl': expected 0, 1 or n/a, got '2'", 0 },
	{ "bad l1tf_vmx", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  expect l1tf_vmx=sometimes\n", 4,
	  "l1tf_vmx=sometimes: expected auto, never, cond, always, ept_disabled or not_required", 0 },
	{ "sysfs too long", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  expect sysfs.mds=\""
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567\"\n", 4,
	  "expect 'sysfs.mds': string longer than 95 characters", 0 },
	/* reject */
	{ "reject without text", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  reject\n", 4,
	  "reject: expected one quoted TEXT", 0 },
	{ "reject with empty text", "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  reject \"\"\n", 4, "reject: TEXT is empty", 0 },
};

START_TEST(malformed_input_reports_file_line_reason)
{
	const struct bad *b = &bad[_i];
	char msg[1024], want[1024], *reason;
	struct kmv_file f;
	int ret;

	ret = read_text(b->text, 0, &f, msg, sizeof(msg));
	reason = expand(b->reason);
	snprintf(want, sizeof(want), "%s:%u: %s", path, b->line, reason);
	ck_assert_msg(!strcmp(msg, want), "%s:\n  got  '%s'\n  want '%s'", b->name, msg, want);
	ck_assert_int_eq(ret, b->err ? b->err : -EINVAL);
	ck_assert_int_eq(f.err, ret);
	ck_assert_str_eq(f.errmsg, want);
	ck_assert_uint_eq(f.errline, b->line);
	free(reason);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(nul_byte_is_an_error)
{
	static const char text[] = "kmv 1\nvector a\0 x\n";
	char msg[512], want[512];
	struct kmv_file f;

	write_tmp(text, sizeof(text) - 1);
	ck_assert_int_eq(kmv_read_file(path, 0, NULL, &f, msg, sizeof(msg)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte in line: not a vector file", path);
	ck_assert_str_eq(msg, want);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

/*
 * /dev/zero, a binary: the reader stops at the first NUL, or after one
 * overlong line, having read little -- it does not read the whole stream
 * into memory first
 */
START_TEST(a_binary_stream_stops_at_once)
{
	size_t n = 16u << 20;
	char *zeros = calloc(1, n), msg[512];
	struct kmv_file f;
	FILE *fp;

	ck_assert_ptr_nonnull(zeros);
	fp = fmemopen(zeros, n, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(kmv_read(fp, "zeros", 0, NULL, &f, msg, sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "zeros:1: NUL byte in line: not a vector file");
	ck_assert_int_lt(ftell(fp), 1 << 20);
	fclose(fp);
	kmv_file_free(&f);
	/* no NUL, no newline: one line too long */
	memset(zeros, 'x', n);
	fp = fmemopen(zeros, n, "r");
	ck_assert_int_eq(kmv_read(fp, "xs", 0, NULL, &f, msg, sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "xs:1: line longer than 65536 bytes: not a vector file");
	ck_assert_int_lt(ftell(fp), 1 << 20);
	fclose(fp);
	kmv_file_free(&f);
	free(zeros);
	/* the device itself */
	ck_assert_int_eq(kmv_read_file("/dev/zero", 0, NULL, &f, msg, sizeof(msg)), -EINVAL);
	ck_assert_str_eq(msg, "/dev/zero:1: NUL byte in line: not a vector file");
	kmv_file_free(&f);
}
END_TEST

/* KMV_CHECKS (kmc-run): a vector that checks nothing is an error, not a pass */
START_TEST(a_vector_without_expectations_is_an_error)
{
	char msg[512], want[600];
	struct kmv_file f;

	ck_assert_int_eq(read_text("kmv 1\n"
				   "vector a.ok profile=@P@\n  host cpu=@CPU@\n  expect bugs=-\n"
				   "\n"
				   "vector a.none profile=@P@\n  host cpu=@CPU@\n  op set_msr 0x10a 0x0\n"
				   "\n"
				   "vector a.after profile=@P@\n  host cpu=@CPU@\n  expect bugs=-\n",
				   KMV_CHECKS, &f, msg, sizeof(msg)), -EINVAL);
	snprintf(want, sizeof(want), "%s:6: vector 'a.none' has no expectations (no `expect`, no op "
		 "with `-> RESULT`): it would pass without checking anything", path);
	ck_assert_str_eq(msg, want);
	ck_assert_uint_eq(f.errline, 6);
	ck_assert_uint_eq(f.nrecs, 1);	/* the records before it stay usable */
	kmv_file_free(&f);
	unlink(path);
	/* what does check: an op result, `host live` ops (the model fills them), a reject */
	ck_assert_int_eq(read_text("kmv 1\n"
				   "vector b.res profile=@P@\n  host cpu=@CPU@\n  op rdmsr 0x10a -> gp\n"
				   "\n"
				   "vector b.live profile=live\n  host live\n  op rdmsr 0x10a\n"
				   "\n"
				   "vector b.rej profile=@P@\n  host cpu=nosuch\n  reject \"unknown CPU\"\n",
				   KMV_CHECKS, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.nrecs, 3);
	kmv_file_free(&f);
	unlink(path);
	/* without the flag (kmc eval, kmc migrate's scenarios) a bare scenario reads */
	ck_assert_int_eq(read_text("kmv 1\nvector c profile=@P@\n  host cpu=@CPU@\n", 0, &f, msg,
				   sizeof(msg)), 0);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(too_many_ops_is_an_error_at_the_17th)
{
	char text[4096] = "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n";
	char msg[512], want[512];
	struct kmv_file f;

	for (int i = 0; i < KMC_MAX_OPS + 1; i++)
		strcat(text, "  op run\n");
	ck_assert_int_eq(read_text(text, 0, &f, msg, sizeof(msg)), -E2BIG);
	snprintf(want, sizeof(want), "%s:%d: too many ops (at most 16)", path, 3 + KMC_MAX_OPS + 1);
	ck_assert_str_eq(msg, want);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(sixteen_ops_are_fine)
{
	char text[4096] = "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n";
	char msg[512];
	struct kmv_file f;

	for (int i = 0; i < KMC_MAX_OPS; i++)
		strcat(text, "  op run -> ok\n");
	ck_assert_int_eq(read_text(text, 0, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.recs[0].sc.nops, KMC_MAX_OPS);
	ck_assert_uint_eq(f.recs[0].res_have, 0xffff);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(missing_file_is_reported_with_strerror)
{
	char msg[512];
	struct kmv_file f;

	ck_assert_int_eq(kmv_read_file("/nonexistent/x.kmv", 0, NULL, &f, msg, sizeof(msg)),
			 -ENOENT);
	ck_assert_str_eq(msg, "/nonexistent/x.kmv: No such file or directory");
	ck_assert_str_eq(f.errmsg, msg);
	kmv_file_free(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kmv-malformed");
	TCase *tc = tcase_create("malformed");

	tcase_add_loop_test(tc, malformed_input_reports_file_line_reason, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, nul_byte_is_an_error);
	tcase_add_test(tc, a_binary_stream_stops_at_once);
	tcase_add_test(tc, a_vector_without_expectations_is_an_error);
	tcase_add_test(tc, too_many_ops_is_an_error_at_the_17th);
	tcase_add_test(tc, sixteen_ops_are_fine);
	tcase_add_test(tc, missing_file_is_reported_with_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
