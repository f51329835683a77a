// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run: run vector files through a backend and report KTAP v1.
 * `kmc-run --help` says how; docs/kmc-run.md says more.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "compare.h"
#include "ktap.h"
#include "kmv.h"
#include "names.h"
#include "ref.h"
#include "sweep.h"
#include "version.h"

#define EXIT_USAGE	2
#define MSGLEN		1024
#define MAXVARIANTS	32

static const char usage_text[] =
"Usage: kmc-run [OPTIONS] FILE|DIR...\n"
"       kmc-run --sweep [SWEEP OPTIONS]\n"
"\n"
"Run the vectors of each FILE, and of every *.kmv in each DIR (in name\n"
"order), through a backend; report KTAP v1 on stdout.  Each file is a\n"
"top-level test named after the file, each vector a subtest named by its id.\n"
"\n"
"Options:\n"
"  -b, --backend NAME   model or ref (default: ref); kvm is not built yet\n"
"      --id GLOB        only vectors whose id matches GLOB (fnmatch(3))\n"
"      --group NAME     only vectors of group NAME (the id up to its first '.')\n"
"      --profile NAME   only vectors for kernel profile NAME (see kmc profiles)\n"
"      --variant NAME   ref only: apply a proposed kernel change to ref\n"
"                       (see --list-variants); expectations stay the stock\n"
"                       model's, so every difference is reported as a failure\n"
"                       and summarised as \"# Changed by variant NAME\"\n"
"      --list-variants  list ref's variants and exit\n"
"  -q, --quiet          print only failures (with their diagnostics) and totals\n"
"      --sweep          run the sweep instead; the other arguments go to it\n"
"  -h, --help           print this help and exit\n"
"      --version        print the version and exit\n"
"\n"
"--id, --group, --profile and --variant may be repeated.  Filters of one\n"
"kind are ORed, filters of different kinds ANDed.  A file that cannot be\n"
"read, or has an error, reports it as a failing subtest; its vectors\n"
"before the error still run.\n"
"\n"
"Verdicts: a vector passes when every expectation and every op result it\n"
"lists match.  A vector with `reject \"TEXT\"` passes when reading it fails\n"
"with a message containing TEXT.  Vectors with `host live` are skipped by\n"
"model and ref.  A vector whose `findings` hold prints `# FINDING`, counted\n"
"in `# Findings: N` (a finding is not a failure).\n"
"\n"
"Exit status (kselftest): 0 all passed (skips allowed when something\n"
"passed), 1 a failure or an error, 2 usage error, 4 everything skipped.\n"
"Progress goes to stderr: a counter on a terminal, else a line every 10%\n"
"once a run takes longer than 5 s.\n";

struct strv {
	char **v;
	unsigned int n;
};

static void strv_push(struct strv *s, char *str)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v || !str) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	s->v = v;
	s->v[s->n++] = str;
}

struct opts {
	const struct kmc_backend *be;
	struct strv ids, groups, profiles, inputs;
	uint32_t variants;
	unsigned int nvar;
	const struct ref_variant_info *var[MAXVARIANTS];
	int quiet;
};

/* One input file (or a directory that could not be used) */
struct input {
	char *path;
	char *name;		/* the top-level test's name */
	int failed;		/* f.err/f.errmsg say why; nothing to read */
	struct kmv_file f;
};

/* Append to a NUL-terminated buffer, truncating */
__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* ---- progress on stderr ------------------------------------------------- */

struct progress {
	int tty;
	double start, last;
	unsigned int done, total, failed;
	unsigned int decile;
	int dirty;		/* a counter line is on the terminal */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ktap hook: erase the counter before a KTAP line lands on the terminal */
static void progress_erase(void *arg)
{
	struct progress *p = arg;

	if (!p->dirty)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->dirty = 0;
}

static void progress_step(struct progress *p, int failed)
{
	double t = now();

	p->done++;
	p->failed += failed;
	if (p->tty) {
		if (t - p->last < 0.5 && p->done < p->total)
			return;
		p->last = t;
		fprintf(stderr, "\rkmc-run: %u/%u vectors, %u failed\033[K",
			p->done, p->total, p->failed);
		fflush(stderr);
		p->dirty = 1;
		return;
	}
	if (!p->total || t - p->start < 5.0)
		return;
	while (p->decile < 10 && p->done * 10 >= (p->decile + 1) * p->total) {
		p->decile++;
		if (p->decile < 10 || p->done == p->total)
			fprintf(stderr, "kmc-run: %u%% (%u/%u vectors, %u failed, %.1f s)\n",
				p->decile * 10, p->done, p->total, p->failed, t - p->start);
	}
}

/* ---- arguments ---------------------------------------------------------- */

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("kmc-run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (kmc-run --help)\n", stderr);
	return EXIT_USAGE;
}

