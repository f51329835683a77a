// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kernel/cpu/tsx.c: tsx_init(), called from identify_boot_cpu()
 * after cpu_set_bug_bits() (6.1 common.c l.2099, 7.2 l.2172).
 *
 * 6.1/6.12 parse tsx= inside tsx_init() (6.1 tsx.c l.196); 7.2 moved it to
 * an early_param with a TSX_CTRL_AUTO state (7.2 tsx.c l.169) -- the same
 * behaviour.  The Kconfig default is Debian's (kernel.c tsx_mode_auto).
 */
#include "internal.h"

#define TSX_BITS	(F(RTM) | F(HLE))

static enum ref_tsx_ctrl x86_get_tsx_auto_mode(const struct ref_host *h)
{
	return boot_cpu_has_bug(h, B(TAA)) ? TSX_CTRL_DISABLE : TSX_CTRL_ENABLE;
}

static void setup_clear_tsx(struct ref_host *h)
{
	h->c.caps &= ~TSX_BITS;
	h->c.visible &= ~TSX_BITS;
}

void tsx_init(struct ref_host *h)
{
	struct cpuinfo_x86 *c = &h->c;
	enum ref_tsx_ctrl st;

	/*
	 * tsx_dev_mode_disable() needs X86_FEATURE_MSR_TSX_CTRL, which is set
	 * only further down: a no-op on the boot CPU (RTM_ALLOW matters on APs).
	 */

	if (boot_cpu_has(h, F(RTM_ALWAYS_ABORT))) {
		h->b.tsx_ctrl_state = TSX_CTRL_RTM_ALWAYS_ABORT;
		setup_clear_tsx(h);
		return;
	}

	if (!(c->arch_cap & KMC_AC_TSX_CTRL_MSR)) {
		h->b.tsx_ctrl_state = TSX_CTRL_NOT_SUPPORTED;
		return;
	}

	switch (h->cmd->tsx) {
	case KMC_TSX_ON:
		st = TSX_CTRL_ENABLE;
		break;
	case KMC_TSX_OFF:
		st = TSX_CTRL_DISABLE;
		break;
	case KMC_TSX_AUTO:
		st = x86_get_tsx_auto_mode(h);
		break;
	default:
		st = h->k->tsx_mode_auto ? x86_get_tsx_auto_mode(h) : TSX_CTRL_DISABLE;
		break;
	}
	h->b.tsx_ctrl_state = st;

	if (st == TSX_CTRL_DISABLE) {
		/* tsx_disable(): RTM_DISABLE | CPUID_CLEAR, the hardware hides TSX */
		setup_clear_tsx(h);
		c->raw &= ~TSX_BITS;
	} else if (st == TSX_CTRL_ENABLE) {
		/* tsx_enable(): CPUID_CLEAR cleared, RTM/HLE forced on */
		c->caps |= TSX_BITS;
		c->visible |= TSX_BITS;
		c->raw |= TSX_BITS;
	}
}
