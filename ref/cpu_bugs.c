// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kernel/cpu/bugs.c: the mitigation selection for L1TF, MDS, TAA,
 * MMIO Stale Data, RFDS, GDS and TSA, and the three sysfs files kmc reads.
 *
 * Two shapes, as in the trees:
 *  - up to 6.15 (6.1.192, 6.12.117): md_clear_select_mitigation() selects
 *    MDS/TAA/MMIO/RFDS one after the other, then md_clear_update_mitigation()
 *    upgrades the ones left OFF once X86_FEATURE_CLEAR_CPU_BUF is on
 *    (6.1 bugs.c l.266-616).  Before v6.8 the same is done with the
 *    mds_user_clear static key instead of the feature.
 *  - from 6.16 (7.2.13): every mitigation is selected, then updated, then
 *    applied; verw_clear_cpu_buf_mitigation_selected makes the four VERW
 *    users converge (7.2 bugs.c l.299-720).  Attack vector controls (6.17)
 *    reduce, for kmc's inputs, to "mitigations=off turns AUTO into OFF".
 */
#include <string.h>
#include "internal.h"

static bool cpu_mitigations_off(const struct ref_host *h)
{
	return h->mitigations_off;
}

static void cpu_smt_disable(struct ref_host *h)
{
	h->b.smt_disabled = true;
}

bool sched_smt_active(const struct ref_host *h)
{
	return h->cmd->smt && !h->b.smt_disabled;
}

/* ---- early_param() parsers: they only act when the bug is present ------ */

static void parse_early_params(struct ref_host *h)
{
	const struct kmc_host *cmd = h->cmd;
	struct ref_bugs *b = &h->b;
	bool av = h->k->bugs_select_update_apply;

	b->mds = av ? MDS_AUTO : MDS_FULL;
	b->taa = av ? TAA_AUTO : TAA_VERW;
	b->mmio = av ? MMIO_AUTO : MMIO_VERW;
	b->rfds = av ? RFDS_AUTO : RFDS_VERW;
	b->gds = av ? GDS_AUTO : GDS_FULL;	/* CONFIG_GDS_FORCE_MITIGATION off */
	b->tsa = av ? TSA_AUTO : TSA_FULL;
	b->l1tf = av ? L1TF_AUTO : L1TF_FLUSH;

	if ((cmd->vuln_off & KMC_OFF_MDS) && boot_cpu_has_bug(h, B(MDS)))
		b->mds = MDS_OFF;
	if ((cmd->vuln_off & KMC_OFF_TAA) && boot_cpu_has_bug(h, B(TAA)))
		b->taa = TAA_OFF;
	if ((cmd->vuln_off & KMC_OFF_MMIO) && boot_cpu_has_bug(h, B(MMIO_STALE_DATA)))
		b->mmio = MMIO_OFF;
	if ((cmd->vuln_off & KMC_OFF_RFDS) && boot_cpu_has_bug(h, B(RFDS)))
		b->rfds = RFDS_OFF;

	if (boot_cpu_has_bug(h, B(GDS))) {
		if (cmd->gds == KMC_GDS_OFF)
			b->gds = GDS_OFF;
		else if (cmd->gds == KMC_GDS_FORCE)
			b->gds = GDS_FORCE;
	}

	if (boot_cpu_has_bug(h, B(L1TF))) {
		switch (cmd->l1tf) {
		case KMC_L1TF_OFF:		b->l1tf = L1TF_OFF; break;
		case KMC_L1TF_FLUSH_NOWARN:	b->l1tf = L1TF_FLUSH_NOWARN; break;
		case KMC_L1TF_FLUSH_NOSMT:	b->l1tf = L1TF_FLUSH_NOSMT; break;
		case KMC_L1TF_FULL:		b->l1tf = L1TF_FULL; break;
		case KMC_L1TF_FULL_FORCE:	b->l1tf = L1TF_FULL_FORCE; break;
		default:			break;	/* flush: the default */
		}
	}
}

/* ---- L1TF ------------------------------------------------------------- */

static void l1tf_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(L1TF))) {
		if (h->k->bugs_select_update_apply)
			b->l1tf = L1TF_OFF;
		return;
	}

	if (h->k->attack_vector_controls) {
		/* 7.2 l.2810: an explicit l1tf= wins over mitigations=off */
		if (b->l1tf == L1TF_AUTO)
			b->l1tf = cpu_mitigations_off(h) ? L1TF_OFF : L1TF_FLUSH;
	} else {
		/* 6.1 l.2612 */
		if (cpu_mitigations_off(h))
			b->l1tf = L1TF_OFF;
		else if (b->l1tf == L1TF_AUTO)
			b->l1tf = L1TF_FLUSH;
	}

	/* l1tf_apply_mitigation() in 7.2; same switch in 6.1's select */
	if (b->l1tf == L1TF_FLUSH_NOSMT || b->l1tf == L1TF_FULL || b->l1tf == L1TF_FULL_FORCE)
		cpu_smt_disable(h);
}

