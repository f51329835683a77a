// SPDX-License-Identifier: GPL-2.0
/*
 * The vmx watch's BTF reader (kvm_btf.c), without VMX: on base/split BTF
 * blobs built here, broken ones, and — where the lab cache has them — the
 * BTF of Debian's own kernels.
 *
 * Real kernels: kmod/tests/btf-offsets.sh extracts vmlinux's and
 * kvm-intel.ko's .BTF from the lab cache into build/kmod/btf/SERIES/
 * (with bpftool's raw dump beside them); KMC_TEST_BTF_DIR overrides the
 * directory.  Where a kernel's files are missing its check says so on
 * stdout and checks nothing.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kvm_check.h"
#include "vmxwatch.h"

/* ---- a BTF writer, for the tests only -------------------------------------- */

enum { K_INT = 1, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD, K_TYPEDEF, K_VOLATILE,
       K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO, K_VAR, K_DATASEC, K_FLOAT, K_DECL_TAG,
       K_TYPE_TAG, K_ENUM64 };

struct bw {
	uint8_t types[4096];
	size_t ntypes_bytes;
	char strs[2048];
	size_t nstrs;
	uint32_t start_str;	/* the base's string length for split BTF */
	uint32_t next_id;
	uint32_t hdr_len;
};

static void bw_init(struct bw *w, const struct bw *base, int empty_first)
{
	memset(w, 0, sizeof(*w));
	w->hdr_len = 24;
	if (base) {
		w->start_str = (uint32_t)base->nstrs;
		w->next_id = base->next_id;
	} else {
		w->next_id = 1;
	}
	if (empty_first)
		w->nstrs = 1;	/* "" at offset 0 */
}

/* a string's offset as types refer to it */
static uint32_t bw_str(struct bw *w, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)w->nstrs + w->start_str;

	ck_assert_uint_le(w->nstrs + n, sizeof(w->strs));
	memcpy(w->strs + w->nstrs, s, n);
	w->nstrs += n;
	return off;
}

static void bw_u32(struct bw *w, uint32_t v)
{
	ck_assert_uint_le(w->ntypes_bytes + 4, sizeof(w->types));
	memcpy(w->types + w->ntypes_bytes, &v, 4);
	w->ntypes_bytes += 4;
}

static uint32_t bw_type(struct bw *w, uint32_t name, unsigned int kind, int kflag, unsigned int vlen,
			uint32_t size_or_type)
{
	bw_u32(w, name);
	bw_u32(w, (uint32_t)kflag << 31 | (uint32_t)kind << 24 | vlen);
	bw_u32(w, size_or_type);
	return w->next_id++;
}

static uint32_t bw_int(struct bw *w, const char *name, uint32_t size, uint32_t bits, uint32_t enc)
{
	uint32_t id = bw_type(w, bw_str(w, name), K_INT, 0, 0, size);

	bw_u32(w, enc << 24 | bits);
	return id;
}

struct bmem { uint32_t name; uint32_t type; uint32_t off; };

static uint32_t bw_struct(struct bw *w, uint32_t name, uint32_t size, int kflag,
			  const struct bmem *m, unsigned int n)
{
	uint32_t id = bw_type(w, name, K_STRUCT, kflag, n, size);

	for (unsigned int i = 0; i < n; i++) {
		bw_u32(w, m[i].name);
		bw_u32(w, m[i].type);
		bw_u32(w, m[i].off);
	}
	return id;
}

/* header + types + strings into a malloc'd blob */
static uint8_t *bw_blob(const struct bw *w, size_t *len)
{
	uint32_t hdr[6] = { 0, w->hdr_len, 0, (uint32_t)w->ntypes_bytes, (uint32_t)w->ntypes_bytes,
			    (uint32_t)w->nstrs };
	uint8_t *b;

	*len = w->hdr_len + w->ntypes_bytes + w->nstrs;
	b = calloc(1, *len);
	ck_assert_ptr_nonnull(b);
	hdr[0] = 0xeB9F | 1u << 16;	/* magic, version 1, flags 0 */
	memcpy(b, hdr, sizeof(hdr));
	memcpy(b + w->hdr_len, w->types, w->ntypes_bytes);
	memcpy(b + w->hdr_len + w->ntypes_bytes, w->strs, w->nstrs);
	return b;
}

