// SPDX-License-Identifier: GPL-2.0
/*
 * The vector reader and the canonical writer (harness/kmv/).
 *
 * Inputs are written to temporary files, as kmc-run reads them.  In the
 * inputs, @CPU@ and @CPU2@ stand for catalog CPUs, @P@ for a profile and
 * @PATH@ for the file's own path, so the tests do not depend on the
 * catalog's contents.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kmv.h"
#include "names.h"
#include "kmc/array_size.h"

static char path[64];

/* @CPU@, @CPU2@, @P@, @PATH@ replaced; the result is malloc'd */
static char *expand(const char *tmpl)
{
	const char *sub[][2] = {
		{ "@CPU@", kmc_cpus[0].name },
		{ "@CPU2@", kmc_cpus[kmc_ncpus - 1].name },
		{ "@P@", kmc_profile_at(0)->name },
		{ "@PATH@", path },
	};
	size_t len = strlen(tmpl) * 4 + 4096;
	char *out = malloc(len), *w = out;

	ck_assert_ptr_nonnull(out);
	while (*tmpl) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(sub); i++)
			if (!strncmp(tmpl, sub[i][0], strlen(sub[i][0])))
				break;
		if (i < ARRAY_SIZE(sub)) {
			w += sprintf(w, "%s", sub[i][1]);
			tmpl += strlen(sub[i][0]);
		} else {
			*w++ = *tmpl++;
		}
	}
	*w = '\0';
	return out;
}

/* Write @text (expanded) to a fresh temporary file, named in `path` */
static void write_tmp(const char *text, size_t len)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/kmc-test-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static int read_text(const char *tmpl, unsigned int flags, struct kmv_file *f,
		     char *msg, size_t msglen)
{
	char *text;
	int ret;

	/* path is known only after mkstemp: name it first, then fill it */
	write_tmp("", 0);
	text = expand(tmpl);
	{
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(text, fp);
		fclose(fp);
	}
	free(text);
	msg[0] = '\0';
	ret = kmv_read_file(path, flags, NULL, f, msg, msglen);
	return ret;
}

static char *write_canonical(const struct kmv_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(kmv_write(mem, f), 0);
	fclose(mem);
	return buf;
}

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

/* ---- what a good record reads as ---------------------------------------- */

