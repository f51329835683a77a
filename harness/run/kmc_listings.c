// SPDX-License-Identifier: GPL-2.0
/*
 * kmc's listings: what the model knows, printed for a person or a script
 * (kmc decode, profiles, profile-for, cpus, fms, names; kmc --help).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmc/array_size.h"
#include "kmc_cmd.h"
#include "kmv.h"
#include "ktap.h"
#include "names.h"

int kmc_usage(const char *fmt, const char *arg)
{
	fputs("kmc: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (kmc --help)\n", stderr);
	return KTAP_EXIT_USAGE;
}

void kmc_kver_str(struct kmc_kver v, char *buf, size_t len)
{
	if (!v.major && !v.minor && !v.sub)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%u.%u.%u", v.major, v.minor, v.sub);
}

int kmc_cmd_decode(int argc, char **argv)
{
	char names[KMV_VALMAX];
	int bad = 0;

	if (!argc)
		return kmc_usage("decode: missing VALUE%s", "");
	for (int i = 0; i < argc; i++) {
		uint64_t v;

		if (kmc_parse_u64(argv[i], &v)) {
			fprintf(stderr, "kmc: value '%s' is not a number\n", argv[i]);
			bad = 1;
			continue;
		}
		kmc_list_format(&kmc_ac_names, v, names, sizeof(names));
		if (argc > 1)
			printf("0x%llx: ", (unsigned long long)v);
		printf("%s\n", names);
	}
	return bad;
}

/* "lab+src", "src", "lab" or "mails": how a profile is known */
static const char *known_str(uint8_t known)
{
	static const char *const s[] = { "mails", "lab", "src", "lab+src" };

	return s[known & (KMC_KNOWN_LAB | KMC_KNOWN_SOURCE)];
}

int kmc_cmd_profiles(void)
{
	char a[32], b[32], c[32], d[64], e[32];

	printf("%-8s %-10s %-5s %-8s %s\n", "PROFILE", "RELEASE", "TSX", "KNOWN", "DESCRIPTION");
	for (unsigned int i = 0; i < kmc_nprofiles; i++) {
		const struct kmc_profile *p = kmc_profile_at(i);
		const char *tsx = kmc_name(&kmc_tsx_names, p->tsx_default);

		kmc_kver_str(p->kver, a, sizeof(a));
		printf("%-8s %-10s %-5s %-8s %s\n", p->name, a, tsx ? tsx : "?",
		       known_str(p->known), p->desc);
	}
	printf("\nKNOWN: lab = booted in the QEMU and Bochs labs, src = its Debian source tree\n"
	       "read, mails = list mails and stable diffs only:\n");
	for (unsigned int i = 0; i < kmc_nprofiles; i++) {
		const struct kmc_profile *p = kmc_profile_at(i);

		printf("  %-8s %s\n", p->name, p->known_from ? p->known_from : "");
	}
	printf("\n%-30s %-9s %-9s %-9s %-9s", "FLAG", "SINCE", "6.1.y", "6.12.y", "OTHER.y");
	for (unsigned int i = 0; i < kmc_nprofiles; i++)
		printf(" %-4s", kmc_profile_at(i)->name);
	printf(" NOTE\n");
	for (unsigned int f = 0; f < kmc_nflags; f++) {
		const struct kmc_flag_info *fl = &kmc_flags[f];

		kmc_kver_str(fl->since, a, sizeof(a));
		if (fl->unsettled)
			strncat(a, "?", sizeof(a) - strlen(a) - 1);
		kmc_kver_str(fl->bp_6_1, b, sizeof(b));
		kmc_kver_str(fl->bp_6_12, c, sizeof(c));
		kmc_kver_str(fl->bp_more[0], d, sizeof(d));
		if (fl->bp_more[1].major) {
			kmc_kver_str(fl->bp_more[1], e, sizeof(e));
			snprintf(d + strlen(d), sizeof(d) - strlen(d), ",%s", e);
		}
		printf("%-30s %-9s %-9s %-9s %-9s", fl->name, a, b, c, d);
		for (unsigned int i = 0; i < kmc_nprofiles; i++)
			printf(" %-4s", f < 64 && (kmc_profile_at(i)->flags >> f & 1) ? "x" : ".");
		printf(" %s\n", fl->note ? fl->note : "");
	}
	printf("\nx = the profile has the flag; ? = a release not established.  Changes:\n");
	for (unsigned int f = 0; f < kmc_nflags; f++)
		printf("  %-30s %s\n", kmc_flags[f].name, kmc_flags[f].change ? kmc_flags[f].change : "");
	printf("\nOTHER.y, where read (5.10.y: the first Debian upload whose changelog.Debian has\n"
	       "the backport; the upstream 5.10.y release that got it is not established):\n");
	for (unsigned int f = 0; f < kmc_nflags; f++)
		if (kmc_flags[f].bp_more_from)
			printf("  %-30s %s\n", kmc_flags[f].name, kmc_flags[f].bp_more_from);
	printf("\nReleases not established (docs/rules.md):\n");
	for (unsigned int f = 0; f < kmc_nflags; f++)
		if (kmc_flags[f].unsettled)
			printf("  %-30s %s\n", kmc_flags[f].name, kmc_flags[f].unsettled);
	return 0;
}

