// SPDX-License-Identifier: GPL-2.0
/*
 * Values and the `host` and `vm` lines of a vector record.  Problems are
 * described in @err; the reader adds FILE:LINE.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kmv_internal.h"
#include "names.h"
#include "kmc/array_size.h"

/* ---- value parsers ------------------------------------------------------ */

int kmv_parse_num(const char *s, uint64_t *v, char *err, size_t errlen)
{
	int ret = kmc_parse_u64(s, v);

	if (ret == -ERANGE)
		snprintf(err, errlen, "value '%s' does not fit in 64 bits", s);
	else if (ret)
		snprintf(err, errlen, "value '%s' is not a number", s);
	return ret ? -EINVAL : 0;
}

int kmv_parse_index(const char *s, uint32_t *idx, char *err, size_t errlen)
{
	uint64_t v;

	if (kmv_parse_num(s, &v, err, errlen))
		return -EINVAL;
	if (v > UINT32_MAX) {
		snprintf(err, errlen, "MSR index '%s' does not fit in 32 bits", s);
		return -EINVAL;
	}
	*idx = (uint32_t)v;
	return 0;
}

/* "a, b or c" from the named entries of @t */
const char *kmv_alternatives(const struct kmc_names *t, char *buf, size_t len)
{
	unsigned int total = 0, k = 0;
	size_t used = 0;

	for (unsigned int i = 0; i < t->n; i++)
		total += t->names[i] != NULL;
	buf[0] = '\0';
	for (unsigned int i = 0; i < t->n && used < len; i++) {
		if (!t->names[i])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 !k ? "" : k + 1 == total ? " or " : ", ",
					 t->names[i]);
		k++;
	}
	return buf;
}

int kmv_parse_enum(const struct kmc_names *t, const char *key, const char *val,
		   char *err, size_t errlen)
{
	char alt[256];
	int i = kmc_name_index(t, val);

	if (i < 0)
		snprintf(err, errlen, "%s=%s: expected %s", key, val,
			 kmv_alternatives(t, alt, sizeof(alt)));
	return i < 0 ? -EINVAL : i;
}

int kmv_parse_bool(const char *key, const char *val, uint8_t *out,
		   char *err, size_t errlen)
{
	if (strcmp(val, "0") && strcmp(val, "1")) {
		snprintf(err, errlen, "%s=%s: expected 0 or 1", key, val);
		return -EINVAL;
	}
	*out = val[0] == '1';
	return 0;
}

/* ---- host and vm lines -------------------------------------------------- */

enum host_key {
	HK_CPU, HK_LIVE, HK_VENDOR, HK_FMS, HK_CORE, HK_AC, HK_MCU, HK_CPUID,
	HK_MITIGATIONS, HK_MDS, HK_TAA, HK_MMIO, HK_RFDS, HK_TSX, HK_GDS,
	HK_L1TF, HK_NOFSGSBASE, HK_SMT, HK_L1D, HK_EPT, HK_IGNORE_MSRS,
	HK_SPEC_CTRL_SHADOW, HK_NR
};

static const struct {
	const char *key;
	int flag;		/* written without a value */
} host_keys[HK_NR] = {
	[HK_CPU] = { "cpu" },
	[HK_LIVE] = { "live", 1 },
	[HK_VENDOR] = { "vendor" },
	[HK_FMS] = { "fms" },
	[HK_CORE] = { "core" },
	[HK_AC] = { "ac" },
	[HK_MCU] = { "mcu" },
	[HK_CPUID] = { "cpuid" },
	[HK_MITIGATIONS] = { "mitigations" },
	[HK_MDS] = { "mds" },
	[HK_TAA] = { "tsx_async_abort" },
	[HK_MMIO] = { "mmio_stale_data" },
	[HK_RFDS] = { "reg_file_data_sampling" },
	[HK_TSX] = { "tsx" },
	[HK_GDS] = { "gather_data_sampling" },
	[HK_L1TF] = { "l1tf" },
	[HK_NOFSGSBASE] = { "nofsgsbase", 1 },
	[HK_SMT] = { "smt" },
	[HK_L1D] = { "vmentry_l1d_flush" },
	[HK_EPT] = { "ept" },
	[HK_IGNORE_MSRS] = { "ignore_msrs" },
	[HK_SPEC_CTRL_SHADOW] = { "spec_ctrl_shadow" },
};

