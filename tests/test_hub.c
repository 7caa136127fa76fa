/*
 * test_hub.c -- unit tests for the hub, run in-process on a headless
 * Xt application context: ids and nicks, fan-out to all but the
 * sender, history, flood and slow-reader policies, and the events the
 * window is given.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "evloop.h"
#include "hub.h"
#include "msglog.h"
#include "netio.h"
#include "unit.h"

static int	 joined, left, accepted, rejected;
static char	 last_reason[32];

static void ev_joined(void *u, const struct hub_client_info *ci)
{ (void)u; (void)ci; joined++; }
static void ev_left(void *u, const struct hub_client_info *ci, const char *r)
{ (void)u; (void)ci; left++; snprintf(last_reason, sizeof last_reason, "%s", r); }
static void ev_accepted(void *u, const struct hub_client_info *ci, uint64_t n,
    const char *md5, const char *t, size_t l)
{ (void)u; (void)ci; (void)n; (void)md5; (void)t; (void)l; accepted++; }
static void ev_rejected(void *u, const struct hub_client_info *ci,
    const char *code, const char *a, const char *b, const char *t, size_t l)
{ (void)u; (void)ci; (void)code; (void)a; (void)b; (void)t; (void)l; rejected++; }

static const struct hub_events events = {
	.joined = ev_joined, .left = ev_left, .accepted = ev_accepted,
	.rejected = ev_rejected,
};

static int	 port;
static int	 woke;

static void wake(void *a) { (void)a; woke = 1; }

/* Run the loop for about ms milliseconds. */
static void
pump(unsigned ms)
{
	woke = 0;
	evloop_timer_add(ms, wake, NULL);
	while (!woke)
		evloop_run_once();
}

static int
conn(void)
{
	struct sockaddr_in sin;
	int	 fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		return -1;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	pump(30);
	return fd;
}

/* Everything the client has received so far, as a string. */
static char *
slurp(int fd)
{
	static char	 buf[1 << 16];
	ssize_t		 n, t = 0;

	pump(30);
	while ((n = read(fd, buf + t, sizeof buf - 1 - (size_t)t)) > 0)
		t += n;
	buf[t] = '\0';
	return buf;
}

static void
drain(int fd)
{
	char	 buf[65536];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void
say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		perror("write");
	pump(30);
}

static void
say_msg(int fd, const char *seq, const char *text)
{
	char	 md5[33], buf[4200];

	digest_md5_hex(text, strlen(text), md5);
	snprintf(buf, sizeof buf, "MSG %s %s %s\n", seq, md5, text);
	say(fd, buf);
}

int
main(void)
{
	struct hub_config cfg;
	struct msglog	*lg;
	struct hub	*h;
	struct hub_stats st;
	char		 err[256], path[] = "/tmp/test_hub.XXXXXX", *r;
	int		 lfd, a, b, c, i, fd;
	socklen_t	 sl;
	struct sockaddr_in sin;

	CHECK(digest_init() == NULL);
	evloop_init(NULL);
	fd = mkstemp(path);
	close(fd);
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL);
	memset(&cfg, 0, sizeof cfg);
	cfg.maxclients = 3;
	cfg.history = 2;
	cfg.floodrate = 1;
	cfg.floodkick = 1000;
	cfg.slowlimit = 16384;
	cfg.ping_timeout = 1000;
	h = hub_create(&cfg, lg, &events, NULL);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(lfd, (struct sockaddr *)&sin, sizeof sin) == 0);
	CHECK(listen(lfd, 16) == 0);
	sl = sizeof sin;
	getsockname(lfd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	netio_setup_fd(lfd);
	hub_listen(h, lfd);

	a = conn();
	CHECK_STR(slurp(a), "WELCOME 1 user1 1\nREADY 0\n");
	b = conn();
	CHECK_STR(slurp(b), "WELCOME 2 user2 1\nUSER 1 user1\nREADY 1\n");
	CHECK_STR(slurp(a), "JOIN 2 user2\n");
	CHECK(joined == 2);

	/* Fan-out: to the others, never back; OK to the sender. */
	say_msg(a, "5", "um");
	r = slurp(b);
	CHECK(strncmp(r, "MSG 1 1 user1 ", 14) == 0 && strstr(r, " um\n"));
	CHECK_STR(slurp(a), "OK 5 1\n");
	say_msg(a, "6", "dois");
	slurp(b);
	CHECK_STR(slurp(a), "OK 6 2\n");
	/* The bucket (2 at rate 1) is empty now. */
	say_msg(a, "7", "tres");
	CHECK_STR(slurp(a), "NAK 7 flood\n");
	CHECK_STR(slurp(b), "");
	CHECK(accepted == 2 && rejected == 1);

	/* Nicks. */
	say(b, "NICK Ana\n");
	CHECK_STR(slurp(b), "NICK 2 Ana\n");
	CHECK_STR(slurp(a), "NICK 2 Ana\n");
	say(a, "NICK aNA\n");
	CHECK_STR(slurp(a), "ERR nickinuse aNA\n");

	/* History: the last 2, with the nick of the time. */
	c = conn();
	r = slurp(c);
	CHECK(strstr(r, "MSG 1 1 user1 ") != NULL &&
	    strstr(r, "MSG 2 1 user1 ") != NULL && strstr(r, "READY 2\n"));
	slurp(a);
	slurp(b);

	/* Full. */
	fd = conn();
	CHECK_STR(slurp(fd), "BYE full\n");
	close(fd);

	/* c sends PINGs and never reads the PONGs: past 16 KiB, slow. */
	{
		char	 ping[80 * 100];
		size_t	 k;

		for (k = 0; k < 100; k++) {
			memcpy(ping + 80 * k, "PING ", 5);
			memset(ping + 80 * k + 5, 't', 74);
			ping[80 * k + 79] = '\n';	/* 74 > 64: ERR syntax */
		}
		for (i = 0; i < 20000 && last_reason[0] != 's'; i++) {
			if (write(c, ping, sizeof ping) < 0) {
				if (getenv("DEBUG")) fprintf(stderr, "eagain at %d\n", i);
				pump(5);
			}
			else if (i % 10 == 0)
				pump(1);
		}
	}
	pump(100);
	drain(a);
	drain(b);
	if (getenv("DEBUG")) {
		int q = 0;
		ioctl(c, FIONREAD, &q);
		fprintf(stderr, "loop ended at %d, c has %d unread\n", i, q);
	}
	hub_stats(h, &st);
	CHECK(st.clients == 2);
	CHECK_STR(last_reason, "slow");

	/* Kick. */
	CHECK(hub_kick(h, 1));
	pump(50);
	r = slurp(a);
	CHECK(strstr(r, "BYE kicked\n") != NULL);
	CHECK(!hub_kick(h, 1));
	CHECK_STR(last_reason, "kicked");

	hub_free(h);
	msglog_close(lg);
	CHECK(msglog_verify(path, stderr, NULL) == 0);
	unlink(path);
	close(a);
	close(b);
	close(c);
	return unit_done("test_hub");
}
