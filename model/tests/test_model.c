// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the model against cases worked by hand from the
 * reference material.  Every case names its source; none is copied from
 * the model's own output.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kmc/model.h"

#define F(x) KMC_F(x)
#define B(x) KMC_B(x)

static struct kmc_host host(const char *cpu)
{
	struct kmc_host h;
	const struct kmc_cpu *c = kmc_cpu_find(cpu);

	ck_assert_msg(c, "catalog has no CPU %s", cpu);
	kmc_host_from_cpu(&h, c);
	return h;
}

static struct kmc_obs eval(const char *profile, const struct kmc_scenario *s)
{
	struct kmc_obs o;
	const struct kmc_profile *p = kmc_profile_find(profile);

	ck_assert_msg(p, "no profile %s", profile);
	ck_assert_int_eq(kmc_model_eval(p, s, &o), 0);
	return o;
}

/*
 * The emulated lab's L2 guests (emulated-lab.md, "L2 results"): QEMU's
 * Cascadelake-Server model (06_55H stepping 6) as a guest of kvm_amd under
 * TCG: hypervisor bit, AVX, RDRAND, but no MD_CLEAR, FLUSH_L1D, SPEC_CTRL,
 * RDSEED, RTM or HLE ("What L2 never has").
 */
static struct kmc_host lab_cascadelake_l2(uint64_t ac)
{
	struct kmc_host h = host("cascadelake");

	h.stepping = 6;
	h.cpuid = F(SSE3) | F(XSAVE) | F(AVX) | F(RDRAND) | F(APIC) | F(MOVBE) |
		  F(FSGSBASE) | F(PKU) | F(HYPERVISOR) |
		  (ac ? F(ARCH_CAPABILITIES) : 0);
	h.arch_cap = ac;
	h.smt = 0;
	return h;
}

static const struct {
	const char *name;	/* source */
	const char *profile;
	uint64_t ac;
	uint64_t bugs;
} l2_rows[] = {
	{ "emulated-lab.md L2 row 1: arch-capabilities=off", "6.1", 0,
	  B(CPU_MELTDOWN) | B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) |
	  B(L1TF) | B(MDS) | B(SWAPGS) | B(ITLB_MULTIHIT) | B(MMIO_STALE_DATA) |
	  B(RETBLEED) | B(GDS) | B(BHI) | B(ITS) },
	{ "emulated-lab.md L2 row 2: rdctl-no,mds-no,pschange-mc-no,skip-l1dfl-vmentry = 0x69", "6.1", 0x69,
	  B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) | B(SWAPGS) |
	  B(MMIO_STALE_DATA) | B(RETBLEED) | B(GDS) | B(BHI) | B(ITS) },
	{ "emulated-lab.md L2 row 3: forced 0x400000000d10e17b", "6.1", 0x400000000d10e17bULL,
	  B(SPECTRE_V1) | B(SPECTRE_V2) | B(SWAPGS) | B(RETBLEED) | B(BHI) },
	{ "emulated-lab.md: same rows seen on 6.12", "6.12", 0x69,
	  B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) | B(SWAPGS) |
	  B(MMIO_STALE_DATA) | B(RETBLEED) | B(GDS) | B(BHI) | B(ITS) },
};

START_TEST(lab_l2_bug_lines)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = lab_cascadelake_l2(l2_rows[_i].ac);
	o = eval(l2_rows[_i].profile, &s);
	ck_assert_msg(o.bugs == l2_rows[_i].bugs, "%s: bugs %#llx, expected %#llx",
		      l2_rows[_i].name, (unsigned long long)o.bugs,
		      (unsigned long long)l2_rows[_i].bugs);
}
END_TEST

/*
 * KVM's advertised value on AMD hosts: kernel-facts C.3 worked example and
 * emulated-lab.md "Values seen" (0x400000000c000069 on 6.1.192, 6.12.117,
 * 7.2.13; 0x...79 with SSB_NO under -cpu max).
 */
static const struct {
	const char *name;
	const char *profile;
	const char *cpu;
	uint64_t add_cpuid;
	uint64_t kvm;
} amd_rows[] = {
	{ "KF C.3 / lab: EPYC L1, 6.1", "6.1", "qemu-epyc", 0, 0x400000000c000069ULL },
	{ "lab: EPYC L1, 6.12", "6.12", "qemu-epyc", 0, 0x400000000c000069ULL },
	{ "lab: EPYC L1, 7.2", "7.2", "qemu-epyc", 0, 0x400000000c000069ULL },
	{ "lab: -cpu max (AMD_SSB_NO) adds SSB_NO", "7.2", "qemu-epyc", F(AMD_SSB_NO),
	  0x400000000c000079ULL },
	/* KF C.3 needs 6.1.139+ for ITS_NO and 6.1.82 for RFDS_NO: 6.6.0 has neither */
	{ "KF C.2/C.3 on v6.6: no RFDS_NO, no ITS_NO", "6.6", "epyc-rome", 0, 0x4000069ULL },
};