/*
 * The base: every kind kmc must step over, struct kvm_vcpu (6552 bytes, as
 * 6.1), _Bool and typedef bool.  Its ids are in @ids.
 */
struct base_ids { uint32_t t_int, t_bool, t_boolty, t_u64, t_kvm_vcpu, s_vcpu; };

static void build_base(struct bw *w, struct base_ids *ids)
{
	bw_init(w, NULL, 1);
	ids->t_int = bw_int(w, "int", 4, 32, 1 /* signed */);
	ids->t_bool = bw_int(w, "_Bool", 1, 8, 4 /* bool */);
	ids->t_boolty = bw_type(w, bw_str(w, "bool"), K_TYPEDEF, 0, 0, ids->t_bool);
	ids->t_u64 = bw_int(w, "long long unsigned int", 8, 64, 0);
	/* the kinds with trailing data, and those without */
	bw_type(w, 0, K_PTR, 0, 0, ids->t_int);
	bw_type(w, 0, K_ARRAY, 0, 0, 0);
	bw_u32(w, ids->t_int); bw_u32(w, ids->t_int); bw_u32(w, 16);
	bw_type(w, bw_str(w, "e"), K_ENUM, 0, 2, 4);
	bw_u32(w, bw_str(w, "E_A")); bw_u32(w, 0); bw_u32(w, bw_str(w, "E_B")); bw_u32(w, 1);
	bw_type(w, bw_str(w, "fwd"), K_FWD, 0, 0, 0);
	bw_type(w, 0, K_VOLATILE, 0, 0, ids->t_int);
	bw_type(w, 0, K_CONST, 0, 0, ids->t_int);
	bw_type(w, 0, K_RESTRICT, 0, 0, ids->t_int);
	bw_type(w, 0, K_FUNC_PROTO, 0, 2, ids->t_int);
	bw_u32(w, 0); bw_u32(w, ids->t_int); bw_u32(w, 0); bw_u32(w, ids->t_int);
	bw_type(w, bw_str(w, "f"), K_FUNC, 0, 0, w->next_id - 1);
	bw_type(w, bw_str(w, "v"), K_VAR, 0, 0, ids->t_int);
	bw_u32(w, 1);
	bw_type(w, bw_str(w, ".data..percpu"), K_DATASEC, 0, 1, 4);
	bw_u32(w, w->next_id - 2); bw_u32(w, 0); bw_u32(w, 4);
	bw_type(w, bw_str(w, "double"), K_FLOAT, 0, 0, 8);
	bw_type(w, bw_str(w, "tag"), K_DECL_TAG, 0, 0, ids->t_int);
	bw_u32(w, (uint32_t)-1);
	bw_type(w, bw_str(w, "user"), K_TYPE_TAG, 0, 0, ids->t_int);
	bw_type(w, bw_str(w, "e64"), K_ENUM64, 0, 1, 8);
	bw_u32(w, bw_str(w, "E64_A")); bw_u32(w, 1); bw_u32(w, 2);
	bw_type(w, 0, K_UNION, 0, 0, 0);
	ids->s_vcpu = bw_str(w, "vcpu");	/* a member name the split takes from the base */
	{
		struct bmem m[] = { { bw_str(w, "cpu"), ids->t_int, 0 } };

		ids->t_kvm_vcpu = bw_struct(w, bw_str(w, "kvm_vcpu"), 6552, 0, m, 1);
	}
}

/* How the split's struct vcpu_vmx is built */
struct vmx_spec {
	uint32_t size;
	uint32_t vcpu_bits;		/* bit offset of vcpu */
	uint32_t fb_bits;		/* bit offset of disable_fb_clear */
	int kflag;			/* the struct's kind_flag */
	uint32_t fb_bitfield;		/* bit-field size (with kflag) */
	int fb_type;			/* 0 typedef bool, 1 const volatile bool, 2 u64, 3 int:1, 4 struct */
	int vcpu_type;			/* 0 struct kvm_vcpu, 1 int */
	int omit_fb, omit_vcpu, omit_struct, twice;
};

static const struct vmx_spec vmx61 = { .size = 9088, .fb_bits = 0x2230 * 8 };

