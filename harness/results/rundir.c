// SPDX-License-Identifier: GPL-2.0
/* The results directory of one run: what it gives out, and its end (rundir.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "derive.h"
#include "rundir_internal.h"
#include "util.h"

const char *kr_run_dir(const struct kr_run *r)
{
	return r->dir;
}

FILE *kr_run_ktap(struct kr_run *r)
{
	return r->ktap;
}

/*
 * The end.  Everything else is written before run.json says how the run
 * ended: the KTAP closed and synced, then junit.xml, kcidb.json and
 * summary.txt (from the run.json about to be written), then run.json,
 * atomically.  A kill in between leaves run.json saying "running"
 * (kmc-results derive completes it); a write that fails (a full disk)
 * leaves it saying "error" with exit code 1, or -- if run.json itself
 * cannot be written -- "running": never "complete" for a directory that
 * is not.
 */
int kr_run_finish(struct kr_run *r, int signo, int exit_code, const struct kr_totals *t,
		  char *msg, size_t len)
{
	struct timespec end;
	char when[48], sig[32] = "", why[4400] = "";
	double dur;
	int ret = 0, err;

	clock_gettime(CLOCK_REALTIME, &end);
	kr_iso_time(&end, 1, when, sizeof(when));
	dur = (double)(end.tv_sec - r->start.tv_sec) + (double)(end.tv_nsec - r->start.tv_nsec) / 1e9;
	kr_run_set_str(r, "end", when);
	kr_run_set_num(r, "duration_s", (double)(long long)(dur * 1000) / 1000.0);
	kr_run_set_str(r, "status", signo ? "interrupted" : "complete");
	kr_run_set_bool(r, "interrupted", signo != 0);
	if (signo) {
		const char *abbrev = sigabbrev_np(signo);

		snprintf(sig, sizeof(sig), "SIG%s", abbrev ? abbrev : "?");
		kr_run_set_str(r, "signal", sig);
	}
	kr_run_set_num(r, "exit_code", exit_code);
	if (t) {
		kr_run_set_num(r, "totals.pass", t->pass);
		kr_run_set_num(r, "totals.fail", t->fail);
		kr_run_set_num(r, "totals.xfail", t->xfail);
		kr_run_set_num(r, "totals.xpass", t->xpass);
		kr_run_set_num(r, "totals.skip", t->skip);
		kr_run_set_num(r, "totals.error", t->error);
		kr_run_set_num(r, "totals.findings", t->findings);
	}
	err = kr_run_close_synced(&r->ktap);
	if (err) {
		ret = err;
		snprintf(why, sizeof(why), "%s/%s: %s", r->dir, KR_RUN_KTAP, strerror(-err));
	}
	if (r->vectors)
		kr_run_close_synced(&r->vectors);
	if (!ret) {
		ret = kr_derive_dir_meta(r->dir, r->meta, why, sizeof(why));
		if (ret)
			kr_run_log(r, "derive: %s", why);
	}
	if (ret) {
		/* not complete: say so, and what kmc-run exits with */
		kr_run_set_str(r, "status", signo ? "interrupted" : "error");
		kr_run_set_bool(r, "interrupted", 1);
		kr_run_set_str(r, "error", why);
		if (!signo)
			kr_run_set_num(r, "exit_code", KR_EXIT_RESULTS);
		snprintf(msg, len, "%s", why);
	}
	err = kr_run_write_meta(r, why, sizeof(why));
	if (err && !ret) {
		ret = err;
		snprintf(msg, len, "%s", why);
	}
	kr_run_log(r, "%s%s, exit %d%s%s", signo ? "interrupted by " : ret ? "error" : "complete", sig,
		   ret && !signo ? KR_EXIT_RESULTS : exit_code, ret ? ": " : "", ret ? msg : "");
	if (r->log && kr_run_close_synced(&r->log) && !ret) {
		ret = -EIO;
		snprintf(msg, len, "%s/%s: write error", r->dir, KR_RUN_LOG);
	}
	kr_run_abandon(r);
	return ret;
}