/* Split `key=value` and find the key in @keys; -1 if unknown */
static int find_key(const char *tok, const char *const *keys, unsigned int n,
		    const char **val)
{
	const char *eq = strchr(tok, '=');
	size_t klen = eq ? (size_t)(eq - tok) : strlen(tok);

	*val = eq ? eq + 1 : NULL;
	for (unsigned int i = 0; i < n; i++)
		if (strlen(keys[i]) == klen && !strncmp(keys[i], tok, klen))
			return (int)i;
	return -1;
}

static int parse_fms(const char *val, struct kmc_host *h, char *err, size_t errlen)
{
	char buf[64], *f, *m, *st;
	uint64_t v[3];

	if (strlen(val) >= sizeof(buf))
		goto bad;
	strcpy(buf, val);
	f = buf;
	m = strchr(f, ':');
	if (!m)
		goto bad;
	*m++ = '\0';
	st = strchr(m, ':');
	if (!st)
		goto bad;
	*st++ = '\0';
	if (kmc_parse_u64(f, &v[0]) || kmc_parse_u64(m, &v[1]) ||
	    kmc_parse_u64(st, &v[2]) || v[0] > 255 || v[1] > 255 || v[2] > 15)
		goto bad;
	h->family = (uint8_t)v[0];
	h->model = (uint8_t)v[1];
	h->stepping = (uint8_t)v[2];
	return 0;
bad:
	snprintf(err, errlen, "fms=%s: expected FAMILY:MODEL:STEPPING, e.g. 6:0x55:7", val);
	return -EINVAL;
}

/* `cpuid=+F,-F,...` applied to @set */
static int parse_cpuid_edit(const char *val, uint64_t *set, char *err, size_t errlen)
{
	char buf[1024];
	uint64_t add = 0, del = 0;

	if (!*val) {
		snprintf(err, errlen, "cpuid=: expected +FEATURE,-FEATURE,...");
		return -EINVAL;
	}
	if (strlen(val) >= sizeof(buf)) {
		snprintf(err, errlen, "cpuid=: list too long");
		return -EINVAL;
	}
	strcpy(buf, val);
	for (char *p = strtok(buf, ","); p; p = strtok(NULL, ",")) {
		uint64_t bit;

		if (*p != '+' && *p != '-') {
			snprintf(err, errlen, "cpuid: '%s' needs a '+' or '-' prefix", p);
			return -EINVAL;
		}
		if (kmc_list_parse(&kmc_feat_names, p + 1, &bit, err, errlen))
			return -EINVAL;
		if ((add | del) & bit) {
			snprintf(err, errlen, "cpuid: '%s' listed twice", p + 1);
			return -EINVAL;
		}
		*(*p == '+' ? &add : &del) |= bit;
	}
	if (val[strlen(val) - 1] == ',' || strstr(val, ",,")) {
		snprintf(err, errlen, "empty name in cpuid=%s", val);
		return -EINVAL;
	}
	*set = (*set | add) & ~del;
	return 0;
}