static void build_split(struct bw *w, const struct bw *base, const struct base_ids *ids,
			const struct vmx_spec *sp)
{
	uint32_t fbt, vt;

	bw_init(w, base, 0);
	/* split strings start with a name, as kvm_intel's do */
	bw_str(w, "vmcs_field");
	switch (sp->fb_type) {
	case 1:
		fbt = bw_type(w, 0, K_VOLATILE, 0, 0, ids->t_boolty);
		fbt = bw_type(w, 0, K_CONST, 0, 0, fbt);
		break;
	case 2:
		fbt = ids->t_u64;
		break;
	case 3:
		fbt = bw_int(w, "_Bool", 1, 1, 4);	/* pahole's old bit-field encoding */
		break;
	case 4:
		fbt = ids->t_kvm_vcpu;
		break;
	default:
		fbt = ids->t_boolty;
	}
	vt = sp->vcpu_type ? ids->t_int : ids->t_kvm_vcpu;
	for (int n = 0; n < (sp->twice ? 2 : 1); n++) {
		struct bmem m[3];
		unsigned int k = 0;

		if (!sp->omit_vcpu)
			m[k++] = (struct bmem){ ids->s_vcpu, vt, sp->vcpu_bits };
		m[k++] = (struct bmem){ bw_str(w, "msr_ia32_mcu_opt_ctrl"), ids->t_u64,
					sp->fb_bits - 64 };
		if (!sp->omit_fb)
			m[k++] = (struct bmem){ bw_str(w, "disable_fb_clear"), fbt,
						sp->kflag ? sp->fb_bitfield << 24 | sp->fb_bits :
							    sp->fb_bits };
		bw_struct(w, bw_str(w, sp->omit_struct ? "vcpu_svm" : "vcpu_vmx"),
			  sp->size + (uint32_t)n * 8, sp->kflag, m, k);
	}
}

struct pair {
	uint8_t *base, *split;
	size_t blen, slen;
	struct kmc_btf b, s;
};

/* parse base and split; the split's result (0 or -errno), the message in @msg */
static int pair_layout(struct pair *p, const struct vmx_spec *sp, struct kmc_btf_vmx *out,
		       char *msg, size_t len)
{
	struct bw wb, ws;
	struct base_ids ids;
	int ret;

	build_base(&wb, &ids);
	build_split(&ws, &wb, &ids, sp);
	p->base = bw_blob(&wb, &p->blen);
	p->split = bw_blob(&ws, &p->slen);
	ret = kmc_btf_parse(&p->b, p->base, p->blen, "base.btf", NULL, msg, len);
	ck_assert_msg(!ret, "base: %s", msg);
	ret = kmc_btf_parse(&p->s, p->split, p->slen, "split.btf", &p->b, msg, len);
	if (!ret)
		ret = kmc_btf_vmx_layout(&p->s, out, msg, len);
	return ret;
}

static void pair_free(struct pair *p)
{
	kmc_btf_free(&p->s);
	kmc_btf_free(&p->b);
	free(p->base);
	free(p->split);
}

/* ---- BTF: synthetic --------------------------------------------------------- */

START_TEST(btf_split_layout)
{
	struct pair p;
	struct kmc_btf_vmx l;
	char msg[512];
	int ret = pair_layout(&p, &vmx61, &l, msg, sizeof(msg));

	ck_assert_msg(!ret, "%s", msg);
	ck_assert_uint_eq(l.offset, 0x2230);
	ck_assert_uint_eq(l.field_off, 0x2230);
	ck_assert_uint_eq(l.vcpu_off, 0);
	ck_assert_uint_eq(l.field_size, 1);
	ck_assert_uint_eq(l.vcpu_vmx_size, 9088);
	ck_assert_uint_eq(l.kvm_vcpu_size, 6552);
	/* split ids continue the base's */
	ck_assert_uint_eq(p.s.start_id, p.b.start_id + p.b.ntypes);
	ck_assert_uint_ge(l.type_id, p.s.start_id);
	ck_assert_uint_eq(p.s.start_str, p.b.str_len);
	pair_free(&p);
}
END_TEST

