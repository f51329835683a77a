// SPDX-License-Identifier: GPL-2.0
/*
 * A results directory that cannot hurt or lie (issue 13, item 3): a
 * symlink planted in it is never written through; two runs given one
 * directory do not both succeed; the directory is never seen without its
 * run.json; a full disk or a kill during the final derivation never
 * leaves run.json saying "complete" for a directory that is not; the
 * inputs are read once and hashed from what ran.
 */
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include "kr_test.h"
#include "digest.h"

static char *tmp;
static char vec[4300], big[4300];

static void setup(void)
{
	char in[4300];
	FILE *fp;

	tmp = kr_tmpdir();
	/* one vector the model fills, so a model change does not break this test */
	snprintf(in, sizeof(in), "%s/in.kmv", tmp);
	snprintf(vec, sizeof(vec), "%s/t.kmv", tmp);
	kr_write(in, "kmv 1\n"
		     "vector host.mmio.spr-hidden.6-1 profile=6.1\n"
		     "  host cpu=sapphirerapids ac=0x0c0000eb cpuid=+hypervisor smt=0\n"
		     "  expect bugs\n");
	ck_assert_int_eq(kr_sh("'%s' fill '%s' > '%s'", kr_bin("kmc"), in, vec), 0);
	/* many vectors, all skipped at once: a big KTAP, slow to derive */
	snprintf(big, sizeof(big), "%s/big.kmv", tmp);
	fp = fopen(big, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("kmv 1\n", fp);
	for (unsigned int i = 1; i <= 20000; i++)
		fprintf(fp, "\nvector big.live.v%u profile=7.2\n  host live\n  op rdmsr 0x10a -> gp\n", i);
	ck_assert_int_eq(fclose(fp), 0);
}

static void teardown(void)
{
	kr_rmrf(tmp);
	tmp = NULL;
}

static json_t *load_json(const char *dir)
{
	char path[4400];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s:%d: %s", path, e.line, e.text);
	return j;
}

static const char *status_of(json_t *run)
{
	return json_string_value(json_object_get(run, "status"));
}

/* fork a child that waits for go() before it execs @argv; its pid */
struct held {
	pid_t pid;
	int go;
};

static struct held hold(char *const argv[], const char *out, const char *err, int fsize_limit)
{
	struct held h;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	h.pid = fork();
	ck_assert_int_ge(h.pid, 0);
	if (!h.pid) {
		char c;
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		if (fsize_limit) {
			struct rlimit rl = { (rlim_t)fsize_limit, (rlim_t)fsize_limit };

			signal(SIGXFSZ, SIG_IGN);	/* writes then fail with EFBIG */
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[0]);
	h.go = p[1];
	return h;
}

static void go(struct held *h)
{
	ck_assert_int_eq(write(h->go, "g", 1), 1);
	close(h->go);
}

static int wait_exit(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(a_planted_symlink_is_never_written_through)
{
	char dir[4300], out[4300], p[4400], q[4400], *t;
	static const char *const names[] = { "junit.xml", "kcidb.json", "summary.txt" };
	char *argv[] = { (char *)kr_bin("kmc-results"), "derive", dir, NULL };
	struct held h;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	snprintf(out, sizeof(out), "%s/outside", tmp);
	ck_assert_int_eq(kr_sh("mkdir '%s'", out), 0);
	ck_assert_int_eq(kr_sh("'%s' --known none --results '%s' '%s' >/dev/null", kr_bin("kmc-run"), dir,
			       vec), 0);
	h = hold(argv, "/dev/null", "/dev/null", 0);
	for (unsigned int i = 0; i < 3; i++) {
		/* the temporary names derive used to write, and the final names */
		snprintf(p, sizeof(p), "%s/tmp-%s", out, names[i]);
		kr_write(p, "precious\n");
		snprintf(q, sizeof(q), "%s/.%s.tmp.%ld", dir, names[i], (long)h.pid);
		ck_assert_int_eq(symlink(p, q), 0);
		snprintf(p, sizeof(p), "%s/final-%s", out, names[i]);
		kr_write(p, "precious\n");
		snprintf(q, sizeof(q), "%s/%s", dir, names[i]);
		ck_assert_int_eq(unlink(q), 0);
		ck_assert_int_eq(symlink(p, q), 0);
	}
	go(&h);
	ck_assert_int_eq(wait_exit(h.pid), 0);
	for (unsigned int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/tmp-%s", out, names[i]);
		t = kr_slurp(p);
		ck_assert_msg(!strcmp(t, "precious\n"), "%s was written through a planted symlink", p);
		free(t);
		snprintf(p, sizeof(p), "%s/final-%s", out, names[i]);
		t = kr_slurp(p);
		ck_assert_msg(!strcmp(t, "precious\n"), "%s was written through a planted symlink", p);
		free(t);
		/* the symlink at the final name was replaced by the file, not followed */
		snprintf(q, sizeof(q), "%s/%s", dir, names[i]);
		ck_assert_int_eq(lstat(q, &st), 0);
		ck_assert_msg(S_ISREG(st.st_mode), "%s is not a regular file", q);
	}
}
END_TEST

START_TEST(two_runs_with_one_directory_do_not_both_succeed)
{
	char dir[4300], o1[4300], o2[4300], e1[4300], e2[4300], *e;
	char *argv[] = { (char *)kr_bin("kmc-run"), "--known", "none", "--results", dir, vec, NULL };
	unsigned int won = 0;

	for (unsigned int i = 0; i < 30; i++) {
		struct held a, b;
		int ra, rb;
		json_t *run;

		snprintf(dir, sizeof(dir), "%s/same-%u", tmp, i);
		snprintf(o1, sizeof(o1), "%s/o1", tmp);
		snprintf(o2, sizeof(o2), "%s/o2", tmp);
		snprintf(e1, sizeof(e1), "%s/e1", tmp);
		snprintf(e2, sizeof(e2), "%s/e2", tmp);
		a = hold(argv, o1, e1, 0);
		b = hold(argv, o2, e2, 0);
		go(&a);
		go(&b);
		ra = wait_exit(a.pid);
		rb = wait_exit(b.pid);
		/* one passes (its vector does), the other is refused */
		ck_assert_msg(!(ra == 0 && rb == 0), "try %u: both runs exited 0 with one directory", i);
		ck_assert_msg((ra == 0 && rb == 1) || (ra == 1 && rb == 0), "try %u: exits %d and %d", i, ra,
			      rb);
		e = kr_slurp(ra ? e1 : e2);
		ck_assert_msg(strstr(e, "exists and is not empty") != NULL, "try %u: %s", i, e);
		free(e);
		/* the winner's directory is whole */
		run = load_json(dir);
		ck_assert_str_eq(status_of(run), "complete");
		json_decref(run);
		ck_assert_int_eq(kr_sh("[ $(grep -c '^KTAP version 1' '%s/kmc-run.ktap') = 1 ] && "
				       "grep -q '^# Totals: pass:1 ' '%s/kmc-run.ktap' && "
				       "test -f '%s/kcidb.json' && test -f '%s/summary.txt'", dir, dir, dir,
				       dir), 0);
		/* nothing of the loser's is left beside it */
		ck_assert_int_eq(kr_sh("! ls -a '%s' | grep -q '^\\.same-%u\\.tmp'", tmp, i), 0);
		won++;
	}
	ck_assert_uint_eq(won, 30);
}
END_TEST

START_TEST(the_directory_never_shows_without_run_json)
{
	char dir[4300], rj[4400];
	char *argv[] = { (char *)kr_bin("kmc-run"), "--known", "none", "--results", dir, vec, NULL };
	unsigned int seen = 0, bad = 0;

	for (unsigned int i = 0; i < 5; i++) {
		struct held h;
		struct stat st;
		int done = 0, status;

		snprintf(dir, sizeof(dir), "%s/watched-%u", tmp, i);
		snprintf(rj, sizeof(rj), "%s/run.json", dir);
		h = hold(argv, "/dev/null", "/dev/null", 0);
		go(&h);
		while (!done) {
			if (!stat(dir, &st)) {
				seen++;
				/* the directory is there: so is its run.json */
				bad += stat(rj, &st) != 0;
			}
			done = waitpid(h.pid, &status, WNOHANG) == h.pid;
		}
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_uint_gt(seen, 0);
	ck_assert_msg(bad == 0, "the directory was seen without run.json %u times (of %u)", bad, seen);
}
END_TEST

/* The run on a full disk: kmc-run exits 1, and run.json does not say complete */
static void check_full(const char *dir, int rc, const char *errfile, const char *what)
{
	char p[4400], *e;
	json_t *run;

	e = kr_slurp(errfile);
	ck_assert_msg(rc == 1, "%s: kmc-run exited %d (stderr: %s)", what, rc, e);
	ck_assert_msg(strstr(e, "No space left on device") || strstr(e, "File too large"), "%s: %s", what,
		      e);
	free(e);
	snprintf(p, sizeof(p), "%s/run.json", dir);
	ck_assert_msg(kr_exists(p), "%s: no run.json", what);
	run = load_json(dir);
	ck_assert_msg(strcmp(status_of(run), "complete"), "%s: run.json says complete", what);
	/* when it could say how it ended, it says so with kmc-run's exit code */
	if (!strcmp(status_of(run), "error")) {
		ck_assert_int_eq(json_integer_value(json_object_get(run, "exit_code")), 1);
		ck_assert(json_is_true(json_object_get(run, "interrupted")));
		ck_assert_ptr_nonnull(json_string_value(json_object_get(run, "error")));
	} else {
		ck_assert_str_eq(status_of(run), "running");
	}
	json_decref(run);
}

START_TEST(a_full_disk_never_leaves_complete)
{
	char mnt[4200], dir[4300], snap[4300], out[4300], err[4300];
	char *argv[] = { (char *)kr_bin("kmc-run"), "--known", "none", "--results", dir, big, NULL };
	/* room for the KTAP and vectors.tsv but not what is derived; then for almost nothing */
	static const unsigned int sizes[] = { 3072, 256 };
	/*
	 * A small tmpfs, in a mount namespace of its own (unshare -m): it goes
	 * with the run, whatever happens to the test; kmc-run's directory is
	 * copied out before.  Where that cannot be done (not root), a file size
	 * limit instead.
	 */
	int tmpfs = geteuid() == 0 &&
		    kr_sh("unshare -m sh -c 'mount -t tmpfs -o size=64k kmc-full \"$0\"' '%s' 2>/dev/null",
			  tmp) == 0;

	snprintf(out, sizeof(out), "%s/out", tmp);
	snprintf(err, sizeof(err), "%s/err", tmp);
	for (unsigned int i = 0; i < 2; i++) {
		char what[64];
		int rc;

		snprintf(mnt, sizeof(mnt), "%s/full-%u", tmp, i);
		ck_assert_int_eq(kr_sh("mkdir '%s'", mnt), 0);
		if (tmpfs) {
			snprintf(what, sizeof(what), "tmpfs of %u KiB", sizes[i]);
			snprintf(snap, sizeof(snap), "%s/snap-%u", tmp, i);
			rc = kr_sh("unshare -m sh -c 'mount -t tmpfs -o size=%uk kmc-full \"$0\" || exit 99; "
				   "\"$1\" --known none --results \"$0/run\" \"$2\" >\"$3\" 2>\"$4\"; rc=$?; "
				   "cp -a \"$0/run\" \"$5\"; exit $rc' '%s' '%s' '%s' '%s' '%s' '%s'",
				   sizes[i], mnt, kr_bin("kmc-run"), big, out, err, snap);
			ck_assert_msg(rc != 99, "%s: could not mount", what);
			check_full(snap, rc, err, what);
		} else {
			struct held h;

			snprintf(what, sizeof(what), "RLIMIT_FSIZE of %u KiB", sizes[i]);
			snprintf(dir, sizeof(dir), "%s/run", mnt);
			h = hold(argv, out, err, (int)sizes[i] * 1024);
			go(&h);
			check_full(dir, wait_exit(h.pid), err, what);
		}
	}
}
END_TEST

START_TEST(a_kill_while_deriving_never_leaves_complete_without_its_files)
{
	char dir[4300], junit[4400], p[4400];
	char *argv[] = { (char *)kr_bin("kmc-run"), "-q", "--known", "none", "--results", dir, big, NULL };
	struct held h;
	struct stat st;
	struct timespec ts = { 0, 100 * 1000 };
	json_t *run;

	snprintf(dir, sizeof(dir), "%s/killed", tmp);
	snprintf(junit, sizeof(junit), "%s/junit.xml", dir);
	h = hold(argv, "/dev/null", "/dev/null", 0);
	go(&h);
	/* the final derivation has begun: kill it there */
	for (unsigned int i = 0; stat(junit, &st); i++) {
		ck_assert_msg(i < 1200000, "no junit.xml after 120 s");
		ck_assert_msg(waitpid(h.pid, NULL, WNOHANG) == 0, "kmc-run ended before it was killed");
		nanosleep(&ts, NULL);
	}
	kill(h.pid, SIGKILL);
	ck_assert_int_eq(wait_exit(h.pid), 128 + SIGKILL);
	run = load_json(dir);
	if (!strcmp(status_of(run), "complete")) {
		/* "complete" only with everything there */
		snprintf(p, sizeof(p), "%s/kcidb.json", dir);
		ck_assert_msg(kr_exists(p), "run.json says complete, %s is missing", p);
		snprintf(p, sizeof(p), "%s/summary.txt", dir);
		ck_assert_msg(kr_exists(p), "run.json says complete, %s is missing", p);
	} else {
		ck_assert_str_eq(status_of(run), "running");
	}
	json_decref(run);
	/* and kmc-results derive completes it */
	ck_assert_int_eq(kr_sh("'%s' derive '%s' >/dev/null", kr_bin("kmc-results"), dir), 0);
	snprintf(p, sizeof(p), "%s/summary.txt", dir);
	ck_assert(kr_exists(p));
}
END_TEST

START_TEST(inputs_are_read_once_and_hashed_from_what_ran)
{
	char fifo[4300], dir[4300], hex[65], msg[256];
	char *text = kr_slurp(vec);
	pid_t writer;
	json_t *run, *f;

	/* a pipe can be read once: a second read would hang or see nothing */
	snprintf(fifo, sizeof(fifo), "%s/once.kmv", tmp);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	writer = fork();
	ck_assert_int_ge(writer, 0);
	if (!writer) {
		int fd = open(fifo, O_WRONLY);
		size_t n = strlen(text);

		_exit(fd >= 0 && write(fd, text, n) == (ssize_t)n ? 0 : 1);
	}
	snprintf(dir, sizeof(dir), "%s/once", tmp);
	ck_assert_int_eq(kr_sh("timeout 30 '%s' --known none --results '%s' '%s' >/dev/null",
			       kr_bin("kmc-run"), dir, fifo), 0);
	ck_assert_int_eq(wait_exit(writer), 0);
	ck_assert_int_eq(kr_sha256_file(vec, hex, msg, sizeof(msg)), 0);
	run = load_json(dir);
	f = json_array_get(json_object_get(json_object_get(run, "vectors"), "files"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(f, "sha256")), hex);
	ck_assert_ptr_null(json_object_get(f, "sha256_of"));
	json_decref(run);
	free(text);
}
END_TEST

/*
 * kmc-run reads a regular file twice (plan, then run: docs/kmc-run.md
 * "Memory").  A file changed in between is an error of the run, and
 * run.json gets the hash of what ran beside the planned one.  The change
 * lands while the second pass is blocked on a full stdout pipe, far from
 * the end of the file: no race.
 */
START_TEST(a_file_changed_while_it_runs_is_an_error_with_the_hash_that_ran)
{
	char p[4300], dir[4300], cmd[9000], line[512], hex[65], msg[256];
	unsigned int n = 20000, seen = 0, changed = 0;
	json_t *run, *f;
	FILE *out;
	long size;
	int fd, st;

	snprintf(p, sizeof(p), "%s/many.kmv", tmp);
	snprintf(dir, sizeof(dir), "%s/changed", tmp);
	size = kr_write_records(p, "many", n);
	snprintf(cmd, sizeof(cmd), "'%s' --known none --results '%s' '%s'", kr_bin("kmc-run"), dir, p);
	out = popen(cmd, "r");
	ck_assert_ptr_nonnull(out);
	while (!seen && fgets(line, sizeof(line), out))
		seen = !strncmp(line, "  ok 1 many.000000", 18);
	ck_assert_msg(seen, "no first result");
	/* the last record's id, many.019999 -> many.x19999: the second pass has not read it yet */
	fd = open(p, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "x", 1, size - 20 - 23 - 31 + 12), 1);
	ck_assert_int_eq(close(fd), 0);
	while (fgets(line, sizeof(line), out))
		changed |= strstr(line, "not ok 20001 many.kmv:changed # ERROR") &&
			   strstr(line, "changed while kmc-run ran it");
	st = pclose(out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status 0x%x", st);
	ck_assert_msg(changed, "no ERROR for the change");
	ck_assert_int_eq(kr_sha256_file(p, hex, msg, sizeof(msg)), 0);
	run = load_json(dir);
	f = json_array_get(json_object_get(json_object_get(run, "vectors"), "files"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(f, "sha256_ran")), hex);
	ck_assert_str_ne(json_string_value(json_object_get(f, "sha256")), hex);
	json_decref(run);
}
END_TEST

/* Where a rename cannot go: the working directory, a mount point; and through a symlink */
START_TEST(the_directory_in_place_and_through_a_symlink)
{
	char d[4300];
	json_t *run;

	/* the (empty) working directory itself */
	snprintf(d, sizeof(d), "%s/here", tmp);
	ck_assert_int_eq(kr_sh("mkdir '%s' && cd '%s' && '%s' -q --known none --results . '%s' >/dev/null",
			       d, d, kr_bin("kmc-run"), vec), 0);
	run = load_json(d);
	ck_assert_str_eq(status_of(run), "complete");
	json_decref(run);
	ck_assert_int_eq(kr_sh("cd '%s' && ls -A | tr '\\n' ' ' | grep -qx 'junit.xml kcidb.json kmc-run.ktap logs "
			       "run.json summary.txt vectors.tsv '", d), 0);
	ck_assert_int_eq(kr_sh("cd '%s' && '%s' -q --known none --results . '%s' >/dev/null 2>&1", d,
			       kr_bin("kmc-run"), vec), 1);
	/* a symlink to an empty directory: the run goes where it points, the link stays */
	ck_assert_int_eq(kr_sh("mkdir '%s/target' && ln -s target '%s/link' && "
			       "'%s' -q --known none --results '%s/link' '%s' >/dev/null && "
			       "test -L '%s/link' && test -f '%s/target/run.json'", tmp, tmp,
			       kr_bin("kmc-run"), tmp, vec, tmp, tmp), 0);
	/* a mount point (as root, in a mount namespace of its own); taken twice: refused */
	if (geteuid() == 0 &&
	    kr_sh("unshare -m sh -c 'mount -t tmpfs -o size=64k kmc-full \"$0\"' '%s' 2>/dev/null", tmp) == 0) {
		snprintf(d, sizeof(d), "%s/mnt", tmp);
		ck_assert_int_eq(kr_sh("mkdir '%s' && unshare -m sh -c 'mount -t tmpfs -o size=4m kmc-full \"$0\" && "
				       "\"$1\" -q --known none --results \"$0\" \"$2\" >/dev/null && "
				       "grep -q \"\\\"status\\\": \\\"complete\\\"\" \"$0/run.json\" && "
				       "! \"$1\" -q --known none --results \"$0\" \"$2\" >/dev/null 2>&1' "
				       "'%s' '%s' '%s'", d, d, kr_bin("kmc-run"), vec), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("safety");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_planted_symlink_is_never_written_through);
	tcase_add_test(tc, two_runs_with_one_directory_do_not_both_succeed);
	tcase_add_test(tc, the_directory_never_shows_without_run_json);
	tcase_add_test(tc, a_full_disk_never_leaves_complete);
	tcase_add_test(tc, a_kill_while_deriving_never_leaves_complete_without_its_files);
	tcase_add_test(tc, inputs_are_read_once_and_hashed_from_what_ran);
	tcase_add_test(tc, a_file_changed_while_it_runs_is_an_error_with_the_hash_that_ran);
	tcase_add_test(tc, the_directory_in_place_and_through_a_symlink);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
