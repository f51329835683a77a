// SPDX-License-Identifier: GPL-2.0
/*
 * ref_eval(): boot the host kernel, load KVM, create the VM and the vCPU,
 * run the operations in order, and report what docs/observations.md asks
 * for.  No I/O, no allocation: everything lives on the stack.
 */
#include <errno.h>
#include <string.h>
#include "ref.h"
#include "internal.h"

#define VERW_KEEPS	0	/* result encoding of docs/vectors.md */
#define VERW_CLEARS	1
#define VERW_NA		2
#define CR4_BITS	(KMC_CR4_OSXSAVE | KMC_CR4_FSGSBASE | KMC_CR4_PKE)

static int validate(const struct kmc_scenario *s)
{
	const struct kmc_host *c = &s->host;

	if (c->vendor >= KMC_VENDOR_NR || c->tsx > KMC_TSX_AUTO || c->gds > KMC_GDS_FORCE ||
	    c->l1tf > KMC_L1TF_FULL_FORCE || c->l1d_flush > KMC_L1D_ALWAYS ||
	    s->nops > KMC_MAX_OPS)
		return -EINVAL;
	for (unsigned int i = 0; i < s->nops; i++) {
		if (s->ops[i].kind >= KMC_OP_NR)
			return -EINVAL;
		if (s->ops[i].kind == KMC_OP_SET_CR4 && (s->ops[i].value & ~CR4_BITS))
			return -EINVAL;
		if (s->ops[i].kind == KMC_OP_L1D_FLUSH && s->ops[i].value > KMC_L1D_ALWAYS)
			return -EINVAL;
		/* guest SPEC_CTRL: Intel's bits on VMX only (NOTES.md) */
		if ((s->ops[i].kind == KMC_OP_RDMSR || s->ops[i].kind == KMC_OP_WRMSR) &&
		    s->ops[i].index == KMC_MSR_SPEC_CTRL &&
		    (c->vendor == KMC_VENDOR_AMD || c->vendor == KMC_VENDOR_HYGON ||
		     (s->ops[i].kind == KMC_OP_WRMSR &&
		      (s->ops[i].value & ~KMC_SPEC_CTRL_MODELLED))))
			return -EINVAL;
	}
	return 0;
}

/* setup_arch() .. arch_cpu_finalize_init(), as far as kmc looks */
static void boot_host(struct ref_host *h, const struct ref_kernel *k, const struct kmc_host *cmd)
{
	memset(h, 0, sizeof(*h));
	h->k = k;
	h->cmd = cmd;
	h->c.vendor = cmd->vendor;
	h->c.family = cmd->family;
	h->c.model = cmd->model;
	h->c.stepping = cmd->stepping;
	h->c.raw = cmd->cpuid;
	h->live_arch_cap = cmd->arch_cap;
	h->mitigations_off = cmd->mitigations_off != 0;

	early_identify_cpu(h);		/* cpu_set_bug_bits() */
	if (h->c.vendor == KMC_VENDOR_AMD)
		init_amd(h);		/* identify_cpu() -> c_init() */
	tsx_init(h);			/* identify_boot_cpu() */
	cpu_select_mitigations(h);	/* arch_cpu_finalize_init() */
}

static void guest_enter(struct kvm_vcpu *vcpu, struct ref_hw *hw)
{
	if (vcpu->x->vmx)
		vmx_vcpu_enter_exit(vcpu, hw, false);
	vcpu->has_run = true;
}

static void run_op(struct kvm_vcpu *vcpu, struct ref_hw *hw, struct ref_host *h,
		   const struct kmc_op *op, struct kmc_result *res)
{
	uint64_t v = op->value;
	int r;

	switch (op->kind) {
	case KMC_OP_SET_CPUID:
		r = kvm_set_cpuid(vcpu, v);
		res->kind = r ? KMC_RES_ERRNO : KMC_RES_OK;
		res->err = r ? (int16_t)-r : 0;
		break;
	case KMC_OP_SET_MSR:
		res->kind = KMC_RES_NMSRS;
		res->n = do_set_msr(vcpu, op->index, &v) == 0;	/* __msr_io() stops */
		break;
	case KMC_OP_GET_MSR:
		res->kind = KMC_RES_NMSRS;
		res->n = do_get_msr(vcpu, op->index, &v) == 0;
		res->value = res->n ? v : 0;
		break;
	case KMC_OP_RUN:
		guest_enter(vcpu, hw);
		res->kind = KMC_RES_OK;
		break;
	case KMC_OP_RDMSR:
		guest_enter(vcpu, hw);
		kvm_emulate_rdmsr(vcpu, op->index, res);
		break;
	case KMC_OP_WRMSR:
		guest_enter(vcpu, hw);
		kvm_emulate_wrmsr(vcpu, op->index, v, res);
		break;
	case KMC_OP_RESET:
		kvm_vcpu_reset(vcpu, true);	/* INIT (NOTES.md) */
		res->kind = KMC_RES_OK;
		break;
	case KMC_OP_SET_CR4:
		guest_enter(vcpu, hw);
		r = vcpu->x->vmx ? vmx_set_cr4_guest(vcpu, v) : svm_set_cr4_guest(vcpu, v);
		res->kind = r ? KMC_RES_GP : KMC_RES_OK;
		break;
	case KMC_OP_GUEST_CPUID:
		guest_enter(vcpu, hw);
		res->kind = KMC_RES_VALUE;
		res->value = kvm_emulate_cpuid(vcpu, v);
		break;
	case KMC_OP_VERW:
		res->kind = KMC_RES_VALUE;
		if (vcpu->x->vmx)
			res->value = vmx_vcpu_enter_exit(vcpu, hw, true) ? VERW_CLEARS : VERW_KEEPS;
		else
			res->value = VERW_NA;
		vcpu->has_run = true;
		break;
	case KMC_OP_GET_FEATURE:
		res->kind = KMC_RES_VALUE;
		res->value = kvm_get_arch_capabilities(vcpu->x);
		break;
	case KMC_OP_HOST_UCODE:
		h->live_arch_cap = v;	/* late load: only the MSR changes */
		res->kind = KMC_RES_OK;
		break;
	case KMC_OP_L1D_FLUSH:
		/* /sys/module/kvm_intel/parameters/vmentry_l1d_flush */
		if (!vcpu->x->vmx) {
			res->kind = KMC_RES_ERRNO;
			res->err = ENOENT;	/* no kvm_intel */
			break;
		}
		vmentry_l1d_flush_set(vcpu->x, (uint8_t)v);
		res->kind = KMC_RES_OK;
		break;
	}
}

