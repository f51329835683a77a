// SPDX-License-Identifier: GPL-2.0
/*
 * Another KVM (kvm_other.c, docs/kvm-backend.md "Another KVM"), without
 * /dev/kvm: a fake KVM behind a regular file (KMC_KVM_DEV) answers the
 * ioctls the kvm backend makes — this program defines ioctl(), which the
 * backend's code linked into it calls — and fails where a test tells it
 * to (KVM_CREATE_IRQCHIP, KVM_SET_CPUID2, KVM_RUN: an errno, an internal
 * error, a guest that never reports, a guest without exceptions).  Tests:
 * the probe's steps and reasons, KMC_KVM_PROBE_FAIL, and the backend end
 * to end (facts, SKIPs, observations) with KMC_KVM_MODULE naming the
 * fake's module.  Which vectors kmc_other_skip() rules out, for any probe:
 * test_other_skip.c.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "kmv.h"
#include "kvm_check.h"
#include "kvm_other.h"
#include "kvmlib.h"

/* ---- the fake KVM ---------------------------------------------------------- */

enum fake_run { RUN_OK, RUN_EINVAL, RUN_INTERNAL, RUN_HANG, RUN_NO_EXCEPTIONS };
enum fake_kind { FK_VM = 1, FK_VCPU };

#define FAKE_AC		0x400000000c000069ULL
#define FAKE_MMAP	4096

struct fake_fd {
	int fd, kind, vm, id;
	struct kvm_run *run;
	uint8_t *mem;		/* VM: guest memory (KVM_SET_USER_MEMORY_REGION) */
	uint64_t ac;		/* vCPU: its 0x10a */
};

static struct {
	char path[64];
	dev_t dev;
	ino_t ino;
	int irqchip_err, vcpu_err, set_cpuid_err;
	int no_feature_msrs;		/* KVM_GET_MSR_FEATURE_INDEX_LIST: none */
	int run;			/* enum fake_run */
	int user_space_msr, msr_filter, quirks2;
	struct fake_fd fds[64];
	unsigned int nfd, nruns, ncreate_vm;
} F;

static struct fake_fd *fake_find(int fd)
{
	for (unsigned int i = 0; i < F.nfd; i++)
		if (F.fds[i].fd == fd)
			return &F.fds[i];
	return NULL;
}

