/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmc-run's progress on stderr: on a terminal a counter refreshed about
 * every 0.5 s, else once a run takes longer than 5 s a line every 10%.
 */
#ifndef KMC_RUN_PROGRESS_H
#define KMC_RUN_PROGRESS_H

struct progress {
	int tty;
	double start, last;
	unsigned int done, total, failed;
	unsigned int decile;
	int dirty;		/* a counter line is on the terminal */
};

/* A run of @total vectors starts now */
void progress_start(struct progress *p, unsigned int total);
/* One vector done (@failed: it failed) */
void progress_step(struct progress *p, int failed);
/* ktap hook: erase the counter before a KTAP line lands on the terminal */
void progress_erase(void *p);

#endif