/*
 * False immunity (lkml 004): the guest reads a "NO" bit that
 * kvm_get_arch_capabilities() would claim only for a host without the
 * bug -- RDCL_NO, SSB_NO, MDS_NO, RFDS_NO, ITS_NO after boot_cpu_has_bug(),
 * TAA_NO only with RTM kept, GDS_NO also under gds_ucode_mitigated() --
 * or the MMIO trio of arch_cap_mmio_immune() on an MMIO-affected host.
 * TAA_NO and GDS_NO count only where the guest can reach the bug: a TSX
 * the host left on (else its TSX_CTRL never reaches the CPU) that the
 * guest enumerates (RTM, or TSX_CTRL to turn it on), and AVX in both the
 * host's XCR0 and the guest's CPUID for gathers.
 */
static bool probe_false_immunity(struct kvm_vcpu *probe, uint64_t ac)
{
	const struct ref_host *h = probe->x->host;
	const uint64_t mmio = KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO | KMC_AC_SBDR_SSDP_NO;
	bool tsx, gather;

	if ((ac & KMC_AC_RDCL_NO) && boot_cpu_has_bug(h, B(CPU_MELTDOWN)))
		return true;
	if ((ac & KMC_AC_SSB_NO) && boot_cpu_has_bug(h, B(SPEC_STORE_BYPASS)))
		return true;
	if ((ac & KMC_AC_MDS_NO) && boot_cpu_has_bug(h, B(MDS)))
		return true;
	if ((ac & KMC_AC_RFDS_NO) && boot_cpu_has_bug(h, B(RFDS)))
		return true;
	if ((ac & KMC_AC_ITS_NO) && boot_cpu_has_bug(h, B(ITS)))
		return true;
	if ((ac & mmio) == mmio && boot_cpu_has_bug(h, B(MMIO_STALE_DATA)))
		return true;

	tsx = boot_cpu_has(h, F(RTM)) &&
	      (kvm_emulate_cpuid(probe, F(RTM)) || (ac & KMC_AC_TSX_CTRL_MSR));
	if ((ac & KMC_AC_TAA_NO) && tsx && boot_cpu_has_bug(h, B(TAA)))
		return true;

	gather = boot_cpu_has(h, F(AVX)) && kvm_emulate_cpuid(probe, F(AVX));
	return (ac & KMC_AC_GDS_NO) && gather && boot_cpu_has_bug(h, B(GDS)) &&
	       !gds_ucode_mitigated(h);
}

/*
 * The architectural findings, probed on a copy of the final vCPU: what the
 * guest is told (CPUID, its RDMSR of 0x10a as the VMM completes it)
 * against what the host has and what the simulated hardware does on VERW
 * -- and, when VERW keeps the buffers it was promised to clear, whether it
 * would have cleared had KVM not set FB_CLEAR_DIS; and whether KVM's own
 * VERW ran with FB_CLEAR_DIS set.
 */
