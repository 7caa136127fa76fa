/*
 * hub.c -- the server core: the client table, accepting connections,
 * each client's lifecycle (welcome, keepalive, leaving) and its reads.
 * What clients send is handled in hubmsg.c, their welcome (and what the
 * server takes from its log at start) in hubjoin.c.  One struct client per
 * connection, kept in an array; ids and message numbers count up and
 * are never reused.  Clients are talked to through struct conn
 * (transport.h), so the hub does not know which transport it uses.
 *
 * A read callback reads once (up to RBUF bytes), splits frames and
 * hands them to hubmsg.c.  Accepted messages of one read are recorded
 * in the log with a single write() before any of them is acknowledged
 * or relayed
 * (msglog_commit); then their relays are encoded once and broadcast
 * through fanout.c, which keeps one copy of the round's broadcasts
 * for everybody and, at the end of the event round (evloop's round
 * hook), sends it to each client with one writev, copying into a
 * client's own queue only what its socket did not take.  Every frame
 * is built by a proto_encode_* function (protocol.c).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "evloop.h"
#include "fanout.h"
#include "hub.h"
#include "hub_int.h"
#include "accounts.h"
#include "cluster.h"
#include "history.h"
#include "keys.h"
#include "log.h"
#include "msglog.h"
#include "netio.h"
#include "nickrules.h"
#include "protocol.h"
#include "tls.h"
#include "transport.h"
#include "xmalloc.h"

static void	client_read(struct hub *, struct client *);
static void	client_io(void *, int, int);
static void	rereads(struct hub *);
static void	round_end(void *);
static void	resume_held(struct hub *);

uint64_t
hub_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
hub_info_of(const struct client *c, struct hub_client_info *ci)
{
	ci->id = c->id;
	ci->nick = c->nick;
	ci->peer = c->peer;
	ci->msgs = c->msgs;
	ci->dms = c->dms;
	ci->away = c->away;
	ci->tls = c->tls;
	ci->version = c->version;
	ci->key = c->key[0] != '\0' ? c->key : NULL;
	ci->server = NULL;		/* ours */
}

struct client *
hub_client_by_id(struct hub *h, uint64_t id)
{
	uint64_t	 v;

	return u64map_get(&h->byid, id, &v) ? (struct client *)(uintptr_t)v :
	    NULL;
}

/* Append a client pointer to one of the hub's arrays. */
static void
push(struct client ***arr, unsigned *n, unsigned *cap, struct client *c)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*arr = xreallocarray(*arr, *cap, sizeof **arr);
	}
	(*arr)[(*n)++] = c;
}

/* Queue a frame for one client (fanout_queue: capped, in order). */
void
hub_queue(struct client *c, const char *data, size_t len)
{
	fanout_queue(c->hub->fo, &c->fp, data, len);
}

/* Send a frame to every open client but one (which may be NULL). */
void
hub_broadcast(struct hub *h, struct client *except, const char *data,
    size_t len)
{
	fanout_broadcast(h->fo, h->nclients, except != NULL ? except->id : 0,
	    data, len);
}

static void
remove_at(struct client **arr, unsigned *n, unsigned idx)
{
	assert(idx < *n);
	arr[idx] = arr[--*n];
	arr[idx]->idx = idx;
}

/* Close the socket and queue the struct for freeing at round end. */
static void
bury(struct client *c)
{
	struct hub	*h = c->hub;

	if (c->fp.state == FO_CLOSING)
		remove_at(h->closing, &h->nclosing, c->idx);
	c->fp.state = FO_DEAD;
	evloop_io_del(c->fp.io);
	c->fp.io = NULL;
	conn_close(c->fp.conn);
	c->fp.conn = NULL;
	c->next_dead = h->dead;
	h->dead = c;
	evloop_round_request();
}

/* Take c off the table of open clients (and of the held). */
static void
unlist(struct hub *h, struct client *c)
{
	unsigned	 i;

	remove_at(h->clients, &h->nclients, c->idx);
	u64map_del(&h->byid, c->id, (uint64_t)(uintptr_t)c);
	if (c->reread) {
		c->reread = false;
		h->nreread--;
	}
	if (c->paused) {
		for (i = 0; i < h->nheld; i++)
			if (h->held[i] == c) {
				h->held[i] = h->held[--h->nheld];
				break;
			}
		c->paused = false;
	}
	if (c->joined)
		h->njoined--;
}

