// SPDX-License-Identifier: GPL-2.0
/*
 * The sweep's planes (harness/sweep/sweep.h).  Each plane crosses every kernel
 * profile with the inputs that decide one family of rules, exhaustively
 * over each input's classes: a 0x10a bit is 0 or 1, the three MMIO "NO"
 * bits are none / all / all but one (the rule only asks "all three"),
 * an op sequence is every word over an op alphabet.  Inputs a plane does
 * not own keep the catalog CPU's values.  docs/sweep.md lists the planes.
 */
#include <string.h>
#include "kmc/model.h"
#include "sweep.h"
#include "kmc/array_size.h"

#define AC(x)	KMC_AC_##x
#define F(x)	KMC_F(x)

/* ---- apply functions ---------------------------------------------------- */

static void set_profile(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	(void)d;
	c->p = kmc_profile_at(v);
}

static void set_cpu(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	const struct kmc_cpu *cpu = d->cpus ? kmc_cpu_find(d->cpus[v]) : &kmc_cpus[v];

	kmc_host_from_cpu(&c->s.host, cpu);
}

/* v = 0: the bits of @mask clear; 1: set */
static void ac_bit(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.host.arch_cap = (c->s.host.arch_cap & ~d->mask) | (v ? d->mask : 0);
}

static void ac_choice(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.host.arch_cap = (c->s.host.arch_cap & ~d->mask) | d->vals[v];
}

static void cpuid_bit(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.host.cpuid = (c->s.host.cpuid & ~d->mask) | (v ? d->mask : 0);
}

static void cpuid_choice(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.host.cpuid = (c->s.host.cpuid & ~d->mask) | d->vals[v];
}

/* Under a hypervisor KVM offers ARCH_CAPABILITIES whatever the CPU is */
static void virt(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	(void)d;
	if (v)
		c->s.host.cpuid |= F(HYPERVISOR) | F(ARCH_CAPABILITIES);
	else
		c->s.host.cpuid &= ~F(HYPERVISOR);
}

static void op_append(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	if (d->ops[v].kind == SW_NO_OP || c->s.nops >= KMC_MAX_OPS)
		return;
	c->s.ops[c->s.nops++] = d->ops[v];
}

#define FIELD_SETTER(fn, field)							\
static void fn(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)	\
{										\
	c->s.field = d->vals ? (__typeof__(c->s.field))d->vals[v] :		\
			       (__typeof__(c->s.field))v;			\
}
FIELD_SETTER(set_mitigations_off, host.mitigations_off)
FIELD_SETTER(set_vuln_off, host.vuln_off)
FIELD_SETTER(set_tsx, host.tsx)
FIELD_SETTER(set_gds, host.gds)
FIELD_SETTER(set_l1tf, host.l1tf)
FIELD_SETTER(set_l1d, host.l1d_flush)
FIELD_SETTER(set_ept, host.ept)
FIELD_SETTER(set_smt, host.smt)
FIELD_SETTER(set_nofsgsbase, host.nofsgsbase)
FIELD_SETTER(set_ignore_msrs, host.ignore_msrs)
FIELD_SETTER(set_mcu, host.mcu_opt_ctrl)
FIELD_SETTER(set_model, host.model)
FIELD_SETTER(set_family, host.family)
FIELD_SETTER(set_stepping, host.stepping)
FIELD_SETTER(set_vendor, host.vendor)
FIELD_SETTER(set_core, host.core_type)
FIELD_SETTER(set_quirks, vm.disabled_quirks)
FIELD_SETTER(set_user_msr, vm.user_msr_exits)
FIELD_SETTER(set_filter, vm.filter_arch_cap)
FIELD_SETTER(set_mmio, vm.mmio_mapped)
FIELD_SETTER(set_variants, variants)
FIELD_SETTER(set_spec_shadow, host.spec_ctrl_shadow)

/* ---- dimensions ----------------------------------------------------------- */

#define DIM_N(nm, cnt, fn)	{ .name = nm, .n = cnt, .apply = fn }
#define DIM_V(nm, fn, v)	{ .name = nm, .n = ARRAY_SIZE(v), .apply = fn, .vals = v }
#define DIM_ACBIT(x)		{ .name = #x, .n = 2, .apply = ac_bit, .mask = AC(x) }
#define DIM_AC(nm, m, v)	{ .name = nm, .n = ARRAY_SIZE(v), .apply = ac_choice, .mask = m, .vals = v }
#define DIM_CPUIDBIT(nm, m)	{ .name = nm, .n = 2, .apply = cpuid_bit, .mask = m }
#define DIM_CPUID(nm, m, v)	{ .name = nm, .n = ARRAY_SIZE(v), .apply = cpuid_choice, .mask = m, .vals = v }
#define DIM_OPS(nm, o)		{ .name = nm, .n = ARRAY_SIZE(o), .apply = op_append, .ops = o }
#define DIM_CPUS(nm, l)		{ .name = nm, .n = ARRAY_SIZE(l), .apply = set_cpu, .cpus = l }

