/*
 * test_fanout.c -- unit tests for fanout.c over socketpairs, on a
 * headless Xt application context: frame order (a peer's own frames
 * against the round's broadcasts), partial writes into a small socket
 * buffer, the output cap, and the rule that a peer dropped "slow"
 * with a frame half written gets no BYE (its socket just closes).
 * The test plays the hub: its hooks do what hub.c's client_flush and
 * client_drop do.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "fanout.h"
#include "netio.h"
#include "protocol.h"
#include "transport.h"
#include "unit.h"

#define NPEER	3
#define RXMAX	(1 << 20)

/* One peer: the fan-out's end of a socketpair and the test's end. */
struct tpeer {
	struct fanout_peer fp;
	int		 other;		/* the test reads here */
	char		*rx;		/* what it has read */
	size_t		 rxlen;
	bool		 eof;
	int		 drops;
	char		 reason[16];
	bool		 bye;
};

static struct fanout	*fo;
static struct tpeer	 peers[NPEER];
static unsigned		 npeers;

static void
peer_close(struct tpeer *t)
{
	evloop_io_del(t->fp.io);
	t->fp.io = NULL;
	conn_close(t->fp.conn);
	t->fp.conn = NULL;
	t->fp.state = FO_DEAD;
}

/* As hub.c's client_flush. */
static void
hook_flush(void *owner)
{
	struct tpeer	*t = owner;
	ssize_t		 left;

	if (t->fp.state == FO_DEAD)
		return;
	left = fanout_flush(&t->fp);
	if (left < 0 || (t->fp.state == FO_CLOSING && left == 0)) {
		if (left == 0)
			conn_shutdown(t->fp.conn);
		peer_close(t);
	}
}

/* As hub.c's client_drop, without the LEAVE. */
static void
hook_drop(void *owner, const char *reason, bool bye)
{
	struct tpeer	*t = owner;
	char		 buf[PROTO_MAX_FRAME];

	t->drops++;
	snprintf(t->reason, sizeof t->reason, "%s", reason);
	t->bye = bye;
	if (bye && fanout_close(fo, &t->fp, strcmp(reason, "slow") == 0))
		fanout_append(fo, &t->fp, buf, proto_encode_bye(buf, reason));
	else
		peer_close(t);
}

static const struct fanout_hooks hooks = { hook_flush, hook_drop };

/* As hub.c's round_end. */
static void
round_hook(void *arg)
{
	unsigned	 i;

	(void)arg;
	if (fo == NULL)
		return;
	if (fanout_round_pending(fo)) {
		for (i = 0; i < npeers; i++)
			if (peers[i].fp.state == FO_OPEN)
				fanout_round_send(fo, &peers[i].fp);
		fanout_round_clear(fo);
	}
	fanout_round_end(fo);
}

static void
peer_io(void *arg, int fd, int events)
{
	struct tpeer	*t = arg;

	(void)fd;
	if ((events & EV_WRITE) && t->fp.state != FO_DEAD)
		hook_flush(t);
	if (fanout_reap_pending(fo))
		evloop_round_request();
}

/* A fresh fan-out with n peers; sndbuf > 0 shrinks their buffers. */
static void
setup(unsigned n, size_t slowlimit, int sndbuf)
{
	struct tpeer	*t;
	int		 sv[2];
	unsigned	 i;

	fo = fanout_create(slowlimit, &hooks);
	evloop_set_round_hook(round_hook, NULL);
	npeers = n;
	for (i = 0; i < n; i++) {
		t = &peers[i];
		memset(t, 0, sizeof *t);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
			perror("socketpair");
			exit(99);
		}
		netio_setup_fd(sv[0]);
		netio_setup_fd(sv[1]);
		if (sndbuf > 0)
			setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
			    sizeof sndbuf);
		fanout_peer_init(fo, &t->fp, conn_plain_new(sv[0]), i + 1, t);
		fanout_welcome_done(&t->fp);
		t->fp.io = evloop_io_add(sv[0], EV_READ, peer_io, t);
		t->other = sv[1];
		t->rx = malloc(RXMAX);
	}
}

