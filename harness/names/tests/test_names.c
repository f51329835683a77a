// SPDX-License-Identifier: GPL-2.0
/* Name tables and converters (harness/names/names.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"
#include "ref.h"
#include "kmc/array_size.h"
#include "check_main.h"

static const struct kmc_names *const tables[] = {
	&kmc_vendor_names, &kmc_feat_names, &kmc_ac_names, &kmc_bug_names, &kmc_op_names,
	&kmc_exit_names, &kmc_l1tf_vmx_names, &kmc_hs_names, &kmc_finding_names,
	&kmc_quirk_names, &kmc_cr4_names, &kmc_core_names, &kmc_tsx_names, &kmc_gds_names,
	&kmc_l1tf_names, &kmc_l1d_names,
};

START_TEST(every_name_is_found_at_its_own_index)
{
	const struct kmc_names *t = tables[_i];

	for (unsigned int i = 0; i < t->n; i++) {
		if (!t->names[i])
			continue;
		ck_assert_msg(kmc_name_index(t, t->names[i]) == (int)i, "%s '%s'", t->what,
			      t->names[i]);
		ck_assert_str_eq(kmc_name(t, i), t->names[i]);
	}
	ck_assert_int_eq(kmc_name_index(t, "no-such-name"), -1);
	ck_assert_ptr_null(kmc_name(t, t->n));
}
END_TEST

START_TEST(enum_tables_are_complete)
{
	/* every enum value and every bit arch.h defines has a name */
	ck_assert_uint_eq(kmc_feat_names.n, KMC_F_NR);
	ck_assert_uint_eq(kmc_bug_names.n, KMC_BUG_NR);
	ck_assert_uint_eq(kmc_op_names.n, KMC_OP_NR);
	ck_assert_uint_eq(kmc_vendor_names.n, KMC_VENDOR_NR);
	for (unsigned int i = 0; i < KMC_F_NR; i++)
		ck_assert_ptr_nonnull(kmc_feat_names.names[i]);
	for (unsigned int i = 0; i < KMC_BUG_NR; i++)
		ck_assert_ptr_nonnull(kmc_bug_names.names[i]);
	for (unsigned int i = 0; i < KMC_OP_NR; i++)
		ck_assert_ptr_nonnull(kmc_op_names.names[i]);
	ck_assert_uint_eq(kmc_l1tf_vmx_names.n, KMC_L1TF_VMX_NOT_REQUIRED + 1);
	ck_assert_uint_eq(kmc_l1tf_names.n, KMC_L1TF_FULL_FORCE + 1);
	ck_assert_uint_eq(kmc_l1d_names.n, KMC_L1D_ALWAYS + 1);
}
END_TEST

START_TEST(names_are_lowercase_and_unique)
{
	const struct kmc_names *t = tables[_i];

	for (unsigned int i = 0; i < t->n; i++) {
		if (!t->names[i])
			continue;
		for (const char *c = t->names[i]; *c; c++)
			ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
				      *c == '_' || *c == ',', "%s '%s'", t->what, t->names[i]);
		for (unsigned int j = i + 1; j < t->n; j++)
			ck_assert_msg(!t->names[j] || strcmp(t->names[i], t->names[j]),
				      "%s '%s' twice", t->what, t->names[i]);
	}
}
END_TEST

/* a vector's variant= and kmc-run --variant name the same change */
START_TEST(variant_names_are_refs)
{
	unsigned int n = 0;

	ck_assert_uint_eq(kmc_variant_names.n, KMC_VAR_NR);
	for (const struct ref_variant_info *v = ref_variants; v->name; v++, n++) {
		int i = kmc_name_index(&kmc_variant_names, v->name);

		ck_assert_msg(i >= 0, "ref variant '%s' has no vector name", v->name);
		ck_assert_uint_eq(1u << i, v->bit);
	}
	ck_assert_uint_eq(n, KMC_VAR_NR);
}
END_TEST

