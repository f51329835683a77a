// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-worked cases for ref/, each naming its source: the kernel facts
 * docs/rules.md keys (KF X.Y), kmc's lab runs, and the Debian trees.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "ref.h"

static const struct kmc_kver K61 = { 6, 1, 192 }, K66 = { 6, 6, 0 }, K612 = { 6, 12, 117 },
			     K613 = { 6, 13, 0 }, K614 = { 6, 14, 0 }, K616 = { 6, 16, 0 },
			     K617 = { 6, 17, 0 }, K72 = { 7, 2, 13 };

#define F(f)	KMC_F(f)
#define B(b)	KMC_B(b)

/* ---- hosts ---------------------------------------------------------------- */

/* QEMU -cpu EPYC under TCG, the emulated lab's L1 (emulated-lab.md) */
static struct kmc_host epyc_l1(void)
{
	return (struct kmc_host){
		.vendor = KMC_VENDOR_AMD, .family = 0x17, .model = 0x01, .stepping = 2,
		.cpuid = F(SSE3) | F(MOVBE) | F(XSAVE) | F(AVX) | F(RDRAND) | F(HYPERVISOR) |
			 F(APIC) | F(FSGSBASE) | F(RDSEED) | F(RDTSCP),
		.smt = 0, .ept = 1,
	};
}

/* QEMU Cascadelake-Server as the L2 guest saw it (emulated-lab.md "What L2 never has") */
static struct kmc_host clx_l2(uint64_t ac, bool has_ac)
{
	struct kmc_host h = {
		.vendor = KMC_VENDOR_INTEL, .family = 6, .model = 0x55, .stepping = 6,
		.cpuid = F(SSE3) | F(MOVBE) | F(XSAVE) | F(AVX) | F(RDRAND) | F(HYPERVISOR) |
			 F(APIC) | F(FSGSBASE) | F(PKU) | F(RDTSCP),
		.arch_cap = ac, .smt = 0, .ept = 1,
	};

	if (has_ac)
		h.cpuid |= F(ARCH_CAPABILITIES);
	return h;
}

/* Sapphire Rapids bare metal: MDS/TAA/MMIO-immune, TSX with TSX_CTRL */
#define SPR_AC (KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_SKIP_VMENTRY_L1DFLUSH | \
		KMC_AC_SSB_NO | KMC_AC_MDS_NO | KMC_AC_PSCHANGE_MC_NO | KMC_AC_TSX_CTRL_MSR | \
		KMC_AC_TAA_NO | KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO | \
		KMC_AC_FB_CLEAR | KMC_AC_FB_CLEAR_CTRL | KMC_AC_PBRSB_NO | KMC_AC_GDS_NO | \
		KMC_AC_RFDS_NO)
static struct kmc_host spr(void)
{
	return (struct kmc_host){
		.vendor = KMC_VENDOR_INTEL, .family = 6, .model = 0x8F, .stepping = 8,
		.cpuid = F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(FLUSH_L1D) | F(SPEC_CTRL) |
			 F(RTM) | F(HLE) | F(FSGSBASE) | F(RDSEED) | F(PKU) | F(RDPID) |
			 F(RRSBA_CTRL) | F(BHI_CTRL) | F(SSE3) | F(MOVBE) | F(XSAVE) | F(AVX) |
			 F(RDRAND) | F(APIC) | F(RDTSCP),
		.arch_cap = SPR_AC, .smt = 1, .ept = 1,
	};
}

/* Ice Lake server: MMIO-affected, MDS/TAA-free, FB_CLEAR_CTRL (kernel-facts E.2) */
static struct kmc_host icx(void)
{
	struct kmc_host h = spr();

	h.model = 0x6A;
	h.stepping = 6;
	h.cpuid &= ~(F(RTM) | F(HLE) | F(BHI_CTRL));
	h.arch_cap = KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_SKIP_VMENTRY_L1DFLUSH |
		     KMC_AC_SSB_NO | KMC_AC_MDS_NO | KMC_AC_PSCHANGE_MC_NO | KMC_AC_TAA_NO |
		     KMC_AC_FB_CLEAR | KMC_AC_FB_CLEAR_CTRL | KMC_AC_PBRSB_NO |
		     KMC_AC_GDS_CTRL;
	return h;
}

static struct kmc_obs eval(struct kmc_kver kv, uint32_t variants, const struct kmc_scenario *s)
{
	struct ref_opts o = { .kver = kv, .variants = variants };
	struct kmc_obs obs;

	ck_assert_int_eq(ref_eval(&o, s, &obs), 0);
	return obs;
}

