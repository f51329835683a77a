// SPDX-License-Identifier: GPL-2.0
/*
 * Results directories end to end: kmc-run --results, the derived JUnit and
 * KCIDB files validated against their schemas (xmllint with Ant's JUnit
 * XSD, node-ajv with the KCIDB v5.3 schema), known divergences, and runs
 * killed by SIGKILL and SIGTERM in the middle.
 */
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include "derive.h"
#include "kr_test.h"
#include "ktap_parse.h"

static char *tmp;
static char vec[4300], big[4300];

/* Vectors the model fills at test time, so model changes do not break them */
static const char unfilled[] =
	"kmv 1\n"
	"vector host.mmio.spr-hidden.6-1 profile=6.1\n"
	"  host cpu=sapphirerapids ac=0x0c0000eb cpuid=+hypervisor smt=0\n"
	"  expect bugs\n"
	"  expect sysfs.mmio_stale_data\n"
	"\n"
	"vector vcpu.gate.epyc.7-2 profile=7.2\n"
	"  host cpu=epyc-rome\n"
	"  op set_msr 0x10a 0x5\n"
	"  op get_msr 0x10a\n"
	"  op rdmsr 0x10a\n"
	"\n"
	"vector fb.promise.spr.7-2 profile=7.2\n"
	"  host cpu=sapphirerapids\n"
	"  op set_cpuid arch_capabilities,md_clear,flush_l1d\n"
	"  op set_msr 0x10a 0x0\n"
	"  op run\n"
	"  expect findings\n";

/* ... and two the model cannot fill: a live one (SKIP) and a wrong one (FAIL) */
static const char extra[] =
	"\n"
	"vector vcpu.gate.live profile=7.2\n"
	"  host live\n"
	"  op rdmsr 0x10a -> gp\n"
	"\n"
	"vector kd.wrong.cascadelake.6-1 profile=6.1\n"
	"  host cpu=cascadelake\n"
	"  expect kvm.arch_cap=0x1\n";

