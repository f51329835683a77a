/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tables harness/tools/source/extract.py extracted from a kernel tree
 * (ref/tables/linux-LINE.h), read as text: one KST_* line per fact
 * (docs/source-check.md).  The same files are compiled into ref.
 */
#ifndef KMC_SOURCE_TABLES_H
#define KMC_SOURCE_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include "kmc/scenario.h"

#define KST_ANY		(-1)	/* family or model: every one; vendor: every one */
#define KST_NOT_KMC	(-2)	/* a vendor kmc has no name for (NSC, VORTEX) */
#define KST_MAX_ROWS	128
#define KST_MAX_FLAGS	32
#define KST_MAX_BITS	64
#define KST_MAX_BUGS	128
#define KST_MAX_FILES	64
#define KST_NAME	40

struct kst_row {
	int vendor;		/* KMC_VENDOR_*, KST_ANY or KST_NOT_KMC */
	int family, model;	/* or KST_ANY */
	uint8_t step_min, step_max;
	uint32_t flags;		/* bit i = the table's flag[i] */
	unsigned int line;	/* in the data file */
};

struct kst_table {
	char flag[KST_MAX_FLAGS][KST_NAME];	/* common.c's names, without WL_/BL_ */
	unsigned int nflags;
	struct kst_row row[KST_MAX_ROWS];
	unsigned int nrows;
};

struct kst_named {
	char name[KST_NAME];	/* ARCH_CAP_ or X86_BUG_ suffix */
	unsigned int num;	/* bit, or X86_BUG() number */
	char shown[KST_NAME];	/* bugs: the /proc/cpuinfo name, "" if hidden */
};

struct kst_source {
	char path[256];
	char line[16], package[64], version[64];
	struct kmc_kver kver;			/* the release the package holds */
	struct kst_table table[2];		/* enum kmc_vuln_table */
	char kvm_ac[KST_MAX_BITS][KST_NAME];	/* KVM_SUPPORTED_ARCH_CAP terms */
	unsigned int nkvm_ac;
	struct kst_named ac[KST_MAX_BITS];	/* ARCH_CAP_* */
	unsigned int nac;
	struct kst_named bug[KST_MAX_BUGS];	/* X86_BUG_* */
	unsigned int nbug;
	char bug_unset[KST_MAX_BUGS][KST_NAME];	/* X86_BUG_* common.c never names */
	unsigned int nbug_unset;
	char file[KST_MAX_FILES][KST_NAME];	/* vulnerabilities files */
	unsigned int nfiles;
};

/* Read @path into @s.  0, or -1 with the reason ("FILE:LINE: ...") in @err. */
int kst_read(const char *path, struct kst_source *s, char *err, size_t errlen);

/* The flags of the first row of @t that matches the CPU (first match wins) */
uint32_t kst_match(const struct kst_table *t, int vendor, int family, int model, int stepping,
		   const struct kst_row **row);

/* Index of @name in the source's ARCH_CAP_* / X86_BUG_* list, or -1 */
int kst_find(const struct kst_named *list, unsigned int n, const char *name);

#endif