static void op(struct kmc_scenario *s, uint8_t kind, uint32_t index, uint64_t value)
{
	s->ops[s->nops++] = (struct kmc_op){ .kind = kind, .index = index, .value = value };
}

/* ---- kernel-facts C.3 / emulated-lab.md: the AMD Zen feature value ----- */

START_TEST(amd_zen_feature_value)
{
	struct kmc_scenario s = { .host = epyc_l1() };
	const struct kmc_kver kv[] = { K61, K612, K72 };

	for (unsigned int i = 0; i < 3; i++) {
		struct kmc_obs o = eval(kv[i], 0, &s);

		ck_assert_uint_eq(o.kvm_arch_cap, 0x400000000c000069ull);
		ck_assert(o.bugs & B(SPEC_STORE_BYPASS));
		ck_assert_int_eq(o.fb_clear_ctrl, -1);
		ck_assert_int_eq(o.l1tf_vmx, KMC_L1TF_VMX_AUTO);
		/* 7.0.EDX[29] advertised on AMD too (emulated-lab.md) */
		ck_assert(o.kvm_cpuid & F(ARCH_CAPABILITIES));
	}
	/* 6.6.0: no RFDS_NO (v6.9), no ITS_NO (v6.15) */
	ck_assert_uint_eq(eval(K66, 0, &s).kvm_arch_cap, 0x4000069ull);

	/* -cpu max,vendor=AuthenticAMD: SSB_NO too (emulated-lab.md) */
	s.host.cpuid |= F(AMD_SSB_NO);
	for (unsigned int i = 0; i < 3; i++)
		ck_assert_uint_eq(eval(kv[i], 0, &s).kvm_arch_cap, 0x400000000c000079ull);
}
END_TEST

/* ---- emulated-lab.md "L2 results": Cascade Lake bug lines -------------- */

START_TEST(cascade_lake_l2_rows)
{
	const struct {
		uint64_t ac;
		bool has_ac;
		uint64_t bugs;
	} rows[] = {
		{ 0, false, B(CPU_MELTDOWN) | B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) |
			    B(L1TF) | B(MDS) | B(SWAPGS) | B(ITLB_MULTIHIT) | B(MMIO_STALE_DATA) |
			    B(RETBLEED) | B(GDS) | B(BHI) | B(ITS) },
		{ 0x69, true, B(SPECTRE_V1) | B(SPECTRE_V2) | B(SPEC_STORE_BYPASS) | B(SWAPGS) |
			      B(MMIO_STALE_DATA) | B(RETBLEED) | B(GDS) | B(BHI) | B(ITS) },
		{ 0x400000000d10e17bull, true, B(SPECTRE_V1) | B(SPECTRE_V2) | B(SWAPGS) |
					       B(RETBLEED) | B(BHI) },
	};
	const struct kmc_kver kv[] = { K61, K612 };

	for (unsigned int k = 0; k < 2; k++)
		for (unsigned int i = 0; i < 3; i++) {
			struct kmc_scenario s = { .host = clx_l2(rows[i].ac, rows[i].has_ac) };

			ck_assert_uint_eq(eval(kv[k], 0, &s).bugs, rows[i].bugs);
		}
}
END_TEST

/* ---- kernel-facts C.3: tsx=off clears TAA_NO (Sapphire Rapids) ---------- */

START_TEST(spr_tsx_off_loses_taa_no)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	/* Debian 6.1: TSX_MODE_OFF is the default */
	o = eval(K61, 0, &s);
	ck_assert(!(o.host_feat & F(RTM)));
	ck_assert(!(o.kvm_arch_cap & KMC_AC_TAA_NO));
	ck_assert(o.kvm_arch_cap & KMC_AC_TSX_CTRL_MSR);
	ck_assert(!(o.kvm_cpuid & F(RTM)));
	ck_assert_str_eq(o.sysfs_taa, "Not affected");

	s.host.tsx = KMC_TSX_ON;
	o = eval(K61, 0, &s);
	ck_assert(o.kvm_arch_cap & KMC_AC_TAA_NO);
	ck_assert(o.kvm_cpuid & F(RTM));

	/* Debian 7.2: TSX_MODE_AUTO keeps TSX on a TAA-free part */
	s.host.tsx = KMC_TSX_DEFAULT;
	o = eval(K72, 0, &s);
	ck_assert(o.kvm_arch_cap & KMC_AC_TAA_NO);
	s.host.tsx = KMC_TSX_OFF;
	ck_assert(!(eval(K72, 0, &s).kvm_arch_cap & KMC_AC_TAA_NO));
}
END_TEST

/* ---- kernel-facts B.2/B.4/H.2.12: SPR with the MMIO bits hidden --------- */

