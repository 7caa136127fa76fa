/*
 * keys.c -- key and certificate files and fingerprints, with GnuTLS:
 * gnutls_x509_privkey_generate for the Ed25519 key,
 * gnutls_x509_crt_* for the self-signed certificate, and the key id
 * (SHA-256 of the DER SubjectPublicKeyInfo) for the fingerprint.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "keys.h"

/* "sha256:" and the hex of a 32-byte key id. */
static void
fp_format(const unsigned char *id, char fp[KEYS_FP_LEN])
{
	static const char	 hex[] = "0123456789abcdef";
	int			 i;

	memcpy(fp, "sha256:", 7);
	for (i = 0; i < 32; i++) {
		fp[7 + 2 * i] = hex[id[i] >> 4];
		fp[8 + 2 * i] = hex[id[i] & 15];
	}
	fp[71] = '\0';
}

bool
keys_fp_parse(const char *s, char fp[KEYS_FP_LEN])
{
	char	 buf[KEYS_FP_LEN];
	int	 i;

	if (strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return false;
	memcpy(buf, "sha256:", 7);
	for (i = 7; i < 71; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			buf[i] = s[i];
		else if (s[i] >= 'a' && s[i] <= 'f')
			buf[i] = s[i];
		else if (s[i] >= 'A' && s[i] <= 'F')
			buf[i] = (char)(s[i] - 'A' + 'a');
		else
			return false;
	}
	buf[71] = '\0';
	if (fp != NULL)
		memcpy(fp, buf, KEYS_FP_LEN);
	return true;
}

bool
keys_private_dir(const char *dir, char *err, size_t errlen)
{
	char		 path[4096], *p;
	struct stat	 st;

	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "state directory name too long");
		return false;
	}
	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", path,
			    strerror(errno));
			return false;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		return false;
	}
	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return false;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		snprintf(err, errlen, "%s may be written by others (owner "
		    "uid %ld, mode %04o): it must be yours and not group or "
		    "world writable", path, (long)st.st_uid,
		    (unsigned)(st.st_mode & 07777));
		return false;
	}
	return true;
}

/*
 * Write data to path, mode 0600, through a temporary file, so that
 * nobody ever sees half a file: renamed over path if replace, else
 * linked to it, so that an existing path is never replaced (EEXIST).
 */
static bool
write_private(const char *path, const gnutls_datum_t *data, bool replace,
    char *err, size_t errlen)
{
	char	 tmp[4200];
	int	 fd, e;
	bool	 ok;

	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		snprintf(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return false;
	}
	ok = write(fd, data->data, data->size) == (ssize_t)data->size &&
	    fsync(fd) == 0;
	e = errno;
	if (close(fd) == -1 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(e));
		return false;
	}
	ok = replace ? rename(tmp, path) == 0 : link(tmp, path) == 0;
	e = errno;
	(void)unlink(tmp);
	if (!ok)
		snprintf(err, errlen, "cannot %s %s: %s", replace ? "write" :
		    "create", path, strerror(e));
	return ok;
}

