// SPDX-License-Identifier: GPL-2.0
/*
 * Another KVM (kvm_other.h): the probe of what a KVM that is neither
 * kvm_intel nor kvm_amd can do with kmc's VMs and guest program, and which
 * vectors that, and what kmc does not model there, rules out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "backend.h"
#include "kvm_other.h"

#define KEYBIT(k) (1u << (k))

const char *const kmc_probe_step_names[KMC_PROBE_NR] = { "vm", "vcpu", "cpuid", "guest" };

static const char *module(const struct kmc_kvm *k)
{
	return *k->vendor_mod ? k->vendor_mod : "this KVM (vendor module not known)";
}

/* KMC_KVM_PROBE_FAIL names @step (test-only) */
static int told_to_fail(enum kmc_probe_step step)
{
	const char *p = getenv("KMC_KVM_PROBE_FAIL"), *name = kmc_probe_step_names[step];
	size_t n = strlen(name);

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !strncmp(p, name, n))
			return 1;
		p += l + (e != NULL);
	}
	return 0;
}

/* 1 if @step is to be tried; else its why[] says why not */
static int begin(struct kmc_kvm_probe *p, enum kmc_probe_step step, int needs)
{
	if (needs >= 0 && !p->ok[needs]) {
		snprintf(p->why[step], sizeof(p->why[step]), "not tried: the %s step failed",
			 kmc_probe_step_names[needs]);
		return 0;
	}
	if (told_to_fail(step)) {
		snprintf(p->why[step], sizeof(p->why[step]),
			 "KMC_KVM_PROBE_FAIL=%s: the probe was told this step fails (a test-only override)",
			 getenv("KMC_KVM_PROBE_FAIL"));
		return 0;
	}
	return 1;
}

/* The guest program's trivial commands: an entry and an OUT, again, and an exception */
static void probe_guest(const struct kmc_kvm *k, struct kmc_kvm_vcpu *v, struct kmc_kvm_probe *p)
{
	static const struct { uint32_t cmd; const char *name; uint32_t vector; } cmds[] = {
		{ KMC_GC_NOP, "NOP", KMC_G_NO_VECTOR },
		{ KMC_GC_NOP, "NOP", KMC_G_NO_VECTOR },
		{ KMC_GC_UD2, "UD2 (#UD through the guest's IDT)", 6 },
	};
	char *why = p->why[KMC_PROBE_GUEST], msg[300];
	size_t len = sizeof(p->why[KMC_PROBE_GUEST]);
	unsigned int n = sizeof(cmds) / sizeof(cmds[0]);

	for (unsigned int i = 0; i < n; i++) {
		struct kmc_gcmd cmd = { .cmd = cmds[i].cmd };
		struct kmc_gres g;
		int ret = kmc_vcpu_guest(v, &cmd, 0, &g, msg, sizeof(msg));

		if (ret) {
			snprintf(why, len, "%s: guest command %s (%u of %u): %s", module(k), cmds[i].name,
				 i + 1, n, msg);
			return;
		}
		if (g.outcome != KMC_GOUT_DONE) {
			snprintf(why, len, "%s: guest command %s (%u of %u): %s", module(k), cmds[i].name,
				 i + 1, n, g.what);
			return;
		}
		if (g.vector != cmds[i].vector) {
			snprintf(why, len, "%s: guest command %s (%u of %u): the guest reported vector 0x%x, not 0x%x",
				 module(k), cmds[i].name, i + 1, n, g.vector, cmds[i].vector);
			return;
		}
	}
	p->ok[KMC_PROBE_GUEST] = 1;
}

void kmc_kvm_probe(const struct kmc_kvm *k, struct kmc_kvm_probe *p)
{
	struct kmc_vm_cfg cfg = { 0 };
	struct kmc_kvm_vm vm;
	struct kmc_kvm_vcpu *v = NULL;
	char msg[300];
	int have_vm = 0, ret, err;

	memset(p, 0, sizeof(*p));
	p->done = 1;
	if (begin(p, KMC_PROBE_VM, -1)) {
		ret = kmc_vm_create(k, &cfg, &vm, msg, sizeof(msg));
		have_vm = 1;
		if (ret)
			snprintf(p->why[KMC_PROBE_VM], sizeof(p->why[0]), "%s: %s", module(k), msg);
		else
			p->ok[KMC_PROBE_VM] = 1;
	}
	if (begin(p, KMC_PROBE_VCPU, KMC_PROBE_VM)) {
		ret = kmc_vcpu_create(&vm, &v, msg, sizeof(msg));
		if (ret)
			snprintf(p->why[KMC_PROBE_VCPU], sizeof(p->why[0]), "%s: %s", module(k), msg);
		else
			p->ok[KMC_PROBE_VCPU] = 1;
	}
	if (begin(p, KMC_PROBE_CPUID, KMC_PROBE_VCPU)) {
		struct kvm_cpuid2 *t = kmc_cpuid_table(k->supported, kmc_cpuid_features(k->supported) |
							  KMC_F(ARCH_CAPABILITIES));

		err = 0;
		ret = t ? kmc_vcpu_set_cpuid(v, t, &err, msg, sizeof(msg)) : -1;
		free(t);
		if (ret || err)
			snprintf(p->why[KMC_PROBE_CPUID], sizeof(p->why[0]),
				 "%s: KVM_SET_CPUID2 of its own KVM_GET_SUPPORTED_CPUID (+ ARCH_CAPABILITIES) on a fresh vCPU: %s",
				 module(k), ret ? "out of memory" : strerror(err));
		else
			p->ok[KMC_PROBE_CPUID] = 1;
	}
	if (begin(p, KMC_PROBE_GUEST, KMC_PROBE_VCPU))
		probe_guest(k, v, p);
	if (have_vm)
		kmc_vm_destroy(&vm);
}

