// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm backend's facts for the KTAP header and run.json: the live host,
 * what KVM answers at open, and what the model predicts for this host.
 */
#include <stdio.h>
#include <stdlib.h>
#include "kvm_backend.h"
#include "names.h"

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

void kb_facts(void *ctx, void (*fact)(void *arg, const char *key, const char *value,
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

