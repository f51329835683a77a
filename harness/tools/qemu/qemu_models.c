// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc qemu-models`.  KVM's side is the model's (kmc_model_eval through
 * hostspec); QEMU's side is what QEMU does with KVM's values when it
 * starts a named model on KVM (docs/rules.md "QEMU's named models"):
 *   - QEMU asks KVM_GET_SUPPORTED_CPUID, not the emulated list, and adds
 *     the hypervisor bit itself (target/i386/kvm/kvm.c,
 *     kvm_arch_get_supported_cpuid);
 *   - on KVM every model starts with monitor=off (kvm_default_props in
 *     target/i386/cpu.c), so MWAIT is never asked of KVM;
 *   - 0x10a bits are checked against KVM's system-fd value, plus FB_CLEAR
 *     where this QEMU synthesises it (KMC_QEMU_FIVE_NO);
 *   - a feature KVM lacks is dropped (with a warning under `check`), or
 *     the start refused under `enforce`.
 * What the guest is then told, and its VERW, are the model's again.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "hostspec.h"
#include "names.h"
#include "qemu_models.h"

int kmc_qemu_has_fb_clear_synth(unsigned int major, unsigned int minor, unsigned int micro)
{
	if (major != 10)
		return major > 10;
	/* in 10.2.0, and through qemu-stable in 10.0.6 and 10.1.2 */
	return minor >= 2 || (minor == 1 && micro >= 2) || (minor == 0 && micro >= 6);
}

void qm_host_of(const struct kmc_obs *hv, const struct qd_data *d, struct qm_host *q)
{
	q->kvm_arch_cap = hv->kvm_arch_cap;
	q->kvm_cpuid = hv->kvm_cpuid;
	q->synth = kmc_qemu_has_fb_clear_synth(d->major, d->minor, d->micro);
	q->synth_fires = q->synth && (hv->kvm_arch_cap & KMC_QEMU_FIVE_NO) == KMC_QEMU_FIVE_NO;
	q->supported_ac = hv->kvm_arch_cap | (q->synth_fires ? KMC_AC_FB_CLEAR : 0);
	q->supported_cpuid = hv->kvm_cpuid | KMC_F(HYPERVISOR);
}

int qm_eval(const struct kmc_hostspec *h, const struct qm_host *q, const struct qd_model *m,
		   struct qm_verdict *v)
{
	struct kmc_obs o;

	memset(v, 0, sizeof(*v));
	v->want_cpuid = m->cpuid & KMC_KVM_CPUID_MASK & ~KMC_F(MWAIT);
	v->lack_cpuid = v->want_cpuid & ~q->supported_cpuid;
	v->lack_ac = m->arch_cap & ~q->supported_ac;
	v->guest_cpuid = (m->cpuid & ~KMC_KVM_CPUID_MASK) | (v->want_cpuid & q->supported_cpuid);
	/* the 0x10a bits depend on the arch-capabilities CPUID bit */
	v->guest_ac = v->guest_cpuid & KMC_F(ARCH_CAPABILITIES) ? m->arch_cap & q->supported_ac : 0;
	if (kmc_hostspec_guest(h, v->guest_cpuid, v->guest_ac, &o))
		return -EINVAL;
	v->verw = o.res[2].kind == KMC_RES_VALUE && o.res[2].value <= 1 ? (int)o.res[2].value : -1;
	v->findings = o.findings;
	return 0;
}

/* ---- output -------------------------------------------------------------- */

static const char *verw_str(int verw)
{
	return verw < 0 ? "n/a" : verw ? "clears" : "no";
}

static void put_lack(char *buf, size_t len, const struct qm_verdict *v)
{
	char ac[512], cp[512];

	kmc_list_format(&kmc_ac_names, v->lack_ac, ac, sizeof(ac));
	kmc_list_format(&kmc_feat_names, v->lack_cpuid, cp, sizeof(cp));
	if (!v->lack_ac && !v->lack_cpuid)
		snprintf(buf, len, "-");
	else if (!v->lack_cpuid)
		snprintf(buf, len, "%s", ac);
	else if (!v->lack_ac)
		snprintf(buf, len, "cpuid:%s", cp);
	else
		snprintf(buf, len, "%s cpuid:%s", ac, cp);
}

