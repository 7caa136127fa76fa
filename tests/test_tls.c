/*
 * test_tls.c -- keys and the TLS transport without a network: key and
 * certificate files (made once, mode 0600, refused when they do not
 * match, are open to others or are not PEM), fingerprints against
 * OpenSSL's, handshakes over a socketpair (TLS 1.3, ALPN xchat/2,
 * none, or another refused), a megabyte through small socket buffers
 * (records GnuTLS must hold and finish later), client certificates
 * (Ed25519 accepted and seen, another key type refused), and the
 * client's trust: first use, pinned, changed, -trust.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "keys.h"
#include "tls.h"
#include "transport.h"
#include "unit.h"

static char	 dir[] = "/tmp/xchat-tls.XXXXXX";

static char *
path(const char *name)
{
	static char	 buf[8][512];
	static int	 k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void
test_files(char fp[KEYS_FP_LEN])
{
	char		 err[512], fp2[KEYS_FP_LEN], cmd[1024], line[256];
	struct stat	 st;
	FILE		*p;

	CHECK(keys_private_dir(path("state/sub"), err, sizeof err));
	CHECK(stat(path("state/sub"), &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(keys_generate(path("k1"), path("c1"), "test", err, sizeof err));
	CHECK(stat(path("k1"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(path("c1"), &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(keys_check_pair(path("k1"), path("c1"), fp, err, sizeof err));
	CHECK(keys_fp_parse(fp, NULL));
	/* The fingerprint is OpenSSL's SHA-256 of the DER public key. */
	snprintf(cmd, sizeof cmd, "openssl pkey -in %s -pubout -outform DER "
	    "2>/dev/null | sha256sum", path("k1"));
	if (system("openssl version >/dev/null 2>&1") == 0 &&
	    (p = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, p) != NULL)
			CHECK(strncmp(line, fp + 7, 64) == 0);
		pclose(p);
	}
	/* Mismatch, mode, missing and garbage. */
	CHECK(keys_generate(path("k2"), path("c2"), "other", err, sizeof err));
	CHECK(!keys_check_pair(path("k2"), path("c1"), fp2, err, sizeof err));
	CHECK(strstr(err, "does not match") != NULL);
	chmod(path("k2"), 0644);
	CHECK(!keys_check_pair(path("k2"), path("c2"), fp2, err, sizeof err));
	CHECK(strstr(err, "open to others") != NULL);
	chmod(path("k2"), 0600);
	CHECK(!keys_check_pair(path("nope"), path("c2"), fp2, err,
	    sizeof err));
	CHECK(strstr(err, "cannot read") != NULL);
	p = fopen(path("junk"), "w");
	fputs("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
	    p);
	fclose(p);
	chmod(path("junk"), 0600);
	CHECK(!keys_check_pair(path("junk"), path("c2"), fp2, err,
	    sizeof err));
	CHECK(strstr(err, "no key") != NULL);
	CHECK(!keys_fp_parse("sha256:12", NULL));
	CHECK(keys_fp_parse("SHA256:00", NULL) == false);
}

/* Drive both handshakes until both end; returns server's result. */
static int
handshake(struct conn *s, struct conn *c, int *cres)
{
	int	 rs = 0, rc = 0, i;

	for (i = 0; i < 2000 && (rs == 0 || rc == 0); i++) {
		if (rs == 0)
			rs = conn_handshake(s);
		if (rc == 0)
			rc = conn_handshake(c);
		if (rs == -1 || rc == -1)
			break;
		poll(NULL, 0, 1);
	}
	*cres = rc;
	return rs;
}

static void
pair(struct tls_creds *sc, struct tls_creds *cc, const char *alpn,
    struct conn **s, struct conn **c)
{
	int	 sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	*s = tls_server_conn(sc, sv[0]);
	*c = tls_client_conn(cc, sv[1], "localhost", alpn);
}

static void
test_handshakes(struct tls_creds *sc, struct tls_creds *cc)
{
	struct conn	*s, *c;
	struct conn_info info;
	int		 rc;

	pair(sc, cc, NULL, &s, &c);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	conn_info(s, &info);
	CHECK(info.tls && strcmp(info.version, "TLS1.3") == 0);
	CHECK(info.alpn[0] == '\0' && info.peer_key[0] == '\0');
	conn_close(s);
	conn_close(c);

	pair(sc, cc, TLS_ALPN_V2, &s, &c);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	conn_info(s, &info);
	CHECK(strcmp(info.alpn, "xchat/2") == 0);
	conn_close(s);
	conn_close(c);

	pair(sc, cc, "xchat/3", &s, &c);
	CHECK(handshake(s, c, &rc) == -1);
	conn_info(s, &info);
	/* GnuTLS's words for the cause; the caller says "handshake". */
	CHECK(strstr(info.error, "application protocol") != NULL);
	conn_close(s);
	conn_close(c);
}

