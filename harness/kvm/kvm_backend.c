// SPDX-License-Identifier: GPL-2.0
/*
 * `kmc-run --backend kvm`: the machine's own KVM, observed through
 * /dev/kvm and kmc's guest program, for `host live` vectors.  kmc-run asks
 * live() for this machine's host and profile and lets the model fill in
 * the expectations (docs/kvm-backend.md); eval() makes the observations.
 *
 * Without a usable /dev/kvm every vector is a SKIP naming the reason
 * (kmc-run then exits 4).  Vectors pinned to a catalog CPU are SKIPs too:
 * only the machine itself can be observed here.  A KVM whose vendor module
 * is neither kvm_intel nor kvm_amd (kvm_pvm) answers what it can: the
 * system ioctls always, VMs and the guest program as far as a probe at
 * open showed they work (kvm_other.c); the rest is a SKIP with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "backend.h"
#include "kvm_mark.h"
#include "kvm_other.h"
#include "kvmlib.h"
#include "live_host.h"
#include "names.h"
#include "vmxwatch.h"

#define MSGLEN 600
#define PARAM_IGNORE_MSRS "/sys/module/kvm/parameters/ignore_msrs"

/* Bits of KVM's 0x10a that depend on the host's raw value (kernel-facts C.2) */
#define PASSTHROUGH_AC \
	(KMC_AC_RDCL_NO | KMC_AC_IBRS_ALL | KMC_AC_RSBA | KMC_AC_SKIP_VMENTRY_L1DFLUSH | \
	 KMC_AC_SSB_NO | KMC_AC_MDS_NO | KMC_AC_TSX_CTRL_MSR | KMC_AC_TAA_NO | \
	 KMC_AC_SBDR_SSDP_NO | KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO | KMC_AC_FB_CLEAR | \
	 KMC_AC_RRSBA | KMC_AC_BHI_NO | KMC_AC_PBRSB_NO | KMC_AC_GDS_NO | KMC_AC_RFDS_NO | \
	 KMC_AC_RFDS_CLEAR | KMC_AC_ITS_NO)

#define KEYBIT(k) (1u << (k))

struct kctx {
	int usable;			/* 0: every vector is skipped for @why */
	char why[MSGLEN];
	struct kmc_kvm k;
	struct kmc_live_host lh;
	int feature_err;		/* system KVM_GET_MSRS(0x10a) failed (feature_msg) */
	uint64_t feature;
	char feature_msg[256];
	uint64_t kvm_cpuid, kvm_emul_cpuid;
	int write_params;		/* KMC_KVM_WRITE_PARAMS=1: may set kvm.ignore_msrs */
	int trace;			/* KMC_KVM_TRACE=1: every observation on stderr */
	char this_host[300];
	char vm_note[160];		/* the last VM's setup note */
	/* another KVM: neither kvm_intel nor kvm_amd (docs/kvm-backend.md "Another KVM") */
	int other;
	struct kmc_kvm_probe probe;	/* what it can do, probed once at open */
	struct kmc_other oth;		/* for kmc_other_skip() */
	int model_l1tf_never;		/* the model's l1tf_vmx here is never (kvm_intel assumed) */
	/* VMX: kmc.ko's vmx watch (docs/kvm-backend.md "VMX: the vmx watch") */
	int vmx;			/* KVM is kvm_intel */
	int watch_ok;			/* the watch could be armed: observe through it */
	int watch_armed;		/* a watch of ours is armed now (unwatch at close) */
	char watch_why[2 * MSGLEN];	/* why not (the SKIP reason) */
	const char *kmc_dev;		/* KMC_KMC_DEV, else /dev/kmc */
	uint32_t vmx_offset;		/* OFFSET of "watch 0 OFFSET" */
	char vmx_offset_src[400];	/* where it came from */
	char watch_cmd[64];
	struct kmc_mark mark;		/* KMC_KVM_MARK_MSR/_LOG (kvm_mark.c) */
	/* costs, for KMC_KVM_TRACE=1 */
	unsigned int nvectors, nvms, nwatch;
	double vm_create_s, vm_total_s, watch_s;
};

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- open --------------------------------------------------------------- */

static int unusable(struct kctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int unusable(struct kctx *c, const char *fmt, ...)
{
	va_list ap;

	c->usable = 0;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- VMX: the vmx watch ---------------------------------------------------- */

/* (Re-)arm "watch 0 OFFSET": kmc.ko clears its vCPU table, so the next VM is vm0 */
static int watch_arm(struct kctx *c, char *msg, size_t len)
{
	double t0 = seconds();
	int ret = kmc_dev_cmd(c->kmc_dev, c->watch_cmd, msg, len);

	c->watch_s += seconds() - t0;
	c->nwatch++;
	if (!ret)
		c->watch_armed = 1;
	return ret;
}

/* The OFFSET, kmc.ko's agreement with this kernel, and a first watch; else watch_why */
static void watch_setup(struct kctx *c)
{
	const char *env = getenv("KMC_VMX_OFFSET");
	struct kmc_dev_facts *f = malloc(sizeof(*f));
	char msg[MSGLEN], src[300];
	struct kmc_btf_vmx l;
	int ret;

	if (!f) {
		snprintf(c->watch_why, sizeof(c->watch_why), "out of memory");
		return;
	}
	ret = kmc_dev_read(c->kmc_dev, f, msg, sizeof(msg));
	if (ret) {
		snprintf(c->watch_why, sizeof(c->watch_why), "%s (kmc.ko not loaded? docs/kmod.md)", msg);
		goto out;
	}
	if (env && *env) {
		uint64_t x;

		if (kmc_parse_u64(env, &x) || !x || x >= 65536) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "KMC_VMX_OFFSET='%s': not a byte offset below 64 KiB", env);
			goto out;
		}
		c->vmx_offset = (uint32_t)x;
		snprintf(c->vmx_offset_src, sizeof(c->vmx_offset_src),
			 "KMC_VMX_OFFSET (the BTF was not read)");
	} else {
		ret = kmc_vmx_layout_files(getenv("KMC_BTF_VMLINUX"), getenv("KMC_BTF_KVM_INTEL"), &l,
					   src, sizeof(src), msg, sizeof(msg));
		if (ret) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "the offset of vcpu_vmx.disable_fb_clear: %s (KMC_VMX_OFFSET overrides)", msg);
			goto out;
		}
		if (f->min_offset >= 0 && f->min_offset != (int64_t)l.kvm_vcpu_size) {
			snprintf(c->watch_why, sizeof(c->watch_why),
				 "kmc.ko's vmx.min_offset 0x%llx (the sizeof(struct kvm_vcpu) it was built with) is not this kernel's 0x%x (%s): kmc.ko was built for another kernel",
				 (unsigned long long)f->min_offset, l.kvm_vcpu_size, src);
			goto out;
		}
		c->vmx_offset = l.offset;
		snprintf(c->vmx_offset_src, sizeof(c->vmx_offset_src),
			 "%s: vcpu_vmx.disable_fb_clear at byte 0x%x, vcpu at 0x%x, sizeof(struct kvm_vcpu) 0x%x",
			 src, l.field_off, l.vcpu_off, l.kvm_vcpu_size);
	}
	snprintf(c->watch_cmd, sizeof(c->watch_cmd), "watch 0 0x%x", c->vmx_offset);
	ret = watch_arm(c, msg, sizeof(msg));
	if (ret) {
		snprintf(c->watch_why, sizeof(c->watch_why), "%s", msg);
		goto out;
	}
	c->watch_ok = 1;
