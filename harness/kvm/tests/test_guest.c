// SPDX-License-Identifier: GPL-2.0
/*
 * The guest program and its exit handling (harness/kvm/guest.S,
 * kvm_vcpu.c), on the machine's own KVM: exception vectors the guest
 * reports, triple faults, hung guests, stray exits, userspace MSR exits
 * and the MSR filter.  Needs a usable /dev/kvm with kvm_intel or kvm_amd;
 * without one every test is reported as skipped (exit status 4, see
 * main()), never as passed.  In the emulated lab this binary is built
 * static and run inside L1 (harness/kvm/lab-l1.sh).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "kmv.h"
#include "kvm_check.h"
#include "kvmlib.h"
#include "names.h"

#define MSR_ARCH_CAPABILITIES	0x10a
#define MSR_NONE		0x4b564d99	/* in no MSR range KVM or the hardware knows */
#define VEC_DE	0
#define VEC_BP	3
#define VEC_UD	6
#define VEC_GP	13

static struct kmc_kvm kvm;
static struct kmc_kvm_vm vm;
static struct kmc_kvm_vcpu *vcpu;
static char msg[512];

static void vm_up(const struct kmc_vm_cfg *cfg)
{
	int ret = kmc_vm_create(&kvm, cfg, &vm, msg, sizeof(msg));

	ck_assert_msg(!ret, "kmc_vm_create: %s", msg);
	ret = kmc_vcpu_create(&vm, &vcpu, msg, sizeof(msg));
	ck_assert_msg(!ret, "kmc_vcpu_create: %s", msg);
}

static void setup(void)
{
	static const struct kmc_vm_cfg none;

	vm_up(&none);
}

static void teardown(void)
{
	kmc_vm_destroy(&vm);
	vcpu = NULL;
}

/* Run one guest command that must finish; its result */
static struct kmc_gres guest(struct kmc_kvm_vcpu *v, uint32_t cmd, uint32_t index, uint64_t value)
{
	struct kmc_gcmd c = { .cmd = cmd, .index = index, .value = value };
	struct kmc_gres r;
	int ret = kmc_vcpu_guest(v, &c, 0, &r, msg, sizeof(msg));

	ck_assert_msg(!ret, "kmc_vcpu_guest(%u): %s", cmd, msg);
	return r;
}

static void assert_done(const struct kmc_gres *r, uint32_t vector)
{
	ck_assert_msg(r->outcome == KMC_GOUT_DONE, "outcome %d (%s), expected done", r->outcome,
		      r->what);
	ck_assert_msg(r->vector == vector, "vector 0x%x, expected 0x%x", r->vector, vector);
}

/* KVM's own table with ARCH_CAPABILITIES set, as a VMM would give it */
static void set_supported_cpuid(struct kmc_kvm_vcpu *v)
{
	struct kvm_cpuid2 *t = kmc_cpuid_table(kvm.supported,
					       kmc_cpuid_features(kvm.supported) |
					       KMC_F(ARCH_CAPABILITIES));
	int err, ret;

	ck_assert_ptr_nonnull(t);
	ret = kmc_vcpu_set_cpuid(v, t, &err, msg, sizeof(msg));
	free(t);
	ck_assert_msg(!ret && !err, "KVM_SET_CPUID2: %s", err ? strerror(err) : msg);
}

START_TEST(nop_reports)
{
	struct kmc_gres r = guest(vcpu, KMC_GC_NOP, 0, 0);

	assert_done(&r, KMC_G_NO_VECTOR);
	/* a second command on the same vCPU: the guest loops */
	r = guest(vcpu, KMC_GC_NOP, 0, 0);
	assert_done(&r, KMC_G_NO_VECTOR);
}
END_TEST

START_TEST(cpuid_vendor)
{
	struct kmc_gres r;

	set_supported_cpuid(vcpu);
	r = guest(vcpu, KMC_GC_CPUID, 0, 0);
	assert_done(&r, KMC_G_NO_VECTOR);
	ck_assert_uint_ge(r.regs[0], 7);	/* the supported table has leaf 7 */
	/* the vendor string is KVM's copy of the host's: not all zero */
	ck_assert(r.regs[1] || r.regs[2] || r.regs[3]);
}
END_TEST

START_TEST(rdmsr_unknown_gp)
{
	struct kmc_gres r = guest(vcpu, KMC_GC_RDMSR, MSR_NONE, 0);

	assert_done(&r, VEC_GP);
	ck_assert_uint_eq(r.errcode, 0);
	ck_assert_uint_eq(r.nmsr_exits, 0);
}
END_TEST

