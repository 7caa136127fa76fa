/*
 * hub_int.h -- the server core's own state, shared by hub.c (the
 * client table, accepting, the TLS handshake, each client's lifecycle,
 * keepalive), hubjoin.c (a client coming in), hubmsg.c (what clients
 * send: the dispatch of frames, flood control, nicks, messages
 * checked, logged, answered and relayed, rejections within a budget)
 * and hubdm.c (private messages delivered, away).  Private to those
 * files; everything else uses hub.h.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_HUB_INT_H
#define XCHAT_HUB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "fanout.h"
#include "history.h"
#include "hub.h"
#include "keys.h"
#include "msglog.h"
#include "netio.h"
#include "protocol.h"
#include "u64map.h"

#define RBUF		(256 * 1024)	/* bytes read per wakeup */
#define ACCEPT_MAX	64		/* connections accepted per wakeup */
#define CLOSE_GRACE	2000		/* ms to flush a closing client */
#define TICK_MS		1000
#define EMFILE_PAUSE	250		/* ms without accept() after EMFILE */
#define REJ_WINDOW	1000		/* ms: a rejection record per client */
#define REJ_CODES	6		/* kinds of rejection counted apart */
#define HELLO_MS	10000		/* v2: HELLO within this of the
					   handshake, or BYE timeout */
/*
 * Signatures verified per event round (about 80 us each): a signed
 * flood beyond what one core verifies makes the senders wait (their
 * input is held and their sockets not read), never the loop.
 */
#define VERIFY_ROUND	48

/*
 * A client's rejections counted since its last rejection record: what
 * a client can make the log grow by is bounded by time, not by how
 * fast it sends (see reject_log()).
 */
struct rejsum {
	uint64_t	 count;
	uint64_t	 bytes;		/* of their texts */
	struct msglog_count codes[REJ_CODES];
};

/* A listening socket; tls NULL for plain TCP. */
struct listener {
	struct hub	*hub;
	int		 fd;
	struct ev_io	*io;
	struct tls_creds *tls;		/* not owned */
};

/* A TLS connection whose handshake is not done yet: not a client. */
struct shake {
	struct hub	*hub;
	struct conn	*conn;
	struct ev_io	*io;
	uint64_t	 since;		/* ms */
	unsigned	 idx;		/* in hub->shakes */
};

struct answer;

struct client {
	struct fanout_peer fp;		/* conn, io, state, output queue */
	struct hub	*hub;
	uint64_t	 id;
	unsigned	 idx;		/* in hub->clients or hub->closing */
	char		 nick[PROTO_MAX_NICK + 1];
	size_t		 nicklen;
	uint64_t	 keyhash;	/* nick_hash of the nick's key */
	char		 peer[NETIO_ADDRSTRLEN];
	struct proto_lineq in;
	double		 tokens;	/* flood bucket */
	double		 strikes;	/* flood NAKs beyond the bucket */
	uint64_t	 tok_ms;
	uint64_t	 last_rx;	/* ms */
	uint64_t	 ping_sent;	/* ms; 0: no PING outstanding */
	uint64_t	 deadline;	/* ms; closing clients, and v2
					   clients until they say HELLO */
	uint64_t	 msgs;
	uint64_t	 dms;		/* private messages accepted */
	char		*away;		/* its away text, or NULL: here */
	bool		 tls;		/* over TLS */
	int		 version;	/* PROTO_V1, PROTO_V2 */
	bool		 joined;	/* welcomed (v2: once it said HELLO) */
	struct keys_pub	*pub;		/* its certificate's key (v2) or NULL */
	char		 key[KEYS_FP_LEN];	/* its fingerprint, or "" */
	char		*spki;		/* its public key, base64, or NULL */
	char		*held;		/* input read, not handled yet */
	size_t		 heldlen;
	bool		 paused;	/* held: its socket is not read */
	bool		 reread;	/* TLS holds input: read again */
	uint64_t	 rej_next;	/* ms: no rejection record before */
	struct rejsum	 rej;		/* rejections not recorded yet */
	unsigned	 inflight;	/* MSG/DM with the cluster store,
					   not answered yet */
	uint64_t	 submitted;	/* and all it ever sent the store */
	struct answer	*ans;		/* answers held behind those in
					   flight, oldest first */
	struct answer	*ans_last;
	size_t		 ansbytes;	/* their memory */
	const char	*drain;		/* left (QUIT, a half-close) with
					   some in flight: the reason */
	bool		 drain_bye;	/* and whether BYE follows */
	bool		 nick_asked;	/* cluster: its start nick asked for */
	bool		 welcoming;	/* and the answer not there yet: its
					   input after HELLO is parked */
	struct client	*next_dead;
};