/* a new fd of @kind (fd numbers are reused after close: the newest entry wins) */
static int fake_new(int kind, int vm, int id)
{
	int fd = memfd_create(kind == FK_VM ? "fake-kvm-vm" : "fake-kvm-vcpu", MFD_CLOEXEC);
	struct fake_fd *f;

	if (fd < 0)
		return -1;
	f = fake_find(fd);
	if (!f) {
		ck_assert_uint_lt(F.nfd, 64);
		f = &F.fds[F.nfd++];
	}
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->kind = kind;
	f->vm = vm;
	f->id = id;
	f->ac = FAKE_AC;
	if (kind == FK_VCPU) {
		if (ftruncate(fd, FAKE_MMAP))
			return -1;
		f->run = mmap(NULL, FAKE_MMAP, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (f->run == MAP_FAILED)
			return -1;
	}
	return fd;
}

static int fail_with(int err)
{
	errno = err;
	return -1;
}

static struct kvm_cpuid2 *fake_cpuid(void)
{
	struct kvm_cpuid2 empty = { .nent = 0 };

	return kmc_cpuid_table(&empty, KMC_F(ARCH_CAPABILITIES) | KMC_F(SSE3) | KMC_F(APIC));
}

static int fake_system(unsigned long req, void *arg)
{
	switch (req) {
	case KVM_GET_API_VERSION:
		return KVM_API_VERSION;
	case KVM_GET_VCPU_MMAP_SIZE:
		return FAKE_MMAP;
	case KVM_CHECK_EXTENSION:
		switch ((long)arg) {
		case KVM_CAP_GET_MSR_FEATURES: return 1;
		case KVM_CAP_X86_USER_SPACE_MSR: return F.user_space_msr;
		case KVM_CAP_X86_MSR_FILTER: return F.msr_filter;
		case KVM_CAP_DISABLE_QUIRKS2: return F.quirks2;
		default: return 0;
		}
	case KVM_GET_MSR_FEATURE_INDEX_LIST: {
		struct kvm_msr_list *l = arg;

		if (F.no_feature_msrs) {
			l->nmsrs = 0;
			return 0;
		}
		if (l->nmsrs < 1) {
			l->nmsrs = 1;
			return fail_with(E2BIG);
		}
		l->nmsrs = 1;
		l->indices[0] = 0x10a;
		return 0;
	}
	case KVM_GET_MSRS: {
		struct kvm_msrs *m = arg;

		for (uint32_t i = 0; i < m->nmsrs; i++) {
			if (m->entries[i].index != 0x10a)
				return (int)i;
			m->entries[i].data = FAKE_AC;
		}
		return (int)m->nmsrs;
	}
	case KVM_GET_SUPPORTED_CPUID:
	case KVM_GET_EMULATED_CPUID: {
		struct kvm_cpuid2 *t = arg, *c = fake_cpuid();
		uint32_t n = req == KVM_GET_SUPPORTED_CPUID ? c->nent : 0;

		if (t->nent < n) {
			free(c);
			return fail_with(E2BIG);
		}
		t->nent = n;
		memcpy(t->entries, c->entries, n * sizeof(c->entries[0]));
		free(c);
		return 0;
	}
	case KVM_CREATE_VM:
		F.ncreate_vm++;
		return fake_new(FK_VM, -1, 0);
	default:
		return fail_with(ENOTTY);
	}
}

static int fake_vm(struct fake_fd *vm, unsigned long req, void *arg)
{
	switch (req) {
	case KVM_CREATE_IRQCHIP:
		return F.irqchip_err ? fail_with(F.irqchip_err) : 0;
	case KVM_ENABLE_CAP:
	case KVM_X86_SET_MSR_FILTER:
		return 0;
	case KVM_SET_USER_MEMORY_REGION:
		vm->mem = (uint8_t *)(uintptr_t)((struct kvm_userspace_memory_region *)arg)->userspace_addr;
		return 0;
	case KVM_CREATE_VCPU:
		return F.vcpu_err ? fail_with(F.vcpu_err) : fake_new(FK_VCPU, vm->fd, (int)(long)arg);
	default:
		return fail_with(ENOTTY);
	}
}

/* One guest command of kmc's program, done as guest.S would, reported on its port */
static int fake_run(struct fake_fd *v)
{
	struct fake_fd *vm = fake_find(v->vm);
	volatile uint8_t *mb;
	uint32_t cmd, vec = KMC_G_NO_VECTOR;

	F.nruns++;
	switch (F.run) {
	case RUN_EINVAL:
		return fail_with(EINVAL);
	case RUN_INTERNAL:
		v->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		v->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		return 0;
	case RUN_HANG:
		for (;;) {
			struct timespec ts = { 0, 1000000 };

			if (v->run->immediate_exit || nanosleep(&ts, NULL))
				return fail_with(EINTR);
		}
	default:
		break;
	}
	ck_assert_ptr_nonnull(vm);
	ck_assert_ptr_nonnull(vm->mem);
	mb = vm->mem + KMC_G_SLOTS + v->id * KMC_G_SLOT_SIZE;
	cmd = *(volatile uint32_t *)(mb + MB_CMD);
	v->run->exit_reason = KVM_EXIT_IO;
	v->run->io.direction = KVM_EXIT_IO_OUT;
	v->run->io.size = 1;
	v->run->io.port = KMC_G_PORT_DONE;
	if (cmd == KMC_GC_UD2) {
		vec = 6;
		if (F.run == RUN_NO_EXCEPTIONS)
			v->run->io.port = KMC_G_PORT_UNEXPECTED;
	} else if (cmd == KMC_GC_RDMSR) {
		*(volatile uint64_t *)(mb + MB_OUT) = v->ac;
	}
	*(volatile uint32_t *)(mb + MB_VEC) = vec;
	*(volatile uint32_t *)(mb + MB_DONE) = cmd;
	(*(volatile uint32_t *)(mb + MB_SEQ))++;
	return 0;
}

static int fake_vcpu(struct fake_fd *v, unsigned long req, void *arg)
{
	switch (req) {
	case KVM_GET_SREGS:
		memset(arg, 0, sizeof(struct kvm_sregs));
		return 0;
	case KVM_SET_SREGS:
	case KVM_SET_REGS:
	case KVM_SET_MP_STATE:
		return 0;
	case KVM_SET_CPUID2:
		return F.set_cpuid_err ? fail_with(F.set_cpuid_err) : 0;
	case KVM_SET_MSRS:
	case KVM_GET_MSRS: {
		struct kvm_msrs *m = arg;

		if (m->nmsrs != 1 || m->entries[0].index != 0x10a)
			return 0;
		if (req == KVM_SET_MSRS)
			v->ac = m->entries[0].data;
		else
			m->entries[0].data = v->ac;
		return 1;
	}
	case KVM_RUN:
		return fake_run(v);
	default:
		return fail_with(ENOTTY);
	}
}

/* The backend's ioctl()s land here: the fake's fds, else the real system call */
int ioctl(int fd, unsigned long req, ...)
{
	struct fake_fd *f;
	struct stat st;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (F.path[0] && !fstat(fd, &st) && st.st_dev == F.dev && st.st_ino == F.ino)
		return fake_system(req, arg);
	f = fake_find(fd);
	if (f && f->kind == FK_VM)
		return fake_vm(f, req, arg);
	if (f && f->kind == FK_VCPU)
		return fake_vcpu(f, req, arg);
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

static void fake_setup(void)
{
	struct stat st;
	int fd;

	memset(&F, 0, sizeof(F));
	snprintf(F.path, sizeof(F.path), "/tmp/kmc-fake-kvm.XXXXXX");
	fd = mkstemp(F.path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	F.dev = st.st_dev;
	F.ino = st.st_ino;
	F.user_space_msr = 1;	/* KVM answers 1, not its exit reasons */
	F.msr_filter = 1;
	F.quirks2 = 0x1ff;
	setenv("KMC_KVM_DEV", F.path, 1);
	setenv("KMC_KVM_MODULE", "kvm_fake", 1);
	unsetenv("KMC_KVM_PROBE_FAIL");
	unsetenv("KMC_KVM_RUN_TIMEOUT_MS");
}

static void fake_teardown(void)
{
	unlink(F.path);
	unsetenv("KMC_KVM_DEV");
	unsetenv("KMC_KVM_MODULE");
}

/* ---- the probe ------------------------------------------------------------- */

static void probe_fake(struct kmc_kvm *k, struct kmc_kvm_probe *p)
{
	char msg[300];

	ck_assert_msg(!kmc_kvm_open(k, F.path, msg, sizeof(msg)), "%s", msg);
	ck_assert_int_eq(k->vendor, KMC_KVM_OTHER);
	ck_assert_str_eq(k->vendor_mod, "kvm_fake");
	kmc_kvm_probe(k, p);
	ck_assert_int_eq(p->done, 1);
}

START_TEST(probe_all_work)
{
	struct kmc_kvm k;
	struct kmc_kvm_probe p;
	char buf[2000];

	probe_fake(&k, &p);
	for (int i = 0; i < KMC_PROBE_NR; i++)
		ck_assert_msg(p.ok[i], "%s: %s", kmc_probe_step_names[i], p.why[i]);
	ck_assert_uint_eq(F.nruns, 3);		/* NOP, NOP, UD2 */
	kmc_kvm_probe_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "vm ok, vcpu ok, cpuid ok, guest ok");
	kmc_kvm_close(&k);
}
END_TEST

/* Each failure: the step, and the reason with the module, the ioctl and errno or exit */
START_TEST(probe_failures)
{
	static const struct {
		int irqchip, vcpu, cpuid, run;
		int step;
		const char *why;
	} cases[] = {
		{ EINVAL, 0, 0, RUN_OK, KMC_PROBE_VM, "kvm_fake: KVM_CREATE_IRQCHIP: Invalid argument" },
		{ 0, ENOMEM, 0, RUN_OK, KMC_PROBE_VCPU, "kvm_fake: KVM_CREATE_VCPU(0): Cannot allocate memory" },
		{ 0, 0, E2BIG, RUN_OK, KMC_PROBE_CPUID,
		  "kvm_fake: KVM_SET_CPUID2 of its own KVM_GET_SUPPORTED_CPUID (+ ARCH_CAPABILITIES) on a fresh vCPU: Argument list too long" },
		{ 0, 0, 0, RUN_EINVAL, KMC_PROBE_GUEST,
		  "kvm_fake: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument" },
		{ 0, 0, 0, RUN_INTERNAL, KMC_PROBE_GUEST,
		  "kvm_fake: guest command NOP (1 of 3): KVM_EXIT_INTERNAL_ERROR: suberror 1" },
		{ 0, 0, 0, RUN_HANG, KMC_PROBE_GUEST,
		  "kvm_fake: guest command NOP (1 of 3): no report from the guest within 200 ms" },
		{ 0, 0, 0, RUN_NO_EXCEPTIONS, KMC_PROBE_GUEST,
		  "kvm_fake: guest command UD2 (#UD through the guest's IDT) (3 of 3): unexpected exception: vector 6" },
	};

	setenv("KMC_KVM_RUN_TIMEOUT_MS", "200", 1);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kmc_kvm k;
		struct kmc_kvm_probe p;

		F.irqchip_err = cases[i].irqchip;
		F.vcpu_err = cases[i].vcpu;
		F.set_cpuid_err = cases[i].cpuid;
		F.run = cases[i].run;
		probe_fake(&k, &p);
		ck_assert_msg(!p.ok[cases[i].step] && strstr(p.why[cases[i].step], cases[i].why),
			      "case %zu: %s", i, p.why[cases[i].step]);
		for (int s = 0; s < cases[i].step; s++)
			ck_assert_msg(p.ok[s], "case %zu: step %d: %s", i, s, p.why[s]);
		/* the steps after it: not tried, except the guest after a failed KVM_SET_CPUID2 */
		for (int s = cases[i].step + 1; s < KMC_PROBE_NR; s++)
			if (cases[i].step == KMC_PROBE_CPUID)
				ck_assert_msg(p.ok[s], "case %zu: step %d: %s", i, s, p.why[s]);
			else
				ck_assert_msg(!p.ok[s] && strstr(p.why[s], "not tried"), "case %zu: %s", i,
					      p.why[s]);
		kmc_kvm_close(&k);
	}
}
END_TEST

START_TEST(probe_told_to_fail)
{
	struct kmc_kvm k;
	struct kmc_kvm_probe p;
	char buf[2000];

	setenv("KMC_KVM_PROBE_FAIL", "cpuid,guest", 1);
	probe_fake(&k, &p);
	ck_assert(p.ok[KMC_PROBE_VM] && p.ok[KMC_PROBE_VCPU]);
	ck_assert(!p.ok[KMC_PROBE_CPUID] && !p.ok[KMC_PROBE_GUEST]);
	ck_assert_msg(strstr(p.why[KMC_PROBE_GUEST], "KMC_KVM_PROBE_FAIL=cpuid,guest: the probe was told this step fails (a test-only override)"),
		      "%s", p.why[KMC_PROBE_GUEST]);
	ck_assert_uint_eq(F.nruns, 0);		/* not tried at all */
	kmc_kvm_probe_format(&p, buf, sizeof(buf));
	ck_assert_msg(!strncmp(buf, "vm ok, vcpu ok, cpuid FAILED (KMC_KVM_PROBE_FAIL=", 48), "%s", buf);
	kmc_kvm_close(&k);
	setenv("KMC_KVM_PROBE_FAIL", "vm", 1);
	F.ncreate_vm = 0;
	probe_fake(&k, &p);
	ck_assert(!p.ok[KMC_PROBE_VM] && !p.ok[KMC_PROBE_GUEST]);
	ck_assert_str_eq(p.why[KMC_PROBE_GUEST], "not tried: the vcpu step failed");
	ck_assert_uint_eq(F.ncreate_vm, 0);
	kmc_kvm_close(&k);
}
END_TEST

/* ---- the backend end to end, on the fake ---------------------------------------- */

/* One run of the backend on the fake: the vectors below, its facts, an observation */
struct e2e {
	struct kmv_file f;
	void *ctx;
	struct kmc_obs o;
	char facts[16384];	/* "KEY: VALUE [SOURCE: NOTE]" lines */
	char why[800];
};

static void fact_cb(void *arg, const char *key, const char *value, const char *source,
		    const char *note)
{
	struct e2e *t = arg;
	size_t n = strlen(t->facts);

	snprintf(t->facts + n, sizeof(t->facts) - n, "%s: %s [%s: %s]\n", key, value, source, note);
}

static char *line_of(struct e2e *t, const char *key)
{
	static char line[4096];
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), "%s: ", key);
	for (p = t->facts; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, want, strlen(want))) {
			size_t n = strcspn(p, "\n");

			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			return line;
		}
	return NULL;
}

