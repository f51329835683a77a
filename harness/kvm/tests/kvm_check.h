/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kvm backend's libcheck programs share: a suite from a list of
 * tests, running it, vectors from a string, and small file helpers.
 */
#ifndef KMC_KVM_CHECK_H
#define KMC_KVM_CHECK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmv.h"
#include "kmc/array_size.h"
#include "check_main.h"

/*
 * A test case named @name in @s with @tests (NULL-terminated), each run
 * between @setup and @teardown (NULL: none); @timeout in seconds (0:
 * libcheck's default).  Returns it, for loop tests to be added.
 */
static inline TCase *kt_case(Suite *s, const char *name, int timeout, void (*setup)(void),
			     void (*teardown)(void), const TTest *const *tests)
{
	TCase *tc = tcase_create(name);

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	if (timeout)
		tcase_set_timeout(tc, timeout);
	for (; *tests; tests++)
		tcase_add_test(tc, *tests);
	suite_add_tcase(s, tc);
	return tc;
}

/* Run @s: EXIT_SUCCESS when every test passed */
static inline int kt_run(Suite *s)
{
	return kmc_check_run(s);
}

/* @path's whole content, NUL-terminated (malloc'd), or NULL when it cannot be opened */
static inline char *kt_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static inline void kt_write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(d, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* The vectors of @text, read as file @name into @f */
static inline void kt_read_kmv(const char *text, const char *name, struct kmv_file *f)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	char msg[600];

	ck_assert_ptr_nonnull(fp);
	ck_assert_msg(!kmv_read(fp, name, 0, NULL, f, msg, sizeof(msg)), "%s", msg);
	fclose(fp);
}

/* Record @id of @f; the test fails when there is none */
static inline const struct kmv_record *kt_rec(const struct kmv_file *f, const char *id)
{
	for (unsigned int i = 0; i < f->nrecs; i++)
		if (!strcmp(f->recs[i].id, id))
			return &f->recs[i];
	ck_abort_msg("no record %s", id);
	return NULL;
}

#endif
