/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the vector reader's and writer's tests (test_kmv_*.c).
 *
 * Inputs are written to temporary files, as kmc-run reads them.  In the
 * inputs, @CPU@ and @CPU2@ stand for catalog CPUs, @P@ for a profile and
 * @PATH@ for the file's own path, so the tests do not depend on the
 * catalog's contents.
 */
#ifndef KMV_TEST_H
#define KMV_TEST_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check_main.h"
#include "kmc/array_size.h"
#include "kmv.h"
#include "names.h"

static char path[64];

/* @CPU@, @CPU2@, @P@, @PATH@ replaced; the result is malloc'd */
static inline char *expand(const char *tmpl)
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
static inline void write_tmp(const char *text, size_t len)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/kmc-test-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static inline int read_text(const char *tmpl, unsigned int flags, struct kmv_file *f,
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

/* not inlined: gcc then takes open_memstream's buffer for a dangling local */
static __attribute__((noinline, unused)) char *write_canonical(const struct kmv_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(kmv_write(mem, f), 0);
	fclose(mem);
	return buf;
}

#endif