out:
	free(f);
}

static void watch_close(struct kctx *c)
{
	char msg[MSGLEN];

	if (c->watch_armed && kmc_dev_cmd(c->kmc_dev, "unwatch", msg, sizeof(msg)))
		fprintf(stderr, "kmc-run: kvm: %s\n", msg);
	c->watch_armed = 0;
}

/* Another KVM: probe it once; what the model assumes of this CPU's KVM */
static void other_setup(struct kctx *c)
{
	struct kmc_scenario sc = { .host = c->lh.host };
	struct kmc_obs *o = malloc(sizeof(*o));

	kmc_kvm_probe(&c->k, &c->probe);
	c->oth.module = c->k.vendor_mod;
	c->oth.k = &c->k;
	c->oth.probe = &c->probe;
	c->oth.feature_err = c->feature_err ? c->feature_msg : NULL;
	c->oth.vmx_cpu = c->lh.host.vendor != KMC_VENDOR_AMD && c->lh.host.vendor != KMC_VENDOR_HYGON;
	/* kvm_intel's l1tf_vmx_mitigation = never clears SKIP_VMENTRY_L1DFLUSH; kvm_intel is not here */
	if (o && c->oth.vmx_cpu && !kmc_model_eval(c->lh.profile, &sc, o))
		c->model_l1tf_never = o->l1tf_vmx == KMC_L1TF_VMX_NEVER;
	free(o);
	if (c->trace) {
		char buf[2000];

		kmc_kvm_probe_format(&c->probe, buf, sizeof(buf));
		fprintf(stderr, "kvm: %s: probe: %s\n", c->k.vendor_mod, buf);
	}
}

static int kvm_open(void **ctx, char *msg, size_t len)
{
	struct kctx *c = calloc(1, sizeof(*c));
	const struct kmc_host *h;
	int amd_like, ret;
	char err[MSGLEN];

	if (!c) {
		snprintf(msg, len, "out of memory");
		return -ENOMEM;
	}
	*ctx = c;
	c->k.fd = -1;
	c->write_params = getenv("KMC_KVM_WRITE_PARAMS") && !strcmp(getenv("KMC_KVM_WRITE_PARAMS"), "1");
	c->trace = getenv("KMC_KVM_TRACE") && !strcmp(getenv("KMC_KVM_TRACE"), "1");
	c->kmc_dev = getenv("KMC_KMC_DEV") && *getenv("KMC_KMC_DEV") ? getenv("KMC_KMC_DEV") : KMC_DEV_PATH;
	{
		struct kmc_live_paths paths = { .kmc_dev = c->kmc_dev };

		ret = kmc_live_host_read(&c->lh, &paths, err, sizeof(err));
	}
	if (ret) {
		snprintf(msg, len, "reading the live host: %s", err);
		return ret;
	}
	h = &c->lh.host;
	snprintf(c->this_host, sizeof(c->this_host), "%s family 0x%x model 0x%x stepping %u, kernel %s",
		 kmc_name(&kmc_vendor_names, h->vendor), h->family, h->model, h->stepping,
		 c->lh.release);
	c->usable = 1;
	ret = kmc_kvm_open(&c->k, getenv("KMC_KVM_DEV"), err, sizeof(err));
	if (ret)
		return unusable(c, "%s", err);
	amd_like = h->vendor == KMC_VENDOR_AMD || h->vendor == KMC_VENDOR_HYGON;
	c->other = c->k.vendor != KMC_KVM_INTEL && c->k.vendor != KMC_KVM_AMD;
	if (!c->other && amd_like != (c->k.vendor == KMC_KVM_AMD))
		return unusable(c, "KVM's vendor module %s does not go with this %s CPU", c->k.vendor_mod,
				kmc_name(&kmc_vendor_names, h->vendor));
	if (!c->lh.profile)
		return unusable(c, "no kernel profile for this kernel: %s", c->lh.profile_warn);
	c->feature_err = kmc_kvm_feature_msr(&c->k, KMC_MSR_ARCH_CAPABILITIES, &c->feature,
					     c->feature_msg, sizeof(c->feature_msg));
	c->kvm_cpuid = kmc_cpuid_features(c->k.supported) & KMC_KVM_CPUID_MASK;
	c->kvm_emul_cpuid = kmc_cpuid_features(c->k.emulated) & KMC_KVM_CPUID_MASK;
	c->vmx = c->k.vendor == KMC_KVM_INTEL;
	if (c->vmx)
		watch_setup(c);
	if (c->other)
		other_setup(c);
	ret = kmc_mark_open(&c->mark, err, sizeof(err));
	if (ret)
		return unusable(c, "%s", err);
	return 0;
}

