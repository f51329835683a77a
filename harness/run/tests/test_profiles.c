// SPDX-License-Identifier: GPL-2.0
/*
 * How each profile is known (kmc profiles, issue 12 item 6), against the
 * tree: a profile says "lab" exactly when both labs have committed
 * baselines for it (results/baselines/NAME from the QEMU lab,
 * results/baselines/vmx-NAME from the Bochs VMX lab, docs/lab.md), and
 * every profile says where its knowledge comes from.  Run from the top of
 * the tree, as harness/tools/run-checks.sh does.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kmc/model.h"
#include "check_main.h"

static int is_dir(const char *fmt, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), fmt, name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* a baseline of make lab KERNEL= (docs/lab.md "Testing your own kernel"):
 * its summary.txt names the kernel "(own kernel: ...)", its profile is the
 * release's with flags on top, so its name is no profile's */
static int own_kernel_baseline(const char *name)
{
	char path[256], line[512];
	int own = 0;
	FILE *f;

	snprintf(path, sizeof(path), "results/baselines/%s/summary.txt", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!own && fgets(line, sizeof(line), f))
		own = !strncmp(line, "kernel: ", 8) && strstr(line, "(own kernel: ");
	fclose(f);
	return own;
}

START_TEST(lab_means_baselines)
{
	const struct kmc_profile *p = kmc_profile_at((unsigned int)_i);
	int booted = is_dir("results/baselines/%s", p->name) &&
		     is_dir("results/baselines/vmx-%s", p->name);

	ck_assert_msg(!!(p->known & KMC_KNOWN_LAB) == booted,
		      "profile %s: KNOWN says %s lab, baselines %s", p->name,
		      p->known & KMC_KNOWN_LAB ? "" : "no", booted ? "exist" : "missing");
	ck_assert_msg(p->known_from && *p->known_from, "profile %s: no source", p->name);
}
END_TEST

START_TEST(baselines_have_profiles)
{
	/* the other way round: every QEMU-lab baseline is a profile marked lab */
	DIR *d = opendir("results/baselines");
	struct dirent *e;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		const struct kmc_profile *p;

		/* qemu-models/: issue 16's enforce starts, one directory per kernel inside */
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "vmx-", 4) ||
		    !strcmp(e->d_name, "qemu-models") || !is_dir("results/baselines/%s", e->d_name) ||
		    own_kernel_baseline(e->d_name))
			continue;
		p = kmc_profile_find(e->d_name);
		ck_assert_msg(p && (p->known & KMC_KNOWN_LAB), "baseline %s", e->d_name);
		n++;
	}
	closedir(d);
	ck_assert_uint_gt(n, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profiles");
	TCase *tc = tcase_create("known");

	tcase_add_loop_test(tc, lab_means_baselines, 0, (int)kmc_nprofiles);
	tcase_add_test(tc, baselines_have_profiles);
	suite_add_tcase(s, tc);
	return kmc_check_run(s);
}
