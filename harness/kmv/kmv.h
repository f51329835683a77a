/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Vector files (docs/vectors.md): the reader and the canonical writer.
 *
 * Errors follow libbpf: functions return a negative errno and leave a
 * message "FILE:LINE: reason" in a caller buffer.  Nothing here exits or
 * prints.
 */
#ifndef KMC_KMV_H
#define KMC_KMV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kmc/model.h"
#include "names.h"

/* The `expect` keys, in the order of docs/vectors.md */
enum kmv_key {
	KMV_K_BUGS,
	KMV_K_HOST_FLAGS,
	KMV_K_HOST_STATE,
	KMV_K_L1TF_VMX,
	KMV_K_SYSFS_MDS,
	KMV_K_SYSFS_TAA,
	KMV_K_SYSFS_MMIO,
	KMV_K_KVM_ARCH_CAP,
	KMV_K_KVM_CPUID,
	KMV_K_KVM_EMUL_CPUID,
	KMV_K_VCPU_ARCH_CAP,
	KMV_K_FB_CLEAR_CTRL,
	KMV_K_DISABLE_FB_CLEAR,
	KMV_K_CPU_CAPS,
	KMV_K_FINDINGS,
	KMV_K_SPEC_CTRL,
	KMV_K_NR
};

extern const char *const kmv_key_names[KMV_K_NR];	/* "bugs", "sysfs.mds", ... */

/* One line of a record's body, kept for the writer */
enum kmv_line_kind {
	KMV_L_HOST, KMV_L_VM, KMV_L_OP, KMV_L_EXPECT, KMV_L_REJECT, KMV_L_COMMENT,
};

struct kmv_line {
	uint8_t kind;		/* enum kmv_line_kind */
	uint8_t idx;		/* op number (KMV_L_OP) or enum kmv_key (KMV_L_EXPECT) */
	unsigned int lineno;
	char *text;		/* host/vm/op: tokens as written, one space apart,
				 * hex lowercased, without the result; comment: from '#' */
};

struct kmv_record {
	char *id;
	char *group;		/* id up to the first '.' */
	const struct kmc_profile *profile;
	const char *file;	/* owned by the kmv_file */
	unsigned int line;	/* the `vector` line */
	int live;		/* `host live`: only the kvm backend can run it */
	/* `variant=`: in sc.variants (the kvm backend skips such a record) */
	uint32_t live_sets;	/* host live: settings the vector applies (KMV_LIVE_*) */
	struct kmc_scenario sc;

	/* expectations: values live in exp (keys) and exp.res[] (ops) */
	uint32_t exp_have;	/* bit k: `expect KEY=VALUE` */
	uint32_t exp_req;	/* bit k: `expect KEY`, a request for kmc fill */
	struct kmc_obs exp;
	unsigned int exp_line[KMV_K_NR];
	uint32_t res_have;	/* bit i: op i has `-> RESULT` */
	unsigned int op_line[KMC_MAX_OPS];
	unsigned int host_line, vm_line;

	/* the expected-failure form */
	char *reject;		/* TEXT of `reject "TEXT"`, NULL if none */
	unsigned int reject_line;
	char *error;		/* reject records: the first problem (reason only), or NULL */
	unsigned int error_line;

	/* for the writer */
	char **before;		/* comments ("#...") and blank lines ("") above the record */
	unsigned int nbefore;
	struct kmv_line *body;
	unsigned int nbody;
	char **raw;		/* the record's source lines (reject records are written verbatim) */
	unsigned int nraw;
};

struct kmv_file {
	char *path;
	char **pre;		/* comments above the `kmv 1` header */
	unsigned int npre;
	struct kmv_record *recs;
	unsigned int nrecs;
	char **tail;		/* comments and blank lines after the last record */
	unsigned int ntail;
	int err;		/* 0, or the negative errno that stopped reading */
	char *errmsg;		/* "FILE:LINE: reason" when err */
	unsigned int errline;
};

/* `host live ignore_msrs=V`: the kvm backend sets kvm.ignore_msrs for the vector */
#define KMV_LIVE_IGNORE_MSRS	(1u << 0)

/*
 * `profile=live` (host live records only): the profile of the kernel the
 * kvm backend runs on, decided at run time.  Its flags are empty; nothing
 * may evaluate it.  Compare r->profile with &kmv_live_profile.
 */
extern const struct kmc_profile kmv_live_profile;

/* Reader flags */
#define KMV_REQUESTS	(1u << 0)	/* accept `expect KEY` without a value (kmc fill) */
/*
 * Every record (but `reject` ones) must check something: an `expect`, or
 * an op with `-> RESULT` (or one filled in: `host live`, KMV_REQUESTS).
 * A record without is an error ("FILE:LINE: vector 'ID' has no
 * expectations"), not a pass (kmc-run)
 */
#define KMV_CHECKS	(1u << 1)
/*
 * Keep no comments, blank lines or source lines (f->pre, f->tail,
 * r->before, r->raw, comment lines of r->body): only the writer needs
 * them.  With kmv_read_each, what reading keeps is then bounded per
 * record, whatever the file's length (kmc-run).
 */
