// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvm and its system ioctls: API version, capabilities, the feature
 * MSR list and values (KVM_GET_MSR_FEATURE_INDEX_LIST, system
 * KVM_GET_MSRS), KVM_GET_SUPPORTED_CPUID and KVM_GET_EMULATED_CPUID.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kvmlib.h"

#define CPUID_MAX_ENTRIES	256

static int vendor_of(const char *mod)
{
	return !strcmp(mod, "kvm_intel") ? KMC_KVM_INTEL : !strcmp(mod, "kvm_amd") ? KMC_KVM_AMD :
	       KMC_KVM_OTHER;
}

/* "kvm_*" entries of /sys/module that are loaded modules (initstate or holders), sorted */
static int loaded_kvm_module(const struct dirent *d)
{
	return !strncmp(d->d_name, "kvm_", 4);
}

int kmc_kvm_vendor_module(const char *sysroot, char *name, size_t len)
{
	static const char *const known[] = { "kvm_intel", "kvm_amd", "kvm_pvm", "kvm_hygon" };
	const char *root = sysroot ? sysroot : "", *env = getenv("KMC_KVM_MODULE");
	struct dirent **ents = NULL;
	char path[512];
	struct stat st;
	int n, vendor = KMC_KVM_NONE;

	snprintf(name, len, "%s", "");
	if (env && *env) {
		/* tests and the emulated lab: take this module's name as the vendor module */
		snprintf(name, len, "%s", env);
		return vendor_of(env);
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		snprintf(path, sizeof(path), "%s/sys/module/%s", root, known[i]);
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			snprintf(name, len, "%s", known[i]);
			return vendor_of(known[i]);
		}
	}
	/* another vendor module kmc has not met: as harness/lab/run-labs.sh finds it */
	snprintf(path, sizeof(path), "%s/sys/module", root);
	n = scandir(path, &ents, loaded_kvm_module, alphasort);
	for (int i = 0; i < n; i++) {
		char p1[1024], p2[1024];

		snprintf(p1, sizeof(p1), "%s/%s/initstate", path, ents[i]->d_name);
		snprintf(p2, sizeof(p2), "%s/%s/holders", path, ents[i]->d_name);
		if (vendor == KMC_KVM_NONE && (!stat(p1, &st) || !stat(p2, &st))) {
			snprintf(name, len, "%s", ents[i]->d_name);
			vendor = KMC_KVM_OTHER;
		}
		free(ents[i]);
	}
	free(ents);
	return vendor;
}

static int fail(char *msg, size_t len, int err, const char *what)
{
	snprintf(msg, len, "%s: %s", what, strerror(err));
	return -err;
}

/* KVM_GET_MSR_FEATURE_INDEX_LIST: size query (E2BIG), then the list */
static int read_feature_list(struct kmc_kvm *k, char *msg, size_t len)
{
	struct kvm_msr_list probe = { .nmsrs = 0 }, *list;
	int err;

	if (!ioctl(k->fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe)) {
		k->nfeature_msrs = 0;
		return 0;
	}
	if (errno != E2BIG)
		return fail(msg, len, errno, "KVM_GET_MSR_FEATURE_INDEX_LIST");
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(list->indices[0]));
	if (!list)
		return fail(msg, len, ENOMEM, "KVM_GET_MSR_FEATURE_INDEX_LIST");
	list->nmsrs = probe.nmsrs;
	if (ioctl(k->fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list)) {
		err = errno;
		free(list);
		return fail(msg, len, err, "KVM_GET_MSR_FEATURE_INDEX_LIST");
	}
	k->feature_msrs = malloc(list->nmsrs * sizeof(uint32_t));
	if (!k->feature_msrs) {
		free(list);
		return fail(msg, len, ENOMEM, "KVM_GET_MSR_FEATURE_INDEX_LIST");
	}
	memcpy(k->feature_msrs, list->indices, list->nmsrs * sizeof(uint32_t));
	k->nfeature_msrs = list->nmsrs;
	free(list);
	return 0;
}

static int read_cpuid(struct kmc_kvm *k, unsigned long req, const char *name,
		      struct kvm_cpuid2 **out, char *msg, size_t len)
{
	struct kvm_cpuid2 *t;
	unsigned int n = CPUID_MAX_ENTRIES;

	for (;;) {
		t = calloc(1, sizeof(*t) + n * sizeof(t->entries[0]));
		if (!t)
			return fail(msg, len, ENOMEM, name);
		t->nent = n;
		if (!ioctl(k->fd, req, t))
			break;
		free(t);
		if (errno != E2BIG || n >= 4096)
			return fail(msg, len, errno, name);
		n *= 2;
	}
	*out = t;
	return 0;
}