static const char e2e[] =
	"kmv 1\n"
	"vector feature profile=live\n  host live\n  expect kvm.arch_cap\n  op get_feature\n"
	"vector default profile=live\n  host live\n  expect vcpu.arch_cap\n"
	"vector msrs profile=live\n  host live\n  op set_cpuid arch_capabilities\n"
	"  op set_msr 0x10a 0x29\n  op get_msr 0x10a\n"
	"vector run profile=live\n  host live\n  op set_cpuid arch_capabilities\n  op run\n"
	"  op rdmsr 0x10a\n"
	"vector fb profile=live\n  host live\n  expect disable_fb_clear\n";

/* The backend opened on the fake as the test has set it up, its facts read */
static struct e2e *e2e_open(void)
{
	const struct kmc_backend *be = kmc_backend_find("kvm");
	struct e2e *t = calloc(1, sizeof(*t));
	char msg[600];

	ck_assert_ptr_nonnull(t);
	kt_read_kmv(e2e, "e.kmv", &t->f);
	ck_assert_msg(!be->open(&t->ctx, msg, sizeof(msg)), "%s", msg);
	be->facts(t->ctx, fact_cb, t);
	return t;
}

static void e2e_close(struct e2e *t)
{
	kmc_kvm_backend.close(t->ctx);
	kmv_file_free(&t->f);
	free(t);
}