/* ---- MDS / TAA / MMIO / RFDS, up to 6.15 -------------------------------- */

static void force_clear_cpu_buf(struct ref_host *h)
{
	if (h->k->clear_cpu_buf)
		h->b.clear_cpu_buf = true;	/* setup_force_cpu_cap() */
	else
		h->b.mds_user_clear = true;	/* static_branch_enable() */
}

static bool clear_cpu_buf_enabled(const struct ref_host *h)
{
	return h->k->clear_cpu_buf ? h->b.clear_cpu_buf : h->b.mds_user_clear;
}

static void mds_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(MDS)) || cpu_mitigations_off(h)) {
		b->mds = MDS_OFF;
		return;
	}
	if (b->mds == MDS_FULL) {
		if (!boot_cpu_has(h, F(MD_CLEAR)))
			b->mds = MDS_VMWERV;
		force_clear_cpu_buf(h);
	}
}

static void taa_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;
	uint64_t ac = h->c.arch_cap;

	if (!boot_cpu_has_bug(h, B(TAA))) {
		b->taa = TAA_OFF;
		return;
	}
	if (!boot_cpu_has(h, F(RTM))) {		/* tsx=off */
		b->taa = TAA_TSX_DISABLED;
		return;
	}
	if (cpu_mitigations_off(h)) {
		b->taa = TAA_OFF;
		return;
	}
	if (b->taa == TAA_OFF && b->mds == MDS_OFF)
		return;

	b->taa = boot_cpu_has(h, F(MD_CLEAR)) ? TAA_VERW : TAA_UCODE_NEEDED;
	if ((ac & KMC_AC_MDS_NO) && !(ac & KMC_AC_TSX_CTRL_MSR))
		b->taa = TAA_UCODE_NEEDED;
	force_clear_cpu_buf(h);
}

static bool mmio_has_fb_clear_ucode(const struct ref_host *h)
{
	uint64_t ac = h->c.arch_cap;

	return (ac & KMC_AC_FB_CLEAR) ||
	       (boot_cpu_has(h, F(MD_CLEAR)) && boot_cpu_has(h, F(FLUSH_L1D)) &&
		!(ac & KMC_AC_MDS_NO));
}

static void mmio_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;
	bool verw_too = boot_cpu_has_bug(h, B(MDS)) ||
			(boot_cpu_has_bug(h, B(TAA)) && boot_cpu_has(h, F(RTM)));

	if (!boot_cpu_has_bug(h, B(MMIO_STALE_DATA)) ||
	    boot_cpu_has_bug(h, B(MMIO_UNKNOWN)) || cpu_mitigations_off(h)) {
		b->mmio = MMIO_OFF;
		return;
	}
	if (b->mmio == MMIO_OFF)
		return;

	if (verw_too)
		force_clear_cpu_buf(h);
	if (h->k->mmio_key_follows_clear_cpu_buf)
		b->mmio_stale_data_clear = !clear_cpu_buf_enabled(h);	/* 6.1 l.450 */
	else if (!verw_too)
		b->mmio_stale_data_clear = true;

	b->mmio = mmio_has_fb_clear_ucode(h) ? MMIO_VERW : MMIO_UCODE_NEEDED;
}

static void rfds_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(RFDS)) || cpu_mitigations_off(h)) {
		b->rfds = RFDS_OFF;
		return;
	}
	if (b->rfds == RFDS_OFF)
		return;
	if (h->c.arch_cap & KMC_AC_RFDS_CLEAR)
		force_clear_cpu_buf(h);
	else
		b->rfds = RFDS_UCODE_NEEDED;
}

static void md_clear_update_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (cpu_mitigations_off(h) || !clear_cpu_buf_enabled(h))
		return;

	if (b->mds == MDS_OFF && boot_cpu_has_bug(h, B(MDS))) {
		b->mds = MDS_FULL;
		mds_select_mitigation(h);
	}
	if (b->taa == TAA_OFF && boot_cpu_has_bug(h, B(TAA))) {
		b->taa = TAA_VERW;
		taa_select_mitigation(h);
	}
	/* before v6.9 only an OFF MMIO mitigation was re-selected */
	if (boot_cpu_has_bug(h, B(MMIO_STALE_DATA)) &&
	    (h->k->mmio_key_follows_clear_cpu_buf || b->mmio == MMIO_OFF)) {
		b->mmio = MMIO_VERW;
		mmio_select_mitigation(h);
	}
	if (b->rfds == RFDS_OFF && boot_cpu_has_bug(h, B(RFDS))) {
		b->rfds = RFDS_VERW;
		rfds_select_mitigation(h);
	}
}

