/*
 * fanout.c -- the server's output engine.  Frames broadcast during an
 * event round are kept once, in the round buffer, as segments each
 * tagged with the peer left out of it.  At the end of the round every
 * peer with nothing of its own queued is sent the round straight from
 * there, with one writev (conn_writev) covering the segments it is in;
 * only what its socket does not take is copied into its own queue.  A
 * frame for one peer first copies the broadcasts it has not had yet
 * into its queue (catch-up), so that its frames keep their order.
 * Queues are capped: a peer over slowLimit after the round's writes
 * is dropped "slow", and past twice the cap nothing more is queued.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "fanout.h"
#include "netio.h"
#include "protocol.h"
#include "transport.h"
#include "xmalloc.h"

#define ROUND_IOV	64		/* segments per writev */

struct rseg {
	size_t		 start;
	size_t		 end;
	uint64_t	 except;	/* peer id left out, or 0 */
	unsigned	 vmask;		/* the versions that get it */
};

#define VBIT(v)		(1u << (v))
#define VALL		(VBIT(PROTO_V1) | VBIT(PROTO_V2))

/* Does peer p get segment g? */
#define GETS(p, g)	((g)->except != (p)->id && ((g)->vmask & (p)->vbit))

struct fanout {
	size_t			 slowlimit;
	size_t			 budget;	/* all queues; 0: none */
	size_t			 total;		/* unsent bytes of open peers */
	struct fanout_peer	**peers;	/* every peer not yet freed */
	unsigned		 npeers;
	unsigned		 cappeers;
	const struct fanout_hooks *hooks;

	unsigned		 nv2;		/* peers speaking version 2 */

	char			*round;		/* this round's broadcasts */
	size_t			 roundlen;
	size_t			 roundcap;
	struct rseg		*rsegs;
	unsigned		 nrsegs;
	unsigned		 caprsegs;

	char			*bc;		/* relays of this batch, v1 */
	size_t			 bclen;
	size_t			 bccap;
	char			*bc2;		/* and in version 2 */
	size_t			 bc2len;
	size_t			 bc2cap;

	struct fanout_peer	**dirty;	/* output queued this round */
	unsigned		 ndirty;
	unsigned		 capdirty;
	struct fanout_peer	**slowq;	/* over the output cap */
	unsigned		 nslow;
	unsigned		 capslow;
};

/* Create a fan-out (see fanout.h). */
struct fanout *
fanout_create(size_t slowlimit, const struct fanout_hooks *hooks)
{
	struct fanout	*f = xcalloc(1, sizeof *f);

	f->slowlimit = slowlimit;
	f->hooks = hooks;
	return f;
}

/* Free the fan-out; its peers belong to the owner. */
void
fanout_free(struct fanout *f)
{
	if (f == NULL)
		return;
	free(f->bc);
	free(f->bc2);
	free(f->round);
	free(f->rsegs);
	free(f->dirty);
	free(f->slowq);
	free(f->peers);
	free(f);
}

/* Set the global output budget (see fanout.h). */
void
fanout_set_budget(struct fanout *f, size_t budget)
{
	f->budget = budget;
}

/* The unsent output of all peers together. */
size_t
fanout_total(const struct fanout *f)
{
	return f->total;
}

static void	mark_slow(struct fanout *, struct fanout_peer *);

/*
 * Throw p's queue away, but for the head its transport took without
 * counting it (conn_held: a TLS record on its way, which the transport
 * needs given again and which will reach the peer whatever happens);
 * then partial says how that head ends.
 */
static void
queue_drop(struct fanout_peer *p)
{
	size_t	 held = conn_held(p->conn);
	char	*head;

	if (held == 0 || held > p->out.len) {
		outbuf_free(&p->out);
		return;
	}
	head = xmalloc(held);
	memcpy(head, p->out.buf + p->out.off, held);
	outbuf_free(&p->out);
	outbuf_append(&p->out, head, held);
	p->partial = head[held - 1] != '\n';
	free(head);
}

/* Is the total over the budget? */
static bool
over_budget(const struct fanout *f)
{
	return f->budget > 0 && f->total > f->budget;
}

/* The open peer with the most unsent output counted, or NULL. */
static struct fanout_peer *
largest(const struct fanout *f)
{
	struct fanout_peer *p, *big = NULL;
	unsigned	 i;

	for (i = 0; i < f->npeers; i++) {
		p = f->peers[i];
		if (p->state == FO_OPEN && !p->doomed && p->counted > 0 &&
		    (big == NULL || p->counted > big->counted))
			big = p;
	}
	return big;
}

