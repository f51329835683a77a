// SPDX-License-Identifier: MIT
/*
 * l2wrap.so - LD_PRELOAD ioctl wrapper around a VMM (Debian 12's QEMU 7.2)
 * for the emulated lab's L2 boots. It interposes ioctl() and, on vCPU file
 * descriptors only:
 *
 *   KVM_SET_CPUID2   sets / clears guest CPUID bits listed in
 *                      KMC_L2_CPUID_SET / KMC_L2_CPUID_CLR
 *                    as "leaf.subleaf.reg.bit" items separated by ',' or ' '
 *                    (leaf and subleaf in C notation, reg = eax|ebx|ecx|edx),
 *                    e.g. KMC_L2_CPUID_SET=7.0.edx.29,7.0.ebx.11
 *                    A leaf the VMM did not pass is added (zero-filled).
 *   KVM_SET_MSRS     replaces the value of every MSR 0x10a entry with
 *                      KMC_L2_ARCH_CAP (e.g. 0x400000000d10e17b);
 *                    without KMC_L2_ARCH_CAP, when the guest CPUID has no
 *                    ARCH_CAPABILITIES (7.0 EDX[29]) it writes 0 instead of
 *                    the VMM's non-zero value: QEMU 7.2 writes 0x10a whatever
 *                    the CPUID says, KVM >= 6.13 rejects a non-zero value then
 *                    and QEMU aborts. KMC_L2_HIDDEN_ARCH_CAP=keep passes the
 *                    VMM's value through unchanged. When KVM stops at the
 *                    0x10a entry (a kernel that validates it), logs
 *                    "KVM_SET_MSRS refused 0x10a := V".
 *   first KVM_RUN    if KMC_L2_ARCH_CAP is set and the VMM never wrote 0x10a,
 *                    writes it with KVM_SET_MSRS; then sets XCR0 with
 *                    KVM_SET_XCRS to the guest's CPUID 0xD.0 EDX:EAX when the
 *                    guest CPUID has XSAVE (KMC_L2_XCR0=auto, the default),
 *                    to KMC_L2_XCR0 when that is a number, not at all for "off".
 *
 * Why XCR0: QEMU's TCG does not intercept XSETBV for the SVM it emulates, so
 * an L1 KVM on TCG never learns the XCR0 the L2 kernel sets and keeps
 * reporting the XCR0=1 XSAVE size in CPUID 0xD.0 EBX (see the lab notes).
 *
 * KMC_L2_VERBOSE=1 logs every intercepted call. Everything it changes is
 * logged to stderr as "l2wrap: ...". A malformed variable ends the process
 * with exit status 2 before the VMM starts.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MSR_IA32_ARCH_CAPABILITIES 0x10a
#define MAX_BITS 64
#define MAX_VCPUS 64

typedef int (*ioctl_fn)(int, unsigned long, ...);

struct cpuid_bit {
	uint32_t leaf, subleaf;
	unsigned int reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	unsigned int bit;
};

struct vcpu {
	int fd;
	int ran;
	int wrote_arch_cap;
	int have_xcr0;
	uint64_t xcr0;
	int cpuid_known;
	int cpuid_arch_cap; /* guest CPUID 7.0 EDX[29] */
};

static struct {
	ioctl_fn real;
	int verbose;
	int force_arch_cap;
	uint64_t arch_cap;
	int keep_hidden_arch_cap;
	enum { XCR0_AUTO, XCR0_OFF, XCR0_VALUE } xcr0_mode;
	uint64_t xcr0_value;
	struct cpuid_bit set[MAX_BITS], clr[MAX_BITS];
	unsigned int nset, nclr;
	pthread_mutex_t lock;
	struct vcpu vcpus[MAX_VCPUS];
} g = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *const reg_names[] = { "eax", "ebx", "ecx", "edx" };

#define wlog(...) fprintf(stderr, "l2wrap: " __VA_ARGS__)

