/*
 * test_netio.c -- unit tests for the plain transport (transport.c)
 * and netio's output buffer over socketpairs: short writes, draining,
 * trimming, a vanished peer (EPIPE, never SIGPIPE), half-close.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netio.h"
#include "transport.h"
#include "unit.h"

/* A plain connection over one end of a socketpair; *other: the rest. */
static struct conn *
pair(int *other, int sndbuf)
{
	int	 sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		exit(99);
	}
	netio_setup_fd(sv[0]);
	netio_setup_fd(sv[1]);
	if (sndbuf > 0)
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof sndbuf);
	*other = sv[1];
	return conn_plain_new(sv[0]);
}

/* Read what is there into buf (at most len); the count. */
static size_t
drain_into(int fd, char *buf, size_t len)
{
	size_t	 t = 0;
	ssize_t	 n;

	while (t < len && (n = read(fd, buf + t, len - t)) > 0)
		t += (size_t)n;
	return t;
}

/* read, write, writev, wants, shutdown, close over plain TCP. */
static void
test_plain(void)
{
	struct conn	*c;
	struct iovec	 iov[3];
	char		 buf[64];
	int		 o;

	c = pair(&o, 0);
	CHECK(conn_fd(c) >= 0);
	CHECK(conn_wants(c) == 0);
	CHECK(conn_read(c, buf, sizeof buf) == -1 && errno == EAGAIN);
	CHECK(conn_write(c, "PING a\n", 7) == 7);
	iov[0].iov_base = "MSG ";
	iov[0].iov_len = 4;
	iov[1].iov_base = "";
	iov[1].iov_len = 0;
	iov[2].iov_base = "b\n";
	iov[2].iov_len = 2;
	CHECK(conn_writev(c, iov, 3) == 6);
	CHECK(drain_into(o, buf, sizeof buf) == 13 &&
	    memcmp(buf, "PING a\nMSG b\n", 13) == 0);
	CHECK(write(o, "OK 1 1\n", 7) == 7);
	CHECK(conn_read(c, buf, sizeof buf) == 7 &&
	    memcmp(buf, "OK 1 1\n", 7) == 0);
	CHECK(conn_shutdown(c) == 0);
	CHECK(read(o, buf, sizeof buf) == 0);	/* end of stream */
	close(o);
	CHECK(conn_read(c, buf, sizeof buf) == 0);
	conn_close(c);
	conn_close(NULL);
}

/* A full socket takes part; the rest stays queued, in order. */
static void
test_outbuf_partial(void)
{
	static char	 data[200000], got[sizeof data];
	struct outbuf	 ob;
	struct conn	*c;
	size_t		 t = 0, i;
	ssize_t		 left;
	int		 o;

	for (i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	memset(&ob, 0, sizeof ob);
	c = pair(&o, 4096);
	outbuf_append(&ob, data, sizeof data / 2);
	outbuf_append(&ob, data + sizeof data / 2, sizeof data / 2);
	CHECK(ob.len == sizeof data);
	left = outbuf_flush(&ob, c);
	CHECK(left > 0 && (size_t)left < sizeof data && ob.off > 0);
	CHECK((size_t)left == ob.len);
	while (ob.len > 0 && t < sizeof data) {
		t += drain_into(o, got + t, sizeof got - t);
		CHECK(outbuf_flush(&ob, c) >= 0);
	}
	t += drain_into(o, got + t, sizeof got - t);
	CHECK(t == sizeof data && memcmp(got, data, sizeof data) == 0);
	CHECK(ob.len == 0 && ob.off == 0);
	/* Drained and grown past 2 KiB: trim gives the memory back. */
	CHECK(ob.cap > 2048);
	outbuf_trim(&ob);
	CHECK(ob.cap == 0 && ob.buf == NULL);
	/* A small one keeps its memory. */
	outbuf_append(&ob, "x\n", 2);
	CHECK(outbuf_flush(&ob, c) == 0);
	outbuf_trim(&ob);
	CHECK(ob.cap == 2048);
	outbuf_free(&ob);
	CHECK(ob.buf == NULL && ob.len == 0 && ob.cap == 0);
	conn_close(c);
	close(o);
}

/* A vanished peer: -1 with EPIPE, and no SIGPIPE kills the test. */
static void
test_outbuf_peer_gone(void)
{
	struct outbuf	 ob;
	struct conn	*c;
	int		 o;

	memset(&ob, 0, sizeof ob);
	c = pair(&o, 0);
	close(o);
	outbuf_append(&ob, "BYE slow\n", 9);
	CHECK(outbuf_flush(&ob, c) == -1 &&
	    (errno == EPIPE || errno == ECONNRESET));
	CHECK(ob.len == 9);		/* nothing is lost silently */
	CHECK(conn_write(c, "x", 1) == -1 && errno == EPIPE);
	outbuf_free(&ob);
	conn_close(c);
}

int
main(void)
{
	test_plain();
	test_outbuf_partial();
	test_outbuf_peer_gone();
	return unit_done("test_netio");
}