/*
 * A MSG or DM of the current read, waiting for the log write: accepted
 * (code NULL) or rejected (code set).  Answers go out in the order of
 * the frames once the batch is written.
 */
struct pending {
	const char	*code;
	size_t		 rec;		/* index in the log batch */
	uint64_t	 n;
	uint64_t	 to;		/* a DM's recipient; 0: a MSG */
	char		 seq[PROTO_MAX_SEQ + 1];
	char		 md5[DIGEST_MD5_HEX + 1];
	char		 sig[PROTO_SIG_B64 + 1];	/* "": unsigned */
	const char	*text;
	size_t		 textlen;
};

struct hub {
	struct hub_config cfg;
	struct cluster	*cl;		/* a member of one, or NULL */
	struct msglog	*log;
	const struct hub_events *ev;
	void		*ui;

	struct listener	*listeners;	/* plain and TLS */
	unsigned	 nlisteners;
	struct ev_timer	*pause;
	struct shake	**shakes;	/* TLS handshakes in progress */
	unsigned	 nshakes;
	unsigned	 capshakes;

	struct client	**clients;	/* open clients */
	unsigned	 nclients;
	unsigned	 capclients;
	struct client	**closing;	/* flushing their last frames */
	unsigned	 nclosing;
	unsigned	 capclosing;
	struct client	*dead;		/* to free at the end of the round */
	unsigned	 nreread;	/* clients with reread set */
	unsigned	 njoined;	/* clients welcomed */
	struct u64map	 byid;		/* id -> struct client * (open) */
	struct history	*hist;
	struct client	**held;		/* paused, their input held */
	unsigned	 nheld;
	unsigned	 capheld;
	unsigned	 verify_left;	/* signatures this round may check */
	struct ev_timer	*resume;	/* a round soon for the held */

	uint64_t	 next_id;
	uint64_t	 next_n;
	uint64_t	 now;		/* ms, monotonic */
	struct ev_timer	*tick;

	char		*rbuf;		/* RBUF + PROTO_MAX_FRAME */

	struct fanout	*fo;		/* output: round, queues, cap */
	struct pending	*pend;
	size_t		 npend;
	size_t		 cappend;
	struct client	*pend_from;

	bool		 log_failing;
	char		*start_peer;	/* start record not written yet */
	char		*start_detail;	/* and the rest of its text */
	uint64_t	 emfile_warned;	/* ms */
	struct hub_stats st;
};

/* hub.c */
/* The open client with this id, or NULL. */
struct client *hub_client_by_id(struct hub *h, uint64_t id);
/*
 * Welcome client c (v1 at once, v2 after HELLO <after>): WELCOME, the
 * others, the history it is owed, READY; JOIN to the others.  Or BYE
 * denied / kicked banned if it may not come in.
 */
void	 hub_welcome(struct hub *h, struct client *c, uint64_t after);
/* Milliseconds of a monotonic clock. */
uint64_t hub_now_ms(void);
/* What the window is told about client c. */
void	 hub_info_of(const struct client *c, struct hub_client_info *ci);
/* Queue a frame for one client (capped, in order). */
void	 hub_queue(struct client *c, const char *data, size_t len);
/*
 * Queue the answer to a frame of c's (ERR, PONG, KEY, a NAK it gets
 * at once): in a cluster, while messages c sent before that frame are
 * in flight to the store, it is held (a copy) and queued right after
 * the last of their answers, so that c gets its answers in the order
 * of its frames.  Held answers count against c's output cap: past it
 * c is doomed (BYE slow).  Without a cluster, or nothing in flight,
 * the same as hub_queue.
 */
void	 hub_answer(struct client *c, const char *data, size_t len);
/* Send a frame to every open client but except (which may be NULL). */
void	 hub_broadcast(struct hub *h, struct client *except,
	    const char *data, size_t len);
/*
 * Take client arg out of the conversation with reason; with bye it gets
 * "BYE <reason>" first.  Also the fan-out's drop hook.
 */
void	 hub_drop(void *arg, const char *reason, bool bye);
/* The same with a human text after the reason (NULL: none). */
void	 hub_drop_text(struct client *c, const char *reason,
	    const char *text, bool bye);

/*
 * Client c leaves (QUIT, a half-close): at once with hub_drop, or, if
 * messages of c are in flight to the cluster store, once they are all
 * answered (OK, or NAK nolog within the cluster's timeout); its socket
 * is not read meanwhile.
 */
void	 hub_drain(struct client *c, const char *reason, bool bye);
/*
 * One of c's messages in flight was answered (cluster.c), its answer
 * queued: the answers held behind it are queued, and a draining c
 * whose last one it was leaves.
 */
