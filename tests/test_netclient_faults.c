/*
 * test_netclient_faults.c -- the client core (src/netclient.c) against
 * a hostile server run in the same process over real loopback sockets
 * and the real event loop (no display): garbage before WELCOME and
 * after READY, binary bytes, a wrong digest, a 1 MiB frame, a server
 * that stops answering (dead: PING unanswered), a reset in the middle
 * of a frame, a server that never says WELCOME.  Each time the client
 * must mark what it got (BADFRAME/TOOLONG notes, good=0 messages),
 * keep or drop the connection as the protocol says, reconnect by
 * itself, and never crash (run under ASan+UBSan by tools/test.sh).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "evloop.h"
#include "netclient.h"
#include "unit.h"

static struct {
	enum nc_state	 state;
	enum nc_why	 why;
	unsigned	 badframe, toolong, good, bad, welcomes, readies;
	unsigned	 states;
} seen;

static void
ev_state(void *arg, enum nc_state s, enum nc_why why, unsigned secs)
{
	(void)arg;
	(void)secs;
	seen.state = s;
	seen.why = why;
	seen.states++;
}

static void
ev_welcome(void *arg, uint64_t id, const char *nick, size_t len)
{
	(void)arg;
	(void)id;
	(void)nick;
	(void)len;
	seen.welcomes++;
}

static void
ev_ready(void *arg, uint64_t users, uint64_t hist)
{
	(void)arg;
	(void)users;
	(void)hist;
	seen.readies++;
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	(void)arg;
	if (m->good)
		seen.good++;
	else
		seen.bad++;
}

static void
ev_note(void *arg, enum nc_note what, const char *code, size_t clen,
    const char *text, size_t tlen)
{
	(void)arg;
	(void)code;
	(void)clen;
	(void)text;
	(void)tlen;
	if (what == NCN_BADFRAME)
		seen.badframe++;
	else if (what == NCN_TOOLONG)
		seen.toolong++;
}

static const struct nc_events events = {
	ev_state, ev_welcome, ev_ready, NULL, ev_message, NULL, ev_note,
	NULL, NULL, NULL, NULL
};

static int	 lfd;
static char	 port[16];

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A timer that keeps the loop turning while the test waits. */
static void
wake(void *arg)
{
	(void)arg;
	evloop_timer_add(20, wake, NULL);
}

/* Run the loop until *flag reaches want or secs pass. */
static int
run_until(unsigned *flag, unsigned want, double secs)
{
	double	 end = mono() + secs;

	while (*flag < want && mono() < end)
		evloop_run_once();
	return *flag >= want;
}

static int
run_until_state(enum nc_state s, double secs)
{
	double	 end = mono() + secs;

	while (seen.state != s && mono() < end)
		evloop_run_once();
	return seen.state == s;
}

/* Accept the client's next connection (the loop runs meanwhile). */
static int
accept_peer(double secs)
{
	double	 end = mono() + secs;
	int	 fd;

	while (mono() < end) {
		fd = accept(lfd, NULL, NULL);
		if (fd != -1) {
			fcntl(fd, F_SETFL, O_NONBLOCK);
			return fd;
		}
		evloop_run_once();
	}
	return -1;
}

/* Write it all without blocking the loop (the client reads meanwhile). */
static void
put(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;
	double		 end = mono() + 20;

	while (len > 0 && mono() < end) {
		n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == -1 && errno != EAGAIN && errno != EINTR)
			break;
		else
			evloop_run_once();
	}
	CHECK(len == 0);
}

static void
puts_fd(int fd, const char *s)
{
	put(fd, s, strlen(s));
}

/* Read and discard what the client sent; return 0 if it closed. */
static int
drain(int fd)
{
	char	 buf[4096];
	ssize_t	 n;

	while ((n = read(fd, buf, sizeof buf)) > 0)
		;
	return n == 0 ? 0 : 1;
}

static void
good_msg(int fd, unsigned n, const char *text)
{
	char	 md5[33], frame[256];

	digest_md5_hex(text, strlen(text), md5);
	snprintf(frame, sizeof frame, "MSG %u 1 ana %s %s\n", n, md5, text);
	puts_fd(fd, frame);
}

/* Listen on a random port of 127.0.0.1 (lfd, port); -1 on failure. */
static int
listen_local(void)
{
	struct sockaddr_in sin;
	socklen_t	 sl = sizeof sin;
	int		 one = 1;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(lfd, 8) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &sl) == -1) {
		perror("listen");
		return -1;
	}
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	snprintf(port, sizeof port, "%u", (unsigned)ntohs(sin.sin_port));
	return 0;
}

