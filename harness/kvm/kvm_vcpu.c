// SPDX-License-Identifier: GPL-2.0
/*
 * VMs and vCPUs for the kvm backend, and the host side of the guest
 * program (guest.S, ABI in guest.h): memory, GDT, IDT and registers,
 * KVM_SET_CPUID2, KVM_{SET,GET}_MSRS, and KVM_RUN with a time limit and
 * every exit accounted for.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "kvmlib.h"

extern const char kmc_guest_start[], kmc_guest_end[], kmc_guest_entry[], kmc_guest_stubs[];

#define MSR_ARCH_CAPABILITIES	0x10a
#define DEFAULT_TIMEOUT_MS	5000

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, len, "%s: %s", what, strerror(err));
	return -err;
}

/* ---- the VM ------------------------------------------------------------- */

static void put_gdt(uint8_t *mem)
{
	static const uint64_t gdt[3] = {
		0,
		0x00cf9b000000ffffULL,	/* 0x08: code, base 0, 4 GiB, 32-bit, accessed */
		0x00cf93000000ffffULL,	/* 0x10: data, base 0, 4 GiB, 32-bit, accessed */
	};

	memcpy(mem + KMC_G_GDT, gdt, sizeof(gdt));
}

static void put_idt(uint8_t *mem)
{
	uint32_t stubs = KMC_G_CODE + (uint32_t)(kmc_guest_stubs - kmc_guest_start);

	for (unsigned int i = 0; i < KMC_G_NIDT; i++) {
		uint32_t off = stubs + 16 * i;
		uint32_t gate[2] = {
			((uint32_t)KMC_G_SEL_CODE << 16) | (off & 0xffff),
			(off & 0xffff0000u) | 0x8e00,	/* present, DPL 0, 32-bit interrupt gate */
		};

		memcpy(mem + KMC_G_IDT + 8 * i, gate, sizeof(gate));
	}
}

static int set_filter(struct kmc_kvm_vm *vm, char *msg, size_t len)
{
	static uint8_t deny;	/* bitmap of one MSR, bit clear: denied */
	struct kvm_msr_filter f;

	memset(&f, 0, sizeof(f));
	f.flags = KVM_MSR_FILTER_DEFAULT_ALLOW;
	f.ranges[0].flags = KVM_MSR_FILTER_READ;
	f.ranges[0].nmsrs = 1;
	f.ranges[0].base = MSR_ARCH_CAPABILITIES;
	f.ranges[0].bitmap = &deny;
	if (ioctl(vm->fd, KVM_X86_SET_MSR_FILTER, &f))
		return fail(msg, len, errno, "KVM_X86_SET_MSR_FILTER (deny RDMSR 0x10a)");
	return 0;
}

static int enable_cap(struct kmc_kvm_vm *vm, uint32_t cap, uint64_t arg, const char *name,
		      char *msg, size_t len)
{
	struct kvm_enable_cap c;

	memset(&c, 0, sizeof(c));
	c.cap = cap;
	c.args[0] = arg;
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &c))
		return fail(msg, len, errno, "KVM_ENABLE_CAP(%s, 0x%llx)", name,
			    (unsigned long long)arg);
	return 0;
}

