/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host given on the command line as the tokens of a vector's `host` line
 * ("cpu=sapphirerapids tsx=off", or explicit vendor/fms/arch_cap ...) and a
 * kernel profile, read like a vector record and asked of the model.  Used
 * by `kmc migrate` and `kmc qemu-models`.
 */
#ifndef KMC_HOSTSPEC_H
#define KMC_HOSTSPEC_H

#include <stddef.h>
#include <stdint.h>
#include "kmv.h"

struct kmc_hostspec {
	const char *what;		/* names the argument in errors: "source", "host" */
	struct kmv_file f;
	const struct kmv_record *r;	/* the one record: host, profile */
};

/* Read @host under @profile; a negative errno with the reason in @err */
int kmc_hostspec_read(struct kmc_hostspec *s, const char *host, const char *profile, char *err,
		      size_t len);
void kmc_hostspec_free(struct kmc_hostspec *s);

/* What the model says of the plain host: KVM's 0x10a and CPUID, its bugs */
int kmc_hostspec_view(const struct kmc_hostspec *s, struct kmc_obs *o);

/*
 * A guest on this host as a VMM configures it: KVM_SET_CPUID2 with @cpuid,
 * KVM_SET_MSRS(0x10a) with @ac, then a guest VERW (res[0..2])
 */
int kmc_hostspec_guest(const struct kmc_hostspec *s, uint64_t cpuid, uint64_t ac,
		       struct kmc_obs *o);

#endif