/* .n of these two is filled from the tables at first use (sw_plane_size) */
static struct sw_dim d_profile_all = { .name = "profile", .apply = set_profile };
static struct sw_dim d_cpu_all = { .name = "cpu", .apply = set_cpu };

static const struct sw_dim d_virt = DIM_N("hypervisor", 2, virt);

/* the MMIO trio: none, all three, and each way of missing one */
#define MMIO3 (AC(SBDR_SSDP_NO) | AC(FBSDP_NO) | AC(PSDP_NO))
static const uint64_t mmio3_v[] = {
	0, MMIO3, MMIO3 & ~AC(SBDR_SSDP_NO), MMIO3 & ~AC(FBSDP_NO), MMIO3 & ~AC(PSDP_NO),
};
static const struct sw_dim d_mmio3 = DIM_AC("mmio3", MMIO3, mmio3_v);

static const uint64_t rfds_v[] = { 0, AC(RFDS_NO), AC(RFDS_CLEAR), AC(RFDS_NO) | AC(RFDS_CLEAR) };
static const struct sw_dim d_rfds = DIM_AC("rfds", AC(RFDS_NO) | AC(RFDS_CLEAR), rfds_v);
static const uint64_t gds_v[] = { 0, AC(GDS_CTRL), AC(GDS_NO), AC(GDS_CTRL) | AC(GDS_NO) };
static const struct sw_dim d_gds_bits = DIM_AC("gds", AC(GDS_CTRL) | AC(GDS_NO), gds_v);

static const struct sw_dim d_rdcl = DIM_ACBIT(RDCL_NO);
static const struct sw_dim d_ssb = DIM_ACBIT(SSB_NO);
static const struct sw_dim d_mds = DIM_ACBIT(MDS_NO);
static const struct sw_dim d_pschange = DIM_ACBIT(PSCHANGE_MC_NO);
static const struct sw_dim d_tsxctrl = DIM_ACBIT(TSX_CTRL_MSR);
static const struct sw_dim d_taa = DIM_ACBIT(TAA_NO);
static const struct sw_dim d_gdsno = DIM_ACBIT(GDS_NO);
static const struct sw_dim d_its = DIM_ACBIT(ITS_NO);
static const struct sw_dim d_ibrs = DIM_ACBIT(IBRS_ALL);
static const struct sw_dim d_rsba = DIM_ACBIT(RSBA);
static const struct sw_dim d_fbclear = DIM_ACBIT(FB_CLEAR);
static const struct sw_dim d_fbctrl = DIM_ACBIT(FB_CLEAR_CTRL);
static const struct sw_dim d_skip = DIM_ACBIT(SKIP_VMENTRY_L1DFLUSH);
static const struct sw_dim d_pbrsb = DIM_ACBIT(PBRSB_NO);
static const struct sw_dim d_gdsctrl = DIM_ACBIT(GDS_CTRL);

static const struct sw_dim d_rtm = DIM_CPUIDBIT("rtm", F(RTM) | F(HLE));
static const struct sw_dim d_avx = DIM_CPUIDBIT("avx", F(AVX));
static const struct sw_dim d_hybrid = DIM_CPUIDBIT("hybrid_cpu", F(HYBRID_CPU));
static const struct sw_dim d_bhictrl = DIM_CPUIDBIT("bhi_ctrl", F(BHI_CTRL));
static const uint64_t mdclear_v[] = { F(MD_CLEAR) | F(FLUSH_L1D), F(MD_CLEAR), 0 };
static const struct sw_dim d_mdclear = DIM_CPUID("md_clear", F(MD_CLEAR) | F(FLUSH_L1D), mdclear_v);

static const struct sw_dim d_moff = DIM_N("mitigations=off", 2, set_mitigations_off);
static const struct sw_dim d_voff = DIM_N("per-bug =off", 16, set_vuln_off);
static const struct sw_dim d_tsx = DIM_N("tsx=", 4, set_tsx);
static const struct sw_dim d_gds = DIM_N("gather_data_sampling=", 3, set_gds);
static const struct sw_dim d_l1tf = DIM_N("l1tf=", 6, set_l1tf);
static const struct sw_dim d_l1d = DIM_N("vmentry_l1d_flush=", 4, set_l1d);
static const struct sw_dim d_ept = DIM_N("ept", 2, set_ept);
static const struct sw_dim d_smt = DIM_N("smt", 2, set_smt);
static const struct sw_dim d_nofsgs = DIM_N("nofsgsbase", 2, set_nofsgsbase);
static const struct sw_dim d_ignore = DIM_N("ignore_msrs", 2, set_ignore_msrs);
static const uint64_t mcu_v[] = { 0, KMC_MCU_GDS_MITG_LOCKED };
static const struct sw_dim d_mcu = DIM_V("mcu_opt_ctrl", set_mcu, mcu_v);

