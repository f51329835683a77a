// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the live host (live_host.h): the cpuid instruction,
 * /proc/cpuinfo, /proc/cmdline, module parameters and the kmod's facts
 * (docs/kmod.md "Facts format").  Text in, struct fields out; no files.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "live_host.h"
#include "names.h"

/* ---- cpuid ---------------------------------------------------------------- */

uint8_t kmc_vendor_from_string(const char *s)
{
	static const struct { const char *id; uint8_t vendor; } ids[] = {
		{ "GenuineIntel", KMC_VENDOR_INTEL },
		{ "AuthenticAMD", KMC_VENDOR_AMD },
		{ "HygonGenuine", KMC_VENDOR_HYGON },
		{ "CentaurHauls", KMC_VENDOR_CENTAUR },
		{ "  Shanghai  ", KMC_VENDOR_ZHAOXIN },
	};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!memcmp(s, ids[i].id, 12))
			return ids[i].vendor;
	return KMC_VENDOR_OTHER;
}

/* As the kernel's x86_family()/x86_model(): extended fields from family 0xf / 6 */
void kmc_fms_from_eax(uint32_t eax, uint8_t *family, uint8_t *model, uint8_t *stepping)
{
	uint32_t fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf;

	if (fam == 0xf)
		fam += (eax >> 20) & 0xff;
	if (fam >= 6)
		mod += ((eax >> 16) & 0xf) << 4;
	*family = (uint8_t)fam;
	*model = (uint8_t)mod;
	*stepping = (uint8_t)(eax & 0xf);
}

void kmc_live_cpuid(struct kmc_host *h)
{
	uint32_t a, b, c, d, max, emax, max7 = 0;
	char vendor[13];

	__cpuid(0, max, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	h->vendor = kmc_vendor_from_string(vendor);
	__cpuid(0x80000000, emax, b, c, d);
	if (max >= 1) {
		__cpuid(1, a, b, c, d);
		kmc_fms_from_eax(a, &h->family, &h->model, &h->stepping);
	}
	if (max >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		max7 = a;
	}
	h->cpuid = 0;
	for (unsigned int f = 0; f < KMC_F_NR; f++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[f];
		uint32_t r[4];
		int ext = (l->leaf & 0x80000000u) != 0;

		if ((ext ? emax : max) < l->leaf || (l->leaf == 7 && l->subleaf > max7))
			continue;
		__cpuid_count(l->leaf, l->subleaf, r[0], r[1], r[2], r[3]);
		if (r[l->reg] >> l->bit & 1)
			h->cpuid |= KMC_BIT(f);
	}
	h->core_type = KMC_CORE_TYPE_NONE;
	if ((h->cpuid & KMC_F(HYBRID_CPU)) && max >= 0x1a) {
		__cpuid_count(0x1a, 0, a, b, c, d);
		h->core_type = (uint8_t)(a >> 24);
	}
}

/* ---- /proc/cpuinfo -------------------------------------------------------- */

/*
 * The /proc/cpuinfo names of the KMC_F_* features that the kernel prints
 * in all of 6.1.192, 6.12.117 and 7.2.13 (arch/x86/include/asm/cpufeatures.h:
 * 6.1 prints a name unless the comment starts with "", 6.12 and 7.2 only
 * a quoted one).  hybrid_cpu, rtm_always_abort, autoibrs, spec_ctrl, the
 * AMD 0x80000008/0x80000021 bits, rrsba_ctrl, bhi_ctrl and osxsave are
 * never printed, so /proc/cpuinfo cannot show whether the kernel kept them.
 */
static const char *const cpuinfo_feat[KMC_F_NR] = {
	[KMC_F_ARCH_CAPABILITIES] = "arch_capabilities",
	[KMC_F_MD_CLEAR] = "md_clear",
	[KMC_F_FLUSH_L1D] = "flush_l1d",
	[KMC_F_RTM] = "rtm",
	[KMC_F_HLE] = "hle",
	[KMC_F_FSGSBASE] = "fsgsbase",
	[KMC_F_RDSEED] = "rdseed",
	[KMC_F_PKU] = "pku",
	[KMC_F_OSPKE] = "ospke",
	[KMC_F_RDPID] = "rdpid",
	[KMC_F_SSE3] = "pni",
	[KMC_F_MWAIT] = "monitor",
	[KMC_F_MOVBE] = "movbe",
	[KMC_F_XSAVE] = "xsave",
	[KMC_F_AVX] = "avx",
	[KMC_F_RDRAND] = "rdrand",
	[KMC_F_HYPERVISOR] = "hypervisor",
	[KMC_F_APIC] = "apic",
	[KMC_F_RDTSCP] = "rdtscp",
};

uint64_t kmc_cpuinfo_visible(void)
{
	uint64_t v = 0;

	for (unsigned int f = 0; f < KMC_F_NR; f++)
		if (cpuinfo_feat[f])
			v |= KMC_BIT(f);
	return v;
}

/* The value of "KEY<blanks>: VALUE" if @line is that key, else NULL */
static const char *cpuinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n))
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return *line == ':' ? line + 1 : NULL;
}