START_TEST(btf_variants_that_work)
{
	static const struct { const char *name; struct vmx_spec sp; uint32_t want; } rows[] = {
		{ "kind_flag set, disable_fb_clear not a bit-field",
		  { .size = 9088, .fb_bits = 0x2230 * 8, .kflag = 1 }, 0x2230 },
		{ "const volatile bool", { .size = 9024, .fb_bits = 0x21f0 * 8, .fb_type = 1 }, 0x21f0 },
		{ "vcpu not first: the offset is relative to it",
		  { .size = 9344, .vcpu_bits = 64 * 8, .fb_bits = (64 + 0x22f8) * 8 }, 0x22f8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct pair p;
		struct kmc_btf_vmx l;
		char msg[512];
		int ret = pair_layout(&p, &rows[i].sp, &l, msg, sizeof(msg));

		ck_assert_msg(!ret, "%s: %s", rows[i].name, msg);
		ck_assert_msg(l.offset == rows[i].want, "%s: 0x%x", rows[i].name, l.offset);
		pair_free(&p);
	}
}
END_TEST

/* struct vcpu_vmx as 6.1 has it, but for one thing: the reader refuses it, saying why */
START_TEST(btf_layout_refusals)
{
#define V61 .size = 9088
#define FB61 (0x2230 * 8)
	static const struct { const char *name; struct vmx_spec sp; int err; const char *text; } rows[] = {
		{ "no vcpu_vmx", { V61, .fb_bits = FB61, .omit_struct = 1 }, ENOENT, "no struct vcpu_vmx" },
		{ "no field", { V61, .fb_bits = FB61, .omit_fb = 1 }, ENOENT, "no member disable_fb_clear" },
		{ "no vcpu", { V61, .fb_bits = FB61, .omit_vcpu = 1 }, ENOENT, "no member vcpu" },
		{ "bit-field", { V61, .fb_bits = FB61, .kflag = 1, .fb_bitfield = 1 }, EINVAL,
		  "1-bit bit-field" },
		{ "old bit-field", { V61, .fb_bits = FB61, .fb_type = 3 }, EINVAL, "1-bit bit-field" },
		{ "unaligned", { V61, .fb_bits = FB61 + 3 }, EINVAL, "not byte-aligned" },
		{ "u64", { V61, .fb_bits = FB61, .fb_type = 2 }, EINVAL, "8 bytes" },
		{ "struct", { V61, .fb_bits = FB61, .fb_type = 4 }, EINVAL, "STRUCT" },
		{ "vcpu int", { V61, .fb_bits = FB61, .vcpu_type = 1 }, EINVAL, "not a struct kvm_vcpu" },
		{ "inside vcpu", { V61, .fb_bits = 0x100 * 8 }, EINVAL, "inside vcpu_vmx.vcpu" },
		{ "past the end", { .size = 0x2000, .fb_bits = FB61 }, EINVAL, "past the struct" },
		{ "twice", { V61, .fb_bits = FB61, .twice = 1 }, EINVAL, "two different struct vcpu_vmx" },
	};
#undef V61
#undef FB61

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct pair p;
		struct kmc_btf_vmx l;
		char msg[512] = "";
		int ret = pair_layout(&p, &rows[i].sp, &l, msg, sizeof(msg));

		ck_assert_msg(ret == -rows[i].err && strstr(msg, rows[i].text) && strstr(msg, "split.btf"),
			      "%s: want %d '%s', got %d '%s'", rows[i].name, -rows[i].err, rows[i].text,
			      ret, msg);
		pair_free(&p);
	}
}
END_TEST

/* The base with bytes patched, parsed: -EINVAL and what the reader says */
struct patch {
	const char *name;
	long at;		/* header byte, or (types) type section byte; < 0: from its end */
	uint32_t val;
	int width;		/* bytes written; 0: the type section is cut by @at bytes instead */
	int types;		/* @at is in the type section */
	const char *text;
};