/*
 * Take a client out of the conversation: the others get LEAVE with the
 * reason (if it was welcomed).  With bye, it gets "BYE <reason>" (and
 * text, if not NULL) after what is queued and its socket is closed
 * once that is written (or after CLOSE_GRACE); without, the socket is
 * closed at once.  A client over its output cap loses its queue, and
 * gets BYE only if no frame was half sent.
 */
void
hub_drop_text(struct client *c, const char *reason, const char *text,
    bool bye)
{
	struct hub	*h = c->hub;
	struct hub_client_info ci;
	char		 buf[PROTO_MAX_FRAME];

	if (c->fp.state != FO_OPEN)
		return;
	fanout_catch_up(h->fo, &c->fp);
	if (h->pend_from == c && (h->npend > 0 ||
	    msglog_pending(h->log) > 0))
		hub_commit(h, c);
	/* Held behind messages it will not be answered for. */
	hub_answers_drop(c);
	hub_rejects_write(h, c);
	if (c->joined) {
		hub_broadcast(h, NULL, buf, proto_encode_leave(buf, c->id,
		    c->nick, c->nicklen, reason));
		hub_info_of(c, &ci);
		if (h->ev->left != NULL)
			h->ev->left(h->ui, &ci, reason);
		if (h->cl != NULL)
			cluster_left(h->cl, c, reason);
	}
	unlist(h, c);
	log_debug("client %llu (%s) left: %s", (unsigned long long)c->id,
	    c->peer, reason);

	/* A slow client loses its queue; no BYE after a half-sent frame. */
	if (!bye ||
	    !fanout_close(h->fo, &c->fp, strcmp(reason, "slow") == 0)) {
		bury(c);
		return;
	}
	c->idx = h->nclosing;
	push(&h->closing, &h->nclosing, &h->capclosing, c);
	c->deadline = h->now + CLOSE_GRACE;
	fanout_append(h->fo, &c->fp, buf, text == NULL ?
	    proto_encode_bye(buf, reason) :
	    proto_encode_bye_text(buf, reason, text, strlen(text)));
}

/* hub_drop_text without a text; also the fan-out's drop hook. */
void
hub_drop(void *arg, const char *reason, bool bye)
{
	hub_drop_text(arg, reason, NULL, bye);
}

/*
 * Write what a client has queued (fanout_flush sets its event mask); a
 * failed write drops it, and a closing client whose queue drained is
 * closed.
 */
void
hub_client_flush(void *arg)
{
	struct client	*c = arg;
	ssize_t		 left;

	if (c->fp.state == FO_DEAD)
		return;
	left = fanout_flush(&c->fp);
	if (left < 0) {
		if (c->fp.state == FO_OPEN)
			hub_drop(c, errno == EPIPE || errno == ECONNRESET ?
			    "closed" : "error", false);
		else
			bury(c);
		return;
	}
	if (c->fp.state == FO_CLOSING && left == 0) {
		conn_shutdown(c->fp.conn);
		bury(c);
	}
}

/* The fan-out's hooks: flush a client, drop one (slow, write error). */
static const struct fanout_hooks client_hooks = {
	hub_client_flush, hub_drop
};

/* Free a dead client's memory. */
static void
client_free(struct client *c)
{
	proto_lineq_free(&c->in);
	keys_pub_free(c->pub);
	free(c->spki);
	free(c->away);
	free(c->held);
	hub_answers_drop(c);
	fanout_peer_free(&c->fp);
	free(c);
}