START_TEST(spr_mmio_hidden)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	s.host.cpuid |= F(HYPERVISOR);
	s.host.arch_cap &= ~(KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO);
	o = eval(K61, 0, &s);
	ck_assert(o.bugs & B(MMIO_UNKNOWN));
	ck_assert(!(o.bugs & B(MMIO_STALE_DATA)));
	ck_assert_str_eq(o.sysfs_mmio, "Unknown: No mitigations");

	o = eval(K612, 0, &s);
	ck_assert(o.bugs & B(MMIO_UNKNOWN));

	/* dd86a1d013e0 (v6.16) removed the bug */
	o = eval(K72, 0, &s);
	ck_assert(!(o.bugs & (B(MMIO_UNKNOWN) | B(MMIO_STALE_DATA))));
	ck_assert_str_eq(o.sysfs_mmio, "Not affected");
	ck_assert(!(eval(K616, 0, &s).bugs & B(MMIO_UNKNOWN)));
}
END_TEST

/* ---- kernel-facts D.3: immutability after KVM_RUN ---------------------- */

START_TEST(immutable_after_run)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_RUN, 0, 0);
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0x1);
	op(&s, KMC_OP_GET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);

	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.res[2].kind, KMC_RES_NMSRS);
	ck_assert_int_eq(o.res[2].n, 1);
	ck_assert_uint_eq(o.res[3].value, 0x1);

	o = eval(K612, 0, &s);
	ck_assert_int_eq(o.res[2].n, 0);
	ck_assert_uint_eq(o.res[3].value, o.vcpu_arch_cap);

	o = eval(K72, 0, &s);
	ck_assert_int_eq(o.res[2].n, 0);

	/* writing the same value is allowed */
	s.ops[2].value = o.vcpu_arch_cap;
	ck_assert_int_eq(eval(K72, 0, &s).res[2].n, 1);
}
END_TEST

/* ---- kernel-facts D.1 / emulated-lab.md: the >= 6.13 gate --------------- */

START_TEST(gate_7_2)
{
	struct kmc_scenario s = { .host = epyc_l1() };
	struct kmc_obs o;

	op(&s, KMC_OP_GET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0x5);
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0x0);
	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_GET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_RDMSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_WRMSR, KMC_MSR_ARCH_CAPABILITIES, 0);

	o = eval(K72, 0, &s);
	ck_assert_int_eq(o.res[0].n, 1);
	ck_assert_uint_eq(o.res[0].value, 0);		/* reads 0 without the bit */
	ck_assert_int_eq(o.res[1].n, 0);		/* non-zero rejected */
	ck_assert_int_eq(o.res[2].n, 1);		/* 0 is fine */
	ck_assert_int_eq(o.res[3].kind, KMC_RES_OK);
	ck_assert_uint_eq(o.res[4].value, 0x400000000c000069ull);
	ck_assert_int_eq(o.res[5].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(o.res[5].value, 0x400000000c000069ull);
	ck_assert_int_eq(o.res[6].kind, KMC_RES_GP);

	/* 6.1 / 6.12: no gate, any value stored */
	o = eval(K61, 0, &s);
	ck_assert_uint_eq(o.res[0].value, 0x400000000c000069ull);
	ck_assert_int_eq(o.res[1].n, 1);
	ck_assert_int_eq(o.res[2].n, 1);
	ck_assert_uint_eq(o.res[4].value, 0);
	o = eval(K612, 0, &s);
	ck_assert_int_eq(o.res[1].n, 1);

	/* STUFF_FEATURE_MSRS disabled: the vCPU starts at 0 (>= 6.13, 6.12.78) */
	s.vm.disabled_quirks = KMC_KVM_QUIRK_STUFF_FEATURE_MSRS;
	ck_assert_uint_eq(eval(K72, 0, &s).vcpu_arch_cap, 0);
	ck_assert_uint_eq(eval(K612, 0, &s).vcpu_arch_cap, 0);
	ck_assert_uint_eq(eval(K61, 0, &s).vcpu_arch_cap, 0x400000000c000069ull);
}
END_TEST

/* ---- kernel-facts D.1 / H.2.7: exit reasons INVAL vs UNKNOWN ------------ */

