// SPDX-License-Identifier: GPL-2.0
/*
 * kmc: the model's command line -- fill vector files, show what the model
 * says about them, and list what it knows (profiles, CPUs, names).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmv.h"
#include "ktap.h"
#include "migrate.h"
#include "names.h"
#include "qemu_models.h"
#include "source_check.h"
#include "kmc_cmd.h"
#include "version.h"

#define MSGLEN 1024

static const char usage_text[] =
"Usage: kmc COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  fill [FILE...]          read vector files (stdin if none), fill every\n"
"                          `expect KEY` without a value and every op without\n"
"                          `-> RESULT` from the model, print the canonical file\n"
"                          on stdout (several FILEs come out as one file, and\n"
"                          nothing comes out if any record fails); records\n"
"                          with `reject` are checked to be rejected and passed\n"
"                          through as written\n"
"  eval [FILE...]          print every observation the model makes for each\n"
"                          vector (stdin if no FILE)\n"
"  decode VALUE...         names of the MSR 0x10a bits set in each VALUE\n"
"  profiles                kernel profiles, how each is known (booted in the\n"
"                          labs, its source read, or list mails only), each\n"
"                          behaviour flag with the releases that have it, and\n"
"                          the releases not established\n"
"  profile-for RELEASE [VERSION]\n"
"                          the profile for `uname -r` [and `uname -v`]; a\n"
"                          warning goes to stderr when the match is not exact\n"
"  cpus                    the CPU catalog (names for `host cpu=`)\n"
"  fms                     the CPUs the model's host bug tables name: each\n"
"                          whitelist/blacklist entry and Zen model range as\n"
"                          vendor, family, models, steppings (`any`: all)\n"
"  names TOPIC             the names vector files use; TOPIC is one of\n"
"                          features, bugs, arch-cap, ops, host-state, findings,\n"
"                          l1tf-vmx, exit-reasons, quirks, variants, errnos, keys\n"
"  migrate --from HOST --to HOST [OPTIONS]\n"
"                          what changes for a guest configured on one host when\n"
"                          it moves to another (lkml 000): 0x10a bits and CPUID\n"
"                          features the destination's KVM does not advertise,\n"
"                          what the guest's VERW does on each side, and whether\n"
"                          QEMU's FB_CLEAR fix applies.  HOST is the tokens of a\n"
"                          vector's host line, e.g. 'cpu=sapphirerapids tsx=off'.\n"
"                          Options: --profile P (both sides, default 6.1),\n"
"                          --from-profile P, --to-profile P, --guest-ac VALUE,\n"
"                          --guest-cpuid LIST (default: the source KVM's values),\n"
"                          --variant NAME (both kernels carry a proposed change\n"
"                          the model has, see kmc-run --list-variants; repeatable),\n"
"                          --answer-ac 1 (the destination's VMM stores KVM's own\n"
"                          0x10a and answers the guest's RDMSR with the guest's\n"
"                          value from an MSR filter: stored vs seen).\n"
"                          Exit 0: nothing changes, 1: something does\n"
"  qemu-models --host HOST [--profile P] [--qemu VERSION] [--data DIR] [--json]\n"
"                          QEMU's named CPU models (every version QEMU lists,\n"
"                          asked of QEMU itself: data/qemu/, docs/qemu-models.md)\n"
"                          started on HOST's KVM under profile P (default 6.1):\n"
"                          the 0x10a bits and modelled CPUID features KVM lacks\n"
"                          (QEMU drops them, or refuses the start with\n"
"                          enforce), what the guest reads in 0x10a, whether\n"
"                          its VERW clears the fill buffers, the findings, and\n"
"                          whether that QEMU synthesises FB_CLEAR.  HOST as for\n"
"                          migrate.  --qemu picks one QEMU by version prefix\n"
"                          (default: every file in DIR, default data/qemu).\n"
"                          --observed FILE: KTAP of the predictions against a\n"
"                          lab's enforce starts (harness/tools/qemu/lab-enforce.sh);\n"
"                          exit 1 when one differs\n"
"  source-check [--tables DIR] [LINE...]\n"
"                          the model's and ref's vulnerability tables,\n"
"                          KVM_SUPPORTED_ARCH_CAP, ARCH_CAP_* and X86_BUG_*\n"
"                          names and vulnerabilities files against those\n"
"                          extracted from each kernel line's source\n"
"                          (DIR/linux-LINE.h, default DIR ref/tables, default\n"
"                          every line there; docs/source-check.md); KTAP on\n"
"                          stdout, exit 1 on any mismatch\n"
"  help, -h, --help        print this help\n"
"  --version               print the version\n"
"\n"
"Exit status: 0 success, 1 a vector or value could not be handled (the\n"
"message names FILE:LINE; migrate: something changes), 64 usage error\n"
"(EX_USAGE; never 2 or 3, which kselftest reads as XFAIL and XPASS).\n";

/* ---- reading vector files ------------------------------------------------ */