/* Wipe (it may hold a private key) and free d; NULL data is fine. */
static void
datum_wipe(gnutls_datum_t *d)
{
	if (d->data != NULL) {
		gnutls_memset(d->data, 0, d->size);
		gnutls_free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}

/* Free a key and a certificate, either of them NULL. */
static void
pair_free(gnutls_x509_privkey_t k, gnutls_x509_crt_t c)
{
	if (c != NULL)
		gnutls_x509_crt_deinit(c);
	if (k != NULL)
		gnutls_x509_privkey_deinit(k);
}

/* A self-signed v3 certificate for k with common name cn. */
static int
make_cert(gnutls_x509_crt_t c, gnutls_x509_privkey_t k, const char *cn)
{
	unsigned char	 serial[16];
	time_t		 now = time(NULL);
	int		 r;

	if ((r = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
		return r;
	serial[0] &= 0x7f;		/* a positive serial number */
	if ((r = gnutls_x509_crt_set_version(c, 3)) < 0 ||
	    (r = gnutls_x509_crt_set_serial(c, serial, sizeof serial)) < 0 ||
	    (r = gnutls_x509_crt_set_activation_time(c, now - 3600)) < 0 ||
	    (r = gnutls_x509_crt_set_expiration_time(c,
	    GNUTLS_X509_NO_WELL_DEFINED_EXPIRATION)) < 0 ||
	    (r = gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME,
	    0, cn, (unsigned)strlen(cn))) < 0 ||
	    (r = gnutls_x509_crt_set_issuer_dn_by_oid(c,
	    GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn))) < 0 ||
	    (r = gnutls_x509_crt_set_key(c, k)) < 0 ||
	    (r = gnutls_x509_crt_set_basic_constraints(c, 0, -1)) < 0 ||
	    (r = gnutls_x509_crt_set_key_usage(c,
	    GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0)
		return r;
	return gnutls_x509_crt_sign2(c, c, k, GNUTLS_DIG_SHA512, 0);
}

/*
 * A new Ed25519 key and a self-signed certificate for cn, exported as
 * PEM into kpem (wipe it) and cpem (gnutls_free it); false with a
 * message in err.
 */
static bool
make_pair_pem(const char *cn, gnutls_datum_t *kpem, gnutls_datum_t *cpem,
    char *err, size_t errlen)
{
	gnutls_x509_privkey_t	 k = NULL;
	gnutls_x509_crt_t	 c = NULL;
	int			 r;

	if ((r = gnutls_x509_privkey_init(&k)) < 0 ||
	    (r = gnutls_x509_privkey_generate(k, GNUTLS_PK_EDDSA_ED25519, 256,
	    0)) < 0 ||
	    (r = gnutls_x509_crt_init(&c)) < 0 ||
	    (r = make_cert(c, k, cn)) < 0 ||
	    (r = gnutls_x509_privkey_export2_pkcs8(k, GNUTLS_X509_FMT_PEM,
	    NULL, GNUTLS_PKCS_PLAIN, kpem)) < 0 ||
	    (r = gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, cpem)) < 0)
		snprintf(err, errlen, "cannot make a key and certificate: %s",
		    gnutls_strerror(r));
	pair_free(k, c);
	return r >= 0;
}

bool
keys_generate(const char *keyfile, const char *certfile, const char *cn,
    char *err, size_t errlen)
{
	gnutls_datum_t		 kpem = { NULL, 0 }, cpem = { NULL, 0 };
	bool			 ok;

	ok = make_pair_pem(cn, &kpem, &cpem, err, errlen) &&
	    write_private(keyfile, &kpem, true, err, errlen) &&
	    write_private(certfile, &cpem, true, err, errlen);
	datum_wipe(&kpem);
	gnutls_free(cpem.data);
	return ok;
}

/* Read path into d (gnutls_free it); false with a message. */
static bool
load(const char *path, const char *what, gnutls_datum_t *d, char *err,
    size_t errlen)
{
	FILE		*fp;
	struct stat	 st;
	long		 n = 0;
	int		 fd;

	memset(&st, 0, sizeof st);
	d->data = NULL;
	d->size = 0;
	/* O_NONBLOCK: a FIFO must not hang us; only a regular file will do. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot read the %s %s: %s", what, path,
		    strerror(errno));
		return false;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (fp = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "cannot read the %s %s: %s", what, path,
		    !S_ISREG(st.st_mode) ? (S_ISDIR(st.st_mode) ?
		    "it is a directory" : "not a regular file") :
		    strerror(errno));
		close(fd);
		return false;
	}
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    n > 1024 * 1024 || fseek(fp, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "cannot read the %s %s: %s", what, path,
		    n > 1024 * 1024 ? "over 1 MiB" : strerror(errno));
		fclose(fp);
		return false;
	}
	d->data = gnutls_malloc((size_t)n + 1);
	if (d->data == NULL || fread(d->data, 1, (size_t)n, fp) != (size_t)n) {
		snprintf(err, errlen, "cannot read the %s %s", what, path);
		gnutls_free(d->data);
		d->data = NULL;
		fclose(fp);
		return false;
	}
	d->size = (unsigned)n;
	d->data[n] = '\0';
	fclose(fp);
	return true;
}

/* Refuse a key file that others may use. */
static bool
key_mode_ok(const char *keyfile, char *err, size_t errlen)
{
	struct stat	 st;

	if (stat(keyfile, &st) == -1) {
		snprintf(err, errlen, "cannot read the key file %s: %s",
		    keyfile, strerror(errno));
		return false;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & 007) != 0) {
		snprintf(err, errlen, "the key file %s is open to others "
		    "(mode %04o): chmod o-rwx %s", keyfile,
		    (unsigned)(st.st_mode & 07777), keyfile);
		return false;
	}
	return true;
}

bool
keys_check_pair(const char *keyfile, const char *certfile,
    char fp[KEYS_FP_LEN], char *err, size_t errlen)
{
	gnutls_datum_t		 kd = { NULL, 0 }, cd = { NULL, 0 };
	gnutls_x509_privkey_t	 k = NULL;
	gnutls_x509_crt_t	 c = NULL;
	unsigned char		 kid[64], cid[64];
	size_t			 klen = sizeof kid, clen = sizeof cid;
	bool			 ok = false;
	int			 r;

	if (!key_mode_ok(keyfile, err, errlen) ||
	    !load(keyfile, "key file", &kd, err, errlen) ||
	    !load(certfile, "certificate", &cd, err, errlen))
		goto out;
	if ((r = gnutls_x509_privkey_init(&k)) < 0 ||
	    (r = gnutls_x509_privkey_import2(k, &kd, GNUTLS_X509_FMT_PEM, NULL,
	    0)) < 0 ||
	    (r = gnutls_x509_privkey_get_key_id(k, GNUTLS_KEYID_USE_SHA256,
	    kid, &klen)) < 0) {
		snprintf(err, errlen, "the key file %s holds no key GnuTLS "
		    "can read: %s", keyfile, gnutls_strerror(r));
		goto out;
	}
	if ((r = gnutls_x509_crt_init(&c)) < 0 ||
	    (r = gnutls_x509_crt_import(c, &cd, GNUTLS_X509_FMT_PEM)) < 0 ||
	    (r = gnutls_x509_crt_get_key_id(c, GNUTLS_KEYID_USE_SHA256, cid,
	    &clen)) < 0) {
		snprintf(err, errlen, "%s is not a PEM certificate GnuTLS can "
		    "read: %s", certfile, gnutls_strerror(r));
		goto out;
	}
	if (klen != 32 || clen != 32 || memcmp(kid, cid, 32) != 0) {
		snprintf(err, errlen, "the key in %s does not match the "
		    "certificate %s", keyfile, certfile);
		goto out;
	}
	fp_format(cid, fp);
	ok = true;
out:
	datum_wipe(&kd);
	gnutls_free(cd.data);
	pair_free(k, c);
	return ok;
}

bool
keys_cert_fingerprint(const void *der, size_t len, char fp[KEYS_FP_LEN])
{
	gnutls_x509_crt_t	 c;
	gnutls_datum_t		 d = { (unsigned char *)der, (unsigned)len };
	unsigned char		 id[64];
	size_t			 idlen = sizeof id;
	bool			 ok;

	if (gnutls_x509_crt_init(&c) < 0)
		return false;
	ok = gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_DER) >= 0 &&
	    gnutls_x509_crt_get_key_id(c, GNUTLS_KEYID_USE_SHA256, id,
	    &idlen) >= 0 && idlen == 32;
	if (ok)
		fp_format(id, fp);
	gnutls_x509_crt_deinit(c);
	return ok;
}

/* ---- signatures -------------------------------------------------------- */

struct keys_signer {
	gnutls_privkey_t	 key;
};

struct keys_pub {
	gnutls_pubkey_t		 key;
	char			 fp[KEYS_FP_LEN];
};

struct keys_signer *
keys_signer_load(const char *keyfile, char *err, size_t errlen)
{
	struct keys_signer	*s;
	gnutls_datum_t		 d = { NULL, 0 };
	int			 r;

	if (!key_mode_ok(keyfile, err, errlen) ||
	    !load(keyfile, "key file", &d, err, errlen))
		return NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL || (r = gnutls_privkey_init(&s->key)) < 0 ||
	    (r = gnutls_privkey_import_x509_raw(s->key, &d,
	    GNUTLS_X509_FMT_PEM, NULL, 0)) < 0 ||
	    gnutls_privkey_get_pk_algorithm(s->key, NULL) !=
	    GNUTLS_PK_EDDSA_ED25519) {
		snprintf(err, errlen, "the key file %s holds no Ed25519 key "
		    "GnuTLS can read", keyfile);
		keys_signer_free(s);
		s = NULL;
	}
	gnutls_memset(d.data, 0, d.size);
	gnutls_free(d.data);
	return s;
}

