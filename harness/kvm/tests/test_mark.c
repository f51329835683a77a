// SPDX-License-Identifier: GPL-2.0
/* kvm_mark.c: the markers an emulated host logs (KMC_KVM_MARK_*) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_check.h"
#include "kvm_mark.h"

static char dev[] = "/tmp/kmc-mark-dev.XXXXXX";
static char log_path[] = "/tmp/kmc-mark-log.XXXXXX";

static void setup(void)
{
	int fd = mkstemp(dev);

	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = mkstemp(log_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	setenv("KMC_KVM_MARK_DEV", dev, 1);
	setenv("KMC_KVM_MARK_LOG", log_path, 1);
}

static void teardown(void)
{
	unlink(dev);
	unlink(log_path);
	unsetenv("KMC_KVM_MARK_MSR");
	unsetenv("KMC_KVM_MARK_DEV");
	unsetenv("KMC_KVM_MARK_LOG");
}

/* the 8-byte value at offset @msr of the fake device */
static unsigned long long at(unsigned long msr)
{
	unsigned long long v = 0;
	FILE *f = fopen(dev, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, (long)msr, SEEK_SET), 0);
	ck_assert_uint_eq(fread(&v, sizeof(v), 1, f), 1);
	fclose(f);
	return v;
}

START_TEST(off_without_env)
{
	struct kmc_mark m;
	char msg[200] = "";

	unsetenv("KMC_KVM_MARK_MSR");
	ck_assert_int_eq(kmc_mark_open(&m, msg, sizeof(msg)), 0);
	ck_assert_int_eq(m.on, 0);
	ck_assert_int_eq(kmc_mark_next(&m, msg, sizeof(msg)), 0);
	kmc_mark_log(&m, "x", NULL);
	kmc_mark_close(&m);
}
END_TEST

START_TEST(markers_and_log)
{
	struct kmc_mark m;
	struct kmc_dev_facts f;
	char msg[200] = "", text[400] = "";
	FILE *lf;
	size_t n;

	setenv("KMC_KVM_MARK_MSR", "0x5ff", 1);
	ck_assert_int_eq(kmc_mark_open(&m, msg, sizeof(msg)), 0);
	ck_assert_int_eq(kmc_mark_next(&m, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(at(0x5ff), 1);
	kmc_mark_log(&m, "live.a", NULL);
	ck_assert_int_eq(kmc_mark_next(&m, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(at(0x5ff), 2);
	memset(&f, 0, sizeof(f));
	f.nslot_seen = 2;
	f.slot[0].runs = 4, f.slot[0].have_runs_disabled = 1, f.slot[0].runs_disabled = 3;
	f.slot[1].runs = 2;	/* an older kmc.ko: no runs_disabled */
	kmc_mark_log(&m, "live.b", &f);
	m.n = 254;		/* the 255th marker wraps to 1; 255 is the end */
	ck_assert_int_eq(kmc_mark_next(&m, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(at(0x5ff), 1);
	kmc_mark_close(&m);
	ck_assert_uint_eq(at(0x5ff), 255);
	lf = fopen(log_path, "r");
	ck_assert_ptr_nonnull(lf);
	n = fread(text, 1, sizeof(text) - 1, lf);
	fclose(lf);
	text[n] = '\0';
	ck_assert_str_eq(text, "1 live.a -\n2 live.b vcpus=2 runs=6 runs_disabled=3\n");
}
END_TEST

START_TEST(bad_index_and_device)
{
	struct kmc_mark m;
	char msg[200] = "";

	setenv("KMC_KVM_MARK_MSR", "0x5fz", 1);
	ck_assert_int_lt(kmc_mark_open(&m, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "not an MSR index"));
	setenv("KMC_KVM_MARK_MSR", "0x5ff", 1);
	setenv("KMC_KVM_MARK_DEV", "/nonexistent/msr", 1);
	ck_assert_int_lt(kmc_mark_open(&m, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "/nonexistent/msr"));
	ck_assert_int_eq(m.on, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_mark");
	const TTest *const tests[] = { off_without_env, markers_and_log, bad_index_and_device, NULL };

	kt_case(s, "mark", 0, setup, teardown, tests);
	return kt_run(s);
}
