/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the kmv_*.c files only: tokens, value parsers and the parsers
 * of each kind of record line.  Parsers return 0 or a negative errno and
 * describe the problem in @err (without FILE:LINE; the reader adds it).
 */
#ifndef KMC_KMV_INTERNAL_H
#define KMC_KMV_INTERNAL_H

#include <stddef.h>
#include "kmv.h"
#include "names.h"

#define ERRLEN	512

/*
 * verw results are KMC_RES_VALUE 0 keeps, 1 clears, 2 n/a (model/fb_clear.c);
 * KMC_RES_OK is also read as n/a, so a backend that says "nothing to
 * report" without VMX compares equal.
 */
#define VERW_KEEPS	0
#define VERW_CLEARS	1
#define VERW_NA		2

/* ---- kmv_read.c: small allocation helpers ---- */
/* Room for element @n of an array grown in powers of two (maybe moved), or NULL */
void *kmv_grow(void *arr, unsigned int n, size_t size);
int kmv_strv_add(char ***v, unsigned int *n, const char *s);
void kmv_strv_free(char **v, unsigned int n);

/* ---- kmv_record.c: one record's lines and its completeness ---- */
void kmv_record_free(struct kmv_record *r);
/* Append a body line (@text is the record's from now on); 0 or -ENOMEM */
int kmv_body_add(struct kmv_record *r, uint8_t kind, uint8_t idx, char *text, unsigned int lineno);
struct tok;
/*
 * An indented `host`, `vm`, `op` or `expect` line (t[0] is the keyword)
 * read at @lineno into @r: 0, -ENOMEM, or another -errno with @err
 */
int kmv_record_line(struct kmv_record *r, unsigned int lineno, struct tok *t, int n,
		    char *err, size_t errlen);
/*
 * A closed record without a problem of its own: 0 when it is complete
 * (a host line, something to check, ... under the reader's @flags), else
 * -EINVAL with the reason in @err and its line in *@line
 */
int kmv_record_check(const struct kmv_record *r, unsigned int flags, unsigned int *line,
		     char *err, size_t errlen);

/* ---- kmv_idset.c ---- */
/*
 * @id read at @path:@line: 1 when the set saw it already (where, in
 * @first_path and @first_line), 0 when not (it is then remembered, as the
 * set's mode says), -ENOMEM
 */
int kmv_idset_seen(struct kmv_idset *s, const char *id, const char *path, unsigned int line,
		   const char **first_path, unsigned int *first_line);

/* ---- kmv_tok.c ---- */
struct tok {
	char *s;		/* unquoted, unescaped */
};

/* Split @line in place into at most @max tokens; their number, or -EINVAL */
int kmv_tokenize(char *line, struct tok *t, int max, char *err, size_t errlen);
/* t[0..n) in canonical spelling (malloc'd; NULL if out of memory) */
char *kmv_join_tokens(struct tok *t, int n);
/* Append @s quoted to @buf (size @len, @used so far); returns the new length */
size_t kmv_put_quoted(char *buf, size_t len, size_t used, const char *s);
int kmv_isalnum_ascii(char c);

/* ---- kmv_host.c ---- */
int kmv_parse_num(const char *s, uint64_t *v, char *err, size_t errlen);
int kmv_parse_index(const char *s, uint32_t *idx, char *err, size_t errlen);
/* "a, b or c" from the named entries of @t */
const char *kmv_alternatives(const struct kmc_names *t, char *buf, size_t len);
/* Index of @val in @t, or -EINVAL with "KEY=VAL: expected ..." */
int kmv_parse_enum(const struct kmc_names *t, const char *key, const char *val,
		   char *err, size_t errlen);
int kmv_parse_bool(const char *key, const char *val, uint8_t *out, char *err, size_t errlen);
/* `host ...` / `vm ...` (t[0] is the keyword) into @r */
int kmv_parse_host(struct kmv_record *r, struct tok *t, int n, char *err, size_t errlen);
int kmv_parse_vm(struct kmv_record *r, struct tok *t, int n, char *err, size_t errlen);

/* ---- kmv_value.c ---- */
/*
 * `op NAME ARGS... [-> RESULT]` (t[0] is "op"): fills @op, and @res when
 * *@has_res; *@textlen is the number of tokens before the arrow.
 */
int kmv_parse_op(struct kmc_op *op, struct kmc_result *res, int *has_res,
		 int *textlen, struct tok *t, int n, char *err, size_t errlen);
int kmv_parse_result(uint8_t op, struct tok *t, int n, struct kmc_result *res,
		     char *err, size_t errlen);
char *kmv_sysfs_field(enum kmv_key k, struct kmc_obs *o);
int kmv_parse_key_value(enum kmv_key k, const char *s, struct kmc_obs *o,
			char *err, size_t errlen);

#endif
