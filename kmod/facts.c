// SPDX-License-Identifier: GPL-2.0
/*
 * kmc: the facts. Every line is "key value" or "key value detail"; the
 * value is one token. docs/kmod.md is the reference for the keys.
 *
 *   absent       the target kernel does not have this flag/key at all
 *   unavailable  the kernel has it but kmc cannot read it; detail says why
 *   fault        the MSR read raised #GP
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <generated/utsrelease.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "compat.h"
#include "kmc.h"

/* ------------------------------------------------------------ flags */

struct kmc_flag {
	const char *name;
	int bit;		/* -1: absent in the target kernel */
};

#define KMC_FEATURE(n, b)	{ .name = #n, .bit = (b) },
#define KMC_VULN(n, b)		{ .name = #n, .bit = (b) },
#define KMC_ABSENT(n)		{ .name = #n, .bit = -1 },

static const struct kmc_flag kmc_features[] = {
#define KMC_FEATURES
#include "flags.h"
#undef KMC_FEATURES
};

static const struct kmc_flag kmc_bugs[] = {
#define KMC_VULNS
#include "flags.h"
#undef KMC_VULNS
};

#undef KMC_FEATURE
#undef KMC_VULN
#undef KMC_ABSENT

static void kmc_show_flags(struct seq_file *m, const char *prefix,
			   const struct kmc_flag *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].bit < 0)
			seq_printf(m, "%s.%s absent\n", prefix, f[i].name);
		else
			seq_printf(m, "%s.%s %d\n", prefix, f[i].name,
				   boot_cpu_has(f[i].bit) ? 1 : 0);
	}
}

/* ------------------------------------------ kernel mitigation state */

/*
 * KMC_EXPORT_<sym> comes from Kbuild: 1 if Module.symvers of the target
 * kernel exports <sym> to any module, 2 if only inside a symbol namespace
 * (7.2's EXPORT_SYMBOL_FOR_KVM limits some to kvm, kvm-amd, kvm-intel),
 * 0 if not exported or unknown.
 */
static void __maybe_unused kmc_show_unexported(struct seq_file *m, const char *key, int how)
{
	if (how == 2)
		seq_printf(m, "%s unavailable export-restricted-to-kvm\n", key);
	else
		seq_printf(m, "%s unavailable not-exported\n", key);
}

#if KMC_EXPORT_l1tf_vmx_mitigation == 1
static const char *kmc_l1d_flush_name(int state)
{
	switch (state) {
	case VMENTER_L1D_FLUSH_AUTO:		return "auto";
	case VMENTER_L1D_FLUSH_NEVER:		return "never";
	case VMENTER_L1D_FLUSH_COND:		return "cond";
	case VMENTER_L1D_FLUSH_ALWAYS:		return "always";
	case VMENTER_L1D_FLUSH_EPT_DISABLED:	return "ept_disabled";
	case VMENTER_L1D_FLUSH_NOT_REQUIRED:	return "not_required";
	}
	return NULL;
}
#endif

static void kmc_show_l1tf_vmx(struct seq_file *m)
{
#if KMC_EXPORT_l1tf_vmx_mitigation == 1
	int state = READ_ONCE(l1tf_vmx_mitigation);
	const char *name = kmc_l1d_flush_name(state);

	if (name)
		seq_printf(m, "l1tf_vmx_mitigation %s\n", name);
	else
		seq_printf(m, "l1tf_vmx_mitigation unknown:%d\n", state);
#else
	kmc_show_unexported(m, "l1tf_vmx_mitigation",
			    KMC_EXPORT_l1tf_vmx_mitigation);
#endif
}

static void kmc_show_gds(struct seq_file *m)
{
#if KMC_EXPORT_gds_ucode_mitigated == 1
	seq_printf(m, "gds_ucode_mitigated %d\n", gds_ucode_mitigated() ? 1 : 0);
#else
	kmc_show_unexported(m, "gds_ucode_mitigated",
			    KMC_EXPORT_gds_ucode_mitigated);
#endif
}

