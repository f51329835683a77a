// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal BTF reader, written for kmc from the format description (the
 * kernel's Documentation/bpf/btf.rst): just enough to find one member of
 * one struct in kvm_intel's BTF.
 *
 *   header     magic 0xeB9F, version 1, flags, hdr_len, then the offsets
 *              (from the end of the header) and lengths of the type and
 *              string sections; a longer header is allowed, its extra
 *              fields are not needed here
 *   types      struct btf_type (name_off, info, size/type), each followed
 *              by data whose size depends on the kind (info bits 24-28)
 *              and on vlen (bits 0-15); bit 31 is kind_flag
 *   strings    NUL-terminated names, referred to by offset
 *
 * Split BTF (a module's, on top of vmlinux's) continues the base: its
 * first type has id = the base's last id + 1, and a string offset at or
 * past the end of the base's string section is an offset into the
 * module's own string section minus that length.
 *
 * Struct members are (name_off, type, offset); offset is in bits, and with
 * the struct's kind_flag set its top 8 bits are the bit-field size (0 for
 * a plain member) and the low 24 bits the bit offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmxwatch.h"

#define BTF_MAGIC		0xeB9F
#define BTF_HDR_MIN		24
#define BTF_TYPE_SIZE		12	/* name_off, info, size/type */
#define BTF_MAX_FILE		(256u << 20)
#define BTF_MAX_ID		0x7fffffffu

enum {
	K_UNKN, K_INT, K_PTR, K_ARRAY, K_STRUCT, K_UNION, K_ENUM, K_FWD, K_TYPEDEF,
	K_VOLATILE, K_CONST, K_RESTRICT, K_FUNC, K_FUNC_PROTO, K_VAR, K_DATASEC,
	K_FLOAT, K_DECL_TAG, K_TYPE_TAG, K_ENUM64, K_NR
};

static const char *const kind_names[K_NR] = {
	"UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC",
	"FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
};