static void md_clear_select_mitigation(struct ref_host *h)
{
	mds_select_mitigation(h);
	taa_select_mitigation(h);
	mmio_select_mitigation(h);
	rfds_select_mitigation(h);
	md_clear_update_mitigation(h);
}

/* ---- MDS / TAA / MMIO / RFDS, from 6.16: select, update, apply --------- */

/* should_mitigate_vuln() (7.2 l.242) for kmc's inputs; 6.16: !mitigations=off */
static bool should_mitigate_vuln(const struct ref_host *h)
{
	return !cpu_mitigations_off(h);
}

static bool taa_vulnerable(const struct ref_host *h)
{
	return boot_cpu_has_bug(h, B(TAA)) && boot_cpu_has(h, F(RTM));
}

static void mds_select_mitigation_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(MDS))) {
		b->mds = MDS_OFF;
		return;
	}
	if (b->mds == MDS_AUTO)
		b->mds = should_mitigate_vuln(h) ? MDS_FULL : MDS_OFF;
	if (b->mds == MDS_OFF)
		return;
	b->verw_clear_cpu_buf_mitigation_selected = true;
}

static void taa_select_mitigation_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(TAA))) {
		b->taa = TAA_OFF;
		return;
	}
	if (!boot_cpu_has(h, F(RTM))) {
		b->taa = TAA_TSX_DISABLED;
		return;
	}
	if (b->taa == TAA_AUTO)
		b->taa = should_mitigate_vuln(h) ? TAA_VERW : TAA_OFF;
	if (b->taa != TAA_OFF)
		b->verw_clear_cpu_buf_mitigation_selected = true;
}

static void mmio_select_mitigation_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(MMIO_STALE_DATA))) {
		b->mmio = MMIO_OFF;
		return;
	}
	if (b->mmio == MMIO_AUTO)
		b->mmio = should_mitigate_vuln(h) ? MMIO_VERW : MMIO_OFF;
	if (b->mmio == MMIO_OFF)
		return;
	if (boot_cpu_has_bug(h, B(MDS)) || taa_vulnerable(h))
		b->verw_clear_cpu_buf_mitigation_selected = true;
}

static void rfds_select_mitigation_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(RFDS))) {
		b->rfds = RFDS_OFF;
		return;
	}
	if (b->rfds == RFDS_AUTO)
		b->rfds = should_mitigate_vuln(h) ? RFDS_VERW : RFDS_OFF;
	if (b->rfds == RFDS_OFF)
		return;
	if (h->c.arch_cap & KMC_AC_RFDS_CLEAR)
		b->verw_clear_cpu_buf_mitigation_selected = true;
}

static void md_update_mitigations_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;
	bool sel = b->verw_clear_cpu_buf_mitigation_selected;
	uint64_t ac = h->c.arch_cap;

	if (boot_cpu_has_bug(h, B(MDS))) {
		if (sel)
			b->mds = MDS_FULL;
		if (b->mds == MDS_FULL && !boot_cpu_has(h, F(MD_CLEAR)))
			b->mds = MDS_VMWERV;
	}
	if (taa_vulnerable(h)) {
		if (sel)
			b->taa = TAA_VERW;
		if (b->taa == TAA_VERW) {
			if (!boot_cpu_has(h, F(MD_CLEAR)))
				b->taa = TAA_UCODE_NEEDED;
			if ((ac & KMC_AC_MDS_NO) && !(ac & KMC_AC_TSX_CTRL_MSR))
				b->taa = TAA_UCODE_NEEDED;
		}
	}
	if (boot_cpu_has_bug(h, B(MMIO_STALE_DATA))) {
		if (sel)
			b->mmio = MMIO_VERW;
		if (b->mmio == MMIO_VERW && !mmio_has_fb_clear_ucode(h))
			b->mmio = MMIO_UCODE_NEEDED;
	}
	if (boot_cpu_has_bug(h, B(RFDS))) {
		if (sel)
			b->rfds = RFDS_VERW;
		if (b->rfds == RFDS_VERW && !(ac & KMC_AC_RFDS_CLEAR))
			b->rfds = RFDS_UCODE_NEEDED;
	}
}