START_TEST(amd_feature_value)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host(amd_rows[_i].cpu);
	s.host.cpuid |= amd_rows[_i].add_cpuid;
	o = eval(amd_rows[_i].profile, &s);
	ck_assert_msg(o.kvm_arch_cap == amd_rows[_i].kvm, "%s: %#llx", amd_rows[_i].name,
		      (unsigned long long)o.kvm_arch_cap);
	/* emulated-lab.md: KVM_GET_SUPPORTED_CPUID 7.0:EDX[29] = 1 on AMD */
	ck_assert(o.kvm_cpuid & F(ARCH_CAPABILITIES));
	/* TSA's "Zen guest" clause cannot fire at boot (docs/rules.md §2) */
	ck_assert(!(o.bugs & B(TSA)));
}
END_TEST

/*
 * Sapphire Rapids (anchors.md §4.2, Firecracker SPR baseline 0xc08e0eb):
 * booted tsx=off (Debian's default) KVM drops TAA_NO; with tsx=on it keeps
 * it.  6.1.192 also has ITS_NO (bit 62, 6.1.139).
 */
START_TEST(spr_tsx_off_loses_taa_no)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("sapphirerapids");
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.kvm_arch_cap & 0xffffffffULL, 0xc08e0ebULL);
	ck_assert(o.kvm_arch_cap & KMC_AC_ITS_NO);
	ck_assert(!(o.host_feat & F(RTM)));
	s.host.tsx = KMC_TSX_ON;
	o = eval("6.1", &s);
	ck_assert(o.kvm_arch_cap & KMC_AC_TAA_NO);
}
END_TEST

/*
 * kernel-facts B.4 "Representative consequences" + H.2.12: SPR is in
 * neither MMIO list; a VMM that hides the three MMIO bits makes a 6.1
 * guest report mmio_unknown, a >= 6.16 guest "Not affected".
 */
START_TEST(spr_hidden_mmio_bits)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("sapphirerapids");
	s.host.cpuid |= F(HYPERVISOR);
	s.host.arch_cap &= ~(KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO);
	o = eval("6.1", &s);
	ck_assert(o.bugs & B(MMIO_UNKNOWN));
	ck_assert_str_eq(o.sysfs_mmio, "Unknown: No mitigations");
	o = eval("6.16", &s);
	ck_assert(!(o.bugs & (B(MMIO_UNKNOWN) | B(MMIO_STALE_DATA))));
	ck_assert_str_eq(o.sysfs_mmio, "Not affected");
}
END_TEST

/* kernel-facts B.5: strings and suffixes */
START_TEST(sysfs_suffixes)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("skylake-sp");	/* MDS, TAA (RTM, no TSX_CTRL), MMIO */
	o = eval("6.1", &s);
	ck_assert_str_eq(o.sysfs_mds, "Mitigation: Clear CPU buffers; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_taa, "Mitigation: Clear CPU buffers; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_mmio, "Mitigation: Clear CPU buffers; SMT vulnerable");
	s.host.smt = 0;
	s.host.cpuid |= F(HYPERVISOR);
	o = eval("6.1", &s);
	ck_assert_str_eq(o.sysfs_mds, "Mitigation: Clear CPU buffers; SMT Host state unknown");
	s.host.mitigations_off = 1;
	o = eval("7.2", &s);
	/* mds keeps its suffix when off; taa and mmio are bare */
	ck_assert_str_eq(o.sysfs_mds, "Vulnerable; SMT Host state unknown");
	ck_assert_str_eq(o.sysfs_taa, "Vulnerable");
	ck_assert_str_eq(o.sysfs_mmio, "Vulnerable");
	/* no MD_CLEAR: "attempted, no microcode" (VMWERV / UCODE_NEEDED) */
	s.host.mitigations_off = 0;
	s.host.cpuid &= ~F(MD_CLEAR);
	o = eval("6.12", &s);
	ck_assert_str_eq(o.sysfs_mds,
			 "Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown");
}
END_TEST

