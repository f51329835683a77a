// SPDX-License-Identifier: GPL-2.0
/*
 * kmc: VERW latency on the host, for calibrating the guest-side probe.
 *
 * On one CPU, with interrupts off (an IPI handler), kmc times SAMPLES
 * executions of VERW (with the kernel data selector, as the kernel's own
 * buffer clearing does), each bracketed by RDTSC with ordering fences, in
 * batches of at most KMC_VERW_BATCH samples of each kind: interrupts are on
 * again, and the caller may reschedule, between batches, so a calibration
 * never keeps a CPU's interrupts off for more than a few hundred VERWs:
 *
 *   overhead   the bracket alone
 *   asis       VERW with MSR_IA32_MCU_OPT_CTRL as found
 *   dis1       VERW with FB_CLEAR_DIS set     (fill buffers not cleared)
 *   dis0       VERW with FB_CLEAR_DIS clear   (fill buffers cleared)
 *
 * dis1/dis0 only where ARCH_CAPABILITIES has FB_CLEAR_CTRL; the original
 * MCU_OPT_CTRL value is written back before interrupts are enabled again,
 * so KVM, which sets FB_CLEAR_DIS only with interrupts off, never sees our
 * value. The medians and minima are reported in TSC cycles.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>

#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/segment.h>
#include <asm/tsc.h>

#include "compat.h"
#include "kmc.h"

#define KMC_VERW_WARMUP	16
/* samples of each kind per interrupts-off stretch (4 kinds: 256 VERWs at most) */
#define KMC_VERW_BATCH	64

struct kmc_verw_ctx {
	struct kmc_verw *r;
	unsigned int n;			/* samples in all */
	unsigned int off, len;		/* this batch: samples [off, off + len) */
	u64 *buf[KMC_VERW_NR];
};

static const char *const kmc_verw_key[KMC_VERW_NR] = {
	[KMC_VERW_OVERHEAD]	= "overhead",
	[KMC_VERW_ASIS]		= "asis",
	[KMC_VERW_DIS0]		= "fb_clear_dis0",
	[KMC_VERW_DIS1]		= "fb_clear_dis1",
};

static __always_inline void kmc_verw(void)
{
	static const u16 ds = __KERNEL_DS;

	asm volatile("verw %[ds]" : : [ds] "m" (ds) : "cc");
}

static void kmc_time_verw(u64 *out, unsigned int n)
{
	unsigned int i;
	u64 t0;

	for (i = 0; i < n; i++) {
		t0 = rdtsc_ordered();
		kmc_verw();
		out[i] = rdtsc_ordered() - t0;
	}
}

static void kmc_time_nothing(u64 *out, unsigned int n)
{
	unsigned int i;
	u64 t0;

	for (i = 0; i < n; i++) {
		t0 = rdtsc_ordered();
		out[i] = rdtsc_ordered() - t0;
	}
}

/* Runs on the chosen CPU with interrupts disabled. */
static void kmc_verw_fb_clear(struct kmc_verw_ctx *c)
{
	struct kmc_verw *r = c->r;
	u64 orig;

	if (rdmsrq_safe(MSR_IA32_MCU_OPT_CTRL, &orig)) {
		r->err = -EIO;
		return;
	}
	r->mcu_opt_ctrl = orig;
	if (wrmsrq_safe(MSR_IA32_MCU_OPT_CTRL, orig | FB_CLEAR_DIS)) {
		r->err = -EIO;
		return;
	}
	kmc_time_verw(c->buf[KMC_VERW_DIS1] + c->off, c->len);
	r->have[KMC_VERW_DIS1] = true;
	if (!wrmsrq_safe(MSR_IA32_MCU_OPT_CTRL, orig & ~FB_CLEAR_DIS)) {
		kmc_time_verw(c->buf[KMC_VERW_DIS0] + c->off, c->len);
		r->have[KMC_VERW_DIS0] = true;
	} else {
		r->err = -EIO;
	}
	if (wrmsrq_safe(MSR_IA32_MCU_OPT_CTRL, orig))
		r->err = -EIO;
}

static void kmc_verw_on_cpu(void *arg)
{
	struct kmc_verw_ctx *c = arg;
	struct kmc_verw *r = c->r;
	u64 warm[KMC_VERW_WARMUP];

	if (!c->off) {
		r->cpu = smp_processor_id();
		r->arch_cap = 0;
		if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES) &&
		    rdmsrq_safe(MSR_IA32_ARCH_CAPABILITIES, &r->arch_cap))
			r->arch_cap = 0;
		r->fb_clear_ctrl = !!(r->arch_cap & ARCH_CAP_FB_CLEAR_CTRL);
	}

	kmc_time_verw(warm, ARRAY_SIZE(warm));
	kmc_time_nothing(c->buf[KMC_VERW_OVERHEAD] + c->off, c->len);
	r->have[KMC_VERW_OVERHEAD] = true;
	kmc_time_verw(c->buf[KMC_VERW_ASIS] + c->off, c->len);
	r->have[KMC_VERW_ASIS] = true;
	if (r->fb_clear_ctrl)
		kmc_verw_fb_clear(c);
}

