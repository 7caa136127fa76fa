/*
 * digest.c -- MD5 (message integrity) and SHA-256 (log chain) through
 * libgcrypt.  MD5 here detects accidental corruption only; it is not
 * authentication.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <string.h>

#include <gcrypt.h>

#include "digest.h"
#include "log.h"

static gcry_md_hd_t	md5_hd;
static gcry_md_hd_t	sha_hd;

static const char	hexdigits[] = "0123456789abcdef";

/*
 * Check the libgcrypt version, finish its initialisation and open the
 * two digest handles used for the life of the program.  MD5 is refused
 * in FIPS mode: say so plainly.
 */
const char *
digest_init(void)
{
	static char	 msg[256];
	gcry_error_t	 err;

	if (md5_hd != NULL)
		return NULL;
	if (!gcry_check_version(GCRYPT_VERSION)) {
		snprintf(msg, sizeof msg, "libgcrypt is older than %s",
		    GCRYPT_VERSION);
		return msg;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (gcry_fips_mode_active()) {
		return "libgcrypt is in FIPS mode, which refuses MD5; "
		    "xchat's protocol needs MD5 (it is used for integrity, "
		    "not security)";
	}
	err = gcry_md_open(&md5_hd, GCRY_MD_MD5, 0);
	if (err == 0)
		err = gcry_md_open(&sha_hd, GCRY_MD_SHA256, 0);
	if (err != 0) {
		snprintf(msg, sizeof msg, "libgcrypt refuses %s: %s",
		    md5_hd == NULL ? "MD5" : "SHA-256", gcry_strerror(err));
		return msg;
	}
	return NULL;
}

static void
tohex(const unsigned char *d, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[d[i] >> 4];
		out[2 * i + 1] = hexdigits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

void
digest_md5_hex(const void *buf, size_t len, char out[33])
{
	if (md5_hd == NULL) {
		const char *e = digest_init();
		if (e != NULL)
			fatalx("%s", e);
	}
	gcry_md_reset(md5_hd);
	gcry_md_write(md5_hd, buf, len);
	tohex(gcry_md_read(md5_hd, GCRY_MD_MD5), 16, out);
}

static int
lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

bool
digest_md5_equal(const char *a, const char *b)
{
	int	 i;

	for (i = 0; i < DIGEST_MD5_HEX; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

void
digest_md5_lower(const char *in, char *out)
{
	int	 i;

	for (i = 0; i < DIGEST_MD5_HEX; i++)
		out[i] = (char)lower((unsigned char)in[i]);
}

void
digest_chain_hex(const char *prev_hex, const void *data, size_t len,
    char out[65])
{
	if (sha_hd == NULL) {
		const char *e = digest_init();
		if (e != NULL)
			fatalx("%s", e);
	}
	gcry_md_reset(sha_hd);
	gcry_md_write(sha_hd, prev_hex, DIGEST_CHAIN_HEX);
	gcry_md_write(sha_hd, data, len);
	tohex(gcry_md_read(sha_hd, GCRY_MD_SHA256), 32, out);
}
