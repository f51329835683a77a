// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run: run vector files through a backend and report KTAP v1.
 * `kmc-run --help` says how; docs/kmc-run.md says more.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend.h"
#include "compare.h"
#include "known.h"
#include "ktap.h"
#include "kmv.h"
#include "live_expect.h"
#include "names.h"
#include "run_args.h"
#include "run_inputs.h"
#include "run_progress.h"
#include "run_variants.h"
#include "rundir.h"
#include "sweep.h"
#include "version.h"

#define KNOWN_DEFAULT	"harness/results/known-divergences.txt"

/* The signal that asked the run to stop (SIGINT/SIGTERM), 0 while running */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	if (!stop_signal)
		stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop, .sa_flags = (int)SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* stdout's reader went away: stop the same way (later writes raise it again) */
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

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

struct run {
	const struct run_opts *o;
	void *ctx;
	struct ktap k;
	struct ktap full;			/* the results directory's copy */
	struct kr_known known;			/* known divergences (n == 0: none) */
	const char *kernel;			/* the live kernel under test (be->release), or NULL */
	struct progress prog;
	struct strv changed[MAXVARIANTS];	/* "ID: key expected X, got Y; ..." */
	char vnames[512];			/* "a, b" */
	char kvnames[256];			/* --kernel-variant's, "a,b" */
	char vflags[512];			/* " --variant a --variant b" */
	struct kmv_idset *ids;			/* the first pass's, exact for its suspects */
	struct kr_run *results;			/* --results, or NULL */
};

/*
 * A known divergence turns a FAIL into XFAIL and a PASS into XPASS, with
 * the entry in @why: "known divergence (FILE:LINE): SOURCE".
 */
static enum ktap_verdict known_verdict(struct run *R, const struct kmv_record *r,
				       enum ktap_verdict v, char *why, size_t len)
{
	const struct kr_known_entry *e;
	char kver[48];
	const char *kernel = R->kernel;

	if (!R->known.n || (v != KTAP_PASS && v != KTAP_FAIL))
		return v;
	if (!kernel && r->profile) {
		snprintf(kver, sizeof(kver), "%u.%u.%u", r->profile->kver.major,
			 r->profile->kver.minor, r->profile->kver.sub);
		kernel = kver;
	}
	e = kr_known_match(&R->known, r->id, kernel, R->o->be->name);
	if (!e)
		return v;
	snprintf(why, len, "known divergence%s (%s:%u): %s", v == KTAP_PASS ? " gone" : "",
		 R->known.path, e->line, e->source);
	return v == KTAP_FAIL ? KTAP_XFAIL : KTAP_XPASS;
}

/* backend facts about the machine, as KTAP diagnostics: "# host KEY: VALUE [SOURCE: NOTE]" */
static void print_fact(void *arg, const char *key, const char *value, const char *source,
		       const char *note)
{
	ktap_diag(arg, "host %s: %s [%s%s%s]", key, value, source, note && *note ? ": " : "",
		  note ? note : "");
}

static void print_notes(struct run *R, char *notes)
{
	for (char *l = strtok(notes, "\n"); l; l = strtok(NULL, "\n"))
		ktap_diag(&R->k, "%s", l);
}