/* Static keys KVM reads before VM-entry (MMIO Stale Data VERW). */
static void kmc_show_keys(struct seq_file *m)
{
#if !KMC_DECL_mmio_stale_data_clear
	seq_puts(m, "key.mmio_stale_data_clear absent\n");
#elif KMC_EXPORT_mmio_stale_data_clear == 1
	seq_printf(m, "key.mmio_stale_data_clear %d\n",
		   static_key_enabled(&mmio_stale_data_clear) ? 1 : 0);
#else
	kmc_show_unexported(m, "key.mmio_stale_data_clear",
			    KMC_EXPORT_mmio_stale_data_clear);
#endif
#if !KMC_DECL_cpu_buf_vm_clear
	seq_puts(m, "key.cpu_buf_vm_clear absent\n");
#elif KMC_EXPORT_cpu_buf_vm_clear == 1
	seq_printf(m, "key.cpu_buf_vm_clear %d\n",
		   static_key_enabled(&cpu_buf_vm_clear) ? 1 : 0);
#else
	kmc_show_unexported(m, "key.cpu_buf_vm_clear",
			    KMC_EXPORT_cpu_buf_vm_clear);
#endif
}

/* ------------------------------------------------------------- MSRs */

/* The only MSRs kmc reads; all read-only here, with the safe accessors. */
static const u32 kmc_msrs[] = {
	MSR_IA32_ARCH_CAPABILITIES,	/* 0x10a */
	MSR_IA32_TSX_CTRL,		/* 0x122 */
	MSR_IA32_MCU_OPT_CTRL,		/* 0x123 */
};

static void kmc_show_msr(struct seq_file *m, unsigned int cpu, u32 msr)
{
	u64 val;
	int err;

	err = rdmsrq_safe_on_cpu(cpu, msr, &val);
	if (!err)
		seq_printf(m, "msr.cpu%u.0x%x 0x%016llx\n", cpu, msr, val);
	else if (err == -EIO)
		seq_printf(m, "msr.cpu%u.0x%x fault\n", cpu, msr);
	else
		seq_printf(m, "msr.cpu%u.0x%x unavailable error:%d\n", cpu, msr, err);
}

static void kmc_show_msrs(struct seq_file *m)
{
	unsigned int cpu;
	size_t i;

	cpus_read_lock();
	seq_printf(m, "cpu.online %u\n", num_online_cpus());
	for_each_online_cpu(cpu) {
		for (i = 0; i < ARRAY_SIZE(kmc_msrs); i++)
			kmc_show_msr(m, cpu, kmc_msrs[i]);
	}
	cpus_read_unlock();
}

/* ------------------------------------------------------------ the rest */

static void kmc_show_kernel(struct seq_file *m)
{
	seq_printf(m, "kmc.format %d\n", KMC_FORMAT);
	seq_printf(m, "kmc.built_for %s\n", UTS_RELEASE);
	seq_printf(m, "kernel.release %s\n", init_utsname()->release);
	seq_printf(m, "kernel.version %s\n", KMC_KERNEL_VERSION);
}

static void kmc_show_cpu(struct seq_file *m)
{
	const struct cpuinfo_x86 *c = &boot_cpu_data;

	seq_printf(m, "cpu.vendor %s\n", c->x86_vendor_id[0] ? c->x86_vendor_id : "unknown");
	seq_printf(m, "cpu.family 0x%x\n", c->x86);
	seq_printf(m, "cpu.model 0x%x\n", c->x86_model);
	seq_printf(m, "cpu.stepping 0x%x\n", c->x86_stepping);
	seq_printf(m, "cpu.microcode 0x%x\n", c->microcode);
}

static void kmc_show_last_error(struct seq_file *m, struct kmc *k)
{
	if (!k->last_err)
		seq_puts(m, "kmc.last_error 0\n");
	else
		seq_printf(m, "kmc.last_error %d %s\n", k->last_err, k->last_msg);
}

void kmc_show_facts(struct seq_file *m, struct kmc *k)
{
	kmc_show_kernel(m);
	kmc_show_last_error(m, k);
	kmc_show_cpu(m);
	kmc_show_flags(m, "feature", kmc_features, ARRAY_SIZE(kmc_features));
	kmc_show_flags(m, "bug", kmc_bugs, ARRAY_SIZE(kmc_bugs));
	kmc_show_keys(m);
	kmc_show_l1tf_vmx(m);
	kmc_show_gds(m);
	kmc_show_msrs(m);
	kmc_vmx_show(m, &k->vmx);
	kmc_verw_show(m, &k->verw);
}
