// SPDX-License-Identifier: GPL-2.0
/*
 * The vmx watch's parts that need no VMX: the BTF reader (kvm_btf.c) on
 * base/split BTF blobs built here, broken ones, and — where the lab cache
 * has them — the BTF of Debian's own kernels; the /dev/kmc client
 * (kvm_kmcdev.c) on kmc.ko's recorded facts and on synthetic watch
 * output; the VERW derivation.
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

/* @sp's layout must fail with @err and a message containing @text */
static void layout_fails(const struct vmx_spec *sp, int err, const char *text)
{
	struct pair p;
	struct kmc_btf_vmx l;
	char msg[512] = "";
	int ret = pair_layout(&p, sp, &l, msg, sizeof(msg));

	ck_assert_msg(ret == -err && strstr(msg, text) && strstr(msg, "split.btf"),
		      "want %d '%s', got %d '%s'", -err, text, ret, msg);
	pair_free(&p);
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
	static const struct vmx_spec specs[] = {
		/* kind_flag set, disable_fb_clear not a bit-field */
		{ .size = 9088, .fb_bits = 0x2230 * 8, .kflag = 1 },
		/* const volatile bool */
		{ .size = 9024, .fb_bits = 0x21f0 * 8, .fb_type = 1 },
		/* vcpu not first: the offset is relative to it */
		{ .size = 9344, .vcpu_bits = 64 * 8, .fb_bits = (64 + 0x22f8) * 8 },
	};
	static const uint32_t want[] = { 0x2230, 0x21f0, 0x22f8 };

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct pair p;
		struct kmc_btf_vmx l;
		char msg[512];
		int ret = pair_layout(&p, &specs[i], &l, msg, sizeof(msg));

		ck_assert_msg(!ret, "spec %zu: %s", i, msg);
		ck_assert_msg(l.offset == want[i], "spec %zu: 0x%x", i, l.offset);
		pair_free(&p);
	}
}
END_TEST

START_TEST(btf_layout_refusals)
{
	struct vmx_spec sp;

	sp = vmx61; sp.omit_struct = 1;
	layout_fails(&sp, ENOENT, "no struct vcpu_vmx");
	sp = vmx61; sp.omit_fb = 1;
	layout_fails(&sp, ENOENT, "no member disable_fb_clear");
	sp = vmx61; sp.omit_vcpu = 1;
	layout_fails(&sp, ENOENT, "no member vcpu");
	sp = vmx61; sp.kflag = 1; sp.fb_bitfield = 1;
	layout_fails(&sp, EINVAL, "1-bit bit-field");
	sp = vmx61; sp.fb_type = 3;
	layout_fails(&sp, EINVAL, "1-bit bit-field");
	sp = vmx61; sp.fb_bits += 3;
	layout_fails(&sp, EINVAL, "not byte-aligned");
	sp = vmx61; sp.fb_type = 2;
	layout_fails(&sp, EINVAL, "8 bytes");
	sp = vmx61; sp.fb_type = 4;
	layout_fails(&sp, EINVAL, "STRUCT");
	sp = vmx61; sp.vcpu_type = 1;
	layout_fails(&sp, EINVAL, "not a struct kvm_vcpu");
	sp = vmx61; sp.fb_bits = 0x100 * 8;
	layout_fails(&sp, EINVAL, "inside vcpu_vmx.vcpu");
	sp = vmx61; sp.size = 0x2000;
	layout_fails(&sp, EINVAL, "past the struct");
	sp = vmx61; sp.twice = 1;
	layout_fails(&sp, EINVAL, "two different struct vcpu_vmx");
}
END_TEST

/* a header field patched: what the reader says */
static void header_fails(size_t at, uint32_t val, int width, const char *text)
{
	struct bw wb;
	struct base_ids ids;
	struct kmc_btf b;
	size_t len;
	uint8_t *blob;
	char msg[512] = "";
	int ret;

	build_base(&wb, &ids);
	blob = bw_blob(&wb, &len);
	if (width == 1)
		blob[at] = (uint8_t)val;
	else if (width == 2)
		memcpy(blob + at, &(uint16_t){ (uint16_t)val }, 2);
	else
		memcpy(blob + at, &val, 4);
	ret = kmc_btf_parse(&b, blob, len, "hdr.btf", NULL, msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, text) && !strncmp(msg, "hdr.btf: ", 9),
		      "patch @%zu=0x%x: want '%s', got %d '%s'", at, val, text, ret, msg);
	kmc_btf_free(&b);
	free(blob);
}