/*
 * After p's queue or state changed: count the change in the total.
 * What counts is what the cap counts: the unsent output of an open
 * peer beyond what is left of its welcome (a closing peer's queue is
 * bounded in time).  Over the budget, the open peers with the most
 * counted lose their queues and are doomed (dropped "slow" at the end
 * of the round), largest first, until the total is within it: one scan
 * of the peers per peer dropped.
 */
static void
account(struct fanout_peer *p)
{
	struct fanout	*f = p->fo;
	struct fanout_peer *big;
	size_t		 now = 0;

	if (p->state == FO_OPEN && p->out.len > p->allow)
		now = p->out.len - p->allow;
	if (p->counted == now)
		return;
	f->total = f->total - p->counted + now;
	p->counted = now;
	while (over_budget(f) && (big = largest(f)) != NULL) {
		big->doomed = true;
		queue_drop(big);
		f->total -= big->counted;
		big->counted = 0;
		mark_slow(f, big);
		evloop_round_request();
	}
}

/* Append a peer pointer to one of the fan-out's lists. */
static void
peer_push(struct fanout_peer ***arr, unsigned *n, unsigned *cap,
    struct fanout_peer *p)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		*arr = xreallocarray(*arr, *cap, sizeof **arr);
	}
	(*arr)[(*n)++] = p;
}

static void
mark_dirty(struct fanout *f, struct fanout_peer *p)
{
	if (p->dirty || p->state == FO_DEAD)
		return;
	p->dirty = true;
	peer_push(&f->dirty, &f->ndirty, &f->capdirty, p);
	evloop_round_request();
}

static void
mark_slow(struct fanout *f, struct fanout_peer *p)
{
	if (p->slow)
		return;
	p->slow = true;
	peer_push(&f->slowq, &f->nslow, &f->capslow, p);
}

/* Set up a peer for a new connection (see fanout.h). */
void
fanout_peer_init(struct fanout *f, struct fanout_peer *p, struct conn *cn,
    uint64_t id, void *owner)
{
	memset(p, 0, sizeof *p);
	p->fo = f;
	p->pidx = f->npeers;
	peer_push(&f->peers, &f->npeers, &f->cappeers, p);
	p->conn = cn;
	p->owner = owner;
	p->id = id;
	p->state = FO_OPEN;
	p->vbit = VBIT(PROTO_V1);
	p->rpos = f->roundlen;		/* earlier broadcasts are not its */
	p->allow = SIZE_MAX / 4;	/* the welcome is never "slow" */
}

/* The peer speaks version (PROTO_V1 or PROTO_V2; 0: none) from now on. */
void
fanout_peer_version(struct fanout_peer *p, int version)
{
	if (p->vbit == VBIT(PROTO_V2))
		p->fo->nv2--;
	p->vbit = version == 0 ? 0 : VBIT(version);
	if (version == PROTO_V2)
		p->fo->nv2++;
}

/* The welcome is queued: what is left of it is its burst allowance. */
void
fanout_welcome_done(struct fanout_peer *p)
{
	p->allow = p->out.len;
	account(p);
}

/* This round's broadcasts so far are not p's. */
void
fanout_skip_round(struct fanout *f, struct fanout_peer *p)
{
	p->rpos = f->roundlen;
}

/* Is p still on a list of the fan-out's? */
bool
fanout_peer_busy(const struct fanout_peer *p)
{
	return p->dirty;
}

/* Free p's queue. */
void
fanout_peer_free(struct fanout_peer *p)
{
	struct fanout	*f = p->fo;

	outbuf_free(&p->out);
	if (f == NULL)
		return;			/* never set up */
	p->state = FO_DEAD;
	account(p);
	if (p->vbit == VBIT(PROTO_V2))
		f->nv2--;
	p->vbit = 0;
	if (p->pidx < f->npeers && f->peers[p->pidx] == p) {
		f->peers[p->pidx] = f->peers[--f->npeers];
		f->peers[p->pidx]->pidx = p->pidx;
	}
	p->pidx = UINT_MAX;
}

/* Give back the memory of p's queue if it is empty and grew. */
void
fanout_peer_trim(struct fanout_peer *p)
{
	outbuf_trim(&p->out);
}

/* Did a socket error mean only that the peer went away? */
static bool
peer_gone(int err)
{
	return err == EPIPE || err == ECONNRESET;
}

