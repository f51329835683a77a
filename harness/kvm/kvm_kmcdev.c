// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kmc for the kvm backend's vmx watch: commands ("watch 0 OFFSET",
 * "unwatch") and the facts it needs (docs/kmod.md "Facts format"): the
 * vmx.* keys of the watch and the host facts that say what the host CPU's
 * VERW does.  The host facts the live host reader takes from /dev/kmc are
 * parsed in live_parse.c; this file only adds what the watch needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vmxwatch.h"

#define AC_FB_CLEAR	(1ULL << 17)

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* 0/1, -1 for anything else (absent, unavailable ...) */
static int tri(const char *v)
{
	if (!strcmp(v, "0"))
		return 0;
	if (!strcmp(v, "1"))
		return 1;
	return -1;
}

/* a slot value: 0..255, -1 for none, -2 malformed */
static int slot_val(const char *v)
{
	uint64_t x;

	if (!strcmp(v, "none"))
		return -1;
	if (parse_u64(v, &x) || x > 255)
		return -2;
	return (int)x;
}

static struct kmc_dev_slot *slot_get(struct kmc_dev_facts *f, int vm, int vcpu)
{
	struct kmc_dev_slot *s;

	for (unsigned int i = 0; i < f->nslot_seen; i++)
		if (f->slot[i].vm == vm && f->slot[i].vcpu == vcpu)
			return &f->slot[i];
	if (f->nslot_seen == KMC_DEV_MAX_SLOTS)
		return NULL;
	s = &f->slot[f->nslot_seen++];
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	s->vcpu = vcpu;
	s->last = s->after_reset = s->after_set_arch_cap = s->at_run = -1;
	return s;
}

/* "PREFIX<decimal>" at *@p: the number (at most @max), *@p moved past it; -1 if not */
static long take_num(const char **p, const char *prefix, long max)
{
	size_t n = strlen(prefix);
	long v = 0;
	const char *q;

	if (strncmp(*p, prefix, n))
		return -1;
	q = *p + n;
	if (*q < '0' || *q > '9')
		return -1;
	for (; *q >= '0' && *q <= '9'; q++) {
		v = v * 10 + (*q - '0');
		if (v > max)
			return -1;
	}
	*p = q;
	return v;
}

static void slot_fact(struct kmc_dev_facts *f, const char *key, const char *val)
{
	const char *what = key;
	long vm = take_num(&what, "vmx.vm", 1 << 20), vcpu;
	struct kmc_dev_slot *s;
	uint64_t x;
	int v;

	vcpu = vm < 0 ? -1 : take_num(&what, ".vcpu", 1 << 20);
	if (vcpu < 0 || *what != '.')
		return;
	what++;
	s = slot_get(f, (int)vm, (int)vcpu);
	if (!s)
		return;
	if (!strcmp(what, "disable_fb_clear") || !strcmp(what, "after_reset") ||
	    !strcmp(what, "after_set_arch_cap") || !strcmp(what, "at_run")) {
		v = slot_val(val);
		if (v == -2 || v > 1) {
			f->bad_slot_value = 1;
			v = v == -2 ? -1 : v;
		}
		if (!strcmp(what, "disable_fb_clear"))
			s->last = v;
		else if (!strcmp(what, "after_reset"))
			s->after_reset = v;
		else if (!strcmp(what, "after_set_arch_cap"))
			s->after_set_arch_cap = v;
		else
			s->at_run = v;
		return;
	}
	if (parse_u64(val, &x))
		return;
	if (!strcmp(what, "resets"))
		s->resets = x;
	else if (!strcmp(what, "arch_cap_writes"))
		s->arch_cap_writes = x;
	else if (!strcmp(what, "runs"))
		s->runs = x;
	else if (!strcmp(what, "changes"))
		s->changes = x;
	else if (!strcmp(what, "runs_disabled")) {
		s->runs_disabled = x;
		s->have_runs_disabled = 1;
	}
	/* keys of a newer kmc.ko: ignored */
}