static void setup(void)
{
	char in[4300];
	FILE *fp;

	tmp = kr_tmpdir();
	snprintf(in, sizeof(in), "%s/in.kmv", tmp);
	snprintf(vec, sizeof(vec), "%s/t.kmv", tmp);
	kr_write(in, unfilled);
	ck_assert_int_eq(kr_sh("'%s' fill '%s' > '%s'", kr_bin("kmc"), in, vec), 0);
	fp = fopen(vec, "a");
	ck_assert_ptr_nonnull(fp);
	fputs(extra, fp);
	fclose(fp);
	/* enough KTAP (~180 KB) to fill a pipe nobody reads */
	snprintf(big, sizeof(big), "%s/big.kmv", tmp);
	fp = fopen(big, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("kmv 1\n", fp);
	for (unsigned int i = 1; i <= 3000; i++)
		fprintf(fp, "\nvector big.live.v%u profile=7.2\n  host live\n  op rdmsr 0x10a -> gp\n", i);
	ck_assert_int_eq(fclose(fp), 0);
}

static void teardown(void)
{
	kr_rmrf(tmp);
	tmp = NULL;
}

static int junit_valid(const char *path)
{
	ck_assert_msg(kr_sh("command -v xmllint >/dev/null") == 0,
		      "xmllint missing (libxml2-utils: make deps)");
	return kr_sh("xmllint --noout --schema %s/JUnit.xsd '%s' >/dev/null 2>&1", KR_SCHEMAS, path) == 0;
}

static int kcidb_valid(const char *path)
{
	ck_assert_msg(kr_sh("NODE_PATH=/usr/share/nodejs node -e 'require(\"ajv\")' 2>/dev/null") == 0,
		      "node or node-ajv missing (make deps)");
	return kr_sh("NODE_PATH=/usr/share/nodejs node %s/validate-json.js %s/kcidb.v05_03.schema.json "
		     "'%s' >/dev/null 2>&1", KR_SCHEMAS, KR_SCHEMAS, path) == 0;
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[4400];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s:%d: %s", path, e.line, e.text);
	return j;
}

static const char *jget(json_t *j, const char *a, const char *b)
{
	json_t *o = json_object_get(j, a);

	if (b)
		o = json_object_get(o, b);
	return json_string_value(o);
}

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

START_TEST(a_clean_run_writes_a_full_directory)
{
	char dir[4300], p[4400], line[4500], *ktap, *set;
	static const char *const files[] = { "run.json", "kmc-run.ktap", "vectors.tsv", "junit.xml",
					     "kcidb.json", "summary.txt", "logs/kmc-run.log" };
	struct kt_doc d;
	json_t *run;

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	/* one FAIL among them: kmc-run exits 1, the directory is complete all the same */
	ck_assert_int_eq(kr_sh("'%s' -q --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       dir, vec), 1);
	for (unsigned int i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in(p, sizeof(p), dir, files[i]);
		ck_assert_msg(kr_exists(p), "%s missing", p);
	}
	run = load_json(dir, "run.json");
	ck_assert_str_eq(jget(run, "status", NULL), "complete");
	ck_assert(json_is_false(json_object_get(run, "interrupted")));
	ck_assert_int_eq(json_integer_value(json_object_get(run, "exit_code")), 1);
	ck_assert_str_eq(jget(run, "backend", NULL), "ref");
	ck_assert_str_eq(jget(run, "suite", "name"), "kmc");
	ck_assert_ptr_nonnull(jget(run, "suite", "version"));
	ck_assert_ptr_nonnull(jget(run, "end", NULL));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(run, "totals"), "pass")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(run, "totals"), "fail")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(run, "totals"), "findings")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(run, "vectors"), "selected")), 5);
	/* every runner fact says where it came from */
	{
		json_t *facts = json_object_get(json_object_get(run, "runner"), "facts"), *f;
		size_t i;

		ck_assert_int_ge(json_array_size(facts), 3);
		json_array_foreach(facts, i, f)
			ck_assert_ptr_nonnull(json_string_value(json_object_get(f, "source")));
	}
	/* the vector-set hash is `sha256sum t.kmv | sha256sum`, as coreutils computes it */
	snprintf(p, sizeof(p), "%s/set.sha256", tmp);
	ck_assert_int_eq(kr_sh("cd '%s' && sha256sum t.kmv | sha256sum | cut -c1-64 > '%s'", tmp, p), 0);
	set = kr_slurp(p);
	ck_assert_str_eq(jget(run, "vectors", "set_sha256"), strtok(set, "\n"));
	free(set);
	json_decref(run);

	/* -q printed only the failure on stdout; the directory has the full KTAP */
	path_in(p, sizeof(p), dir, "kmc-run.ktap");
	ktap = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(ktap, "KTAP version 1\n"));
	ck_assert_ptr_nonnull(strstr(ktap, "  ok 1 host.mmio.spr-hidden.6-1\n"));
	ck_assert_ptr_nonnull(strstr(ktap, "# FINDING verw_promise_hw: fb.promise.spr.7-2\n"));
	ck_assert_ptr_nonnull(strstr(ktap, "# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:1 error:0\n"));
	free(ktap);
	ck_assert_int_eq(kt_parse_file(p, &d, line, sizeof(line)), 0);
	ck_assert(!d.truncated);
	ck_assert(d.have_totals);
	kt_doc_free(&d);

	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert_msg(junit_valid(p), "%s does not validate against JUnit.xsd", p);
	path_in(p, sizeof(p), dir, "kcidb.json");
	ck_assert_msg(kcidb_valid(p), "%s does not validate against KCIDB v5.3", p);
}
END_TEST

