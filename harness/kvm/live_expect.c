// SPDX-License-Identifier: GPL-2.0
/*
 * The model's expectations for a `host live` record on this machine
 * (live_expect.h, docs/kvm-backend.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "live_expect.h"
#include "names.h"

/*
 * Clear @mask in item (@key or @op) of @o.  0 if the item is a key that is
 * neither a bit set nor a value (it can only be left out whole); an op
 * result without a value (gp, ok, ...) is left as it is.
 */
static int mask_item(int key, int op, uint8_t opkind, struct kmc_obs *o, uint64_t mask)
{
	if (key < 0) {
		struct kmc_result *res = &o->res[op];

		if (opkind != KMC_OP_SET_CPUID && (res->kind == KMC_RES_VALUE ||
						   res->kind == KMC_RES_NMSRS ||
						   res->kind == KMC_RES_EXIT))
			res->value &= ~mask;
		return 1;
	}
	switch (key) {
	case KMV_K_BUGS: o->bugs &= ~mask; return 1;
	case KMV_K_HOST_FLAGS: o->host_feat &= ~mask; return 1;
	case KMV_K_HOST_STATE: o->host_state &= ~(uint32_t)mask; return 1;
	case KMV_K_KVM_ARCH_CAP: o->kvm_arch_cap &= ~mask; return 1;
	case KMV_K_KVM_CPUID: o->kvm_cpuid &= ~mask; return 1;
	case KMV_K_KVM_EMUL_CPUID: o->kvm_emul_cpuid &= ~mask; return 1;
	case KMV_K_VCPU_ARCH_CAP: o->vcpu_arch_cap &= ~mask; return 1;
	case KMV_K_CPU_CAPS: o->cpu_caps &= ~mask; return 1;
	case KMV_K_FINDINGS: o->findings &= ~(uint32_t)mask; return 1;
	default: return 0;
	}
}

/* The model on the live host fills what @r leaves open */
static int fill_from_model(const struct kmc_backend *be, void *ctx, uint32_t kvariants,
			   const struct kmv_record *r, struct kmv_record *lr, char *why, size_t len)
{
	const struct kmc_profile *p = NULL;
	struct kmc_obs mo;
	int ret;

	*lr = *r;
	ret = be->live(ctx, r, &lr->sc.host, &p, why, len);
	if (ret)
		return ret;
	lr->sc.variants |= kvariants;	/* what the running kernel carries */
	ret = kmc_model_eval(p, &lr->sc, &mo);
	if (ret < 0) {
		snprintf(why, len, "%s:%u: model: cannot evaluate this vector on the live host (%s)",
			 r->file, r->line, strerror(-ret));
		return ret;
	}
	lr->profile = p;
	for (int k = 0; k < KMV_K_NR; k++)
		if (r->exp_req & (1u << k)) {
			kmv_copy_key((enum kmv_key)k, &lr->exp, &mo);
			lr->exp_have |= 1u << k;
		}
	lr->exp_req = 0;
	for (unsigned int i = 0; i < r->sc.nops; i++)
		if (!(r->res_have & (1u << i))) {
			if (i >= mo.nres || mo.res[i].kind == KMC_RES_NONE) {
				snprintf(why, len, "%s:%u: model: no result for this op", r->file,
					 r->op_line[i]);
				return -EINVAL;
			}
			lr->exp.res[i] = mo.res[i];
			lr->res_have |= 1u << i;
		}
	lr->exp.nres = r->sc.nops;
	return 0;
}

int kmc_live_expect(const struct kmc_backend *be, void *ctx, uint32_t kvariants,
		    const struct kmv_record *r, struct kmv_record *lr, struct kmc_obs *obs,
		    char *notes, size_t nlen, char *why, size_t len)
{
	size_t used = 0;
	int ret;

	notes[0] = '\0';
	ret = fill_from_model(be, ctx, kvariants, r, lr, why, len);
	if (ret || !be->unobserved)
		return ret;
	for (int i = 0; i < KMV_K_NR + (int)r->sc.nops; i++) {
		int key = i < KMV_K_NR ? i : -1, op = i < KMV_K_NR ? -1 : i - KMV_K_NR;
		uint8_t kind = op < 0 ? 0 : r->sc.ops[op].kind;
		char reason[256] = "", what[160], bits[KMV_VALMAX];
		uint64_t mask;

		if (key >= 0 ? !(lr->exp_have & (1u << key)) : !(lr->res_have & (1u << op)))
			continue;
		mask = be->unobserved(ctx, r, key, op, reason, sizeof(reason));
		if (!mask)
			continue;
		if (!mask_item(key, op, kind, &lr->exp, mask) || !mask_item(key, op, kind, obs, mask)) {
			/* not a bit set: the whole item is left out */
			if (key >= 0)
				lr->exp_have &= ~(1u << key);
			else
				lr->res_have &= ~(1u << op);
			snprintf(bits, sizeof(bits), "all of it");
		} else if (key >= 0 && kmv_key_list((enum kmv_key)key)) {
			kmc_list_format(kmv_key_list((enum kmv_key)key), mask, bits, sizeof(bits));
		} else {
			kmc_list_format(&kmc_ac_names, mask, bits, sizeof(bits));
		}
		if (key >= 0)
			snprintf(what, sizeof(what), "%s", kmv_key_names[key]);
		else
			kmv_format_op(r, (unsigned int)op, what, sizeof(what));
		if (used < nlen)
			used += (size_t)snprintf(notes + used, nlen - used,
						 "%s:%u: %s: not compared: %s (%s)\n", r->file,
						 key >= 0 ? r->exp_line[key] : r->op_line[op], what,
						 bits, reason);
	}
	return 0;
}
