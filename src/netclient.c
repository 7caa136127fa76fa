/*
 * netclient.c -- the client core: connection state machine with
 * reconnect backoff, send queue and own-message bookkeeping, PING/PONG
 * and dead-server detection, and server frames turned into events for
 * the UI (struct nc_events).  Sockets enter the event loop only through
 * evloop.c; no X header here.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "clientlog.h"
#include "digest.h"
#include "evloop.h"
#include "log.h"
#include "netclient.h"
#include "netclient_int.h"
#include "netio.h"
#include "nickrules.h"
#include "protocol.h"
#include "tls.h"
#include "transport.h"
#include "u64map.h"
#include "verify.h"
#include "xmalloc.h"

static void	 tick_cb(void *);
static void	 io_cb(void *, int, int);
static void	 drop(struct netclient *, enum nc_why);
static void	 halt(struct netclient *, enum nc_why);
static void	 users_clear(struct netclient *);

static time_t
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

void
nc_copy_str(char *dst, size_t size, const char *p, size_t len)
{
	if (len >= size)
		len = size - 1;
	if (len > 0)		/* p may be NULL then (a field left out) */
		memcpy(dst, p, len);
	dst[len] = '\0';
}

/*
 * The form in which a nick from the server is shown, NUL-terminated in
 * buf (NICK_SHOW_MAX bytes): the nick itself, or if refused (see
 * nick_refused) its escaped form (nick_escape), which cannot pass for
 * another nick.  Every nick the UI and the client log get is one of
 * these.  Returns the length.
 */
size_t
nc_shown(const char *nick, size_t len, bool refused, char *buf)
{
	if (refused)
		return nick_escape(nick, len, buf, NICK_SHOW_MAX);
	nc_copy_str(buf, NICK_SHOW_MAX, nick, len);
	return strlen(buf);
}

/*
 * Entry i of a host list ("a,b:12346,c", the servers of one cluster):
 * its host (*h, *hlen) and its port (*pp, *plen; *pp NULL if it has
 * none).  An entry with two colons or more is an IPv6 address without
 * a port; "[addr]:port" gives one.
 */
static void
host_entry(const char *list, unsigned i, const char **h, size_t *hlen,
    const char **pp, size_t *plen)
{
	const char	*p = list, *end, *colon;
	size_t		 len;

	while (i-- > 0 && (end = strchr(p, ',')) != NULL)
		p = end + 1;
	len = (end = strchr(p, ',')) != NULL ? (size_t)(end - p) : strlen(p);
	*pp = NULL;
	*plen = 0;
	colon = memrchr(p, ':', len);
	if (colon != NULL && (memchr(p, ':', (size_t)(colon - p)) == NULL ||
	    (p[0] == '[' && colon > p && colon[-1] == ']'))) {
		*pp = colon + 1;
		*plen = len - (size_t)(colon - p) - 1;
		len = (size_t)(colon - p);
	}
	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	*h = p;
	*hlen = len;
}

/* Take entry i of the host list: nc->host and nc->port. */
static void
host_take(struct netclient *nc, unsigned i)
{
	const char	*h, *pp;
	size_t		 hlen, plen;

	host_entry(nc->hostlist, i, &h, &hlen, &pp, &plen);
	free(nc->host);
	free(nc->port);
	nc->host = xstrndup(h, hlen);
	nc->port = pp != NULL ? xstrndup(pp, plen) : xstrdup(nc->defport);
}

bool
netclient_hosts_loopback(const char *list)
{
	const char	*h, *pp, *p;
	char		 buf[256];
	size_t		 hlen, plen;
	unsigned	 i, n = 1;

	for (p = list; (p = strchr(p, ',')) != NULL; p++)
		n++;
	for (i = 0; i < n; i++) {
		host_entry(list, i, &h, &hlen, &pp, &plen);
		if (hlen >= sizeof buf)
			return false;
		memcpy(buf, h, hlen);
		buf[hlen] = '\0';
		if (!netio_is_loopback(buf))
			return false;
	}
	return true;
}

/*
 * Create a client for cfg.  The events struct and arg are kept (not
 * copied) and must outlive the client.  Nothing happens until
 * netclient_start().
 */
struct netclient *
netclient_new(const struct nc_config *cfg, const struct nc_events *ev,
    void *arg)
{
	struct netclient	*nc = xcalloc(1, sizeof *nc);

	const char		*p;

	nc->hostlist = xstrdup(cfg->host);
	nc->defport = xstrdup(cfg->port);
	for (nc->nhosts = 1, p = cfg->host; (p = strchr(p, ',')) != NULL; p++)
		nc->nhosts++;
	host_take(nc, 0);
	if (cfg->nick != NULL)
		nc_copy_str(nc->want, sizeof nc->want, cfg->nick,
		    strlen(cfg->nick));
	nc->ping_interval = cfg->ping_interval ? cfg->ping_interval : 30;
	nc->ping_timeout = cfg->ping_timeout ? cfg->ping_timeout : 15;
	nc->connect_timeout = cfg->connect_timeout ?
	    cfg->connect_timeout : 15;
	nc->ev = ev;
	nc->arg = arg;
	nc->log = cfg->log;
	nc->tls = cfg->tls;
	nc->known = xstrdup(cfg->known != NULL ? cfg->known : "");
	nc->pin = cfg->pin != NULL && *cfg->pin != '\0' ?
	    xstrdup(cfg->pin) : NULL;
	nc->pin_given = nc->pin != NULL;
	nc->fd = -1;
	nc->backoff = NC_BACKOFF_FIRST;
	nc2_init(nc, cfg);
	return nc;
}

void
nc_own_unlink(struct netclient *nc, struct nc_own *o)
{
	struct nc_own	**pp, *prev = NULL;

	for (pp = &nc->own; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp == o) {
			*pp = o->next;
			if (nc->owntail == o)
				nc->owntail = prev;
			return;
		}
	}
}

void
nc_own_free(struct nc_own *o)
{
	free(o->text);
	free(o->why);
	free(o);
}

/* Free the client and everything it owns; the socket is closed. */
void
netclient_free(struct netclient *nc)
{
	struct nc_own	*o, *next;

	if (nc == NULL)
		return;
	evloop_io_del(nc->io);
	conn_close(nc->conn);
	evloop_timer_del(nc->tick);
	outbuf_free(&nc->out);
	proto_lineq_free(&nc->lq);
	for (o = nc->own; o != NULL; o = next) {
		next = o->next;
		nc_own_free(o);
	}
	for (o = nc->lost; o != NULL; o = next) {
		next = o->next;
		nc_own_free(o);
	}
	nc2_free(nc);
	seenset_free(&nc->shown);
	free(nc->away);
	free(nc->users);
	u64map_free(&nc->byid);
	u64map_free(&nc->bykey);
	free(nc->rbuf);
	free(nc->host);
	free(nc->port);
	free(nc->hostlist);
	free(nc->defport);
	free(nc->known);
	free(nc->pin);
	free(nc);
}