/* Read FILE... (or stdin) into @f; the first error is printed */
static int read_all(int argc, char **argv, struct kmv_file **fp, unsigned int *np)
{
	unsigned int n = argc ? (unsigned int)argc : 1;
	struct kmv_file *f = calloc(n, sizeof(*f));
	struct kmv_idset *ids = kmv_idset_new();
	char msg[MSGLEN];
	int ret = 0;

	if (!f || !ids) {
		fprintf(stderr, "kmc: out of memory\n");
		free(f);
		kmv_idset_free(ids);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n && !ret; i++) {
		ret = argc ? kmv_read_file(argv[i], KMV_REQUESTS, ids, &f[i], msg, sizeof(msg))
			   : kmv_read(stdin, "<stdin>", KMV_REQUESTS, ids, &f[i], msg, sizeof(msg));
		if (ret)
			fprintf(stderr, "kmc: %s\n", msg);
	}
	kmv_idset_free(ids);
	*fp = f;
	*np = n;
	return ret;
}

static void free_all(struct kmv_file *f, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		kmv_file_free(&f[i]);
	free(f);
}

static int eval_record(const struct kmv_record *r, struct kmc_obs *o)
{
	int ret;

	if (r->live) {
		fprintf(stderr, "kmc: %s:%u: vector '%s': host 'live' cannot be evaluated by the model\n",
			r->file, r->host_line, r->id);
		return -EINVAL;
	}
	memset(o, 0, sizeof(*o));
	ret = kmc_model_eval(r->profile, &r->sc, o);
	if (ret < 0)
		fprintf(stderr, "kmc: %s:%u: vector '%s': the model cannot evaluate it (%s)\n",
			r->file, r->line, r->id, strerror(-ret));
	return ret;
}

/* ---- kmc fill ----------------------------------------------------------- */

static int fill_record(struct kmv_record *r)
{
	uint32_t unfilled = 0;
	struct kmc_obs o;
	char msg[MSGLEN];

	if (r->reject) {
		if (kmv_reject_ok(r, msg, sizeof(msg)))
			return 0;
		fprintf(stderr, "kmc: %s\n", msg);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < r->sc.nops; i++)
		if (!(r->res_have & (1u << i)))
			unfilled |= 1u << i;
	if (!r->exp_req && !unfilled)
		return 0;
	if (eval_record(r, &o))
		return -EINVAL;
	for (unsigned int k = 0; k < KMV_K_NR; k++) {
		if (!(r->exp_req & (1u << k)))
			continue;
		if (kmv_key_writable((enum kmv_key)k, &o, msg, sizeof(msg))) {
			fprintf(stderr, "kmc: %s:%u: %s\n", r->file, r->exp_line[k], msg);
			return -EINVAL;
		}
		kmv_copy_key((enum kmv_key)k, &r->exp, &o);
		r->exp_have |= 1u << k;
	}
	r->exp_req = 0;
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		if (!(unfilled & (1u << i)))
			continue;
		if (i >= o.nres || o.res[i].kind == KMC_RES_NONE) {
			fprintf(stderr, "kmc: %s:%u: the model gave no result for this op\n",
				r->file, r->op_line[i]);
			return -EINVAL;
		}
		if (kmv_result_writable(r->sc.ops[i].kind, &o.res[i], msg, sizeof(msg))) {
			fprintf(stderr, "kmc: %s:%u: %s\n", r->file, r->op_line[i], msg);
			return -EINVAL;
		}
		r->exp.res[i] = o.res[i];
		r->res_have |= 1u << i;
	}
	return 0;
}