static void one_fact(struct kmc_dev_facts *f, const char *key, const char *val, const char *detail)
{
	const char *rest = key;
	uint64_t x;

	if (!strcmp(key, "kmc.format")) {
		f->format = parse_u64(val, &x) || x > 1000 ? 0 : (int)x;
	} else if (!strcmp(key, "kmc.last_error")) {
		snprintf(f->last_error, sizeof(f->last_error), "%s%s%s", val, *detail ? " " : "", detail);
	} else if (!strcmp(key, "vmx.status")) {
		snprintf(f->vmx_status, sizeof(f->vmx_status), "%s%s%s", val, *detail ? " " : "", detail);
	} else if (!strcmp(key, "vmx.min_offset")) {
		f->min_offset = parse_u64(val, &x) || x > INT32_MAX ? -1 : (int64_t)x;
	} else if (!strcmp(key, "vmx.watch.offset")) {
		f->watch_offset = parse_u64(val, &x) || x > INT32_MAX ? -1 : (int64_t)x;
	} else if (!strcmp(key, "vmx.watch.pid")) {
		f->watch_pid = parse_u64(val, &x) || x > INT32_MAX ? -1 : (int64_t)x;
	} else if (!strcmp(key, "vmx.watch.missed")) {
		if (!parse_u64(val, &x))
			f->missed = x;
	} else if (!strcmp(key, "vmx.dropped")) {
		if (!parse_u64(val, &x))
			f->dropped = x;
	} else if (!strcmp(key, "vmx.faults")) {
		if (!parse_u64(val, &x))
			f->faults = x;
	} else if (!strcmp(key, "vmx.slots")) {
		f->nslots = parse_u64(val, &x) || x > 1000 ? -1 : (int)x;
	} else if (!strncmp(key, "vmx.vm", 6)) {
		slot_fact(f, key, val);
	} else if (!strcmp(key, "bug.mds")) {
		f->bug_mds = tri(val);
	} else if (!strcmp(key, "feature.md_clear")) {
		f->feat_md_clear = tri(val);
	} else if (!strcmp(key, "feature.arch_capabilities")) {
		f->feat_arch_cap = tri(val);
	} else if (!strcmp(key, "cpu.online")) {
		f->cpu_online = parse_u64(val, &x) || x > KMC_DEV_MAX_CPUS ? -1 : (int)x;
	} else if (!strncmp(key, "msr.cpu", 7) && take_num(&rest, "msr.cpu", KMC_DEV_MAX_CPUS) >= 0 &&
		   !strcmp(rest, ".0x10a")) {
		if (!strcmp(val, "fault")) {
			f->nac_fault++;
		} else if (!strncmp(val, "0x", 2) && !parse_u64(val, &x)) {
			f->ac_and = f->nac ? f->ac_and & x : x;
			f->ac_or |= x;
			f->nac++;
		}
	}
}

void kmc_dev_parse(const char *text, struct kmc_dev_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->min_offset = f->watch_offset = f->watch_pid = -1;
	f->nslots = -1;
	f->bug_mds = f->feat_md_clear = f->feat_arch_cap = -1;
	f->cpu_online = -1;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[256], *sp, *val, *detail = "";

		if (n < sizeof(line)) {
			memcpy(line, l, n);
			line[n] = '\0';
			sp = strchr(line, ' ');
			if (sp) {
				*sp = '\0';
				val = sp + 1;
				sp = strchr(val, ' ');
				if (sp) {
					*sp = '\0';
					detail = sp + 1;
				}
				one_fact(f, line, val, detail);
			}
		}
		l = nl ? nl + 1 : NULL;
	}
}

