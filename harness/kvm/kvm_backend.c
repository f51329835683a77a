// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc-run --backend kvm`: the machine's own KVM, observed through
 * /dev/kvm and kmc's guest program, for `host live` vectors.  kmc-run asks
 * live() for this machine's host and profile and lets the model fill in
 * the expectations (docs/kvm-backend.md); eval() makes the observations.
 *
 * Without a usable /dev/kvm every vector is a SKIP naming the reason
 * (kmc-run then exits 4).  Vectors pinned to a catalog CPU are SKIPs too:
 * only the machine itself can be observed here.  A KVM whose vendor module
 * is neither kvm_intel nor kvm_amd (kvm_pvm) answers what it can: the
 * system ioctls always, VMs and the guest program as far as a probe at
 * open showed they work (kvm_other.c); the rest is a SKIP with the reason.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kvm_backend.h"
#include "names.h"

static int unusable(struct kctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int unusable(struct kctx *c, const char *fmt, ...)
{
	va_list ap;

	c->usable = 0;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return 0;
}

/* Another KVM: probe it once; what the model assumes of this CPU's KVM */
static void other_setup(struct kctx *c)
{
	struct kmc_scenario sc = { .host = c->lh.host };
	struct kmc_obs *o = malloc(sizeof(*o));

	kmc_kvm_probe(&c->k, &c->probe);
	c->oth.module = c->k.vendor_mod;
	c->oth.k = &c->k;
	c->oth.probe = &c->probe;
	c->oth.feature_err = c->feature_err ? c->feature_msg : NULL;
	c->oth.vmx_cpu = c->lh.host.vendor != KMC_VENDOR_AMD && c->lh.host.vendor != KMC_VENDOR_HYGON;
	/* kvm_intel's l1tf_vmx_mitigation = never clears SKIP_VMENTRY_L1DFLUSH; kvm_intel is not here */
	if (o && c->oth.vmx_cpu && !kmc_model_eval(c->lh.profile, &sc, o))
		c->model_l1tf_never = o->l1tf_vmx == KMC_L1TF_VMX_NEVER;
	free(o);
	if (c->trace) {
		char buf[2000];

		kmc_kvm_probe_format(&c->probe, buf, sizeof(buf));
		fprintf(stderr, "kvm: %s: probe: %s\n", c->k.vendor_mod, buf);
	}
}

static int kvm_open(void **ctx, char *msg, size_t len)
{
	struct kctx *c = calloc(1, sizeof(*c));
	const struct kmc_host *h;
	int amd_like, ret;
	char err[MSGLEN];

	if (!c) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	*ctx = c;
	c->k.fd = -1;
	c->write_params = getenv("KMC_KVM_WRITE_PARAMS") && !strcmp(getenv("KMC_KVM_WRITE_PARAMS"), "1");
	c->trace = getenv("KMC_KVM_TRACE") && !strcmp(getenv("KMC_KVM_TRACE"), "1");
	c->kmc_dev = getenv("KMC_KMC_DEV") && *getenv("KMC_KMC_DEV") ? getenv("KMC_KMC_DEV") : KMC_DEV_PATH;
	{
		struct kmc_live_paths paths = { .kmc_dev = c->kmc_dev };

		ret = kmc_live_host_read(&c->lh, &paths, err, sizeof(err));
	}
	if (ret) {
		snprintf(msg, len, "reading the live host: %s", err);
		return ret;
	}
	h = &c->lh.host;
	snprintf(c->this_host, sizeof(c->this_host), "%s family 0x%x model 0x%x stepping %u, kernel %s",
		 kmc_name(&kmc_vendor_names, h->vendor), h->family, h->model, h->stepping,
		 c->lh.release);
	c->usable = 1;
	ret = kmc_kvm_open(&c->k, getenv("KMC_KVM_DEV"), err, sizeof(err));
	if (ret)
		return unusable(c, "%s", err);
	amd_like = h->vendor == KMC_VENDOR_AMD || h->vendor == KMC_VENDOR_HYGON;
	c->other = c->k.vendor != KMC_KVM_INTEL && c->k.vendor != KMC_KVM_AMD;
	if (!c->other && amd_like != (c->k.vendor == KMC_KVM_AMD))
		return unusable(c, "KVM's vendor module %s does not go with this %s CPU", c->k.vendor_mod,
				kmc_name(&kmc_vendor_names, h->vendor));
	if (!c->lh.profile)
		return unusable(c, "no kernel profile for this kernel: %s", c->lh.profile_warn);
	c->feature_err = kmc_kvm_feature_msr(&c->k, KMC_MSR_ARCH_CAPABILITIES, &c->feature,
					     c->feature_msg, sizeof(c->feature_msg));
	c->kvm_cpuid = kmc_cpuid_features(c->k.supported) & KMC_KVM_CPUID_MASK;
	c->kvm_emul_cpuid = kmc_cpuid_features(c->k.emulated) & KMC_KVM_CPUID_MASK;
	c->vmx = c->k.vendor == KMC_KVM_INTEL;
	if (c->vmx)
		kb_watch_setup(c);
	if (c->other)
		other_setup(c);
	ret = kmc_mark_open(&c->mark, err, sizeof(err));
	if (ret)
		return unusable(c, "%s", err);
	return 0;
}

static void kvm_close(void *ctx)
{
	struct kctx *c = ctx;

	if (!c)
		return;
	if (c->trace && c->nvectors)
		fprintf(stderr, "kvm: %u vectors observed, %u VMs: %.3f s creating them (VM, irqchip, caps, memory, vCPUs), %.3f s in them in all\n",
			c->nvectors, c->nvms, c->vm_create_s, c->vm_total_s);
	if (c->trace && c->nwatch)
		fprintf(stderr, "kvm: vmx watch: %u times '%s', %.3f s\n", c->nwatch, c->watch_cmd,
			c->watch_s);
	kmc_mark_close(&c->mark);
	kb_watch_close(c);
	kmc_kvm_close(&c->k);
	free(c);
}

static int kvm_live(void *ctx, const struct kmv_record *r, struct kmc_host *h,
		    const struct kmc_profile **p, char *why, size_t len)
{
	struct kctx *c = ctx;

	if (!c->usable) {
		snprintf(why, len, "%s", c->why);
		return KMC_BE_SKIP;
	}
	*h = c->lh.host;
	if (r->live_sets & KMV_LIVE_IGNORE_MSRS)
		h->ignore_msrs = r->sc.host.ignore_msrs;
	*p = c->lh.profile;
	return 0;
}

/* The running kernel, as the live host read it (uname -r) */
static const char *kvm_release(void *ctx)
{
	const struct kctx *c = ctx;

	return c->lh.release;
}

/* The vector's `host ...` line as written, for the SKIP of a vector that is not live */
static const char *host_line(const struct kmv_record *r)
{
	for (unsigned int i = 0; i < r->nbody; i++)
		if (r->body[i].kind == KMV_L_HOST && r->body[i].text)
			return r->body[i].text;
	return "host (?)";
}

/* KMC_KVM_TRACE=1: what was observed, in vector syntax, on stderr */
static void trace(const struct kctx *c, const struct kmv_record *r, const struct kmc_obs *o)
{
	uint32_t need = r->exp_have | r->exp_req;
	char text[200], val[KMV_VALMAX];

	for (int k = 0; k < KMV_K_NR; k++)
		if (need & KEYBIT(k)) {
			kmv_format_key((enum kmv_key)k, o, val, sizeof(val));
			fprintf(stderr, "kvm: %s: %s = %s\n", r->id, kmv_key_names[k], val);
		}
	for (unsigned int i = 0; i < o->nres; i++) {
		kmv_format_op(r, i, text, sizeof(text));
		kmv_format_result(r->sc.ops[i].kind, &o->res[i], val, sizeof(val));
		fprintf(stderr, "kvm: %s: %s -> %s\n", r->id, text, val);
	}
	if (*c->vm_note)
		fprintf(stderr, "kvm: %s: note: %s\n", r->id, c->vm_note);
}

static int eval_vector(struct kctx *c, const struct kmv_record *r, struct kmc_obs *o,
		       char *why, size_t len, int *marked)
{
	const struct kmc_live_host *lh = &c->lh;
	struct evalctx e = { .c = c, .r = r, .why = why, .len = len };
	uint32_t need = r->exp_have | r->exp_req;
	int ret, restore = 0, first_guest;

	memset(o, 0, sizeof(*o));
	c->vm_note[0] = '\0';
	if (!c->usable) {
		snprintf(why, len, "%s", c->why);
		return KMC_BE_SKIP;
	}
	if (!r->live) {
		snprintf(why, len, "'%s' is not this machine (%s): the kvm backend runs `host live` vectors only",
			 host_line(r), c->this_host);
		return KMC_BE_SKIP;
	}
	if (r->profile != &kmv_live_profile && r->profile != lh->profile) {
		snprintf(why, len, "vector is for profile %s; this kernel (%s) is profile %s",
			 r->profile->name, lh->release, lh->profile->name);
		return KMC_BE_SKIP;
	}
	ret = kb_cannot_observe(c, r, why, len);
	if (!ret && c->other)
		ret = kmc_other_skip(&c->oth, r, why, len);
	if (ret)
		return ret;
	if ((need & KEYBIT(KMV_K_KVM_ARCH_CAP)) && c->feature_err) {
		snprintf(why, len, "%s:%u: kvm.arch_cap: %s", r->file, r->exp_line[KMV_K_KVM_ARCH_CAP],
			 c->feature_msg);
		return -EIO;
	}

	/* the host, as read at open */
	o->bugs = lh->bugs;
	o->host_feat = lh->flags;
	o->host_state = lh->host_state;
	o->l1tf_vmx = (uint8_t)(lh->l1tf_vmx < 0 ? 0 : lh->l1tf_vmx);
	snprintf(o->sysfs_mds, sizeof(o->sysfs_mds), "%s", lh->sysfs_mds);
	snprintf(o->sysfs_taa, sizeof(o->sysfs_taa), "%s", lh->sysfs_taa);
	snprintf(o->sysfs_mmio, sizeof(o->sysfs_mmio), "%s", lh->sysfs_mmio);
	o->kvm_arch_cap = c->feature;
	o->kvm_cpuid = c->kvm_cpuid;
	o->kvm_emul_cpuid = c->kvm_emul_cpuid;
	/* SVM: n/a; VMX: fb_clear_ctrl is skipped, disable_fb_clear observed in kb_run_vm() */
	o->fb_clear_ctrl = o->disable_fb_clear = -1;
	if (c->vmx && c->watch_ok) {
		e.watch = !!(need & KEYBIT(KMV_K_DISABLE_FB_CLEAR));
		for (unsigned int i = 0; i < r->sc.nops; i++)
			if (r->sc.ops[i].kind == KMC_OP_VERW)
				e.watch = 1;
	}

	if ((kmc_record_needs(r, &first_guest) & KMC_NEED_VM) || e.watch) {
		ret = kb_apply_settings(c, r, &restore, why, len);
		if (ret)
			return ret;
		double t0 = kb_seconds();

		ret = kb_run_vm(&e, o);
		*marked = e.marked;
		if (e.have_vm)
			kmc_vm_destroy(&e.vm);
		c->vm_total_s += kb_seconds() - t0;
		if (restore)
			kb_restore_settings(c);
		if (ret)
			return ret;
	} else if (r->sc.nops) {
		/* system ioctls only (op get_feature): no VM */
		for (unsigned int i = 0; i < r->sc.nops; i++) {
			ret = kb_do_op(&e, i, &o->res[i]);
			if (ret)
				return ret;
		}
		o->nres = r->sc.nops;
	}
	c->nvectors++;
	if (c->trace)
		trace(c, r, o);
	return 0;
}

static int kvm_eval(void *ctx, const struct kmv_record *r, uint32_t variants,
		    struct kmc_obs *o, char *why, size_t len)
{
	struct kctx *c = ctx;
	int ret, marked = 0;

	(void)variants;
	if (kmc_mark_next(&c->mark, why, len)) {
		memset(o, 0, sizeof(*o));
		return -EIO;
	}
	ret = eval_vector(c, r, o, why, len, &marked);
	if (!marked)
		kmc_mark_log(&c->mark, r->id, NULL);
	return ret;
}

const struct kmc_backend kmc_kvm_backend = {
	.name = "kvm",
	.desc = "this machine's KVM through /dev/kvm and kmc's guest program (host live vectors)",
	.open = kvm_open,
	.eval = kvm_eval,
	.close = kvm_close,
	.live = kvm_live,
	.unobserved = kb_unobserved,
	.release = kvm_release,
	.facts = kb_facts,
};
