// SPDX-License-Identifier: GPL-2.0
/*
 * Ops and their results, `expect` values, and how all of them are printed
 * in vector syntax (shared by the writer, the comparison and kmc eval).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kmv_internal.h"
#include "names.h"

const char *const kmv_key_names[KMV_K_NR] = {
	[KMV_K_BUGS] = "bugs",
	[KMV_K_HOST_FLAGS] = "host.flags",
	[KMV_K_HOST_STATE] = "host.state",
	[KMV_K_L1TF_VMX] = "l1tf_vmx",
	[KMV_K_SYSFS_MDS] = "sysfs.mds",
	[KMV_K_SYSFS_TAA] = "sysfs.tsx_async_abort",
	[KMV_K_SYSFS_MMIO] = "sysfs.mmio_stale_data",
	[KMV_K_KVM_ARCH_CAP] = "kvm.arch_cap",
	[KMV_K_KVM_CPUID] = "kvm.cpuid",
	[KMV_K_KVM_EMUL_CPUID] = "kvm.emulated_cpuid",
	[KMV_K_VCPU_ARCH_CAP] = "vcpu.arch_cap",
	[KMV_K_FB_CLEAR_CTRL] = "fb_clear_ctrl",
	[KMV_K_DISABLE_FB_CLEAR] = "disable_fb_clear",
	[KMV_K_CPU_CAPS] = "cpu_caps",
	[KMV_K_FINDINGS] = "findings",
	[KMV_K_SPEC_CTRL] = "spec_ctrl",
};

/* ---- op lines ----------------------------------------------------------- */

static const uint8_t op_nargs[KMC_OP_NR] = {
	[KMC_OP_SET_CPUID] = 1, [KMC_OP_SET_MSR] = 2, [KMC_OP_GET_MSR] = 1,
	[KMC_OP_RUN] = 0, [KMC_OP_RDMSR] = 1, [KMC_OP_WRMSR] = 2,
	[KMC_OP_RESET] = 0, [KMC_OP_SET_CR4] = 1, [KMC_OP_GUEST_CPUID] = 1,
	[KMC_OP_VERW] = 0, [KMC_OP_GET_FEATURE] = 0, [KMC_OP_HOST_UCODE] = 1,
	[KMC_OP_L1D_FLUSH] = 1,
};

static const char *const res_forms[KMC_OP_NR] = {
	[KMC_OP_SET_CPUID] = "ok or errno=E",
	[KMC_OP_SET_MSR] = "n=0 or n=1",
	[KMC_OP_GET_MSR] = "n=0 or n=1 V",
	[KMC_OP_RUN] = "ok",
	[KMC_OP_RDMSR] = "V, gp, exit=R gp or exit=R V",
	[KMC_OP_WRMSR] = "ok, gp, exit=R gp or exit=R ok",
	[KMC_OP_RESET] = "ok",
	[KMC_OP_SET_CR4] = "ok or gp",
	[KMC_OP_GUEST_CPUID] = "a feature list or -",
	[KMC_OP_VERW] = "clears, keeps or n/a",
	[KMC_OP_GET_FEATURE] = "V",
	[KMC_OP_HOST_UCODE] = "ok",
	[KMC_OP_L1D_FLUSH] = "ok or errno=E",
};

static int parse_exit(const char *s, struct kmc_result *res, char *err, size_t errlen)
{
	char alt[64];
	int i = kmc_name_index(&kmc_exit_names, s);

	if (i < 0) {
		snprintf(err, errlen, "unknown exit reason '%s' (%s)", s,
			 kmv_alternatives(&kmc_exit_names, alt, sizeof(alt)));
		return -EINVAL;
	}
	res->kind = KMC_RES_EXIT;
	res->exit = (uint8_t)(1u << i);
	return 0;
}