/* the 0x10a value MSR-exit and quirk dims leave alone */
static const uint64_t quirk_v[] = { 0, KMC_KVM_QUIRK_STUFF_FEATURE_MSRS };
static const struct sw_dim d_stuff = DIM_V("quirks", set_quirks, quirk_v);
static const uint64_t quirk2_v[] = { 0, KMC_KVM_QUIRK_MISC_ENABLE_NO_MWAIT };
static const struct sw_dim d_mwaitq = DIM_V("quirks", set_quirks, quirk2_v);
static const uint64_t umsr_v[] = { 0, KMC_MSR_EXIT_INVAL | KMC_MSR_EXIT_UNKNOWN | KMC_MSR_EXIT_FILTER };
static const struct sw_dim d_umsr = DIM_V("user_msr", set_user_msr, umsr_v);
static const struct sw_dim d_filter = DIM_N("filter", 2, set_filter);
static const struct sw_dim d_mmio = DIM_N("mmio", 2, set_mmio);

/* ---- host planes ---------------------------------------------------------- */

static const struct sw_dim *const host_bugs_dims[] = {
	&d_profile_all, &d_cpu_all, &d_rdcl, &d_ssb, &d_mds, &d_pschange, &d_tsxctrl, &d_taa,
	&d_mmio3, &d_gdsno, &d_rfds, &d_its, &d_ibrs, &d_rsba, &d_virt, &d_rtm, NULL,
};
static const struct sw_plane host_bugs = {
	"host-bugs", "cpu_set_bug_bits over every catalog CPU and the 0x10a bits it reads; KVM's 0x10a",
	host_bugs_dims,
};

/* catalog value with one decisive class removed */
static const uint64_t acvar_v[] = {
	0, AC(MDS_NO), AC(TAA_NO), AC(FB_CLEAR), MMIO3, AC(MDS_NO) | AC(TAA_NO),
};
static void ac_drop(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.host.arch_cap &= ~d->vals[v];
}
static const struct sw_dim d_acdrop = { .name = "ac-drop", .n = ARRAY_SIZE(acvar_v),
					.apply = ac_drop, .vals = acvar_v };

static const struct sw_dim *const host_mitig_dims[] = {
	&d_profile_all, &d_cpu_all, &d_moff, &d_voff, &d_tsx, &d_smt, &d_virt, &d_acdrop,
	&d_mdclear, NULL,
};
static const struct sw_plane host_mitig = {
	"host-mitigations", "MDS/TAA/MMIO/RFDS modes, tsx=, sysfs strings, CLEAR_CPU_BUF and friends",
	host_mitig_dims,
};

static const struct sw_dim *const host_l1tf_dims[] = {
	&d_profile_all, &d_cpu_all, &d_l1tf, &d_l1d, &d_ept, &d_moff, &d_skip, &d_rdcl, &d_smt, NULL,
};
static const struct sw_plane host_l1tf = {
	"host-l1tf", "l1tf=, vmentry_l1d_flush=, l1tf_vmx_mitigation and SKIP_VMENTRY_L1DFLUSH",
	host_l1tf_dims,
};

/* vmentry_l1d_flush written after kvm_intel is loaded, and KVM's value then */
#define L1D_OP(p)	{ .kind = KMC_OP_L1D_FLUSH, .value = KMC_L1D_##p }
static const struct kmc_op l1d_ops[] = { L1D_OP(AUTO), L1D_OP(NEVER), L1D_OP(COND), L1D_OP(ALWAYS) };
static const struct kmc_op feature_op[] = { { .kind = KMC_OP_GET_FEATURE } };
static const struct sw_dim d_l1d_op1 = DIM_OPS("op1", l1d_ops);
static const struct sw_dim d_l1d_op2 = DIM_OPS("op2", feature_op);
static const struct sw_dim d_l1d_op3 = DIM_OPS("op3", l1d_ops);
static const struct sw_dim d_l1d_op4 = DIM_OPS("op4", feature_op);
static const struct sw_dim *const l1d_rt_dims[] = {
	&d_profile_all, &d_cpu_all, &d_l1tf, &d_l1d, &d_ept, &d_skip, &d_l1d_op1, &d_l1d_op2,
	&d_l1d_op3, &d_l1d_op4, NULL,
};
static const struct sw_plane l1d_rt = {
	"l1d-runtime", "vmentry_l1d_flush rewritten at run time: l1tf_vmx_mitigation and SKIP_VMENTRY_L1DFLUSH in KVM's value",
	l1d_rt_dims,
};

static const struct sw_dim *const host_gds_dims[] = {
	&d_profile_all, &d_cpu_all, &d_gds, &d_gds_bits, &d_mcu, &d_avx, &d_moff, &d_virt, NULL,
};
static const struct sw_plane host_gds = {
	"host-gds", "GDS bug, gather_data_sampling=, gds_ucode_mitigated() and GDS_NO",
	host_gds_dims,
};

