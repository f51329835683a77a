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
	int answer;			/* the VMM answers RDMSR(0x10a) itself */
};

/*
 * The guest on this host: its CPUID, its 0x10a written by the VMM, a VERW,
 * the guest's RDMSR(0x10a) (kmc_hostspec_guest()'s three ops and the read).
 * With @answer the VMM stores KVM's own value and answers the guest's
 * reads with @ac from an MSR filter.
 */
static int guest_eval(const struct side *s, uint64_t cpuid, uint64_t ac, int answer,
		      struct kmc_obs *o)
{
	struct kmc_scenario sc = s->h.r->sc;
	uint64_t stored = ac;

	if (answer) {
		struct kmc_obs h;

		if (kmc_hostspec_view(&s->h, &h))
			return -EINVAL;
		stored = h.kvm_arch_cap;
		sc.vm.filter_arch_cap = 1;
		sc.vm.user_msr_exits |= KMC_MSR_EXIT_FILTER;
		sc.vm.uemu_arch_cap = ac;
	}
	sc.nops = 4;
	sc.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = cpuid };
	sc.ops[1] = (struct kmc_op){ .kind = KMC_OP_SET_MSR, .index = KMC_MSR_ARCH_CAPABILITIES,
				     .value = stored };
	sc.ops[2] = (struct kmc_op){ .kind = KMC_OP_VERW };
	sc.ops[3] = (struct kmc_op){ .kind = KMC_OP_RDMSR, .index = KMC_MSR_ARCH_CAPABILITIES };
	return kmc_model_eval(s->h.r->profile, &sc, o);
}

static int guest_on(struct side *s, uint64_t cpuid, uint64_t ac, int answer)
{
	s->answer = answer;
	return guest_eval(s, cpuid, ac, answer, &s->obs);
}

