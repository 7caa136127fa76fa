/*
 * test_hub.c -- unit tests for the hub, run in-process on a headless
 * Xt application context: ids and nicks, fan-out to all but the
 * sender, history, flood and slow-reader policies, and the events the
 * window is given.  Each case has a hub of its own; nothing sleeps:
 * every wait runs the event loop until a condition holds, within a
 * time bound.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bans.h"
#include "digest.h"
#include "evloop.h"
#include "hub.h"
#include "msglog.h"
#include "netio.h"
#include "unit.h"

#define WAIT_MS	5000		/* the bound of every wait */

static int	 joined, left, accepted, rejected;
static char	 last_reason[32];

static void
ev_joined(void *u, const struct hub_client_info *ci)
{
	(void)u;
	(void)ci;
	joined++;
}

static void
ev_left(void *u, const struct hub_client_info *ci, const char *r)
{
	(void)u;
	(void)ci;
	left++;
	snprintf(last_reason, sizeof last_reason, "%s", r);
}

static void
ev_accepted(void *u, const struct hub_client_info *ci, uint64_t n,
    const char *md5, const char *t, size_t l)
{
	(void)u;
	(void)ci;
	(void)n;
	(void)md5;
	(void)t;
	(void)l;
	accepted++;
}

static void
ev_rejected(void *u, const struct hub_client_info *ci, const char *code,
    const char *a, const char *b, const char *t, size_t l)
{
	(void)u;
	(void)ci;
	(void)code;
	(void)a;
	(void)b;
	(void)t;
	(void)l;
	rejected++;
}

static const struct hub_events events = {
	.joined = ev_joined, .left = ev_left, .accepted = ev_accepted,
	.rejected = ev_rejected,
};

/* The hub of the current case, and settings a case may change first. */
static struct hub	*h;
static unsigned		 floodkick = 1000;
static struct msglog	*lg;
static char		 path[64];
static int		 port;

/* A test client: its socket and what it has read and not yet taken. */
struct tc {
	int	 fd;
	char	 buf[1 << 17];
	size_t	 len;
	bool	 eof;
	unsigned syncs;
};

static uint64_t
ms_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int	 fired;

static void
watchdog(void *arg)
{
	(void)arg;
	fired = 1;
}

/* One turn of the loop, which a short timer keeps from blocking. */
static void
turn(void)
{
	struct ev_timer	*t;

	fired = 0;
	t = evloop_timer_add(5, watchdog, NULL);
	evloop_run_once();
	if (!fired)
		evloop_timer_del(t);
}

/* Run the loop until pred(arg) holds; false if WAIT_MS went by. */
static bool
wait_for(bool (*pred)(void *), void *arg)
{
	uint64_t	 end = ms_now() + WAIT_MS;

	while (!pred(arg)) {
		if (ms_now() >= end)
			return false;
		turn();
	}
	return true;
}

static void
tc_fill(struct tc *c)
{
	ssize_t	 n;

	while (!c->eof && c->len < sizeof c->buf - 1) {
		n = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
		if (n > 0)
			c->len += (size_t)n;
		else {
			if (n == 0)
				c->eof = true;
			break;
		}
	}
	c->buf[c->len] = '\0';
}

/* Where the line that contains needle ends (after its LF), or 0. */
static size_t
line_end(struct tc *c, const char *needle)
{
	char	*p, *lf;

	tc_fill(c);
	if ((p = strstr(c->buf, needle)) == NULL ||
	    (lf = strchr(p, '\n')) == NULL)
		return 0;
	return (size_t)(lf + 1 - c->buf);
}

struct want_line {
	struct tc	*c;
	const char	*needle;
};

static bool
has_line(void *arg)
{
	struct want_line *w = arg;

	return line_end(w->c, w->needle) > 0;
}

/*
 * Wait for a line containing needle; return everything received up to
 * the end of that line (taken from c), or "" if it never came.
 */
static char *
recv_until(struct tc *c, const char *needle)
{
	static char	 out[sizeof c->buf];
	struct want_line w = { c, needle };
	size_t		 n;

	out[0] = '\0';
	if (!wait_for(has_line, &w)) {
		fprintf(stderr, "no \"%s\" in \"%s\"\n", needle, c->buf);
		return out;
	}
	n = line_end(c, needle);
	memcpy(out, c->buf, n);
	out[n] = '\0';
	memmove(c->buf, c->buf + n, c->len - n + 1);
	c->len -= n;
	return out;
}

