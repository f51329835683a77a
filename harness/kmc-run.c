// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run: run vector files through a backend and report KTAP v1.
 * `kmc-run --help` says how; docs/kmc-run.md says more.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "compare.h"
#include "ktap.h"
#include "kmv.h"
#include "known.h"
#include "names.h"
#include "ref.h"
#include "rundir.h"
#include "sha256.h"
#include "sweep.h"
#include "version.h"

#define EXIT_USAGE	KTAP_EXIT_USAGE	/* 64, not 2: kselftest reads 2 as XFAIL */
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
"  -b, --backend NAME   model, ref or kvm (default: ref); kvm runs the\n"
"                       `host live` vectors on this machine's /dev/kvm\n"
"      --id GLOB        only vectors whose id matches GLOB (fnmatch(3))\n"
"      --group NAME     only vectors of group NAME (the id up to its first '.')\n"
"      --profile NAME   only vectors for kernel profile NAME (see kmc profiles)\n"
"      --variant NAME   ref only: apply a proposed kernel change to ref\n"
"                       (see --list-variants) on top of a vector's own\n"
"                       variant=; expectations stay the model's without it,\n"
"                       so every difference is reported as a failure and\n"
"                       summarised as \"# Changed by variant NAME\"\n"
"      --list-variants  list ref's variants (thread, whether the model has it\n"
"                       too, so that vectors can pin it) and exit\n"
"      --kernel-variant LIST\n"
"                       kvm backend: the running kernel carries these proposed\n"
"                       changes (comma-separated, kmc names variants; ones the\n"
"                       model has): the expectations of `host live` vectors\n"
"                       are the model's with them (a kernel built with the\n"
"                       change, make lab KFLAGS=)\n"
"  -q, --quiet          print only failures (with their diagnostics) and totals\n"
"      --results DIR    also write a results directory: run.json, the full KTAP,\n"
"                       vectors.tsv, junit.xml, kcidb.json (docs/results.md);\n"
"                       DIR 'auto' is results/runs/<UTC time>_<backend>\n"
"      --known FILE     known divergences: a matching FAIL is XFAIL, a PASS\n"
"                       XPASS (default: $KMC_KNOWN, else\n"
"                       harness/results/known-divergences.txt if present;\n"
"                       'none' for no file)\n"
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
"Exit status (kselftest's, tools/testing/selftests/kselftest.h): 0 all\n"
"passed (skips allowed when something passed), 1 a failure, an error or an\n"
"XPASS (also: the backend or the results directory could not be set up),\n"
"4 everything skipped, 64 usage error (EX_USAGE; also a malformed\n"
"--known file, and --id/--group/--profile that match no vector).  Never 2\n"
"or 3, which kselftest reads as XFAIL and XPASS.\n"
"SIGINT, SIGTERM (and SIGPIPE) stop the run after the current vector:\n"
"`Bail out!`, the totals so far, the results directory closed as\n"
"interrupted; then kmc-run dies of that signal.  A second SIGINT or\n"
"SIGTERM kills at once.\n"
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
	uint32_t kvariants;	/* --kernel-variant: what the live kernel carries */
	unsigned int nvar;
	const struct ref_variant_info *var[MAXVARIANTS];
	int quiet;
	const char *results;	/* --results DIR, or NULL */
	const char *known;	/* --known FILE, or NULL for the default */
};

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

/*
 * One input file (or a directory that could not be used).  It is read
 * twice, streaming, and never held in memory: a first pass plans (counts
 * the selected vectors for the KTAP plan, lists them in vectors.tsv, finds
 * the file's error, hashes the bytes), a second runs each vector as it is
 * read.  A regular file is read again from the same descriptor and its
 * hash compared; anything else (a pipe) is copied aside in the first pass
 * and run from the copy.
 */