static void run_record(struct run *R, const struct kmv_record *r)
{
	const struct run_opts *o = R->o;
	struct kmc_cmp *c;
	struct kmc_obs obs;
	struct kmv_record lr;
	char msg[MSGLEN], why[MSGLEN], notes[4 * MSGLEN];
	int ret;

	if (r->reject) {
		int ok = kmv_reject_ok(r, msg, sizeof(msg));
		enum ktap_verdict v = known_verdict(R, r, ok ? KTAP_PASS : KTAP_FAIL, why, sizeof(why));

		/* diagnostics go before the result they explain (KTAP) */
		if (!ok)
			ktap_diag(&R->k, "%s", msg);
		ktap_result(&R->k, v, r->id, v == KTAP_PASS || v == KTAP_FAIL ? NULL : why);
		progress_step(&R->prog, !ok);
		return;
	}
	ret = o->be->eval(R->ctx, r, o->variants, &obs, why, sizeof(why));
	notes[0] = '\0';
	if (!ret && r->live && o->be->live) {
		ret = kmc_live_expect(o->be, R->ctx, o->kvariants, r, &lr, &obs, notes, sizeof(notes),
				      why, sizeof(why));
		r = &lr;	/* compare against the filled-in copy */
	}
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
	print_notes(R, notes);
	if (kmc_compare(r, &obs, c)) {
		enum ktap_verdict v = known_verdict(R, r, KTAP_FAIL, why, sizeof(why));

		if (o->nvar)
			ktap_diag(&R->k, "(ref with variant%s %s; expectations are the stock model's)",
				  o->nvar > 1 ? "s" : "", R->vnames);
		if (r == &lr)
			ktap_diag(&R->k, "(host live: expectations are the model's for profile %s%s%s on this host)",
				  lr.profile->name, o->kvariants ? " with variant " : "", R->kvnames);
		for (unsigned int i = 0; i < c->ndiff; i++) {
			kmc_diff_format(r, &c->diff[i], msg, sizeof(msg));
			ktap_diag(&R->k, "%s", msg);
		}
		ktap_diag(&R->k, "rerun: kmc-run --backend %s%s --id '%s' %s", o->be->name,
			  R->vflags, r->id, r->file);
		ktap_result(&R->k, v, r->id, v == KTAP_FAIL ? NULL : why);
	} else {
		enum ktap_verdict v = known_verdict(R, r, KTAP_PASS, why, sizeof(why));

		if (c->findings) {
			kmc_list_format(&kmc_finding_names, c->findings, msg, sizeof(msg));
			ktap_finding(&R->k, msg, r->id);
		}
		ktap_result(&R->k, v, r->id, v == KTAP_PASS ? NULL : why);
	}
	progress_step(&R->prog, c->ndiff != 0);
	free(c);
	if (o->nvar)
		run_variants_track(o, R->ctx, R->changed, r, &obs);
}

static int run_each(void *arg, const struct kmv_record *r)
{
	struct run *R = arg;

	if (stop_signal)
		return 1;	/* the group stays open: the reader sees it was cut */
	if (run_selected(R->o, r))
		run_record(R, r);
	return 0;
}

/*
 * The second pass: each vector runs as it is read, from the same bytes as
 * the plan (a regular file is read again and its hash compared; a pipe's
 * copy cannot change).  Memory: one record.
 */
static void run_input(struct run *R, struct input *in)
{
	struct kmv_file f = { 0 };
	const struct kmv_file *e;
	char msg[MSGLEN], name[300], sha[65];
	int unreadable;

	ktap_group_begin(&R->k, in->name, in->nsel + (in->f.err != 0));
	if (run_input_again(in, R->ids, run_each, R, &f, sha, &unreadable)) {
		kmv_file_free(&f);
		return;	/* stopped by a signal */
	}
	if (*sha && (unreadable || (in->hashed && strcmp(sha, in->sha)))) {
		/* what ran is not what was planned, listed and hashed: say so */
		snprintf(name, sizeof(name), "%s:changed", in->name);
		snprintf(msg, sizeof(msg), "%s: %s while kmc-run ran it (sha256 %.16s... "
			 "when planned, %.16s... when run)", in->path,
			 unreadable ? "could not be read again" : "changed", in->sha, sha);
		ktap_result(&R->k, KTAP_ERROR, name, msg);
		if (R->results && kr_run_input_ran(R->results, in->path, sha))
			kr_run_log(R->results, "vector input %s: out of memory", in->path);
	}
	e = f.err ? &f : &in->f;
	if (e->err) {
		/* the file stopped here; say where, as a test of its own */
		snprintf(name, sizeof(name), "%s:%u", in->name, e->errline);
		ktap_result(&R->k, KTAP_ERROR, e->errline ? name : in->name,
			    e->errmsg ? e->errmsg : strerror(-e->err));
	}
	kmv_file_free(&f);
	ktap_group_end(&R->k);
}