int kmc_cmd_profile_for(int argc, char **argv)
{
	char warn[512] = "", rel[32];
	const struct kmc_profile *p;

	if (argc < 1 || argc > 2)
		return kmc_usage("profile-for: expected RELEASE [VERSION]%s", "");
	p = kmc_profile_for_uname(argv[0], argc > 1 ? argv[1] : NULL, warn, sizeof(warn));
	if (!p) {
		fprintf(stderr, "kmc: no profile for '%s'%s%s\n", argv[0], *warn ? ": " : "", warn);
		return 1;
	}
	kmc_kver_str(p->kver, rel, sizeof(rel));
	printf("%s\t%s\t%s\n", p->name, rel, p->desc);
	if (*warn)
		fprintf(stderr, "kmc: warning: %s\n", warn);
	return 0;
}

int kmc_cmd_cpus(void)
{
	printf("%-18s %-8s %-10s %-5s %-18s %s\n", "NAME", "VENDOR", "FMS", "CORE", "0x10a",
	       "DESCRIPTION");
	for (unsigned int i = 0; i < kmc_ncpus; i++) {
		const struct kmc_cpu *c = &kmc_cpus[i];
		const char *v = kmc_name(&kmc_vendor_names, c->vendor);
		const char *core = kmc_core_type_name(c->core_type);
		char fms[32], ac[24];

		snprintf(fms, sizeof(fms), "%u:0x%x:%u", c->family, c->model, c->stepping);
		snprintf(ac, sizeof(ac), "0x%llx", (unsigned long long)c->arch_cap);
		printf("%-18s %-8s %-10s %-5s %-18s %s\n", c->name, v ? v : "?", fms,
		       core ? core : "?", ac, c->desc);
	}
	return 0;
}

int kmc_cmd_fms(void)
{
	struct kmc_fms_key k;

	printf("%-9s %-8s %-6s %-9s %s\n", "TABLE", "VENDOR", "FAMILY", "MODELS", "STEPPINGS");
	for (unsigned int i = 0; kmc_fms_key_at(i, &k); i++) {
		const char *v = k.vendor == KMC_FMS_ANY ? "any" : kmc_name(&kmc_vendor_names, k.vendor);
		char fam[8], models[16], steps[8];

		if (k.family == KMC_FMS_ANY)
			snprintf(fam, sizeof(fam), "any");
		else
			snprintf(fam, sizeof(fam), "0x%x", k.family);
		if (k.model_lo == 0 && k.model_hi == 0xff)
			snprintf(models, sizeof(models), "any");
		else if (k.model_lo == k.model_hi)
			snprintf(models, sizeof(models), "0x%x", k.model_lo);
		else
			snprintf(models, sizeof(models), "0x%x-0x%x", k.model_lo, k.model_hi);
		if (k.step_max == KMC_FMS_ANY)
			snprintf(steps, sizeof(steps), "any");
		else
			snprintf(steps, sizeof(steps), "0-%u", k.step_max);
		printf("%-9s %-8s %-6s %-9s %s\n", k.table, v ? v : "?", fam, models, steps);
	}
	return 0;
}

static void print_names(const struct kmc_names *t, int with_bit)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (t->names[i]) {
			if (with_bit)
				printf("%-3u %s\n", i, t->names[i]);
			else
				printf("%s\n", t->names[i]);
		}
}

int kmc_cmd_names(int argc, char **argv)
{
	static const struct {
		const char *topic;
		const struct kmc_names *t;
		int with_bit;
	} topics[] = {
		{ "bugs", &kmc_bug_names, 0 },
		{ "arch-cap", &kmc_ac_names, 1 },
		{ "ops", &kmc_op_names, 0 },
		{ "host-state", &kmc_hs_names, 0 },
		{ "findings", &kmc_finding_names, 0 },
		{ "l1tf-vmx", &kmc_l1tf_vmx_names, 0 },
		{ "exit-reasons", &kmc_exit_names, 0 },
		{ "quirks", &kmc_quirk_names, 0 },
		{ "variants", &kmc_variant_names, 0 },
	};

	if (argc != 1)
		return kmc_usage("names: expected one TOPIC%s", "");
	if (!strcmp(argv[0], "features")) {
		for (unsigned int i = 0; i < KMC_F_NR; i++) {
			const struct kmc_feat_loc *l = &kmc_feat_loc[i];
			char leaf[32];

			snprintf(leaf, sizeof(leaf), "0x%x.%u:%s[%u]", l->leaf, l->subleaf,
				 kmc_reg_names[l->reg], l->bit);
			printf("%-18s %s\n", kmc_feat_names.names[i], leaf);
		}
		return 0;
	}
	if (!strcmp(argv[0], "errnos")) {
		for (int e = 1; e < 4096; e++)
			if (kmc_errno_name(e))
				printf("%s\n", kmc_errno_name(e));
		return 0;
	}
	if (!strcmp(argv[0], "keys")) {
		for (unsigned int k = 0; k < KMV_K_NR; k++)
			printf("%s\n", kmv_key_names[k]);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(topics); i++)
		if (!strcmp(argv[0], topics[i].topic)) {
			print_names(topics[i].t, topics[i].with_bit);
			return 0;
		}
	return kmc_usage("names: unknown topic '%s'", argv[0]);
}
