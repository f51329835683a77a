/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ref: the reference implementation, written in the shape of the kernel
 * code paths (cpu_set_bug_bits, kvm_get_arch_capabilities, the MSR paths,
 * the CPUID-after-run check, vmx_update_fb_clear_dis, cpu_caps).  It is
 * independent of model/: it shares only the types of kmc/scenario.h.
 */
#ifndef KMC_REF_H
#define KMC_REF_H

#include <stdint.h>
#include "kmc/scenario.h"

/* Proposals from the seed threads (docs/rules.md §12), off by default */
#define REF_V_FB_CLEAR_SYNTH	KMC_VAR_FB_CLEAR_SYNTH	/* 000: KVM synthesises FB_CLEAR when invulnerable */
#define REF_V_VALIDATE_AC	KMC_VAR_VALIDATE_AC	/* 004: KVM validates userspace 0x10a writes */
#define REF_V_CAPS_AND		KMC_VAR_CAPS_AND	/* 003: cpu_caps = KVM & guest on an older kernel */
#define REF_V_VIRT_MSRS		KMC_VAR_VIRT_MSRS	/* 002: Intel virtual MSRs emulated by userspace */
#define REF_V_MD_CLEAR		KMC_VAR_MD_CLEAR	/* 001: FB_CLEAR_DIS honours the guest's MD_CLEAR */
#define REF_V_FORCE_SPEC_CTRL	KMC_VAR_FORCE_SPEC_CTRL	/* 002: KVM_CAP_FORCE_SPEC_CTRL */

struct ref_opts {
	struct kmc_kver kver;	/* the kernel release to behave like */
	uint32_t variants;	/* REF_V_*, on top of the scenario's own */
};

struct ref_variant_info {
	uint32_t bit;
	const char *name;	/* as given to kmc-run --variant */
	const char *thread;	/* lkml/NNN file it comes from */
	const char *summary;
};

/*
 * Evaluate @s as the kernel @o->kver would, with @o->variants applied.
 * Fills all of @out.  Returns 0, or -EINVAL for a scenario it cannot
 * evaluate (the reason is not printed: ref does no I/O).
 */
int ref_eval(const struct ref_opts *o, const struct kmc_scenario *s,
	     struct kmc_obs *out);

/*
 * What `kmc source-check` compares with the kernel sources: the flags of
 * the first row of common.c's table @t matching this CPU in release @v,
 * the names of those flags (index = ref's bit), the KMC_BUG_* bits release
 * @v can set, and its KVM_SUPPORTED_ARCH_CAP.
 */
uint32_t ref_vuln_match(struct kmc_kver v, enum kmc_vuln_table t, uint8_t vendor,
			uint8_t family, uint8_t model, uint8_t stepping);
const char *const *ref_vuln_flag_names(enum kmc_vuln_table t, unsigned int *n);
uint64_t ref_known_bugs(struct kmc_kver v);
uint64_t ref_kvm_supported_arch_cap(struct kmc_kver v);

/* The variants, terminated by an entry with name == NULL */
extern const struct ref_variant_info ref_variants[];

#endif