START_TEST(wrmsr_arch_cap_gp)
{
	struct kmc_gres r;

	set_supported_cpuid(vcpu);
	r = guest(vcpu, KMC_GC_WRMSR, MSR_ARCH_CAPABILITIES, 0);
	assert_done(&r, VEC_GP);
}
END_TEST

START_TEST(rdmsr_arch_cap_value)
{
	uint64_t stored;
	struct kmc_gres r;
	int n, ret;

	set_supported_cpuid(vcpu);
	ret = kmc_vcpu_set_msr(vcpu, MSR_ARCH_CAPABILITIES, 0x12345678000000a5ULL, &n, msg,
			       sizeof(msg));
	ck_assert_msg(!ret && n == 1, "KVM_SET_MSRS: n=%d %s", n, msg);
	ret = kmc_vcpu_get_msr(vcpu, MSR_ARCH_CAPABILITIES, &stored, &n, msg, sizeof(msg));
	ck_assert_msg(!ret && n == 1, "KVM_GET_MSRS: n=%d %s", n, msg);
	ck_assert_uint_eq(stored, 0x12345678000000a5ULL);
	r = guest(vcpu, KMC_GC_RDMSR, MSR_ARCH_CAPABILITIES, 0);
	assert_done(&r, KMC_G_NO_VECTOR);
	ck_assert_uint_eq(r.out, stored);
}
END_TEST

