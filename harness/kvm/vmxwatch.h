/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kvm backend needs to observe vmx->disable_fb_clear through
 * kmc.ko (docs/kmod.md, docs/kvm-backend.md "VMX: the vmx watch"):
 *
 *   kvm_btf.c     a minimal BTF reader (the format of the kernel's
 *                 Documentation/bpf/btf.rst, base and split BTF) and the
 *                 OFFSET that "watch PID OFFSET" wants, from kvm_intel's BTF
 *   kvm_kmcdev.c  /dev/kmc: one command per write, the facts parsed into
 *                 what the backend uses (vmx.*, the host's VERW facts)
 *
 * Errors are a negative errno with a message naming the file and what was
 * wrong with it ("/sys/kernel/btf/kvm_intel: type 812: member list runs
 * past the type section").
 */
#ifndef KMC_VMXWATCH_H
#define KMC_VMXWATCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- BTF (kvm_btf.c) ----------------------------------------------------- */

#define KMC_BTF_SYSFS_VMLINUX	"/sys/kernel/btf/vmlinux"
#define KMC_BTF_SYSFS_KVM_INTEL	"/sys/kernel/btf/kvm_intel"

/* One BTF blob: a base (vmlinux) or split BTF on top of a base (a module) */
struct kmc_btf {
	char name[256];			/* for messages: the file it came from */
	const struct kmc_btf *base;	/* split BTF: its base, else NULL */
	const uint8_t *types;		/* the type section */
	uint32_t types_len;
	const char *strs;		/* the string section */
	uint32_t str_len;
	uint32_t start_id;		/* id of the first type here (1 in a base) */
	uint32_t start_str;		/* string offset of strs[0] (0 in a base) */
	uint32_t ntypes;		/* types in this blob */
	uint32_t *off;			/* offset of each type in types[] */
	uint8_t *owned;			/* the file's bytes when read by kmc_btf_load() */
};

/*
 * Check @data (@len bytes, named @name in messages) as BTF on top of @base
 * (NULL: a base itself) and index its types.  @data must outlive @b.
 * 0, or -EINVAL (-ENOMEM) with what is wrong in @msg.  kmc_btf_free() in
 * any case.
 */
int kmc_btf_parse(struct kmc_btf *b, const void *data, size_t len, const char *name,
		  const struct kmc_btf *base, char *msg, size_t mlen);
/* The same for the file @path (sysfs BTF files, or a .BTF section saved to a file) */
int kmc_btf_load(struct kmc_btf *b, const char *path, const struct kmc_btf *base,
		 char *msg, size_t mlen);
void kmc_btf_free(struct kmc_btf *b);

/* The layout facts of struct vcpu_vmx that "watch PID OFFSET" rests on */
struct kmc_btf_vmx {
	uint32_t offset;	/* disable_fb_clear - vcpu, in bytes: OFFSET */
	uint32_t field_off;	/* offsetof(struct vcpu_vmx, disable_fb_clear) */
	uint32_t vcpu_off;	/* offsetof(struct vcpu_vmx, vcpu) (0 so far) */
	uint32_t field_size;	/* sizeof disable_fb_clear (1: a bool) */
	uint32_t vcpu_vmx_size;	/* sizeof(struct vcpu_vmx) */
	uint32_t kvm_vcpu_size;	/* sizeof(struct kvm_vcpu): kmc.ko's vmx.min_offset */
	uint32_t type_id;	/* struct vcpu_vmx's type id */
};

/*
 * struct vcpu_vmx in @b (kvm_intel's split BTF, or a vmlinux with
 * kvm_intel built in): its member disable_fb_clear (a one-byte integer,
 * not a bit-field), its member vcpu (a struct kvm_vcpu) and the offset
 * between them.  0, or -ENOENT/-EINVAL with the reason in @msg.
 */
int kmc_btf_vmx_layout(const struct kmc_btf *b, struct kmc_btf_vmx *out, char *msg, size_t mlen);
/*
 * The layout from the files @base_path (NULL: /sys/kernel/btf/vmlinux) and
 * @mod_path (NULL: /sys/kernel/btf/kvm_intel).  A missing module file is
 * taken as kvm_intel built in: then the base must have struct vcpu_vmx.
 * @src says what was read.
 */
int kmc_vmx_layout_files(const char *base_path, const char *mod_path, struct kmc_btf_vmx *out,
			 char *src, size_t slen, char *msg, size_t mlen);

/* ---- /dev/kmc (kvm_kmcdev.c) --------------------------------------------- */

#define KMC_DEV_PATH		"/dev/kmc"
#define KMC_DEV_MAX_SLOTS	32	/* kmc.ko's KMC_VMX_SLOTS */
#define KMC_DEV_MAX_CPUS	4096

/* -1 where kmc.ko said `none` (not observed yet) */
struct kmc_dev_slot {
	int vm, vcpu;
	int last;			/* vmx.vmV.vcpuI.disable_fb_clear */
	int after_reset, after_set_arch_cap, at_run;
	uint64_t resets, arch_cap_writes, runs, changes;
	/* VM-entries with disable_fb_clear = 1 (kmc.ko from 2026-12-07 on; older ones lack it) */
	int have_runs_disabled;
	uint64_t runs_disabled;
};

/* A tri-state fact: 1, 0, or -1 (absent, unavailable, not in the text) */
struct kmc_dev_facts {
	int format;			/* kmc.format, 0 if missing */
	char last_error[160];		/* kmc.last_error (with its message) */
	/* vmx */
	char vmx_status[64];		/* "armed", "idle", "failed error:-2", ... */
	int64_t min_offset;		/* vmx.min_offset, -1 if missing */
	int64_t watch_offset;		/* vmx.watch.offset while armed, else -1 */
	int64_t watch_pid;		/* vmx.watch.pid while armed, else -1 */
	uint64_t missed, dropped, faults;
	int nslots;			/* vmx.slots; -1 if missing */
	unsigned int nslot_seen;	/* slots parsed below */
	struct kmc_dev_slot slot[KMC_DEV_MAX_SLOTS];
	int bad_slot_value;		/* a slot value that is neither 0/1 nor none was seen */
	/* what the host's VERW does (docs/observations.md): kmc.ko's facts */
	int bug_mds, feat_md_clear, feat_arch_cap;
	int cpu_online;			/* cpu.online, -1 if missing */
	unsigned int nac;		/* msr.cpuN.0x10a lines with a value */
	unsigned int nac_fault;		/* ... that said fault */
	uint64_t ac_and, ac_or;		/* AND and OR of those values */
};

/* Parse the facts text; lines kmc-run does not use are ignored */
void kmc_dev_parse(const char *text, struct kmc_dev_facts *f);
/* Read and parse @path (NULL: /dev/kmc): 0 or -errno ("/dev/kmc: ...") */
int kmc_dev_read(const char *path, struct kmc_dev_facts *f, char *msg, size_t len);
/*
 * Write one command to @path: 0, or -errno with "write 'CMD' to PATH:
 * STRERROR (kmc.last_error: ...)" in @msg.
 */
int kmc_dev_cmd(const char *path, const char *cmd, char *msg, size_t len);
/* The slot of vCPU @vcpu of VM @vm, or NULL */
const struct kmc_dev_slot *kmc_dev_slot_find(const struct kmc_dev_facts *f, int vm, int vcpu);

/*
 * Facts read while kmc-run's watch (thread group @pid, @offset) is armed
 * for one VM: the watch must still be armed and be that one, have lost
 * nothing, have seen one VM (vm0) and the creation (vmx_vcpu_reset()) of
 * its vCPU @vcpu; every value a bool.  The slot, or NULL with the reason
 * in @why (the watch's own key names, for the report).
 */
const struct kmc_dev_slot *kmc_dev_watch_slot(const struct kmc_dev_facts *f, long pid,
					      uint32_t offset, int vcpu, char *why, size_t len);
/*
 * disable_fb_clear at the VM-entry that ran one guest command, from the
 * slot before and after it: at least one VM-entry (vmx_vcpu_run()), and
 * no reset, 0x10a write or change of the flag in between (so every entry
 * of the command had the value of the last).  Where both slots have
 * runs_disabled, the entries counted with 1 must be none or all of them,
 * as at_run says.  0/1, or -1 with @why.
 */
int kmc_dev_entry_flag(const struct kmc_dev_slot *before, const struct kmc_dev_slot *after,
		       char *why, size_t len);
/*
 * What a guest VERW does, derived (docs/kvm-backend.md "op verw on VMX"):
 * @flag is disable_fb_clear at the VM-entry that ran it.  FB_CLEAR_DIS set
 * (flag 1): keeps.  Else it clears iff the host CPU's VERW clears fill
 * buffers: bug.mds and feature.md_clear, or feature.arch_capabilities and
 * FB_CLEAR in the current 0x10a of every online CPU.  1 clears, 0 keeps,
 * -1 cannot tell (the reason in @why).
 */
int kmc_dev_verw_clears(const struct kmc_dev_facts *f, int flag, char *why, size_t len);

#endif
