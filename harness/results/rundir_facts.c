// SPDX-License-Identifier: GPL-2.0
/* What run.json says of the suite and of the machine kmc-run runs on, each fact with its source. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "rundir_internal.h"

/* First line of a command's stdout, "" if none */
static void command_line(const char *cmd, char *buf, size_t len)
{
	FILE *p = popen(cmd, "r");

	buf[0] = 0;
	if (!p)
		return;
	if (fgets(buf, (int)len, p))
		buf[strcspn(buf, "\n")] = 0;
	while (fgetc(p) != EOF)
		;
	pclose(p);
}

void kr_run_suite_facts(struct kr_run *r, const char *version, const char *cwd)
{
	char cmd[4500], sha[128], dirty[16];

	kr_run_set_str(r, "suite.name", "kmc");
	kr_run_set_str(r, "suite.version", version);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD 2>/dev/null", cwd);
	command_line(cmd, sha, sizeof(sha));
	if (!sha[0] || strchr(cwd, '\'')) {
		kr_run_set_str(r, "suite.git_commit", "unknown");
		kr_run_set_str(r, "suite.git_source", "not a git work tree (git rev-parse failed)");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "git -C '%s' status --porcelain --untracked-files=no 2>/dev/null | head -n 1", cwd);
	command_line(cmd, dirty, sizeof(dirty));
	kr_run_set_str(r, "suite.git_commit", sha);
	kr_run_set_bool(r, "suite.git_dirty", dirty[0] != 0);
	kr_run_set_str(r, "suite.git_source", "git rev-parse HEAD; git status --porcelain");
}

void kr_run_runner_facts(struct kr_run *r)
{
	struct utsname u;
	char host[256] = "", buf[64];
	FILE *fp;

	if (!gethostname(host, sizeof(host) - 1) && host[0])
		kr_run_fact(r, "runner", "hostname", host, "gethostname(2)");
	if (!uname(&u)) {
		kr_run_fact(r, "runner", "kernel_release", u.release, "uname(2) release");
		kr_run_fact(r, "runner", "kernel_version", u.version, "uname(2) version");
		kr_run_fact(r, "runner", "machine", u.machine, "uname(2) machine");
	}
	snprintf(buf, sizeof(buf), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	kr_run_fact(r, "runner", "cpus_online", buf, "sysconf(_SC_NPROCESSORS_ONLN)");
	fp = fopen("/proc/cpuinfo", "r");
	if (fp) {
		char line[512];

		while (fgets(line, sizeof(line), fp)) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) || !colon)
				continue;
			colon += 2;
			colon[strcspn(colon, "\n")] = 0;
			kr_run_fact(r, "runner", "cpu_model", colon, "/proc/cpuinfo model name (cpu 0)");
			break;
		}
		fclose(fp);
	}
}
