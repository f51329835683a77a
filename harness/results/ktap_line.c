// SPDX-License-Identifier: GPL-2.0
/* The KTAP reader's bounded line reader (ktap_line.h). */
#include <stdlib.h>
#include "ktap_line.h"
#include "ktap_parse.h"

long kt_read_line(FILE *fp, char **buf, size_t *cap, int *partial)
{
	size_t n = 0;
	int c, nul = 0;

	*partial = 0;
	for (;;) {
		c = getc_unlocked(fp);
		if (c == EOF) {
			if (!n)
				return -1;
			*partial = 1;
			break;
		}
		if (c == '\n')
			break;
		if (n >= KT_LINE_MAX)
			return -2;
		if (n + 2 > *cap) {
			size_t ncap = *cap ? 2 * *cap : 256;
			char *b = realloc(*buf, ncap);

			if (!b)
				return -4;
			*buf = b;
			*cap = ncap;
		}
		nul |= !c;
		(*buf)[n++] = (char)c;
	}
	if (!*buf) {
		*buf = malloc(1);
		if (!*buf)
			return -4;
		*cap = 1;
	}
	(*buf)[n] = 0;
	/* NULs at the very end: a file cut by a crash, dropped as partial */
	if (nul && !*partial)
		return -3;
	return (long)n;
}
