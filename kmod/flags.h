/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPU feature and bug flags kmc reports, resolved against the target
 * kernel's <asm/cpufeatures.h> at compile time. A flag the target kernel
 * does not define is reported as "absent".
 *
 * Included twice by facts.c, with KMC_FEATURES or KMC_VULNS defined and
 * KMC_FEATURE/KMC_VULN/KMC_ABSENT defined to build one table each time.
 */

/* ---- features (synthetic flags first: they have no /proc/cpuinfo name) */
#ifdef KMC_FEATURES

#ifdef X86_FEATURE_CLEAR_CPU_BUF
KMC_FEATURE(clear_cpu_buf, X86_FEATURE_CLEAR_CPU_BUF)
#else
KMC_ABSENT(clear_cpu_buf)
#endif
#ifdef X86_FEATURE_CLEAR_CPU_BUF_VM
KMC_FEATURE(clear_cpu_buf_vm, X86_FEATURE_CLEAR_CPU_BUF_VM)
#else
KMC_ABSENT(clear_cpu_buf_vm)
#endif
#ifdef X86_FEATURE_CLEAR_CPU_BUF_VM_MMIO
KMC_FEATURE(clear_cpu_buf_vm_mmio, X86_FEATURE_CLEAR_CPU_BUF_VM_MMIO)
#else
KMC_ABSENT(clear_cpu_buf_vm_mmio)
#endif
#ifdef X86_FEATURE_MSR_TSX_CTRL
KMC_FEATURE(msr_tsx_ctrl, X86_FEATURE_MSR_TSX_CTRL)
#else
KMC_ABSENT(msr_tsx_ctrl)
#endif
#ifdef X86_FEATURE_IBRS_ENHANCED
KMC_FEATURE(ibrs_enhanced, X86_FEATURE_IBRS_ENHANCED)
#else
KMC_ABSENT(ibrs_enhanced)
#endif
#ifdef X86_FEATURE_CLEAR_BHB_LOOP
KMC_FEATURE(clear_bhb_loop, X86_FEATURE_CLEAR_BHB_LOOP)
#else
KMC_ABSENT(clear_bhb_loop)
#endif
#ifdef X86_FEATURE_CLEAR_BHB_VMEXIT
KMC_FEATURE(clear_bhb_vmexit, X86_FEATURE_CLEAR_BHB_VMEXIT)
#else
KMC_ABSENT(clear_bhb_vmexit)
#endif
/* hardware flags KVM's decisions read */
#ifdef X86_FEATURE_ARCH_CAPABILITIES
KMC_FEATURE(arch_capabilities, X86_FEATURE_ARCH_CAPABILITIES)
#else
KMC_ABSENT(arch_capabilities)
#endif
#ifdef X86_FEATURE_MD_CLEAR
KMC_FEATURE(md_clear, X86_FEATURE_MD_CLEAR)
#else
KMC_ABSENT(md_clear)
#endif
#ifdef X86_FEATURE_FLUSH_L1D
KMC_FEATURE(flush_l1d, X86_FEATURE_FLUSH_L1D)
#else
KMC_ABSENT(flush_l1d)
#endif
#ifdef X86_FEATURE_RTM
KMC_FEATURE(rtm, X86_FEATURE_RTM)
#else
KMC_ABSENT(rtm)
#endif
#ifdef X86_FEATURE_HLE
KMC_FEATURE(hle, X86_FEATURE_HLE)
#else
KMC_ABSENT(hle)
#endif
#ifdef X86_FEATURE_RTM_ALWAYS_ABORT
KMC_FEATURE(rtm_always_abort, X86_FEATURE_RTM_ALWAYS_ABORT)
#else
KMC_ABSENT(rtm_always_abort)
#endif
#ifdef X86_FEATURE_SRBDS_CTRL
KMC_FEATURE(srbds_ctrl, X86_FEATURE_SRBDS_CTRL)
#else
KMC_ABSENT(srbds_ctrl)
#endif
#ifdef X86_FEATURE_BHI_CTRL
KMC_FEATURE(bhi_ctrl, X86_FEATURE_BHI_CTRL)
#else
KMC_ABSENT(bhi_ctrl)
#endif
#ifdef X86_FEATURE_SPEC_CTRL
KMC_FEATURE(spec_ctrl, X86_FEATURE_SPEC_CTRL)
#else
KMC_ABSENT(spec_ctrl)
#endif
#ifdef X86_FEATURE_AVX
KMC_FEATURE(avx, X86_FEATURE_AVX)
#else
KMC_ABSENT(avx)
#endif
#ifdef X86_FEATURE_VERW_CLEAR
KMC_FEATURE(verw_clear, X86_FEATURE_VERW_CLEAR)
#else
KMC_ABSENT(verw_clear)
#endif
#ifdef X86_FEATURE_HYPERVISOR
KMC_FEATURE(hypervisor, X86_FEATURE_HYPERVISOR)
#else
KMC_ABSENT(hypervisor)
#endif
#ifdef X86_FEATURE_VMX
KMC_FEATURE(vmx, X86_FEATURE_VMX)
#else
KMC_ABSENT(vmx)
#endif
#ifdef X86_FEATURE_SVM
KMC_FEATURE(svm, X86_FEATURE_SVM)
#else
KMC_ABSENT(svm)
#endif