/* End of an event round: write queued output, free the dead. */
static void
round_end(void *arg)
{
	struct hub	*h = arg;
	struct client	*c, *keep;
	unsigned	 i;

	resume_held(h);
	if (h->nreread > 0)
		rereads(h);
	if (h->cl != NULL)
		cluster_round(h->cl);
	if (fanout_round_pending(h->fo)) {
		for (i = 0; i < h->nclients; i++)
			fanout_round_send(h->fo, &h->clients[i]->fp);
		fanout_round_clear(h->fo);
	}
	fanout_round_end(h->fo);
	/* Free the dead; those the fan-out still holds: next round. */
	keep = NULL;
	while ((c = h->dead) != NULL) {
		h->dead = c->next_dead;
		if (fanout_peer_busy(&c->fp)) {
			c->next_dead = keep;
			keep = c;
			continue;
		}
		client_free(c);
	}
	h->dead = keep;
	if (keep != NULL)
		evloop_round_request();
}

static void
client_io(void *arg, int fd, int events)
{
	struct client	*c = arg;
	struct hub	*h = c->hub;

	(void)fd;
	h->now = hub_now_ms();
	if ((events & EV_WRITE) && c->fp.state != FO_DEAD)
		hub_client_flush(c);
	if ((events & EV_READ) && c->fp.state == FO_OPEN && !c->paused)
		client_read(h, c);
	/* Input TLS already holds will not wake us: read it this round. */
	if (c->fp.state == FO_OPEN && !c->reread && !c->paused &&
	    conn_pending(c->fp.conn) > 0) {
		c->reread = true;
		h->nreread++;
		evloop_round_request();
	}
	if (fanout_reap_pending(h->fo))
		evloop_round_request();
}

/* Read again from the clients whose transport holds input. */
static void
rereads(struct hub *h)
{
	struct client	*c;
	unsigned	 i;

	for (i = 0; i < h->nclients && h->nreread > 0; i++) {
		c = h->clients[i];
		if (!c->reread)
			continue;
		c->reread = false;
		h->nreread--;
		client_io(c, conn_fd(c->fp.conn), EV_READ);
		if (i < h->nclients && h->clients[i] != c)
			i--;	/* c left: another client is at i now */
	}
	/* Those that still hold input (set again above): next round. */
	if (h->nreread > 0)
		evloop_round_request();
}

/*
 * A new connection cn (plain, or TLS with its handshake done): a
 * client.  In version 1 it is welcomed at once; in version 2 (ALPN
 * xchat/2) it is told nothing until it says HELLO, and takes no
 * broadcasts before.
 */
void
hub_client_new(struct hub *h, struct conn *cn, bool tls)
{
	struct client	*c;
	struct conn_info info;
	char		 peer[NETIO_ADDRSTRLEN];
	int		 one = 1, fd = conn_fd(cn);
	uint64_t	 id = 0;
	bool		 v2 = false;

	if (tls) {
		conn_info(cn, &info);
		v2 = strcmp(info.alpn, TLS_ALPN_V2) == 0;
	}
	netio_peer_name(fd, peer, sizeof peer);
	if (hub_turn_away(h, cn, peer, v2))
		return;
	/* In a cluster the store hands out ids; none yet: refused. */
	if (h->cl != NULL && (id = cluster_new_id(h->cl)) == 0) {
		char	 buf[PROTO_MAX_FRAME];

		if (conn_write(cn, buf, proto_encode_bye_text(buf, "full",
		    "the cluster store is unreachable", 32)) < 0)
			log_debug("BYE full: %s", strerror(errno));
		conn_close(cn);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	c->hub = h;
	c->id = h->cl != NULL ? id : h->next_id++;
	/* Earlier broadcasts are not its; the welcome is never "slow". */
	fanout_peer_init(h->fo, &c->fp, cn, c->id, c);
	c->tls = tls;
	c->version = PROTO_V1;
	if (v2) {
		c->version = PROTO_V2;
		c->in.max = PROTO_MAX_FRAME_V2;
		fanout_peer_version(&c->fp, 0);	/* none yet */
		hub_take_key(c);
	}
	c->nicklen = (size_t)snprintf(c->nick, sizeof c->nick, "user%llu",
	    (unsigned long long)c->id);
	c->keyhash = hub_key_hash(c->nick, c->nicklen);
	memcpy(c->peer, peer, sizeof c->peer);
	c->tokens = h->cfg.floodrate * 2 < 1 ? 1 : h->cfg.floodrate * 2;
	c->tok_ms = h->now;
	c->last_rx = h->now;
	c->deadline = h->now + HELLO_MS;

	c->idx = h->nclients;
	push(&h->clients, &h->nclients, &h->capclients, c);
	u64map_put(&h->byid, c->id, (uint64_t)(uintptr_t)c);
	c->fp.io = evloop_io_add(fd, EV_READ | conn_wants(c->fp.conn),
	    client_io, c);
	h->st.connections++;
	if (c->version == PROTO_V1)
		hub_welcome(h, c, 0);
}

/* Take every listener off (0) or back on (EV_READ). */
static void
listeners_set(struct hub *h, int events)
{
	unsigned	 i;

	for (i = 0; i < h->nlisteners; i++)
		evloop_io_set(h->listeners[i].io, events);
}

static void
accept_resume(void *arg)
{
	struct hub	*h = arg;

	h->pause = NULL;
	listeners_set(h, EV_READ);
}

static void
listener_io(void *arg, int lfd, int events)
{
	struct listener	*l = arg;
	struct hub	*h = l->hub;
	int		 fd, i;

	(void)events;
	h->now = hub_now_ms();
	for (i = 0; i < ACCEPT_MAX; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of descriptors: pause accepting. */
				if (h->now - h->emfile_warned >= 10000 ||
				    h->emfile_warned == 0) {
					log_warn("accept (pausing new "
					    "connections until clients leave)");
					h->emfile_warned = h->now;
				}
				listeners_set(h, 0);
				h->pause = evloop_timer_add(EMFILE_PAUSE,
				    accept_resume, h);
				break;
			}
			continue;	/* ECONNABORTED, EINTR, EPROTO... */
		}
		if (l->tls != NULL)
			hub_shake_new(h, l->tls, fd);
		else
			hub_client_new(h, conn_plain_new(fd), false);
	}
}