static void
teardown(void)
{
	unsigned	 i;

	for (i = 0; i < npeers; i++) {
		if (peers[i].fp.state != FO_DEAD)
			peer_close(&peers[i]);
		fanout_peer_free(&peers[i].fp);
		close(peers[i].other);
		free(peers[i].rx);
	}
	/* Run the round the closes asked for with nothing left in it. */
	round_hook(NULL);
	fanout_free(fo);
	fo = NULL;
	npeers = 0;
}

/* Read what the test's end of t has been sent so far. */
static void
peer_recv(struct tpeer *t)
{
	ssize_t	 n;

	while (!t->eof && t->rxlen < RXMAX) {
		n = read(t->other, t->rx + t->rxlen, RXMAX - t->rxlen);
		if (n > 0)
			t->rxlen += (size_t)n;
		else {
			if (n == 0)
				t->eof = true;
			break;
		}
	}
}

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

/*
 * Run the loop until pred holds, at most about ms milliseconds; a
 * short timer keeps each evloop_run_once() from blocking for good.
 */
static bool
wait_until(bool (*pred)(void), unsigned ms)
{
	uint64_t	 end = ms_now() + ms;
	struct ev_timer	*t;

	while (!pred()) {
		if (ms_now() >= end)
			return false;
		fired = 0;
		t = evloop_timer_add(5, watchdog, NULL);
		evloop_run_once();
		if (!fired)
			evloop_timer_del(t);
	}
	return true;
}

static size_t	 want_len[NPEER];

/* Every peer has read at least its want_len bytes. */
static bool
all_received(void)
{
	unsigned	 i;

	for (i = 0; i < npeers; i++) {
		peer_recv(&peers[i]);
		if (peers[i].rxlen < want_len[i])
			return false;
	}
	return true;
}

static bool
rx_is(struct tpeer *t, const char *want)
{
	return t->rxlen == strlen(want) && memcmp(t->rx, want, t->rxlen) == 0;
}

#define Q(t, s)	fanout_queue(fo, &(t)->fp, s, strlen(s))
#define B(x, s) fanout_broadcast(fo, npeers, x, s, strlen(s))

/*
 * A peer's own frames go after the broadcasts made before them and
 * before those made after: the order they were made in.  A peer with
 * nothing of its own gets the round straight from the shared buffer.
 */
static void
test_order(void)
{
	static const char *want[NPEER] = {
		"JOIN 9 x\nOK 1 1\nMSG a\nMSG b\n",
		"JOIN 9 x\nERR badnick\nMSG b\n",
		"JOIN 9 x\nMSG a\nMSG b\n",
	};
	unsigned	 i;

	setup(NPEER, 16384, 0);
	B(0, "JOIN 9 x\n");
	Q(&peers[0], "OK 1 1\n");
	B(2, "MSG a\n");
	Q(&peers[1], "ERR badnick\n");
	B(0, "MSG b\n");
	for (i = 0; i < NPEER; i++)
		want_len[i] = strlen(want[i]);
	CHECK(wait_until(all_received, 2000));
	for (i = 0; i < NPEER; i++) {
		peer_recv(&peers[i]);
		CHECK(rx_is(&peers[i], want[i]));
	}
	/* The third peer's round went by writev: no copy, no buffer. */
	CHECK(peers[2].fp.out.cap == 0);
	CHECK(peers[0].fp.out.len == 0 && peers[1].fp.out.len == 0);
	CHECK(peers[0].drops == 0 && peers[1].drops == 0);

	/* The next round starts afresh: nothing is sent twice. */
	B(1, "LEAVE 1 a quit\n");
	want_len[0] = peers[0].rxlen;
	want_len[1] = peers[1].rxlen + 15;
	want_len[2] = peers[2].rxlen + 15;
	CHECK(wait_until(all_received, 2000));
	CHECK(rx_is(&peers[0], want[0]));
	CHECK(memcmp(peers[2].rx + strlen(want[2]), "LEAVE 1 a quit\n",
	    15) == 0 && peers[2].rxlen == strlen(want[2]) + 15);
	teardown();
}