START_TEST(exit_reasons)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	s.vm.user_msr_exits = KMC_MSR_EXIT_INVAL | KMC_MSR_EXIT_UNKNOWN;
	op(&s, KMC_OP_RDMSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_WRMSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_RDMSR, KMC_MSR_VIRT_ENUM, 0);

	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_EXIT);
	ck_assert_int_eq(o.res[0].exit, KMC_MSR_EXIT_INVAL);
	ck_assert_int_eq(o.res[0].n, 0);
	ck_assert_int_eq(o.res[1].exit, KMC_MSR_EXIT_INVAL);
	ck_assert_int_eq(o.res[2].exit, KMC_MSR_EXIT_UNKNOWN);
	o = eval(K612, 0, &s);
	ck_assert_int_eq(o.res[0].exit, KMC_MSR_EXIT_INVAL);
	o = eval(K72, 0, &s);
	ck_assert_int_eq(o.res[0].exit, KMC_MSR_EXIT_UNKNOWN);
	ck_assert_int_eq(o.res[1].exit, KMC_MSR_EXIT_UNKNOWN);

	/* ignore_msrs: 7.2 reads 0, 6.1 still faults */
	s.vm.user_msr_exits = 0;
	s.host.ignore_msrs = 1;
	o = eval(K72, 0, &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(o.res[0].value, 0);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_OK);
	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.res[0].kind, KMC_RES_GP);

	/* variant 002: userspace answers the virtual MSRs through FILTER exits */
	s.host.ignore_msrs = 0;
	o = eval(K72, REF_V_VIRT_MSRS, &s);
	ck_assert_int_eq(o.res[2].kind, KMC_RES_EXIT);
	ck_assert_int_eq(o.res[2].exit, KMC_MSR_EXIT_FILTER);
	ck_assert_int_eq(o.res[2].n, 1);
	ck_assert_uint_eq(o.res[2].value, 1);
}
END_TEST

/* ---- kernel-facts C.4.3 / H.2.8: TSX_CTRL follows the vCPU's bit -------- */

START_TEST(tsx_ctrl_vcpu_bit)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_RDMSR, KMC_MSR_TSX_CTRL, 0);
	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_GP);

	s.ops[0].value = KMC_AC_TSX_CTRL_MSR;
	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_VALUE);
}
END_TEST

/* ---- kernel-facts E: FB_CLEAR_DIS and the VERW promise (lkml 001) ------- */

START_TEST(fb_clear_dis_and_verw)
{
	struct kmc_scenario s = { .host = icx() };
	struct kmc_obs o;

	/* the guest is told MD_CLEAR and L1D_FLUSH without MDS_NO */
	op(&s, KMC_OP_SET_CPUID, 0, F(MD_CLEAR) | F(FLUSH_L1D) | F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_VERW, 0, 0);
	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.fb_clear_ctrl, 1);
	ck_assert_int_eq(o.disable_fb_clear, 1);
	ck_assert_uint_eq(o.res[2].value, 0);	/* keeps */
	/* the CPU's VERW would clear: KVM's FB_CLEAR_DIS broke the promise */
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_KVM);

	/* MD_CLEAR alone: mmio_select_mitigation() would not trust VERW either */
	s.ops[0].value &= ~F(FLUSH_L1D);
	o = eval(K61, 0, &s);
	ck_assert_uint_eq(o.res[2].value, 0);
	ck_assert_uint_eq(o.findings, 0);
	s.ops[0].value |= F(FLUSH_L1D);

	/* the CPU's VERW stops clearing (a microcode without FB_CLEAR): hardware's doing */
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_HOST_UCODE, .value = icx().arch_cap & ~KMC_AC_FB_CLEAR };
	op(&s, KMC_OP_VERW, 0, 0);
	o = eval(K61, 0, &s);
	ck_assert_uint_eq(o.res[3].value, 0);
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_HW);
	s.nops = 3;
	s.ops[2] = (struct kmc_op){ .kind = KMC_OP_VERW };

	/* FB_CLEAR in the vCPU's 0x10a: no FB_CLEAR_DIS, VERW clears */
	s.ops[1].value = KMC_AC_FB_CLEAR;
	o = eval(K61, 0, &s);
	ck_assert_int_eq(o.disable_fb_clear, 0);
	ck_assert_uint_eq(o.res[2].value, 1);
	ck_assert_uint_eq(o.findings, 0);

	/* 7.2: MMIO-only KVM VERW runs after FB_CLEAR_DIS (E.2, >= 6.19) */
	s.ops[1].value = 0;
	s.vm.mmio_mapped = 1;
	o = eval(K72, 0, &s);
	ck_assert(o.host_state & KMC_HS_CLEAR_CPU_BUF_VM_MMIO);
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_KVM | KMC_FINDING_MMIO_VERW_ORDER);
	o = eval(K61, 0, &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_VERW_PROMISE_KVM);
	ck_assert(o.host_state & KMC_HS_CLEAR_CPU_BUF_VM_MMIO);
}
END_TEST

/* ---- lkml 004: "NO" bits the host kernel's bugs contradict --------------- */