/*
 * Stop handling c's input at line (a frame that needs a signature
 * checked, with none left to check this round): keep from there to
 * the end of the read in c->held, and stop reading its socket until
 * that is handled (hub_resume_held).
 */
static void
hold(struct hub *h, struct client *c, const char *line, const char *end)
{
	size_t	 len = (size_t)(end - line);

	if (h->npend > 0 || msglog_pending(h->log) > 0)
		hub_commit(h, c);
	c->held = xrealloc(c->held, len);
	memmove(c->held, line, len);
	c->heldlen = len;
	if (!c->paused) {
		c->paused = true;
		if (h->nheld == h->capheld) {
			h->capheld = h->capheld ? h->capheld * 2 : 16;
			h->held = xreallocarray(h->held, h->capheld,
			    sizeof *h->held);
		}
		h->held[h->nheld++] = c;
		evloop_io_set(c->fp.io, evloop_io_events(c->fp.io) & ~EV_READ);
	}
}

/*
 * Keep c's input from p to end (what came after its HELLO) while it
 * waits for its welcome, and stop reading its socket until hub_unpark.
 */
static void
park(struct client *c, const char *p, const char *end)
{
	size_t	 len = (size_t)(end - p);

	c->held = xrealloc(c->held, len + 1);
	memmove(c->held, p, len);
	c->heldlen = len;
	c->paused = true;	/* not on the held list yet */
	evloop_io_set(c->fp.io, evloop_io_events(c->fp.io) & ~EV_READ);
}

void
hub_unpark(struct client *c)
{
	struct hub	*h = c->hub;

	if (c->fp.state != FO_OPEN || !c->paused)
		return;
	if (h->nheld == h->capheld) {
		h->capheld = h->capheld ? h->capheld * 2 : 16;
		h->held = xreallocarray(h->held, h->capheld, sizeof *h->held);
	}
	h->held[h->nheld++] = c;	/* resume_one reads it again */
	evloop_round_request();
}

/*
 * The signatures one turn of a client (a read, or its held input
 * resumed) may have checked: the round's budget shared among those
 * waiting for it, the held and this one.  Turns of the same size
 * whatever a client's read brought keep the senders' shares even (a
 * turn that took whatever was left of a held read gave some senders
 * four checks for every five of the others).
 */
static unsigned
verify_turn(const struct hub *h)
{
	return (VERIFY_ROUND + h->nheld) / (h->nheld + 1);
}

