/*
 * redis_evloop.c -- hiredis's asynchronous API on our event loop (the
 * model is hiredis's own adapters/libevent.h): addRead, delRead,
 * addWrite and delWrite set bits of one ev_io's mask, cleanup frees
 * it.  Nothing here blocks: hiredis only reads or writes when the
 * descriptor is ready.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdlib.h>

#include <hiredis/async.h>

#include "evloop.h"
#include "redis_evloop.h"
#include "xmalloc.h"

struct rev {
	redisAsyncContext *ac;
	struct ev_io	*io;
	int		 mask;
};

/* The descriptor is ready: let hiredis read or write.  It may free ac
 * (and so this struct) from inside: nothing is touched after. */
static void
rev_io(void *arg, int fd, int events)
{
	struct rev	*e = arg;

	(void)fd;
	if (events & EV_READ)
		redisAsyncHandleRead(e->ac);
	else if (events & EV_WRITE)
		redisAsyncHandleWrite(e->ac);
}

static void
rev_set(struct rev *e, int mask)
{
	if (mask == e->mask)
		return;
	e->mask = mask;
	evloop_io_set(e->io, mask);
}

static void
rev_add_read(void *arg)
{
	struct rev	*e = arg;

	rev_set(e, e->mask | EV_READ);
}

static void
rev_del_read(void *arg)
{
	struct rev	*e = arg;

	rev_set(e, e->mask & ~EV_READ);
}

static void
rev_add_write(void *arg)
{
	struct rev	*e = arg;

	rev_set(e, e->mask | EV_WRITE);
}

static void
rev_del_write(void *arg)
{
	struct rev	*e = arg;

	rev_set(e, e->mask & ~EV_WRITE);
}

static void
rev_cleanup(void *arg)
{
	struct rev	*e = arg;

	evloop_io_del(e->io);
	free(e);
}

int
redis_evloop_attach(redisAsyncContext *ac)
{
	struct rev	*e;

	if (ac->ev.data != NULL)
		return -1;
	e = xcalloc(1, sizeof *e);
	e->ac = ac;
	e->mask = 0;
	e->io = evloop_io_add(ac->c.fd, 0, rev_io, e);
	ac->ev.addRead = rev_add_read;
	ac->ev.delRead = rev_del_read;
	ac->ev.addWrite = rev_add_write;
	ac->ev.delWrite = rev_del_write;
	ac->ev.cleanup = rev_cleanup;
	ac->ev.data = e;
	/* As the libevent adapter: read, and write to see the connect. */
	rev_set(e, EV_READ | EV_WRITE);
	return 0;
}
