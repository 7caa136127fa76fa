/*
 * test_keys.c -- signatures as version 2 makes them: RFC 8032's first
 * test vector (a known key, the known signature, verified), the bytes
 * that are signed for MSG and DM, public keys from a certificate and
 * from base64 (and their fingerprints), and both ways against OpenSSL
 * when it is installed: what we sign, "openssl pkeyutl -verify
 * -rawin" accepts; what it signs, we accept.  Tampered text, key or
 * signature fail.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys.h"
#include "unit.h"

/* RFC 8032, section 7.1, TEST 1. */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc_spki[] =
    "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char rfc_fp[] = "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb"
    "231134be30e75b455f8e1b792fa9";
static const char rfc_sig[] = "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVf"
    "uIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==";

static char	 dir[] = "/tmp/xchat-keys.XXXXXX";

static char *
path(const char *name)
{
	return unit_path(dir, name);
}

static void
put_file(const char *name, const void *data, size_t len)
{
	unit_put_file(path(name), data, len);
	chmod(path(name), 0600);
}

static void
test_rfc8032(void)
{
	struct keys_signer *s;
	struct keys_pub	*p;
	char		 err[256], sig[KEYS_SIG_B64 + 1], fp[KEYS_FP_LEN];
	char		 spki[KEYS_SPKI_B64 + 1], bad[KEYS_SIG_B64 + 1];

	put_file("rfc.pem", rfc_key, strlen(rfc_key));
	s = keys_signer_load(path("rfc.pem"), err, sizeof err);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK(keys_sign(s, "", 0, sig));
	CHECK_STR(sig, rfc_sig);
	p = keys_pub_from_spki_b64(rfc_spki, strlen(rfc_spki));
	CHECK(p != NULL);
	if (p != NULL) {
		keys_pub_fingerprint(p, fp);
		CHECK_STR(fp, rfc_fp);
		CHECK(keys_pub_spki_b64(p, spki));
		CHECK_STR(spki, rfc_spki);
		CHECK(keys_verify(p, "", 0, rfc_sig, strlen(rfc_sig)));
		CHECK(!keys_verify(p, "x", 1, rfc_sig, strlen(rfc_sig)));
		memcpy(bad, rfc_sig, sizeof bad);
		bad[10] = bad[10] == 'A' ? 'B' : 'A';
		CHECK(!keys_verify(p, "", 0, bad, strlen(bad)));
		CHECK(!keys_verify(p, "", 0, rfc_sig, 87));
		CHECK(!keys_verify(p, "", 0, "-", 1));
	}
	keys_pub_free(p);
	keys_signer_free(s);
	/* Not a key, and not base64. */
	CHECK(keys_pub_from_spki_b64("AAAA", 4) == NULL);
	CHECK(keys_pub_from_spki_b64("@@@@", 4) == NULL);
}

static void
test_signed_bytes(void)
{
	static const char want_msg[] = "xchat/2 msg\0olá";
	static const char want_dm[] = "xchat/2 dm\0-\0oi";
	char		 buf[256];
	size_t		 n;

	n = keys_signed_msg(buf, "olá", 4);
	CHECK(n == sizeof want_msg - 1 && memcmp(buf, want_msg, n) == 0);
	n = keys_signed_dm(buf, "-", "oi", 2);
	CHECK(n == sizeof want_dm - 1 && memcmp(buf, want_dm, n) == 0);
	n = keys_signed_dm(buf, rfc_fp, "oi", 2);
	CHECK(n == 11 + 71 + 1 + 2 && buf[11 + 71] == '\0');
}

/* Run a shell command; its exit status (-1 if it could not run). */
static int
sh(const char *fmt, const char *a, const char *b, const char *c)
{
	char	 cmd[2048];

	snprintf(cmd, sizeof cmd, fmt, a, b, c);
	return system(cmd);
}

static void
test_openssl(void)
{
	struct keys_signer *s;
	struct keys_pub	*p;
	char		 err[256], sig[KEYS_SIG_B64 + 1], fp[KEYS_FP_LEN];
	char		 data[64], osig[128], line[256];
	size_t		 n;
	FILE		*f;

	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "no openssl: cross-checks skipped\n");
		return;
	}
	CHECK(keys_generate(path("k.pem"), path("c.pem"), "t", err,
	    sizeof err));
	s = keys_signer_load(path("k.pem"), err, sizeof err);
	CHECK(s != NULL);
	n = keys_signed_msg(data, "hello", 5);
	put_file("data", data, n);
	CHECK(s != NULL && keys_sign(s, data, n, sig));
	put_file("sig.b64", sig, strlen(sig));
	/* What we sign, OpenSSL accepts. */
	CHECK(sh("cd %s && openssl pkey -in k.pem -pubout -out pub.pem && "
	    "base64 -d sig.b64 > sig.bin%s%s", dir, "", "") == 0);
	CHECK(sh("cd %s && openssl pkeyutl -verify -rawin -pubin -inkey "
	    "pub.pem -in data -sigfile sig.bin >/dev/null 2>&1%s%s", dir, "",
	    "") == 0);
	/* And the same signature (Ed25519 is deterministic). */
	CHECK(sh("cd %s && openssl pkeyutl -sign -rawin -inkey k.pem -in "
	    "data -out osig.bin 2>/dev/null && base64 -w0 osig.bin > "
	    "osig.b64%s%s", dir, "", "") == 0);
	f = fopen(path("osig.b64"), "r");
	CHECK(f != NULL && fgets(osig, sizeof osig, f) != NULL);
	if (f != NULL)
		fclose(f);
	CHECK_STR(osig, sig);
	/* What OpenSSL signs, we accept, with the certificate's key. */
	CHECK(sh("cd %s && printf 'xchat/2 msg\\0outro' > d2 && openssl "
	    "pkeyutl -sign -rawin -inkey k.pem -in d2 | base64 -w0 > s2.b64"
	    "%s%s", dir, "", "") == 0);
	f = fopen(path("s2.b64"), "r");
	CHECK(f != NULL && fgets(osig, sizeof osig, f) != NULL);
	if (f != NULL)
		fclose(f);
	CHECK(sh("cd %s && openssl x509 -in c.pem -outform DER -out c.der"
	    "%s%s", dir, "", "") == 0);
	f = fopen(path("c.der"), "rb");
	n = f != NULL ? fread(line, 1, sizeof line, f) : 0;
	if (f != NULL)
		fclose(f);
	p = keys_pub_from_cert(line, n);
	CHECK(p != NULL);
	if (p != NULL) {
		n = keys_signed_msg(data, "outro", 5);
		CHECK(keys_verify(p, data, n, osig, strlen(osig)));
		CHECK(!keys_verify(p, data, n - 1, osig, strlen(osig)));
		keys_pub_fingerprint(p, fp);
		CHECK(keys_check_pair(path("k.pem"), path("c.pem"), line, err,
		    sizeof err) && strcmp(line, fp) == 0);
	}
	keys_pub_free(p);
	keys_signer_free(s);
}

int
main(void)
{
	char	 cmd[600];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_rfc8032();
	test_signed_bytes();
	test_openssl();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_done("test_keys");
}