static void each_word(const char *s, void (*fn)(const char *w, size_t n, void *arg), void *arg)
{
	while (*s && *s != '\n') {
		size_t n;

		while (*s == ' ' || *s == '\t')
			s++;
		n = strcspn(s, " \t\n");
		if (n)
			fn(s, n, arg);
		s += n;
	}
}

struct bug_acc {
	uint64_t bits;
	char *unknown;
	size_t ulen;
};

static void add_bug(const char *w, size_t n, void *arg)
{
	struct bug_acc *a = arg;

	for (unsigned int b = 0; b < kmc_bug_names.n; b++) {
		const char *name = kmc_bug_names.names[b];

		if (name && strlen(name) == n && !strncmp(name, w, n)) {
			a->bits |= KMC_BIT(b);
			return;
		}
	}
	if (a->ulen) {
		size_t used = strlen(a->unknown);

		snprintf(a->unknown + used, a->ulen - used, "%s%.*s", used ? " " : "", (int)n, w);
	}
}

static void add_flag(const char *w, size_t n, void *arg)
{
	uint64_t *flags = arg;

	for (unsigned int f = 0; f < KMC_F_NR; f++)
		if (cpuinfo_feat[f] && strlen(cpuinfo_feat[f]) == n && !strncmp(cpuinfo_feat[f], w, n))
			*flags |= KMC_BIT(f);
}

int kmc_parse_cpuinfo(const char *text, uint64_t *bugs, uint64_t *flags,
		      char *unknown, size_t ulen)
{
	struct bug_acc acc = { 0, unknown, ulen };
	int have_bugs = 0, have_flags = 0;

	*bugs = *flags = 0;
	if (ulen)
		unknown[0] = '\0';
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *v;

		/* a blank line ends the first processor's stanza */
		if (*l == '\n' && (have_bugs || have_flags))
			break;
		if (!have_flags && (v = cpuinfo_value(l, "flags"))) {
			each_word(v, add_flag, flags);
			have_flags = 1;
		} else if (!have_bugs && (v = cpuinfo_value(l, "bugs"))) {
			each_word(v, add_bug, &acc);
			have_bugs = 1;
		}
	}
	*bugs = acc.bits;
	return have_bugs && have_flags ? 0 : -ENOENT;
}

/* ---- /proc/cmdline --------------------------------------------------------- */

static int opt_is(const char *w, size_t n, const char *opt)
{
	return strlen(opt) == n && !strncmp(w, opt, n);
}

struct cmd_acc {
	struct kmc_host *h;
	char *note;
	size_t len;
	bool names;	/* clearcpuid= takes feature names (5.19 and later) */
};

static void cmd_note(struct cmd_acc *a, const char *w, size_t n)
{
	size_t used = strlen(a->note);

	if (used < a->len)
		snprintf(a->note + used, a->len - used, "%s%.*s", used ? " " : "", (int)n, w);
}

static int enum_value(const struct kmc_names *t, const char *v, size_t n)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (t->names[i] && strlen(t->names[i]) == n && !strncmp(t->names[i], v, n))
			return (int)i;
	return -1;
}

/*
 * clearcpuid=a,b,...: the kernel clears these from its own feature bits
 * (boot_cpu_data), and KVM builds what it supports from those, so for
 * every rule kmc models the CPU behaves as if it lacked them. Names kmc
 * models come off the host's CPUID; bit numbers and other names stay.
 */
