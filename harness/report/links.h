/* SPDX-License-Identifier: GPL-2.0 */
/* Links between the report's files (index.html to a run's files, to lcov's pages). */
#ifndef KR_LINKS_H
#define KR_LINKS_H

#include <stdio.h>

/* A link from the report's directory to @path (both made absolute), malloc'd */
char *kr_rel_link(const char *from_dir, const char *path);

#endif
#include "util.h"
