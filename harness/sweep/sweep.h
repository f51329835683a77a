/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kmc-run --sweep`: model against ref, in memory, over the full product of
 * the inputs that decide each rule.  The space is a list of planes; a plane
 * is a product of dimensions, each a small set of values for one decisive
 * input (a 0x10a bit or bit class, a CPUID bit, a command-line option, an
 * op in a sequence ...).  Scenario i of a plane is its mixed-radix digits.
 *
 * kmc-run removes "--sweep" from its arguments and calls kmc_sweep_main()
 * with the rest (argv[0] stays the program name).  It returns the process
 * exit status: 0 no disagreement, 1 disagreements, 2 usage error.
 */
#ifndef KMC_SWEEP_H
#define KMC_SWEEP_H

#include <stdint.h>
#include "kmc/model.h"

/* The scenario a plane builds, dimension by dimension */
struct sw_ctx {
	const struct kmc_profile *p;
	struct kmc_scenario s;
};

#define SW_NO_OP 0xff	/* an op alphabet entry that adds nothing */

struct sw_dim {
	const char *name;
	unsigned int n;		/* number of values */
	void (*apply)(struct sw_ctx *c, const struct sw_dim *d, unsigned int v);
	uint64_t mask;		/* bits the dimension owns (ac/cpuid dims) */
	const uint64_t *vals;	/* value v of a choice dimension */
	const struct kmc_op *ops;	/* value v of an op dimension */
	const char *const *cpus;	/* value v of a CPU dimension (catalog names) */
};

struct sw_plane {
	const char *name;
	const char *what;	/* which rules it decides */
	const struct sw_dim *const *dims;	/* NULL-terminated, applied in order */
};

/* harness/sweep/sweep_planes.c, NULL-terminated */
extern const struct sw_plane *const sw_planes[];

/* Scenarios in @pl (the product of its dimensions' sizes) */
uint64_t sw_plane_size(const struct sw_plane *pl);
/* Build scenario @i of @pl into @c */
void sw_plane_build(const struct sw_plane *pl, uint64_t i, struct sw_ctx *c);

int kmc_sweep_main(int argc, char **argv);

#endif