/* Cases 1 to 4: garbage, binary lines, a bad digest, a huge frame. */
static void
test_garbage(int fd)
{
	char		*big;
	unsigned	 i;

	/* 1. Garbage before WELCOME is marked; WELCOME then works. */
	puts_fd(fd, "HTTP/1.1 400 Bad Request\r\n\x01\x02\xff\n");
	CHECK(run_until(&seen.badframe, 2, 5));
	/* Its messages come from ana (#1), who is connected. */
	puts_fd(fd, "WELCOME 2 user2 1\nUSER 1 ana\nREADY 1\n");
	CHECK(run_until(&seen.readies, 1, 5));
	CHECK(seen.state == NC_READY);

	/* 2. Garbage after READY: 64 KiB of binary lines, all marked. */
	big = malloc(1 << 20);
	srand(1);
	for (i = 0; i < 65536; i++)
		big[i] = (char)(rand() & 0xff);
	for (i = 0; i < 65536; i += 61)
		big[i] = '\n';
	seen.badframe = 0;
	put(fd, big, 65536);
	puts_fd(fd, "\n");
	good_msg(fd, 1, "depois do lixo");
	CHECK(run_until(&seen.good, 1, 5));
	CHECK(seen.badframe > 500);
	CHECK(seen.state == NC_READY);

	/* 3. A wrong digest is shown as failed, never as genuine. */
	puts_fd(fd, "MSG 2 1 ana 0123456789abcdef0123456789abcdef forged\n");
	CHECK(run_until(&seen.bad, 1, 5));
	CHECK(seen.good == 1);

	/* 4. A 1 MiB frame: TOOLONG once, the connection goes on. */
	memset(big, 'x', 1 << 20);
	memcpy(big, "MSG 3 1 ana 0123456789abcdef0123456789abcdef ", 45);
	put(fd, big, 1 << 20);
	puts_fd(fd, "\n");
	good_msg(fd, 4, "depois do quadro enorme");
	CHECK(run_until(&seen.good, 2, 10));
	CHECK(seen.toolong == 1);
	CHECK(seen.state == NC_READY);
	free(big);
}

/* Cases 5 to 7: a silent server, a reset, no WELCOME.  Returns the fd. */
static int
test_drops(int fd)
{
	unsigned	 g;

	/* 5. The server stops answering: PING, then dead, then a retry. */
	drain(fd);
	CHECK(run_until_state(NC_WAITING, 6));
	CHECK(seen.why == NCW_DEAD);
	close(fd);
	fd = accept_peer(5);
	CHECK(fd != -1);
	puts_fd(fd, "WELCOME 2 user2 1\nREADY 0\n");
	CHECK(run_until(&seen.readies, 2, 5));

	/* 6. Reset in the middle of a frame: closed, then a retry. */
	puts_fd(fd, "MSG 5 1 ana 0123");
	{
		struct linger lg = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(fd);
	CHECK(run_until_state(NC_WAITING, 5));
	CHECK(seen.why == NCW_CLOSED || seen.why == NCW_ERROR);
	fd = accept_peer(5);
	CHECK(fd != -1);

	/* 7. A server that never says WELCOME: given up on, retried. */
	CHECK(run_until_state(NC_WAITING, 6));
	close(fd);
	fd = accept_peer(8);
	CHECK(fd != -1);
	g = seen.readies;
	puts_fd(fd, "WELCOME 3 user3 1\nREADY 0\n");
	CHECK(run_until(&seen.readies, g + 1, 5));
	CHECK(seen.state == NC_READY);
	return fd;
}

int
main(void)
{
	struct nc_config cfg;
	struct netclient *nc;
	const char	*err;
	int		 fd;

	if ((err = digest_init()) != NULL) {
		fprintf(stderr, "digest_init: %s\n", err);
		return 1;
	}
	evloop_init(NULL);
	evloop_timer_add(20, wake, NULL);
	if (listen_local() == -1)
		return 1;

	memset(&cfg, 0, sizeof cfg);
	cfg.host = "127.0.0.1";
	cfg.port = port;
	cfg.nick = "rui";
	cfg.ping_interval = 1;
	cfg.ping_timeout = 1;
	cfg.connect_timeout = 2;
	nc = netclient_new(&cfg, &events, NULL);
	netclient_start(nc);

	fd = accept_peer(5);
	CHECK(fd != -1);
	test_garbage(fd);
	fd = test_drops(fd);

	netclient_quit(nc, NULL);
	close(fd);
	netclient_free(nc);
	close(lfd);
	return unit_done("test_netclient_faults");
}
