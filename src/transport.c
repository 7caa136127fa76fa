/*
 * transport.c -- connections (struct conn) and the plain TCP transport:
 * recv() to read, sendmsg() with MSG_NOSIGNAL|MSG_DONTWAIT to write.
 * The TLS transport is in tls.c.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"
#include "xmalloc.h"

struct conn {
	const struct conn_ops	*ops;
	int			 fd;
	void			*state;
};

static ssize_t
plain_read(struct conn *c, void *buf, size_t len)
{
	return recv(c->fd, buf, len, 0);
}

static ssize_t
plain_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
	struct msghdr	 mh;

	memset(&mh, 0, sizeof mh);
	mh.msg_iov = (struct iovec *)(uintptr_t)iov;
	mh.msg_iovlen = (size_t)iovcnt;
	return sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static int
plain_shutdown(struct conn *c)
{
	return shutdown(c->fd, SHUT_WR);
}

static int
plain_wants(const struct conn *c)
{
	(void)c;
	return 0;
}

static int
plain_handshake(struct conn *c)
{
	(void)c;
	return 1;
}

static size_t
plain_pending(const struct conn *c)
{
	(void)c;
	return 0;
}

static void
plain_info(const struct conn *c, struct conn_info *info)
{
	(void)c;
	memset(info, 0, sizeof *info);
}

static size_t
plain_held(const struct conn *c)
{
	(void)c;
	return 0;
}

static void
plain_free(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
}

static const struct conn_ops plain_ops = {
	plain_read, plain_writev, plain_shutdown, plain_wants,
	plain_handshake, plain_pending, plain_info, plain_free, plain_held
};

/* A connection over fd with the given transport; owns fd. */
struct conn *
conn_new(int fd, const struct conn_ops *ops, void *state)
{
	struct conn	*c = xmalloc(sizeof *c);

	c->ops = ops;
	c->fd = fd;
	c->state = state;
	return c;
}

/* The transport's private state given to conn_new(). */
void *
conn_state(const struct conn *c)
{
	return c->state;
}

/* A plain TCP connection; owns fd. */
struct conn *
conn_plain_new(int fd)
{
	return conn_new(fd, &plain_ops, NULL);
}

/* The connection's descriptor. */
int
conn_fd(const struct conn *c)
{
	return c->fd;
}

/* Read what there is, up to len bytes (see transport.h). */
ssize_t
conn_read(struct conn *c, void *buf, size_t len)
{
	return c->ops->read(c, buf, len);
}

/* Write one buffer (see transport.h). */
ssize_t
conn_write(struct conn *c, const void *buf, size_t len)
{
	struct iovec	 iov;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	return c->ops->writev(c, &iov, 1);
}

/* Write a gather list (see transport.h). */
ssize_t
conn_writev(struct conn *c, const struct iovec *iov, int iovcnt)
{
	return c->ops->writev(c, iov, iovcnt);
}

/* Half-close our side. */
int
conn_shutdown(struct conn *c)
{
	return c->ops->shutdown(c);
}

/* The EV_READ|EV_WRITE the transport needs now. */
int
conn_wants(const struct conn *c)
{
	return c->ops->wants(c);
}

/* Carry the handshake on (see transport.h). */
int
conn_handshake(struct conn *c)
{
	return c->ops->handshake(c);
}

/* Decoded bytes not yet read. */
size_t
conn_pending(const struct conn *c)
{
	return c->ops->pending(c);
}

/* Bytes written but not counted yet (see transport.h). */
size_t
conn_held(const struct conn *c)
{
	return c->ops->held(c);
}

/* The connection's description. */
void
conn_info(const struct conn *c, struct conn_info *info)
{
	c->ops->info(c, info);
}

/* Close and free; NULL is fine. */
void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	c->ops->free(c);
	free(c);
}