START_TEST(arch_cap_names_sit_on_the_kernel_bits)
{
	static const struct { uint64_t bit; const char *name; } t[] = {
		{ KMC_AC_RDCL_NO, "rdcl_no" }, { KMC_AC_IBRS_ALL, "ibrs_all" },
		{ KMC_AC_RSBA, "rsba" }, { KMC_AC_SKIP_VMENTRY_L1DFLUSH, "skip_vmentry_l1dflush" },
		{ KMC_AC_SSB_NO, "ssb_no" }, { KMC_AC_MDS_NO, "mds_no" },
		{ KMC_AC_PSCHANGE_MC_NO, "pschange_mc_no" }, { KMC_AC_TSX_CTRL_MSR, "tsx_ctrl_msr" },
		{ KMC_AC_TAA_NO, "taa_no" }, { KMC_AC_SBDR_SSDP_NO, "sbdr_ssdp_no" },
		{ KMC_AC_FBSDP_NO, "fbsdp_no" }, { KMC_AC_PSDP_NO, "psdp_no" },
		{ KMC_AC_MCU_ENUM, "mcu_enum" }, { KMC_AC_FB_CLEAR, "fb_clear" },
		{ KMC_AC_FB_CLEAR_CTRL, "fb_clear_ctrl" }, { KMC_AC_RRSBA, "rrsba" },
		{ KMC_AC_BHI_NO, "bhi_no" }, { KMC_AC_XAPIC_DISABLE, "xapic_disable" },
		{ KMC_AC_PBRSB_NO, "pbrsb_no" }, { KMC_AC_GDS_CTRL, "gds_ctrl" },
		{ KMC_AC_GDS_NO, "gds_no" }, { KMC_AC_RFDS_NO, "rfds_no" },
		{ KMC_AC_RFDS_CLEAR, "rfds_clear" }, { KMC_AC_ITS_NO, "its_no" },
		{ KMC_AC_VIRTUAL_ENUM, "virtual_enum" },
	};
	uint64_t all = 0;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		int bit = __builtin_ctzll(t[i].bit);

		ck_assert_str_eq(kmc_name(&kmc_ac_names, (unsigned int)bit), t[i].name);
		all |= t[i].bit;
	}
	/* and no other bit has a name */
	for (unsigned int b = 0; b < 64; b++)
		ck_assert(!kmc_name(&kmc_ac_names, b) == !(all & KMC_BIT(b)));
}
END_TEST

