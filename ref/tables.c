// SPDX-License-Identifier: GPL-2.0
/*
 * ref's vulnerability tables and KVM_SUPPORTED_ARCH_CAP, per kernel line,
 * compiled from ref/tables/linux-LINE.h: the facts harness/tools/source/extract.py
 * took from Debian's linux-source of that line (docs/source-check.md).  ref
 * holds no hand-written copy of these tables; the model does
 * (model/host_bugs.c, model/kvm_feature.c), so the sweep compares the
 * model's hand-written rules with tables derived from the sources.
 */
#include <stddef.h>
#include "internal.h"

/* kernel vendor names (X86_VENDOR_*) -> kmc's; NSC and VORTEX match no kmc CPU */
#define V_ANY		VENDOR_ANY
#define V_INTEL		KMC_VENDOR_INTEL
#define V_AMD		KMC_VENDOR_AMD
#define V_HYGON		KMC_VENDOR_HYGON
#define V_CENTAUR	KMC_VENDOR_CENTAUR
#define V_ZHAOXIN	KMC_VENDOR_ZHAOXIN
#define V_NSC		VENDOR_NOT_KMC
#define V_VORTEX	VENDOR_NOT_KMC

/* Each fact kind is kept only while its PICK_* is on (line_tables.inc) */
#define PICK_KVER(...)
#define PICK_WL(...)
#define PICK_BL(...)
#define PICK_KVM_AC(...)
#define KST_SOURCE(line, package, version)
#define KST_KVER(a, b, c)		PICK_KVER({ a, b, c })
#define KST_WL_FLAG(name, bit)
#define KST_BL_FLAG(name, bit)
#define KST_WL(v, f, m, lo, hi, bits)	PICK_WL({ V_##v, f, m, lo, hi, bits },)
#define KST_BL(v, f, m, lo, hi, bits)	PICK_BL({ V_##v, f, m, lo, hi, bits },)
#define KST_KVM_AC(name)		PICK_KVM_AC(| KMC_AC_##name)
#define KST_AC(name, bit)
#define KST_BUG(name, n, shown)
#define KST_BUG_UNSET(name)
#define KST_VULN_FILE(name)

#define LINE_ID		linux_5_10
#define LINE_FILE	"tables/linux-5.10.h"
#include "line_tables.inc"
#undef LINE_ID
#undef LINE_FILE
#define LINE_ID		linux_6_1
#define LINE_FILE	"tables/linux-6.1.h"
#include "line_tables.inc"
#undef LINE_ID
#undef LINE_FILE
#define LINE_ID		linux_6_12
#define LINE_FILE	"tables/linux-6.12.h"
#include "line_tables.inc"
#undef LINE_ID
#undef LINE_FILE
#define LINE_ID		linux_7_2
#define LINE_FILE	"tables/linux-7.2.h"
#include "line_tables.inc"
#undef LINE_ID
#undef LINE_FILE
#define LINE_ID		linux_7_3
#define LINE_FILE	"tables/linux-7.3.h"
#include "line_tables.inc"
#undef LINE_ID
#undef LINE_FILE

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define LINE(id)	{ &id##_kver, id##_wl, N(id##_wl), id##_bl, N(id##_bl), &id##_kvm_ac }

/* Oldest first; the last is the newest (ref_newest_line) */
static const struct ref_line lines[] = {
	LINE(linux_5_10),
	LINE(linux_6_1),
	LINE(linux_6_12),
	LINE(linux_7_2),
	LINE(linux_7_3),
};

const struct ref_line *ref_line_of(uint32_t kv)
{
	for (unsigned int i = 0; i < N(lines); i++)
		if (KV(lines[i].kver->major, lines[i].kver->minor, 0) == (kv & 0xffff00u))
			return &lines[i];
	return NULL;
}

const struct ref_line *ref_newest_line(void)
{
	return &lines[N(lines) - 1];
}
