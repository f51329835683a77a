// SPDX-License-Identifier: GPL-2.0
/*
 * kmc: observe vmx->disable_fb_clear of the harness's own vCPUs.
 *
 * struct vcpu_vmx is private to kvm_intel, so the harness finds the byte
 * offset of its disable_fb_clear member (relative to the embedded struct
 * kvm_vcpu, which is its first member) in the BTF of kvm_intel and passes
 * it in with "watch PID OFFSET". kmc then reads that byte, for vCPUs of
 * thread group PID only, at three points that exist, not inlined, in 6.1,
 * 6.12 and 7.2:
 *
 *   vmx_vcpu_reset() return          KVM recomputes the flag (create, INIT)
 *   vmx_set_msr(0x10a) return        KVM recomputes it after a 0x10a write
 *   vmx_vcpu_run() entry             the value used for this VM-entry
 *                                    (runs_disabled counts those at 1)
 *
 * (vmx_update_fb_clear_dis() itself is inlined into vmx_vcpu_reset().)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/cpufeature.h>
#include <asm/msr-index.h>

#include "compat.h"
#include "kmc.h"

/*
 * Far beyond any struct vcpu_vmx so far (about 12 KiB): what "watch"
 * refuses at once. Each read is also bounded by the vCPU object's own size
 * (kmc_vmx_record()); one past it counts as a fault and reads nothing.
 */
#define KMC_VMX_MAX_OFFSET	(64 * 1024)

static const char *const kmc_src_key[KMC_SRC_NR] = {
	[KMC_SRC_RESET]		= "after_reset",
	[KMC_SRC_SET_ARCH_CAP]	= "after_set_arch_cap",
	[KMC_SRC_RUN]		= "at_run",
};

static const char *const kmc_src_count_key[KMC_SRC_NR] = {
	[KMC_SRC_RESET]		= "resets",
	[KMC_SRC_SET_ARCH_CAP]	= "arch_cap_writes",
	[KMC_SRC_RUN]		= "runs",
};

/*
 * "svm" exists only to exercise the probes, the slots and the unload paths
 * where there is no VMX (the emulated lab): struct vcpu_svm also starts with
 * its struct kvm_vcpu, but the byte read at OFFSET then means nothing.
 */
static const struct kmc_target kmc_targets[] = {
	{ .name = "vmx", .run = "vmx_vcpu_run", .reset = "vmx_vcpu_reset",
	  .set_msr = "vmx_set_msr", .feature = X86_FEATURE_VMX },
	{ .name = "svm", .run = "svm_vcpu_run", .reset = "svm_vcpu_reset",
	  .set_msr = "svm_set_msr", .feature = X86_FEATURE_SVM },
};

int kmc_vmx_init(struct kmc_vmx *v, const char *target)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	raw_spin_lock_init(&v->lock);
	for (i = 0; i < ARRAY_SIZE(kmc_targets); i++) {
		if (!strcmp(target, kmc_targets[i].name)) {
			v->target = &kmc_targets[i];
			return 0;
		}
	}
	pr_err("probe_target=%s: not one of vmx, svm\n", target);
	return -EINVAL;
}

static void kmc_vmx_reset_slots(struct kmc_vmx *v)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&v->lock, flags);
	memset(v->slots, 0, sizeof(v->slots));
	v->nslots = 0;
	v->nvms = 0;
	v->dropped = 0;
	v->faults = 0;
	raw_spin_unlock_irqrestore(&v->lock, flags);
}

/* Called with v->lock held. */
static struct kmc_vmx_slot *kmc_vmx_slot(struct kmc_vmx *v,
					 const struct kvm_vcpu *vcpu)
{
	struct kmc_vmx_slot *s;
	int i, vm = -1;

	for (i = 0; i < v->nslots; i++) {
		s = &v->slots[i];
		if (s->vcpu == vcpu && s->kvm == vcpu->kvm &&
		    s->vcpu_id == vcpu->vcpu_id)
			return s;
		if (s->kvm == vcpu->kvm)
			vm = s->vm;
	}
	if (v->nslots == KMC_VMX_SLOTS) {
		v->dropped++;
		return NULL;
	}
	s = &v->slots[v->nslots++];
	s->kvm = vcpu->kvm;
	s->vcpu = vcpu;
	s->vcpu_id = vcpu->vcpu_id;
	s->vm = vm >= 0 ? vm : v->nvms++;
	s->last = KMC_VAL_NONE;
	memset(s->at, KMC_VAL_NONE, sizeof(s->at));
	return s;
}