START_TEST(record_fields_are_read)
{
	const char *text =
		"kmv 1\n"
		"vector grp.sub.x profile=@P@\n"
		"  host cpu=@CPU@ ac=0x21 mcu=0x20 cpuid=+rtm,-hle smt=0 tsx=off l1tf=full,force "
		"mitigations=off mds=off vmentry_l1d_flush=never ept=0 ignore_msrs=1 nofsgsbase "
		"gather_data_sampling=force core=atom\n"
		"  vm quirks=-stuff_feature_msrs,-misc_enable_no_mwait user_msr=inval,filter "
		"filter=0x10a uemu=0x5 mmio=1\n"
		"  op set_cpuid arch_capabilities,md_clear -> errno=EINVAL\n"
		"  op set_msr 0x10a 0x5 -> n=0\n"
		"  op get_msr 0x10a -> n=1 0x20\n"
		"  op rdmsr 0x10a -> exit=filter 0x5\n"
		"  op wrmsr 0x10a 0 -> exit=inval gp\n"
		"  op set_cr4 osxsave,pke -> gp\n"
		"  op guest_cpuid rtm,hle -> rtm\n"
		"  op verw -> keeps\n"
		"  op get_feature -> 0x69\n"
		"  op host_ucode 0x0\n"
		"  expect bugs=mds,spectre_v1\n"
		"  expect sysfs.mds=\"Mitigation: Clear CPU buffers; SMT \\\"vulnerable\\\"\"\n"
		"  expect fb_clear_ctrl=n/a\n"
		"  expect kvm.arch_cap=0x400000000c000069\n";
	const struct kmv_record *r;
	const struct kmc_host *h;
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text(text, 0, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.nrecs, 1);
	r = &f.recs[0];
	h = &r->sc.host;
	ck_assert_str_eq(r->id, "grp.sub.x");
	ck_assert_str_eq(r->group, "grp");
	ck_assert_ptr_eq(r->profile, kmc_profile_at(0));
	ck_assert_uint_eq(r->line, 2);
	ck_assert_uint_eq(r->host_line, 3);
	ck_assert_uint_eq(r->vm_line, 4);
	ck_assert_uint_eq(h->vendor, kmc_cpus[0].vendor);
	ck_assert_uint_eq(h->arch_cap, 0x21);
	ck_assert_uint_eq(h->mcu_opt_ctrl, 0x20);
	ck_assert(h->cpuid & KMC_F(RTM));
	ck_assert(!(h->cpuid & KMC_F(HLE)));
	ck_assert_uint_eq(h->smt, 0);
	ck_assert_uint_eq(h->tsx, KMC_TSX_OFF);
	ck_assert_uint_eq(h->l1tf, KMC_L1TF_FULL_FORCE);
	ck_assert_uint_eq(h->mitigations_off, 1);
	ck_assert_uint_eq(h->vuln_off, KMC_OFF_MDS);
	ck_assert_uint_eq(h->l1d_flush, KMC_L1D_NEVER);
	ck_assert_uint_eq(h->ept, 0);
	ck_assert_uint_eq(h->ignore_msrs, 1);
	ck_assert_uint_eq(h->nofsgsbase, 1);
	ck_assert_uint_eq(h->gds, KMC_GDS_FORCE);
	ck_assert_uint_eq(h->core_type, KMC_CORE_TYPE_ATOM);
	ck_assert_uint_eq(r->sc.vm.disabled_quirks,
			  KMC_KVM_QUIRK_STUFF_FEATURE_MSRS | KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT);
	ck_assert_uint_eq(r->sc.vm.user_msr_exits, KMC_MSR_EXIT_INVAL | KMC_MSR_EXIT_FILTER);
	ck_assert_uint_eq(r->sc.vm.filter_arch_cap, 1);
	ck_assert_uint_eq(r->sc.vm.uemu_arch_cap, 5);
	ck_assert_uint_eq(r->sc.vm.mmio_mapped, 1);

	ck_assert_uint_eq(r->sc.nops, 10);
	ck_assert_uint_eq(r->res_have, 0x1ff);	/* host_ucode has no result */
	ck_assert_uint_eq(r->sc.ops[0].value, KMC_F(ARCH_CAPABILITIES) | KMC_F(MD_CLEAR));
	ck_assert_uint_eq(r->exp.res[0].kind, KMC_RES_ERRNO);
	ck_assert_int_eq(r->exp.res[0].err, EINVAL);
	ck_assert_uint_eq(r->sc.ops[1].index, 0x10a);
	ck_assert_uint_eq(r->sc.ops[1].value, 5);
	ck_assert_uint_eq(r->exp.res[1].kind, KMC_RES_NMSRS);
	ck_assert_uint_eq(r->exp.res[1].n, 0);
	ck_assert_uint_eq(r->exp.res[2].n, 1);
	ck_assert_uint_eq(r->exp.res[2].value, 0x20);
	ck_assert_uint_eq(r->exp.res[3].kind, KMC_RES_EXIT);
	ck_assert_uint_eq(r->exp.res[3].exit, KMC_MSR_EXIT_FILTER);
	ck_assert_uint_eq(r->exp.res[3].n, 1);
	ck_assert_uint_eq(r->exp.res[3].value, 5);
	ck_assert_uint_eq(r->exp.res[4].kind, KMC_RES_EXIT);
	ck_assert_uint_eq(r->exp.res[4].exit, KMC_MSR_EXIT_INVAL);
	ck_assert_uint_eq(r->exp.res[4].n, 0);
	ck_assert_uint_eq(r->sc.ops[5].value, KMC_CR4_OSXSAVE | KMC_CR4_PKE);
	ck_assert_uint_eq(r->exp.res[5].kind, KMC_RES_GP);
	ck_assert_uint_eq(r->exp.res[6].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(r->exp.res[6].value, KMC_F(RTM));
	ck_assert_uint_eq(r->exp.res[7].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(r->exp.res[7].value, 0);
	ck_assert_uint_eq(r->exp.res[8].value, 0x69);
	ck_assert_uint_eq(r->op_line[9], 14);

	ck_assert_uint_eq(r->exp_have, (1u << KMV_K_BUGS) | (1u << KMV_K_SYSFS_MDS) |
			  (1u << KMV_K_FB_CLEAR_CTRL) | (1u << KMV_K_KVM_ARCH_CAP));
	ck_assert_uint_eq(r->exp.bugs, KMC_B(MDS) | KMC_B(SPECTRE_V1));
	ck_assert_str_eq(r->exp.sysfs_mds, "Mitigation: Clear CPU buffers; SMT \"vulnerable\"");
	ck_assert_int_eq(r->exp.fb_clear_ctrl, -1);
	ck_assert_uint_eq(r->exp.kvm_arch_cap, 0x400000000c000069ULL);
	ck_assert_uint_eq(r->exp_line[KMV_K_SYSFS_MDS], 16);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(vendor_and_fms_without_cpu)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=@P@\n  host vendor=amd fms=0x19:0x11:1\n",
				   0, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.recs[0].sc.host.vendor, KMC_VENDOR_AMD);
	ck_assert_uint_eq(f.recs[0].sc.host.family, 0x19);
	ck_assert_uint_eq(f.recs[0].sc.host.model, 0x11);
	ck_assert_uint_eq(f.recs[0].sc.host.stepping, 1);
	ck_assert_uint_eq(f.recs[0].sc.host.smt, 1);	/* the default command line */
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(live_host_is_marked)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=@P@\n  host live\n  op get_feature\n",
				   0, &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.recs[0].live, 1);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(records_before_an_error_are_kept)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\n"
				   "vector a profile=@P@\n  host cpu=@CPU@\n"
				   "vector b profile=@P@\n  host cpu=@CPU@\n"
				   "vector c profile=@P@\n  host cpu=nosuch\n"
				   "vector d profile=@P@\n  host cpu=@CPU@\n",
				   0, &f, msg, sizeof(msg)), -ENOENT);
	ck_assert_uint_eq(f.nrecs, 2);
	ck_assert_str_eq(f.recs[0].id, "a");
	ck_assert_str_eq(f.recs[1].id, "b");
	ck_assert_uint_eq(f.errline, 7);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(ids_are_unique_across_files)
{
	struct kmv_idset *ids = kmv_idset_new();
	struct kmv_file f1, f2;
	char msg[512], p1[64], want[600];

	ck_assert_int_eq(read_text("kmv 1\nvector x.1 profile=@P@\n  host cpu=@CPU@\n",
				   0, &f1, msg, sizeof(msg)), 0);
	/* read again through the shared set, then a second file */
	kmv_file_free(&f1);
	ck_assert_int_eq(kmv_read_file(path, 0, ids, &f1, msg, sizeof(msg)), 0);
	strcpy(p1, path);
	ck_assert_int_eq(read_text("kmv 1\nvector x.2 profile=@P@\n  host cpu=@CPU@\n"
				   "vector x.1 profile=@P@\n  host cpu=@CPU@\n", 0, &f2, msg, sizeof(msg)), 0);
	kmv_file_free(&f2);
	ck_assert_int_eq(kmv_read_file(path, 0, ids, &f2, msg, sizeof(msg)), -EEXIST);
	snprintf(want, sizeof(want), "%s:4: duplicate vector id 'x.1' (first at %s:2)", path, p1);
	ck_assert_str_eq(msg, want);
	ck_assert_uint_eq(f2.nrecs, 1);
	kmv_file_free(&f1);
	kmv_file_free(&f2);
	kmv_idset_free(ids);
	unlink(path);
	unlink(p1);
}
END_TEST

