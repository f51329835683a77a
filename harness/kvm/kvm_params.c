// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.ignore_msrs for one vector (`host live ignore_msrs=1`): set when
 * KMC_KVM_WRITE_PARAMS=1 allows it, and put back after the vector.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kvm_backend.h"

#define PARAM_IGNORE_MSRS "/sys/module/kvm/parameters/ignore_msrs"

static int write_param(const char *path, const char *val, char *why, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0) {
		err = errno;
		snprintf(why, len, "%s: %s", path, strerror(err));
		return -err;
	}
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	if (n != (ssize_t)strlen(val)) {
		snprintf(why, len, "%s: write '%s': %s", path, val, n < 0 ? strerror(err) : "short write");
		return n < 0 ? -err : -EIO;
	}
	return 0;
}

/* 0 with *@restore set when the parameter was changed, KMC_BE_SKIP, or -errno */
int kb_apply_settings(struct kctx *c, const struct kmv_record *r, int *restore,
			  char *why, size_t len)
{
	uint8_t want = r->sc.host.ignore_msrs, now = c->lh.host.ignore_msrs;
	int ret;

	*restore = 0;
	if (!(r->live_sets & KMV_LIVE_IGNORE_MSRS) || want == now)
		return 0;
	if (!c->write_params) {
		snprintf(why, len, "needs kvm.ignore_msrs=%u (it is %u); KMC_KVM_WRITE_PARAMS=1 lets kmc-run set it for the vector (machine-wide)",
			 want, now);
		return KMC_BE_SKIP;
	}
	ret = write_param(PARAM_IGNORE_MSRS, want ? "Y" : "N", why, len);
	if (ret)
		return ret;
	*restore = 1;
	return 0;
}

void kb_restore_settings(struct kctx *c)
{
	char why[256];

	if (write_param(PARAM_IGNORE_MSRS, c->lh.host.ignore_msrs ? "Y" : "N", why, sizeof(why)))
		fprintf(stderr, "kmc-run: kvm: could not restore kvm.ignore_msrs: %s\n", why);
}