/* the VERW users' apply step; from 6.19 they also enable the VM variant */
static void force_clear_cpu_buf_v2(struct ref_host *h)
{
	h->b.clear_cpu_buf = true;
	if (h->k->verw_vm_for_vmx)
		h->b.clear_cpu_buf_vm = true;
}

static void md_apply_mitigations_v2(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (b->mds == MDS_FULL || b->mds == MDS_VMWERV)
		force_clear_cpu_buf_v2(h);
	if (b->taa == TAA_VERW || b->taa == TAA_UCODE_NEEDED)
		force_clear_cpu_buf_v2(h);
	if (b->mmio != MMIO_OFF) {
		if (b->verw_clear_cpu_buf_mitigation_selected)
			force_clear_cpu_buf_v2(h);
		else if (h->k->verw_vm_for_vmx)
			b->clear_cpu_buf_vm_mmio = true;	/* X86_FEATURE_CLEAR_CPU_BUF_VM_MMIO */
		else
			b->mmio_stale_data_clear = true;	/* cpu_buf_vm_clear key */
	}
	if (b->rfds == RFDS_VERW)
		force_clear_cpu_buf_v2(h);
}

/* ---- GDS -------------------------------------------------------------- */

bool gds_ucode_mitigated(const struct ref_host *h)
{
	return h->b.gds == GDS_FULL || h->b.gds == GDS_FULL_LOCKED;
}

static void gds_clear_avx(struct ref_host *h)
{
	h->c.caps &= ~F(AVX);
	h->c.visible &= ~F(AVX);
}

/* 6.1 bugs.c l.814; 7.2 gds_select_mitigation() + gds_apply_mitigation() l.931 */
static void gds_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!boot_cpu_has_bug(h, B(GDS)))
		return;		/* the default (FULL, or AUTO from 6.16) stays */

	if (boot_cpu_has(h, F(HYPERVISOR))) {
		b->gds = GDS_HYPERVISOR;
		return;
	}

	if (h->k->attack_vector_controls) {
		if (b->gds == GDS_AUTO)
			b->gds = should_mitigate_vuln(h) ? GDS_FULL : GDS_OFF;
	} else {
		if (cpu_mitigations_off(h))
			b->gds = GDS_OFF;
		else if (b->gds == GDS_AUTO)
			b->gds = GDS_FULL;
	}

	if (!(h->c.arch_cap & KMC_AC_GDS_CTRL)) {
		if (b->gds == GDS_FORCE)
			gds_clear_avx(h);
		else
			b->gds = GDS_UCODE_NEEDED;
		return;
	}

	if (b->gds == GDS_FORCE)
		b->gds = GDS_FULL;
	if (h->cmd->mcu_opt_ctrl & KMC_MCU_GDS_MITG_LOCKED)
		b->gds = GDS_FULL_LOCKED;
}

/* ---- TSA (AMD) -------------------------------------------------------- */

static void tsa_select_mitigation(struct ref_host *h)
{
	struct ref_bugs *b = &h->b;

	if (!h->k->bug_tsa)
		return;

	if (!boot_cpu_has_bug(h, B(TSA)) || cpu_mitigations_off(h)) {
		b->tsa = TSA_NONE;
		return;
	}
	if (b->tsa == TSA_AUTO)
		b->tsa = TSA_FULL;	/* both attack vector pairs are on */
	if (!boot_cpu_has(h, F(VERW_CLEAR)))
		b->tsa = TSA_UCODE_NEEDED;

	/* 6.1 l.2137 / 6.12 l.2203: a VM without the microcode forces it on */
	if (b->tsa == TSA_FULL ||
	    (h->k->tsa_stable_layout && b->tsa == TSA_UCODE_NEEDED &&
	     boot_cpu_has(h, F(HYPERVISOR)))) {
		b->clear_cpu_buf = true;
		b->clear_cpu_buf_vm = true;
	}
}

/* bugs.c cpu_select_mitigations(), reduced to what kmc observes */
void cpu_select_mitigations(struct ref_host *h)
{
	parse_early_params(h);

	l1tf_select_mitigation(h);
	if (h->k->bugs_select_update_apply) {
		mds_select_mitigation_v2(h);
		taa_select_mitigation_v2(h);
		mmio_select_mitigation_v2(h);
		rfds_select_mitigation_v2(h);
		gds_select_mitigation(h);
		tsa_select_mitigation(h);
		md_update_mitigations_v2(h);
		md_apply_mitigations_v2(h);
	} else {
		md_clear_select_mitigation(h);
		gds_select_mitigation(h);
		tsa_select_mitigation(h);
	}
}