/* Every vendor, family and model: the whitelist/blacklist rows themselves */
static const uint64_t vendor_v[] = {
	KMC_VENDOR_INTEL, KMC_VENDOR_AMD, KMC_VENDOR_HYGON, KMC_VENDOR_CENTAUR,
	KMC_VENDOR_ZHAOXIN, KMC_VENDOR_OTHER,
};
static const uint64_t family_v[] = {
	4, 5, 6, 7, 0xf, 0x10, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
};
static const uint64_t fms_cpuid_v[] = {
	F(SSE3),
	F(SSE3) | F(XSAVE) | F(AVX) | F(RDRAND) | F(RDSEED) | F(RTM) | F(HLE) |
	F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(AMD_IBPB),
};
/* every "NO" bit, or none */
static const uint64_t fms_ac_v[] = {
	0,
	AC(RDCL_NO) | AC(SSB_NO) | AC(MDS_NO) | AC(PSCHANGE_MC_NO) | AC(TAA_NO) | MMIO3 |
	AC(GDS_NO) | AC(RFDS_NO) | AC(ITS_NO) | AC(PBRSB_NO) | AC(BHI_NO),
};
static const struct sw_dim d_vendor = DIM_V("vendor", set_vendor, vendor_v);
static const struct sw_dim d_family = DIM_V("family", set_family, family_v);
static const struct sw_dim d_model = DIM_N("model", 256, set_model);
static const struct sw_dim d_fms_cpuid = DIM_CPUID("cpuid", ~0ULL, fms_cpuid_v);
static const struct sw_dim d_fms_ac = DIM_AC("ac", ~0ULL, fms_ac_v);
static const char *const one_cpu[] = { "cascadelake" };
static const struct sw_dim d_cpu_base = DIM_CPUS("cpu", one_cpu);

static const struct sw_dim *const host_fms_dims[] = {
	&d_profile_all, &d_cpu_base, &d_vendor, &d_family, &d_model, &d_fms_cpuid, &d_fms_ac,
	&d_virt, NULL,
};
static const struct sw_plane host_fms = {
	"host-fms", "every vendor x family x model against the whitelist and blacklist rows",
	host_fms_dims,
};

/* Stepping ranges and hybrid parts */
static const uint64_t stepped_v[] = { 0x55, 0x8e, 0x9e, 0xa6, 0x97, 0xb7, 0x9a, 0xba, 0xbf, 0xbe };
static const struct sw_dim d_stepped = DIM_V("model", set_model, stepped_v);
static const struct sw_dim d_stepping = DIM_N("stepping", 16, set_stepping);
static const uint64_t core_v[] = { KMC_CORE_TYPE_NONE, KMC_CORE_TYPE_ATOM, KMC_CORE_TYPE_CORE };
static const struct sw_dim d_core = DIM_V("core", set_core, core_v);

static const struct sw_dim *const host_steps_dims[] = {
	&d_profile_all, &d_cpu_base, &d_stepped, &d_stepping, &d_core, &d_hybrid, &d_rfds,
	&d_its, &d_bhictrl, &d_mmio3, &d_ibrs, &d_pbrsb, &d_virt, NULL,
};
static const struct sw_plane host_steps = {
	"host-steppings", "stepping-bounded rows (SKYLAKE_X, KABYLAKE, COMETLAKE_L) and the RFDS hybrid rule",
	host_steps_dims,
};

/* ---- vCPU planes ---------------------------------------------------------- */

#define FIVE_NO (AC(MDS_NO) | AC(TAA_NO) | MMIO3)
#define OP(k, i, v)	{ .kind = KMC_OP_##k, .index = i, .value = v }
#define NOOP		{ .kind = SW_NO_OP }

static const struct kmc_op cpuid_first[] = {
	NOOP,
	OP(SET_CPUID, 0, 0),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(RTM) | F(HLE) | F(XSAVE) |
	   F(SSE3)),
};
static const struct kmc_op vcpu_ops[] = {
	OP(SET_MSR, 0x10a, 0),
	OP(SET_MSR, 0x10a, FIVE_NO | AC(FB_CLEAR) | AC(TSX_CTRL_MSR)),
	OP(SET_MSR, 0x10a, ~0ULL),
	OP(GET_MSR, 0x10a, 0),
	OP(RUN, 0, 0),
	OP(RDMSR, 0x10a, 0),
	OP(WRMSR, 0x10a, 0),
	OP(RDMSR, 0x122, 0),
	OP(WRMSR, 0x122, KMC_TSX_CTRL_CPUID_CLEAR),
	OP(RESET, 0, 0),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES)),
	OP(GET_FEATURE, 0x10a, 0),
	OP(HOST_UCODE, 0x10a, 0),
	OP(VERW, 0, 0),
};
static const struct sw_dim d_cpuid_first = DIM_OPS("op1", cpuid_first);
static const struct sw_dim d_op2 = DIM_OPS("op2", vcpu_ops);
static const struct sw_dim d_op3 = DIM_OPS("op3", vcpu_ops);
static const struct sw_dim d_op4 = DIM_OPS("op4", vcpu_ops);
static const char *const vcpu_cpus[] = {
	"cascadelake", "sapphirerapids", "icelake-server", "silvermont", "epyc-rome", "qemu-epyc",
};
static const struct sw_dim d_vcpu_cpu = DIM_CPUS("cpu", vcpu_cpus);