static void table_head(FILE *out, const char *host, const struct kmc_hostspec *h,
		       const struct qd_data *d, const struct qm_host *q)
{
	char names[1024];

	fprintf(out, "QEMU %s (%s): %u model versions on host '%s', profile %s\n", d->version,
		d->package, d->nmodels, host, h->r->profile->name);
	kmc_list_format(&kmc_ac_names, q->kvm_arch_cap, names, sizeof(names));
	fprintf(out, "  KVM's 0x10a (system fd)   0x%llx (%s)\n",
		(unsigned long long)q->kvm_arch_cap, names);
	kmc_list_format(&kmc_feat_names, q->kvm_cpuid, names, sizeof(names));
	fprintf(out, "  KVM's modelled CPUID      %s\n", names);
	if (!q->synth)
		fprintf(out, "  FB_CLEAR synthesis        not in QEMU %s (qemu.git 00001a22d183:"
			" 10.0.6, 10.1.2, 10.2)\n", d->version);
	else if (q->synth_fires)
		fprintf(out, "  FB_CLEAR synthesis        fires: KVM has the five NO bits\n");
	else {
		kmc_list_format(&kmc_ac_names, KMC_QEMU_FIVE_NO & ~q->kvm_arch_cap, names,
				sizeof(names));
		fprintf(out, "  FB_CLEAR synthesis        does not fire: KVM lacks %s\n", names);
	}
	fprintf(out, "%-28s %-8s %-34s %-18s %-6s %s\n", "MODEL", "ENFORCE", "KVM LACKS",
		"GUEST 0x10a", "VERW", "FINDINGS");
}

static void table_row(FILE *out, const struct qd_model *m, const struct qm_verdict *v)
{
	char lack[1100], fnd[256], ac[24];

	put_lack(lack, sizeof(lack), v);
	kmc_list_format(&kmc_finding_names, v->findings, fnd, sizeof(fnd));
	snprintf(ac, sizeof(ac), "0x%llx", (unsigned long long)v->guest_ac);
	fprintf(out, "%-28s %-8s %-34s %-18s %-6s %s\n", m->name,
		v->lack_ac || v->lack_cpuid ? "refused" : "starts*", lack, ac, verw_str(v->verw),
		fnd);
}

static void table_foot(FILE *out, unsigned int naliases)
{
	fprintf(out, "  starts* = with enforce, unless the host lacks one of the model's features"
		" kmc does not model\n"
		"  (`other` in --json); refused = for the 0x10a bits and CPUID features"
		" listed.  Without enforce QEMU\n"
		"  drops those and the guest reads GUEST 0x10a.  %u unversioned aliases not"
		" shown (--json has them).\n", naliases);
}

static json_t *json_names(const struct kmc_names *t, uint64_t v)
{
	json_t *a = json_array();

	for (unsigned int b = 0; b < 64; b++)
		if ((v >> b & 1) && kmc_name(t, b))
			json_array_append_new(a, json_string(kmc_name(t, b)));
	return a;
}

static json_t *json_qemu_names(const struct qd_data *d, int ac, uint64_t v)
{
	json_t *a = json_array();

	for (unsigned int b = 0; b < 64; b++)
		if (v >> b & 1)
			json_array_append_new(a, json_string(qd_qemu_name(d, ac, KMC_BIT(b))));
	return a;
}

static json_t *json_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *json_model(const struct qd_data *d, const struct qd_model *m,
			  const struct qm_verdict *v)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(m->name));
	json_object_set_new(o, "alias_of", *m->alias_of ? json_string(m->alias_of) : json_null());
	json_object_set_new(o, "deprecated", json_boolean(m->deprecated));
	json_object_set_new(o, "arch_cap", json_qemu_names(d, 1, m->arch_cap));
	json_object_set_new(o, "cpuid", json_qemu_names(d, 0, m->cpuid));
	json_object_set_new(o, "other", json_integer(m->other));
	json_object_set_new(o, "kvm_lacks_arch_cap", json_names(&kmc_ac_names, v->lack_ac));
	json_object_set_new(o, "kvm_lacks_cpuid", json_names(&kmc_feat_names, v->lack_cpuid));
	json_object_set_new(o, "enforce", json_string(v->lack_ac || v->lack_cpuid ? "refused" :
		"starts unless the host lacks a feature kmc does not model"));
	json_object_set_new(o, "guest_arch_cap", json_hex(v->guest_ac));
	json_object_set_new(o, "guest_arch_cap_names", json_names(&kmc_ac_names, v->guest_ac));
	json_object_set_new(o, "guest_cpuid", json_names(&kmc_feat_names, v->guest_cpuid));
	json_object_set_new(o, "verw_clears", v->verw < 0 ? json_null() : json_boolean(v->verw));
	json_object_set_new(o, "findings", json_names(&kmc_finding_names, v->findings));
	return o;
}

static json_t *json_qemu(const struct qd_data *d, const struct qm_host *q)
{
	json_t *o = json_object();

	json_object_set_new(o, "version", json_string(d->version));
	json_object_set_new(o, "package", json_string(d->package));
	json_object_set_new(o, "fb_clear_synthesis", json_boolean(q->synth));
	json_object_set_new(o, "fb_clear_synthesis_fires", json_boolean(q->synth_fires));
	json_object_set_new(o, "supported_arch_cap", json_hex(q->supported_ac));
	json_object_set_new(o, "models", json_array());
	return o;
}