static void clear_cpuid(struct kmc_host *h, const char *v, size_t n)
{
	while (n) {
		const char *c = memchr(v, ',', n);
		size_t l = c ? (size_t)(c - v) : n;
		char name[32];
		int i;

		if (l < sizeof(name)) {
			memcpy(name, v, l);
			name[l] = '\0';
			i = kmc_name_index(&kmc_feat_names, name);
			if (i >= 0)
				h->cpuid &= ~KMC_BIT(i);
		}
		v += l + (c != NULL);
		n -= l + (c != NULL);
	}
}

/* kmc_parse_param_bool() of the @n characters at @v */
static int param_bool_n(const char *v, size_t n)
{
	char buf[8];

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return kmc_parse_param_bool(buf);
}

static void add_opt(const char *w, size_t n, void *arg)
{
	struct cmd_acc *a = arg;
	struct kmc_host *h = a->h;
	const char *eq = memchr(w, '=', n);
	size_t kn = eq ? (size_t)(eq - w) : n;
	const char *v = eq ? eq + 1 : "";
	size_t vn = eq ? n - kn - 1 : 0;
	int i;

#define KEY(k) opt_is(w, kn, k)
#define VAL(s) opt_is(v, vn, s)
	if (KEY("mitigations") && VAL("off")) {
		h->mitigations_off = 1;
	} else if (KEY("mds") && VAL("off")) {
		h->vuln_off |= KMC_OFF_MDS;
	} else if (KEY("tsx_async_abort") && VAL("off")) {
		h->vuln_off |= KMC_OFF_TAA;
	} else if (KEY("mmio_stale_data") && VAL("off")) {
		h->vuln_off |= KMC_OFF_MMIO;
	} else if (KEY("reg_file_data_sampling") && VAL("off")) {
		h->vuln_off |= KMC_OFF_RFDS;
	} else if (KEY("tsx") && (i = enum_value(&kmc_tsx_names, v, vn)) > 0) {
		h->tsx = (uint8_t)i;
	} else if (KEY("gather_data_sampling") && (i = enum_value(&kmc_gds_names, v, vn)) > 0) {
		h->gds = (uint8_t)i;
	} else if (KEY("l1tf") && (i = enum_value(&kmc_l1tf_names, v, vn)) >= 0) {
		h->l1tf = (uint8_t)i;
	} else if (KEY("clearcpuid") && eq) {
		if (!a->names)
			return;	/* bit numbers only: nothing kmc names is cleared */
		clear_cpuid(h, v, vn);
	} else if (KEY("nofsgsbase") && !eq) {
		h->nofsgsbase = 1;
	} else if (KEY("kvm_intel.vmentry_l1d_flush") && (i = enum_value(&kmc_l1d_names, v, vn)) >= 0) {
		h->l1d_flush = (uint8_t)i;
	} else if (KEY("kvm_intel.ept") && (i = param_bool_n(v, vn)) >= 0) {
		h->ept = (uint8_t)i;
	} else if (KEY("kvm.ignore_msrs") && (i = param_bool_n(v, vn)) >= 0) {
		h->ignore_msrs = (uint8_t)i;
	} else {
		return;
	}
	cmd_note(a, w, n);
#undef KEY
#undef VAL
}

/*
 * 1625c833db93 "x86/cpu: Allow feature bit names from /proc/cpuinfo in
 * clearcpuid=" (x86/cpu pull for v5.19): before it the option took only
 * X86_FEATURE numbers (5.10 common.c l.1471-1489, get_option()).  An
 * unknown release (NULL, unparsable) is taken to be newer.
 */
bool kmc_clearcpuid_takes_names(const char *release)
{
	unsigned int major, minor;

	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 5 || (major == 5 && minor >= 19);
}

void kmc_parse_cmdline(const char *text, const char *release, struct kmc_host *h, char *note,
		       size_t len)
{
	struct cmd_acc a = { h, note, len, kmc_clearcpuid_takes_names(release) };

	if (len)
		note[0] = '\0';
	each_word(text, add_opt, &a);
}

/* ---- values ----------------------------------------------------------------- */

