// SPDX-License-Identifier: GPL-2.0
/*
 * The vector reader on good input: the records' fields, ids unique across
 * files, the id sets (harness/kmv/).
 */
#include "kmv_test.h"

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

static Suite *suite(void)
{
	Suite *s = suite_create("kmv-read");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, record_fields_are_read);
	tcase_add_test(tc, vendor_and_fms_without_cpu);
	tcase_add_test(tc, live_host_is_marked);
	tcase_add_test(tc, records_before_an_error_are_kept);
	tcase_add_test(tc, ids_are_unique_across_files);
	tcase_add_test(tc, many_ids_grow_the_id_set);
	tcase_add_test(tc, screened_id_set_finds_what_the_exact_one_finds);
	tcase_add_test(tc, screened_id_set_suspects_few_unique_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