int kmc_dev_read(const char *path, struct kmc_dev_facts *f, char *msg, size_t len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap);
	int fd, err;

	if (!path)
		path = KMC_DEV_PATH;
	if (!buf) {
		snprintf(msg, len, "%s: out of memory", path);
		return -ENOMEM;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		free(buf);
		snprintf(msg, len, "%s: %s", path, strerror(err));
		return -err;
	}
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			char *nb = cap >= (16u << 20) ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				close(fd);
				snprintf(msg, len, "%s: facts too large or out of memory", path);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			free(buf);
			close(fd);
			snprintf(msg, len, "%s: read: %s", path, strerror(err));
			return -err;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	kmc_dev_parse(buf, f);
	free(buf);
	if (f->format != 1) {
		snprintf(msg, len, "%s: not kmc.format 1 (a kmc.ko this kmc-run does not read)", path);
		return -EPROTO;
	}
	return 0;
}

int kmc_dev_cmd(const char *path, const char *cmd, char *msg, size_t len)
{
	size_t n = strlen(cmd);
	ssize_t w;
	int fd, err;

	if (!path)
		path = KMC_DEV_PATH;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		snprintf(msg, len, "write '%s' to %s: open: %s", cmd, path, strerror(err));
		return -err;
	}
	do
		w = write(fd, cmd, n);
	while (w < 0 && errno == EINTR);
	err = w < 0 ? errno : 0;
	close(fd);
	if (w == (ssize_t)n)
		return 0;
	if (!err) {
		snprintf(msg, len, "write '%s' to %s: short write (%zd of %zu bytes)", cmd, path, w, n);
		return -EIO;
	}
	{
		struct kmc_dev_facts *f = malloc(sizeof(*f));
		char m2[256];

		if (f && !kmc_dev_read(path, f, m2, sizeof(m2)) && *f->last_error)
			snprintf(msg, len, "write '%s' to %s: %s (kmc.last_error %s)", cmd, path,
				 strerror(err), f->last_error);
		else
			snprintf(msg, len, "write '%s' to %s: %s", cmd, path, strerror(err));
		free(f);
	}
	return -err;
}

const struct kmc_dev_slot *kmc_dev_slot_find(const struct kmc_dev_facts *f, int vm, int vcpu)
{
	for (unsigned int i = 0; i < f->nslot_seen; i++)
		if (f->slot[i].vm == vm && f->slot[i].vcpu == vcpu)
			return &f->slot[i];
	return NULL;
}

const struct kmc_dev_slot *kmc_dev_watch_slot(const struct kmc_dev_facts *f, long pid,
					      uint32_t offset, int vcpu, char *why, size_t len)
{
	const struct kmc_dev_slot *s;

	if (strcmp(f->vmx_status, "armed")) {
		snprintf(why, len, "vmx.status is '%s', not armed: the watch was lost (another writer of /dev/kmc?)",
			 f->vmx_status);
		return NULL;
	}
	if (f->watch_pid != pid || f->watch_offset != (int64_t)offset) {
		snprintf(why, len, "the armed watch is pid %lld offset 0x%llx, not kmc-run's (pid %ld, 0x%x): another writer of /dev/kmc re-armed it",
			 (long long)f->watch_pid, (unsigned long long)f->watch_offset, pid, offset);
		return NULL;
	}
	if (f->missed || f->dropped || f->faults) {
		snprintf(why, len, "the watch lost observations: vmx.watch.missed %llu, vmx.dropped %llu, vmx.faults %llu",
			 (unsigned long long)f->missed, (unsigned long long)f->dropped,
			 (unsigned long long)f->faults);
		return NULL;
	}
	if (f->bad_slot_value) {
		snprintf(why, len, "a vmx.vmV.vcpuI value is neither 0, 1 nor none: OFFSET 0x%x is not disable_fb_clear of this kvm_intel",
			 offset);
		return NULL;
	}
	for (unsigned int i = 0; i < f->nslot_seen; i++)
		if (f->slot[i].vm != 0) {
			snprintf(why, len, "the watch saw a second VM (vm%d) since it was armed for this vector; kmc-run made one",
				 f->slot[i].vm);
			return NULL;
		}
	s = kmc_dev_slot_find(f, 0, vcpu);
	if (!s || !s->resets || s->after_reset < 0 || s->last < 0) {
		snprintf(why, len, "the watch saw no vmx_vcpu_reset() of vCPU %d (vmx.slots %d): its probes did not fire for kmc-run's vCPU",
			 vcpu, f->nslots);
		return NULL;
	}
	return s;
}

