// SPDX-License-Identifier: GPL-2.0
/* What the outputs say of one case: its group, its message, its text (derive.h). */
#include <stdlib.h>
#include <string.h>
#include "derive.h"
#include "labrun.h"
#include "util.h"

void kr_undot(char *p)
{
	for (; *p; p++)
		if (*p == '.')
			*p = '_';
}

void kr_case_group(const struct kr_case *c, char *buf, size_t len)
{
	if (c->vi) {
		/* a vector "FAMILY.GROUP.REST": its group (host.mmio.*: mmio) */
		const char *d = strchr(c->vi->id, '.');

		if (d)
			snprintf(buf, len, "%.*s", (int)strcspn(d + 1, "."), d + 1);
		else
			snprintf(buf, len, "%s", c->vi->id);
	} else {
		/* a lab's test: its configuration or layer, as the report's matrix rows */
		kr_lab_row(c->name, NULL, buf, len);
	}
	kr_undot(buf);
}

/*
 * What a failure's message says (JUnit's attribute, LAVA's log): the mismatches (kmc-run's
 * "FILE:LINE: WHAT: expected X, got Y" lines, joined), else the directive's
 * reason, else the first diagnostic that is not a note ("not compared",
 * "rerun:").  malloc'd.
 */
char *kr_case_message(const struct kr_case *c)
{
	const char *diag = c->t ? c->t->diag : NULL;
	const char *reason = c->t ? c->t->reason : c->why;
	const char *other = NULL;
	char *msg = NULL;
	size_t olen = 0;

	for (const char *p = diag; p && *p;) {
		size_t n = strcspn(p, "\n");
		const char *exp = memmem(p, n, ": expected ", 11);

		if (exp && memmem(exp, n - (size_t)(exp - p), ", got ", 6)) {
			if (kr_appendf(&msg, "%s%.*s", msg ? "; " : "", (int)n, p))
				break;
		} else if (!other && !memmem(p, n, ": not compared: ", 16) && strncmp(p, "rerun:", 6)) {
			other = p;
			olen = n;
		}
		p += n + (p[n] == '\n');
	}
	if (msg)
		return msg;
	if (reason && *reason)
		return strndup(reason, strcspn(reason, "\n"));
	if (other)
		return strndup(other, olen);
	return strdup("");
}

char *kr_case_text(const struct kr_case *c)
{
	char *s = NULL;
	const char *reason = c->t ? c->t->reason : c->why;
	const char *diag = c->t ? c->t->diag : NULL;

	if (kr_appendf(&s, "%s%s%s", reason ? reason : "", reason && diag ? "\n" : "", diag ? diag : ""))
		return NULL;
	return s;
}
