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
 * Signatures (Ed25519, RFC 8032, as PROTOCOL.md's version 2 signs
 * messages), with GnuTLS.  A signer is a private key read from a PEM
 * file; a public key comes from a certificate (the server gets it from
 * the TLS handshake) or from a DER SubjectPublicKeyInfo in base64 (a
 * KEY frame, a log record).  Signatures travel as 88 characters of
 * padded base64.
 */
#define KEYS_SIG_B64	88	/* base64 characters of a signature */
#define KEYS_SPKI_B64	64	/* base64 of an Ed25519 SPKI (44 bytes) */

struct keys_signer;
struct keys_pub;

/* The key in keyfile (PEM, not open to others); NULL with err. */
struct keys_signer *keys_signer_load(const char *keyfile, char *err,
	    size_t errlen);
void	keys_signer_free(struct keys_signer *);
/* Sign len bytes into sig (KEYS_SIG_B64 + 1 bytes); false on failure. */
bool	keys_sign(struct keys_signer *, const void *data, size_t len,
	    char sig[KEYS_SIG_B64 + 1]);

/*
 * A public key from a DER certificate, or from the base64 of a DER
 * SubjectPublicKeyInfo (len bytes); NULL if it does not parse or is
 * not Ed25519.
 */
struct keys_pub *keys_pub_from_cert(const void *der, size_t len);
struct keys_pub *keys_pub_from_spki_b64(const char *b64, size_t len);
void	keys_pub_free(struct keys_pub *);
/* Its fingerprint, and its SPKI in base64 (KEYS_SPKI_B64 + 1 bytes). */
void	keys_pub_fingerprint(const struct keys_pub *, char fp[KEYS_FP_LEN]);
bool	keys_pub_spki_b64(const struct keys_pub *,
	    char out[KEYS_SPKI_B64 + 1]);
/*
 * True if sig (siglen characters of base64) is a good signature of
 * the len bytes at data by pub.
 */
bool	keys_verify(const struct keys_pub *, const void *data, size_t len,
	    const char *sig, size_t siglen);

/*
 * The bytes version 2 signs: "xchat/2 msg" NUL text, or
 * "xchat/2 dm" NUL recipient-key-or-"-" NUL text.  out needs len + 16
 * (MSG) or len + 16 + KEYS_FP_LEN (DM) bytes; returns the length.
 */
size_t	keys_signed_msg(char *out, const char *text, size_t len);
size_t	keys_signed_dm(char *out, const char *rkey, const char *text,
	    size_t len);

/*
 * True if s is a well-formed fingerprint: "sha256:" and 64 lower-case
 * hex digits (upper case is accepted and folded into fp, which may be
 * NULL).
 */
bool	keys_fp_parse(const char *s, char fp[KEYS_FP_LEN]);

/*
 * A signer from PEM data in memory (len bytes); NULL with a message in
 * err if it holds no Ed25519 key.
 */
struct keys_signer *keys_signer_pem(const char *pem, size_t len, char *err,
	    size_t errlen);

/* The public key of a signer (NULL if GnuTLS cannot make it). */
struct keys_pub *keys_signer_pub(const struct keys_signer *);

/*
 * A client's identity (xchat): an Ed25519 key and a certificate for
 * it, kept in one PEM file, the key (PKCS#8) then the certificate.
 * keys_identity_load reads file, which must be a regular file that
 * only its owner may read or write (mode 0600 or stricter), holding an
 * Ed25519 private key and, optionally, a certificate of that key; a
 * file with no certificate gets one made in memory (self-signed,
 * never written).  The identity owns its signer and its PEM copies
 * (for the TLS credentials).  Returns 1 when loaded, 0 if file does
 * not exist, -1 with a sentence naming the file and the fault in err
 * (a directory, open to others, too large, a truncated or non-PEM
 * key, not Ed25519, a certificate for another key).
 */
struct keys_identity {
	struct keys_signer	*signer;
	char			*keypem;	/* PKCS#8 PEM, NUL-terminated */
	size_t			 keylen;
	char			*certpem;	/* PEM, NUL-terminated */
	size_t			 certlen;
	char			 fp[KEYS_FP_LEN];
};
int	keys_identity_load(const char *file, struct keys_identity *,
	    char *err, size_t errlen);
/* Free what an identity owns (a zeroed one is fine). */
void	keys_identity_free(struct keys_identity *);
/*
 * Make a new identity file: a new Ed25519 key and a self-signed
 * certificate with common name cn, in one PEM file of mode 0600,
 * written to a temporary file and then linked into place, so that an
 * existing file is never replaced (false, EEXIST in err) and no half
 * key is ever seen.  The directory must exist.
 */
bool	keys_identity_create(const char *file, const char *cn, char *err,
	    size_t errlen);

#endif