/* ---- the data files ------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* data_dir/qemu-*.txt whose version starts with @want (all if NULL), sorted */
int qm_data_files(const char *dir, const char *want, char ***paths, unsigned int *n,
		      char *err, size_t len)
{
	DIR *dd = opendir(dir);
	struct dirent *e;
	size_t wl = want ? strlen(want) : 0;

	*paths = NULL;
	*n = 0;
	if (!dd) {
		snprintf(err, len, "cannot read %s: %s (make qemu-models writes it)", dir,
			 strerror(errno));
		return -ENOENT;
	}
	while ((e = readdir(dd))) {
		const char *v = e->d_name + strlen("qemu-");
		size_t l = strlen(e->d_name);
		char **p;

		if (strncmp(e->d_name, "qemu-", 5) || l < 9 || strcmp(e->d_name + l - 4, ".txt"))
			continue;
		/* "7.2" picks 7.2.22, not 7.20.1 */
		if (want && (strncmp(v, want, wl) || v[wl] != '.'))
			continue;
		p = realloc(*paths, (*n + 1) * sizeof(*p));
		if (!p || asprintf(&p[*n], "%s/%s", dir, e->d_name) < 0) {
			closedir(dd);
			return -ENOMEM;
		}
		*paths = p;
		(*n)++;
	}
	closedir(dd);
	if (!*n) {
		snprintf(err, len, want ? "no data for QEMU %s in %s (the versions: ls %s)" :
			 "no qemu-*.txt in %s%.0s (make qemu-models)", want ? want : dir,
			 want ? dir : "", dir);
		return want ? -EINVAL : -ENOENT;
	}
	qsort(*paths, *n, sizeof(**paths), by_name);
	return 0;
}

static int one_qemu(FILE *out, const char *host, const struct kmc_hostspec *h,
		    const struct kmc_obs *hv, const char *path, json_t *jq_list, char *err, size_t len)
{
	struct qd_data d;
	struct qm_host q;
	json_t *jq = NULL;
	unsigned int naliases = 0;
	int ret = qd_read(path, &d, err, len);

	if (ret)
		return ret == -EINVAL ? -EBADMSG : ret;
	qm_host_of(hv, &d, &q);
	if (jq_list)
		jq = json_qemu(&d, &q);
	else
		table_head(out, host, h, &d, &q);
	for (unsigned int i = 0; i < d.nmodels; i++) {
		const struct qd_model *m = &d.models[i];
		struct qm_verdict v;

		if (qm_eval(h, &q, m, &v)) {
			snprintf(err, len, "the model cannot evaluate %s on this host", m->name);
			ret = -EINVAL;
			break;
		}
		if (jq)
			json_array_append_new(json_object_get(jq, "models"), json_model(&d, m, &v));
		else if (*m->alias_of)
			naliases++;
		else
			table_row(out, m, &v);
	}
	if (jq)
		json_array_append_new(jq_list, jq);
	else
		table_foot(out, naliases);
	qd_free(&d);
	return ret;
}

int kmc_qemu_models(FILE *out, const struct kmc_qemu_models_args *a, char *err, size_t len)
{
	struct kmc_hostspec h = { .what = "the" };
	struct kmc_obs hv;
	char **paths = NULL;
	unsigned int n = 0;
	json_t *top = NULL, *list = NULL;
	int ret = kmc_hostspec_read(&h, a->host, a->profile, err, len);

	if (ret && ret != -ENOMEM)
		ret = -EINVAL;	/* a host or profile it cannot use */
	if (!ret && kmc_hostspec_view(&h, &hv)) {
		snprintf(err, len, "the model cannot evaluate host '%s'", a->host);
		ret = -EINVAL;
	}
	if (!ret)
		ret = qm_data_files(a->data_dir, a->qemu, &paths, &n, err, len);
	if (!ret && a->json) {
		top = json_object();
		list = json_array();
		json_object_set_new(top, "host", json_string(a->host));
		json_object_set_new(top, "profile", json_string(h.r->profile->name));
		json_object_set_new(top, "kvm_arch_cap", json_hex(hv.kvm_arch_cap));
		json_object_set_new(top, "kvm_cpuid", json_names(&kmc_feat_names, hv.kvm_cpuid));
		json_object_set(top, "qemu", list);
	}
	for (unsigned int i = 0; i < n && !ret; i++) {
		if (i && !a->json)
			fputc('\n', out);
		ret = one_qemu(out, a->host, &h, &hv, paths[i], list, err, len);
	}
	if (!ret && top) {
		json_dumpf(top, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
	}
	json_decref(list);
	json_decref(top);
	for (unsigned int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	kmc_hostspec_free(&h);
	return ret;
}