/* A peer's cap: slowLimit, plus what is left of its welcome burst. */
static size_t
cap_of(const struct fanout *f, const struct fanout_peer *p)
{
	return f->slowlimit + p->allow;
}

/* Is p waiting for its socket to take more (write mask set)? */
static bool
waiting(const struct fanout_peer *p)
{
	return p->io != NULL && (evloop_io_events(p->io) & EV_WRITE);
}

/*
 * After a write of p's queue, which held len bytes from off: does the
 * last byte written end a frame?  (From that byte: a queue may have
 * been cut short, queue_drop.)  What is left of the burst?
 */
static void
note_sent(struct fanout_peer *p, size_t off, size_t len)
{
	if (p->out.len < len)
		p->partial = p->out.buf[off + len - p->out.len - 1] != '\n';
	if (p->allow > p->out.len)
		p->allow = p->out.len;
}

/*
 * Queue bytes for one peer.  Output is written at the end of the
 * round; but a peer whose queue goes over its cap is written to at
 * once, and only if that does not bring it back under the cap is it a
 * candidate for BYE slow (decided at the end of the round, after one
 * more try).  Past twice the cap nothing more is queued for it: it is
 * going to be dropped, and memory stays bounded whatever it does.
 */
void
fanout_queue(struct fanout *f, struct fanout_peer *p, const void *data,
    size_t len)
{
	size_t	 off, qlen;

	if (p->state == FO_DEAD || p->doomed)
		return;
	fanout_catch_up(f, p);
	outbuf_append(&p->out, data, len);
	account(p);
	mark_dirty(f, p);
	if (p->out.len <= cap_of(f, p) || p->state != FO_OPEN)
		return;
	if (!p->werr && p->io != NULL && !waiting(p)) {
		off = p->out.off;
		qlen = p->out.len;
		if (outbuf_flush(&p->out, p->conn) < 0) {
			p->werr = true;
			p->werr_gone = peer_gone(errno);
		} else
			note_sent(p, off, qlen);
		account(p);
	}
	if (p->out.len <= cap_of(f, p) && !p->werr)
		return;
	if (p->out.len > 2 * cap_of(f, p) || p->werr)
		p->doomed = true;
	if (!p->slow) {
		mark_slow(f, p);
		evloop_round_request();
	}
}

/* Mark p doomed: dropped as slow at the end of the round. */
void
fanout_doom(struct fanout *f, struct fanout_peer *p)
{
	p->doomed = true;
	if (!p->slow) {
		mark_slow(f, p);
		evloop_round_request();
	}
}

/* Queue bytes for a closing peer, past any cap. */
void
fanout_append(struct fanout *f, struct fanout_peer *p, const void *data,
    size_t len)
{
	outbuf_append(&p->out, data, len);
	account(p);
	mark_dirty(f, p);
}

/* Add bytes to the round buffer, as a segment all but except get. */
void
fanout_broadcast(struct fanout *f, unsigned nopen, uint64_t except,
    const void *data, size_t len)
{
	fanout_broadcast_v(f, nopen, except, 0, data, len);
}

/* The same, for the peers of one version only (0: all). */
void
fanout_broadcast_v(struct fanout *f, unsigned nopen, uint64_t except,
    int version, const void *data, size_t len)
{
	unsigned	 mask = version == 0 ? VALL : VBIT(version);

	struct rseg	*g;

	if (nopen == 0 || (nopen == 1 && except != 0))
		return;
	if (f->roundlen + len > f->roundcap) {
		f->roundcap = f->roundcap == 0 ? 65536 : f->roundcap;
		while (f->roundlen + len > f->roundcap)
			f->roundcap *= 2;
		f->round = xrealloc(f->round, f->roundcap);
	}
	memcpy(f->round + f->roundlen, data, len);
	g = f->nrsegs > 0 ? &f->rsegs[f->nrsegs - 1] : NULL;
	if (g != NULL && g->except == except && g->vmask == mask &&
	    g->end == f->roundlen)
		g->end += len;
	else {
		if (f->nrsegs == f->caprsegs) {
			f->caprsegs = f->caprsegs == 0 ? 64 : f->caprsegs * 2;
			f->rsegs = xreallocarray(f->rsegs, f->caprsegs,
			    sizeof *f->rsegs);
		}
		g = &f->rsegs[f->nrsegs++];
		g->start = f->roundlen;
		g->end = f->roundlen + len;
		g->except = except;
		g->vmask = mask;
	}
	f->roundlen += len;
	evloop_round_request();
}