/*
 * Handle every whole frame of the len bytes at h->rbuf (a read, after
 * the partial frame kept from the one before); keep the partial frame
 * at the end.  Return false if c left, or its input is held.
 */
static bool
client_scan(struct hub *h, struct client *c, size_t len)
{
	struct proto_scan s;
	const char	*line;
	char		 buf[PROTO_MAX_FRAME];
	size_t		 flen;
	uint64_t	 v0 = h->st.verified;
	unsigned	 turn = verify_turn(h);

	proto_scan_init(&s, h->rbuf, len);
	for (;;) {
		switch (proto_scan_next(&c->in, &s, &line, &flen)) {
		case PS_FRAME:
			if ((h->verify_left == 0 ||
			    h->st.verified - v0 >= turn) &&
			    hub_needs_verify(c, line, flen)) {
				hold(h, c, line, s.end);
				return false;
			}
			hub_frame(h, c, line, flen);
			if (c->drain != NULL)
				return false;
			if (c->welcoming && c->fp.state == FO_OPEN) {
				park(c, s.p, s.end);
				return false;
			}
			break;
		case PS_TOOLONG:
			if (h->npend > 0 || msglog_pending(h->log) > 0)
				hub_commit(h, c);
			hub_answer(c, buf, proto_encode_err(buf, "toolong",
			    NULL, 0));
			break;
		case PS_END:
			if (h->npend > 0 || msglog_pending(h->log) > 0)
				hub_commit(h, c);
			proto_lineq_keep(&c->in, &s);
			return true;
		}
		if (c->fp.state != FO_OPEN)
			return false;
	}
}

/* Read once from a client and handle every whole frame. */
static void
client_read(struct hub *h, struct client *c)
{
	size_t		 have;
	ssize_t		 n;

	if (c->paused)
		return;
	if (h->start_peer != NULL && msglog_pending(h->log) == 0)
		hub_log_start_write(h);
	have = proto_lineq_prepend(&c->in, h->rbuf);
	n = conn_read(c->fp.conn, h->rbuf + have, RBUF);
	if (n <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			struct proto_scan s;

			proto_scan_init(&s, h->rbuf, have);
			proto_lineq_keep(&c->in, &s);
			return;
		}
		/* A half-closed peer still gets its answers (OK, ...). */
		if (n == 0 && c->inflight > 0) {
			hub_drain(c, "closed", false);
			return;
		}
		if (n == 0)
			hub_client_flush(c);
		/* A peer that closes with unread input sends RST: closed. */
		hub_drop(c, n == 0 || errno == ECONNRESET ? "closed" :
		    "error", false);
		return;
	}
	c->last_rx = h->now;
	c->ping_sent = 0;
	(void)client_scan(h, c, have + (size_t)n);
}

/*
 * Hand the held input of c (just taken off the held list) back to the
 * scanner; if it is all handled, read its socket again, else it is
 * held again (at the back of the list).
 */
static void
resume_one(struct hub *h, struct client *c)
{
	size_t	 len = c->heldlen;

	c->paused = false;
	memcpy(h->rbuf, c->held, len);
	c->heldlen = 0;
	if (!client_scan(h, c, len) || c->fp.state != FO_OPEN)
		return;
	free(c->held);
	c->held = NULL;
	evloop_io_set(c->fp.io, evloop_io_events(c->fp.io) | EV_READ);
	if (!c->reread) {
		c->reread = true;	/* what TLS or the socket holds */
		h->nreread++;
	}
}

static void
resume_soon(void *arg)
{
	struct hub	*h = arg;

	h->resume = NULL;
	evloop_round_request();
}

/*
 * At the end of a round, the signatures of the next one: the held
 * clients go first, in turn (the one served first moves to the back),
 * then what is left goes to the reads of the next round.  While some
 * are held, another round is asked for at once: the others' input is
 * served in between.
 */
static void
resume_held(struct hub *h)
{
	struct client	*c;
	unsigned	 n;

	h->verify_left = VERIFY_ROUND;
	for (n = h->nheld; n > 0 && h->nheld > 0 && h->verify_left > 0; n--) {
		c = h->held[0];
		memmove(h->held, h->held + 1, (h->nheld - 1) * sizeof *h->held);
		h->nheld--;
		resume_one(h, c);
	}
	if (h->nheld > 0 && h->resume == NULL)
		h->resume = evloop_timer_add(0, resume_soon, h);
}

