/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live host: the machine kmc-run runs on, read into the model's
 * struct kmc_host, with where each fact came from (a later results writer
 * puts that into run.json; kmc_live_host_print() shows it).
 *
 * Sources, best first:
 *   vendor, family/model/stepping, CPUID bits  the cpuid instruction
 *   MSR 0x10a, 0x123                           /dev/kmc (kmod), else /dev/cpu/0/msr,
 *                                              else unknown (passthrough bits undecided)
 *   bug bits, kernel-kept CPUID flags          /proc/cpuinfo
 *   kernel release -> profile                  uname -r, uname -v
 *   command line                               /proc/cmdline
 *   ignore_msrs, vmentry_l1d_flush, ept        /sys/module/kvm{,_intel}/parameters
 * The parsers take text, so the tests feed them files of other machines.
 */
#ifndef KMC_LIVE_HOST_H
#define KMC_LIVE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kmc/model.h"

enum kmc_src {
	KMC_SRC_UNKNOWN,	/* could not be read: see the note */
	KMC_SRC_CPUID,		/* the cpuid instruction */
	KMC_SRC_KMOD,		/* /dev/kmc */
	KMC_SRC_MSR,		/* /dev/cpu/0/msr */
	KMC_SRC_PROCFS,		/* /proc/cpuinfo, /proc/cmdline */
	KMC_SRC_SYSFS,		/* /sys/module/..., /sys/devices/system/cpu/... */
	KMC_SRC_UNAME,		/* uname(2) */
	KMC_SRC_DEFAULT,	/* not set anywhere: the kernel's default */
	KMC_SRC_NA,		/* does not apply on this host (e.g. no CPUID bit) */
	KMC_SRC_NR
};

extern const char *const kmc_src_names[KMC_SRC_NR];

/* The facts, each with a source and a note (the file it came from, or why not) */
enum kmc_fact {
	KMC_FACT_CPU,		/* vendor, family, model, stepping, core type */
	KMC_FACT_CPUID,		/* host.cpuid */
	KMC_FACT_ARCH_CAP,	/* host.arch_cap */
	KMC_FACT_MCU_OPT_CTRL,	/* host.mcu_opt_ctrl */
	KMC_FACT_BUGS,		/* bugs line */
	KMC_FACT_FLAGS,		/* flags line */
	KMC_FACT_KERNEL,	/* release, version, profile */
	KMC_FACT_CMDLINE,	/* mitigations=, tsx=, ... */
	KMC_FACT_SMT,		/* host.smt */
	KMC_FACT_IGNORE_MSRS,	/* host.ignore_msrs */
	KMC_FACT_L1D_FLUSH,	/* host.l1d_flush */
	KMC_FACT_EPT,		/* host.ept */
	KMC_FACT_HOST_STATE,	/* kmod: CLEAR_CPU_BUF* and gds_ucode_mitigated */
	KMC_FACT_L1TF_VMX,	/* kmod, or kvm_intel's vmentry_l1d_flush, or inferred */
	KMC_FACT_SYSFS,		/* vulnerabilities/{mds,tsx_async_abort,mmio_stale_data} */
	KMC_FACT_NR
};

extern const char *const kmc_fact_names[KMC_FACT_NR];

struct kmc_fact_src {
	uint8_t src;		/* enum kmc_src */
	char note[160];
};