static const struct sw_dim *const vcpu_dims[] = {
	&d_profile_all, &d_vcpu_cpu, &d_stuff, &d_umsr, &d_filter, &d_ignore, &d_cpuid_first,
	&d_op2, &d_op3, &d_op4, NULL,
};
static const struct sw_plane vcpu = {
	"vcpu-msrs", "0x10a default, userspace get/set, immutability, SET_CPUID2 after run, guest RDMSR/WRMSR, exits",
	vcpu_dims,
};

/* Guest CPUID tables: every subset of the features cpu_caps decides */
static void guest_table(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	static const uint64_t bit[] = {
		F(XSAVE), F(PKU), F(FSGSBASE), F(MOVBE), F(RDPID), F(MWAIT), F(SSE3), F(RTM),
		F(MD_CLEAR), F(ARCH_CAPABILITIES),
	};
	uint64_t t = 0;

	(void)d;
	for (unsigned int i = 0; i < ARRAY_SIZE(bit); i++)
		if (v & (1u << i))
			t |= bit[i];
	c->s.ops[c->s.nops++] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = t };
}
static const struct kmc_op caps_ops[] = {
	NOOP,
	OP(SET_CR4, 0, KMC_CR4_OSXSAVE),
	OP(SET_CR4, 0, KMC_CR4_PKE),
	OP(SET_CR4, 0, KMC_CR4_FSGSBASE),
	OP(WRMSR, KMC_MSR_MISC_ENABLE, 0x1800 | KMC_MISC_ENABLE_MWAIT),
	OP(WRMSR, KMC_MSR_APIC_BASE, 0xfee00100),
	OP(RESET, 0, 0),
};
static const struct kmc_op guest_cpuid_all[] = { OP(GUEST_CPUID, 0, KMC_BIT(KMC_F_NR) - 1) };
static const struct sw_dim d_table = DIM_N("guest cpuid", 1024, guest_table);
static const struct sw_dim d_caps_op = DIM_OPS("op", caps_ops);
static const struct sw_dim d_caps_read = DIM_OPS("guest_cpuid", guest_cpuid_all);
static const char *const caps_cpus[] = {
	"cascadelake", "sapphirerapids", "goldmont", "epyc-rome", "epyc-genoa", "qemu-epyc",
};
static const struct sw_dim d_caps_cpu = DIM_CPUS("cpu", caps_cpus);

static const struct sw_dim *const caps_dims[] = {
	&d_profile_all, &d_caps_cpu, &d_nofsgs, &d_ept, &d_mwaitq, &d_table, &d_caps_op,
	&d_caps_read, NULL,
};
static const struct sw_plane caps = {
	"cpu-caps", "cpu_caps per kernel, emulated and runtime bits, CR4 checks and the FSGSBASE pass-through",
	caps_dims,
};

/* CR4: sequences of writes, with no table or a table over the features they need */
static void cr4_table(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	static const uint64_t bit[] = { F(XSAVE), F(PKU), F(FSGSBASE) };
	uint64_t t = 0;

	(void)d;
	if (v == 8)
		return;		/* no KVM_SET_CPUID2 at all */
	for (unsigned int i = 0; i < ARRAY_SIZE(bit); i++)
		if (v & (1u << i))
			t |= bit[i];
	c->s.ops[c->s.nops++] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = t };
}
static const struct kmc_op cr4_ops[] = {
	NOOP,
	OP(SET_CR4, 0, KMC_CR4_OSXSAVE),
	OP(SET_CR4, 0, KMC_CR4_PKE),
	OP(SET_CR4, 0, KMC_CR4_FSGSBASE),
	OP(RESET, 0, 0),
};
static const struct sw_dim d_cr4_table = DIM_N("guest cpuid", 9, cr4_table);
static const struct sw_dim d_cr4_op1 = DIM_OPS("op1", cr4_ops);
static const struct sw_dim d_cr4_op2 = DIM_OPS("op2", cr4_ops);
static const struct sw_dim d_cr4_op3 = DIM_OPS("op3", cr4_ops);

static const struct sw_dim *const cr4_dims[] = {
	&d_profile_all, &d_caps_cpu, &d_nofsgs, &d_ept, &d_cr4_table, &d_cr4_op1, &d_cr4_op2,
	&d_cr4_op3, &d_caps_read, NULL,
};
static const struct sw_plane cr4 = {
	"cr4", "MOV to CR4 sequences: KVM's and the vCPU's reserved bits, VMX pass-through, no table yet",
	cr4_dims,
};

/* FB_CLEAR_DIS and what VERW does: host side x guest side */
static const char *const fb_cpus[] = {
	"cascadelake", "icelake-server", "sapphirerapids", "tremont", "skylake-sp",
};
static const struct sw_dim d_fb_cpu = DIM_CPUS("cpu", fb_cpus);
/* what the guest is told about VERW: nothing, MD_CLEAR alone (no fill-buffer
 * promise), MD_CLEAR and L1D_FLUSH with and without a readable 0x10a */
