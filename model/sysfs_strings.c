// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/devices/system/cpu/vulnerabilities/{mds,tsx_async_abort,
 * mmio_stale_data}: a base string chosen by the mitigation mode and an SMT
 * suffix (kernel-facts B.5).
 */
#include <string.h>
#include "internal.h"

/*
 * sysfs_emit() of BASE, or of "BASE; SMT STATE" when @state is given.  Every
 * piece is one of this file's literals: the longest line, 77 characters and
 * its NUL, fits KMC_SYSFS_MAX.  (Plain copies, no format: the sweep writes
 * three per scenario.)
 */
static void emit(char *buf, const char *base, const char *state)
{
	char *end = stpcpy(buf, base);

	if (state)
		stpcpy(stpcpy(end, "; SMT "), state);
}

static const char *base(uint8_t mode)
{
	switch (mode) {
	case VM_OFF:		return "Vulnerable";
	case VM_UCODE_NEEDED:	return "Vulnerable: Clear CPU buffers attempted, no microcode";
	case VM_VERW:		return "Mitigation: Clear CPU buffers";
	case VM_TSX_DISABLED:	return "Mitigation: TSX disabled";
	case VM_UNKNOWN:	return "Unknown: No mitigations";
	default:		return "Not affected";
	}
}

/* The SMT part: under a hypervisor the guest cannot know the host's SMT */
static const char *smt(const struct kmc_host *h, const struct boot *b, const char *active,
		       const char *inactive)
{
	if (HAS_F(h->cpuid, HYPERVISOR))
		return "Host state unknown";
	return b->smt ? active : inactive;
}

/*
 * Which suffix a file gets:
 *   mds:  always "; SMT x"; MSBDS_ONLY parts say mitigated/disabled, or
 *         vulnerable when the mitigation is off;
 *   taa:  none when off or TSX disabled;
 *   mmio: none when off or unknown.
 */
static void mds(const struct kmc_host *h, const struct boot *b, char *buf)
{
	const char *x;

	if (b->mds == VM_NOT_AFFECTED) {
		emit(buf, "Not affected", NULL);
		return;
	}
	if (HAS_F(h->cpuid, HYPERVISOR))
		x = "Host state unknown";
	else if (HAS_BUG(b->bugs, MSBDS_ONLY))
		x = b->mds == VM_OFF ? "vulnerable" : b->smt ? "mitigated" : "disabled";
	else
		x = b->smt ? "vulnerable" : "disabled";
	emit(buf, base(b->mds), x);
}

static void bare_or_smt(const struct kmc_host *h, const struct boot *b, uint8_t mode, bool bare,
			char *buf)
{
	emit(buf, base(mode), mode == VM_NOT_AFFECTED || bare ? NULL :
			      smt(h, b, "vulnerable", "disabled"));
}

void model_sysfs(const struct kmc_host *h, const struct boot *b, struct kmc_obs *o)
{
	mds(h, b, o->sysfs_mds);
	bare_or_smt(h, b, b->taa, b->taa == VM_OFF || b->taa == VM_TSX_DISABLED, o->sysfs_taa);
	bare_or_smt(h, b, b->mmio, b->mmio == VM_OFF || b->mmio == VM_UNKNOWN, o->sysfs_mmio);
}