int kmc_kvm_open(struct kmc_kvm *k, const char *path, char *msg, size_t len)
{
	const char *p = path ? path : "/dev/kvm";
	int ret;

	memset(k, 0, sizeof(*k));
	k->fd = open(p, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		int err = errno;

		if (err == EACCES || err == EPERM)
			snprintf(msg, len, "%s: %s (kmc needs read-write access: root, or a member of the group owning %s)",
				 p, strerror(err), p);
		else
			snprintf(msg, len, "%s: %s", p, strerror(err));
		k->fd = -1;
		return -err;
	}
	k->vendor = kmc_kvm_vendor_module(NULL, k->vendor_mod, sizeof(k->vendor_mod));
	k->api = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (k->api < 0)
		return fail(msg, len, errno, "KVM_GET_API_VERSION");
	if (k->api != KVM_API_VERSION) {
		snprintf(msg, len, "KVM_GET_API_VERSION: %d, kmc knows %d", k->api, KVM_API_VERSION);
		return -EPROTO;
	}
	k->vcpu_mmap_size = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (k->vcpu_mmap_size < (int)sizeof(struct kvm_run))
		return fail(msg, len, k->vcpu_mmap_size < 0 ? errno : EPROTO, "KVM_GET_VCPU_MMAP_SIZE");
	k->cap_msr_features = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES);
	k->cap_user_space_msr = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_USER_SPACE_MSR);
	k->cap_msr_filter = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_MSR_FILTER);
	k->cap_disable_quirks2 = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);
	k->cap_disable_quirks = ioctl(k->fd, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS);
	if (k->cap_msr_features < 0 || k->cap_user_space_msr < 0 || k->cap_msr_filter < 0 ||
	    k->cap_disable_quirks2 < 0 || k->cap_disable_quirks < 0)
		return fail(msg, len, errno, "KVM_CHECK_EXTENSION");
	if (k->cap_msr_features > 0) {
		ret = read_feature_list(k, msg, len);
		if (ret)
			return ret;
	}
	ret = read_cpuid(k, KVM_GET_SUPPORTED_CPUID, "KVM_GET_SUPPORTED_CPUID", &k->supported,
			 msg, len);
	if (ret)
		return ret;
	return read_cpuid(k, KVM_GET_EMULATED_CPUID, "KVM_GET_EMULATED_CPUID", &k->emulated,
			  msg, len);
}

void kmc_kvm_close(struct kmc_kvm *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->feature_msrs);
	free(k->supported);
	free(k->emulated);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

int kmc_kvm_has_feature_msr(const struct kmc_kvm *k, uint32_t index)
{
	for (uint32_t i = 0; i < k->nfeature_msrs; i++)
		if (k->feature_msrs[i] == index)
			return 1;
	return 0;
}

int kmc_kvm_feature_msr(const struct kmc_kvm *k, uint32_t index, uint64_t *val,
			char *msg, size_t len)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m;
	int n;

	if (!kmc_kvm_has_feature_msr(k, index)) {
		snprintf(msg, len, "KVM_GET_MSR_FEATURE_INDEX_LIST: MSR 0x%x is not listed (%u feature MSRs)",
			 index, k->nfeature_msrs);
		return -ENOENT;
	}
	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = 1;
	m.e.index = index;
	n = ioctl(k->fd, KVM_GET_MSRS, &m);
	if (n < 0)
		return fail(msg, len, errno, "KVM_GET_MSRS (system)");
	if (n != 1) {
		snprintf(msg, len, "KVM_GET_MSRS (system): MSR 0x%x: %d entries processed, expected 1",
			 index, n);
		return -EIO;
	}
	*val = m.e.data;
	return 0;
}

uint32_t kmc_kvm_quirks_offered(const struct kmc_kvm *k, uint32_t *cap)
{
	if (k->cap_disable_quirks2 > 0) {
		*cap = KVM_CAP_DISABLE_QUIRKS2;
		return (uint32_t)k->cap_disable_quirks2;
	}
	/* the older form sets disabled_quirks = args[0] (5.10 x86.c l.5374) */
	if (k->cap_disable_quirks > 0) {
		*cap = KVM_CAP_DISABLE_QUIRKS;
		return KMC_KVM_QUIRKS_V1;
	}
	*cap = 0;
	return 0;
}

const char *kmc_kvm_quirks_str(const struct kmc_kvm *k, char *buf, size_t len)
{
	uint32_t cap, q = kmc_kvm_quirks_offered(k, &cap);

	if (cap == KVM_CAP_DISABLE_QUIRKS)
		snprintf(buf, len, "no KVM_CAP_DISABLE_QUIRKS2; KVM_CAP_DISABLE_QUIRKS, taken to know 0x%x", q);
	else
		snprintf(buf, len, "KVM_CHECK_EXTENSION(KVM_CAP_DISABLE_QUIRKS2) = 0x%x", q);
	return buf;
}