static void kvm_close(void *ctx)
{
	struct kctx *c = ctx;

	if (!c)
		return;
	if (c->trace && c->nvectors)
		fprintf(stderr, "kvm: %u vectors observed, %u VMs: %.3f s creating them (VM, irqchip, caps, memory, vCPUs), %.3f s in them in all\n",
			c->nvectors, c->nvms, c->vm_create_s, c->vm_total_s);
	if (c->trace && c->nwatch)
		fprintf(stderr, "kvm: vmx watch: %u times '%s', %.3f s\n", c->nwatch, c->watch_cmd,
			c->watch_s);
	kmc_mark_close(&c->mark);
	watch_close(c);
	kmc_kvm_close(&c->k);
	free(c);
}

/* ---- facts --------------------------------------------------------------- */

/* What the model predicts for this host, before any vector (also when KVM is not usable) */
static void model_facts(struct kctx *c, void (*fact)(void *arg, const char *key, const char *value,
						     const char *source, const char *note),
			void *arg)
{
	struct kmc_scenario sc = { .host = c->lh.host };
	struct kmc_obs *o = malloc(sizeof(*o));
	char buf[1024], names[600], note[900];

	if (!o || !c->lh.profile || kmc_model_eval(c->lh.profile, &sc, o)) {
		free(o);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->kvm_arch_cap);
	kmc_list_format(&kmc_ac_names, o->kvm_arch_cap, names, sizeof(names));
	snprintf(note, sizeof(note), "profile %s on the host above: %s", c->lh.profile->name, names);
	fact(arg, "model.kvm.arch_cap", buf, "model", note);
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->vcpu_arch_cap);
	kmc_list_format(&kmc_ac_names, o->vcpu_arch_cap, names, sizeof(names));
	snprintf(note, sizeof(note), "profile %s, a new vCPU with default quirks, read after KVM_SET_CPUID2 with the bit (live.vcpu.default): %s",
		 c->lh.profile->name, names);
	fact(arg, "model.vcpu.arch_cap", buf, "model", note);
	kmc_list_format(&kmc_feat_names, o->kvm_cpuid, buf, sizeof(buf));
	snprintf(note, sizeof(note), "profile %s: KVM_GET_SUPPORTED_CPUID, the features kmc models",
		 c->lh.profile->name);
	fact(arg, "model.kvm.cpuid", buf, "model", note);
	kmc_list_format(&kmc_bug_names, o->bugs, buf, sizeof(buf));
	snprintf(note, sizeof(note), "profile %s on the host above", c->lh.profile->name);
	fact(arg, "model.bugs", buf, "model", note);
	free(o);
}

static void kvm_facts(void *ctx, void (*fact)(void *arg, const char *key, const char *value,
					      const char *source, const char *note),
		      void *arg)
{
	struct kctx *c = ctx;
	char buf[2000];

	kmc_live_host_facts(&c->lh, fact, arg);
	if (c->k.fd < 0 || !c->usable) {
		fact(arg, "kvm", "not usable", "/dev/kvm", c->why);
		model_facts(c, fact, arg);
		return;
	}
	snprintf(buf, sizeof(buf), "api %d, %s, %u feature MSRs, user_space_msr 0x%x, msr_filter %d, disable_quirks2 0x%x, disable_quirks %d",
		 c->k.api, *c->k.vendor_mod ? c->k.vendor_mod : "(vendor module not known)",
		 c->k.nfeature_msrs, c->k.cap_user_space_msr, c->k.cap_msr_filter,
		 c->k.cap_disable_quirks2, c->k.cap_disable_quirks);
	fact(arg, "kvm", buf, "ioctl", "KVM_GET_API_VERSION, KVM_CHECK_EXTENSION, KVM_GET_MSR_FEATURE_INDEX_LIST");
	if (c->feature_err)
		snprintf(buf, sizeof(buf), "(%s)", c->feature_msg);
	else
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)c->feature);
	fact(arg, "kvm.arch_cap", buf, "ioctl", "system KVM_GET_MSRS(0x10a)");
	if (c->vmx && c->watch_ok) {
		snprintf(buf, sizeof(buf), "armed, %s (re-armed for each vector that needs it)", c->watch_cmd);
		fact(arg, "vmx.watch", buf, "/dev/kmc", c->vmx_offset_src);
	} else if (c->vmx) {
		fact(arg, "vmx.watch", "not usable", "/dev/kmc", c->watch_why);
	}
	if (c->other) {
		char note[300];

		snprintf(buf, sizeof(buf), "%s, neither kvm_intel nor kvm_amd",
			 *c->k.vendor_mod ? c->k.vendor_mod : "a vendor module not known");
		snprintf(note, sizeof(note), "what it answers is checked against the model, whose KVM on this %s CPU is %s; the rest is a SKIP naming why (docs/kvm-backend.md \"Another KVM\")",
			 kmc_name(&kmc_vendor_names, c->lh.host.vendor),
			 c->oth.vmx_cpu ? "kvm_intel" : "kvm_amd");
		fact(arg, "kvm.other", buf, "sysfs", note);
		kmc_kvm_probe_format(&c->probe, buf, sizeof(buf));
		fact(arg, "kvm.probe", buf, "probe",
		     "once, a throwaway VM: KVM_CREATE_VM, KVM_CREATE_IRQCHIP, memory; KVM_CREATE_VCPU; KVM_SET_CPUID2; KVM_RUN of the guest program's NOP, NOP, UD2");
	}
	model_facts(c, fact, arg);
}

/* ---- live ---------------------------------------------------------------- */

static int kvm_live(void *ctx, const struct kmv_record *r, struct kmc_host *h,
		    const struct kmc_profile **p, char *why, size_t len)
{
	struct kctx *c = ctx;

	if (!c->usable) {
		snprintf(why, len, "%s", c->why);
		return KMC_BE_SKIP;
	}
	*h = c->lh.host;
	if (r->live_sets & KMV_LIVE_IGNORE_MSRS)
		h->ignore_msrs = r->sc.host.ignore_msrs;
	*p = c->lh.profile;
	return 0;
}