static void
emit_state(struct netclient *nc)
{
	if (nc->ev->state != NULL)
		nc->ev->state(nc->arg, nc->state, nc->why, nc->secs_left);
}

/*
 * Record the new state of one of our own messages in the client log:
 * "pending" when sent, then its verdict.  Queued messages are not
 * recorded until they are sent.
 */
static void
log_own(struct netclient *nc, const struct nc_own *o)
{
	char	 verdict[48], me[NICK_SHOW_MAX];
	size_t	 melen;

	switch (o->state) {
	case NCO_QUEUED:
		return;
	case NCO_PENDING:
		snprintf(verdict, sizeof verdict, "pending");
		break;
	case NCO_CONFIRMED:
		snprintf(verdict, sizeof verdict, "confirmed");
		break;
	case NCO_RECOVERED:
		snprintf(verdict, sizeof verdict, "recovered");
		break;
	case NCO_REJECTED:
		snprintf(verdict, sizeof verdict, "rejected:%s", o->code);
		break;
	case NCO_UNDELIVERED:
	default:
		snprintf(verdict, sizeof verdict, "undelivered");
		break;
	}
	/* Its number is logged: its relay in a later history is not. */
	if (o->n != 0)
		clientlog_first(nc->log, o->n, o->md5);
	if (o->to != 0) {
		ncdm_log_own(nc, o, verdict);
		return;
	}
	/* A recovered one was sent with the id and nick of its time. */
	if (o->state == NCO_RECOVERED) {
		melen = nc_shown(o->sent_nick, strlen(o->sent_nick),
		    nc->refused, me);
		clientlog_record(nc->log, "out", o->n, o->sent_id, me, melen,
		    o->md5, verdict, o->text, o->len);
		return;
	}
	melen = nc_shown(nc->nick, strlen(nc->nick), nc->refused, me);
	clientlog_record(nc->log, "out", o->state == NCO_PENDING ? 0 : o->n,
	    nc->id, me, melen, o->md5, verdict, o->text, o->len);
}

void
nc_emit_own(struct netclient *nc, struct nc_own *o)
{
	if (nc->ev->own != NULL)
		nc->ev->own(nc->arg, o);
	if (nc->log != NULL)
		log_own(nc, o);
}

void
nc_emit_note(struct netclient *nc, enum nc_note what, const char *code,
    size_t codelen, const char *text, size_t textlen)
{
	if (nc->ev->note != NULL)
		nc->ev->note(nc->arg, what, code, codelen, text, textlen);
}

/*
 * Watch for what we need: always input, output while some is pending,
 * and whatever the transport itself wants now (a TLS handshake).
 */
static void
io_mask(struct netclient *nc, ssize_t left)
{
	evloop_io_set(nc->io, EV_READ | (left > 0 ? EV_WRITE : 0) |
	    conn_wants(nc->conn));
}

/* Queue bytes for the server and try to write them at once. */
static void
put(struct netclient *nc, const char *buf, size_t len)
{
	ssize_t	 left;

	outbuf_append(&nc->out, buf, len);
	if (nc->fd == -1 || nc->state == NC_CONNECTING)
		return;
	left = outbuf_flush(&nc->out, nc->conn);
	if (left == -1) {
		snprintf(nc->err, sizeof nc->err, "%s", strerror(errno));
		drop(nc, NCW_ERROR);
		return;
	}
	io_mask(nc, left);
}

void
nc_put(struct netclient *nc, const char *buf, size_t len)
{
	put(nc, buf, len);
}

/*
 * Queue bytes for the server, to be written when the socket is
 * writable: unlike put(), never drops the connection from under the
 * caller.
 */
void
nc_put_later(struct netclient *nc, const char *buf, size_t len)
{
	outbuf_append(&nc->out, buf, len);
	if (nc->io != NULL && nc->state != NC_CONNECTING)
		io_mask(nc, (ssize_t)nc->out.len);
}

/* Message number n was seen: the next HELLO asks for what follows. */
void
nc_seen(struct netclient *nc, uint64_t n)
{
	if (n > nc->max_n)
		nc->max_n = n;
	if (n > nc->hello_n)
		nc->hello_n = n;
}

void
nc_own_send(struct netclient *nc, struct nc_own *o)
{
	char	 frame[NC_FRAME];
	size_t	 len;

	len = nc2_encode_msg(nc, o, frame);
	o->state = NCO_PENDING;
	o->sent_id = nc->id;
	snprintf(o->sent_nick, sizeof o->sent_nick, "%s", nc->nick);
	o->floor = nc->max_n;
	put(nc, frame, len);
}

static void
send_nick(struct netclient *nc)
{
	char	 frame[PROTO_MAX_FRAME];

	put(nc, frame, proto_encode_nickreq(frame, nc->want,
	    strlen(nc->want)));
}

/* Seconds of delay after cur: 1, 2, 4, 8, 16, 30, 30 ... */
unsigned
netclient_backoff_next(unsigned cur)
{
	if (cur < NC_BACKOFF_FIRST)
		return NC_BACKOFF_FIRST;
	if (cur >= NC_BACKOFF_MAX / 2)
		return NC_BACKOFF_MAX;
	return cur * 2;
}

static void
tick_arm(struct netclient *nc)
{
	if (nc->tick == NULL)
		nc->tick = evloop_timer_add(1000, tick_cb, nc);
}

/*
 * Keep an undelivered message until the next connection's history
 * says whether the server had taken it; at most NC_LOST_MAX, the
 * oldest forgotten first (they stay undelivered).
 */
static void
lost_add(struct netclient *nc, struct nc_own *o)
{
	struct nc_own	*old;

	o->next = NULL;
	if (nc->losttail != NULL)
		nc->losttail->next = o;
	else
		nc->lost = o;
	nc->losttail = o;
	if (++nc->nlost <= NC_LOST_MAX)
		return;
	old = nc->lost;
	nc->lost = old->next;
	nc->nlost--;
	nc_own_free(old);
}

/* The history is over: what it did not show stays undelivered. */
static void
lost_clear(struct netclient *nc)
{
	struct nc_own	*o, *next;

	for (o = nc->lost; o != NULL; o = next) {
		next = o->next;
		nc_own_free(o);
	}
	nc->lost = nc->losttail = NULL;
	nc->nlost = 0;
}

/*
 * Close the connection (if any) for why.  Pending messages become
 * undelivered (we cannot know whether the server took them; the next
 * history may tell, see msg_recover()); queued ones stay queued.
 * Unless the client was closed, a retry is scheduled after the current
 * backoff, which then doubles.
 */