int kmv_parse_result(uint8_t op, struct tok *t, int n, struct kmc_result *res,
		     char *err, size_t errlen)
{
	const char *a = t[0].s, *b = n > 1 ? t[1].s : NULL;
	int e;

	memset(res, 0, sizeof(*res));
	if (n > 2)
		goto bad;
	switch (op) {
	case KMC_OP_SET_CPUID:
	case KMC_OP_L1D_FLUSH:
		if (b)
			goto bad;
		if (!strcmp(a, "ok")) {
			res->kind = KMC_RES_OK;
			return 0;
		}
		if (strncmp(a, "errno=", 6))
			goto bad;
		e = kmc_errno_parse(a + 6);
		if (e < 0) {
			snprintf(err, errlen, "unknown errno '%s'", a + 6);
			return -EINVAL;
		}
		res->kind = KMC_RES_ERRNO;
		res->err = (int16_t)e;
		return 0;
	case KMC_OP_SET_MSR:
		if (b || (strcmp(a, "n=0") && strcmp(a, "n=1")))
			goto bad;
		res->kind = KMC_RES_NMSRS;
		res->n = a[2] == '1';
		return 0;
	case KMC_OP_GET_MSR:
		if (!strcmp(a, "n=0") && !b) {
			res->kind = KMC_RES_NMSRS;
			return 0;
		}
		if (strcmp(a, "n=1") || !b || b[0] < '0' || b[0] > '9')
			goto bad;
		res->kind = KMC_RES_NMSRS;
		res->n = 1;
		return kmv_parse_num(b, &res->value, err, errlen);
	case KMC_OP_RUN:
	case KMC_OP_RESET:
	case KMC_OP_HOST_UCODE:
		if (b || strcmp(a, "ok"))
			goto bad;
		res->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_RDMSR:
	case KMC_OP_WRMSR:
		if (!strncmp(a, "exit=", 5)) {
			if (!b)
				goto bad;
			if (parse_exit(a + 5, res, err, errlen))
				return -EINVAL;
			if (!strcmp(b, "gp"))
				return 0;
			if (op == KMC_OP_WRMSR) {	/* userspace took the write */
				if (strcmp(b, "ok"))
					goto bad;
				res->n = 1;
				return 0;
			}
			if (b[0] < '0' || b[0] > '9')
				goto bad;
			res->n = 1;
			return kmv_parse_num(b, &res->value, err, errlen);
		}
		if (b)
			goto bad;
		if (!strcmp(a, "gp")) {
			res->kind = KMC_RES_GP;
			return 0;
		}
		if (op == KMC_OP_WRMSR) {
			if (strcmp(a, "ok"))
				goto bad;
			res->kind = KMC_RES_OK;
			return 0;
		}
		if (a[0] < '0' || a[0] > '9')
			goto bad;
		res->kind = KMC_RES_VALUE;
		return kmv_parse_num(a, &res->value, err, errlen);
	case KMC_OP_SET_CR4:
		if (b || (strcmp(a, "ok") && strcmp(a, "gp")))
			goto bad;
		res->kind = a[0] == 'o' ? KMC_RES_OK : KMC_RES_GP;
		return 0;
	case KMC_OP_GUEST_CPUID:
		if (b)
			goto bad;
		res->kind = KMC_RES_VALUE;
		return kmc_list_parse(&kmc_feat_names, a, &res->value, err, errlen);
	case KMC_OP_VERW:
		if (b)
			goto bad;
		if (strcmp(a, "clears") && strcmp(a, "keeps") && strcmp(a, "n/a"))
			goto bad;
		res->kind = KMC_RES_VALUE;
		res->value = a[0] == 'c' ? VERW_CLEARS : a[0] == 'k' ? VERW_KEEPS : VERW_NA;
		return 0;
	case KMC_OP_GET_FEATURE:
		if (b || a[0] < '0' || a[0] > '9')
			goto bad;
		res->kind = KMC_RES_VALUE;
		return kmv_parse_num(a, &res->value, err, errlen);
	}
bad:
	snprintf(err, errlen, "op '%s': bad result '%s%s%s%s' (expected %s)",
		 kmc_op_names.names[op], a, b ? " " : "", b ? b : "",
		 n > 2 ? " ..." : "", res_forms[op]);
	return -EINVAL;
}

