// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend's parts that need no /dev/kvm: the live-host parsers and
 * reader (harness/kvm/live_*.c) fed with files of other machines, CPUID
 * tables (kvm_cpuid.c), and the vector reader's `host live` extensions
 * (profile=live, value-less expects, `host live ignore_msrs=`).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "backend.h"
#include "kmv.h"
#include "kvm_check.h"
#include "kvmlib.h"
#include "live_host.h"
#include "names.h"

/* ---- cpuid decoding -------------------------------------------------------- */

START_TEST(fms_decoding)
{
	static const struct { uint32_t eax; uint8_t f, m, s; const char *what; } cases[] = {
		{ 0x00050657, 6, 0x55, 7, "Cascade Lake-SP" },
		{ 0x000806f8, 6, 0x8f, 8, "Sapphire Rapids" },
		{ 0x00800f12, 0x17, 0x01, 2, "EPYC (Naples), as QEMU's EPYC model" },
		{ 0x00a10f11, 0x19, 0x11, 1, "EPYC Genoa" },
		{ 0x00000f29, 0x0f, 0x02, 9, "Pentium 4: family 0xf, no extended model bits" },
		{ 0x00000543, 5, 0x04, 3, "Pentium MMX: no extended model below family 6" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t f, m, s;

		kmc_fms_from_eax(cases[i].eax, &f, &m, &s);
		ck_assert_msg(f == cases[i].f && m == cases[i].m && s == cases[i].s,
			      "%s: 0x%x -> %x:%x:%u", cases[i].what, cases[i].eax, f, m, s);
	}
}
END_TEST

START_TEST(vendor_strings)
{
	ck_assert_uint_eq(kmc_vendor_from_string("GenuineIntel"), KMC_VENDOR_INTEL);
	ck_assert_uint_eq(kmc_vendor_from_string("AuthenticAMD"), KMC_VENDOR_AMD);
	ck_assert_uint_eq(kmc_vendor_from_string("HygonGenuine"), KMC_VENDOR_HYGON);
	ck_assert_uint_eq(kmc_vendor_from_string("  Shanghai  "), KMC_VENDOR_ZHAOXIN);
	ck_assert_uint_eq(kmc_vendor_from_string("TCGTCGTCGTCG"), KMC_VENDOR_OTHER);
}
END_TEST

/* The cpuid instruction on this machine: at least self-consistent */
START_TEST(live_cpuid_runs)
{
	struct kmc_host h;

	memset(&h, 0, sizeof(h));
	kmc_live_cpuid(&h);
	ck_assert_uint_lt(h.vendor, KMC_VENDOR_NR);
	ck_assert_uint_ne(h.family, 0);
	ck_assert_uint_eq(h.cpuid >> KMC_F_NR, 0);
	/* every x86-64 CPU has SSE3 and an APIC */
	ck_assert(h.cpuid & KMC_F(SSE3));
}
END_TEST

/* ---- /proc/cpuinfo ----------------------------------------------------------- */

/* Debian 6.1 L1 of the emulated lab (EPYC under TCG), abridged, two processors */
static const char cpuinfo_epyc[] =
	"processor\t: 0\n"
	"vendor_id\t: AuthenticAMD\n"
	"cpu family\t: 23\n"
	"model\t\t: 1\n"
	"flags\t\t: fpu vme apic sep pni monitor ssse3 movbe xsave avx rdrand hypervisor "
	"fsgsbase rdtscp svm\n"
	"bugs\t\t: fxsave_leak sysret_ss_attrs null_seg spectre_v1 spectre_v2 "
	"spec_store_bypass retbleed smt_rsb srso div0\n"
	"bogomips\t: 4000.00\n"
	"\n"
	"processor\t: 1\n"
	"flags\t\t: fpu rtm hle\n"
	"bugs\t\t: mds\n";

START_TEST(cpuinfo_first_processor)
{
	uint64_t bugs, flags;
	char unknown[128];

	ck_assert_int_eq(kmc_parse_cpuinfo(cpuinfo_epyc, &bugs, &flags, unknown, sizeof(unknown)), 0);
	ck_assert_uint_eq(bugs, KMC_B(SPECTRE_V1) | KMC_B(SPECTRE_V2) | KMC_B(SPEC_STORE_BYPASS) |
				KMC_B(RETBLEED) | KMC_B(SMT_RSB) | KMC_B(SRSO));
	ck_assert_str_eq(unknown, "fxsave_leak sysret_ss_attrs null_seg div0");
	/* pni is sse3, monitor is mwait; the second processor's rtm/hle are not read */
	ck_assert_uint_eq(flags, KMC_F(APIC) | KMC_F(SSE3) | KMC_F(MWAIT) | KMC_F(MOVBE) |
				 KMC_F(XSAVE) | KMC_F(AVX) | KMC_F(RDRAND) | KMC_F(HYPERVISOR) |
				 KMC_F(FSGSBASE) | KMC_F(RDTSCP));
}
END_TEST

START_TEST(cpuinfo_missing_lines)
{
	uint64_t bugs, flags;

	ck_assert_int_eq(kmc_parse_cpuinfo("processor\t: 0\nflags\t: fpu\n", &bugs, &flags, NULL, 0),
			 -ENOENT);
	ck_assert_int_eq(kmc_parse_cpuinfo("", &bugs, &flags, NULL, 0), -ENOENT);
	/* "bugs" with no bug at all is a line, and an empty set */
	ck_assert_int_eq(kmc_parse_cpuinfo("flags\t: rtm\nbugs\t:\n", &bugs, &flags, NULL, 0), 0);
	ck_assert_uint_eq(bugs, 0);
	ck_assert_uint_eq(flags, KMC_F(RTM));
}
END_TEST

START_TEST(cpuinfo_hidden_flags)
{
	uint64_t v = kmc_cpuinfo_visible();

	/* never printed by any of the three kernels (cpufeatures.h) */
	ck_assert(!(v & (KMC_F(OSXSAVE) | KMC_F(SPEC_CTRL) | KMC_F(AMD_SSB_NO) | KMC_F(HYBRID_CPU) |
			 KMC_F(AUTOIBRS) | KMC_F(BHI_CTRL))));
	ck_assert((v & (KMC_F(ARCH_CAPABILITIES) | KMC_F(MD_CLEAR) | KMC_F(RTM) | KMC_F(OSPKE))) ==
		  (KMC_F(ARCH_CAPABILITIES) | KMC_F(MD_CLEAR) | KMC_F(RTM) | KMC_F(OSPKE)));
}
END_TEST

/* ---- /proc/cmdline ------------------------------------------------------------ */

START_TEST(cmdline_options)
{
	struct kmc_host h;
	char note[256];

	memset(&h, 0, sizeof(h));
	h.ept = 1;
	kmc_parse_cmdline("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro mitigations=off tsx=off mds=off "
			  "mmio_stale_data=off gather_data_sampling=force l1tf=full,force nofsgsbase "
			  "kvm_intel.vmentry_l1d_flush=never kvm_intel.ept=0 kvm.ignore_msrs=1 "
			  "tsx_async_abort=full quiet\n", NULL, &h, note, sizeof(note));
	ck_assert_uint_eq(h.mitigations_off, 1);
	ck_assert_uint_eq(h.tsx, KMC_TSX_OFF);
	ck_assert_uint_eq(h.vuln_off, KMC_OFF_MDS | KMC_OFF_MMIO);	/* taa=full is not off */
	ck_assert_uint_eq(h.gds, KMC_GDS_FORCE);
	ck_assert_uint_eq(h.l1tf, KMC_L1TF_FULL_FORCE);
	ck_assert_uint_eq(h.nofsgsbase, 1);
	ck_assert_uint_eq(h.l1d_flush, KMC_L1D_NEVER);
	ck_assert_uint_eq(h.ept, 0);
	ck_assert_uint_eq(h.ignore_msrs, 1);
	ck_assert_ptr_nonnull(strstr(note, "tsx=off"));
	ck_assert_ptr_null(strstr(note, "quiet"));
}
END_TEST

START_TEST(cmdline_nothing_modelled)
{
	struct kmc_host h;
	char note[64];

	memset(&h, 0, sizeof(h));
	/* clearcpuid= takes the named features kmc models off the host's CPUID */
	h.cpuid = KMC_BIT(KMC_F_PKU) | KMC_BIT(KMC_F_AVX) | KMC_BIT(KMC_F_FSGSBASE);
	kmc_parse_cmdline("clearcpuid=avx512f,pku,fsrm,123", NULL, &h, note, sizeof(note));
	ck_assert_uint_eq(h.cpuid, KMC_BIT(KMC_F_AVX) | KMC_BIT(KMC_F_FSGSBASE));
	ck_assert_str_eq(note, "clearcpuid=avx512f,pku,fsrm,123");
	/* before 5.19 the kernel takes bit numbers only: names clear nothing */
	h.cpuid = KMC_BIT(KMC_F_PKU);
	kmc_parse_cmdline("clearcpuid=pku", "5.10.0-46-amd64", &h, note, sizeof(note));
	ck_assert_uint_eq(h.cpuid, KMC_BIT(KMC_F_PKU));
	ck_assert_str_eq(note, "");
	kmc_parse_cmdline("clearcpuid=pku", "5.19.0", &h, note, sizeof(note));
	ck_assert_uint_eq(h.cpuid, 0);
	ck_assert(kmc_clearcpuid_takes_names("6.1.0-57-amd64"));
	ck_assert(!kmc_clearcpuid_takes_names("5.18.19"));
	ck_assert(kmc_clearcpuid_takes_names("weird"));
	h.cpuid = 0;
	kmc_parse_cmdline("console=ttyS0 panic=-1 quiet tsx=bogus mds=full", NULL, &h, note, sizeof(note));
	ck_assert_uint_eq(h.tsx, KMC_TSX_DEFAULT);
	ck_assert_uint_eq(h.vuln_off, 0);
	ck_assert_str_eq(note, "");
}
END_TEST

START_TEST(param_values)
{
	ck_assert_int_eq(kmc_parse_param_bool("Y\n"), 1);
	ck_assert_int_eq(kmc_parse_param_bool("N\n"), 0);
	ck_assert_int_eq(kmc_parse_param_bool("1"), 1);
	ck_assert_int_eq(kmc_parse_param_bool("maybe"), -1);
	ck_assert_int_eq(kmc_parse_l1tf_vmx("not required\n"), KMC_L1TF_VMX_NOT_REQUIRED);
	ck_assert_int_eq(kmc_parse_l1tf_vmx("EPT disabled"), KMC_L1TF_VMX_EPT_DISABLED);
	ck_assert_int_eq(kmc_parse_l1tf_vmx("cond"), KMC_L1TF_VMX_COND);
	ck_assert_int_eq(kmc_parse_l1tf_vmx("unknown:7"), -1);
}
END_TEST

/* ---- kmod facts (docs/kmod.md "Facts format") -------------------------------- */

START_TEST(kmod_facts)
{
	static const char *const lines[] = {
		"kmc.format 1",
		"feature.clear_cpu_buf 1",
		"feature.clear_cpu_buf_vm 0",
		"feature.clear_cpu_buf_vm_mmio absent",
		"key.mmio_stale_data_clear 1",
		"gds_ucode_mitigated unavailable export-restricted-to-kvm",
		"l1tf_vmx_mitigation cond",
		"msr.cpu0.0x10a 0x000000000c0aa0eb",
		"msr.cpu0.0x123 0x0000000000000020",
		"msr.cpu1.0x10a 0x0000000000000000",
		"bug.mds 0",
	};
	struct kmc_live_host lh;

	memset(&lh, 0, sizeof(lh));
	lh.l1tf_vmx = -1;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		kmc_parse_kmod_fact(lines[i], &lh);
	ck_assert_uint_eq(lh.host_state_known,
			  KMC_HS_CLEAR_CPU_BUF | KMC_HS_CLEAR_CPU_BUF_VM | KMC_HS_CLEAR_CPU_BUF_VM_MMIO);
	ck_assert_uint_eq(lh.host_state, KMC_HS_CLEAR_CPU_BUF | KMC_HS_CLEAR_CPU_BUF_VM_MMIO);
	ck_assert_int_eq(lh.l1tf_vmx, KMC_L1TF_VMX_COND);
	ck_assert_uint_eq(lh.host.arch_cap, 0xc0aa0ebULL);	/* cpu0, not cpu1 */
	ck_assert_uint_eq(lh.host.mcu_opt_ctrl, 0x20);
	ck_assert_int_eq(lh.arch_cap_known, 2);
	/* a faulting read is not a value */
	memset(&lh, 0, sizeof(lh));
	ck_assert_int_eq(kmc_parse_kmod_fact("msr.cpu0.0x10a fault", &lh), 0);
	ck_assert_int_eq(lh.arch_cap_known, 0);
}
END_TEST

/* ---- the reader on a fake machine --------------------------------------------- */

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (!text) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void fake_machine(int kmod)
{
	snprintf(root, sizeof(root), "/tmp/kmc-live-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put("/proc/cpuinfo", cpuinfo_epyc);
	put("/proc/cmdline", "console=ttyS0 tsx=on kvm.ignore_msrs=0\n");
	put("/sys/module/kvm/parameters/ignore_msrs", "Y\n");
	put("/sys/module/kvm_intel/parameters/vmentry_l1d_flush", "not required\n");
	put("/sys/module/kvm_intel/parameters/ept", "N\n");
	put("/sys/devices/system/cpu/smt/active", "1\n");
	put("/sys/devices/system/cpu/vulnerabilities/mds", "Not affected\n");
	put("/sys/devices/system/cpu/vulnerabilities/tsx_async_abort", "Not affected\n");
	put("/sys/devices/system/cpu/vulnerabilities/mmio_stale_data",
	    "Mitigation: Clear CPU buffers; SMT vulnerable\n");
	if (kmod)
		put("/dev/kmc", "kmc.format 1\nmsr.cpu0.0x10a 0x000000000c0aa0eb\n"
				"feature.clear_cpu_buf 1\nfeature.clear_cpu_buf_vm 1\n"
				"key.mmio_stale_data_clear 0\ngds_ucode_mitigated 1\n");
}

static void rm_root(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static void read_fake(struct kmc_live_host *lh)
{
	struct kmc_live_paths p = { .root = root, .no_cpuid = 1 };
	char msg[128];

	memset(lh, 0, sizeof(*lh));
	lh->host.vendor = KMC_VENDOR_INTEL;
	lh->host.family = 6;
	lh->host.model = 0x55;
	lh->host.stepping = 7;
	lh->host.cpuid = KMC_F(ARCH_CAPABILITIES) | KMC_F(SSE3);
	ck_assert_int_eq(kmc_live_host_read(lh, &p, msg, sizeof(msg)), 0);
}

START_TEST(reader_with_kmod)
{
	struct kmc_live_host lh;

	fake_machine(1);
	read_fake(&lh);
	ck_assert_uint_eq(lh.host.family, 6);
	ck_assert_uint_eq(lh.host.model, 0x55);
	ck_assert_int_eq(lh.arch_cap_known, 1);
	ck_assert_uint_eq(lh.host.arch_cap, 0xc0aa0ebULL);
	ck_assert_uint_eq(lh.src[KMC_FACT_ARCH_CAP].src, KMC_SRC_KMOD);
	ck_assert_int_eq(lh.kmod, 1);
	ck_assert_uint_eq(lh.host_state, KMC_HS_CLEAR_CPU_BUF | KMC_HS_CLEAR_CPU_BUF_VM |
					 KMC_HS_GDS_UCODE_MITIGATED);
	ck_assert_uint_eq(lh.host_state_known, 0xf);
	/* the command line says ignore_msrs=0, the parameter file (now) says Y: the file wins */
	ck_assert_uint_eq(lh.host.ignore_msrs, 1);
	ck_assert_uint_eq(lh.src[KMC_FACT_IGNORE_MSRS].src, KMC_SRC_SYSFS);
	ck_assert_uint_eq(lh.host.tsx, KMC_TSX_ON);
	ck_assert_uint_eq(lh.host.ept, 0);
	ck_assert_uint_eq(lh.host.smt, 1);
	ck_assert_int_eq(lh.l1tf_vmx, KMC_L1TF_VMX_NOT_REQUIRED);
	ck_assert_uint_eq(lh.src[KMC_FACT_L1TF_VMX].src, KMC_SRC_SYSFS);
	ck_assert_str_eq(lh.vendor_module, "kvm_intel");
	ck_assert_int_eq(lh.sysfs_ok, 1);
	ck_assert_str_eq(lh.sysfs_mmio, "Mitigation: Clear CPU buffers; SMT vulnerable");
	ck_assert_uint_eq(lh.bugs & KMC_B(SRSO), KMC_B(SRSO));
	ck_assert_ptr_nonnull(lh.profile);	/* uname of the machine running the test */
	rm_root();
}
END_TEST

START_TEST(reader_without_kmod_or_msr)
{
	struct kmc_live_host lh;
	char *text = NULL;
	size_t n = 0;
	FILE *m;

	fake_machine(0);
	read_fake(&lh);
	/* the CPU enumerates ARCH_CAPABILITIES, but nothing can read the MSR */
	ck_assert_int_eq(lh.arch_cap_known, 0);
	ck_assert_uint_eq(lh.src[KMC_FACT_ARCH_CAP].src, KMC_SRC_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(lh.src[KMC_FACT_ARCH_CAP].note, "/dev/cpu/0/msr"));
	ck_assert_ptr_nonnull(strstr(lh.src[KMC_FACT_ARCH_CAP].note, "passes through are unknown"));
	ck_assert_int_eq(lh.kmod, 0);
	ck_assert_uint_eq(lh.host_state_known, 0);
	m = open_memstream(&text, &n);
	kmc_live_host_print(m, &lh, "# ");
	fclose(m);
	ck_assert_ptr_nonnull(strstr(text, "# arch_cap: unknown [unknown: "));
	ck_assert_ptr_nonnull(strstr(text, "# host_state: unknown"));
	free(text);
	rm_root();
}
END_TEST

START_TEST(reader_no_arch_cap_cpuid)
{
	struct kmc_live_paths p;
	struct kmc_live_host lh;
	char msg[64];

	fake_machine(1);
	p = (struct kmc_live_paths){ .root = root, .no_cpuid = 1 };
	memset(&lh, 0, sizeof(lh));
	lh.host.vendor = KMC_VENDOR_AMD;
	lh.host.cpuid = KMC_F(SSE3);
	ck_assert_int_eq(kmc_live_host_read(&lh, &p, msg, sizeof(msg)), 0);
	/* the kmod's value is not what the kernel used: it never read the MSR */
	ck_assert_int_eq(lh.arch_cap_known, 1);
	ck_assert_uint_eq(lh.host.arch_cap, 0);
	ck_assert_uint_eq(lh.src[KMC_FACT_ARCH_CAP].src, KMC_SRC_NA);
	rm_root();
}
END_TEST

/* ---- CPUID tables -------------------------------------------------------------- */

static struct kvm_cpuid2 *base_table(void)
{
	struct kvm_cpuid2 *t = calloc(1, sizeof(*t) + 4 * sizeof(t->entries[0]));

	t->nent = 4;
	t->entries[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd };
	t->entries[1] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = 0xfffa3203, .edx = 0x178bfbff };
	t->entries[2] = (struct kvm_cpuid_entry2){ .function = 7, .index = 0,
						   .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
						   .ebx = 0x1, .edx = 1u << 29 };
	t->entries[3] = (struct kvm_cpuid_entry2){ .function = 0x80000000, .eax = 0x80000008 };
	return t;
}

START_TEST(cpuid_table_exact)
{
	struct kvm_cpuid2 *b = base_table(), *t;
	uint64_t want = KMC_F(RTM) | KMC_F(SSE3) | KMC_F(BHI_CTRL) | KMC_F(VERW_CLEAR);

	t = kmc_cpuid_table(b, want);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(kmc_cpuid_features(t), want);
	/* every leaf of a modelled feature is there, reachable */
	for (unsigned int f = 0; f < KMC_F_NR; f++)
		ck_assert_ptr_nonnull(kmc_cpuid_find(t, kmc_feat_loc[f].leaf, kmc_feat_loc[f].subleaf));
	ck_assert_uint_ge(kmc_cpuid_find(t, 0x80000000, 0)->eax, 0x80000021);
	ck_assert_uint_ge(kmc_cpuid_find(t, 7, 0)->eax, 2);
	/* bits kmc does not model are left as KVM had them */
	ck_assert_uint_eq(kmc_cpuid_find(t, 1, 0)->edx & ~(1u << 9), 0x178bfbff & ~(1u << 9));
	free(t);
	t = kmc_cpuid_table(b, 0);
	ck_assert_uint_eq(kmc_cpuid_features(t), 0);
	free(t);
	free(b);
}
END_TEST

/* ---- the vector reader's live extensions ---------------------------------------- */

static int read_text(const char *text, struct kmv_file *f, char *msg, size_t len)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int ret = kmv_read(fp, "t.kmv", 0, NULL, f, msg, len);

	fclose(fp);
	return ret;
}

START_TEST(kmv_live_requests)
{
	struct kmv_file f;
	char msg[256];

	ck_assert_int_eq(read_text("kmv 1\nvector a profile=live\n  expect kvm.arch_cap\n"
				   "  host live ignore_msrs=1\n  op rdmsr 0x10a\n", &f, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.nrecs, 1);
	ck_assert_ptr_eq(f.recs[0].profile, &kmv_live_profile);
	ck_assert_int_eq(f.recs[0].live, 1);
	ck_assert_uint_eq(f.recs[0].live_sets, KMV_LIVE_IGNORE_MSRS);
	ck_assert_uint_eq(f.recs[0].sc.host.ignore_msrs, 1);
	ck_assert_uint_eq(f.recs[0].exp_req, 1u << KMV_K_KVM_ARCH_CAP);
	ck_assert_uint_eq(f.recs[0].res_have, 0);
	kmv_file_free(&f);
}
END_TEST

START_TEST(kmv_live_rejects)
{
	static const struct { const char *text; unsigned int line; const char *msg; } cases[] = {
		{ "kmv 1\nvector a profile=live\n  host cpu=epyc-rome\n", 2,
		  "profile=live needs `host live`" },
		{ "kmv 1\nvector a profile=6.1\n  host cpu=epyc-rome\n  expect bugs\n", 4,
		  "expect 'bugs' has no value (kmc fill fills it in)" },
		{ "kmv 1\nvector a profile=live\n  host live smt=0\n", 3,
		  "host 'live' takes no other tokens" },
		{ "kmv 1\nvector a profile=live\n  host live ignore_msrs=2\n", 3,
		  "ignore_msrs=2: expected 0 or 1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmv_file f;
		char msg[256], want[300];

		ck_assert_int_ne(read_text(cases[i].text, &f, msg, sizeof(msg)), 0);
		snprintf(want, sizeof(want), "t.kmv:%u: %s", cases[i].line, cases[i].msg);
		ck_assert_str_eq(msg, want);
		kmv_file_free(&f);
	}
}
END_TEST

/* ---- the backend without a usable /dev/kvm ---------------------------------------- */

static void eval_without_kvm(const char *dev, const char *want)
{
	const struct kmc_backend *be = kmc_backend_find("kvm");
	struct kmc_obs *o = malloc(sizeof(*o));
	struct kmc_host h;
	const struct kmc_profile *p;
	struct kmv_file f;
	void *ctx = NULL;
	char msg[600];

	ck_assert_ptr_nonnull(be);
	ck_assert_ptr_nonnull(o);
	setenv("KMC_KVM_DEV", dev, 1);
	ck_assert_int_eq(be->open(&ctx, msg, sizeof(msg)), 0);	/* not an error: every vector skips */
	ck_assert_int_eq(read_text("kmv 1\nvector a profile=live\n  host live\n  expect kvm.arch_cap\n"
				   "vector b profile=6.1\n  host cpu=epyc-rome\n  op run\n",
				   &f, msg, sizeof(msg)), 0);
	for (unsigned int i = 0; i < f.nrecs; i++) {
		ck_assert_int_eq(be->eval(ctx, &f.recs[i], 0, o, msg, sizeof(msg)), KMC_BE_SKIP);
		ck_assert_msg(strstr(msg, want), "'%s' does not say '%s'", msg, want);
	}
	ck_assert_int_eq(be->live(ctx, &f.recs[0], &h, &p, msg, sizeof(msg)), KMC_BE_SKIP);
	kmv_file_free(&f);
	be->close(ctx);
	unsetenv("KMC_KVM_DEV");
	free(o);
}

START_TEST(backend_no_dev_kvm)
{
	eval_without_kvm("/nonexistent/kvm", "/nonexistent/kvm: No such file or directory");
}
END_TEST

/*
 * /dev/kvm without permission.  Root opens any file, so a root run drops to
 * nobody in a child first.  The child exits 0 when the skip names the
 * permission, 2 if it could not drop privileges.
 */
START_TEST(backend_dev_kvm_permission)
{
	char path[] = "/tmp/kmc-fake-kvm.XXXXXX";
	int fd = mkstemp(path), status;
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(path, 0600), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		const struct kmc_backend *be = kmc_backend_find("kvm");
		struct kmv_file f;
		struct kmc_obs o;
		void *ctx;
		char msg[600];
		int ok;

		if (!geteuid() && (setgid(65534) || setuid(65534)))
			_exit(2);
		setenv("KMC_KVM_DEV", path, 1);
		if (be->open(&ctx, msg, sizeof(msg)) ||
		    read_text("kmv 1\nvector a profile=live\n  host live\n  op run\n", &f, msg,
			      sizeof(msg)))
			_exit(3);
		ok = be->eval(ctx, &f.recs[0], 0, &o, msg, sizeof(msg)) == KMC_BE_SKIP &&
		     strstr(msg, "Permission denied (kmc needs read-write access");
		if (!ok)
			fprintf(stderr, "skip reason: %s\n", msg);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	unlink(path);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_live");
	const TTest *const tests[] = {
		fms_decoding, vendor_strings, live_cpuid_runs, cpuinfo_first_processor,
		cpuinfo_missing_lines, cpuinfo_hidden_flags, cmdline_options,
		cmdline_nothing_modelled, param_values, kmod_facts, reader_with_kmod,
		reader_without_kmod_or_msr, reader_no_arch_cap_cpuid, cpuid_table_exact,
		kmv_live_requests, kmv_live_rejects, backend_no_dev_kvm,
		backend_dev_kvm_permission, NULL,
	};

	kt_case(s, "parse", 0, NULL, NULL, tests);
	return kt_run(s);
}