static void
drop(struct netclient *nc, enum nc_why why)
{
	struct nc_own	*o, *next;

	if (nc->bye != NCW_NONE && (why == NCW_CLOSED || why == NCW_ERROR))
		why = nc->bye;
	nc->bye = NCW_NONE;
	evloop_io_del(nc->io);
	nc->io = NULL;
	conn_close(nc->conn);
	nc->conn = NULL;
	nc->fd = -1;
	outbuf_free(&nc->out);
	nc->lq.partlen = 0;
	nc->lq.skipping = false;
	nc->ping_at = 0;
	/* The users stay known (a DM typed meanwhile names one) until
	   the next WELCOME. */
	nc2_drop(nc);
	for (o = nc->own; o != NULL; o = next) {
		next = o->next;
		if (o->state != NCO_PENDING)
			continue;
		nc_own_unlink(nc, o);
		o->state = NCO_UNDELIVERED;
		nc_emit_own(nc, o);
		/* A DM is never in a history: nothing can recover it. */
		if (o->to != 0)
			nc_own_free(o);
		else
			lost_add(nc, o);
	}
	nc->why = why;
	nc->tlsver[0] = '\0';
	if (nc->state == NC_CLOSED) {
		emit_state(nc);
		return;
	}
	/* See netclient_trust(): the same server again, untold. */
	if (nc->late_trust && nc->state == NC_HANDSHAKE && !nc->halt) {
		nc->late_trust = false;
		nc->state = NC_WAITING;
		nc->secs_left = 0;
		return;
	}
	nc->late_trust = false;
	/* Several servers (a cluster): the next one, same backoff. */
	if (nc->nhosts > 1) {
		nc->hostidx = (nc->hostidx + 1) % nc->nhosts;
		host_take(nc, nc->hostidx);
	}
	if (nc->halt) {
		nc->halt = false;
		nc->state = NC_STOPPED;
		evloop_timer_del(nc->tick);
		nc->tick = NULL;
		emit_state(nc);
		return;
	}
	nc->state = NC_WAITING;
	nc->secs_left = nc->backoff;
	nc->backoff = netclient_backoff_next(nc->backoff);
	tick_arm(nc);
	emit_state(nc);
}

static void
do_connect(struct netclient *nc)
{
	int	 fd;

	nc->err[0] = '\0';
	nc->why = NCW_NONE;
	nc->bye = NCW_NONE;
	fd = netio_connect(nc->host, nc->port, nc->err, sizeof nc->err);
	if (fd < 0) {
		nc->state = NC_CONNECTING;
		/* A name that does not exist is not tried again by itself. */
		if (fd == -2)
			halt(nc, NCW_NOHOST);
		else
			drop(nc, fd == -3 ? NCW_NOHOST : NCW_REFUSED);
		return;
	}
	nc->fd = fd;
	nc->conn = nc->tls != NULL ? tls_client_conn(nc->tls, nc->fd, nc->host,
	    TLS_ALPN_V2) : conn_plain_new(nc->fd);
	nc->state = NC_CONNECTING;
	nc->since = now();
	nc->io = evloop_io_add(nc->fd, EV_WRITE, io_cb, nc);
	tick_arm(nc);
	emit_state(nc);
}

/*
 * Run a session over fd, already connected to a server: as if a
 * connect had just succeeded (the handshake starts; WELCOME is
 * awaited).  Any retry that was scheduled is cancelled.
 */
int
netclient_attach(struct netclient *nc, int fd)
{
	return netclient_attach_v(nc, fd, PROTO_V1);
}

int
netclient_attach_v(struct netclient *nc, int fd, int version)
{
	if (nc->fd != -1 || nc->state == NC_CLOSED) {
		errno = EBUSY;
		return -1;
	}
	if (netio_setup_fd(fd) == -1)
		return -1;
	evloop_timer_del(nc->tick);
	nc->tick = NULL;
	nc->err[0] = '\0';
	nc->why = NCW_NONE;
	nc->bye = NCW_NONE;
	nc->fd = fd;
	nc->conn = conn_plain_new(fd);
	nc->io = evloop_io_add(fd, EV_READ, io_cb, nc);
	nc->state = NC_HANDSHAKE;
	nc->last_rx = nc->since = now();
	io_mask(nc, (ssize_t)nc->out.len);
	tick_arm(nc);
	emit_state(nc);
	nc2_connected(nc, version);
	return 0;
}

/* Begin: connect (without blocking) and keep retrying on failure. */
void
netclient_start(struct netclient *nc)
{
	if (nc->state != NC_IDLE && nc->state != NC_WAITING)
		return;
	do_connect(nc);
}

/* Drop the connection if any and connect now, at the first backoff. */
void
netclient_reconnect(struct netclient *nc)
{
	if (nc->state == NC_CLOSED)
		return;
	if (nc->fd != -1)
		drop(nc, NCW_USER);
	nc->backoff = NC_BACKOFF_FIRST;
	do_connect(nc);
}

/* Say goodbye if connected; close; stop retrying. */
void
netclient_quit(struct netclient *nc, const char *text)
{
	char	 frame[PROTO_MAX_FRAME];
	size_t	 len = 0;

	if (nc->state == NC_HANDSHAKE || nc->state == NC_HISTORY ||
	    nc->state == NC_READY) {
		len = proto_encode_quit(frame, text != NULL ? text : "",
		    text != NULL ? strlen(text) : 0);
		outbuf_append(&nc->out, frame, len);
		if (nc->fd != -1)
			(void)outbuf_flush(&nc->out, nc->conn);
	}
	evloop_timer_del(nc->tick);
	nc->tick = NULL;
	nc->state = NC_CLOSED;
	drop(nc, NCW_USER);
}

/* Forget every other user (a new connection). */
static void
users_clear(struct netclient *nc)
{
	nc->nusers = 0;
	u64map_clear(&nc->byid);
	u64map_clear(&nc->bykey);
}

struct nc_user *
nc_users_find(const struct netclient *nc, uint64_t id)
{
	uint64_t	 i;

	return u64map_get(&nc->byid, id, &i) ? &nc->users[i] : NULL;
}

static void
users_set(struct netclient *nc, uint64_t id, const char *nick, size_t len,
    uint64_t keyhash, bool refused)
{
	struct nc_user	*u = nc_users_find(nc, id);

	if (u == NULL) {
		if (nc->nusers == nc->capusers) {
			nc->capusers = nc->capusers ? nc->capusers * 2 : 16;
			nc->users = xreallocarray(nc->users, nc->capusers,
			    sizeof *nc->users);
		}
		u64map_put(&nc->byid, id, nc->nusers);
		u = &nc->users[nc->nusers++];
		memset(u, 0, sizeof *u);
		u->id = id;
	} else
		u64map_del(&nc->bykey, u->keyhash, id);
	nc_copy_str(u->nick, sizeof u->nick, nick, len);
	u->keyhash = keyhash;
	u->refused = refused;
	u64map_put(&nc->bykey, keyhash, id);
}

static void
users_del(struct netclient *nc, uint64_t id)
{
	struct nc_user	*u = nc_users_find(nc, id), *last;
	size_t		 i;

	if (u == NULL)
		return;
	i = (size_t)(u - nc->users);
	u64map_del(&nc->byid, id, i);
	u64map_del(&nc->bykey, u->keyhash, id);
	last = &nc->users[--nc->nusers];
	if (u != last) {
		u64map_del(&nc->byid, last->id, nc->nusers);
		*u = *last;
		u64map_put(&nc->byid, u->id, i);
	}
}

