// SPDX-License-Identifier: GPL-2.0
/*
 * Tokens of a vector line, and their canonical spelling (docs/vectors.md
 * "Grammar" and "Canonical output").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmv_internal.h"

/* ---- tokens ------------------------------------------------------------- */

/*
 * Split @line in place.  A token is a run of non-blank characters and
 * double-quoted parts (`key="a b"` is one token, `key=a b`).
 */
int kmv_tokenize(char *line, struct tok *t, int max, char *err, size_t errlen)
{
	char *r = line;
	int n = 0;

	for (;;) {
		char *w;
		int end;

		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return n;
		if (n == max) {
			snprintf(err, errlen, "too many tokens (at most %d)", max);
			return -EINVAL;
		}
		t[n].s = w = r;
		while (*r && *r != ' ' && *r != '\t') {
			if (*r != '"') {
				*w++ = *r++;
				continue;
			}
			for (r++; *r != '"'; ) {
				if (!*r) {
					snprintf(err, errlen, "unterminated quoted string");
					return -EINVAL;
				}
				if (*r == '\\') {
					r++;
					if (*r != '"' && *r != '\\') {
						snprintf(err, errlen,
							 "unknown escape '\\%c' in quoted string (only \\\" and \\\\)",
							 *r ? *r : '0');
						return -EINVAL;
					}
				}
				*w++ = *r++;
			}
			r++;
		}
		end = !*r;
		*w = '\0';
		n++;
		if (end)
			return n;
		r++;
	}
}

/* Does @s need quotes to survive kmv_tokenize()? */
static int needs_quotes(const char *s)
{
	return !*s || strpbrk(s, " \t\"\\") != NULL;
}

/* Append @s to @buf (size @len, @used so far) as a quoted string */
size_t kmv_put_quoted(char *buf, size_t len, size_t used, const char *s)
{
#define PUTC(c) do { if (used + 1 < len) buf[used] = (c); used++; } while (0)
	PUTC('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			PUTC('\\');
		PUTC(*s);
	}
	PUTC('"');
	if (len)
		buf[used < len ? used : len - 1] = '\0';
	return used;
#undef PUTC
}

int kmv_isalnum_ascii(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* No character in [s, e) needs quoting */
static int plain_span(const char *s, const char *e)
{
	for (; s < e; s++)
		if (strchr(" \t\"\\", *s))
			return 0;
	return 1;
}

/* Lowercase 0X/hex digits of every number word in @s */
static void lower_hex(char *s)
{
	for (char *p = s; *p; ) {
		char *q = p;

		while (*q && (kmv_isalnum_ascii(*q) || *q == '_'))
			q++;
		if (q == p) {
			p++;
			continue;
		}
		if (q - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			char *d = p + 2;

			while (d < q && strchr("0123456789abcdefABCDEF", *d))
				d++;
			if (d == q)
				for (char *c = p; c < q; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c - 'A' + 'a');
		}
		p = q;
	}
}

/*
 * The canonical text of tokens t[0..n): one space apart, hex lowercased,
 * quotes only where needed (around the value of key=value).
 */
char *kmv_join_tokens(struct tok *t, int n)
{
	size_t len = 1;
	char *buf, *p;

	for (int i = 0; i < n; i++)
		len += 2 * strlen(t[i].s) + 4;
	buf = p = malloc(len);
	if (!buf)
		return NULL;
	*p = '\0';
	for (int i = 0; i < n; i++) {
		char *eq = strchr(t[i].s, '=');
		size_t used = (size_t)(p - buf);

		if (i)
			buf[used++] = ' ';
		if (!needs_quotes(t[i].s)) {
			char *start = buf + used;

			strcpy(start, t[i].s);
			lower_hex(start);
			used += strlen(start);
		} else if (eq && eq != t[i].s && plain_span(t[i].s, eq)) {
			memcpy(buf + used, t[i].s, (size_t)(eq - t[i].s) + 1);
			used += (size_t)(eq - t[i].s) + 1;
			used = kmv_put_quoted(buf, len, used, eq + 1);
		} else {
			used = kmv_put_quoted(buf, len, used, t[i].s);
		}
		buf[used] = '\0';
		p = buf + used;
	}
	return buf;
}