static void
say(struct tc *c, const char *s)
{
	if (write(c->fd, s, strlen(s)) != (ssize_t)strlen(s))
		perror("write");
}

/*
 * Everything the hub has sent c so far: a PING, and what comes before
 * its PONG (frames to one client keep their order).
 */
static char *
sync_recv(struct tc *c)
{
	char	 ping[32], pong[32], *r;
	size_t	 n;

	c->syncs++;
	snprintf(ping, sizeof ping, "PING sync%u\n", c->syncs);
	snprintf(pong, sizeof pong, "PONG sync%u", c->syncs);
	say(c, ping);
	r = recv_until(c, pong);
	n = strlen(r);
	if (n >= strlen(pong) + 1)
		r[n - strlen(pong) - 1] = '\0';
	return r;
}

static void
say_msg(struct tc *c, const char *seq, const char *text)
{
	char	 md5[33], buf[4200];

	digest_md5_hex(text, strlen(text), md5);
	snprintf(buf, sizeof buf, "MSG %s %s %s\n", seq, md5, text);
	say(c, buf);
}

/* Connect a client to the hub of the case. */
static struct tc *
tc_new(void)
{
	struct sockaddr_in sin;
	struct tc	*c = calloc(1, sizeof *c);

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		perror("connect");
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	return c;
}

static void
tc_free(struct tc *c)
{
	close(c->fd);
	free(c);
}

/* Connect and take the welcome. */
static struct tc *
tc_ready(void)
{
	struct tc	*c = tc_new();

	recv_until(c, "READY ");
	return c;
}

static struct bans *setup_bans;	/* the next setup's bans, or NULL */

/* A hub on a free loopback port, configured as the cases expect. */
static void
setup(unsigned maxclients)
{
	struct hub_config cfg;
	struct sockaddr_in sin;
	socklen_t	 sl;
	char		 err[256];
	int		 lfd, fd;

	joined = left = accepted = rejected = 0;
	last_reason[0] = '\0';
	snprintf(path, sizeof path, "/tmp/test_hub.XXXXXX");
	fd = mkstemp(path);
	close(fd);
	lg = msglog_open(path, err, sizeof err);
	CHECK(lg != NULL);
	memset(&cfg, 0, sizeof cfg);
	cfg.maxclients = maxclients;
	cfg.history = 2;
	cfg.floodrate = 1;
	cfg.floodkick = floodkick;
	cfg.slowlimit = 16384;
	cfg.ping_timeout = 1000;
	cfg.bans = setup_bans;
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
}

static void
teardown(void)
{
	hub_free(h);
	h = NULL;
	msglog_close(lg);
	CHECK(msglog_verify(path, stderr, NULL) == 0);
	unlink(path);
}

/* Ids count up; a newcomer hears who is here, the others of it. */
static void
test_welcome(void)
{
	struct tc	*a, *b;

	setup(3);
	a = tc_new();
	CHECK_STR(recv_until(a, "READY "), "WELCOME 1 user1 1\nREADY 0\n");
	b = tc_new();
	CHECK_STR(recv_until(b, "READY "),
	    "WELCOME 2 user2 1\nUSER 1 user1\nREADY 1\n");
	CHECK_STR(recv_until(a, "JOIN "), "JOIN 2 user2\n");
	CHECK_STR(sync_recv(a), "");
	CHECK_STR(sync_recv(b), "");
	CHECK(joined == 2);
	teardown();
	tc_free(a);
	tc_free(b);
}

/* Fan-out: to the others, never back; OK to the sender; flood NAK. */
static void
test_relay_flood(void)
{
	struct tc	*a, *b;
	char		*r;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	recv_until(a, "JOIN 2 ");
	say_msg(a, "5", "um");
	r = recv_until(b, "MSG ");
	CHECK(strncmp(r, "MSG 1 1 user1 ", 14) == 0 && strstr(r, " um\n"));
	CHECK_STR(recv_until(a, "OK "), "OK 5 1\n");
	say_msg(a, "6", "dois");
	recv_until(b, "MSG 2 ");
	CHECK_STR(recv_until(a, "OK "), "OK 6 2\n");
	/* The bucket (2 at rate 1) is empty now. */
	say_msg(a, "7", "tres");
	CHECK_STR(recv_until(a, "NAK "), "NAK 7 flood\n");
	CHECK_STR(sync_recv(a), "");
	CHECK_STR(sync_recv(b), "");
	CHECK(accepted == 2 && rejected == 1);
	teardown();
	tc_free(a);
	tc_free(b);
}