/*
 * Would this client refuse nick (len bytes) for client id, were it the
 * server (doc/PROTOCOL.md, <nick>)?  Yes if it is not a valid nick, or
 * if it has the key of another client's nick here, ours included: a
 * server that let "\u0430na" in beside "ana" (or sent "ana" twice) gets
 * the later one shown escaped.  A nick shown escaped cannot pass for
 * another, so it takes no key from anyone.  *hash gets the hash of the
 * key, 0 if none.
 * Keys are compared by hash, and confirmed with ICU only on a match.
 */
static bool
nick_refused(struct netclient *nc, uint64_t id, const char *nick,
    size_t len, uint64_t *hash)
{
	struct nc_user	*u;
	char		 key[NICK_KEY_MAX];
	size_t		 klen, it;
	uint64_t	 other;

	*hash = 0;
	if (!nick_valid(nick, len) ||
	    (klen = nick_key(nick, len, key, sizeof key)) == 0)
		return true;
	*hash = nick_hash(key, klen);
	if (id != nc->id && !nc->refused && nc->keyhash == *hash &&
	    nick_has_key(nc->nick, strlen(nc->nick), key, klen))
		return true;
	for (it = 0; u64map_next(&nc->bykey, *hash, &it, &other);) {
		u = nc_users_find(nc, other);
		if (u != NULL && u->id != id && !u->refused &&
		    nick_has_key(u->nick, strlen(u->nick), key, klen))
			return true;
	}
	return false;
}

bool
nc_departed_same(struct netclient *nc, uint64_t id, const char *nick,
    size_t len)
{
	struct nc_user	*u;
	char		 key[NICK_KEY_MAX];
	size_t		 klen, it;
	uint64_t	 hash, other;

	if (id == nc->id || nc_users_find(nc, id) != NULL ||
	    !nick_valid(nick, len) ||
	    (klen = nick_key(nick, len, key, sizeof key)) == 0)
		return false;
	if (!nc->refused && strlen(nc->nick) == len &&
	    memcmp(nc->nick, nick, len) == 0)
		return true;
	hash = nick_hash(key, klen);
	for (it = 0; u64map_next(&nc->bykey, hash, &it, &other);) {
		u = nc_users_find(nc, other);
		if (u != NULL && !u->refused && strlen(u->nick) == len &&
		    memcmp(u->nick, nick, len) == 0)
			return true;
	}
	return false;
}

/*
 * The shown form (see nc_shown()) of nick for client id in a MSG or LEAVE:
 * as decided when that client took the nick if it still has it, else
 * judged now.
 */
size_t
nc_shown_for(struct netclient *nc, uint64_t id, const char *nick, size_t len,
    char *buf)
{
	struct nc_user	*u = nc_users_find(nc, id);
	const char	*have = u != NULL ? u->nick : id == nc->id ?
			    nc->nick : NULL;
	bool		 refused;
	uint64_t	 hash;

	if (have != NULL && strlen(have) == len && memcmp(have, nick, len) == 0)
		refused = u != NULL ? u->refused : nc->refused;
	else if (nc_departed_same(nc, id, nick, len))
		refused = false;
	else
		refused = nick_refused(nc, id, nick, len, &hash);
	return nc_shown(nick, len, refused, buf);
}

static struct nc_own *
own_find(struct netclient *nc, const struct proto_str *seq)
{
	struct nc_own	*o;
	char		 buf[PROTO_MAX_NUM + 1];
	size_t		 len;

	for (o = nc->own; o != NULL; o = o->next) {
		if (o->state != NCO_PENDING)
			continue;
		len = (size_t)(proto_put_u64(buf, o->seq) - buf);
		if (len == seq->len && memcmp(buf, seq->p, len) == 0)
			return o;
	}
	return NULL;
}

/*
 * Message n of ours from connection id is known: the server answers in
 * order, so any later one from that connection has a higher number.
 */
static void
floors_raise(struct nc_own *list, uint64_t id, uint64_t n)
{
	struct nc_own	*o;

	for (o = list; o != NULL; o = o->next)
		if (o->sent_id == id && o->floor < n)
			o->floor = n;
}

static void
on_fate(struct netclient *nc, const struct proto_smsg *m)
{
	struct nc_own	*o = own_find(nc, &m->seq);

	if (o == NULL) {
		nc_emit_note(nc, NCN_BADFRAME, m->seq.p, m->seq.len,
		    "unknown seq", 11);
		return;
	}
	nc_own_unlink(nc, o);
	if (m->verb == PV_OK) {
		o->state = NCO_CONFIRMED;
		o->n = m->n;
		floors_raise(nc->own, o->sent_id, m->n);
		nc_seen(nc, m->n);
		(void)seenset_add(&nc->shown, m->n, o->md5);
	} else {
		o->state = NCO_REJECTED;
		nc_copy_str(o->code, sizeof o->code, m->code.p, m->code.len);
		if (m->text.len > 0)
			o->why = xstrndup(m->text.p, m->text.len);
	}
	nc_emit_own(nc, o);
	nc_own_free(o);
}

/*
 * Judge a received message: the digest, then the text rules, then (for
 * a live one) that its sender is connected.  History carries the ids
 * and nicks senders had when their messages were accepted: those may
 * have left long ago, so only live messages are judged by sender.
 */
static enum nc_verdict
msg_verdict(struct netclient *nc, const struct nc_msg *msg)
{
	if (!digest_md5_equal(msg->computed, msg->md5))
		return NCV_DIGEST;
	if (!proto_text_valid(msg->text, msg->textlen))
		return NCV_TEXT;
	if (!msg->history && nc_users_find(nc, msg->id) == NULL)
		return NCV_SENDER;
	return NCV_GOOD;
}

/* Say on stderr why a message is not shown as genuine. */
static void
msg_warn(const struct nc_msg *msg)
{
	switch (msg->verdict) {
	case NCV_DIGEST:
		log_warnx("message %llu from #%llu failed its digest check "
		    "(got %.32s, computed %s)", (unsigned long long)msg->n,
		    (unsigned long long)msg->id, msg->md5, msg->computed);
		break;
	case NCV_TEXT:
		log_warnx("message %llu from #%llu has a matching digest but "
		    "its text breaks the protocol's rules (control characters "
		    "or invalid UTF-8)", (unsigned long long)msg->n,
		    (unsigned long long)msg->id);
		break;
	case NCV_SENDER:
		log_warnx("message %llu names #%llu as its sender, who is "
		    "not connected", (unsigned long long)msg->n,
		    (unsigned long long)msg->id);
		break;
	default:
		break;
	}
}

/*
 * A good history message may be one of ours that the last connection
 * lost before its OK: the first undelivered message it matches by the
 * rule of netclient_send() becomes recovered (number n).  True if so.
 */