static void kmc_vmx_record(struct kmc_vmx *v, const struct kvm_vcpu *vcpu,
			   enum kmc_vmx_src src)
{
	struct kmc_vmx_slot *s;
	unsigned long flags;
	u8 val;
	int err;

	/*
	 * OFFSET must fall inside this vCPU's own slab object (struct
	 * vcpu_vmx, about 12 KiB): ksize() is the size of its slot, so a
	 * bad OFFSET never reads a byte of the object next to it.
	 */
	if (!vcpu || v->offset >= ksize(vcpu))
		err = -ERANGE;
	else
		err = get_kernel_nofault(val, (const u8 *)vcpu + v->offset);
	raw_spin_lock_irqsave(&v->lock, flags);
	if (err) {
		v->faults++;
		goto out;
	}
	s = kmc_vmx_slot(v, vcpu);
	if (!s)
		goto out;
	if (s->last != KMC_VAL_NONE && s->last != val)
		s->changes++;
	s->last = val;
	s->at[src] = val;
	s->count[src]++;
	if (src == KMC_SRC_RUN && val == 1)
		s->runs_disabled++;
out:
	raw_spin_unlock_irqrestore(&v->lock, flags);
}

#if IS_ENABLED(CONFIG_KRETPROBES)

struct kmc_probes {
	struct kmc_vmx *v;
	struct kprobe run;
	struct kretprobe reset;
	struct kretprobe set_msr;
	bool run_on, reset_on, set_msr_on;
};

struct kmc_rp_data {
	struct kvm_vcpu *vcpu;
};

static bool kmc_watched(struct kmc_vmx *v)
{
	return task_tgid(current) == v->pid;
}

static int kmc_run_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kmc_probes *p = container_of(kp, struct kmc_probes, run);
	struct kvm_vcpu *vcpu;

	if (!kmc_watched(p->v))
		return 0;
	vcpu = (struct kvm_vcpu *)regs_get_kernel_argument(regs, 0);
	kmc_vmx_record(p->v, vcpu, KMC_SRC_RUN);
	return 0;
}

/* Entry handlers return non-zero to skip the return handler. */
static int kmc_reset_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kmc_probes *p = container_of(get_kretprobe(ri), struct kmc_probes, reset);
	struct kmc_rp_data *d = (struct kmc_rp_data *)ri->data;

	if (!kmc_watched(p->v))
		return 1;
	d->vcpu = (struct kvm_vcpu *)regs_get_kernel_argument(regs, 0);
	return 0;
}

static int kmc_reset_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kmc_probes *p = container_of(get_kretprobe(ri), struct kmc_probes, reset);
	struct kmc_rp_data *d = (struct kmc_rp_data *)ri->data;

	kmc_vmx_record(p->v, d->vcpu, KMC_SRC_RESET);
	return 0;
}

static int kmc_set_msr_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kmc_probes *p = container_of(get_kretprobe(ri), struct kmc_probes, set_msr);
	struct kmc_rp_data *d = (struct kmc_rp_data *)ri->data;
	struct msr_data *msr;
	unsigned long flags;
	u32 index;

	if (!kmc_watched(p->v))
		return 1;
	msr = (struct msr_data *)regs_get_kernel_argument(regs, 1);
	/* the argument as KVM passed it, read without trusting it */
	if (copy_from_kernel_nofault(&index, &msr->index, sizeof(index))) {
		raw_spin_lock_irqsave(&p->v->lock, flags);
		p->v->faults++;
		raw_spin_unlock_irqrestore(&p->v->lock, flags);
		return 1;
	}
	if (index != MSR_IA32_ARCH_CAPABILITIES)
		return 1;
	d->vcpu = (struct kvm_vcpu *)regs_get_kernel_argument(regs, 0);
	return 0;
}