START_TEST(btf_broken_headers)
{
	header_fails(0, 0x1234, 2, "not BTF: magic 0x1234");
	header_fails(0, 0x9FeB, 2, "byte-swapped");
	header_fails(2, 2, 1, "version 2");
	header_fails(4, 8, 4, "header length 8");
	header_fails(4, 1u << 30, 4, "header length");
	header_fails(12, 1u << 20, 4, "type section");
	header_fails(16, 1u << 30, 4, "string section");
	header_fails(20, 0, 4, "empty or not NUL-terminated");
}
END_TEST

START_TEST(btf_broken_types)
{
	struct bw wb;
	struct base_ids ids;
	struct kmc_btf b;
	size_t len;
	uint8_t *blob;
	char msg[512] = "";
	uint32_t info = 25u << 24;
	int ret;

	/* an unknown kind */
	build_base(&wb, &ids);
	memcpy(wb.types + 4, &info, 4);
	blob = bw_blob(&wb, &len);
	ret = kmc_btf_parse(&b, blob, len, "kind.btf", NULL, msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, "kind.btf: type 1: unknown kind 25"), "%s", msg);
	kmc_btf_free(&b);
	free(blob);

	/* a struct whose members run past the type section */
	build_base(&wb, &ids);
	info = 4u << 24 | 500;
	memcpy(wb.types + wb.ntypes_bytes - 24 + 4, &info, 4);
	blob = bw_blob(&wb, &len);
	ret = kmc_btf_parse(&b, blob, len, "vlen.btf", NULL, msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, "(STRUCT, vlen 500): its data runs past"), "%s", msg);
	kmc_btf_free(&b);
	free(blob);

	/* a type cut in half */
	build_base(&wb, &ids);
	wb.ntypes_bytes -= 6;
	blob = bw_blob(&wb, &len);
	ret = kmc_btf_parse(&b, blob, len, "cut.btf", NULL, msg, sizeof(msg));
	ck_assert_msg(ret == -EINVAL && strstr(msg, "cut.btf: type "), "%s", msg);
	kmc_btf_free(&b);
	free(blob);
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

