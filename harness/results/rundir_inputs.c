// SPDX-License-Identifier: GPL-2.0
/* A run's vector inputs and their hashes, and vectors.tsv (rundir.h). */
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include "rundir_internal.h"

static int add_input(struct kr_run *r, const char *path, const char *hex, const char *note)
{
	char copy[4096], line[4200];
	json_t *f;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(line, sizeof(line), "%s  %s\n", hex, basename(copy));
	sha256_update(&r->set, strlen(line), (const uint8_t *)line);
	r->ninputs++;
	f = json_object();
	if (!f)
		return -ENOMEM;
	json_object_set_new(f, "path", kr_run_jstr(path));
	json_object_set_new(f, "sha256", json_string(hex));
	if (note)
		json_object_set_new(f, "sha256_of", kr_run_jstr(note));
	return kr_run_append(r, "vectors.files", f);
}

int kr_run_input(struct kr_run *r, const char *path, char *msg, size_t len)
{
	char hex[65];
	int ret = kr_sha256_file(path, hex, msg, len);

	return ret ? ret : add_input(r, path, hex, NULL);
}

int kr_run_input_hash(struct kr_run *r, const char *path, const char *hex, const char *note)
{
	return add_input(r, path, hex, note);
}

/* A TSV field: tabs and newlines would break the line */
static void tsv(FILE *fp, const char *s, int last)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
	fputc(last ? '\n' : '\t', fp);
}

void kr_vectors_line(FILE *fp, const char *top, const char *id, const char *group,
		     const char *profile, const char *host, const char *where)
{
	tsv(fp, top, 0);
	tsv(fp, id, 0);
	tsv(fp, group, 0);
	tsv(fp, profile ? profile : "-", 0);
	tsv(fp, host ? host : "-", 0);
	tsv(fp, where ? where : "-", 1);
}

void kr_run_vector(struct kr_run *r, const char *top, const char *id, const char *group,
		   const char *profile, const char *host, const char *where)
{
	if (!r->vectors)
		return;
	kr_vectors_line(r->vectors, top, id, group, profile, host, where);
	r->nvectors++;
}

int kr_run_vectors_copy(struct kr_run *r, FILE *from, unsigned int n, char *msg, size_t len)
{
	char buf[65536];
	size_t got;

	if (!r->vectors)
		return 0;
	rewind(from);
	while ((got = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, got, r->vectors) != got)
			break;
	if (ferror(from) || ferror(r->vectors)) {
		snprintf(msg, len, "%s/%s: %s", r->dir, KR_RUN_VECTORS, strerror(errno ? errno : EIO));
		return -EIO;
	}
	r->nvectors += n;
	return 0;
}

int kr_run_input_ran(struct kr_run *r, const char *path, const char *hex)
{
	json_t *files = json_object_get(json_object_get(r->meta, "vectors"), "files");
	json_t *hit = NULL, *f;
	size_t i;

	json_array_foreach(files, i, f)
		if (json_is_string(json_object_get(f, "path")) &&
		    !strcmp(json_string_value(json_object_get(f, "path")), path))
			hit = f;
	if (!hit || json_object_set_new(hit, "sha256_ran", json_string(hex)))
		return -ENOMEM;
	kr_run_log(r, "vector input %s changed while it ran: planned from sha256 %s, ran %s", path,
		   json_string_value(json_object_get(hit, "sha256")), hex);
	return 0;
}

int kr_run_begin(struct kr_run *r, char *msg, size_t len)
{
	char hex[65];
	int err;

	kr_sha256_hex(&r->set, hex);
	kr_run_set_str(r, "vectors.set_sha256", hex);
	kr_run_set_str(r, "vectors.set_sha256_how",
		       "sha256 of the lines 'SHA256  BASENAME' of the input files in run order "
		       "(= cd DIR && sha256sum FILES | sha256sum), each hashed from the bytes "
		       "kmc-run read and ran");
	kr_run_set_num(r, "vectors.selected", r->nvectors);
	err = kr_run_close_synced(&r->vectors);
	if (err) {
		snprintf(msg, len, "%s/%s: %s", r->dir, KR_RUN_VECTORS, strerror(-err));
		return err;
	}
	r->begun = 1;
	return kr_run_write_meta(r, msg, len);
}