void
keys_signer_free(struct keys_signer *s)
{
	if (s == NULL)
		return;
	if (s->key != NULL)
		gnutls_privkey_deinit(s->key);
	free(s);
}

bool
keys_sign(struct keys_signer *s, const void *data, size_t len,
    char sig[KEYS_SIG_B64 + 1])
{
	gnutls_datum_t	 d = { (unsigned char *)(uintptr_t)data,
			    (unsigned)len };
	gnutls_datum_t	 raw = { NULL, 0 }, b64 = { NULL, 0 };
	bool		 ok;

	ok = gnutls_privkey_sign_data2(s->key, GNUTLS_SIGN_EDDSA_ED25519, 0,
	    &d, &raw) >= 0 && raw.size == 64 &&
	    gnutls_base64_encode2(&raw, &b64) >= 0 &&
	    b64.size == KEYS_SIG_B64;
	if (ok) {
		memcpy(sig, b64.data, KEYS_SIG_B64);
		sig[KEYS_SIG_B64] = '\0';
	}
	gnutls_free(raw.data);
	gnutls_free(b64.data);
	return ok;
}

/* Wrap an imported public key: Ed25519 only; its fingerprint. */
static struct keys_pub *
pub_wrap(gnutls_pubkey_t k)
{
	struct keys_pub	*p;
	unsigned char	 id[64];
	size_t		 idlen = sizeof id;

	if (gnutls_pubkey_get_pk_algorithm(k, NULL) !=
	    GNUTLS_PK_EDDSA_ED25519 ||
	    gnutls_pubkey_get_key_id(k, GNUTLS_KEYID_USE_SHA256, id,
	    &idlen) < 0 || idlen != 32 ||
	    (p = calloc(1, sizeof *p)) == NULL) {
		gnutls_pubkey_deinit(k);
		return NULL;
	}
	p->key = k;
	fp_format(id, p->fp);
	return p;
}