START_TEST(feature_locations_match_the_kernel)
{
	static const struct { unsigned int f; uint32_t leaf, sub; uint8_t reg, bit; } t[] = {
		{ KMC_F_ARCH_CAPABILITIES, 7, 0, KMC_EDX, 29 }, { KMC_F_MD_CLEAR, 7, 0, KMC_EDX, 10 },
		{ KMC_F_RTM, 7, 0, KMC_EBX, 11 }, { KMC_F_FSGSBASE, 7, 0, KMC_EBX, 0 },
		{ KMC_F_PKU, 7, 0, KMC_ECX, 3 }, { KMC_F_BHI_CTRL, 7, 2, KMC_EDX, 4 },
		{ KMC_F_MWAIT, 1, 0, KMC_ECX, 3 }, { KMC_F_HYPERVISOR, 1, 0, KMC_ECX, 31 },
		{ KMC_F_APIC, 1, 0, KMC_EDX, 9 }, { KMC_F_RDTSCP, 0x80000001, 0, KMC_EDX, 27 },
		{ KMC_F_AMD_SSB_NO, 0x80000008, 0, KMC_EBX, 26 },
		{ KMC_F_VERW_CLEAR, 0x80000021, 0, KMC_EAX, 5 },
		{ KMC_F_TSA_L1_NO, 0x80000021, 0, KMC_ECX, 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[t[i].f];

		ck_assert_uint_eq(l->leaf, t[i].leaf);
		ck_assert_uint_eq(l->subleaf, t[i].sub);
		ck_assert_uint_eq(l->reg, t[i].reg);
		ck_assert_uint_eq(l->bit, t[i].bit);
	}
	/* no two features share a CPUID bit; every feature has a leaf */
	for (unsigned int i = 0; i < KMC_F_NR; i++) {
		const struct kmc_feat_loc *a = &kmc_feat_loc[i];

		ck_assert_uint_ne(a->leaf, 0);
		ck_assert_uint_lt(a->bit, 32);
		for (unsigned int j = i + 1; j < KMC_F_NR; j++) {
			const struct kmc_feat_loc *b = &kmc_feat_loc[j];

			ck_assert_msg(a->leaf != b->leaf || a->subleaf != b->subleaf ||
				      a->reg != b->reg || a->bit != b->bit, "%s and %s",
				      kmc_feat_names.names[i], kmc_feat_names.names[j]);
		}
	}
}
END_TEST

START_TEST(lists_parse_in_any_order_and_print_in_table_order)
{
	char buf[256], err[256];
	uint64_t v;

	ck_assert_int_eq(kmc_list_parse(&kmc_bug_names, "taa,mds,spectre_v1", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, KMC_B(TAA) | KMC_B(MDS) | KMC_B(SPECTRE_V1));
	kmc_list_format(&kmc_bug_names, v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "spectre_v1,mds,taa");
	ck_assert_int_eq(kmc_list_parse(&kmc_feat_names, "-", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 0);
	kmc_list_format(&kmc_feat_names, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	ck_assert_int_eq(kmc_list_parse(&kmc_feat_names, "tsa_l1_no", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, KMC_F(TSA_L1_NO));
}
END_TEST

START_TEST(unnamed_bits_read_and_print_as_bitN)
{
	char buf[256], err[256];
	uint64_t v;

	ck_assert_int_eq(kmc_list_parse(&kmc_ac_names, "rdcl_no,bit9,bit61", &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, KMC_BIT(0) | KMC_BIT(9) | KMC_BIT(61));
	kmc_list_format(&kmc_ac_names, v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "rdcl_no,bit9,bit61");
	/* a named bit must be written by name; no leading zeros */
	ck_assert_int_eq(kmc_list_parse(&kmc_ac_names, "bit0", &v, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(kmc_list_parse(&kmc_ac_names, "bit09", &v, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(kmc_list_parse(&kmc_ac_names, "bit64", &v, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(list_errors_name_the_culprit)
{
	static const struct {
		const struct kmc_names *t;
		const char *in, *err;
	} t[] = {
		{ &kmc_feat_names, "rtm,nope", "unknown feature 'nope' (see kmc names features)" },
		{ &kmc_bug_names, "MDS", "unknown bug 'MDS' (see kmc names bugs)" },
		{ &kmc_ac_names, "fb_clear,xx", "unknown 0x10a bit 'xx' (see kmc names arch-cap)" },
		{ &kmc_hs_names, "clear_cpu_buf,clear_cpu_buf", "host state 'clear_cpu_buf' listed twice" },
		{ &kmc_finding_names, "", "empty finding list (write '-' for none)" },
		{ &kmc_bug_names, "mds,", "empty name in bug list 'mds,'" },
		{ &kmc_bug_names, ",mds", "empty name in bug list ',mds'" },
		{ &kmc_bug_names, "-,mds", "unknown bug '-' (see kmc names bugs)" },
	};
	char err[256];
	uint64_t v = 42;

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		ck_assert_int_eq(kmc_list_parse(t[i].t, t[i].in, &v, err, sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, t[i].err);
		ck_assert_uint_eq(v, 42);	/* untouched on error */
	}
}
END_TEST

START_TEST(list_format_reports_needed_length)
{
	char small[8];
	int n = kmc_list_format(&kmc_bug_names, KMC_B(SPECTRE_V1) | KMC_B(MDS), small, sizeof(small));

	ck_assert_int_eq(n, (int)strlen("spectre_v1,mds"));
	ck_assert_str_eq(small, "spectre");	/* truncated, still terminated */
	ck_assert_int_eq(kmc_list_format(&kmc_bug_names, KMC_B(MDS), NULL, 0), 3);
}
END_TEST

START_TEST(numbers_parse_exactly)
{
	static const struct { const char *s; int ret; uint64_t v; } t[] = {
		{ "0", 0, 0 }, { "42", 0, 42 }, { "0x10a", 0, 0x10a }, { "0X10A", 0, 0x10a },
		{ "0xffffffffffffffff", 0, UINT64_MAX }, { "18446744073709551615", 0, UINT64_MAX },
		{ "0x0000000000000000001", 0, 1 },
		{ "0x10000000000000000", -ERANGE, 0 }, { "18446744073709551616", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "0x1g", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { "1e3", -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t v = 0;

		ck_assert_msg(kmc_parse_u64(t[i].s, &v) == t[i].ret, "'%s'", t[i].s);
		if (!t[i].ret)
			ck_assert_uint_eq(v, t[i].v);
	}
}
END_TEST

START_TEST(errno_names_round_trip)
{
	static const int must[] = { EINVAL, EBUSY, E2BIG, ENOENT, EPERM, EFAULT, ENOMEM };

	for (size_t i = 0; i < ARRAY_SIZE(must); i++) {
		const char *n = kmc_errno_name(must[i]);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(kmc_errno_parse(n), must[i]);
	}
	ck_assert_str_eq(kmc_errno_name(EINVAL), "EINVAL");
	ck_assert_int_eq(kmc_errno_parse("22"), 22);
	ck_assert_int_eq(kmc_errno_parse("EWHAT"), -1);
	ck_assert_int_eq(kmc_errno_parse("0"), -1);
	ck_assert_ptr_null(kmc_errno_name(4000));
}
END_TEST

START_TEST(core_types_are_cpuid_values)
{
	ck_assert_int_eq(kmc_core_type_parse("atom"), KMC_CORE_TYPE_ATOM);
	ck_assert_int_eq(kmc_core_type_parse("core"), KMC_CORE_TYPE_CORE);
	ck_assert_int_eq(kmc_core_type_parse("none"), KMC_CORE_TYPE_NONE);
	ck_assert_int_eq(kmc_core_type_parse("big"), -1);
	ck_assert_str_eq(kmc_core_type_name(KMC_CORE_TYPE_ATOM), "atom");
	ck_assert_ptr_null(kmc_core_type_name(0x30));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("tables");

	tcase_add_loop_test(tc, every_name_is_found_at_its_own_index, 0, (int)ARRAY_SIZE(tables));
	tcase_add_loop_test(tc, names_are_lowercase_and_unique, 0, (int)ARRAY_SIZE(tables));
	tcase_add_test(tc, enum_tables_are_complete);
	tcase_add_test(tc, variant_names_are_refs);
	tcase_add_test(tc, arch_cap_names_sit_on_the_kernel_bits);
	tcase_add_test(tc, feature_locations_match_the_kernel);
	tcase_add_test(tc, core_types_are_cpuid_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("converters");
	tcase_add_test(tc, lists_parse_in_any_order_and_print_in_table_order);
	tcase_add_test(tc, unnamed_bits_read_and_print_as_bitN);
	tcase_add_test(tc, list_errors_name_the_culprit);
	tcase_add_test(tc, list_format_reports_needed_length);
	tcase_add_test(tc, numbers_parse_exactly);
	tcase_add_test(tc, errno_names_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