void kmc_vm_destroy(struct kmc_kvm_vm *vm)
{
	for (unsigned int i = 0; i < vm->nvcpus; i++) {
		struct kmc_kvm_vcpu *v = &vm->vcpus[i];

		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	if (vm->mem)
		munmap(vm->mem, KMC_G_MEM_SIZE);
	if (vm->fd >= 0)
		close(vm->fd);
	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
}

int kmc_vm_create(const struct kmc_kvm *k, const struct kmc_vm_cfg *cfg, struct kmc_kvm_vm *vm,
		  char *msg, size_t len)
{
	struct kvm_userspace_memory_region region;
	size_t code = (size_t)(kmc_guest_end - kmc_guest_start);
	uint32_t quirks;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->fd = -1;
	vm->k = k;
	vm->cfg = *cfg;
	if (code > KMC_G_CODE_MAX) {
		snprintf(msg, len, "guest program: %zu bytes, more than the %d it may have", code,
			 KMC_G_CODE_MAX);
		return -E2BIG;
	}
	vm->fd = ioctl(k->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return fail(msg, len, errno, "KVM_CREATE_VM");
	if (ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0))
		return fail(msg, len, errno, "KVM_CREATE_IRQCHIP");

	quirks = cfg->disable_quirks;
	if (quirks) {
		uint32_t cap, offered = kmc_kvm_quirks_offered(k, &cap);
		char how[120];

		if (quirks & ~offered)
			snprintf(vm->note, sizeof(vm->note), "quirks 0x%x not offered by this KVM (%s): left enabled",
				 quirks & ~offered, kmc_kvm_quirks_str(k, how, sizeof(how)));
		quirks &= offered;
		if (quirks) {
			ret = enable_cap(vm, cap, quirks, cap == KVM_CAP_DISABLE_QUIRKS2 ?
					 "KVM_CAP_DISABLE_QUIRKS2" : "KVM_CAP_DISABLE_QUIRKS", msg, len);
			if (ret)
				return ret;
		}
	}
	if (cfg->user_msr_exits) {
		ret = enable_cap(vm, KVM_CAP_X86_USER_SPACE_MSR, cfg->user_msr_exits,
				 "KVM_CAP_X86_USER_SPACE_MSR", msg, len);
		if (ret)
			return ret;
	}
	if (cfg->filter_arch_cap) {
		ret = set_filter(vm, msg, len);
		if (ret)
			return ret;
	}

	vm->mem = mmap(NULL, KMC_G_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return fail(msg, len, errno, "mmap of %d bytes of guest memory", KMC_G_MEM_SIZE);
	}
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = KMC_G_MEM_SIZE;
	region.userspace_addr = (uintptr_t)vm->mem;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region))
		return fail(msg, len, errno, "KVM_SET_USER_MEMORY_REGION");
	put_gdt(vm->mem);
	put_idt(vm->mem);
	memcpy(vm->mem + KMC_G_CODE, kmc_guest_start, code);
	return 0;
}

/* ---- the vCPU ----------------------------------------------------------- */

static void flat_segment(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = 1;
	s->s = 1;
	s->g = 1;
}

static int enter_protected_mode(struct kmc_kvm_vcpu *v, char *msg, size_t len)
{
	uint32_t slot = KMC_G_SLOTS + v->id * KMC_G_SLOT_SIZE;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return fail(msg, len, errno, "KVM_GET_SREGS (vCPU %u)", v->id);
	flat_segment(&sregs.cs, KMC_G_SEL_CODE, 11);
	flat_segment(&sregs.ds, KMC_G_SEL_DATA, 3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = KMC_G_GDT;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = KMC_G_IDT;
	sregs.idt.limit = KMC_G_NIDT * 8 - 1;
	sregs.cr0 = 0x31;		/* PE | ET | NE; no paging */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return fail(msg, len, errno, "KVM_SET_SREGS (vCPU %u)", v->id);
	memset(&regs, 0, sizeof(regs));
	regs.rip = KMC_G_CODE + (uint64_t)(kmc_guest_entry - kmc_guest_start);
	regs.rsp = slot + KMC_G_SLOT_SIZE;
	regs.rsi = slot;
	regs.rflags = 0x2;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return fail(msg, len, errno, "KVM_SET_REGS (vCPU %u)", v->id);
	return 0;
}

int kmc_vcpu_create(struct kmc_kvm_vm *vm, struct kmc_kvm_vcpu **out, char *msg, size_t len)
{
	struct kmc_kvm_vcpu *v;
	int ret;

	if (vm->nvcpus == KMC_G_MAX_VCPUS) {
		snprintf(msg, len, "KVM_CREATE_VCPU: kmc's guest layout has room for %d vCPUs per VM",
			 KMC_G_MAX_VCPUS);
		return -ENOSPC;
	}
	v = &vm->vcpus[vm->nvcpus];
	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->id = vm->nvcpus;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, v->id);
	if (v->fd < 0)
		return fail(msg, len, errno, "KVM_CREATE_VCPU(%u)", v->id);
	vm->nvcpus++;
	v->run_size = (size_t)vm->k->vcpu_mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return fail(msg, len, errno, "mmap of vCPU %u's kvm_run", v->id);
	}
	v->mbox = vm->mem + KMC_G_SLOTS + v->id * KMC_G_SLOT_SIZE;
	memset((void *)v->mbox, 0, MB_SIZE);
	ret = enter_protected_mode(v, msg, len);
	if (ret)
		return ret;
	if (v->id) {
		/* with an in-kernel LAPIC, APs wait for INIT/SIPI: let them run */
		struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

		if (ioctl(v->fd, KVM_SET_MP_STATE, &mp))
			return fail(msg, len, errno, "KVM_SET_MP_STATE(RUNNABLE) (vCPU %u)", v->id);
	}
	*out = v;
	return 0;
}

