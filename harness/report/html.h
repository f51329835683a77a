/* SPDX-License-Identifier: GPL-2.0 */
/* The report's HTML text: the one escaping helper, and links between its files. */
#ifndef KR_HTML_H
#define KR_HTML_H

#include <stdio.h>

/* @s as HTML text or an attribute's value (any bytes: kr_clean() first); NULL as "" */
void kr_html_esc(FILE *fp, const char *s);
/* A link from the report's directory to @path (both made absolute), malloc'd */
char *kr_html_link(const char *from_dir, const char *path);

#endif