static void write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(d, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

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
	write_file(bpath, p.base, p.blen);
	write_file(spath, p.split, p.slen);
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
	write_file(bpath, "hello, world, this is not BTF at all", 36);
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
	write_file(bpath, blob, len);
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

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		char base[512], mod[512], raw[512], src[512], msg[1024];
		struct kmc_btf_vmx l;
		struct stat st;
		long fb, vcpu;
		int ret;

		snprintf(base, sizeof(base), "%s/%s/vmlinux.btf", dir, k[i].series);
		snprintf(mod, sizeof(mod), "%s/%s/kvm_intel.btf", dir, k[i].series);
		snprintf(raw, sizeof(raw), "%s/%s/kvm_intel.raw", dir, k[i].series);
		if (stat(base, &st) || stat(mod, &st)) {
			printf("kvm_vmx: %s: not tested: no %s (kmod/tests/btf-offsets.sh %s extracts it from the lab cache)\n",
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
		printf("kvm_vmx: %s: vcpu_vmx.disable_fb_clear at 0x%x (%s)%s\n", k[i].series, l.offset,
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
		printf("kvm_vmx: this machine: not tested: %s: %s\n", KMC_BTF_SYSFS_VMLINUX, strerror(errno));
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

/* ---- /dev/kmc --------------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* kmc.ko's own output in the lab's L1 (kmod/tests/data, no VMX there) */
START_TEST(kmcdev_recorded_facts)
{
	static const char *const series[] = { "6.1", "6.12", "7.2" };
	static const int64_t min[] = { 0x1998, 0x1950, 0x1a40 };

	for (int i = 0; i < 3; i++) {
		char path[128], *text;
		struct kmc_dev_facts f;
		char why[256];

		snprintf(path, sizeof(path), "kmod/tests/data/facts-%s.txt", series[i]);
		text = slurp(path);
		ck_assert_msg(text != NULL, "%s", path);
		kmc_dev_parse(text, &f);
		ck_assert_int_eq(f.format, 1);
		ck_assert_str_eq(f.vmx_status, "unavailable no-vmx");
		ck_assert_int_eq(f.min_offset, min[i]);
		ck_assert_int_eq(f.nslots, 0);
		ck_assert_uint_eq(f.nslot_seen, 0);
		ck_assert_int_eq(f.watch_offset, -1);
		ck_assert_int_eq(f.bug_mds, 0);
		ck_assert_int_eq(f.feat_md_clear, 0);
		ck_assert_int_eq(f.feat_arch_cap, 0);
		ck_assert_int_eq(f.cpu_online, 1);
		ck_assert_uint_eq(f.nac, 1);
		ck_assert_str_eq(f.last_error, "0");
		/* an EPYC under TCG: no MDS, no 0x10a: VERW clears nothing */
		ck_assert_int_eq(kmc_dev_verw_clears(&f, 0, why, sizeof(why)), 0);
		free(text);
	}
}
END_TEST

/* what kmc.ko prints while armed (vmx.c: kmc_vmx_show), two vCPUs of one VM */
static const char armed[] =
	"kmc.format 1\n"
	"kmc.last_error 0\n"
	"bug.mds 0\n"
	"bug.taa 0\n"
	"feature.arch_capabilities 1\n"
	"feature.md_clear 1\n"
	"cpu.online 2\n"
	"msr.cpu0.0x10a 0x000000000006013f\n"
	"msr.cpu1.0x10a 0x000000000006013f\n"
	"vmx.probe_target vmx\n"
	"vmx.min_offset 0x1998\n"
	"vmx.status armed\n"
	"vmx.watch.pid 4242\n"
	"vmx.watch.offset 0x2230\n"
	"vmx.watch.missed 0\n"
	"vmx.slots 2\n"
	"vmx.dropped 0\n"
	"vmx.faults 0\n"
	"vmx.vm0.vcpu0.disable_fb_clear 0\n"
	"vmx.vm0.vcpu0.after_reset 1\n"
	"vmx.vm0.vcpu0.after_set_arch_cap 0\n"
	"vmx.vm0.vcpu0.at_run none\n"
	"vmx.vm0.vcpu0.resets 1\n"
	"vmx.vm0.vcpu0.arch_cap_writes 2\n"
	"vmx.vm0.vcpu0.runs 0\n"
	"vmx.vm0.vcpu0.changes 1\n"
	"vmx.vm0.vcpu1.disable_fb_clear 1\n"
	"vmx.vm0.vcpu1.after_reset 1\n"
	"vmx.vm0.vcpu1.after_set_arch_cap none\n"
	"vmx.vm0.vcpu1.at_run 1\n"
	"vmx.vm0.vcpu1.resets 1\n"
	"vmx.vm0.vcpu1.arch_cap_writes 0\n"
	"vmx.vm0.vcpu1.runs 3\n"
	"vmx.vm0.vcpu1.runs_disabled 3\n"
	"vmx.vm0.vcpu1.changes 0\n"
	"vmx.vm0.vcpu1.some_later_key 12\n"
	"verw.status not_run\n";

START_TEST(kmcdev_armed_facts)
{
	struct kmc_dev_facts f;
	const struct kmc_dev_slot *s;
	char why[256];

	kmc_dev_parse(armed, &f);
	ck_assert_str_eq(f.vmx_status, "armed");
	ck_assert_int_eq(f.watch_pid, 4242);
	ck_assert_int_eq(f.watch_offset, 0x2230);
	ck_assert_int_eq(f.nslots, 2);
	ck_assert_uint_eq(f.nslot_seen, 2);
	ck_assert_int_eq(f.bad_slot_value, 0);
	s = kmc_dev_slot_find(&f, 0, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->last, 0);
	ck_assert_int_eq(s->after_reset, 1);
	ck_assert_int_eq(s->after_set_arch_cap, 0);
	ck_assert_int_eq(s->at_run, -1);
	ck_assert_uint_eq(s->arch_cap_writes, 2);
	ck_assert_uint_eq(s->changes, 1);
	ck_assert_int_eq(s->have_runs_disabled, 0);	/* as from a kmc.ko before runs_disabled */
	s = kmc_dev_slot_find(&f, 0, 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->at_run, 1);
	ck_assert_uint_eq(s->runs, 3);
	ck_assert_int_eq(s->have_runs_disabled, 1);
	ck_assert_uint_eq(s->runs_disabled, 3);
	ck_assert_uint_eq(s->changes, 0);	/* a key kmc-run does not know changed nothing */
	ck_assert_ptr_null(kmc_dev_slot_find(&f, 1, 0));
	/* tigerlake's 0x6013f has FB_CLEAR: VERW clears unless FB_CLEAR_DIS is set */
	ck_assert_int_eq(kmc_dev_verw_clears(&f, 0, why, sizeof(why)), 1);
	ck_assert_int_eq(kmc_dev_verw_clears(&f, 1, why, sizeof(why)), 0);
	ck_assert_int_eq(kmc_dev_verw_clears(&f, -1, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "not observed"), "%s", why);
}
END_TEST

/* armed[] with @from replaced by @to, parsed; the slot of vCPU @vcpu or NULL and @why */
static const struct kmc_dev_slot *armed_with(struct kmc_dev_facts *f, const char *from,
					     const char *to, long pid, int vcpu, char *why,
					     size_t len)
{
	char t[sizeof(armed) + 128], *p = strstr(armed, from);

	ck_assert_ptr_nonnull(p);
	snprintf(t, sizeof(t), "%.*s%s%s", (int)(p - armed), armed, to, p + strlen(from));
	kmc_dev_parse(t, f);
	return kmc_dev_watch_slot(f, pid, 0x2230, vcpu, why, len);
}

START_TEST(kmcdev_watch_checks)
{
	static const struct { const char *from, *to; long pid; int vcpu; const char *why; } bad[] = {
		{ "vmx.status armed", "vmx.status idle", 4242, 0, "'idle', not armed" },
		{ "vmx.watch.pid 4242", "vmx.watch.pid 4243", 4242, 0, "not kmc-run's (pid 4242, 0x2230)" },
		{ "vmx.watch.offset 0x2230", "vmx.watch.offset 0x21f0", 4242, 0, "offset 0x21f0" },
		{ "vmx.watch.missed 0", "vmx.watch.missed 2", 4242, 0, "vmx.watch.missed 2" },
		{ "vmx.dropped 0", "vmx.dropped 1", 4242, 0, "vmx.dropped 1" },
		{ "vmx.faults 0", "vmx.faults 3", 4242, 0, "vmx.faults 3" },
		{ "vcpu1.after_reset 1", "vcpu1.after_reset 2", 4242, 0, "neither 0, 1 nor none" },
		{ "vmx.vm0.vcpu1.disable_fb_clear", "vmx.vm1.vcpu1.disable_fb_clear", 4242, 0,
		  "second VM (vm1)" },
		{ "vmx.status", "vmx.status", 4242, 5, "no vmx_vcpu_reset() of vCPU 5" },
		{ "vmx.vm0.vcpu0.resets 1", "vmx.vm0.vcpu0.resets 0", 4242, 0, "no vmx_vcpu_reset()" },
	};
	struct kmc_dev_facts f;
	const struct kmc_dev_slot *s;
	char why[512];

	s = armed_with(&f, "vmx.status", "vmx.status", 4242, 0, why, sizeof(why));
	ck_assert_msg(s && s->vcpu == 0 && s->last == 0, "%s", why);
	s = armed_with(&f, "vmx.status", "vmx.status", 4242, 1, why, sizeof(why));
	ck_assert_msg(s && s->vcpu == 1 && s->last == 1, "%s", why);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		s = armed_with(&f, bad[i].from, bad[i].to, bad[i].pid, bad[i].vcpu, why, sizeof(why));
		ck_assert_msg(!s && strstr(why, bad[i].why), "case %zu: %s", i, why);
	}
}
END_TEST

START_TEST(kmcdev_entry_flag)
{
	struct kmc_dev_slot before = { .last = 1, .after_reset = 1, .after_set_arch_cap = 1,
				       .at_run = -1, .resets = 1, .arch_cap_writes = 1 };
	struct kmc_dev_slot after = before;
	char why[256];

	/* one VM-entry, nothing else: the flag it entered with */
	after.runs = 1;
	after.at_run = 1;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 1);
	after.runs = 4;		/* several entries for one command (exits handled in KVM) */
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 1);
	after.at_run = 0;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 0);
	/* no entry seen */
	after.runs = 0;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "no VM-entry"), "%s", why);
	/* a 0x10a write or a change in between: which entry ran it is not known */
	after.runs = 2;
	after.arch_cap_writes = 2;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "0x10a writes 1 -> 2"), "%s", why);
	after.arch_cap_writes = 1;
	after.changes = 1;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "changes 0 -> 1"), "%s", why);
}
END_TEST

