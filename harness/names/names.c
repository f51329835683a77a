// SPDX-License-Identifier: GPL-2.0
/*
 * Name tables (see names.h).  Bit names follow the kernel: MSR 0x10a bits
 * are the ARCH_CAP_* macro names lowercased, bugs are as /proc/cpuinfo
 * prints them, features as kmc's KMC_F_* lowercased.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "names.h"
#include "kmc/array_size.h"

#define NAMES(var, what_, arr) \
	const struct kmc_names var = { .what = what_, .n = ARRAY_SIZE(arr), .names = arr }

static const char *const vendor[KMC_VENDOR_NR] = {
	[KMC_VENDOR_INTEL] = "intel",
	[KMC_VENDOR_AMD] = "amd",
	[KMC_VENDOR_HYGON] = "hygon",
	[KMC_VENDOR_CENTAUR] = "centaur",
	[KMC_VENDOR_ZHAOXIN] = "zhaoxin",
	[KMC_VENDOR_OTHER] = "other",
};
NAMES(kmc_vendor_names, "vendor", vendor);

static const char *const feat[KMC_F_NR] = {
	[KMC_F_ARCH_CAPABILITIES] = "arch_capabilities",
	[KMC_F_MD_CLEAR] = "md_clear",
	[KMC_F_FLUSH_L1D] = "flush_l1d",
	[KMC_F_SPEC_CTRL] = "spec_ctrl",
	[KMC_F_HYBRID_CPU] = "hybrid_cpu",
	[KMC_F_RTM_ALWAYS_ABORT] = "rtm_always_abort",
	[KMC_F_RTM] = "rtm",
	[KMC_F_HLE] = "hle",
	[KMC_F_FSGSBASE] = "fsgsbase",
	[KMC_F_RDSEED] = "rdseed",
	[KMC_F_PKU] = "pku",
	[KMC_F_OSPKE] = "ospke",
	[KMC_F_RDPID] = "rdpid",
	[KMC_F_RRSBA_CTRL] = "rrsba_ctrl",
	[KMC_F_BHI_CTRL] = "bhi_ctrl",
	[KMC_F_SSE3] = "sse3",
	[KMC_F_MWAIT] = "mwait",
	[KMC_F_MOVBE] = "movbe",
	[KMC_F_XSAVE] = "xsave",
	[KMC_F_OSXSAVE] = "osxsave",
	[KMC_F_AVX] = "avx",
	[KMC_F_RDRAND] = "rdrand",
	[KMC_F_HYPERVISOR] = "hypervisor",
	[KMC_F_APIC] = "apic",
	[KMC_F_RDTSCP] = "rdtscp",
	[KMC_F_AMD_IBPB] = "amd_ibpb",
	[KMC_F_AMD_SSB_NO] = "amd_ssb_no",
	[KMC_F_BTC_NO] = "btc_no",
	[KMC_F_AMD_IBPB_RET] = "amd_ibpb_ret",
	[KMC_F_VERW_CLEAR] = "verw_clear",
	[KMC_F_AUTOIBRS] = "autoibrs",
	[KMC_F_SRSO_NO] = "srso_no",
	[KMC_F_TSA_SQ_NO] = "tsa_sq_no",
	[KMC_F_TSA_L1_NO] = "tsa_l1_no",
	[KMC_F_TSA_FILL_NO] = "tsa_fill_no",
};
NAMES(kmc_feat_names, "feature", feat);

/* Hardware locations, as in arch.h's comments (kernel-facts A.3) */
#define LOC(l, s, r, b) { .leaf = (l), .subleaf = (s), .reg = KMC_##r, .bit = (b) }
const struct kmc_feat_loc kmc_feat_loc[KMC_F_NR] = {
	[KMC_F_ARCH_CAPABILITIES] = LOC(0x7, 0, EDX, 29),
	[KMC_F_MD_CLEAR] = LOC(0x7, 0, EDX, 10),
	[KMC_F_FLUSH_L1D] = LOC(0x7, 0, EDX, 28),
	[KMC_F_SPEC_CTRL] = LOC(0x7, 0, EDX, 26),
	[KMC_F_HYBRID_CPU] = LOC(0x7, 0, EDX, 15),
	[KMC_F_RTM_ALWAYS_ABORT] = LOC(0x7, 0, EDX, 11),
	[KMC_F_RTM] = LOC(0x7, 0, EBX, 11),
	[KMC_F_HLE] = LOC(0x7, 0, EBX, 4),
	[KMC_F_FSGSBASE] = LOC(0x7, 0, EBX, 0),
	[KMC_F_RDSEED] = LOC(0x7, 0, EBX, 18),
	[KMC_F_PKU] = LOC(0x7, 0, ECX, 3),
	[KMC_F_OSPKE] = LOC(0x7, 0, ECX, 4),
	[KMC_F_RDPID] = LOC(0x7, 0, ECX, 22),
	[KMC_F_RRSBA_CTRL] = LOC(0x7, 2, EDX, 2),
	[KMC_F_BHI_CTRL] = LOC(0x7, 2, EDX, 4),
	[KMC_F_SSE3] = LOC(0x1, 0, ECX, 0),
	[KMC_F_MWAIT] = LOC(0x1, 0, ECX, 3),
	[KMC_F_MOVBE] = LOC(0x1, 0, ECX, 22),
	[KMC_F_XSAVE] = LOC(0x1, 0, ECX, 26),
	[KMC_F_OSXSAVE] = LOC(0x1, 0, ECX, 27),
	[KMC_F_AVX] = LOC(0x1, 0, ECX, 28),
	[KMC_F_RDRAND] = LOC(0x1, 0, ECX, 30),
	[KMC_F_HYPERVISOR] = LOC(0x1, 0, ECX, 31),
	[KMC_F_APIC] = LOC(0x1, 0, EDX, 9),
	[KMC_F_RDTSCP] = LOC(0x80000001, 0, EDX, 27),
	[KMC_F_AMD_IBPB] = LOC(0x80000008, 0, EBX, 12),
	[KMC_F_AMD_SSB_NO] = LOC(0x80000008, 0, EBX, 26),
	[KMC_F_BTC_NO] = LOC(0x80000008, 0, EBX, 29),
	[KMC_F_AMD_IBPB_RET] = LOC(0x80000008, 0, EBX, 30),
	[KMC_F_VERW_CLEAR] = LOC(0x80000021, 0, EAX, 5),
	[KMC_F_AUTOIBRS] = LOC(0x80000021, 0, EAX, 8),
	[KMC_F_SRSO_NO] = LOC(0x80000021, 0, EAX, 29),
	[KMC_F_TSA_SQ_NO] = LOC(0x80000021, 0, ECX, 1),
	[KMC_F_TSA_L1_NO] = LOC(0x80000021, 0, ECX, 2),
	[KMC_F_TSA_FILL_NO] = LOC(0x80000021, 0, ECX, 7),
};

