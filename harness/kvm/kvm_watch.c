// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend on VMX: kmc.ko's vmx watch (docs/kvm-backend.md "VMX:
 * the vmx watch"), armed at open and again before each vector's VM, read
 * around the guest's VERW and after the ops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kvm_backend.h"

/* (Re-)arm "watch 0 OFFSET": kmc.ko clears its vCPU table, so the next VM is vm0 */
int kb_watch_arm(struct kctx *c, char *msg, size_t len)
{
	double t0 = kb_seconds();
	int ret = kmc_dev_cmd(c->kmc_dev, c->watch_cmd, msg, len);

	c->watch_s += kb_seconds() - t0;
	c->nwatch++;
	if (!ret)
		c->watch_armed = 1;
	return ret;
}

/* The OFFSET, kmc.ko's agreement with this kernel, and a first watch; else watch_why */
void kb_watch_setup(struct kctx *c)
{
	const char *env = getenv("KMC_VMX_OFFSET");
	struct kmc_dev_facts *f = malloc(sizeof(*f));
	char msg[MSGLEN], src[300];
	struct kmc_btf_vmx l;
	int ret;

	if (!f) {
		snprintf(c->watch_why, sizeof(c->watch_why), "out of memory");
		return;
	}
	ret = kmc_dev_read(c->kmc_dev, f, msg, sizeof(msg));
	if (ret) {
		snprintf(c->watch_why, sizeof(c->watch_why), "%s (kmc.ko not loaded? docs/kmod.md)", msg);
		goto out;
	}
	if (env && *env) {
		uint64_t x;

		if (kmc_parse_u64(env, &x) || !x || x >= 65536) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "KMC_VMX_OFFSET='%s': not a byte offset below 64 KiB", env);
			goto out;
		}
		c->vmx_offset = (uint32_t)x;
		snprintf(c->vmx_offset_src, sizeof(c->vmx_offset_src),
			 "KMC_VMX_OFFSET (the BTF was not read)");
	} else {
		ret = kmc_vmx_layout_files(getenv("KMC_BTF_VMLINUX"), getenv("KMC_BTF_KVM_INTEL"), &l,
					   src, sizeof(src), msg, sizeof(msg));
		if (ret) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "the offset of vcpu_vmx.disable_fb_clear: %s (KMC_VMX_OFFSET overrides)", msg);
			goto out;
		}
		if (f->min_offset >= 0 && f->min_offset != (int64_t)l.kvm_vcpu_size) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "kmc.ko's vmx.min_offset 0x%llx (the sizeof(struct kvm_vcpu) it was built with) is not this kernel's 0x%x (%s): kmc.ko was built for another kernel",
				 (unsigned long long)f->min_offset, l.kvm_vcpu_size, src);
			goto out;
		}
		c->vmx_offset = l.offset;
		snprintf(c->vmx_offset_src, sizeof(c->vmx_offset_src),
			 "%s: vcpu_vmx.disable_fb_clear at byte 0x%x, vcpu at 0x%x, sizeof(struct kvm_vcpu) 0x%x",
			 src, l.field_off, l.vcpu_off, l.kvm_vcpu_size);
	}
	snprintf(c->watch_cmd, sizeof(c->watch_cmd), "watch 0 0x%x", c->vmx_offset);
	ret = kb_watch_arm(c, msg, sizeof(msg));
	if (ret) {
		snprintf(c->watch_why, sizeof(c->watch_why), "%s", msg);
		goto out;
	}
	c->watch_ok = 1;
out:
	free(f);
}

void kb_watch_close(struct kctx *c)
{
	char msg[MSGLEN];

	if (c->watch_armed && kmc_dev_cmd(c->kmc_dev, "unwatch", msg, sizeof(msg)))
		fprintf(stderr, "kmc-run: kvm: %s\n", msg);
	c->watch_armed = 0;
}

void kb_trace_slot(const struct evalctx *e, const char *when, const struct kmc_dev_slot *s)
{
	char dis[32] = "-";

	if (!e->c->trace)
		return;
	if (s->have_runs_disabled)
		snprintf(dis, sizeof(dis), "%llu", (unsigned long long)s->runs_disabled);
	fprintf(stderr, "kvm: %s: vmx vm0.vcpu0 %s: disable_fb_clear %d (after_reset %d, after_set_arch_cap %d, at_run %d; resets %llu, 0x10a writes %llu, runs %llu, runs_disabled %s, changes %llu)\n",
		e->r->id, when, s->last, s->after_reset, s->after_set_arch_cap, s->at_run,
		(unsigned long long)s->resets, (unsigned long long)s->arch_cap_writes,
		(unsigned long long)s->runs, dis, (unsigned long long)s->changes);
}

/*
 * Read /dev/kmc and check that the watch is still kmc-run's and lost
 * nothing; *@out is vCPU 0 of vm0, the vector's VM (the watch was re-armed
 * just before it was created).  0, or -errno with "@what: ..." in e->why.
 */
int kb_watch_read(struct evalctx *e, const char *what, const struct kmc_dev_slot **out)
{
	const struct kctx *c = e->c;
	char msg[MSGLEN];
	int ret = kmc_dev_read(c->kmc_dev, &e->facts, msg, sizeof(msg));

	if (ret)
		return snprintf(e->why, e->len, "%s: %s", what, msg), ret;
	*out = kmc_dev_watch_slot(&e->facts, (long)getpid(), c->vmx_offset, 0, msg, sizeof(msg));
	if (!*out)
		return snprintf(e->why, e->len, "%s: %s (%s, %s)", what, msg, c->kmc_dev,
				c->vmx_offset_src), -EIO;
	return 0;
}

/*
 * op verw on VMX, derived (docs/kvm-backend.md): disable_fb_clear at the
 * VM-entry that ran the guest's VERW, and what the host CPU's VERW does.
 * @before is vCPU 0's slot before the guest command.
 */
int kb_verw_vmx(struct evalctx *e, unsigned int i, const struct kmc_dev_slot *before,
		    struct kmc_result *res)
{
	const struct kmc_dev_slot *s;
	char what[300], text[200], why[300];
	int ret, flag, clears;

	kmv_format_op(e->r, i, text, sizeof(text));
	snprintf(what, sizeof(what), "%s:%u: %s", e->r->file, e->r->op_line[i], text);
	ret = kb_watch_read(e, what, &s);
	if (ret)
		return ret;
	kb_trace_slot(e, "after op verw", s);
	flag = kmc_dev_entry_flag(before, s, why, sizeof(why));
	if (flag < 0)
		return snprintf(e->why, e->len, "%s: %s", what, why), -EIO;
	clears = kmc_dev_verw_clears(&e->facts, flag, why, sizeof(why));
	if (clears < 0)
		return snprintf(e->why, e->len, "%s: what VERW did cannot be derived here: %s", what, why),
		       KMC_BE_SKIP;
	res->kind = KMC_RES_VALUE;
	res->value = (uint64_t)clears;		/* 1 clears, 0 keeps */
	return 0;
}

