/*
 * hubjoin.c -- a client comes in: whether it may (full, banned
 * addresses and keys, members), its key (v2: the certificate it
 * presented), the nick it
 * starts with (its registered one), its welcome (WELCOME, USER and
 * AWAY, the history it is owed, READY; JOIN to the others, each in its
 * protocol
 * version); and what the server takes from its log at start (numbers,
 * ids, history).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "bans.h"
#include "cluster.h"
#include "fanout.h"
#include "history.h"
#include "hub.h"
#include "hub_int.h"
#include "keys.h"
#include "log.h"
#include "msglog.h"
#include "protocol.h"
#include "tls.h"
#include "transport.h"
#include "xmalloc.h"

/* Is target (canonical) banned now, here or (a cluster) by any server? */
static bool
ban_holds(struct hub *h, const char *target)
{
	time_t	 now = time(NULL);

	return (h->cfg.bans != NULL && bans_match(h->cfg.bans, target, now)) ||
	    (h->cl != NULL && cluster_banned(h->cl, target, now));
}

/*
 * Is the address of peer, or the key of a v2 connection cn (the
 * certificate it presented), banned in the bans file now, or in the
 * cluster's list?
 */
static bool
banned(struct hub *h, struct conn *cn, const char *peer, bool v2)
{
	struct keys_pub	*pub;
	char		 t[BANS_TARGET_MAX + 1], fp[KEYS_FP_LEN];

	if (h->cfg.bans == NULL && h->cl == NULL)
		return false;
	if (bans_peer_address(peer, t) && ban_holds(h, t))
		return true;
	if (!v2 || (pub = tls_peer_pub(cn)) == NULL)
		return false;
	keys_pub_fingerprint(pub, fp);
	keys_pub_free(pub);
	return ban_holds(h, fp);
}

void
hub_ban_kick(struct hub *h, const char *target)
{
	struct client	**v;
	char		 t[BANS_TARGET_MAX + 1];
	unsigned	 i, n;

	v = xreallocarray(NULL, h->nclients + 1, sizeof *v);
	for (i = n = 0; i < h->nclients; i++)
		if (strcmp(h->clients[i]->key, target) == 0 ||
		    (bans_peer_address(h->clients[i]->peer, t) &&
		    strcmp(t, target) == 0))
			v[n++] = h->clients[i];
	for (i = 0; i < n; i++)
		hub_drop_text(v[i], "kicked", "banned", true);
	free(v);
}

bool
hub_turn_away(struct hub *h, struct conn *cn, const char *peer, bool v2)
{
	char		 buf[PROTO_MAX_FRAME];
	size_t		 len;

	/* Handshakes under way count too (a TLS newcomer's is off already). */
	if (h->nclients + h->nshakes >= h->cfg.maxclients)
		len = proto_encode_bye(buf, "full");
	else if (banned(h, cn, peer, v2)) {
		len = proto_encode_bye_text(buf, "kicked", "banned", 6);
		h->st.denied++;
		if (h->ev->refused != NULL)
			h->ev->refused(h->ui, peer, "banned");
	} else
		return false;
	if (conn_write(cn, buf, len) < 0)
		log_debug("%s: BYE: %s", peer, strerror(errno));
	conn_close(cn);
	return true;
}

/*
 * Is client o's address (canonical: addr) or its key target, or is it
 * c's key?  For the clients a ban of c's takes with it.
 */
static bool
same_origin(const struct client *o, const struct client *c,
    const char *addr)
{
	char	 t[BANS_TARGET_MAX + 1];

	if (bans_peer_address(o->peer, t) && strcmp(t, addr) == 0)
		return true;
	return c->key[0] != '\0' && strcmp(o->key, c->key) == 0;
}

