/*
 * spm/sha256.h - SHA-256 (FIPS 180-4), used to fingerprint imported files and plans.
 *
 * A plain struct context: no allocation, no cleanup. Feed bytes in pieces of any size with
 * spm_sha256_update; the digest depends only on the concatenation of what was fed.
 */
#ifndef SPM_SHA256_H
#define SPM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SPM_SHA256_DIGEST_SIZE 32
#define SPM_SHA256_HEX_SIZE 65 /* 64 lowercase hex digits and a NUL */

typedef struct spm_sha256 {
	uint32_t state[8];
	uint64_t nbytes;          /* bytes fed so far */
	unsigned char block[64];  /* a partial block waiting for more bytes */
	size_t nblock;
} spm_sha256;

/* Starts a new digest in ctx. */
void spm_sha256_init(spm_sha256 *ctx);

/* Feeds len bytes at data (data may be NULL when len is 0). */
void spm_sha256_update(spm_sha256 *ctx, const void *data, size_t len);

/* Writes the digest of everything fed into out. ctx is spent: init it again before reusing it. */
void spm_sha256_final(spm_sha256 *ctx, unsigned char out[SPM_SHA256_DIGEST_SIZE]);

/* Writes digest as 64 lowercase hex digits and a NUL into hex. */
void spm_sha256_hex(const unsigned char digest[SPM_SHA256_DIGEST_SIZE], char hex[SPM_SHA256_HEX_SIZE]);

#endif