struct keys_pub *
keys_pub_from_cert(const void *der, size_t len)
{
	gnutls_pubkey_t	 k;
	gnutls_datum_t	 d = { (unsigned char *)(uintptr_t)der,
			    (unsigned)len };

	if (gnutls_pubkey_init(&k) < 0)
		return NULL;
	if (gnutls_pubkey_import_x509_raw(k, &d, GNUTLS_X509_FMT_DER, 0) < 0) {
		gnutls_pubkey_deinit(k);
		return NULL;
	}
	return pub_wrap(k);
}

struct keys_pub *
keys_pub_from_spki_b64(const char *b64, size_t len)
{
	gnutls_pubkey_t	 k;
	gnutls_datum_t	 in = { (unsigned char *)(uintptr_t)b64,
			    (unsigned)len }, der = { NULL, 0 };
	int		 r;

	if (len == 0 || len > 1024 || gnutls_base64_decode2(&in, &der) < 0)
		return NULL;
	if (gnutls_pubkey_init(&k) < 0) {
		gnutls_free(der.data);
		return NULL;
	}
	r = gnutls_pubkey_import(k, &der, GNUTLS_X509_FMT_DER);
	gnutls_free(der.data);
	if (r < 0) {
		gnutls_pubkey_deinit(k);
		return NULL;
	}
	return pub_wrap(k);
}

void
keys_pub_free(struct keys_pub *p)
{
	if (p == NULL)
		return;
	gnutls_pubkey_deinit(p->key);
	free(p);
}