/* Nicks: everyone hears of a new nick; taken ones fold case. */
static void
test_nicks(void)
{
	struct tc	*a, *b;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	recv_until(a, "JOIN 2 ");
	say(b, "NICK Ana\n");
	CHECK_STR(recv_until(b, "NICK "), "NICK 2 Ana\n");
	CHECK_STR(recv_until(a, "NICK "), "NICK 2 Ana\n");
	say(a, "NICK aNA\n");
	CHECK_STR(recv_until(a, "ERR "), "ERR nickinuse aNA\n");
	CHECK_STR(sync_recv(a), "");
	CHECK_STR(sync_recv(b), "");
	teardown();
	tc_free(a);
	tc_free(b);
}

/*
 * The attack of issue 10, item 5: one client changes its nick as fast
 * as it can, and every client must process every change.  NICK counts
 * against the flood bucket like MSG: past it, "ERR flood NICK" and no
 * effect; a client that keeps at it is dropped with BYE flood.  (Before
 * the fix all 400 changes were relayed.)
 */
static void
test_nick_flood(void)
{
	struct tc	*a, *b;
	char		 buf[400 * 16], *r;
	size_t		 len = 0;
	int		 i, nicks;

	floodkick = 100;
	setup(3);
	a = tc_ready();
	b = tc_ready();
	recv_until(a, "JOIN 2 ");
	/* The bucket holds 2 at rate 1: two pass, the third does not. */
	say(b, "NICK n1\nNICK n2\nNICK n3\nNICK a:b\n");
	r = sync_recv(b);
	CHECK_STR(r, "NICK 2 n1\nNICK 2 n2\nERR flood NICK\nERR flood NICK\n");
	r = sync_recv(a);
	CHECK_STR(r, "NICK 2 n1\nNICK 2 n2\n");
	/* Keep flooding: dropped with BYE flood past -floodkick. */
	for (i = 0; i < 400; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		    "NICK x%d\n", i);
	say(b, buf);
	r = recv_until(a, "LEAVE ");
	CHECK(strstr(r, "LEAVE 2 n2 flood\n") != NULL);
	for (nicks = 0; (r = strstr(r, "NICK ")) != NULL; r++)
		nicks++;
	CHECK(nicks <= 5);		/* what the rate lets through */
	r = recv_until(b, "BYE ");
	CHECK(strstr(r, "BYE flood\n") != NULL);
	CHECK(strstr(r, "ERR flood NICK\n") != NULL);
	CHECK_STR(last_reason, "flood");
	teardown();
	floodkick = 1000;
	tc_free(a);
	tc_free(b);
}

/* History: a newcomer gets the last 2, with the nick of the time. */
static void
test_history(void)
{
	struct tc	*a, *b, *c;
	char		*r;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	say_msg(a, "5", "um");
	recv_until(a, "OK 5 ");
	say_msg(a, "6", "dois");
	recv_until(a, "OK 6 ");
	say(b, "NICK Ana\n");
	recv_until(b, "NICK 2 Ana");
	c = tc_new();
	r = recv_until(c, "READY ");
	CHECK(strstr(r, "MSG 1 1 user1 ") != NULL &&
	    strstr(r, "MSG 2 1 user1 ") != NULL && strstr(r, "READY 2\n"));
	CHECK(strstr(r, "USER 2 Ana\n") != NULL);
	teardown();
	tc_free(a);
	tc_free(b);
	tc_free(c);
}

/* Past maxClients: BYE full, and the connection is closed. */
static void
test_full(void)
{
	struct tc	*a, *b, *c, *d;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	c = tc_ready();
	d = tc_new();
	CHECK_STR(recv_until(d, "BYE "), "BYE full\n");
	CHECK(joined == 3);
	teardown();
	tc_free(a);
	tc_free(b);
	tc_free(c);
	tc_free(d);
}

static bool
is_slow(void *arg)
{
	struct hub_stats st;

	(void)arg;
	hub_stats(h, &st);
	return strcmp(last_reason, "slow") == 0 && st.clients == 2;
}