START_TEST(many_ids_grow_the_id_set)
{
	struct kmv_idset *ids = kmv_idset_new();
	char id[32];

	/* exercise rehashing: every id is found again, none twice */
	for (int i = 0; i < 5000; i++) {
		char text[256];
		struct kmv_file f;
		char msg[512];
		FILE *fp;

		snprintf(id, sizeof(id), "v.%d", i % 2500);
		snprintf(text, sizeof(text), "kmv 1\nvector %s profile=%s\n  host cpu=%s\n",
			 id, kmc_profile_at(0)->name, kmc_cpus[0].name);
		fp = fmemopen(text, strlen(text), "r");
		ck_assert_int_eq(kmv_read(fp, "m", 0, ids, &f, msg, sizeof(msg)),
				 i < 2500 ? 0 : -EEXIST);
		fclose(fp);
		kmv_file_free(&f);
	}
	kmv_idset_free(ids);
}
END_TEST

/* read "vector ID" records for ids @from..@to (step 1) through @ids; how many were duplicates */
static unsigned int read_ids(struct kmv_idset *ids, int from, int to, int mod)
{
	unsigned int dups = 0;

	for (int i = from; i < to; i++) {
		char text[256], msg[512];
		struct kmv_file f;
		FILE *fp;

		snprintf(text, sizeof(text), "kmv 1\nvector v.%d profile=%s\n  host cpu=%s\n",
			 i % mod, kmc_profile_at(0)->name, kmc_cpus[0].name);
		fp = fmemopen(text, strlen(text), "r");
		if (kmv_read(fp, "m", 0, ids, &f, msg, sizeof(msg)) == -EEXIST)
			dups++;
		fclose(fp);
		kmv_file_free(&f);
	}
	return dups;
}