static uint64_t kvm_unobserved(void *ctx, const struct kmv_record *r, int key, int op,
			       char *why, size_t len)
{
	struct kctx *c = ctx;
	int ac_item = key == KMV_K_KVM_ARCH_CAP || key == KMV_K_VCPU_ARCH_CAP;

	if (op >= 0) {
		const struct kmc_op *o = &r->sc.ops[op];

		ac_item = o->index == KMC_MSR_ARCH_CAPABILITIES &&
			  (o->kind == KMC_OP_GET_MSR || o->kind == KMC_OP_RDMSR ||
			   o->kind == KMC_OP_GET_FEATURE);
	}
	if (c->other && c->model_l1tf_never && ac_item) {
		snprintf(why, len, "KVM sets it unless kvm_intel's l1tf_vmx_mitigation is never, as the model has it for kvm_intel on this CPU; %s is loaded instead",
			 c->k.vendor_mod);
		return KMC_AC_SKIP_VMENTRY_L1DFLUSH | (c->lh.arch_cap_known ? 0 : PASSTHROUGH_AC);
	}
	if (!c->lh.arch_cap_known) {
		snprintf(why, len, "the host's MSR 0x10a is unknown: %s", c->lh.src[KMC_FACT_ARCH_CAP].note);
		if (ac_item)
			return PASSTHROUGH_AC;
		if (key == KMV_K_BUGS || key == KMV_K_SYSFS_MDS || key == KMV_K_SYSFS_TAA ||
		    key == KMV_K_SYSFS_MMIO || key == KMV_K_HOST_STATE)
			return ~0ULL;
	}
	if (key == KMV_K_HOST_FLAGS && (~c->lh.flags_visible & ((1ULL << KMC_F_NR) - 1))) {
		snprintf(why, len, "/proc/cpuinfo never prints them");
		return ~c->lh.flags_visible & ((1ULL << KMC_F_NR) - 1);
	}
	if (key == KMV_K_HOST_STATE && (~c->lh.host_state_known & 0xf)) {
		snprintf(why, len, "/dev/kmc cannot tell them on this kernel");
		return ~c->lh.host_state_known & 0xf;
	}
	return 0;
}

/* ---- eval: what cannot be observed here ----------------------------------- */

static const char *host_line(const struct kmv_record *r)
{
	for (unsigned int i = 0; i < r->nbody; i++)
		if (r->body[i].kind == KMV_L_HOST && r->body[i].text)
			return r->body[i].text;
	return "host (?)";
}

/* KMC_BE_SKIP with the reason when @r asks for something this machine cannot show */
static int cannot_observe(struct kctx *c, const struct kmv_record *r, char *why, size_t len)
{
	uint32_t need = r->exp_have | r->exp_req;
	const struct kmc_live_host *lh = &c->lh;
	int vmx = c->k.vendor == KMC_KVM_INTEL;

	if ((need & KEYBIT(KMV_K_HOST_STATE)) && !lh->kmod)
		return snprintf(why, len, "expect host.state needs /dev/kmc (kmc.ko): %s",
				lh->src[KMC_FACT_HOST_STATE].note), KMC_BE_SKIP;
	if ((need & KEYBIT(KMV_K_L1TF_VMX)) && lh->l1tf_vmx < 0)
		return snprintf(why, len, "expect l1tf_vmx: %s", lh->src[KMC_FACT_L1TF_VMX].note),
		       KMC_BE_SKIP;
	if ((need & (KEYBIT(KMV_K_SYSFS_MDS) | KEYBIT(KMV_K_SYSFS_TAA) | KEYBIT(KMV_K_SYSFS_MMIO))) &&
	    !lh->sysfs_ok)
		return snprintf(why, len, "expect sysfs.*: %s", lh->src[KMC_FACT_SYSFS].note),
		       KMC_BE_SKIP;
	if ((need & (KEYBIT(KMV_K_BUGS) | KEYBIT(KMV_K_HOST_FLAGS))) &&
	    lh->src[KMC_FACT_BUGS].src != KMC_SRC_PROCFS)
		return snprintf(why, len, "expect bugs/host.flags: %s", lh->src[KMC_FACT_BUGS].note),
		       KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_CPU_CAPS))
		return snprintf(why, len, "expect cpu_caps: KVM's cpu_caps are internal; the kvm backend observes their effects through ops, not the set"),
		       KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_FINDINGS))
		return snprintf(why, len, "expect findings: derived (VERW promise, false immunity, ordering) from what the hardware does, which the kvm backend does not observe"),
		       KMC_BE_SKIP;
	if (vmx && (need & KEYBIT(KMV_K_FB_CLEAR_CTRL)))
		return snprintf(why, len, "expect fb_clear_ctrl on VMX: kvm_intel keeps it where kmc.ko cannot read it (6.1: the static vmx_fb_clear_ctrl_available, not exported; from 6.6 it is computed inside vmx_update_fb_clear_dis(), 550ba57faa04), and kmc-run does not compute it from host facts with the model's rule"),
		       KMC_BE_SKIP;
	if (vmx && (need & KEYBIT(KMV_K_DISABLE_FB_CLEAR)) && !c->watch_ok)
		return snprintf(why, len, "expect disable_fb_clear on VMX needs kmc.ko's vmx watch: %s",
				c->watch_why), KMC_BE_SKIP;
	if (r->sc.vm.mmio_mapped)
		return snprintf(why, len, "vm mmio=1 needs a device assigned to the guest"), KMC_BE_SKIP;
	if (need & KEYBIT(KMV_K_SPEC_CTRL))
		return snprintf(why, len, "expect spec_ctrl: the value the CPU runs the guest with is loaded at VM-entry, out of userspace's sight"),
		       KMC_BE_SKIP;
	if (r->sc.vm.force_spec_ctrl)
		return snprintf(why, len, "vm force_spec_ctrl: KVM_CAP_FORCE_SPEC_CTRL was proposed (lkml 002), never merged"),
		       KMC_BE_SKIP;
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		const struct kmc_op *o = &r->sc.ops[i];

		if (o->kind == KMC_OP_RESET)
			return snprintf(why, len, "%s:%u: op reset: INIT/RESET of a vCPU is not implemented by the kvm backend",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_L1D_FLUSH)
			return snprintf(why, len, "%s:%u: op l1d_flush: kmc-run does not rewrite kvm_intel's parameters",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_HOST_UCODE)
			return snprintf(why, len, "%s:%u: op host_ucode: kmc-run cannot load microcode",
					r->file, r->op_line[i]), KMC_BE_SKIP;
		if (o->kind == KMC_OP_VERW && vmx && !c->watch_ok)
			return snprintf(why, len, "%s:%u: op verw on VMX needs kmc.ko's vmx watch: %s",
					r->file, r->op_line[i], c->watch_why), KMC_BE_SKIP;
	}
	return 0;
}