const char *const kmc_reg_names[4] = { "EAX", "EBX", "ECX", "EDX" };

/* ARCH_CAP_* of msr-index.h, lowercased (kernel-facts A.1) */
static const char *const ac[64] = {
	[0] = "rdcl_no",
	[1] = "ibrs_all",
	[2] = "rsba",
	[3] = "skip_vmentry_l1dflush",
	[4] = "ssb_no",
	[5] = "mds_no",
	[6] = "pschange_mc_no",
	[7] = "tsx_ctrl_msr",
	[8] = "taa_no",
	[13] = "sbdr_ssdp_no",
	[14] = "fbsdp_no",
	[15] = "psdp_no",
	[16] = "mcu_enum",
	[17] = "fb_clear",
	[18] = "fb_clear_ctrl",
	[19] = "rrsba",
	[20] = "bhi_no",
	[21] = "xapic_disable",
	[24] = "pbrsb_no",
	[25] = "gds_ctrl",
	[26] = "gds_no",
	[27] = "rfds_no",
	[28] = "rfds_clear",
	[62] = "its_no",
	[63] = "virtual_enum",
};
NAMES(kmc_ac_names, "0x10a bit", ac);

static const char *const bug[KMC_BUG_NR] = {
	[KMC_BUG_CPU_MELTDOWN] = "cpu_meltdown",
	[KMC_BUG_SPECTRE_V1] = "spectre_v1",
	[KMC_BUG_SPECTRE_V2] = "spectre_v2",
	[KMC_BUG_SPEC_STORE_BYPASS] = "spec_store_bypass",
	[KMC_BUG_L1TF] = "l1tf",
	[KMC_BUG_MDS] = "mds",
	[KMC_BUG_MSBDS_ONLY] = "msbds_only",
	[KMC_BUG_SWAPGS] = "swapgs",
	[KMC_BUG_TAA] = "taa",
	[KMC_BUG_ITLB_MULTIHIT] = "itlb_multihit",
	[KMC_BUG_SRBDS] = "srbds",
	[KMC_BUG_MMIO_STALE_DATA] = "mmio_stale_data",
	[KMC_BUG_MMIO_UNKNOWN] = "mmio_unknown",
	[KMC_BUG_RETBLEED] = "retbleed",
	[KMC_BUG_EIBRS_PBRSB] = "eibrs_pbrsb",
	[KMC_BUG_SMT_RSB] = "smt_rsb",
	[KMC_BUG_GDS] = "gds",
	[KMC_BUG_SRSO] = "srso",
	[KMC_BUG_RFDS] = "rfds",
	[KMC_BUG_BHI] = "bhi",
	[KMC_BUG_IBPB_NO_RET] = "ibpb_no_ret",
	[KMC_BUG_SPECTRE_V2_USER] = "spectre_v2_user",
	[KMC_BUG_ITS] = "its",
	[KMC_BUG_ITS_NATIVE_ONLY] = "its_native_only",
	[KMC_BUG_TSA] = "tsa",
	[KMC_BUG_VMSCAPE] = "vmscape",
};
NAMES(kmc_bug_names, "bug", bug);