/*
 * Client c, at i in the table, has not answered its PING in time by
 * the clock; but the server itself may have been stopped (SIGSTOP, a
 * suspended VM) with the PONG waiting in the socket.  Read what is
 * waiting before judging: true if c is still silent (to be dropped),
 * or left the table while its input was handled.
 */
static bool
timed_out(struct hub *h, struct client *c, unsigned i)
{
	client_read(h, c);
	if (i >= h->nclients || h->clients[i] != c)
		return true;
	return c->ping_sent != 0;
}

/* Once a second: PING the silent, drop the unanswering, end closings. */
static void
tick(void *arg)
{
	struct hub	*h = arg;
	struct client	*c;
	unsigned	 i;
	char		 tok[PROTO_MAX_NUM], buf[PROTO_MAX_FRAME];

	h->tick = evloop_timer_add(TICK_MS, tick, h);
	h->now = hub_now_ms();
	hub_shakes_expire(h);
	for (i = 0; i < h->nclosing; i++) {
		c = h->closing[i];
		if (h->now >= c->deadline) {
			bury(c);
			i--;
		}
	}
	hub_rejects_due(h, false);
	for (i = 0; i < h->nclients; i++) {
		c = h->clients[i];
		fanout_peer_trim(&c->fp);	/* once a second, not more */
		if (c->drain != NULL) {
			if (h->now >= c->deadline) {
				hub_drain_expired(h, c);
				i--;
			}
			continue;
		}
		if (!c->joined) {
			if (h->now >= c->deadline) {
				hub_drop(c, "timeout", true);
				i--;
			}
			continue;
		}
		if (c->paused)
			c->last_rx = h->now;	/* it talks; we are slow */
		if (h->cfg.ping_interval == 0)
			continue;
		if (c->ping_sent == 0) {
			if (h->now - c->last_rx >= h->cfg.ping_interval) {
				hub_queue(c, buf, proto_encode_ping(buf, tok,
				    (size_t)(proto_put_u64(tok, h->now) -
				    tok)));
				c->ping_sent = h->now;
			}
		} else if (h->now - c->ping_sent >= h->cfg.ping_timeout) {
			if (!timed_out(h, c, i))
				continue;
			if (i < h->nclients && h->clients[i] == c)
				hub_drop(c, "timeout", true);
			i--;	/* another client is at i now */
		}
	}
}

struct hub *
hub_create(const struct hub_config *cfg, struct msglog *lg,
    const struct hub_events *ev, void *ui)
{
	static const struct hub_events none;
	struct hub	*h = xcalloc(1, sizeof *h);

	h->cfg = *cfg;
	h->log = lg;
	h->ev = ev != NULL ? ev : &none;
	h->ui = ui;
	h->next_id = 1;
	h->next_n = 1;
	h->now = hub_now_ms();
	h->rbuf = xmalloc(RBUF + PROTO_MAX_FRAME_V2);
	h->fo = fanout_create(cfg->slowlimit, &client_hooks);
	h->hist = history_create(cfg->history);
	u64map_init(&h->byid);
	h->verify_left = VERIFY_ROUND;
	hub_load_history(h);
	fanout_set_budget(h->fo, cfg->outbudget);
	msglog_set_notify(lg, hub_log_changed, h);
	evloop_set_round_hook(round_end, h);
	h->tick = evloop_timer_add(TICK_MS, tick, h);
	return h;
}

static void
listener_add(struct hub *h, int fd, struct tls_creds *tls)
{
	struct listener	*l;
	unsigned	 i;

	h->listeners = xreallocarray(h->listeners, h->nlisteners + 1,
	    sizeof *h->listeners);
	/* The array moved: the io callbacks hold pointers into it. */
	for (i = 0; i < h->nlisteners; i++)
		evloop_io_del(h->listeners[i].io);
	l = &h->listeners[h->nlisteners++];
	l->hub = h;
	l->fd = fd;
	l->tls = tls;
	for (i = 0; i < h->nlisteners; i++)
		h->listeners[i].io = evloop_io_add(h->listeners[i].fd,
		    h->pause != NULL ? 0 : EV_READ, listener_io,
		    &h->listeners[i]);
}