START_TEST(false_immunity)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	/* SPR's own value on SPR: nothing false */
	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(RTM) | F(AVX));
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, SPR_AC | KMC_AC_ITS_NO);
	op(&s, KMC_OP_RUN, 0, 0);
	o = eval(K72, 0, &s);
	ck_assert_uint_eq(o.findings, 0);

	/* ... on Ice Lake: ITS (and no other bug of the claims) */
	s.host = icx();
	o = eval(K72, 0, &s);
	ck_assert(o.bugs & B(ITS));
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);

	/* the same value answered by userspace, the stored one harmless */
	s.ops[1].value = 0;
	s.vm = (struct kmc_vm){ .filter_arch_cap = 1, .user_msr_exits = KMC_MSR_EXIT_FILTER,
				.uemu_arch_cap = KMC_AC_ITS_NO };
	o = eval(K72, 0, &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
	s.vm.user_msr_exits = 0;			/* the guest gets #GP: told nothing */
	o = eval(K72, 0, &s);
	ck_assert_uint_eq(o.findings, 0);
	s.vm = (struct kmc_vm){ 0 };

	/* an AMD host with SSB (no VMX): SSB_NO is false there too */
	s.host = epyc_l1();
	s.ops[1].value = KMC_AC_SSB_NO;
	o = eval(K61, 0, &s);
	ck_assert(o.bugs & B(SPEC_STORE_BYPASS));
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
	s.ops[1].value = KMC_AC_MDS_NO | KMC_AC_RDCL_NO;	/* what KVM itself says there */
	o = eval(K61, 0, &s);
	ck_assert_uint_eq(o.findings, 0);

	/* Cascade Lake in an L2 (QEMU, TSX hidden): MMIO trio, each bit needed */
	s.host = clx_l2(0, true);
	s.ops[1].value = KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO;
	o = eval(K612, 0, &s);
	ck_assert(o.bugs & B(MMIO_STALE_DATA));
	ck_assert_uint_eq(o.findings, 0);
	s.ops[1].value |= KMC_AC_SBDR_SSDP_NO;
	o = eval(K612, 0, &s);
	ck_assert_uint_eq(o.findings, KMC_FINDING_FALSE_IMMUNITY);
}
END_TEST

/* ---- kernel-facts F.4: the CR4.FSGSBASE pass-through (7520a53b8e0a) ----- */

START_TEST(fsgsbase_passthrough)
{
	struct kmc_scenario s = { .host = spr() };

	s.host.nofsgsbase = 1;
	op(&s, KMC_OP_SET_CPUID, 0, F(FSGSBASE) | F(XSAVE));
	op(&s, KMC_OP_SET_CR4, 0, KMC_CR4_FSGSBASE);
	ck_assert_int_eq(eval(K61, 0, &s).res[1].kind, KMC_RES_OK);
	ck_assert_int_eq(eval(K613, 0, &s).res[1].kind, KMC_RES_OK);
	ck_assert_int_eq(eval(K614, 0, &s).res[1].kind, KMC_RES_GP);
	ck_assert_int_eq(eval(K72, 0, &s).res[1].kind, KMC_RES_GP);
	/* variant 003 fixes it on the older kernel */
	ck_assert_int_eq(eval(K61, REF_V_CAPS_AND, &s).res[1].kind, KMC_RES_GP);
	/* the host kernel dropped FSGSBASE */
	ck_assert(!(eval(K61, 0, &s).host_feat & F(FSGSBASE)));
}
END_TEST

/* ---- kernel-facts D.4 / H.1.6: KVM_SET_CPUID2 after KVM_RUN ------------- */

START_TEST(set_cpuid_after_run)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	op(&s, KMC_OP_SET_CPUID, 0, F(XSAVE) | F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_SET_CR4, 0, KMC_CR4_OSXSAVE);
	op(&s, KMC_OP_SET_CPUID, 0, F(XSAVE) | F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_GUEST_CPUID, 0, F(OSXSAVE) | F(APIC) | F(XSAVE));

	for (int i = 0; i < 2; i++) {
		o = eval(i ? K72 : K61, 0, &s);
		ck_assert_int_eq(o.res[1].kind, KMC_RES_OK);
		ck_assert_int_eq(o.res[2].kind, KMC_RES_OK);	/* identical after runtime bits */
		ck_assert_int_eq(o.res[3].kind, KMC_RES_ERRNO);
		ck_assert_int_eq(o.res[3].err, EINVAL);
		ck_assert_uint_eq(o.res[4].value, F(OSXSAVE) | F(APIC) | F(XSAVE));
	}
}
END_TEST