/* The expected stream of test_partial: nframe frames of flen bytes. */
static void
make_frames(char *buf, unsigned nframe, size_t flen)
{
	unsigned	 k;

	for (k = 0; k < nframe; k++) {
		memset(buf + k * flen, 'a' + k % 26, flen - 1);
		memcpy(buf + k * flen, "MSG ", 4);
		buf[k * flen + flen - 1] = '\n';
	}
}

static bool
peer0_stuck(void)
{
	return peers[0].fp.out.len > 0 &&
	    (evloop_io_events(peers[0].fp.io) & EV_WRITE);
}

/*
 * A socket that takes part of the round: the rest is queued, the
 * write mask is set until the queue drains, and the stream arrives
 * whole and in order, own frames included.
 */
static void
test_partial(void)
{
	enum { NF = 200, FL = 1000 };
	static char	 want[NF * FL + 16];
	unsigned	 k;

	setup(1, 4 * NF * FL, 4096);
	make_frames(want, NF, FL);
	for (k = 0; k < NF / 2; k++)
		fanout_broadcast(fo, 2, 0, want + k * FL, FL);
	CHECK(wait_until(peer0_stuck, 2000));
	CHECK(peers[0].fp.out.len < NF / 2 * FL);	/* some went */
	/* Own frames queued while it is stuck keep their place. */
	for (; k < NF; k++)
		if (k % 2 == 0)
			fanout_queue(fo, &peers[0].fp, want + k * FL, FL);
		else
			fanout_broadcast(fo, 2, 0, want + k * FL, FL);
	want_len[0] = NF * FL;
	CHECK(wait_until(all_received, 5000));
	CHECK(peers[0].rxlen == NF * FL &&
	    memcmp(peers[0].rx, want, NF * FL) == 0);
	CHECK(peers[0].fp.out.len == 0);
	CHECK(!(evloop_io_events(peers[0].fp.io) & EV_WRITE));
	CHECK(peers[0].drops == 0 && !peers[0].fp.partial);
	teardown();
}

static bool
peer0_dropped(void)
{
	return peers[0].drops > 0;
}

static bool
peer0_closed(void)
{
	peer_recv(&peers[0]);
	return peers[0].eof;
}

/* Fill t's socket to the brim, behind the fan-out's back. */
static size_t
fill_socket(struct tpeer *t)
{
	char	 junk[4096];
	size_t	 total = 0;
	ssize_t	 n;

	memset(junk, '.', sizeof junk);
	while ((n = write(conn_fd(t->fp.conn), junk, sizeof junk)) > 0)
		total += (size_t)n;
	return total;
}

/*
 * Over the cap with whole frames sent: dropped "slow" at the end of
 * the round; its queue is thrown away, memory stays bounded (nothing
 * is queued past twice the cap) and it is told BYE slow last.
 */
static void
test_cap(void)
{
	char		 frame[1000];
	size_t		 filled;
	unsigned	 k;

	setup(1, 16384, 4096);
	filled = fill_socket(&peers[0]);
	CHECK(filled > 0);
	memset(frame, 'x', sizeof frame);
	frame[sizeof frame - 1] = '\n';
	for (k = 0; k < 100; k++)
		fanout_queue(fo, &peers[0].fp, frame, sizeof frame);
	CHECK(peers[0].fp.doomed);
	CHECK(peers[0].fp.out.len <= 2 * 16384 + sizeof frame);
	CHECK(!peers[0].fp.partial);
	CHECK(wait_until(peer0_dropped, 2000));
	CHECK(peers[0].drops == 1 && strcmp(peers[0].reason, "slow") == 0);
	CHECK(peers[0].fp.state == FO_CLOSING);
	CHECK(wait_until(peer0_closed, 5000));
	CHECK(peers[0].rxlen == filled + 9 &&
	    memcmp(peers[0].rx + filled, "BYE slow\n", 9) == 0);
	teardown();
}

/*
 * Dropped "slow" with a frame half written: no BYE (it would land in
 * the middle of the frame); the socket just closes after the half.
 */
