/*
 * transport.h -- a connection: read, write, half-close and "wants
 * read/write" over some transport (plain TCP now; TLS later), so that
 * the server and client cores need not know which one they talk
 * through.  No X header here.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_TRANSPORT_H
#define XCHAT_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

struct conn;				/* one connection, opaque to users */

/* What a connection says about itself (conn_info). */
struct conn_info {
	int	 tls;		/* 1 over TLS, 0 plain TCP */
	char	 version[16];	/* "TLS1.3", or "" */
	char	 alpn[16];	/* the protocol ALPN chose, or "" */
	char	 peer_key[72];	/* the peer certificate's key, or "" */
	char	 error[160];	/* why the handshake failed (GnuTLS's
				   words, the caller says what failed) or "" */
};

/*
 * A transport.  read and writev behave like recv() and sendmsg() on a
 * non-blocking socket (never raising SIGPIPE); shutdown half-closes
 * our side; wants returns the EV_READ|EV_WRITE the transport itself
 * needs now (a TLS handshake), 0 for plain TCP; handshake, pending,
 * info and held are conn_handshake(), conn_pending(), conn_info() and
 * conn_held(); free closes the descriptor and frees the transport's
 * state.
 */
struct conn_ops {
	ssize_t	(*read)(struct conn *, void *buf, size_t len);
	ssize_t	(*writev)(struct conn *, const struct iovec *, int iovcnt);
	int	(*shutdown)(struct conn *);
	int	(*wants)(const struct conn *);
	int	(*handshake)(struct conn *);
	size_t	(*pending)(const struct conn *);
	void	(*info)(const struct conn *, struct conn_info *);
	void	(*free)(struct conn *);
	size_t	(*held)(const struct conn *);
};

/*
 * A plain TCP connection over fd, which it takes ownership of (closed
 * by conn_close()).  Never fails: memory comes from xmalloc.
 */
struct conn	*conn_plain_new(int fd);

/*
 * For a transport's own use: a connection over fd with the given
 * operations and private state (conn_state() gives it back).  The
 * connection owns fd; ops->free must close it and free state.
 */
struct conn	*conn_new(int fd, const struct conn_ops *, void *state);
void		*conn_state(const struct conn *);

/* The descriptor to watch in the event loop; the connection owns it. */
int	 conn_fd(const struct conn *);

/*
 * Read up to len bytes: >0 bytes read, 0 at end of stream, -1 with
 * errno (EAGAIN or EINTR: nothing to read now; anything else: the
 * connection failed).
 */
ssize_t	 conn_read(struct conn *, void *, size_t);

/*
 * Write len bytes (conn_write) or a gather list (conn_writev).  Return
 * the number of bytes taken, which may be short (the rest must be
 * given again later), or -1 with errno (EAGAIN: nothing taken now;
 * EPIPE or ECONNRESET: the peer went away; other: failed).  Never
 * raises SIGPIPE and never blocks.
 */
ssize_t	 conn_write(struct conn *, const void *, size_t);
ssize_t	 conn_writev(struct conn *, const struct iovec *, int);

/* Half-close our side (no more writes); -1 with errno on failure. */
int	 conn_shutdown(struct conn *);

/*
 * What the transport itself needs to make progress, as EV_READ and
 * EV_WRITE bits (evloop.h), on top of what the caller wants; always 0
 * for plain TCP.
 */
int	 conn_wants(const struct conn *);

/*
 * Carry the transport's handshake on: 1 when it is done (at once for
 * plain TCP), 0 while it goes on (wait for what conn_wants() says),
 * -1 if it failed (conn_info() says why; close the connection).
 * conn_read and conn_writev report EAGAIN until it is done.
 */
int	 conn_handshake(struct conn *);

/*
 * Bytes the transport has already taken from the socket and decoded
 * but conn_read() has not returned yet (TLS).  The descriptor will not
 * become readable for them: a caller that stops reading while this is
 * not 0 must come back by itself.
 */
size_t	 conn_pending(const struct conn *);

/*
 * Bytes a write took but did not count as written (a TLS record that
 * could not be sent at once, 16 KiB at most): they are the head of
 * what the caller gives next, and will go out before anything else,
 * so the caller must keep them until a write counts them, even when
 * it throws the rest of its queue away.  Always 0 for plain TCP.
 */
size_t	 conn_held(const struct conn *);

/* What the connection says about itself, into *info. */
void	 conn_info(const struct conn *, struct conn_info *info);

/* Close the descriptor and free the connection; NULL is fine. */
void	 conn_close(struct conn *);

#endif