int kmc_vcpu_set_cpuid(struct kmc_kvm_vcpu *v, const struct kvm_cpuid2 *t, int *err,
		       char *msg, size_t len)
{
	(void)msg;
	(void)len;
	*err = ioctl(v->fd, KVM_SET_CPUID2, t) ? errno : 0;
	return 0;
}

struct one_msr {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e;
};

int kmc_vcpu_set_msr(struct kmc_kvm_vcpu *v, uint32_t index, uint64_t val, int *n,
		     char *msg, size_t len)
{
	struct one_msr m;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 1;
	m.e.index = index;
	m.e.data = val;
	*n = ioctl(v->fd, KVM_SET_MSRS, &m);
	if (*n < 0)
		return fail(msg, len, errno, "KVM_SET_MSRS(0x%x := 0x%llx)", index,
			    (unsigned long long)val);
	return 0;
}

int kmc_vcpu_get_msr(struct kmc_kvm_vcpu *v, uint32_t index, uint64_t *val, int *n,
		     char *msg, size_t len)
{
	struct one_msr m;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 1;
	m.e.index = index;
	*n = ioctl(v->fd, KVM_GET_MSRS, &m);
	if (*n < 0)
		return fail(msg, len, errno, "KVM_GET_MSRS(0x%x)", index);
	*val = *n == 1 ? m.e.data : 0;
	return 0;
}

/* ---- KVM_RUN with a time limit ----------------------------------------- */

static volatile sig_atomic_t alarm_fired;
static struct kvm_run *volatile alarm_run;
static timer_t alarm_timer;
static int alarm_ready;

static void on_alarm(int sig)
{
	struct kvm_run *r = alarm_run;

	(void)sig;
	alarm_fired = 1;
	/* a signal that lands before KVM_RUN enters still stops it */
	if (r)
		r->immediate_exit = 1;
}

static int alarm_setup(char *msg, size_t len)
{
	struct sigaction sa;
	struct sigevent sev;

	if (alarm_ready)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: KVM_RUN must return EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return fail(msg, len, errno, "sigaction(SIGALRM)");
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	if (timer_create(CLOCK_MONOTONIC, &sev, &alarm_timer))
		return fail(msg, len, errno, "timer_create(CLOCK_MONOTONIC)");
	alarm_ready = 1;
	return 0;
}

static void alarm_arm(long ms)
{
	struct itimerspec it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_nsec = (ms % 1000) * 1000000L;
	if (!it.it_value.tv_sec && !it.it_value.tv_nsec)
		it.it_value.tv_nsec = 1;
	timer_settime(alarm_timer, 0, &it, NULL);
}