static const struct kmc_op fb_cpuid[] = {
	OP(SET_CPUID, 0, 0),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(MD_CLEAR)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(FLUSH_L1D)),
	OP(SET_CPUID, 0, F(MD_CLEAR) | F(FLUSH_L1D)),
};
static const struct kmc_op fb_set[] = {
	NOOP,
	OP(SET_MSR, 0x10a, 0),
	OP(SET_MSR, 0x10a, AC(FB_CLEAR)),
	OP(SET_MSR, 0x10a, FIVE_NO),
	OP(SET_MSR, 0x10a, AC(MDS_NO)),
	OP(SET_MSR, 0x10a, AC(MDS_NO) | AC(TAA_NO) | AC(FB_CLEAR)),
};
static const struct kmc_op fb_tail[] = {
	OP(VERW, 0, 0),
	OP(RESET, 0, 0),
	OP(RUN, 0, 0),
	OP(HOST_UCODE, 0x10a, 0),
};
static const struct kmc_op verw_last[] = { OP(VERW, 0, 0) };
static const struct sw_dim d_fb_cpuid = DIM_OPS("op1", fb_cpuid);
static const struct sw_dim d_fb_set = DIM_OPS("op2", fb_set);
static const struct sw_dim d_fb_tail = DIM_OPS("op3", fb_tail);
static const struct sw_dim d_fb_verw = DIM_OPS("op4", verw_last);
static const uint64_t mdclear2_v[] = { F(MD_CLEAR) | F(FLUSH_L1D), 0 };
static const struct sw_dim d_mdclear2 = DIM_CPUID("md_clear", F(MD_CLEAR) | F(FLUSH_L1D), mdclear2_v);

/* userspace answering the guest's RDMSR(0x10a) itself (lkml 000, 002) */
static void filter_emu(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	(void)d;
	c->s.vm.filter_arch_cap = v != 0;
	c->s.vm.user_msr_exits = v == 1 ? KMC_MSR_EXIT_FILTER : 0;
	c->s.vm.uemu_arch_cap = v == 1 ? AC(FB_CLEAR) | AC(MDS_NO) : 0;
}
static const struct sw_dim d_filter_emu = DIM_N("filter", 3, filter_emu);

static const struct sw_dim *const fb_dims[] = {
	&d_profile_all, &d_fb_cpu, &d_fbctrl, &d_mds, &d_taa, &d_fbclear, &d_mmio3, &d_mdclear2,
	&d_moff, &d_mmio, &d_filter_emu, &d_fb_cpuid, &d_fb_set, &d_fb_tail, &d_fb_verw, NULL,
};
static const struct sw_plane fb = {
	"fb-clear", "FB_CLEAR_DIS control, disable_fb_clear and its recomputation, VERW in the guest, findings",
	fb_dims,
};

/*
 * False immunity (lkml 004): each "NO" bit the finding knows, alone and all
 * together, stored or answered by userspace, against hosts with and without
 * each bug, TSX and GDS options, and guests with and without RTM and AVX.
 */
static const char *const fi_cpus[] = {
	"skylake-sp", "cascadelake", "icelake-server", "tremont", "sapphirerapids", "epyc-rome",
	"silvermont",
};
static const struct sw_dim d_fi_cpu = DIM_CPUS("cpu", fi_cpus);
static const struct kmc_op fi_cpuid[] = {
	OP(SET_CPUID, 0, 0),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(RTM) | F(HLE)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(AVX)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(RTM) | F(HLE) | F(AVX)),
};
static const uint64_t fi_told_v[] = {
	0, AC(RDCL_NO), AC(SSB_NO), AC(MDS_NO), AC(TAA_NO), AC(TAA_NO) | AC(TSX_CTRL_MSR),
	AC(TSX_CTRL_MSR), MMIO3, MMIO3 & ~AC(FBSDP_NO), AC(GDS_NO), AC(RFDS_NO), AC(ITS_NO),
	AC(RDCL_NO) | AC(SSB_NO) | FIVE_NO | AC(TSX_CTRL_MSR) | AC(GDS_NO) | AC(RFDS_NO) |
	AC(ITS_NO),
};
/* the value, written by the VMM and the answer it would give behind a filter */
static void fi_told(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	c->s.ops[c->s.nops++] = (struct kmc_op){ .kind = KMC_OP_SET_MSR,
						 .index = KMC_MSR_ARCH_CAPABILITIES,
						 .value = d->vals[v] };
	c->s.vm.uemu_arch_cap = d->vals[v];
}
/* stored and read; behind a filter, answered by userspace; filtered into a #GP */
static void fi_how(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	(void)d;
	c->s.vm.filter_arch_cap = v != 0;
	c->s.vm.user_msr_exits = v == 1 ? KMC_MSR_EXIT_FILTER : 0;
}
static const struct kmc_op fi_tail[] = {
	OP(VERW, 0, 0),
	OP(WRMSR, KMC_MSR_TSX_CTRL, KMC_TSX_CTRL_CPUID_CLEAR),
};
static const struct sw_dim d_fi_cpuid = DIM_OPS("op1", fi_cpuid);
static const struct sw_dim d_fi_told = { .name = "told", .n = ARRAY_SIZE(fi_told_v),
					 .apply = fi_told, .vals = fi_told_v };
