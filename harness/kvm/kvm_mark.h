/* SPDX-License-Identifier: GPL-2.0 */
/* Vector markers for an emulated host (kvm_mark.c) */
#ifndef KMC_KVM_MARK_H
#define KMC_KVM_MARK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmxwatch.h"

struct kmc_mark {
	int on;
	int fd;			/* /dev/cpu/0/msr */
	unsigned long msr;	/* KMC_KVM_MARK_MSR */
	FILE *log;		/* KMC_KVM_MARK_LOG */
	unsigned int n;		/* markers written */
};

/* From the environment; 0 (also when unset), or -errno with the reason */
int kmc_mark_open(struct kmc_mark *m, char *msg, size_t len);
/* The next vector's marker; 0 or -errno */
int kmc_mark_next(struct kmc_mark *m, char *msg, size_t len);
/* The log line of the current marker: @f's vCPU table, or NULL: no watched VM */
void kmc_mark_log(struct kmc_mark *m, const char *id, const struct kmc_dev_facts *f);
/* The closing marker (255), files closed */
void kmc_mark_close(struct kmc_mark *m);

#endif