#endif /* KMC_FEATURES */

/*
 * ---- bugs: the ones KVM's ARCH_CAPABILITIES and FB_CLEAR_DIS logic reads,
 * and those the harness's bug-derivation vectors compare against
 */
#ifdef KMC_VULNS

#ifdef X86_BUG_CPU_MELTDOWN
KMC_VULN(cpu_meltdown, X86_BUG_CPU_MELTDOWN)
#else
KMC_ABSENT(cpu_meltdown)
#endif
#ifdef X86_BUG_SPECTRE_V2
KMC_VULN(spectre_v2, X86_BUG_SPECTRE_V2)
#else
KMC_ABSENT(spectre_v2)
#endif
#ifdef X86_BUG_SPEC_STORE_BYPASS
KMC_VULN(spec_store_bypass, X86_BUG_SPEC_STORE_BYPASS)
#else
KMC_ABSENT(spec_store_bypass)
#endif
#ifdef X86_BUG_L1TF
KMC_VULN(l1tf, X86_BUG_L1TF)
#else
KMC_ABSENT(l1tf)
#endif
#ifdef X86_BUG_MDS
KMC_VULN(mds, X86_BUG_MDS)
#else
KMC_ABSENT(mds)
#endif
#ifdef X86_BUG_MSBDS_ONLY
KMC_VULN(msbds_only, X86_BUG_MSBDS_ONLY)
#else
KMC_ABSENT(msbds_only)
#endif
#ifdef X86_BUG_SWAPGS
KMC_VULN(swapgs, X86_BUG_SWAPGS)
#else
KMC_ABSENT(swapgs)
#endif
#ifdef X86_BUG_TAA
KMC_VULN(taa, X86_BUG_TAA)
#else
KMC_ABSENT(taa)
#endif
#ifdef X86_BUG_ITLB_MULTIHIT
KMC_VULN(itlb_multihit, X86_BUG_ITLB_MULTIHIT)
#else
KMC_ABSENT(itlb_multihit)
#endif
#ifdef X86_BUG_SRBDS
KMC_VULN(srbds, X86_BUG_SRBDS)
#else
KMC_ABSENT(srbds)
#endif
#ifdef X86_BUG_MMIO_STALE_DATA
KMC_VULN(mmio_stale_data, X86_BUG_MMIO_STALE_DATA)
#else
KMC_ABSENT(mmio_stale_data)
#endif
#ifdef X86_BUG_MMIO_UNKNOWN
KMC_VULN(mmio_unknown, X86_BUG_MMIO_UNKNOWN)
#else
KMC_ABSENT(mmio_unknown)
#endif
#ifdef X86_BUG_RETBLEED
KMC_VULN(retbleed, X86_BUG_RETBLEED)
#else
KMC_ABSENT(retbleed)
#endif
#ifdef X86_BUG_EIBRS_PBRSB
KMC_VULN(eibrs_pbrsb, X86_BUG_EIBRS_PBRSB)
#else
KMC_ABSENT(eibrs_pbrsb)
#endif
#ifdef X86_BUG_GDS
KMC_VULN(gds, X86_BUG_GDS)
#else
KMC_ABSENT(gds)
#endif
#ifdef X86_BUG_RFDS
KMC_VULN(rfds, X86_BUG_RFDS)
#else
KMC_ABSENT(rfds)
#endif
#ifdef X86_BUG_BHI
KMC_VULN(bhi, X86_BUG_BHI)
#else
KMC_ABSENT(bhi)
#endif
#ifdef X86_BUG_ITS
KMC_VULN(its, X86_BUG_ITS)
#else
KMC_ABSENT(its)
#endif
#ifdef X86_BUG_ITS_NATIVE_ONLY
KMC_VULN(its_native_only, X86_BUG_ITS_NATIVE_ONLY)
#else
KMC_ABSENT(its_native_only)
#endif
#ifdef X86_BUG_TSA
KMC_VULN(tsa, X86_BUG_TSA)
#else
KMC_ABSENT(tsa)
#endif
#ifdef X86_BUG_VMSCAPE
KMC_VULN(vmscape, X86_BUG_VMSCAPE)
#else
KMC_ABSENT(vmscape)
#endif

#endif /* KMC_VULNS */