int kmv_parse_op(struct kmc_op *op, struct kmc_result *res, int *has_res,
		 int *textlen, struct tok *t, int n, char *err, size_t errlen)
{
	static const char *const nargs_txt[] = { "no arguments", "1 argument", "2 arguments" };
	int k, arrow, nargs;
	uint64_t v;

	if (n < 2) {
		snprintf(err, errlen, "op: missing the op name");
		return -EINVAL;
	}
	k = kmc_name_index(&kmc_op_names, t[1].s);
	if (k < 0) {
		snprintf(err, errlen, "unknown op '%s' (see docs/vectors.md)", t[1].s);
		return -EINVAL;
	}
	for (arrow = 2; arrow < n && strcmp(t[arrow].s, "->"); arrow++)
		;
	nargs = arrow - 2;
	if (nargs != op_nargs[k]) {
		snprintf(err, errlen, "op '%s': expected %s", t[1].s, nargs_txt[op_nargs[k]]);
		return -EINVAL;
	}
	if (arrow == n - 1) {
		snprintf(err, errlen, "op '%s': '->' without a result", t[1].s);
		return -EINVAL;
	}
	memset(op, 0, sizeof(*op));
	op->kind = (uint8_t)k;
	switch (k) {
	case KMC_OP_SET_CPUID:
	case KMC_OP_GUEST_CPUID:
		if (kmc_list_parse(&kmc_feat_names, t[2].s, &op->value, err, errlen))
			return -EINVAL;
		break;
	case KMC_OP_SET_MSR:
	case KMC_OP_WRMSR:
		if (kmv_parse_index(t[2].s, &op->index, err, errlen) ||
		    kmv_parse_num(t[3].s, &op->value, err, errlen))
			return -EINVAL;
		break;
	case KMC_OP_GET_MSR:
	case KMC_OP_RDMSR:
		if (kmv_parse_index(t[2].s, &op->index, err, errlen))
			return -EINVAL;
		break;
	case KMC_OP_SET_CR4:
		/* a number, or CR4 bit names */
		if (t[2].s[0] >= '0' && t[2].s[0] <= '9') {
			if (kmv_parse_num(t[2].s, &op->value, err, errlen))
				return -EINVAL;
		} else if (kmc_list_parse(&kmc_cr4_names, t[2].s, &op->value, err, errlen)) {
			return -EINVAL;
		}
		break;
	case KMC_OP_HOST_UCODE:
		if (kmv_parse_num(t[2].s, &v, err, errlen))
			return -EINVAL;
		op->value = v;
		break;
	case KMC_OP_L1D_FLUSH: {
		int i = kmv_parse_enum(&kmc_l1d_names, "l1d_flush", t[2].s, err, errlen);

		if (i < 0)
			return -EINVAL;
		op->value = (uint64_t)i;
		break;
	}
	}
	if (k == KMC_OP_GET_FEATURE || k == KMC_OP_HOST_UCODE)
		op->index = KMC_MSR_ARCH_CAPABILITIES;
	*has_res = arrow < n;
	*textlen = arrow;
	if (*has_res)
		return kmv_parse_result((uint8_t)k, t + arrow + 1, n - arrow - 1, res, err, errlen);
	return 0;
}

/* ---- expect lines ------------------------------------------------------- */

const struct kmc_names *kmv_key_list(enum kmv_key k)
{
	switch (k) {
	case KMV_K_BUGS:
		return &kmc_bug_names;
	case KMV_K_HOST_FLAGS:
	case KMV_K_KVM_CPUID:
	case KMV_K_KVM_EMUL_CPUID:
	case KMV_K_CPU_CAPS:
		return &kmc_feat_names;
	case KMV_K_HOST_STATE:
		return &kmc_hs_names;
	case KMV_K_FINDINGS:
		return &kmc_finding_names;
	default:
		return NULL;
	}
}

uint64_t kmv_key_bits(enum kmv_key k, const struct kmc_obs *o)
{
	switch (k) {
	case KMV_K_BUGS: return o->bugs;
	case KMV_K_HOST_FLAGS: return o->host_feat;
	case KMV_K_KVM_CPUID: return o->kvm_cpuid;
	case KMV_K_KVM_EMUL_CPUID: return o->kvm_emul_cpuid;
	case KMV_K_CPU_CAPS: return o->cpu_caps;
	case KMV_K_HOST_STATE: return o->host_state;
	case KMV_K_FINDINGS: return o->findings;
	default: return 0;
	}
}

char *kmv_sysfs_field(enum kmv_key k, struct kmc_obs *o)
{
	return k == KMV_K_SYSFS_MDS ? o->sysfs_mds :
	       k == KMV_K_SYSFS_TAA ? o->sysfs_taa : o->sysfs_mmio;
}