struct input {
	char *path;
	char *name;		/* the top-level test's name */
	int failed;		/* f.err/f.errmsg say why; nothing to read */
	struct kmv_file f;	/* the first pass: the file's error (no records) */
	int fd;			/* the input, open for the second pass (-1: none) */
	int spool;		/* a copy of what the first pass read, to run from (-1: none) */
	unsigned int nrecs;	/* records read in the first pass */
	unsigned int nsel;	/* ... of them selected: the group's plan */
	/* SHA-256 of the bytes read (and run), for the results directory */
	char sha[65];
	int hashed;		/* sha is set */
	char *partial;		/* NULL: the whole file; else what sha is of */
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
	printf("%-20s %-6s %-5s %s\n", "VARIANT", "THREAD", "MODEL", "WHAT IT CHANGES");
	for (const struct ref_variant_info *v = ref_variants; v->name; v++)
		printf("%-20s %-6s %-5s %s\n", v->name, v->thread ? v->thread : "-",
		       (kmc_model_variants & v->bit) ? "yes" : "no", v->summary ? v->summary : "");
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
	enum { O_ID = 256, O_GROUP, O_PROFILE, O_VARIANT, O_LISTV, O_VERSION, O_RESULTS, O_KNOWN,
	       O_KVARIANT };
	static const struct option lopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, O_ID },
		{ "group", required_argument, NULL, O_GROUP },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "variant", required_argument, NULL, O_VARIANT },
		{ "list-variants", no_argument, NULL, O_LISTV },
		{ "kernel-variant", required_argument, NULL, O_KVARIANT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "results", required_argument, NULL, O_RESULTS },
		{ "known", required_argument, NULL, O_KNOWN },
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
			if (!kmc_profile_find(optarg) && strcmp(optarg, kmv_live_profile.name))
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
		case O_KVARIANT: {
			char err[256], names[256];
			uint64_t v;

			if (kmc_list_parse(&kmc_variant_names, optarg, &v, err, sizeof(err)))
				return usage_error("--kernel-variant %s: %s (see kmc names variants)", optarg, err);
			if (v & ~(uint64_t)kmc_model_variants) {
				kmc_list_format(&kmc_variant_names, v & ~(uint64_t)kmc_model_variants, names,
						sizeof(names));
				return usage_error("--kernel-variant: the model does not have %s (kmc-run --list-variants)",
						   names);
			}
			o->kvariants |= (uint32_t)v;
			break;
		}
		case 'q':
			o->quiet = 1;
			break;
		case O_RESULTS:
			o->results = optarg;
			break;
		case O_KNOWN:
			o->known = optarg;
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
	if (o->kvariants && !o->be->live)
		return usage_error("--kernel-variant needs --backend kvm (a running kernel)");
	if (optind == argc)
		return usage_error("no vector files given (e.g. kmc-run vectors/)");
	for (int i = optind; i < argc; i++)
		strv_push(&o->inputs, argv[i]);
	return 0;
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

