// SPDX-License-Identifier: GPL-2.0
/*
 * The guard against vacuous vectors (docs/vectors.md "The guard"): a vector
 * must reach what its name says it tests.  It reads the committed vector
 * files -- the results written in them, nothing is evaluated -- and checks:
 *
 * 1. The general rule.  A family is the vectors whose ids differ only in
 *    the profile part (".p6.1") and whose ops are the same.  In a family
 *    that spans two or more profiles, a set_cpuid or set_msr that every
 *    profile refuses (errno, n=0) may be followed only by more writes that
 *    every profile refuses, and the family may not expect the state after
 *    its last op (disable_fb_clear, cpu_caps, findings): otherwise what it
 *    observes is a state the refused write never made, on every kernel.
 *    (The fb.*.recompute vectors before issue 18 were such a family.)
 * 2. Named claims (claims[] below).  A vector whose id matches a claim's
 *    glob must reach the op its name is about -- on every profile, or on
 *    at least one profile of its family -- and a claim whose group has
 *    vectors but none of its name is reported (renamed vectors would
 *    otherwise escape it).
 *
 * By default the files are vectors/ (every .kmv; make check runs the tests from
 * the top of the tree); KMC_REACH_VECTORS="FILE|DIR ..." names others, e.g.
 * an old fb.kmv.  Each problem is printed as "FILE:LINE: ID: reason".
 */
#include <check.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kmv.h"
#include "names.h"
#include "kmc/array_size.h"
#include "check_main.h"

#define OPMAX 128

/* ---- op results as the file states them -------------------------------- */

static bool is_write(const struct kmc_op *op)
{
	return op->kind == KMC_OP_SET_CPUID || op->kind == KMC_OP_SET_MSR;
}

/* a set_cpuid or set_msr the file says was refused */
static bool refused(const struct kmv_record *r, unsigned int i)
{
	const struct kmc_result *res = &r->exp.res[i];

	if (!(r->res_have & (1u << i)) || !is_write(&r->sc.ops[i]))
		return false;
	return res->kind == KMC_RES_ERRNO || (res->kind == KMC_RES_NMSRS && res->n == 0);
}

static bool accepted(const struct kmv_record *r, unsigned int i)
{
	return (r->res_have & (1u << i)) && is_write(&r->sc.ops[i]) && !refused(r, i);
}

/* an op that enters the guest: afterwards the vCPU has run */
static bool is_guest(uint8_t kind)
{
	return kind == KMC_OP_RUN || kind == KMC_OP_RDMSR || kind == KMC_OP_WRMSR ||
	       kind == KMC_OP_SET_CR4 || kind == KMC_OP_GUEST_CPUID || kind == KMC_OP_VERW;
}

static bool is_ac_write(const struct kmv_record *r, unsigned int i)
{
	return r->sc.ops[i].kind == KMC_OP_SET_MSR &&
	       r->sc.ops[i].index == KMC_MSR_ARCH_CAPABILITIES;
}

/* keys whose value is the state after the last op */
#define AFTER_LAST ((1u << KMV_K_DISABLE_FB_CLEAR) | (1u << KMV_K_CPU_CAPS) | \
		    (1u << KMV_K_FINDINGS))

/*
 * The vCPU's disable_fb_clear is looked at after op @from: a later VERW, or
 * `expect disable_fb_clear` -- and nothing recomputes it first (an accepted
 * 0x10a write or a reset).  NULL, or why not.
 */
static const char *fb_observed_after(const struct kmv_record *r, unsigned int from)
{
	for (unsigned int j = from + 1; j < r->sc.nops; j++) {
		if ((is_ac_write(r, j) && accepted(r, j)) || r->sc.ops[j].kind == KMC_OP_RESET)
			return "an accepted 0x10a write or a reset recomputes disable_fb_clear "
			       "before anything looks";
		if (r->sc.ops[j].kind == KMC_OP_VERW)
			return NULL;
	}
	if (r->exp_have & (1u << KMV_K_DISABLE_FB_CLEAR))
		return NULL;
	return "nothing looks at disable_fb_clear after it (no verw, no expect)";
}

/* ---- the named claims ----------------------------------------------------- */

/*
 * fb.*.recompute.cpuid-*: an accepted KVM_SET_CPUID2 after an accepted host
 * write of 0x10a, before any guest op, that changes what the guest is told
 * about VERW (MD_CLEAR or ARCH_CAPABILITIES); then disable_fb_clear is
 * observed with nothing recomputing it in between.
 */
