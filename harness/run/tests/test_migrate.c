// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc migrate` on the cases the seed threads and the anchors describe.
 * Each case names its source; the expectations are those sources' words,
 * not the program's output copied back.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "kmc/scenario.h"
#include "migrate.h"
#include "check_main.h"

static char *run(const struct kmc_migrate_args *a, int *ret)
{
	char *text = NULL, err[512] = "";
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(m);
	*ret = kmc_migrate(m, a, err, sizeof(err));
	fclose(m);
	if (*ret < 0) {
		free(text);
		return strdup(err);
	}
	return text;
}

/* The line of @out that starts (after blanks) with @label, or NULL */
static const char *line(const char *out, const char *label)
{
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *q = p;

		while (*q == ' ')
			q++;
		if (!strncmp(q, label, strlen(label)))
			return q;
	}
	return NULL;
}

/*
 * lkml 000 (Jon Kohler, Sean Christopherson, 2025-04): a Cascade Lake guest
 * with FB_CLEAR cannot be matched on Sapphire Rapids, whose KVM does not
 * advertise FB_CLEAR; KVM itself accepts the value from userspace.
 */
START_TEST(clx_to_spr_misses_fb_clear)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=sapphirerapids",
				      .from_profile = "6.1", .to_profile = "6.1" };
	int ret;
	char *out = run(&a, &ret);
	const char *l = line(out, "0x10a bits ");

	ck_assert_int_eq(ret, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert_msg(strstr(l, "0x20000 (fb_clear)\n") != NULL, "missing: %s", l);
	ck_assert_ptr_nonnull(strstr(out, "KVM_SET_MSRS processes the entry"));
	/* lkml 001: told FB_CLEAR, VERW does not clear on SPR -- the CPU's doing, not KVM's */
	ck_assert_ptr_nonnull(strstr(line(out, "findings on the destination"), "verw_promise_hw"));
	ck_assert_ptr_null(strstr(line(out, "findings on the destination"), "verw_promise_kvm"));
	ck_assert_ptr_nonnull(strstr(line(out, "on the source"), "clears the fill buffers"));
	ck_assert_ptr_nonnull(strstr(line(out, "on the destination"), "does not clear"));
	free(out);
}
END_TEST

/*
 * anchors.md 4.2: QEMU 00001a22d183 adds FB_CLEAR when KVM's value has the
 * five NO bits; 6.1 boots tsx=off (Debian's Kconfig), so KVM hides TAA_NO
 * and the fix does not fire; 7.2 (tsx=auto) keeps TAA_NO and it does.
 */
START_TEST(qemu_fix_and_tsx_off)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=sapphirerapids",
				      .from_profile = "6.1", .to_profile = "6.1" };
	int ret;
	char *out = run(&a, &ret);

	ck_assert_ptr_nonnull(strstr(line(out, "does not fire"), "(taa_no)"));
	ck_assert_ptr_nonnull(strstr(line(out, "0x10a bits still missing"), "(fb_clear)"));
	free(out);

	a.to_profile = "7.2";
	out = run(&a, &ret);
	ck_assert_ptr_nonnull(line(out, "fires on the destination"));
	ck_assert_ptr_nonnull(strstr(line(out, "0x10a bits still missing"), "(-)"));
	free(out);

	a.to = "cpu=sapphirerapids tsx=off";
	out = run(&a, &ret);
	ck_assert_ptr_nonnull(strstr(line(out, "does not fire"), "(taa_no)"));
	free(out);
}
END_TEST

/*
 * lkml 004 (Wei Wang): "If KVM fails the MSR write here, it could prevent
 * such a live migration from proceeding" -- with validate-arch-cap the
 * Cascade Lake guest's FB_CLEAR is refused on Sapphire Rapids.  lkml 000
 * (Sean Christopherson): without validation userspace "can still
 * migrate+stuff FB_CLEAR".  A variant only ref has is refused by name.
 */