/* The record's `host` tokens as written ("cpu=NAME ..."), for vectors.tsv */
static const char *host_text(const struct kmv_record *r)
{
	for (unsigned int i = 0; i < r->nbody; i++) {
		const char *t = r->body[i].text;

		if (r->body[i].kind != KMV_L_HOST || !t)
			continue;
		return strncmp(t, "host ", 5) ? t : t + 5;
	}
	return r->live ? "live" : "-";
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
	p[*n].fd = p[*n].spool = -1;
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

/*
 * Every input goes through a stream that hashes what passes: the hash
 * run.json records is of the bytes that ran.  In the first pass of an
 * input that cannot be read twice, the bytes are also copied to @spool.
 */
struct hashing {
	int fd;
	int spool;		/* -1, or where to copy what is read */
	int spool_err;		/* errno of a failed copy */
	struct kr_sha256 sha;
	unsigned long long n;
};

static ssize_t hashing_read(void *cookie, char *buf, size_t size)
{
	struct hashing *h = cookie;
	ssize_t n;

	do
		n = read(h->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		kr_sha256_update(&h->sha, buf, (size_t)n);
		h->n += (unsigned long long)n;
		for (ssize_t w, done = 0; h->spool >= 0 && !h->spool_err && done < n; done += w) {
			w = write(h->spool, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				h->spool_err = w < 0 ? errno : ENOSPC;
		}
	}
	return n;
}

/* A stream over @h (its fd stays open when the stream closes) */
static FILE *hashing_open(struct hashing *h)
{
	static const cookie_io_functions_t io = { .read = hashing_read };

	kr_sha256_init(&h->sha);
	h->n = 0;
	return fopencookie(h, "r", io);
}

/* The rest of a regular file, hashed too: a run's hash is of the whole file */
static void hashing_drain(FILE *fp, int fd)
{
	struct stat st;
	char buf[65536];

	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		while (fread(buf, 1, sizeof(buf), fp) > 0)
			;
}

/* An unnamed file for the copy of a pipe: in $TMPDIR, gone when closed */
static int anon_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	snprintf(path, sizeof(path), "%s/kmc-run.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static void input_error(struct input *in, int err, const char *fmt, ...)
{
	char msg[MSGLEN];
	int len;
	va_list ap;

	len = snprintf(msg, sizeof(msg), "%s: ", in->path);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	kmv_file_free(&in->f);
	in->f.path = strdup(in->path);
	in->f.err = err;
	in->f.errmsg = strdup(msg);
}

/* The first pass: what it learns of the selected vectors */
struct plan {
	const struct opts *o;
	struct input *in;
	FILE *tsv;		/* --results: vectors.tsv's lines, copied in later */
	unsigned int nvec;	/* lines in tsv */
	uint32_t profiles;	/* kmc_profile_at() bits of the selected vectors */
};

static int plan_record(void *arg, const struct kmv_record *r)
{
	struct plan *pl = arg;
	char where[4200];

	pl->in->nrecs++;
	if (!selected(pl->o, r))
		return 0;
	pl->in->nsel++;
	if (pl->tsv) {
		snprintf(where, sizeof(where), "%s:%u", r->file, r->line);
		kr_vectors_line(pl->tsv, pl->in->name, r->id, r->group,
				r->profile ? r->profile->name : NULL, host_text(r), where);
		pl->nvec++;
	}
	for (unsigned int p = 0; r->profile && p < kmc_nprofiles; p++)
		if (kmc_profile_at(p) == r->profile)
			pl->profiles |= 1u << p;
	return 0;
}

static void plan_input(struct input *in, struct kmv_idset *ids, struct plan *pl)
{
	struct hashing h = { .fd = open(in->path, O_RDONLY | O_CLOEXEC), .spool = -1 };
	char msg[MSGLEN], buf[MSGLEN + 64];
	struct stat st;
	FILE *fp;
	int ret, regular;

	if (h.fd < 0) {
		input_error(in, -errno, "%s", strerror(errno));
		return;
	}
	regular = !fstat(h.fd, &st) && S_ISREG(st.st_mode);
	if (!regular && (h.spool = anon_file()) < 0) {
		input_error(in, -errno, "cannot keep a copy to run it from: %s", strerror(errno));
		close(h.fd);
		return;
	}
	fp = hashing_open(&h);
	if (!fp) {
		input_error(in, -errno, "%s", strerror(errno));
		close(h.fd);
		if (h.spool >= 0)
			close(h.spool);
		return;
	}
	pl->in = in;
	/* errors stay in the kmv_file, to be reported in its place */
	ret = kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, ids, plan_record, pl,
			    &in->f, msg, sizeof(msg));
	if (ret)
		hashing_drain(fp, h.fd);
	if (!ferror(fp)) {
		kr_sha256_hex(&h.sha, in->sha);
		in->hashed = 1;
		if (ret && !regular) {
			snprintf(buf, sizeof(buf), "the first %llu bytes, read before %s", h.n,
				 in->f.errmsg ? in->f.errmsg : "an error");
			in->partial = strdup(buf);
		}
	}
	fclose(fp);
	if (h.spool_err) {
		input_error(in, -h.spool_err, "cannot keep a copy to run it from: %s",
			    strerror(h.spool_err));
		in->nsel = 0;
		close(h.fd);
		close(h.spool);
		return;
	}
	if (regular) {
		in->fd = h.fd;
	} else {
		close(h.fd);
		in->spool = h.spool;
	}
}

/*
 * The first pass again, from the bytes kept for the second (the file, or a
 * pipe's copy), with @ids exact for the ids the first pass suspected: what
 * that pass counted past a duplicate (where reading stops) is undone.
 */
static void replan_input(struct input *in, struct kmv_idset *ids, struct plan *pl)
{
	struct hashing h = { .fd = in->fd >= 0 ? in->fd : in->spool, .spool = -1 };
	char msg[MSGLEN];
	FILE *fp;

	if (h.fd < 0)
		return;
	if (lseek(h.fd, 0, SEEK_SET) || !(fp = hashing_open(&h))) {
		input_error(in, -errno, "cannot read it again to plan it: %s", strerror(errno));
		in->nsel = 0;
		return;
	}
	kmv_file_free(&in->f);
	in->nrecs = in->nsel = 0;
	pl->in = in;
	kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, ids, plan_record, pl, &in->f,
		      msg, sizeof(msg));
	fclose(fp);
}

/*
 * The first pass over every input.  Its id set screens (kmv_idset_new_screen:
 * fixed memory); only when it found ids that may be duplicates is the pass
 * made again, exact for those.  Returns the set, ready for the second pass.
 */
static struct kmv_idset *plan_inputs(struct input *in, unsigned int n, struct plan *pl)
{
	struct kmv_idset *ids = kmv_idset_new_screen();

	if (!ids) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	for (unsigned int i = 0; i < n; i++)
		if (!in[i].failed)
			plan_input(&in[i], ids, pl);
	if (kmv_idset_confirm(ids)) {
		if (pl->tsv && (fflush(pl->tsv) || ftruncate(fileno(pl->tsv), 0) ||
				fseek(pl->tsv, 0, SEEK_SET))) {
			fprintf(stderr, "kmc-run: results: vectors.tsv's temporary file: %s\n",
				strerror(errno));
			exit(1);
		}
		pl->nvec = 0;
		pl->profiles = 0;
		for (unsigned int i = 0; i < n; i++)
			if (!in[i].failed)
				replan_input(&in[i], ids, pl);
		kmv_idset_confirm(ids);
	}
	return ids;
}

/* ---- running ------------------------------------------------------------ */

struct run {
	const struct opts *o;
	void *ctx;
	struct ktap k;
	struct ktap full;			/* the results directory's copy */
	struct kr_known known;			/* known divergences (n == 0: none) */
	char kernel[65];			/* kvm: the running kernel (uname -r) */
	struct progress prog;
	struct strv changed[MAXVARIANTS];	/* "ID: key expected X, got Y; ..." */
	char vnames[512];			/* "a, b" */
	char kvnames[256];			/* --kernel-variant's, "a,b" */
	char vflags[512];			/* " --variant a --variant b" */
	struct kmv_idset *ids;			/* the first pass's, exact for its suspects */
	struct kr_run *results;			/* --results, or NULL */
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

/*
 * A known divergence turns a FAIL into XFAIL and a PASS into XPASS, with
 * the entry in @why: "known divergence (FILE:LINE): SOURCE".
 */
static enum ktap_verdict known_verdict(struct run *R, const struct kmv_record *r,
				       enum ktap_verdict v, char *why, size_t len)
{
	const struct kr_known_entry *e;
	char kver[48];
	const char *kernel = R->kernel[0] ? R->kernel : NULL;

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

/* ---- host live: the model's expectations for this machine --------------- */

/*
 * Clear @mask in item (@key or @op) of @o.  0 if the item is a key that is
 * neither a bit set nor a value (it can only be left out whole); an op
 * result without a value (gp, ok, ...) is left as it is.
 */
static int mask_item(int key, int op, uint8_t opkind, struct kmc_obs *o, uint64_t mask)
{
	if (key < 0) {
		struct kmc_result *res = &o->res[op];

		if (opkind != KMC_OP_SET_CPUID && (res->kind == KMC_RES_VALUE ||
						   res->kind == KMC_RES_NMSRS ||
						   res->kind == KMC_RES_EXIT))
			res->value &= ~mask;
		return 1;
	}
	switch (key) {
	case KMV_K_BUGS: o->bugs &= ~mask; return 1;
	case KMV_K_HOST_FLAGS: o->host_feat &= ~mask; return 1;
	case KMV_K_HOST_STATE: o->host_state &= ~(uint32_t)mask; return 1;
	case KMV_K_KVM_ARCH_CAP: o->kvm_arch_cap &= ~mask; return 1;
	case KMV_K_KVM_CPUID: o->kvm_cpuid &= ~mask; return 1;
	case KMV_K_KVM_EMUL_CPUID: o->kvm_emul_cpuid &= ~mask; return 1;
	case KMV_K_VCPU_ARCH_CAP: o->vcpu_arch_cap &= ~mask; return 1;
	case KMV_K_CPU_CAPS: o->cpu_caps &= ~mask; return 1;
	case KMV_K_FINDINGS: o->findings &= ~(uint32_t)mask; return 1;
	default: return 0;
	}
}

/*
 * A `host live` record on a backend that knows the machine: the model,
 * evaluated on the backend's view of the host (its profile, CPU, 0x10a,
 * command line, ...), supplies every `expect KEY` without a value and
 * every op without `-> RESULT`.  Bits the backend could not observe are
 * left out on both sides and named in @notes (one per line).  @lr is a
 * shallow copy of @r with the expectations filled in.  0, KMC_BE_SKIP or
 * -errno, with the reason in @why.
 */
static int live_expect(struct run *R, const struct kmv_record *r, struct kmv_record *lr,
		       struct kmc_obs *obs, char *notes, size_t nlen, char *why, size_t len)
{
	const struct kmc_backend *be = R->o->be;
	const struct kmc_profile *p = NULL;
	struct kmc_obs mo;
	int ret;

	*lr = *r;
	notes[0] = '\0';
	ret = be->live(R->ctx, r, &lr->sc.host, &p, why, len);
	if (ret)
		return ret;
	lr->sc.variants |= R->o->kvariants;	/* what the running kernel carries */
	ret = kmc_model_eval(p, &lr->sc, &mo);
	if (ret < 0) {
		snprintf(why, len, "%s:%u: model: cannot evaluate this vector on the live host (%s)",
			 r->file, r->line, strerror(-ret));
		return ret;
	}
	lr->profile = p;
	for (int k = 0; k < KMV_K_NR; k++)
		if (r->exp_req & (1u << k)) {
			kmv_copy_key((enum kmv_key)k, &lr->exp, &mo);
			lr->exp_have |= 1u << k;
		}
	lr->exp_req = 0;
	for (unsigned int i = 0; i < r->sc.nops; i++)
		if (!(r->res_have & (1u << i))) {
			if (i >= mo.nres || mo.res[i].kind == KMC_RES_NONE) {
				snprintf(why, len, "%s:%u: model: no result for this op", r->file,
					 r->op_line[i]);
				return -EINVAL;
			}
			lr->exp.res[i] = mo.res[i];
			lr->res_have |= 1u << i;
		}
	lr->exp.nres = r->sc.nops;
	if (!be->unobserved)
		return 0;
	for (int i = 0; i < KMV_K_NR + (int)r->sc.nops; i++) {
		int key = i < KMV_K_NR ? i : -1, op = i < KMV_K_NR ? -1 : i - KMV_K_NR;
		uint8_t kind = op < 0 ? 0 : r->sc.ops[op].kind;
		char reason[256] = "", what[160], bits[KMV_VALMAX];
		uint64_t mask;

		if (key >= 0 ? !(lr->exp_have & (1u << key)) : !(lr->res_have & (1u << op)))
			continue;
		mask = be->unobserved(R->ctx, r, key, op, reason, sizeof(reason));
		if (!mask)
			continue;
		if (!mask_item(key, op, kind, &lr->exp, mask) || !mask_item(key, op, kind, obs, mask)) {
			/* not a bit set: the whole item is left out */
			if (key >= 0)
				lr->exp_have &= ~(1u << key);
			else
				lr->res_have &= ~(1u << op);
			snprintf(bits, sizeof(bits), "all of it");
		} else if (key >= 0 && kmv_key_list((enum kmv_key)key)) {
			kmc_list_format(kmv_key_list((enum kmv_key)key), mask, bits, sizeof(bits));
		} else {
			kmc_list_format(&kmc_ac_names, mask, bits, sizeof(bits));
		}
		if (key >= 0)
			snprintf(what, sizeof(what), "%s", kmv_key_names[key]);
		else
			kmv_format_op(r, (unsigned int)op, what, sizeof(what));
		append(notes, nlen, "%s:%u: %s: not compared: %s (%s)\n", r->file,
		       key >= 0 ? r->exp_line[key] : r->op_line[op], what, bits, reason);
	}
	return 0;
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
	const struct opts *o = R->o;
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
		ret = live_expect(R, r, &lr, &obs, notes, sizeof(notes), why, sizeof(why));
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
		track_variants(R, r, &obs);
}

static int run_each(void *arg, const struct kmv_record *r)
{
	struct run *R = arg;

	if (stop_signal)
		return 1;	/* the group stays open: the reader sees it was cut */
	if (selected(R->o, r))
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
	struct hashing h = { .fd = in->fd >= 0 ? in->fd : in->spool, .spool = -1 };
	struct kmv_file f = { 0 };
	const struct kmv_file *e = &in->f;
	char msg[MSGLEN], name[300], sha[65];
	FILE *fp = NULL;
	int ret;

	ktap_group_begin(&R->k, in->name, in->nsel + (in->f.err != 0));
	if (h.fd >= 0 && in->nsel) {
		if (lseek(h.fd, 0, SEEK_SET) || !(fp = hashing_open(&h))) {
			input_error(in, -errno, "cannot read it again to run it: %s", strerror(errno));
		} else {
			ret = kmv_read_each(fp, in->path, KMV_CHECKS | KMV_NO_TRIVIA, R->ids, run_each, R,
					    &f, msg, sizeof(msg));
			if (ret > 0) {
				fclose(fp);
				kmv_file_free(&f);
				return;	/* stopped by a signal */
			}
			if (ret)
				hashing_drain(fp, h.fd);
			if (f.err)
				e = &f;
			kr_sha256_hex(&h.sha, sha);
			if (ferror(fp) || (in->hashed && strcmp(sha, in->sha))) {
				/* what ran is not what was planned, listed and hashed: say so */
				snprintf(name, sizeof(name), "%s:changed", in->name);
				snprintf(msg, sizeof(msg), "%s: %s while kmc-run ran it (sha256 %.16s... "
					 "when planned, %.16s... when run)", in->path,
					 ferror(fp) ? "could not be read again" : "changed", in->sha, sha);
				ktap_result(&R->k, KTAP_ERROR, name, msg);
				if (R->results && kr_run_input_ran(R->results, in->path, sha))
					kr_run_log(R->results, "vector input %s: out of memory", in->path);
			}
			fclose(fp);
		}
	}
	if (e->err) {
		/* the file stopped here; say where, as a test of its own */
		snprintf(name, sizeof(name), "%s:%u", in->name, e->errline);
		ktap_result(&R->k, KTAP_ERROR, e->errline ? name : in->name,
			    e->errmsg ? e->errmsg : strerror(-e->err));
	}
	kmv_file_free(&f);
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

/* --known, $KMC_KNOWN, or the committed file when kmc-run runs from the tree */
static int load_known(const struct opts *o, struct run *R)
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

/* Backend facts (the kvm backend's live host) into run.json, with their sources */
static void record_fact(void *arg, const char *key, const char *value, const char *source,
			const char *note)
{
	char src[1024];

	snprintf(src, sizeof(src), "%s%s%s%s", source ? source : "-", note && *note ? " (" : "",
		 note && *note ? note : "", note && *note ? ")" : "");
	kr_run_fact(arg, "host", key, value, src);
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
static struct kr_run *open_results(const struct opts *o, struct run *R, struct input *in,
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
	if (R->kernel[0]) {
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
	struct opts o = { 0 };
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
	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	ret = load_known(&o, &R);
	if (ret) {
		free(o.ids.v);
		free(o.groups.v);
		free(o.profiles.v);
		free(o.inputs.v);
		return ret;
	}
	if (!strcmp(o.be->name, "kvm")) {
		struct utsname u;

		if (!uname(&u))
			snprintf(R.kernel, sizeof(R.kernel), "%s", u.release);
	}

	expand(&o.inputs, &in, &nin);
	/* vectors.tsv's lines wait in an unnamed file until the directory exists */
	if (o.results) {
		int fd = anon_file();

		if (fd < 0 || !(pl.tsv = fdopen(fd, "w+"))) {
			fprintf(stderr, "kmc-run: results: a temporary file: %s\n", strerror(errno));
			return 1;
		}
	}
	R.ids = plan_inputs(in, nin, &pl);
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
	R.prog.tty = isatty(STDERR_FILENO);
	R.prog.start = R.prog.last = now();
	R.prog.total = total;
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
		if (o.be->facts && run)
			o.be->facts(R.ctx, record_fact, run);
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
		print_variant_summary(&R);
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
	for (unsigned int i = 0; i < nin; i++) {
		kmv_file_free(&in[i].f);
		if (in[i].fd >= 0)
			close(in[i].fd);
		if (in[i].spool >= 0)
			close(in[i].spool);
		free(in[i].partial);
		free(in[i].path);
		free(in[i].name);
	}
	free(in);
	free(o.ids.v);
	free(o.groups.v);
	free(o.profiles.v);
	free(o.inputs.v);
	if (stopped) {
		/* die of the signal, as the shell expects (the handler was reset) */
		fflush(stdout);
		signal(stopped, SIG_DFL);
		raise(stopped);
	}
	return ret;
}