START_TEST(screened_id_set_finds_what_the_exact_one_finds)
{
	struct kmv_idset *exact = kmv_idset_new(), *screen = kmv_idset_new_screen();

	/* 24000 records, ids 0..19999: the last 4000 repeat ids 0..3999 */
	ck_assert_uint_eq(read_ids(exact, 0, 24000, 20000), 4000);
	/* the first pass reports nothing, and suspects at least every true duplicate */
	ck_assert_uint_eq(read_ids(screen, 0, 24000, 20000), 0);
	ck_assert_uint_ge(kmv_idset_confirm(screen), 4000);
	/* the second pass over the same records: exactly the duplicates, at each pass */
	ck_assert_uint_eq(read_ids(screen, 0, 24000, 20000), 4000);
	kmv_idset_confirm(screen);
	ck_assert_uint_eq(read_ids(screen, 0, 24000, 20000), 4000);
	kmv_idset_free(exact);
	kmv_idset_free(screen);
}
END_TEST

START_TEST(screened_id_set_suspects_few_unique_ids)
{
	struct kmv_idset *screen = kmv_idset_new_screen();
	unsigned int suspects;

	/* 80000 unique ids: the filter's false positives only (almost none expected) */
	ck_assert_uint_eq(read_ids(screen, 0, 80000, 80000), 0);
	suspects = kmv_idset_confirm(screen);
	ck_assert_msg(suspects < 80, "%u suspects among 80000 unique ids", suspects);
	ck_assert_uint_eq(read_ids(screen, 0, 80000, 80000), 0);
	kmv_idset_free(screen);
}
END_TEST

/* ---- the expected-failure form ------------------------------------------ */

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

START_TEST(reject_of_an_accepted_record_fails)
{
	struct kmv_file f;
	char msg[512], want[600];

	ck_assert_int_eq(read_text("kmv 1\nvector r profile=@P@\n  host cpu=@CPU@\n"
				   "  reject \"anything\"\n", 0, &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.nrecs, 1);
	ck_assert_int_eq(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)), 0);
	snprintf(want, sizeof(want), "%s:4: accepted, but expected a rejection containing \"anything\"",
		 path);
	ck_assert_str_eq(msg, want);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(reject_for_another_reason_fails)
{
	struct kmv_file f;
	char msg[512], want[600];

	ck_assert_int_eq(read_text("kmv 1\nvector r profile=@P@\n  host cpu=@CPU@ smt=2\n"
				   "  reject \"unknown CPU\"\n", 0, &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)), 0);
	snprintf(want, sizeof(want), "%s:4: rejected with \"smt=2: expected 0 or 1\" (line 3), "
		 "expected a message containing \"unknown CPU\"", path);
	ck_assert_str_eq(msg, want);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(reject_before_the_bad_line_still_counts)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\nvector r profile=@P@\n  reject \"no host line\"\n",
				   0, &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)), 1);
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