static void list_variants(void)
{
	printf("%-18s %-10s %s\n", "VARIANT", "THREAD", "WHAT IT CHANGES");
	for (const struct ref_variant_info *v = ref_variants; v->name; v++)
		printf("%-18s %-10s %s\n", v->name, v->thread ? v->thread : "-",
		       v->summary ? v->summary : "");
}

static const struct ref_variant_info *find_variant(const char *name)
{
	for (const struct ref_variant_info *v = ref_variants; v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

static int backend_error(const char *name)
{
	char built[256] = "";
	size_t used = 0;

	for (unsigned int i = 0; kmc_backends[i]; i++)
		used += (size_t)snprintf(built + used, sizeof(built) - used, "%s%s",
					 i ? ", " : "", kmc_backends[i]->name);
	for (unsigned int i = 0; kmc_backends_planned[i]; i++)
		if (!strcmp(kmc_backends_planned[i], name)) {
			fprintf(stderr, "kmc-run: backend '%s' not built yet (built: %s)\n",
				name, built);
			return EXIT_USAGE;
		}
	return usage_error("unknown backend '%s' (built: %s)", name, built);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_ID = 256, O_GROUP, O_PROFILE, O_VARIANT, O_LISTV, O_VERSION };
	static const struct option lopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, O_ID },
		{ "group", required_argument, NULL, O_GROUP },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "list-variants", no_argument, NULL, O_LISTV },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *backend = "ref";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			backend = optarg;
			break;
		case O_ID:
			strv_push(&o->ids, optarg);
			break;
		case O_GROUP:
			strv_push(&o->groups, optarg);
			break;
		case O_PROFILE:
			if (!kmc_profile_find(optarg))
				return usage_error("unknown profile '%s' (see kmc profiles)", optarg);
			strv_push(&o->profiles, optarg);
			break;
		case O_VARIANT: {
			const struct ref_variant_info *v = find_variant(optarg);

			if (!v)
				return usage_error("unknown variant '%s' (see kmc-run --list-variants)",
						   optarg);
			if (!(o->variants & v->bit) && o->nvar < MAXVARIANTS)
				o->var[o->nvar++] = v;
			o->variants |= v->bit;
			break;
		}
		case O_LISTV:
			list_variants();
			exit(0);
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case O_VERSION:
			printf("kmc-run %s (vector format kmv 1)\n", KMC_VERSION);
			exit(0);
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->be = kmc_backend_find(backend);
	if (!o->be)
		return backend_error(backend);
	if (o->variants && !o->be->has_variants)
		return usage_error("--variant needs --backend ref");
	if (optind == argc)
		return usage_error("no vector files given (e.g. kmc-run vectors/)");
	for (int i = optind; i < argc; i++)
		strv_push(&o->inputs, argv[i]);
	return 0;
}

/* ---- inputs ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_input(struct input **in, unsigned int *n, const char *path)
{
	struct input *p = realloc(*in, (*n + 1) * sizeof(**in));
	char *copy = strdup(path);

	if (!p || !copy) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	*in = p;
	memset(&p[*n], 0, sizeof(p[*n]));
	p[*n].path = strdup(path);
	p[*n].name = strdup(basename(copy));
	free(copy);
	if (!p[*n].path || !p[*n].name) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	(*n)++;
}

/* An input that fails before reading, e.g. a directory without *.kmv */
static void add_failed(struct input **in, unsigned int *n, const char *path, int err,
		       const char *why)
{
	char msg[MSGLEN];
	struct input *p;

	add_input(in, n, path);
	p = &(*in)[*n - 1];
	snprintf(msg, sizeof(msg), "%s: %s", path, why);
	p->failed = 1;
	p->f.err = err;
	p->f.errmsg = strdup(msg);
}

/* Expand directories to their *.kmv files, sorted by name */
static void expand(const struct strv *args, struct input **in, unsigned int *n)
{
	for (unsigned int i = 0; i < args->n; i++) {
		const char *a = args->v[i];
		struct strv names = { 0 };
		struct stat st;
		struct dirent *de;
		DIR *d;

		if (stat(a, &st) || !S_ISDIR(st.st_mode)) {
			add_input(in, n, a);	/* kmv_read_file reports what is wrong */
			continue;
		}
		d = opendir(a);
		if (!d) {
			add_failed(in, n, a, -errno, strerror(errno));
			continue;
		}
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);

			if (len > 4 && !strcmp(de->d_name + len - 4, ".kmv") && de->d_name[0] != '.')
				strv_push(&names, strdup(de->d_name));
		}
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
		else
			add_failed(in, n, a, -ENOENT, "no *.kmv files in this directory");
		for (unsigned int k = 0; k < names.n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s%s%s", a,
				 a[strlen(a) - 1] == '/' ? "" : "/", names.v[k]);
			add_input(in, n, path);
			free(names.v[k]);
		}
		free(names.v);
	}
}