START_TEST(exception_vectors)
{
	static const struct { uint32_t cmd, vector; const char *name; } cases[] = {
		{ KMC_GC_UD2, VEC_UD, "ud2" },
		{ KMC_GC_INT3, VEC_BP, "int3" },
		{ KMC_GC_DIV0, VEC_DE, "div by zero" },
		{ KMC_GC_RDMSR, VEC_GP, "rdmsr of no MSR" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmc_gres r = guest(vcpu, cases[i].cmd, MSR_NONE, 0);

		ck_assert_msg(r.outcome == KMC_GOUT_DONE && r.vector == cases[i].vector,
			      "%s: outcome %d vector 0x%x, expected vector %u", cases[i].name,
			      r.outcome, r.vector, cases[i].vector);
	}
	/* and the guest still works afterwards */
	assert_done((struct kmc_gres[]){ guest(vcpu, KMC_GC_NOP, 0, 0) }, KMC_G_NO_VECTOR);
}
END_TEST

START_TEST(cr4_reserved_bit_gp)
{
	/* CR4 bit 15 is reserved: MOV to CR4 takes #GP(0) */
	struct kmc_gres r = guest(vcpu, KMC_GC_SET_CR4, 0, 1u << 15);

	assert_done(&r, VEC_GP);
	ck_assert_uint_eq(r.out & (1u << 15), 0);
}
END_TEST

START_TEST(cr4_osxsave_set)
{
	struct kmc_gres r;

	if (!(kmc_cpuid_features(kvm.supported) & KMC_F(XSAVE)))
		return;		/* KVM without XSAVE: nothing to set (counted as run) */
	set_supported_cpuid(vcpu);
	r = guest(vcpu, KMC_GC_SET_CR4, 0, 1u << 18);
	assert_done(&r, KMC_G_NO_VECTOR);
	ck_assert_uint_eq(r.out & (1u << 18), 1u << 18);
}
END_TEST

START_TEST(unarmed_exception_reported)
{
	struct kmc_gres r = guest(vcpu, KMC_GC_RAW_UD2, 0, 0);
	struct kmc_gcmd c = { .cmd = KMC_GC_NOP };

	ck_assert_int_eq(r.outcome, KMC_GOUT_EXCEPTION);
	ck_assert_uint_eq(r.vector, VEC_UD);
	ck_assert_int_eq(kmc_vcpu_guest(vcpu, &c, 0, &r, msg, sizeof(msg)), -EIO);
	ck_assert_msg(strstr(msg, "unexpected exception"), "%s", msg);
}
END_TEST

START_TEST(triple_fault_is_shutdown)
{
	struct kmc_gres r = guest(vcpu, KMC_GC_TRIPLE, 0, 0);

	ck_assert_msg(r.outcome == KMC_GOUT_SHUTDOWN, "outcome %d (%s)", r.outcome, r.what);
	ck_assert_uint_eq(r.exit_reason, KVM_EXIT_SHUTDOWN);
	ck_assert(vcpu->dead);
}
END_TEST

START_TEST(hang_times_out)
{
	struct kmc_gcmd c = { .cmd = _i ? KMC_GC_HLT : KMC_GC_HANG };
	struct kmc_gres r;
	int ret = kmc_vcpu_guest(vcpu, &c, 300, &r, msg, sizeof(msg));

	ck_assert_msg(!ret, "%s", msg);
	ck_assert_msg(r.outcome == KMC_GOUT_TIMEOUT, "outcome %d (%s)", r.outcome, r.what);
	ck_assert(vcpu->dead);
	c.cmd = KMC_GC_NOP;
	ck_assert_int_eq(kmc_vcpu_guest(vcpu, &c, 300, &r, msg, sizeof(msg)), -EIO);
}
END_TEST

START_TEST(stray_exits_reported)
{
	struct kmc_gres r = guest(vcpu, _i ? KMC_GC_MMIO : KMC_GC_STRAY_IO, 0, 0);

	ck_assert_msg(r.outcome == KMC_GOUT_EXIT, "outcome %d (%s)", r.outcome, r.what);
	ck_assert_uint_eq(r.exit_reason, _i ? KVM_EXIT_MMIO : KVM_EXIT_IO);
}
END_TEST

START_TEST(bad_command_flagged)
{
	struct kmc_gres r = guest(vcpu, 0x77, 0, 0);

	assert_done(&r, KMC_G_BAD_COMMAND);
}
END_TEST

START_TEST(second_vcpu_runs)
{
	struct kmc_kvm_vcpu *v2;
	struct kmc_gres r;
	int ret = kmc_vcpu_create(&vm, &v2, msg, sizeof(msg));

	ck_assert_msg(!ret, "%s", msg);
	r = guest(v2, KMC_GC_RDMSR, MSR_NONE, 0);
	assert_done(&r, VEC_GP);
	r = guest(vcpu, KMC_GC_NOP, 0, 0);
	assert_done(&r, KMC_G_NO_VECTOR);
}
END_TEST

/* KVM_CAP_X86_USER_SPACE_MSR: an unknown MSR exits with reason UNKNOWN */
START_TEST(user_msr_exit_unknown)
{
	struct kmc_vm_cfg cfg = { .user_msr_exits = KVM_MSR_EXIT_REASON_INVAL |
				  KVM_MSR_EXIT_REASON_UNKNOWN | KVM_MSR_EXIT_REASON_FILTER };
	struct kmc_gres r;

	teardown();
	vm_up(&cfg);
	r = guest(vcpu, _i ? KMC_GC_WRMSR : KMC_GC_RDMSR, MSR_NONE, 0);
	assert_done(&r, VEC_GP);	/* the harness answers with an error */
	ck_assert_uint_eq(r.nmsr_exits, 1);
	ck_assert_uint_eq(r.msr_exit_reason, KVM_MSR_EXIT_REASON_UNKNOWN);
	ck_assert_uint_eq(r.msr_exit_index, MSR_NONE);
	ck_assert(!r.msr_exit_answered);
}
END_TEST

/* The MSR filter: userspace emulates RDMSR(0x10a) (lkml 000, 002) */
START_TEST(filter_emulates_arch_cap)
{
	struct kmc_vm_cfg cfg = { .user_msr_exits = KVM_MSR_EXIT_REASON_FILTER,
				  .filter_arch_cap = 1 };
	struct kmc_gres r;

	teardown();
	vm_up(&cfg);
	vm.uemu_arch_cap = 0x4000000000020000ULL;
	set_supported_cpuid(vcpu);
	r = guest(vcpu, KMC_GC_RDMSR, MSR_ARCH_CAPABILITIES, 0);
	assert_done(&r, KMC_G_NO_VECTOR);
	ck_assert_uint_eq(r.out, 0x4000000000020000ULL);
	ck_assert_uint_eq(r.nmsr_exits, 1);
	ck_assert_uint_eq(r.msr_exit_reason, KVM_MSR_EXIT_REASON_FILTER);
	ck_assert(r.msr_exit_answered);
	/* writes are not filtered: KVM refuses them itself (#GP, no exit) */
	r = guest(vcpu, KMC_GC_WRMSR, MSR_ARCH_CAPABILITIES, 0);
	assert_done(&r, VEC_GP);
	ck_assert_uint_eq(r.nmsr_exits, 0);
}
END_TEST

/* Without KVM_CAP_X86_USER_SPACE_MSR(FILTER) a filtered read is a #GP */
START_TEST(filter_without_exit_gp)
{
	struct kmc_vm_cfg cfg = { .filter_arch_cap = 1 };
	struct kmc_gres r;

	teardown();
	vm_up(&cfg);
	set_supported_cpuid(vcpu);
	r = guest(vcpu, KMC_GC_RDMSR, MSR_ARCH_CAPABILITIES, 0);
	assert_done(&r, VEC_GP);
	ck_assert_uint_eq(r.nmsr_exits, 0);
}
END_TEST

/* ---- the backend: records in, observations out --------------------------------- */

static void *bctx;
static struct kmv_file bfile;

static void backend_setup(void)
{
	ck_assert_int_eq(kmc_kvm_backend.open(&bctx, msg, sizeof(msg)), 0);
}

static void backend_teardown(void)
{
	kmv_file_free(&bfile);
	kmc_kvm_backend.close(bctx);
	bctx = NULL;
}

/* Read @text (one record) and evaluate it: the backend's return value */
static int backend_eval(const char *text, struct kmc_obs *o)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ck_assert_int_eq(kmv_read(fp, "b.kmv", 0, NULL, &bfile, msg, sizeof(msg)), 0);
	fclose(fp);
	ret = kmc_kvm_backend.eval(bctx, &bfile.recs[0], 0, o, msg, sizeof(msg));
	return ret;
}

