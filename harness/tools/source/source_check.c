// SPDX-License-Identifier: GPL-2.0
/*
 * The model's and ref's transcriptions of a kernel line against the facts
 * extracted from its source (docs/source-check.md):
 *   - cpu_vuln_whitelist / cpu_vuln_blacklist: every CPU kmc can name
 *     (6 vendors x families 0-0x1f x models 0-0xff x steppings 0-0xf) is
 *     looked up in the extracted table and in the model's / ref's (first
 *     match wins in all three), and the flags compared by name;
 *   - KVM_SUPPORTED_ARCH_CAP, by the source's own ARCH_CAP_* numbers;
 *   - the ARCH_CAP_* numbers against kmc's 0x10a bit names;
 *   - X86_BUG_*: the /proc/cpuinfo names kmc uses, and that the profile
 *     sets exactly the kmc bugs the source defines;
 *   - the vulnerabilities files: one exists for each bug the profile knows
 *     that has one, and none for a bug it does not know.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include "names.h"
#include "ref.h"
#include "source_check.h"

#define NFAMILIES	0x20
#define NMODELS		0x100
#define NSTEPS		0x10
#define MAX_SHOWN	12	/* mismatch lines shown per test */

/* The vulnerabilities file of each kmc bug that has one (drivers/base/cpu.c) */
static const char *const bug_file[KMC_BUG_NR] = {
	[KMC_BUG_CPU_MELTDOWN] = "meltdown",
	[KMC_BUG_SPECTRE_V1] = "spectre_v1",
	[KMC_BUG_SPECTRE_V2] = "spectre_v2",
	[KMC_BUG_SPEC_STORE_BYPASS] = "spec_store_bypass",
	[KMC_BUG_L1TF] = "l1tf",
	[KMC_BUG_MDS] = "mds",
	[KMC_BUG_TAA] = "tsx_async_abort",
	[KMC_BUG_ITLB_MULTIHIT] = "itlb_multihit",
	[KMC_BUG_SRBDS] = "srbds",
	[KMC_BUG_MMIO_STALE_DATA] = "mmio_stale_data",
	[KMC_BUG_RETBLEED] = "retbleed",
	[KMC_BUG_SRSO] = "spec_rstack_overflow",
	[KMC_BUG_GDS] = "gather_data_sampling",
	[KMC_BUG_RFDS] = "reg_file_data_sampling",
	[KMC_BUG_ITS] = "indirect_target_selection",
	[KMC_BUG_TSA] = "tsa",
	[KMC_BUG_VMSCAPE] = "vmscape",
};

/* The files kmc reads and the model writes (model/sysfs_strings.c) */
static const char *const files_read[] = { "mds", "tsx_async_abort", "mmio_stale_data" };

enum impl { MODEL, REF };
static const char *const impl_name[] = { "model", "ref" };

/* One KTAP test of a line: its diagnostics are held until its result */
struct test {
	FILE *out;
	unsigned int n, shown, mismatches, compared;
	unsigned long probes;
	char diag[8192];
	size_t dlen;
};

