/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of kmc (harness/run/kmc.c) kept in their own files: each
 * command returns kmc's exit status (docs: kmc --help).
 */
#ifndef KMC_CMD_H
#define KMC_CMD_H

#include <stddef.h>
#include "kmc/model.h"

/* "kmc: MESSAGE (kmc --help)" on stderr, @fmt with one %s for @arg; KTAP_EXIT_USAGE */
int kmc_usage(const char *fmt, const char *arg);
/* "MAJOR.MINOR.SUB", or "-" for a version not established */
void kmc_kver_str(struct kmc_kver v, char *buf, size_t len);

/* kmc_listings.c */
int kmc_cmd_decode(int argc, char **argv);
int kmc_cmd_profiles(void);
int kmc_cmd_profile_for(int argc, char **argv);
int kmc_cmd_cpus(void);
int kmc_cmd_fms(void);
int kmc_cmd_names(int argc, char **argv);

#endif