/* ---- the Debian trees: Airmont NO_SSB in 6.12.117, not in 6.1.192 ------- */

START_TEST(airmont_no_ssb)
{
	struct kmc_scenario s = { .host = {
		.vendor = KMC_VENDOR_INTEL, .family = 6, .model = 0x75, .stepping = 0,
		.cpuid = F(SSE3), .smt = 1, .ept = 1 } };

	ck_assert(eval(K61, 0, &s).bugs & B(SPEC_STORE_BYPASS));
	ck_assert(!(eval(K612, 0, &s).bugs & B(SPEC_STORE_BYPASS)));
	ck_assert(!(eval(K72, 0, &s).bugs & B(SPEC_STORE_BYPASS)));
	ck_assert(eval(K66, 0, &s).bugs & B(SPEC_STORE_BYPASS));
}
END_TEST

/*
 * ---- RFDS on Alder Lake (0x97): the Atom-type row (722fa0dba74f, v6.15;
 * 6.16.7 common.c) matches the boot CPU's core type only; the rework in
 * 7.2.13 common.c l.1389 also keeps hybrids that booted on a P-core.
 */
START_TEST(rfds_adl_forms)
{
	struct kmc_scenario s = { .host = {
		.vendor = KMC_VENDOR_INTEL, .family = 6, .model = 0x97, .stepping = 2,
		.core_type = KMC_CORE_TYPE_CORE,
		.cpuid = F(SSE3) | F(AVX) | F(HYBRID_CPU) | F(ARCH_CAPABILITIES),
		.arch_cap = KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_MDS_NO | KMC_AC_TAA_NO,
		.smt = 1, .ept = 1 } };

	/* hybrid, P-core boot CPU, no RFDS_CLEAR */
	ck_assert(eval(K612, 0, &s).bugs & B(RFDS));		/* plain row */
	ck_assert(!(eval(K616, 0, &s).bugs & B(RFDS)));	/* Atom-type row misses */
	ck_assert(!(eval(K617, 0, &s).bugs & B(RFDS)));	/* ... beside VMSCAPE's row */
	ck_assert(eval(K617, 0, &s).bugs & B(VMSCAPE));		/* which still lists 0x97 */
	ck_assert(eval(K72, 0, &s).bugs & B(RFDS));		/* HYBRID_CPU: affected */

	/* booted on an Atom core: every form lists it */
	s.host.core_type = KMC_CORE_TYPE_ATOM;
	ck_assert(eval(K616, 0, &s).bugs & B(RFDS));
	ck_assert(eval(K72, 0, &s).bugs & B(RFDS));

	/* P-core-only die: only the plain row reports it */
	s.host.core_type = KMC_CORE_TYPE_NONE;
	s.host.cpuid &= ~F(HYBRID_CPU);
	ck_assert(eval(K612, 0, &s).bugs & B(RFDS));
	ck_assert(!(eval(K616, 0, &s).bugs & B(RFDS)));
	ck_assert(!(eval(K72, 0, &s).bugs & B(RFDS)));

	/* RFDS_CLEAR decides before any row (vulnerable_to_rfds()) */
	s.host.arch_cap |= KMC_AC_RFDS_CLEAR;
	ck_assert(eval(K616, 0, &s).bugs & B(RFDS));
}
END_TEST

/*
 * ---- TSA in a VM without VERW_CLEAR: the stable backports force the
 * mitigation on (6.1/6.12 bugs.c "Forcing mitigation on in a VM"); upstream
 * d8010d4ba43e (v6.16) selects UCODE_NEEDED and sets nothing.
 */
START_TEST(tsa_vm_without_microcode)
{
	const uint32_t both = KMC_HS_CLEAR_CPU_BUF | KMC_HS_CLEAR_CPU_BUF_VM;
	struct kmc_scenario s = { .host = {
		.vendor = KMC_VENDOR_AMD, .family = 0x19, .model = 0x01, .stepping = 1,
		.cpuid = F(SSE3) | F(AVX) | F(AMD_IBPB) | F(HYPERVISOR),
		.smt = 1, .ept = 1 } };

	ck_assert(eval(K612, 0, &s).bugs & B(TSA));
	ck_assert_uint_eq(eval(K612, 0, &s).host_state & both, both);
	ck_assert(eval(K616, 0, &s).bugs & B(TSA));
	ck_assert_uint_eq(eval(K616, 0, &s).host_state & both, 0);
	ck_assert_uint_eq(eval(K72, 0, &s).host_state & both, 0);
	/* with the microcode every TSA kernel sets both */
	s.host.cpuid |= F(VERW_CLEAR);
	ck_assert_uint_eq(eval(K616, 0, &s).host_state & both, both);
}
END_TEST