static void read_inputs(struct input *in, unsigned int n, struct kmv_idset *ids)
{
	char msg[MSGLEN];

	/* errors stay in each kmv_file, to be reported in its place */
	for (unsigned int i = 0; i < n; i++)
		if (!in[i].failed)
			kmv_read_file(in[i].path, 0, ids, &in[i].f, msg, sizeof(msg));
}

/* ---- selection ---------------------------------------------------------- */

static int any_match(const struct strv *s, const char *v, int glob)
{
	if (!s->n)
		return 1;
	if (!v)
		return 0;
	for (unsigned int i = 0; i < s->n; i++)
		if (glob ? !fnmatch(s->v[i], v, 0) : !strcmp(s->v[i], v))
			return 1;
	return 0;
}

static int selected(const struct opts *o, const struct kmv_record *r)
{
	return any_match(&o->ids, r->id, 1) && any_match(&o->groups, r->group, 0) &&
	       any_match(&o->profiles, r->profile ? r->profile->name : NULL, 0);
}

/* ---- running ------------------------------------------------------------ */

struct run {
	const struct opts *o;
	void *ctx;
	struct ktap k;
	struct progress prog;
	struct strv changed[MAXVARIANTS];	/* "ID: key expected X, got Y; ..." */
	char vnames[512];			/* "a, b" */
	char vflags[512];			/* " --variant a --variant b" */
};

/* "ID: what expected X, got Y; ..." for the diffs of one vector (malloc'd) */
static char *changes_line(const struct kmv_record *r, const struct kmc_cmp *c)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	fprintf(m, "%s:", r->id);
	for (unsigned int i = 0; i < c->ndiff; i++) {
		const struct kmc_diff *d = &c->diff[i];

		fprintf(m, "%s %s expected %s, got %s", i ? ";" : "", d->what, d->exp, d->got);
		/* the stock ref missed the expectation as well: say so */
		if (strcmp(d->was, d->exp))
			fprintf(m, " (stock ref got %s)", d->was);
	}
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

/* What each variant alone changes in this vector (stock ref vs ref+variant) */
static void track_variants(struct run *R, const struct kmv_record *r,
			   const struct kmc_obs *combined)
{
	const struct opts *o = R->o;
	struct kmc_obs stock, one;
	struct kmc_cmp *c = malloc(sizeof(*c));
	char why[MSGLEN];

	if (!c || o->be->eval(R->ctx, r, 0, &stock, why, sizeof(why))) {
		free(c);
		return;
	}
	for (unsigned int i = 0; i < o->nvar; i++) {
		const struct kmc_obs *got = combined;

		if (o->nvar > 1) {
			if (o->be->eval(R->ctx, r, o->var[i]->bit, &one, why, sizeof(why)))
				continue;
			got = &one;
		}
		if (kmc_compare_obs(r, &stock, got, c)) {
			char *line = changes_line(r, c);

			if (line)
				strv_push(&R->changed[i], line);
		}
	}
	free(c);
}

static void run_record(struct run *R, const struct kmv_record *r)
{
	const struct opts *o = R->o;
	struct kmc_cmp *c;
	struct kmc_obs obs;
	char msg[MSGLEN], why[MSGLEN];
	int ret;

	if (r->reject) {
		int ok = kmv_reject_ok(r, msg, sizeof(msg));

		ktap_result(&R->k, ok ? KTAP_PASS : KTAP_FAIL, r->id, NULL);
		if (!ok)
			ktap_diag(&R->k, "%s", msg);
		progress_step(&R->prog, !ok);
		return;
	}
	ret = o->be->eval(R->ctx, r, o->variants, &obs, why, sizeof(why));
	if (ret == KMC_BE_SKIP) {
		ktap_result(&R->k, KTAP_SKIP, r->id, why);
		progress_step(&R->prog, 0);
		return;
	}
	if (ret < 0) {
		ktap_result(&R->k, KTAP_ERROR, r->id, why);
		progress_step(&R->prog, 1);
		return;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		ktap_result(&R->k, KTAP_ERROR, r->id, "out of memory");
		progress_step(&R->prog, 1);
		return;
	}
	if (kmc_compare(r, &obs, c)) {
		ktap_result(&R->k, KTAP_FAIL, r->id, NULL);
		if (o->nvar)
			ktap_diag(&R->k, "(ref with variant%s %s; expectations are the stock model's)",
				  o->nvar > 1 ? "s" : "", R->vnames);
		for (unsigned int i = 0; i < c->ndiff; i++) {
			kmc_diff_format(r, &c->diff[i], msg, sizeof(msg));
			ktap_diag(&R->k, "%s", msg);
		}
		ktap_diag(&R->k, "rerun: kmc-run --backend %s%s --id '%s' %s", o->be->name,
			  R->vflags, r->id, r->file);
	} else {
		ktap_result(&R->k, KTAP_PASS, r->id, NULL);
		if (c->findings) {
			kmc_list_format(&kmc_finding_names, c->findings, msg, sizeof(msg));
			ktap_finding(&R->k, msg, r->id);
		}
	}
	progress_step(&R->prog, c->ndiff != 0);
	free(c);
	if (o->nvar)
		track_variants(R, r, &obs);
}

