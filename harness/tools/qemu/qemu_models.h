/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `kmc qemu-models`: QEMU's named CPU models (data/qemu/) on a host and a
 * kernel profile -- what KVM lacks of each, what its guest is told, what
 * its VERW does (docs/qemu-models.md).
 */
#ifndef KMC_QEMU_MODELS_H
#define KMC_QEMU_MODELS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kmc/arch.h"
#include "qemu_data.h"

/*
 * QEMU qemu.git 00001a22d183 ("i386/kvm: Expose ARCH_CAP_FB_CLEAR when
 * invulnerable to MDS"): FB_CLEAR is added to KVM's 0x10a value when it
 * has these five bits
 */
#define KMC_QEMU_FIVE_NO (KMC_AC_MDS_NO | KMC_AC_TAA_NO | KMC_AC_SBDR_SSDP_NO | \
			  KMC_AC_FBSDP_NO | KMC_AC_PSDP_NO)

/* Does QEMU MAJOR.MINOR.MICRO have that change (10.0.6, 10.1.2, 10.2 on) */
int kmc_qemu_has_fb_clear_synth(unsigned int major, unsigned int minor, unsigned int micro);

/* One model on the host, as QEMU on that KVM would start it */
struct qm_verdict {
	uint64_t want_cpuid;		/* the model's features whose KVM support kmc models */
	uint64_t lack_ac, lack_cpuid;	/* of those and its 0x10a bits, what KVM lacks */
	uint64_t guest_ac, guest_cpuid;	/* what the guest gets without enforce */
	int verw;			/* 1 clears the fill buffers, 0 not, -1 no VMX */
	uint32_t findings;
};

struct qm_host {
	uint64_t kvm_arch_cap, kvm_cpuid;	/* the model's view of the host's KVM */
	uint64_t supported_ac, supported_cpuid;	/* what this QEMU takes from them */
	int synth, synth_fires;
};

struct kmc_obs;
struct kmc_hostspec;

/* What this QEMU (@d) takes from the host's KVM (@hv, the model's view) */
void qm_host_of(const struct kmc_obs *hv, const struct qd_data *d, struct qm_host *q);
/* Model @m started on that host; -EINVAL if the model cannot evaluate it */
int qm_eval(const struct kmc_hostspec *h, const struct qm_host *q, const struct qd_model *m,
	    struct qm_verdict *v);
/* @dir/qemu-*.txt whose version starts with @want (NULL: all), sorted; free each and the array */
int qm_data_files(const char *dir, const char *want, char ***paths, unsigned int *n, char *err,
		  size_t len);

struct kmc_qemu_models_args {
	const char *host, *profile;	/* `host` tokens, kernel profile */
	const char *data_dir;		/* data/qemu */
	const char *qemu;		/* a version prefix, or NULL for every file */
	int json;
	const char *observed;	/* compare with a lab's enforce starts (qemu_check.c) */
};

/*
 * Print the table (or JSON) on @out.  0, or a negative errno with the
 * reason in @err (-EINVAL: a host, profile or version it cannot use;
 * -ENOENT/-EBADMSG: the data).
 */
int kmc_qemu_models(FILE *out, const struct kmc_qemu_models_args *a, char *err, size_t len);

/*
 * With a->observed: KTAP of the predictions against a lab's enforce starts
 * (qemu_check.c).  0 all agree, 1 some differ, or a negative errno with the
 * reason in @err.
 */
int kmc_qemu_check(FILE *out, const struct kmc_qemu_models_args *a, char *err, size_t len);

#endif