/* ---- bugs.c sysfs strings for an MDS-affected bare-metal host ----------- */

START_TEST(sysfs_strings_mds_host)
{
	struct kmc_scenario s = { .host = clx_l2(0, false) };
	struct kmc_obs o;

	s.host.cpuid &= ~F(HYPERVISOR);
	s.host.cpuid |= F(MD_CLEAR) | F(FLUSH_L1D);
	s.host.smt = 1;
	o = eval(K61, 0, &s);
	ck_assert_str_eq(o.sysfs_mds, "Mitigation: Clear CPU buffers; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_mmio, "Mitigation: Clear CPU buffers; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_taa, "Not affected");
	ck_assert(o.host_state & KMC_HS_CLEAR_CPU_BUF);
	ck_assert_int_eq(o.disable_fb_clear, 0);

	s.host.mitigations_off = 1;
	o = eval(K72, 0, &s);
	ck_assert_str_eq(o.sysfs_mds, "Vulnerable; SMT vulnerable");
	ck_assert_str_eq(o.sysfs_mmio, "Vulnerable");
	ck_assert_int_eq(o.l1tf_vmx, KMC_L1TF_VMX_NEVER);
	ck_assert(!(o.kvm_arch_cap & KMC_AC_SKIP_VMENTRY_L1DFLUSH));
}
END_TEST

START_TEST(bad_input)
{
	struct kmc_scenario s = { .host = spr() };
	struct ref_opts opt = { .kver = K72 };
	struct kmc_obs o;

	s.host.vendor = KMC_VENDOR_NR;
	ck_assert_int_eq(ref_eval(&opt, &s, &o), -EINVAL);
	s.host = spr();
	s.nops = KMC_MAX_OPS + 1;
	ck_assert_int_eq(ref_eval(&opt, &s, &o), -EINVAL);
	ck_assert_str_eq(ref_variants[0].name, "fb-clear-synth");
}
END_TEST

/* variant 000 (lkml 000): FB_CLEAR synthesised on SPR */
START_TEST(variant_fb_clear_synth)
{
	struct kmc_scenario s = { .host = spr() };

	s.host.arch_cap &= ~KMC_AC_FB_CLEAR;
	s.host.tsx = KMC_TSX_ON;
	ck_assert(!(eval(K72, 0, &s).kvm_arch_cap & KMC_AC_FB_CLEAR));
	ck_assert(eval(K72, REF_V_FB_CLEAR_SYNTH, &s).kvm_arch_cap & KMC_AC_FB_CLEAR);

	/* variant 004: a host write with bits KVM does not advertise is rejected */
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, KMC_AC_FB_CLEAR_CTRL);
	ck_assert_int_eq(eval(K61, 0, &s).res[0].n, 1);
	ck_assert_int_eq(eval(K61, REF_V_VALIDATE_AC, &s).res[0].n, 0);
}
END_TEST

/*
 * variant 001 (lkml 001): Xiaoyao Li's Ice Lake guest -- told MD_CLEAR and
 * L1D_FLUSH, no MDS_NO -- gets a VERW that clears, also when the table
 * comes after the 0x10a write; MDS_NO in its 0x10a still lets KVM set
 * FB_CLEAR_DIS, and MD_CLEAR alone is no promise the variant honours.
 */
START_TEST(variant_md_clear)
{
	struct kmc_scenario s = { .host = icx() };
	struct kmc_obs o;

	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_SET_MSR, KMC_MSR_ARCH_CAPABILITIES, 0);
	op(&s, KMC_OP_SET_CPUID, 0, F(MD_CLEAR) | F(FLUSH_L1D) | F(ARCH_CAPABILITIES));
	op(&s, KMC_OP_VERW, 0, 0);
	o = eval(K72, 0, &s);
	ck_assert_int_eq(o.disable_fb_clear, 1);
	ck_assert_uint_eq(o.res[3].value, 0);	/* keeps */
	o = eval(K72, REF_V_MD_CLEAR, &s);
	ck_assert_int_eq(o.disable_fb_clear, 0);
	ck_assert_uint_eq(o.res[3].value, 1);	/* clears */
	ck_assert_uint_eq(o.findings, 0);
	/* the scenario's own variants count as much as the options' */
	s.variants = KMC_VAR_MD_CLEAR;
	ck_assert_int_eq(eval(K72, 0, &s).disable_fb_clear, 0);

	s.ops[1].value = KMC_AC_MDS_NO;
	ck_assert_int_eq(eval(K72, 0, &s).disable_fb_clear, 1);
	s.ops[1].value = 0;
	s.ops[2].value &= ~F(FLUSH_L1D);
	ck_assert_int_eq(eval(K72, 0, &s).disable_fb_clear, 1);
}
END_TEST