/* What the guest's RDMSR(0x10a) returned (0 for a #GP) */
static uint64_t answered(const struct kmc_result *r)
{
	if (r->kind == KMC_RES_VALUE || (r->kind == KMC_RES_EXIT && r->n))
		return r->value;
	return 0;
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

/*
 * Whether anything is left in the fill buffers for the guest's VERW to
 * clear, judged from the destination kernel's own bugs (lkml 000: "nothing
 * to clear" on a part not affected), not from KVM's advertised value,
 * which hides TAA_NO under tsx=off although TAA cannot happen there.
 */
static void put_buffers_left(FILE *out, const struct kmc_obs *hd)
{
	uint64_t left = hd->bugs & (KMC_B(MDS) | KMC_B(MMIO_STALE_DATA) | KMC_B(MMIO_UNKNOWN));

	if ((hd->bugs & KMC_B(TAA)) && (hd->host_feat & KMC_F(RTM)))
		left |= KMC_B(TAA);
	if (left) {
		put_list(out, "the destination's kernel has", &kmc_bug_names, left);
		fprintf(out, "  so the guest's VERW is needed there\n");
		return;
	}
	fprintf(out, "  the destination's kernel has none of MDS, TAA with TSX on, MMIO Stale Data:"
		" nothing is left in the fill buffers for the guest to clear (lkml 000)\n");
	if ((hd->kvm_arch_cap & QEMU_FIVE_NO) != QEMU_FIVE_NO)
		put_ac(out, "though KVM's value lacks", QEMU_FIVE_NO & ~hd->kvm_arch_cap);
}

/*
 * lkml 002: a guest using the short BHB-clearing sequence, moved to a part
 * with BHI_CTRL, needs BHI_DIS_S.  With force-spec-ctrl the destination's
 * VMM forces it where the host has BHI_CTRL and lacks BHI_NO -- from the
 * guest's own report through the virtual MSRs when it also runs
 * virt-mitigation-msrs, else for every guest -- and the model says
 * whether the CPU then runs the guest with it.
 */
static void put_bhi_dis_s(FILE *out, const struct side *d, uint64_t cpuid, uint32_t variants)
{
	struct kmc_scenario sc = d->h.r->sc;
	struct kmc_obs o;

	sc.nops = 1;
	sc.ops[0] = (struct kmc_op){ .kind = KMC_OP_SET_CPUID, .value = cpuid };
	if (variants & KMC_VAR_VIRT_MSRS) {
		sc.ops[sc.nops++] = (struct kmc_op){ .kind = KMC_OP_WRMSR,
						     .index = KMC_MSR_VIRT_MITIG_CTRL,
						     .value = KMC_MITI_CTRL_BHB_CLEAR_SEQ_S };
	} else if ((sc.host.cpuid & KMC_F(BHI_CTRL)) && !(sc.host.arch_cap & KMC_AC_BHI_NO)) {
		/* the same rule, by a VMM that looks at the host itself */
		sc.vm.force_spec_ctrl = 1;
		sc.vm.force_mask = sc.vm.force_value = KMC_SPEC_CTRL_BHI_DIS_S;
	}
	if (kmc_model_eval(d->h.r->profile, &sc, &o))
		return;
	fprintf(out, "BHI_DIS_S for a guest using the short BHB-clearing sequence (lkml 002):\n"
		"  %-34s %s\n", "on the destination",
		(o.spec_ctrl & KMC_SPEC_CTRL_BHI_DIS_S) ? "forced by the VMM" :
		"not forced (no BHI_CTRL, BHI_NO, no SPEC_CTRL shadow, or refused)");
}

static int false_immune(const struct side *s, uint64_t cpuid, uint64_t ac)
{
	struct kmc_obs o;

	return !guest_eval(s, cpuid, ac, s->answer, &o) && (o.findings & KMC_FINDING_FALSE_IMMUNITY);
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

	if (a->variants & ~kmc_model_variants) {
		char names[KMV_VALMAX];

		kmc_list_format(&kmc_variant_names, a->variants & ~kmc_model_variants, names,
				sizeof(names));
		snprintf(err, len, "variant %s is ref's alone: the model cannot answer for it "
			 "(kmc-run --variant runs it on ref)", names);
		return -EINVAL;
	}
	ret = kmc_hostspec_read(&src.h, a->from, a->from_profile, err, len);
	if (!ret)
		ret = kmc_hostspec_read(&dst.h, a->to, a->to_profile, err, len);
	if (!ret) {
		/* both kernels carry the variants */
		src.h.f.recs[0].sc.variants = a->variants;
		dst.h.f.recs[0].sc.variants = a->variants;
	}
	if (!ret && kmc_hostspec_view(&src.h, &hs)) {
		snprintf(err, len, "the model cannot evaluate these hosts");
		ret = -EINVAL;
	}
	if (ret)
		goto out;

	/* the guest as a VMM would configure it on the source: KVM's own values */
	gcpuid = a->has_guest_cpuid ? a->guest_cpuid : hs.kvm_cpuid;
	gac = a->has_guest_ac ? a->guest_ac : hs.kvm_arch_cap;
	if (guest_on(&src, gcpuid, gac, 0) || guest_on(&dst, gcpuid, gac, a->answer_ac)) {
		snprintf(err, len, "the model cannot evaluate the guest on these hosts");
		ret = -EINVAL;
		goto out;
	}

	fprintf(out, "kmc migrate: %s (profile %s) -> %s (profile %s)\n", a->from,
		src.h.r->profile->name, a->to, dst.h.r->profile->name);
	if (a->variants)
		put_list(out, "both kernels carry the variants", &kmc_variant_names, a->variants);
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
	if ((missing || cpuid_missing) && !a->answer_ac) {
		changes = 1;
		fprintf(out, "  a VMM that checks the guest against KVM's values refuses the migration;\n"
			"  KVM itself stores any 0x10a from userspace (kernel-facts D.2): %s\n",
			dst.obs.res[1].kind == KMC_RES_NMSRS && dst.obs.res[1].n == 1 ?
			"KVM_SET_MSRS processes the entry" :
			(a->variants & KMC_VAR_VALIDATE_AC) ?
			"but here KVM_SET_MSRS refuses it (validate-arch-cap, lkml 004): the migration"
			" fails at the destination" : "but here KVM_SET_MSRS refuses it");
	}
	if (a->answer_ac) {
		changes |= (missing || cpuid_missing) ? 1 : 0;
		fprintf(out, "the destination's VMM answers RDMSR(0x10a) from an MSR filter (lkml 000):\n");
		put_ac(out, "stored (KVM_SET_MSRS, KVM's own)", hd->kvm_arch_cap);
		put_ac(out, "seen (the guest's RDMSR)", answered(&dst.obs.res[3]));
		fprintf(out, "  KVM_SET_MSRS %s; FB_CLEAR_DIS follows the stored value, the guest's"
			" kernel the seen one\n", dst.obs.res[1].n == 1 ? "takes it" : "refuses it");
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
	put_buffers_left(out, hd);
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
	if (a->variants & KMC_VAR_FORCE_SPEC_CTRL)
		put_bhi_dis_s(out, &dst, gcpuid, a->variants);
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
