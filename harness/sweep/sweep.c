// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc-run --sweep`: evaluate every scenario of every plane
 * (harness/sweep/sweep_planes.c) with the model and with ref, in memory, and
 * compare all observations.  Disagreements are counted per plane and per
 * observation; the first few of each plane are printed as vector records
 * that `kmc fill` / `kmc-run` can take, with both answers in comments.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kmv.h"
#include "ref.h"
#include "sweep.h"

#define MAX_EXAMPLES	64
#define MAX_JOBS	64
#define NITEMS		(KMV_K_NR + 2)	/* keys, "ops", "eval" */
#define ITEM_OPS	KMV_K_NR
#define ITEM_EVAL	(KMV_K_NR + 1)

static const char usage_text[] =
"Usage: kmc-run --sweep [OPTIONS]\n"
"\n"
"Compare the model and ref over the full product of the inputs that decide\n"
"each rule, in memory (no vector files).  The space is made of planes, each\n"
"the product of a few dimensions (see --list).  Prints one line per plane\n"
"and a closing line \"sweep: N scenarios, M disagreements\".\n"
"\n"
"Options:\n"
"      --plane NAME    only this plane (repeatable)\n"
"      --list          list the planes, their dimensions and sizes, and exit\n"
"      --stride N      evaluate every Nth scenario of each plane (default 1)\n"
"  -j, --jobs N        threads (default: online CPUs, at most 64)\n"
"      --examples N    print up to N disagreements per plane (default 5)\n"
"      --bench         instead of comparing, time the model alone and ref\n"
"                      alone on one thread over the same scenarios\n"
"  -q, --quiet         only the closing line and disagreements\n"
"  -h, --help          print this help and exit\n"
"\n"
"Exit status: 0 no disagreement, 1 disagreements, 64 usage error.\n";

struct sw_opts {
	const struct sw_plane *sel[32];
	unsigned int nsel;
	uint64_t stride;
	unsigned int jobs, examples;
	int quiet, bench;
};

/* What one thread found in its share of a plane */
struct sw_part {
	const struct sw_plane *pl;
	uint64_t first, last, stride;	/* indices first, first+stride, ... < last */
	unsigned int max_examples;
	uint64_t done, bad;
	uint64_t per_item[NITEMS];
	/* per item, the smallest disagreeing indices, ascending */
	uint64_t ex[NITEMS][MAX_EXAMPLES];
	unsigned int nex[NITEMS];
};

static int fast_equal(const struct kmc_obs *a, const struct kmc_obs *b, unsigned int nops)
{
	if (a->bugs != b->bugs || a->host_feat != b->host_feat || a->host_state != b->host_state ||
	    a->l1tf_vmx != b->l1tf_vmx || a->kvm_arch_cap != b->kvm_arch_cap ||
	    a->vcpu_arch_cap != b->vcpu_arch_cap || a->kvm_cpuid != b->kvm_cpuid ||
	    a->kvm_emul_cpuid != b->kvm_emul_cpuid || a->fb_clear_ctrl != b->fb_clear_ctrl ||
	    a->disable_fb_clear != b->disable_fb_clear || a->cpu_caps != b->cpu_caps ||
	    a->findings != b->findings || a->spec_ctrl != b->spec_ctrl || strcmp(a->sysfs_mds, b->sysfs_mds) ||
	    strcmp(a->sysfs_taa, b->sysfs_taa) || strcmp(a->sysfs_mmio, b->sysfs_mmio))
		return 0;
	for (unsigned int i = 0; i < nops; i++) {
		const struct kmc_result *x = &a->res[i], *y = &b->res[i];

		if (x->kind != y->kind || x->exit != y->exit || x->n != y->n || x->err != y->err ||
		    x->value != y->value)
			return 0;
	}
	return 1;
}