static void alarm_disarm(void)
{
	struct itimerspec it;

	memset(&it, 0, sizeof(it));
	timer_settime(alarm_timer, 0, &it, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

unsigned int kmc_run_timeout_ms(void)
{
	const char *s = getenv("KMC_KVM_RUN_TIMEOUT_MS");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return DEFAULT_TIMEOUT_MS;
	v = strtoul(s, &end, 10);
	return *end || !v || v > 600000 ? DEFAULT_TIMEOUT_MS : (unsigned int)v;
}

const char *kmc_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
		[KVM_EXIT_IO] = "KVM_EXIT_IO",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
		[KVM_EXIT_NMI] = "KVM_EXIT_NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
		[KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
		[KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "(unknown exit reason)";
}

static void msr_exit(struct kmc_kvm_vcpu *v, struct kmc_gres *res, int read)
{
	struct kvm_run *run = v->run;
	int answer = read && run->msr.reason == KVM_MSR_EXIT_REASON_FILTER &&
		     run->msr.index == MSR_ARCH_CAPABILITIES && v->vm->cfg.filter_arch_cap;

	if (!res->nmsr_exits++) {
		res->msr_exit_reason = run->msr.reason;
		res->msr_exit_index = run->msr.index;
		res->msr_exit_answered = answer;
	}
	if (answer) {
		run->msr.data = v->vm->uemu_arch_cap;
		run->msr.error = 0;
	} else {
		run->msr.error = 1;	/* the guest takes #GP */
	}
}

static void kill_vcpu(struct kmc_kvm_vcpu *v, struct kmc_gres *res, int outcome, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void kill_vcpu(struct kmc_kvm_vcpu *v, struct kmc_gres *res, int outcome, const char *fmt, ...)
{
	va_list ap;

	res->outcome = outcome;
	res->exit_reason = v->run->exit_reason;
	va_start(ap, fmt);
	vsnprintf(res->what, sizeof(res->what), fmt, ap);
	va_end(ap);
	v->dead = 1;
	snprintf(v->dead_why, sizeof(v->dead_why), "%s", res->what);
}

/* One KVM exit: 1 if the command is over (res->outcome says how), 0 to go on */
static int handle_exit(struct kmc_kvm_vcpu *v, const struct kmc_gcmd *cmd, struct kmc_gres *res)
{
	struct kvm_run *run = v->run;
	volatile uint8_t *mb = v->mbox;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == KMC_G_PORT_DONE) {
			uint32_t seq = *(volatile uint32_t *)(mb + MB_SEQ);
			uint32_t done = *(volatile uint32_t *)(mb + MB_DONE);

			if (seq != v->seq + 1 || done != cmd->cmd) {
				kill_vcpu(v, res, KMC_GOUT_EXIT,
					  "guest protocol: report #%u for command %u, expected #%u for %u",
					  seq, done, v->seq + 1, cmd->cmd);
				return 1;
			}
			v->seq = seq;
			res->outcome = KMC_GOUT_DONE;
			res->vector = *(volatile uint32_t *)(mb + MB_VEC);
			res->errcode = *(volatile uint32_t *)(mb + MB_ERRCODE);
			res->eip = *(volatile uint32_t *)(mb + MB_EIP);
			res->out = *(volatile uint64_t *)(mb + MB_OUT);
			for (int i = 0; i < 4; i++)
				res->regs[i] = *(volatile uint32_t *)(mb + MB_EAX + 4 * i);
			snprintf(res->what, sizeof(res->what), "done");
			return 1;
		}
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == KMC_G_PORT_UNEXPECTED) {
			res->vector = *(volatile uint32_t *)(mb + MB_VEC);
			res->errcode = *(volatile uint32_t *)(mb + MB_ERRCODE);
			res->eip = *(volatile uint32_t *)(mb + MB_EIP);
			kill_vcpu(v, res, KMC_GOUT_EXCEPTION,
				  "unexpected exception: vector %u, error code 0x%x, at EIP 0x%x",
				  res->vector, res->errcode, res->eip);
			return 1;
		}
		kill_vcpu(v, res, KMC_GOUT_EXIT, "unexpected KVM_EXIT_IO: %s port 0x%x, size %u",
			  run->io.direction == KVM_EXIT_IO_OUT ? "OUT to" : "IN from", run->io.port,
			  run->io.size);
		return 1;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		msr_exit(v, res, run->exit_reason == KVM_EXIT_X86_RDMSR);
		return 0;
	case KVM_EXIT_SHUTDOWN:
		kill_vcpu(v, res, KMC_GOUT_SHUTDOWN, "KVM_EXIT_SHUTDOWN (triple fault)");
		return 1;
	case KVM_EXIT_MMIO:
		kill_vcpu(v, res, KMC_GOUT_EXIT, "unexpected KVM_EXIT_MMIO: %s 0x%llx, %u bytes",
			  run->mmio.is_write ? "write to" : "read from",
			  (unsigned long long)run->mmio.phys_addr, run->mmio.len);
		return 1;
	case KVM_EXIT_FAIL_ENTRY:
		kill_vcpu(v, res, KMC_GOUT_EXIT, "KVM_EXIT_FAIL_ENTRY: hardware reason 0x%llx",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 1;
	case KVM_EXIT_INTERNAL_ERROR:
		kill_vcpu(v, res, KMC_GOUT_EXIT, "KVM_EXIT_INTERNAL_ERROR: suberror %u",
			  run->internal.suberror);
		return 1;
	case KVM_EXIT_INTR:
		return 0;
	default:
		kill_vcpu(v, res, KMC_GOUT_EXIT, "unexpected exit %u (%s)", run->exit_reason,
			  kmc_exit_reason_name(run->exit_reason));
		return 1;
	}
}

int kmc_vcpu_guest(struct kmc_kvm_vcpu *v, const struct kmc_gcmd *cmd, unsigned int timeout_ms,
		   struct kmc_gres *res, char *msg, size_t len)
{
	volatile uint8_t *mb = v->mbox;
	long deadline;
	int ret;

	memset(res, 0, sizeof(*res));
	res->vector = KMC_G_NO_VECTOR;
	if (v->dead) {
		snprintf(msg, len, "KVM_RUN: vCPU %u cannot run after: %s", v->id, v->dead_why);
		return -EIO;
	}
	ret = alarm_setup(msg, len);
	if (ret)
		return ret;
	*(volatile uint32_t *)(mb + MB_CMD) = cmd->cmd;
	*(volatile uint32_t *)(mb + MB_INDEX) = cmd->index;
	*(volatile uint32_t *)(mb + MB_SUB) = cmd->subleaf;
	*(volatile uint64_t *)(mb + MB_VALUE) = cmd->value;
	*(volatile uint64_t *)(mb + MB_OUT) = 0;
	memset((void *)(mb + MB_NULL_IDT), 0, 6);
	if (!timeout_ms)
		timeout_ms = kmc_run_timeout_ms();
	deadline = now_ms() + (long)timeout_ms;

	for (;;) {
		long left = deadline - now_ms();
		int r, err;

		if (left <= 0) {
			kill_vcpu(v, res, KMC_GOUT_TIMEOUT, "no report from the guest within %u ms",
				  timeout_ms);
			return 0;
		}
		v->run->immediate_exit = 0;
		alarm_fired = 0;
		alarm_run = v->run;
		alarm_arm(left);
		r = ioctl(v->fd, KVM_RUN, 0);
		err = errno;
		alarm_disarm();
		alarm_run = NULL;
		if (r < 0) {
			if (err == EINTR) {
				if (alarm_fired) {
					kill_vcpu(v, res, KMC_GOUT_TIMEOUT,
						  "no report from the guest within %u ms", timeout_ms);
					return 0;
				}
				continue;
			}
			v->dead = 1;
			snprintf(v->dead_why, sizeof(v->dead_why), "KVM_RUN failed: %s", strerror(err));
			return fail(msg, len, err, "KVM_RUN (vCPU %u, guest command %u)", v->id,
				    cmd->cmd);
		}
		if (handle_exit(v, cmd, res))
			return 0;
	}
}