static bool
msg_recover(struct netclient *nc, const struct nc_msg *msg)
{
	struct nc_own	*o, *prev = NULL;

	for (o = nc->lost; o != NULL; prev = o, o = o->next) {
		if (o->sent_id != msg->id || msg->n <= o->floor ||
		    strlen(o->sent_nick) != msg->nicklen ||
		    memcmp(o->sent_nick, msg->nick, msg->nicklen) != 0 ||
		    !digest_md5_equal(o->md5, msg->md5) ||
		    o->len != msg->textlen ||
		    memcmp(o->text, msg->text, o->len) != 0 ||
		    (o->sig[0] != '\0' && msg->sig != NULL &&
		    strcmp(o->sig, msg->sig) != 0))
			continue;
		if (prev != NULL)
			prev->next = o->next;
		else
			nc->lost = o->next;
		if (nc->losttail == o)
			nc->losttail = prev;
		nc->nlost--;
		floors_raise(nc->lost, o->sent_id, msg->n);
		nc_seen(nc, msg->n);
		(void)seenset_add(&nc->shown, msg->n, o->md5);
		o->next = NULL;
		o->state = NCO_RECOVERED;
		o->n = msg->n;
		nc_emit_own(nc, o);
		nc_own_free(o);
		return true;
	}
	return false;
}

/*
 * A history message of version 1 that was shown already (a reconnect's
 * history replays it): nothing to show or log again.  Version 2's
 * HELLO <n> asks only for what followed; a server with a new log
 * reuses numbers with other digests, which are shown.
 */
static bool
msg_shown(struct netclient *nc, const struct proto_smsg *m)
{
	char	 md5[PROTO_MD5_HEX + 1];

	if (nc->state != NC_HISTORY || m->verb != PV_MSG)
		return false;
	nc_copy_str(md5, sizeof md5, m->md5.p, m->md5.len);
	if (!seenset_has(&nc->shown, m->n, md5))
		return false;
	nc_seen(nc, m->n);
	return true;
}

/* A relayed MSG or DM (a private message to us: never history). */
static void
on_message(struct netclient *nc, const struct proto_smsg *m)
{
	struct nc_msg	 msg;
	char		 show[NICK_SHOW_MAX], sig[PROTO_SIG_B64 + 1];

	if (msg_shown(nc, m))
		return;
	memset(&msg, 0, sizeof msg);
	msg.n = m->n;
	msg.id = m->id;
	msg.nick = show;
	msg.nicklen = nc_shown_for(nc, m->id, m->nick.p, m->nick.len, show);
	msg.text = m->text.p;
	msg.textlen = m->text.len;
	msg.md5 = m->md5.p;
	msg.dm = m->verb == PV_DM;
	digest_md5_hex(m->text.p, m->text.len, msg.computed);
	msg.history = nc->state == NC_HISTORY && !msg.dm;
	msg.verdict = msg_verdict(nc, &msg);
	if (nc->version == PROTO_V2) {
		nc_copy_str(sig, sizeof sig, m->sig.p, m->sig.len);
		msg.sig = sig;
		if (msg.verdict == NCV_GOOD)
			nc2_message(nc, m, &msg);
	}
	msg.good = msg.verdict == NCV_GOOD;
	msg.mention = netclient_mentions(m->text.p, m->text.len, nc->nick);
	if (msg.history)
		nc->nhistory++;
	nc_seen(nc, m->n);
	if (msg.good || msg.verdict == NCV_VERIFYING)
		(void)seenset_add(&nc->shown, m->n, msg.computed);
	if (!msg.good)
		msg_warn(&msg);
	if (nc->ev->message != NULL)
		nc->ev->message(nc->arg, &msg);
	if (msg.verdict == NCV_VERIFYING)
		nc2_pending(nc, &msg);
	if ((msg.good || msg.verdict == NCV_VERIFYING) && msg.history &&
	    nc->lost != NULL)
		msg_recover(nc, &msg);
	if (msg.verdict != NCV_VERIFYING)
		nc_log_msg(nc, &msg);
}

/*
 * Record a received message in the client log with its verdict: good
 * (unsigned), signed:<key> (the signature is that key's) or FAILED.
 * Each message is logged once, not again with every history.
 */
void
nc_log_msg(struct netclient *nc, const struct nc_msg *msg)
{
	char	 verdict[KEYS_FP_LEN + 8];

	if (nc->log == NULL || !clientlog_first(nc->log, msg->n, msg->md5))
		return;
	if (msg->good && msg->sigok)
		snprintf(verdict, sizeof verdict, "signed:%s", msg->key);
	else
		snprintf(verdict, sizeof verdict, "%s", msg->good ? "good" :
		    "FAILED");
	clientlog_record(nc->log, msg->dm ? "dm-in" : msg->history ? "hist" :
	    "in", msg->n,
	    msg->id, msg->nick, msg->nicklen, msg->md5, verdict, msg->text,
	    msg->textlen);
}

static void
on_ready(struct netclient *nc, const struct proto_smsg *m)
{
	struct nc_own	*o, *next;

	nc->state = NC_READY;
	lost_clear(nc);
	if (nc->ev->ready != NULL)
		nc->ev->ready(nc->arg, m->n, nc->nhistory);
	emit_state(nc);
	for (o = nc->own; o != NULL && nc->state == NC_READY; o = next) {
		next = o->next;
		if (o->state != NCO_QUEUED)
			continue;
		if (o->to != 0) {
			(void)ncdm_send(nc, o);
			continue;
		}
		nc_own_send(nc, o);
		nc_emit_own(nc, o);
	}
}

/*
 * After ERR nickinuse for the nick we want: did this LEAVE (nick) or
 * NICK of someone else (from old to nick) free it (same key)?  Then ask
 * for it again, once for this event.
 */
static void
want_freed(struct netclient *nc, enum nc_user_ev what, const char *old,
    const struct proto_str *nick)
{
	char	 key[NICK_KEY_MAX];
	size_t	 klen;

	if (!nc->want_taken || (what != NCU_LEAVE && what != NCU_NICK) ||
	    old == NULL || (nc->state != NC_HISTORY && nc->state != NC_READY))
		return;
	if ((klen = nick_key(nc->want, strlen(nc->want), key,
	    sizeof key)) == 0 || !nick_has_key(old, strlen(old), key, klen))
		return;
	if (what == NCU_NICK && nick_has_key(nick->p, nick->len, key, klen))
		return;
	send_nick(nc);
}

