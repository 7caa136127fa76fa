/*
 * keys.h -- identities: key and certificate files, their creation in a
 * private state directory, and key fingerprints ("sha256:" and the hex
 * SHA-256 of the DER SubjectPublicKeyInfo, as PROTOCOL.md defines
 * <key>).  GnuTLS does the cryptography and the parsing.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_KEYS_H
#define XCHAT_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* "sha256:" + 64 hex digits + NUL. */
#define KEYS_FP_LEN	72

/*
 * Make dir (and its missing parents) a private directory: create it
 * with mode 0700, or check that an existing one is a directory that
 * nobody but its owner can write to.  false with a message in err
 * (errlen bytes) if not.
 */
bool	keys_private_dir(const char *dir, char *err, size_t errlen);

/*
 * Create a new Ed25519 key and a self-signed certificate for it with
 * common name cn, written as PEM (the key as PKCS#8, which OpenSSL
 * reads too) to keyfile and certfile, each mode 0600, each written to
 * a temporary file first and renamed, so that no half-written key is
 * ever seen.  false with a message in err if anything fails.
 */
bool	keys_generate(const char *keyfile, const char *certfile,
	    const char *cn, char *err, size_t errlen);

/*
 * Check that keyfile and certfile can be used together: both
 * readable, the key not readable or writable by others (mode o+rwx:
 * like ssh, a key others may read is refused), both PEM that GnuTLS
 * parses, and the certificate's key the key's.  On success the
 * certificate's key fingerprint goes to fp (KEYS_FP_LEN bytes).
 * false with a message naming the file and the fault in err.
 */
bool	keys_check_pair(const char *keyfile, const char *certfile,
	    char fp[KEYS_FP_LEN], char *err, size_t errlen);

/*
 * The fingerprint of the key of the DER certificate der (len bytes)
 * into fp; false if it does not parse.
 */
bool	keys_cert_fingerprint(const void *der, size_t len,
	    char fp[KEYS_FP_LEN]);

/*
 * True if s is a well-formed fingerprint: "sha256:" and 64 lower-case
 * hex digits (upper case is accepted and folded into fp, which may be
 * NULL).
 */
bool	keys_fp_parse(const char *s, char fp[KEYS_FP_LEN]);

#endif
