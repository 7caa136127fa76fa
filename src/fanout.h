/*
 * fanout.h -- the server's output engine: the round buffer (frames
 * broadcast during one event round, kept once for everybody and sent
 * to each peer with one writev at the end of the round), per-peer
 * output queues with a hard cap, reaping the peers that stay over it.
 * Peers speak version 1 or 2 of the protocol: a broadcast may be for
 * one version only, and relays are encoded once per version some peer
 * speaks.  It encodes only relays and knows nothing of the client
 * table: the hub owns the
 * peers and their lifecycle, and is called back through hooks.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_FANOUT_H
#define XCHAT_FANOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "history.h"
#include "netio.h"

struct conn;
struct ev_io;
struct fanout;

/* Where a peer is in its life, as far as output goes. */
enum fanout_state {
	FO_OPEN,		/* takes broadcasts; output is capped */
	FO_CLOSING,		/* writing its last frames, then closed */
	FO_DEAD			/* socket closed: nothing more is written */
};

/*
 * One peer's output state, embedded in the owner's struct (the hub's
 * client).  The owner sets io and (with fanout_close() or on closing
 * the connection) state; the rest is the fan-out's.  Initialise it
 * with fanout_peer_init().
 */
struct fanout_peer {
	struct fanout	*fo;		/* the fan-out it belongs to */
	struct conn	*conn;
	struct ev_io	*io;
	void		*owner;		/* passed to the hooks */
	uint64_t	 id;		/* left out of its own broadcasts */
	unsigned	 vbit;		/* 1 << its protocol version */
	enum fanout_state state;
	struct outbuf	 out;		/* what its socket did not take */
	size_t		 allow;		/* rest of the welcome burst */
	size_t		 rpos;		/* round bytes already in out */
	bool		 dirty;		/* on the dirty list */
	bool		 slow;		/* on the slow list */
	bool		 doomed;	/* far over its cap: queue no more */
	bool		 werr;		/* a write failed: drop it */
	bool		 werr_gone;	/* ... because the peer closed */
	bool		 partial;	/* a frame is half sent */
	size_t		 counted;	/* out.len as the budget counts it */
	unsigned	 pidx;		/* in the fan-out's list of peers */
};

/*
 * What the fan-out asks of the owner at the end of a round: flush a
 * peer with output queued (the owner calls fanout_flush() and handles
 * the result), and drop a peer (reason "slow", "closed" or "error";
 * bye: whether it may be told BYE).
 */
struct fanout_hooks {
	void	(*flush)(void *owner);
	void	(*drop)(void *owner, const char *reason, bool bye);
};

/*
 * Create a fan-out whose peers may have slowlimit bytes unsent (plus
 * their welcome).  Never fails (xmalloc); free with fanout_free(),
 * which frees the round and the lists, not the peers.
 */
struct fanout *fanout_create(size_t slowlimit, const struct fanout_hooks *);
void	fanout_free(struct fanout *);

/*
 * The global output budget: the unsent output of all open peers
 * together, counted as the cap counts it (without what is left of a
 * peer's welcome), may be at most budget bytes; 0 (the default) sets
 * no budget.  Whenever a queue grows past it, the open peer with the
 * most unsent output loses its queue at once, takes no more output and
 * is dropped "slow" (with BYE if the frame boundary allows) at the end
 * of the round; then the next largest, until the total is within the
 * budget.  The queues of closing peers are not counted: they are
 * bounded in time.
 */
void	fanout_set_budget(struct fanout *, size_t budget);
/* The unsent output of all open peers together, as the budget counts. */
size_t	fanout_total(const struct fanout *);

/*
 * Set up p for a new connection (conn, which the owner closes) with
 * the given id and owner (given to the hooks), state FO_OPEN.
 * Broadcasts made earlier in this round are not sent to it; until
 * fanout_welcome_done() its output is not capped.
 */
void	fanout_peer_init(struct fanout *, struct fanout_peer *,
	    struct conn *, uint64_t id, void *owner);
/*
 * p speaks version (PROTO_V1, the default, or PROTO_V2) from now on;
 * with 0 it takes no broadcast (a v2 client before its HELLO).
 */