/* The validators do reject what the schemas forbid: the checks above can fail */
START_TEST(the_schemas_reject_bad_documents)
{
	static const struct {
		const char *name, *sed;
	} xml[] = {
		{ "bad-host.xml", "s/ hostname=\"[^\"]*\"//" },
		{ "bad-time.xml", "s/timestamp=\"\\([^\"]*\\)\"/timestamp=\"\\1Z\"/" },
	}, json[] = {
		{ "bad-status.json", "s/\"status\": \"PASS\"/\"status\": \"XFAIL\"/" },
		{ "bad-path.json", "s/\"path\": \"kmc\\./\"path\": \"kmc..\\//" },
		{ "bad-major.json", "s/\"major\": 5/\"major\": 4/" },
		{ "bad-extra.json", "s/\"origin\": \"kmc\",/\"origin\": \"kmc\", \"xfail\": true,/" },
	};
	char dir[4300], src[4400], bad[4400], out[4400], files[16384] = "", *o;

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	ck_assert_int_eq(kr_sh("'%s' --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       dir, vec), 1);
	path_in(src, sizeof(src), dir, "junit.xml");
	for (unsigned int i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		snprintf(bad, sizeof(bad), "%s/%s", tmp, xml[i].name);
		ck_assert_int_eq(kr_sh("sed '%s' '%s' > '%s' && ! cmp -s '%s' '%s'", xml[i].sed, src, bad,
				       src, bad), 0);
		snprintf(files + strlen(files), sizeof(files) - strlen(files), " '%s'", bad);
	}
	snprintf(out, sizeof(out), "%s/xmllint.out", tmp);
	ck_assert_int_ne(kr_sh("xmllint --noout --schema %s/JUnit.xsd %s > '%s' 2>&1", KR_SCHEMAS, files,
			       out), 0);
	o = kr_slurp(out);
	for (unsigned int i = 0; i < sizeof(xml) / sizeof(xml[0]); i++) {
		char want[4500];

		snprintf(want, sizeof(want), "%s/%s fails to validate", tmp, xml[i].name);
		ck_assert_msg(strstr(o, want) != NULL, "%s not rejected: %s", xml[i].name, o);
	}
	free(o);

	files[0] = 0;
	path_in(src, sizeof(src), dir, "kcidb.json");
	for (unsigned int i = 0; i < sizeof(json) / sizeof(json[0]); i++) {
		snprintf(bad, sizeof(bad), "%s/%s", tmp, json[i].name);
		ck_assert_int_eq(kr_sh("sed '%s' '%s' > '%s' && ! cmp -s '%s' '%s'", json[i].sed, src, bad,
				       src, bad), 0);
		snprintf(files + strlen(files), sizeof(files) - strlen(files), " '%s'", bad);
	}
	snprintf(out, sizeof(out), "%s/ajv.out", tmp);
	ck_assert_int_eq(kr_sh("NODE_PATH=/usr/share/nodejs node %s/validate-json.js "
			       "%s/kcidb.v05_03.schema.json %s > '%s' 2>&1", KR_SCHEMAS, KR_SCHEMAS, files,
			       out), 1);
	o = kr_slurp(out);
	for (unsigned int i = 0; i < sizeof(json) / sizeof(json[0]); i++) {
		char valid[4500], err[4500];

		snprintf(valid, sizeof(valid), "%s/%s: valid", tmp, json[i].name);
		snprintf(err, sizeof(err), "%s/%s: .", tmp, json[i].name);
		ck_assert_msg(!strstr(o, valid) && strstr(o, err), "%s not rejected: %s", json[i].name, o);
	}
	free(o);
}
END_TEST

START_TEST(known_divergences_turn_fail_into_xfail_and_pass_into_xpass)
{
	char dir[4300], kd[4300], p[4400], *ktap, *kcidb;

	snprintf(kd, sizeof(kd), "%s/kd.txt", tmp);
	kr_write(kd, "# test entries\n"
		     "kd.wrong.*  6.1..6.1  backend=ref  https://example.org/bug/1 (arch_cap)\n"
		     "vcpu.gate.epyc.*  7.2  a commit id and subject\n");
	snprintf(dir, sizeof(dir), "%s/kd", tmp);
	/* the XPASS (a divergence that went away) fails the run */
	ck_assert_int_eq(kr_sh("'%s' --known '%s' --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       kd, dir, vec), 1);
	path_in(p, sizeof(p), dir, "kmc-run.ktap");
	ktap = kr_slurp(p);
	ck_assert_msg(strstr(ktap, " kd.wrong.cascadelake.6-1 # XFAIL known divergence (") != NULL, "%s", ktap);
	ck_assert_ptr_nonnull(strstr(ktap, "kd.txt:2): https://example.org/bug/1 (arch_cap)\n"));
	ck_assert_ptr_nonnull(strstr(ktap, " vcpu.gate.epyc.7-2 # XPASS known divergence gone ("));
	ck_assert_ptr_nonnull(strstr(ktap, "# Totals: pass:2 fail:0 xfail:1 xpass:1 skip:1 error:0\n"));
	ck_assert_ptr_nonnull(strstr(ktap, "# known divergences: "));
	free(ktap);
	path_in(p, sizeof(p), dir, "kcidb.json");
	ck_assert(kcidb_valid(p));
	kcidb = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(kcidb, "\"expected_failure\": true"));
	ck_assert_ptr_nonnull(strstr(kcidb, "\"unexpected_pass\": true"));
	ck_assert_ptr_nonnull(strstr(kcidb, "\"report_url\": \"https://example.org/bug/1\""));
	ck_assert_uint_eq(kr_count(kcidb, "\"issue_id\": \"kmc:kd-"), 2);
	ck_assert_ptr_nonnull(strstr(kcidb, "\"present\": true"));
	ck_assert_ptr_nonnull(strstr(kcidb, "\"present\": false"));
	free(kcidb);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));

	/* only the real divergence known: XFAIL alone passes the run */
	kr_write(kd, "kd.wrong.*  6.1  https://example.org/bug/1\n");
	ck_assert_int_eq(kr_sh("'%s' -q --known '%s' '%s' >/dev/null", kr_bin("kmc-run"), kd, vec), 0);
	/* a range that misses the profile's release changes nothing */
	kr_write(kd, "kd.wrong.*  ..6.0  https://example.org/bug/1\n");
	ck_assert_int_eq(kr_sh("'%s' -q --known '%s' '%s' >/dev/null", kr_bin("kmc-run"), kd, vec), 1);
	/* a broken file is a usage error (64, not kselftest's 2: XFAIL) naming FILE:LINE */
	kr_write(kd, "kd.wrong.* 6.1\n");
	ck_assert_int_eq(kr_sh("'%s' -q --known '%s' '%s' 2>'%s/err' >/dev/null", kr_bin("kmc-run"), kd,
			       vec, tmp), 64);
	snprintf(p, sizeof(p), "%s/err", tmp);
	ktap = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(ktap, "kd.txt:1: no SOURCE"));
	ck_assert_ptr_null(strstr(ktap, "Sanitizer"));
	free(ktap);
}
END_TEST

