/*
 * tls.h -- TLS 1.3 connections (a transport for struct conn), the
 * server's and the client's credentials, and the client's trust in a
 * server: a certificate that chains to the system's CAs and names the
 * host, or a key pinned on first use in a known_servers file.  The
 * only file that includes <gnutls/gnutls.h> for sessions.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_TLS_H
#define XCHAT_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "transport.h"

/* The one ALPN protocol name the server accepts. */
#define TLS_ALPN_V2	"xchat/2"

struct tls_creds;

/*
 * The server's credentials from a PEM certificate and key file (checked
 * with keys_check_pair first), for TLS 1.3 only, asking clients for a
 * certificate they may decline.  NULL with a message in err if the
 * files cannot be used or GnuTLS is too old or refuses.
 */
struct tls_creds *tls_server_creds(const char *certfile, const char *keyfile,
	    char *err, size_t errlen);
/*
 * The client's credentials: the system's trusted CAs, and a
 * certificate to present if certfile and keyfile are not NULL.  NULL
 * with a message in err on failure.
 */
struct tls_creds *tls_client_creds(const char *certfile, const char *keyfile,
	    char *err, size_t errlen);
/*
 * The same from a client's identity (keys.h), presented as the
 * client's certificate; id NULL: none (anonymous).  NULL with a
 * message in err on failure.
 */
struct tls_creds *tls_client_creds_id(const struct keys_identity *id,
	    char *err, size_t errlen);
/* The fingerprint of the credentials' own key ("" if none). */
const char *tls_creds_fingerprint(const struct tls_creds *);
/* Free credentials (NULL is fine); connections made with them first. */
void	 tls_creds_free(struct tls_creds *);

/*
 * A server-side TLS connection over the accepted non-blocking socket
 * fd (owned from now on).  Its handshake starts at once and goes on in
 * conn_handshake(); a client offering ALPN protocols none of which is
 * TLS_ALPN_V2 fails it.  Never fails: a GnuTLS error shows as a failed
 * handshake.
 */
struct conn *tls_server_conn(struct tls_creds *, int fd);
/*
 * A client-side TLS connection over the connected (or connecting)
 * non-blocking socket fd (owned from now on) to host, offering ALPN
 * alpn if not NULL.  Never fails: an error shows as a failed handshake.
 */
struct conn *tls_client_conn(struct tls_creds *, int fd, const char *host,
	    const char *alpn);

/* How far the client trusts the server it has shaken hands with. */
enum tls_trust {
	TLS_TRUST_CA,		/* chains to a system CA and names the host */
	TLS_TRUST_PINNED,	/* the key pinned for host:port (or -trust) */
	TLS_TRUST_NEW,		/* no pin yet: ask the user (first use) */
	TLS_TRUST_CHANGED,	/* a different key is pinned: refuse */
	TLS_TRUST_ERROR		/* no certificate, or the store unreadable */
};

/*
 * Judge the server of the client connection c (handshake done) for
 * host:port: with pin (a fingerprint given by the user) not NULL, the
 * server's key must be that one; else a CA-verified certificate for
 * host, else the key pinned in the file known (GnuTLS's trust-on-first
 * -use store).  The server's key fingerprint goes to fp; with
 * TLS_TRUST_CHANGED the pinned one goes to old (KEYS_FP_LEN each);
 * why gets a line for TLS_TRUST_ERROR.
 */
enum tls_trust tls_client_trust(struct conn *c, const char *known,
	    const char *host, const char *port, const char *pin,
	    char fp[KEYS_FP_LEN], char old[KEYS_FP_LEN], char *why,
	    size_t whylen);
/*
 * Pin the key of the server of c for host:port in the file known
 * (created mode 0600, its directory must exist).  false with errno.
 */
bool	 tls_pin_store(struct conn *c, const char *known, const char *host,
	    const char *port);

/*
 * The public key of the certificate the peer of c presented in its
 * handshake (done), or NULL if it presented none.  c must be a TLS
 * connection (made by tls_server_conn or tls_client_conn).
 * The caller frees it with keys_pub_free().
 */
struct keys_pub *tls_peer_pub(const struct conn *c);

#endif