/* kernel-facts B.5: mds=off alone does not turn MDS off while TAA needs VERW */
START_TEST(verw_mitigations_converge)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("skylake-sp");
	s.host.vuln_off = KMC_OFF_MDS;
	o = eval("6.1", &s);
	ck_assert_str_eq(o.sysfs_mds, "Mitigation: Clear CPU buffers; SMT vulnerable");
	s.host.vuln_off = KMC_OFF_MDS | KMC_OFF_TAA | KMC_OFF_MMIO;
	o = eval("6.1", &s);
	ck_assert_str_eq(o.sysfs_mds, "Vulnerable; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_taa, "Vulnerable");
}
END_TEST

/*
 * vCPU 0x10a access, kernel-facts D.1/D.3 and emulated-lab.md "Values
 * seen": without the CPUID bit a fresh vCPU reads the default on 6.1 and
 * 6.12 but 0 on 7.2; 0x12345678000000a5 is accepted; guest WRMSR #GPs.
 */
START_TEST(vcpu_gate_and_values)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("qemu-epyc");
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_GET_MSR, .index = 0x10a };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a,
				    .value = 0x12345678000000a5ULL };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_WRMSR, .index = 0x10a };
	o = eval("6.12", &s);
	ck_assert_uint_eq(o.res[0].value, 0x400000000c000069ULL);
	ck_assert_int_eq(o.res[1].n, 1);
	ck_assert_int_eq(o.res[2].kind, KMC_RES_GP);
	o = eval("7.2", &s);
	ck_assert_uint_eq(o.res[0].value, 0);
	ck_assert_int_eq(o.res[1].n, 0);	/* non-zero behind the gate */
	ck_assert_int_eq(o.res[2].kind, KMC_RES_GP);

	/* with the CPUID bit the guest reads what userspace stored */
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = 0x10a };
	o = eval("7.2", &s);
	ck_assert_int_eq(o.res[1].n, 1);
	ck_assert_uint_eq(o.res[2].value, 0x12345678000000a5ULL);
}
END_TEST

/* kernel-facts D.3 / H.1.5: immutable after KVM_RUN from 6.4, not in 6.1 */
START_TEST(vcpu_immutable_after_run)
{
	static const struct { const char *p; int n_diff; } rows[] = {
		{ "6.1", 1 }, { "6.12", 0 }, { "7.2", 0 },
	};
	struct kmc_scenario s;

	memset(&s, 0, sizeof(s));
	s.host = host("cascadelake");
	s.nops = 5;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = 0x20 };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_RUN };
	s.ops[3] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = 0x20 };
	s.ops[4] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = 0x21 };
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct kmc_obs o = eval(rows[i].p, &s);

		ck_assert_int_eq(o.res[3].n, 1);	/* same value: always fine */
		ck_assert_msg(o.res[4].n == rows[i].n_diff, "%s: n=%d", rows[i].p, o.res[4].n);
	}
}
END_TEST

/* kernel-facts D.4: KVM_SET_CPUID2 after run, -EINVAL unless identical */
START_TEST(set_cpuid_after_run)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("epyc-milan");
	s.nops = 4;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_RUN };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[3] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) | F(MOVBE) };
	o = eval("6.1", &s);
	ck_assert_int_eq(o.res[2].kind, KMC_RES_OK);
	ck_assert_int_eq(o.res[3].kind, KMC_RES_ERRNO);
	ck_assert_int_eq(o.res[3].err, 22);	/* EINVAL, not EBUSY */
	/* 5.10.262 (no feb627e8d6f6): any table, as before the run */
	o = eval("5.10", &s);
	ck_assert_int_eq(o.res[2].kind, KMC_RES_OK);
	ck_assert_int_eq(o.res[3].kind, KMC_RES_OK);
}
END_TEST

/*
 * MISC_ENABLE (0x1a0): 6.1's vCPU starts at 0x1800 and the guest may not
 * change BTS/PEBS_UNAVAIL (9fc222967a39, v6.0); 5.10.262's starts at 0 and
 * takes any write (x86.c l.3224-3234; the QEMU lab read 0x0 in L1)
 */
START_TEST(misc_enable_before_6_0)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("epyc-milan");
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = 0x1a0 };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_WRMSR, .index = 0x1a0, .value = 0x1000 };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = 0x1a0 };
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.res[0].value, 0x1800);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_GP);
	ck_assert_uint_eq(o.res[2].value, 0x1800);
	o = eval("5.10", &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(o.res[0].value, 0);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_OK);
	ck_assert_uint_eq(o.res[2].value, 0x1000);
}
END_TEST

