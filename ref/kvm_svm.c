// SPDX-License-Identifier: GPL-2.0
/*
 * arch/x86/kvm/svm/svm.c: none of kmc's MSRs is SVM-specific (there is no
 * TSX_CTRL emulation and no FB_CLEAR_DIS logic on SVM), and CR4 writes are
 * always intercepted, so every CR4 change goes through kvm_set_cr4().
 */
#include "internal.h"

int svm_get_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t *data, bool host)
{
	return kvm_get_msr_common(vcpu, index, data, host);
}

int svm_set_msr(struct kvm_vcpu *vcpu, uint32_t index, uint64_t data, bool host)
{
	return kvm_set_msr_common(vcpu, index, data, host);
}

/* svm_set_cr4() via the CR4 write intercept */
int svm_set_cr4_guest(struct kvm_vcpu *vcpu, uint64_t bits)
{
	return kvm_set_cr4(vcpu, vcpu->cr4 | bits);
}