static const struct sw_dim d_fi_how = DIM_N("filter", 3, fi_how);
static const struct kmc_op fi_rtm[] = { OP(GUEST_CPUID, 0, F(RTM) | F(HLE)) };
static const struct sw_dim d_fi_tail = DIM_OPS("op3", fi_tail);
static const struct sw_dim d_fi_rtm = DIM_OPS("op4", fi_rtm);

static const struct sw_dim *const fi_dims[] = {
	&d_profile_all, &d_fi_cpu, &d_gdsctrl, &d_virt, &d_tsx, &d_gds, &d_fi_cpuid, &d_fi_told,
	&d_fi_how, &d_fi_tail, &d_fi_rtm, NULL,
};
static const struct sw_plane fi = {
	"false-immunity", "the guest told MDS_NO, TAA_NO, the MMIO trio, GDS_NO ... by its stored or answered 0x10a",
	fi_dims,
};

/*
 * The proposed changes the model implements (docs/rules.md 12), each over
 * the inputs it reads: md-clear over the fb guests, with KVM_SET_CPUID2
 * after the write (where only the variant recomputes).
 */
static const uint64_t var_md_clear_v[] = { KMC_VAR_MD_CLEAR };
static const struct sw_dim d_var_md_clear = DIM_V("variant", set_variants, var_md_clear_v);
static const struct kmc_op var_fb_tail[] = {
	OP(VERW, 0, 0),
	OP(RESET, 0, 0),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(MD_CLEAR) | F(FLUSH_L1D)),
	OP(SET_CPUID, 0, 0),
};
static const struct sw_dim d_var_fb_tail = DIM_OPS("op3", var_fb_tail);
static const struct sw_dim *const var_md_clear_dims[] = {
	&d_var_md_clear, &d_profile_all, &d_fb_cpu, &d_fbctrl, &d_mds, &d_taa, &d_fbclear,
	&d_mdclear2, &d_fb_cpuid, &d_fb_set, &d_var_fb_tail, &d_fb_verw, NULL,
};
static const struct sw_plane var_md_clear = {
	"variant-md-clear", "variant md-clear (lkml 001): FB_CLEAR_DIS honouring MD_CLEAR, recomputed on KVM_SET_CPUID2",
	var_md_clear_dims,
};

/*
 * The two proposals about KVM's 0x10a (lkml 000's FB_CLEAR synthesis, lkml
 * 004's validation of userspace writes), alone and together, over the
 * vcpu-msrs op words and tsx= (which decides TAA_NO, so the synthesis).
 */
static const uint64_t var_ac_v[] = {
	KMC_VAR_FB_CLEAR_SYNTH, KMC_VAR_VALIDATE_AC, KMC_VAR_FB_CLEAR_SYNTH | KMC_VAR_VALIDATE_AC,
};
static const struct sw_dim d_var_ac = DIM_V("variant", set_variants, var_ac_v);
static const struct sw_dim *const var_ac_dims[] = {
	&d_var_ac, &d_profile_all, &d_vcpu_cpu, &d_tsx, &d_cpuid_first, &d_op2, &d_op3, NULL,
};
static const struct sw_plane var_ac = {
	"variant-arch-cap", "variants fb-clear-synth (lkml 000) and validate-arch-cap (lkml 004): KVM's 0x10a and userspace writes",
	var_ac_dims,
};

/*
 * Guest SPEC_CTRL (lkml 002's KVM side): the stock kernel, and the two
 * proposals alone and together -- KVM_CAP_FORCE_SPEC_CTRL taken or refused,
 * the VMM's virtual MSRs, its BHI_DIS_S -- with and without the SPEC_CTRL
 * shadow control, on hosts with and without BHI_CTRL and BHI_NO; and on an
 * SVM host, where kmc does not model guest SPEC_CTRL: both sides must refuse.
 */
