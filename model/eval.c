// SPDX-License-Identifier: GPL-2.0
/* kmc_model_eval(): boot the host, load KVM, create the vCPU, run the ops. */
#include <errno.h>
#include <string.h>
#include "internal.h"

const uint32_t kmc_model_variants = KMC_VAR_FB_CLEAR_SYNTH | KMC_VAR_VALIDATE_AC |
				    KMC_VAR_VIRT_MSRS | KMC_VAR_MD_CLEAR | KMC_VAR_FORCE_SPEC_CTRL;

int kmc_model_eval(const struct kmc_profile *p, const struct kmc_scenario *s,
		   struct kmc_obs *o)
{
	struct boot b;

	memset(o, 0, sizeof(*o));
	if (!p || s->nops > KMC_MAX_OPS || (s->variants & ~kmc_model_variants))
		return -EINVAL;
	model_boot(p, &s->host, s->variants, &b);
	o->bugs = b.bugs;
	o->host_feat = b.feat;
	o->host_state = b.state;
	o->l1tf_vmx = b.l1tf_vmx;
	model_sysfs(&s->host, &b, o);
	o->kvm_arch_cap = b.kvm_ac;
	o->kvm_cpuid = model_kvm_cpuid(p, &s->host, &b);
	o->kvm_emul_cpuid = model_kvm_emul_cpuid(&s->host);
	return model_vcpu_run_ops(p, s, &b, o);
}
