// SPDX-License-Identifier: GPL-2.0
/* An emulated lab's results directory, as the report shows it (labrun.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "labrun.h"

const char *kr_labrun_title(const char *kind)
{
	return !strcmp(kind, "vmx") ? "Bochs VMX lab" : "QEMU lab";
}

/* "YYYYmmdd-HHMMSS_" at the start of @base: 1 and @t (local time, as lab.sh's date) */
static int parse_stamp(const char *base, time_t *t)
{
	struct tm tm = { 0 };

	for (int i = 0; i < 15; i++)
		if (i == 8 ? base[i] != '-' : !isdigit((unsigned char)base[i]))
			return 0;
	if (base[15] != '_' || !base[16])
		return 0;
	if (sscanf(base, "%4d%2d%2d-%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	if (*t == (time_t)-1)
		*t = 0;
	return 1;
}

/* The number after @key in @line (e.g. "wall 198.9s"), added to @sum */
static void add_after(const char *line, const char *key, double *sum)
{
	const char *p = strstr(line, key);

	if (p)
		*sum += strtod(p + strlen(key), NULL);
}

static void read_summary(const char *dir, struct kr_labrun *l)
{
	char path[4400], line[1024];
	struct stat st;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/summary.txt", dir);
	fp = fopen(path, "r");
	if (!fp)
		return;
	if (!fstat(fileno(fp), &st))
		l->finished = st.st_mtime;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "kernel: ", 8)) {
			/* "kernel: 6.1 = 6.1.0-57-amd64 (linux-image-...=6.1.192-3)" */
			const char *eq = strstr(line, " = ");

			snprintf(l->release, sizeof(l->release), "%.255s", eq ? eq + 3 : line + 8);
		} else if (!strncmp(line, "run: ", 5)) {
			const char *o = strchr(line, '('), *c = o ? strrchr(o, ')') : NULL;

			if (o && c)
				snprintf(l->mode, sizeof(l->mode), "%.*s", (int)(c - o - 1), o + 1);
		} else if (!strncmp(line, "boot ", 5)) {
			l->nboots++;
			add_after(line, "wall ", &l->boot_wall);
			add_after(line, "CPU ", &l->boot_cpu);
		} else if (!strncmp(line, "time ", 5)) {
			size_t n = strlen(l->steps);

			snprintf(l->steps + n, sizeof(l->steps) - n, "%s%.100s", n ? ", " : "", line + 5);
		}
	}
	fclose(fp);
}

void kr_labrun_read(const char *dir, struct kr_labrun *l)
{
	char path[4300];
	const char *base;
	size_t dl = strlen(dir);
	struct stat st;

	memset(l, 0, sizeof(*l));
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	snprintf(path, sizeof(path), "%.*s", (int)dl, dir);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!parse_stamp(base, &l->started))
		return;
	l->is_lab = 1;
	snprintf(l->stamp, sizeof(l->stamp), "%.15s", base);
	snprintf(l->name, sizeof(l->name), "%s", base + 16);
	snprintf(l->kind, sizeof(l->kind), "%s", strncmp(l->name, "vmx-", 4) ? "qemu" : "vmx");
	snprintf(l->kernel, sizeof(l->kernel), "%s", l->name + (strncmp(l->name, "vmx-", 4) ? 0 : 4));
	read_summary(path, l);
	if (!l->finished) {
		snprintf(path + dl, sizeof(path) - dl, "/lab.ktap");
		if (!stat(path, &st))
			l->finished = st.st_mtime;
	}
}

/* The length of "6.1." at @p: dot-ended components of digits only */
static size_t numeric_prefix(const char *p)
{
	size_t n = 0, k;

	for (;;) {
		for (k = 0; isdigit((unsigned char)p[n + k]); k++)
			;
		if (!k || p[n + k] != '.')
			return n;
		n += k + 1;
	}
}

void kr_lab_row(const char *name, const char *kernel, char *row, size_t len)
{
	const char *rest = name, *dot = strchr(name, '.');
	size_t kl = kernel ? strlen(kernel) : 0, n1;

	/* "lab.6.1.l1.live.x" / "vmx.6.1.skx-stock.boot": drop "WORD.KERNEL." */
	if (dot && kl && !strncmp(dot + 1, kernel, kl) && dot[1 + kl] == '.')
		rest = dot + 2 + kl;
	else if (dot && !kernel && numeric_prefix(dot + 1))
		rest = dot + 1 + numeric_prefix(dot + 1);
	n1 = strcspn(rest, ".");
	if (!rest[n1]) {
		snprintf(row, len, "%s", rest);
	} else if (n1 == 7 && !strncmp(rest, "l2flags", 7)) {
		/* an L2 configuration's flags and its verdict share a row */
		snprintf(row, len, "l2.%.*s", (int)strcspn(rest + 8, "."), rest + 8);
	} else if ((n1 == 2 && (!strncmp(rest, "l1", 2) || !strncmp(rest, "l2", 2)))) {
		/* a layer: its step or configuration (l1.boot, l1.live, l2.clx-noac) */
		snprintf(row, len, "%.*s.%.*s", 2, rest, (int)strcspn(rest + 3, "."), rest + 3);
	} else if (n1 == 4 && !strncmp(rest, "host", 4)) {
		/* the VMX lab's host derivation of configuration ID: its row */
		snprintf(row, len, "%.*s", (int)strcspn(rest + 5, "."), rest + 5);
	} else {
		/* a VMX configuration (skx-stock.boot, skx-stock.live.*), coverage.BUG */
		snprintf(row, len, "%.*s", (int)n1, rest);
	}
}
