// SPDX-License-Identifier: GPL-2.0
/* A results directory's derived files, each replaced atomically (derive.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "derive.h"
#include "rundir.h"
#include "util.h"

int kr_derive_dir(const char *dir, char *msg, size_t len)
{
	return kr_derive_dir_meta(dir, NULL, msg, len);
}

int kr_derive_dir_meta(const char *dir, json_t *meta, char *msg, size_t len)
{
	static const struct {
		const char *key, *name;	/* run.json files.KEY, else NAME */
		int kind;
	} outs[] = {
		{ "files.junit", KR_JUNIT, 0 }, { "files.kcidb", KR_KCIDB, 1 },
		/* a directory kmc-run did not write may have a summary.txt of its own */
		{ "files.summary", "kmc-summary.txt", 2 },
	};
	struct kr_results res;
	int ret = kr_results_load_meta(dir, meta, &res, msg, len);

	if (ret)
		return ret;
	for (unsigned int i = 0; i < sizeof(outs) / sizeof(outs[0]) && !ret; i++) {
		const char *name = kr_meta_str(res.meta, outs[i].key);
		struct kr_atomic a;
		char path[4300];
		int w, werr;

		if (!name || !*name || strchr(name, '/'))
			name = outs[i].name;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ret = kr_atomic_open(&a, path, msg, len);
		if (ret)
			break;
		errno = 0;
		w = outs[i].kind == 0 ? kr_write_junit(&res, a.fp) :
		    outs[i].kind == 1 ? kr_write_kcidb(&res, a.fp, msg, len) :
		    kr_write_summary(&res, a.fp);
		/* stdio's write error (ENOSPC, EFBIG), before anything else sets errno */
		werr = w == -EIO && errno && ferror(a.fp) ? errno : 0;
		ret = kr_atomic_commit(&a, w == 0, msg, len);
		if (!ret && w) {
			if (werr)
				snprintf(msg, len, "%s: %s", path, strerror(werr));
			else if (w != -ENOMEM && outs[i].kind != 1)
				snprintf(msg, len, "%s: write error", path);
			ret = werr ? -werr : w;
		}
	}
	kr_results_free(&res);
	return ret;
}