static void patched_fails(const struct patch *pt)
{
	struct bw wb;
	struct base_ids ids;
	struct kmc_btf b;
	size_t len, at;
	uint8_t *blob;
	char msg[512] = "";
	int ret;

	build_base(&wb, &ids);
	if (pt->types && !pt->width)
		wb.ntypes_bytes -= (size_t)pt->at;
	else if (pt->types)
		memcpy(wb.types + (pt->at < 0 ? (long)wb.ntypes_bytes + pt->at : pt->at), &pt->val, 4);
	blob = bw_blob(&wb, &len);
	at = (size_t)pt->at;
	if (!pt->types && pt->width == 1)
		blob[at] = (uint8_t)pt->val;
	else if (!pt->types && pt->width == 2)
		memcpy(blob + at, &(uint16_t){ (uint16_t)pt->val }, 2);
	else if (!pt->types)
		memcpy(blob + at, &pt->val, 4);
	ret = kmc_btf_parse(&b, blob, len, "patched.btf", NULL, msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, pt->text) && !strncmp(msg, "patched.btf: ", 13),
		      "%s: patch @%ld=0x%x: want '%s', got %d '%s'", pt->name, pt->at, pt->val,
		      pt->text, ret, msg);
	kmc_btf_free(&b);
	free(blob);
}