/* Facts that hold on every kernel kmc knows (kernel-facts D.1, D.2) */
START_TEST(backend_ops)
{
	struct kmc_obs o;
	int ret = backend_eval("kmv 1\nvector b profile=live\n  host live\n"
			       "  op set_cpuid arch_capabilities\n"
			       "  op set_msr 0x10a 0x12345678000000a5\n"
			       "  op get_msr 0x10a\n"
			       "  op rdmsr 0x10a\n"
			       "  op wrmsr 0x10a 0x0\n"
			       "  op guest_cpuid arch_capabilities,rtm\n", &o);

	ck_assert_msg(!ret, "eval: %d %s", ret, msg);
	ck_assert_uint_eq(o.nres, 6);
	ck_assert_uint_eq(o.res[0].kind, KMC_RES_OK);
	ck_assert(o.res[1].kind == KMC_RES_NMSRS && o.res[1].n == 1);
	ck_assert(o.res[2].kind == KMC_RES_NMSRS && o.res[2].n == 1);
	ck_assert_uint_eq(o.res[2].value, 0x12345678000000a5ULL);
	ck_assert(o.res[3].kind == KMC_RES_VALUE && o.res[3].value == 0x12345678000000a5ULL);
	ck_assert_uint_eq(o.res[4].kind, KMC_RES_GP);
	ck_assert(o.res[5].kind == KMC_RES_VALUE && o.res[5].value == KMC_F(ARCH_CAPABILITIES));
}
END_TEST

/* A refused guest write exits to userspace (reason per kernel), then #GP */
START_TEST(backend_user_exit)
{
	struct kmc_obs o;
	int ret = backend_eval("kmv 1\nvector b profile=live\n  host live\n"
			       "  vm user_msr=inval,unknown\n"
			       "  op set_cpuid arch_capabilities\n"
			       "  op wrmsr 0x10a 0x0\n", &o);

	ck_assert_msg(!ret, "eval: %d %s", ret, msg);
	ck_assert_uint_eq(o.res[1].kind, KMC_RES_EXIT);
	ck_assert(o.res[1].exit == KMC_MSR_EXIT_INVAL || o.res[1].exit == KMC_MSR_EXIT_UNKNOWN);
	ck_assert_uint_eq(o.res[1].n, 0);
}
END_TEST

START_TEST(backend_filter)
{
	struct kmc_obs o;
	int ret = backend_eval("kmv 1\nvector b profile=live\n  host live\n"
			       "  vm user_msr=filter filter=0x10a uemu=0x4000000000020000\n"
			       "  op set_cpuid arch_capabilities\n"
			       "  op rdmsr 0x10a\n", &o);

	ck_assert_msg(!ret, "eval: %d %s", ret, msg);
	ck_assert_uint_eq(o.res[1].kind, KMC_RES_EXIT);
	ck_assert_uint_eq(o.res[1].exit, KMC_MSR_EXIT_FILTER);
	ck_assert_uint_eq(o.res[1].n, 1);
	ck_assert_uint_eq(o.res[1].value, 0x4000000000020000ULL);
}
END_TEST