/*
 * kernel-facts D.1 / H.2.7: exit reason INVAL (6.1, 6.12) vs UNKNOWN (7.2)
 * for a guest read without the CPUID bit; ignore_msrs reads 0 on 7.2 only.
 */
START_TEST(exit_reasons_and_ignore_msrs)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("epyc-genoa");
	s.vm.user_msr_exits = KMC_MSR_EXIT_INVAL | KMC_MSR_EXIT_UNKNOWN;
	s.nops = 1;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = 0x10a };
	o = eval("6.12", &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_EXIT);
	ck_assert_int_eq(o.res[0].exit, KMC_MSR_EXIT_INVAL);
	o = eval("7.2", &s);
	ck_assert_int_eq(o.res[0].exit, KMC_MSR_EXIT_UNKNOWN);
	s.vm.user_msr_exits = 0;
	s.host.ignore_msrs = 1;
	o = eval("6.1", &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_GP);
	o = eval("7.2", &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(o.res[0].value, 0);
}
END_TEST

/*
 * lkml/001 (Xiaoyao Li's example): a host with MDS_NO, TAA_NO, FB_CLEAR and
 * FB_CLEAR_CTRL; the guest gets MD_CLEAR and L1D_FLUSH but none of MDS_NO,
 * TAA_NO, FB_CLEAR: disable_fb_clear stays 1 and VERW does not clear the
 * fill buffers the guest was promised -- KVM's doing (verw_promise_kvm).
 * MD_CLEAR without L1D_FLUSH promises no fill-buffer clearing.  Giving it
 * FB_CLEAR lifts FB_CLEAR_DIS.
 */
START_TEST(fb_clear_thread_001)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("icelake-client");	/* MDS_NO, TAA_NO, FB_CLEAR(_CTRL), no RTM */
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID,
				    .value = F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(FLUSH_L1D) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a,
				    .value = KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_VERW };
	o = eval("6.12", &s);
	ck_assert_int_eq(o.fb_clear_ctrl, 1);
	ck_assert_int_eq(o.disable_fb_clear, 1);
	ck_assert_uint_eq(o.res[2].value, 0);			/* keeps */
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_KVM);
	s.ops[0].value &= ~F(FLUSH_L1D);
	o = eval("6.12", &s);
	ck_assert_uint_eq(o.res[2].value, 0);			/* keeps, but no promise */
	ck_assert_uint_eq(o.findings, 0);
	s.ops[1].value |= KMC_AC_FB_CLEAR;
	o = eval("6.12", &s);
	ck_assert_int_eq(o.disable_fb_clear, 0);
	ck_assert_uint_eq(o.res[2].value, 1);			/* clears */
	ck_assert(!o.findings);
}
END_TEST

/*
 * Variant md-clear (lkml 001): the same Ice Lake guest, its table set after
 * the 0x10a write -- KVM now looks at it and lets VERW clear; a variant bit
 * the model does not implement is refused, not ignored.
 */
START_TEST(variant_md_clear)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("icelake-client");
	s.nops = 4;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = 0 };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID,
				    .value = F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(FLUSH_L1D) };
	s.ops[3] = (struct kmc_op){ .kind = KMC_OP_VERW };
	o = eval("7.2", &s);
	ck_assert_int_eq(o.disable_fb_clear, 1);
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_KVM);
	s.variants = KMC_VAR_MD_CLEAR;
	o = eval("7.2", &s);
	ck_assert_int_eq(o.disable_fb_clear, 0);
	ck_assert_uint_eq(o.res[3].value, 1);			/* clears */
	ck_assert_uint_eq(o.findings, 0);
	s.ops[1].value = KMC_AC_MDS_NO;				/* not "affected by MDS" */
	ck_assert_int_eq(eval("7.2", &s).disable_fb_clear, 1);

	s.variants = 1u << KMC_VAR_NR;				/* no such change */
	ck_assert_int_eq(kmc_model_eval(kmc_profile_find("7.2"), &s, &o), -EINVAL);
}
END_TEST

/*
 * Guest SPEC_CTRL on Sapphire Rapids (BHI_CTRL): stock, BHI_DIS_S is the
 * guest's to set or clear; with KVM_CAP_FORCE_SPEC_CTRL (lkml 002, api.rst
 * of RFC v3 01/10) forcing it on, the guest's clear only reaches the
 * shadow; a Cascade Lake without BHI_CTRL refuses the bit (#GP).
 */