START_TEST(two_reject_lines_are_a_problem_of_the_record)
{
	struct kmv_file f;
	char msg[512];

	ck_assert_int_eq(read_text("kmv 1\nvector r profile=@P@\n  host cpu=@CPU@\n"
				   "  reject \"xyz1\"\n  reject \"xyz2\"\n", 0, &f, msg, sizeof(msg)), 0);
	ck_assert_str_eq(f.recs[0].error, "second reject line (first at line 4)");
	ck_assert_int_eq(kmv_reject_ok(&f.recs[0], msg, sizeof(msg)), 0);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

/* ---- canonical output ----------------------------------------------------- */

/* Already canonical: must come back byte for byte */
static const char *const canonical[] = {
	"kmv 1\n",
	"# top comment\n"
	"kmv 1\n"
	"# Sapphire Rapids guest\n"
	"\n"
	"vector host.a.1 profile=@P@\n"
	"  host cpu=@CPU@ ac=0x0c0000eb cpuid=+hypervisor smt=0\n"
	"  expect bugs=spectre_v1,spectre_v2,swapgs,mmio_unknown,bhi,its\n"
	"  expect sysfs.mmio_stale_data=\"Unknown: No mitigations\"\n"
	"\n"
	"vector vcpu.gate.1 profile=@P@\n"
	"  host cpu=@CPU2@\n"
	"  # a comment inside\n"
	"  vm quirks=-stuff_feature_msrs user_msr=unknown filter=0x10a uemu=0x5\n"
	"  op set_msr 0x10a 0x5                 -> n=0\n"
	"  op set_cpuid arch_capabilities       -> ok\n"
	"  op get_msr 0x10a                     -> n=1 0x400000000c000069\n"
	"  op rdmsr 0x10a                       -> exit=filter 0x5\n"
	"  op wrmsr 0x10a 0x0                   -> exit=unknown gp\n"
	"  op set_cpuid -                       -> errno=EINVAL\n"
	"  op guest_cpuid arch_capabilities,md_clear -> arch_capabilities\n"
	"  op verw                              -> n/a\n"
	"  op run\n"
	"  expect vcpu.arch_cap=0x0\n"
	"  expect fb_clear_ctrl=n/a\n"
	"  expect findings=-\n"
	"  # trailing comment\n"
	"\n"
	"vector variant.a profile=@P@ variant=md-clear\n"
	"  host cpu=@CPU@\n"
	"  expect disable_fb_clear=0\n"
	"\n"
	"# between records\n"
	"vector r.1 profile=9.9\n"
	"   host   cpu=nosuch\n"
	"   reject \"unknown profile\"\n"
	"# tail\n",
};

START_TEST(canonical_input_round_trips_byte_for_byte)
{
	struct kmv_file f;
	char msg[512], *in = expand(canonical[_i]), *out;

	ck_assert_int_eq(read_text(canonical[_i], KMV_REQUESTS, &f, msg, sizeof(msg)), 0);
	out = write_canonical(&f);
	ck_assert_msg(!strcmp(in, out), "round trip differs:\n--- in\n%s--- out\n%s", in, out);
	free(in);
	free(out);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

/* Not canonical: the writer normalises, and its output is a fixed point */
static const struct {
	const char *in, *out;
} normalise[] = {
	{ /* spacing, hex case, quoting, result column, list order of results */
	  "\n\n# c\nkmv   1\n\n\nvector  a  profile=@P@\n\thost  cpu=@CPU@   ac=0X1F\n"
	  "  op   rdmsr   0X10A   ->   0X5\n"
	  "  op guest_cpuid hle,rtm -> rtm,hle\n"
	  "  expect   bugs=taa,mds\n  expect sysfs.mds=Vulnerable\n  expect kvm.arch_cap=10\n"
	  "vector b profile=@P@\n  host cpu=@CPU@\n\n\n",
	  "# c\nkmv 1\n\nvector a profile=@P@\n  host cpu=@CPU@ ac=0x1f\n"
	  "  op rdmsr 0x10a                       -> 0x5\n"
	  "  op guest_cpuid hle,rtm               -> rtm,hle\n"
	  "  expect bugs=mds,taa\n  expect sysfs.mds=\"Vulnerable\"\n  expect kvm.arch_cap=0xa\n"
	  "\nvector b profile=@P@\n  host cpu=@CPU@\n" },
	{ /* comments: column 0 inside a record is indented; blank runs collapse */
	  "kmv 1\nvector a profile=@P@\n# inside\n  host cpu=@CPU@\n    # trailing\n\n\n\n# before b\n"
	  "vector b profile=@P@\n  host cpu=@CPU@\n  expect bugs\n\n# tail\n\n",
	  "kmv 1\nvector a profile=@P@\n  # inside\n  host cpu=@CPU@\n  # trailing\n\n# before b\n"
	  "vector b profile=@P@\n  host cpu=@CPU@\n  expect bugs\n\n# tail\n" },
	{ /* a long op pushes its arrow one space out */
	  "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_cpuid arch_capabilities,md_clear,flush_l1d -> ok\n",
	  "kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
	  "  op set_cpuid arch_capabilities,md_clear,flush_l1d -> ok\n" },
};

START_TEST(non_canonical_input_is_normalised_to_a_fixed_point)
{
	struct kmv_file f, g;
	char msg[512], *want = expand(normalise[_i].out), *out, *again;

	ck_assert_int_eq(read_text(normalise[_i].in, KMV_REQUESTS, &f, msg, sizeof(msg)), 0);
	out = write_canonical(&f);
	ck_assert_msg(!strcmp(out, want), "canonical form differs:\n--- want\n%s--- got\n%s", want, out);
	unlink(path);
	ck_assert_int_eq(read_text(out, KMV_REQUESTS, &g, msg, sizeof(msg)), 0);
	again = write_canonical(&g);
	ck_assert_str_eq(again, out);
	free(want);
	free(out);
	free(again);
	kmv_file_free(&f);
	kmv_file_free(&g);
	unlink(path);
}
END_TEST

START_TEST(result_arrow_is_at_column_40)
{
	struct kmv_file f;
	char msg[512], *out, *line;

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n  op run -> ok\n",
				   0, &f, msg, sizeof(msg)), 0);
	out = write_canonical(&f);
	line = strstr(out, "  op run");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(strstr(line, "->") - line + 1, KMV_RESULT_COL);
	free(out);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(filled_values_print_canonically)
{
	struct kmv_file f;
	char msg[512], *out;
	struct kmv_record *r;

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
				   "  op get_msr 0x10a\n  expect bugs\n  expect sysfs.taa\n"
				   "  expect disable_fb_clear\n",
				   KMV_REQUESTS, &f, msg, sizeof(msg)), -EINVAL);
	/* sysfs.taa is not a key: the canonical key is sysfs.tsx_async_abort */
	ck_assert_str_eq(strchr(msg, ' ') + 1, "unknown expect key 'sysfs.taa'");
	kmv_file_free(&f);
	unlink(path);

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
				   "  op get_msr 0x10a\n  expect bugs\n  expect sysfs.tsx_async_abort\n"
				   "  expect disable_fb_clear\n",
				   KMV_REQUESTS, &f, msg, sizeof(msg)), 0);
	r = &f.recs[0];
	ck_assert_uint_eq(r->exp_req, (1u << KMV_K_BUGS) | (1u << KMV_K_SYSFS_TAA) |
			  (1u << KMV_K_DISABLE_FB_CLEAR));
	/* what kmc fill does with the model's answer */
	r->exp.bugs = KMC_B(TAA) | KMC_B(CPU_MELTDOWN);
	strcpy(r->exp.sysfs_taa, "Mitigation: TSX disabled");
	r->exp.disable_fb_clear = 1;
	r->exp_have = r->exp_req;
	r->exp_req = 0;
	r->exp.res[0] = (struct kmc_result){ .kind = KMC_RES_NMSRS, .n = 1, .value = 0xABC };
	r->res_have = 1;
	out = write_canonical(&f);
	ck_assert_str_eq(strstr(out, "  op"),
			 "  op get_msr 0x10a                     -> n=1 0xabc\n"
			 "  expect bugs=cpu_meltdown,taa\n"
			 "  expect sysfs.tsx_async_abort=\"Mitigation: TSX disabled\"\n"
			 "  expect disable_fb_clear=1\n");
	free(out);
	kmv_file_free(&f);
	unlink(path);
}
END_TEST