static const char *cpuid_after_write(const struct kmv_record *r)
{
	const uint64_t told = KMC_F(MD_CLEAR) | KMC_F(FLUSH_L1D) | KMC_F(ARCH_CAPABILITIES);
	uint64_t table = 0;
	bool wrote = false;

	for (unsigned int i = 0; i < r->sc.nops; i++) {
		const struct kmc_op *op = &r->sc.ops[i];

		if (is_guest(op->kind))
			return wrote ? "the vCPU runs before a KVM_SET_CPUID2 that changes "
				       "MD_CLEAR or ARCH_CAPABILITIES is accepted"
				     : "the vCPU runs before an accepted host write of 0x10a";
		if (is_ac_write(r, i) && accepted(r, i))
			wrote = true;
		if (op->kind != KMC_OP_SET_CPUID || !accepted(r, i))
			continue;
		if (wrote && ((table ^ op->value) & told))
			return fb_observed_after(r, i);
		table = op->value;
	}
	return wrote ? "no accepted KVM_SET_CPUID2 after the 0x10a write changes MD_CLEAR "
		       "or ARCH_CAPABILITIES"
		     : "no accepted host write of 0x10a";
}

/* fb.*.recompute.write: a second accepted host write of 0x10a, then observed */
static const char *second_write(const struct kmv_record *r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->sc.nops; i++)
		if (is_ac_write(r, i) && accepted(r, i) && ++n == 2)
			return fb_observed_after(r, i);
	return "fewer than two accepted host writes of 0x10a";
}

/* an accepted host write of 0x10a after the vCPU has run */
static const char *write_after_run(const struct kmv_record *r)
{
	bool ran = false;

	for (unsigned int i = 0; i < r->sc.nops; i++) {
		if (is_guest(r->sc.ops[i].kind))
			ran = true;
		else if (ran && is_ac_write(r, i) && accepted(r, i))
			return fb_observed_after(r, i);
	}
	return "no accepted host write of 0x10a after the vCPU has run";
}

/* an accepted host write of 0x10a before the vCPU runs, and a run after it */
static const char *written_then_run(const struct kmv_record *r)
{
	bool wrote = false;

	for (unsigned int i = 0; i < r->sc.nops; i++) {
		if (is_ac_write(r, i) && accepted(r, i))
			wrote = true;
		if (is_guest(r->sc.ops[i].kind))
			return wrote ? NULL : "the vCPU runs before an accepted host write of 0x10a";
	}
	return wrote ? "the vCPU never runs" : "no accepted host write of 0x10a";
}

/* two accepted host writes of 0x10a before the vCPU runs */
static const char *two_writes_before_run(const struct kmv_record *r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->sc.nops && !is_guest(r->sc.ops[i].kind); i++)
		if (is_ac_write(r, i) && accepted(r, i))
			n++;
	return n >= 2 ? NULL : "fewer than two accepted host writes of 0x10a before the run";
}

/* a KVM_SET_CPUID2 after the vCPU has run, the table set before by an accepted one */
static const char *cpuid_after_run(const struct kmv_record *r)
{
	bool set = false, ran = false;

	for (unsigned int i = 0; i < r->sc.nops; i++) {
		const struct kmc_op *op = &r->sc.ops[i];

		if (is_guest(op->kind))
			ran = set;
		else if (op->kind == KMC_OP_SET_CPUID && ran)
			return NULL;
		else if (op->kind == KMC_OP_SET_CPUID && accepted(r, i))
			set = true;
	}
	return "no KVM_SET_CPUID2 after a run of a vCPU whose table was set";
}

static const struct claim {
	const char *glob;	/* vector ids (fnmatch) */
	const char *what;	/* what the name says is tested */
	bool every;		/* on every profile; else on one at least */
	const char *(*reached)(const struct kmv_record *r);	/* NULL: reached */
} claims[] = {
	{ "fb.*.recompute.cpuid-*", "KVM_SET_CPUID2 after the 0x10a write does not recompute "
	  "disable_fb_clear", true, cpuid_after_write },
	{ "fb.*.recompute.write", "a host write of 0x10a recomputes disable_fb_clear", true,
	  second_write },
	{ "fb.*.recompute.write-after-run", "a host write of 0x10a after KVM_RUN recomputes "
	  "disable_fb_clear where it is taken", false, write_after_run },
	{ "vcpu.immutable.*", "0x10a written before KVM_RUN is immutable after it", true,
	  written_then_run },
	{ "immunity.*", "the guest reads a 0x10a the VMM wrote (or answers) before it runs", true,
	  written_then_run },
	{ "vcpu.mutable-before-run.*", "0x10a can be rewritten before KVM_RUN", true,
	  two_writes_before_run },
	{ "vcpu.cpuid-after-run.*", "KVM_SET_CPUID2 after KVM_RUN", true, cpuid_after_run },
	{ "vcpu.cpuid-after-guest.*", "KVM_SET_CPUID2 after a guest op", true, cpuid_after_run },
};

