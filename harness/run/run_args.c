// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run's command line (run_args.h); docs/kmc-run.md says more.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"
#include "run_args.h"
#include "version.h"

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

void strv_push(struct strv *s, char *str)
{
	char **v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v || !str) {
		fprintf(stderr, "kmc-run: out of memory\n");
		exit(1);
	}
	s->v = v;
	s->v[s->n++] = str;
}

int run_usage_error(const char *fmt, ...)
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
	return run_usage_error("unknown backend '%s' (built: %s)", name, built);
}

int run_parse_args(int argc, char **argv, struct run_opts *o)
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
				return run_usage_error("unknown profile '%s' (see kmc profiles)", optarg);
			strv_push(&o->profiles, optarg);
			break;
		case O_VARIANT: {
			const struct ref_variant_info *v = find_variant(optarg);

			if (!v)
				return run_usage_error("unknown variant '%s' (see kmc-run --list-variants)",
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
				return run_usage_error("--kernel-variant %s: %s (see kmc names variants)", optarg, err);
			if (v & ~(uint64_t)kmc_model_variants) {
				kmc_list_format(&kmc_variant_names, v & ~(uint64_t)kmc_model_variants, names,
						sizeof(names));
				return run_usage_error("--kernel-variant: the model does not have %s (kmc-run --list-variants)",
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
			return run_usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			return run_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->be = kmc_backend_find(backend);
	if (!o->be)
		return backend_error(backend);
	if (o->variants && !o->be->has_variants)
		return run_usage_error("--variant needs --backend ref");
	if (o->kvariants && !o->be->live)
		return run_usage_error("--kernel-variant needs --backend kvm (a running kernel)");
	if (optind == argc)
		return run_usage_error("no vector files given (e.g. kmc-run vectors/)");
	for (int i = optind; i < argc; i++)
		strv_push(&o->inputs, argv[i]);
	return 0;
}

void run_opts_free(struct run_opts *o)
{
	free(o->ids.v);
	free(o->groups.v);
	free(o->profiles.v);
	free(o->inputs.v);
}