static uint32_t probe_findings(const struct kvm_vcpu *vcpu, const struct ref_hw *hw0)
{
	struct kvm_vcpu probe = *vcpu;
	struct kvm probe_kvm = *vcpu->kvm;
	struct ref_hw hw = *hw0;
	struct kmc_result res = { 0 };
	uint64_t ac = 0;
	uint32_t f = 0;
	bool fb_promise, cleared;

	probe.kvm = &probe_kvm;
	hw.kvm_verw_with_fb_clear_dis = false;

	/* a guest reads 0x10a only when its CPUID enumerates it */
	if (kvm_emulate_cpuid(&probe, F(ARCH_CAPABILITIES))) {
		kvm_emulate_rdmsr(&probe, KMC_MSR_ARCH_CAPABILITIES, &res);
		if (res.kind == KMC_RES_VALUE || (res.kind == KMC_RES_EXIT && res.n))
			ac = res.value;
	}
	if (probe_false_immunity(&probe, ac))
		f |= KMC_FINDING_FALSE_IMMUNITY;
	if (!vcpu->x->vmx)
		return f;

	/* mmio_select_mitigation()'s test that VERW clears fill buffers */
	fb_promise = (ac & KMC_AC_FB_CLEAR) ||
		     (kvm_emulate_cpuid(&probe, F(MD_CLEAR)) &&
		      kvm_emulate_cpuid(&probe, F(FLUSH_L1D)) && !(ac & KMC_AC_MDS_NO));
	cleared = vmx_vcpu_enter_exit(&probe, &hw, true);
	if (fb_promise && !cleared) {
		struct kvm_vcpu again = probe;
		struct ref_hw hw2 = *hw0;

		again.disable_fb_clear = false;		/* no vmx_disable_fb_clear() */
		f |= vmx_vcpu_enter_exit(&again, &hw2, true) ? KMC_FINDING_VERW_PROMISE_KVM
							     : KMC_FINDING_VERW_PROMISE_HW;
	}
	if (hw.kvm_verw_with_fb_clear_dis)
		f |= KMC_FINDING_MMIO_VERW_ORDER;
	return f;
}

int ref_eval(const struct ref_opts *o, const struct kmc_scenario *s, struct kmc_obs *out)
{
	struct ref_kernel k;
	struct ref_variant_set var;
	struct ref_host h;
	struct kvm_x86 x;
	struct kvm kvm;
	struct kvm_vcpu vcpu;
	struct ref_hw hw;
	int r;

	r = validate(s);
	if (r)
		return r;

	ref_kernel_init(&k, o->kver);
	ref_variant_set_init(&var, o->variants | s->variants);
	memset(out, 0, sizeof(*out));

	/* the host kernel boots */
	boot_host(&h, &k, &s->host);
	out->bugs = h.c.bugs;
	out->host_feat = h.c.visible;
	out->host_state = ref_host_state(&h);
	cpu_show_mds(&h, out->sysfs_mds);
	cpu_show_tsx_async_abort(&h, out->sysfs_taa);
	cpu_show_mmio_stale_data(&h, out->sysfs_mmio);

	/* kvm.ko + kvm_intel.ko / kvm_amd.ko */
	memset(&x, 0, sizeof(x));
	x.host = &h;
	x.k = &k;
	x.v = &var;
	kvm_x86_vendor_init(&x);
	out->l1tf_vmx = x.l1tf_vmx_mitigation;
	out->kvm_arch_cap = kvm_get_arch_capabilities(&x);
	out->kvm_cpuid = kvm_get_supported_cpuid(&x) & KMC_KVM_CPUID_MASK;
	out->kvm_emul_cpuid = kvm_cpuid_func_emulated(&x, false) & KMC_KVM_CPUID_MASK;

	/* KVM_CREATE_VM and its capabilities, then KVM_CREATE_VCPU */
	kvm = (struct kvm){
		.disabled_quirks = s->vm.disabled_quirks,
		.user_space_msr_mask = s->vm.user_msr_exits,
		.filter_arch_cap_read = s->vm.filter_arch_cap != 0,
		.mmio_mapped = s->vm.mmio_mapped != 0,
		.uemu_arch_cap = s->vm.uemu_arch_cap,
	};
	if (var.virt_msrs) {
		kvm.filter_virt_msrs = true;
		kvm.user_space_msr_mask |= KMC_MSR_EXIT_FILTER;
	}
	if (s->vm.force_spec_ctrl)	/* its failure leaves nothing forced */
		kvm_vm_ioctl_enable_cap_force_spec_ctrl(&x, &kvm, s->vm.force_mask,
							s->vm.force_value);
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.x = &x;
	vcpu.kvm = &kvm;
	kvm_arch_vcpu_create(&vcpu);
	out->vcpu_arch_cap = vcpu.arch_capabilities;

	hw = (struct ref_hw){ .mcu_opt_ctrl = s->host.mcu_opt_ctrl & ~KMC_MCU_FB_CLEAR_DIS };
	for (unsigned int i = 0; i < s->nops; i++)
		run_op(&vcpu, &hw, &h, &s->ops[i], &out->res[i]);
	out->nres = s->nops;

	if (x.vmx) {
		out->fb_clear_ctrl = vmx_fb_clear_host_ok(&x);
		out->disable_fb_clear = vcpu.disable_fb_clear;
	} else {
		out->fb_clear_ctrl = -1;
		out->disable_fb_clear = -1;
	}
	out->cpu_caps = kvm_cpu_caps_obs(&vcpu);
	out->spec_ctrl = x.vmx ? vcpu.spec_ctrl : 0;
	out->findings = probe_findings(&vcpu, &hw);
	return 0;
}
