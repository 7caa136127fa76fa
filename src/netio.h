/*
 * netio.h -- non-blocking socket helpers and the output buffer.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_NETIO_H
#define XCHAT_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NETIO_ADDRSTRLEN	64	/* "[v6-address]:port" and a NUL */

struct conn;

/* Make fd non-blocking and close-on-exec; -1 with errno on failure. */
int	netio_setup_fd(int fd);

/*
 * Open a non-blocking listening socket on addr (numeric or a host
 * name) and port.  Return it, or -1 with a sentence in err and errno
 * kept (EADDRINUSE: the port is in use).
 */
int	netio_listen(const char *addr, const char *port, char *err,
	    size_t errlen);

/*
 * Start a non-blocking connect to host:port and return the descriptor
 * (wait for it to become writable, then read SO_ERROR), or with a
 * sentence in err: -1 (no socket or no connect), -2 (the host name does
 * not exist: EAI_NONAME), -3 (the name could not be resolved now: no
 * DNS, a resolver failure).  The caller owns the descriptor.
 */
int	netio_connect(const char *host, const char *port, char *err,
	    size_t errlen);

/*
 * Put the peer's (or the local) address of fd in buf as "1.2.3.4:port"
 * or "[::1]:port", or "?" if it is unknown; never fails.
 */
void	netio_peer_name(int fd, char *buf, size_t len);
void	netio_sock_name(int fd, char *buf, size_t len);

/* True if s is a decimal port number from 1 to 65535. */
bool	netio_port_valid(const char *);

/*
 * True if host names this machine's loopback without a lookup: an
 * address in 127.0.0.0/8 or ::1, "localhost" or a name ending in
 * ".localhost" (RFC 6761).  Any other name is taken as remote.
 */
bool	netio_is_loopback(const char *host);

/*
 * An output buffer: bytes queued for a descriptor.  off is where the
 * unsent bytes start, len how many there are.  outbuf_trim() gives
 * back the memory of an empty one, so idle connections cost little.
 */
struct outbuf {
	char	*buf;
	size_t	 off;
	size_t	 len;
	size_t	 cap;
};

/* Queue n bytes (copied; memory from xmalloc, never fails). */
void	outbuf_append(struct outbuf *, const void *, size_t);

/*
 * Write as much as the connection takes.  Return the number of bytes
 * still queued (0: all written), or -1 on a hard error with errno set
 * (EPIPE or ECONNRESET when the peer went away).
 */
ssize_t	outbuf_flush(struct outbuf *, struct conn *);

/* Give back the memory of an empty buffer that grew past 2 KiB. */
void	outbuf_trim(struct outbuf *);

/* Free the memory, queued bytes included; the buffer stays usable. */
void	outbuf_free(struct outbuf *);

#endif
