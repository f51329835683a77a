// SPDX-License-Identifier: GPL-2.0
/*
 * CPU catalog: the CPUs vectors name with `host cpu=NAME`.  Each entry is
 * a typical part with current microcode: vendor, family/model/stepping
 * (intel-family.h names in the comments), the CPUID bits kmc reasons
 * about, and a raw MSR 0x10a.  Each entry's `record` names the public
 * real-host record its 0x10a and CPUID follow, or says there is none;
 * vectors vary the bits that decide each rule, and live hosts are read,
 * not looked up here.  docs/rules.md section 10 lists the records.
 *
 * Firecracker's fingerprints are the guest's view through KVM, so bits KVM
 * drops (FB_CLEAR_CTRL, GDS_CTRL, TAA_NO without host RTM) or synthesises
 * (SKIP_VMENTRY_L1DFLUSH, PSCHANGE_MC_NO, GDS_NO, RFDS_NO, ITS_NO) are read
 * through KVM_SUPPORTED_ARCH_CAP and kvm_get_arch_capabilities() (6.1, 6.12
 * x86.c); a bit KVM passes through, such as RRSBA or TSX_CTRL_MSR, is the
 * host's own.
 */
#include <string.h>
#include "kmc/model.h"

#define F(x) KMC_F(x)
#define B(n) KMC_BIT(n)

/* 0x10a bit numbers, as in kmc/arch.h */
enum {
	RDCL_NO = 0, IBRS_ALL = 1, RSBA = 2, SKIP_L1DFL = 3, SSB_NO = 4,
	MDS_NO = 5, PSCHANGE_MC_NO = 6, TSX_CTRL = 7, TAA_NO = 8,
	SBDR_SSDP_NO = 13, FBSDP_NO = 14, PSDP_NO = 15, FB_CLEAR = 17,
	FB_CLEAR_CTRL = 18, RRSBA = 19, BHI_NO = 20, PBRSB_NO = 24,
	GDS_CTRL = 25, GDS_NO = 26, RFDS_NO = 27, RFDS_CLEAR = 28,
};

/* CPUID common to the Intel cores of a generation */
#define INTEL_CORE_BASE (F(SSE3) | F(MWAIT) | F(XSAVE) | F(AVX) | F(RDRAND) | \
			 F(APIC) | F(RDTSCP) | F(MOVBE) | F(FSGSBASE) | F(RDSEED) | \
			 F(SPEC_CTRL) | F(FLUSH_L1D) | F(MD_CLEAR))
#define INTEL_ATOM_BASE (F(SSE3) | F(MWAIT) | F(XSAVE) | F(RDRAND) | F(APIC) | \
			 F(RDTSCP) | F(MOVBE) | F(SPEC_CTRL) | F(MD_CLEAR))
#define AMD_ZEN_BASE	(F(SSE3) | F(MWAIT) | F(XSAVE) | F(AVX) | F(RDRAND) | \
			 F(APIC) | F(RDTSCP) | F(MOVBE) | F(FSGSBASE) | F(RDSEED) | \
			 F(AMD_IBPB))

#define INTEL(n, d, fam, mod, step, core, f, ac, rec) \
	{ n, d, KMC_VENDOR_INTEL, fam, mod, step, core, f, ac, 0, rec }
#define OTHER(n, d, v, fam, mod, step, f, rec) \
	{ n, d, v, fam, mod, step, KMC_CORE_TYPE_NONE, f, 0, 0, rec }
#define FC "Firecracker tests/data/cpu_template_helper/"
#define NONE "none found (Firecracker fingerprints and list mails searched); values unverified"