/* A megabyte each way through small socket buffers. */
static void
test_data(struct tls_creds *sc, struct tls_creds *cc)
{
	static char	 out[1 << 20], in[1 << 20];
	struct conn	*s, *c;
	struct iovec	 iov[4];
	char		 one;
	size_t		 sent = 0, got = 0, i;
	int		 rc, sz = 4096, loops = 0;
	ssize_t		 n;

	for (i = 0; i < sizeof out; i++)
		out[i] = (char)(i * 7 + i / 4093);
	pair(sc, cc, NULL, &s, &c);
	setsockopt(conn_fd(s), SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	setsockopt(conn_fd(c), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	while (got < sizeof in && loops++ < 100000) {
		if (sent < sizeof out) {
			/*
			 * The unsent rest, in pieces: one byte of it from
			 * elsewhere in memory (the record is gathered, not
			 * sent in place) and an empty entry with no base.
			 */
			size_t	 left = sizeof out - sent, a = left / 3;

			one = out[sent + a];
			iov[0] = (struct iovec){ out + sent, a };
			iov[1] = (struct iovec){ NULL, 0 };
			iov[2] = (struct iovec){ &one, 1 };
			iov[3] = (struct iovec){ out + sent + a + 1,
			    left - a - 1 };
			if (left == 1)
				iov[0].iov_len = 1;
			n = conn_writev(c, iov, left > 1 ? 4 : 1);
			if (n > 0)
				sent += (size_t)n;
			else
				CHECK(errno == EAGAIN);
		}
		n = conn_read(s, in + got, sizeof in - got);
		if (n > 0)
			got += (size_t)n;
		else
			CHECK(n == -1 && errno == EAGAIN);
	}
	CHECK(got == sizeof in && memcmp(in, out, sizeof in) == 0);
	CHECK(conn_pending(s) == 0);
	/* A close from the client is an end of stream, not an error. */
	conn_shutdown(c);
	for (loops = 0; loops < 1000; loops++) {
		n = conn_read(s, in, sizeof in);
		if (n != -1 || errno != EAGAIN)
			break;
		poll(NULL, 0, 1);
	}
	CHECK(n == 0);
	conn_close(s);
	conn_close(c);
}

static void
test_client_certs(struct tls_creds *sc, const char *fp1)
{
	struct tls_creds *cc;
	struct conn	*s, *c;
	struct conn_info info;
	char		 err[512], cmd[1024];
	int		 rc;

	/* An Ed25519 client certificate: its key is seen by the server. */
	cc = tls_client_creds(path("c1"), path("k1"), err, sizeof err);
	CHECK(cc != NULL && strcmp(tls_creds_fingerprint(cc), fp1) == 0);
	pair(sc, cc, TLS_ALPN_V2, &s, &c);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	conn_info(s, &info);
	CHECK(strcmp(info.peer_key, fp1) == 0);
	conn_close(s);
	conn_close(c);
	tls_creds_free(cc);

	/* Any other key type fails the handshake. */
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -keyout %s -out %s -subj /CN=ec "
	    "-days 1 >/dev/null 2>&1 && chmod 600 %s", path("eck"),
	    path("ecc"), path("eck"));
	if (system(cmd) != 0) {
		fprintf(stderr, "no openssl: ECDSA client case skipped\n");
		return;
	}
	cc = tls_client_creds(path("ecc"), path("eck"), err, sizeof err);
	CHECK(cc != NULL);
	pair(sc, cc, TLS_ALPN_V2, &s, &c);
	CHECK(handshake(s, c, &rc) == -1);
	conn_close(s);
	conn_close(c);
	tls_creds_free(cc);
}

static void
test_trust(struct tls_creds *sc, struct tls_creds *cc, const char *fp1)
{
	struct tls_creds *sc2;
	struct conn	*s, *c;
	char		 fp[KEYS_FP_LEN], old[KEYS_FP_LEN], why[256], err[256];
	int		 rc;

	pair(sc, cc, NULL, &s, &c);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	CHECK(tls_client_trust(c, path("known"), "h", "1", NULL, fp, old, why,
	    sizeof why) == TLS_TRUST_NEW);
	CHECK(strcmp(fp, fp1) == 0);
	CHECK(tls_pin_store(c, path("known"), "h", "1"));
	CHECK(tls_client_trust(c, path("known"), "h", "1", NULL, fp, old, why,
	    sizeof why) == TLS_TRUST_PINNED);
	CHECK(tls_client_trust(c, path("known"), "h", "2", NULL, fp, old, why,
	    sizeof why) == TLS_TRUST_NEW);
	CHECK(tls_client_trust(c, path("known"), "h", "1", fp1, fp, old, why,
	    sizeof why) == TLS_TRUST_PINNED);
	conn_close(s);
	conn_close(c);

	/* The same host:port with another key. */
	sc2 = tls_server_creds(path("c2"), path("k2"), err, sizeof err);
	CHECK(sc2 != NULL);
	pair(sc2, cc, NULL, &s, &c);
	CHECK(handshake(s, c, &rc) == 1 && rc == 1);
	CHECK(tls_client_trust(c, path("known"), "h", "1", NULL, fp, old, why,
	    sizeof why) == TLS_TRUST_CHANGED);
	CHECK(strcmp(old, fp1) == 0 && strcmp(fp, fp1) != 0);
	CHECK(tls_client_trust(c, path("known"), "h", "1", fp1, fp, old, why,
	    sizeof why) == TLS_TRUST_CHANGED);
	conn_close(s);
	conn_close(c);
	tls_creds_free(sc2);
}

int
main(void)
{
	struct tls_creds *sc, *cc;
	char		 fp[KEYS_FP_LEN], err[512], cmd[600];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_files(fp);
	sc = tls_server_creds(path("c1"), path("k1"), err, sizeof err);
	cc = tls_client_creds(NULL, NULL, err, sizeof err);
	CHECK(sc != NULL && cc != NULL);
	CHECK(strcmp(tls_creds_fingerprint(sc), fp) == 0);
	if (sc != NULL && cc != NULL) {
		test_handshakes(sc, cc);
		test_data(sc, cc);
		test_client_certs(sc, fp);
		test_trust(sc, cc, fp);
	}
	tls_creds_free(sc);
	tls_creds_free(cc);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_done("test_tls");
}