/* The system-fd value equals the fresh vCPU's (quirk on), and get_feature */
START_TEST(backend_feature_msr)
{
	struct kmc_obs o;
	uint64_t direct;
	int ret = backend_eval("kmv 1\nvector b profile=live\n  host live\n  expect kvm.arch_cap\n"
			       "  expect vcpu.arch_cap\n  op get_feature\n", &o);

	ck_assert_msg(!ret, "eval: %d %s", ret, msg);
	ck_assert_int_eq(kmc_kvm_feature_msr(&kvm, MSR_ARCH_CAPABILITIES, &direct, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(o.kvm_arch_cap, direct);
	ck_assert_uint_eq(o.vcpu_arch_cap, direct);
	ck_assert(o.res[0].kind == KMC_RES_VALUE && o.res[0].value == direct);
	/* bit 6 (PSCHANGE_MC_NO) is always forced, bits 16/18/21/25 never pass (kernel-facts H.1) */
	ck_assert(direct & KMC_AC_PSCHANGE_MC_NO);
	ck_assert(!(direct & (KMC_AC_MCU_ENUM | KMC_AC_FB_CLEAR_CTRL | KMC_AC_XAPIC_DISABLE |
			      KMC_AC_GDS_CTRL)));
}
END_TEST

START_TEST(backend_skips_catalog_cpu)
{
	struct kmc_obs o;

	ck_assert_int_eq(backend_eval("kmv 1\nvector b profile=6.1\n  host cpu=cascadelake\n"
				      "  op run\n", &o), KMC_BE_SKIP);
	ck_assert_msg(strstr(msg, "'host cpu=cascadelake' is not this machine"), "%s", msg);
}
END_TEST

START_TEST(backend_skips_unobservable)
{
	struct kmc_obs o;

	ck_assert_int_eq(backend_eval("kmv 1\nvector b profile=live\n  host live\n"
				      "  expect cpu_caps\n", &o), KMC_BE_SKIP);
	ck_assert_msg(strstr(msg, "cpu_caps"), "%s", msg);
}
END_TEST

static Suite *guest_suite(void)
{
	Suite *s = suite_create("kvm_guest");
	const TTest *const guest_tests[] = {
		nop_reports, cpuid_vendor, rdmsr_unknown_gp, wrmsr_arch_cap_gp, rdmsr_arch_cap_value,
		exception_vectors, cr4_reserved_bit_gp, cr4_osxsave_set, unarmed_exception_reported,
		triple_fault_is_shutdown, bad_command_flagged, second_vcpu_runs,
		filter_emulates_arch_cap, filter_without_exit_gp, NULL,
	};
	const TTest *const backend_tests[] = {
		backend_ops, backend_user_exit, backend_filter, backend_feature_msr,
		backend_skips_catalog_cpu, backend_skips_unobservable, NULL,
	};
	TCase *tc = kt_case(s, "guest", 60, setup, teardown, guest_tests);

	tcase_add_loop_test(tc, hang_times_out, 0, 2);
	tcase_add_loop_test(tc, stray_exits_reported, 0, 2);
	tcase_add_loop_test(tc, user_msr_exit_unknown, 0, 2);
	kt_case(s, "backend", 60, backend_setup, backend_teardown, backend_tests);
	return s;
}

/*
 * Whether this machine can run the tests: 0, or KSFT_SKIP (4) after
 * saying why.  A KVM whose vendor module is neither kvm_intel nor kvm_amd
 * (e.g. kvm_pvm) is not what kmc models, so it is not used either.
 */
static int usable(void)
{
	int ret = kmc_kvm_open(&kvm, getenv("KMC_KVM_DEV"), msg, sizeof(msg));

	if (ret) {
		printf("SKIP: kvm_guest: all tests skipped: %s\n", msg);
		return 4;
	}
	if (kvm.vendor != KMC_KVM_INTEL && kvm.vendor != KMC_KVM_AMD &&
	    !getenv("KMC_KVM_ANY_VENDOR")) {
		printf("SKIP: kvm_guest: all tests skipped: KVM's vendor module is %s, not kvm_intel or kvm_amd\n",
		       *kvm.vendor_mod ? kvm.vendor_mod : "unknown");
		return 4;
	}
	/* the tests rely on unknown MSRs faulting */
	{
		FILE *f = fopen("/sys/module/kvm/parameters/ignore_msrs", "r");
		int c = f ? fgetc(f) : 'N';

		if (f)
			fclose(f);
		if (c == 'Y' || c == '1') {
			printf("SKIP: kvm_guest: all tests skipped: kvm.ignore_msrs is on (the tests expect unknown MSRs to fault)\n");
			return 4;
		}
	}
	return 0;
}

int main(void)
{
	int ret = usable();

	if (!ret)
		ret = kt_run(guest_suite());
	kmc_kvm_close(&kvm);
	return ret;
}
