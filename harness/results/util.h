/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers of the results code: files, time, text. */
#ifndef KR_UTIL_H
#define KR_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* mkdir -p: 0, or -errno with "PATH: reason" in @msg */
int kr_mkdir_p(const char *path, char *msg, size_t len);

/*
 * Atomic replace: kr_atomic_open() creates ".NAME.tmp.PID.RANDOM" in
 * PATH's directory, with O_EXCL and O_NOFOLLOW (a name planted in the
 * directory, a symlink to somewhere else, is never written through: the
 * open fails and another random name is tried); kr_atomic_commit()
 * flushes, fsyncs, closes and renames it over PATH (which replaces a
 * symlink there rather than following it) and fsyncs the directory, or
 * on @ok == 0 removes it.  kr_atomic_openat() does the same for NAME in
 * the directory open as @dirfd (kept open by the caller; @dirpath only
 * for messages).  0 or -errno + message.
 */
struct kr_atomic {
	FILE *fp;
	int dirfd, own_dirfd;
	char name[256];		/* the final name, in the directory */
	char tmp[300];		/* the temporary name, in the directory */
	char path[4096];	/* DIR/NAME, for messages */
};
int kr_atomic_open(struct kr_atomic *a, const char *path, char *msg, size_t len);
int kr_atomic_openat(struct kr_atomic *a, int dirfd, const char *dirpath, const char *name,
		     char *msg, size_t len);
int kr_atomic_commit(struct kr_atomic *a, int ok, char *msg, size_t len);

/*
 * Create NAME in the directory @dirfd for writing, with O_EXCL and
 * O_NOFOLLOW: a FILE, or NULL with errno set.
 */
FILE *kr_create_at(int dirfd, const char *name);

/* A random 64-bit number (getrandom(2), else the clock and the pid) */
unsigned long long kr_random(void);

/* "2026-11-01T21:25:31Z" (UTC; @frac adds ".123456") into @buf */
void kr_iso_time(const struct timespec *ts, int frac, char *buf, size_t len);
/* The same without the zone ("2026-11-01T21:25:31", UTC), for JUnit */
void kr_iso_time_nozone(const struct timespec *ts, char *buf, size_t len);
/* Parse kr_iso_time's output back (with its fraction, zone ignored): 0 or -EINVAL */
int kr_iso_parse(const char *s, struct timespec *ts);

/*
 * A copy of @s safe for JSON and XML: invalid UTF-8 bytes become '?',
 * control characters other than '\n' and '\t' become ' '; at most @max
 * bytes (0: no limit), cut at a character boundary.  malloc'd, NULL on ENOMEM.
 */
/*
 * @s as XML or HTML text (kr_clean()ed first; NULL as ""): & < > " escaped,
 * and with @attr also newline and tab, which an attribute's value would
 * otherwise lose.  The one escaping helper: JUnit's and the report's.
 */
void kr_xml_esc(FILE *fp, const char *s, int attr);
char *kr_clean(const char *s, size_t max);

/* Append printf output to a malloc'd string (*s may be NULL); -ENOMEM on failure */
int kr_appendf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read a whole file: malloc'd NUL-terminated text, NULL with errno set */
char *kr_read_file(const char *path, size_t *len);

#endif
