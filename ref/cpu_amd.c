// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kernel/cpu/amd.c: the Zen generations (bsp_init_amd), the TSA
 * CPUID synthesis (tsa_init) and the late X86_FEATURE_ZEN (init_amd).
 */
#include "internal.h"

/* bsp_init_amd()'s "Figure out Zen generations" switch; false: "goto warn" */
static bool amd_zen_generation(struct ref_host *h)
{
	struct cpuinfo_x86 *c = &h->c;
	uint8_t m = c->model;

	switch (c->family) {
	case 0x17:	/* ZEN1 / ZEN2: same ranges in 6.1 l.684, 7.2 l.481 */
		return m <= 0x2f || (m >= 0x50 && m <= 0x5f) ||
		       (m >= 0x30 && m <= 0x4f) || (m >= 0x60 && m <= 0x7f) ||
		       m == 0x90 || m == 0x91 || (m >= 0xa0 && m <= 0xaf);
	case 0x19:
		if (m <= 0x0f || (m >= 0x20 && m <= 0x5f)) {
			c->zen3 = true;
			return true;
		}
		if ((m >= 0x10 && m <= 0x1f) || (m >= 0x60 && m <= 0xaf)) {
			c->zen4 = true;
			return true;
		}
		return false;
	case 0x1a:
		/* no 0x1a case before Zen5 support (6.1.192: falls to default) */
		if (!h->k->tsa_zen5 && !h->k->amd_1a_srso)
			return true;
		if (m <= 0x2f || (m >= 0x40 && m <= 0x4f) || (m >= 0x60 && m <= 0x7f) ||
		    (m >= 0xd0 && m <= 0xd7)) {
			c->zen5 = true;
			return true;
		}
		/* 7.2 l.520: ZEN6 ranges */
		return h->k->zen6_generation && ((m >= 0x50 && m <= 0x5f) || (m >= 0x80 && m <= 0xaf) ||
		       (m >= 0xc0 && m <= 0xcf) || (m >= 0xd8 && m <= 0xef));
	default:
		return true;
	}
}

/*
 * amd.c tsa_init(): 6.1 l.600, 6.12 l.416, 7.2 l.406.  Bare metal only.
 * Zen3/4 get VERW_CLEAR when the microcode is new enough; kmc does not model
 * microcode revisions, so VERW_CLEAR is taken from the scenario's CPUID.
 */
static void tsa_init(struct ref_host *h)
{
	struct cpuinfo_x86 *c = &h->c;
	/* 6.1 tests family 0x19, later trees ZEN3||ZEN4: the same CPUs get here */
	bool zen34 = c->zen3 || c->zen4;

	if (boot_cpu_has(h, F(HYPERVISOR)))
		return;

	if (!zen34 && !(h->k->tsa_zen5 && c->zen5))
		c->caps |= F(TSA_SQ_NO) | F(TSA_L1_NO);

	if (h->k->tsa_zen5 && !c->zen5)
		c->tsa_fill_no = true;
}

void bsp_init_amd(struct ref_host *h)
{
	if (!amd_zen_generation(h))
		return;		/* WARN_ONCE("Family 0x%x, model: 0x%x??") */
	if (h->k->bug_tsa)
		tsa_init(h);
}

/*
 * amd.c init_amd(), after cpu_set_bug_bits(): X86_FEATURE_ZEN for family
 * >= 0x17 (6.1: only from init_amd_zen1..4), BTC_NO on bare-metal Zen3.
 */
void init_amd(struct ref_host *h)
{
	struct cpuinfo_x86 *c = &h->c;

	if (c->family >= 0x17)
		c->zen = true;
	if (c->zen3 && !boot_cpu_has(h, F(HYPERVISOR)))
		c->caps |= F(BTC_NO);
}