START_TEST(variant_validation_refuses_the_migration)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=sapphirerapids",
				      .from_profile = "7.2", .to_profile = "7.2",
				      .variants = KMC_VAR_VALIDATE_AC };
	int ret;
	char *out = run(&a, &ret);

	ck_assert_int_eq(ret, 1);
	ck_assert_ptr_nonnull(strstr(line(out, "both kernels carry"), "validate-arch-cap"));
	ck_assert_ptr_nonnull(strstr(out, "refuses it (validate-arch-cap"));
	free(out);
	a.variants = 0;
	out = run(&a, &ret);
	ck_assert_ptr_nonnull(strstr(out, "KVM_SET_MSRS processes the entry"));
	free(out);
	a.variants = KMC_VAR_CAPS_AND;
	out = run(&a, &ret);
	ck_assert_int_lt(ret, 0);
	ck_assert_ptr_nonnull(strstr(out, "caps-kvm-and-guest is ref's alone"));
	free(out);
}
END_TEST

/*
 * lkml 000 (Sean Christopherson): "using MSR filtering to intercept and
 * emulate RDMSR(ARCH_CAPABILITIES) in userspace" -- KVM stores its own
 * value (no FB_CLEAR on Sapphire Rapids), the guest still reads the
 * Cascade Lake value with FB_CLEAR, so its VERW promise stands and breaks
 * on the CPU (lkml 001).  Nothing is left in the buffers there: Sapphire
 * Rapids has none of MDS, TAA, MMIO Stale Data, though with Debian 6.1's
 * tsx=off KVM's value lacks TAA_NO.
 */
START_TEST(answered_ac_stored_vs_seen)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=sapphirerapids",
				      .from_profile = "6.1", .to_profile = "6.1", .answer_ac = 1 };
	const char *stored;
	int ret;
	char *out = run(&a, &ret);

	stored = line(out, "stored (KVM_SET_MSRS");
	ck_assert_ptr_nonnull(stored);
	ck_assert_ptr_null(memmem(stored, (size_t)(strchr(stored, '\n') - stored), "fb_clear", 8));
	ck_assert_ptr_nonnull(strstr(line(out, "seen (the guest's RDMSR)"), "fb_clear"));
	ck_assert_ptr_nonnull(strstr(line(out, "findings on the destination"), "verw_promise_hw"));
	ck_assert_ptr_nonnull(strstr(out, "nothing is left in the fill buffers"));
	ck_assert_ptr_nonnull(strstr(line(out, "though KVM's value lacks"), "(taa_no)"));
	free(out);

	/* Ice Lake server has MMIO Stale Data: the guest's VERW is needed there */
	a.to = "cpu=icelake-server";
	a.guest_ac = 0x20000;		/* FB_CLEAR alone */
	a.has_guest_ac = 1;
	out = run(&a, &ret);
	ck_assert_ptr_nonnull(strstr(line(out, "the destination's kernel has"), "mmio_stale_data"));
	free(out);
}
END_TEST

/*
 * lkml 002 (06/10's commit message): a guest using the short BHB-clearing
 * sequence, moved from a pre-SPR part to SPR, needs BHI_DIS_S, which the
 * VMM forces with KVM_CAP_FORCE_SPEC_CTRL -- given the SPEC_CTRL shadow
 * (01/10); not where the part says BHI_NO.
 */
START_TEST(force_spec_ctrl_bhi_dis_s)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake",
				      .to = "cpu=sapphirerapids spec_ctrl_shadow=1",
				      .from_profile = "7.2", .to_profile = "7.2",
				      .variants = KMC_VAR_FORCE_SPEC_CTRL };
	int ret;
	char *out = run(&a, &ret);

	ck_assert_ptr_nonnull(strstr(out, "forced by the VMM"));
	free(out);
	a.to = "cpu=sapphirerapids";
	out = run(&a, &ret);
	ck_assert_ptr_null(strstr(out, "forced by the VMM"));
	ck_assert_ptr_nonnull(strstr(out, "not forced"));
	free(out);
	a.to = "cpu=sapphirerapids spec_ctrl_shadow=1 ac=0xc18e1eb";	/* + BHI_NO */
	out = run(&a, &ret);
	ck_assert_ptr_nonnull(strstr(out, "not forced"));
	free(out);
}
END_TEST

/* Every "the guest says not affected" line of @out, joined, in order */
static char *claims(const char *out)
{
	char *all = calloc(1, strlen(out) + 1);
	const char *p = out;

	ck_assert_ptr_nonnull(all);
	while ((p = line(p, "the guest says not affected")) != NULL) {
		const char *open = strchr(p, '('), *close = strchr(p, ')');

		ck_assert(open && close && open < close);
		strncat(all, open, (size_t)(close - open + 1));
		p = strchr(p, '\n');
	}
	return all;
}