static const char *const op[KMC_OP_NR] = {
	[KMC_OP_SET_CPUID] = "set_cpuid",
	[KMC_OP_SET_MSR] = "set_msr",
	[KMC_OP_GET_MSR] = "get_msr",
	[KMC_OP_RUN] = "run",
	[KMC_OP_RDMSR] = "rdmsr",
	[KMC_OP_WRMSR] = "wrmsr",
	[KMC_OP_RESET] = "reset",
	[KMC_OP_SET_CR4] = "set_cr4",
	[KMC_OP_GUEST_CPUID] = "guest_cpuid",
	[KMC_OP_VERW] = "verw",
	[KMC_OP_GET_FEATURE] = "get_feature",
	[KMC_OP_HOST_UCODE] = "host_ucode",
	[KMC_OP_L1D_FLUSH] = "l1d_flush",
};
NAMES(kmc_op_names, "op", op);

static const char *const exitr[3] = { "inval", "unknown", "filter" };
NAMES(kmc_exit_names, "exit reason", exitr);

static const char *const l1tf_vmx[] = {
	[KMC_L1TF_VMX_AUTO] = "auto",
	[KMC_L1TF_VMX_NEVER] = "never",
	[KMC_L1TF_VMX_COND] = "cond",
	[KMC_L1TF_VMX_ALWAYS] = "always",
	[KMC_L1TF_VMX_EPT_DISABLED] = "ept_disabled",
	[KMC_L1TF_VMX_NOT_REQUIRED] = "not_required",
};
NAMES(kmc_l1tf_vmx_names, "l1tf_vmx state", l1tf_vmx);

static const char *const hs[] = {
	"clear_cpu_buf", "clear_cpu_buf_vm", "clear_cpu_buf_vm_mmio",
	"gds_ucode_mitigated",
};
NAMES(kmc_hs_names, "host state", hs);

static const char *const finding[] = {
	"verw_promise_kvm", "mmio_verw_order", "verw_promise_hw", "false_immunity",
};
NAMES(kmc_finding_names, "finding", finding);

/* KMC_VAR_*: as kmc-run --variant and a vector's variant= spell them */
static const char *const variant[KMC_VAR_NR] = {
	"fb-clear-synth", "validate-arch-cap", "caps-kvm-and-guest", "virt-mitigation-msrs",
	"md-clear", "force-spec-ctrl",
};
NAMES(kmc_variant_names, "variant", variant);

static const char *const quirk[32] = {
	[4] = "misc_enable_no_mwait",
	[8] = "stuff_feature_msrs",
};
NAMES(kmc_quirk_names, "quirk", quirk);

static const char *const cr4[32] = {
	[16] = "fsgsbase",
	[18] = "osxsave",
	[22] = "pke",
};
NAMES(kmc_cr4_names, "CR4 bit", cr4);

static const char *const core[] = { "none", "atom", "core" };
NAMES(kmc_core_names, "core type", core);

static const char *const tsx[] = {
	[KMC_TSX_DEFAULT] = NULL, [KMC_TSX_ON] = "on",
	[KMC_TSX_OFF] = "off", [KMC_TSX_AUTO] = "auto",
};
NAMES(kmc_tsx_names, "tsx mode", tsx);

static const char *const gds[] = {
	[KMC_GDS_DEFAULT] = NULL, [KMC_GDS_OFF] = "off", [KMC_GDS_FORCE] = "force",
};
NAMES(kmc_gds_names, "gather_data_sampling mode", gds);

static const char *const l1tf[] = {
	[KMC_L1TF_DEFAULT] = "flush",
	[KMC_L1TF_OFF] = "off",
	[KMC_L1TF_FLUSH_NOWARN] = "flush,nowarn",
	[KMC_L1TF_FLUSH_NOSMT] = "flush,nosmt",
	[KMC_L1TF_FULL] = "full",
	[KMC_L1TF_FULL_FORCE] = "full,force",
};
NAMES(kmc_l1tf_names, "l1tf mode", l1tf);

static const char *const l1d[] = {
	[KMC_L1D_AUTO] = "auto", [KMC_L1D_NEVER] = "never",
	[KMC_L1D_COND] = "cond", [KMC_L1D_ALWAYS] = "always",
};
NAMES(kmc_l1d_names, "vmentry_l1d_flush mode", l1d);