static void __attribute__((noreturn)) bad_env(const char *var, const char *val, const char *why)
{
	wlog("%s='%s': %s\n", var, val, why);
	_exit(2);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static void parse_bits(const char *var, struct cpuid_bit *bits, unsigned int *n)
{
	const char *val = getenv(var);
	char buf[1024], *item, *save = NULL;

	if (!val || !*val)
		return;
	if (strlen(val) >= sizeof(buf))
		bad_env(var, val, "too long");
	strcpy(buf, val);
	for (item = strtok_r(buf, ", ", &save); item; item = strtok_r(NULL, ", ", &save)) {
		char *f[4], *s2 = NULL, copy[64];
		uint64_t leaf, sub, bit;
		unsigned int k = 0, r;

		if (*n >= MAX_BITS)
			bad_env(var, val, "too many items");
		if (strlen(item) >= sizeof(copy))
			bad_env(var, item, "item too long");
		strcpy(copy, item);
		for (char *t = strtok_r(copy, ".", &s2); t && k < 4; t = strtok_r(NULL, ".", &s2))
			f[k++] = t;
		if (k != 4 || strtok_r(NULL, ".", &s2))
			bad_env(var, item, "want leaf.subleaf.reg.bit, e.g. 7.0.edx.29");
		if (parse_u64(f[0], &leaf) || leaf > UINT32_MAX || parse_u64(f[1], &sub) || sub > UINT32_MAX)
			bad_env(var, item, "bad leaf or subleaf number");
		for (r = 0; r < 4; r++)
			if (!strcmp(f[2], reg_names[r]) || (f[2][0] == reg_names[r][1] && !f[2][1]))
				break;
		if (r == 4)
			bad_env(var, item, "register must be eax, ebx, ecx or edx");
		if (parse_u64(f[3], &bit) || bit > 31)
			bad_env(var, item, "bit must be 0..31");
		bits[*n].leaf = (uint32_t)leaf;
		bits[*n].subleaf = (uint32_t)sub;
		bits[*n].reg = r;
		bits[*n].bit = (unsigned int)bit;
		(*n)++;
	}
}

static void __attribute__((constructor)) l2wrap_init(void)
{
	void *sym = dlsym(RTLD_NEXT, "ioctl");
	const char *v;

	/* object -> function pointer, the way POSIX's dlsym() page does it */
	memcpy(&g.real, &sym, sizeof(g.real));
	if (!g.real) {
		wlog("dlsym(RTLD_NEXT, ioctl) failed: %s\n", dlerror());
		_exit(2);
	}
	v = getenv("KMC_L2_VERBOSE");
	g.verbose = v && *v && strcmp(v, "0");
	v = getenv("KMC_L2_ARCH_CAP");
	if (v && *v) {
		if (parse_u64(v, &g.arch_cap))
			bad_env("KMC_L2_ARCH_CAP", v, "not a number");
		g.force_arch_cap = 1;
	}
	v = getenv("KMC_L2_HIDDEN_ARCH_CAP");
	if (v && *v && strcmp(v, "zero")) {
		if (strcmp(v, "keep"))
			bad_env("KMC_L2_HIDDEN_ARCH_CAP", v, "want zero (the default) or keep");
		g.keep_hidden_arch_cap = 1;
	}
	v = getenv("KMC_L2_XCR0");
	if (!v || !*v || !strcmp(v, "auto")) {
		g.xcr0_mode = XCR0_AUTO;
	} else if (!strcmp(v, "off")) {
		g.xcr0_mode = XCR0_OFF;
	} else {
		if (parse_u64(v, &g.xcr0_value) || !(g.xcr0_value & 1))
			bad_env("KMC_L2_XCR0", v, "want auto, off or a value with bit 0 set");
		g.xcr0_mode = XCR0_VALUE;
	}
	parse_bits("KMC_L2_CPUID_SET", g.set, &g.nset);
	parse_bits("KMC_L2_CPUID_CLR", g.clr, &g.nclr);
	wlog("active: arch_cap=%s%llx cpuid_set=%u cpuid_clr=%u xcr0=%s\n", g.force_arch_cap ? "0x" : "(vmm)",
	     g.force_arch_cap ? (unsigned long long)g.arch_cap : 0ULL, g.nset, g.nclr,
	     g.xcr0_mode == XCR0_AUTO ? "auto" : g.xcr0_mode == XCR0_OFF ? "off" : "value");
}

/* Called with g.lock held. */
static struct vcpu *vcpu_get(int fd, int create)
{
	struct vcpu *free_slot = NULL;

	for (unsigned int i = 0; i < MAX_VCPUS; i++) {
		if (g.vcpus[i].fd == fd + 1)
			return &g.vcpus[i];
		if (!g.vcpus[i].fd && !free_slot)
			free_slot = &g.vcpus[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->fd = fd + 1; /* 0 marks a free slot */
	return free_slot;
}

static uint32_t *reg_of(struct kvm_cpuid_entry2 *e, unsigned int r)
{
	switch (r) {
	case 0: return &e->eax;
	case 1: return &e->ebx;
	case 2: return &e->ecx;
	default: return &e->edx;
	}
}

static struct kvm_cpuid_entry2 *find_leaf(struct kvm_cpuid2 *c, uint32_t leaf, uint32_t sub)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == leaf && (e->index == sub || !(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)))
			return e;
	}
	return NULL;
}