int kmc_parse_param_bool(const char *s)
{
	if (!strcmp(s, "Y") || !strcmp(s, "y") || !strcmp(s, "1") || !strncmp(s, "Y\n", 2) ||
	    !strncmp(s, "1\n", 2))
		return 1;
	if (!strcmp(s, "N") || !strcmp(s, "n") || !strcmp(s, "0") || !strncmp(s, "N\n", 2) ||
	    !strncmp(s, "0\n", 2))
		return 0;
	return -1;
}

int kmc_parse_l1tf_vmx(const char *s)
{
	/* kvm_intel's vmentry_l1d_param[] spellings, and the kmod's */
	static const struct { const char *s; int v; } m[] = {
		{ "auto", KMC_L1TF_VMX_AUTO },
		{ "never", KMC_L1TF_VMX_NEVER },
		{ "cond", KMC_L1TF_VMX_COND },
		{ "always", KMC_L1TF_VMX_ALWAYS },
		{ "EPT disabled", KMC_L1TF_VMX_EPT_DISABLED },
		{ "ept_disabled", KMC_L1TF_VMX_EPT_DISABLED },
		{ "not required", KMC_L1TF_VMX_NOT_REQUIRED },
		{ "not_required", KMC_L1TF_VMX_NOT_REQUIRED },
	};
	size_t n = strcspn(s, "\n");

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strlen(m[i].s) == n && !strncmp(m[i].s, s, n))
			return m[i].v;
	return -1;
}

/* ---- kmod facts ------------------------------------------------------------- */

/* "0", "1": the fact; anything else (absent, unavailable, fault): -1 */
static int fact_bool(const char *v)
{
	if (!strcmp(v, "0"))
		return 0;
	if (!strcmp(v, "1"))
		return 1;
	return -1;
}

static void fact_state(struct kmc_live_host *lh, uint32_t bit, const char *v)
{
	int b = fact_bool(v);

	if (b < 0)
		return;
	lh->host_state_known |= bit;
	if (b)
		lh->host_state |= bit;
}

int kmc_parse_kmod_fact(const char *line, struct kmc_live_host *lh)
{
	char key[64], val[64];
	uint64_t x;

	if (sscanf(line, "%63s %63s", key, val) != 2)
		return 0;
	if (!strcmp(key, "msr.cpu0.0x10a") || !strcmp(key, "msr.cpu0.0x123")) {
		if (strncmp(val, "0x", 2) || kmc_parse_u64(val, &x))
			return 0;
		if (!strcmp(key, "msr.cpu0.0x10a")) {
			lh->host.arch_cap = x;
			lh->arch_cap_known = 2;		/* from the kmod, see the reader */
		} else {
			lh->host.mcu_opt_ctrl = x;
			lh->src[KMC_FACT_MCU_OPT_CTRL].src = KMC_SRC_KMOD;
		}
		return 1;
	}
	if (!strcmp(key, "feature.clear_cpu_buf")) {
		fact_state(lh, KMC_HS_CLEAR_CPU_BUF, val);
		return 1;
	}
	if (!strcmp(key, "feature.clear_cpu_buf_vm")) {
		fact_state(lh, KMC_HS_CLEAR_CPU_BUF_VM, val);
		return 1;
	}
	/* the MMIO-only VM mitigation under its three names (kmod.md) */
	if (!strcmp(key, "feature.clear_cpu_buf_vm_mmio") || !strcmp(key, "key.mmio_stale_data_clear") ||
	    !strcmp(key, "key.cpu_buf_vm_clear")) {
		fact_state(lh, KMC_HS_CLEAR_CPU_BUF_VM_MMIO, val);
		return 1;
	}
	if (!strcmp(key, "gds_ucode_mitigated")) {
		fact_state(lh, KMC_HS_GDS_UCODE_MITIGATED, val);
		return 1;
	}
	if (!strcmp(key, "l1tf_vmx_mitigation")) {
		int v = kmc_parse_l1tf_vmx(val);

		if (v >= 0) {
			lh->l1tf_vmx = v;
			lh->src[KMC_FACT_L1TF_VMX].src = KMC_SRC_KMOD;
			snprintf(lh->src[KMC_FACT_L1TF_VMX].note, sizeof(lh->src[0].note),
				 "/dev/kmc l1tf_vmx_mitigation");
		}
		return 1;
	}
	return 0;
}
