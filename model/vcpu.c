// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU: its creation, then the scenario's operations in order.
 * Host-side access to MSR 0x10a and KVM_SET_CPUID2 follow kernel-facts
 * C.4 and D.1-D.4; the guest side is in guest_msrs.c, cpu_caps.c and
 * fb_clear.c.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

bool vcpu_guest_has(const struct vcpu *v, enum kmc_feat f)
{
	return v->has_table && (v->table & KMC_BIT(f));
}

/* What the guest's CPUID instruction returns: the table, minus RTM and HLE
 * while its TSX_CTRL has CPUID_CLEAR */
static uint64_t guest_cpuid_now(const struct vcpu *v)
{
	uint64_t val = v->has_table ? v->table : 0;

	if (v->tsx_ctrl & KMC_TSX_CTRL_CPUID_CLEAR)
		val &= ~(KMC_F(RTM) | KMC_F(HLE));
	return val;
}

bool vcpu_guest_sees(const struct vcpu *v, enum kmc_feat f)
{
	return (guest_cpuid_now(v) & KMC_BIT(f)) != 0;
}

/* Userspace takes exits of @reason: enabled by the VM, or (FILTER) by the
 * VMM of variant virt-mitigation-msrs, which filters MSRs of its own */
bool vcpu_user_exit(const struct vcpu *v, uint8_t reason)
{
	return (v->vm->user_msr_exits & reason) ||
	       (reason == KMC_MSR_EXIT_FILTER && (v->var & KMC_VAR_VIRT_MSRS));
}

static bool quirk_enabled(const struct vcpu *v, uint32_t quirk)
{
	return !(v->vm->disabled_quirks & quirk);
}

/*
 * vCPU creation (kvm_arch_vcpu_create + kvm_vcpu_reset): the 0x10a default
 * is KVM's feature value, unless the STUFF_FEATURE_MSRS quirk exists and
 * was disabled (C.4).
 */
static void vcpu_create(struct vcpu *v)
{
	bool stuff = !HAS(v->p, FL_STUFF_FEATURE_MSRS_QUIRK) ||
		     quirk_enabled(v, KMC_KVM_QUIRK_STUFF_FEATURE_MSRS);

	v->host_ac = v->h->arch_cap;
	v->ac = stuff ? v->b->kvm_ac : 0;
	v->apic_enabled = true;		/* in-kernel LAPIC, reset state */
	/* PEBS_UNAVAIL | BTS_UNAVAIL at RESET since 6.0; before it nothing set it (0) */
	v->misc_enable = HAS(v->p, FL_MISC_ENABLE_PMU_BITS) ? 0x1800 : 0;
	model_spec_ctrl_create(v);
	/* since the cpu_caps rework, creation runs the after-CPUID hooks on an empty table */
	if (HAS(v->p, FL_CPU_CAPS))
		model_after_set_cpuid(v);
	model_update_fb_clear_dis(v);
}

/* The guest may read 0x10a only with the CPUID bit (D.1) */
static bool ac_cpuid(const struct vcpu *v)
{
	return vcpu_guest_has(v, KMC_F_ARCH_CAPABILITIES);
}

static uint64_t feature_now(const struct vcpu *v);

/* Host write, KVM_SET_MSRS(0x10a): entries processed (D.1, D.3) */
static int host_set_ac(struct vcpu *v, uint64_t val)
{
	bool gated = HAS(v->p, FL_AC_REQUIRES_CPUID) && !ac_cpuid(v);

	if (HAS(v->p, FL_IMMUTABLE_FEATURE_MSRS) && v->ran) {
		/* what a host read gives: the value, or 0 behind the gate */
		uint64_t cur = gated ? 0 : v->ac;

		if (val != cur)
			return 0;
	}
	if (gated)	/* KVM_MSR_RET_UNSUPPORTED: writing 0 is fine */
		return (val == 0 || v->h->ignore_msrs) ? 1 : 0;
	/* variant validate-arch-cap (lkml 004): only bits KVM advertises itself */
	if ((v->var & KMC_VAR_VALIDATE_AC) && (val & ~feature_now(v)))
		return 0;
	v->ac = val;
	model_update_fb_clear_dis(v);
	return 1;
}