/*
 * lkml 002, RFC v3 01/10 (api.rst): KVM_CAP_FORCE_SPEC_CTRL with the
 * SPEC_CTRL shadow -- the guest reads back what it wrote, the CPU runs it
 * with the forced bits; without the shadow KVM forces nothing (no
 * supported bits); 09/10: a guest saying BHB_CLEAR_SEQ_S_USED gets
 * BHI_DIS_S on a BHI_CTRL host without BHI_NO; MITI_CTRL takes bit 0 only.
 */
START_TEST(variant_force_spec_ctrl)
{
	struct kmc_scenario s = { .host = spr() };
	struct kmc_obs o;

	s.host.spec_ctrl_shadow = 1;
	s.vm.force_spec_ctrl = 1;
	s.vm.force_mask = KMC_SPEC_CTRL_BHI_DIS_S;
	s.vm.force_value = KMC_SPEC_CTRL_BHI_DIS_S;
	op(&s, KMC_OP_SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(SPEC_CTRL));
	op(&s, KMC_OP_WRMSR, KMC_MSR_SPEC_CTRL, KMC_SPEC_CTRL_IBRS);
	op(&s, KMC_OP_RDMSR, KMC_MSR_SPEC_CTRL, 0);
	o = eval(K72, 0, &s);			/* stock: no such capability */
	ck_assert_uint_eq(o.spec_ctrl, KMC_SPEC_CTRL_IBRS);
	o = eval(K72, REF_V_FORCE_SPEC_CTRL, &s);
	ck_assert_uint_eq(o.res[2].value, KMC_SPEC_CTRL_IBRS);
	ck_assert_uint_eq(o.spec_ctrl, KMC_SPEC_CTRL_IBRS | KMC_SPEC_CTRL_BHI_DIS_S);
	s.host.spec_ctrl_shadow = 0;
	ck_assert_uint_eq(eval(K72, REF_V_FORCE_SPEC_CTRL, &s).spec_ctrl, KMC_SPEC_CTRL_IBRS);

	/* the VMM's half of 09/10 */
	memset(&s.vm, 0, sizeof(s.vm));
	s.host.spec_ctrl_shadow = 1;
	s.nops = 1;
	op(&s, KMC_OP_WRMSR, KMC_MSR_VIRT_MITIG_CTRL, 0x2);
	op(&s, KMC_OP_WRMSR, KMC_MSR_VIRT_MITIG_CTRL, KMC_MITI_CTRL_BHB_CLEAR_SEQ_S);
	o = eval(K72, REF_V_VIRT_MSRS | REF_V_FORCE_SPEC_CTRL, &s);
	ck_assert_int_eq(o.res[1].kind, KMC_RES_EXIT);
	ck_assert_int_eq(o.res[1].n, 0);	/* refused: #GP */
	ck_assert_int_eq(o.res[2].n, 1);
	ck_assert_uint_eq(o.spec_ctrl, KMC_SPEC_CTRL_BHI_DIS_S);
	s.host.arch_cap |= KMC_AC_BHI_NO;
	ck_assert_uint_eq(eval(K72, REF_V_VIRT_MSRS | REF_V_FORCE_SPEC_CTRL, &s).spec_ctrl, 0);
}
END_TEST

static Suite *ref_suite(void)
{
	Suite *s = suite_create("ref");
	TCase *tc = tcase_create("kernel-facts");

	tcase_add_test(tc, amd_zen_feature_value);
	tcase_add_test(tc, cascade_lake_l2_rows);
	tcase_add_test(tc, spr_tsx_off_loses_taa_no);
	tcase_add_test(tc, spr_mmio_hidden);
	tcase_add_test(tc, immutable_after_run);
	tcase_add_test(tc, gate_7_2);
	tcase_add_test(tc, exit_reasons);
	tcase_add_test(tc, tsx_ctrl_vcpu_bit);
	tcase_add_test(tc, fb_clear_dis_and_verw);
	tcase_add_test(tc, false_immunity);
	tcase_add_test(tc, fsgsbase_passthrough);
	tcase_add_test(tc, set_cpuid_after_run);
	tcase_add_test(tc, airmont_no_ssb);
	tcase_add_test(tc, rfds_adl_forms);
	tcase_add_test(tc, tsa_vm_without_microcode);
	tcase_add_test(tc, sysfs_strings_mds_host);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, variant_fb_clear_synth);
	tcase_add_test(tc, variant_md_clear);
	tcase_add_test(tc, variant_force_spec_ctrl);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ref_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
