// SPDX-License-Identifier: GPL-2.0
/*
 * The live host reader (live_host.h): the files and instructions behind
 * each fact, and the printer that says where each one came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "kvmlib.h"
#include "live_host.h"
#include "names.h"

const char *const kmc_src_names[KMC_SRC_NR] = {
	[KMC_SRC_UNKNOWN] = "unknown",
	[KMC_SRC_CPUID] = "cpuid",
	[KMC_SRC_KMOD] = "kmod",
	[KMC_SRC_MSR] = "msr",
	[KMC_SRC_PROCFS] = "procfs",
	[KMC_SRC_SYSFS] = "sysfs",
	[KMC_SRC_UNAME] = "uname",
	[KMC_SRC_DEFAULT] = "default",
	[KMC_SRC_NA] = "n/a",
};

const char *const kmc_fact_names[KMC_FACT_NR] = {
	[KMC_FACT_CPU] = "cpu",
	[KMC_FACT_CPUID] = "cpuid",
	[KMC_FACT_ARCH_CAP] = "arch_cap",
	[KMC_FACT_MCU_OPT_CTRL] = "mcu_opt_ctrl",
	[KMC_FACT_BUGS] = "bugs",
	[KMC_FACT_FLAGS] = "flags",
	[KMC_FACT_KERNEL] = "kernel",
	[KMC_FACT_CMDLINE] = "cmdline",
	[KMC_FACT_SMT] = "smt",
	[KMC_FACT_IGNORE_MSRS] = "ignore_msrs",
	[KMC_FACT_L1D_FLUSH] = "vmentry_l1d_flush",
	[KMC_FACT_EPT] = "ept",
	[KMC_FACT_HOST_STATE] = "host_state",
	[KMC_FACT_L1TF_VMX] = "l1tf_vmx",
	[KMC_FACT_SYSFS] = "sysfs",
};

#define MAXFILE (1 << 20)

struct rd {
	const struct kmc_live_paths *p;
	struct kmc_live_host *lh;
};

static void path_of(const struct rd *rd, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", rd->p->root ? rd->p->root : "", rel);
}

/* A whole (small) file, NUL-terminated, malloc'd; NULL with errno */
static char *slurp(const char *path)
{
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (!buf || fd < 0) {
		err = fd < 0 ? errno : ENOMEM;
		free(buf);
		if (fd >= 0)
			close(fd);
		errno = err;
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (used + 1 == cap) {
			char *nb = cap < MAXFILE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				close(fd);
				errno = cap < MAXFILE ? ENOMEM : EFBIG;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (!n)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	return buf;
}

static void set_src(struct kmc_live_host *lh, enum kmc_fact f, enum kmc_src s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set_src(struct kmc_live_host *lh, enum kmc_fact f, enum kmc_src s, const char *fmt, ...)
{
	va_list ap;

	lh->src[f].src = (uint8_t)s;
	va_start(ap, fmt);
	vsnprintf(lh->src[f].note, sizeof(lh->src[f].note), fmt, ap);
	va_end(ap);
}

/* One MSR of cpu 0 through the msr module: 0, or -errno */
static int read_msr(const struct rd *rd, uint32_t index, uint64_t *val)
{
	char path[512];
	int fd, err;
	ssize_t n;

	path_of(rd, "/dev/cpu/0/msr", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, val, sizeof(*val), index);
	err = errno;
	close(fd);
	if (n == (ssize_t)sizeof(*val))
		return 0;
	return n < 0 ? -err : -EIO;
}

static void read_kernel(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	struct utsname u;

	if (uname(&u)) {
		set_src(lh, KMC_FACT_KERNEL, KMC_SRC_UNKNOWN, "uname: %s", strerror(errno));
		return;
	}
	snprintf(lh->release, sizeof(lh->release), "%s", u.release);
	snprintf(lh->version, sizeof(lh->version), "%s", u.version);
	lh->profile = kmc_profile_for_uname(lh->release, lh->version, lh->profile_warn,
					    sizeof(lh->profile_warn));
	set_src(lh, KMC_FACT_KERNEL, KMC_SRC_UNAME, "uname -r %s, uname -v %s", u.release, u.version);
}

static void read_cpuinfo(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	char path[512], *text;

	path_of(rd, "/proc/cpuinfo", path, sizeof(path));
	lh->flags_visible = kmc_cpuinfo_visible();
	text = slurp(path);
	if (!text) {
		set_src(lh, KMC_FACT_BUGS, KMC_SRC_UNKNOWN, "%s: %s", path, strerror(errno));
		lh->src[KMC_FACT_FLAGS] = lh->src[KMC_FACT_BUGS];
		return;
	}
	if (kmc_parse_cpuinfo(text, &lh->bugs, &lh->flags, lh->unknown_bugs,
			      sizeof(lh->unknown_bugs))) {
		set_src(lh, KMC_FACT_BUGS, KMC_SRC_UNKNOWN, "%s: no bugs or flags line", path);
		lh->src[KMC_FACT_FLAGS] = lh->src[KMC_FACT_BUGS];
	} else {
		set_src(lh, KMC_FACT_BUGS, KMC_SRC_PROCFS, "%s, processor 0%s%s", path,
			*lh->unknown_bugs ? "; names kmc does not model: " : "", lh->unknown_bugs);
		set_src(lh, KMC_FACT_FLAGS, KMC_SRC_PROCFS,
			"%s, processor 0 (only the features it prints)", path);
	}
	free(text);
}

static void read_cmdline(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	char path[512], note[160], *text;

	path_of(rd, "/proc/cmdline", path, sizeof(path));
	text = slurp(path);
	if (!text) {
		set_src(lh, KMC_FACT_CMDLINE, KMC_SRC_UNKNOWN, "%s: %s (defaults assumed)", path,
			strerror(errno));
		return;
	}
	kmc_parse_cmdline(text, *lh->release ? lh->release : NULL, &lh->host, note, sizeof(note));
	set_src(lh, KMC_FACT_CMDLINE, KMC_SRC_PROCFS, "%s: %s", path,
		*note ? note : "no option kmc models");
	free(text);
}

static void read_kmod(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	char path[512], *text;

	if (rd->p->kmc_dev)
		snprintf(path, sizeof(path), "%s", rd->p->kmc_dev);
	else
		path_of(rd, "/dev/kmc", path, sizeof(path));
	text = slurp(path);
	if (!text) {
		set_src(lh, KMC_FACT_HOST_STATE, KMC_SRC_UNKNOWN, "%s: %s (kmod not loaded?)", path,
			strerror(errno));
		return;
	}
	if (strncmp(text, "kmc.format 1\n", 13)) {
		set_src(lh, KMC_FACT_HOST_STATE, KMC_SRC_UNKNOWN, "%s: not kmc.format 1", path);
		free(text);
		return;
	}
	lh->kmod = 1;
	for (char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		kmc_parse_kmod_fact(l, lh);
	set_src(lh, KMC_FACT_HOST_STATE, lh->host_state_known ? KMC_SRC_KMOD : KMC_SRC_UNKNOWN,
		"%s (known: 0x%x)", path, lh->host_state_known);
	free(text);
}

static void read_arch_cap(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	struct kmc_host *h = &lh->host;
	uint64_t v;
	int ret;

	if (!(h->cpuid & KMC_F(ARCH_CAPABILITIES))) {
		h->arch_cap = 0;
		lh->arch_cap_known = 1;
		set_src(lh, KMC_FACT_ARCH_CAP, KMC_SRC_NA,
			"CPUID.7.0:EDX[29] = 0: no ARCH_CAPABILITIES, the kernel never reads MSR 0x10a");
		return;
	}
	if (lh->arch_cap_known == 2) {	/* the kmod gave it */
		lh->arch_cap_known = 1;
		set_src(lh, KMC_FACT_ARCH_CAP, KMC_SRC_KMOD, "/dev/kmc msr.cpu0.0x10a");
		return;
	}
	ret = read_msr(rd, 0x10a, &v);
	if (!ret) {
		h->arch_cap = v;
		lh->arch_cap_known = 1;
		set_src(lh, KMC_FACT_ARCH_CAP, KMC_SRC_MSR, "/dev/cpu/0/msr");
		return;
	}
	h->arch_cap = 0;
	lh->arch_cap_known = 0;
	set_src(lh, KMC_FACT_ARCH_CAP, KMC_SRC_UNKNOWN,
		"/dev/kmc not loaded and /dev/cpu/0/msr: %s (modprobe msr): the bits KVM passes through are unknown",
		strerror(-ret));
}

static void read_mcu_opt_ctrl(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	struct kmc_host *h = &lh->host;
	uint64_t v;
	int ret;

	if (!(h->arch_cap & KMC_AC_GDS_CTRL)) {
		h->mcu_opt_ctrl = 0;
		set_src(lh, KMC_FACT_MCU_OPT_CTRL, KMC_SRC_NA,
			"no GDS_CTRL in 0x10a: the kernel does not read MSR 0x123");
		return;
	}
	if (lh->src[KMC_FACT_MCU_OPT_CTRL].src == KMC_SRC_KMOD) {
		set_src(lh, KMC_FACT_MCU_OPT_CTRL, KMC_SRC_KMOD, "/dev/kmc msr.cpu0.0x123");
		return;
	}
	ret = read_msr(rd, 0x123, &v);
	if (!ret) {
		h->mcu_opt_ctrl = v;
		set_src(lh, KMC_FACT_MCU_OPT_CTRL, KMC_SRC_MSR, "/dev/cpu/0/msr");
		return;
	}
	h->mcu_opt_ctrl = 0;
	set_src(lh, KMC_FACT_MCU_OPT_CTRL, KMC_SRC_UNKNOWN,
		"/dev/cpu/0/msr: %s: GDS_MITG_LOCKED assumed clear", strerror(-ret));
}

/* A module parameter's text, or NULL */
static char *param(const struct rd *rd, const char *mod, const char *name, char *path, size_t len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "/sys/module/%s/parameters/%s", mod, name);
	path_of(rd, rel, path, len);
	return slurp(path);
}

static void read_params(struct rd *rd, const char *cmdline_note)
{
	struct kmc_live_host *lh = rd->lh;
	struct kmc_host *h = &lh->host;
	char path[512], *t;
	int b;

	t = param(rd, "kvm", "ignore_msrs", path, sizeof(path));
	if (t && (b = kmc_parse_param_bool(t)) >= 0) {
		h->ignore_msrs = (uint8_t)b;
		set_src(lh, KMC_FACT_IGNORE_MSRS, KMC_SRC_SYSFS, "%s", path);
	} else {
		set_src(lh, KMC_FACT_IGNORE_MSRS, KMC_SRC_DEFAULT, "%s: %s", path,
			t ? "not Y/N" : strerror(errno));
	}
	free(t);

	/* the parameter as set; its sysfs file shows the resulting state instead */
	if (strstr(cmdline_note, "kvm_intel.vmentry_l1d_flush="))
		set_src(lh, KMC_FACT_L1D_FLUSH, KMC_SRC_PROCFS, "/proc/cmdline");
	else
		set_src(lh, KMC_FACT_L1D_FLUSH, KMC_SRC_DEFAULT,
			"not on the command line: auto (the sysfs file shows the resulting l1tf_vmx, not the setting)");

	t = param(rd, "kvm_intel", "ept", path, sizeof(path));
	if (t && (b = kmc_parse_param_bool(t)) >= 0) {
		h->ept = (uint8_t)b;
		set_src(lh, KMC_FACT_EPT, KMC_SRC_SYSFS, "%s", path);
	} else if (strstr(cmdline_note, "kvm_intel.ept=")) {
		set_src(lh, KMC_FACT_EPT, KMC_SRC_PROCFS, "/proc/cmdline");
	} else {
		set_src(lh, KMC_FACT_EPT, KMC_SRC_DEFAULT, "%s: %s (default 1)", path,
			t ? "not Y/N" : strerror(errno));
	}
	free(t);

	/* the observation l1tf_vmx: kmod, kvm_intel's parameter file, or SVM's unchanged default */
	if (lh->src[KMC_FACT_L1TF_VMX].src == KMC_SRC_KMOD)
		return;
	t = param(rd, "kvm_intel", "vmentry_l1d_flush", path, sizeof(path));
	if (t && (b = kmc_parse_l1tf_vmx(t)) >= 0) {
		lh->l1tf_vmx = b;
		set_src(lh, KMC_FACT_L1TF_VMX, KMC_SRC_SYSFS, "%s", path);
	} else if (*lh->vendor_module && strcmp(lh->vendor_module, "kvm_intel")) {
		/* kvm_amd, or another KVM such as kvm_pvm: only kvm_intel assigns it */
		lh->l1tf_vmx = KMC_L1TF_VMX_AUTO;
		set_src(lh, KMC_FACT_L1TF_VMX, KMC_SRC_DEFAULT,
			"%s loaded, kvm_intel not: l1tf_vmx_mitigation keeps its initial value, auto (docs/kmod.md)",
			lh->vendor_module);
	} else {
		lh->l1tf_vmx = -1;
		set_src(lh, KMC_FACT_L1TF_VMX, KMC_SRC_UNKNOWN, "%s: %s", path,
			t ? "not a known state" : strerror(errno));
	}
	free(t);
}

static void read_smt(struct rd *rd)
{
	struct kmc_live_host *lh = rd->lh;
	char path[512], *t;

	path_of(rd, "/sys/devices/system/cpu/smt/active", path, sizeof(path));
	t = slurp(path);
	if (t && (t[0] == '0' || t[0] == '1')) {
		lh->host.smt = t[0] == '1';
		set_src(lh, KMC_FACT_SMT, KMC_SRC_SYSFS, "%s", path);
	} else {
		lh->host.smt = 1;
		set_src(lh, KMC_FACT_SMT, KMC_SRC_DEFAULT, "%s: %s (assumed active)", path,
			t ? "not 0/1" : strerror(errno));
	}
	free(t);
}

static void read_sysfs(struct rd *rd)
{
	static const char *const files[3] = { "mds", "tsx_async_abort", "mmio_stale_data" };
	struct kmc_live_host *lh = rd->lh;
	char *dst[3] = { lh->sysfs_mds, lh->sysfs_taa, lh->sysfs_mmio };
	char path[512], rel[128];
	int ok = 1;

	for (int i = 0; i < 3; i++) {
		char *t;

		snprintf(rel, sizeof(rel), "/sys/devices/system/cpu/vulnerabilities/%s", files[i]);
		path_of(rd, rel, path, sizeof(path));
		t = slurp(path);
		if (!t) {
			ok = 0;
			snprintf(dst[i], KMC_SYSFS_MAX, "(%s)", strerror(errno));
			continue;
		}
		t[strcspn(t, "\n")] = '\0';
		snprintf(dst[i], KMC_SYSFS_MAX, "%s", t);
		free(t);
	}
	lh->sysfs_ok = ok;
	path_of(rd, "/sys/devices/system/cpu/vulnerabilities/", path, sizeof(path));
	set_src(lh, KMC_FACT_SYSFS, ok ? KMC_SRC_SYSFS : KMC_SRC_UNKNOWN, "%s%s", path,
		ok ? "" : " (a file is missing)");
}

int kmc_live_host_read(struct kmc_live_host *lh, const struct kmc_live_paths *paths,
		       char *msg, size_t len)
{
	static const struct kmc_live_paths none;
	struct rd rd = { paths ? paths : &none, lh };
	const struct kmc_cpu blank = { .name = "", .desc = "" };
	struct kmc_host given = lh->host;
	char root[512];

	(void)msg;
	(void)len;
	memset(lh, 0, sizeof(*lh));
	lh->l1tf_vmx = -1;
	kmc_host_from_cpu(&lh->host, &blank);	/* defaults: tsx default, smt, ept */
	if (rd.p->no_cpuid) {
		lh->host.vendor = given.vendor;
		lh->host.family = given.family;
		lh->host.model = given.model;
		lh->host.stepping = given.stepping;
		lh->host.core_type = given.core_type;
		lh->host.cpuid = given.cpuid;
		set_src(lh, KMC_FACT_CPU, KMC_SRC_DEFAULT, "given by the caller (no cpuid)");
	} else {
		kmc_live_cpuid(&lh->host);
		set_src(lh, KMC_FACT_CPU, KMC_SRC_CPUID, "leaves 0, 1, 0x1a");
	}
	lh->src[KMC_FACT_CPUID] = lh->src[KMC_FACT_CPU];
	if (!rd.p->no_cpuid)
		set_src(lh, KMC_FACT_CPUID, KMC_SRC_CPUID, "the leaves of kmc_feat_loc[] (kmc names features)");
	path_of(&rd, "", root, sizeof(root));
	kmc_kvm_vendor_module(*root ? root : NULL, lh->vendor_module, sizeof(lh->vendor_module));
	read_kernel(&rd);
	read_cpuinfo(&rd);
	read_kmod(&rd);
	read_arch_cap(&rd);
	read_mcu_opt_ctrl(&rd);
	read_cmdline(&rd);
	read_smt(&rd);
	read_params(&rd, lh->src[KMC_FACT_CMDLINE].note);
	read_sysfs(&rd);
	return 0;
}

void kmc_live_host_facts(const struct kmc_live_host *lh,
			 void (*fact)(void *arg, const char *key, const char *value,
				      const char *source, const char *note),
			 void *arg)
{
	const struct kmc_host *h = &lh->host;
	char buf[1024];

	for (int f = 0; f < KMC_FACT_NR; f++) {
		const struct kmc_fact_src *s = &lh->src[f];

		buf[0] = '\0';
		switch (f) {
		case KMC_FACT_CPU:
			snprintf(buf, sizeof(buf), "%s family 0x%x model 0x%x stepping %u core %s",
				 kmc_name(&kmc_vendor_names, h->vendor), h->family, h->model,
				 h->stepping, kmc_core_type_name(h->core_type) ?
				 kmc_core_type_name(h->core_type) : "?");
			break;
		case KMC_FACT_CPUID:
			kmc_list_format(&kmc_feat_names, h->cpuid, buf, sizeof(buf));
			break;
		case KMC_FACT_ARCH_CAP:
			if (lh->arch_cap_known)
				snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)h->arch_cap);
			else
				snprintf(buf, sizeof(buf), "unknown");
			break;
		case KMC_FACT_MCU_OPT_CTRL:
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)h->mcu_opt_ctrl);
			break;
		case KMC_FACT_BUGS:
			kmc_list_format(&kmc_bug_names, lh->bugs, buf, sizeof(buf));
			break;
		case KMC_FACT_FLAGS:
			kmc_list_format(&kmc_feat_names, lh->flags, buf, sizeof(buf));
			break;
		case KMC_FACT_KERNEL:
			snprintf(buf, sizeof(buf), "%s -> profile %s%s%s", lh->release,
				 lh->profile ? lh->profile->name : "(none)",
				 *lh->profile_warn ? ": " : "", lh->profile_warn);
			break;
		case KMC_FACT_CMDLINE:
			snprintf(buf, sizeof(buf), "mitigations_off=%u vuln_off=0x%x tsx=%s gds=%s l1tf=%s nofsgsbase=%u",
				 h->mitigations_off, h->vuln_off,
				 kmc_name(&kmc_tsx_names, h->tsx) ? kmc_name(&kmc_tsx_names, h->tsx) : "default",
				 kmc_name(&kmc_gds_names, h->gds) ? kmc_name(&kmc_gds_names, h->gds) : "default",
				 kmc_name(&kmc_l1tf_names, h->l1tf), h->nofsgsbase);
			break;
		case KMC_FACT_SMT:
			snprintf(buf, sizeof(buf), "%u", h->smt);
			break;
		case KMC_FACT_IGNORE_MSRS:
			snprintf(buf, sizeof(buf), "%u", h->ignore_msrs);
			break;
		case KMC_FACT_L1D_FLUSH:
			snprintf(buf, sizeof(buf), "%s", kmc_name(&kmc_l1d_names, h->l1d_flush));
			break;
		case KMC_FACT_EPT:
			snprintf(buf, sizeof(buf), "%u", h->ept);
			break;
		case KMC_FACT_HOST_STATE:
			if (lh->host_state_known)
				kmc_list_format(&kmc_hs_names, lh->host_state, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "unknown");
			break;
		case KMC_FACT_L1TF_VMX:
			snprintf(buf, sizeof(buf), "%s", lh->l1tf_vmx < 0 ? "unknown" :
				 kmc_name(&kmc_l1tf_vmx_names, (unsigned int)lh->l1tf_vmx));
			break;
		case KMC_FACT_SYSFS:
			snprintf(buf, sizeof(buf), "mds \"%s\", tsx_async_abort \"%s\", mmio_stale_data \"%s\"",
				 lh->sysfs_mds, lh->sysfs_taa, lh->sysfs_mmio);
			break;
		}
		fact(arg, kmc_fact_names[f], buf, kmc_src_names[s->src], s->note);
	}
	fact(arg, "kvm_vendor_module", *lh->vendor_module ? lh->vendor_module : "(none loaded)",
	     kmc_src_names[KMC_SRC_SYSFS], "/sys/module/kvm_{intel,amd,...}");
}

struct print_arg {
	FILE *out;
	const char *prefix;
};

static void print_one(void *arg, const char *key, const char *value, const char *source,
		      const char *note)
{
	struct print_arg *p = arg;

	fprintf(p->out, "%s%s: %s [%s: %s]\n", p->prefix, key, value, source, note);
}

void kmc_live_host_print(FILE *out, const struct kmc_live_host *lh, const char *prefix)
{
	struct print_arg p = { out, prefix };

	kmc_live_host_facts(lh, print_one, &p);
}