bool
hub_kick_ban(struct hub *h, uint64_t id, time_t until, const char *text,
    char *err, size_t errlen)
{
	struct client	*c, **v;
	char		 addr[BANS_TARGET_MAX + 1];
	unsigned	 i, n;

	h->now = hub_now_ms();
	if ((c = hub_client_by_id(h, id)) == NULL || !c->joined) {
		snprintf(err, errlen, "no client %llu", (unsigned long long)id);
		return false;
	}
	if (h->cfg.bans == NULL) {
		snprintf(err, errlen, "there is no bans file");
		return false;
	}
	if (!bans_peer_address(c->peer, addr)) {
		snprintf(err, errlen, "%s has no address to ban", c->peer);
		return false;
	}
	if (text != NULL && (*text == '\0' ||
	    !proto_away_valid(text, strlen(text))))
		text = NULL;
	if (!bans_add(h->cfg.bans, addr, until, text, err, errlen) ||
	    (c->key[0] != '\0' && !bans_add(h->cfg.bans, c->key, until, text,
	    err, errlen)))
		return false;
	/* The others from there go too: a ban is not one connection. */
	v = xreallocarray(NULL, h->nclients + 1, sizeof *v);
	for (i = n = 0; i < h->nclients; i++)
		if (h->clients[i] != c && same_origin(h->clients[i], c, addr))
			v[n++] = h->clients[i];
	hub_drop_text(c, "kicked", text != NULL ? text : "banned", true);
	for (i = 0; i < n; i++)
		hub_drop_text(v[i], "kicked", "banned", true);
	free(v);
	return true;
}

/* Why c may not come in ("denied", or "kicked" with *text), or NULL. */
static const char *
refusal(struct hub *h, struct client *c, const char **text)
{
	struct accounts	*a = h->cfg.accounts;

	*text = NULL;
	if (c->key[0] != '\0' && a != NULL && accounts_banned(a, c->key)) {
		*text = "banned";
		return "kicked";
	}
	if (h->cfg.access == HUB_MEMBERS && (c->key[0] == '\0' ||
	    a == NULL || !accounts_member(a, c->key)))
		return "denied";
	return NULL;
}

/* A keyed client starts with its registered nick, if it is free. */
static void
start_nick(struct hub *h, struct client *c)
{
	const char	*nick;
	size_t		 len;

	/* In a cluster a nick is claimed in the store first (NICK). */
	if (h->cl != NULL || c->key[0] == '\0' || h->cfg.accounts == NULL ||
	    (nick = accounts_nick_of(h->cfg.accounts, c->key)) == NULL)
		return;
	len = strlen(nick);
	if (hub_nick_in_use(h, c, nick, len))
		return;
	memcpy(c->nick, nick, len + 1);
	c->nicklen = len;
	c->keyhash = hub_key_hash(c->nick, c->nicklen);
}

/* Queue a history message for the client being welcomed. */
static void
welcome_hist(void *arg, const struct hist_msg *m)
{
	struct client	*c = arg;
	char		 buf[PROTO_MAX_FRAME_V2 + 64];

	hub_queue(c, buf, proto_encode_relay_v(buf, c->version, PV_MSG, m->n,
	    m->time, m->id, m->nick, m->nicklen, m->md5,
	    m->sig != NULL ? m->sig : "-", m->text, m->textlen));
}

/* The key of a client as frames of version v show it (NULL in v1). */
static const char *
key_shown(const struct client *c, int v)
{
	if (v < PROTO_V2)
		return NULL;
	return c->key[0] != '\0' ? c->key : "-";
}

