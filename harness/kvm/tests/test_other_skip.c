// SPDX-License-Identifier: GPL-2.0
/*
 * Another KVM (kvm_other.c, docs/kvm-backend.md "Another KVM"): which
 * vectors kmc_other_skip() rules out and why, for what the probe found
 * and the capabilities KVM offers; what a record needs of KVM; which
 * capability disables quirks.  Pure functions: no KVM, real or fake.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "kmv.h"
#include "kvm_check.h"
#include "kvm_other.h"
#include "kvmlib.h"

static const char records[] =
	"kmv 1\n"
	"vector feature profile=live\n  host live\n  expect kvm.arch_cap\n  op get_feature\n"
	"vector host profile=live\n  host live\n  expect bugs\n  expect kvm.cpuid\n"
	"vector default profile=live\n  host live\n  expect vcpu.arch_cap\n"
	"vector msrs profile=live\n  host live\n  op set_msr 0x10a 0x0\n  op get_msr 0x10a\n"
	"vector cpuid profile=live\n  host live\n  op set_cpuid arch_capabilities\n  op get_msr 0x10a\n"
	"vector run profile=live\n  host live\n  op set_cpuid -\n  op set_msr 0x10a 0x1\n  op run\n"
	"vector fb profile=live\n  host live\n  expect disable_fb_clear\n"
	"vector fbctrl profile=live\n  host live\n  expect fb_clear_ctrl\n"
	"vector verw profile=live\n  host live\n  op verw\n"
	"vector l1tf profile=live\n  host live\n  expect l1tf_vmx\n"
	"vector fsgsbase profile=live\n  host live\n  op set_cr4 fsgsbase\n"
	"vector osxsave profile=live\n  host live\n  op set_cr4 osxsave\n"
	"vector tsx profile=live\n  host live\n  op set_msr 0x10a 0x80\n  op rdmsr 0x122\n"
	"vector quirk profile=live\n  host live\n  vm quirks=-stuff_feature_msrs\n  op get_msr 0x10a\n"
	"vector exits profile=live\n  host live\n  vm user_msr=inval,unknown,filter\n  op get_msr 0x10a\n"
	"vector filter profile=live\n  host live\n  vm filter=0x10a uemu=0x0\n  op get_msr 0x10a\n";

/* What the probe said of each failed step (the vcpu step's reason is left empty) */
#define WHY_VM		"kvm_pvm: KVM_CREATE_IRQCHIP: Invalid argument"
#define WHY_CPUID	"kvm_pvm: KVM_SET_CPUID2 ...: Invalid argument"
#define WHY_GUEST	"kvm_pvm: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument"

/* Another KVM, kvm_pvm: its capabilities and what the probe found */
enum { ALL_WORKS, NO_GUEST, NO_CPUID, NO_VM, NOT_PROBED, FEW_CAPS, QUIRKS_FAILED, QUIRKS_V1,
       NO_FEATURE_MSR, VMX_CPU };
static const struct other_state {
	const char *name;
	int user_space_msr, msr_filter, quirks2, quirks;	/* KVM_CHECK_EXTENSION */
	int done, vm, vcpu, cpuid, guest;			/* the probe: 1 ok */
	const char *feature_err;
	int vmx_cpu;
} states[] = {
	[ALL_WORKS] = { "all works", 1, 1, 0x1ff, 0, 1, 1, 1, 1, 1, NULL, 0 },
	[NO_GUEST] = { "the guest does not run", 1, 1, 0x1ff, 0, 1, 1, 1, 1, 0, NULL, 0 },
	[NO_CPUID] = { "no KVM_SET_CPUID2, no guest", 1, 1, 0x1ff, 0, 1, 1, 1, 0, 0, NULL, 0 },
	[NO_VM] = { "no VM at all", 1, 1, 0x1ff, 0, 1, 0, 0, 0, 0, NULL, 0 },
	[NOT_PROBED] = { "not probed (an open that stopped early)", 1, 1, 0x1ff, 0, 0, 0, 0, 0, 0,
			 NULL, 0 },
	[FEW_CAPS] = { "no MSR exits, no filters, quirks 0x10", 0, 0, 0x10, 0, 1, 1, 1, 1, 1, NULL, 0 },
	/* KVM_CHECK_EXTENSION failed: nothing offered */
	[QUIRKS_FAILED] = { "KVM_CAP_DISABLE_QUIRKS2 failed", 0, 0, -1, 0, 1, 1, 1, 1, 1, NULL, 0 },
	/* 5.10: no QUIRKS2, the older KVM_CAP_DISABLE_QUIRKS with 5.10's five quirks */
	[QUIRKS_V1] = { "5.10's KVM_CAP_DISABLE_QUIRKS", 0, 0, 0, 1, 1, 1, 1, 1, 1, NULL, 0 },
	[NO_FEATURE_MSR] = { "no feature MSR 0x10a", 0, 0, 0, 1, 1, 1, 1, 1, 1,
			     "KVM_GET_MSR_FEATURE_INDEX_LIST: MSR 0x10a is not listed (3 feature MSRs)", 0 },
	/* the model's KVM on this CPU is kvm_intel: its VMX-only rules are skipped */
	[VMX_CPU] = { "a VMX CPU", 1, 1, 0x1ff, 0, 1, 1, 1, 1, 1, NULL, 1 },
};