/* Apply one list; may append entries (room was reserved by the caller). */
static void apply_bits(struct kvm_cpuid2 *c, const struct cpuid_bit *bits, unsigned int n, int set, int fd)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct cpuid_bit *b = &bits[i];
		struct kvm_cpuid_entry2 *e = find_leaf(c, b->leaf, b->subleaf);
		uint32_t *r, old;

		if (!e) {
			if (!set)
				continue;
			e = &c->entries[c->nent++];
			memset(e, 0, sizeof(*e));
			e->function = b->leaf;
			e->index = b->subleaf;
			e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
			wlog("vcpu fd %d: added CPUID leaf 0x%x.%u\n", fd, b->leaf, b->subleaf);
		}
		r = reg_of(e, b->reg);
		old = *r;
		if (set)
			*r |= 1u << b->bit;
		else
			*r &= ~(1u << b->bit);
		wlog("vcpu fd %d: CPUID 0x%x.%u %s bit %u %s: 0x%08x -> 0x%08x\n", fd, b->leaf, b->subleaf,
		     reg_names[b->reg], b->bit, set ? "set" : "cleared", old, *r);
	}
}

static int do_set_cpuid2(int fd, unsigned long req, struct kvm_cpuid2 *in)
{
	size_t room = in->nent + g.nset;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + room * sizeof(c->entries[0]));
	struct kvm_cpuid_entry2 *e1, *ed, *e7;
	struct vcpu *v;
	int ret, err;

	if (!c) {
		errno = ENOMEM;
		return -1;
	}
	c->nent = in->nent;
	memcpy(c->entries, in->entries, in->nent * sizeof(c->entries[0]));
	apply_bits(c, g.set, g.nset, 1, fd);
	apply_bits(c, g.clr, g.nclr, 0, fd);

	ret = g.real(fd, req, c);
	err = errno;
	if (ret < 0)
		wlog("vcpu fd %d: KVM_SET_CPUID2 (%u entries) failed: %s\n", fd, c->nent, strerror(err));

	e1 = find_leaf(c, 1, 0);
	ed = find_leaf(c, 0xd, 0);
	e7 = find_leaf(c, 7, 0);
	pthread_mutex_lock(&g.lock);
	v = vcpu_get(fd, 1);
	if (v && ret == 0) {
		v->cpuid_known = 1;
		v->cpuid_arch_cap = e7 && (e7->edx & (1u << 29));
		v->have_xcr0 = 0;
		if (g.xcr0_mode == XCR0_VALUE) {
			v->xcr0 = g.xcr0_value;
			v->have_xcr0 = 1;
		} else if (g.xcr0_mode == XCR0_AUTO && e1 && (e1->ecx & (1u << 26)) && ed) {
			v->xcr0 = ((uint64_t)ed->edx << 32) | ed->eax;
			v->have_xcr0 = 1;
		}
	}
	pthread_mutex_unlock(&g.lock);
	free(c);
	errno = err;
	return ret;
}

/* Rewrites the 0x10a entry of a KVM_SET_MSRS; returns its index, or -1 */
static int rewrite_msrs(int fd, struct kvm_msrs *m)
{
	struct vcpu *v, snap;
	int hit = -1;

	pthread_mutex_lock(&g.lock);
	v = vcpu_get(fd, 1);
	if (v)
		snap = *v;
	else
		memset(&snap, 0, sizeof(snap));
	pthread_mutex_unlock(&g.lock);

	for (uint32_t i = 0; i < m->nmsrs; i++) {
		struct kvm_msr_entry *e = &m->entries[i];

		if (e->index != MSR_IA32_ARCH_CAPABILITIES)
			continue;
		hit = (int)i;
		if (g.force_arch_cap) {
			wlog("vcpu fd %d: KVM_SET_MSRS 0x10a: 0x%llx -> 0x%llx\n", fd, (unsigned long long)e->data,
			     (unsigned long long)g.arch_cap);
			e->data = g.arch_cap;
		} else if (snap.cpuid_known && !snap.cpuid_arch_cap && e->data && !g.keep_hidden_arch_cap) {
			wlog("vcpu fd %d: guest CPUID has no ARCH_CAPABILITIES: KVM_SET_MSRS 0x10a: 0x%llx -> 0 "
			     "(KMC_L2_HIDDEN_ARCH_CAP=keep to pass it through)\n",
			     fd, (unsigned long long)e->data);
			e->data = 0;
		}
	}
	if (hit < 0)
		return hit;
	pthread_mutex_lock(&g.lock);
	v = vcpu_get(fd, 1);
	if (v)
		v->wrote_arch_cap = 1;
	pthread_mutex_unlock(&g.lock);
	return hit;
}

