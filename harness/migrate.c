// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc migrate`: a guest configured on host A, moved to host B (lkml 000).
 * Both hosts are written as the tokens of a vector's `host` line, so they
 * may name a catalog CPU and any command-line choice (tsx=off ...).  The
 * model answers everything: what KVM advertises on each side, what a
 * guest VERW does there, the findings (with the "NO" bits that make a false
 * immunity, lkml 004), and whether QEMU's userspace fix
 * (anchors.md 4.2: synthesise FB_CLEAR when KVM's value has MDS_NO, TAA_NO,
 * SBDR_SSDP_NO, FBSDP_NO and PSDP_NO) would make the value acceptable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostspec.h"
#include "kmv.h"
#include "migrate.h"
#include "qemu_models.h"

#define QEMU_FIVE_NO KMC_QEMU_FIVE_NO

/* One side: the host and its profile, and the guest's ops there */
struct side {
	struct kmc_hostspec h;
	struct kmc_obs obs;		/* the guest's ops on this host */
};

static int guest_on(struct side *s, uint64_t cpuid, uint64_t ac)
{
	return kmc_hostspec_guest(&s->h, cpuid, ac, &s->obs);
}

static const char *verw_word(const struct kmc_result *r)
{
	if (r->kind != KMC_RES_VALUE || r->value > 1)
		return "n/a (not VMX: no FB_CLEAR_DIS)";
	return r->value ? "clears the fill buffers" : "does not clear the fill buffers";
}

static void put_ac(FILE *out, const char *label, uint64_t v)
{
	char names[KMV_VALMAX];

	kmc_list_format(&kmc_ac_names, v, names, sizeof(names));
	fprintf(out, "  %-34s 0x%llx (%s)\n", label, (unsigned long long)v, names);
}

static void put_list(FILE *out, const char *label, const struct kmc_names *t, uint64_t v)
{
	char names[KMV_VALMAX];

	kmc_list_format(t, v, names, sizeof(names));
	fprintf(out, "  %-34s %s\n", label, names);
}

static int false_immune(const struct side *s, uint64_t cpuid, uint64_t ac)
{
	struct kmc_obs o;

	return !kmc_hostspec_guest(&s->h, cpuid, ac, &o) && (o.findings & KMC_FINDING_FALSE_IMMUNITY);
}

/*
 * Which of the guest's 0x10a bits make the finding, asked of the model
 * (not a copy of its table): a smallest subset of the value that still
 * holds the finding (every bit of it needed), then the same for what is
 * left once that subset is gone, until nothing holds it.  The MMIO trio
 * comes out whole, TAA_NO with TSX_CTRL_MSR where only that lets the
 * guest turn TSX on.
 */
static void put_false_immunity(FILE *out, const struct side *s, uint64_t cpuid, uint64_t ac)
{
	uint64_t rest = ac;

	while (false_immune(s, cpuid, rest)) {
		uint64_t w = rest;

		for (unsigned int b = 0; b < 64; b++)
			if ((w & KMC_BIT(b)) && false_immune(s, cpuid, w & ~KMC_BIT(b)))
				w &= ~KMC_BIT(b);
		put_ac(out, "the guest says not affected", w);
		rest &= ~w;
	}
}