static int kmc_set_msr_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kmc_probes *p = container_of(get_kretprobe(ri), struct kmc_probes, set_msr);
	struct kmc_rp_data *d = (struct kmc_rp_data *)ri->data;

	kmc_vmx_record(p->v, d->vcpu, KMC_SRC_SET_ARCH_CAP);
	return 0;
}

/* The handlers run inside kprobes: they must not be probed themselves. */
NOKPROBE_SYMBOL(kmc_run_pre);
NOKPROBE_SYMBOL(kmc_reset_entry);
NOKPROBE_SYMBOL(kmc_reset_ret);
NOKPROBE_SYMBOL(kmc_set_msr_entry);
NOKPROBE_SYMBOL(kmc_set_msr_ret);

static void kmc_probes_unregister(struct kmc_probes *p)
{
	if (p->run_on)
		unregister_kprobe(&p->run);
	if (p->reset_on)
		unregister_kretprobe(&p->reset);
	if (p->set_msr_on)
		unregister_kretprobe(&p->set_msr);
	p->run_on = false;
	p->reset_on = false;
	p->set_msr_on = false;
}

static int kmc_probes_register(struct kmc *k, struct kmc_probes *p)
{
	int err;

	p->run.symbol_name = k->vmx.target->run;
	p->run.pre_handler = kmc_run_pre;
	err = register_kprobe(&p->run);
	if (err)
		goto fail;
	p->run_on = true;

	p->reset.kp.symbol_name = k->vmx.target->reset;
	p->reset.entry_handler = kmc_reset_entry;
	p->reset.handler = kmc_reset_ret;
	p->reset.data_size = sizeof(struct kmc_rp_data);
	err = register_kretprobe(&p->reset);
	if (err)
		goto fail;
	p->reset_on = true;

	p->set_msr.kp.symbol_name = k->vmx.target->set_msr;
	p->set_msr.entry_handler = kmc_set_msr_entry;
	p->set_msr.handler = kmc_set_msr_ret;
	p->set_msr.data_size = sizeof(struct kmc_rp_data);
	err = register_kretprobe(&p->set_msr);
	if (err)
		goto fail;
	p->set_msr_on = true;
	return 0;

fail:
	kmc_probes_unregister(p);
	if (err == -ENOENT)
		return kmc_fail(k, err, "watch: %s not found (is kvm_%s loaded?)",
				k->vmx.target->run, k->vmx.target->name);
	return kmc_fail(k, err, "watch: cannot register the kprobes on %s_*",
			k->vmx.target->name);
}

static unsigned long kmc_probes_missed(struct kmc_probes *p)
{
	return p->run.nmissed + p->reset.nmissed + p->set_msr.nmissed +
	       p->reset.kp.nmissed + p->set_msr.kp.nmissed;
}

static int kmc_vmx_check(struct kmc *k, unsigned long offset)
{
	if (!boot_cpu_has(k->vmx.target->feature))
		return kmc_fail(k, -ENODEV, "watch: this CPU has no %s", k->vmx.target->name);
	if (offset < sizeof(struct kvm_vcpu) || offset >= KMC_VMX_MAX_OFFSET)
		return kmc_fail(k, -ERANGE,
				"watch: OFFSET 0x%lx outside [0x%zx, 0x%x): not a member of struct vcpu_vmx after its kvm_vcpu",
				offset, sizeof(struct kvm_vcpu), KMC_VMX_MAX_OFFSET);
	return 0;
}

int kmc_vmx_watch(struct kmc *k, struct pid *pid, unsigned long offset)
{
	struct kmc_vmx *v = &k->vmx;
	struct kmc_probes *p;
	int err;

	err = kmc_vmx_check(k, offset);
	if (err)
		return err;
	kmc_vmx_unwatch(v);
	kmc_vmx_reset_slots(v);

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return kmc_fail(k, -ENOMEM, "watch: out of memory");
	p->v = v;
	v->pid = get_pid(pid);
	v->offset = offset;
	err = kmc_probes_register(k, p);
	if (err) {
		put_pid(v->pid);
		v->pid = NULL;
		kfree(p);
		v->arm_err = err;
		return err;
	}
	v->probes = p;
	v->armed = true;
	v->arm_err = 0;
	return 0;
}