/* runs_disabled, where kmc.ko reports it: none or all of the command's entries */
START_TEST(kmcdev_entry_flag_counted)
{
	struct kmc_dev_slot before = { .last = 1, .after_reset = 1, .after_set_arch_cap = 1,
				       .at_run = 1, .resets = 1, .arch_cap_writes = 1, .runs = 2,
				       .have_runs_disabled = 1, .runs_disabled = 2 };
	struct kmc_dev_slot after = before;
	char why[300];

	after.runs = 5;
	after.runs_disabled = 5;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 1);
	after.at_run = 0;
	after.runs_disabled = 2;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 0);
	/* 2 of 3 entries at 1: at_run alone would say 0 */
	after.runs_disabled = 4;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "counted 2 of the command's 3 VM-entries") &&
		      strstr(why, "runs_disabled 2 -> 4"), "%s", why);
	/* all at 1 but the last read 0: the counts and at_run disagree */
	after.runs_disabled = 5;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	after.at_run = 1;
	after.runs_disabled = 2;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	/* a count that went backwards (another watch in between) */
	after.runs_disabled = 1;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), -1);
	/* one side from a kmc.ko without the key: at_run as before */
	after.have_runs_disabled = 0;
	ck_assert_int_eq(kmc_dev_entry_flag(&before, &after, why, sizeof(why)), 1);
}
END_TEST