void kmc_kvm_probe_format(const struct kmc_kvm_probe *p, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!p->done) {
		snprintf(buf, len, "not probed");
		return;
	}
	for (int i = 0; i < KMC_PROBE_NR && n < len; i++) {
		const char *sep = i ? ", " : "";

		if (p->ok[i])
			n += (size_t)snprintf(buf + n, len - n, "%s%s ok", sep, kmc_probe_step_names[i]);
		else if (!strncmp(p->why[i], "not tried", 9))
			n += (size_t)snprintf(buf + n, len - n, "%s%s not tried", sep, kmc_probe_step_names[i]);
		else
			n += (size_t)snprintf(buf + n, len - n, "%s%s FAILED (%s)", sep,
					      kmc_probe_step_names[i], p->why[i]);
	}
}

/* ---- which records another KVM rules out ----------------------------------- */

static int guest_op(uint8_t kind)
{
	return kind == KMC_OP_RUN || kind == KMC_OP_RDMSR || kind == KMC_OP_WRMSR ||
	       kind == KMC_OP_SET_CR4 || kind == KMC_OP_GUEST_CPUID || kind == KMC_OP_VERW;
}

unsigned int kmc_record_needs(const struct kmv_record *r, int *first_guest_op)
{
	uint32_t need = r->exp_have | r->exp_req;
	unsigned int n = 0;

	*first_guest_op = -1;
	if (need & KEYBIT(KMV_K_VCPU_ARCH_CAP))
		n |= KMC_NEED_VM | KMC_NEED_CPUID;
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		uint8_t kind = r->sc.ops[i].kind;

		if (kind == KMC_OP_GET_FEATURE)
			continue;	/* a system ioctl */
		n |= KMC_NEED_VM;
		if (kind == KMC_OP_SET_CPUID)
			n |= KMC_NEED_CPUID;
		if (guest_op(kind)) {
			n |= KMC_NEED_GUEST;
			if (*first_guest_op < 0)
				*first_guest_op = (int)i;
		}
	}
	return n;
}