static int cmd_fill(int argc, char **argv)
{
	struct kmv_file *f;
	unsigned int n;
	int ret = read_all(argc, argv, &f, &n);

	for (unsigned int i = 0; i < n && !ret; i++)
		for (unsigned int k = 0; k < f[i].nrecs && !ret; k++)
			ret = fill_record(&f[i].recs[k]);
	/* all or nothing: a partly filled file is worse than none */
	if (!ret && kmv_write_all(stdout, f, n)) {
		fprintf(stderr, "kmc: write error on stdout\n");
		ret = -EIO;
	}
	free_all(f, n);
	return ret ? 1 : 0;
}

/* ---- kmc eval ----------------------------------------------------------- */

static void print_obs(const struct kmv_record *r, const struct kmc_obs *o)
{
	char val[KMV_VALMAX], names[KMV_VALMAX], op[256];

	for (unsigned int k = 0; k < KMV_K_NR; k++) {
		kmv_format_key((enum kmv_key)k, o, val, sizeof(val));
		printf("  %-22s %s", kmv_key_names[k], val);
		if (k == KMV_K_KVM_ARCH_CAP || k == KMV_K_VCPU_ARCH_CAP) {
			kmc_list_format(&kmc_ac_names, k == KMV_K_KVM_ARCH_CAP ?
					o->kvm_arch_cap : o->vcpu_arch_cap, names, sizeof(names));
			printf("  (%s)", names);
		}
		putchar('\n');
	}
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		kmv_format_op(r, i, op, sizeof(op));
		if (i < o->nres)
			kmv_format_result(r->sc.ops[i].kind, &o->res[i], val, sizeof(val));
		else
			snprintf(val, sizeof(val), "(not run)");
		printf("  %-*s -> %s", KMV_RESULT_COL - 4, op, val);
		if (r->sc.ops[i].kind == KMC_OP_GET_MSR || r->sc.ops[i].kind == KMC_OP_RDMSR ||
		    r->sc.ops[i].kind == KMC_OP_GET_FEATURE) {
			if (i < o->nres && r->sc.ops[i].index == KMC_MSR_ARCH_CAPABILITIES &&
			    (o->res[i].kind == KMC_RES_VALUE ||
			     (o->res[i].kind == KMC_RES_NMSRS && o->res[i].n))) {
				kmc_list_format(&kmc_ac_names, o->res[i].value, names, sizeof(names));
				printf("  (%s)", names);
			}
		}
		putchar('\n');
	}
}

static int cmd_eval(int argc, char **argv)
{
	struct kmv_file *f;
	unsigned int n;
	int ret = read_all(argc, argv, &f, &n), bad = 0;
	char msg[MSGLEN];

	for (unsigned int i = 0; i < n && !ret; i++)
		for (unsigned int k = 0; k < f[i].nrecs; k++) {
			const struct kmv_record *r = &f[i].recs[k];
			struct kmc_obs o;

			if (r->reject) {
				int ok = kmv_reject_ok(r, msg, sizeof(msg));

				printf("%s: %s: %s\n\n", r->id, ok ? "rejected as expected" : "NOT as expected",
				       msg);
				bad |= !ok;
				continue;
			}
			printf("%s (profile %s, %s:%u)\n", r->id, r->profile->name, r->file, r->line);
			if (eval_record(r, &o)) {
				bad = 1;
				putchar('\n');
				continue;
			}
			print_obs(r, &o);
			putchar('\n');
		}
	free_all(f, n);
	return ret || bad ? 1 : 0;
}