/* ---- the guard -------------------------------------------------------- */

struct member {
	const struct kmv_record *r;
	char *family;		/* id without the profile part, then the ops */
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->family, y->family);

	return c ? c : strcmp(x->r->id, y->r->id);
}

/* "fb.x.p6.1.recompute" -> "fb.x.*.recompute", then "\n" and the op lines */
static char *family_of(const struct kmv_record *r)
{
	char pat[64], op[OPMAX], *out = NULL;
	const char *at = NULL;
	size_t plen, len = 0;
	FILE *m = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(m);
	plen = (size_t)snprintf(pat, sizeof(pat), ".p%s", r->profile->name);
	for (const char *s = strstr(r->id, pat); s; s = strstr(s + 1, pat))
		if (s[plen] == '.' || s[plen] == '\0')
			at = s;
	if (at)
		fprintf(m, "%.*s.*%s", (int)(at - r->id), r->id, at + plen);
	else
		fputs(r->id, m);
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		kmv_format_op(r, i, op, sizeof(op));
		fprintf(m, "\n%s", op);
	}
	fclose(m);
	return out;
}

struct guard {
	struct kmv_file *files;
	unsigned int nfiles;
	struct member *m;
	size_t nm;
	FILE *out;		/* the problems, one a line */
	unsigned int problems;
	char first[1024];	/* the first problem */
};

/* "FILE:LINE: ID: reason"; without @r, "FILE: reason" */
static void problem(struct guard *g, const struct kmv_record *r, const char *file,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct guard *g, const struct kmv_record *r, const char *file,
		    const char *fmt, ...)
{
	char where[256], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r)
		snprintf(where, sizeof(where), "%s:%u: %s", r->file, r->line, r->id);
	else
		snprintf(where, sizeof(where), "%s", file);
	fprintf(g->out, "%s: %s\n", where, msg);
	if (!g->problems++)
		snprintf(g->first, sizeof(g->first), "%s: %s", where, msg);
}

static void read_path(struct guard *g, const char *path, struct kmv_idset *ids)
{
	struct stat st;
	char msg[512];

	ck_assert_msg(stat(path, &st) == 0, "%s: cannot stat", path);
	if (S_ISDIR(st.st_mode)) {
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort);

		ck_assert_msg(n >= 0, "%s: cannot read the directory", path);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(ents[i]->d_name);

			if (l > 4 && !strcmp(ents[i]->d_name + l - 4, ".kmv")) {
				char sub[4096];

				snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
				read_path(g, sub, ids);
			}
			free(ents[i]);
		}
		free(ents);
		return;
	}
	g->files = realloc(g->files, (g->nfiles + 1) * sizeof(*g->files));
	ck_assert_ptr_nonnull(g->files);
	memset(&g->files[g->nfiles], 0, sizeof(*g->files));
	ck_assert_msg(kmv_read_file(path, 0, ids, &g->files[g->nfiles], msg, sizeof(msg)) == 0,
		      "%s", msg);
	g->nfiles++;
}

/* rule 1: refused on every profile of the family, yet looked at afterwards */
static void general_rule(struct guard *g, size_t a, size_t b)
{
	const struct kmv_record *r = g->m[a].r;
	char op[OPMAX], later[OPMAX], profs[128];
	size_t w = 0;

	if (b - a < 2)
		return;
	profs[0] = '\0';
	for (unsigned int p = 0; p < kmc_nprofiles && w < sizeof(profs); p++)
		for (size_t k = a; k < b; k++)
			if (g->m[k].r->profile == kmc_profile_at(p)) {
				w += (size_t)snprintf(profs + w, sizeof(profs) - w, "%s%s",
						      w ? " " : "", kmc_profile_at(p)->name);
				break;
			}
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		bool all = true, after_last = false;
		int look = -1;

		for (size_t k = a; k < b && all; k++)
			all = refused(g->m[k].r, i);
		if (!all)
			continue;
		for (unsigned int j = i + 1; j < r->sc.nops && look < 0; j++)
			for (size_t k = a; k < b && look < 0; k++)
				if (!refused(g->m[k].r, j))
					look = (int)j;
		for (size_t k = a; k < b; k++)
			after_last |= (g->m[k].r->exp_have & AFTER_LAST) != 0;
		if (look < 0 && !after_last)
			continue;
		kmv_format_op(r, i, op, sizeof(op));
		if (look >= 0)
			kmv_format_op(r, (unsigned int)look, later, sizeof(later));
		for (size_t k = a; k < b; k++)
			problem(g, g->m[k].r, NULL, "`%s` is refused on every profile of its family (%s), "
				"yet %s%s%s looks at the state after it", op, profs,
				look >= 0 ? "`" : "", look >= 0 ? later : "the expectation of the "
				"state after the last op", look >= 0 ? "`" : "");
		return;
	}
}