void kmc_vmx_unwatch(struct kmc_vmx *v)
{
	struct kmc_probes *p = v->probes;

	if (!p)
		return;
	kmc_probes_unregister(p);
	kfree(p);
	v->probes = NULL;
	v->armed = false;
	put_pid(v->pid);
	v->pid = NULL;
}

static const char *kmc_vmx_unavailable(struct kmc_vmx *v)
{
	if (boot_cpu_has(v->target->feature))
		return NULL;
	return v->target->feature == X86_FEATURE_VMX ? "no-vmx" : "no-svm";
}

#else /* !CONFIG_KRETPROBES */

int kmc_vmx_watch(struct kmc *k, struct pid *pid, unsigned long offset)
{
	return kmc_fail(k, -EOPNOTSUPP, "watch: kernel built without CONFIG_KRETPROBES");
}

void kmc_vmx_unwatch(struct kmc_vmx *v)
{
}

static unsigned long kmc_probes_missed(void *p)
{
	return 0;
}

static const char *kmc_vmx_unavailable(struct kmc_vmx *v)
{
	return "no-kretprobes";
}

#endif /* CONFIG_KRETPROBES */

static void kmc_vmx_show_slot(struct seq_file *m, const struct kmc_vmx_slot *s)
{
	char pfx[40];
	int i;

	snprintf(pfx, sizeof(pfx), "vmx.vm%d.vcpu%d", s->vm, s->vcpu_id);
	seq_printf(m, "%s.disable_fb_clear %u\n", pfx, s->last);
	for (i = 0; i < KMC_SRC_NR; i++) {
		if (s->at[i] == KMC_VAL_NONE)
			seq_printf(m, "%s.%s none\n", pfx, kmc_src_key[i]);
		else
			seq_printf(m, "%s.%s %u\n", pfx, kmc_src_key[i], s->at[i]);
	}
	for (i = 0; i < KMC_SRC_NR; i++)
		seq_printf(m, "%s.%s %llu\n", pfx, kmc_src_count_key[i], s->count[i]);
	seq_printf(m, "%s.runs_disabled %llu\n", pfx, s->runs_disabled);
	seq_printf(m, "%s.changes %llu\n", pfx, s->changes);
}

static void kmc_vmx_show_status(struct seq_file *m, struct kmc_vmx *v)
{
	const char *why = kmc_vmx_unavailable(v);

	if (v->armed) {
		seq_puts(m, "vmx.status armed\n");
		seq_printf(m, "vmx.watch.pid %d\n", pid_vnr(v->pid));
		seq_printf(m, "vmx.watch.offset 0x%lx\n", v->offset);
		seq_printf(m, "vmx.watch.missed %lu\n", kmc_probes_missed(v->probes));
	} else if (v->arm_err) {
		seq_printf(m, "vmx.status failed error:%d\n", v->arm_err);
	} else if (why) {
		seq_printf(m, "vmx.status unavailable %s\n", why);
	} else {
		seq_puts(m, "vmx.status idle\n");
	}
}

void kmc_vmx_show(struct seq_file *m, struct kmc_vmx *v)
{
	struct kmc_vmx_slot *slots;
	unsigned long flags;
	u64 dropped, faults;
	int i, n;

	seq_printf(m, "vmx.probe_target %s\n", v->target->name);
	seq_printf(m, "vmx.min_offset 0x%zx\n", sizeof(struct kvm_vcpu));
	kmc_vmx_show_status(m, v);
	slots = kmalloc_array(KMC_VMX_SLOTS, sizeof(*slots), GFP_KERNEL);
	if (!slots) {
		seq_puts(m, "vmx.slots unavailable out-of-memory\n");
		return;
	}
	raw_spin_lock_irqsave(&v->lock, flags);
	n = v->nslots;
	memcpy(slots, v->slots, n * sizeof(*slots));
	dropped = v->dropped;
	faults = v->faults;
	raw_spin_unlock_irqrestore(&v->lock, flags);

	seq_printf(m, "vmx.slots %d\n", n);
	seq_printf(m, "vmx.dropped %llu\n", dropped);
	seq_printf(m, "vmx.faults %llu\n", faults);
	for (i = 0; i < n; i++)
		kmc_vmx_show_slot(m, &slots[i]);
	kfree(slots);
}