void
keys_pub_fingerprint(const struct keys_pub *p, char fp[KEYS_FP_LEN])
{
	memcpy(fp, p->fp, KEYS_FP_LEN);
}

bool
keys_pub_spki_b64(const struct keys_pub *p, char out[KEYS_SPKI_B64 + 1])
{
	gnutls_datum_t	 der = { NULL, 0 }, b64 = { NULL, 0 };
	bool		 ok;

	ok = gnutls_pubkey_export2(p->key, GNUTLS_X509_FMT_DER, &der) >= 0 &&
	    gnutls_base64_encode2(&der, &b64) >= 0 &&
	    b64.size <= KEYS_SPKI_B64;
	if (ok) {
		memcpy(out, b64.data, b64.size);
		out[b64.size] = '\0';
	}
	gnutls_free(der.data);
	gnutls_free(b64.data);
	return ok;
}

bool
keys_verify(const struct keys_pub *p, const void *data, size_t len,
    const char *sig, size_t siglen)
{
	gnutls_datum_t	 d = { (unsigned char *)(uintptr_t)data,
			    (unsigned)len };
	gnutls_datum_t	 in = { (unsigned char *)(uintptr_t)sig,
			    (unsigned)siglen };
	gnutls_datum_t	 raw = { NULL, 0 };
	bool		 ok;

	if (siglen != KEYS_SIG_B64 || gnutls_base64_decode2(&in, &raw) < 0)
		return false;
	ok = raw.size == 64 && gnutls_pubkey_verify_data2(p->key,
	    GNUTLS_SIGN_EDDSA_ED25519, 0, &d, &raw) >= 0;
	gnutls_free(raw.data);
	return ok;
}

size_t
keys_signed_msg(char *out, const char *text, size_t len)
{
	memcpy(out, "xchat/2 msg", 12);		/* the NUL included */
	memcpy(out + 12, text, len);
	return 12 + len;
}

size_t
keys_signed_dm(char *out, const char *rkey, const char *text, size_t len)
{
	size_t	 klen = strlen(rkey);

	memcpy(out, "xchat/2 dm", 11);		/* the NUL included */
	memcpy(out + 11, rkey, klen);
	out[11 + klen] = '\0';
	memcpy(out + 12 + klen, text, len);
	return 12 + klen + len;
}

struct keys_pub *
keys_signer_pub(const struct keys_signer *s)
{
	gnutls_pubkey_t	 k;

	if (gnutls_pubkey_init(&k) < 0)
		return NULL;
	if (gnutls_pubkey_import_privkey(k, s->key, 0, 0) < 0) {
		gnutls_pubkey_deinit(k);
		return NULL;
	}
	return pub_wrap(k);
}

/* ---- a client's identity ------------------------------------------------ */

struct keys_signer *
keys_signer_pem(const char *pem, size_t len, char *err, size_t errlen)
{
	struct keys_signer	*s;
	gnutls_datum_t		 d = { (unsigned char *)(uintptr_t)pem,
				    (unsigned)len };

	s = calloc(1, sizeof *s);
	if (s == NULL || gnutls_privkey_init(&s->key) < 0 ||
	    gnutls_privkey_import_x509_raw(s->key, &d, GNUTLS_X509_FMT_PEM,
	    NULL, 0) < 0 ||
	    gnutls_privkey_get_pk_algorithm(s->key, NULL) !=
	    GNUTLS_PK_EDDSA_ED25519) {
		snprintf(err, errlen, "not an Ed25519 key GnuTLS can read");
		keys_signer_free(s);
		return NULL;
	}
	return s;
}

/* The most a key file may hold: a key and a certificate are 1 KiB. */
#define IDENTITY_MAX	(64 * 1024)

/*
 * Read a client's key file into d: a regular file (not a directory or
 * a device), nobody's but its owner's to read or write (like ssh, a
 * key others may read is refused), at most IDENTITY_MAX bytes.
 * 1 when read, 0 if it does not exist, -1 with err naming the file.
 */