static int err_msg(char *msg, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int err_msg(char *msg, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -err;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static unsigned int info_kind(uint32_t info) { return (info >> 24) & 0x1f; }
static unsigned int info_vlen(uint32_t info) { return info & 0xffff; }
static int info_kflag(uint32_t info) { return (int)(info >> 31); }

/* Bytes that follow struct btf_type for @kind with @vlen; -1 for a kind kmc does not know */
static long extra_size(unsigned int kind, unsigned int vlen)
{
	switch (kind) {
	case K_INT: case K_VAR: case K_DECL_TAG:
		return 4;
	case K_ARRAY:
		return 12;
	case K_STRUCT: case K_UNION: case K_DATASEC: case K_ENUM64:
		return 12L * vlen;
	case K_ENUM: case K_FUNC_PROTO:
		return 8L * vlen;
	case K_PTR: case K_FWD: case K_TYPEDEF: case K_VOLATILE: case K_CONST:
	case K_RESTRICT: case K_FUNC: case K_FLOAT: case K_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

void kmc_btf_free(struct kmc_btf *b)
{
	free(b->off);
	free(b->owned);
	b->off = NULL;
	b->owned = NULL;
	b->ntypes = 0;
}

static uint32_t last_id(const struct kmc_btf *b)
{
	return b->start_id + b->ntypes - 1;
}

int kmc_btf_parse(struct kmc_btf *b, const void *data, size_t len, const char *name,
		  const struct kmc_btf *base, char *msg, size_t mlen)
{
	const uint8_t *d = data;
	uint32_t hdr_len, type_off, type_len, str_off, str_len, n = 0, cap = 0;
	uint16_t magic;
	uint64_t end;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	b->base = base;
	if (len < BTF_HDR_MIN)
		return err_msg(msg, mlen, EINVAL, "%s: %zu bytes: shorter than a BTF header (%d)",
			       name, len, BTF_HDR_MIN);
	magic = rd16(d);
	if (magic == 0x9FeB)
		return err_msg(msg, mlen, EINVAL, "%s: byte-swapped BTF (magic 0x9feb): not this machine's byte order",
			       name);
	if (magic != BTF_MAGIC)
		return err_msg(msg, mlen, EINVAL, "%s: not BTF: magic 0x%04x, not 0xeb9f", name, magic);
	if (d[2] != 1)
		return err_msg(msg, mlen, EINVAL, "%s: BTF version %u (kmc reads version 1)", name, d[2]);
	hdr_len = rd32(d + 4);
	type_off = rd32(d + 8);
	type_len = rd32(d + 12);
	str_off = rd32(d + 16);
	str_len = rd32(d + 20);
	if (hdr_len < BTF_HDR_MIN || hdr_len > len)
		return err_msg(msg, mlen, EINVAL, "%s: header length %u outside [%d, %zu]", name,
			       hdr_len, BTF_HDR_MIN, len);
	end = (uint64_t)hdr_len + type_off + type_len;
	if (end > len)
		return err_msg(msg, mlen, EINVAL, "%s: type section (offset %u, %u bytes) runs past the end (%zu bytes)",
			       name, type_off, type_len, len);
	end = (uint64_t)hdr_len + str_off + str_len;
	if (end > len)
		return err_msg(msg, mlen, EINVAL, "%s: string section (offset %u, %u bytes) runs past the end (%zu bytes)",
			       name, str_off, str_len, len);
	if ((uint64_t)type_off < (uint64_t)str_off + str_len && (uint64_t)str_off < (uint64_t)type_off + type_len)
		return err_msg(msg, mlen, EINVAL, "%s: type and string sections overlap", name);
	b->types = d + hdr_len + type_off;
	b->types_len = type_len;
	b->strs = (const char *)d + hdr_len + str_off;
	b->str_len = str_len;
	if (!str_len || b->strs[str_len - 1])
		return err_msg(msg, mlen, EINVAL, "%s: string section is empty or not NUL-terminated",
			       name);
	if (!base && b->strs[0])
		return err_msg(msg, mlen, EINVAL, "%s: string section does not start with the empty string (split BTF read without its base?)",
			       name);
	if (base) {
		uint64_t next = (uint64_t)last_id(base) + 1, strs = (uint64_t)base->start_str + base->str_len;

		if (next > BTF_MAX_ID || strs > UINT32_MAX)
			return err_msg(msg, mlen, EINVAL, "%s: base %s is too large", name, base->name);
		b->start_id = (uint32_t)next;
		b->start_str = (uint32_t)strs;
	} else {
		b->start_id = 1;
		b->start_str = 0;
	}

	for (uint32_t pos = 0; pos < type_len;) {
		uint32_t info;
		long extra;

		if (type_len - pos < BTF_TYPE_SIZE)
			return err_msg(msg, mlen, EINVAL, "%s: type %u: %u bytes left in the type section, a type needs %d",
				       name, b->start_id + n, type_len - pos, BTF_TYPE_SIZE);
		info = rd32(b->types + pos + 4);
		extra = extra_size(info_kind(info), info_vlen(info));
		if (extra < 0 || info_kind(info) == K_UNKN)
			return err_msg(msg, mlen, EINVAL, "%s: type %u: unknown kind %u (kmc reads kinds 1-%d)",
				       name, b->start_id + n, info_kind(info), K_NR - 1);
		if ((uint64_t)type_len - pos - BTF_TYPE_SIZE < (uint64_t)extra)
			return err_msg(msg, mlen, EINVAL, "%s: type %u (%s, vlen %u): its data runs past the type section",
				       name, b->start_id + n, kind_names[info_kind(info)], info_vlen(info));
		if ((uint64_t)b->start_id + n >= BTF_MAX_ID)
			return err_msg(msg, mlen, EINVAL, "%s: more types than BTF ids", name);
		if (n == cap) {
			uint32_t *o;

			cap = cap ? cap * 2 : 1024;
			o = realloc(b->off, cap * sizeof(*o));
			if (!o) {
				kmc_btf_free(b);
				return err_msg(msg, mlen, ENOMEM, "%s: out of memory", name);
			}
			b->off = o;
		}
		b->off[n++] = pos;
		pos += BTF_TYPE_SIZE + (uint32_t)extra;
	}
	b->ntypes = n;
	return 0;
}

int kmc_btf_load(struct kmc_btf *b, const char *path, const struct kmc_btf *base,
		 char *msg, size_t mlen)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf;
	int fd, ret, err;

	memset(b, 0, sizeof(*b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_msg(msg, mlen, errno, "%s: %s", path, strerror(errno));
	buf = malloc(cap);
	for (;;) {
		ssize_t r;

		if (!buf) {
			close(fd);
			return err_msg(msg, mlen, ENOMEM, "%s: out of memory", path);
		}
		if (n == cap) {
			uint8_t *nb;

			if (cap >= BTF_MAX_FILE) {
				free(buf);
				close(fd);
				return err_msg(msg, mlen, EFBIG, "%s: larger than %u MiB: not BTF", path,
					       BTF_MAX_FILE >> 20);
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				free(buf);
			buf = nb;
			continue;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			free(buf);
			close(fd);
			return err_msg(msg, mlen, err, "%s: read: %s", path, strerror(err));
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	ret = kmc_btf_parse(b, buf, n, path, base, msg, mlen);
	if (ret) {
		kmc_btf_free(b);
		free(buf);
		return ret;
	}
	b->owned = buf;
	return 0;
}

/* ---- lookups ---------------------------------------------------------------- */

/* The struct btf_type of @id (in @b or its base), NULL for void or an id out of range */
static const uint8_t *type_at(const struct kmc_btf *b, uint32_t id, const struct kmc_btf **in)
{
	while (b && id < b->start_id)
		b = b->base;
	if (!b || id == 0 || id > last_id(b) || b->ntypes == 0)
		return NULL;
	if (in)
		*in = b;
	return b->types + b->off[id - b->start_id];
}

/* The string at @off as seen from @b, NULL if out of range */
static const char *str_at(const struct kmc_btf *b, uint32_t off)
{
	while (b && off < b->start_str)
		b = b->base;
	if (!b || off - b->start_str >= b->str_len)
		return NULL;
	return b->strs + (off - b->start_str);
}

static const char *type_name(const struct kmc_btf *b, const uint8_t *t)
{
	return str_at(b, rd32(t));
}

/* Follow typedef/const/volatile/restrict/type_tag from @id; the final type, its id in *@out_id */
static const uint8_t *resolve(const struct kmc_btf *b, uint32_t id, uint32_t *out_id)
{
	for (int depth = 0; depth < 32; depth++) {
		const uint8_t *t = type_at(b, id, NULL);
		unsigned int k;

		if (!t)
			return NULL;
		k = info_kind(rd32(t + 4));
		if (k != K_TYPEDEF && k != K_CONST && k != K_VOLATILE && k != K_RESTRICT &&
		    k != K_TYPE_TAG) {
			*out_id = id;
			return t;
		}
		id = rd32(t + 8);
	}
	return NULL;
}

struct member {
	uint32_t type;
	uint32_t bit_off;
	uint32_t bitfield;	/* bit-field size from kind_flag, 0 if none */
};

/* Member @name of the struct at @t: 1 found, 0 not there, -1 a name offset out of range */
static int find_member(const struct kmc_btf *b, const uint8_t *t, const char *name,
		       struct member *m)
{
	uint32_t info = rd32(t + 4);
	const uint8_t *mem = t + BTF_TYPE_SIZE;

	for (unsigned int i = 0; i < info_vlen(info); i++, mem += 12) {
		const char *n = str_at(b, rd32(mem));
		uint32_t off = rd32(mem + 8);

		if (!n)
			return -1;
		if (strcmp(n, name))
			continue;
		m->type = rd32(mem + 4);
		if (info_kflag(info)) {
			m->bitfield = off >> 24;
			m->bit_off = off & 0xffffff;
		} else {
			m->bitfield = 0;
			m->bit_off = off;
		}
		return 1;
	}
	return 0;
}

int kmc_btf_vmx_layout(const struct kmc_btf *b, struct kmc_btf_vmx *out, char *msg, size_t mlen)
{
	const uint8_t *t = NULL, *ft, *vt;
	const char *fname;
	struct member fb, vc;
	uint32_t id = 0, fid, vid, finfo;
	int r;

	memset(out, 0, sizeof(*out));
	/* struct vcpu_vmx: in this blob (kvm_intel's), not in its base */
	for (uint32_t i = 0; i < b->ntypes; i++) {
		const uint8_t *c = b->types + b->off[i];
		const char *n;

		if (info_kind(rd32(c + 4)) != K_STRUCT)
			continue;
		n = type_name(b, c);
		if (!n)
			return err_msg(msg, mlen, EINVAL, "%s: type %u: name offset %u out of range",
				       b->name, b->start_id + i, rd32(c));
		if (strcmp(n, "vcpu_vmx"))
			continue;
		if (t && (rd32(c + 8) != rd32(t + 8) || rd32(c + 4) != rd32(t + 4)))
			return err_msg(msg, mlen, EINVAL, "%s: two different struct vcpu_vmx (types %u and %u)",
				       b->name, id, b->start_id + i);
		if (!t) {
			t = c;
			id = b->start_id + i;
		}
	}
	if (!t)
		return err_msg(msg, mlen, ENOENT, "%s: no struct vcpu_vmx (not kvm_intel's BTF?)", b->name);
	out->type_id = id;
	out->vcpu_vmx_size = rd32(t + 8);

	r = find_member(b, t, "disable_fb_clear", &fb);
	if (r < 0)
		return err_msg(msg, mlen, EINVAL, "%s: struct vcpu_vmx (type %u): a member name offset is out of range",
			       b->name, id);
	if (!r)
		return err_msg(msg, mlen, ENOENT, "%s: struct vcpu_vmx (type %u) has no member disable_fb_clear (a kernel before FB_CLEAR_DIS, 5.19?)",
			       b->name, id);
	r = find_member(b, t, "vcpu", &vc);
	if (r <= 0)
		return err_msg(msg, mlen, r < 0 ? EINVAL : ENOENT, "%s: struct vcpu_vmx (type %u) has no member vcpu",
			       b->name, id);

	/* disable_fb_clear: a whole byte, read by kmc.ko as one */
	if (fb.bitfield)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear is a %u-bit bit-field at bit %u: kmc.ko reads a whole byte",
			       b->name, fb.bitfield, fb.bit_off);
	if (fb.bit_off % 8)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear at bit %u: not byte-aligned",
			       b->name, fb.bit_off);
	ft = resolve(b, fb.type, &fid);
	if (!ft)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear: type %u does not resolve",
			       b->name, fb.type);
	finfo = rd32(ft + 4);
	if (info_kind(finfo) != K_INT)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear is a %s (type %u), not a bool",
			       b->name, kind_names[info_kind(finfo)], fid);
	{
		uint32_t enc = rd32(ft + BTF_TYPE_SIZE), bits = enc & 0xff, boff = (enc >> 16) & 0xff;

		out->field_size = rd32(ft + 8);
		if (out->field_size != 1)
			return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear is %u bytes: kmc.ko reads one",
				       b->name, out->field_size);
		if (boff || bits != 8)
			return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear is a %u-bit bit-field (type %u): kmc.ko reads a whole byte",
				       b->name, bits, fid);
	}

	/* vcpu: the embedded struct kvm_vcpu that kmc.ko's pointer points at */
	if (vc.bitfield || vc.bit_off % 8)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.vcpu at bit %u: not byte-aligned", b->name,
			       vc.bit_off);
	vt = resolve(b, vc.type, &vid);
	fname = vt ? type_name(b, vt) : NULL;
	if (!vt || info_kind(rd32(vt + 4)) != K_STRUCT || !fname || strcmp(fname, "kvm_vcpu"))
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.vcpu (type %u) is not a struct kvm_vcpu",
			       b->name, vc.type);
	out->kvm_vcpu_size = rd32(vt + 8);
	out->field_off = fb.bit_off / 8;
	out->vcpu_off = vc.bit_off / 8;
	if (out->field_off < out->vcpu_off + out->kvm_vcpu_size)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear (byte %u) lies inside vcpu_vmx.vcpu (bytes %u-%u)",
			       b->name, out->field_off, out->vcpu_off,
			       out->vcpu_off + out->kvm_vcpu_size - 1);
	if (out->field_off >= out->vcpu_vmx_size)
		return err_msg(msg, mlen, EINVAL, "%s: vcpu_vmx.disable_fb_clear (byte %u) lies past the struct (%u bytes)",
			       b->name, out->field_off, out->vcpu_vmx_size);
	out->offset = out->field_off - out->vcpu_off;
	return 0;
}

