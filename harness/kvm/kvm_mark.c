// SPDX-License-Identifier: GPL-2.0
/*
 * Vector markers for an emulated host (the VMX lab, docs/lab.md).
 *
 * KMC_KVM_MARK_MSR=INDEX: before each vector kmc-run writes the vector's
 * sequence number (1..254, then 1 again; 255 when it closes) to MSR INDEX
 * of CPU 0 through /dev/cpu/0/msr. An emulator that logs its MSR writes
 * (Bochs with bochs-patch.so) can then tell which vector caused which of
 * its IA32_MCU_OPT_CTRL writes.
 * KMC_KVM_MARK_LOG=FILE: one line per marker, what kmc.ko's vmx watch saw
 * for that vector's VM, summed over its vCPUs:
 *   N ID vcpus=V runs=R runs_disabled=D
 * or "N ID -" when the vector ran no watched VM.
 * KMC_KVM_MARK_DEV (tests only) replaces /dev/cpu/0/msr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_mark.h"

int kmc_mark_open(struct kmc_mark *m, char *msg, size_t len)
{
	const char *idx = getenv("KMC_KVM_MARK_MSR");
	const char *log = getenv("KMC_KVM_MARK_LOG");
	const char *dev;
	char *end;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	if (!idx || !*idx)
		return 0;
	errno = 0;
	m->msr = strtoul(idx, &end, 0);
	if (errno || *end || m->msr > 0xffffffffUL)
		return snprintf(msg, len, "KMC_KVM_MARK_MSR=%s: not an MSR index", idx), -EINVAL;
	dev = getenv("KMC_KVM_MARK_DEV") && *getenv("KMC_KVM_MARK_DEV") ? getenv("KMC_KVM_MARK_DEV")
									  : "/dev/cpu/0/msr";
	m->fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (m->fd < 0)
		return snprintf(msg, len, "KMC_KVM_MARK_MSR: open %s: %s (the msr module?)", dev,
				strerror(errno)), -errno;
	if (log && *log) {
		m->log = fopen(log, "w");
		if (!m->log) {
			int e = errno;

			close(m->fd);
			m->fd = -1;
			return snprintf(msg, len, "KMC_KVM_MARK_LOG=%s: %s", log, strerror(e)), -e;
		}
	}
	m->on = 1;
	return 0;
}

static int mark_write(struct kmc_mark *m, uint64_t v, char *msg, size_t len)
{
	if (pwrite(m->fd, &v, sizeof(v), (off_t)m->msr) != (ssize_t)sizeof(v))
		return snprintf(msg, len, "KMC_KVM_MARK_MSR: write 0x%llx to MSR 0x%lx: %s",
				(unsigned long long)v, m->msr, strerror(errno)), -EIO;
	return 0;
}

int kmc_mark_next(struct kmc_mark *m, char *msg, size_t len)
{
	if (!m->on)
		return 0;
	m->n++;
	return mark_write(m, (m->n - 1) % 254 + 1, msg, len);
}

void kmc_mark_log(struct kmc_mark *m, const char *id, const struct kmc_dev_facts *f)
{
	uint64_t runs = 0, dis = 0;

	if (!m->on || !m->log)
		return;
	if (!f) {
		fprintf(m->log, "%u %s -\n", m->n, id);
	} else {
		for (unsigned int i = 0; i < f->nslot_seen; i++) {
			runs += f->slot[i].runs;
			dis += f->slot[i].have_runs_disabled ? f->slot[i].runs_disabled : 0;
		}
		fprintf(m->log, "%u %s vcpus=%u runs=%llu runs_disabled=%llu\n", m->n, id,
			f->nslot_seen, (unsigned long long)runs, (unsigned long long)dis);
	}
	fflush(m->log);
}

void kmc_mark_close(struct kmc_mark *m)
{
	char msg[160];

	if (!m->on)
		return;
	if (mark_write(m, 255, msg, sizeof(msg)))
		fprintf(stderr, "kmc-run: %s\n", msg);
	if (m->log)
		fclose(m->log);
	close(m->fd);
	m->on = 0;
}