/* Which items differ, in vector-file spelling (the slow, exact comparison) */
static uint32_t diff_items(const struct kmc_obs *a, const struct kmc_obs *b,
			   const struct kmc_scenario *s)
{
	char x[KMV_VALMAX], y[KMV_VALMAX];
	uint32_t d = 0;

	for (unsigned int k = 0; k < KMV_K_NR; k++) {
		kmv_format_key(k, a, x, sizeof(x));
		kmv_format_key(k, b, y, sizeof(y));
		if (strcmp(x, y))
			d |= 1u << k;
	}
	for (unsigned int i = 0; i < s->nops; i++) {
		kmv_format_result(s->ops[i].kind, &a->res[i], x, sizeof(x));
		kmv_format_result(s->ops[i].kind, &b->res[i], y, sizeof(y));
		if (strcmp(x, y))
			d |= 1u << ITEM_OPS;
	}
	return d;
}

/* Evaluate scenario @i of @pl both ways; the differing items, 0 if none */
static uint32_t compare_one(const struct sw_plane *pl, uint64_t i, struct sw_ctx *c,
			    struct kmc_obs *m, struct kmc_obs *r)
{
	struct ref_opts ro;
	int em, er;

	sw_plane_build(pl, i, c);
	ro = (struct ref_opts){ .kver = c->p->kver };
	em = kmc_model_eval(c->p, &c->s, m);
	er = ref_eval(&ro, &c->s, r);
	if (em || er)
		return (em < 0) == (er < 0) ? 0 : 1u << ITEM_EVAL;
	if (fast_equal(m, r, c->s.nops))
		return 0;
	return diff_items(m, r, &c->s);
}

static void keep_example(struct sw_part *w, unsigned int k, uint64_t i)
{
	if (w->nex[k] < w->max_examples)
		w->ex[k][w->nex[k]++] = i;
}

static void *run_part(void *arg)
{
	struct sw_part *w = arg;
	struct sw_ctx c;
	struct kmc_obs m, r;

	for (uint64_t i = w->first; i < w->last; i += w->stride) {
		uint32_t d = compare_one(w->pl, i, &c, &m, &r);

		w->done++;
		if (!d)
			continue;
		w->bad++;
		for (unsigned int k = 0; k < NITEMS; k++)
			if (d & (1u << k)) {
				w->per_item[k]++;
				keep_example(w, k, i);
			}
	}
	return NULL;
}

static const char *item_name(unsigned int k)
{
	return k == ITEM_OPS ? "op results" : k == ITEM_EVAL ? "evaluation (one side refused)" :
	       kmv_key_names[k];
}