START_TEST(spec_ctrl_thread_002)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("sapphirerapids");
	s.host.spec_ctrl_shadow = 1;
	s.vm.force_spec_ctrl = 1;
	s.vm.force_mask = s.vm.force_value = KMC_SPEC_CTRL_BHI_DIS_S;
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID,
				    .value = F(ARCH_CAPABILITIES) | F(SPEC_CTRL) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_WRMSR, .index = 0x48, .value = 0 };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = 0x48 };
	o = eval("7.2", &s);
	ck_assert_uint_eq(o.spec_ctrl, 0);
	s.variants = KMC_VAR_FORCE_SPEC_CTRL;
	o = eval("7.2", &s);
	ck_assert_uint_eq(o.res[2].value, 0);			/* its own value */
	ck_assert_uint_eq(o.spec_ctrl, KMC_SPEC_CTRL_BHI_DIS_S);
	s.vm.force_value = KMC_SPEC_CTRL_SSBD;			/* outside the mask: refused */
	ck_assert_uint_eq(eval("7.2", &s).spec_ctrl, 0);

	s.host = host("cascadelake");
	s.ops[1].value = KMC_SPEC_CTRL_BHI_DIS_S;
	ck_assert_int_eq(eval("7.2", &s).res[1].kind, KMC_RES_GP);
}
END_TEST

/*
 * lkml/000 and 001: a guest configured on Cascade Lake (FB_CLEAR) moved to
 * Sapphire Rapids.  KVM leaves FB_CLEAR_DIS alone (the host has no
 * FB_CLEAR_CTRL); the CPU's VERW does not clear fill buffers (MDS_NO, no
 * FB_CLEAR: the assumption of docs/rules.md 8): verw_promise_hw.
 */
START_TEST(verw_promise_by_cause)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("sapphirerapids");
	s.nops = 3;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID,
				    .value = F(ARCH_CAPABILITIES) | F(MD_CLEAR) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = 0x20ea0ab };
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_VERW };
	o = eval("6.1", &s);
	ck_assert_int_eq(o.disable_fb_clear, 0);
	ck_assert_uint_eq(o.res[2].value, 0);
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_HW);
	/* a late microcode load that gives the CPU FB_CLEAR: VERW clears, no finding */
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_HOST_UCODE, .value = s.host.arch_cap | KMC_AC_FB_CLEAR };
	s.ops[3] = (struct kmc_op){ .kind = KMC_OP_VERW };
	s.nops = 4;
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.res[3].value, 1);
	ck_assert_uint_eq(o.findings, 0);
}
END_TEST

/*
 * The other side of lkml/004: KVM's own feature value, given to a guest
 * whose CPUID is KVM's supported set, never claims immunity the host lacks
 * (kernel-facts C.3: every synthesised "NO" bit follows boot_cpu_has_bug(),
 * TAA_NO needs RTM, GDS_NO the microcode mitigation).  Every catalog CPU,
 * profile and the options that move those bugs.
 */
START_TEST(kvm_value_never_false_immunity)
{
	static const struct { uint8_t tsx, gds, moff, virt; } opt[] = {
		{ 0, 0, 0, 0 }, { KMC_TSX_ON, 0, 0, 0 }, { KMC_TSX_OFF, 0, 0, 0 },
		{ 0, KMC_GDS_OFF, 0, 0 }, { 0, KMC_GDS_FORCE, 0, 0 }, { 0, 0, 1, 0 },
		{ KMC_TSX_ON, KMC_GDS_OFF, 0, 1 },
	};
	unsigned int n = 0;

	for (unsigned int c = 0; c < kmc_ncpus; c++)
		for (unsigned int i = 0; i < kmc_nprofiles; i++)
			for (unsigned int k = 0; k < sizeof(opt) / sizeof(opt[0]); k++) {
				const struct kmc_profile *p = kmc_profile_at(i);
				struct kmc_scenario s;
				struct kmc_obs o;

				memset(&s, 0, sizeof(s));
				kmc_host_from_cpu(&s.host, &kmc_cpus[c]);
				s.host.tsx = opt[k].tsx;
				s.host.gds = opt[k].gds;
				s.host.mitigations_off = opt[k].moff;
				if (opt[k].virt)
					s.host.cpuid |= F(HYPERVISOR) | F(ARCH_CAPABILITIES);
				ck_assert_int_eq(kmc_model_eval(p, &s, &o), 0);
				s.nops = 2;
				s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID,
							    .value = o.kvm_cpuid | F(ARCH_CAPABILITIES) };
				s.ops[1] = (struct kmc_op){ .kind = KMC_OP_RUN };
				ck_assert_int_eq(kmc_model_eval(p, &s, &o), 0);
				ck_assert_msg(!(o.findings & KMC_FINDING_FALSE_IMMUNITY),
					      "%s on %s (option set %u): KVM's 0x%llx",
					      kmc_cpus[c].name, p->name, k,
					      (unsigned long long)o.vcpu_arch_cap);
				n += o.vcpu_arch_cap != 0;
			}
	ck_assert_uint_gt(n, 100);	/* the guests did get values to read */
}
END_TEST