static void
on_user(struct netclient *nc, enum nc_user_ev what,
    const struct proto_smsg *m)
{
	struct nc_user	*u;
	char		 old[NICK_SHOW_MAX], show[NICK_SHOW_MAX];
	char		 freed[PROTO_MAX_NICK + 1] = "";
	const char	*oldp = NULL;
	bool		 self = m->id == nc->id, refused = false;
	uint64_t	 hash = 0;
	size_t		 len;

	if (what == NCU_LEAVE)
		nc_copy_str(freed, sizeof freed, m->nick.p, m->nick.len);
	else if (what == NCU_NICK && !self &&
	    (u = nc_users_find(nc, m->id)) != NULL)
		nc_copy_str(freed, sizeof freed, u->nick, strlen(u->nick));
	if (what == NCU_LEAVE)
		len = nc_shown_for(nc, m->id, m->nick.p, m->nick.len, show);
	else {
		refused = nick_refused(nc, m->id, m->nick.p, m->nick.len,
		    &hash);
		len = nc_shown(m->nick.p, m->nick.len, refused, show);
	}
	if (what == NCU_NICK) {
		if (self) {
			nc_shown(nc->nick, strlen(nc->nick), nc->refused, old);
			oldp = old;
			nc_copy_str(nc->nick, sizeof nc->nick, m->nick.p,
			    m->nick.len);
			nc->keyhash = hash;
			nc->refused = refused;
			if (strcmp(nc->nick, nc->want) == 0)
				nc->want_taken = false;
		} else if ((u = nc_users_find(nc, m->id)) != NULL) {
			nc_shown(u->nick, strlen(u->nick), u->refused, old);
			oldp = old;
		}
	}
	/* Only USER and JOIN make an id known; NICK renames a known one. */
	if (what == NCU_LEAVE)
		users_del(nc, m->id);
	else if (!self && (what != NCU_NICK || oldp != NULL))
		users_set(nc, m->id, m->nick.p, m->nick.len, hash, refused);
	if (nc->ev->user != NULL)
		nc->ev->user(nc->arg, what, m->id, show, len, oldp,
		    m->code.p, m->code.len, self);
	if (nc->version == PROTO_V2 && !self)
		nc2_user(nc, what, m, what == NCU_LEAVE ? NULL :
		    nc_users_find(nc, m->id));
	if (!self)
		want_freed(nc, what, freed[0] != '\0' ? freed : NULL, &m->nick);
}

static void
on_err(struct netclient *nc, const struct proto_smsg *m)
{
	enum nc_note	 what = NCN_ERR;
	char		 show[NICK_SHOW_MAX];
	const char	*text = m->text.p;
	size_t		 len = m->text.len;

	if (m->code.len == 9 && memcmp(m->code.p, "nickinuse", 9) == 0) {
		what = NCN_NICKINUSE;
		if (nc->want[0] != '\0' && strcmp(nc->want, nc->nick) != 0)
			nc->want_taken = true;
		/* The nick in it is shown as any other. */
		if (len > 0 && !nick_valid(text, len)) {
			len = nick_escape(text, len, show, sizeof show);
			text = show;
		}
	} else if (m->code.len == 7 && memcmp(m->code.p, "badnick", 7) == 0)
		what = NCN_BADNICK;
	nc_emit_note(nc, what, m->code.p, m->code.len, text, len);
}

static void
on_welcome(struct netclient *nc, const struct proto_smsg *m)
{
	char	 show[NICK_SHOW_MAX];
	size_t	 len;

	nc->id = m->id;
	nc_copy_str(nc->nick, sizeof nc->nick, m->nick.p, m->nick.len);
	users_clear(nc);
	nc->nhistory = 0;
	nc->max_n = 0;
	nc->want_taken = false;
	nc->late_trust = false;
	nc->state = NC_HISTORY;
	nc->backoff = NC_BACKOFF_FIRST;
	/* Even our own nick: a server may give us one we would refuse. */
	nc->refused = nick_refused(nc, m->id, m->nick.p, m->nick.len,
	    &nc->keyhash);
	len = nc_shown(m->nick.p, m->nick.len, nc->refused, show);
	if (nc->ev->welcome != NULL)
		nc->ev->welcome(nc->arg, m->id, show, len);
	emit_state(nc);
	nc2_welcome(nc, m);
	if (nc->want[0] != '\0' && strcmp(nc->want, nc->nick) != 0)
		send_nick(nc);
	ncdm_welcome(nc);
}

/*
 * BYE: the server closes.  Kicked (or banned), or denied (a server that
 * admits only the keys it registered), the client does not come back
 * by itself: it closes now and stays down until the user reconnects;
 * the server's text is the reason (netclient_error()).
 */
static void
on_bye(struct netclient *nc, const struct proto_smsg *m)
{
	nc->bye = m->code.len == 4 && memcmp(m->code.p, "full", 4) == 0 ?
	    NCW_FULL : NCW_BYE;
	nc_emit_note(nc, NCN_BYE, m->code.p, m->code.len, m->text.p,
	    m->text.len);
	/* netclient_error(): the reason and its text ("shutdown"). */
	snprintf(nc->err, sizeof nc->err, "%.*s%s%.*s", (int)m->code.len,
	    m->code.p, m->text.len > 0 ? " " : "", (int)m->text.len,
	    m->text.p);
	if (m->code.len == 6 && memcmp(m->code.p, "denied", 6) == 0) {
		nc_copy_str(nc->err, sizeof nc->err, m->text.p, m->text.len);
		nc->bye = NCW_NONE;
		halt(nc, NCW_DENIED);
		return;
	}
	if (m->code.len != 6 || memcmp(m->code.p, "kicked", 6) != 0)
		return;
	nc_copy_str(nc->err, sizeof nc->err, m->text.p, m->text.len);
	nc->bye = NCW_NONE;
	halt(nc, NCW_KICKED);
}

/* Handle one frame from the server (len bytes, no LF). */
static void
on_frame(struct netclient *nc, const char *line, size_t len)
{
	struct proto_smsg	 m;
	char			 frame[PROTO_MAX_FRAME];

	if (!nc2_parse(nc, line, len, &m)) {
		nc_emit_note(nc, NCN_BADFRAME, NULL, 0, line,
		    len > 80 ? 80 : len);
		return;
	}
	if (nc2_swallow(nc, &m))
		return;
	if (nc->state == NC_HANDSHAKE && m.verb != PV_WELCOME &&
	    m.verb != PV_BYE && m.verb != PV_PING && m.verb != PV_ERR) {
		nc_emit_note(nc, NCN_BADFRAME, NULL, 0, line,
		    len > 80 ? 80 : len);
		return;
	}
	switch (m.verb) {
	case PV_WELCOME:
		if (nc->state != NC_HANDSHAKE) {
			nc_emit_note(nc, NCN_BADFRAME, NULL, 0, line, len);
			return;
		}
		on_welcome(nc, &m);
		break;
	case PV_USER:
		on_user(nc, NCU_PRESENT, &m);
		break;
	case PV_JOIN:
		on_user(nc, NCU_JOIN, &m);
		break;
	case PV_LEAVE:
		on_user(nc, NCU_LEAVE, &m);
		break;
	case PV_NICK:
		on_user(nc, NCU_NICK, &m);
		break;
	case PV_READY:
		if (nc->state == NC_HISTORY)
			on_ready(nc, &m);
		break;
	case PV_MSG:
	case PV_DM:
		on_message(nc, &m);
		break;
	case PV_AWAY:
		ncdm_away(nc, &m);
		break;
	case PV_OK:
	case PV_NAK:
		on_fate(nc, &m);
		break;
	case PV_KEY:
		nc2_key(nc, &m);
		break;
	case PV_PING:
		put(nc, frame, proto_encode_pong(frame, m.token.p,
		    m.token.len));
		break;
	case PV_PONG:
		nc->ping_at = 0;
		break;
	case PV_ERR:
		on_err(nc, &m);
		break;
	case PV_BYE:
		on_bye(nc, &m);
		break;
	default:
		break;
	}
}

