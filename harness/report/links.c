// SPDX-License-Identifier: GPL-2.0
/* Links between the report's files (links.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "links.h"
#include "util.h"

char *kr_rel_link(const char *from_dir, const char *path)
{
	char a[PATH_MAX], b[PATH_MAX], *out = NULL;
	size_t common = 0, i;

	if (!realpath(from_dir, a) || !realpath(path, b))
		return strdup(path);
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i;
	if (!a[i] && (b[i] == '/' || !b[i]))
		common = i;
	for (const char *p = a + common; *p; p++)
		if (*p == '/' && kr_appendf(&out, "../"))
			return NULL;
	if (kr_appendf(&out, "%s", b[common] == '/' ? b + common + 1 : b + common))
		return NULL;
	if (!*out) {
		free(out);
		return strdup(".");
	}
	return out;
}
