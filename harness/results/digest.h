/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256 as run.json records it (the vector-set hash, each input's), through nettle. */
#ifndef KR_DIGEST_H
#define KR_DIGEST_H

#include <stddef.h>
#include <nettle/sha2.h>

/* The digest of what @ctx has hashed so far as 64 lower-case hex digits; @ctx goes on */
void kr_sha256_hex(const struct sha256_ctx *ctx, char hex[65]);
/* The hash of a file's contents as hex: 0, or -errno with "PATH: reason" in @msg */
int kr_sha256_file(const char *path, char hex[65], char *msg, size_t len);

#endif