/* rule 2: the named claims */
static void claim_rule(struct guard *g, size_t a, size_t b)
{
	for (size_t c = 0; c < ARRAY_SIZE(claims); c++) {
		const char *why = NULL;
		size_t reached = 0;

		if (fnmatch(claims[c].glob, g->m[a].r->id, 0))
			continue;
		for (size_t k = a; k < b; k++) {
			const char *y = claims[c].reached(g->m[k].r);

			if (!y)
				reached++;
			else if (claims[c].every)
				problem(g, g->m[k].r, NULL, "does not reach what its name claims (%s): %s",
					claims[c].what, y);
			else if (!why)
				why = y;
		}
		if (!claims[c].every && !reached)
			problem(g, g->m[a].r, NULL, "no profile of its family reaches what its name "
				"claims (%s): %s", claims[c].what, why);
	}
}

/* a claim whose group has vectors but none of its name: renamed? */
static void claims_used(struct guard *g)
{
	for (size_t c = 0; c < ARRAY_SIZE(claims); c++) {
		size_t glen = strcspn(claims[c].glob, ".");
		const struct kmv_record *in_group = NULL;
		bool used = false;

		for (size_t k = 0; k < g->nm && !used; k++) {
			const struct kmv_record *r = g->m[k].r;

			if (strlen(r->group) == glen && !strncmp(r->group, claims[c].glob, glen)) {
				in_group = in_group ? in_group : r;
				used = !fnmatch(claims[c].glob, r->id, 0);
			}
		}
		if (in_group && !used)
			problem(g, NULL, in_group->file, "group %s has no vector named %s (%s): "
				"renamed?", in_group->group, claims[c].glob, claims[c].what);
	}
}

/* Run the guard over @paths (files or directories); the problems go to @out */
static unsigned int guard_run(const char *const *paths, unsigned int npaths, FILE *out,
			      char *first, size_t firstlen)
{
	struct guard g = { .out = out };
	struct kmv_idset *ids = kmv_idset_new();

	ck_assert_ptr_nonnull(ids);
	for (unsigned int i = 0; i < npaths; i++)
		read_path(&g, paths[i], ids);
	for (unsigned int f = 0; f < g.nfiles; f++)
		for (unsigned int i = 0; i < g.files[f].nrecs; i++) {
			const struct kmv_record *r = &g.files[f].recs[i];

			if (r->reject || r->live || r->profile == &kmv_live_profile)
				continue;
			g.m = realloc(g.m, (g.nm + 1) * sizeof(*g.m));
			ck_assert_ptr_nonnull(g.m);
			g.m[g.nm].r = r;
			g.m[g.nm].family = family_of(r);
			g.nm++;
		}
	if (g.nm)
		qsort(g.m, g.nm, sizeof(*g.m), cmp_member);
	for (size_t a = 0, b; a < g.nm; a = b) {
		for (b = a + 1; b < g.nm && !strcmp(g.m[a].family, g.m[b].family); b++)
			;
		general_rule(&g, a, b);
		claim_rule(&g, a, b);
	}
	claims_used(&g);

	snprintf(first, firstlen, "%s", g.first);
	for (size_t k = 0; k < g.nm; k++)
		free(g.m[k].family);
	free(g.m);
	for (unsigned int f = 0; f < g.nfiles; f++)
		kmv_file_free(&g.files[f]);
	free(g.files);
	kmv_idset_free(ids);
	return g.problems;
}

/* ---- the committed vectors -------------------------------------------- */