/* ---- kvm.ignore_msrs for one vector --------------------------------------- */

static int write_param(const char *path, const char *val, char *why, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0) {
		err = errno;
		snprintf(why, len, "%s: %s", path, strerror(err));
		return -err;
	}
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	if (n != (ssize_t)strlen(val)) {
		snprintf(why, len, "%s: write '%s': %s", path, val, n < 0 ? strerror(err) : "short write");
		return n < 0 ? -err : -EIO;
	}
	return 0;
}

/* 0 with *@restore set when the parameter was changed, KMC_BE_SKIP, or -errno */
static int apply_settings(struct kctx *c, const struct kmv_record *r, int *restore,
			  char *why, size_t len)
{
	uint8_t want = r->sc.host.ignore_msrs, now = c->lh.host.ignore_msrs;
	int ret;

	*restore = 0;
	if (!(r->live_sets & KMV_LIVE_IGNORE_MSRS) || want == now)
		return 0;
	if (!c->write_params) {
		snprintf(why, len, "needs kvm.ignore_msrs=%u (it is %u); KMC_KVM_WRITE_PARAMS=1 lets kmc-run set it for the vector (machine-wide)",
			 want, now);
		return KMC_BE_SKIP;
	}
	ret = write_param(PARAM_IGNORE_MSRS, want ? "Y" : "N", why, len);
	if (ret)
		return ret;
	*restore = 1;
	return 0;
}

static void restore_settings(struct kctx *c)
{
	char why[256];

	if (write_param(PARAM_IGNORE_MSRS, c->lh.host.ignore_msrs ? "Y" : "N", why, sizeof(why)))
		fprintf(stderr, "kmc-run: kvm: could not restore kvm.ignore_msrs: %s\n", why);
}

/* ---- eval: the ops --------------------------------------------------------- */

struct evalctx {
	struct kctx *c;
	const struct kmv_record *r;
	struct kmc_kvm_vm vm;
	int have_vm;
	struct kmc_kvm_vcpu *v;
	int watch;			/* VMX: this vector is observed through the vmx watch */
	int marked;			/* its marker's log line is written */
	struct kmc_dev_facts facts;	/* scratch for /dev/kmc reads */
	char *why;
	size_t len;
};

