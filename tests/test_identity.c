/*
 * test_identity.c -- the client's key file (keys_identity_*, issue 12):
 * made once with mode 0600, never replaced; read back with the same
 * fingerprint; a key file without a certificate gets one in memory;
 * and the hostile files are refused with a sentence naming the file:
 * readable by the group or others, a directory, a truncated PEM,
 * another kind of key (Ed448), a certificate of another key, garbage.
 * TLS credentials are made from an identity.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys.h"
#include "tls.h"
#include "unit.h"

/* RFC 8032, section 7.1, TEST 1: a known key and its fingerprint. */
static const char rfc_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char rfc_fp[] = "sha256:06e3fd8fda29bb60ab59557de61edb0aecdb"
    "231134be30e75b455f8e1b792fa9";
static const char ed448_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MEcCAQAwBQYDK2VxBDsEOT7yhWuh2VfKkCYmJgSxZKYPM6DRZ1NJ95CRRQ0F3ZTT\n"
    "33wZzelMto65WVSSS+slm6+eM5eUmOcXFg==\n"
    "-----END PRIVATE KEY-----\n";

static char	 dir[] = "/tmp/xchat-identity.XXXXXX";

static char *
path(const char *name)
{
	return unit_path(dir, name);
}

static void
put_file(const char *name, const void *data, size_t len, mode_t mode)
{
	unit_put_file(path(name), data, len);
	if (chmod(path(name), mode) != 0)
		exit(99);
}

static char *
slurp(const char *name, size_t *len)
{
	static char	 buf[65536];

	unit_read_file(path(name), buf, sizeof buf, len);
	return buf;
}

/* Load name: want 1, 0 or -1; on -1 the error names the file. */
static void
load_expect(const char *name, int want, const char *why)
{
	struct keys_identity	 id;
	char			 err[512] = "";
	int			 r;

	r = keys_identity_load(path(name), &id, err, sizeof err);
	CHECK(r == want);
	if (r != want)
		fprintf(stderr, "%s: got %d (%s)\n", name, r, err);
	if (want == -1) {
		CHECK(strstr(err, path(name)) != NULL);
		if (why != NULL && strstr(err, why) == NULL) {
			fprintf(stderr, "%s: \"%s\" lacks \"%s\"\n", name, err,
			    why);
			CHECK(!"the reason is named");
		}
	}
	keys_identity_free(&id);
}

static void
test_create(void)
{
	struct keys_identity	 id, id2;
	struct stat		 st;
	char			 err[512], sig[KEYS_SIG_B64 + 1];
	size_t			 len;
	char			*s;

	load_expect("id.pem", 0, NULL);		/* none yet */
	CHECK(keys_identity_create(path("id.pem"), "xchat", err, sizeof err));
	CHECK(stat(path("id.pem"), &st) == 0 && (st.st_mode & 0777) == 0600);
	s = slurp("id.pem", &len);
	CHECK(strstr(s, "-----BEGIN PRIVATE KEY-----") == s);
	CHECK(strstr(s, "-----BEGIN CERTIFICATE-----") != NULL);
	CHECK(keys_identity_load(path("id.pem"), &id, err, sizeof err) == 1);
	CHECK(keys_fp_parse(id.fp, NULL));
	CHECK(id.signer != NULL && keys_sign(id.signer, "x", 1, sig));
	CHECK(id.certpem != NULL && strstr(id.certpem, "CERTIFICATE") != NULL);
	/* Never replaced: the second try fails and the key stays. */
	CHECK(!keys_identity_create(path("id.pem"), "xchat", err, sizeof err));
	CHECK(strstr(err, "exists") != NULL);
	CHECK(keys_identity_load(path("id.pem"), &id2, err, sizeof err) == 1);
	CHECK_STR(id2.fp, id.fp);
	keys_identity_free(&id2);
	keys_identity_free(&id);
	/* No temporary file is left behind. */
	CHECK(access(path("id.pem.tmp"), F_OK) == -1);
}

static void
test_no_cert(void)
{
	struct keys_identity	 id;
	struct tls_creds	*cr;
	char			 err[512];

	/* A bare key (openssl genpkey's output): a certificate is made. */
	put_file("bare.pem", rfc_key, strlen(rfc_key), 0600);
	CHECK(keys_identity_load(path("bare.pem"), &id, err, sizeof err) == 1);
	CHECK_STR(id.fp, rfc_fp);
	CHECK(id.certpem != NULL);
	cr = tls_client_creds_id(&id, err, sizeof err);
	CHECK(cr != NULL);
	if (cr != NULL)
		CHECK_STR(tls_creds_fingerprint(cr), rfc_fp);
	tls_creds_free(cr);
	keys_identity_free(&id);
	cr = tls_client_creds_id(NULL, err, sizeof err);
	CHECK(cr != NULL && *tls_creds_fingerprint(cr) == '\0');
	tls_creds_free(cr);
}

static void
test_hostile(void)
{
	char	 err[512], *s, buf[65536];
	size_t	 len;

	CHECK(keys_identity_create(path("good.pem"), "xchat", err,
	    sizeof err));
	s = slurp("good.pem", &len);
	memcpy(buf, s, len);
	/* Open to the group, or to others: refused, like ssh. */
	put_file("group.pem", buf, len, 0640);
	load_expect("group.pem", -1, "chmod 600");
	put_file("other.pem", buf, len, 0604);
	load_expect("other.pem", -1, "chmod 600");
	/* A directory. */
	CHECK(mkdir(path("dir.pem"), 0700) == 0);
	load_expect("dir.pem", -1, "directory");
	/* Truncated in the key, or in the certificate. */
	put_file("trunc.pem", buf, 40, 0600);
	load_expect("trunc.pem", -1, "no private key");
	put_file("trunc2.pem", buf, len - 30, 0600);
	load_expect("trunc2.pem", -1, "certificate");
	/* Empty, garbage, binary. */
	put_file("empty.pem", "", 0, 0600);
	load_expect("empty.pem", -1, "no private key");
	put_file("junk.pem", "\0\1\2\377not a key\n", 14, 0600);
	load_expect("junk.pem", -1, "no private key");
	/* Another kind of key. */
	put_file("ed448.pem", ed448_key, strlen(ed448_key), 0600);
	load_expect("ed448.pem", -1, "not an Ed25519 key");
	/* A key with another key's certificate after it. */
	s = strstr(buf, "-----BEGIN CERTIFICATE-----");
	CHECK(s != NULL);
	if (s != NULL) {
		snprintf(err, sizeof err, "%s%s", rfc_key, s);
		put_file("swap.pem", err, strlen(err), 0600);
		load_expect("swap.pem", -1, "not the key's");
	}
	/* Too large to be a key. */
	memset(buf, 'A', sizeof buf);
	put_file("huge.pem", buf, sizeof buf, 0600);
	{
		FILE	*f = fopen(path("huge.pem"), "ab");

		CHECK(f != NULL && fwrite(buf, 1, 10, f) == 10);
		if (f != NULL)
			fclose(f);
	}
	load_expect("huge.pem", -1, "too large");
	/* Not there: 0, not an error (the caller may create it). */
	load_expect("nothere.pem", 0, NULL);
}

int
main(void)
{
	char	 cmd[600];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_create();
	test_no_cert();
	test_hostile();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_done("test_identity");
}