int kmc_dev_entry_flag(const struct kmc_dev_slot *before, const struct kmc_dev_slot *after,
		       char *why, size_t len)
{
	if (after->runs <= before->runs || after->at_run < 0) {
		snprintf(why, len, "the watch saw no VM-entry of vCPU %d for the guest command (runs %llu -> %llu)",
			 after->vcpu, (unsigned long long)before->runs, (unsigned long long)after->runs);
		return -1;
	}
	if (after->changes != before->changes || after->resets != before->resets ||
	    after->arch_cap_writes != before->arch_cap_writes) {
		snprintf(why, len, "disable_fb_clear may have changed while the guest ran (changes %llu -> %llu, resets %llu -> %llu, 0x10a writes %llu -> %llu)",
			 (unsigned long long)before->changes, (unsigned long long)after->changes,
			 (unsigned long long)before->resets, (unsigned long long)after->resets,
			 (unsigned long long)before->arch_cap_writes,
			 (unsigned long long)after->arch_cap_writes);
		return -1;
	}
	if (before->have_runs_disabled && after->have_runs_disabled) {
		uint64_t n = after->runs - before->runs;
		uint64_t d = after->runs_disabled - before->runs_disabled;

		if (after->runs_disabled < before->runs_disabled || d > n ||
		    (d && d != n) || (after->at_run == 1) != (d == n)) {
			snprintf(why, len, "kmc.ko counted %llu of the command's %llu VM-entries at disable_fb_clear = 1 (runs_disabled %llu -> %llu), the last at %d: not one value for all",
				 (unsigned long long)d, (unsigned long long)n,
				 (unsigned long long)before->runs_disabled,
				 (unsigned long long)after->runs_disabled, after->at_run);
			return -1;
		}
	}
	return after->at_run;
}

int kmc_dev_verw_clears(const struct kmc_dev_facts *f, int flag, char *why, size_t len)
{
	int fb_clear;

	if (flag == 1)
		return 0;	/* FB_CLEAR_DIS set for the VM-entry: VERW keeps the buffers */
	if (flag != 0) {
		snprintf(why, len, "disable_fb_clear at the VM-entry was not observed");
		return -1;
	}
	if (f->bug_mds < 0 || f->feat_md_clear < 0 || f->feat_arch_cap < 0) {
		snprintf(why, len, "/dev/kmc does not tell bug.mds, feature.md_clear and feature.arch_capabilities (%d, %d, %d)",
			 f->bug_mds, f->feat_md_clear, f->feat_arch_cap);
		return -1;
	}
	if (f->bug_mds && f->feat_md_clear)
		return 1;	/* an MDS-affected part with the MD_CLEAR microcode */
	if (!f->feat_arch_cap)
		return 0;	/* no 0x10a, so no FB_CLEAR: VERW clears nothing */
	if (f->nac_fault || !f->nac || (f->cpu_online > 0 && f->nac != (unsigned int)f->cpu_online)) {
		snprintf(why, len, "/dev/kmc has MSR 0x10a of %u of %d online CPUs (%u faulted)", f->nac,
			 f->cpu_online, f->nac_fault);
		return -1;
	}
	fb_clear = !!(f->ac_and & AC_FB_CLEAR);
	if (fb_clear != !!(f->ac_or & AC_FB_CLEAR)) {
		snprintf(why, len, "the online CPUs disagree on FB_CLEAR in MSR 0x10a (a guest may run on either)");
		return -1;
	}
	return fb_clear;
}