START_TEST(several_files_write_as_one)
{
	struct kmv_file f[2];
	char msg[512], p0[64], *buf = NULL;
	size_t len = 0;
	FILE *mem;

	ck_assert_int_eq(read_text("# one\nkmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n",
				   0, &f[0], msg, sizeof(msg)), 0);
	strcpy(p0, path);
	ck_assert_int_eq(read_text("# two\nkmv 1\nvector b profile=@P@\n  host cpu=@CPU@\n",
				   0, &f[1], msg, sizeof(msg)), 0);
	mem = open_memstream(&buf, &len);
	ck_assert_int_eq(kmv_write_all(mem, f, 2), 0);
	fclose(mem);
	{
		char *want = expand("# one\nkmv 1\nvector a profile=@P@\n  host cpu=@CPU@\n"
				    "\n# two\nvector b profile=@P@\n  host cpu=@CPU@\n");

		ck_assert_str_eq(buf, want);
		free(want);
	}
	free(buf);
	kmv_file_free(&f[0]);
	kmv_file_free(&f[1]);
	unlink(path);
	unlink(p0);
}
END_TEST

/* ---- value formatting ----------------------------------------------------- */

START_TEST(results_format_in_vector_syntax)
{
	static const struct {
		uint8_t op;
		struct kmc_result r;
		const char *text;
	} t[] = {
		{ KMC_OP_SET_CPUID, { .kind = KMC_RES_OK }, "ok" },
		{ KMC_OP_SET_CPUID, { .kind = KMC_RES_ERRNO, .err = EINVAL }, "errno=EINVAL" },
		{ KMC_OP_SET_CPUID, { .kind = KMC_RES_ERRNO, .err = 200 }, "errno=200" },
		{ KMC_OP_SET_MSR, { .kind = KMC_RES_NMSRS, .n = 1, .value = 5 }, "n=1" },
		{ KMC_OP_GET_MSR, { .kind = KMC_RES_NMSRS, .n = 0, .value = 5 }, "n=0" },
		{ KMC_OP_GET_MSR, { .kind = KMC_RES_NMSRS, .n = 1, .value = 5 }, "n=1 0x5" },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_VALUE, .value = 0xAB }, "0xab" },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_GP }, "gp" },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_EXIT, .exit = KMC_MSR_EXIT_UNKNOWN }, "exit=unknown gp" },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_EXIT, .exit = KMC_MSR_EXIT_FILTER, .n = 1, .value = 7 },
		  "exit=filter 0x7" },
		{ KMC_OP_GUEST_CPUID, { .kind = KMC_RES_VALUE, .value = 0 }, "-" },
		{ KMC_OP_GUEST_CPUID, { .kind = KMC_RES_VALUE, .value = KMC_F(HLE) | KMC_F(RTM) },
		  "rtm,hle" },
		{ KMC_OP_VERW, { .kind = KMC_RES_VALUE, .value = 0 }, "keeps" },
		{ KMC_OP_VERW, { .kind = KMC_RES_VALUE, .value = 1 }, "clears" },
		{ KMC_OP_VERW, { .kind = KMC_RES_VALUE, .value = 2 }, "n/a" },
		{ KMC_OP_VERW, { .kind = KMC_RES_OK }, "n/a" },
		{ KMC_OP_RUN, { .kind = KMC_RES_NONE }, "(none)" },
	};
	char buf[KMV_VALMAX];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		kmv_format_result(t[i].op, &t[i].r, buf, sizeof(buf));
		ck_assert_msg(!strcmp(buf, t[i].text), "case %zu: '%s' != '%s'", i, buf, t[i].text);
	}
}
END_TEST