/*
 * lkml/004 (Wei Wang): "NO" bits the host does not back.  MDS_NO on an
 * MDS-affected Skylake-SP; a Sapphire Rapids value on Cascade Lake, where
 * TAA_NO matters only with TSX on (Debian's 6.1 boots tsx=off); GDS_NO
 * only without the microcode mitigation and with AVX in the guest.
 */
START_TEST(false_immunity_thread_004)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("skylake-sp");
	s.nops = 2;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(ARCH_CAPABILITIES) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = 0x10a, .value = KMC_AC_MDS_NO };
	o = eval("6.1", &s);
	ck_assert(o.bugs & KMC_B(MDS));
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
	/* the guest cannot read 0x10a without the CPUID bit: nothing told */
	s.ops[0].value = 0;
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.findings, 0);
	/* KVM's own value never claims what the host lacks */
	s.ops[0].value = F(ARCH_CAPABILITIES);
	s.nops = 1;
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.findings, 0);

	/* TAA_NO alone, guest with RTM, on Cascade Lake: only with TSX on */
	s.host = host("cascadelake");
	s.nops = 2;
	s.ops[0].value = F(ARCH_CAPABILITIES) | F(RTM);
	s.ops[1].value = KMC_AC_TAA_NO;
	o = eval("6.1", &s);
	ck_assert(o.bugs & KMC_B(TAA));
	ck_assert_uint_eq(o.findings, 0);
	s.host.tsx = KMC_TSX_ON;
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
	s.ops[0].value = F(ARCH_CAPABILITIES);			/* no RTM, no TSX_CTRL */
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.findings, 0);
	s.ops[1].value |= KMC_AC_TSX_CTRL_MSR;			/* it can turn TSX on */
	o = eval("6.1", &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);

	/* GDS_NO on Cascade Lake: mitigated by microcode, unless turned off */
	s.host = host("cascadelake");
	s.ops[0].value = F(ARCH_CAPABILITIES) | F(AVX);
	s.ops[1].value = KMC_AC_GDS_NO;
	o = eval("7.2", &s);
	ck_assert(o.bugs & KMC_B(GDS));
	ck_assert_uint_eq(o.findings, 0);
	s.host.gds = KMC_GDS_OFF;
	o = eval("7.2", &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
	s.ops[0].value = F(ARCH_CAPABILITIES);
	o = eval("7.2", &s);
	ck_assert_uint_eq(o.findings, 0);
}
END_TEST

/*
 * kernel-facts F.4: a guest with FSGSBASE in CPUID on a VMX host booted
 * nofsgsbase: 6.1 lets CR4.FSGSBASE through, 6.14+ refuses it (#GP).
 */
START_TEST(cr4_fsgsbase_passthrough)
{
	struct kmc_scenario s;
	struct kmc_obs o;

	memset(&s, 0, sizeof(s));
	s.host = host("icelake-server");
	s.host.nofsgsbase = 1;
	s.nops = 2;
	s.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = F(FSGSBASE) };
	s.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_CR4, .value = KMC_CR4_FSGSBASE };
	o = eval("6.1", &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_OK);
	o = eval("6.14", &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_GP);
	/* SVM intercepts CR4 writes: refused on every kernel */
	s.host = host("epyc-milan");
	s.host.nofsgsbase = 1;
	o = eval("6.1", &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_GP);
}
END_TEST