/* eval() of vector @id into t->o, the reason in t->why */
static int eval(struct e2e *t, const char *id)
{
	return kmc_kvm_backend.eval(t->ctx, kt_rec(&t->f, id), 0, &t->o, t->why, sizeof(t->why));
}

START_TEST(backend_guest_does_not_run)
{
	struct e2e *t;
	struct kmc_host h;
	const struct kmc_profile *prof;
	char *l;

	F.run = RUN_EINVAL;
	t = e2e_open();
	l = line_of(t, "kvm");
	ck_assert_msg(l && strstr(l, "kvm_fake"), "%s", t->facts);
	l = line_of(t, "kvm.other");
	ck_assert_msg(l && strstr(l, "kvm.other: kvm_fake, neither kvm_intel nor kvm_amd"), "%s", t->facts);
	l = line_of(t, "kvm.probe");
	ck_assert_msg(l && strstr(l, "vm ok, vcpu ok, cpuid ok, guest FAILED (kvm_fake: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument)"),
		      "%s", l ? l : t->facts);
	l = line_of(t, "kvm.arch_cap");
	ck_assert_msg(l && strstr(l, "kvm.arch_cap: 0x400000000c000069"), "%s", t->facts);
	/* the model's predictions, whatever runs */
	ck_assert_msg(line_of(t, "model.kvm.arch_cap") && line_of(t, "model.vcpu.arch_cap") &&
		      line_of(t, "model.bugs") && line_of(t, "model.kvm.cpuid"), "%s", t->facts);

	ck_assert_int_eq(kmc_kvm_backend.live(t->ctx, kt_rec(&t->f, "feature"), &h, &prof, t->why,
					      sizeof(t->why)), 0);
	ck_assert_ptr_nonnull(prof);
	/* the system ioctls and a VM without KVM_RUN: observed */
	ck_assert_msg(eval(t, "feature") == 0, "%s", t->why);
	ck_assert_uint_eq(t->o.kvm_arch_cap, FAKE_AC);
	ck_assert_uint_eq(t->o.nres, 1);
	ck_assert_uint_eq(t->o.res[0].value, FAKE_AC);
	ck_assert_msg(eval(t, "default") == 0, "%s", t->why);
	ck_assert_uint_eq(t->o.vcpu_arch_cap, FAKE_AC);
	ck_assert_msg(eval(t, "msrs") == 0, "%s", t->why);
	ck_assert_uint_eq(t->o.nres, 3);
	ck_assert_uint_eq(t->o.res[2].value, 0x29);
	/* KVM_RUN: a SKIP with the probe's reason, never an ERROR or a FAIL */
	ck_assert_int_eq(eval(t, "run"), KMC_BE_SKIP);
	ck_assert_msg(strstr(t->why, "e.kmv:17: op run: needs KVM_RUN of kmc's guest program, which did not run in the probe: kvm_fake: guest command NOP (1 of 3): KVM_RUN (vCPU 0, guest command 1): Invalid argument"),
		      "%s", t->why);
	ck_assert_int_eq(eval(t, "fb"), KMC_BE_SKIP);
	ck_assert_msg(strstr(t->why, "kvm_fake is neither kvm_intel nor kvm_amd"), "%s", t->why);
	ck_assert_uint_eq(F.nruns, 1);		/* the probe's first command, nothing since */
	e2e_close(t);
}
END_TEST