/* kmc_other_skip() of record @id in @state: 0 (want NULL), or KMC_BE_SKIP with a reason containing want */
static const struct { int state; const char *id, *want; } skips[] = {
	/* all works: only what kmc does not model on another KVM is skipped */
	{ ALL_WORKS, "feature", NULL }, { ALL_WORKS, "host", NULL }, { ALL_WORKS, "default", NULL },
	{ ALL_WORKS, "msrs", NULL }, { ALL_WORKS, "cpuid", NULL }, { ALL_WORKS, "run", NULL },
	{ ALL_WORKS, "l1tf", NULL }, { ALL_WORKS, "fsgsbase", NULL }, { ALL_WORKS, "osxsave", NULL },
	{ ALL_WORKS, "tsx", NULL }, { ALL_WORKS, "quirk", NULL }, { ALL_WORKS, "exits", NULL },
	{ ALL_WORKS, "filter", NULL },
	{ ALL_WORKS, "fb", "t.kmv:28: expect disable_fb_clear: kvm_pvm is neither kvm_intel nor kvm_amd: FB_CLEAR_DIS is kvm_intel's" },
	{ ALL_WORKS, "fbctrl", "expect fb_clear_ctrl: kvm_pvm is neither" },
	{ ALL_WORKS, "verw", "t.kmv:34: op verw: what a guest's VERW clears under kvm_pvm is not modelled" },
	/* the guest does not run: every vector with a guest op, nothing else */
	{ NO_GUEST, "feature", NULL }, { NO_GUEST, "host", NULL }, { NO_GUEST, "default", NULL },
	{ NO_GUEST, "msrs", NULL }, { NO_GUEST, "cpuid", NULL }, { NO_GUEST, "quirk", NULL },
	{ NO_GUEST, "exits", NULL }, { NO_GUEST, "filter", NULL }, { NO_GUEST, "l1tf", NULL },
	{ NO_GUEST, "run", "t.kmv:25: op run: needs KVM_RUN of kmc's guest program, which did not run in the probe: " WHY_GUEST },
	{ NO_GUEST, "osxsave", "op set_cr4 osxsave: needs KVM_RUN" },
	{ NO_GUEST, "tsx", "op rdmsr 0x122: needs KVM_RUN" },
	/* no KVM_SET_CPUID2: vcpu.arch_cap and op set_cpuid too */
	{ NO_CPUID, "default", "t.kmv:10: needs KVM_SET_CPUID2, which failed in the probe: kvm_pvm: KVM_SET_CPUID2" },
	{ NO_CPUID, "cpuid", "needs KVM_SET_CPUID2" },
	{ NO_CPUID, "msrs", NULL },
	/* no VM at all: only the system ioctls and the host */
	{ NO_VM, "feature", NULL }, { NO_VM, "host", NULL },
	{ NO_VM, "msrs", "t.kmv:13: needs a VM and a vCPU, which the probe could not create: " WHY_VM },
	{ NO_VM, "default", "needs a VM and a vCPU" },
	{ NO_VM, "run", "needs a VM and a vCPU" },
	/* not probed: no VM is assumed */
	{ NOT_PROBED, "msrs", "which was not probed" },
	{ NOT_PROBED, "feature", NULL },
	/* what KVM does not offer */
	{ FEW_CAPS, "quirk", "t.kmv:50: vm quirks=: kvm_pvm does not offer quirk(s) 0x100 for disabling (KVM_CHECK_EXTENSION(KVM_CAP_DISABLE_QUIRKS2) = 0x10)" },
	{ FEW_CAPS, "exits", "t.kmv:54: vm user_msr=: kvm_pvm has no user-space MSR exits (KVM_CHECK_EXTENSION(KVM_CAP_X86_USER_SPACE_MSR) = 0)" },
	{ FEW_CAPS, "filter", "vm filter=0x10a: kvm_pvm has no MSR filters (KVM_CHECK_EXTENSION(KVM_CAP_X86_MSR_FILTER) = 0)" },
	{ FEW_CAPS, "msrs", NULL },
	{ QUIRKS_FAILED, "quirk", "does not offer quirk(s) 0x100" },
	{ QUIRKS_V1, "quirk", "does not offer quirk(s) 0x100 for disabling (no KVM_CAP_DISABLE_QUIRKS2; KVM_CAP_DISABLE_QUIRKS, taken to know 0x1f)" },
	/* no feature MSR 0x10a: kvm.arch_cap and op get_feature */
	{ QUIRKS_V1, "host", NULL },
	{ NO_FEATURE_MSR, "feature", "t.kmv:4: expect kvm.arch_cap: kvm_pvm: KVM_GET_MSR_FEATURE_INDEX_LIST: MSR 0x10a is not listed (3 feature MSRs)" },
	{ NO_FEATURE_MSR, "host", NULL },
	{ NO_FEATURE_MSR, "msrs", NULL },
	/* kvm_intel's rules where kvm_pvm is loaded on a VMX CPU */
	{ VMX_CPU, "l1tf", "t.kmv:37: expect l1tf_vmx: the model assumes kvm_intel on this CPU (it sets l1tf_vmx_mitigation), and kvm_pvm is loaded instead" },
	{ VMX_CPU, "fsgsbase", "op set_cr4 fsgsbase: kvm_intel leaves CR4.FSGSBASE to the guest" },
	{ VMX_CPU, "tsx", "op rdmsr 0x122: only kvm_intel emulates the guest's TSX_CTRL (0x122)" },
	{ VMX_CPU, "osxsave", NULL },
	{ VMX_CPU, "run", NULL },
};