/*
 * Copy the round's broadcasts this peer has not got yet into its own
 * queue: done before anything is queued for it alone, so that its
 * frames keep their order.
 */
void
fanout_catch_up(struct fanout *f, struct fanout_peer *p)
{
	struct rseg	*g;
	unsigned	 i;
	size_t		 from;

	if (p->rpos >= f->roundlen || p->state != FO_OPEN)
		return;
	for (i = 0; i < f->nrsegs; i++) {
		g = &f->rsegs[i];
		if (g->end <= p->rpos || !GETS(p, g))
			continue;
		from = g->start > p->rpos ? g->start : p->rpos;
		if (!p->doomed)
			outbuf_append(&p->out, f->round + from, g->end - from);
	}
	account(p);
	p->rpos = f->roundlen;
	mark_dirty(f, p);
}

/* Advance rpos past the sent bytes of iov[0..n), segment by segment. */
static void
advance_rpos(struct fanout *f, struct fanout_peer *p,
    const struct iovec *iov, unsigned n, size_t sent)
{
	unsigned	 k;
	size_t		 l;

	for (k = 0; k < n && sent > 0; k++) {
		l = iov[k].iov_len < sent ? iov[k].iov_len : sent;
		p->rpos = (size_t)((char *)iov[k].iov_base - f->round) + l;
		sent -= l;
		if (l > 0)
			p->partial = ((char *)iov[k].iov_base)[l - 1] != '\n';
	}
}

/*
 * End of round, for a peer with nothing of its own queued: send the
 * round's broadcasts straight from the shared buffer with one writev
 * and keep only what the socket did not take.
 */
static void
send_round(struct fanout *f, struct fanout_peer *p)
{
	struct iovec	 iov[ROUND_IOV];
	struct rseg	*g;
	unsigned	 i, n;
	size_t		 from, want;
	ssize_t		 r;

	while (p->rpos < f->roundlen && p->out.len == 0) {
		n = 0;
		want = 0;
		for (i = 0; i < f->nrsegs && n < ROUND_IOV; i++) {
			g = &f->rsegs[i];
			if (g->end <= p->rpos || !GETS(p, g))
				continue;
			from = g->start > p->rpos ? g->start : p->rpos;
			iov[n].iov_base = f->round + from;
			iov[n].iov_len = g->end - from;
			want += iov[n].iov_len;
			n++;
		}
		if (n == 0) {
			p->rpos = f->roundlen;
			return;
		}
		r = conn_writev(p->conn, iov, (int)n);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				p->werr = true;
				p->werr_gone = peer_gone(errno);
				return;
			}
			r = 0;
		}
		advance_rpos(f, p, iov, n, (size_t)r);
		if ((size_t)r < want) {
			/* The socket is full: keep the rest, wait for it. */
			fanout_catch_up(f, p);
			return;
		}
		if (n < ROUND_IOV)
			p->rpos = f->roundlen;
	}
}

/* Is there a round to send? */
bool
fanout_round_pending(const struct fanout *f)
{
	return f->roundlen > 0;
}

/* Send one open peer the round, or queue it (see fanout.h). */
void
fanout_round_send(struct fanout *f, struct fanout_peer *p)
{
	if (p->werr || p->doomed)
		;
	else if (p->out.len == 0 && !waiting(p))
		send_round(f, p);
	else
		fanout_catch_up(f, p);
	p->rpos = 0;
	if (p->werr || p->out.len > cap_of(f, p))
		mark_slow(f, p);
}

/* Forget the round's broadcasts: every open peer has them. */
void
fanout_round_clear(struct fanout *f)
{
	f->roundlen = 0;
	f->nrsegs = 0;
}

/*
 * Drop the peers still over their output cap after the round's
 * writes, and those whose socket failed.
 */
static void
reap_slow(struct fanout *f)
{
	struct fanout_peer *p;
	unsigned	 i;

	for (i = 0; i < f->nslow; i++) {
		p = f->slowq[i];
		p->slow = false;
		if (p->state != FO_OPEN)
			continue;
		if (p->werr)
			f->hooks->drop(p->owner, p->werr_gone ? "closed" :
			    "error", false);
		else if (p->doomed || p->out.len > cap_of(f, p))
			f->hooks->drop(p->owner, "slow", true);
	}
	f->nslow = 0;
}