static int cmd_qemu_models(int argc, char **argv)
{
	struct kmc_qemu_models_args a = { .profile = "6.1", .data_dir = "data/qemu" };
	char err[MSGLEN];
	int ret;

	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--json")) {
			a.json = 1;
			continue;
		}
		if (strcmp(opt, "--host") && strcmp(opt, "--profile") && strcmp(opt, "--qemu") &&
		    strcmp(opt, "--data") && strcmp(opt, "--observed"))
			return kmc_usage("qemu-models: unknown option '%s'", opt);
		if (!val)
			return kmc_usage("qemu-models: option '%s' needs a value", opt);
		i++;
		if (!strcmp(opt, "--host"))
			a.host = val;
		else if (!strcmp(opt, "--profile"))
			a.profile = val;
		else if (!strcmp(opt, "--qemu"))
			a.qemu = val;
		else if (!strcmp(opt, "--observed"))
			a.observed = val;
		else
			a.data_dir = val;
	}
	if (!a.host)
		return kmc_usage("qemu-models needs --host HOST (e.g. cpu=sapphirerapids)%s", "");
	if (a.observed && (a.json || a.qemu))
		return kmc_usage("qemu-models: --observed takes the QEMU version from its file,"
			     " and prints KTAP%s", "");
	ret = a.observed ? kmc_qemu_check(stdout, &a, err, sizeof(err)) :
			   kmc_qemu_models(stdout, &a, err, sizeof(err));
	if (ret == 1)
		return 1;	/* --observed: a start differs from the prediction */
	if (ret) {
		fprintf(stderr, "kmc: qemu-models: %s\n", err);
		return ret == -EINVAL ? KTAP_EXIT_USAGE : 1;
	}
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct kmc_migrate_args a = { .from_profile = NULL, .to_profile = NULL };
	const char *both = "6.1";
	char err[MSGLEN];
	int ret;

	for (int i = 0; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return kmc_usage("migrate: option '%s' needs a value", opt);
		i++;
		if (!strcmp(opt, "--from")) {
			a.from = val;
		} else if (!strcmp(opt, "--to")) {
			a.to = val;
		} else if (!strcmp(opt, "--profile")) {
			both = val;
		} else if (!strcmp(opt, "--from-profile")) {
			a.from_profile = val;
		} else if (!strcmp(opt, "--to-profile")) {
			a.to_profile = val;
		} else if (!strcmp(opt, "--guest-ac")) {
			if (kmc_parse_u64(val, &a.guest_ac))
				return kmc_usage("migrate: --guest-ac wants a number, got '%s'", val);
			a.has_guest_ac = 1;
		} else if (!strcmp(opt, "--variant")) {
			int v = kmc_name_index(&kmc_variant_names, val);

			if (v < 0)
				return kmc_usage("migrate: unknown variant '%s' (see kmc names variants)", val);
			a.variants |= 1u << v;
		} else if (!strcmp(opt, "--answer-ac")) {
			if (strcmp(val, "0") && strcmp(val, "1"))
				return kmc_usage("migrate: --answer-ac wants 0 or 1, got '%s'", val);
			a.answer_ac = val[0] == '1';
		} else if (!strcmp(opt, "--guest-cpuid")) {
			if (kmc_list_parse(&kmc_feat_names, val, &a.guest_cpuid, err, sizeof(err)))
				return kmc_usage("migrate: --guest-cpuid: %s", err);
			a.has_guest_cpuid = 1;
		} else {
			return kmc_usage("migrate: unknown option '%s'", opt);
		}
	}
	if (!a.from || !a.to)
		return kmc_usage("migrate needs --from HOST and --to HOST%s", "");
	a.from_profile = a.from_profile ? a.from_profile : both;
	a.to_profile = a.to_profile ? a.to_profile : both;
	ret = kmc_migrate(stdout, &a, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "kmc: migrate: %s\n", err);
		return KTAP_EXIT_USAGE;	/* a HOST or option it cannot use */
	}
	return ret;
}