/* Start kmc-run with its stdout a pipe nobody reads; return once it blocks on it */
static pid_t start_blocked(const char *dir, int *rfd)
{
	char ktap[4400];
	int p[2];
	pid_t pid;
	off_t last = -1;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(p[1], 1);
		dup2(null, 2);
		close(p[0]);
		close(p[1]);
		execl(kr_bin("kmc-run"), "kmc-run", "--known", "none", "--results", dir, vec, big,
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*rfd = p[0];
	snprintf(ktap, sizeof(ktap), "%s/kmc-run.ktap", dir);
	for (unsigned int i = 0; i < 300; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		struct stat st;

		nanosleep(&ts, NULL);
		if (stat(ktap, &st))
			continue;
		/* a full pipe (64 KiB) and a KTAP file that stopped growing */
		if (st.st_size > 60000 && st.st_size == last)
			return pid;
		last = st.st_size;
	}
	kill(pid, SIGKILL);
	ck_abort_msg("kmc-run never blocked on its stdout (%s)", ktap);
	return -1;
}

/* The KTAP of a killed run: readable, cut short, the big group open */
static unsigned int check_cut_ktap(const char *dir, int bailed)
{
	char p[4400], msg[512];
	struct kt_doc d;
	struct kt_test *b;
	unsigned int n;

	path_in(p, sizeof(p), dir, "kmc-run.ktap");
	ck_assert_int_eq(kt_parse_file(p, &d, msg, sizeof(msg)), 0);
	ck_assert(d.truncated);
	ck_assert_int_eq(d.bailed, bailed);
	ck_assert_int_eq(d.have_totals, bailed);
	ck_assert_uint_eq(d.ntests, 2);
	ck_assert(d.tests[0].closed);
	ck_assert_uint_eq(d.tests[0].nsub, 5);
	b = &d.tests[1];
	ck_assert_str_eq(b->name, "big.kmv");
	ck_assert(!b->closed);
	ck_assert_int_eq(b->plan, 3000);
	ck_assert_uint_gt(b->nsub, 500);
	ck_assert_uint_lt(b->nsub, 3000);
	for (unsigned int i = 0; i < b->nsub; i++)
		ck_assert_int_eq(b->sub[i].status, KT_SKIP);
	n = b->nsub;
	kt_doc_free(&d);
	return n;
}

/* kmc-results derive makes valid files, with the unreached vectors as MISS */
static void check_derived(const char *dir, unsigned int reported)
{
	char p[4400], msg[512];
	struct kr_results res;

	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));
	path_in(p, sizeof(p), dir, "kcidb.json");
	ck_assert(kcidb_valid(p));
	ck_assert_int_eq(kr_results_load(dir, &res, msg, sizeof(msg)), 0);
	ck_assert(res.interrupted);
	ck_assert_uint_eq(res.counts[KT_MISS], 3000 - reported);
	ck_assert_uint_eq(res.counts[KT_SKIP], reported + 1);
	kr_results_free(&res);
}

