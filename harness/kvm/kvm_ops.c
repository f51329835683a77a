// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend's observations: a vector's VM and vCPUs, each op as
 * ioctls or guest commands, and what a fresh vCPU holds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kvm_backend.h"
#include "names.h"

/* An ERROR for op @i, "FILE:LINE: op TEXT: what" */
static int op_error(struct evalctx *e, unsigned int i, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int op_error(struct evalctx *e, unsigned int i, int err, const char *fmt, ...)
{
	char text[200], what[MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kmv_format_op(e->r, i, text, sizeof(text));
	snprintf(e->why, e->len, "%s:%u: %s: %s", e->r->file, e->r->op_line[i], text, what);
	return err < 0 ? err : -EIO;
}

static int guest(struct evalctx *e, unsigned int i, const struct kmc_gcmd *cmd, struct kmc_gres *g)
{
	char msg[MSGLEN];
	int ret = kmc_vcpu_guest(e->v, cmd, 0, g, msg, sizeof(msg));

	if (ret)
		return op_error(e, i, ret, "%s", msg);
	if (g->outcome != KMC_GOUT_DONE)
		return op_error(e, i, -EIO, "guest: %s", g->what);
	if (g->vector == KMC_G_BAD_COMMAND)
		return op_error(e, i, -EPROTO, "guest: command %u not understood", cmd->cmd);
	return 0;
}

/* A guest MSR access: value / ok / gp, or the userspace exit it went through */
static int guest_msr(struct evalctx *e, unsigned int i, const struct kmc_op *op,
		     struct kmc_result *res)
{
	struct kmc_gcmd cmd = {
		.cmd = op->kind == KMC_OP_RDMSR ? KMC_GC_RDMSR : KMC_GC_WRMSR,
		.index = op->index, .value = op->value,
	};
	struct kmc_gres g;
	int ret = guest(e, i, &cmd, &g);

	if (ret)
		return ret;
	if (g.vector != KMC_G_NO_VECTOR && g.vector != 13)
		return op_error(e, i, -EIO, "the guest took vector %u (error code 0x%x), not #GP",
				g.vector, g.errcode);
	if (g.nmsr_exits) {
		res->kind = KMC_RES_EXIT;
		res->exit = (uint8_t)g.msr_exit_reason;
		res->n = g.vector == KMC_G_NO_VECTOR;
		res->value = op->kind == KMC_OP_RDMSR && res->n ? g.out : 0;
		return 0;
	}
	if (g.vector == 13) {
		res->kind = KMC_RES_GP;
	} else if (op->kind == KMC_OP_RDMSR) {
		res->kind = KMC_RES_VALUE;
		res->value = g.out;
	} else {
		res->kind = KMC_RES_OK;
	}
	return 0;
}

/* guest CPUID: which of the asked features the guest sees, one CPUID per leaf */
static int guest_cpuid(struct evalctx *e, unsigned int i, uint64_t asked, struct kmc_result *res)
{
	uint64_t seen = 0, done = 0;

	for (unsigned int f = 0; f < KMC_F_NR; f++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[f];
		struct kmc_gcmd cmd = { .cmd = KMC_GC_CPUID, .index = l->leaf, .subleaf = l->subleaf };
		struct kmc_gres g;
		int ret;

		if (!(asked & KMC_BIT(f)) || (done & KMC_BIT(f)))
			continue;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "CPUID(0x%x, %u) took vector %u", l->leaf,
					l->subleaf, g.vector);
		/* every asked feature in this leaf is answered by this CPUID */
		for (unsigned int k = f; k < KMC_F_NR; k++) {
			const struct kmc_feat_loc *m = &kmc_feat_loc[k];

			if (m->leaf != l->leaf || m->subleaf != l->subleaf || !(asked & KMC_BIT(k)))
				continue;
			done |= KMC_BIT(k);
			if (g.regs[m->reg] >> m->bit & 1)
				seen |= KMC_BIT(k);
		}
	}
	res->kind = KMC_RES_VALUE;
	res->value = seen;
	return 0;
}

int kb_do_op(struct evalctx *e, unsigned int i, struct kmc_result *res)
{
	const struct kmc_op *op = &e->r->sc.ops[i];
	struct kmc_gcmd cmd = { 0 };
	struct kmc_gres g;
	char msg[MSGLEN];
	int ret, n, err;

	memset(res, 0, sizeof(*res));
	switch (op->kind) {
	case KMC_OP_SET_CPUID: {
		struct kvm_cpuid2 *t = kmc_cpuid_table(e->c->k.supported, op->value);

		if (!t)
			return op_error(e, i, -ENOMEM, "out of memory");
		ret = kmc_vcpu_set_cpuid(e->v, t, &err, msg, sizeof(msg));
		free(t);
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = err ? KMC_RES_ERRNO : KMC_RES_OK;
		res->err = (int16_t)err;
		return 0;
	}
	case KMC_OP_SET_MSR:
		ret = kmc_vcpu_set_msr(e->v, op->index, op->value, &n, msg, sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_NMSRS;
		res->n = (uint8_t)n;
		return 0;
	case KMC_OP_GET_MSR:
		ret = kmc_vcpu_get_msr(e->v, op->index, &res->value, &n, msg, sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_NMSRS;
		res->n = (uint8_t)n;
		return 0;
	case KMC_OP_RUN:
		cmd.cmd = KMC_GC_NOP;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "the guest took vector %u", g.vector);
		res->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_RDMSR:
	case KMC_OP_WRMSR:
		return guest_msr(e, i, op, res);
	case KMC_OP_SET_CR4:
		cmd.cmd = KMC_GC_SET_CR4;
		cmd.value = op->value;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR && g.vector != 13)
			return op_error(e, i, -EIO, "MOV to CR4 took vector %u, not #GP", g.vector);
		res->kind = g.vector == 13 ? KMC_RES_GP : KMC_RES_OK;
		return 0;
	case KMC_OP_GUEST_CPUID:
		return guest_cpuid(e, i, op->value, res);
	case KMC_OP_VERW: {
		struct kmc_dev_slot before = { .vm = 0 };
		const struct kmc_dev_slot *s;

		cmd.cmd = KMC_GC_VERW;
		if (e->watch) {
			kmv_format_op(e->r, i, msg, sizeof(msg));
			ret = kb_watch_read(e, msg, &s);
			if (ret)
				return ret;
			before = *s;
		}
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "VERW took vector %u", g.vector);
		if (e->watch)
			return kb_verw_vmx(e, i, &before, res);
		/* SVM: no FB_CLEAR_DIS, VERW must just not fault */
		res->kind = KMC_RES_VALUE;
		res->value = 2;		/* n/a: no VMX */
		return 0;
	}
	case KMC_OP_GET_FEATURE:
		ret = kmc_kvm_feature_msr(&e->c->k, KMC_MSR_ARCH_CAPABILITIES, &res->value, msg,
					  sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_VALUE;
		return 0;
	default:
		return op_error(e, i, -EOPNOTSUPP, "not an op the kvm backend knows");
	}
}

/* vcpu.arch_cap: a fresh vCPU's 0x10a, read after giving it the CPUID bit */
static int vcpu_default(struct evalctx *e, struct kmc_kvm_vcpu *probe, uint64_t *val)
{
	struct kvm_cpuid2 *t = kmc_cpuid_table(e->c->k.supported,
					       kmc_cpuid_features(e->c->k.supported) |
					       KMC_F(ARCH_CAPABILITIES));
	char msg[MSGLEN];
	int err, n, ret;

	if (!t) {
		snprintf(e->why, e->len, "vcpu.arch_cap: out of memory");
		return -ENOMEM;
	}
	ret = kmc_vcpu_set_cpuid(probe, t, &err, msg, sizeof(msg));
	free(t);
	if (!ret && err) {
		snprintf(e->why, e->len, "%s:%u: vcpu.arch_cap: KVM_SET_CPUID2 on a fresh vCPU: %s",
			 e->r->file, e->r->exp_line[KMV_K_VCPU_ARCH_CAP], strerror(err));
		return -err;
	}
	if (!ret)
		ret = kmc_vcpu_get_msr(probe, KMC_MSR_ARCH_CAPABILITIES, val, &n, msg, sizeof(msg));
	if (!ret && n != 1) {
		snprintf(msg, sizeof(msg), "KVM_GET_MSRS(0x10a): %d entries processed", n);
		ret = -EIO;
	}
	if (ret)
		snprintf(e->why, e->len, "%s:%u: vcpu.arch_cap: %s", e->r->file,
			 e->r->exp_line[KMV_K_VCPU_ARCH_CAP], msg);
	return ret;
}

int kb_run_vm(struct evalctx *e, struct kmc_obs *o)
{
	const struct kmv_record *r = e->r;
	uint32_t need = r->exp_have | r->exp_req;
	struct kmc_vm_cfg cfg = {
		.disable_quirks = r->sc.vm.disabled_quirks,
		.user_msr_exits = r->sc.vm.user_msr_exits,
		.filter_arch_cap = r->sc.vm.filter_arch_cap,
	};
	struct kmc_kvm_vcpu *probe = NULL;
	char msg[MSGLEN];
	double t0;
	int ret;

	if (e->watch) {
		/* a fresh vCPU table in kmc.ko: this vector's VM is vm0 */
		ret = kb_watch_arm(e->c, msg, sizeof(msg));
		if (ret)
			return snprintf(e->why, e->len, "%s:%u: VMX: %s", r->file, r->line, msg),
			       KMC_BE_SKIP;
	}
	t0 = kb_seconds();
	ret = kmc_vm_create(&e->c->k, &cfg, &e->vm, msg, sizeof(msg));
	e->have_vm = 1;
	e->c->nvms++;
	if (!ret)
		ret = kmc_vcpu_create(&e->vm, &e->v, msg, sizeof(msg));
	if (!ret && (need & KEYBIT(KMV_K_VCPU_ARCH_CAP)))
		ret = kmc_vcpu_create(&e->vm, &probe, msg, sizeof(msg));
	e->c->vm_create_s += kb_seconds() - t0;
	if (ret) {
		snprintf(e->why, e->len, "%s:%u: %s", r->file, r->vm_line ? r->vm_line : r->line, msg);
		return ret;
	}
	snprintf(e->c->vm_note, sizeof(e->c->vm_note), "%s", e->vm.note);
	e->vm.uemu_arch_cap = r->sc.vm.uemu_arch_cap;
	if (probe) {
		ret = vcpu_default(e, probe, &o->vcpu_arch_cap);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		ret = kb_do_op(e, i, &o->res[i]);
		if (ret)
			return ret;
	}
	o->nres = r->sc.nops;
	if (e->watch && (need & KEYBIT(KMV_K_DISABLE_FB_CLEAR))) {
		/* the flag after the last op: the last value kmc.ko read (docs/kvm-backend.md) */
		const struct kmc_dev_slot *s;

		snprintf(msg, sizeof(msg), "%s:%u: disable_fb_clear", r->file,
			 r->exp_line[KMV_K_DISABLE_FB_CLEAR]);
		ret = kb_watch_read(e, msg, &s);
		if (ret)
			return ret;
		kb_trace_slot(e, "after the ops", s);
		o->disable_fb_clear = (int8_t)s->last;
	}
	if (e->watch && e->c->mark.on) {
		/* the table as read above, or read now (a vector with op verw only) */
		if (!(need & KEYBIT(KMV_K_DISABLE_FB_CLEAR))) {
			ret = kmc_dev_read(e->c->kmc_dev, &e->facts, msg, sizeof(msg));
			if (ret)
				return snprintf(e->why, e->len, "%s:%u: KMC_KVM_MARK_LOG: %s", r->file,
						r->line, msg), ret;
		}
		kmc_mark_log(&e->c->mark, r->id, &e->facts);
		e->marked = 1;
	}
	return 0;
}

