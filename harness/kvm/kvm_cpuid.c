// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID tables in KVM's format: which KMC_F_* features a table has
 * (KVM_GET_SUPPORTED_CPUID, KVM_GET_EMULATED_CPUID) and a guest table
 * with exactly a given feature set (`op set_cpuid F`, docs/observations.md).
 * The feature locations are kmc_feat_loc[] (harness/names/names.c).
 */
#include <stdlib.h>
#include <string.h>
#include "kvmlib.h"
#include "names.h"

static size_t table_size(uint32_t nent)
{
	return sizeof(struct kvm_cpuid2) + nent * sizeof(struct kvm_cpuid_entry2);
}

struct kvm_cpuid_entry2 *kmc_cpuid_find(struct kvm_cpuid2 *t, uint32_t leaf, uint32_t subleaf)
{
	for (uint32_t i = 0; i < t->nent; i++) {
		struct kvm_cpuid_entry2 *e = &t->entries[i];

		if (e->function != leaf)
			continue;
		if ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && e->index != subleaf)
			continue;
		return e;
	}
	return NULL;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, uint8_t reg)
{
	switch (reg) {
	case KMC_EAX: return &e->eax;
	case KMC_EBX: return &e->ebx;
	case KMC_ECX: return &e->ecx;
	default: return &e->edx;
	}
}

uint64_t kmc_cpuid_features(const struct kvm_cpuid2 *t)
{
	uint64_t feats = 0;

	for (unsigned int f = 0; f < KMC_F_NR; f++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[f];
		struct kvm_cpuid_entry2 *e = kmc_cpuid_find((struct kvm_cpuid2 *)t, l->leaf, l->subleaf);

		if (e && (*reg_of(e, l->reg) >> l->bit & 1))
			feats |= KMC_BIT(f);
	}
	return feats;
}

struct kvm_cpuid2 *kmc_cpuid_dup(const struct kvm_cpuid2 *t)
{
	struct kvm_cpuid2 *d = malloc(table_size(t->nent));

	if (d)
		memcpy(d, t, table_size(t->nent));
	return d;
}

/* Leaves whose subleaf is significant (KVM sets the flag for these) */
static int significant_index(uint32_t leaf)
{
	return leaf == 0x4 || leaf == 0x7 || leaf == 0xb || leaf == 0xd || leaf == 0xf ||
	       leaf == 0x10 || leaf == 0x12 || leaf == 0x14 || leaf == 0x17 || leaf == 0x18 ||
	       leaf == 0x1d || leaf == 0x1e || leaf == 0x1f || leaf == 0x24 || leaf == 0x8000001d;
}

/* Raise the maximum basic or extended leaf so that @leaf is reachable */
static void cover_leaf(struct kvm_cpuid2 *t, uint32_t leaf)
{
	uint32_t top = leaf & 0x80000000u;
	struct kvm_cpuid_entry2 *max = kmc_cpuid_find(t, top, 0);

	if (max && max->eax < leaf)
		max->eax = leaf;
}

struct kvm_cpuid2 *kmc_cpuid_table(const struct kvm_cpuid2 *base, uint64_t feats)
{
	struct kvm_cpuid2 *t = malloc(table_size(base->nent + KMC_F_NR));

	if (!t)
		return NULL;
	memcpy(t, base, table_size(base->nent));
	for (unsigned int f = 0; f < KMC_F_NR; f++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[f];
		int on = (feats >> f) & 1;
		struct kvm_cpuid_entry2 *e = kmc_cpuid_find(t, l->leaf, l->subleaf);

		/*
		 * A leaf of a modelled feature is always there, if only as
		 * zeros: a guest CPUID beyond the maximum leaf would read
		 * another leaf's data on Intel (KVM's out-of-range rule).
		 */
		if (!e) {
			e = &t->entries[t->nent++];
			memset(e, 0, sizeof(*e));
			e->function = l->leaf;
			e->index = l->subleaf;
			if (significant_index(l->leaf))
				e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
			cover_leaf(t, l->leaf);
			if (l->leaf == 7 && l->subleaf) {
				struct kvm_cpuid_entry2 *s0 = kmc_cpuid_find(t, 7, 0);

				if (s0 && s0->eax < l->subleaf)
					s0->eax = l->subleaf;
			}
		}
		if (on)
			*reg_of(e, l->reg) |= 1u << l->bit;
		else
			*reg_of(e, l->reg) &= ~(1u << l->bit);
	}
	return t;
}
