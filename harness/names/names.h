/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of everything a vector file or a report spells out: vendors,
 * CPUID features (with their hardware locations), MSR 0x10a bits, bugs,
 * ops, exit reasons, errnos, ...  Constants and converters only.
 *
 * A name table is indexed by bit (or enum) number; a NULL entry is an
 * unnamed bit.  Lists are written `a,b,c` in table order, `-` when empty.
 */
#ifndef KMC_NAMES_H
#define KMC_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "kmc/scenario.h"

struct kmc_names {
	const char *what;		/* "feature", "bug", ... for messages */
	unsigned int n;			/* entries in names[] */
	const char *const *names;	/* index = bit or enum value */
};

extern const struct kmc_names kmc_vendor_names;	/* enum kmc_vendor */
extern const struct kmc_names kmc_feat_names;	/* enum kmc_feat (bits) */
extern const struct kmc_names kmc_ac_names;	/* MSR 0x10a bits */
extern const struct kmc_names kmc_bug_names;	/* enum kmc_bug (bits) */
extern const struct kmc_names kmc_op_names;	/* enum kmc_op_kind */
extern const struct kmc_names kmc_exit_names;	/* KMC_MSR_EXIT_* (bits) */
extern const struct kmc_names kmc_l1tf_vmx_names; /* enum kmc_l1tf_vmx */
extern const struct kmc_names kmc_hs_names;	/* KMC_HS_* (bits) */
extern const struct kmc_names kmc_finding_names; /* obs.findings (bits) */
extern const struct kmc_names kmc_variant_names; /* KMC_VAR_* (bits) */
extern const struct kmc_names kmc_quirk_names;	/* KMC_KVM_QUIRK_* (bits) */
extern const struct kmc_names kmc_cr4_names;	/* KMC_CR4_* (bits) */
extern const struct kmc_names kmc_core_names;	/* none, atom, core */
extern const struct kmc_names kmc_tsx_names;	/* enum kmc_tsx_opt */
extern const struct kmc_names kmc_gds_names;	/* enum kmc_gds_opt */
extern const struct kmc_names kmc_l1tf_names;	/* enum kmc_l1tf_opt */
extern const struct kmc_names kmc_l1d_names;	/* enum kmc_l1d_param */

/* Where a KMC_F_* feature lives in CPUID, for the KVM backend */
enum kmc_reg { KMC_EAX, KMC_EBX, KMC_ECX, KMC_EDX };

struct kmc_feat_loc {
	uint32_t leaf, subleaf;
	uint8_t reg;		/* enum kmc_reg */
	uint8_t bit;
};

extern const struct kmc_feat_loc kmc_feat_loc[KMC_F_NR];
extern const char *const kmc_reg_names[4];	/* "EAX", ... */

/* Core types are CPUID.1A values, not indices */
int kmc_core_type_parse(const char *s);		/* KMC_CORE_TYPE_* or -1 */
const char *kmc_core_type_name(uint8_t t);	/* NULL if not one of them */

/* Name of entry @i, NULL if out of range or unnamed */
const char *kmc_name(const struct kmc_names *t, unsigned int i);
/* Index of @s in @t, or -1 */
int kmc_name_index(const struct kmc_names *t, const char *s);

/*
 * Parse a list `a,b,c` or `-` into a bit set.  Unnamed bits may be written
 * `bitN`.  Returns 0, or -EINVAL with the reason in @err (e.g. "unknown
 * feature 'x' (see kmc names features)").
 */
int kmc_list_parse(const struct kmc_names *t, const char *s, uint64_t *out,
		   char *err, size_t errlen);
/*
 * Format @v as a list in table order, `-` if empty.  Like snprintf:
 * returns the length the full text needs.
 */
int kmc_list_format(const struct kmc_names *t, uint64_t v, char *buf,
		    size_t len);

/* "EINVAL" for EINVAL, NULL if not in the table */
const char *kmc_errno_name(int e);
/* Positive errno for "EINVAL" or a decimal number, -1 if neither */
int kmc_errno_parse(const char *s);

/*
 * Parse a decimal or 0x-hexadecimal number of up to 64 bits, the whole
 * string.  Returns 0, -EINVAL (not a number) or -ERANGE (too big).
 */
int kmc_parse_u64(const char *s, uint64_t *v);

#endif
