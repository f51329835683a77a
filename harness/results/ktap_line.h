/* SPDX-License-Identifier: GPL-2.0 */
/* The KTAP reader's lines: bounded, so that a binary or a device is refused at once. */
#ifndef KT_LINE_H
#define KT_LINE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The next line of @fp into *@buf (without its newline), at most
 * KT_LINE_MAX bytes: its length; -1 at the end; -2 for a line that does
 * not end in time (not KTAP: /dev/zero, a binary); -3 for a whole line
 * with a NUL byte in it.  @partial: the last line had no newline (a kill
 * cut it); it is returned all the same, and the caller drops it.  -4: out
 * of memory.
 */
long kt_read_line(FILE *fp, char **buf, size_t *cap, int *partial);

#endif