uint32_t ref_host_state(const struct ref_host *h)
{
	uint32_t s = 0;

	/* X86_FEATURE_CLEAR_CPU_BUF only exists from v6.8 (mds_user_clear before) */
	if (h->k->clear_cpu_buf && h->b.clear_cpu_buf)
		s |= KMC_HS_CLEAR_CPU_BUF;
	if (h->b.clear_cpu_buf_vm)
		s |= KMC_HS_CLEAR_CPU_BUF_VM;
	if (h->b.clear_cpu_buf_vm_mmio || h->b.mmio_stale_data_clear)
		s |= KMC_HS_CLEAR_CPU_BUF_VM_MMIO;
	if (gds_ucode_mitigated(h))
		s |= KMC_HS_GDS_UCODE_MITIGATED;
	return s;
}

/* ---- sysfs (bugs.c cpu_show_common and the *_show_state helpers) ------- */

static const char *const mds_strings[] = {
	[MDS_OFF]	= "Vulnerable",
	[MDS_AUTO]	= "Vulnerable",
	[MDS_FULL]	= "Mitigation: Clear CPU buffers",
	[MDS_VMWERV]	= "Vulnerable: Clear CPU buffers attempted, no microcode",
};

static const char *const taa_strings[] = {
	[TAA_OFF]		= "Vulnerable",
	[TAA_AUTO]		= "Vulnerable",
	[TAA_UCODE_NEEDED]	= "Vulnerable: Clear CPU buffers attempted, no microcode",
	[TAA_VERW]		= "Mitigation: Clear CPU buffers",
	[TAA_TSX_DISABLED]	= "Mitigation: TSX disabled",
};

static const char *const mmio_strings[] = {
	[MMIO_OFF]		= "Vulnerable",
	[MMIO_AUTO]		= "Vulnerable",
	[MMIO_UCODE_NEEDED]	= "Vulnerable: Clear CPU buffers attempted, no microcode",
	[MMIO_VERW]		= "Mitigation: Clear CPU buffers",
};

/* sysfs_emit() of "%s" or "%s; SMT %s", without the newline */
static void emit(char *buf, const char *base, const char *smt)
{
	size_t n = strlen(base);

	if (n >= KMC_SYSFS_MAX)
		n = KMC_SYSFS_MAX - 1;
	memcpy(buf, base, n);
	buf[n] = '\0';
	if (!smt)
		return;
	for (const char *p = "; SMT "; *p && n < KMC_SYSFS_MAX - 1; p++)
		buf[n++] = *p;
	for (const char *p = smt; *p && n < KMC_SYSFS_MAX - 1; p++)
		buf[n++] = *p;
	buf[n] = '\0';
}

void cpu_show_mds(const struct ref_host *h, char *buf)
{
	const char *s = mds_strings[h->b.mds];

	if (!boot_cpu_has_bug(h, B(MDS)))
		emit(buf, "Not affected", NULL);
	else if (boot_cpu_has(h, F(HYPERVISOR)))
		emit(buf, s, "Host state unknown");
	else if (boot_cpu_has_bug(h, B(MSBDS_ONLY)))
		emit(buf, s, h->b.mds == MDS_OFF ? "vulnerable" :
			     sched_smt_active(h) ? "mitigated" : "disabled");
	else
		emit(buf, s, sched_smt_active(h) ? "vulnerable" : "disabled");
}

void cpu_show_tsx_async_abort(const struct ref_host *h, char *buf)
{
	const char *s = taa_strings[h->b.taa];

	if (!boot_cpu_has_bug(h, B(TAA)))
		emit(buf, "Not affected", NULL);
	else if (h->b.taa == TAA_TSX_DISABLED || h->b.taa == TAA_OFF)
		emit(buf, s, NULL);
	else if (boot_cpu_has(h, F(HYPERVISOR)))
		emit(buf, s, "Host state unknown");
	else
		emit(buf, s, sched_smt_active(h) ? "vulnerable" : "disabled");
}

/* 6.1 l.3398: MMIO_UNKNOWN answers first */
void cpu_show_mmio_stale_data(const struct ref_host *h, char *buf)
{
	const char *s = mmio_strings[h->b.mmio];

	if (boot_cpu_has_bug(h, B(MMIO_UNKNOWN)))
		emit(buf, "Unknown: No mitigations", NULL);
	else if (!boot_cpu_has_bug(h, B(MMIO_STALE_DATA)))
		emit(buf, "Not affected", NULL);
	else if (h->b.mmio == MMIO_OFF)
		emit(buf, s, NULL);
	else if (boot_cpu_has(h, F(HYPERVISOR)))
		emit(buf, s, "Host state unknown");
	else
		emit(buf, s, sched_smt_active(h) ? "vulnerable" : "disabled");
}