START_TEST(other_skip)
{
	struct kmv_file f;

	kt_read_kmv(records, "t.kmv", &f);
	for (size_t i = 0; i < ARRAY_SIZE(skips); i++) {
		const struct other_state *st = &states[skips[i].state];
		struct kmc_kvm k = {
			.cap_user_space_msr = st->user_space_msr, .cap_msr_filter = st->msr_filter,
			.cap_disable_quirks2 = st->quirks2, .cap_disable_quirks = st->quirks,
		};
		struct kmc_kvm_probe p = {
			.done = st->done, .ok = { st->vm, st->vcpu, st->cpuid, st->guest },
		};
		struct kmc_other o = { .module = "kvm_pvm", .k = &k, .probe = &p,
				       .feature_err = st->feature_err, .vmx_cpu = st->vmx_cpu };
		char why[800] = "";
		int ret;

		if (!st->vm)
			snprintf(p.why[KMC_PROBE_VM], sizeof(p.why[0]), "%s", WHY_VM);
		if (!st->cpuid)
			snprintf(p.why[KMC_PROBE_CPUID], sizeof(p.why[0]), "%s", WHY_CPUID);
		if (!st->guest)
			snprintf(p.why[KMC_PROBE_GUEST], sizeof(p.why[0]), "%s", WHY_GUEST);
		ret = kmc_other_skip(&o, kt_rec(&f, skips[i].id), why, sizeof(why));
		if (!skips[i].want)
			ck_assert_msg(ret == 0, "row %zu (%s, %s): skipped: %s", i, st->name, skips[i].id,
				      why);
		else
			ck_assert_msg(ret == KMC_BE_SKIP && strstr(why, skips[i].want),
				      "row %zu (%s, %s): ret %d, '%s' lacks '%s'", i, st->name,
				      skips[i].id, ret, why, skips[i].want);
	}
	kmv_file_free(&f);
}
END_TEST

/* Which capability disables quirks: QUIRKS2's mask, else 5.10's older form, else none */
START_TEST(quirks_offered)
{
	struct kmc_kvm k = { .cap_disable_quirks2 = 0x1ff, .cap_disable_quirks = 1 };
	uint32_t cap = 1;

	ck_assert_uint_eq(kmc_kvm_quirks_offered(&k, &cap), 0x1ff);
	ck_assert_uint_eq(cap, KVM_CAP_DISABLE_QUIRKS2);
	k.cap_disable_quirks2 = 0;
	ck_assert_uint_eq(kmc_kvm_quirks_offered(&k, &cap), KMC_KVM_QUIRKS_V1);
	ck_assert_uint_eq(cap, KVM_CAP_DISABLE_QUIRKS);
	ck_assert(KMC_KVM_QUIRKS_V1 & KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT);
	ck_assert(!(KMC_KVM_QUIRKS_V1 & KVM_X86_QUIRK_STUFF_FEATURE_MSRS));
	k.cap_disable_quirks = 0;
	ck_assert_uint_eq(kmc_kvm_quirks_offered(&k, &cap), 0);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

START_TEST(record_needs)
{
	static const struct { const char *id; unsigned int needs; int first_guest; } rows[] = {
		{ "feature", 0, -1 },
		{ "host", 0, -1 },
		{ "default", KMC_NEED_VM | KMC_NEED_CPUID, -1 },
		{ "msrs", KMC_NEED_VM, -1 },
		{ "run", KMC_NEED_VM | KMC_NEED_CPUID | KMC_NEED_GUEST, 2 },
		{ "tsx", KMC_NEED_VM | KMC_NEED_GUEST, 1 },
	};
	struct kmv_file f;

	kt_read_kmv(records, "t.kmv", &f);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		int g = -2;
		unsigned int needs = kmc_record_needs(kt_rec(&f, rows[i].id), &g);

		ck_assert_msg(needs == rows[i].needs, "%s: needs 0x%x", rows[i].id, needs);
		ck_assert_msg(g == rows[i].first_guest, "%s: first guest op %d", rows[i].id, g);
	}
	kmv_file_free(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_other_skip");
	const TTest *const tests[] = { other_skip, quirks_offered, record_needs, NULL };

	kt_case(s, "skip", 30, NULL, NULL, tests);
	return kt_run(s);
}