/* WELCOME, USER, history and READY for c; JOIN for the others. */
void
hub_welcome(struct hub *h, struct client *c, uint64_t after)
{
	struct hub_client_info ci;
	struct client	*o;
	const char	*why, *text;
	char		 buf[PROTO_MAX_FRAME_V2 + 64];
	unsigned	 i, users = 0;
	int		 v;

	if ((why = refusal(h, c, &text)) != NULL) {
		h->st.denied++;
		hub_drop_text(c, why, text, true);
		return;
	}
	/* In a cluster the store says which nick it starts with. */
	if (h->cl != NULL && !c->nick_asked) {
		c->nick_asked = true;
		if (cluster_start_nick(h->cl, c, after)) {
			c->welcoming = true;
			c->deadline = h->now + HELLO_MS +
			    cluster_timeout_ms(h->cl);
			return;		/* again when the store answers */
		}
	}
	start_nick(h, c);
	c->joined = true;
	h->njoined++;
	fanout_skip_round(h->fo, &c->fp);
	fanout_peer_version(&c->fp, c->version);
	hub_queue(c, buf, c->version >= PROTO_V2 ?
	    proto_encode_welcome_v2(buf, c->id, c->nick, c->nicklen,
	    key_shown(c, c->version)) :
	    proto_encode_welcome(buf, c->id, c->nick, c->nicklen));
	for (i = 0; i < h->nclients; i++) {
		o = h->clients[i];
		if (o == c || !o->joined)
			continue;
		hub_queue(c, buf, proto_encode_user_v(buf, o->id, o->nick,
		    o->nicklen, key_shown(o, c->version)));
		if (o->away != NULL)
			hub_queue(c, buf, proto_encode_away_id(buf, o->id,
			    o->away, strlen(o->away)));
		users++;
	}
	if (h->cl != NULL)
		users += cluster_users(h->cl, c);
	history_each(h->hist, c->version >= PROTO_V2 ? after : 0,
	    welcome_hist, c);
	hub_queue(c, buf, proto_encode_ready(buf, users));
	fanout_welcome_done(&c->fp);

	for (v = PROTO_V1; v <= PROTO_V2; v++)
		fanout_broadcast_v(h->fo, h->nclients, c->id, v, buf,
		    proto_encode_join_v(buf, c->id, c->nick, c->nicklen,
		    key_shown(c, v)));
	fanout_skip_round(h->fo, &c->fp);	/* nor its own JOIN */
	if (h->cl != NULL)
		cluster_joined(h->cl, c);
	/*
	 * Send the welcome now and give back its buffer (it holds a USER
	 * line per client): a thousand idle clients must not keep a
	 * thousand copies of the user list.
	 */
	hub_client_flush(c);
	if (c->fp.state == FO_OPEN)
		fanout_peer_trim(&c->fp);
	hub_info_of(c, &ci);
	if (h->ev->joined != NULL)
		h->ev->joined(h->ui, &ci);
	if (c->welcoming) {
		c->welcoming = false;
		hub_unpark(c);
	}
}

/* A v2 client's key, from the certificate it presented. */
void
hub_take_key(struct client *c)
{
	char	 b64[KEYS_SPKI_B64 + 1];

	if ((c->pub = tls_peer_pub(c->fp.conn)) == NULL)
		return;
	if (!keys_pub_spki_b64(c->pub, b64)) {
		keys_pub_free(c->pub);
		c->pub = NULL;
		return;
	}
	keys_pub_fingerprint(c->pub, c->key);
	c->spki = xstrdup(b64);
}

/* A message read back from the log: into the history. */
static void
history_from_log(void *arg, const struct msglog_msg *lm)
{
	struct hub	*h = arg;
	const struct hist_msg m = {
		.n = lm->n, .id = lm->id, .time = lm->stamp,
		.nick = lm->nick, .nicklen = lm->nicklen,
		.md5 = lm->md5, .sig = lm->sig, .key = lm->key,
		.spki = lm->spki, .text = lm->text, .textlen = lm->textlen,
	};

	if (m.nicklen <= PROTO_MAX_NICK && m.textlen <= PROTO_MAX_TEXT)
		history_add(h->hist, &m);
}

/*
 * Go on from the log: numbers after its last, ids after the highest
 * it names (so that an id in the history names one client for good:
 * KEY <id> cannot mean two), the last messages as history.  Read
 * backwards, so a log of any size costs only its end.
 */
void
hub_load_history(struct hub *h)
{
	struct msglog_tail tail;
	struct timespec	 t0, t1;
	unsigned	 max;

	max = h->cfg.history == 0 ? 0 : h->cfg.history > HISTORY_HELLO_MAX ?
	    h->cfg.history : HISTORY_HELLO_MAX;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (msglog_history(h->log, max, history_from_log, h, &tail) == -1) {
		log_warn("cannot read the end of the log %s: numbering starts "
		    "at 1 and no history is replayed", msglog_path(h->log));
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	h->next_n = tail.last_n + 1;
	h->next_id = tail.max_id + 1;
	if (tail.last_n > 0)
		log_info("the log goes on after message %llu; %u messages of "
		    "history read from its last %lu records in %.1f ms%s",
		    (unsigned long long)tail.last_n, history_count(h->hist),
		    tail.records, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
		    tail.skipped > 0 ? " (some records could not be read)" :
		    "");
}