#define KMV_NO_TRIVIA	(1u << 2)

/*
 * Vector ids seen so far, to keep them unique across the files of a run.
 * kmv_idset_new: exact, every id kept (memory grows with the ids).
 * kmv_idset_new_screen: for a run that reads its inputs twice in fixed
 * memory (kmc-run): the first pass reports no duplicate, it only finds the
 * few ids that may be one; kmv_idset_confirm then makes the set exact for
 * those ids, ready for a pass over the same bytes, and returns how many
 * there are (0: every id was unique, so the first pass's reading was
 * exact).  Confirming again starts another pass.
 */
struct kmv_idset;
struct kmv_idset *kmv_idset_new(void);
struct kmv_idset *kmv_idset_new_screen(void);
unsigned int kmv_idset_confirm(struct kmv_idset *s);
void kmv_idset_free(struct kmv_idset *s);

/*
 * Read a vector file from @fp (named @path in messages) into @f.
 * @ids may be NULL (ids are then unique within this file only).
 * Reading stops at the first error that is not inside a `reject` record;
 * the records before it stay in @f.  Returns 0, or a negative errno with
 * "FILE:LINE: reason" in @msg (and in f->errmsg).  -ENOMEM leaves @f
 * freeable but incomplete.
 */
int kmv_read(FILE *fp, const char *path, unsigned int flags,
	     struct kmv_idset *ids, struct kmv_file *f, char *msg, size_t msglen);
/*
 * Streaming: the same reading, but each record goes to @each as it closes
 * (in file order) instead of into f->recs, and is freed when @each
 * returns; @f gets the file's error, as with kmv_read.  @each returns 0
 * to go on, or nonzero to stop reading: kmv_read_each then returns that
 * value, with nothing in @msg or f->err.  Memory: the record being read,
 * the id set, and with KMV_NO_TRIVIA nothing else that grows.
 */
typedef int (*kmv_record_fn)(void *arg, const struct kmv_record *r);
int kmv_read_each(FILE *fp, const char *path, unsigned int flags, struct kmv_idset *ids,
		  kmv_record_fn each, void *arg, struct kmv_file *f, char *msg, size_t msglen);
/* Same as kmv_read, opening @path; -errno of fopen with "PATH: strerror" on failure */
int kmv_read_file(const char *path, unsigned int flags, struct kmv_idset *ids,
		  struct kmv_file *f, char *msg, size_t msglen);
void kmv_file_free(struct kmv_file *f);

/*
 * A reject record's verdict: 1 if it was rejected with a message containing
 * its TEXT, else 0 with why in @msg ("FILE:LINE: ...").
 */
int kmv_reject_ok(const struct kmv_record *r, char *msg, size_t msglen);

/*
 * Canonical writer (docs/vectors.md "Canonical output").  kmv_write prints
 * one file; kmv_write_all prints several as one file (one header).
 * Returns 0 or -EIO.
 */
int kmv_write(FILE *out, const struct kmv_file *f);
int kmv_write_all(FILE *out, const struct kmv_file *f, unsigned int n);
/*
 * Write @s as a record `vector ID profile=P` with its host, vm and op
 * lines and no expectations (harness/kmv/kmv_scenario.c).  0 or -EIO.
 */
int kmv_write_scenario(FILE *out, const char *id, const struct kmc_profile *p,
		       const struct kmc_scenario *s);
/* " variant=a,b" for a vector line; nothing when @variants is 0 */
void kmv_put_variants(FILE *out, uint32_t variants);
/* Column (1-based) where `->` starts on op lines */
#define KMV_RESULT_COL	40

/* Enough for any value kmv_format_key/kmv_format_result print */
#define KMV_VALMAX	512

/*
 * Values in vector syntax, shared by the writer, the comparison and
 * `kmc eval`.  Like snprintf: return the length the full text needs.
 */
int kmv_format_key(enum kmv_key k, const struct kmc_obs *o, char *buf, size_t len);
int kmv_format_result(uint8_t op, const struct kmc_result *r, char *buf, size_t len);
/* "op rdmsr 0x10a" for op @i of @r (from its source text when there is one) */
int kmv_format_op(const struct kmv_record *r, unsigned int i, char *buf, size_t len);
/* The names of a list-valued key (bugs, features, ...), NULL for the others */
const struct kmc_names *kmv_key_list(enum kmv_key k);
/* The bit set of a list-valued key in @o (0 for the others) */
uint64_t kmv_key_bits(enum kmv_key k, const struct kmc_obs *o);
/*
 * Whether a value prints as text that reads back as itself (what kmc fill
 * writes must read back).  0, or -EINVAL with the reason in @err.
 */
int kmv_result_writable(uint8_t op, const struct kmc_result *r, char *err, size_t len);
int kmv_key_writable(enum kmv_key k, const struct kmc_obs *o, char *err, size_t len);
/* Copy key @k's value from @src to @dst */
void kmv_copy_key(enum kmv_key k, struct kmc_obs *dst, const struct kmc_obs *src);

#endif