int kmv_parse_host(struct kmv_record *r, struct tok *t, int n, char *err, size_t errlen)
{
	const char *keys[HK_NR], *val[HK_NR] = { 0 };
	int seen[HK_NR] = { 0 }, ret;
	struct kmc_host *h = &r->sc.host;

	for (int i = 0; i < HK_NR; i++)
		keys[i] = host_keys[i].key;
	for (int i = 1; i < n; i++) {
		const char *v;
		int k = find_key(t[i].s, keys, HK_NR, &v);

		if (k < 0) {
			snprintf(err, errlen, "unknown host token '%s'", t[i].s);
			return -EINVAL;
		}
		if (seen[k]) {
			snprintf(err, errlen, "host: '%s' given twice", keys[k]);
			return -EINVAL;
		}
		if (host_keys[k].flag && v) {
			snprintf(err, errlen, "host: '%s' takes no value", keys[k]);
			return -EINVAL;
		}
		if (!host_keys[k].flag && !v) {
			snprintf(err, errlen, "host: '%s' needs a value (%s=...)", keys[k], keys[k]);
			return -EINVAL;
		}
		seen[k] = 1;
		val[k] = v;
	}

	if (seen[HK_LIVE]) {
		/* the one setting a live vector may make: kvm.ignore_msrs (docs/vectors.md) */
		if (n > 2 + seen[HK_IGNORE_MSRS]) {
			snprintf(err, errlen, "host 'live' takes no other tokens");
			return -EINVAL;
		}
		if (seen[HK_IGNORE_MSRS]) {
			ret = kmv_parse_bool("ignore_msrs", val[HK_IGNORE_MSRS], &h->ignore_msrs,
					     err, errlen);
			if (ret)
				return ret;
			r->live_sets |= KMV_LIVE_IGNORE_MSRS;
		}
		r->live = 1;
		return 0;
	}
	if (seen[HK_CPU]) {
		const struct kmc_cpu *c = kmc_cpu_find(val[HK_CPU]);

		if (!c) {
			snprintf(err, errlen, "unknown CPU '%s' (see kmc cpus)", val[HK_CPU]);
			return -ENOENT;
		}
		kmc_host_from_cpu(h, c);
	} else if (seen[HK_VENDOR] && seen[HK_FMS]) {
		/* no catalog CPU: the model's default command line, nothing else */
		const struct kmc_cpu blank = { .name = "", .desc = "" };

		kmc_host_from_cpu(h, &blank);
	} else {
		snprintf(err, errlen, "host needs cpu=NAME, live, or vendor= and fms=");
		return -EINVAL;
	}

	for (int k = 0; k < HK_NR; k++) {
		const char *v = val[k];
		uint64_t x;

		if (!seen[k] || k == HK_CPU)
			continue;
		ret = 0;
		switch (k) {
		case HK_VENDOR:
			ret = kmv_parse_enum(&kmc_vendor_names, "vendor", v, err, errlen);
			if (ret >= 0)
				h->vendor = (uint8_t)ret;
			break;
		case HK_FMS:
			ret = parse_fms(v, h, err, errlen);
			break;
		case HK_CORE:
			ret = kmc_core_type_parse(v);
			if (ret < 0)
				ret = kmv_parse_enum(&kmc_core_names, "core", v, err, errlen);
			else
				h->core_type = (uint8_t)ret;
			break;
		case HK_AC:
		case HK_MCU:
			ret = kmv_parse_num(v, &x, err, errlen);
			if (!ret)
				*(k == HK_AC ? &h->arch_cap : &h->mcu_opt_ctrl) = x;
			break;
		case HK_CPUID:
			ret = parse_cpuid_edit(v, &h->cpuid, err, errlen);
			break;
		case HK_MITIGATIONS:
		case HK_MDS:
		case HK_TAA:
		case HK_MMIO:
		case HK_RFDS:
			if (strcmp(v, "off")) {
				snprintf(err, errlen, "%s=%s: only '%s=off' is supported",
					 keys[k], v, keys[k]);
				ret = -EINVAL;
			} else if (k == HK_MITIGATIONS) {
				h->mitigations_off = 1;
			} else {
				h->vuln_off |= k == HK_MDS ? KMC_OFF_MDS :
					       k == HK_TAA ? KMC_OFF_TAA :
					       k == HK_MMIO ? KMC_OFF_MMIO : KMC_OFF_RFDS;
			}
			break;
		case HK_TSX:
			ret = kmv_parse_enum(&kmc_tsx_names, "tsx", v, err, errlen);
			if (ret >= 0)
				h->tsx = (uint8_t)ret;
			break;
		case HK_GDS:
			ret = kmv_parse_enum(&kmc_gds_names, "gather_data_sampling", v, err, errlen);
			if (ret >= 0)
				h->gds = (uint8_t)ret;
			break;
		case HK_L1TF:
			ret = kmv_parse_enum(&kmc_l1tf_names, "l1tf", v, err, errlen);
			if (ret >= 0)
				h->l1tf = (uint8_t)ret;
			break;
		case HK_NOFSGSBASE:
			h->nofsgsbase = 1;
			break;
		case HK_SMT:
			ret = kmv_parse_bool("smt", v, &h->smt, err, errlen);
			break;
		case HK_L1D:
			ret = kmv_parse_enum(&kmc_l1d_names, "vmentry_l1d_flush", v, err, errlen);
			if (ret >= 0)
				h->l1d_flush = (uint8_t)ret;
			break;
		case HK_EPT:
			ret = kmv_parse_bool("ept", v, &h->ept, err, errlen);
			break;
		case HK_IGNORE_MSRS:
			ret = kmv_parse_bool("ignore_msrs", v, &h->ignore_msrs, err, errlen);
			break;
		case HK_SPEC_CTRL_SHADOW:
			ret = kmv_parse_bool("spec_ctrl_shadow", v, &h->spec_ctrl_shadow, err, errlen);
			break;
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* force_spec_ctrl=MASK:VALUE, the two arguments of KVM_ENABLE_CAP */
static int parse_force_spec_ctrl(struct kmc_vm *vm, const char *v, char *err, size_t errlen)
{
	const char *colon = strchr(v, ':');
	char mask[32];

	if (!colon || (size_t)(colon - v) >= sizeof(mask)) {
		snprintf(err, errlen, "force_spec_ctrl=%s: expected MASK:VALUE", v);
		return -EINVAL;
	}
	memcpy(mask, v, (size_t)(colon - v));
	mask[colon - v] = '\0';
	if (kmv_parse_num(mask, &vm->force_mask, err, errlen) ||
	    kmv_parse_num(colon + 1, &vm->force_value, err, errlen))
		return -EINVAL;
	vm->force_spec_ctrl = 1;
	return 0;
}

int kmv_parse_vm(struct kmv_record *r, struct tok *t, int n, char *err, size_t errlen)
{
	static const char *const keys[] = {
		"quirks", "user_msr", "filter", "uemu", "mmio", "force_spec_ctrl",
	};
	struct kmc_vm *vm = &r->sc.vm;
	int seen[ARRAY_SIZE(keys)] = { 0 };

	for (int i = 1; i < n; i++) {
		const char *v;
		int k = find_key(t[i].s, keys, ARRAY_SIZE(keys), &v);
		uint64_t x;

		if (k < 0) {
			snprintf(err, errlen, "unknown vm token '%s'", t[i].s);
			return -EINVAL;
		}
		if (seen[k]) {
			snprintf(err, errlen, "vm: '%s' given twice", keys[k]);
			return -EINVAL;
		}
		seen[k] = 1;
		if (!v) {
			snprintf(err, errlen, "vm: '%s' needs a value (%s=...)", keys[k], keys[k]);
			return -EINVAL;
		}
		switch (k) {
		case 0: {	/* quirks=-a,-b: quirks can only be disabled */
			char buf[256];
			size_t w = 0;

			if (strlen(v) >= sizeof(buf) || !*v) {
				snprintf(err, errlen, "quirks=%s: expected -NAME,...", v);
				return -EINVAL;
			}
			for (const char *p = v; *p; p++) {
				if ((p == v || p[-1] == ',') && *p != '-') {
					snprintf(err, errlen,
						 "quirks: '%s' needs a '-' prefix (quirks can only be disabled)",
						 p);
					return -EINVAL;
				}
				if ((p == v || p[-1] == ',') && *p == '-')
					continue;
				buf[w++] = *p;
			}
			buf[w] = '\0';
			if (kmc_list_parse(&kmc_quirk_names, buf, &x, err, errlen))
				return -EINVAL;
			vm->disabled_quirks = (uint32_t)x;
			break;
		}
		case 1:
			if (kmc_list_parse(&kmc_exit_names, v, &x, err, errlen))
				return -EINVAL;
			vm->user_msr_exits = (uint8_t)x;
			break;
		case 2:
			if (kmv_parse_num(v, &x, err, errlen))
				return -EINVAL;
			if (x != KMC_MSR_ARCH_CAPABILITIES) {
				snprintf(err, errlen, "filter=%s: only 0x10a can be filtered", v);
				return -EINVAL;
			}
			vm->filter_arch_cap = 1;
			break;
		case 3:
			if (kmv_parse_num(v, &vm->uemu_arch_cap, err, errlen))
				return -EINVAL;
			break;
		case 4:
			if (kmv_parse_bool("mmio", v, &vm->mmio_mapped, err, errlen))
				return -EINVAL;
			break;
		case 5:
			if (parse_force_spec_ctrl(vm, v, err, errlen))
				return -EINVAL;
			break;
		}
	}
	return 0;
}