/* The lines whose data files are in @dir: linux-LINE.h, sorted */
static int data_lines(const char *dir, glob_t *g)
{
	char pat[PATH_MAX];

	snprintf(pat, sizeof(pat), "%s/linux-*.h", dir);
	return glob(pat, 0, NULL, g);
}

static int cmd_source_check(int argc, char **argv)
{
	const char *dir = "ref/tables";
	struct source_check_totals t = { 0 };
	struct kst_source *s = malloc(sizeof(*s));
	char path[PATH_MAX], err[512];
	glob_t g = { 0 };
	unsigned int nlines, bad = 0;
	int i = 0;

	if (!s)
		return 1;
	if (argc >= 1 && !strcmp(argv[0], "--tables")) {
		if (argc < 2) {
			free(s);
			return kmc_usage("source-check: --tables needs a directory%s", "");
		}
		dir = argv[1];
		i = 2;
	}
	for (int j = i; j < argc; j++)
		if (argv[j][0] == '-') {
			free(s);
			return kmc_usage("source-check: unknown option '%s'", argv[j]);
		}
	if (i == argc && data_lines(dir, &g)) {
		fprintf(stderr, "kmc: source-check: no %s/linux-*.h (make source-tables writes them)\n", dir);
		free(s);
		return 1;
	}
	nlines = i < argc ? (unsigned int)(argc - i) : (unsigned int)g.gl_pathc;
	printf("KTAP version 1\n1..%u\n", nlines);
	for (unsigned int n = 0; n < nlines; n++) {
		const struct kmc_profile *p;

		if (i < argc)
			snprintf(path, sizeof(path), "%s/linux-%s.h", dir, argv[i + (int)n]);
		else
			snprintf(path, sizeof(path), "%s", g.gl_pathv[n]);
		if (kst_read(path, s, err, sizeof(err))) {
			printf("# %s\nnot ok %u %s # ERROR cannot read it\n", err, n + 1, path);
			bad++;
			continue;
		}
		p = kmc_profile_find(s->line);
		if (!p) {
			printf("not ok %u %s # ERROR no kmc profile named %s (kmc profiles)\n", n + 1,
			       s->line, s->line);
			bad++;
			continue;
		}
		source_check_line(stdout, n + 1, s, p, &t);
	}
	printf("# source-check: %u lines, %u rows and names compared, %lu CPUs probed, %u mismatches%s\n",
	       nlines, t.rows, t.probes, t.mismatches, bad ? ", some lines unreadable" : "");
	globfree(&g);
	free(s);
	return t.failed || bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int n = argc - 2;
	char **args = argv + 2;

	if (!cmd)
		return kmc_usage("missing COMMAND%s", "");
	if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("kmc %s (vector format kmv 1)\n", KMC_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "fill"))
		return cmd_fill(n, args);
	if (!strcmp(cmd, "eval"))
		return cmd_eval(n, args);
	if (!strcmp(cmd, "decode"))
		return kmc_cmd_decode(n, args);
	if (!strcmp(cmd, "profiles"))
		return n ? kmc_usage("profiles takes no arguments%s", "") : kmc_cmd_profiles();
	if (!strcmp(cmd, "profile-for"))
		return kmc_cmd_profile_for(n, args);
	if (!strcmp(cmd, "cpus"))
		return n ? kmc_usage("cpus takes no arguments%s", "") : kmc_cmd_cpus();
	if (!strcmp(cmd, "fms"))
		return n ? kmc_usage("fms takes no arguments%s", "") : kmc_cmd_fms();
	if (!strcmp(cmd, "names"))
		return kmc_cmd_names(n, args);
	if (!strcmp(cmd, "source-check"))
		return cmd_source_check(n, argv + 2);
	if (!strcmp(cmd, "migrate"))
		return cmd_migrate(n, args);
	if (!strcmp(cmd, "qemu-models"))
		return cmd_qemu_models(n, args);
	return kmc_usage("unknown command '%s'", cmd);
}
