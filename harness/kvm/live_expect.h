/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `host live` records on a backend that knows the machine (the kvm
 * backend): the model, evaluated on the backend's view of this host,
 * supplies the record's open expectations (docs/kvm-backend.md).
 */
#ifndef KMC_LIVE_EXPECT_H
#define KMC_LIVE_EXPECT_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"

/*
 * Every `expect KEY` of @r without a value and every op without
 * `-> RESULT`, from the model evaluated on the host and profile that
 * @be's live() gives for @r, with the variants the running kernel
 * carries (@kvariants, --kernel-variant).  Bits @be could not observe
 * are cleared in both the expectation and @obs, each named in @notes
 * (one per line).  @lr is a shallow copy of @r with the expectations
 * filled in.  0, KMC_BE_SKIP or -errno, with the reason in @why.
 */
int kmc_live_expect(const struct kmc_backend *be, void *ctx, uint32_t kvariants,
		    const struct kmv_record *r, struct kmv_record *lr, struct kmc_obs *obs,
		    char *notes, size_t nlen, char *why, size_t len);

#endif
