// SPDX-License-Identifier: GPL-2.0
/* run.json of a run: its values, its log, writing it (rundir.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rundir_internal.h"
#include "util.h"

/* The object at dotted @key (all but its last part), created as needed */
static json_t *parent_of(json_t *root, const char *key, const char **last)
{
	char part[128];
	const char *dot;
	json_t *o = root;

	while ((dot = strchr(key, '.'))) {
		json_t *c;
		size_t n = (size_t)(dot - key);

		if (n >= sizeof(part))
			return NULL;
		memcpy(part, key, n);
		part[n] = 0;
		c = json_object_get(o, part);
		if (!json_is_object(c)) {
			c = json_object();
			if (!c || json_object_set_new(o, part, c))
				return NULL;
		}
		o = c;
		key = dot + 1;
	}
	*last = key;
	return o;
}

static void set(struct kr_run *r, const char *key, json_t *v)
{
	const char *last;
	json_t *o = v ? parent_of(r->meta, key, &last) : NULL;

	if (!o) {
		json_decref(v);
		return;
	}
	json_object_set_new(o, last, v);
}

json_t *kr_run_jstr(const char *s)
{
	char *c = kr_clean(s ? s : "", 0);
	json_t *j = c ? json_string(c) : NULL;

	free(c);
	return j;
}

void kr_run_set_str(struct kr_run *r, const char *key, const char *val)
{
	set(r, key, kr_run_jstr(val));
}

void kr_run_set_num(struct kr_run *r, const char *key, double val)
{
	set(r, key, val == (double)(long long)val ? json_integer((json_int_t)val) : json_real(val));
}

void kr_run_set_bool(struct kr_run *r, const char *key, int val)
{
	set(r, key, json_boolean(val));
}

int kr_run_append(struct kr_run *r, const char *key, json_t *v)
{
	const char *last;
	json_t *o = v ? parent_of(r->meta, key, &last) : NULL, *a;

	a = o ? json_object_get(o, last) : NULL;
	if (o && !json_is_array(a)) {
		a = json_array();
		if (a && json_object_set_new(o, last, a))
			a = NULL;
	}
	if (!a || json_array_append_new(a, v)) {
		json_decref(v);
		return -ENOMEM;
	}
	return 0;
}

void kr_run_append_str(struct kr_run *r, const char *key, const char *val)
{
	kr_run_append(r, key, kr_run_jstr(val));
}

void kr_run_fact(struct kr_run *r, const char *section, const char *name, const char *value,
		 const char *source)
{
	char key[160];
	json_t *f = json_object();

	if (!f)
		return;
	json_object_set_new(f, "name", kr_run_jstr(name));
	json_object_set_new(f, "value", kr_run_jstr(value));
	json_object_set_new(f, "source", kr_run_jstr(source));
	snprintf(key, sizeof(key), "%s.facts", section);
	kr_run_append(r, key, f);
}

void kr_run_log(struct kr_run *r, const char *fmt, ...)
{
	struct timespec ts;
	char when[48];
	va_list ap;

	if (!r->log)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	kr_iso_time(&ts, 1, when, sizeof(when));
	fprintf(r->log, "%s ", when);
	va_start(ap, fmt);
	vfprintf(r->log, fmt, ap);
	va_end(ap);
	fputc('\n', r->log);
	fflush(r->log);
}

int kr_run_close_synced(FILE **fp)
{
	int err = 0;

	if (!*fp)
		return 0;
	errno = 0;
	if (fflush(*fp) || fsync(fileno(*fp)) || ferror(*fp))
		err = errno ? -errno : -EIO;
	if (fclose(*fp) && !err)
		err = errno ? -errno : -EIO;
	*fp = NULL;
	return err;
}

int kr_run_write_meta(struct kr_run *r, char *msg, size_t len)
{
	struct kr_atomic a;
	char path[4300];
	int ret, c;

	snprintf(path, sizeof(path), "%s/%s", r->dir, KR_RUN_JSON);
	ret = r->dirfd >= 0 ? kr_atomic_openat(&a, r->dirfd, r->dir, KR_RUN_JSON, msg, len)
			    : kr_atomic_open(&a, path, msg, len);
	if (ret)
		return ret;
	ret = json_dumpf(r->meta, a.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	if (!ret)
		fputc('\n', a.fp);
	c = kr_atomic_commit(&a, ret == 0, msg, len);
	if (c)
		return c;
	if (ret)
		snprintf(msg, len, "%s: write error", path);
	return ret ? -EIO : 0;
}
