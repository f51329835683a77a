// SPDX-License-Identifier: GPL-2.0
/*
 * The canonical writer: round trips, normalisation, values and results in
 * vector syntax (harness/kmv/kmv_write.c).
 */
#include "kmv_test.h"

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
	Suite *s = suite_create("kmv-write");
	TCase *tc = tcase_create("write");

	tcase_add_loop_test(tc, canonical_input_round_trips_byte_for_byte, 0, (int)ARRAY_SIZE(canonical));
	tcase_add_loop_test(tc, non_canonical_input_is_normalised_to_a_fixed_point, 0, (int)ARRAY_SIZE(normalise));
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
	return kmc_check_run(suite());
}
