/*
 * digest.h -- MD5 of message texts and the SHA-256 chain of the log.
 * The only module that includes <gcrypt.h>.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_DIGEST_H
#define XCHAT_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_MD5_HEX		32
#define DIGEST_CHAIN_HEX	64

/* Initialise libgcrypt; return NULL on success or an error text. */
const char *digest_init(void);

/* MD5 of buf as 32 lower-case hex digits plus a NUL in out[33]. */
void	digest_md5_hex(const void *buf, size_t len, char out[33]);

/* Compare two 32-digit hex digests, ignoring case. */
bool	digest_md5_equal(const char *a, const char *b);

/* Lower-case a 32-digit hex digest into out (no NUL). */
void	digest_md5_lower(const char *in, char *out);

/*
 * The log chain: out = hex(SHA-256(prev_hex[64] || data)), 64 hex
 * digits plus a NUL in out[65].
 */
void	digest_chain_hex(const char *prev_hex, const void *data, size_t len,
	    char out[65]);

#endif
