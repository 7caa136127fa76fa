/*
 * tls.c -- the TLS transport of struct conn, with GnuTLS: TLS 1.3 only,
 * non-blocking handshakes driven from the event loop, records of up to
 * 16 KiB gathered from a write list, and the client's trust in a
 * server (system CAs, then GnuTLS's trust-on-first-use store).
 *
 * A record GnuTLS could not send at once (GNUTLS_E_AGAIN) stays in
 * GnuTLS and is not reported as written: the caller keeps those bytes
 * at the head of its buffer and gives them again, and the next write
 * first finishes that record (gnutls_record_send with no data).  So
 * the caller's output cap counts every byte that is not on the wire,
 * and conn_held() says how many of them GnuTLS holds.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/socket.h>
#include <gnutls/x509.h>

#include "evloop.h"
#include "keys.h"
#include "tls.h"
#include "xmalloc.h"

#define TLS_PRIORITY	"NORMAL:-VERS-ALL:+VERS-TLS1.3"
/*
 * The server's choice prevails (%SERVER_PRECEDENCE), among the same
 * algorithms as TLS_PRIORITY: AES-128-GCM first, since every client's
 * bytes are encrypted for it (bench/RESULTS.md: with AES-NI here it
 * costs less than AES-256-GCM and far less than ChaCha20, which a
 * client may prefer), and X25519 before the NIST curves (the cheapest
 * handshake).
 */
#define TLS_SERVER_PRIORITY	TLS_PRIORITY ":-CIPHER-ALL:+AES-128-GCM:" \
	"+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM:+AES-256-CCM:" \
	"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:" \
	"+GROUP-SECP521R1:+GROUP-X448:+GROUP-FFDHE2048:+GROUP-FFDHE3072:" \
	"+GROUP-FFDHE4096:+GROUP-FFDHE6144:+GROUP-FFDHE8192:" \
	"%SERVER_PRECEDENCE"
#define RECORD_MAX	16384		/* plaintext bytes in a record */
#define WRITE_BUDGET	(256 * 1024)	/* bytes encrypted per write */

struct tls_creds {
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t		 prio;
	char				 fp[KEYS_FP_LEN];
};

struct tls_conn {
	gnutls_session_t	 s;
	int			 hs;	/* 0 running, 1 done, -1 failed */
	size_t			 inflight;	/* a record GnuTLS holds */
	int			 fail;	/* errno of a broken session */
	int			 eof;
	char			 error[160];
};

static struct tls_creds *
creds_new(const char *priority, char *err, size_t errlen)
{
	struct tls_creds	*cr = xcalloc(1, sizeof *cr);
	const char		*pos = NULL;
	int			 r;

	if (gnutls_check_version("3.6.5") == NULL) {
		snprintf(err, errlen, "GnuTLS %s is too old (3.6.5 needed)",
		    gnutls_check_version(NULL));
		free(cr);
		return NULL;
	}
	if ((r = gnutls_certificate_allocate_credentials(&cr->cred)) < 0 ||
	    (r = gnutls_priority_init(&cr->prio, priority, &pos)) < 0) {
		snprintf(err, errlen, "GnuTLS: %s", gnutls_strerror(r));
		tls_creds_free(cr);
		return NULL;
	}
	return cr;
}

/* During a handshake: a client certificate, if any, must be Ed25519. */
static int
verify_peer_cb(gnutls_session_t s)
{
	const gnutls_datum_t	*certs;
	unsigned		 n = 0;
	gnutls_x509_crt_t	 c;
	int			 alg;

	certs = gnutls_certificate_get_peers(s, &n);
	if (certs == NULL || n == 0)
		return 0;		/* anonymous */
	if (gnutls_x509_crt_init(&c) < 0)
		return -1;
	alg = gnutls_x509_crt_import(c, &certs[0], GNUTLS_X509_FMT_DER) < 0 ?
	    -1 : gnutls_x509_crt_get_pk_algorithm(c, NULL);
	gnutls_x509_crt_deinit(c);
	return alg == GNUTLS_PK_EDDSA_ED25519 ? 0 : -1;
}