START_TEST(vectors_reach_what_they_claim)
{
	const char *env = getenv("KMC_REACH_VECTORS");
	char *list = strdup(env && *env ? env : "vectors"), *save = NULL, first[1024];
	const char *paths[64];
	unsigned int n = 0, bad;

	ck_assert_ptr_nonnull(list);
	for (char *t = strtok_r(list, " ", &save); t && n < ARRAY_SIZE(paths);
	     t = strtok_r(NULL, " ", &save))
		paths[n++] = t;
	bad = guard_run(paths, n, stdout, first, sizeof(first));
	fflush(stdout);
	ck_assert_msg(bad == 0, "%u vacuous: %s (the others in this test's log)", bad, first);
	free(list);
}
END_TEST

/* ---- the guard itself, on small files ---------------------------------- */

static char tmp[64];

/*
 * @text with @A@ and @B@ for the first and last profile, @CPU@ for a
 * catalog CPU, written to a temporary file; the guard's problems there
 */
static unsigned int guard_text(const char *text, char *out, size_t outlen)
{
	const char *sub[][2] = {
		{ "@A@", kmc_profile_at(0)->name },
		{ "@B@", kmc_profile_at(kmc_nprofiles - 1)->name },
		{ "@CPU@", kmc_cpus[0].name },
	};
	const char *paths[1] = { tmp };
	char first[1024], *report = NULL;
	size_t rlen = 0;
	FILE *f, *mem;
	unsigned int n;
	int fd;

	snprintf(tmp, sizeof(tmp), "/tmp/kmc-reach-XXXXXX");
	fd = mkstemp(tmp);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	while (*text) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(sub); i++)
			if (!strncmp(text, sub[i][0], strlen(sub[i][0])))
				break;
		if (i < ARRAY_SIZE(sub)) {
			fputs(sub[i][1], f);
			text += strlen(sub[i][0]);
		} else {
			fputc(*text++, f);
		}
	}
	fclose(f);
	mem = open_memstream(&report, &rlen);
	ck_assert_ptr_nonnull(mem);
	n = guard_run(paths, 1, mem, first, sizeof(first));
	fclose(mem);
	snprintf(out, outlen, "%s", report);
	free(report);
	unlink(tmp);
	return n;
}

#define FB_KEYS "  expect fb_clear_ctrl=1\n  expect disable_fb_clear=1\n  expect findings=-\n"

/* the recompute vectors before issue 18 (results as the model gave them) */
#define OLD_RECOMPUTE(P, W, W2)							\
	"vector fb.x.p" P ".recompute profile=" P "\n  host cpu=@CPU@\n" FB_KEYS	\
	"  op set_msr 0x10a 0x20000 -> n=" W "\n  op verw -> clears\n"		\
	"  op set_cpuid arch_capabilities -> errno=EINVAL\n  op verw -> clears\n"	\
	"  op set_msr 0x10a 0x0 -> n=" W2 "\n  op verw -> clears\n\n"

START_TEST(old_recompute_family_is_vacuous)
{
	char out[8192];
	unsigned int n = guard_text("kmv 1\n" OLD_RECOMPUTE("@A@", "1", "1")
				    OLD_RECOMPUTE("@B@", "0", "0"), out, sizeof(out));

	/*
	 * both members, for `op set_cpuid` refused everywhere and a verw after
	 * it; and the three fb claims, whose names no vector has
	 */
	ck_assert_msg(n == 5, "%u: %s", n, out);
	ck_assert_msg(strstr(out, "`op set_cpuid arch_capabilities` is refused on every "
			     "profile of its family") && strstr(out, "`op verw`"), "%s", out);
}
END_TEST

#define NEW_MDCLEAR(P, ID, SECOND)						\
	"vector fb.x.p" P ".recompute." ID " profile=" P "\n  host cpu=@CPU@\n"	\
	FB_KEYS "  op set_cpuid arch_capabilities -> ok\n"			\
	"  op set_msr 0x10a 0x0 -> n=1\n  op set_cpuid " SECOND " -> ok\n"	\
	"  op verw -> keeps\n\n"

START_TEST(recompute_vectors_that_reach_pass)
{
	char out[8192];
	unsigned int n = guard_text("kmv 1\n"
				    NEW_MDCLEAR("@A@", "cpuid-mdclear", "arch_capabilities,md_clear")
				    NEW_MDCLEAR("@B@", "cpuid-mdclear", "arch_capabilities,md_clear")
				    NEW_MDCLEAR("@A@", "cpuid-hideac", "-")
				    NEW_MDCLEAR("@B@", "cpuid-hideac", "-"), out, sizeof(out));

	/* (the write claims' names are missing: reported once each, nothing else) */
	ck_assert_msg(n == 2 && strstr(out, "named fb.*.recompute.write (") &&
		      strstr(out, "named fb.*.recompute.write-after-run ("), "%u: %s", n, out);
}
END_TEST