/* model.h: uname -r (+ uname -v) to profile, DESIGN.md "Kernel profile" */
START_TEST(profile_for_uname)
{
	static const struct {
		const char *release, *version, *want;
		int warns;
	} rows[] = {
		{ "6.1.0-56-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-10-01)", "6.1", 0 },
		{ "6.1.0-56-amd64", NULL, "5.10", 1 },	/* 6.1.0 is older than 6.1.192 */
		{ "5.10.0-46-amd64", "#1 SMP Debian 5.10.262-1 (2026-11-01)", "5.10", 0 },
		{ "6.12.117+deb12-amd64", NULL, "6.12", 0 },
		{ "7.2.13+deb14-amd64", NULL, "7.2", 0 },
		{ "6.15.3", NULL, "6.14", 1 },
		{ "7.3.0-rc7", NULL, "7.2", 1 },
		{ "7.3.4+deb13-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 7.3.4-1~bpo13+1 (2026-11-15)", "7.3", 0 },
		{ "7.3.9+deb13-amd64", NULL, "7.3", 1 },
		{ "5.10.0-30-amd64", NULL, NULL, 0 },
		{ "garbage", NULL, NULL, 0 },
	};
	char warn[256];

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct kmc_profile *p =
			kmc_profile_for_uname(rows[i].release, rows[i].version, warn, sizeof(warn));

		if (!rows[i].want) {
			ck_assert_msg(!p && warn[0], "%s should not map", rows[i].release);
			continue;
		}
		ck_assert_msg(p && !strcmp(p->name, rows[i].want), "%s -> %s", rows[i].release,
			      p ? p->name : "(none)");
		ck_assert_int_eq(warn[0] != 0, rows[i].warns);
	}
}
END_TEST

/* A profile's flags follow its release (kernel-facts C.4, D.3, D.1) */
START_TEST(profile_flags)
{
	const struct kmc_profile *p61 = kmc_profile_find("6.1");
	const struct kmc_profile *p612 = kmc_profile_find("6.12");
	const struct kmc_profile *p72 = kmc_profile_find("7.2");
	int imm = kmc_flag_index("immutable_feature_msrs");
	int quirk = kmc_flag_index("stuff_feature_msrs_quirk");
	int gate = kmc_flag_index("ac_requires_cpuid");

	ck_assert(imm >= 0 && quirk >= 0 && gate >= 0);
	ck_assert(!(p61->flags >> imm & 1) && (p612->flags >> imm & 1));
	/* the quirk was backported to 6.12.78 (Debian changelog), the gate was not */
	ck_assert((p612->flags >> quirk & 1) && !(p612->flags >> gate & 1));
	ck_assert((p72->flags >> gate & 1));
	ck_assert_int_eq(kmc_flag_index("no-such-flag"), -1);
	/* Zen5's TSA row: stable 6.12.117 and 7.3.4, in neither 7.2.13 nor 7.3.0 */
	int zen5 = kmc_flag_index("amd_1a_tsa");
	ck_assert(zen5 >= 0);
	ck_assert(kmc_flag_in_release(zen5, (struct kmc_kver){ 7, 3, 4 }));
	ck_assert(!kmc_flag_in_release(zen5, (struct kmc_kver){ 7, 3, 3 }));
	ck_assert(!kmc_flag_in_release(zen5, (struct kmc_kver){ 7, 2, 13 }));
	ck_assert(kmc_flag_in_release(zen5, (struct kmc_kver){ 6, 12, 117 }));
	ck_assert(kmc_profile_find("7.3")->flags >> zen5 & 1);
	ck_assert(!(p72->flags >> zen5 & 1));
	ck_assert(!kmc_profile_find("6.2"));
	ck_assert(kmc_profile_at(kmc_nprofiles) == NULL);
}
END_TEST

/*
 * The boundaries issue 12 corrected, each from its source (docs/rules.md
 * section 1): a release on each side of it.
 */
START_TEST(issue12_boundaries)
{
	static const struct { const char *flag; struct kmc_kver in, out; } rows[] = {
		{ "rfds_atom_type_row", { 6, 15, 0 }, { 6, 14, 9 } },	/* 722fa0dba74f */
		{ "tsa_ucode_needed_quiet", { 6, 16, 0 }, { 6, 12, 200 } }, /* stable form only */
		{ "zen5_generation", { 6, 8, 0 }, { 6, 7, 12 } },	/* 3e4147f33f8b */
		{ "amd_1a_listed", { 6, 12, 47 }, { 6, 12, 46 } },	/* 6.12.47 VMSCAPE backport */
		{ "tsx_default_auto", { 7, 0, 0 }, { 6, 19, 3 } },	/* f8c7600d468b */
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int f = kmc_flag_index(rows[i].flag);

		ck_assert_msg(f >= 0, "%s", rows[i].flag);
		ck_assert_msg(kmc_flag_in_release((unsigned int)f, rows[i].in), "%s", rows[i].flag);
		ck_assert_msg(!kmc_flag_in_release((unsigned int)f, rows[i].out), "%s", rows[i].flag);
	}
	/* the rework's release is not established, and says so */
	ck_assert(kmc_flags[kmc_flag_index("rfds_hybrid_exception")].unsettled != NULL);
	ck_assert(kmc_flags[kmc_flag_index("zen5_generation")].unsettled == NULL);
	ck_assert_int_eq(kmc_profile_find("7.2")->tsx_default, KMC_TSX_AUTO);
	ck_assert_int_eq(kmc_profile_find("6.17")->tsx_default, KMC_TSX_OFF);
}
END_TEST