START_TEST(sigkill_leaves_a_parsable_ktap_and_run_json_interrupted)
{
	char dir[4300], p[4400];
	int rfd, st;
	pid_t pid;
	json_t *run;
	unsigned int n;

	snprintf(dir, sizeof(dir), "%s/killed", tmp);
	pid = start_blocked(dir, &rfd);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(rfd);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	run = load_json(dir, "run.json");
	ck_assert_str_eq(jget(run, "status", NULL), "running");
	ck_assert(json_is_true(json_object_get(run, "interrupted")));
	ck_assert_ptr_null(json_object_get(run, "end"));
	json_decref(run);
	n = check_cut_ktap(dir, 0);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(!kr_exists(p));
	ck_assert_int_eq(kr_sh("'%s' derive '%s' >/dev/null", kr_bin("kmc-results"), dir), 0);
	check_derived(dir, n);
}
END_TEST

START_TEST(sigterm_closes_the_directory_as_interrupted)
{
	char dir[4300], buf[65536];
	int rfd, st;
	pid_t pid;
	json_t *run;
	unsigned int n;

	snprintf(dir, sizeof(dir), "%s/termed", tmp);
	pid = start_blocked(dir, &rfd);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	while (read(rfd, buf, sizeof(buf)) > 0)
		;	/* let it write its last lines */
	close(rfd);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
	run = load_json(dir, "run.json");
	ck_assert_str_eq(jget(run, "status", NULL), "interrupted");
	ck_assert(json_is_true(json_object_get(run, "interrupted")));
	ck_assert_str_eq(jget(run, "signal", NULL), "SIGTERM");
	ck_assert_int_eq(json_integer_value(json_object_get(run, "exit_code")), 128 + SIGTERM);
	ck_assert_ptr_nonnull(jget(run, "end", NULL));
	json_decref(run);
	n = check_cut_ktap(dir, 1);
	/* kmc-run derived them itself */
	check_derived(dir, n);
}
END_TEST