#define SC(x)	KMC_SPEC_CTRL_##x
static const uint64_t var_spec_v[] = {
	0, KMC_VAR_FORCE_SPEC_CTRL, KMC_VAR_VIRT_MSRS, KMC_VAR_FORCE_SPEC_CTRL | KMC_VAR_VIRT_MSRS,
};
static const struct sw_dim d_var_spec = DIM_V("variant", set_variants, var_spec_v);
static const char *const spec_cpus[] = {
	"cascadelake", "sapphirerapids", "icelake-server", "silvermont", "epyc-rome",
};
static const struct sw_dim d_spec_cpu = DIM_CPUS("cpu", spec_cpus);
static const struct sw_dim d_spec_shadow = DIM_N("spec_ctrl_shadow", 2, set_spec_shadow);
static const struct sw_dim d_bhino = DIM_ACBIT(BHI_NO);
/* none; BHI_DIS_S forced on, held at 0; IBRS held at 0; a value outside the mask; RRSBA_DIS_S */
static const uint64_t force_v[][2] = {
	{ 0, 0 }, { SC(BHI_DIS_S), SC(BHI_DIS_S) }, { SC(BHI_DIS_S), 0 }, { SC(IBRS), 0 },
	{ SC(IBRS), SC(SSBD) }, { SC(RRSBA_DIS_S), SC(RRSBA_DIS_S) },
};
static void set_force(struct sw_ctx *c, const struct sw_dim *d, unsigned int v)
{
	(void)d;
	c->s.vm.force_spec_ctrl = v != 0;
	c->s.vm.force_mask = force_v[v][0];
	c->s.vm.force_value = force_v[v][1];
}
static const struct sw_dim d_force = DIM_N("force_spec_ctrl", ARRAY_SIZE(force_v), set_force);
static const struct kmc_op spec_cpuid[] = {
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES)),
	OP(SET_CPUID, 0, F(ARCH_CAPABILITIES) | F(SPEC_CTRL)),
};
static const struct kmc_op spec_write[] = {
	OP(WRMSR, KMC_MSR_SPEC_CTRL, 0),
	OP(WRMSR, KMC_MSR_SPEC_CTRL, SC(IBRS)),
	OP(WRMSR, KMC_MSR_SPEC_CTRL, SC(BHI_DIS_S)),
	OP(WRMSR, KMC_MSR_SPEC_CTRL, SC(RRSBA_DIS_S) | SC(SSBD)),
	OP(WRMSR, KMC_MSR_VIRT_MITIG_CTRL, KMC_MITI_CTRL_BHB_CLEAR_SEQ_S),
	OP(RDMSR, KMC_MSR_VIRT_MITIG_ENUM, 0),
	OP(WRMSR, KMC_MSR_SPEC_CTRL, 1ULL << 7),	/* a bit kmc does not model: both refuse */
};
static const struct kmc_op spec_then[] = {
	OP(WRMSR, KMC_MSR_VIRT_MITIG_CTRL, KMC_MITI_CTRL_BHB_CLEAR_SEQ_S),
	OP(WRMSR, KMC_MSR_VIRT_MITIG_CTRL, 0x2),
	OP(WRMSR, KMC_MSR_VIRT_MITIG_CTRL, 0),
	OP(WRMSR, KMC_MSR_SPEC_CTRL, SC(IBRS) | SC(BHI_DIS_S)),
	OP(RESET, 0, 0),
	OP(RDMSR, KMC_MSR_VIRT_ENUM, 0),
};
/* ... or no read: a write refused on SVM is then the only op that can refuse */
static const struct kmc_op spec_read[] = { OP(RDMSR, KMC_MSR_SPEC_CTRL, 0), NOOP };
static const struct sw_dim d_spec_cpuid = DIM_OPS("op1", spec_cpuid);
static const struct sw_dim d_spec_write = DIM_OPS("op2", spec_write);
static const struct sw_dim d_spec_then = DIM_OPS("op3", spec_then);
static const struct sw_dim d_spec_read = DIM_OPS("op4", spec_read);
static const struct sw_dim d_specctrl = DIM_CPUIDBIT("spec_ctrl", F(SPEC_CTRL));
static const struct sw_dim *const spec_dims[] = {
	&d_var_spec, &d_profile_all, &d_spec_cpu, &d_specctrl, &d_bhictrl, &d_bhino, &d_spec_shadow,
	&d_force,
	&d_spec_cpuid, &d_spec_write, &d_spec_then, &d_spec_read, NULL,
};
static const struct sw_plane spec = {
	"spec-ctrl", "guest SPEC_CTRL; variants force-spec-ctrl and virt-mitigation-msrs (lkml 002): forced bits, the shadow, the VMM's BHI_DIS_S",
	spec_dims,
};

const struct sw_plane *const sw_planes[] = {
	&host_bugs, &host_mitig, &host_l1tf, &l1d_rt, &host_gds, &host_fms, &host_steps, &vcpu, &caps,
	&cr4, &fb, &fi, &var_md_clear, &var_ac, &spec, NULL,
};

/* ---- the product ---------------------------------------------------------- */

static void fill_sizes(void)
{
	d_profile_all.n = kmc_nprofiles;
	d_cpu_all.n = kmc_ncpus;
}

uint64_t sw_plane_size(const struct sw_plane *pl)
{
	uint64_t n = 1;

	fill_sizes();
	for (const struct sw_dim *const *d = pl->dims; *d; d++)
		n *= (*d)->n;
	return n;
}

void sw_plane_build(const struct sw_plane *pl, uint64_t i, struct sw_ctx *c)
{
	unsigned int digit[32], nd = 0;

	for (const struct sw_dim *const *d = pl->dims; *d; d++)
		nd++;
	for (unsigned int k = nd; k-- > 0;) {
		digit[k] = (unsigned int)(i % pl->dims[k]->n);
		i /= pl->dims[k]->n;
	}
	memset(c, 0, sizeof(*c));
	c->p = kmc_profile_at(0);
	for (unsigned int k = 0; k < nd; k++)
		pl->dims[k]->apply(c, pl->dims[k], digit[k]);
}