/*
 * Issue 12 item 4: every catalog CPU names its public real-host record (or
 * says there is none), and the two entries public dumps corrected keep
 * their correction: Ice Lake-SP without RRSBA (Firecracker's ICELAKE
 * fingerprints, 0xc02a0eb) and Granite Rapids with TSX_CTRL_MSR (its
 * GRANITE_RAPIDS fingerprint, 0x400000000d08e0eb).
 */
START_TEST(catalog_records)
{
	for (unsigned int i = 0; i < kmc_ncpus; i++)
		ck_assert_msg(kmc_cpus[i].record && kmc_cpus[i].record[0], "%s", kmc_cpus[i].name);
	ck_assert(!(kmc_cpu_find("icelake-server")->arch_cap & KMC_AC_RRSBA));
	ck_assert(kmc_cpu_find("graniterapids")->arch_cap & KMC_AC_TSX_CTRL_MSR);
	ck_assert(strstr(kmc_cpu_find("graniterapids")->record, "GRANITE_RAPIDS"));
}
END_TEST

/*
 * kmc fms: the tables' CPU matches gen.py puts fms.kmv on.  Skylake-SP is
 * split at stepping 5 in the blacklist (kernel-facts B.4: stepping <= 5
 * lacks ITS), and Zen 2 covers family 0x17 models 0x30-0x4f (amd.c).
 */
START_TEST(fms_keys)
{
	struct kmc_fms_key k;
	unsigned int n = kmc_fms_nkeys(), i, skx_split = 0, zen2 = 0;

	for (i = 0; kmc_fms_key_at(i, &k); i++) {
		ck_assert(k.model_lo <= k.model_hi);
		ck_assert(!strcmp(k.table, "whitelist") || !strcmp(k.table, "blacklist") ||
			  !strcmp(k.table, "zen"));
		skx_split += !strcmp(k.table, "blacklist") && k.vendor == KMC_VENDOR_INTEL &&
			     k.family == 6 && k.model_lo == 0x55 && k.step_max == 5;
		zen2 += !strcmp(k.table, "zen") && k.family == 0x17 && k.model_lo == 0x30 &&
			k.model_hi == 0x4f;
	}
	ck_assert_uint_eq(i, n);
	ck_assert_uint_eq(skx_split, 1);
	ck_assert_uint_eq(zen2, 1);
	ck_assert(!kmc_fms_key_at(n, &k));
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("reference-cases");

	tcase_add_loop_test(tc, lab_l2_bug_lines, 0, sizeof(l2_rows) / sizeof(l2_rows[0]));
	tcase_add_loop_test(tc, amd_feature_value, 0, sizeof(amd_rows) / sizeof(amd_rows[0]));
	tcase_add_test(tc, spr_tsx_off_loses_taa_no);
	tcase_add_test(tc, spr_hidden_mmio_bits);
	tcase_add_test(tc, sysfs_suffixes);
	tcase_add_test(tc, verw_mitigations_converge);
	tcase_add_test(tc, vcpu_gate_and_values);
	tcase_add_test(tc, vcpu_immutable_after_run);
	tcase_add_test(tc, set_cpuid_after_run);
	tcase_add_test(tc, misc_enable_before_6_0);
	tcase_add_test(tc, exit_reasons_and_ignore_msrs);
	tcase_add_test(tc, fb_clear_thread_001);
	tcase_add_test(tc, variant_md_clear);
	tcase_add_test(tc, spec_ctrl_thread_002);
	tcase_add_test(tc, verw_promise_by_cause);
	tcase_add_test(tc, false_immunity_thread_004);
	tcase_add_test(tc, kvm_value_never_false_immunity);
	tcase_add_test(tc, cr4_fsgsbase_passthrough);
	tcase_add_test(tc, profile_for_uname);
	tcase_add_test(tc, profile_flags);
	tcase_add_test(tc, issue12_boundaries);
	tcase_add_test(tc, catalog_records);
	tcase_add_test(tc, fms_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