/* The emulated lab's layout: no run.json, a KTAP per layer under ktap/ */
START_TEST(a_lab_directory_derives_too)
{
	char dir[4300], p[4400], *sum;

	snprintf(dir, sizeof(dir), "%s/lab/ktap", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s'", dir), 0);
	snprintf(p, sizeof(p), "%s/l1.ktap", dir);
	kr_write(p, "KTAP version 1\n# step deps: 3s\n1..3\n"
		    "ok 1 lab.6.1.l1_boot # 6.1.0-40-amd64, wall 31s\n"
		    "# 6.1: kvmprobe: kvm_api_version=12\n"
		    "not ok 2 lab.6.1.kvmprobe # api=12 in_list=1 0x10a=0x1 (expected 12, 1, 0x2)\n"
		    "ok 3 lab.6.1.l2_forced_arch_cap # SKIP L1 did not finish\n"
		    "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0\n");
	snprintf(p, sizeof(p), "%s/l2.ktap", dir);
	kr_write(p, "KTAP version 1\n1..3\nok 1 l2.cascadelake.6.1.bugs\nok 2 l2.cascadelake.6.1.sysfs\n");
	snprintf(dir, sizeof(dir), "%s/lab", tmp);
	ck_assert_int_eq(kr_sh("'%s' derive '%s' >/dev/null", kr_bin("kmc-results"), dir), 0);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));
	path_in(p, sizeof(p), dir, "kcidb.json");
	ck_assert(kcidb_valid(p));
	path_in(p, sizeof(p), dir, "kmc-summary.txt");	/* not summary.txt: the lab's own */
	sum = kr_slurp(p);
	ck_assert_msg(strstr(sum, "FAIL    l1 ") != NULL, "%s", sum);
	/* l2.ktap planned 3 and reported 2: the third is a MISS, the run was cut */
	ck_assert_ptr_nonnull(strstr(sum, "MISS    l2 "));
	ck_assert_ptr_nonnull(strstr(sum, "Totals: pass:3 fail:1 xfail:0 xpass:0 skip:1 error:0 miss:1"));
	ck_assert_ptr_nonnull(strstr(sum, ": interrupted ("));
	free(sum);
}
END_TEST