/* Scan a buffer that starts with the saved partial frame. */
static void
scan(struct netclient *nc, const char *buf, size_t len)
{
	struct proto_scan	 s;
	const char		*line;
	size_t			 n;
	enum proto_scan_result	 r;
	int			 fd = nc->fd;
	char			 frame[PROTO_MAX_FRAME];

	nc->last_rx = now();
	nc->ping_at = 0;
	proto_scan_init(&s, buf, len);
	while ((r = proto_scan_next(&nc->lq, &s, &line, &n)) != PS_END) {
		if (r == PS_TOOLONG) {
			/* The protocol asks whoever receives one to say so. */
			put(nc, frame, proto_encode_err(frame, "toolong",
			    NULL, 0));
			if (nc->fd != fd)
				return;
			nc_emit_note(nc, NCN_TOOLONG, NULL, 0, NULL, 0);
		} else
			on_frame(nc, line, n);
		/* A frame may have dropped the connection. */
		if (nc->fd != fd || fd == -1)
			return;
	}
	proto_lineq_keep(&nc->lq, &s);
}

static void
on_readable(struct netclient *nc)
{
	size_t	 have;
	ssize_t	 n;

	if (nc->rbuf == NULL)
		nc->rbuf = xmalloc(PROTO_MAX_FRAME_V2 + READ_CHUNK);
	have = proto_lineq_prepend(&nc->lq, nc->rbuf);
	n = conn_read(nc->conn, nc->rbuf + have, READ_CHUNK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		/* Put the partial frame back. */
		struct proto_scan s;

		proto_scan_init(&s, nc->rbuf, have);
		proto_lineq_keep(&nc->lq, &s);
		return;
	}
	if (n <= 0) {
		if (n == -1)
			snprintf(nc->err, sizeof nc->err, "%s",
			    strerror(errno));
		drop(nc, n == 0 ? NCW_CLOSED : NCW_ERROR);
		return;
	}
	scan(nc, nc->rbuf, have + (size_t)n);
}

/* The transport is up and trusted: wait for WELCOME. */
static void
connected(struct netclient *nc)
{
	struct conn_info	 ci;

	nc->state = NC_HANDSHAKE;
	nc->last_rx = now();
	nc->since = nc->last_rx;
	io_mask(nc, (ssize_t)nc->out.len);
	emit_state(nc);
	conn_info(nc->conn, &ci);
	nc2_connected(nc, strcmp(ci.alpn, TLS_ALPN_V2) == 0 ? PROTO_V2 :
	    PROTO_V1);
	if (nc->fd == -1)
		return;
	/* The server may have spoken during the handshake. */
	if (nc->tls != NULL)
		on_readable(nc);
}

/* Drop, and stay down until the user reconnects. */
static void
halt(struct netclient *nc, enum nc_why why)
{
	nc->halt = true;
	drop(nc, why);
}

/*
 * Carry the TLS handshake on; once done, judge the server's key: a CA
 * or a pin lets it through, a new key asks the user, a changed key is
 * refused for good.
 */
static void
secure(struct netclient *nc)
{
	struct conn_info	 ci;
	char			 old[KEYS_FP_LEN] = "", why[256];

	switch (conn_handshake(nc->conn)) {
	case 0:
		evloop_io_set(nc->io, conn_wants(nc->conn));
		return;
	case -1:
		conn_info(nc->conn, &ci);
		snprintf(nc->err, sizeof nc->err, "%s", ci.error);
		drop(nc, NCW_TLS);
		return;
	}
	conn_info(nc->conn, &ci);
	snprintf(nc->tlsver, sizeof nc->tlsver, "%s", ci.version);
	switch (tls_client_trust(nc->conn, nc->known, nc->host, nc->port,
	    nc->pin, nc->srvkey, old, why, sizeof why)) {
	case TLS_TRUST_CA:
	case TLS_TRUST_PINNED:
		connected(nc);
		break;
	case TLS_TRUST_NEW:
		nc->state = NC_TRUST;
		evloop_io_set(nc->io, 0);
		emit_state(nc);
		if (nc->ev->trust != NULL)
			nc->ev->trust(nc->arg, NCT_NEW, nc->srvkey, NULL);
		break;
	case TLS_TRUST_CHANGED:
		snprintf(nc->err, sizeof nc->err, "the server's key %s is not "
		    "the one %s, %s", nc->srvkey, nc->pin_given ?
		    "given with -trust" : "pinned for it", old);
		if (nc->ev->trust != NULL)
			nc->ev->trust(nc->arg, nc->pin_given ? NCT_GIVEN :
			    NCT_CHANGED, nc->srvkey, old);
		halt(nc, nc->pin_given ? NCW_KEYGIVEN : NCW_KEYCHANGED);
		break;
	default:
		snprintf(nc->err, sizeof nc->err, "%s", why);
		drop(nc, NCW_TLS);
		break;
	}
}

void
netclient_trust(struct netclient *nc, bool accept)
{
	if (nc->state != NC_TRUST)
		return;
	if (!accept) {
		snprintf(nc->err, sizeof nc->err, "the server's key was not "
		    "trusted");
		halt(nc, NCW_UNTRUSTED);
		return;
	}
	if (!tls_pin_store(nc->conn, nc->known, nc->host, nc->port)) {
		log_warn("cannot pin the server's key in %s", nc->known);
		/* Trusted all the same, for this run (this server). */
		if (nc->pin == NULL && nc->nhosts == 1)
			nc->pin = xstrdup(nc->srvkey);
	}
	/*
	 * The server may have given up while the user read the key (it
	 * waits only so long for HELLO): then connect again at once and
	 * quietly; the key is pinned now.
	 */
	nc->late_trust = true;
	connected(nc);
	if (nc->state == NC_WAITING && nc->secs_left == 0) {
		evloop_timer_del(nc->tick);
		nc->tick = NULL;
		do_connect(nc);
	}
}

const char *
netclient_transport(const struct netclient *nc)
{
	return nc->tlsver;
}

const char *
netclient_host(const struct netclient *nc, const char **port)
{
	*port = nc->port;
	return nc->host;
}

const char *
netclient_server_key(const struct netclient *nc)
{
	return nc->tls != NULL ? nc->srvkey : "";
}