START_TEST(kmcdev_bad_values)
{
	struct kmc_dev_facts f;
	char *t = strdup(armed), *p = strstr(t, "vcpu1.at_run 1");

	ck_assert_ptr_nonnull(p);
	p[strlen("vcpu1.at_run ")] = '7';	/* a byte that is no bool: a wrong OFFSET */
	kmc_dev_parse(t, &f);
	ck_assert_int_eq(f.bad_slot_value, 1);
	free(t);
	kmc_dev_parse("kmc.format 1\nvmx.vm0.vcpu0.at_run nonsense\nvmx.vm99999999999.vcpu0.runs 1\n"
		      "msr.cpu0.0x10a fault\nvmx.status failed error:-2\n", &f);
	ck_assert_int_eq(f.bad_slot_value, 1);
	ck_assert_str_eq(f.vmx_status, "failed error:-2");
	ck_assert_uint_eq(f.nac_fault, 1);
	ck_assert_int_eq(f.min_offset, -1);
}
END_TEST

/* the host facts of the VERW derivation, one by one */
START_TEST(kmcdev_verw_derivation)
{
	static const struct {
		const char *facts;
		int want;
		const char *why;
	} cases[] = {
		/* MDS-affected with MD_CLEAR: clears */
		{ "bug.mds 1\nfeature.md_clear 1\nfeature.arch_capabilities 0\ncpu.online 1\n", 1, NULL },
		/* MDS-affected without the microcode, no 0x10a: keeps */
		{ "bug.mds 1\nfeature.md_clear 0\nfeature.arch_capabilities 0\ncpu.online 1\n", 0, NULL },
		/* MDS_NO part without FB_CLEAR (e.g. an older Atom): keeps */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 1\n"
		  "msr.cpu0.0x10a 0x0000000000040029\n", 0, NULL },
		/* the CPUs disagree on FB_CLEAR */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 2\n"
		  "msr.cpu0.0x10a 0x0000000000060029\nmsr.cpu1.0x10a 0x0000000000040029\n", -1, "disagree" },
		/* one CPU's value missing */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 2\n"
		  "msr.cpu0.0x10a 0x0000000000060029\n", -1, "1 of 2 online CPUs" },
		/* a faulting read */
		{ "bug.mds 0\nfeature.md_clear 1\nfeature.arch_capabilities 1\ncpu.online 1\n"
		  "msr.cpu0.0x10a fault\n", -1, "faulted" },
		/* bug.mds unknown */
		{ "bug.mds unavailable not-exported\nfeature.md_clear 1\nfeature.arch_capabilities 1\n",
		  -1, "bug.mds" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmc_dev_facts f;
		char why[256] = "";
		int got;

		kmc_dev_parse(cases[i].facts, &f);
		got = kmc_dev_verw_clears(&f, 0, why, sizeof(why));
		ck_assert_msg(got == cases[i].want, "case %zu: %d (%s)", i, got, why);
		if (cases[i].why)
			ck_assert_msg(strstr(why, cases[i].why), "case %zu: %s", i, why);
		/* FB_CLEAR_DIS set: keeps, whatever the host */
		ck_assert_int_eq(kmc_dev_verw_clears(&f, 1, why, sizeof(why)), 0);
	}
}
END_TEST