int kmv_parse_key_value(enum kmv_key k, const char *s, struct kmc_obs *o,
			char *err, size_t errlen)
{
	const struct kmc_names *ln = kmv_key_list(k);
	const char *name = kmv_key_names[k];
	uint64_t v;
	int i;

	if (ln) {
		if (kmc_list_parse(ln, s, &v, err, errlen))
			return -EINVAL;
		switch (k) {
		case KMV_K_BUGS: o->bugs = v; break;
		case KMV_K_HOST_FLAGS: o->host_feat = v; break;
		case KMV_K_KVM_CPUID: o->kvm_cpuid = v; break;
		case KMV_K_KVM_EMUL_CPUID: o->kvm_emul_cpuid = v; break;
		case KMV_K_CPU_CAPS: o->cpu_caps = v; break;
		case KMV_K_HOST_STATE: o->host_state = (uint32_t)v; break;
		case KMV_K_FINDINGS: o->findings = (uint32_t)v; break;
		default: break;
		}
		return 0;
	}
	switch (k) {
	case KMV_K_L1TF_VMX:
		i = kmv_parse_enum(&kmc_l1tf_vmx_names, name, s, err, errlen);
		if (i < 0)
			return -EINVAL;
		o->l1tf_vmx = (uint8_t)i;
		return 0;
	case KMV_K_SYSFS_MDS:
	case KMV_K_SYSFS_TAA:
	case KMV_K_SYSFS_MMIO:
		if (strlen(s) >= KMC_SYSFS_MAX) {
			snprintf(err, errlen, "expect '%s': string longer than %d characters",
				 name, KMC_SYSFS_MAX - 1);
			return -EINVAL;
		}
		strcpy(kmv_sysfs_field(k, o), s);
		return 0;
	case KMV_K_KVM_ARCH_CAP:
	case KMV_K_VCPU_ARCH_CAP:
		if (kmv_parse_num(s, &v, err, errlen))
			return -EINVAL;
		*(k == KMV_K_KVM_ARCH_CAP ? &o->kvm_arch_cap : &o->vcpu_arch_cap) = v;
		return 0;
	case KMV_K_SPEC_CTRL:
		return kmv_parse_num(s, &o->spec_ctrl, err, errlen) ? -EINVAL : 0;
	case KMV_K_FB_CLEAR_CTRL:
	case KMV_K_DISABLE_FB_CLEAR:
		if (strcmp(s, "0") && strcmp(s, "1") && strcmp(s, "n/a")) {
			snprintf(err, errlen, "expect '%s': expected 0, 1 or n/a, got '%s'", name, s);
			return -EINVAL;
		}
		*(k == KMV_K_FB_CLEAR_CTRL ? &o->fb_clear_ctrl : &o->disable_fb_clear) =
			(int8_t)(s[0] == 'n' ? -1 : s[0] - '0');
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- values in vector syntax -------------------------------------------- */

int kmv_format_key(enum kmv_key k, const struct kmc_obs *o, char *buf, size_t len)
{
	const struct kmc_names *ln = kmv_key_list(k);
	const char *n;
	int8_t fb;

	if (ln)
		return kmc_list_format(ln, kmv_key_bits(k, o), buf, len);
	switch (k) {
	case KMV_K_L1TF_VMX:
		n = kmc_name(&kmc_l1tf_vmx_names, o->l1tf_vmx);
		return n ? snprintf(buf, len, "%s", n) : snprintf(buf, len, "%u", o->l1tf_vmx);
	case KMV_K_SYSFS_MDS:
	case KMV_K_SYSFS_TAA:
	case KMV_K_SYSFS_MMIO: {
		/* the observation may come unterminated from a backend */
		char s[KMC_SYSFS_MAX + 1];

		memcpy(s, kmv_sysfs_field(k, (struct kmc_obs *)o), KMC_SYSFS_MAX);
		s[KMC_SYSFS_MAX] = '\0';
		return (int)kmv_put_quoted(buf, len, 0, s);
	}
	case KMV_K_KVM_ARCH_CAP:
		return snprintf(buf, len, "0x%llx", (unsigned long long)o->kvm_arch_cap);
	case KMV_K_VCPU_ARCH_CAP:
		return snprintf(buf, len, "0x%llx", (unsigned long long)o->vcpu_arch_cap);
	case KMV_K_SPEC_CTRL:
		return snprintf(buf, len, "0x%llx", (unsigned long long)o->spec_ctrl);
	case KMV_K_FB_CLEAR_CTRL:
	case KMV_K_DISABLE_FB_CLEAR:
		fb = k == KMV_K_FB_CLEAR_CTRL ? o->fb_clear_ctrl : o->disable_fb_clear;
		return fb < 0 ? snprintf(buf, len, "n/a") : snprintf(buf, len, "%d", fb);
	default:
		return snprintf(buf, len, "?");
	}
}

void kmv_copy_key(enum kmv_key k, struct kmc_obs *d, const struct kmc_obs *s)
{
	switch (k) {
	case KMV_K_BUGS: d->bugs = s->bugs; break;
	case KMV_K_HOST_FLAGS: d->host_feat = s->host_feat; break;
	case KMV_K_HOST_STATE: d->host_state = s->host_state; break;
	case KMV_K_L1TF_VMX: d->l1tf_vmx = s->l1tf_vmx; break;
	case KMV_K_SYSFS_MDS:
	case KMV_K_SYSFS_TAA:
	case KMV_K_SYSFS_MMIO: {
		char *dst = kmv_sysfs_field(k, d);

		memcpy(dst, kmv_sysfs_field(k, (struct kmc_obs *)s), KMC_SYSFS_MAX);
		dst[KMC_SYSFS_MAX - 1] = '\0';
		break;
	}
	case KMV_K_KVM_ARCH_CAP: d->kvm_arch_cap = s->kvm_arch_cap; break;
	case KMV_K_KVM_CPUID: d->kvm_cpuid = s->kvm_cpuid; break;
	case KMV_K_KVM_EMUL_CPUID: d->kvm_emul_cpuid = s->kvm_emul_cpuid; break;
	case KMV_K_VCPU_ARCH_CAP: d->vcpu_arch_cap = s->vcpu_arch_cap; break;
	case KMV_K_FB_CLEAR_CTRL: d->fb_clear_ctrl = s->fb_clear_ctrl; break;
	case KMV_K_DISABLE_FB_CLEAR: d->disable_fb_clear = s->disable_fb_clear; break;
	case KMV_K_CPU_CAPS: d->cpu_caps = s->cpu_caps; break;
	case KMV_K_FINDINGS: d->findings = s->findings; break;
	case KMV_K_SPEC_CTRL: d->spec_ctrl = s->spec_ctrl; break;
	default: break;
	}
}

int kmv_format_result(uint8_t op, const struct kmc_result *r, char *buf, size_t len)
{
	unsigned long long v = (unsigned long long)r->value;
	const char *e;

	switch (r->kind) {
	case KMC_RES_NONE:
		return snprintf(buf, len, "(none)");
	case KMC_RES_OK:
		return snprintf(buf, len, op == KMC_OP_VERW ? "n/a" : "ok");
	case KMC_RES_VALUE:
		if (op == KMC_OP_GUEST_CPUID)
			return kmc_list_format(&kmc_feat_names, r->value, buf, len);
		if (op == KMC_OP_VERW && v <= VERW_NA)
			return snprintf(buf, len, v == VERW_CLEARS ? "clears" :
					v == VERW_KEEPS ? "keeps" : "n/a");
		return snprintf(buf, len, "0x%llx", v);
	case KMC_RES_GP:
		return snprintf(buf, len, "gp");
	case KMC_RES_EXIT:
		e = r->exit && !(r->exit & (r->exit - 1)) ?
		    kmc_name(&kmc_exit_names, (unsigned int)__builtin_ctz(r->exit)) : NULL;
		if (!e)
			return snprintf(buf, len, "exit=0x%x %s", r->exit, r->n ? "(value)" : "gp");
		if (!r->n)
			return snprintf(buf, len, "exit=%s gp", e);
		if (op == KMC_OP_WRMSR)
			return snprintf(buf, len, "exit=%s ok", e);
		return snprintf(buf, len, "exit=%s 0x%llx", e, v);
	case KMC_RES_ERRNO:
		e = kmc_errno_name(r->err);
		return e ? snprintf(buf, len, "errno=%s", e) : snprintf(buf, len, "errno=%d", r->err);
	case KMC_RES_NMSRS:
		if (op == KMC_OP_GET_MSR && r->n)
			return snprintf(buf, len, "n=%u 0x%llx", r->n, v);
		return snprintf(buf, len, "n=%u", r->n);
	default:
		return snprintf(buf, len, "(result kind %u)", r->kind);
	}
}

int kmv_format_op(const struct kmv_record *r, unsigned int i, char *buf, size_t len)
{
	const struct kmc_op *op = &r->sc.ops[i];
	const char *name = kmc_name(&kmc_op_names, op->kind);

	for (unsigned int j = 0; j < r->nbody; j++)
		if (r->body[j].kind == KMV_L_OP && r->body[j].idx == i && r->body[j].text)
			return snprintf(buf, len, "%s", r->body[j].text);
	if (!name)
		return snprintf(buf, len, "op %u", op->kind);
	switch (op->kind) {
	case KMC_OP_SET_MSR:
	case KMC_OP_WRMSR:
		return snprintf(buf, len, "op %s 0x%x 0x%llx", name, op->index,
				(unsigned long long)op->value);
	case KMC_OP_GET_MSR:
	case KMC_OP_RDMSR:
		return snprintf(buf, len, "op %s 0x%x", name, op->index);
	case KMC_OP_SET_CPUID:
	case KMC_OP_GUEST_CPUID: {
		int w = snprintf(buf, len, "op %s ", name);

		return w + kmc_list_format(&kmc_feat_names, op->value,
					   (size_t)w < len ? buf + w : NULL,
					   (size_t)w < len ? len - (size_t)w : 0);
	}
	case KMC_OP_SET_CR4:
	case KMC_OP_HOST_UCODE:
		return snprintf(buf, len, "op %s 0x%llx", name, (unsigned long long)op->value);
	case KMC_OP_L1D_FLUSH:
		return snprintf(buf, len, "op %s %s", name,
				kmc_name(&kmc_l1d_names, (unsigned int)op->value) ?: "?");
	default:
		return snprintf(buf, len, "op %s", name);
	}
}

/* ---- what kmc fill may write ------------------------------------------- */

int kmv_result_writable(uint8_t op, const struct kmc_result *r, char *err, size_t errlen)
{
	char text[KMV_VALMAX], again[KMV_VALMAX], copy[KMV_VALMAX];
	struct kmc_result back;
	struct tok t[4];
	int n;

	if (op >= KMC_OP_NR) {
		snprintf(err, errlen, "op kind %u is not an op", op);
		return -EINVAL;
	}
	kmv_format_result(op, r, text, sizeof(text));
	strcpy(copy, text);
	n = kmv_tokenize(copy, t, 4, err, errlen);
	if (n < 1 || kmv_parse_result(op, t, n, &back, err, errlen))
		goto bad;
	kmv_format_result(op, &back, again, sizeof(again));
	if (!strcmp(text, again))
		return 0;
bad:
	snprintf(err, errlen, "result '%s' of op '%s' cannot be written in a vector file",
		 text, kmc_op_names.names[op]);
	return -EINVAL;
}

int kmv_key_writable(enum kmv_key k, const struct kmc_obs *o, char *err, size_t errlen)
{
	char text[KMV_VALMAX + 8], again[KMV_VALMAX];
	struct kmc_obs back;
	struct tok t[2];
	int n;

	memset(&back, 0, sizeof(back));
	snprintf(text, sizeof(text), "k=");
	kmv_format_key(k, o, text + 2, sizeof(text) - 2);
	/* a string with a line break would end the line */
	if (strpbrk(text, "\n\r"))
		goto bad;
	{
		char copy[sizeof(text)];

		strcpy(copy, text);
		n = kmv_tokenize(copy, t, 2, err, errlen);
		if (n != 1 || kmv_parse_key_value(k, t[0].s + 2, &back, err, errlen))
			goto bad;
	}
	kmv_format_key(k, &back, again, sizeof(again));
	if (!strcmp(text + 2, again))
		return 0;
bad:
	snprintf(err, errlen, "value %s of '%s' cannot be written in a vector file",
		 text + 2, kmv_key_names[k]);
	return -EINVAL;
}