static void
io_cb(void *arg, int fd, int events)
{
	struct netclient	*nc = arg;
	int			 soerr = 0;
	socklen_t		 sl = sizeof soerr;
	ssize_t			 left;

	if (nc->state == NC_CONNECTING) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			soerr = errno;
		if (soerr != 0) {
			snprintf(nc->err, sizeof nc->err, "%s",
			    strerror(soerr));
			drop(nc, NCW_REFUSED);
			return;
		}
		if (nc->tls != NULL) {
			nc->state = NC_SECURING;
			emit_state(nc);
			secure(nc);
		} else
			connected(nc);
		return;
	}
	if (nc->state == NC_SECURING) {
		secure(nc);
		return;
	}
	if (nc->state == NC_TRUST)
		return;
	if (events & EV_READ) {
		on_readable(nc);
		return;
	}
	if (events & EV_WRITE) {
		left = outbuf_flush(&nc->out, nc->conn);
		if (left == -1) {
			snprintf(nc->err, sizeof nc->err, "%s",
			    strerror(errno));
			drop(nc, NCW_ERROR);
			return;
		}
		io_mask(nc, left);
	}
}

/*
 * The server looks silent by the clock; but this process may have been
 * stopped (^Z, a suspended machine) with the answer waiting in its
 * socket.  Read what is waiting before judging: true if the server is
 * still silent (no WELCOME yet, or the PING still unanswered), false
 * if it spoke or the read ended the connection.
 */
static bool
still_silent(struct netclient *nc)
{
	enum nc_state	 st = nc->state;
	int		 fd = nc->fd;

	if (st == NC_CONNECTING || st == NC_SECURING)
		return true;
	on_readable(nc);
	if (nc->fd != fd || nc->state != st)
		return false;
	return st == NC_HANDSHAKE || nc->ping_at != 0;
}

/*
 * Once a second: count down to the next retry, give up on a connect or
 * handshake that takes too long, and PING a silent server, dropping it
 * when the PING goes unanswered.
 */
static void
tick_cb(void *arg)
{
	struct netclient	*nc = arg;
	time_t			 t = now();
	char			 frame[PROTO_MAX_FRAME], token[24];
	int			 len;

	nc->tick = NULL;
	switch (nc->state) {
	case NC_WAITING:
		if (nc->secs_left > 1) {
			nc->secs_left--;
			emit_state(nc);
		} else {
			nc->secs_left = 0;
			do_connect(nc);
		}
		break;
	case NC_CONNECTING:
	case NC_SECURING:
	case NC_HANDSHAKE:
		if (t - nc->since >= (time_t)nc->connect_timeout &&
		    still_silent(nc)) {
			snprintf(nc->err, sizeof nc->err, "%u",
			    nc->connect_timeout);
			drop(nc, NCW_DEAD);
		}
		break;
	case NC_HISTORY:
	case NC_READY:
		nc2_tick(nc);
		if (nc->ping_at != 0 &&
		    t - nc->ping_at >= (time_t)nc->ping_timeout) {
			if (!still_silent(nc))
				break;
			snprintf(nc->err, sizeof nc->err, "%ld",
			    (long)(t - nc->last_rx));
			drop(nc, NCW_DEAD);
		} else if (nc->ping_at == 0 &&
		    t - nc->last_rx >= (time_t)nc->ping_interval) {
			len = snprintf(token, sizeof token, "xc%u",
			    ++nc->ping_no);
			nc->ping_at = t;
			put(nc, frame, proto_encode_ping(frame, token,
			    (size_t)len));
		}
		break;
	default:
		break;
	}
	if (nc->state != NC_CLOSED && nc->state != NC_IDLE &&
	    nc->state != NC_STOPPED)
		tick_arm(nc);
}

/*
 * Create one of the user's messages (to 0: for everyone, else a DM to
 * that id) and queue it; the UI hears of it through ev->own.
 */
struct nc_own *
nc_own_add(struct netclient *nc, uint64_t to, const char *text, size_t len)
{
	struct nc_own	*o;
	size_t		 queued = 0;

	for (o = nc->own; o != NULL; o = o->next)
		if (o->state == NCO_QUEUED)
			queued++;
	if (nc->state != NC_READY && queued >= NC_QUEUE_MAX) {
		nc_emit_note(nc, NCN_QUEUEFULL, NULL, 0, text, len);
		return NULL;
	}
	o = xcalloc(1, sizeof *o);
	o->seq = ++nc->lastseq;
	o->to = to;
	o->text = xstrndup(text, len);
	o->len = len;
	digest_md5_hex(text, len, o->md5);
	o->state = NCO_QUEUED;
	if (nc->owntail != NULL)
		nc->owntail->next = o;
	else
		nc->own = o;
	nc->owntail = o;
	return o;
}

/* One of the user's messages: sent when ready, else queued. */
struct nc_own *
netclient_send(struct netclient *nc, const char *text, size_t len)
{
	struct nc_own	*o;

	if ((o = nc_own_add(nc, 0, text, len)) == NULL)
		return NULL;
	nc_emit_own(nc, o);
	if (nc->state == NC_READY) {
		nc_own_send(nc, o);
		/* put() may have dropped the connection already. */
		if (o->state == NCO_PENDING)
			nc_emit_own(nc, o);
	}
	return o;
}

/* Ask for nick now (if connected) and on every later connection. */
void
netclient_nick(struct netclient *nc, const char *nick)
{
	nc_copy_str(nc->want, sizeof nc->want, nick, strlen(nick));
	nc->want_taken = false;
	if (nc->state == NC_HISTORY || nc->state == NC_READY)
		send_nick(nc);
}

enum nc_state
netclient_state(const struct netclient *nc)
{
	return nc->state;
}

const char *
netclient_current_nick(const struct netclient *nc)
{
	return nc->nick;
}

bool
netclient_renaming(const struct netclient *nc)
{
	return nc->want[0] != '\0' && strcmp(nc->want, nc->nick) != 0;
}

unsigned
netclient_backoff(const struct netclient *nc)
{
	return nc->backoff;
}

const char *
netclient_error(const struct netclient *nc)
{
	return nc->err;
}

static bool
word_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c >= 0x80;
}

/*
 * True if nick occurs in text as a word: ASCII letters compared
 * without case, and neither neighbour a letter, digit, '_', '-' or a
 * non-ASCII byte.
 */
bool
netclient_mentions(const char *text, size_t len, const char *nick)
{
	size_t		 nl = strlen(nick), i;
	unsigned char	 c0;

	if (nl == 0 || nl > len)
		return false;
	c0 = (unsigned char)nick[0];
	c0 = c0 >= 'A' && c0 <= 'Z' ? (unsigned char)(c0 + 32) : c0;
	for (i = 0; i + nl <= len; i++) {
		/* The first byte alone rules out most places. */
		if (((unsigned char)text[i] | (c0 >= 'a' && c0 <= 'z' ?
		    0x20 : 0)) != c0 || strncasecmp(text + i, nick, nl) != 0)
			continue;
		if (i > 0 && word_char((unsigned char)text[i - 1]) &&
		    word_char((unsigned char)nick[0]))
			continue;
		if (i + nl < len && word_char((unsigned char)text[i + nl]) &&
		    word_char((unsigned char)nick[nl - 1]))
			continue;
		return true;
	}
	return false;
}