void
hub_listen(struct hub *h, int fd)
{
	listener_add(h, fd, NULL);
}

void
hub_listen_tls(struct hub *h, int fd, struct tls_creds *tls)
{
	listener_add(h, fd, tls);
}

bool
hub_kick(struct hub *h, uint64_t id, const char *text)
{
	struct client	*c;

	h->now = hub_now_ms();
	if ((c = hub_client_by_id(h, id)) == NULL || !c->joined)
		return false;
	if (text != NULL && !proto_away_valid(text, strlen(text)))
		text = NULL;
	hub_drop_text(c, "kicked", text, true);
	return true;
}

bool
hub_ban(struct hub *h, uint64_t id, char *err, size_t errlen)
{
	struct client	*c;

	h->now = hub_now_ms();
	if ((c = hub_client_by_id(h, id)) == NULL || !c->joined) {
		snprintf(err, errlen, "no client %llu", (unsigned long long)id);
		return false;
	}
	if (c->key[0] == '\0') {
		snprintf(err, errlen, "%s has no key to ban", c->nick);
		return false;
	}
	if (h->cfg.accounts == NULL) {
		snprintf(err, errlen, "there is no accounts file");
		return false;
	}
	if (!accounts_ban(h->cfg.accounts, c->key, err, errlen))
		return false;
	hub_drop_text(c, "kicked", "banned", true);
	return true;
}

void
hub_stats(const struct hub *h, struct hub_stats *st)
{
	*st = h->st;
	st->clients = h->njoined;
}

/*
 * Say BYE shutdown to everyone and give their sockets up to about a
 * second to take what is queued, then close them all.
 */
void
hub_shutdown(struct hub *h)
{
	char		 bye[PROTO_MAX_FRAME];
	size_t		 byelen = proto_encode_bye(bye, "shutdown");
	struct fanout_peer **pp;
	struct client	*c;
	unsigned	 i;

	while (h->nlisteners > 0) {
		h->nlisteners--;
		evloop_io_del(h->listeners[h->nlisteners].io);
		close(h->listeners[h->nlisteners].fd);
	}
	while (h->nshakes > 0)
		hub_shake_free(h->shakes[0]);
	h->now = hub_now_ms();
	hub_rejects_due(h, true);
	for (i = 0; i < h->nclients; i++)
		fanout_catch_up(h->fo, &h->clients[i]->fp);
	while (h->nclients > 0) {
		c = h->clients[0];
		unlist(h, c);
		fanout_close(h->fo, &c->fp, false);
		c->idx = h->nclosing;
		push(&h->closing, &h->nclosing, &h->capclosing, c);
		/* Nothing queued is thrown away here: BYE goes last. */
		fanout_append(h->fo, &c->fp, bye, byelen);
	}
	pp = xcalloc(h->nclosing == 0 ? 1 : h->nclosing, sizeof *pp);
	for (i = 0; i < h->nclosing; i++)
		pp[i] = &h->closing[i]->fp;
	fanout_drain(pp, h->nclosing, 1000);
	free(pp);
	while (h->nclosing > 0) {
		c = h->closing[0];
		conn_shutdown(c->fp.conn);
		bury(c);
	}
	round_end(h);
}

void
hub_free(struct hub *h)
{
	struct client	*c;

	if (h == NULL)
		return;
	hub_shutdown(h);
	while ((c = h->dead) != NULL) {
		h->dead = c->next_dead;
		client_free(c);
	}
	fanout_free(h->fo);
	history_free(h->hist);
	u64map_free(&h->byid);
	free(h->held);
	evloop_timer_del(h->resume);
	evloop_timer_del(h->tick);
	evloop_timer_del(h->pause);
	free(h->clients);
	free(h->closing);
	free(h->listeners);
	free(h->shakes);
	free(h->rbuf);
	free(h->pend);
	free(h->start_peer);
	free(h->start_detail);
	msglog_set_notify(h->log, NULL, NULL);
	free(h);
}
