/* SPDX-License-Identifier: GPL-2.0 */
/*
 * data/qemu/qemu-VERSION.txt: QEMU's named x86 CPU models as QEMU itself
 * reported them over QMP (harness/tools/qemu/gen-models.py, docs/qemu-models.md).
 */
#ifndef KMC_QEMU_DATA_H
#define KMC_QEMU_DATA_H

#include <stddef.h>
#include <stdint.h>

#define QD_NAME_MAX	64
#define QD_FEAT_MAX	128

/* One QEMU feature name kmc models */
struct qd_feature {
	char qemu[QD_NAME_MAX];		/* "fb-clear" */
	int arch_cap;			/* 1: an MSR 0x10a bit, 0: a CPUID feature */
	uint64_t mask;			/* KMC_AC_* or KMC_F(...) */
};

struct qd_model {
	char name[QD_NAME_MAX];
	char alias_of[QD_NAME_MAX];	/* "" unless an unversioned alias */
	char vendor[16];		/* "GenuineIntel" */
	unsigned int family, model, stepping;
	uint64_t arch_cap;		/* KMC_AC_* the model sets */
	uint64_t cpuid;			/* KMC_F_* the model sets (those QEMU and kmc both name) */
	unsigned int other;		/* its feature bits kmc does not model */
	int deprecated;
};

struct qd_data {
	char version[32];		/* "7.2.22" */
	unsigned int major, minor, micro;
	char package[96];		/* "Debian 1:7.2+dfsg-7+deb12u18+b3" */
	unsigned int nfeat;
	struct qd_feature feat[QD_FEAT_MAX];
	unsigned int nmodels;
	struct qd_model *models;
};

/* Read @path; 0, or -errno with "PATH:LINE: why" in @err */
int qd_read(const char *path, struct qd_data *d, char *err, size_t len);
void qd_free(struct qd_data *d);

/* QEMU's name for a kmc bit (@arch_cap: of 0x10a), or NULL */
const char *qd_qemu_name(const struct qd_data *d, int arch_cap, uint64_t mask);

#endif