struct kmc_live_host {
	struct kmc_host host;			/* the scenario's host part */
	const struct kmc_profile *profile;	/* NULL: no profile fits (see profile_warn) */
	char release[128], version[256];
	char profile_warn[256];
	/* /proc/cpuinfo of cpu 0 */
	uint64_t bugs;				/* KMC_BUG_* named in the bugs line */
	char unknown_bugs[256];			/* names kmc does not know, space separated */
	uint64_t flags;				/* KMC_F_* named in the flags line */
	uint64_t flags_visible;			/* KMC_F_* that /proc/cpuinfo can name at all */
	/* the raw MSRs; arch_cap_known = 0: passthrough bits undecided */
	int arch_cap_known;
	/* kmod facts */
	int kmod;				/* /dev/kmc was read */
	uint32_t host_state;			/* KMC_HS_* (valid if kmod) */
	uint32_t host_state_known;		/* which KMC_HS_* bits kmod could tell */
	int l1tf_vmx;				/* enum kmc_l1tf_vmx, -1 unknown */
	char sysfs_mds[KMC_SYSFS_MAX], sysfs_taa[KMC_SYSFS_MAX], sysfs_mmio[KMC_SYSFS_MAX];
	int sysfs_ok;				/* all three files read */
	char vendor_module[32];			/* kvm_intel, kvm_amd, ... */
	struct kmc_fact_src src[KMC_FACT_NR];
};

/* Where the reader looks; NULL members mean the real files */
struct kmc_live_paths {
	const char *root;	/* prefix for /proc, /sys and /dev paths ("" = /) */
	const char *kmc_dev;	/* default ROOT/dev/kmc */
	int no_cpuid;		/* tests: do not execute cpuid, leave host.cpu as given */
};

/*
 * Read the live host.  Never fails for a missing source (it is recorded);
 * returns -errno only for harness trouble (out of memory).
 */
int kmc_live_host_read(struct kmc_live_host *lh, const struct kmc_live_paths *paths,
		       char *msg, size_t len);
/* Every fact with its source: @fact(arg, "arch_cap", "0x0", "n/a", "CPUID.7.0:EDX[29] = 0 ...") */
void kmc_live_host_facts(const struct kmc_live_host *lh,
			 void (*fact)(void *arg, const char *key, const char *value,
				      const char *source, const char *note),
			 void *arg);
/* The same, one "KEY: VALUE [SOURCE: NOTE]" per line, each starting with @prefix */
void kmc_live_host_print(FILE *out, const struct kmc_live_host *lh, const char *prefix);

/* ---- parsers (live_parse.c), for the reader and the tests -------------- */

/* The cpuid instruction into @h (vendor, family, model, stepping, core type, cpuid) */
void kmc_live_cpuid(struct kmc_host *h);
/* Vendor from the 12-byte CPUID vendor string */
uint8_t kmc_vendor_from_string(const char *s);
/* family/model/stepping from CPUID.1:EAX, as the kernel computes them */
void kmc_fms_from_eax(uint32_t eax, uint8_t *family, uint8_t *model, uint8_t *stepping);

/*
 * /proc/cpuinfo text: the first processor's `bugs` and `flags` lines.
 * Unknown bug names go to @unknown (space separated).  Returns 0, or
 * -ENOENT when a line is missing.
 */
int kmc_parse_cpuinfo(const char *text, uint64_t *bugs, uint64_t *flags,
		      char *unknown, size_t ulen);
/* The KMC_F_* that /proc/cpuinfo names (some are never printed) */
uint64_t kmc_cpuinfo_visible(void);
/*
 * /proc/cmdline text into @h's command-line fields; what it set in @note.
 * @release: the running kernel's uname -r (NULL: unknown), which decides
 * whether clearcpuid= names features (kmc_clearcpuid_takes_names)
 */
void kmc_parse_cmdline(const char *text, const char *release, struct kmc_host *h, char *note,
		       size_t len);
bool kmc_clearcpuid_takes_names(const char *release);
/*
 * kmod facts (docs/kmod.md "Facts format", kmc.format 1): call for each
 * line; fills what it knows into @lh.  Returns 1 if the line was used.
 */
int kmc_parse_kmod_fact(const char *line, struct kmc_live_host *lh);
/* A kvm_intel vmentry_l1d_flush value ("cond", "not required", ...) as enum kmc_l1tf_vmx, -1 */
int kmc_parse_l1tf_vmx(const char *s);
/* A bool module parameter ("Y", "N", "1", "0"), -1 if neither */
int kmc_parse_param_bool(const char *s);

#endif