/* --known, $KMC_KNOWN, or the committed file when kmc-run runs from the tree */
static int load_known(const struct run_opts *o, struct run *R)
{
	const char *path = o->known ? o->known : getenv("KMC_KNOWN");
	char msg[MSGLEN];

	if (!path && !access(KNOWN_DEFAULT, R_OK))
		path = KNOWN_DEFAULT;
	if (!path || !*path || !strcmp(path, "none"))
		return 0;
	if (kr_known_read(path, &R->known, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-run: known divergences: %s\n", msg);
		return EXIT_USAGE;
	}
	return 0;
}

/* A backend's host fact into run.json: "SOURCE: NOTE" as its source */
static void results_fact(void *arg, const char *key, const char *value, const char *source,
			 const char *note)
{
	char src[512];

	snprintf(src, sizeof(src), "%s%s%s", source, note && *note ? ": " : "", note ? note : "");
	kr_run_fact(arg, "host", key, value, src);
}

/* The results directory: everything known before the first vector runs */
static struct kr_run *open_results(const struct run_opts *o, struct run *R, struct input *in,
				   unsigned int nin, const struct plan *pl, int argc, char **argv)
{
	struct kr_run *run;
	char msg[MSGLEN];

	if (kr_run_open(&run, o->results, o->be->name, KMC_VERSION, argc, argv, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-run: results: %s\n", msg);
		return NULL;
	}
	for (unsigned int i = 0; i < o->nvar; i++)
		kr_run_append_str(run, "variants", o->var[i]->name);
	for (unsigned int i = 0; i < o->ids.n; i++)
		kr_run_append_str(run, "filters.id", o->ids.v[i]);
	for (unsigned int i = 0; i < o->groups.n; i++)
		kr_run_append_str(run, "filters.group", o->groups.v[i]);
	for (unsigned int i = 0; i < o->profiles.n; i++)
		kr_run_append_str(run, "filters.profile", o->profiles.v[i]);
	for (unsigned int i = 0; i < o->inputs.n; i++)
		kr_run_append_str(run, "vectors.inputs", o->inputs.v[i]);
	kr_run_set_str(run, "known_divergences.path", R->known.path ? R->known.path : "none");
	kr_run_set_num(run, "known_divergences.entries", R->known.n);
	if (R->kernel) {
		kr_run_set_str(run, "host.under_test", "live: the machine kmc-run runs on");
		kr_run_fact(run, "host", "kernel_release", R->kernel, "uname(2) release");
		if (o->be->facts)
			o->be->facts(R->ctx, results_fact, run);
	} else {
		kr_run_set_str(run, "host.under_test",
			       "declared by each vector (the model and ref evaluate it)");
	}
	for (unsigned int i = 0; i < nin; i++) {
		if (in[i].failed)
			continue;
		if (!in[i].hashed)
			kr_run_log(run, "vector input %s: not hashed (read error)", in[i].path);
		else if (kr_run_input_hash(run, in[i].path, in[i].sha, in[i].partial))
			kr_run_log(run, "vector input %s: out of memory", in[i].path);
	}
	if (pl->tsv && kr_run_vectors_copy(run, pl->tsv, pl->nvec, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-run: results: %s\n", msg);
		kr_run_abandon(run);
		return NULL;
	}
	for (unsigned int p = 0; p < kmc_nprofiles; p++)
		if (pl->profiles & (1u << p))
			kr_run_append_str(run, "kernel_profiles", kmc_profile_at(p)->name);
	if (kr_run_begin(run, msg, sizeof(msg))) {
		fprintf(stderr, "kmc-run: results: %s\n", msg);
		kr_run_abandon(run);
		return NULL;
	}
	R->full.out = kr_run_ktap(run);
	R->k.mirror = &R->full;
	return run;
}

int main(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct run R = { 0 };
	struct input *in = NULL;
	unsigned int nin = 0, total = 0;
	struct plan pl = { .o = &o };
	struct kr_run *run = NULL;
	char msg[MSGLEN];
	int ret, stopped = 0;

	/* --sweep hands everything else to the sweep */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sweep"))
			continue;
		memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(char *));
		return kmc_sweep_main(argc - 1, argv);
	}
	ret = run_parse_args(argc, argv, &o);
	if (ret)
		return ret;
	ret = load_known(&o, &R);
	if (ret) {
		run_opts_free(&o);
		return ret;
	}

	run_inputs_expand(&o.inputs, &in, &nin);
	/* vectors.tsv's lines wait in an unnamed file until the directory exists */
	if (o.results) {
		int fd = run_anon_file();

		if (fd < 0 || !(pl.tsv = fdopen(fd, "w+"))) {
			fprintf(stderr, "kmc-run: results: a temporary file: %s\n", strerror(errno));
			return 1;
		}
	}
	R.ids = run_inputs_plan(in, nin, &pl);
	for (unsigned int i = 0; i < nin; i++)
		total += in[i].nsel;
	/* filters that match nothing are a mistake, not a run where everything was skipped */
	if (!total && (o.ids.n || o.groups.n || o.profiles.n)) {
		unsigned int nrecs = 0, bad = 0;

		for (unsigned int i = 0; i < nin; i++) {
			nrecs += in[i].nrecs;
			bad += in[i].failed || in[i].f.err;
		}
		if (!bad) {
			char what[1024] = "";

			for (unsigned int i = 0; i < o.ids.n; i++)
				append(what, sizeof(what), " --id '%s'", o.ids.v[i]);
			for (unsigned int i = 0; i < o.groups.n; i++)
				append(what, sizeof(what), " --group %s", o.groups.v[i]);
			for (unsigned int i = 0; i < o.profiles.n; i++)
				append(what, sizeof(what), " --profile %s", o.profiles.v[i]);
			fprintf(stderr, "kmc-run: no vector matched%s (of %u in %u file%s; "
				"groups are the ids up to their first '.')\n", what, nrecs, nin,
				nin == 1 ? "" : "s");
			ret = EXIT_USAGE;
			goto out;
		}
	}

	ret = o.be->open(&R.ctx, msg, sizeof(msg));
	if (ret) {
		fprintf(stderr, "kmc-run: backend %s: %s\n", o.be->name, msg);
		ret = 1;
		goto out;
	}
	R.o = &o;
	if (o.be->release && *o.be->release(R.ctx))
		R.kernel = o.be->release(R.ctx);
	if (o.results) {
		run = open_results(&o, &R, in, nin, &pl, argc, argv);
		if (!run) {
			o.be->close(R.ctx);
			ret = 1;
			goto out;
		}
	}
	catch_stop_signals();
	for (unsigned int i = 0; i < o.nvar; i++) {
		append(R.vnames, sizeof(R.vnames), "%s%s", i ? ", " : "", o.var[i]->name);
		append(R.vflags, sizeof(R.vflags), " --variant %s", o.var[i]->name);
	}
	if (o.kvariants) {
		kmc_list_format(&kmc_variant_names, o.kvariants, R.kvnames, sizeof(R.kvnames));
		append(R.vflags, sizeof(R.vflags), " --kernel-variant %s", R.kvnames);
	}
	progress_start(&R.prog, total);
	R.k.before_line = progress_erase;
	R.k.before_arg = &R.prog;
	R.results = run;

	ktap_begin(&R.k, stdout, o.quiet, nin);
	/* quiet: the header still reaches the results directory's full copy */
	{
		ktap_diag(&R.k, "kmc-run %s: backend %s, %u file%s, %u vector%s selected", KMC_VERSION,
			  o.be->name, nin, nin == 1 ? "" : "s", total, total == 1 ? "" : "s");
		for (unsigned int i = 0; i < o.nvar; i++)
			ktap_diag(&R.k, "variant %s (%s): %s", o.var[i]->name,
				  o.var[i]->thread ? o.var[i]->thread : "-",
				  o.var[i]->summary ? o.var[i]->summary : "");
		if (o.nvar)
			ktap_diag(&R.k, "expectations come from the stock model: differences are the variants' effect");
		if (o.kvariants)
			ktap_diag(&R.k, "kernel variant %s: the running kernel carries it; the expectations of host live vectors include it",
				  R.kvnames);
		if (R.known.n)
			ktap_diag(&R.k, "known divergences: %s (%u entr%s)", R.known.path, R.known.n,
				  R.known.n == 1 ? "y" : "ies");
		if (o.be->facts)
			o.be->facts(R.ctx, print_fact, &R.k);
	}
	for (unsigned int i = 0; i < nin && !stop_signal; i++)
		run_input(&R, &in[i]);
	stopped = stop_signal;
	progress_erase(&R.prog);
	if (stopped) {
		char why[64];

		snprintf(why, sizeof(why), "kmc-run: interrupted by SIG%s", sigabbrev_np(stopped));
		ktap_bail(&R.k, why);
	} else {
		run_variants_summary(&R.k, &o, R.changed);
	}
	ktap_end(&R.k);
	o.be->close(R.ctx);
	ret = stopped ? 128 + stopped : ktap_exit_code(&R.k.t);
	if (run) {
		struct kr_totals t = {
			.pass = R.k.t.pass, .fail = R.k.t.fail, .xfail = R.k.t.xfail,
			.xpass = R.k.t.xpass, .skip = R.k.t.skip, .error = R.k.t.error,
			.findings = R.k.t.findings,
		};

		if (kr_run_finish(run, stopped, ret, &t, msg, sizeof(msg))) {
			/* the directory is not complete: neither is the run (run.json says so) */
			fprintf(stderr, "kmc-run: results: %s\n", msg);
			if (!stopped)
				ret = KR_EXIT_RESULTS;
		}
	}
out:
	kmv_idset_free(R.ids);
	kr_known_free(&R.known);
	if (pl.tsv)
		fclose(pl.tsv);
	run_inputs_free(in, nin);
	run_opts_free(&o);
	if (stopped) {
		/* die of the signal, as the shell expects (the handler was reset) */
		fflush(stdout);
		signal(stopped, SIG_DFL);
		raise(stopped);
	}
	return ret;
}