static int kmc_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void kmc_verw_summarise(struct kmc_verw_ctx *c)
{
	struct kmc_verw *r = c->r;
	int i;

	for (i = 0; i < KMC_VERW_NR; i++) {
		if (!r->have[i])
			continue;
		sort(c->buf[i], c->n, sizeof(u64), kmc_cmp_u64, NULL);
		r->min[i] = c->buf[i][0];
		r->median[i] = c->buf[i][c->n / 2];
	}
}

static int kmc_verw_pick_cpu(struct kmc *k, int cpu)
{
	if (cpu < 0)
		return cpumask_first(cpu_online_mask);
	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return kmc_fail(k, -ENXIO, "verw: CPU %d is not online", cpu);
	return cpu;
}

int kmc_verw_run(struct kmc *k, unsigned int samples, int cpu)
{
	struct kmc_verw *r = &k->verw;
	struct kmc_verw_ctx c = { .r = r, .n = samples };
	u64 *mem;
	int i, err;

	if (samples < 1 || samples > KMC_VERW_MAX_SAMPLES)
		return kmc_fail(k, -EINVAL, "verw: SAMPLES %u outside 1..%d",
				samples, KMC_VERW_MAX_SAMPLES);
	mem = kvmalloc_array((size_t)samples * KMC_VERW_NR, sizeof(u64), GFP_KERNEL);
	if (!mem)
		return kmc_fail(k, -ENOMEM, "verw: cannot allocate %u samples", samples);
	for (i = 0; i < KMC_VERW_NR; i++)
		c.buf[i] = mem + (size_t)i * samples;

	memset(r, 0, sizeof(*r));
	err = 0;
	cpus_read_lock();
	cpu = kmc_verw_pick_cpu(k, cpu);
	cpus_read_unlock();
	/* bounded batches on that one CPU, rescheduling between them */
	for (c.off = 0; cpu >= 0 && !err && !r->err && c.off < samples; c.off += c.len) {
		c.len = min_t(unsigned int, KMC_VERW_BATCH, samples - c.off);
		cpus_read_lock();
		if (cpu_online(cpu))
			err = smp_call_function_single(cpu, kmc_verw_on_cpu, &c, 1);
		else
			err = -ENXIO;
		cpus_read_unlock();
		cond_resched();
	}
	if (cpu < 0 || err) {
		kvfree(mem);
		memset(r, 0, sizeof(*r));
		if (cpu < 0)
			return cpu;
		return kmc_fail(k, err, "verw: cannot run on CPU %d", cpu);
	}
	r->samples = samples;
	r->done = true;
	kmc_verw_summarise(&c);
	kvfree(mem);
	if (r->err)
		return kmc_fail(k, r->err, "verw: MSR_IA32_MCU_OPT_CTRL access failed on CPU %d",
				r->cpu);
	return 0;
}

void kmc_verw_show(struct seq_file *m, struct kmc_verw *r)
{
	int i;

	if (!r->done) {
		seq_puts(m, "verw.status not_run\n");
		return;
	}
	if (r->err)
		seq_printf(m, "verw.status failed error:%d\n", r->err);
	else
		seq_puts(m, "verw.status done\n");
	seq_printf(m, "verw.cpu %d\n", r->cpu);
	seq_printf(m, "verw.samples %u\n", r->samples);
	seq_printf(m, "verw.tsc_khz %u\n", tsc_khz);
	seq_printf(m, "verw.arch_cap 0x%016llx\n", r->arch_cap);
	seq_printf(m, "verw.fb_clear_ctrl %d\n", r->fb_clear_ctrl);
	if (r->fb_clear_ctrl)
		seq_printf(m, "verw.mcu_opt_ctrl 0x%016llx\n", r->mcu_opt_ctrl);
	else
		seq_puts(m, "verw.mcu_opt_ctrl unavailable no-fb-clear-ctrl\n");
	for (i = 0; i < KMC_VERW_NR; i++) {
		if (!r->have[i]) {
			seq_printf(m, "verw.%s.median unavailable %s\n", kmc_verw_key[i],
				   r->fb_clear_ctrl ? "msr-write-failed" : "no-fb-clear-ctrl");
			continue;
		}
		seq_printf(m, "verw.%s.median %llu\n", kmc_verw_key[i], r->median[i]);
		seq_printf(m, "verw.%s.min %llu\n", kmc_verw_key[i], r->min[i]);
	}
}