static void before_first_run(int fd)
{
	struct vcpu *v, snap;

	pthread_mutex_lock(&g.lock);
	v = vcpu_get(fd, 1);
	if (!v || v->ran) {
		pthread_mutex_unlock(&g.lock);
		return;
	}
	v->ran = 1;
	snap = *v;
	pthread_mutex_unlock(&g.lock);

	if (g.force_arch_cap && !snap.wrote_arch_cap) {
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry e;
		} m;
		int n;

		memset(&m, 0, sizeof(m));
		m.hdr.nmsrs = 1;
		m.e.index = MSR_IA32_ARCH_CAPABILITIES;
		m.e.data = g.arch_cap;
		n = g.real(fd, KVM_SET_MSRS, &m);
		wlog("vcpu fd %d: VMM never wrote 0x10a; KVM_SET_MSRS(0x10a := 0x%llx) -> %d%s%s\n", fd,
		     (unsigned long long)g.arch_cap, n, n < 0 ? " " : "", n < 0 ? strerror(errno) : "");
	}
	if (snap.have_xcr0) {
		struct kvm_xcrs x;
		int r;

		memset(&x, 0, sizeof(x));
		x.nr_xcrs = 1;
		x.xcrs[0].xcr = 0;
		x.xcrs[0].value = snap.xcr0;
		r = g.real(fd, KVM_SET_XCRS, &x);
		if (r < 0)
			wlog("vcpu fd %d: KVM_SET_XCRS(XCR0 := 0x%llx) failed: %s\n", fd, (unsigned long long)snap.xcr0,
			     strerror(errno));
		else
			wlog("vcpu fd %d: XCR0 := 0x%llx before the first KVM_RUN\n", fd, (unsigned long long)snap.xcr0);
	}
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	switch (req) {
	case KVM_CREATE_VCPU:
		ret = g.real(fd, req, arg);
		if (ret >= 0) {
			pthread_mutex_lock(&g.lock);
			if (!vcpu_get(ret, 1))
				wlog("more than %d vCPUs; fd %d not tracked\n", MAX_VCPUS, ret);
			pthread_mutex_unlock(&g.lock);
			if (g.verbose)
				wlog("KVM_CREATE_VCPU(%lu) -> fd %d\n", (unsigned long)arg, ret);
		}
		return ret;
	case KVM_SET_CPUID2:
		if (g.verbose)
			wlog("vcpu fd %d: KVM_SET_CPUID2 with %u entries\n", fd, ((struct kvm_cpuid2 *)arg)->nent);
		return do_set_cpuid2(fd, req, arg);
	case KVM_SET_MSRS: {
		const struct kvm_msrs *m = arg;
		int at = arg ? rewrite_msrs(fd, arg) : -1;

		ret = g.real(fd, req, arg);
		/* KVM sets the entries in order and stops at the first it refuses
		 * (a kernel that validates 0x10a, lkml 004): say so, the lab
		 * checks it against the model */
		if (at >= 0 && ret == at)
			wlog("vcpu fd %d: KVM_SET_MSRS refused 0x10a := 0x%llx (entry %d of %u)\n", fd,
			     (unsigned long long)m->entries[at].data, at + 1, m->nmsrs);
		return ret;
	}
	case KVM_SET_XCRS:
		if (g.verbose) {
			const struct kvm_xcrs *x = arg;

			wlog("vcpu fd %d: VMM KVM_SET_XCRS n=%u xcr0=0x%llx\n", fd, x->nr_xcrs,
			     x->nr_xcrs ? (unsigned long long)x->xcrs[0].value : 0ULL);
		}
		return g.real(fd, req, arg);
	case KVM_RUN:
		before_first_run(fd);
		return g.real(fd, req, arg);
	default:
		return g.real(fd, req, arg);
	}
}
