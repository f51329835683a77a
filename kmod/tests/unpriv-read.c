// SPDX-License-Identifier: GPL-2.0
/*
 * unpriv-read: /dev/kmc refuses a reader without CAP_SYS_ADMIN and
 * CAP_SYS_RAWIO, and admits one with either; a command written through a
 * descriptor root opened is refused once the writer has dropped both.
 *
 * Run as root with kmc loaded. Each case runs in a child that first drops
 * what the case says (uid, capabilities), then opens the device (a
 * "write" case opens it for writing first, then drops, then writes). Prints
 * one "ok N - ..." / "not ok N - ..." line per case and a closing
 * "N passed, N failed" line; exits 0 if all passed, 1 if any failed, 4 if
 * it cannot run here (not root, no /dev/kmc).
 *
 *	unpriv-read [DEVICE]	(default /dev/kmc)
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kmc/array_size.h"

#define NOBODY		65534
#define EXIT_SKIP	4

enum drop {
	DROP_NONE,		/* root, all capabilities */
	DROP_TO_NOBODY,		/* uid/gid 65534, no capabilities */
	DROP_ADMIN_RAWIO,	/* uid 0, without CAP_SYS_ADMIN and CAP_SYS_RAWIO */
	DROP_ADMIN,		/* uid 0, without CAP_SYS_ADMIN (keeps RAWIO) */
	DROP_RAWIO,		/* uid 0, without CAP_SYS_RAWIO (keeps ADMIN) */
};

static const struct {
	const char *name;
	enum drop drop;
	int flags;
	int want_errno;		/* 0: open must succeed and read the facts */
	const char *write;	/* open as root, drop, then write this: want_errno from write() */
} cases[] = {
	{ .name = "root reads the facts",
	  .drop = DROP_NONE, .flags = O_RDONLY, .want_errno = 0 },
	{ .name = "nobody is refused with EPERM",
	  .drop = DROP_TO_NOBODY, .flags = O_RDONLY, .want_errno = EPERM },
	{ .name = "root without CAP_SYS_ADMIN and CAP_SYS_RAWIO is refused with EPERM",
	  .drop = DROP_ADMIN_RAWIO, .flags = O_RDONLY, .want_errno = EPERM },
	{ .name = "root with CAP_SYS_RAWIO only reads the facts",
	  .drop = DROP_ADMIN, .flags = O_RDONLY, .want_errno = 0 },
	{ .name = "root with CAP_SYS_ADMIN only reads the facts",
	  .drop = DROP_RAWIO, .flags = O_RDONLY, .want_errno = 0 },
	{ .name = "nobody cannot open for writing (EACCES from the file mode)",
	  .drop = DROP_TO_NOBODY, .flags = O_WRONLY, .want_errno = EACCES },
	{ .name = "root's descriptor handed to nobody cannot command (EPERM at write)",
	  .drop = DROP_TO_NOBODY, .flags = O_WRONLY, .want_errno = EPERM, .write = "unwatch" },
	{ .name = "root's descriptor, both capabilities dropped, cannot command (EPERM at write)",
	  .drop = DROP_ADMIN_RAWIO, .flags = O_WRONLY, .want_errno = EPERM, .write = "unwatch" },
};

static int drop_caps(unsigned long long mask)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	for (i = 0; i < 2; i++) {
		data[i].effective &= ~(unsigned int)(mask >> (32 * i));
		data[i].permitted &= ~(unsigned int)(mask >> (32 * i));
		data[i].inheritable &= ~(unsigned int)(mask >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static int apply(enum drop drop)
{
	const unsigned long long admin = 1ULL << CAP_SYS_ADMIN;
	const unsigned long long rawio = 1ULL << CAP_SYS_RAWIO;

	switch (drop) {
	case DROP_NONE:
		return 0;
	case DROP_TO_NOBODY:
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			return -errno;
		return 0;
	case DROP_ADMIN_RAWIO:
		return drop_caps(admin | rawio);
	case DROP_ADMIN:
		return drop_caps(admin);
	case DROP_RAWIO:
		return drop_caps(rawio);
	}
	return -EINVAL;
}

/* A "write" case: open as root, drop, write; 0 if write() fails with want_errno */
static int child_write(const char *dev, int i)
{
	size_t len = strlen(cases[i].write);
	int fd = open(dev, cases[i].flags), err;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "# case %d: open(%s) as root: %s\n", i + 1, dev, strerror(errno));
		return 2;
	}
	err = apply(cases[i].drop);
	if (err) {
		fprintf(stderr, "# case %d: cannot drop privileges: %s\n", i + 1, strerror(-err));
		close(fd);
		return 2;
	}
	n = write(fd, cases[i].write, len);
	err = n < 0 ? errno : 0;
	close(fd);
	if (n < 0 && err == cases[i].want_errno)
		return 0;
	fprintf(stderr, "# case %d: write(%s): %s, want %s\n", i + 1, cases[i].write,
		n < 0 ? strerror(err) : "it was accepted", strerror(cases[i].want_errno));
	return 1;
}

/* Child: exit 0 if the case holds, 1 if not, 2 if it could not be set up. */
static int child(const char *dev, int i)
{
	char buf[64];
	ssize_t n;
	int fd, err;

	if (cases[i].write)
		return child_write(dev, i);
	err = apply(cases[i].drop);
	if (err) {
		fprintf(stderr, "# case %d: cannot drop privileges: %s\n", i + 1, strerror(-err));
		return 2;
	}
	fd = open(dev, cases[i].flags);
	if (fd < 0) {
		if (errno == cases[i].want_errno)
			return 0;
		const char *want = "success";

		if (cases[i].want_errno)
			want = strerror(cases[i].want_errno);
		fprintf(stderr, "# case %d: open(%s): %s, want %s\n", i + 1, dev,
			strerror(errno), want);
		return 1;
	}
	if (cases[i].want_errno) {
		fprintf(stderr, "# case %d: open(%s) succeeded, want %s\n", i + 1, dev,
			strerror(cases[i].want_errno));
		close(fd);
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "# case %d: read(%s): %s\n", i + 1, dev, strerror(errno));
		return 1;
	}
	buf[n] = '\0';
	if (strncmp(buf, "kmc.format ", 11)) {
		fprintf(stderr, "# case %d: %s does not start with 'kmc.format ': '%.20s'\n",
			i + 1, dev, buf);
		return 1;
	}
	return 0;
}

static int run_case(const char *dev, int i)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "# fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0)
		_exit(child(dev, i));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/kmc";
	int n = (int)ARRAY_SIZE(cases);
	int i, passed = 0, failed = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "unpriv-read: must start as root (it drops privileges itself)\n");
		return EXIT_SKIP;
	}
	if (access(dev, F_OK)) {
		fprintf(stderr, "unpriv-read: %s: %s (is kmc loaded?)\n", dev, strerror(errno));
		return EXIT_SKIP;
	}
	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		int rc = run_case(dev, i);

		printf("%sok %d - %s\n", rc ? "not " : "", i + 1, cases[i].name);
		if (rc)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