/* The emulated lab's hook (harness/lab/qemu-lab.sh results_hook) on a directory like its own */
START_TEST(the_lab_hook_makes_a_full_results_directory)
{
	char dir[4300], p[4400], *t;
	json_t *run;

	snprintf(dir, sizeof(dir), "%s/2026-12-01T0210Z_7.2", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s/logs' && cp '%s' '%s/l2.kmv'", dir, vec, dir), 0);
	snprintf(p, sizeof(p), "%s/lab.ktap", dir);
	kr_write(p, "KTAP version 1\n1..3\n# kmc emulated lab 20261201: kernel 7.2\n"
		    "ok 1 lab.7.2.l1.kvmprobe # 0x10a=0x400000000c000069\n"
		    "ok 2 lab.7.2.l2.clx-0x69 # XFAIL known divergence (k:1): x\n"
		    "not ok 3 lab.7.2.l2.spr-tsx-off # bugs: expected taa, got -\n"
		    "# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:0 error:0\n");
	/* kmc-run's KTAP of the L2 records sits beside it; the hook derives from lab.ktap */
	ck_assert_int_eq(kr_sh("'%s' -q --known none '%s' > '%s/l2.ktap'; true", kr_bin("kmc-run"), vec, dir), 0);
	snprintf(p, sizeof(p), "%s/summary.txt", dir);
	kr_write(p, "7.2: the lab's own summary\n");
	ck_assert_int_eq(kr_sh("KMC_BIN=\"$(dirname '%s')\" sh harness/results/lab-hook.sh '%s' >/dev/null",
			       kr_bin("kmc-results"), dir), 0);
	run = load_json(dir, "run.json");
	ck_assert_str_eq(jget(run, "kind", NULL), "emulated-lab");
	ck_assert_str_eq(jget(run, "status", NULL), "complete");
	ck_assert_str_eq(jget(run, "files", "ktap"), "lab.ktap");
	ck_assert_ptr_nonnull(jget(run, "vectors", "set_sha256"));
	ck_assert_ptr_nonnull(jget(run, "suite", "git_commit"));
	json_decref(run);
	path_in(p, sizeof(p), dir, "summary.txt");
	t = kr_slurp(p);
	ck_assert_str_eq(t, "7.2: the lab's own summary\n");
	free(t);
	path_in(p, sizeof(p), dir, "kmc-summary.txt");
	t = kr_slurp(p);
	ck_assert_msg(strstr(t, "Totals: pass:1 fail:1 xfail:1 xpass:0 skip:0 error:0 miss:0") != NULL, "%s", t);
	free(t);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));
	path_in(p, sizeof(p), dir, "kcidb.json");
	ck_assert(kcidb_valid(p));
	/* again: run.json is kept, the derived files rewritten */
	ck_assert_int_eq(kr_sh("KMC_BIN=\"$(dirname '%s')\" sh harness/results/lab-hook.sh '%s' >/dev/null",
			       kr_bin("kmc-results"), dir), 0);
}
END_TEST

/* The value of attribute @attr of the element that holds @within, or "" */
static void attr_near(const char *xml, const char *within, const char *attr, char *out, size_t len)
{
	const char *p = strstr(xml, within), *a, *e;
	char key[64];

	out[0] = 0;
	if (!p)
		return;
	snprintf(key, sizeof(key), " %s=\"", attr);
	a = strstr(p, key);
	if (!a)
		return;
	a += strlen(key);
	e = strchr(a, '"');
	snprintf(out, len, "%.*s", e ? (int)(e - a) : 0, a);
}

