/*
 * test_evloop.c -- the event loop without a display: the end-of-round
 * hook runs once the descriptors ready together have been served, and
 * after a bounded number even if one of them is always ready; timers
 * fire (and a deleted one does not); evloop_io_set changes the mask.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "unit.h"

#define NPAIRS		3
#define BOUND		1000	/* iterations before a wait gives up */

static int	 served;	/* input callbacks since the last round */
static int	 rounds;	/* times the round hook ran */
static int	 served_at_round;
static int	 reads;		/* EV_READ callbacks, all told */
static int	 writes;	/* EV_WRITE callbacks */

static void
round_cb(void *arg)
{
	(void)arg;
	rounds++;
	served_at_round = served;
	served = 0;
}

/* Read one byte (if reading is asked) and ask for the round hook. */
static void
reader_cb(void *arg, int fd, int events)
{
	char	 c;

	if (events & EV_READ) {
		if (arg != NULL)
			(void)read(fd, &c, 1);
		served++;
		reads++;
	}
	if (events & EV_WRITE)
		writes++;
	evloop_round_request();
}

static void
flag_cb(void *arg)
{
	(*(int *)arg)++;
}

static void
test_round_after_ready_set(void)
{
	int		 sv[NPAIRS][2], i, n;
	struct ev_io	*io[NPAIRS];

	for (i = 0; i < NPAIRS; i++) {
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) == 0);
		io[i] = evloop_io_add(sv[i][1], EV_READ, reader_cb, &sv[i]);
		CHECK(evloop_io_events(io[i]) == EV_READ);
	}
	/* All three become ready together: one round after all three. */
	for (i = 0; i < NPAIRS; i++)
		CHECK(write(sv[i][0], "x", 1) == 1);
	served = rounds = 0;
	for (n = 0; n < BOUND && rounds == 0; n++)
		evloop_run_once();
	CHECK(rounds == 1);
	CHECK(served_at_round == NPAIRS);
	for (i = 0; i < NPAIRS; i++) {
		evloop_io_del(io[i]);
		close(sv[i][0]);
		close(sv[i][1]);
	}
}

static void
test_round_bounded(void)
{
	int		 sv[2], n;
	struct ev_io	*io;

	/* Never read: the descriptor stays ready for ever. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(write(sv[0], "x", 1) == 1);
	io = evloop_io_add(sv[1], EV_READ, reader_cb, NULL);
	served = rounds = 0;
	for (n = 0; n < BOUND && rounds < 3; n++)
		evloop_run_once();
	CHECK(rounds == 3);
	CHECK(served_at_round > 0 && served_at_round <= 32);
	CHECK(n <= 3 * 32);
	evloop_io_del(io);
	close(sv[0]);
	close(sv[1]);
}

static void
test_timers(void)
{
	int		 a = 0, b = 0, c = 0, n;
	struct ev_timer	*t;

	evloop_timer_add(5, flag_cb, &a);
	t = evloop_timer_add(10, flag_cb, &b);
	evloop_timer_add(30, flag_cb, &c);
	evloop_timer_del(t);
	evloop_timer_del(NULL);
	for (n = 0; n < BOUND && c == 0; n++)
		evloop_run_once();
	CHECK(a == 1);
	CHECK(b == 0);		/* deleted before it was due */
	CHECK(c == 1);
}

/* A burst of deferrals makes one call; a cancelled one makes none. */
static void
test_defer(void)
{
	int		 a = 0, b = 0, sentinel = 0, n;
	struct ev_defer	 da = { NULL, flag_cb, &a }, db = { NULL, flag_cb, &b };

	evloop_defer(&da, 5);
	evloop_defer(&da, 5);
	evloop_defer(&da, 1);
	evloop_defer(&db, 5);
	CHECK(evloop_defer_cancel(&db));
	CHECK(!evloop_defer_cancel(&db));
	evloop_timer_add(30, flag_cb, &sentinel);
	for (n = 0; n < BOUND && sentinel == 0; n++)
		evloop_run_once();
	CHECK(a == 1);
	CHECK(b == 0);
	CHECK(!evloop_defer_cancel(&da));	/* it ran: none pending */
	/* Once it has run, the next deferral makes another call. */
	evloop_defer(&da, 1);
	sentinel = 0;
	evloop_timer_add(20, flag_cb, &sentinel);
	for (n = 0; n < BOUND && sentinel == 0; n++)
		evloop_run_once();
	CHECK(a == 2);
}

static void
test_io_set(void)
{
	int		 sv[2], n, sentinel = 0;
	struct ev_io	*io;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	/* A socket with room is always writable. */
	io = evloop_io_add(sv[1], EV_WRITE, reader_cb, &sv);
	CHECK(evloop_io_events(io) == EV_WRITE);
	writes = 0;
	for (n = 0; n < BOUND && writes < 2; n++)
		evloop_run_once();
	CHECK(writes >= 2);

	/* Without the write mask no EV_WRITE comes, only the read. */
	evloop_io_set(io, EV_READ);
	CHECK(evloop_io_events(io) == EV_READ);
	writes = reads = 0;
	CHECK(write(sv[0], "y", 1) == 1);
	evloop_timer_add(30, flag_cb, &sentinel);
	for (n = 0; n < BOUND && sentinel == 0; n++)
		evloop_run_once();
	CHECK(writes == 0);
	CHECK(reads == 1);

	/* Both, then none. */
	evloop_io_set(io, EV_READ | EV_WRITE);
	CHECK(evloop_io_events(io) == (EV_READ | EV_WRITE));
	for (n = 0; n < BOUND && writes == 0; n++)
		evloop_run_once();
	CHECK(writes > 0);
	evloop_io_set(io, 0);
	CHECK(evloop_io_events(io) == 0);
	writes = sentinel = 0;
	evloop_timer_add(10, flag_cb, &sentinel);
	for (n = 0; n < BOUND && sentinel == 0; n++)
		evloop_run_once();
	CHECK(writes == 0);
	evloop_io_del(io);
	evloop_io_del(NULL);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	evloop_init(NULL);
	evloop_set_round_hook(round_cb, NULL);
	test_round_after_ready_set();
	test_round_bounded();
	test_timers();
	test_defer();
	test_io_set();
	return unit_done("test_evloop");
}
