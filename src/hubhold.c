/*
 * hubhold.c -- a client's answers and leaving in a cluster: while
 * messages it sent are in flight to the store, the answers to its
 * later frames are held (hub_answer) and queued right after the
 * answers of the messages before them, so that it gets its answers
 * in the order of its frames, as from a single server; a client that
 * leaves then (QUIT, a half-close) is drained: not read again, it
 * leaves once its messages are answered, or NAK'd at the cluster's
 * timeout.  Without a cluster nothing here holds anything.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "evloop.h"
#include "fanout.h"
#include "hub.h"
#include "hub_int.h"
#include "log.h"
#include "tls.h"
#include "transport.h"
#include "xmalloc.h"

/* An answer held behind the messages in flight before its frame. */
struct answer {
	struct answer	*next;
	uint64_t	 after;		/* queued once that many answered */
	size_t		 len;
	char		 data[];
};

void
hub_answer(struct client *c, const char *data, size_t len)
{
	struct hub	*h = c->hub;
	struct answer	*a;
	size_t		 cost = sizeof *a + len;

	if (c->inflight == 0 || h->cl == NULL) {
		hub_queue(c, data, len);
		return;
	}
	if (c->fp.state != FO_OPEN || c->fp.doomed)
		return;
	if (c->ansbytes + cost > h->cfg.slowlimit) {
		fanout_doom(h->fo, &c->fp);
		return;
	}
	a = xmalloc(cost);
	a->next = NULL;
	a->after = c->submitted;
	a->len = len;
	memcpy(a->data, data, len);
	if (c->ans_last != NULL)
		c->ans_last->next = a;
	else
		c->ans = a;
	c->ans_last = a;
	c->ansbytes += cost;
}

/* Queue c's held answers whose messages before them are all answered. */
static void
answers_release(struct client *c)
{
	struct answer	*a;
	uint64_t	 done = c->submitted - c->inflight;

	while ((a = c->ans) != NULL && a->after <= done) {
		c->ans = a->next;
		if (c->ans == NULL)
			c->ans_last = NULL;
		c->ansbytes -= sizeof *a + a->len;
		if (c->fp.state == FO_OPEN)
			hub_queue(c, a->data, a->len);
		free(a);
	}
}

void
hub_answers_drop(struct client *c)
{
	struct answer	*a;

	while ((a = c->ans) != NULL) {
		c->ans = a->next;
		free(a);
	}
	c->ans_last = NULL;
	c->ansbytes = 0;
}

void
hub_drain(struct client *c, const char *reason, bool bye)
{
	struct hub	*h = c->hub;

	if (c->fp.state != FO_OPEN || c->drain != NULL)
		return;
	if (c->inflight == 0 || h->cl == NULL) {
		if (!bye)
			hub_client_flush(c);
		hub_drop(c, reason, bye);
		return;
	}
	c->drain = reason;
	c->drain_bye = bye;
	c->deadline = h->now + cluster_timeout_ms(h->cl);
	c->paused = true;	/* not on the held list: not read again */
	evloop_io_set(c->fp.io, evloop_io_events(c->fp.io) & ~EV_READ);
}

/* A draining client has its answers: it leaves now. */
static void
drain_end(struct client *c)
{
	if (!c->drain_bye)
		hub_client_flush(c);	/* its answers, before the close */
	if (c->fp.state == FO_OPEN)
		hub_drop(c, c->drain, c->drain_bye);
}

void
hub_answered(struct client *c)
{
	if (c->inflight == 0)
		return;
	c->inflight--;
	answers_release(c);
}

void
hub_inflight_done(struct client *c)
{
	if (c->inflight == 0)
		return;
	hub_answered(c);
	if (c->inflight == 0 && c->drain != NULL && c->fp.state == FO_OPEN)
		drain_end(c);
}

void
hub_drain_expired(struct hub *h, struct client *c)
{
	cluster_abandon(h->cl, c);
	c->inflight = 0;
	answers_release(c);
	drain_end(c);
}