void	fanout_peer_version(struct fanout_peer *, int version);
/* The welcome is queued: from now on it counts against the cap. */
void	fanout_welcome_done(struct fanout_peer *);
/* Broadcasts made so far this round are not p's (its own JOIN). */
void	fanout_skip_round(struct fanout *, struct fanout_peer *);
/* True while the fan-out still holds p (do not free it yet). */
bool	fanout_peer_busy(const struct fanout_peer *);
/*
 * Free p's queue memory and take it off the fan-out's list (call it
 * before freeing the struct, and before fanout_free()); an empty
 * queue that grew gives its memory back with fanout_peer_trim().
 */
void	fanout_peer_free(struct fanout_peer *);
void	fanout_peer_trim(struct fanout_peer *);

/*
 * Queue a frame for p alone, after the broadcasts it has not had yet
 * (so order is kept).  Past its cap the queue is written at once; a
 * peer still over it is dropped "slow" at the end of the round, and
 * past twice the cap nothing more is queued for it.
 */
void	fanout_queue(struct fanout *, struct fanout_peer *, const void *,
	    size_t);

/*
 * Broadcast a frame to every open peer but the one with id except
 * (0: none); nopen is how many open peers there are.  The bytes are
 * copied once into the round buffer.
 */
void	fanout_broadcast(struct fanout *, unsigned nopen, uint64_t except,
	    const void *, size_t);
/* The same, for the peers that speak version only (0: every peer). */
void	fanout_broadcast_v(struct fanout *, unsigned nopen, uint64_t except,
	    int version, const void *, size_t);

/* Copy the round's broadcasts p has not had into its own queue. */
void	fanout_catch_up(struct fanout *, struct fanout_peer *);

/*
 * Write what p has queued and set its event mask (EV_READ while open,
 * EV_WRITE while output is left, and what conn_wants() asks).  Return
 * the bytes left, or -1 with errno if the write failed.
 */
ssize_t	fanout_flush(struct fanout_peer *);

/*
 * The peer is leaving: with slow, its queue is thrown away.  Return
 * true if a last frame (BYE) may be queued with fanout_append(): not
 * after a half-sent frame, which would garble it.  Its state becomes
 * FO_CLOSING if so; the owner closes it otherwise.
 */
bool	fanout_close(struct fanout *, struct fanout_peer *, bool slow);

/*
 * Doom an open peer that would go over its cap by other means (the
 * hub's held answers): nothing more is queued for it, and it is
 * dropped as slow (BYE slow) at the end of the round.
 */
void	fanout_doom(struct fanout *, struct fanout_peer *);

/* Queue bytes for a closing peer, with no cap. */
void	fanout_append(struct fanout *, struct fanout_peer *, const void *,
	    size_t);

/*
 * The end of an event round.  If fanout_round_pending(), call
 * fanout_round_send() for every open peer (each is sent the round in
 * one writev, or has it copied into its queue) and then
 * fanout_round_clear(); then fanout_round_end() flushes the peers with
 * output queued and drops (through the hooks) those over their cap.
 */
bool	fanout_round_pending(const struct fanout *);
void	fanout_round_send(struct fanout *, struct fanout_peer *);
void	fanout_round_clear(struct fanout *);
void	fanout_round_end(struct fanout *);
/* True if a peer is waiting to be reaped (ask for a round end). */
bool	fanout_reap_pending(const struct fanout *);

/*
 * Relays: fanout_relay_add() encodes an accepted message's relay in
 * the current batch, in version 1 and (if a peer speaks it) version
 * 2; fanout_relay_send() broadcasts the batch (one segment of the
 * round per version) to all open peers but except, and empties it.
 */
void	fanout_relay_add(struct fanout *, const struct hist_msg *);
void	fanout_relay_send(struct fanout *, unsigned nopen, uint64_t except);

/*
 * At shutdown: write the queues of the n closing peers pp[], waiting
 * in poll() up to about ms milliseconds for slow sockets (the only
 * place that blocks).  Peers that fail or stay full are left as they
 * are: the caller closes them all.
 */
void	fanout_drain(struct fanout_peer **pp, unsigned n, unsigned long ms);

#endif
