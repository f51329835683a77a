// SPDX-License-Identifier: GPL-2.0
/* SHA-256 hex digests through nettle (digest.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "digest.h"

void kr_sha256_hex(const struct sha256_ctx *ctx, char hex[65])
{
	/* nettle's digest resets its context: take it from a copy */
	struct sha256_ctx c = *ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(&c, sizeof(d), d);
	for (unsigned int i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int kr_sha256_file(const char *path, char hex[65], char *msg, size_t len)
{
	struct sha256_ctx c;
	char buf[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");
	int err;

	if (!fp) {
		err = -errno;
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return err;
	}
	sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), fp)))
		sha256_update(&c, n, (const uint8_t *)buf);
	if (ferror(fp)) {
		snprintf(msg, len, "%s: read error", path);
		fclose(fp);
		return -EIO;
	}
	fclose(fp);
	kr_sha256_hex(&c, hex);
	return 0;
}