START_TEST(keys_format_in_vector_syntax)
{
	struct kmc_obs o = { .bugs = 0, .kvm_arch_cap = 0x69, .fb_clear_ctrl = -1,
			     .disable_fb_clear = 0, .l1tf_vmx = KMC_L1TF_VMX_EPT_DISABLED,
			     .host_state = KMC_HS_CLEAR_CPU_BUF | KMC_HS_GDS_UCODE_MITIGATED,
			     .findings = KMC_FINDING_MMIO_VERW_ORDER };
	char buf[KMV_VALMAX];

	strcpy(o.sysfs_mmio, "a \"b\" \\c");
	kmv_format_key(KMV_K_BUGS, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	kmv_format_key(KMV_K_KVM_ARCH_CAP, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x69");
	kmv_format_key(KMV_K_FB_CLEAR_CTRL, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "n/a");
	kmv_format_key(KMV_K_DISABLE_FB_CLEAR, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0");
	kmv_format_key(KMV_K_L1TF_VMX, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ept_disabled");
	kmv_format_key(KMV_K_HOST_STATE, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "clear_cpu_buf,gds_ucode_mitigated");
	kmv_format_key(KMV_K_FINDINGS, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "mmio_verw_order");
	kmv_format_key(KMV_K_SYSFS_MMIO, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"a \\\"b\\\" \\\\c\"");
	kmv_format_key(KMV_K_SYSFS_MDS, &o, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"\"");
}
END_TEST

START_TEST(only_values_that_read_back_are_writable)
{
	static const struct {
		uint8_t op;
		struct kmc_result r;
		int ok;
	} res[] = {
		{ KMC_OP_RDMSR, { .kind = KMC_RES_VALUE, .value = 0x69 }, 1 },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_EXIT, .exit = KMC_MSR_EXIT_FILTER, .n = 1 }, 1 },
		{ KMC_OP_GET_MSR, { .kind = KMC_RES_NMSRS, .n = 1, .value = 3 }, 1 },
		{ KMC_OP_SET_CPUID, { .kind = KMC_RES_ERRNO, .err = 300 }, 1 },
		{ KMC_OP_VERW, { .kind = KMC_RES_VALUE, .value = 2 }, 1 },
		{ KMC_OP_RUN, { .kind = KMC_RES_NONE }, 0 },
		{ KMC_OP_WRMSR, { .kind = KMC_RES_EXIT, .exit = KMC_MSR_EXIT_FILTER, .n = 1 }, 1 },
		{ KMC_OP_VERW, { .kind = KMC_RES_VALUE, .value = 5 }, 0 },
		{ KMC_OP_SET_MSR, { .kind = KMC_RES_VALUE, .value = 1 }, 0 },
		{ KMC_OP_GUEST_CPUID, { .kind = KMC_RES_VALUE, .value = KMC_BIT(KMC_F_NR) }, 0 },
		{ KMC_OP_RDMSR, { .kind = KMC_RES_EXIT, .exit = 3 }, 0 },
	};
	struct kmc_obs o = { .bugs = KMC_B(MDS), .l1tf_vmx = KMC_L1TF_VMX_COND };
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(res); i++)
		ck_assert_msg((kmv_result_writable(res[i].op, &res[i].r, err, sizeof(err)) == 0) == res[i].ok,
			      "case %zu: %s", i, err);
	kmv_result_writable(KMC_OP_VERW, &res[7].r, err, sizeof(err));
	ck_assert_str_eq(err, "result '0x5' of op 'verw' cannot be written in a vector file");

	strcpy(o.sysfs_mds, "Mitigation: \"quoted\" \\ fine");
	for (int k = 0; k < KMV_K_NR; k++)
		ck_assert_msg(!kmv_key_writable((enum kmv_key)k, &o, err, sizeof(err)), "%s: %s",
			      kmv_key_names[k], err);
	strcpy(o.sysfs_mds, "two\nlines");
	ck_assert_int_eq(kmv_key_writable(KMV_K_SYSFS_MDS, &o, err, sizeof(err)), -EINVAL);
	o.l1tf_vmx = 9;
	ck_assert_int_eq(kmv_key_writable(KMV_K_L1TF_VMX, &o, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "value 9 of 'l1tf_vmx' cannot be written in a vector file");
	o.findings = 1u << 7;
	ck_assert_int_eq(kmv_key_writable(KMV_K_FINDINGS, &o, err, sizeof(err)), -EINVAL);
	o.fb_clear_ctrl = 3;
	ck_assert_int_eq(kmv_key_writable(KMV_K_FB_CLEAR_CTRL, &o, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kmv");
	TCase *tc = tcase_create("malformed");

	tcase_add_loop_test(tc, malformed_input_reports_file_line_reason, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, nul_byte_is_an_error);
	tcase_add_test(tc, a_binary_stream_stops_at_once);
	tcase_add_test(tc, a_vector_without_expectations_is_an_error);
	tcase_add_test(tc, too_many_ops_is_an_error_at_the_17th);
	tcase_add_test(tc, sixteen_ops_are_fine);
	tcase_add_test(tc, missing_file_is_reported_with_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_test(tc, record_fields_are_read);
	tcase_add_test(tc, vendor_and_fms_without_cpu);
	tcase_add_test(tc, live_host_is_marked);
	tcase_add_test(tc, records_before_an_error_are_kept);
	tcase_add_test(tc, ids_are_unique_across_files);
	tcase_add_test(tc, many_ids_grow_the_id_set);
	tcase_add_test(tc, screened_id_set_finds_what_the_exact_one_finds);
	tcase_add_test(tc, screened_id_set_suspects_few_unique_ids);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_test(tc, reject_matching_passes_and_reading_goes_on);
	tcase_add_test(tc, reject_of_an_accepted_record_fails);
	tcase_add_test(tc, reject_for_another_reason_fails);
	tcase_add_test(tc, reject_before_the_bad_line_still_counts);
	tcase_add_test(tc, error_after_a_reject_record_stops_the_file);
	tcase_add_test(tc, two_reject_lines_are_a_problem_of_the_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, canonical_input_round_trips_byte_for_byte, 0, (int)ARRAY_SIZE(canonical));
	tcase_add_loop_test(tc, non_canonical_input_is_normalised_to_a_fixed_point, 0,
			    (int)ARRAY_SIZE(normalise));
	tcase_add_test(tc, result_arrow_is_at_column_40);
	tcase_add_test(tc, filled_values_print_canonically);
	tcase_add_test(tc, several_files_write_as_one);
	tcase_add_test(tc, results_format_in_vector_syntax);
	tcase_add_test(tc, keys_format_in_vector_syntax);
	tcase_add_test(tc, only_values_that_read_back_are_writable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail ? EXIT_FAILURE : EXIT_SUCCESS;
}
