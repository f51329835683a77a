// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-run: the smallest KVM user that passes the three points kmc probes:
 * vCPU creation (vendor vcpu_reset), a host write of MSR 0x10a (vendor
 * set_msr) and one KVM_RUN (vendor vcpu_run) of a real-mode guest that
 * executes HLT. Used by kmod/tests/l1-test.sh with "probe_target=svm" to
 * exercise kmc's probes where there is no VMX.
 *
 *	vcpu-run [RUNS]		(default 1 KVM_RUN)
 *
 * Prints "exit_reason=N" per run; exits 0 if every run ended in HLT.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MSR_IA32_ARCH_CAPABILITIES	0x10a
#define MAX_CPUID			256

static int fail(const char *what)
{
	fprintf(stderr, "vcpu-run: %s: %s\n", what, strerror(errno));
	return 1;
}

static int set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *c;
	int err = 0;

	c = calloc(1, sizeof(*c) + MAX_CPUID * sizeof(c->entries[0]));
	if (!c)
		return fail("calloc");
	c->nent = MAX_CPUID;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0)
		err = fail("KVM_GET_SUPPORTED_CPUID");
	else if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		err = fail("KVM_SET_CPUID2");
	free(c);
	return err;
}

static int set_arch_cap(int vcpu)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} m = {
		.hdr.nmsrs = 1,
		.entry.index = MSR_IA32_ARCH_CAPABILITIES,
		.entry.data = 0,
	};

	if (ioctl(vcpu, KVM_GET_MSRS, &m) != 1)
		return fail("KVM_GET_MSRS(0x10a)");
	if (ioctl(vcpu, KVM_SET_MSRS, &m) != 1)
		return fail("KVM_SET_MSRS(0x10a)");
	return 0;
}

static int setup_guest(int vm, int vcpu)
{
	struct kvm_userspace_memory_region mem = { .slot = 0 };
	struct kvm_regs regs = { .rflags = 2 };
	struct kvm_sregs sregs;
	unsigned char *page;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return fail("mmap");
	page[0] = 0xf4;		/* hlt */
	mem.memory_size = 4096;
	mem.userspace_addr = (unsigned long)page;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem) < 0)
		return fail("KVM_SET_USER_MEMORY_REGION");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return fail("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return fail("KVM_SET_SREGS");
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return fail("KVM_SET_REGS");
	return 0;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 1;
	int kvm, vm, vcpu, size, i, bad = 0;
	struct kvm_run *run;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return fail("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return fail("mmap vcpu");
	if (set_cpuid(kvm, vcpu) || set_arch_cap(vcpu) || setup_guest(vm, vcpu))
		return 1;
	for (i = 0; i < runs; i++) {
		struct kvm_regs regs = { .rflags = 2 };

		if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
			return fail("KVM_SET_REGS");
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return fail("KVM_RUN");
		printf("exit_reason=%u\n", run->exit_reason);
		if (run->exit_reason != KVM_EXIT_HLT)
			bad++;
	}
	return bad ? 1 : 0;
}
