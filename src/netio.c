/*
 * netio.c -- non-blocking socket helpers (listen, connect, names) and
 * the per-connection output buffer.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "netio.h"
#include "transport.h"
#include "xmalloc.h"

/* A buffer that drained keeps its memory only up to this size. */
#define OUTBUF_KEEP	2048

/* Make fd non-blocking and close-on-exec; -1 on failure. */
int
netio_setup_fd(int fd)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	if ((fl = fcntl(fd, F_GETFD)) == -1 ||
	    fcntl(fd, F_SETFD, fl | FD_CLOEXEC) == -1)
		return -1;
	return 0;
}

/* True if s is a decimal port number from 1 to 65535. */
bool
netio_port_valid(const char *s)
{
	long	 v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return false;
	}
	return v >= 1;
}

/* Make fd (of address ai) a listening socket: 0, or -1 with errno. */
static int
listen_on(int fd, const struct addrinfo *ai)
{
	int	 one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, SOMAXCONN) == -1)
		return -1;
	return netio_setup_fd(fd);
}

/* Start a non-blocking connect of fd to ai: 0, or -1 with errno. */
static int
connect_to(int fd, const struct addrinfo *ai)
{
	int	 one = 1;

	if (netio_setup_fd(fd) == -1 ||
	    (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
	    errno != EINPROGRESS))
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return 0;
}

/* getaddrinfo() for a TCP socket of any family. */
static int
resolve(const char *host, const char *port, int flags,
    struct addrinfo **res)
{
	struct addrinfo	 hints;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = flags;
	return getaddrinfo(host, port, &hints, res);
}

/*
 * A socket for the first address of res that setup() accepts, or -1
 * with the last error in errno.
 */
static int
first_socket(struct addrinfo *res, int (*setup)(int,
    const struct addrinfo *))
{
	struct addrinfo	*ai;
	int		 fd, saved = EADDRNOTAVAIL;

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd != -1 && setup(fd, ai) == 0) {
			freeaddrinfo(res);
			return fd;
		}
		saved = errno;
		if (fd != -1)
			close(fd);
	}
	freeaddrinfo(res);
	errno = saved;
	return -1;
}

/*
 * Open a non-blocking listening socket on addr (a numeric IPv4 or IPv6
 * address or a host name) and port.  On failure return -1 and put a
 * sentence in err; errno is kept (EADDRINUSE tells "port in use").
 */
int
netio_listen(const char *addr, const char *port, char *err, size_t errlen)
{
	struct addrinfo	*res;
	int		 fd, rc;

	if ((rc = resolve(addr, port, AI_PASSIVE, &res)) != 0) {
		snprintf(err, errlen, "-listen: cannot resolve address %s: %s",
		    addr, gai_strerror(rc));
		errno = EINVAL;
		return -1;
	}
	if ((fd = first_socket(res, listen_on)) == -1) {
		rc = errno;
		if (rc == EADDRINUSE)
			snprintf(err, errlen, "cannot listen on %s port %s: "
			    "the port is already in use (is another xchatd "
			    "running?)", addr, port);
		else
			snprintf(err, errlen, "cannot listen on %s port %s: %s",
			    addr, port, strerror(rc));
		errno = rc;
	}
	return fd;
}

/*
 * Start a non-blocking connect to host:port.  Return the descriptor
 * (the connection may still be in progress: wait for it to become
 * writable and read SO_ERROR); -2 if the name does not exist, -3 if
 * the resolver failed, with "host: the resolver's words" in err; or -1
 * with the system's words for a failed connect (strerror, in the
 * user's language) in err: the caller's template says host and port.
 */
int
netio_connect(const char *host, const char *port, char *err, size_t errlen)
{
	struct addrinfo	*res;
	int		 fd, rc;

	if ((rc = resolve(host, port, 0, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return rc == EAI_NONAME ? -2 : -3;
	}
	if ((fd = first_socket(res, connect_to)) == -1)
		snprintf(err, errlen, "%s", strerror(errno));
	return fd;
}

static void
format_addr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char	 host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, len, "?");
}

/* The peer's (peer true) or the local address of fd, as above. */
static void
addr_name(int fd, bool peer, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	int			 rc;

	memset(&ss, 0, sizeof ss);
	rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) :
	    getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (rc == -1)
		snprintf(buf, len, "?");
	else
		format_addr(&ss, buf, len);
}

/* The peer's address as "1.2.3.4:port" or "[::1]:port". */
void
netio_peer_name(int fd, char *buf, size_t len)
{
	addr_name(fd, true, buf, len);
}

/* The local address of fd, formatted as netio_peer_name() does. */
void
netio_sock_name(int fd, char *buf, size_t len)
{
	addr_name(fd, false, buf, len);
}

/*
 * Make room for n more bytes at the end of the unsent ones and return
 * where they go (the caller writes them and adds n to len).
 */
static char *
outbuf_reserve(struct outbuf *ob, size_t n)
{
	size_t	 need = ob->len + n, cap;

	if (ob->off + need <= ob->cap)
		return ob->buf + ob->off + ob->len;
	if (need <= ob->cap) {
		/* Slide the unsent bytes to the front. */
		memmove(ob->buf, ob->buf + ob->off, ob->len);
		ob->off = 0;
		return ob->buf + ob->len;
	}
	cap = ob->cap == 0 ? OUTBUF_KEEP : ob->cap;
	while (cap < need)
		cap *= 2;
	if (ob->off > 0) {
		char	*nb = xmalloc(cap);

		memcpy(nb, ob->buf + ob->off, ob->len);
		free(ob->buf);
		ob->buf = nb;
		ob->off = 0;
	} else
		ob->buf = xrealloc(ob->buf, cap);
	ob->cap = cap;
	return ob->buf + ob->len;
}

/* Queue n bytes at the end of the buffer. */
void
outbuf_append(struct outbuf *ob, const void *data, size_t n)
{
	memcpy(outbuf_reserve(ob, n), data, n);
	ob->len += n;
}

/*
 * Write as much as the connection takes.  Return the number of bytes
 * still queued, or -1 on a hard error (errno set).
 */
ssize_t
outbuf_flush(struct outbuf *ob, struct conn *cn)
{
	ssize_t	 n;

	while (ob->len > 0) {
		n = conn_write(cn, ob->buf + ob->off, ob->len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return -1;
		}
		ob->off += (size_t)n;
		ob->len -= (size_t)n;
	}
	if (ob->len == 0)
		ob->off = 0;
	return (ssize_t)ob->len;
}

/*
 * Give back the memory of an empty buffer that grew past OUTBUF_KEEP
 * (call it from time to time, not after every flush: a busy buffer
 * freed and allocated again costs page faults).
 */
void
outbuf_trim(struct outbuf *ob)
{
	if (ob->len == 0 && ob->cap > OUTBUF_KEEP)
		outbuf_free(ob);
}

/* Free the buffer's memory, queued bytes included; it stays usable. */
void
outbuf_free(struct outbuf *ob)
{
	free(ob->buf);
	memset(ob, 0, sizeof *ob);
}

bool
netio_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	size_t		 n = strlen(host);

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return strcasecmp(host, "localhost") == 0 ||
	    (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0);
}