START_TEST(btf_broken_headers_and_types)
{
	static const struct patch rows[] = {
		{ "magic", 0, 0x1234, 2, 0, "not BTF: magic 0x1234" },
		{ "swapped", 0, 0x9FeB, 2, 0, "byte-swapped" },
		{ "version", 2, 2, 1, 0, "version 2" },
		{ "short header", 4, 8, 4, 0, "header length 8" },
		{ "huge header", 4, 1u << 30, 4, 0, "header length" },
		{ "type section", 12, 1u << 20, 4, 0, "type section" },
		{ "string section", 16, 1u << 30, 4, 0, "string section" },
		{ "no strings", 20, 0, 4, 0, "empty or not NUL-terminated" },
		/* type 1's info: kind 25 */
		{ "unknown kind", 4, 25u << 24, 4, 1, "patched.btf: type 1: unknown kind 25" },
		/* the last type (struct kvm_vcpu, one member)'s info: vlen 500 */
		{ "members past the end", -24 + 4, 4u << 24 | 500, 4, 1,
		  "(STRUCT, vlen 500): its data runs past" },
		{ "a type cut in half", 6, 0, 0, 1, "patched.btf: type " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		patched_fails(&rows[i]);
}
END_TEST

/* split BTF alone: its strings do not start with "" — the reader says why */
START_TEST(btf_split_without_base)
{
	struct pair p;
	struct kmc_btf_vmx l;
	struct kmc_btf s;
	char msg[512];

	ck_assert_int_eq(pair_layout(&p, &vmx61, &l, msg, sizeof(msg)), 0);
	ck_assert_int_eq(kmc_btf_parse(&s, p.split, p.slen, "mod.btf", NULL, msg, sizeof(msg)), -EINVAL);
	ck_assert_msg(strstr(msg, "without its base"), "%s", msg);
	kmc_btf_free(&s);
	pair_free(&p);
}
END_TEST

/* every truncation and many corruptions of the split: an error or a layout, never a crash */
START_TEST(btf_truncated_and_corrupt)
{
	struct pair p;
	struct kmc_btf_vmx l;
	char msg[512];
	uint32_t x = 12345;
	unsigned int ok = 0;

	ck_assert_int_eq(pair_layout(&p, &vmx61, &l, msg, sizeof(msg)), 0);
	for (size_t n = 0; n < p.slen; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		struct kmc_btf s;
		int ret;

		memcpy(cut, p.split, n);
		ret = kmc_btf_parse(&s, cut, n, "cut.btf", &p.b, msg, sizeof(msg));
		if (!ret)
			ret = kmc_btf_vmx_layout(&s, &l, msg, sizeof(msg));
		ck_assert_msg(ret < 0, "a split cut to %zu of %zu bytes was taken", n, p.slen);
		ck_assert_msg(!strncmp(msg, "cut.btf: ", 9), "%s", msg);
		kmc_btf_free(&s);
		free(cut);
	}
	for (int round = 0; round < 3000; round++) {
		uint8_t *bad = malloc(p.slen);
		struct kmc_btf s;

		memcpy(bad, p.split, p.slen);
		for (int k = 0; k < 1 + round % 4; k++) {
			x = x * 1103515245 + 12345;
			bad[(x >> 8) % p.slen] ^= (uint8_t)(1u << ((x >> 4) % 8));
		}
		if (!kmc_btf_parse(&s, bad, p.slen, "bad.btf", &p.b, msg, sizeof(msg)) &&
		    !kmc_btf_vmx_layout(&s, &l, msg, sizeof(msg)))
			ok++;
		kmc_btf_free(&s);
		free(bad);
	}
	ck_assert_uint_lt(ok, 3000);	/* most flips break it, and none crashed */
	pair_free(&p);
}
END_TEST

/* a header longer than 24 bytes (newer BTF): the extra fields are not needed */
START_TEST(btf_longer_header)
{
	struct bw wb;
	struct base_ids ids;
	struct kmc_btf b;
	size_t len;
	uint8_t *blob;
	char msg[512];

	build_base(&wb, &ids);
	wb.hdr_len = 32;
	blob = bw_blob(&wb, &len);
	ck_assert_msg(!kmc_btf_parse(&b, blob, len, "long.btf", NULL, msg, sizeof(msg)), "%s", msg);
	ck_assert_uint_eq(b.ntypes, ids.t_kvm_vcpu);
	kmc_btf_free(&b);
	free(blob);
}
END_TEST

START_TEST(btf_files)
{
	char dir[] = "/tmp/kmc-btf-XXXXXX", bpath[64], spath[64], none[64], src[256], msg[512];
	struct pair p;
	struct kmc_btf_vmx l;
	struct bw wb;
	struct base_ids ids;
	uint8_t *blob;
	size_t len;
	int ret;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(bpath, sizeof(bpath), "%s/vmlinux", dir);
	snprintf(spath, sizeof(spath), "%s/kvm_intel", dir);
	snprintf(none, sizeof(none), "%s/none", dir);
	ck_assert_int_eq(pair_layout(&p, &vmx61, &l, msg, sizeof(msg)), 0);
	kt_write_file(bpath, p.base, p.blen);
	kt_write_file(spath, p.split, p.slen);
	ret = kmc_vmx_layout_files(bpath, spath, &l, src, sizeof(src), msg, sizeof(msg));
	ck_assert_msg(!ret && l.offset == 0x2230, "%d %s", ret, msg);
	ck_assert_msg(strstr(src, spath) && strstr(src, bpath), "%s", src);

	/* missing module BTF, base without vcpu_vmx: both files named */
	ret = kmc_vmx_layout_files(bpath, none, &l, src, sizeof(src), msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, none) && strstr(msg, "No such file") &&
		      strstr(msg, "has no struct vcpu_vmx"), "%d %s", ret, msg);
	/* missing base */
	ret = kmc_vmx_layout_files(none, spath, &l, src, sizeof(src), msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, none), "%d %s", ret, msg);
	/* a base that is not BTF */
	kt_write_file(bpath, "hello, world, this is not BTF at all", 36);
	ret = kmc_vmx_layout_files(bpath, spath, &l, src, sizeof(src), msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, bpath) && strstr(msg, "not BTF"), "%d %s", ret, msg);

	/* kvm_intel built in: struct vcpu_vmx in the base, no module file */
	build_base(&wb, &ids);
	{
		struct bmem m[] = { { ids.s_vcpu, ids.t_kvm_vcpu, 0 },
				    { bw_str(&wb, "disable_fb_clear"), ids.t_boolty, 0x21f0 * 8 } };

		bw_struct(&wb, bw_str(&wb, "vcpu_vmx"), 9024, 0, m, 2);
	}
	blob = bw_blob(&wb, &len);
	kt_write_file(bpath, blob, len);
	ret = kmc_vmx_layout_files(bpath, none, &l, src, sizeof(src), msg, sizeof(msg));
	ck_assert_msg(!ret && l.offset == 0x21f0 && strstr(src, "built in"), "%d %s", ret, msg);
	free(blob);

	unlink(bpath);
	unlink(spath);
	rmdir(dir);
	pair_free(&p);
}
END_TEST

/* ---- BTF: Debian's kernels (kmod/tests/btf-offsets.sh's extracts) ---------- */

/* bpftool's raw dump of kvm_intel: the bit offset of vcpu_vmx's @member, -1 if not there */
static long raw_member_bits(const char *raw, const char *member)
{
	FILE *f = fopen(raw, "r");
	char line[512], want[80];
	int in = 0;
	long bits = -1;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "\t'%s' type_id=", member);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '[')
			in = strstr(line, " STRUCT 'vcpu_vmx' ") != NULL;
		else if (in && !strncmp(line, want, strlen(want)))
			bits = strtol(strstr(line, "bits_offset=") + 12, NULL, 10);
	}
	fclose(f);
	return bits;
}