/* An ERROR for op @i, "FILE:LINE: op TEXT: what" */
static int op_error(struct evalctx *e, unsigned int i, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int op_error(struct evalctx *e, unsigned int i, int err, const char *fmt, ...)
{
	char text[200], what[MSGLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kmv_format_op(e->r, i, text, sizeof(text));
	snprintf(e->why, e->len, "%s:%u: %s: %s", e->r->file, e->r->op_line[i], text, what);
	return err < 0 ? err : -EIO;
}

static int guest(struct evalctx *e, unsigned int i, const struct kmc_gcmd *cmd, struct kmc_gres *g)
{
	char msg[MSGLEN];
	int ret = kmc_vcpu_guest(e->v, cmd, 0, g, msg, sizeof(msg));

	if (ret)
		return op_error(e, i, ret, "%s", msg);
	if (g->outcome != KMC_GOUT_DONE)
		return op_error(e, i, -EIO, "guest: %s", g->what);
	if (g->vector == KMC_G_BAD_COMMAND)
		return op_error(e, i, -EPROTO, "guest: command %u not understood", cmd->cmd);
	return 0;
}

/* ---- VMX: what the vmx watch saw ------------------------------------------- */

static void trace_slot(const struct evalctx *e, const char *when, const struct kmc_dev_slot *s)
{
	char dis[32] = "-";

	if (!e->c->trace)
		return;
	if (s->have_runs_disabled)
		snprintf(dis, sizeof(dis), "%llu", (unsigned long long)s->runs_disabled);
	fprintf(stderr, "kvm: %s: vmx vm0.vcpu0 %s: disable_fb_clear %d (after_reset %d, after_set_arch_cap %d, at_run %d; resets %llu, 0x10a writes %llu, runs %llu, runs_disabled %s, changes %llu)\n",
		e->r->id, when, s->last, s->after_reset, s->after_set_arch_cap, s->at_run,
		(unsigned long long)s->resets, (unsigned long long)s->arch_cap_writes,
		(unsigned long long)s->runs, dis, (unsigned long long)s->changes);
}

/*
 * Read /dev/kmc and check that the watch is still kmc-run's and lost
 * nothing; *@out is vCPU 0 of vm0, the vector's VM (the watch was re-armed
 * just before it was created).  0, or -errno with "@what: ..." in e->why.
 */
static int watch_read(struct evalctx *e, const char *what, const struct kmc_dev_slot **out)
{
	const struct kctx *c = e->c;
	char msg[MSGLEN];
	int ret = kmc_dev_read(c->kmc_dev, &e->facts, msg, sizeof(msg));

	if (ret)
		return snprintf(e->why, e->len, "%s: %s", what, msg), ret;
	*out = kmc_dev_watch_slot(&e->facts, (long)getpid(), c->vmx_offset, 0, msg, sizeof(msg));
	if (!*out)
		return snprintf(e->why, e->len, "%s: %s (%s, %s)", what, msg, c->kmc_dev,
				c->vmx_offset_src), -EIO;
	return 0;
}

/*
 * op verw on VMX, derived (docs/kvm-backend.md): disable_fb_clear at the
 * VM-entry that ran the guest's VERW, and what the host CPU's VERW does.
 * @before is vCPU 0's slot before the guest command.
 */
static int verw_vmx(struct evalctx *e, unsigned int i, const struct kmc_dev_slot *before,
		    struct kmc_result *res)
{
	const struct kmc_dev_slot *s;
	char what[300], text[200], why[300];
	int ret, flag, clears;

	kmv_format_op(e->r, i, text, sizeof(text));
	snprintf(what, sizeof(what), "%s:%u: %s", e->r->file, e->r->op_line[i], text);
	ret = watch_read(e, what, &s);
	if (ret)
		return ret;
	trace_slot(e, "after op verw", s);
	flag = kmc_dev_entry_flag(before, s, why, sizeof(why));
	if (flag < 0)
		return snprintf(e->why, e->len, "%s: %s", what, why), -EIO;
	clears = kmc_dev_verw_clears(&e->facts, flag, why, sizeof(why));
	if (clears < 0)
		return snprintf(e->why, e->len, "%s: what VERW did cannot be derived here: %s", what, why),
		       KMC_BE_SKIP;
	res->kind = KMC_RES_VALUE;
	res->value = (uint64_t)clears;		/* 1 clears, 0 keeps */
	return 0;
}

/* A guest MSR access: value / ok / gp, or the userspace exit it went through */
static int guest_msr(struct evalctx *e, unsigned int i, const struct kmc_op *op,
		     struct kmc_result *res)
{
	struct kmc_gcmd cmd = {
		.cmd = op->kind == KMC_OP_RDMSR ? KMC_GC_RDMSR : KMC_GC_WRMSR,
		.index = op->index, .value = op->value,
	};
	struct kmc_gres g;
	int ret = guest(e, i, &cmd, &g);

	if (ret)
		return ret;
	if (g.vector != KMC_G_NO_VECTOR && g.vector != 13)
		return op_error(e, i, -EIO, "the guest took vector %u (error code 0x%x), not #GP",
				g.vector, g.errcode);
	if (g.nmsr_exits) {
		res->kind = KMC_RES_EXIT;
		res->exit = (uint8_t)g.msr_exit_reason;
		res->n = g.vector == KMC_G_NO_VECTOR;
		res->value = op->kind == KMC_OP_RDMSR && res->n ? g.out : 0;
		return 0;
	}
	if (g.vector == 13) {
		res->kind = KMC_RES_GP;
	} else if (op->kind == KMC_OP_RDMSR) {
		res->kind = KMC_RES_VALUE;
		res->value = g.out;
	} else {
		res->kind = KMC_RES_OK;
	}
	return 0;
}

/* guest CPUID: which of the asked features the guest sees, one CPUID per leaf */
static int guest_cpuid(struct evalctx *e, unsigned int i, uint64_t asked, struct kmc_result *res)
{
	uint64_t seen = 0, done = 0;

	for (unsigned int f = 0; f < KMC_F_NR; f++) {
		const struct kmc_feat_loc *l = &kmc_feat_loc[f];
		struct kmc_gcmd cmd = { .cmd = KMC_GC_CPUID, .index = l->leaf, .subleaf = l->subleaf };
		struct kmc_gres g;
		int ret;

		if (!(asked & KMC_BIT(f)) || (done & KMC_BIT(f)))
			continue;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "CPUID(0x%x, %u) took vector %u", l->leaf,
					l->subleaf, g.vector);
		/* every asked feature in this leaf is answered by this CPUID */
		for (unsigned int k = f; k < KMC_F_NR; k++) {
			const struct kmc_feat_loc *m = &kmc_feat_loc[k];

			if (m->leaf != l->leaf || m->subleaf != l->subleaf || !(asked & KMC_BIT(k)))
				continue;
			done |= KMC_BIT(k);
			if (g.regs[m->reg] >> m->bit & 1)
				seen |= KMC_BIT(k);
		}
	}
	res->kind = KMC_RES_VALUE;
	res->value = seen;
	return 0;
}

static int do_op(struct evalctx *e, unsigned int i, struct kmc_result *res)
{
	const struct kmc_op *op = &e->r->sc.ops[i];
	struct kmc_gcmd cmd = { 0 };
	struct kmc_gres g;
	char msg[MSGLEN];
	int ret, n, err;

	memset(res, 0, sizeof(*res));
	switch (op->kind) {
	case KMC_OP_SET_CPUID: {
		struct kvm_cpuid2 *t = kmc_cpuid_table(e->c->k.supported, op->value);

		if (!t)
			return op_error(e, i, -ENOMEM, "out of memory");
		ret = kmc_vcpu_set_cpuid(e->v, t, &err, msg, sizeof(msg));
		free(t);
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = err ? KMC_RES_ERRNO : KMC_RES_OK;
		res->err = (int16_t)err;
		return 0;
	}
	case KMC_OP_SET_MSR:
		ret = kmc_vcpu_set_msr(e->v, op->index, op->value, &n, msg, sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_NMSRS;
		res->n = (uint8_t)n;
		return 0;
	case KMC_OP_GET_MSR:
		ret = kmc_vcpu_get_msr(e->v, op->index, &res->value, &n, msg, sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_NMSRS;
		res->n = (uint8_t)n;
		return 0;
	case KMC_OP_RUN:
		cmd.cmd = KMC_GC_NOP;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "the guest took vector %u", g.vector);
		res->kind = KMC_RES_OK;
		return 0;
	case KMC_OP_RDMSR:
	case KMC_OP_WRMSR:
		return guest_msr(e, i, op, res);
	case KMC_OP_SET_CR4:
		cmd.cmd = KMC_GC_SET_CR4;
		cmd.value = op->value;
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR && g.vector != 13)
			return op_error(e, i, -EIO, "MOV to CR4 took vector %u, not #GP", g.vector);
		res->kind = g.vector == 13 ? KMC_RES_GP : KMC_RES_OK;
		return 0;
	case KMC_OP_GUEST_CPUID:
		return guest_cpuid(e, i, op->value, res);
	case KMC_OP_VERW: {
		struct kmc_dev_slot before = { .vm = 0 };
		const struct kmc_dev_slot *s;

		cmd.cmd = KMC_GC_VERW;
		if (e->watch) {
			kmv_format_op(e->r, i, msg, sizeof(msg));
			ret = watch_read(e, msg, &s);
			if (ret)
				return ret;
			before = *s;
		}
		ret = guest(e, i, &cmd, &g);
		if (ret)
			return ret;
		if (g.vector != KMC_G_NO_VECTOR)
			return op_error(e, i, -EIO, "VERW took vector %u", g.vector);
		if (e->watch)
			return verw_vmx(e, i, &before, res);
		/* SVM: no FB_CLEAR_DIS, VERW must just not fault */
		res->kind = KMC_RES_VALUE;
		res->value = 2;		/* n/a: no VMX */
		return 0;
	}
	case KMC_OP_GET_FEATURE:
		ret = kmc_kvm_feature_msr(&e->c->k, KMC_MSR_ARCH_CAPABILITIES, &res->value, msg,
					  sizeof(msg));
		if (ret)
			return op_error(e, i, ret, "%s", msg);
		res->kind = KMC_RES_VALUE;
		return 0;
	default:
		return op_error(e, i, -EOPNOTSUPP, "not an op the kvm backend knows");
	}
}

/* vcpu.arch_cap: a fresh vCPU's 0x10a, read after giving it the CPUID bit */
static int vcpu_default(struct evalctx *e, struct kmc_kvm_vcpu *probe, uint64_t *val)
{
	struct kvm_cpuid2 *t = kmc_cpuid_table(e->c->k.supported,
					       kmc_cpuid_features(e->c->k.supported) |
					       KMC_F(ARCH_CAPABILITIES));
	char msg[MSGLEN];
	int err, n, ret;

	if (!t) {
		snprintf(e->why, e->len, "vcpu.arch_cap: out of memory");
		return -ENOMEM;
	}
	ret = kmc_vcpu_set_cpuid(probe, t, &err, msg, sizeof(msg));
	free(t);
	if (!ret && err) {
		snprintf(e->why, e->len, "%s:%u: vcpu.arch_cap: KVM_SET_CPUID2 on a fresh vCPU: %s",
			 e->r->file, e->r->exp_line[KMV_K_VCPU_ARCH_CAP], strerror(err));
		return -err;
	}
	if (!ret)
		ret = kmc_vcpu_get_msr(probe, KMC_MSR_ARCH_CAPABILITIES, val, &n, msg, sizeof(msg));
	if (!ret && n != 1) {
		snprintf(msg, sizeof(msg), "KVM_GET_MSRS(0x10a): %d entries processed", n);
		ret = -EIO;
	}
	if (ret)
		snprintf(e->why, e->len, "%s:%u: vcpu.arch_cap: %s", e->r->file,
			 e->r->exp_line[KMV_K_VCPU_ARCH_CAP], msg);
	return ret;
}

static int run_vm(struct evalctx *e, struct kmc_obs *o)
{
	const struct kmv_record *r = e->r;
	uint32_t need = r->exp_have | r->exp_req;
	struct kmc_vm_cfg cfg = {
		.disable_quirks = r->sc.vm.disabled_quirks,
		.user_msr_exits = r->sc.vm.user_msr_exits,
		.filter_arch_cap = r->sc.vm.filter_arch_cap,
	};
	struct kmc_kvm_vcpu *probe = NULL;
	char msg[MSGLEN];
	double t0;
	int ret;

	if (e->watch) {
		/* a fresh vCPU table in kmc.ko: this vector's VM is vm0 */
		ret = watch_arm(e->c, msg, sizeof(msg));
		if (ret)
			return snprintf(e->why, e->len, "%s:%u: VMX: %s", r->file, r->line, msg),
			       KMC_BE_SKIP;
	}
	t0 = seconds();
	ret = kmc_vm_create(&e->c->k, &cfg, &e->vm, msg, sizeof(msg));
	e->have_vm = 1;
	e->c->nvms++;
	if (!ret)
		ret = kmc_vcpu_create(&e->vm, &e->v, msg, sizeof(msg));
	if (!ret && (need & KEYBIT(KMV_K_VCPU_ARCH_CAP)))
		ret = kmc_vcpu_create(&e->vm, &probe, msg, sizeof(msg));
	e->c->vm_create_s += seconds() - t0;
	if (ret) {
		snprintf(e->why, e->len, "%s:%u: %s", r->file, r->vm_line ? r->vm_line : r->line, msg);
		return ret;
	}
	snprintf(e->c->vm_note, sizeof(e->c->vm_note), "%s", e->vm.note);
	e->vm.uemu_arch_cap = r->sc.vm.uemu_arch_cap;
	if (probe) {
		ret = vcpu_default(e, probe, &o->vcpu_arch_cap);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < r->sc.nops; i++) {
		ret = do_op(e, i, &o->res[i]);
		if (ret)
			return ret;
	}
	o->nres = r->sc.nops;
	if (e->watch && (need & KEYBIT(KMV_K_DISABLE_FB_CLEAR))) {
		/* the flag after the last op: the last value kmc.ko read (docs/kvm-backend.md) */
		const struct kmc_dev_slot *s;

		snprintf(msg, sizeof(msg), "%s:%u: disable_fb_clear", r->file,
			 r->exp_line[KMV_K_DISABLE_FB_CLEAR]);
		ret = watch_read(e, msg, &s);
		if (ret)
			return ret;
		trace_slot(e, "after the ops", s);
		o->disable_fb_clear = (int8_t)s->last;
	}
	if (e->watch && e->c->mark.on) {
		/* the table as read above, or read now (a vector with op verw only) */
		if (!(need & KEYBIT(KMV_K_DISABLE_FB_CLEAR))) {
			ret = kmc_dev_read(e->c->kmc_dev, &e->facts, msg, sizeof(msg));
			if (ret)
				return snprintf(e->why, e->len, "%s:%u: KMC_KVM_MARK_LOG: %s", r->file,
						r->line, msg), ret;
		}
		kmc_mark_log(&e->c->mark, r->id, &e->facts);
		e->marked = 1;
	}
	return 0;
}

/* KMC_KVM_TRACE=1: what was observed, in vector syntax, on stderr */
static void trace(const struct kctx *c, const struct kmv_record *r, const struct kmc_obs *o)
{
	uint32_t need = r->exp_have | r->exp_req;
	char text[200], val[KMV_VALMAX];

	for (int k = 0; k < KMV_K_NR; k++)
		if (need & KEYBIT(k)) {
			kmv_format_key((enum kmv_key)k, o, val, sizeof(val));
			fprintf(stderr, "kvm: %s: %s = %s\n", r->id, kmv_key_names[k], val);
		}
	for (unsigned int i = 0; i < o->nres; i++) {
		kmv_format_op(r, i, text, sizeof(text));
		kmv_format_result(r->sc.ops[i].kind, &o->res[i], val, sizeof(val));
		fprintf(stderr, "kvm: %s: %s -> %s\n", r->id, text, val);
	}
	if (*c->vm_note)
		fprintf(stderr, "kvm: %s: note: %s\n", r->id, c->vm_note);
}

static int eval_vector(struct kctx *c, const struct kmv_record *r, struct kmc_obs *o,
		       char *why, size_t len, int *marked)
{
	const struct kmc_live_host *lh = &c->lh;
	struct evalctx e = { .c = c, .r = r, .why = why, .len = len };
	uint32_t need = r->exp_have | r->exp_req;
	int ret, restore = 0, first_guest;

	memset(o, 0, sizeof(*o));
	c->vm_note[0] = '\0';
	if (!c->usable) {
		snprintf(why, len, "%s", c->why);
		return KMC_BE_SKIP;
	}
	if (!r->live) {
		snprintf(why, len, "'%s' is not this machine (%s): the kvm backend runs `host live` vectors only",
			 host_line(r), c->this_host);
		return KMC_BE_SKIP;
	}
	if (r->profile != &kmv_live_profile && r->profile != lh->profile) {
		snprintf(why, len, "vector is for profile %s; this kernel (%s) is profile %s",
			 r->profile->name, lh->release, lh->profile->name);
		return KMC_BE_SKIP;
	}
	ret = cannot_observe(c, r, why, len);
	if (!ret && c->other)
		ret = kmc_other_skip(&c->oth, r, why, len);
	if (ret)
		return ret;
	if ((need & KEYBIT(KMV_K_KVM_ARCH_CAP)) && c->feature_err) {
		snprintf(why, len, "%s:%u: kvm.arch_cap: %s", r->file, r->exp_line[KMV_K_KVM_ARCH_CAP],
			 c->feature_msg);
		return -EIO;
	}

	/* the host, as read at open */
	o->bugs = lh->bugs;
	o->host_feat = lh->flags;
	o->host_state = lh->host_state;
	o->l1tf_vmx = (uint8_t)(lh->l1tf_vmx < 0 ? 0 : lh->l1tf_vmx);
	snprintf(o->sysfs_mds, sizeof(o->sysfs_mds), "%s", lh->sysfs_mds);
	snprintf(o->sysfs_taa, sizeof(o->sysfs_taa), "%s", lh->sysfs_taa);
	snprintf(o->sysfs_mmio, sizeof(o->sysfs_mmio), "%s", lh->sysfs_mmio);
	o->kvm_arch_cap = c->feature;
	o->kvm_cpuid = c->kvm_cpuid;
	o->kvm_emul_cpuid = c->kvm_emul_cpuid;
	/* SVM: n/a; VMX: fb_clear_ctrl is skipped, disable_fb_clear observed in run_vm() */
	o->fb_clear_ctrl = o->disable_fb_clear = -1;
	if (c->vmx && c->watch_ok) {
		e.watch = !!(need & KEYBIT(KMV_K_DISABLE_FB_CLEAR));
		for (unsigned int i = 0; i < r->sc.nops; i++)
			if (r->sc.ops[i].kind == KMC_OP_VERW)
				e.watch = 1;
	}

	if ((kmc_record_needs(r, &first_guest) & KMC_NEED_VM) || e.watch) {
		ret = apply_settings(c, r, &restore, why, len);
		if (ret)
			return ret;
		double t0 = seconds();

		ret = run_vm(&e, o);
		*marked = e.marked;
		if (e.have_vm)
			kmc_vm_destroy(&e.vm);
		c->vm_total_s += seconds() - t0;
		if (restore)
			restore_settings(c);
		if (ret)
			return ret;
	} else if (r->sc.nops) {
		/* system ioctls only (op get_feature): no VM */
		for (unsigned int i = 0; i < r->sc.nops; i++) {
			ret = do_op(&e, i, &o->res[i]);
			if (ret)
				return ret;
		}
		o->nres = r->sc.nops;
	}
	c->nvectors++;
	if (c->trace)
		trace(c, r, o);
	return 0;
}

static int kvm_eval(void *ctx, const struct kmv_record *r, uint32_t variants,
		    struct kmc_obs *o, char *why, size_t len)
{
	struct kctx *c = ctx;
	int ret, marked = 0;

	(void)variants;
	if (kmc_mark_next(&c->mark, why, len)) {
		memset(o, 0, sizeof(*o));
		return -EIO;
	}
	ret = eval_vector(c, r, o, why, len, &marked);
	if (!marked)
		kmc_mark_log(&c->mark, r->id, NULL);
	return ret;
}

const struct kmc_backend kmc_kvm_backend = {
	.name = "kvm",
	.desc = "this machine's KVM through /dev/kvm and kmc's guest program (host live vectors)",
	.open = kvm_open,
	.eval = kvm_eval,
	.close = kvm_close,
	.live = kvm_live,
	.unobserved = kvm_unobserved,
	.facts = kvm_facts,
};