const struct kmc_cpu kmc_cpus[] = {
	/* ---- Intel big cores ---- */
	INTEL("skylake-sp", "Skylake-SP (SKYLAKE_X 06_55H stepping 4)", 6, 0x55, 4, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(ARCH_CAPABILITIES),
	      B(RSBA) | B(GDS_CTRL),
	      FC "fingerprint_INTEL_SKYLAKE_6.1host.json for CPUID; its MSR list has no 0x10a, so 0x10a: " NONE),
	INTEL("cascadelake", "Cascade Lake-SP (SKYLAKE_X 06_55H stepping 7)", 6, 0x55, 7, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(TSX_CTRL) |
	      B(SBDR_SSDP_NO) | B(PSDP_NO) | B(FB_CLEAR) | B(FB_CLEAR_CTRL) |
	      B(RRSBA) | B(GDS_CTRL),
	      FC "fingerprint_INTEL_CASCADELAKE_6.1host.json (microcode 0x5003604), plus what KVM drops"),
	INTEL("cooperlake", "Cooper Lake (SKYLAKE_X 06_55H stepping 11)", 6, 0x55, 11, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TSX_CTRL) | B(TAA_NO) | B(SBDR_SSDP_NO) | B(PSDP_NO) | B(FB_CLEAR) |
	      B(FB_CLEAR_CTRL) | B(RRSBA) | B(GDS_CTRL),
	      NONE),
	INTEL("icelake-client", "Ice Lake client (ICELAKE_L 06_7EH stepping 5)", 6, 0x7e, 5, 0,
	      INTEL_CORE_BASE | F(PKU) | F(RDPID) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(PSDP_NO) | B(FB_CLEAR) | B(FB_CLEAR_CTRL) | B(RRSBA) |
	      B(GDS_CTRL),
	      NONE " (RRSBA kept: unlike Ice Lake-SP there is no record to drop it)"),
	/* no RRSBA: both dumps read 0xc02a0eb and KVM passes RRSBA through */
	INTEL("icelake-server", "Ice Lake-SP (ICELAKE_X 06_6AH stepping 6)", 6, 0x6a, 6, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(RDPID) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TSX_CTRL) | B(TAA_NO) | B(SBDR_SSDP_NO) | B(PSDP_NO) | B(FB_CLEAR) |
	      B(FB_CLEAR_CTRL) | B(GDS_CTRL),
	      FC "fingerprint_INTEL_ICELAKE_6.1host.json (microcode 0xd0003b9) and _6.18host.json "
	      "(0xd000421): 0x10a 0xc02a0eb in the guest, plus what KVM drops"),
	INTEL("tigerlake", "Tiger Lake (TIGERLAKE_L 06_8CH stepping 1)", 6, 0x8c, 1, 0,
	      INTEL_CORE_BASE | F(PKU) | F(RDPID) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) | B(FB_CLEAR) |
	      B(FB_CLEAR_CTRL) | B(RRSBA) | B(GDS_CTRL),
	      NONE),
	INTEL("alderlake", "Alder Lake hybrid (ALDERLAKE 06_97H stepping 2), boot CPU a P-core", 6, 0x97, 2,
	      KMC_CORE_TYPE_CORE,
	      INTEL_CORE_BASE | F(HYBRID_CPU) | F(RDPID) | F(BHI_CTRL) | F(RRSBA_CTRL) |
	      F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) | B(RRSBA) |
	      B(GDS_NO) | B(RFDS_CLEAR),
	      NONE),
	INTEL("alderlake-p-only", "Alder Lake P-core-only die (ALDERLAKE 06_97H stepping 5), no HYBRID_CPU", 6, 0x97, 5,
	      KMC_CORE_TYPE_NONE,
	      INTEL_CORE_BASE | F(RDPID) | F(BHI_CTRL) | F(RRSBA_CTRL) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) | B(RRSBA) |
	      B(GDS_NO),
	      NONE),
	INTEL("raptorlake", "Raptor Lake hybrid (RAPTORLAKE 06_B7H stepping 1)", 6, 0xb7, 1,
	      KMC_CORE_TYPE_CORE,
	      INTEL_CORE_BASE | F(HYBRID_CPU) | F(RDPID) | F(BHI_CTRL) | F(RRSBA_CTRL) |
	      F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) | B(RRSBA) |
	      B(GDS_NO) | B(RFDS_CLEAR),
	      NONE),
	/* 0x10a: Firecracker's SPR dump 0xc08e0eb, plus TAA_NO that KVM drops on tsx=off */
	INTEL("sapphirerapids", "Sapphire Rapids (SAPPHIRERAPIDS_X 06_8FH stepping 8)", 6, 0x8f, 8, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(RDPID) | F(BHI_CTRL) |
	      F(RRSBA_CTRL) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TSX_CTRL) | B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) |
	      B(RRSBA) | B(GDS_NO) | B(RFDS_NO),
	      FC "fingerprint_INTEL_SAPPHIRE_RAPIDS_6.1host.json: 0x10a 0xc08e0eb in the guest"),
	INTEL("emeraldrapids", "Emerald Rapids (EMERALDRAPIDS_X 06_CFH stepping 2)", 6, 0xcf, 2, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(RDPID) | F(BHI_CTRL) |
	      F(RRSBA_CTRL) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TSX_CTRL) | B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) |
	      B(RRSBA) | B(GDS_NO) | B(RFDS_NO),
	      NONE),
	/*
	 * TSX_CTRL_MSR as in the dump (KVM passes it through); the MSR exists
	 * only on parts with TSX, so RTM/HLE are in its raw CPUID: the dump's
	 * host booted tsx=off (Kconfig default before 7.0), which hides them.
	 */
	INTEL("graniterapids", "Granite Rapids (GRANITERAPIDS_X 06_ADH stepping 1)", 6, 0xad, 1, 0,
	      INTEL_CORE_BASE | F(RTM) | F(HLE) | F(PKU) | F(RDPID) | F(BHI_CTRL) |
	      F(RRSBA_CTRL) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TSX_CTRL) | B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) |
	      B(RRSBA) | B(PBRSB_NO) | B(GDS_NO) | B(RFDS_NO),
	      FC "fingerprint_INTEL_GRANITE_RAPIDS_6.1host.json (microcode 0x10003e0): "
	      "0x10a 0x400000000d08e0eb in the guest, plus TAA_NO that KVM drops without host RTM"),
	/* ---- Intel Atom ---- */
	INTEL("silvermont", "Silvermont (ATOM_SILVERMONT 06_37H stepping 9), no 0x10a", 6, 0x37, 9, 0,
	      INTEL_ATOM_BASE & ~F(MOVBE), 0, NONE),
	INTEL("airmont-np", "Airmont NP (ATOM_AIRMONT_NP 06_75H stepping 10), no 0x10a", 6, 0x75, 10, 0,
	      INTEL_ATOM_BASE, 0, NONE),
	INTEL("goldmont", "Goldmont (ATOM_GOLDMONT 06_5CH stepping 9)", 6, 0x5c, 9, 0,
	      INTEL_ATOM_BASE | F(RDSEED) | F(FSGSBASE) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) | B(TAA_NO) |
	      B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO), NONE),
	INTEL("tremont", "Tremont (ATOM_TREMONT 06_96H stepping 1, Elkhart Lake)", 6, 0x96, 1, 0,
	      INTEL_ATOM_BASE | F(RDSEED) | F(FSGSBASE) | F(RDPID) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(FB_CLEAR) | B(FB_CLEAR_CTRL) | B(GDS_NO) | B(RFDS_CLEAR), NONE),
	INTEL("snowridge", "Tremont-D (ATOM_TREMONT_D 06_86H stepping 7, Snow Ridge)", 6, 0x86, 7, 0,
	      INTEL_ATOM_BASE | F(RDSEED) | F(FSGSBASE) | F(RDPID) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(FB_CLEAR) | B(FB_CLEAR_CTRL) | B(GDS_NO) | B(RFDS_CLEAR), NONE),
	INTEL("gracemont", "Gracemont (ATOM_GRACEMONT 06_BEH stepping 0, Alder Lake-N)", 6, 0xbe, 0,
	      KMC_CORE_TYPE_ATOM,
	      INTEL_ATOM_BASE | F(AVX) | F(RDSEED) | F(FSGSBASE) | F(RDPID) | F(BHI_CTRL) |
	      F(FLUSH_L1D) | F(ARCH_CAPABILITIES),
	      B(RDCL_NO) | B(IBRS_ALL) | B(SKIP_L1DFL) | B(MDS_NO) | B(PSCHANGE_MC_NO) |
	      B(TAA_NO) | B(SBDR_SSDP_NO) | B(FBSDP_NO) | B(PSDP_NO) | B(GDS_NO) |
	      B(RFDS_CLEAR), NONE),
	/* ---- AMD and Hygon: no MSR 0x10a in hardware ---- */
	OTHER("amd-k10", "AMD family 10h (K10, Istanbul)", KMC_VENDOR_AMD, 0x10, 0x08, 0,
	      F(SSE3) | F(MWAIT) | F(APIC) | F(RDTSCP), NONE),
	OTHER("amd-piledriver", "AMD family 15h (Piledriver, Opteron 6300)", KMC_VENDOR_AMD, 0x15, 0x02, 0,
	      F(SSE3) | F(MWAIT) | F(XSAVE) | F(AVX) | F(APIC) | F(RDTSCP) | F(AMD_IBPB), NONE),
	OTHER("epyc-naples", "AMD Zen 1 (EPYC 7001, family 17h model 01h)", KMC_VENDOR_AMD, 0x17, 0x01, 2,
	      AMD_ZEN_BASE, NONE),
	OTHER("epyc-rome", "AMD Zen 2 (EPYC 7002, family 17h model 31h)", KMC_VENDOR_AMD, 0x17, 0x31, 0,
	      AMD_ZEN_BASE | F(RDPID), NONE),
	OTHER("epyc-milan", "AMD Zen 3 (EPYC 7003, family 19h model 01h)", KMC_VENDOR_AMD, 0x19, 0x01, 1,
	      AMD_ZEN_BASE | F(RDPID) | F(PKU) | F(BTC_NO) | F(VERW_CLEAR),
	      FC "fingerprint_AMD_MILAN_6.1host.json for CPUID; VERW_CLEAR stands for TSA microcode"),
	OTHER("epyc-genoa", "AMD Zen 4 (EPYC 9004, family 19h model 11h)", KMC_VENDOR_AMD, 0x19, 0x11, 1,
	      AMD_ZEN_BASE | F(RDPID) | F(PKU) | F(BTC_NO) | F(AUTOIBRS) | F(AMD_IBPB_RET) |
	      F(VERW_CLEAR),
	      FC "fingerprint_AMD_GENOA_6.1host.json for CPUID; VERW_CLEAR stands for TSA microcode"),
	OTHER("epyc-turin", "AMD Zen 5 (EPYC 9005, family 1Ah model 02h)", KMC_VENDOR_AMD, 0x1a, 0x02, 1,
	      AMD_ZEN_BASE | F(RDPID) | F(PKU) | F(BTC_NO) | F(AUTOIBRS) | F(AMD_IBPB_RET) |
	      F(TSA_SQ_NO) | F(TSA_L1_NO), NONE),
	/* QEMU's TCG "EPYC" model as the emulated lab's L1 sees it (emulated-lab.md) */
	OTHER("qemu-epyc", "QEMU EPYC model under TCG (family 17h model 01h stepping 2, hypervisor)",
	      KMC_VENDOR_AMD, 0x17, 0x01, 2,
	      F(SSE3) | F(MWAIT) | F(XSAVE) | F(AVX) | F(APIC) | F(MOVBE) | F(FSGSBASE) |
	      F(RDSEED) | F(RDRAND) | F(HYPERVISOR),
	      "kmc's own QEMU lab: the L1's CPUID as booted (docs/lab.md)"),
	OTHER("hygon-dhyana", "Hygon Dhyana (family 18h model 00h)", KMC_VENDOR_HYGON, 0x18, 0x00, 1,
	      AMD_ZEN_BASE, NONE),
};
const unsigned int kmc_ncpus = sizeof(kmc_cpus) / sizeof(kmc_cpus[0]);

const struct kmc_cpu *kmc_cpu_find(const char *name)
{
	for (unsigned int i = 0; i < kmc_ncpus; i++)
		if (!strcmp(kmc_cpus[i].name, name))
			return &kmc_cpus[i];
	return NULL;
}

void kmc_host_from_cpu(struct kmc_host *h, const struct kmc_cpu *c)
{
	memset(h, 0, sizeof(*h));
	h->vendor = c->vendor;
	h->family = c->family;
	h->model = c->model;
	h->stepping = c->stepping;
	h->core_type = c->core_type;
	h->cpuid = c->cpuid;
	h->arch_cap = c->arch_cap;
	h->mcu_opt_ctrl = c->mcu_opt_ctrl;
	h->tsx = KMC_TSX_DEFAULT;
	h->smt = 1;
	h->ept = 1;
}