int kmc_migrate(FILE *out, const struct kmc_migrate_args *a, char *err, size_t len)
{
	struct side src = { .h.what = "source" }, dst = { .h.what = "destination" };
	struct kmc_obs hs;
	const struct kmc_obs *hd = &dst.obs;	/* KVM's values do not depend on the ops */
	uint64_t gac, gcpuid, missing, missing_fixed, qemu_value, cpuid_missing;
	uint32_t fresh;
	int fires, changes = 0, ret;

	ret = kmc_hostspec_read(&src.h, a->from, a->from_profile, err, len);
	if (!ret)
		ret = kmc_hostspec_read(&dst.h, a->to, a->to_profile, err, len);
	if (!ret && kmc_hostspec_view(&src.h, &hs)) {
		snprintf(err, len, "the model cannot evaluate these hosts");
		ret = -EINVAL;
	}
	if (ret)
		goto out;

	/* the guest as a VMM would configure it on the source: KVM's own values */
	gcpuid = a->has_guest_cpuid ? a->guest_cpuid : hs.kvm_cpuid;
	gac = a->has_guest_ac ? a->guest_ac : hs.kvm_arch_cap;
	if (guest_on(&src, gcpuid, gac) || guest_on(&dst, gcpuid, gac)) {
		snprintf(err, len, "the model cannot evaluate the guest on these hosts");
		ret = -EINVAL;
		goto out;
	}

	fprintf(out, "kmc migrate: %s (profile %s) -> %s (profile %s)\n", a->from,
		src.h.r->profile->name, a->to, dst.h.r->profile->name);
	fprintf(out, "guest, as configured on the source%s:\n",
		a->has_guest_ac || a->has_guest_cpuid ? " (values given)" : " (KVM's values there)");
	put_list(out, "CPUID", &kmc_feat_names, gcpuid);
	put_ac(out, "0x10a", gac);
	fprintf(out, "KVM_GET_MSRS(0x10a) on the system fd:\n");
	put_ac(out, "source", hs.kvm_arch_cap);
	put_ac(out, "destination", hd->kvm_arch_cap);

	missing = gac & ~hd->kvm_arch_cap;
	cpuid_missing = gcpuid & ~(hd->kvm_cpuid | hd->kvm_emul_cpuid);
	fprintf(out, "what the destination's KVM does not advertise:\n");
	put_ac(out, "0x10a bits", missing);
	put_list(out, "CPUID features", &kmc_feat_names, cpuid_missing);
	if (missing || cpuid_missing) {
		changes = 1;
		fprintf(out, "  a VMM that checks the guest against KVM's values refuses the migration;\n"
			"  KVM itself stores any 0x10a from userspace (kernel-facts D.2): %s\n",
			dst.obs.res[1].kind == KMC_RES_NMSRS && dst.obs.res[1].n == 1 ?
			"KVM_SET_MSRS processes the entry" : "but here KVM_SET_MSRS refuses it");
	}

	/* QEMU 00001a22d183: FB_CLEAR added to KVM's value when all five NO bits are there */
	fires = (hd->kvm_arch_cap & QEMU_FIVE_NO) == QEMU_FIVE_NO;
	qemu_value = hd->kvm_arch_cap | (fires ? KMC_AC_FB_CLEAR : 0);
	missing_fixed = gac & ~qemu_value;
	fprintf(out, "QEMU's fix (synthesise FB_CLEAR when KVM has MDS_NO, TAA_NO, SBDR_SSDP_NO,"
		" FBSDP_NO, PSDP_NO):\n");
	if (fires) {
		fprintf(out, "  fires on the destination\n");
	} else {
		put_ac(out, "does not fire: KVM lacks", QEMU_FIVE_NO & ~hd->kvm_arch_cap);
		if ((QEMU_FIVE_NO & ~hd->kvm_arch_cap) == KMC_AC_TAA_NO &&
		    !(hd->host_feat & KMC_F(RTM)))
			fprintf(out, "  (the destination has no RTM, e.g. tsx=off: KVM hides TAA_NO, C.3)\n");
	}
	put_ac(out, "0x10a bits still missing after it", missing_fixed);

	fprintf(out, "VERW executed by the guest:\n");
	fprintf(out, "  %-34s %s\n", "on the source", verw_word(&src.obs.res[2]));
	fprintf(out, "  %-34s %s\n", "on the destination", verw_word(&dst.obs.res[2]));
	put_list(out, "findings on the source", &kmc_finding_names, src.obs.findings);
	put_list(out, "findings on the destination", &kmc_finding_names, dst.obs.findings);
	fresh = dst.obs.findings & ~src.obs.findings;
	if (fresh & (KMC_FINDING_VERW_PROMISE_KVM | KMC_FINDING_VERW_PROMISE_HW)) {
		changes = 1;
		fprintf(out, "  the guest is still told VERW clears the fill buffers (FB_CLEAR, or"
			" MD_CLEAR and L1D_FLUSH without MDS_NO), but there it does not (lkml 001):\n");
		if (fresh & KMC_FINDING_VERW_PROMISE_KVM)
			fprintf(out, "  KVM sets FB_CLEAR_DIS for this vCPU although the destination's"
				" VERW would clear them (verw_promise_kvm)\n");
		if (fresh & KMC_FINDING_VERW_PROMISE_HW)
			fprintf(out, "  the destination's VERW does not clear them, whatever KVM does"
				" (verw_promise_hw; MDS_NO without FB_CLEAR: an assumption)\n");
		if ((hd->kvm_arch_cap & QEMU_FIVE_NO) == QEMU_FIVE_NO)
			fprintf(out, "  the destination enumerates all five NO bits: nothing is left in"
				" the buffers for the guest to clear (lkml 000)\n");
	}
	if (dst.obs.findings & KMC_FINDING_FALSE_IMMUNITY) {
		fprintf(out, "false immunity on the destination (lkml 004): the guest's 0x10a says it"
			" is not affected by a bug the destination's kernel has:\n");
		put_false_immunity(out, &dst, gcpuid, gac);
		if (fresh & KMC_FINDING_FALSE_IMMUNITY) {
			changes = 1;
			fprintf(out, "  the guest skips those mitigations; KVM stores the value as given"
				" (kernel-facts D.2)\n");
		}
	}
	if ((gac & KMC_AC_TAA_NO) && (hd->bugs & KMC_B(TAA)) && !(hd->host_feat & KMC_F(RTM)))
		fprintf(out, "  taa_no does not count: the destination has TAA but runs with TSX off,"
			" which a guest cannot turn on\n");
	if (src.obs.res[2].value != dst.obs.res[2].value)
		changes = 1;
	fprintf(out, "verdict: %s\n", changes ? "the guest's view or its VERW changes" :
		"nothing the guest sees or relies on changes");
	ret = changes;
out:
	kmc_hostspec_free(&src.h);
	kmc_hostspec_free(&dst.h);
	return ret;
}