START_TEST(claim_fails_when_the_named_op_is_not_reached)
{
	char out[8192];
	/* the old order under the new name: refused, and after a run anyway */
	unsigned int n = guard_text("kmv 1\n"
		"vector fb.x.p@A@.recompute.cpuid-mdclear profile=@A@\n  host cpu=@CPU@\n"
		FB_KEYS "  op set_msr 0x10a 0x0 -> n=1\n  op verw -> keeps\n"
		"  op set_cpuid arch_capabilities,md_clear -> errno=EINVAL\n  op verw -> keeps\n\n"
		/* accepted, but changes nothing the guest is told about VERW */
		"vector fb.x.p@A@.recompute.cpuid-hideac profile=@A@\n  host cpu=@CPU@\n"
		FB_KEYS "  op set_cpuid arch_capabilities -> ok\n  op set_msr 0x10a 0x0 -> n=1\n"
		"  op set_cpuid arch_capabilities,avx -> ok\n\n"
		/* reached, but a reset recomputes before the VERW looks */
		"vector fb.x.p@A@.recompute.cpuid-x profile=@A@\n  host cpu=@CPU@\n"
		FB_KEYS "  op set_cpuid arch_capabilities -> ok\n  op set_msr 0x10a 0x0 -> n=1\n"
		"  op set_cpuid - -> ok\n  op reset -> ok\n  op verw -> keeps\n\n"
		/* one profile of the family is enough here: none is */
		"vector fb.x.p@A@.recompute.write-after-run profile=@A@\n  host cpu=@CPU@\n"
		FB_KEYS "  op set_cpuid arch_capabilities -> ok\n  op verw -> clears\n"
		"  op set_msr 0x10a 0x0 -> n=0\n  op verw -> clears\n\n"
		"vector fb.x.p@B@.recompute.write-after-run profile=@B@\n  host cpu=@CPU@\n"
		FB_KEYS "  op set_cpuid arch_capabilities -> ok\n  op verw -> clears\n"
		"  op set_msr 0x10a 0x0 -> n=0\n  op verw -> clears\n\n", out, sizeof(out));

	ck_assert_msg(strstr(out, "the vCPU runs before a KVM_SET_CPUID2"), "%s", out);
	ck_assert_msg(strstr(out, "no accepted KVM_SET_CPUID2 after the 0x10a write changes"),
		      "%s", out);
	ck_assert_msg(strstr(out, "a reset recomputes"), "%s", out);
	ck_assert_msg(strstr(out, "no profile of its family reaches"), "%s", out);
	/* + the general rule on both write-after-run vectors, + the missing fb.*.recompute.write */
	ck_assert_msg(n == 7, "%u: %s", n, out);
}
END_TEST

START_TEST(refusal_as_the_last_word_passes)
{
	char out[8192];
	/* vcpu.cpuid-after-run: the refusals are what it tests, nothing after them */
#define AFTER_RUN(P)								\
	"vector vcpu.cpuid-after-run.c.p" P ".plain profile=" P "\n"		\
	"  host cpu=@CPU@\n  expect vcpu.arch_cap=0x0\n"			\
	"  op set_cpuid arch_capabilities -> ok\n  op run -> ok\n"		\
	"  op set_cpuid arch_capabilities -> ok\n"				\
	"  op set_cpuid arch_capabilities,md_clear -> errno=EINVAL\n"		\
	"  op set_cpuid - -> errno=EINVAL\n\n"
	unsigned int n = guard_text("kmv 1\n" AFTER_RUN("@A@") AFTER_RUN("@B@"),
				    out, sizeof(out));

	/* only the other vcpu claims' missing names */
	ck_assert_msg(n == 3 && !strstr(out, "refused on every profile"), "%u: %s", n, out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("reach");
	TCase *tc = tcase_create("reach");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, vectors_reach_what_they_claim);
	tcase_add_test(tc, old_recompute_family_is_vacuous);
	tcase_add_test(tc, recompute_vectors_that_reach_pass);
	tcase_add_test(tc, claim_fails_when_the_named_op_is_not_reached);
	tcase_add_test(tc, refusal_as_the_last_word_passes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kmc_check_run(suite());
}
