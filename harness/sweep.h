/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kmc-run --sweep`: the lead's exhaustive sweep.  kmc-run removes
 * "--sweep" from its arguments and calls kmc_sweep_main() with the rest
 * (argv[0] stays the program name).  Returns the process exit status;
 * 2 means "not built" (harness/run-checks.sh skips the step then).
 */
#ifndef KMC_SWEEP_H
#define KMC_SWEEP_H

#define KMC_SWEEP_NOT_BUILT	2

int kmc_sweep_main(int argc, char **argv);

#endif