START_TEST(backend_guest_runs)
{
	struct e2e *t = e2e_open();
	char *l = line_of(t, "kvm.probe");

	ck_assert_msg(l && strstr(l, "vm ok, vcpu ok, cpuid ok, guest ok"), "%s", t->facts);
	ck_assert_msg(eval(t, "run") == 0, "%s", t->why);
	ck_assert_uint_eq(t->o.nres, 3);
	ck_assert_int_eq(t->o.res[1].kind, KMC_RES_OK);
	ck_assert_int_eq(t->o.res[2].kind, KMC_RES_VALUE);
	ck_assert_uint_eq(t->o.res[2].value, FAKE_AC);
	ck_assert_uint_eq(F.nruns, 3 + 2);
	e2e_close(t);
}
END_TEST

/* No VM at all (KVM_CREATE_IRQCHIP refused): the system ioctls still answer */
START_TEST(backend_no_vm)
{
	struct e2e *t;

	F.irqchip_err = EINVAL;
	t = e2e_open();
	ck_assert_msg(eval(t, "feature") == 0, "%s", t->why);
	ck_assert_uint_eq(t->o.kvm_arch_cap, FAKE_AC);
	ck_assert_uint_eq(F.ncreate_vm, 1);	/* the probe's, none for the feature vector */
	for (const char *const *id = (const char *const[]){ "default", "msrs", "run", NULL }; *id; id++) {
		ck_assert_int_eq(eval(t, *id), KMC_BE_SKIP);
		ck_assert_msg(strstr(t->why, "needs a VM and a vCPU, which the probe could not create: kvm_fake: KVM_CREATE_IRQCHIP: Invalid argument"),
			      "%s: %s", *id, t->why);
	}
	ck_assert_uint_eq(F.ncreate_vm, 1);
	e2e_close(t);
}
END_TEST

/* No feature MSR 0x10a: its vectors are SKIPs, not ERRORs; the rest runs */
START_TEST(backend_no_feature_msr)
{
	struct e2e *t;

	F.no_feature_msrs = 1;
	t = e2e_open();
	ck_assert_int_eq(eval(t, "feature"), KMC_BE_SKIP);
	ck_assert_msg(strstr(t->why, "e.kmv:4: expect kvm.arch_cap: kvm_fake: KVM_GET_MSR_FEATURE_INDEX_LIST: MSR 0x10a is not listed (0 feature MSRs)"),
		      "%s", t->why);
	ck_assert_msg(eval(t, "msrs") == 0, "%s", t->why);
	e2e_close(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kvm_other");
	const TTest *const tests[] = {
		probe_all_work, probe_failures, probe_told_to_fail, backend_guest_does_not_run,
		backend_guest_runs, backend_no_vm, backend_no_feature_msr, NULL,
	};

	kt_case(s, "other", 30, fake_setup, fake_teardown, tests);
	return kt_run(s);
}
