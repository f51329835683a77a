/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the results tests: temporary directories, files, commands.
 * The tests run from the top of the tree (make check does); the programs
 * they drive are in $O/bin (O defaults to build).
 */
#ifndef KR_TEST_H
#define KR_TEST_H

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KR_SCHEMAS "harness/results/schemas"

/* "$O/bin/NAME" made absolute (static storage, one per name slot) */
static inline const char *kr_bin(const char *name)
{
	static char buf[4][4096];
	static unsigned int slot;
	char *b = buf[slot++ % 4], cwd[2048];
	const char *o = getenv("O");

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), ".");
	if (!o || !*o)
		o = "build";
	if (o[0] == '/')
		snprintf(b, 4096, "%s/bin/%s", o, name);
	else
		snprintf(b, 4096, "%s/%s/bin/%s", cwd, o, name);
	return b;
}

static inline char *kr_tmpdir(void)
{
	char *d = strdup("/tmp/kmc-results-test.XXXXXX");

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static inline void kr_rmrf(char *dir)
{
	char cmd[4200];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

static inline void kr_write(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static inline char *kr_slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, fp), n);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

static inline int kr_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Run a shell command; its exit status, or 128 + signal */
__attribute__((format(printf, 1, 2)))
static inline int kr_sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	ck_assert_msg(st != -1, "system(%s) failed", cmd);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/*
 * A vector file of @n small passing records "PREFIX.NNNNNN" (the last one
 * ends the file with its 20-byte expect line): its size
 */
static inline long kr_write_records(const char *path, const char *prefix, unsigned int n)
{
	FILE *fp = fopen(path, "w");
	long size;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fprintf(fp, "kmv 1\n");
	for (unsigned int i = 0; i < n; i++)
		fprintf(fp, "\nvector %s.%06u profile=6.1\n  host cpu=cascadelake\n  expect cpu_caps=-\n",
			prefix, i);
	size = ftell(fp);
	ck_assert_int_eq(fclose(fp), 0);
	return size;
}

/* Count occurrences of @needle in @hay */
static inline unsigned int kr_count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#endif
