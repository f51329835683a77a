// SPDX-License-Identifier: MIT
/*
 * kvmprobe - the emulated lab's smoke test of /dev/kvm.
 *
 * Opens /dev/kvm and prints, one "key=value" per line:
 *   kvm_api_version              KVM_GET_API_VERSION
 *   kvm_cap_get_msr_features     KVM_CHECK_EXTENSION(KVM_CAP_GET_MSR_FEATURES)
 *   feature_msr_count            entries in KVM_GET_MSR_FEATURE_INDEX_LIST
 *   feature_msr_list_has_0x10a   0x10a in that list (0/1)
 *   feature_msr_0x10a            system-fd KVM_GET_MSRS(0x10a), hex
 *   msr_index_list_has_0x10a     0x10a in KVM_GET_MSR_INDEX_LIST (0/1)
 *   supported_cpuid_7_0_edx      KVM_GET_SUPPORTED_CPUID leaf 7.0 EDX, hex
 *   supported_cpuid_arch_cap     bit 29 of it (ARCH_CAPABILITIES) (0/1)
 *
 * Exit 0 when every ioctl worked, 1 otherwise; errors go to stderr and name
 * the ioctl and errno. Built static (gcc -static) so it runs in a busybox
 * initramfs. Uses only <linux/kvm.h> and libc.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MSR_IA32_ARCH_CAPABILITIES 0x10a
#define CPUID_7_0_EDX_ARCH_CAPABILITIES (1u << 29)

static int failures;

static void fail(const char *what)
{
	fprintf(stderr, "kvmprobe: %s: %s (errno %d)\n", what, strerror(errno), errno);
	failures++;
}

/* KVM_GET_MSR_INDEX_LIST / KVM_GET_MSR_FEATURE_INDEX_LIST: sized by a first call. */
static struct kvm_msr_list *get_msr_list(int kvm, unsigned long req, const char *name)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	struct kvm_msr_list *list;
	char what[96];

	if (ioctl(kvm, req, &probe) == 0 || errno != E2BIG) {
		snprintf(what, sizeof(what), "%s (size query)", name);
		if (errno == 0)
			errno = EPROTO;
		fail(what);
		return NULL;
	}
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(list->indices[0]));
	if (!list) {
		fail("calloc");
		return NULL;
	}
	list->nmsrs = probe.nmsrs;
	if (ioctl(kvm, req, list) < 0) {
		fail(name);
		free(list);
		return NULL;
	}
	return list;
}

static int list_has(const struct kvm_msr_list *list, uint32_t index)
{
	for (uint32_t i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == index)
			return 1;
	return 0;
}

static void probe_feature_msr(int kvm)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} msrs;
	int n;

	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = 1;
	msrs.entry.index = MSR_IA32_ARCH_CAPABILITIES;
	n = ioctl(kvm, KVM_GET_MSRS, &msrs);
	if (n < 0) {
		fail("KVM_GET_MSRS(system fd, 0x10a)");
		return;
	}
	if (n != 1) {
		fprintf(stderr, "kvmprobe: KVM_GET_MSRS(system fd, 0x10a) processed %d entries, expected 1\n", n);
		failures++;
		return;
	}
	printf("feature_msr_0x10a=0x%016llx\n", (unsigned long long)msrs.entry.data);
}

static void probe_supported_cpuid(int kvm)
{
	int nent = 256;
	struct kvm_cpuid2 *cpuid = NULL;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(cpuid->entries[0]));
		if (!cpuid) {
			fail("calloc");
			return;
		}
		cpuid->nent = (uint32_t)nent;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		free(cpuid);
		cpuid = NULL;
		if (errno != E2BIG || nent >= 4096) {
			fail("KVM_GET_SUPPORTED_CPUID");
			return;
		}
		nent *= 2;
	}
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 7 && e->index == 0) {
			printf("supported_cpuid_7_0_edx=0x%08x\n", e->edx);
			printf("supported_cpuid_arch_cap=%d\n", !!(e->edx & CPUID_7_0_EDX_ARCH_CAPABILITIES));
			free(cpuid);
			return;
		}
	}
	fprintf(stderr, "kvmprobe: KVM_GET_SUPPORTED_CPUID has no leaf 7.0\n");
	failures++;
	free(cpuid);
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/kvm";
	struct kvm_msr_list *list;
	int kvm, v;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: kvmprobe [DEVICE]   (default /dev/kvm)\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	kvm = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvmprobe: open %s: %s (errno %d)\n", dev, strerror(errno), errno);
		return 1;
	}

	v = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (v < 0)
		fail("KVM_GET_API_VERSION");
	else
		printf("kvm_api_version=%d\n", v);

	v = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES);
	if (v < 0)
		fail("KVM_CHECK_EXTENSION(KVM_CAP_GET_MSR_FEATURES)");
	else
		printf("kvm_cap_get_msr_features=%d\n", v);

	list = get_msr_list(kvm, KVM_GET_MSR_FEATURE_INDEX_LIST, "KVM_GET_MSR_FEATURE_INDEX_LIST");
	if (list) {
		printf("feature_msr_count=%u\n", list->nmsrs);
		printf("feature_msr_list_has_0x10a=%d\n", list_has(list, MSR_IA32_ARCH_CAPABILITIES));
		free(list);
	}
	probe_feature_msr(kvm);

	list = get_msr_list(kvm, KVM_GET_MSR_INDEX_LIST, "KVM_GET_MSR_INDEX_LIST");
	if (list) {
		printf("msr_index_list_has_0x10a=%d\n", list_has(list, MSR_IA32_ARCH_CAPABILITIES));
		free(list);
	}
	probe_supported_cpuid(kvm);

	close(kvm);
	return failures ? 1 : 0;
}