static int
identity_read(const char *file, gnutls_datum_t *d, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd;

	d->data = NULL;
	d->size = 0;
	fd = open(file, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return 0;
	if (fd == -1 || fstat(fd, &st) == -1) {
		snprintf(err, errlen, "cannot read the key file %s: %s", file,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the key file %s is %s, not a file", file,
		    S_ISDIR(st.st_mode) ? "a directory" : "a special file");
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "the key file %s may be read by others "
		    "(mode %04o): it must be yours alone (chmod 600 %s)", file,
		    (unsigned)(st.st_mode & 07777), file);
		close(fd);
		return -1;
	}
	if (st.st_size > IDENTITY_MAX) {
		snprintf(err, errlen, "the key file %s is too large (%lld "
		    "bytes) to be a key", file, (long long)st.st_size);
		close(fd);
		return -1;
	}
	d->data = gnutls_malloc((size_t)st.st_size + 1);
	n = d->data == NULL ? -1 : read(fd, d->data, (size_t)st.st_size);
	close(fd);
	if (n != (ssize_t)st.st_size) {
		snprintf(err, errlen, "cannot read the key file %s%s%s", file,
		    n == -1 ? ": " : " (it changed)",
		    n == -1 ? strerror(errno) : "");
		gnutls_free(d->data);
		d->data = NULL;
		return -1;
	}
	d->size = (unsigned)n;
	d->data[n] = '\0';
	return 1;
}

/*
 * The certificate in the PEM data d, if it has one: its DER into der
 * (gnutls_free it).  0 if there is none, 1 if found, -1 if one is
 * there but cannot be read.
 */
static int
identity_cert(const gnutls_datum_t *d, gnutls_x509_crt_t *crt)
{
	static const char	 hdr[] = "-----BEGIN CERTIFICATE-----";
	gnutls_datum_t		 c;
	const char		*p;

	p = memmem(d->data, d->size, hdr, sizeof hdr - 1);
	if (p == NULL)
		return 0;
	c.data = (unsigned char *)(uintptr_t)p;
	c.size = (unsigned)(d->size - (unsigned)(p - (const char *)d->data));
	if (gnutls_x509_crt_init(crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(*crt, &c, GNUTLS_X509_FMT_PEM) < 0) {
		gnutls_x509_crt_deinit(*crt);
		*crt = NULL;
		return -1;
	}
	return 1;
}

/* PEM of crt into id->certpem; false on failure. */
static bool
identity_cert_pem(struct keys_identity *id, gnutls_x509_crt_t crt)
{
	gnutls_datum_t	 out = { NULL, 0 };

	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out) < 0)
		return false;
	id->certpem = malloc(out.size + 1);
	if (id->certpem != NULL) {
		memcpy(id->certpem, out.data, out.size);
		id->certpem[out.size] = '\0';
		id->certlen = out.size;
	}
	gnutls_free(out.data);
	return id->certpem != NULL;
}

/*
 * The private key of d (an Ed25519 key, PEM) into k; its fingerprint
 * into fp.  false with err naming file.
 */
static bool
identity_key(const char *file, const gnutls_datum_t *d,
    gnutls_x509_privkey_t *k, char fp[KEYS_FP_LEN], char *err,
    size_t errlen)
{
	unsigned char	 id[64];
	size_t		 idlen = sizeof id;
	int		 r;

	if ((r = gnutls_x509_privkey_init(k)) < 0 ||
	    (r = gnutls_x509_privkey_import2(*k, d, GNUTLS_X509_FMT_PEM, NULL,
	    0)) < 0) {
		snprintf(err, errlen, "the key file %s holds no private key "
		    "GnuTLS can read (%s): is it whole, and PEM?", file,
		    gnutls_strerror(r));
		return false;
	}
	if (gnutls_x509_privkey_get_pk_algorithm2(*k, NULL) !=
	    GNUTLS_PK_EDDSA_ED25519) {
		snprintf(err, errlen, "the key in %s is not an Ed25519 key "
		    "(the only kind xchat uses)", file);
		return false;
	}
	if ((r = gnutls_x509_privkey_get_key_id(*k, GNUTLS_KEYID_USE_SHA256,
	    id, &idlen)) < 0 || idlen != 32) {
		snprintf(err, errlen, "the key in %s: %s", file,
		    gnutls_strerror(r));
		return false;
	}
	fp_format(id, fp);
	return true;
}