static void diag(struct test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag(struct test *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	t->mismatches++;
	if (t->shown++ >= MAX_SHOWN)
		return;
	n = snprintf(t->diag + t->dlen, sizeof(t->diag) - t->dlen, "    # ");
	if (n > 0 && (size_t)n < sizeof(t->diag) - t->dlen)
		t->dlen += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(t->diag + t->dlen, sizeof(t->diag) - t->dlen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(t->diag) - t->dlen)
		t->dlen += (size_t)n;
	if (t->dlen + 1 < sizeof(t->diag))
		t->diag[t->dlen++] = '\n';
	t->diag[t->dlen] = '\0';
}

static void result(struct test *t, const char *name, struct source_check_totals *tot)
{
	t->n++;
	fputs(t->diag, t->out);
	if (t->shown > MAX_SHOWN)
		fprintf(t->out, "    # ... %u more\n", t->shown - MAX_SHOWN);
	fprintf(t->out, "    %s %u %s # %u compared", t->mismatches ? "not ok" : "ok", t->n, name,
		t->compared);
	if (t->probes)
		fprintf(t->out, ", %lu CPUs probed", t->probes);
	fprintf(t->out, ", %u mismatches\n", t->mismatches);
	tot->rows += t->compared;
	tot->probes += t->probes;
	tot->mismatches += t->mismatches;
	tot->failed += t->mismatches != 0;
	t->mismatches = t->compared = t->shown = 0;
	t->probes = 0;
	t->dlen = 0;
	t->diag[0] = '\0';
}

/* @bits (in @names' numbering) as the source's flag set; unknown names in *@extra */
static uint32_t to_source(const struct kst_table *st, uint32_t bits, const char *const *names,
			  unsigned int nnames, uint32_t *extra)
{
	uint32_t out = 0;

	for (unsigned int b = 0; b < nnames; b++) {
		unsigned int i;

		if (!(bits >> b & 1))
			continue;
		for (i = 0; i < st->nflags && strcmp(st->flag[i], names[b]); i++)
			;
		if (i < st->nflags)
			out |= 1u << i;
		else
			*extra |= 1u << b;
	}
	return out;
}

static void flag_list(const struct kst_table *st, uint32_t f, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < st->nflags; i++)
		if (f >> i & 1) {
			int n = snprintf(buf + at, len - at, "%s%s", at ? "|" : "", st->flag[i]);

			if (n < 0 || (size_t)n >= len - at)
				return;
			at += (size_t)n;
		}
	if (!at)
		snprintf(buf, len, "-");
}

static uint32_t impl_match(enum impl im, const struct kmc_profile *p, enum kmc_vuln_table tb,
			   int v, int f, int m, int s)
{
	if (im == MODEL)
		return model_vuln_match(p, tb, (uint8_t)v, (uint8_t)f, (uint8_t)m, (uint8_t)s);
	return ref_vuln_match(p->kver, tb, (uint8_t)v, (uint8_t)f, (uint8_t)m, (uint8_t)s);
}

/*
 * Every CPU kmc can name, through the source table and @im's.  Mismatches
 * are reported per vendor/family/model with the stepping range they cover.
 */
static void check_table(struct test *t, enum impl im, const struct kst_source *s,
			const struct kmc_profile *p, enum kmc_vuln_table tb)
{
	const struct kst_table *st = &s->table[tb];
	unsigned int nnames;
	const char *const *names = im == MODEL ? model_vuln_flag_names(tb, &nnames)
					       : ref_vuln_flag_names(tb, &nnames);
	uint32_t extra = 0;

	for (unsigned int i = 0; i < st->nrows; i++)
		t->compared += st->row[i].vendor != KST_NOT_KMC;
	for (int v = 0; v < KMC_VENDOR_NR; v++)
		for (int f = 0; f < NFAMILIES; f++)
			for (int m = 0; m < NMODELS; m++) {
				int first = -1;
				uint32_t want = 0, got = 0;
				const struct kst_row *row = NULL;

				for (int st_ = 0; st_ <= NSTEPS; st_++) {
					uint32_t w = 0, g = 0;
					const struct kst_row *r = NULL;

					if (st_ < NSTEPS) {
						t->probes++;
						w = kst_match(st, v, f, m, st_, &r);
						g = to_source(st, impl_match(im, p, tb, v, f, m, st_),
							      names, nnames, &extra);
					}
					if (first >= 0 && (st_ == NSTEPS || w != want || g != got ||
							   r != row)) {
						char a[256], b[256];

						flag_list(st, want, a, sizeof(a));
						flag_list(st, got, b, sizeof(b));
						diag(t, "%s %02x_%02xh steppings %x-%x: source %s (%s:%u), %s %s",
						     kmc_name(&kmc_vendor_names, (unsigned int)v), f, m,
						     first, st_ - 1, a, row ? s->path : "no row",
						     row ? row->line : 0, impl_name[im], b);
						first = -1;
					}
					if (st_ < NSTEPS && w != g && first < 0) {
						first = st_;
						want = w;
						got = g;
						row = r;
					}
				}
			}
	for (unsigned int b = 0; b < nnames; b++)
		if (extra >> b & 1)
			fprintf(t->out, "    # %s flag %s is not a %s flag of this source: not compared\n",
				impl_name[im], names[b], tb == KMC_VULN_WHITELIST ? "whitelist" : "blacklist");
}