/* Host read, KVM_GET_MSRS(0x10a) */
static uint64_t host_get_ac(const struct vcpu *v)
{
	if (HAS(v->p, FL_AC_REQUIRES_CPUID) && !ac_cpuid(v))
		return 0;
	return v->ac;
}

/*
 * KVM_SET_CPUID2: after the first run only an identical table (D.4);
 * before 5.16 any table, as before the run
 */
static int set_cpuid(struct vcpu *v, uint64_t table)
{
	uint64_t t = model_runtime_bits(v, table);

	if (v->ran && HAS(v->p, FL_CPUID_FROZEN_AFTER_RUN))
		return t == v->table ? 0 : EINVAL;
	v->table = t;
	v->has_table = true;
	model_after_set_cpuid(v);
	if (v->var & KMC_VAR_MD_CLEAR)	/* the CPUID now decides FB_CLEAR_DIS too */
		model_update_fb_clear_dis(v);
	return 0;
}

/*
 * The feature MSR at this moment: a live read before the 6.6 snapshot, and
 * SKIP_VMENTRY_L1DFLUSH as vmentry_l1d_flush now says -- why KVM computes
 * it on every call rather than caching it (lkml 001)
 */
static uint64_t feature_now(const struct vcpu *v)
{
	struct boot now = *v->b;
	uint64_t raw = v->b->ac;

	if (!HAS(v->p, FL_KVM_AC_SNAPSHOT) && HAS_F(v->h->cpuid, ARCH_CAPABILITIES))
		raw = v->host_ac;
	now.l1tf_vmx = v->l1tf_vmx;
	return model_kvm_arch_cap(v->p, &now, raw, v->var);
}

static void res_value(struct kmc_result *r, uint64_t val)
{
	r->kind = KMC_RES_VALUE;
	r->value = val;
}

/*
 * A guest MSR access that KVM did not complete: ignore_msrs, then a
 * userspace exit if that reason is enabled, else #GP.
 */
static void guest_msr_result(const struct vcpu *v, enum msr_rc rc, bool read,
			     uint64_t val, struct kmc_result *r)
{
	uint8_t reason;

	if (rc == RC_OK) {
		if (read)
			res_value(r, val);
		else
			r->kind = KMC_RES_OK;
		return;
	}
	if (rc == RC_UNSUPPORTED && v->h->ignore_msrs) {
		if (read)
			res_value(r, 0);
		else
			r->kind = KMC_RES_OK;
		return;
	}
	reason = rc == RC_ONE ? KMC_MSR_EXIT_INVAL : KMC_MSR_EXIT_UNKNOWN;
	if (v->vm->user_msr_exits & reason) {
		r->kind = KMC_RES_EXIT;
		r->exit = reason;
		return;
	}
	r->kind = KMC_RES_GP;
}

/* A read the MSR filter denies: exit with reason FILTER, or #GP */
static bool filtered(const struct vcpu *v, uint32_t index, struct kmc_result *r)
{
	if (!v->vm->filter_arch_cap || index != KMC_MSR_ARCH_CAPABILITIES)
		return false;
	if (vcpu_user_exit(v, KMC_MSR_EXIT_FILTER)) {
		r->kind = KMC_RES_EXIT;
		r->exit = KMC_MSR_EXIT_FILTER;
		r->n = 1;
		r->value = v->vm->uemu_arch_cap;
	} else {
		r->kind = KMC_RES_GP;
	}
	return true;
}