int kmc_vmx_layout_files(const char *base_path, const char *mod_path, struct kmc_btf_vmx *out,
			 char *src, size_t slen, char *msg, size_t mlen)
{
	struct kmc_btf base, mod;
	char m2[512];
	int ret;

	if (!base_path)
		base_path = KMC_BTF_SYSFS_VMLINUX;
	if (!mod_path)
		mod_path = KMC_BTF_SYSFS_KVM_INTEL;
	ret = kmc_btf_load(&base, base_path, NULL, msg, mlen);
	if (ret)
		return ret;
	ret = kmc_btf_load(&mod, mod_path, &base, m2, sizeof(m2));
	if (ret == -ENOENT) {
		/* kvm_intel built in: vcpu_vmx is in vmlinux */
		ret = kmc_btf_vmx_layout(&base, out, msg, mlen);
		if (ret == -ENOENT)
			snprintf(msg, mlen, "%s; and %s has no struct vcpu_vmx (kvm_intel not loaded, or a kernel without module BTF)",
				 m2, base_path);
		else if (!ret)
			snprintf(src, slen, "BTF %s (no %s: kvm_intel built in)", base_path, mod_path);
		kmc_btf_free(&base);
		return ret;
	}
	if (ret) {
		snprintf(msg, mlen, "%s", m2);
		kmc_btf_free(&base);
		return ret;
	}
	ret = kmc_btf_vmx_layout(&mod, out, msg, mlen);
	if (!ret)
		snprintf(src, slen, "BTF %s on %s", mod_path, base_path);
	kmc_btf_free(&mod);
	kmc_btf_free(&base);
	return ret;
}