static void upper(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

static void lower(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* KVM_SUPPORTED_ARCH_CAP, as bits by the source's own ARCH_CAP_* numbers */
static void check_kvm_ac(struct test *t, enum impl im, const struct kst_source *s,
			 const struct kmc_profile *p)
{
	uint64_t want = 0, got = im == MODEL ? model_kvm_supported_arch_cap(p)
					     : ref_kvm_supported_arch_cap(p->kver);

	for (unsigned int i = 0; i < s->nkvm_ac; i++) {
		int k = kst_find(s->ac, s->nac, s->kvm_ac[i]);

		if (k < 0) {
			diag(t, "KVM_SUPPORTED_ARCH_CAP names ARCH_CAP_%s, which msr-index.h does not define",
			     s->kvm_ac[i]);
			continue;
		}
		want |= 1ULL << s->ac[k].num;
	}
	t->compared = s->nkvm_ac;
	for (unsigned int b = 0; b < 64; b++)
		if ((want ^ got) >> b & 1) {
			const char *n = kmc_name(&kmc_ac_names, b);

			diag(t, "bit %u (%s): %s %s it, the source %s", b, n ? n : "unnamed",
			     impl_name[im], got >> b & 1 ? "passes" : "does not pass",
			     want >> b & 1 ? "does" : "does not");
		}
}

/* msr-index.h's ARCH_CAP_* bit numbers against kmc's names of 0x10a bits */
static void check_ac_numbers(struct test *t, const struct kst_source *s)
{
	for (unsigned int i = 0; i < s->nac; i++) {
		char l[KST_NAME];
		int k;

		lower(s->ac[i].name, l, sizeof(l));
		k = kmc_name_index(&kmc_ac_names, l);
		t->compared++;
		if (k < 0) {
			const char *other = kmc_name(&kmc_ac_names, s->ac[i].num);

			if (other)
				diag(t, "ARCH_CAP_%s is bit %u, which kmc calls %s", s->ac[i].name,
				     s->ac[i].num, other);
			else
				fprintf(t->out, "    # ARCH_CAP_%s (bit %u) is not a kmc name: not compared\n",
					s->ac[i].name, s->ac[i].num);
		} else if ((unsigned int)k != s->ac[i].num) {
			diag(t, "ARCH_CAP_%s is bit %u, kmc has %s at bit %d", s->ac[i].name,
			     s->ac[i].num, l, k);
		}
	}
}

/* kmc's bug names are /proc/cpuinfo's: X86_BUG_<NAME> shows as <name> */
static void check_bug_names(struct test *t, const struct kst_source *s)
{
	for (unsigned int b = 0; b < KMC_BUG_NR; b++) {
		const char *name = kmc_name(&kmc_bug_names, b);
		char u[KST_NAME];
		int k;

		upper(name, u, sizeof(u));
		k = kst_find(s->bug, s->nbug, u);
		if (k < 0)
			continue;	/* not in this line: check_bugs says whether that is right */
		t->compared++;
		if (strcmp(s->bug[k].shown, name))
			diag(t, "X86_BUG_%s shows as \"%s\" in /proc/cpuinfo, kmc calls it %s", u,
			     s->bug[k].shown, name);
	}
}

static int is_unset(const struct kst_source *s, const char *u)
{
	for (unsigned int i = 0; i < s->nbug_unset; i++)
		if (!strcmp(s->bug_unset[i], u))
			return 1;
	return 0;
}

/*
 * The bugs the profile can set are exactly the kmc bugs the source defines
 * and common.c names (5.10 defines BHI and never sets it)
 */
static void check_bugs(struct test *t, enum impl im, const struct kst_source *s,
		       const struct kmc_profile *p)
{
	uint64_t known = im == MODEL ? model_profile_bugs(p) : ref_known_bugs(p->kver);

	for (unsigned int b = 0; b < KMC_BUG_NR; b++) {
		const char *name = kmc_name(&kmc_bug_names, b);
		char u[KST_NAME];
		int defined, unset, in_src, in_impl = (int)(known >> b & 1);

		upper(name, u, sizeof(u));
		defined = kst_find(s->bug, s->nbug, u) >= 0;
		unset = defined && is_unset(s, u);
		in_src = defined && !unset;
		t->compared++;
		if (in_src != in_impl)
			diag(t, "X86_BUG_%s: the source %s it, %s %s", u,
			     unset ? "defines but never sets" : defined ? "defines" : "does not define",
			     impl_name[im], in_impl ? "sets it" : "never sets it");
	}
}

static int has_file(const struct kst_source *s, const char *f)
{
	for (unsigned int i = 0; i < s->nfiles; i++)
		if (!strcmp(s->file[i], f))
			return 1;
	return 0;
}

/* A vulnerabilities file for each bug the profile knows that has one, and only those */
static void check_files(struct test *t, enum impl im, const struct kst_source *s,
			const struct kmc_profile *p)
{
	uint64_t known = im == MODEL ? model_profile_bugs(p) : ref_known_bugs(p->kver);

	for (unsigned int i = 0; i < sizeof(files_read) / sizeof(files_read[0]); i++) {
		t->compared++;
		if (!has_file(s, files_read[i]))
			diag(t, "vulnerabilities/%s, which kmc reads, does not exist", files_read[i]);
	}
	for (unsigned int b = 0; b < KMC_BUG_NR; b++) {
		int have, want;

		if (!bug_file[b])
			continue;
		t->compared++;
		have = has_file(s, bug_file[b]);
		want = (int)(known >> b & 1);
		if (have != want)
			diag(t, "vulnerabilities/%s %s, but %s %s bug %s", bug_file[b],
			     have ? "exists" : "does not exist", impl_name[im],
			     want ? "knows" : "does not know", kmc_name(&kmc_bug_names, b));
	}
}

int source_check_line(FILE *out, unsigned int n, const struct kst_source *s,
		      const struct kmc_profile *p, struct source_check_totals *tot)
{
	struct test t = { .out = out };
	unsigned int failed = tot->failed;

	fprintf(out, "    KTAP version 1\n    # Subtest: %s\n", s->line);
	fprintf(out, "    # source: %s %s (%s); profile %s = %u.%u.%u\n", s->package, s->version,
		s->path, p->name, p->kver.major, p->kver.minor, p->kver.sub);
	fprintf(out, "    1..12\n");
	for (int im = MODEL; im <= REF; im++) {
		char name[64];

		check_table(&t, (enum impl)im, s, p, KMC_VULN_WHITELIST);
		snprintf(name, sizeof(name), "cpu_vuln_whitelist-%s", impl_name[im]);
		result(&t, name, tot);
		check_table(&t, (enum impl)im, s, p, KMC_VULN_BLACKLIST);
		snprintf(name, sizeof(name), "cpu_vuln_blacklist-%s", impl_name[im]);
		result(&t, name, tot);
		check_kvm_ac(&t, (enum impl)im, s, p);
		snprintf(name, sizeof(name), "KVM_SUPPORTED_ARCH_CAP-%s", impl_name[im]);
		result(&t, name, tot);
		check_bugs(&t, (enum impl)im, s, p);
		snprintf(name, sizeof(name), "X86_BUG-set-%s", impl_name[im]);
		result(&t, name, tot);
		check_files(&t, (enum impl)im, s, p);
		snprintf(name, sizeof(name), "vulnerabilities-files-%s", impl_name[im]);
		result(&t, name, tot);
	}
	check_ac_numbers(&t, s);
	result(&t, "ARCH_CAP-numbers", tot);
	check_bug_names(&t, s);
	result(&t, "X86_BUG-cpuinfo-names", tot);
	fprintf(out, "%s %u %s\n", tot->failed == failed ? "ok" : "not ok", n, s->line);
	return tot->failed != failed;
}