/* JUnit for Jenkins and GitLab: a class per file and group, the mismatch as the message */
START_TEST(junit_has_a_class_per_group_and_the_mismatch_as_message)
{
	char dir[4300], p[4400], v[2048], *x;

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	ck_assert_int_eq(kr_sh("'%s' -q --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"),
			       dir, vec), 1);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));
	x = kr_slurp(p);
	/* package kmc.ref.t (the file), class the vector's group */
	attr_near(x, "name=\"host.mmio.spr-hidden.6-1\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.ref.t.mmio");
	attr_near(x, "name=\"vcpu.gate.epyc.7-2\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.ref.t.gate");
	attr_near(x, "name=\"fb.promise.spr.7-2\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.ref.t.promise");
	/* the failure's message is its mismatch */
	attr_near(x, "name=\"kd.wrong.cascadelake.6-1\"", "message", v, sizeof(v));
	ck_assert_msg(strstr(v, ": kvm.arch_cap: expected 0x1, got ") != NULL, "message: %s", v);
	free(x);

	/* a lab's: a class per configuration; notes before the mismatches are not the message */
	snprintf(dir, sizeof(dir), "%s/20261207-113313_7.2", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s'", dir), 0);
	path_in(p, sizeof(p), dir, "lab.ktap");
	kr_write(p, "KTAP version 1\n1..4\n"
		    "ok 1 lab.7.2.l2.clx-noac\n"
		    "ok 2 lab.7.2.l2flags.clx-noac\n"
		    "# /payload/live.kmv:35: host.flags: not compared: osxsave (/proc/cpuinfo never prints them)\n"
		    "# /payload/live.kmv:40: host.sysfs: expected mds=Mitigation, got mds=Vulnerable\n"
		    "# /payload/live.kmv:40: host.bugs: expected mds, got -\n"
		    "# rerun: kmc-run --backend kvm --id 'live.host.sysfs' /payload/live.kmv\n"
		    "not ok 3 lab.7.2.l1.live.host.sysfs\n"
		    "not ok 4 lab.7.2.l2.tgl-zero # L2 boot failed (rc=3): no /init\n");
	ck_assert_int_eq(kr_sh("KMC_BIN=\"$(dirname '%s')\" sh harness/results/lab-hook.sh '%s' >/dev/null",
			       kr_bin("kmc-results"), dir), 0);
	path_in(p, sizeof(p), dir, "junit.xml");
	ck_assert(junit_valid(p));
	x = kr_slurp(p);
	attr_near(x, "name=\"lab.7.2.l2.clx-noac\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.emulated-lab.lab.l2_clx-noac");
	attr_near(x, "name=\"lab.7.2.l2flags.clx-noac\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.emulated-lab.lab.l2_clx-noac");
	attr_near(x, "name=\"lab.7.2.l1.live.host.sysfs\"", "classname", v, sizeof(v));
	ck_assert_str_eq(v, "kmc.emulated-lab.lab.l1_live");
	attr_near(x, "name=\"lab.7.2.l1.live.host.sysfs\"", "message", v, sizeof(v));
	ck_assert_str_eq(v, "/payload/live.kmv:40: host.sysfs: expected mds=Mitigation, got mds=Vulnerable; "
			    "/payload/live.kmv:40: host.bugs: expected mds, got -");
	attr_near(x, "name=\"lab.7.2.l2.tgl-zero\"", "message", v, sizeof(v));
	ck_assert_str_eq(v, "L2 boot failed (rc=3): no /init");
	free(x);
}
END_TEST

START_TEST(a_results_directory_is_one_per_run)
{
	char dir[4300], p[4400], *err;

	snprintf(dir, sizeof(dir), "%s/used", tmp);
	ck_assert_int_eq(kr_sh("mkdir -p '%s' && touch '%s/x'", dir, dir), 0);
	ck_assert_int_eq(kr_sh("'%s' -q --results '%s' '%s' >/dev/null 2>'%s/err'", kr_bin("kmc-run"),
			       dir, vec, tmp), 1);
	snprintf(p, sizeof(p), "%s/err", tmp);
	err = kr_slurp(p);
	ck_assert_ptr_nonnull(strstr(err, "used: exists and is not empty"));
	ck_assert_ptr_null(strstr(err, "Sanitizer"));	/* exit 1 for the right reason */
	free(err);
	/* auto: results/runs/<time>_<backend> under the working directory, and latest */
	ck_assert_int_eq(kr_sh("cd '%s' && '%s' -q --known none --results auto '%s' >/dev/null",
			       tmp, kr_bin("kmc-run"), vec), 1);
	ck_assert_int_eq(kr_sh("test -f '%s'/results/runs/latest/run.json", tmp), 0);
	ck_assert_int_eq(kr_sh("ls -d '%s'/results/runs/*_ref >/dev/null", tmp), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rundir");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_clean_run_writes_a_full_directory);
	tcase_add_test(tc, the_schemas_reject_bad_documents);
	tcase_add_test(tc, known_divergences_turn_fail_into_xfail_and_pass_into_xpass);
	tcase_add_test(tc, sigkill_leaves_a_parsable_ktap_and_run_json_interrupted);
	tcase_add_test(tc, sigterm_closes_the_directory_as_interrupted);
	tcase_add_test(tc, a_lab_directory_derives_too);
	tcase_add_test(tc, the_lab_hook_makes_a_full_results_directory);
	tcase_add_test(tc, a_results_directory_is_one_per_run);
	tcase_add_test(tc, junit_has_a_class_per_group_and_the_mismatch_as_message);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