static int do_op(struct vcpu *v, const struct kmc_op *op, struct kmc_result *r)
{
	enum msr_rc rc;
	uint64_t val = 0;
	int err;

	switch (op->kind) {
	case KMC_OP_SET_CPUID:
		err = set_cpuid(v, op->value);
		r->kind = err ? KMC_RES_ERRNO : KMC_RES_OK;
		r->err = (int16_t)err;
		return 0;
	case KMC_OP_SET_MSR:
		if (op->index != KMC_MSR_ARCH_CAPABILITIES)
			return -EINVAL;
		r->kind = KMC_RES_NMSRS;
		r->n = (uint8_t)host_set_ac(v, op->value);
		return 0;
	case KMC_OP_GET_MSR:
		if (op->index != KMC_MSR_ARCH_CAPABILITIES)
			return -EINVAL;
		r->kind = KMC_RES_NMSRS;
		r->n = 1;
		r->value = host_get_ac(v);
		return 0;
	case KMC_OP_RUN:
		v->ran = true;
		r->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_RDMSR:
		v->ran = true;
		if (filtered(v, op->index, r) || model_vmm_virt_msr(v, op, r))
			return 0;
		rc = model_guest_rdmsr(v, op->index, &val);
		if (rc == RC_NOT_MODELLED)
			return -EINVAL;
		guest_msr_result(v, rc, true, val, r);
		return 0;
	case KMC_OP_WRMSR:
		v->ran = true;
		if (model_vmm_virt_msr(v, op, r))
			return 0;
		rc = model_guest_wrmsr(v, op->index, op->value);
		if (rc == RC_NOT_MODELLED)
			return -EINVAL;
		guest_msr_result(v, rc, false, 0, r);
		return 0;
	case KMC_OP_RESET:
		/* INIT: CR4 and SPEC_CTRL cleared; the CPUID runtime bits follow CR4 */
		v->cr4 = 0;
		v->spec_ctrl = 0;
		if (v->has_table)
			v->table = model_runtime_bits(v, v->table);
		model_update_fb_clear_dis(v);
		r->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_SET_CR4:
		v->ran = true;
		if (!model_cr4_ok(v, op->value)) {
			r->kind = KMC_RES_GP;
			return 0;
		}
		v->cr4 |= op->value;
		if (v->has_table)
			v->table = model_runtime_bits(v, v->table);
		r->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_GUEST_CPUID:
		v->ran = true;
		res_value(r, guest_cpuid_now(v) & op->value);
		return 0;
	case KMC_OP_VERW:
		v->ran = true;
		res_value(r, model_verw(v));
		return 0;
	case KMC_OP_GET_FEATURE:
		res_value(r, feature_now(v));
		return 0;
	case KMC_OP_HOST_UCODE:
		v->host_ac = op->value;
		r->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_L1D_FLUSH:
		/* the parameter exists only where kvm_intel is loaded */
		if (!vcpu_is_vmx(v)) {
			r->kind = KMC_RES_ERRNO;
			r->err = ENOENT;
			return 0;
		}
		if (op->value > KMC_L1D_ALWAYS)
			return -EINVAL;
		v->l1tf_vmx = model_l1tf_vmx(v->p, v->h, v->b, (uint8_t)op->value);
		r->kind = KMC_RES_OK;
		return 0;
	default:
		return -EINVAL;
	}
}

int model_vcpu_run_ops(const struct kmc_profile *p, const struct kmc_scenario *s,
		       const struct boot *b, struct kmc_obs *o)
{
	struct vcpu v;

	memset(&v, 0, sizeof(v));
	v.p = p;
	v.h = &s->host;
	v.vm = &s->vm;
	v.b = b;
	v.var = s->variants;
	v.l1tf_vmx = b->l1tf_vmx;
	vcpu_create(&v);
	o->vcpu_arch_cap = v.ac;

	if (s->nops > KMC_MAX_OPS)
		return -EINVAL;
	for (unsigned int i = 0; i < s->nops; i++)
		if (do_op(&v, &s->ops[i], &o->res[i]))
			return -EINVAL;
	o->nres = s->nops;
	o->fb_clear_ctrl = model_fb_clear_ctrl(&v);
	o->disable_fb_clear = vcpu_is_vmx(&v) ? (int8_t)v.disable_fb_clear : -1;
	o->cpu_caps = model_cpu_caps(&v);
	o->findings = model_findings(&v);
	o->spec_ctrl = model_spec_ctrl_hw(&v);
	return 0;
}