START_TEST(kmcdev_commands_and_errors)
{
	char dir[] = "/tmp/kmc-dev-XXXXXX", path[64], msg[512], *text;
	struct kmc_dev_facts f;
	int ret;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/kmc", dir);
	write_file(path, armed, strlen(armed));
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(!ret, "%s", msg);
	ck_assert_int_eq(f.watch_offset, 0x2230);
	/* a command is one write(2) */
	ret = kmc_dev_cmd(path, "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(!ret, "%s", msg);
	text = slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strncmp(text, "watch 0 0x2230", 14), "%s", text);
	free(text);
	/* a write that fails: the command, the file and the errno */
	ret = kmc_dev_cmd("/dev/full", "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(ret == -ENOSPC && strstr(msg, "write 'watch 0 0x2230' to /dev/full: No space left on device"),
		      "%d %s", ret, msg);
	ret = kmc_dev_cmd(dir, "unwatch", msg, sizeof(msg));
	ck_assert_msg(ret == -EISDIR && strstr(msg, "write 'unwatch' to ") && strstr(msg, "Is a directory"),
		      "%d %s", ret, msg);
	unlink(path);
	ret = kmc_dev_cmd(path, "watch 0 0x2230", msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, "No such file or directory"), "%d %s", ret, msg);
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(ret == -ENOENT && strstr(msg, path), "%d %s", ret, msg);
	/* not kmc's facts */
	write_file(path, "hello\n", 6);
	ret = kmc_dev_read(path, &f, msg, sizeof(msg));
	ck_assert_msg(ret == -EPROTO && strstr(msg, "not kmc.format 1"), "%d %s", ret, msg);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kvm_vmx");
	TCase *tc = tcase_create("vmx");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, btf_split_layout);
	tcase_add_test(tc, btf_variants_that_work);
	tcase_add_test(tc, btf_layout_refusals);
	tcase_add_test(tc, btf_broken_headers);
	tcase_add_test(tc, btf_broken_types);
	tcase_add_test(tc, btf_split_without_base);
	tcase_add_test(tc, btf_truncated_and_corrupt);
	tcase_add_test(tc, btf_longer_header);
	tcase_add_test(tc, btf_files);
	tcase_add_test(tc, btf_debian_kernels);
	tcase_add_test(tc, btf_this_machine);
	tcase_add_test(tc, kmcdev_recorded_facts);
	tcase_add_test(tc, kmcdev_armed_facts);
	tcase_add_test(tc, kmcdev_watch_checks);
	tcase_add_test(tc, kmcdev_entry_flag);
	tcase_add_test(tc, kmcdev_entry_flag_counted);
	tcase_add_test(tc, kmcdev_bad_values);
	tcase_add_test(tc, kmcdev_verw_derivation);
	tcase_add_test(tc, kmcdev_commands_and_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
