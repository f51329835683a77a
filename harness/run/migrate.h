/* SPDX-License-Identifier: GPL-2.0 */
/* `kmc migrate`: what changes for a guest moved from host A to host B. */
#ifndef KMC_MIGRATE_H
#define KMC_MIGRATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct kmc_migrate_args {
	const char *from, *to;			/* `host` tokens, e.g. "cpu=sapphirerapids tsx=off" */
	const char *from_profile, *to_profile;	/* kernel profiles */
	int has_guest_ac, has_guest_cpuid;	/* else: the source KVM's values */
	uint64_t guest_ac, guest_cpuid;
	uint32_t variants;			/* KMC_VAR_* both kernels carry */
	/*
	 * The destination's VMM stores its own KVM's 0x10a and answers the
	 * guest's RDMSR(0x10a) with the guest's value from an MSR filter
	 * (lkml 000, Sean Christopherson's workaround)
	 */
	int answer_ac;
};

/*
 * Print the comparison on @out.  Returns 0 (nothing changes for the
 * guest), 1 (something does), or a negative errno with the reason in @err.
 */
int kmc_migrate(FILE *out, const struct kmc_migrate_args *a, char *err, size_t len);

#endif