/*
 * The certificate of the identity: the one in the file, which must be
 * for its key, or one made now (never written).
 */
static bool
identity_certify(const char *file, const gnutls_datum_t *d,
    gnutls_x509_privkey_t k, struct keys_identity *id, char *err,
    size_t errlen)
{
	gnutls_x509_crt_t	 crt = NULL;
	unsigned char		 cid[64];
	size_t			 clen = sizeof cid;
	char			 cfp[KEYS_FP_LEN];
	bool			 ok = false;

	switch (identity_cert(d, &crt)) {
	case -1:
		snprintf(err, errlen, "the certificate in the key file %s "
		    "cannot be read (is it whole?)", file);
		return false;
	case 0:
		if (gnutls_x509_crt_init(&crt) < 0 || make_cert(crt, k,
		    "xchat") < 0) {
			snprintf(err, errlen, "cannot make a certificate for "
			    "the key in %s", file);
			goto out;
		}
		break;
	default:
		if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256,
		    cid, &clen) < 0 || clen != 32 ||
		    (fp_format(cid, cfp), strcmp(cfp, id->fp) != 0)) {
			snprintf(err, errlen, "the certificate in the key file "
			    "%s is not the key's", file);
			goto out;
		}
		break;
	}
	if (!(ok = identity_cert_pem(id, crt)))
		snprintf(err, errlen, "cannot export the certificate of %s",
		    file);
out:
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	return ok;
}

int
keys_identity_load(const char *file, struct keys_identity *id, char *err,
    size_t errlen)
{
	gnutls_datum_t		 d, out = { NULL, 0 };
	gnutls_x509_privkey_t	 k = NULL;
	int			 r;

	memset(id, 0, sizeof *id);
	if ((r = identity_read(file, &d, err, errlen)) <= 0)
		return r;
	r = -1;
	if (!identity_key(file, &d, &k, id->fp, err, errlen) ||
	    !identity_certify(file, &d, k, id, err, errlen))
		goto out;
	if (gnutls_x509_privkey_export2_pkcs8(k, GNUTLS_X509_FMT_PEM, NULL,
	    GNUTLS_PKCS_PLAIN, &out) < 0 ||
	    (id->keypem = malloc(out.size + 1)) == NULL) {
		snprintf(err, errlen, "cannot export the key of %s", file);
		goto out;
	}
	memcpy(id->keypem, out.data, out.size);
	id->keypem[out.size] = '\0';
	id->keylen = out.size;
	if ((id->signer = keys_signer_pem(id->keypem, id->keylen, err,
	    errlen)) == NULL)
		goto out;
	r = 1;
out:
	datum_wipe(&out);
	datum_wipe(&d);
	pair_free(k, NULL);
	if (r != 1)
		keys_identity_free(id);
	return r;
}

void
keys_identity_free(struct keys_identity *id)
{
	keys_signer_free(id->signer);
	if (id->keypem != NULL) {
		gnutls_memset(id->keypem, 0, id->keylen);
		free(id->keypem);
	}
	free(id->certpem);
	memset(id, 0, sizeof *id);
}

bool
keys_identity_create(const char *file, const char *cn, char *err,
    size_t errlen)
{
	gnutls_datum_t		 kpem = { NULL, 0 }, cpem = { NULL, 0 }, all;
	bool			 ok = false;

	all.data = NULL;
	all.size = 0;
	if (!make_pair_pem(cn, &kpem, &cpem, err, errlen))
		goto out;
	if ((all.data = gnutls_malloc(kpem.size + cpem.size)) == NULL) {
		snprintf(err, errlen, "cannot make a key and certificate: "
		    "out of memory");
		goto out;
	}
	memcpy(all.data, kpem.data, kpem.size);
	memcpy(all.data + kpem.size, cpem.data, cpem.size);
	all.size = kpem.size + cpem.size;
	ok = write_private(file, &all, false, err, errlen);
out:
	datum_wipe(&all);
	datum_wipe(&kpem);
	gnutls_free(cpem.data);
	return ok;
}