int kmc_core_type_parse(const char *s)
{
	static const uint8_t val[] = { KMC_CORE_TYPE_NONE, KMC_CORE_TYPE_ATOM,
				       KMC_CORE_TYPE_CORE };
	int i = kmc_name_index(&kmc_core_names, s);

	return i < 0 ? -1 : val[i];
}

const char *kmc_core_type_name(uint8_t t)
{
	switch (t) {
	case KMC_CORE_TYPE_NONE: return "none";
	case KMC_CORE_TYPE_ATOM: return "atom";
	case KMC_CORE_TYPE_CORE: return "core";
	}
	return NULL;
}

const char *kmc_name(const struct kmc_names *t, unsigned int i)
{
	return i < t->n ? t->names[i] : NULL;
}

int kmc_name_index(const struct kmc_names *t, const char *s)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (t->names[i] && !strcmp(t->names[i], s))
			return (int)i;
	return -1;
}

/* The `kmc names` topic that lists @t, for error messages */
static const char *names_topic(const struct kmc_names *t)
{
	if (t == &kmc_feat_names)
		return " (see kmc names features)";
	if (t == &kmc_bug_names)
		return " (see kmc names bugs)";
	if (t == &kmc_ac_names)
		return " (see kmc names arch-cap)";
	return "";
}

/* `bitN` for an unnamed bit below t->n */
static int parse_bitn(const struct kmc_names *t, const char *s, size_t len)
{
	unsigned int n = 0;

	if (len < 4 || len > 5 || strncmp(s, "bit", 3))
		return -1;
	for (size_t i = 3; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (unsigned int)(s[i] - '0');
	}
	if (len == 5 && s[3] == '0')
		return -1;
	if (n >= t->n || n >= 64 || t->names[n])
		return -1;
	return (int)n;
}

int kmc_list_parse(const struct kmc_names *t, const char *s, uint64_t *out,
		   char *err, size_t errlen)
{
	uint64_t v = 0;

	if (!strcmp(s, "-")) {
		*out = 0;
		return 0;
	}
	if (!*s) {
		snprintf(err, errlen, "empty %s list (write '-' for none)", t->what);
		return -EINVAL;
	}
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int i = -1;

		if (!len) {
			snprintf(err, errlen, "empty name in %s list '%s'", t->what, s);
			return -EINVAL;
		}
		for (unsigned int k = 0; k < t->n && k < 64; k++)
			if (t->names[k] && strlen(t->names[k]) == len &&
			    !strncmp(t->names[k], p, len)) {
				i = (int)k;
				break;
			}
		if (i < 0)
			i = parse_bitn(t, p, len);
		if (i < 0) {
			snprintf(err, errlen, "unknown %s '%.*s'%s", t->what,
				 (int)len, p, names_topic(t));
			return -EINVAL;
		}
		if (v & KMC_BIT(i)) {
			snprintf(err, errlen, "%s '%.*s' listed twice", t->what,
				 (int)len, p);
			return -EINVAL;
		}
		v |= KMC_BIT(i);
		if (!e)
			break;
		p = e + 1;
	}
	*out = v;
	return 0;
}

int kmc_list_format(const struct kmc_names *t, uint64_t v, char *buf, size_t len)
{
	size_t used = 0;
	int first = 1;

	if (len)
		buf[0] = '\0';
	if (!v)
		return snprintf(buf, len, "-");
	for (unsigned int i = 0; i < 64; i++) {
		char tmp[8];
		const char *n;
		int w;

		if (!(v & KMC_BIT(i)))
			continue;
		n = kmc_name(t, i);
		if (!n) {
			snprintf(tmp, sizeof(tmp), "bit%u", i);
			n = tmp;
		}
		w = snprintf(used < len ? buf + used : NULL,
			     used < len ? len - used : 0, "%s%s", first ? "" : ",", n);
		used += (size_t)w;
		first = 0;
	}
	return (int)used;
}

static const struct { int e; const char *name; } errnos[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ ENXIO, "ENXIO" }, { ENOTTY, "ENOTTY" },
};

const char *kmc_errno_name(int e)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].e == e)
			return errnos[i].name;
	return NULL;
}

int kmc_errno_parse(const char *s)
{
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(errnos[i].name, s))
			return errnos[i].e;
	/* a bare number, for errnos without a name here */
	if (s[0] >= '1' && s[0] <= '9' && !kmc_parse_u64(s, &v) && v < 4096)
		return (int)v;
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int kmc_parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *p = hex ? s + 2 : s;

	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		int d = hex ? hexval(*p) : (*p >= '0' && *p <= '9' ? *p - '0' : -1);

		if (d < 0)
			return -EINVAL;
		if (hex ? x >> 60 : x > (UINT64_MAX - (uint64_t)d) / 10)
			return -ERANGE;
		x = hex ? x << 4 | (uint64_t)d : x * 10 + (uint64_t)d;
	}
	*v = x;
	return 0;
}
