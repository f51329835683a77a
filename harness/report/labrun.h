/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the report knows about an emulated lab's results directory
 * (results/lab/<YYYYmmdd-HHMMSS>_<name>/, docs/lab.md): which lab and
 * kernel from the name, the kernel package and the timing from the lab's
 * own summary.txt, and the matrix row of each of its tests.
 */
#ifndef KR_LABRUN_H
#define KR_LABRUN_H

#include <stddef.h>
#include <time.h>

struct kr_labrun {
	int is_lab;		/* named <stamp>_<name>; the fields below are set */
	char kind[8];		/* "qemu" or "vmx" (the name starts with "vmx-") */
	char stamp[20];		/* the lab run's start, YYYYmmdd-HHMMSS (local time) */
	char name[128];		/* "6.1", "vmx-6.1": the baseline's name */
	char kernel[64];	/* "6.1" */
	char release[256];	/* "6.1.0-57-amd64 (linux-image-6.1.0-57-amd64=6.1.192-3)", or "" */
	char mode[64];		/* "full matrix", "smoke", ... (summary.txt "run:"), or "" */
	time_t started;		/* from the stamp; 0 if it does not parse */
	time_t finished;	/* summary.txt's (else lab.ktap's) modification time; 0 unknown */
	unsigned int nboots;	/* summary.txt "boot ..." lines */
	double boot_wall, boot_cpu;	/* their seconds summed (cpu 0: not recorded) */
	char steps[512];	/* summary.txt "time STEP N s" lines: "fetch 13.0 s, kmod 33.7 s" */
};

/* Fill @l from the directory @dir (never fails: is_lab 0 when it is not a lab's) */
void kr_labrun_read(const char *dir, struct kr_labrun *l);

/* "Bochs VMX lab" / "QEMU lab" */
const char *kr_labrun_title(const char *kind);

/*
 * The lab matrix's row of test @name run on @kernel: the lab's prefix
 * ("lab.K." or "vmx.K.") dropped, then the configuration or layer it
 * belongs to (docs/results.md "The report").  @kernel NULL: the prefix is
 * a word and the numeric components after it ("vmx.6.12.").
 */
void kr_lab_row(const char *name, const char *kernel, char *row, size_t len);

#endif
