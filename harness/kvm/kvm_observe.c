// SPDX-License-Identifier: GPL-2.0
/*
 * What the kvm backend cannot observe on this machine: whole vectors (a
 * SKIP naming why) and bits of an item (left out of the comparison).
 */
#include <stdio.h>
#include "kvm_backend.h"

/* Bits of KVM's 0x10a that depend on the host's raw value (docs/kvm-backend.md, "raw MSR 0x10a") */
#define PASSTHROUGH_AC \
	(KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_RSBA | KMC_AC_SKIP_VMENTRY_L1DFLUSH | \
	 KMC_AC_SSB_NO | KMC_AC_MDS_NO | KMC_AC_TSX_CTRL_MSR | KMC_AC_TAA_NO | \
	 KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO | KMC_AC_FB_CLEAR | \
	 KMC_AC_RRSBA | KMC_AC_BHI_NO | KMC_AC_PBRSB_NO | KMC_AC_GDS_NO | KMC_AC_RFDS_NO | \
	 KMC_AC_RFDS_CLEAR | KMC_AC_ITS_NO)

uint64_t kb_unobserved(void *ctx, const struct kmv_record *r, int key, int op,
			       char *why, size_t len)
{
	struct kctx *c = ctx;
	int ac_item = key == KMV_K_KVM_ARCH_CAP || key == KMV_K_VCPU_ARCH_CAP;

	if (op >= 0) {
		const struct kmc_op *o = &r->sc.ops[op];

		ac_item = o->index == KMC_MSR_ARCH_CAPABILITIES &&
			  (o->kind == KMC_OP_GET_MSR || o->kind == KMC_OP_RDMSR ||
			   o->kind == KMC_OP_GET_FEATURE);
	}
	if (c->other && c->model_l1tf_never && ac_item) {
		snprintf(why, len, "KVM sets it unless kvm_intel's l1tf_vmx_mitigation is never, as the model has it for kvm_intel on this CPU; %s is loaded instead",
			 c->k.vendor_mod);
		return KMC_AC_SKIP_VMENTRY_L1DFLUSH | (c->lh.arch_cap_known ? 0 : PASSTHROUGH_AC);
	}
	if (!c->lh.arch_cap_known) {
		snprintf(why, len, "the host's MSR 0x10a is unknown: %s", c->lh.src[KMC_FACT_ARCH_CAP].note);
		if (ac_item)
			return PASSTHROUGH_AC;
		if (key == KMV_K_BUGS || key == KMV_K_SYSFS_MDS || key == KMV_K_SYSFS_TAA ||
		    key == KMV_K_SYSFS_MMIO || key == KMV_K_HOST_STATE)
			return ~0ULL;
	}
	if (key == KMV_K_HOST_FLAGS && (~c->lh.flags_visible & ((1ULL << KMC_F_NR) - 1))) {
		snprintf(why, len, "/proc/cpuinfo never prints them");
		return ~c->lh.flags_visible & ((1ULL << KMC_F_NR) - 1);
	}
	if (key == KMV_K_HOST_STATE && (~c->lh.host_state_known & 0xf)) {
		snprintf(why, len, "/dev/kmc cannot tell them on this kernel");
		return ~c->lh.host_state_known & 0xf;
	}
	return 0;
}

/* KMC_BE_SKIP with the reason when @r asks for something this machine cannot show */
int kb_cannot_observe(struct kctx *c, const struct kmv_record *r, char *why, size_t len)
{
	uint32_t need = r->exp_have | r->exp_req;
	const struct kmc_live_host *lh = &c->lh;
	int vmx = c->k.vendor == KMC_KVM_INTEL;

	if ((need & KEYBIT(KMV_K_HOST_STATE)) && !lh->kmod)
		return snprintf(why, len, "expect host.state needs /dev/kmc (kmc.ko): %s",
				lh->src[KMC_FACT_HOST_STATE].note), KMC_BE_SKIP;
	if ((need & KEYBIT(KMV_K_L1TF_VMX)) && lh->l1tf_vmx < 0)
		return snprintf(why, len, "expect l1tf_vmx: %s", lh->src[KMC_FACT_L1TF_VMX].note),
		       KMC_BE_SKIP;
	if ((need & (KEYBIT(KMV_K_SYSFS_MDS) | KEYBIT(KMV_K_SYSFS_TAA) | KEYBIT(KMV_K_SYSFS_MMIO))) &&
	    !lh->sysfs_ok)
		return snprintf(why, len, "expect sysfs.*: %s", lh->src[KMC_FACT_SYSFS].note),
		       KMC_BE_SKIP;
	if ((need & (KEYBIT(KMV_K_BUGS) | KEYBIT(KMV_K_HOST_FLAGS))) &&
	    lh->src[KMC_FACT_BUGS].src != KMC_SRC_PROCFS)
		return snprintf(why, len, "expect bugs/host.flags: %s", lh->src[KMC_FACT_BUGS].note),
		       KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_CPU_CAPS))
		return snprintf(why, len, "expect cpu_caps: KVM's cpu_caps are internal; the kvm backend observes their effects through ops, not the set"),
		       KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_FINDINGS))
		return snprintf(why, len, "expect findings: derived (VERW promise, false immunity, ordering) from what the hardware does, which the kvm backend does not observe"),
		       KMC_BE_SKIP;
	if (vmx && (need & KEYBIT(KMV_K_FB_CLEAR_CTRL)))
		return snprintf(why, len, "expect fb_clear_ctrl on VMX: kvm_intel keeps it where kmc.ko cannot read it (6.1: the static vmx_fb_clear_ctrl_available, not exported; from 6.6 it is computed inside vmx_update_fb_clear_dis(), 550ba57faa04), and kmc-run does not compute it from host facts with the model's rule"),
		       KMC_BE_SKIP;
	if (vmx && (need & KEYBIT(KMV_K_DISABLE_FB_CLEAR)) && !c->watch_ok)
		return snprintf(why, len, "expect disable_fb_clear on VMX needs kmc.ko's vmx watch: %s",
				c->watch_why), KMC_BE_SKIP;
	if (r->sc.vm.mmio_mapped)
		return snprintf(why, len, "vm mmio=1 needs a device assigned to the guest"), KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_SPEC_CTRL))
		return snprintf(why, len, "expect spec_ctrl: the value the CPU runs the guest with is loaded at VM-entry, out of userspace's sight"),
		       KMC_BE_SKIP;
	if (r->sc.vm.force_spec_ctrl)
		return snprintf(why, len, "vm force_spec_ctrl: KVM_CAP_FORCE_SPEC_CTRL was proposed (lkml 002), never merged"),
		       KMC_BE_SKIP;
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		const struct kmc_op *o = &r->sc.ops[i];

		if (o->kind == KMC_OP_RESET)
			return snprintf(why, len, "%s:%u: op reset: INIT/RESET of a vCPU is not implemented by the kvm backend",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_L1D_FLUSH)
			return snprintf(why, len, "%s:%u: op l1d_flush: kmc-run does not rewrite kvm_intel's parameters",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_HOST_UCODE)
			return snprintf(why, len, "%s:%u: op host_ucode: kmc-run cannot load microcode",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_VERW && vmx && !c->watch_ok)
			return snprintf(why, len, "%s:%u: op verw on VMX needs kmc.ko's vmx watch: %s",
					r->file, r->op_line[i], c->watch_why), KMC_BE_SKIP;
	}
	return 0;
}