static int skip(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int skip(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return KMC_BE_SKIP;
}

/* The first op of @r that matches, as "FILE:LINE: op TEXT", or NULL */
static const char *op_where(const struct kmv_record *r, unsigned int i, char *buf, size_t len)
{
	char text[200];

	kmv_format_op(r, i, text, sizeof(text));
	snprintf(buf, len, "%s:%u: %s", r->file, r->op_line[i], text);
	return buf;
}

/* kvm_intel-only rules of the model for op @o (on a CPU where it assumes kvm_intel) */
static const char *vmx_rule(const struct kmc_op *o)
{
	if (o->kind == KMC_OP_SET_CR4 && (o->value & KMC_CR4_FSGSBASE))
		return "kvm_intel leaves CR4.FSGSBASE to the guest (the CPU decides)";
	if ((o->kind == KMC_OP_RDMSR || o->kind == KMC_OP_WRMSR || o->kind == KMC_OP_GET_MSR ||
	     o->kind == KMC_OP_SET_MSR) && o->index == KMC_MSR_TSX_CTRL)
		return "only kvm_intel emulates the guest's TSX_CTRL (0x122)";
	return NULL;
}

int kmc_other_skip(const struct kmc_other *o, const struct kmv_record *r, char *why, size_t len)
{
	static const int fb_keys[] = { KMV_K_DISABLE_FB_CLEAR, KMV_K_FB_CLEAR_CTRL };
	uint32_t need = r->exp_have | r->exp_req;
	const char *mod = o->module && *o->module ? o->module : "this KVM's vendor module";
	const struct kmc_kvm_probe *p = o->probe;
	const struct kmc_vm *vmc = &r->sc.vm;
	unsigned int needs, vm_line = r->vm_line ? r->vm_line : r->line;
	char where[300], how[120];
	uint32_t cap;
	int g;

	/* what kmc does not model on another KVM */
	for (unsigned int i = 0; i < sizeof(fb_keys) / sizeof(fb_keys[0]); i++)
		if (need & KEYBIT(fb_keys[i]))
			return skip(why, len, "%s:%u: expect %s: %s is neither kvm_intel nor kvm_amd: FB_CLEAR_DIS is kvm_intel's (struct vcpu_vmx), and kmc does not model another module's",
				    r->file, r->exp_line[fb_keys[i]], kmv_key_names[fb_keys[i]], mod);
	if (o->vmx_cpu && (need & KEYBIT(KMV_K_L1TF_VMX)))
		return skip(why, len, "%s:%u: expect l1tf_vmx: the model assumes kvm_intel on this CPU (it sets l1tf_vmx_mitigation), and %s is loaded instead",
			    r->file, r->exp_line[KMV_K_L1TF_VMX], mod);
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		const struct kmc_op *op = &r->sc.ops[i];
		const char *rule = o->vmx_cpu ? vmx_rule(op) : NULL;

		if (op->kind == KMC_OP_VERW)
			return skip(why, len, "%s: what a guest's VERW clears under %s is not modelled (kmc derives it from kvm_intel's FB_CLEAR_DIS only)",
				    op_where(r, i, where, sizeof(where)), mod);
		if (rule)
			return skip(why, len, "%s: %s; the model assumes kvm_intel on this CPU, and %s is loaded instead",
				    op_where(r, i, where, sizeof(where)), rule, mod);
	}

	if (o->feature_err) {
		if (need & KEYBIT(KMV_K_KVM_ARCH_CAP))
			return skip(why, len, "%s:%u: expect kvm.arch_cap: %s: %s", r->file,
				    r->exp_line[KMV_K_KVM_ARCH_CAP], mod, o->feature_err);
		for (unsigned int i = 0; i < r->sc.nops; i++)
			if (r->sc.ops[i].kind == KMC_OP_GET_FEATURE)
				return skip(why, len, "%s: %s: %s", op_where(r, i, where, sizeof(where)),
					    mod, o->feature_err);
	}

	needs = kmc_record_needs(r, &g);
	if (!needs)
		return 0;
	/* what the VM asks for that this KVM does not offer */
	if (vmc->disabled_quirks & ~kmc_kvm_quirks_offered(o->k, &cap))
		return skip(why, len, "%s:%u: vm quirks=: %s does not offer quirk(s) 0x%x for disabling (%s)",
			    r->file, vm_line, mod, vmc->disabled_quirks & ~kmc_kvm_quirks_offered(o->k, &cap),
			    kmc_kvm_quirks_str(o->k, how, sizeof(how)));
	/* KVM answers 1 here, not its exit reasons: those are the model's (profile) */
	if (vmc->user_msr_exits && o->k->cap_user_space_msr <= 0)
		return skip(why, len, "%s:%u: vm user_msr=: %s has no user-space MSR exits (KVM_CHECK_EXTENSION(KVM_CAP_X86_USER_SPACE_MSR) = %d)",
			    r->file, vm_line, mod, o->k->cap_user_space_msr);
	if (vmc->filter_arch_cap && o->k->cap_msr_filter <= 0)
		return skip(why, len, "%s:%u: vm filter=0x10a: %s has no MSR filters (KVM_CHECK_EXTENSION(KVM_CAP_X86_MSR_FILTER) = %d)",
			    r->file, vm_line, mod, o->k->cap_msr_filter);

	/* what the probe found missing */
	if (!p || !p->done)
		return skip(why, len, "%s:%u: needs a VM of %s, which was not probed", r->file, r->line, mod);
	for (int s = KMC_PROBE_VM; s <= KMC_PROBE_VCPU; s++)
		if (!p->ok[s])
			return skip(why, len, "%s:%u: needs a VM and a vCPU, which the probe could not create: %s",
				    r->file, r->line, p->why[s]);
	if ((needs & KMC_NEED_CPUID) && !p->ok[KMC_PROBE_CPUID])
		return skip(why, len, "%s:%u: needs KVM_SET_CPUID2, which failed in the probe: %s",
			    r->file, r->line, p->why[KMC_PROBE_CPUID]);
	if ((needs & KMC_NEED_GUEST) && !p->ok[KMC_PROBE_GUEST])
		return skip(why, len, "%s: needs KVM_RUN of kmc's guest program, which did not run in the probe: %s",
			    op_where(r, (unsigned int)g, where, sizeof(where)), p->why[KMC_PROBE_GUEST]);
	return 0;
}