/* c sends PINGs and never reads the answers: past 16 KiB, slow. */
static void
test_slow(void)
{
	struct tc	*a, *b, *c;
	struct hub_stats st;
	char		 ping[80 * 100];
	size_t		 k;
	int		 i;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	c = tc_ready();
	for (k = 0; k < 100; k++) {
		memcpy(ping + 80 * k, "PING ", 5);
		memset(ping + 80 * k + 5, 't', 74);
		ping[80 * k + 79] = '\n';	/* 74 > 64: ERR syntax */
	}
	for (i = 0; i < 20000 && last_reason[0] != 's'; i++)
		if (write(c->fd, ping, sizeof ping) < 0 || i % 10 == 0)
			turn();
	CHECK(wait_for(is_slow, NULL));
	CHECK(strstr(recv_until(a, "LEAVE "), "LEAVE 3 user3 slow\n") != NULL);
	CHECK(strstr(recv_until(b, "LEAVE "), "LEAVE 3 user3 slow\n") != NULL);
	hub_stats(h, &st);
	CHECK(st.clients == 2);
	CHECK_STR(last_reason, "slow");
	teardown();
	tc_free(a);
	tc_free(b);
	tc_free(c);
}

/* Kick: BYE kicked to the client, LEAVE kicked to the others. */
static void
test_kick(void)
{
	struct tc	*a, *b;

	setup(3);
	a = tc_ready();
	b = tc_ready();
	recv_until(a, "JOIN 2 ");
	CHECK(hub_kick(h, 1, NULL));
	CHECK_STR(recv_until(a, "BYE "), "BYE kicked\n");
	CHECK_STR(recv_until(b, "LEAVE "), "LEAVE 1 user1 kicked\n");
	CHECK(!hub_kick(h, 1, NULL));
	CHECK_STR(last_reason, "kicked");
	/* With a reason; one that breaks the text rules is left out. */
	CHECK(hub_kick(h, 2, "spam, já chega"));
	CHECK_STR(recv_until(b, "BYE "), "BYE kicked spam, já chega\n");
	a = (tc_free(a), tc_ready());
	CHECK(hub_kick(h, 3, "a\nb"));
	CHECK_STR(recv_until(a, "BYE "), "BYE kicked\n");
	teardown();
	tc_free(a);
	tc_free(b);
}

/*
 * Kick and ban: the address (everyone here is 127.0.0.1) banned in the
 * bans file; the client gets its reason, the others from there "BYE
 * kicked banned", and so does a newcomer, before any WELCOME.
 */
static void
test_kick_ban(void)
{
	struct tc	*a, *b, *c;
	char		 dir[64], bpath[128], err[512];

	snprintf(dir, sizeof dir, "/tmp/test_hub_bans.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(bpath, sizeof bpath, "%s/bans.txt", dir);
	setup_bans = bans_load(bpath, time(NULL), err, sizeof err);
	CHECK(setup_bans != NULL);
	setup(4);
	a = tc_ready();
	b = tc_ready();
	recv_until(a, "JOIN 2 ");
	CHECK(!hub_kick_ban(h, 9, time(NULL) + 100, NULL, err, sizeof err));
	CHECK(hub_kick_ban(h, 1, time(NULL) + 100, "flood", err,
	    sizeof err));
	CHECK_STR(recv_until(a, "BYE "), "BYE kicked flood\n");
	CHECK_STR(recv_until(b, "BYE "), "LEAVE 1 user1 kicked\n"
	    "BYE kicked banned\n");
	CHECK(bans_match(setup_bans, "127.0.0.1", time(NULL)));
	c = tc_new();
	CHECK_STR(recv_until(c, "BYE "), "BYE kicked banned\n");
	CHECK(!hub_kick_ban(h, 1, time(NULL) + 100, NULL, err, sizeof err));
	teardown();
	bans_free(setup_bans);
	setup_bans = NULL;
	unlink(bpath);
	rmdir(dir);
	tc_free(a);
	tc_free(b);
	tc_free(c);
}

int
main(void)
{
	CHECK(digest_init() == NULL);
	evloop_init(NULL);
	test_welcome();
	test_relay_flood();
	test_nicks();
	test_nick_flood();
	test_history();
	test_full();
	test_slow();
	test_kick();
	test_kick_ban();
	return unit_done("test_hub");
}
