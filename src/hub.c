/*
 * hub.c -- the server core: the client table, accepting connections,
 * each client's lifecycle (welcome, nick, keepalive, flood control,
 * leaving) and the dispatch of its frames.  One struct client per
 * connection, kept in an array; ids and message numbers count up and
 * are never reused.  Clients are talked to through struct conn
 * (transport.h), so the hub does not know which transport it uses.
 *
 * A read callback reads once (up to RBUF bytes), splits frames and
 * handles them.  Accepted messages of one read are recorded in the log
 * with a single write() before any of them is acknowledged or relayed
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
#include "log.h"
#include "msglog.h"
#include "netio.h"
#include "nickrules.h"
#include "protocol.h"
#include "transport.h"
#include "xmalloc.h"

#define RBUF		(256 * 1024)	/* bytes read per wakeup */
#define ACCEPT_MAX	64		/* connections accepted per wakeup */
#define CLOSE_GRACE	2000		/* ms to flush a closing client */
#define TICK_MS		1000
#define EMFILE_PAUSE	250		/* ms without accept() after EMFILE */
#define REJ_WINDOW	1000		/* ms: a rejection record per client */
#define REJ_CODES	6		/* kinds of rejection counted apart */

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
	uint64_t	 deadline;	/* ms; closing clients */
	uint64_t	 msgs;
	uint64_t	 rej_next;	/* ms: no rejection record before */
	struct rejsum	 rej;		/* rejections not recorded yet */
	struct client	*next_dead;
};

/*
 * A MSG of the current read, waiting for the log write: accepted (code
 * NULL) or rejected (code set).  Answers go out in the order of the
 * MSGs once the batch is written.
 */
struct pending {
	const char	*code;
	size_t		 rec;		/* index in the log batch */
	uint64_t	 n;
	char		 seq[PROTO_MAX_SEQ + 1];
	char		 md5[DIGEST_MD5_HEX + 1];
	const char	*text;
	size_t		 textlen;
};

struct hub {
	struct hub_config cfg;
	struct msglog	*log;
	const struct hub_events *ev;
	void		*ui;

	int		 lfd;
	struct ev_io	*lio;
	struct ev_timer	*pause;

	struct client	**clients;	/* open clients */
	unsigned	 nclients;
	unsigned	 capclients;
	struct client	**closing;	/* flushing their last frames */
	unsigned	 nclosing;
	unsigned	 capclosing;
	struct client	*dead;		/* to free at the end of the round */

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
	uint64_t	 emfile_warned;	/* ms */
	struct hub_stats st;
};

