// SPDX-License-Identifier: GPL-2.0
/* Helpers of the results code (util.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util.h"

int kr_mkdir_p(const char *path, char *msg, size_t len)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf)) {
		snprintf(msg, len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;

		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST) {
			int err = -errno;

			snprintf(msg, len, "%s: %s", buf, strerror(errno));
			return err;
		}
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

unsigned long long kr_random(void)
{
	static unsigned long long n;
	unsigned long long v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)ts.tv_sec ^
	       ((unsigned long long)getpid() << 40) ^ ++n * 0x9e3779b97f4a7c15ull;
}

FILE *kr_create_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *fp;

	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "w");
	if (!fp) {
		int e = errno;

		close(fd);
		unlinkat(dirfd, name, 0);
		errno = e;
	}
	return fp;
}

int kr_atomic_openat(struct kr_atomic *a, int dirfd, const char *dirpath, const char *name,
		     char *msg, size_t len)
{
	int fd = -1, err;

	memset(a, 0, sizeof(*a));
	a->dirfd = dirfd;
	if (strlen(name) >= sizeof(a->name) - 40 || strchr(name, '/')) {
		snprintf(msg, len, "%s/%s: bad file name", dirpath, name);
		return -EINVAL;
	}
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->path, sizeof(a->path), "%s/%s", dirpath, name);
	/* a fresh, unguessable name: one planted there (a symlink) is not ours */
	for (unsigned int i = 0; i < 100 && fd < 0; i++) {
		snprintf(a->tmp, sizeof(a->tmp), ".%s.tmp.%ld.%016llx", name, (long)getpid(), kr_random());
		fd = openat(dirfd, a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0 || !(a->fp = fdopen(fd, "w"))) {
		err = errno ? -errno : -EIO;
		snprintf(msg, len, "%s/%s: %s", dirpath, a->tmp, strerror(-err));
		if (fd >= 0) {
			close(fd);
			unlinkat(dirfd, a->tmp, 0);
		}
		return err;
	}
	return 0;
}

int kr_atomic_open(struct kr_atomic *a, const char *path, char *msg, size_t len)
{
	char copy[4096], copy2[4096], *dir, *base;
	int dfd, ret;

	if (strlen(path) >= sizeof(copy)) {
		memset(a, 0, sizeof(*a));
		snprintf(msg, len, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(copy2, sizeof(copy2), "%s", path);
	base = basename(copy);
	dir = dirname(copy2);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		memset(a, 0, sizeof(*a));
		snprintf(msg, len, "%s: %s", dir, strerror(errno));
		return ret;
	}
	ret = kr_atomic_openat(a, dfd, dir, base, msg, len);
	if (ret) {
		close(dfd);
		return ret;
	}
	a->own_dirfd = 1;
	snprintf(a->path, sizeof(a->path), "%s", path);
	return 0;
}

int kr_atomic_commit(struct kr_atomic *a, int ok, char *msg, size_t len)
{
	int err = 0;

	if (!a->fp)
		return -EBADF;
	errno = 0;
	if (ok && (fflush(a->fp) || fsync(fileno(a->fp)) || ferror(a->fp))) {
		err = errno ? -errno : -EIO;
		snprintf(msg, len, "%s: %s", a->path, strerror(-err));
		ok = 0;
	}
	if (fclose(a->fp) && ok) {
		err = errno ? -errno : -EIO;
		snprintf(msg, len, "%s: %s", a->path, strerror(-err));
		ok = 0;
	}
	a->fp = NULL;
	if (ok && renameat(a->dirfd, a->tmp, a->dirfd, a->name)) {
		err = -errno;
		snprintf(msg, len, "%s: rename: %s", a->path, strerror(errno));
		ok = 0;
	}
	if (!ok)
		unlinkat(a->dirfd, a->tmp, 0);
	else
		fsync(a->dirfd);
	if (a->own_dirfd)
		close(a->dirfd);
	a->dirfd = -1;
	return err;
}

void kr_iso_time(const struct timespec *ts, int frac, char *buf, size_t len)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac)
		snprintf(buf, len, "%s.%06ldZ", base, ts->tv_nsec / 1000);
	else
		snprintf(buf, len, "%sZ", base);
}

void kr_iso_time_nozone(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
}

int kr_iso_parse(const char *s, struct timespec *ts)
{
	struct tm tm = { 0 };
	const char *end;

	memset(ts, 0, sizeof(*ts));
	if (!s)
		return -EINVAL;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -EINVAL;
	ts->tv_sec = timegm(&tm);
	if (*end == '.') {
		long scale = 100000000;

		for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
			ts->tv_nsec += scale * (*end - '0');
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at @s (1..4), or 0 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int min, cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2; min = 0x80; cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3; min = 0x800; cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4; min = 0x10000; cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp == 0xfffe || cp == 0xffff)
		return 0;	/* not XML characters */
	return n;
}

char *kr_clean(const char *s, size_t max)
{
	size_t n = strlen(s), o = 0;
	char *out;

	if (max && n > max)
		n = max;
	out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		const unsigned char *c = (const unsigned char *)s + i;
		size_t l = utf8_len(c);

		if (!l) {
			out[o++] = '?';
			i++;
		} else if (i + l > n) {
			break;	/* cut at the limit */
		} else if (l == 1 && c[0] < 0x20 && c[0] != '\n' && c[0] != '\t') {
			out[o++] = ' ';
			i++;
		} else if (l == 1 && c[0] == 0x7f) {
			out[o++] = ' ';
			i++;
		} else {
			memcpy(out + o, c, l);
			o += l;
			i += l;
		}
	}
	out[o] = 0;
	return out;
}

void kr_xml_esc(FILE *fp, const char *s, int attr)
{
	char *c = kr_clean(s ? s : "", 0);

	for (const char *p = c ? c : ""; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\n': fputs(attr ? "&#10;" : "\n", fp); break;
		case '\t': fputs(attr ? "&#9;" : "\t", fp); break;
		default: fputc(*p, fp);
		}
	}
	free(c);
}

int kr_appendf(char **s, const char *fmt, ...)
{
	va_list ap;
	size_t a = *s ? strlen(*s) : 0;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	p = realloc(*s, a + (size_t)n + 1);
	if (!p)
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(p + a, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*s = p;
	return 0;
}

char *kr_read_file(const char *path, size_t *lenp)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			char *b = realloc(buf, cap + 65536 + 1);

			if (!b) {
				free(buf);
				fclose(fp);
				errno = ENOMEM;
				return NULL;
			}
			buf = b;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (!n)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}