static void
test_no_bye_after_half_frame(void)
{
	static char	 big[65536];
	size_t		 k;

	setup(2, 16384, 4096);
	memset(big, 'y', sizeof big);
	memcpy(big, "MSG ", 4);
	big[sizeof big - 1] = '\n';
	fanout_broadcast(fo, 2, 2, big, sizeof big);
	CHECK(wait_until(peer0_dropped, 2000));
	CHECK(peers[0].drops == 1 && strcmp(peers[0].reason, "slow") == 0 &&
	    peers[0].bye);
	CHECK(peers[0].fp.state == FO_DEAD);
	CHECK(wait_until(peer0_closed, 2000));
	CHECK(peers[0].rxlen > 0 && peers[0].rxlen < sizeof big);
	CHECK(memcmp(peers[0].rx, big, peers[0].rxlen) == 0);
	for (k = 0; k < peers[0].rxlen; k++)
		if (peers[0].rx[k] == '\n')
			break;
	CHECK(k == peers[0].rxlen);		/* no LF: no BYE either */
	CHECK(peers[1].drops == 0 && peers[1].rxlen == 0);
	teardown();
}

static bool
peer1_dropped(void)
{
	return peers[1].drops > 0;
}

static bool
budget_drained(void)
{
	peer_recv(&peers[0]);
	peer_recv(&peers[2]);
	return fanout_total(fo) == 0;
}

/*
 * The global budget (issue 10, item 7: each idle non-reading client
 * could hold the full cap, so a thousand of them held a gigabyte):
 * three peers that do not read, each under its own cap.  When the
 * total goes over the budget, the peer with the most unsent output
 * loses its queue at once, takes no more and is dropped "slow" at the
 * end of the round; only as many as it takes to get back within the
 * budget.  The total follows the queues as they drain.
 */
static void
test_budget(void)
{
	char		 frame[1000];
	unsigned	 i, k;

	setup(NPEER, 65536, 4096);
	fanout_set_budget(fo, 14 * sizeof frame);
	memset(frame, 'z', sizeof frame);
	frame[sizeof frame - 1] = '\n';
	for (i = 0; i < NPEER; i++)
		CHECK(fill_socket(&peers[i]) > 0);
	for (k = 0; k < 12; k++)
		fanout_queue(fo, &peers[1].fp, frame, sizeof frame);
	CHECK(fanout_total(fo) == 12 * sizeof frame);
	for (k = 0; k < 2; k++)
		fanout_queue(fo, &peers[0].fp, frame, sizeof frame);
	CHECK(fanout_total(fo) == 14 * sizeof frame);	/* not over */
	CHECK(!peers[1].fp.doomed && !peers[0].fp.doomed);
	/* Over: the largest (1, with 12) goes, not the one that grew. */
	fanout_queue(fo, &peers[0].fp, frame, sizeof frame);
	CHECK(peers[1].fp.doomed && peers[1].fp.out.len == 0);
	CHECK(!peers[0].fp.doomed && peers[0].fp.out.len == 3 * sizeof frame);
	CHECK(fanout_total(fo) == 3 * sizeof frame);
	for (k = 3; k < 8; k++)
		fanout_queue(fo, &peers[0].fp, frame, sizeof frame);
	for (k = 0; k < 4; k++)
		fanout_queue(fo, &peers[2].fp, frame, sizeof frame);
	fanout_queue(fo, &peers[1].fp, frame, sizeof frame);
	CHECK(peers[1].fp.out.len == 0);	/* takes no more */
	CHECK(fanout_total(fo) == 12 * sizeof frame);
	CHECK(wait_until(peer1_dropped, 2000));
	CHECK(peers[1].drops == 1 && strcmp(peers[1].reason, "slow") == 0);
	CHECK(peers[1].fp.state == FO_CLOSING && peers[1].bye);
	CHECK(peers[0].drops == 0 && peers[2].drops == 0);
	/* The others read: their queues, and the total, drain to 0. */
	CHECK(wait_until(budget_drained, 5000));
	CHECK(peers[0].drops == 0 && peers[2].drops == 0);
	CHECK(peers[0].fp.counted == 0 && peers[2].fp.counted == 0);
	teardown();
}

int
main(void)
{
	evloop_init(NULL);
	test_order();
	test_partial();
	test_cap();
	test_no_bye_after_half_frame();
	test_budget();
	return unit_done("test_fanout");
}