/* The record that reproduces a disagreement, both answers as comments */
static void print_example(const struct sw_plane *pl, uint64_t i)
{
	struct sw_ctx c;
	struct kmc_obs m, r;
	char id[96], x[KMV_VALMAX], y[KMV_VALMAX];
	uint32_t d = compare_one(pl, i, &c, &m, &r);

	snprintf(id, sizeof(id), "sweep.%s.%llu", pl->name, (unsigned long long)i);
	printf("\n");
	kmv_write_scenario(stdout, id, c.p, &c.s);
	if (d & (1u << ITEM_EVAL)) {
		printf("  # model and ref disagree on whether this scenario can be evaluated\n");
		return;
	}
	for (unsigned int k = 0; k < KMV_K_NR; k++) {
		if (!(d & (1u << k)))
			continue;
		kmv_format_key(k, &m, x, sizeof(x));
		kmv_format_key(k, &r, y, sizeof(y));
		printf("  # %s: model %s, ref %s\n", kmv_key_names[k], x, y);
	}
	for (unsigned int k = 0; k < c.s.nops; k++) {
		kmv_format_result(c.s.ops[k].kind, &m.res[k], x, sizeof(x));
		kmv_format_result(c.s.ops[k].kind, &r.res[k], y, sizeof(y));
		if (strcmp(x, y))
			printf("  # op %u (%s): model %s, ref %s\n", k + 1,
			       kmc_name(&kmc_op_names, c.s.ops[k].kind), x, y);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A scenario that disagrees on several items is printed once */
static void print_once(const struct sw_plane *pl, uint64_t i, uint64_t *printed,
		       unsigned int *n)
{
	for (unsigned int k = 0; k < *n; k++)
		if (printed[k] == i)
			return;
	printed[(*n)++] = i;
	print_example(pl, i);
}

/* Run one plane on @o->jobs threads and merge; returns its disagreements */
static uint64_t run_plane(const struct sw_opts *o, const struct sw_plane *pl, uint64_t *done)
{
	struct sw_part part[MAX_JOBS];
	pthread_t tid[MAX_JOBS];
	uint64_t n = sw_plane_size(pl), steps = (n + o->stride - 1) / o->stride;
	uint64_t bad = 0, per_item[NITEMS] = { 0 }, printed[NITEMS * MAX_EXAMPLES];
	unsigned int jobs = o->jobs, nprinted = 0;
	double t = now();

	if ((uint64_t)jobs > steps)
		jobs = steps ? (unsigned int)steps : 1;
	for (unsigned int j = 0; j < jobs; j++) {
		uint64_t a = steps * j / jobs, b = steps * (j + 1) / jobs;

		part[j] = (struct sw_part){ .pl = pl, .first = a * o->stride,
					    .last = b * o->stride < n ? b * o->stride : n,
					    .stride = o->stride, .max_examples = o->examples };
		if (pthread_create(&tid[j], NULL, run_part, &part[j])) {
			run_part(&part[j]);	/* no thread: do it here */
			tid[j] = 0;
		}
	}
	*done = 0;
	for (unsigned int j = 0; j < jobs; j++) {
		if (tid[j])
			pthread_join(tid[j], NULL);
		*done += part[j].done;
		bad += part[j].bad;
		for (unsigned int k = 0; k < NITEMS; k++)
			per_item[k] += part[j].per_item[k];
	}
	if (!o->quiet || bad) {
		printf("plane %-17s %12llu scenarios%s, %llu disagreement%s, %.1f s\n", pl->name,
		       (unsigned long long)*done, o->stride > 1 ? " (strided)" : "",
		       (unsigned long long)bad, bad == 1 ? "" : "s", now() - t);
		for (unsigned int k = 0; k < NITEMS; k++)
			if (per_item[k])
				printf("  %-32s %llu\n", item_name(k), (unsigned long long)per_item[k]);
	}
	/*
	 * For each item, the first disagreements: parts are in index order and
	 * each keeps its smallest, so the first ones found are the first overall.
	 */
	for (unsigned int k = 0; k < NITEMS; k++) {
		unsigned int shown = 0;

		for (unsigned int j = 0; j < jobs && shown < o->examples; j++)
			for (unsigned int e = 0; e < part[j].nex[k] && shown < o->examples; e++, shown++)
				print_once(pl, part[j].ex[k][e], printed, &nprinted);
		if (shown)
			printf("\n");
	}
	fflush(stdout);
	return bad;
}

static void list_planes(void)
{
	uint64_t total = 0;

	for (const struct sw_plane *const *p = sw_planes; *p; p++) {
		uint64_t n = sw_plane_size(*p);

		total += n;
		printf("%-17s %12llu  %s\n   ", (*p)->name, (unsigned long long)n, (*p)->what);
		for (const struct sw_dim *const *d = (*p)->dims; *d; d++)
			printf(" %s(%u)", (*d)->name, (*d)->n);
		printf("\n");
	}
	printf("%-17s %12llu\n", "total", (unsigned long long)total);
}

static int parse_num(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *v < 1 || *v > max ? -1 : 0;
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "kmc-run --sweep: %s '%s' (kmc-run --sweep --help)\n", what, arg);
	return 64;	/* kmc-run's usage error (EX_USAGE): kselftest reads 2 as XFAIL */
}

static int parse_sweep_args(int argc, char **argv, struct sw_opts *o)
{
	enum { O_PLANE = 256, O_LIST, O_STRIDE, O_EXAMPLES, O_BENCH };
	static const struct option lopts[] = {
		{ "plane", required_argument, NULL, O_PLANE },
		{ "list", no_argument, NULL, O_LIST },
		{ "stride", required_argument, NULL, O_STRIDE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "examples", required_argument, NULL, O_EXAMPLES },
		{ "bench", no_argument, NULL, O_BENCH },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long v;
	int c;

	o->stride = 1;
	o->examples = 5;
	o->jobs = cpus < 1 ? 1 : cpus > MAX_JOBS ? MAX_JOBS : (unsigned int)cpus;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:qh", lopts, NULL)) != -1) {
		switch (c) {
		case O_PLANE: {
			const struct sw_plane *const *p = sw_planes;

			while (*p && strcmp((*p)->name, optarg))
				p++;
			if (!*p)
				return usage_error("unknown plane (see --list)", optarg);
			if (o->nsel < sizeof(o->sel) / sizeof(o->sel[0]))
				o->sel[o->nsel++] = *p;
			break;
		}
		case O_LIST:
			list_planes();
			exit(0);
		case O_STRIDE:
			if (parse_num(optarg, 1000000000ULL, &v))
				return usage_error("--stride wants a number from 1", optarg);
			o->stride = v;
			break;
		case 'j':
			if (parse_num(optarg, MAX_JOBS, &v))
				return usage_error("--jobs wants a number from 1 to 64", optarg);
			o->jobs = (unsigned int)v;
			break;
		case O_EXAMPLES:
			if (!strcmp(optarg, "0"))
				v = 0;
			else if (parse_num(optarg, MAX_EXAMPLES, &v))
				return usage_error("--examples wants a number from 0 to 64", optarg);
			o->examples = (unsigned int)v;
			break;
		case O_BENCH:
			o->bench = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			return usage_error("option needs an argument:", argv[optind - 1]);
		default:
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	return 0;
}

static int want_plane(const struct sw_opts *o, const struct sw_plane *pl)
{
	if (!o->nsel)
		return 1;
	for (unsigned int k = 0; k < o->nsel; k++)
		if (o->sel[k] == pl)
			return 1;
	return 0;
}

enum bench_side { B_BUILD, B_MODEL, B_REF };

/* Time one side over the selected planes, one thread; scenarios done */
static uint64_t bench_side(const struct sw_opts *o, enum bench_side side, double *secs)
{
	struct sw_ctx c;
	struct kmc_obs obs;
	uint64_t n = 0;
	double t = now();

	for (const struct sw_plane *const *p = sw_planes; *p; p++) {
		uint64_t size = sw_plane_size(*p);

		if (!want_plane(o, *p))
			continue;
		for (uint64_t i = 0; i < size; i += o->stride, n++) {
			struct ref_opts ro;

			sw_plane_build(*p, i, &c);
			if (side == B_MODEL) {
				kmc_model_eval(c.p, &c.s, &obs);
			} else if (side == B_REF) {
				ro = (struct ref_opts){ .kver = c.p->kver };
				ref_eval(&ro, &c.s, &obs);
			}
		}
	}
	*secs = now() - t;
	return n;
}

static int run_bench(const struct sw_opts *o)
{
	static const char *const what[] = { "scenario construction", "model", "ref" };
	double secs[3];
	uint64_t n = 0;

	for (int s = B_BUILD; s <= B_REF; s++)
		n = bench_side(o, (enum bench_side)s, &secs[s]);
	for (int s = B_BUILD; s <= B_REF; s++) {
		double net = s == B_BUILD ? secs[s] : secs[s] - secs[B_BUILD];

		printf("bench %-22s %10llu scenarios  %7.2f s  %12.0f scenarios/s%s\n", what[s],
		       (unsigned long long)n, secs[s], net > 0 ? (double)n / net : 0.0,
		       s == B_BUILD ? "" : " (construction subtracted)");
	}
	return 0;
}

int kmc_sweep_main(int argc, char **argv)
{
	struct sw_opts o = { 0 };
	uint64_t total = 0, bad = 0;
	unsigned int nplanes = 0;
	double t = now();
	int ret = parse_sweep_args(argc, argv, &o);

	if (ret)
		return ret;
	if (o.bench)
		return run_bench(&o);
	for (const struct sw_plane *const *p = sw_planes; *p; p++) {
		uint64_t done;

		if (!want_plane(&o, *p))
			continue;
		bad += run_plane(&o, *p, &done);
		total += done;
		nplanes++;
	}
	printf("sweep: %llu scenarios in %u plane%s%s, %llu disagreement%s (model vs ref), %.1f s\n",
	       (unsigned long long)total, nplanes, nplanes == 1 ? "" : "s",
	       o.stride > 1 ? " (strided)" : "", (unsigned long long)bad, bad == 1 ? "" : "s",
	       now() - t);
	return bad ? 1 : 0;
}
