/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256 (FIPS 180-4), for the vector-set hash in run.json. */
#ifndef KR_SHA256_H
#define KR_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct kr_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];
	unsigned int nbuf;
};

void kr_sha256_init(struct kr_sha256 *s);
void kr_sha256_update(struct kr_sha256 *s, const void *data, size_t len);
/* 64 lower-case hex digits and a NUL into @hex */
void kr_sha256_hex(struct kr_sha256 *s, char hex[65]);
/* The hash of a file's contents as hex: 0, or -errno with "PATH: reason" in @msg */
int kr_sha256_file(const char *path, char hex[65], char *msg, size_t len);

#endif
