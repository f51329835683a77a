/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmc-run's command line: its options, --help, and the checks that turn
 * a bad argument into a usage error (exit 64).
 */
#ifndef KMC_RUN_ARGS_H
#define KMC_RUN_ARGS_H

#include <stdint.h>
#include "backend.h"
#include "ktap.h"
#include "ref.h"

#define EXIT_USAGE	KTAP_EXIT_USAGE	/* 64, not 2: kselftest reads 2 as XFAIL */
#define MSGLEN		1024
#define MAXVARIANTS	32

/* A growable list of strings */
struct strv {
	char **v;
	unsigned int n;
};

/* Append @str (NULL: out of memory); exits when memory runs out */
void strv_push(struct strv *s, char *str);

struct run_opts {
	const struct kmc_backend *be;
	struct strv ids, groups, profiles, inputs;
	uint32_t variants;
	uint32_t kvariants;	/* --kernel-variant: what the live kernel carries */
	unsigned int nvar;
	const struct ref_variant_info *var[MAXVARIANTS];
	int quiet;
	const char *results;	/* --results DIR, or NULL */
	const char *known;	/* --known FILE, or NULL for the default */
};

/*
 * Fill @o from the command line.  0, or EXIT_USAGE after saying why on
 * stderr; --help, --version and --list-variants print and exit.
 */
int run_parse_args(int argc, char **argv, struct run_opts *o);
/* "kmc-run: MESSAGE (kmc-run --help)" on stderr; returns EXIT_USAGE */
int run_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void run_opts_free(struct run_opts *o);

#endif