/*
 * lkml 004 (Wei Wang): a Sapphire Rapids guest moved to Cascade Lake keeps
 * TAA_NO, FBSDP_NO and ITS_NO (issue 18).  Cascade Lake has ITS and MMIO
 * Stale Data; TAA too, but Debian's 7.2 (tsx=auto) turns TSX off there,
 * so TAA_NO is false only on a tsx=on host.
 */
START_TEST(spr_to_clx_false_immunity)
{
	struct kmc_migrate_args a = { .from = "cpu=sapphirerapids", .to = "cpu=cascadelake",
				      .from_profile = "7.2", .to_profile = "7.2" };
	int ret;
	char *out = run(&a, &ret), *c;

	ck_assert_int_eq(ret, 1);
	ck_assert_ptr_nonnull(strstr(line(out, "findings on the destination"), "false_immunity"));
	c = claims(out);
	ck_assert_str_eq(c, "(its_no)(sbdr_ssdp_no,fbsdp_no,psdp_no)");
	ck_assert_ptr_nonnull(line(out, "taa_no does not count"));
	free(c);
	free(out);

	a.to = "cpu=cascadelake tsx=on";
	out = run(&a, &ret);
	c = claims(out);
	ck_assert_str_eq(c, "(its_no)(sbdr_ssdp_no,fbsdp_no,psdp_no)(taa_no)");
	ck_assert_ptr_null(line(out, "taa_no does not count"));
	free(c);
	free(out);

	/* the other way round nothing is claimed falsely */
	a = (struct kmc_migrate_args){ .from = "cpu=cascadelake", .to = "cpu=sapphirerapids",
				       .from_profile = "7.2", .to_profile = "7.2" };
	out = run(&a, &ret);
	ck_assert_ptr_null(strstr(line(out, "findings on the destination"), "false_immunity"));
	free(out);
}
END_TEST

/* Issue 18: MDS_NO (and RDCL_NO) of a Cascade Lake guest on an MDS-affected Skylake-SP */
START_TEST(clx_to_skx_mds_no)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=skylake-sp",
				      .from_profile = "6.1", .to_profile = "6.1" };
	int ret;
	char *out = run(&a, &ret), *c = claims(out);

	ck_assert_int_eq(ret, 1);
	ck_assert_str_eq(c, "(mds_no)(rdcl_no)");
	free(c);
	free(out);
}
END_TEST

/* A guest that stays on its kind of host: nothing changes */
START_TEST(same_host_no_change)
{
	struct kmc_migrate_args a = { .from = "cpu=sapphirerapids", .to = "cpu=sapphirerapids",
				      .from_profile = "7.2", .to_profile = "7.2" };
	int ret;
	char *out = run(&a, &ret);

	ck_assert_int_eq(ret, 0);
	ck_assert_ptr_nonnull(line(out, "verdict: nothing"));
	free(out);
}
END_TEST

START_TEST(bad_host_names_the_side)
{
	struct kmc_migrate_args a = { .from = "cpu=cascadelake", .to = "cpu=nosuch",
				      .from_profile = "6.1", .to_profile = "6.1" };
	int ret;
	char *err = run(&a, &ret);

	ck_assert_int_lt(ret, 0);
	ck_assert_ptr_nonnull(strstr(err, "destination host 'cpu=nosuch'"));
	ck_assert_ptr_nonnull(strstr(err, "unknown CPU 'nosuch'"));
	free(err);
	a.to = "cpu=sapphirerapids";
	a.to_profile = "2.6";
	err = run(&a, &ret);
	ck_assert_int_lt(ret, 0);
	ck_assert_ptr_nonnull(strstr(err, "2.6"));
	free(err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("migrate");
	TCase *t = tcase_create("migrate");

	tcase_add_test(t, clx_to_spr_misses_fb_clear);
	tcase_add_test(t, qemu_fix_and_tsx_off);
	tcase_add_test(t, spr_to_clx_false_immunity);
	tcase_add_test(t, clx_to_skx_mds_no);
	tcase_add_test(t, same_host_no_change);
	tcase_add_test(t, bad_host_names_the_side);
	tcase_add_test(t, variant_validation_refuses_the_migration);
	tcase_add_test(t, answered_ac_stored_vs_seen);
	tcase_add_test(t, force_spec_ctrl_bhi_dis_s);
	suite_add_tcase(s, t);
	return kmc_check_run(s);
}
