// SPDX-License-Identifier: MIT
/*
 * l2probe - what the L2 guest really sees, printed as "key=value" lines.
 *
 *   vendor, family, model, stepping   from CPUID 0 and 1 (display values)
 *   cpuid.L.S=EAX EBX ECX EDX         raw leaves 1, 7.0, 7.1, 7.2, 0xd.0, 0xd.1,
 *                                     0x1a, 0x80000001, 0x80000008, 0x80000021
 *                                     (each only when within the maximum leaf)
 *   cpuid.max, cpuid.max_ext          CPUID 0 EAX, CPUID 0x80000000 EAX
 *   hypervisor                        CPUID 1 ECX[31]
 *   arch_cap_cpuid                    CPUID 7.0 EDX[29]
 *   msr_0x10a                         MSR 0x10a via /dev/cpu/0/msr (needs the
 *                                     msr module); "gp" when the read faults
 *
 * A model of the guest kernel's bug derivation must be fed these values, not
 * the ones that were asked of the VMM. Static, libc only.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct regs {
	uint32_t a, b, c, d;
};

static struct regs cpuid(uint32_t leaf, uint32_t sub)
{
	struct regs r;

	__asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
	return r;
}

static void print_leaf(uint32_t max, uint32_t leaf, uint32_t sub)
{
	struct regs r;

	if (leaf > max)
		return;
	r = cpuid(leaf, sub);
	printf("cpuid.0x%x.%u=0x%08x 0x%08x 0x%08x 0x%08x\n", leaf, sub, r.a, r.b, r.c, r.d);
}

int main(void)
{
	struct regs r0 = cpuid(0, 0), r1, r7;
	struct regs rx = cpuid(0x80000000, 0);
	uint32_t fam, model, step, max_ext;
	char vendor[13];
	uint64_t v;
	int fd;

	memcpy(vendor, &r0.b, 4);
	memcpy(vendor + 4, &r0.d, 4);
	memcpy(vendor + 8, &r0.c, 4);
	vendor[12] = 0;
	r1 = cpuid(1, 0);
	fam = (r1.a >> 8) & 0xf;
	model = (r1.a >> 4) & 0xf;
	step = r1.a & 0xf;
	if (fam == 0xf)
		fam += (r1.a >> 20) & 0xff;
	if (fam >= 6)
		model |= ((r1.a >> 16) & 0xf) << 4;

	printf("vendor=%s\n", vendor);
	printf("family=0x%x\nmodel=0x%x\nstepping=0x%x\n", fam, model, step);
	printf("cpuid.max=0x%x\n", r0.a);
	print_leaf(r0.a, 1, 0);
	print_leaf(r0.a, 7, 0);
	print_leaf(r0.a, 7, 1);
	print_leaf(r0.a, 7, 2);
	print_leaf(r0.a, 0xd, 0);
	print_leaf(r0.a, 0xd, 1);
	print_leaf(r0.a, 0x1a, 0);
	max_ext = (rx.a & 0xffff0000u) == 0x80000000u ? rx.a : 0;
	printf("cpuid.max_ext=0x%x\n", max_ext);
	if (max_ext) {
		print_leaf(max_ext, 0x80000001, 0);
		print_leaf(max_ext, 0x80000008, 0);
		print_leaf(max_ext, 0x80000021, 0);
	}
	printf("hypervisor=%u\n", (r1.c >> 31) & 1);
	r7 = r0.a >= 7 ? cpuid(7, 0) : (struct regs){ 0, 0, 0, 0 };
	printf("arch_cap_cpuid=%u\n", (r7.d >> 29) & 1);

	fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("msr_0x10a=unavailable (%s)\n", strerror(errno));
		return 0;
	}
	if (pread(fd, &v, sizeof(v), 0x10a) == (ssize_t)sizeof(v))
		printf("msr_0x10a=0x%016llx\n", (unsigned long long)v);
	else if (errno == EIO)
		printf("msr_0x10a=gp\n");
	else
		printf("msr_0x10a=error (%s)\n", strerror(errno));
	close(fd);
	return 0;
}
