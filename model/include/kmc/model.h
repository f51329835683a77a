/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model: kmc's oracle.  Pure C, no I/O, no allocation in the
 * evaluation path.  Rules are decision tables and predicates, one file per
 * concern; docs/rules.md cites the source of each.
 */
#ifndef KMC_MODEL_H
#define KMC_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "kmc/scenario.h"

/* ---- profiles (model/profiles.c) ---------------------------------------- */

/* One kernel change that alters a behaviour kmc observes. */
struct kmc_flag_info {
	const char *name;	/* e.g. "immutable_feature_msrs" */
	const char *change;	/* commit id and subject, or the series */
	struct kmc_kver since;	/* upstream release that brought it */
	struct kmc_kver bp_6_1;	/* 6.1.y release that got it, 0.0.0 = never */
	struct kmc_kver bp_6_12; /* 6.12.y release that got it, 0.0.0 = never */
	const char *note;	/* what it changes, in a few words */
	/* why a release above is not established, or NULL when it is */
	const char *unsettled;
	/* releases of other stable lines (7.3.y, ...) that got it */
	struct kmc_kver bp_more[2];
	/* where bp_more is read: the Debian changelog entry or source */
	const char *bp_more_from;
};

/* How a profile is known (bits; 0 = from list mails and stable diffs only) */
enum {
	KMC_KNOWN_LAB = 1 << 0,		/* its kernel boots in the QEMU and Bochs labs */
	KMC_KNOWN_SOURCE = 1 << 1,	/* its Debian linux-source tree was read */
};

struct kmc_profile {
	const char *name;	/* "6.1", "7.2", ... as written in vectors */
	struct kmc_kver kver;	/* the release it stands for */
	const char *desc;
	uint64_t flags;		/* bit i = kmc_flags[i] is in this kernel */
	uint8_t tsx_default;	/* Kconfig TSX mode: KMC_TSX_ON/OFF/AUTO */
	uint8_t known;		/* KMC_KNOWN_* */
	const char *known_from;	/* the packages booted or read, or the sources */
};

extern const struct kmc_flag_info kmc_flags[];
extern const unsigned int kmc_nflags;
extern const unsigned int kmc_nprofiles;
/* Profile i (0 <= i < kmc_nprofiles, oldest first), or NULL */
const struct kmc_profile *kmc_profile_at(unsigned int i);

const struct kmc_profile *kmc_profile_find(const char *name);
/* Flag index by name, or -1 */
int kmc_flag_index(const char *name);
/* Whether release @kv has flag @i (from its since/backport releases) */
int kmc_flag_in_release(unsigned int i, struct kmc_kver kv);
int kmc_kver_cmp(struct kmc_kver a, struct kmc_kver b);
/*
 * Map a running kernel to a profile.  @release is `uname -r`, @version is
 * `uname -v` (Debian puts the real 6.1.y release there); either may be
 * NULL.  An unknown release maps to the nearest older profile and a
 * warning is written to @warn (empty string when the match is exact).
 * Returns NULL when the release cannot be parsed or is older than all
 * profiles (reason in @warn).
 */
const struct kmc_profile *kmc_profile_for_uname(const char *release,
						const char *version,
						char *warn, size_t warnlen);

/* ---- CPU catalog (model/cpu_catalog.c) ---------------------------------- */

struct kmc_cpu {
	const char *name;	/* e.g. "cascadelake", as written in vectors */
	const char *desc;	/* e.g. "Cascade Lake-SP (Xeon 2nd gen), 06_55H stepping 7" */
	uint8_t vendor, family, model, stepping, core_type;
	uint64_t cpuid;		/* KMC_F_* a typical part enumerates */
	uint64_t arch_cap;	/* a typical raw 0x10a with current microcode */
	uint64_t mcu_opt_ctrl;
	const char *record;	/* the public real-host record of its 0x10a and CPUID */
};

extern const struct kmc_cpu kmc_cpus[];
extern const unsigned int kmc_ncpus;
const struct kmc_cpu *kmc_cpu_find(const char *name);
/* Fill @h with the catalog CPU's defaults and the default command line. */
void kmc_host_from_cpu(struct kmc_host *h, const struct kmc_cpu *c);

/* ---- the tables `kmc source-check` compares with the kernel sources -------- */

/* The names of table @t's flags as common.c spells them, index = the model's bit */
const char *const *model_vuln_flag_names(enum kmc_vuln_table t, unsigned int *n);
/* The flags of the first row of table @t matching this CPU under profile @p (host_bugs.c) */
uint32_t model_vuln_match(const struct kmc_profile *p, enum kmc_vuln_table t, uint8_t vendor,
			  uint8_t family, uint8_t model, uint8_t stepping);
/* The KMC_BUG_* bits profile @p can set at all (host_bugs.c) */
uint64_t model_profile_bugs(const struct kmc_profile *p);
/* KVM_SUPPORTED_ARCH_CAP of profile @p (kvm_feature.c) */
uint64_t model_kvm_supported_arch_cap(const struct kmc_profile *p);
/* ---- the CPUs the host bug tables name (model/host_bugs.c) ------------- */

#define KMC_FMS_ANY 0xff
/*
 * A whitelist/blacklist entry's CPU match, or a Zen generation's model
 * range: vendor (KMC_FMS_ANY: any), family, models model_lo..model_hi
 * (0..0xff for any model), steppings 0..step_max (KMC_FMS_ANY: all).
 * vectors/gen.py (`kmc fms`) puts a vector on each, so that a table row
 * the vectors must notice is one a vector's CPU matches.
 */
struct kmc_fms_key {
	const char *table;	/* "whitelist", "blacklist", "zen" */
	uint8_t vendor, family, model_lo, model_hi, step_max;
};
/* Key @i (0 <= i < kmc_fms_nkeys()), or 0 when @i is out of range */
int kmc_fms_key_at(unsigned int i, struct kmc_fms_key *k);
unsigned int kmc_fms_nkeys(void);

/* ---- evaluation (model/eval.c) ------------------------------------------ */

/* The variants (KMC_VAR_*) the model implements; the others are ref's alone */
extern const uint32_t kmc_model_variants;

/*
 * Evaluate @s under profile @p, with the variants @s carries.  Fills all
 * of @o.  Returns 0, or -EINVAL for a scenario it cannot evaluate (one of
 * them a variant outside kmc_model_variants).
 */
int kmc_model_eval(const struct kmc_profile *p, const struct kmc_scenario *s,
		   struct kmc_obs *o);

#endif