struct tls_creds *
tls_server_creds(const char *certfile, const char *keyfile, char *err,
    size_t errlen)
{
	struct tls_creds	*cr;
	char			 fp[KEYS_FP_LEN];
	int			 r;

	if (!keys_check_pair(keyfile, certfile, fp, err, errlen) ||
	    (cr = creds_new(TLS_SERVER_PRIORITY, err, errlen)) == NULL)
		return NULL;
	r = gnutls_certificate_set_x509_key_file2(cr->cred, certfile, keyfile,
	    GNUTLS_X509_FMT_PEM, NULL, 0);
	if (r < 0) {
		snprintf(err, errlen, "%s, %s: %s", certfile, keyfile,
		    gnutls_strerror(r));
		tls_creds_free(cr);
		return NULL;
	}
	gnutls_certificate_set_verify_function(cr->cred, verify_peer_cb);
	memcpy(cr->fp, fp, sizeof fp);
	return cr;
}

struct tls_creds *
tls_client_creds(const char *certfile, const char *keyfile, char *err,
    size_t errlen)
{
	struct tls_creds	*cr;
	char			 fp[KEYS_FP_LEN] = "";
	int			 r;

	if (certfile != NULL &&
	    !keys_check_pair(keyfile, certfile, fp, err, errlen))
		return NULL;
	if ((cr = creds_new(TLS_PRIORITY, err, errlen)) == NULL)
		return NULL;
	/* No system CAs is no error: pins still work. */
	(void)gnutls_certificate_set_x509_system_trust(cr->cred);
	if (certfile != NULL && (r = gnutls_certificate_set_x509_key_file2(
	    cr->cred, certfile, keyfile, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "%s, %s: %s", certfile, keyfile,
		    gnutls_strerror(r));
		tls_creds_free(cr);
		return NULL;
	}
	memcpy(cr->fp, fp, sizeof fp);
	return cr;
}

struct tls_creds *
tls_client_creds_id(const struct keys_identity *id, char *err, size_t errlen)
{
	struct tls_creds	*cr;
	gnutls_datum_t		 c, k;
	int			 r;

	if ((cr = creds_new(TLS_PRIORITY, err, errlen)) == NULL)
		return NULL;
	(void)gnutls_certificate_set_x509_system_trust(cr->cred);
	if (id == NULL)
		return cr;
	c.data = (unsigned char *)id->certpem;
	c.size = (unsigned)id->certlen;
	k.data = (unsigned char *)id->keypem;
	k.size = (unsigned)id->keylen;
	if ((r = gnutls_certificate_set_x509_key_mem2(cr->cred, &c, &k,
	    GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "your key cannot be used for TLS: %s",
		    gnutls_strerror(r));
		tls_creds_free(cr);
		return NULL;
	}
	memcpy(cr->fp, id->fp, sizeof cr->fp);
	return cr;
}

const char *
tls_creds_fingerprint(const struct tls_creds *cr)
{
	return cr->fp;
}

void
tls_creds_free(struct tls_creds *cr)
{
	if (cr == NULL)
		return;
	if (cr->prio != NULL)
		gnutls_priority_deinit(cr->prio);
	if (cr->cred != NULL)
		gnutls_certificate_free_credentials(cr->cred);
	free(cr);
}

/* ---- the transport ----------------------------------------------------- */

static int
tls_handshake(struct conn *c)
{
	struct tls_conn	*t = conn_state(c);
	int		 r;

	if (t->hs != 0)
		return t->hs;
	r = gnutls_handshake(t->s);
	if (r == GNUTLS_E_SUCCESS) {
		t->hs = 1;
		return 1;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED ||
	    !gnutls_error_is_fatal(r))
		return 0;
	t->hs = -1;
	snprintf(t->error, sizeof t->error, "%s", gnutls_strerror(r));
	/* Tell the peer why (no_application_protocol, ...); best effort. */
	(void)gnutls_alert_send_appropriate(t->s, r);
	return -1;
}

/* The handshake must be done before data flows: 0, or -1 with errno. */
static int
tls_ready(struct conn *c)
{
	switch (tls_handshake(c)) {
	case 1:
		return 0;
	case 0:
		errno = EAGAIN;
		return -1;
	default:
		errno = ECONNRESET;
		return -1;
	}
}

/* A fatal GnuTLS error r on the session: remember and say why. */
static void
tls_broken(struct tls_conn *t, int r)
{
	t->fail = r == GNUTLS_E_PUSH_ERROR ? EPIPE : ECONNRESET;
	snprintf(t->error, sizeof t->error, "TLS: %s", gnutls_strerror(r));
}

/*
 * Is there input for GnuTLS now?  A TCP close without close_notify is a
 * fatal error to GnuTLS, after which it sends nothing more: met in the
 * read that got the last MSG, or before the OK queued for it went out,
 * it would take that OK with it (a client that half-closes after its
 * last MSG would never learn its fate).  So a close is seen here first,
 * with a peek, and GnuTLS never meets it: the caller gets the data, or
 * the end (0), and what it still has to send can be sent.  Between
 * records GnuTLS holds no raw input (it reads a record's exact
 * length), and within one the socket decides as well.
 */
static bool
more_input(struct conn *c, struct tls_conn *t)
{
	char	 b;
	ssize_t	 r;

	if (gnutls_record_check_pending(t->s) > 0)
		return true;
	r = recv(conn_fd(c), &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (r == 0)
		t->eof = 1;
	return r > 0 || (r == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

/*
 * Read records while there is room for a whole one, so that no record
 * is left half read inside GnuTLS (the descriptor would not wake the
 * caller for it).
 */
static ssize_t
tls_read(struct conn *c, void *buf, size_t len)
{
	struct tls_conn	*t = conn_state(c);
	char		*p = buf;
	size_t		 got = 0;
	ssize_t		 n;

	if (tls_ready(c) == -1)
		return -1;
	while (!t->eof && t->fail == 0 && got < len &&
	    (got == 0 || len - got >= RECORD_MAX)) {
		if (!more_input(c, t))
			break;
		n = gnutls_record_recv(t->s, p + got, len - got);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || n == GNUTLS_E_PREMATURE_TERMINATION)
			t->eof = 1;
		else if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			break;
		else if (gnutls_error_is_fatal((int)n))
			tls_broken(t, (int)n);
	}
	if (got > 0)
		return (ssize_t)got;
	if (t->eof)
		return 0;
	errno = t->fail != 0 ? t->fail : EAGAIN;
	return -1;
}

/*
 * The entry of iov that byte *off falls in (cnt if none), *off made
 * the offset within it.
 */
static int
iov_seek(const struct iovec *iov, int cnt, size_t *off)
{
	int	 i;

	for (i = 0; i < cnt && *off >= iov[i].iov_len; i++)
		*off -= iov[i].iov_len;
	return i;
}

/* How many bytes of v from off on fit in room. */
static size_t
iov_take(const struct iovec *v, size_t off, size_t room)
{
	return v->iov_len - off < room ? v->iov_len - off : room;
}

/*
 * The bytes of iov from byte off on that are one piece of memory, at
 * most max: their number, their start in *p.  Entries that follow each
 * other in memory count as one piece (the fan-out's segments of a
 * round usually do).
 */
static size_t
contiguous(const struct iovec *iov, int cnt, size_t off, size_t max,
    const char **p)
{
	const char	*b, *end = NULL;
	size_t		 n = 0, take;
	int		 i;

	*p = NULL;
	for (i = iov_seek(iov, cnt, &off); i < cnt && n < max; i++, off = 0) {
		if ((take = iov_take(&iov[i], off, max - n)) == 0)
			continue;
		b = (const char *)iov[i].iov_base + off;
		if (*p == NULL)
			*p = b;
		else if (b != end)
			break;
		n += take;
		end = b + take;
	}
	return n;
}

/* Copy up to max bytes from iov, starting at byte off, into dst. */
static size_t
gather(const struct iovec *iov, int cnt, size_t off, char *dst, size_t max)
{
	size_t	 n = 0, take;
	int	 i;

	for (i = iov_seek(iov, cnt, &off); i < cnt && n < max; i++, off = 0) {
		if ((take = iov_take(&iov[i], off, max - n)) == 0)
			continue;	/* an empty entry's base may be NULL */
		memcpy(dst + n, (const char *)iov[i].iov_base + off, take);
		n += take;
	}
	return n;
}

/*
 * Each record takes as much of the write list as fits (corking): sent
 * straight from the caller's memory when those bytes are one piece,
 * else copied together first.
 */
static ssize_t
tls_writev(struct conn *c, const struct iovec *iov, int cnt)
{
	static char	 stage[RECORD_MAX];
	struct tls_conn	*t = conn_state(c);
	const char	*src;
	size_t		 taken = 0, total = 0, n;
	ssize_t		 r;
	int		 i;

	if (tls_ready(c) == -1)
		return -1;
	if (t->fail != 0) {
		errno = t->fail;
		return -1;
	}
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if (t->inflight > 0) {
		r = gnutls_record_send(t->s, NULL, 0);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			errno = EAGAIN;
			return -1;
		}
		if (r < 0) {
			tls_broken(t, (int)r);
			errno = t->fail;
			return -1;
		}
		/*
		 * Those bytes must head the list again; a caller that
		 * threw them away (it should keep them, conn_held) gets
		 * the record sent and its list written after it, never
		 * more counted than it gave.
		 */
		taken = t->inflight <= total ? t->inflight : 0;
		t->inflight = 0;
	}
	while (taken < WRITE_BUDGET && taken < total) {
		n = total - taken < sizeof stage ? total - taken : sizeof stage;
		if (contiguous(iov, cnt, taken, n, &src) < n) {
			gather(iov, cnt, taken, stage, n);
			src = stage;
		}
		r = gnutls_record_send(t->s, src, n);
		if (r > 0) {
			taken += (size_t)r;
			continue;
		}
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			t->inflight = n;
		else
			tls_broken(t, (int)r);
		break;
	}
	if (taken > 0)
		return (ssize_t)taken;
	errno = t->fail != 0 ? t->fail : EAGAIN;
	return -1;
}

static size_t
tls_held(const struct conn *c)
{
	struct tls_conn	*t = conn_state(c);

	return t->inflight;
}

static int
tls_shutdown(struct conn *c)
{
	struct tls_conn	*t = conn_state(c);

	if (t->hs == 1 && t->fail == 0)
		(void)gnutls_bye(t->s, GNUTLS_SHUT_WR);
	return shutdown(conn_fd(c), SHUT_WR);
}

static int
tls_wants(const struct conn *c)
{
	struct tls_conn	*t = conn_state(c);

	if (t->hs != 0)
		return 0;
	return gnutls_record_get_direction(t->s) ? EV_WRITE : EV_READ;
}

static size_t
tls_pending(const struct conn *c)
{
	struct tls_conn	*t = conn_state(c);

	return t->hs == 1 ? gnutls_record_check_pending(t->s) : 0;
}

static void
tls_info(const struct conn *c, struct conn_info *info)
{
	struct tls_conn		*t = conn_state(c);
	const gnutls_datum_t	*certs;
	gnutls_datum_t		 proto;
	const char		*v;
	unsigned		 n = 0;

	memset(info, 0, sizeof *info);
	info->tls = 1;
	snprintf(info->error, sizeof info->error, "%s", t->error);
	if (t->hs != 1)
		return;
	v = gnutls_protocol_get_name(gnutls_protocol_get_version(t->s));
	snprintf(info->version, sizeof info->version, "%s", v ? v : "TLS");
	if (gnutls_alpn_get_selected_protocol(t->s, &proto) == 0 &&
	    proto.size < sizeof info->alpn) {
		memcpy(info->alpn, proto.data, proto.size);
		info->alpn[proto.size] = '\0';
	}
	certs = gnutls_certificate_get_peers(t->s, &n);
	if (certs != NULL && n > 0 &&
	    !keys_cert_fingerprint(certs[0].data, certs[0].size,
	    info->peer_key))
		info->peer_key[0] = '\0';
}

/* The key of the peer's certificate (see tls.h). */
struct keys_pub *
tls_peer_pub(const struct conn *c)
{
	struct tls_conn		*t = conn_state(c);
	const gnutls_datum_t	*certs;
	unsigned		 n = 0;

	if (t->hs != 1)
		return NULL;
	certs = gnutls_certificate_get_peers(t->s, &n);
	if (certs == NULL || n == 0)
		return NULL;
	return keys_pub_from_cert(certs[0].data, certs[0].size);
}

static void
tls_free(struct conn *c)
{
	struct tls_conn	*t = conn_state(c);

	gnutls_deinit(t->s);
	free(t);
	close(conn_fd(c));
}

static const struct conn_ops tls_ops = {
	tls_read, tls_writev, tls_shutdown, tls_wants, tls_handshake,
	tls_pending, tls_info, tls_free, tls_held
};

/* A session of the given kind over fd; a failure fails its handshake. */
static struct conn *
tls_conn_new(struct tls_creds *cr, int fd, unsigned flags, const char *alpn,
    unsigned alpn_flags)
{
	struct tls_conn	*t = xcalloc(1, sizeof *t);
	gnutls_datum_t	 proto;
	int		 r;

	if ((r = gnutls_init(&t->s, flags | GNUTLS_NONBLOCK)) < 0 ||
	    (r = gnutls_priority_set(t->s, cr->prio)) < 0 ||
	    (r = gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE,
	    cr->cred)) < 0) {
		t->hs = -1;
		snprintf(t->error, sizeof t->error, "GnuTLS: %s",
		    gnutls_strerror(r));
	}
	if (t->hs == 0 && alpn != NULL) {
		proto.data = (unsigned char *)(uintptr_t)alpn;
		proto.size = (unsigned)strlen(alpn);
		(void)gnutls_alpn_set_protocols(t->s, &proto, 1, alpn_flags);
	}
	if (t->s != NULL)
		gnutls_transport_set_int(t->s, fd);
	return conn_new(fd, &tls_ops, t);
}

struct conn *
tls_server_conn(struct tls_creds *cr, int fd)
{
	struct conn	*c;
	struct tls_conn	*t;

	c = tls_conn_new(cr, fd, GNUTLS_SERVER, TLS_ALPN_V2,
	    GNUTLS_ALPN_MANDATORY);
	t = conn_state(c);
	if (t->hs == 0)
		gnutls_certificate_server_set_request(t->s,
		    GNUTLS_CERT_REQUEST);
	return c;
}

struct conn *
tls_client_conn(struct tls_creds *cr, int fd, const char *host,
    const char *alpn)
{
	struct conn	*c = tls_conn_new(cr, fd, GNUTLS_CLIENT, alpn, 0);
	struct tls_conn	*t = conn_state(c);
	unsigned char	 addr[16];

	/* A name, not an address literal, goes in the SNI extension. */
	if (t->hs == 0 && inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1)
		(void)gnutls_server_name_set(t->s, GNUTLS_NAME_DNS, host,
		    strlen(host));
	return c;
}

/* ---- the client's trust ------------------------------------------------ */

/*
 * The fingerprint of the key pinned for host:port in GnuTLS's store
 * known ("|g0|host|port|expiry|base64 of the key's DER"); false if
 * there is none.
 */
static bool
pinned_fp(const char *known, const char *host, const char *port,
    char fp[KEYS_FP_LEN])
{
	static const char	 hex[] = "0123456789abcdef";
	FILE			*f;
	char			 line[8192], *fld[6], *p;
	gnutls_datum_t		 b64, der;
	unsigned char		 h[32];
	int			 i, k;
	bool			 found = false;

	if ((f = fopen(known, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line, k = 0; k < 6 && p != NULL; k++)
			fld[k] = strsep(&p, "|");
		if (k < 6 || strcmp(fld[2], host) != 0 ||
		    strcmp(fld[3], port) != 0)
			continue;
		b64.data = (unsigned char *)fld[5];
		b64.size = (unsigned)strlen(fld[5]);
		if (gnutls_base64_decode2(&b64, &der) < 0)
			continue;
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size,
		    h) == 0) {
			memcpy(fp, "sha256:", 7);
			for (i = 0; i < 32; i++) {
				fp[7 + 2 * i] = hex[h[i] >> 4];
				fp[8 + 2 * i] = hex[h[i] & 15];
			}
			fp[71] = '\0';
			found = true;
		}
		gnutls_free(der.data);
	}
	fclose(f);
	return found;
}

enum tls_trust
tls_client_trust(struct conn *c, const char *known, const char *host,
    const char *port, const char *pin, char fp[KEYS_FP_LEN],
    char old[KEYS_FP_LEN], char *why, size_t whylen)
{
	struct tls_conn		*t = conn_state(c);
	const gnutls_datum_t	*certs;
	unsigned		 n = 0, status = 1;
	int			 r;

	certs = gnutls_certificate_get_peers(t->s, &n);
	if (certs == NULL || n == 0 ||
	    !keys_cert_fingerprint(certs[0].data, certs[0].size, fp)) {
		snprintf(why, whylen, "the server sent no certificate");
		return TLS_TRUST_ERROR;
	}
	if (pin != NULL) {
		if (strcmp(pin, fp) == 0)
			return TLS_TRUST_PINNED;
		snprintf(old, KEYS_FP_LEN, "%s", pin);
		return TLS_TRUST_CHANGED;
	}
	if (gnutls_certificate_verify_peers3(t->s, host, &status) >= 0 &&
	    status == 0)
		return TLS_TRUST_CA;
	if (access(known, F_OK) == -1)
		return TLS_TRUST_NEW;
	r = gnutls_verify_stored_pubkey(known, NULL, host, port,
	    GNUTLS_CRT_X509, &certs[0], 0);
	if (r == 0)
		return TLS_TRUST_PINNED;
	if (r == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
		if (!pinned_fp(known, host, port, old))
			snprintf(old, KEYS_FP_LEN, "?");
		return TLS_TRUST_CHANGED;
	}
	if (r == GNUTLS_E_NO_CERTIFICATE_FOUND)
		return TLS_TRUST_NEW;
	snprintf(why, whylen, "cannot read %s: %s", known, gnutls_strerror(r));
	return TLS_TRUST_ERROR;
}

bool
tls_pin_store(struct conn *c, const char *known, const char *host,
    const char *port)
{
	struct tls_conn		*t = conn_state(c);
	const gnutls_datum_t	*certs;
	unsigned		 n = 0;
	int			 fd;

	certs = gnutls_certificate_get_peers(t->s, &n);
	if (certs == NULL || n == 0) {
		errno = EINVAL;
		return false;
	}
	/* GnuTLS appends to the file: make it private first. */
	fd = open(known, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1)
		return false;
	close(fd);
	if (gnutls_store_pubkey(known, NULL, host, port, GNUTLS_CRT_X509,
	    &certs[0], 0, 0) < 0) {
		errno = EIO;
		return false;
	}
	return true;
}
