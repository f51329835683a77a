/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels kmc builds against (5.10, 6.1, 6.12,
 * 7.2, 7.3 and the running one). Kbuild probes the target's headers and Module.symvers
 * and passes the results as -D flags (see Kbuild); these are the defaults
 * when a probe did not run.
 */
#ifndef KMC_COMPAT_H
#define KMC_COMPAT_H

/* 6.16 renamed the 64-bit MSR accessors from rdmsrl* to rdmsrq*. */
#ifndef KMC_HAVE_RDMSRQ
#define rdmsrq_safe_on_cpu(cpu, msr, q)	rdmsrl_safe_on_cpu(cpu, msr, q)
#define rdmsrq_safe(msr, q)		rdmsrl_safe(msr, q)
#define wrmsrq_safe(msr, val)		wrmsrl_safe(msr, val)
#endif

/* get_kretprobe() came with 5.11; 5.10's kretprobe_instance points at it. */
#include <linux/version.h>
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
#define get_kretprobe(ri)	((ri)->rp)
#endif

/*
 * The target kernel's VERSION.PATCHLEVEL.SUBLEVEL from its top Makefile
 * (Kbuild), for the "kernel.version" fact: Debian's uname -r does not
 * carry the sublevel (6.1.0-57-amd64 is 6.1.192).
 */
#ifndef KMC_KERNEL_VERSION
#define KMC_KERNEL_VERSION	"unknown"
#endif

/* 1: exported to any GPL module; 2: only inside a namespace; 0: no. */
#ifndef KMC_EXPORT_l1tf_vmx_mitigation
#define KMC_EXPORT_l1tf_vmx_mitigation		0
#endif
#ifndef KMC_EXPORT_gds_ucode_mitigated
#define KMC_EXPORT_gds_ucode_mitigated		0
#endif
#ifndef KMC_EXPORT_mmio_stale_data_clear
#define KMC_EXPORT_mmio_stale_data_clear	0
#endif
#ifndef KMC_EXPORT_cpu_buf_vm_clear
#define KMC_EXPORT_cpu_buf_vm_clear		0
#endif

/* 1: <asm/nospec-branch.h> declares the static key. */
#ifndef KMC_DECL_mmio_stale_data_clear
#define KMC_DECL_mmio_stale_data_clear		0
#endif
#ifndef KMC_DECL_cpu_buf_vm_clear
#define KMC_DECL_cpu_buf_vm_clear		0
#endif

#endif /* KMC_COMPAT_H */