void	 hub_inflight_done(struct client *c);
/* The same, but c does not leave (cluster_abandon). */
void	 hub_answered(struct client *c);
/* Throw c's held answers away (it leaves: their turn will not come). */
void	 hub_answers_drop(struct client *c);
/*
 * A draining client's answers did not come within the cluster's
 * timeout: NAK nolog for those still in flight, then it leaves.
 */
void	 hub_drain_expired(struct hub *h, struct client *c);

/* hubshake.c: an accepted TLS connection fd; its handshake begins. */
void	 hub_shake_new(struct hub *h, struct tls_creds *tls, int fd);
/* Drop the handshakes that took longer than HUB_HANDSHAKE_MS. */
void	 hub_shakes_expire(struct hub *h);
/* End handshake s (done, failed or expired) and free it. */
void	 hub_shake_free(struct shake *s);
/*
 * hub.c: a new connection cn (plain, or TLS with its handshake done):
 * a client (see there).
 */
void	 hub_client_new(struct hub *h, struct conn *cn, bool tls);

/*
 * Client c was parked (welcoming) and is welcomed now: its input kept
 * since HELLO is handled in a coming round, then its socket is read
 * again.
 */
void	 hub_unpark(struct client *c);

/* Write what c has queued; drop it if that fails (fan-out hook). */
void	 hub_client_flush(void *c);

/* hubjoin.c */
/* Take a v2 client's key from the certificate it presented, if any. */
void	 hub_take_key(struct client *c);
/* Go on from the log: numbers, ids, the last messages as history. */
void	 hub_load_history(struct hub *h);

/* hubjoin.c */
/*
 * A new connection cn (after its TLS handshake) from peer, with v2
 * set if it chose xchat/2: if the server is full, or the peer's
 * address or key is banned, send it BYE (full, kicked banned), close
 * it and return true; it uses up no id.
 */
bool	 hub_turn_away(struct hub *h, struct conn *cn, const char *peer,
	    bool v2);

/*
 * A ban of target (an address or key, canonical) came from another
 * server: the clients it bans get BYE kicked banned.
 */
void	 hub_ban_kick(struct hub *h, const char *target);

/* hubdm.c */
/*
 * The recipient of a DM from c to id: the ready client id, if it is
 * not c; else NULL (NAK nouser).
 */
struct client *hub_dm_recipient(struct hub *h, struct client *c,
	    uint64_t id);
/*
 * Deliver an accepted DM of c (p, logged with time stamp) to its
 * recipient alone, in the recipient's version; tell the window.
 */
void	 hub_dm_deliver(struct hub *h, struct client *c,
	    const struct pending *p, const char *stamp);
/*
 * AWAY from c (valid: its text passed the rules, checked by the
 * parser): a flood token, then the new state broadcast to everyone.
 */
void	 hub_away(struct hub *h, struct client *c, const struct proto_cmsg *m,
	    bool valid);

/* hubmsg.c */
/*
 * The flood check of a frame answered "ERR flood <VERB>" when the
 * bucket is empty (NICK, AWAY): true if it may pass.  If not it has no
 * effect but the ERR and a strike (which may drop c: check its state).
 */
bool	 hub_flood_frame(struct hub *h, struct client *c,
	    const struct proto_str *verb);
/* Handle one frame (len bytes, no LF) from client c. */
void	 hub_frame(struct hub *h, struct client *c, const char *line,
	    size_t len);
/* Write the read's batch to the log, then answer and relay it. */
void	 hub_commit(struct hub *h, struct client *c);
/* The hash of a nick's uniqueness key; 0 if it has none. */
uint64_t hub_key_hash(const char *nick, size_t len);
/*
 * Give c the nick (len bytes, its key's hash): NICK to every client,
 * the window told (reg: it was registered to c's key).
 */
void	 hub_nick_apply(struct hub *h, struct client *c, const char *nick,
	    size_t len, uint64_t hash, bool reg);
/* Is nick (or a look-alike) in use by another client than c? */
bool	 hub_nick_in_use(struct hub *h, struct client *c, const char *nick,
	    size_t len);
/* Would this frame of c need a signature check? */
bool	 hub_needs_verify(const struct client *c, const char *line,
	    size_t len);
/* Write client c's counted rejections, if any, as one record. */
void	 hub_rejects_write(struct hub *h, struct client *c);
/* Write the summaries that are due (all of them with all). */
void	 hub_rejects_due(struct hub *h, bool all);
/* Write the start record of this run (see hub_log_start). */
void	 hub_log_start_write(struct hub *h);
/* msglog's notification that its file changed (msglog_set_notify). */
void	 hub_log_changed(void *arg, enum msglog_change what,
	    const char *detail);

#endif