START_TEST(btf_debian_kernels)
{
	static const struct { const char *series; uint32_t offset, kvm_vcpu; } k[] = {
		{ "6.1", 0x2230, 6552 }, { "6.12", 0x21f0, 6480 }, { "7.2", 0x22f8, 6720 },
	};
	const char *dir = getenv("KMC_TEST_BTF_DIR") ? getenv("KMC_TEST_BTF_DIR") : "build/kmod/btf";

	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		char base[512], mod[512], raw[512], src[512], msg[1024];
		struct kmc_btf_vmx l;
		struct stat st;
		long fb, vcpu;
		int ret;

		snprintf(base, sizeof(base), "%s/%s/vmlinux.btf", dir, k[i].series);
		snprintf(mod, sizeof(mod), "%s/%s/kvm_intel.btf", dir, k[i].series);
		snprintf(raw, sizeof(raw), "%s/%s/kvm_intel.raw", dir, k[i].series);
		if (stat(base, &st) || stat(mod, &st)) {
			printf("kvm_btf: %s: not tested: no %s (kmod/tests/btf-offsets.sh %s extracts it from the lab cache)\n",
			       k[i].series, stat(base, &st) ? base : mod, k[i].series);
			continue;
		}
		ret = kmc_vmx_layout_files(base, mod, &l, src, sizeof(src), msg, sizeof(msg));
		ck_assert_msg(!ret, "%s: %s", k[i].series, msg);
		ck_assert_msg(l.offset == k[i].offset, "%s: offset 0x%x, docs/kmod.md says 0x%x",
			      k[i].series, l.offset, k[i].offset);
		ck_assert_msg(l.kvm_vcpu_size == k[i].kvm_vcpu, "%s: sizeof(struct kvm_vcpu) %u",
			      k[i].series, l.kvm_vcpu_size);
		ck_assert_uint_eq(l.vcpu_off, 0);
		ck_assert_uint_eq(l.field_size, 1);
		/* and what bpftool read from the same files */
		fb = raw_member_bits(raw, "disable_fb_clear");
		vcpu = raw_member_bits(raw, "vcpu");
		if (fb >= 0 && vcpu >= 0)
			ck_assert_msg((long)l.offset == (fb - vcpu) / 8, "%s: bpftool says bit %ld - %ld",
				      k[i].series, fb, vcpu);
		printf("kvm_btf: %s: vcpu_vmx.disable_fb_clear at 0x%x (%s)%s\n", k[i].series, l.offset,
		       src, fb >= 0 ? ", as bpftool reads it" : "");
	}
}
END_TEST

/* this machine's own vmlinux BTF, when it has one: a real base with every kind it uses */
START_TEST(btf_this_machine)
{
	struct kmc_btf b;
	struct kmc_btf_vmx l;
	char msg[512];
	int ret;

	if (access(KMC_BTF_SYSFS_VMLINUX, R_OK)) {
		printf("kvm_btf: this machine: not tested: %s: %s\n", KMC_BTF_SYSFS_VMLINUX, strerror(errno));
		return;
	}
	ret = kmc_btf_load(&b, KMC_BTF_SYSFS_VMLINUX, NULL, msg, sizeof(msg));
	ck_assert_msg(!ret, "%s", msg);
	ck_assert_uint_gt(b.ntypes, 1000);
	ret = kmc_btf_vmx_layout(&b, &l, msg, sizeof(msg));
	ck_assert_msg(!ret || (ret == -ENOENT && strstr(msg, "no struct vcpu_vmx")), "%s", msg);
	kmc_btf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_btf");
	const TTest *const tests[] = {
		btf_split_layout, btf_variants_that_work, btf_layout_refusals,
		btf_broken_headers_and_types, btf_split_without_base, btf_truncated_and_corrupt,
		btf_longer_header, btf_files, btf_debian_kernels, btf_this_machine, NULL,
	};

	kt_case(s, "btf", 60, NULL, NULL, tests);
	return kt_run(s);
}