/* Flush the peers with output queued this round; reap the slow. */
void
fanout_round_end(struct fanout *f)
{
	struct fanout_peer *p;
	unsigned	 i;

	for (i = 0; i < f->ndirty; i++) {
		p = f->dirty[i];
		p->dirty = false;
		if (p->state == FO_DEAD || p->werr || waiting(p))
			continue;
		f->hooks->flush(p->owner);
	}
	f->ndirty = 0;
	reap_slow(f);
}

/* Is a peer waiting to be reaped? */
bool
fanout_reap_pending(const struct fanout *f)
{
	return f->nslow > 0;
}

/* Write p's queue; set its event mask (see fanout.h). */
ssize_t
fanout_flush(struct fanout_peer *p)
{
	ssize_t	 left;
	size_t	 off = p->out.off, len = p->out.len;
	int	 want;

	if (p->state == FO_DEAD)
		return 0;
	left = outbuf_flush(&p->out, p->conn);
	if (left < 0) {
		account(p);
		return -1;
	}
	note_sent(p, off, len);
	account(p);
	if (p->io == NULL || (p->state == FO_CLOSING && left == 0))
		return left;
	want = (evloop_io_events(p->io) & EV_READ) | (left > 0 ? EV_WRITE : 0) |
	    conn_wants(p->conn);
	if (want != evloop_io_events(p->io))
		evloop_io_set(p->io, want);
	return left;
}

/* A peer leaves: may it be told BYE? (see fanout.h) */
bool
fanout_close(struct fanout *f, struct fanout_peer *p, bool slow)
{
	(void)f;
	if (slow) {
		queue_drop(p);
		account(p);
		if (p->partial)
			return false;
	}
	p->state = FO_CLOSING;
	account(p);
	if (p->io != NULL)
		evloop_io_set(p->io, conn_wants(p->conn));
	return true;
}

/* Room for one more relay of at most PROTO_MAX_FRAME_V2 + 64 bytes. */
static char *
batch_room(char **buf, size_t *len, size_t *cap)
{
	size_t	 need = *len + PROTO_MAX_FRAME_V2 + 64;

	if (need > *cap) {
		*cap = need * 2;
		*buf = xrealloc(*buf, *cap);
	}
	return *buf + *len;
}

/* Encode a relay into the batch of each version some peer speaks. */
void
fanout_relay_add(struct fanout *f, const struct hist_msg *m)
{
	char	*q;

	q = batch_room(&f->bc, &f->bclen, &f->bccap);
	f->bclen += proto_encode_relay_v(q, PROTO_V1, PV_MSG, m->n, m->time,
	    m->id, m->nick, m->nicklen, m->md5, NULL, m->text, m->textlen);
	if (f->nv2 == 0)
		return;
	q = batch_room(&f->bc2, &f->bc2len, &f->bc2cap);
	f->bc2len += proto_encode_relay_v(q, PROTO_V2, PV_MSG, m->n, m->time,
	    m->id, m->nick, m->nicklen, m->md5, m->sig != NULL ? m->sig : "-",
	    m->text, m->textlen);
}

/* Broadcast the batches to all open peers but except; empty them. */
void
fanout_relay_send(struct fanout *f, unsigned nopen, uint64_t except)
{
	if (f->bclen > 0)
		fanout_broadcast_v(f, nopen, except, PROTO_V1, f->bc,
		    f->bclen);
	if (f->bc2len > 0)
		fanout_broadcast_v(f, nopen, except, PROTO_V2, f->bc2,
		    f->bc2len);
	f->bclen = 0;
	f->bc2len = 0;
}

/*
 * Write the queues of n closing peers, waiting in poll() up to about
 * ms milliseconds for sockets that do not take everything at once.
 */
void
fanout_drain(struct fanout_peer **pp, unsigned n, unsigned long ms)
{
	struct pollfd	*pf;
	struct timespec	 ts;
	unsigned	 i, left;
	uint64_t	 now, end;

	pf = xcalloc(n == 0 ? 1 : n, sizeof *pf);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + ms;
	for (;;) {
		left = 0;
		for (i = 0; i < n; i++) {
			pf[i].fd = -1;
			if (fanout_flush(pp[i]) > 0) {
				pf[i].fd = conn_fd(pp[i]->conn);
				pf[i].events = POLLOUT;
				left++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000 +
		    (uint64_t)ts.tv_nsec / 1000000;
		if (left == 0 || now >= end)
			break;
		poll(pf, n, 50);
	}
	free(pf);
}
