// SPDX-License-Identifier: GPL-2.0
/*
 * kmc-run's progress on stderr (run_progress.h).
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "run_progress.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_erase(void *arg)
{
	struct progress *p = arg;

	if (!p->dirty)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->dirty = 0;
}

void progress_start(struct progress *p, unsigned int total)
{
	p->tty = isatty(STDERR_FILENO);
	p->start = p->last = now();
	p->total = total;
}

void progress_step(struct progress *p, int failed)
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

