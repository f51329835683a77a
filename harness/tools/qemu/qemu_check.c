// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc qemu-models --observed FILE`: the predictions against real
 * `-accel kvm -cpu MODEL,enforce` starts in a lab (harness/tools/qemu/lab-enforce.sh,
 * docs/qemu-models.md "Checked live").  FILE holds
 *   qemu VERSION
 *   start MODEL rc=N missing=QEMU-NAME,...|-
 * one `start` line per model: QEMU's exit status and the features its
 * warnings named ("host doesn't support requested feature: ...").
 * KTAP on @out, one test per start: its modelled features (0x10a bits, and
 * CPUID features whose KVM support kmc models) must be those predicted
 * missing; any other feature QEMU names is "refused for features kmc does
 * not model", which a `starts*` prediction allows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hostspec.h"
#include "names.h"
#include "qemu_models.h"

#define MAX_OBS_LINE 4096

struct seen {
	uint64_t ac, cpuid;		/* modelled features QEMU named */
	char other[MAX_OBS_LINE];	/* the rest, by QEMU's names */
};

/* Split QEMU's names into kmc's modelled bits and the rest */
static void classify(const struct qd_data *d, char *list, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	if (!strcmp(list, "-"))
		return;
	for (char *save = NULL, *n = strtok_r(list, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		const struct qd_feature *f = NULL;

		for (unsigned int i = 0; i < d->nfeat && !f; i++)
			if (!strcmp(d->feat[i].qemu, n))
				f = &d->feat[i];
		if (f && f->arch_cap)
			s->ac |= f->mask;
		else if (f && (f->mask & KMC_KVM_CPUID_MASK))
			s->cpuid |= f->mask;
		else
			snprintf(s->other + strlen(s->other), sizeof(s->other) - strlen(s->other),
				 "%s%s", *s->other ? "," : "", n);
	}
}

static const struct qd_model *find_model(const struct qd_data *d, const char *name)
{
	for (unsigned int i = 0; i < d->nmodels; i++)
		if (!strcmp(d->models[i].name, name))
			return &d->models[i];
	return NULL;
}

/* One start: 1 if it agrees with the prediction; the KTAP line on @out */
static int check_start(FILE *out, unsigned int n, const struct kmc_hostspec *h,
		       const struct qm_host *q, const struct qd_data *d, const char *name, int rc,
		       char *missing)
{
	const struct qd_model *m = find_model(d, name);
	char pa[512], pc[512], oa[512], oc[512];
	struct qm_verdict v;
	struct seen s;
	int refused;

	if (!m) {
		fprintf(out, "not ok %u %s # QEMU %s has no such model in the data\n", n, name,
			d->version);
		return 0;
	}
	if (qm_eval(h, q, m, &v)) {
		fprintf(out, "not ok %u %s # the model cannot evaluate it\n", n, name);
		return 0;
	}
	classify(d, missing, &s);
	refused = v.lack_ac || v.lack_cpuid;
	kmc_list_format(&kmc_ac_names, v.lack_ac, pa, sizeof(pa));
	kmc_list_format(&kmc_feat_names, v.lack_cpuid, pc, sizeof(pc));
	kmc_list_format(&kmc_ac_names, s.ac, oa, sizeof(oa));
	kmc_list_format(&kmc_feat_names, s.cpuid, oc, sizeof(oc));
	if (s.ac != v.lack_ac || s.cpuid != v.lack_cpuid || (refused && !rc) ||
	    (!refused && rc && !*s.other)) {
		fprintf(out, "# %s: predicted KVM lacks 0x10a %s, cpuid %s (%s); QEMU rc=%d named"
			" 0x10a %s, cpuid %s, other %s\n", name, pa, pc,
			refused ? "refused" : "starts*", rc, oa, oc, *s.other ? s.other : "-");
		fprintf(out, "not ok %u %s\n", n, name);
		return 0;
	}
	if (refused)
		fprintf(out, "ok %u %s # refused as predicted: 0x10a %s, cpuid %s%s%s\n", n, name, pa,
			pc, *s.other ? "; also for features kmc does not model: " : "", s.other);
	else if (rc)
		fprintf(out, "ok %u %s # refused for features kmc does not model: %s\n", n, name,
			s.other);
	else
		fprintf(out, "ok %u %s # starts, as predicted\n", n, name);
	return 1;
}

static int read_observed(FILE *f, const char *path, char ***lines, unsigned int *n,
			 char *version, size_t vlen, char *err, size_t len)
{
	char buf[MAX_OBS_LINE];
	unsigned int no = 0;

	*lines = NULL;
	*n = 0;
	*version = '\0';
	while (fgets(buf, sizeof(buf), f)) {
		char **p;

		no++;
		buf[strcspn(buf, "\n")] = '\0';
		if (!*buf || *buf == '#')
			continue;
		if (!strncmp(buf, "qemu ", 5)) {
			if (strlen(buf + 5) >= vlen) {
				snprintf(err, len, "%s:%u: version too long", path, no);
				return -EINVAL;
			}
			strcpy(version, buf + 5);
			continue;
		}
		if (strncmp(buf, "start ", 6)) {
			snprintf(err, len, "%s:%u: expected 'qemu VERSION' or 'start MODEL rc=N"
				 " missing=LIST'", path, no);
			return -EINVAL;
		}
		p = realloc(*lines, (*n + 1) * sizeof(*p));
		if (!p || !(p[*n] = strdup(buf)))
			return -ENOMEM;
		*lines = p;
		(*n)++;
	}
	if (!*version || !*n) {
		snprintf(err, len, "%s: no 'qemu VERSION' line or no 'start' lines", path);
		return -EINVAL;
	}
	return 0;
}

int kmc_qemu_check(FILE *out, const struct kmc_qemu_models_args *a, char *err, size_t len)
{
	struct kmc_hostspec h = { .what = "the" };
	char **lines = NULL, **paths = NULL, version[64];
	unsigned int nlines = 0, npaths = 0, good = 0;
	struct qd_data d = { 0 };
	struct kmc_obs hv;
	struct qm_host q;
	FILE *f = fopen(a->observed, "r");
	int ret;

	if (!f) {
		snprintf(err, len, "%s: %s", a->observed, strerror(errno));
		return -ENOENT;
	}
	ret = read_observed(f, a->observed, &lines, &nlines, version, sizeof(version), err, len);
	fclose(f);
	if (!ret)
		ret = qm_data_files(a->data_dir, version, &paths, &npaths, err, len);
	if (!ret)
		ret = qd_read(paths[0], &d, err, len);
	if (!ret && strcmp(d.version, version)) {
		snprintf(err, len, "%s is QEMU %s; the data has %s", a->observed, version, d.version);
		ret = -EINVAL;
	}
	if (!ret && kmc_hostspec_read(&h, a->host, a->profile, err, len))
		ret = -EINVAL;
	if (!ret && kmc_hostspec_view(&h, &hv)) {
		snprintf(err, len, "the model cannot evaluate host '%s'", a->host);
		ret = -EINVAL;
	}
	if (!ret) {
		qm_host_of(&hv, &d, &q);
		fprintf(out, "KTAP version 1\n# QEMU %s named models with enforce on host '%s',"
			" profile %s\n1..%u\n", d.version, a->host, h.r->profile->name, nlines);
		for (unsigned int i = 0; i < nlines; i++) {
			char name[QD_NAME_MAX], miss[MAX_OBS_LINE];
			int rc;

			if (sscanf(lines[i], "start %63s rc=%d missing=%4095s", name, &rc, miss) != 3) {
				fprintf(out, "not ok %u %s # unreadable line\n", i + 1, lines[i]);
				continue;
			}
			good += check_start(out, i + 1, &h, &q, &d, name, rc, miss);
		}
		fprintf(out, "# qemu-models --observed: %u starts, %u as predicted, %u differ\n",
			nlines, good, nlines - good);
		ret = good == nlines ? 0 : 1;
	}
	for (unsigned int i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	for (unsigned int i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	qd_free(&d);
	kmc_hostspec_free(&h);
	return ret;
}