static void run_input(struct run *R, struct input *in)
{
	const struct kmv_file *f = &in->f;
	unsigned int nsel = 0;

	for (unsigned int i = 0; i < f->nrecs; i++)
		nsel += selected(R->o, &f->recs[i]);
	ktap_group_begin(&R->k, in->name, nsel + (f->err != 0));
	for (unsigned int i = 0; i < f->nrecs; i++)
		if (selected(R->o, &f->recs[i]))
			run_record(R, &f->recs[i]);
	if (f->err) {
		/* the file stopped here; say where, as a test of its own */
		char name[300];

		snprintf(name, sizeof(name), "%s:%u", in->name, f->errline);
		ktap_result(&R->k, KTAP_ERROR, f->errline ? name : in->name,
			    f->errmsg ? f->errmsg : strerror(-f->err));
	}
	ktap_group_end(&R->k);
}

static void print_variant_summary(struct run *R)
{
	const struct opts *o = R->o;

	for (unsigned int i = 0; i < o->nvar; i++) {
		struct strv *s = &R->changed[i];

		ktap_summary(&R->k, "Changed by variant %s: %u vector%s", o->var[i]->name, s->n,
			     s->n == 1 ? "" : "s");
		for (unsigned int k = 0; k < s->n; k++) {
			ktap_summary(&R->k, "  %s", s->v[k]);
			free(s->v[k]);
		}
		free(s->v);
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct run R = { 0 };
	struct input *in = NULL;
	unsigned int nin = 0, total = 0;
	struct kmv_idset *ids;
	char msg[MSGLEN];
	int ret;

	/* --sweep hands everything else to the sweep */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sweep"))
			continue;
		memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(char *));
		return kmc_sweep_main(argc - 1, argv);
	}
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;

	expand(&o.inputs, &in, &nin);
	ids = kmv_idset_new();
	if (!ids) {
		fprintf(stderr, "kmc-run: out of memory\n");
		return 1;
	}
	read_inputs(in, nin, ids);
	kmv_idset_free(ids);
	for (unsigned int i = 0; i < nin; i++)
		for (unsigned int k = 0; k < in[i].f.nrecs; k++)
			total += selected(&o, &in[i].f.recs[k]);

	ret = o.be->open(&R.ctx, msg, sizeof(msg));
	if (ret) {
		fprintf(stderr, "kmc-run: backend %s: %s\n", o.be->name, msg);
		return 1;
	}
	R.o = &o;
	for (unsigned int i = 0; i < o.nvar; i++) {
		append(R.vnames, sizeof(R.vnames), "%s%s", i ? ", " : "", o.var[i]->name);
		append(R.vflags, sizeof(R.vflags), " --variant %s", o.var[i]->name);
	}
	R.prog.tty = isatty(STDERR_FILENO);
	R.prog.start = R.prog.last = now();
	R.prog.total = total;
	R.k.before_line = progress_erase;
	R.k.before_arg = &R.prog;

	ktap_begin(&R.k, stdout, o.quiet, nin);
	if (!o.quiet) {
		ktap_diag(&R.k, "kmc-run %s: backend %s, %u file%s, %u vector%s selected", KMC_VERSION,
			  o.be->name, nin, nin == 1 ? "" : "s", total, total == 1 ? "" : "s");
		for (unsigned int i = 0; i < o.nvar; i++)
			ktap_diag(&R.k, "variant %s (%s): %s", o.var[i]->name,
				  o.var[i]->thread ? o.var[i]->thread : "-",
				  o.var[i]->summary ? o.var[i]->summary : "");
		if (o.nvar)
			ktap_diag(&R.k, "expectations come from the stock model: differences are the variants' effect");
	}
	for (unsigned int i = 0; i < nin; i++)
		run_input(&R, &in[i]);
	progress_erase(&R.prog);
	print_variant_summary(&R);
	ktap_end(&R.k);
	o.be->close(R.ctx);

	for (unsigned int i = 0; i < nin; i++) {
		kmv_file_free(&in[i].f);
		free(in[i].path);
		free(in[i].name);
	}
	free(in);
	free(o.ids.v);
	free(o.groups.v);
	free(o.profiles.v);
	free(o.inputs.v);
	return ktap_exit_code(&R.k.t);
}