static void	client_read(struct hub *, struct client *);
static void	client_flush(void *);
static void	client_drop(void *, const char *reason, bool bye);
static void	commit(struct hub *, struct client *);
static void	round_end(void *);
static void	rejects_write(struct hub *, struct client *);
static void	log_state(struct hub *, int);
static void	log_start_write(struct hub *);
static void	log_changed(void *, enum msglog_change, const char *);

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
info_of(const struct client *c, struct hub_client_info *ci)
{
	ci->id = c->id;
	ci->nick = c->nick;
	ci->peer = c->peer;
	ci->msgs = c->msgs;
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
static void
queue(struct client *c, const char *data, size_t len)
{
	fanout_queue(c->hub->fo, &c->fp, data, len);
}

/* Send a frame to every open client but one (which may be NULL). */
static void
broadcast(struct hub *h, struct client *except, const char *data,
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

/*
 * Take a client out of the conversation: the others get LEAVE with the
 * reason.  With bye, it gets "BYE <reason>" after what is queued and
 * its socket is closed once that is written (or after CLOSE_GRACE);
 * without, the socket is closed at once.  A client over its output cap
 * loses its queue, and gets BYE only if no frame was half sent.
 */
static void
client_drop(void *arg, const char *reason, bool bye)
{
	struct client	*c = arg;
	struct hub	*h = c->hub;
	struct hub_client_info ci;
	char		 buf[PROTO_MAX_FRAME];

	if (c->fp.state != FO_OPEN)
		return;
	fanout_catch_up(h->fo, &c->fp);
	if (h->pend_from == c && (h->npend > 0 ||
	    msglog_pending(h->log) > 0))
		commit(h, c);
	rejects_write(h, c);
	remove_at(h->clients, &h->nclients, c->idx);
	broadcast(h, NULL, buf, proto_encode_leave(buf, c->id, c->nick,
	    c->nicklen, reason));
	info_of(c, &ci);
	if (h->ev->left != NULL)
		h->ev->left(h->ui, &ci, reason);
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
	fanout_append(h->fo, &c->fp, buf, proto_encode_bye(buf, reason));
}

/*
 * Write what a client has queued (fanout_flush sets its event mask); a
 * failed write drops it, and a closing client whose queue drained is
 * closed.
 */
static void
client_flush(void *arg)
{
	struct client	*c = arg;
	ssize_t		 left;

	if (c->fp.state == FO_DEAD)
		return;
	left = fanout_flush(&c->fp);
	if (left < 0) {
		if (c->fp.state == FO_OPEN)
			client_drop(c, errno == EPIPE || errno == ECONNRESET ?
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
	client_flush, client_drop
};

/* Free a dead client's memory. */
static void
client_free(struct client *c)
{
	proto_lineq_free(&c->in);
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
	h->now = now_ms();
	if ((events & EV_WRITE) && c->fp.state != FO_DEAD)
		client_flush(c);
	if ((events & EV_READ) && c->fp.state == FO_OPEN)
		client_read(h, c);
	if (fanout_reap_pending(h->fo))
		evloop_round_request();
}

/* The hash of a nick's key; 0 if it has none (ICU failed). */
static uint64_t
key_hash(const char *nick, size_t len)
{
	char	 key[NICK_KEY_MAX];
	size_t	 klen;

	if ((klen = nick_key(nick, len, key, sizeof key)) == 0)
		return 0;
	return nick_hash(key, klen);
}

/* A new connection: welcome it, tell it who is here, tell the others. */
static void
client_new(struct hub *h, int fd)
{
	struct client	*c;
	struct hub_client_info ci;
	char		 buf[PROTO_MAX_FRAME];
	unsigned	 i;
	int		 one = 1;

	if (h->nclients >= h->cfg.maxclients) {
		struct conn	*cn = conn_plain_new(fd);

		if (conn_write(cn, buf, proto_encode_bye(buf, "full")) < 0)
			log_debug("BYE full: %s", strerror(errno));
		conn_close(cn);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	c->hub = h;
	c->id = h->next_id++;
	/* Earlier broadcasts are not its; the welcome is never "slow". */
	fanout_peer_init(h->fo, &c->fp, conn_plain_new(fd), c->id, c);
	c->nicklen = (size_t)snprintf(c->nick, sizeof c->nick, "user%llu",
	    (unsigned long long)c->id);
	c->keyhash = key_hash(c->nick, c->nicklen);
	netio_peer_name(fd, c->peer, sizeof c->peer);
	c->tokens = h->cfg.floodrate * 2 < 1 ? 1 : h->cfg.floodrate * 2;
	c->tok_ms = h->now;
	c->last_rx = h->now;

	queue(c, buf, proto_encode_welcome(buf, c->id, c->nick, c->nicklen));
	for (i = 0; i < h->nclients; i++)
		queue(c, buf, proto_encode_user(buf, h->clients[i]->id,
		    h->clients[i]->nick, h->clients[i]->nicklen));
	fanout_history_send(h->fo, &c->fp);
	queue(c, buf, proto_encode_ready(buf, h->nclients));
	fanout_welcome_done(&c->fp);

	broadcast(h, NULL, buf, proto_encode_join(buf, c->id, c->nick,
	    c->nicklen));
	fanout_skip_round(h->fo, &c->fp);	/* nor its own JOIN */

	c->idx = h->nclients;
	push(&h->clients, &h->nclients, &h->capclients, c);
	c->fp.io = evloop_io_add(fd, EV_READ | conn_wants(c->fp.conn),
	    client_io, c);
	h->st.connections++;
	/*
	 * Send the welcome now and give back its buffer (it holds a USER
	 * line per client): a thousand idle clients must not keep a
	 * thousand copies of the user list.
	 */
	client_flush(c);
	if (c->fp.state == FO_OPEN)
		fanout_peer_trim(&c->fp);
	info_of(c, &ci);
	if (h->ev->joined != NULL)
		h->ev->joined(h->ui, &ci);
}

static void
accept_resume(void *arg)
{
	struct hub	*h = arg;

	h->pause = NULL;
	evloop_io_set(h->lio, EV_READ);
}

static void
listener_io(void *arg, int lfd, int events)
{
	struct hub	*h = arg;
	int		 fd, i;

	(void)events;
	h->now = now_ms();
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
				evloop_io_set(h->lio, 0);
				h->pause = evloop_timer_add(EMFILE_PAUSE,
				    accept_resume, h);
				break;
			}
			continue;	/* ECONNABORTED, EINTR, EPROTO... */
		}
		client_new(h, fd);
	}
}

/*
 * Refill a client's flood bucket; true if a frame that counts (MSG,
 * NICK; later DM, AWAY) may pass, taking a token.
 */
static bool
flood_take(struct hub *h, struct client *c)
{
	double	 r = h->cfg.floodrate, cap = r * 2 < 1 ? 1 : r * 2;
	double	 dt;

	if (r <= 0)
		return true;
	dt = (double)(h->now - c->tok_ms) / 1000.0;
	c->tok_ms = h->now;
	c->tokens += dt * r;
	if (c->tokens > cap)
		c->tokens = cap;
	c->strikes -= dt * r;
	if (c->strikes < 0)
		c->strikes = 0;
	if (c->tokens >= 1) {
		c->tokens -= 1;
		return true;
	}
	return false;
}

/*
 * A frame found the bucket empty: one strike more; past -floodkick
 * strikes beyond the rate the client is dropped with BYE flood.
 * Returns true if it was dropped.
 */
static bool
flood_strike(struct hub *h, struct client *c)
{
	c->strikes += 1;
	if (c->strikes <= h->cfg.floodkick)
		return false;
	client_drop(c, "flood", true);
	return true;
}

/*
 * The flood check of a frame that is answered "ERR flood <VERB>" when
 * the bucket is empty (NICK; AWAY to come): true if it may pass.  If
 * not, it has no effect but the ERR and a strike.
 */
static bool
flood_frame(struct hub *h, struct client *c, const struct proto_str *verb)
{
	char	 buf[PROTO_MAX_FRAME];

	if (flood_take(h, c))
		return true;
	queue(c, buf, proto_encode_err(buf, "flood", verb->p, verb->len));
	flood_strike(h, c);
	return false;
}

static struct pending *
pend_new(struct hub *h, struct client *c)
{
	struct pending	*p;

	if (h->npend == h->cappend) {
		h->cappend = h->cappend == 0 ? 256 : h->cappend * 2;
		h->pend = xreallocarray(h->pend, h->cappend, sizeof *h->pend);
	}
	p = &h->pend[h->npend++];
	p->code = NULL;
	h->pend_from = c;
	return p;
}

/* Start a log batch if none is open (the time stamp of its records). */
static void
batch_open(struct hub *h)
{
	if (msglog_pending(h->log) == 0)
		msglog_begin(h->log);
}

/* Count a rejection in the client's summary, by code. */
static void
rejects_count(struct client *c, const char *code, size_t textlen)
{
	struct rejsum	*s = &c->rej;
	size_t		 i;

	for (i = 0; i < REJ_CODES - 1 && s->codes[i].code != NULL; i++)
		if (strcmp(s->codes[i].code, code) == 0)
			break;
	if (s->codes[i].code == NULL)
		s->codes[i].code = code;
	else if (strcmp(s->codes[i].code, code) != 0)
		s->codes[i].code = "other";	/* more kinds than slots */
	s->codes[i].n++;
	s->count++;
	s->bytes += textlen;
}

/* Queue a "rejects" record of what the client's summary counted. */
static void
rejects_add(struct hub *h, struct client *c)
{
	struct msglog_rec r;

	memset(&r, 0, sizeof r);
	r.id = c->id;
	r.nick = c->nick;
	r.nicklen = c->nicklen;
	r.peer = c->peer;
	batch_open(h);
	msglog_add_rejects(h->log, &r, c->rej.bytes, c->rej.codes,
	    REJ_CODES);
	memset(&c->rej, 0, sizeof c->rej);
}

/*
 * Write a leaving client's summary: with the batch being built if
 * there is one (the read that builds it commits it), else now.
 */
static void
rejects_write(struct hub *h, struct client *c)
{
	bool	 batch = msglog_pending(h->log) > 0;
	int	 err;

	if (c->rej.count == 0)
		return;
	rejects_add(h, c);
	if (!batch) {
		msglog_commit(h->log, &err);
		log_state(h, err);
	}
}

/*
 * Record a rejection, within the client's budget: the first of a
 * burst (none recorded in the last REJ_WINDOW ms) as a record with its
 * text cut to MSGLOG_CUT bytes (its length and both digests kept);
 * the others are counted and summed up in one "rejects" record a
 * window later (tick), at the next rejection after that, or when the
 * client leaves.  Unless record is set it is only counted.
 */
static void
reject_log(struct hub *h, struct client *c, const struct proto_cmsg *m,
    const char *code, const char *md5_comp, bool record)
{
	struct msglog_rec r;

	if (!record || h->now < c->rej_next) {
		rejects_count(c, code, m->text.len);
		return;
	}
	c->rej_next = h->now + REJ_WINDOW;
	if (c->rej.count > 0) {
		rejects_count(c, code, m->text.len);
		rejects_add(h, c);
		return;
	}
	memset(&r, 0, sizeof r);
	r.id = c->id;
	r.nick = c->nick;
	r.nicklen = c->nicklen;
	r.peer = c->peer;
	r.md5_recv = m->md5.len == DIGEST_MD5_HEX &&
	    proto_md5_valid(m->md5.p, m->md5.len) ? m->md5.p : NULL;
	r.md5_comp = md5_comp;
	r.verdict = code;
	r.text = m->text.p;
	r.textlen = m->text.len;
	r.cut = MSGLOG_CUT;
	batch_open(h);
	msglog_add(h->log, &r);
}

/* Record a rejected message (reject_log) and answer NAK. */
static void
reject(struct hub *h, struct client *c, const struct proto_cmsg *m,
    const char *code, const char *md5_comp, bool record)
{
	struct hub_client_info ci;
	struct pending	*p;
	char		 md5[DIGEST_MD5_HEX + 1];
	bool		 hash_ok = m->md5.len == DIGEST_MD5_HEX &&
			    proto_md5_valid(m->md5.p, m->md5.len);

	h->st.rejected++;
	if (md5_comp == NULL) {
		digest_md5_hex(m->text.p, m->text.len, md5);
		md5_comp = md5;
	}
	reject_log(h, c, m, code, md5_comp, record);
	p = pend_new(h, c);
	p->code = code;
	memcpy(p->seq, m->seq.p, m->seq.len);
	p->seq[m->seq.len] = '\0';
	if (h->ev->rejected != NULL) {
		char	 recv[DIGEST_MD5_HEX + 1];

		snprintf(recv, sizeof recv, "%.*s", hash_ok ? 32 : 1,
		    hash_ok ? m->md5.p : "-");
		info_of(c, &ci);
		h->ev->rejected(h->ui, &ci, code, recv, md5_comp, m->text.p,
		    m->text.len);
	}
}

/* A MSG whose shape is right: flood, text rules, digest, then accept. */
static void
handle_msg(struct hub *h, struct client *c, const struct proto_cmsg *m)
{
	struct msglog_rec r;
	struct pending	*p;
	char		 md5[DIGEST_MD5_HEX + 1];

	if (!flood_take(h, c)) {
		reject(h, c, m, "flood", NULL, true);
		flood_strike(h, c);
		return;
	}
	if (!proto_text_valid(m->text.p, m->text.len)) {
		reject(h, c, m, "badtext", NULL, true);
		return;
	}
	digest_md5_hex(m->text.p, m->text.len, md5);
	if (!digest_md5_equal(md5, m->md5.p)) {
		reject(h, c, m, "badhash", md5, true);
		return;
	}

	p = pend_new(h, c);
	p->n = h->next_n++;
	memcpy(p->seq, m->seq.p, m->seq.len);
	p->seq[m->seq.len] = '\0';
	memcpy(p->md5, md5, sizeof p->md5);
	p->text = m->text.p;
	p->textlen = m->text.len;
	if (h->start_peer != NULL) {
		/* Nothing is accepted before the run's start record. */
		p->rec = SIZE_MAX;
		return;
	}

	memset(&r, 0, sizeof r);
	r.n = p->n;
	r.id = c->id;
	r.nick = c->nick;
	r.nicklen = c->nicklen;
	r.peer = c->peer;
	r.md5_recv = m->md5.p;
	r.md5_comp = md5;
	r.verdict = "accepted";
	r.text = m->text.p;
	r.textlen = m->text.len;
	if (msglog_pending(h->log) == 0)
		msglog_begin(h->log);
	p->rec = msglog_add(h->log, &r);
}

/* After a log write: say when the log starts or stops failing. */
static void
log_state(struct hub *h, int err)
{
	if (err != 0 && !h->log_failing) {
		h->log_failing = true;
		errno = err;
		log_warn("cannot write log %s; refusing messages (NAK nolog) "
		    "until it can", msglog_path(h->log));
		if (h->ev->logstate != NULL)
			h->ev->logstate(h->ui, err);
	} else if (err == 0 && h->log_failing) {
		h->log_failing = false;
		log_warnx("log %s writable again; accepting messages",
		    msglog_path(h->log));
		if (h->ev->logstate != NULL)
			h->ev->logstate(h->ui, 0);
	}
}

/*
 * Write the log batch, then acknowledge and relay the messages whose
 * records made it to the file; the others get NAK nolog and their
 * numbers are given back (but for a torn record that the log will
 * finish: its number is in the file).
 */
static void
commit(struct hub *h, struct client *c)
{
	struct hub_client_info ci;
	struct pending	*p;
	size_t		 i, written, acc = 0, nrec;
	int		 err = 0;
	bool		 kept;
	char		 ok[PROTO_MAX_FRAME];

	nrec = msglog_pending(h->log);
	written = nrec > 0 ? msglog_commit(h->log, &err) : 0;
	kept = nrec > 0 && msglog_torn_kept(h->log);
	if (nrec > 0)
		log_state(h, err);

	info_of(c, &ci);
	for (i = 0; i < h->npend; i++) {
		p = &h->pend[i];
		if (p->code != NULL)
			continue;
		if (p->rec >= written) {
			if (p->n < h->next_n && !(kept && p->rec == written))
				h->next_n = p->n;
			h->st.rejected++;
			continue;
		}
		fanout_relay_add(h->fo, p->n, c->id, c->nick, c->nicklen,
		    p->md5, p->text, p->textlen);
		c->msgs++;
		acc++;
		h->st.accepted++;
		if (h->ev->accepted != NULL) {
			ci.msgs = c->msgs;
			h->ev->accepted(h->ui, &ci, p->n, p->md5, p->text,
			    p->textlen);
		}
	}
	if (acc > 0) {
		fanout_relay_send(h->fo, h->nclients, c->id);
		h->st.deliveries += (uint64_t)(h->nclients - 1) * acc;
	}
	for (i = 0; i < h->npend; i++) {
		p = &h->pend[i];
		if (p->code != NULL || p->rec >= written) {
			queue(c, ok, proto_encode_nak(ok, p->seq,
			    strlen(p->seq), p->code != NULL ? p->code :
			    "nolog"));
			continue;
		}
		queue(c, ok, proto_encode_ok(ok, p->seq, strlen(p->seq),
		    p->n));
	}
	h->npend = 0;
	if (h->ev->sent != NULL && acc > 0)
		h->ev->sent(h->ui, &ci);
}

/*
 * Is the nick with this key (nickrules.h) taken by another client, or
 * reserved as (a look-alike of) user<digits> of another id?  Keys are
 * compared by their hash; ICU is called only on a match, to confirm it.
 */
static bool
nick_taken(struct hub *h, struct client *c, const char *key, size_t klen)
{
	char		 mine[PROTO_MAX_NUM + 1], digits[PROTO_MAX_NICK];
	struct client	*o;
	uint64_t	 hash = nick_hash(key, klen);
	unsigned	 i;

	if (nick_key_userid(key, klen, digits, sizeof digits)) {
		snprintf(mine, sizeof mine, "%llu", (unsigned long long)c->id);
		if (strcmp(mine, digits) != 0)
			return true;
	}
	for (i = 0; i < h->nclients; i++) {
		o = h->clients[i];
		if (o != c && o->keyhash == hash &&
		    nick_has_key(o->nick, o->nicklen, key, klen))
			return true;
	}
	return false;
}

static void
handle_nick(struct hub *h, struct client *c, const struct proto_cmsg *m)
{
	struct hub_client_info ci;
	char		 old[PROTO_MAX_NICK + 1], buf[PROTO_MAX_FRAME];
	char		 key[NICK_KEY_MAX];
	size_t		 klen = 0;

	/* The byte rules are the parser's; these are the Unicode ones. */
	if (!nick_valid(m->nick.p, m->nick.len) ||
	    (klen = nick_key(m->nick.p, m->nick.len, key, sizeof key)) == 0) {
		queue(c, buf, proto_encode_err(buf, "badnick", NULL, 0));
		return;
	}
	if (nick_taken(h, c, key, klen)) {
		queue(c, buf, proto_encode_err(buf, "nickinuse", m->nick.p,
		    m->nick.len));
		return;
	}
	memcpy(old, c->nick, c->nicklen + 1);
	memcpy(c->nick, m->nick.p, m->nick.len);
	c->nick[m->nick.len] = '\0';
	c->nicklen = m->nick.len;
	c->keyhash = nick_hash(key, klen);
	broadcast(h, NULL, buf, proto_encode_nick(buf, c->id, c->nick,
	    c->nicklen));
	info_of(c, &ci);
	if (h->ev->renamed != NULL)
		h->ev->renamed(h->ui, &ci, old);
}

static void
handle_frame(struct hub *h, struct client *c, const char *line, size_t len)
{
	struct proto_cmsg m;
	enum proto_cerr	 e;
	char		 echo[PROTO_MAX_VERB_ECHO], buf[PROTO_MAX_FRAME];
	size_t		 elen;

	e = proto_parse_client(line, len, &m);
	/* Keep the order of events: commit messages before other frames. */
	if ((h->npend > 0 || msglog_pending(h->log) > 0) &&
	    !(m.verb == PV_MSG && (e == PCE_OK || e == PCE_BADHASH ||
	    e == PCE_BADTEXT)))
		commit(h, c);
	switch (e) {
	case PCE_OK:
		break;
	case PCE_EMPTY:
		return;
	case PCE_UNKNOWN:
		elen = proto_verb_echo(m.verbstr.p, m.verbstr.len, echo);
		queue(c, buf, proto_encode_err(buf, "unknown", echo, elen));
		return;
	case PCE_SYNTAX:
		queue(c, buf, proto_encode_err(buf, "syntax", m.verbstr.p,
		    m.verbstr.len));
		return;
	case PCE_BADHASH:
	case PCE_BADTEXT:
		/* Shape errors: take a token, record only if one was left. */
		reject(h, c, &m, e == PCE_BADHASH ? "badhash" : "badtext",
		    NULL, flood_take(h, c));
		return;
	case PCE_BADNICK:
		/* A NICK counts against the bucket, valid or not. */
		if (flood_frame(h, c, &m.verbstr))
			queue(c, buf, proto_encode_err(buf, "badnick", NULL,
			    0));
		return;
	}
	switch (m.verb) {
	case PV_MSG:
		handle_msg(h, c, &m);
		break;
	case PV_NICK:
		if (flood_frame(h, c, &m.verbstr))
			handle_nick(h, c, &m);
		break;
	case PV_PING:
		queue(c, buf, proto_encode_pong(buf, m.token.p, m.token.len));
		break;
	case PV_PONG:
		break;
	case PV_ERR:
		log_debug("client %llu reports: %.*s",
		    (unsigned long long)c->id, (int)m.text.len, m.text.p);
		break;
	case PV_QUIT:
		client_drop(c, "quit", true);
		break;
	default:
		break;
	}
}

/* Read once from a client and handle every whole frame. */
static void
client_read(struct hub *h, struct client *c)
{
	struct proto_scan s;
	const char	*line;
	char		 buf[PROTO_MAX_FRAME];
	size_t		 have, len;
	ssize_t		 n;

	if (h->start_peer != NULL && msglog_pending(h->log) == 0)
		log_start_write(h);
	have = proto_lineq_prepend(&c->in, h->rbuf);
	n = conn_read(c->fp.conn, h->rbuf + have, RBUF);
	if (n <= 0) {
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			proto_scan_init(&s, h->rbuf, have);
			proto_lineq_keep(&c->in, &s);
			return;
		}
		/* A half-closed peer still gets its answers (OK, ...). */
		if (n == 0)
			client_flush(c);
		/* A peer that closes with unread input sends RST: closed. */
		client_drop(c, n == 0 || errno == ECONNRESET ? "closed" :
		    "error", false);
		return;
	}
	c->last_rx = h->now;
	c->ping_sent = 0;
	proto_scan_init(&s, h->rbuf, have + (size_t)n);
	for (;;) {
		switch (proto_scan_next(&c->in, &s, &line, &len)) {
		case PS_FRAME:
			handle_frame(h, c, line, len);
			break;
		case PS_TOOLONG:
			if (h->npend > 0 || msglog_pending(h->log) > 0)
				commit(h, c);
			queue(c, buf, proto_encode_err(buf, "toolong", NULL,
			    0));
			break;
		case PS_END:
			goto done;
		}
		if (c->fp.state != FO_OPEN)
			return;
	}
done:
	if (h->npend > 0 || msglog_pending(h->log) > 0)
		commit(h, c);
	proto_lineq_keep(&c->in, &s);
}

/*
 * Write the clients' summaries whose window is over (all of them if
 * all is set), in one batch.  Not while a batch is being built.
 */
static void
rejects_due(struct hub *h, bool all)
{
	struct client	*c;
	unsigned	 i;
	bool		 any = false;
	int		 err;

	if (msglog_pending(h->log) > 0)
		return;
	for (i = 0; i < h->nclients; i++) {
		c = h->clients[i];
		if (c->rej.count > 0 && (all || h->now >= c->rej_next)) {
			rejects_add(h, c);
			c->rej_next = h->now + REJ_WINDOW;
			any = true;
		}
	}
	if (any) {
		msglog_commit(h->log, &err);
		log_state(h, err);
	}
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
	h->now = now_ms();
	for (i = 0; i < h->nclosing; i++) {
		c = h->closing[i];
		if (h->now >= c->deadline) {
			bury(c);
			i--;
		}
	}
	rejects_due(h, false);
	for (i = 0; i < h->nclients; i++) {
		c = h->clients[i];
		fanout_peer_trim(&c->fp);	/* once a second, not more */
		if (h->cfg.ping_interval == 0)
			continue;
		if (c->ping_sent == 0) {
			if (h->now - c->last_rx >= h->cfg.ping_interval) {
				queue(c, buf, proto_encode_ping(buf, tok,
				    (size_t)(proto_put_u64(tok, h->now) -
				    tok)));
				c->ping_sent = h->now;
			}
		} else if (h->now - c->ping_sent >= h->cfg.ping_timeout) {
			if (!timed_out(h, c, i))
				continue;
			if (i < h->nclients && h->clients[i] == c)
				client_drop(c, "timeout", true);
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
	h->lfd = -1;
	h->next_id = 1;
	h->next_n = 1;
	h->now = now_ms();
	h->rbuf = xmalloc(RBUF + PROTO_MAX_FRAME);
	h->fo = fanout_create(cfg->slowlimit, cfg->history, &client_hooks);
	fanout_set_budget(h->fo, cfg->outbudget);
	msglog_set_notify(lg, log_changed, h);
	evloop_set_round_hook(round_end, h);
	h->tick = evloop_timer_add(TICK_MS, tick, h);
	return h;
}

void
hub_listen(struct hub *h, int fd)
{
	h->lfd = fd;
	h->lio = evloop_io_add(fd, EV_READ, listener_io, h);
}

/*
 * Write the start record of this run (h->start_peer: the listening
 * address).  Until it is in the file no message is accepted, so that
 * a run's numbers always follow its start record.
 */
static void
log_start_write(struct hub *h)
{
	struct msglog_rec r;
	char		 text[256], md5[DIGEST_MD5_HEX + 1];
	int		 err;

	snprintf(text, sizeof text, "%s %s started, listening on %s",
	    PACKAGE_NAME "d", PACKAGE_VERSION, h->start_peer);
	digest_md5_hex(text, strlen(text), md5);
	memset(&r, 0, sizeof r);
	r.nick = "xchatd";
	r.nicklen = 6;
	r.peer = h->start_peer;
	r.md5_comp = md5;
	r.verdict = "start";
	r.text = text;
	r.textlen = strlen(text);
	msglog_begin(h->log);
	msglog_add(h->log, &r);
	if (msglog_commit(h->log, &err) == 1) {
		free(h->start_peer);
		h->start_peer = NULL;
	}
	log_state(h, err);
}

/* Write the "start" record that opens each run of the server. */
void
hub_log_start(struct hub *h, const char *listen_name)
{
	free(h->start_peer);
	h->start_peer = xstrdup(listen_name);
	log_start_write(h);
}

/* What msglog saw happen to its file: say so on stderr and to the UI. */
static void
log_changed(void *arg, enum msglog_change what, const char *detail)
{
	struct hub	*h = arg;
	const char	*path = msglog_path(h->log);

	switch (what) {
	case MSGLOG_REOPENED:
		log_info("SIGHUP: log %s reopened: a new file, which starts "
		    "a new chain segment", path);
		break;
	case MSGLOG_SAME:
		log_info("SIGHUP: log %s is still the file in use; nothing "
		    "to reopen", path);
		break;
	case MSGLOG_REOPEN_FAILED:
		log_warnx("SIGHUP: %s; records go on to the file in use",
		    detail);
		break;
	case MSGLOG_SHRANK:
		log_warnx("log %s shrank behind our back (%s): new chain "
		    "segment", path, detail);
		break;
	case MSGLOG_GREW:
		log_warnx("log %s was written to by someone else (%s): new "
		    "chain segment", path, detail);
		break;
	case MSGLOG_DELETED:
		log_warnx("log %s was deleted: created again, new chain "
		    "segment", path);
		break;
	case MSGLOG_REPLACED:
		log_warnx("log %s was replaced by another file: writing to "
		    "that one, new chain segment", path);
		break;
	case MSGLOG_RENAMED:
		log_warnx("log %s was renamed: records go on to the renamed "
		    "file until SIGHUP", path);
		break;
	}
	if (h->ev->logchanged != NULL)
		h->ev->logchanged(h->ui, what, detail);
}

/*
 * SIGHUP: open the log's path again; a new file there starts with its
 * segment record at once.  Clients are not disturbed.
 */
void
hub_log_reopen(struct hub *h)
{
	char	 err[512];
	int	 e;

	h->now = now_ms();
	if (msglog_pending(h->log) > 0 || h->npend > 0)
		return;		/* not between batches: cannot happen */
	if (msglog_reopen(h->log, err, sizeof err) == 0) {
		msglog_commit(h->log, &e);
		if (e != 0 || h->log_failing)
			log_state(h, e);
	}
}

bool
hub_kick(struct hub *h, uint64_t id)
{
	unsigned	 i;

	h->now = now_ms();
	for (i = 0; i < h->nclients; i++)
		if (h->clients[i]->id == id) {
			client_drop(h->clients[i], "kicked", true);
			return true;
		}
	return false;
}

void
hub_stats(const struct hub *h, struct hub_stats *st)
{
	*st = h->st;
	st->clients = h->nclients;
}

void
hub_foreach(const struct hub *h,
    void (*fn)(void *, const struct hub_client_info *), void *arg)
{
	struct hub_client_info ci;
	unsigned	 i;

	for (i = 0; i < h->nclients; i++) {
		info_of(h->clients[i], &ci);
		fn(arg, &ci);
	}
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

	if (h->lio != NULL) {
		evloop_io_del(h->lio);
		h->lio = NULL;
		close(h->lfd);
	}
	h->now = now_ms();
	rejects_due(h, true);
	for (i = 0; i < h->nclients; i++)
		fanout_catch_up(h->fo, &h->clients[i]->fp);
	while (h->nclients > 0) {
		c = h->clients[0];
		remove_at(h->clients, &h->nclients, 0);
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
	evloop_timer_del(h->tick);
	evloop_timer_del(h->pause);
	free(h->clients);
	free(h->closing);
	free(h->rbuf);
	free(h->pend);
	free(h->start_peer);
	msglog_set_notify(h->log, NULL, NULL);
	free(h);
}
