/*
 * hubmsg.c -- what clients send to the server: the dispatch of frames,
 * the flood bucket (MSG, DM, NICK, AWAY), nicks (validity and
 * look-alikes), and the message pipeline: a MSG or DM is checked,
 * queued in the log's batch, and once the batch is written (one write
 * per read) answered with OK or NAK and relayed (a DM delivered to its
 * recipient alone, hubdm.c).  Rejections are recorded within a budget: one
 * record per client per second, the rest counted (rejects_*).  The
 * log's start record and its changes behind the server's back are told
 * to the window from here.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "cluster.h"
#include "digest.h"
#include "evloop.h"
#include "fanout.h"
#include "hub.h"
#include "hub_int.h"
#include "keys.h"
#include "log.h"
#include "msglog.h"
#include "nickrules.h"
#include "protocol.h"
#include "xmalloc.h"

static void	log_state(struct hub *, int);

/* The hash of a nick's key; 0 if it has none (ICU failed). */
uint64_t
hub_key_hash(const char *nick, size_t len)
{
	char	 key[NICK_KEY_MAX];
	size_t	 klen;

	if ((klen = nick_key(nick, len, key, sizeof key)) == 0)
		return 0;
	return nick_hash(key, klen);
}

/*
 * Refill a client's flood bucket; true if a frame that counts (MSG,
 * DM, NICK, AWAY) may pass, taking a token.
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
	hub_drop(c, "flood", true);
	return true;
}

/*
 * The flood check of a frame that is answered "ERR flood <VERB>" when
 * the bucket is empty (NICK, AWAY): true if it may pass.  If not, it
 * has no effect but the ERR and a strike.
 */
bool
hub_flood_frame(struct hub *h, struct client *c, const struct proto_str *verb)
{
	char	 buf[PROTO_MAX_FRAME];

	if (flood_take(h, c))
		return true;
	hub_answer(c, buf, proto_encode_err(buf, "flood", verb->p, verb->len));
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

/* A log record of client c, its other fields empty. */
static void
rec_client(struct msglog_rec *r, const struct client *c)
{
	*r = (struct msglog_rec){ .id = c->id, .nick = c->nick,
	    .nicklen = c->nicklen, .peer = c->peer };
}

/* Queue a "rejects" record of what the client's summary counted. */
static void
rejects_add(struct hub *h, struct client *c)
{
	struct msglog_rec r;

	rec_client(&r, c);
	batch_open(h);
	msglog_add_rejects(h->log, &r, c->rej.bytes, c->rej.codes,
	    REJ_CODES);
	memset(&c->rej, 0, sizeof c->rej);
}

/*
 * Write a leaving client's summary: with the batch being built if
 * there is one (the read that builds it commits it), else now.
 */
void
hub_rejects_write(struct hub *h, struct client *c)
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

/* Does m carry a signature (a <sig> that is not "-")? */
static bool
is_signed(const struct proto_cmsg *m)
{
	return m->sig.len > 0 && !(m->sig.len == 1 && m->sig.p[0] == '-');
}

/* The sender's key and m's signature, for its log record. */
static void
rec_keys(struct msglog_rec *r, const struct client *c,
    const struct proto_cmsg *m)
{
	static char	 sig[PROTO_SIG_B64 + 1];

	if (c->key[0] != '\0') {
		r->key = c->key;
		r->spki = c->spki;
	}
	/* A malformed one is kept only in the rejected record's text. */
	if (is_signed(m) && proto_sig_valid(m->sig.p, m->sig.len)) {
		memcpy(sig, m->sig.p, PROTO_SIG_B64);
		sig[PROTO_SIG_B64] = '\0';
		r->sig = sig;
	}
}

/*
 * The log record of c's message m with the received and computed
 * digests (md5_recv NULL: not a digest) and the verdict.
 */
static void
rec_msg(struct msglog_rec *r, const struct client *c,
    const struct proto_cmsg *m, const char *md5_recv, const char *md5_comp,
    const char *verdict)
{
	rec_client(r, c);
	r->md5_recv = md5_recv;
	r->md5_comp = md5_comp;
	r->verdict = verdict;
	r->text = m->text.p;
	r->textlen = m->text.len;
	rec_keys(r, c, m);
}

/*
 * A DM's recipient in its log record: its id (0 is "-", for a to-id
 * that is not a number) and, if it is a ready keyed client, its key.
 */
static void
rec_to(struct msglog_rec *r, struct hub *h, uint64_t to)
{
	struct client	*o = hub_client_by_id(h, to);

	r->to = to;
	if (o != NULL && o->joined && o->key[0] != '\0')
		r->tokey = o->key;
}

/*
 * The signature check of a v2 MSG or DM (to: its recipient), after
 * the digest: "-" passes; a malformed one, one from an anonymous
 * client, or one that does not verify with the sender's key over the
 * bytes PROTOCOL.md gives (for a DM they name the recipient's key, or
 * "-") fails.  Each check uses up one of the round's verifications.
 */
static bool
sig_good(struct hub *h, struct client *c, const struct proto_cmsg *m,
    const char *tokey)
{
	char	 buf[PROTO_MAX_TEXT + 16 + KEYS_FP_LEN];
	size_t	 len;
	bool	 ok;

	if (!is_signed(m))
		return true;
	if (c->pub == NULL || !proto_sig_valid(m->sig.p, m->sig.len)) {
		h->st.badsig++;
		return false;
	}
	if (tokey != NULL)
		len = keys_signed_dm(buf, tokey, m->text.p, m->text.len);
	else
		len = keys_signed_msg(buf, m->text.p, m->text.len);
	ok = keys_verify(c->pub, buf, len, m->sig.p, m->sig.len);
	h->st.verified++;
	if (h->verify_left > 0)
		h->verify_left--;
	if (!ok)
		h->st.badsig++;
	return ok;
}

/* Would a frame of c need a signature checked (a signed MSG or DM)? */
bool
hub_needs_verify(const struct client *c, const char *line, size_t len)
{
	struct proto_cmsg m;
	const char	*sp;
	enum proto_verb	 v;

	if (c->pub == NULL || (sp = memchr(line, ' ', len)) == NULL)
		return false;
	v = proto_verb_lookup(line, (size_t)(sp - line));
	if (v != PV_MSG && v != PV_DM)
		return false;
	return proto_parse_client_v(line, len, c->version, &m) == PCE_OK &&
	    is_signed(&m);
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
	rec_msg(&r, c, m, m->md5.len == DIGEST_MD5_HEX &&
	    proto_md5_valid(m->md5.p, m->md5.len) ? m->md5.p : NULL,
	    md5_comp, code);
	r.cut = MSGLOG_CUT;
	if (m->verb == PV_DM)
		rec_to(&r, h, m->num);
	batch_open(h);
	msglog_add(h->log, &r);
}

/* Tell the window of a rejected DM: who, to whom, why; no text. */
static void
reject_dm_event(struct hub *h, struct client *c, uint64_t to,
    const char *code)
{
	struct hub_client_info ci;
	struct client	*o = hub_client_by_id(h, to);

	if (h->ev->dm == NULL)
		return;
	hub_info_of(c, &ci);
	h->ev->dm(h->ui, &ci, to, o != NULL && o->joined ? o->nick : NULL, 0,
	    code);
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
	if (m->verb == PV_DM) {
		reject_dm_event(h, c, m->num, code);
		return;
	}
	if (h->ev->rejected != NULL) {
		char	 recv[DIGEST_MD5_HEX + 1];

		snprintf(recv, sizeof recv, "%.*s", hash_ok ? 32 : 1,
		    hash_ok ? m->md5.p : "-");
		hub_info_of(c, &ci);
		h->ev->rejected(h->ui, &ci, code, recv, md5_comp, m->text.p,
		    m->text.len);
	}
}

/*
 * Accept a checked MSG or DM (to: its recipient): the next number, a
 * record in the log's batch; answered and relayed once it is written.
 */
static void
accept_msg(struct hub *h, struct client *c, const struct proto_cmsg *m,
    const char *md5, const struct client *to)
{
	struct msglog_rec r;
	struct pending	*p;

	p = pend_new(h, c);
	p->n = h->next_n++;
	p->to = to != NULL ? to->id : 0;
	memcpy(p->seq, m->seq.p, m->seq.len);
	p->seq[m->seq.len] = '\0';
	memcpy(p->md5, md5, sizeof p->md5);
	p->text = m->text.p;
	p->textlen = m->text.len;
	p->sig[0] = '\0';
	if (is_signed(m)) {
		memcpy(p->sig, m->sig.p, PROTO_SIG_B64);
		p->sig[PROTO_SIG_B64] = '\0';
	}
	if (h->start_peer != NULL) {
		/* Nothing is accepted before the run's start record. */
		p->rec = SIZE_MAX;
		return;
	}

	rec_msg(&r, c, m, m->md5.p, md5, "accepted");
	r.n = p->n;
	if (to != NULL)
		rec_to(&r, h, to->id);
	if (msglog_pending(h->log) == 0)
		msglog_begin(h->log);
	p->rec = msglog_add(h->log, &r);
}

/*
 * A MSG or DM whose shape is right: flood, text rules, digest, (a DM)
 * its recipient, the signature, then accept.  The recipient comes
 * before the signature, which names the recipient's key.
 */
static void
handle_msg(struct hub *h, struct client *c, const struct proto_cmsg *m)
{
	struct client	*to = NULL;
	const char	*tokey = NULL;
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
	/* A DM's recipient: here, or (a cluster) on another server. */
	if (m->verb == PV_DM &&
	    (to = hub_dm_recipient(h, c, m->num)) == NULL &&
	    (h->cl == NULL || (tokey = cluster_dm_key(h->cl, m->num)) ==
	    NULL)) {
		reject(h, c, m, "nouser", md5, true);
		return;
	}
	if (to != NULL)
		tokey = to->key[0] != '\0' ? to->key : "-";
	if (!sig_good(h, c, m, tokey)) {
		reject(h, c, m, "badsig", md5, true);
		return;
	}
	if (h->cl != NULL) {
		/*
		 * Numbered by the store; OK once stored and logged.  The
		 * NAKs of the frames before it first: held behind the
		 * messages in flight before them, not behind this one.
		 */
		if (h->npend > 0 || msglog_pending(h->log) > 0)
			hub_commit(h, c);
		cluster_submit(h->cl, c, m, md5, m->verb == PV_DM ? m->num :
		    0, tokey);
		return;
	}
	accept_msg(h, c, m, md5, to);
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
 * The relay of an accepted MSG p of c, made at the log's time stamp:
 * into the fan-out's batch and the history; the window is told.
 */
static void
relay_one(struct hub *h, struct client *c, const struct pending *p,
    const char *stamp)
{
	struct hub_client_info ci;
	struct hist_msg	 hm;

	memset(&hm, 0, sizeof hm);
	hm.n = p->n;
	hm.id = c->id;
	hm.time = stamp;
	hm.nick = c->nick;
	hm.nicklen = c->nicklen;
	hm.md5 = p->md5;
	hm.sig = p->sig[0] != '\0' ? p->sig : NULL;
	hm.key = c->key[0] != '\0' ? c->key : NULL;
	hm.spki = c->spki;
	hm.text = p->text;
	hm.textlen = p->textlen;
	fanout_relay_add(h->fo, &hm);
	history_add(h->hist, &hm);
	c->msgs++;
	if (h->ev->accepted != NULL) {
		hub_info_of(c, &ci);
		h->ev->accepted(h->ui, &ci, p->n, p->md5, p->text,
		    p->textlen);
	}
}

/*
 * Relay (MSG) or deliver (DM) the accepted messages of the batch whose
 * records are in the file (the first written of them); give back the
 * numbers of those that are not.  Relays are broadcast before each DM,
 * so that everyone gets them in the order of their numbers.  Returns
 * how many were relayed or delivered.
 */
static size_t
commit_accepted(struct hub *h, struct client *c, size_t written, bool kept,
    const char *stamp)
{
	struct pending	*p;
	size_t		 i, acc = 0, relays = 0;

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
		acc++;
		h->st.accepted++;
		if (p->to == 0) {
			relay_one(h, c, p, stamp);
			relays++;
			continue;
		}
		if (relays > 0)
			fanout_relay_send(h->fo, h->nclients, c->id);
		h->st.deliveries += (uint64_t)(h->njoined - 1) * relays;
		relays = 0;
		hub_dm_deliver(h, c, p, stamp);
	}
	if (relays > 0)
		fanout_relay_send(h->fo, h->nclients, c->id);
	h->st.deliveries += (uint64_t)(h->njoined - 1) * relays;
	return acc;
}

/*
 * Write the log batch, then acknowledge and relay the messages whose
 * records made it to the file; the others get NAK nolog and their
 * numbers are given back (but for a torn record that the log will
 * finish: its number is in the file).
 */
void
hub_commit(struct hub *h, struct client *c)
{
	struct hub_client_info ci;
	struct pending	*p;
	size_t		 i, written, acc, nrec;
	int		 err = 0;
	bool		 kept;
	char		 ok[PROTO_MAX_FRAME], stamp[PROTO_TIME_LEN + 1];

	nrec = msglog_pending(h->log);
	/* The <time> of v2 relays: when the log took the batch. */
	memcpy(stamp, msglog_stamp(h->log), PROTO_TIME_LEN);
	stamp[PROTO_TIME_LEN] = '\0';
	written = nrec > 0 ? msglog_commit(h->log, &err) : 0;
	kept = nrec > 0 && msglog_torn_kept(h->log);
	if (nrec > 0)
		log_state(h, err);

	acc = commit_accepted(h, c, written, kept, stamp);
	for (i = 0; i < h->npend; i++) {
		p = &h->pend[i];
		if (p->code != NULL || p->rec >= written) {
			hub_answer(c, ok, proto_encode_nak(ok, p->seq,
			    strlen(p->seq), p->code != NULL ? p->code :
			    "nolog"));
			continue;
		}
		hub_answer(c, ok, proto_encode_ok(ok, p->seq, strlen(p->seq),
		    p->n));
	}
	h->npend = 0;
	if (h->ev->sent != NULL && acc > 0) {
		hub_info_of(c, &ci);
		h->ev->sent(h->ui, &ci);
	}
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
		if (o != c && o->joined && o->keyhash == hash &&
		    nick_has_key(o->nick, o->nicklen, key, klen))
			return true;
	}
	return false;
}

bool
hub_nick_in_use(struct hub *h, struct client *c, const char *nick,
    size_t len)
{
	char	 key[NICK_KEY_MAX];
	size_t	 klen;

	if ((klen = nick_key(nick, len, key, sizeof key)) == 0)
		return true;
	return nick_taken(h, c, key, klen);
}

/*
 * The registry's say on c taking nick: NULL if it may (registering it
 * to c's key first when c is keyed, the nick free and the server open;
 * then *reg is set), else the ERR code: nickinuse (another key owns
 * it), nolog (the accounts file could not be written).
 */
static const char *
registry_check(struct hub *h, struct client *c, const char *nick, size_t len,
    bool *reg)
{
	struct accounts	*a = h->cfg.accounts;
	const char	*owner;
	char		 err[256];

	*reg = false;
	if (a == NULL)
		return NULL;
	if ((owner = accounts_owner(a, nick, len)) != NULL)
		return c->key[0] != '\0' && strcmp(owner, c->key) == 0 ?
		    NULL : "nickinuse";
	if (c->key[0] == '\0' || h->cfg.access != HUB_OPEN)
		return NULL;
	if (!accounts_register(a, nick, len, c->key, err, sizeof err)) {
		log_warnx("cannot register %.*s: %s", (int)len, nick, err);
		return "nolog";
	}
	*reg = true;
	return NULL;
}

static void
handle_nick(struct hub *h, struct client *c, const struct proto_cmsg *m)
{
	char		 buf[PROTO_MAX_FRAME], key[NICK_KEY_MAX];
	const char	*code;
	size_t		 klen = 0;
	bool		 reg;

	/* The byte rules are the parser's; these are the Unicode ones. */
	if (!nick_valid(m->nick.p, m->nick.len) ||
	    (klen = nick_key(m->nick.p, m->nick.len, key, sizeof key)) == 0) {
		hub_answer(c, buf, proto_encode_err(buf, "badnick", NULL, 0));
		return;
	}
	if (nick_taken(h, c, key, klen)) {
		hub_answer(c, buf, proto_encode_err(buf, "nickinuse", m->nick.p,
		    m->nick.len));
		return;
	}
	if (h->cl != NULL) {
		/* Claimed, and registered, in the store: applied when it
		 * answers (the registry is the cluster's). */
		cluster_nick(h->cl, c, m->nick.p, m->nick.len, key, klen);
		return;
	}
	if ((code = registry_check(h, c, m->nick.p, m->nick.len, &reg)) !=
	    NULL) {
		hub_answer(c, buf, proto_encode_err(buf, code, m->nick.p,
		    m->nick.len));
		return;
	}
	hub_nick_apply(h, c, m->nick.p, m->nick.len, nick_hash(key, klen),
	    reg);
}

void
hub_nick_apply(struct hub *h, struct client *c, const char *nick,
    size_t len, uint64_t hash, bool reg)
{
	struct hub_client_info ci;
	char		 old[PROTO_MAX_NICK + 1], buf[PROTO_MAX_FRAME];

	memcpy(old, c->nick, c->nicklen + 1);
	memcpy(c->nick, nick, len);
	c->nick[len] = '\0';
	c->nicklen = len;
	c->keyhash = hash;
	hub_broadcast(h, NULL, buf, proto_encode_nick(buf, c->id, c->nick,
	    c->nicklen));
	hub_info_of(c, &ci);
	if (h->ev->renamed != NULL)
		h->ev->renamed(h->ui, &ci, old);
	if (reg && h->ev->registered != NULL)
		h->ev->registered(h->ui, &ci);
}

/* KEY <id> (v2): the public key of a client, connected or in history. */
static void
handle_key(struct hub *h, struct client *c, uint64_t id)
{
	struct client	*o = hub_client_by_id(h, id);
	const char	*key = NULL, *spki = NULL;
	char		 buf[PROTO_MAX_FRAME];

	if (o != NULL && o->joined) {
		if (o->key[0] != '\0') {
			key = o->key;
			spki = o->spki;
		}
	} else if (h->cl == NULL || !cluster_key_of(h->cl, id, &key, &spki))
		(void)history_key_of(h->hist, id, &key, &spki);
	hub_answer(c, buf, proto_encode_key(buf, id, key != NULL ? key : "-",
	    spki != NULL ? spki : "-", spki != NULL ? strlen(spki) : 1));
}

/* Before HELLO (v2) only HELLO is heard. */
static void
before_hello(struct hub *h, struct client *c, const struct proto_cmsg *m,
    enum proto_cerr e)
{
	char	 buf[PROTO_MAX_FRAME];

	if (e == PCE_EMPTY)
		return;
	if (m->verb == PV_HELLO && e == PCE_OK) {
		hub_welcome(h, c, m->num);
		return;
	}
	hub_answer(c, buf, proto_encode_err(buf, "syntax",
	    proto_verb_name(PV_HELLO), strlen(proto_verb_name(PV_HELLO))));
}

/* ERR syntax <VERB>: the answer to a frame of the wrong shape. */
static void
answer_syntax(struct client *c, const struct proto_str *verb)
{
	char	 buf[PROTO_MAX_FRAME];

	hub_answer(c, buf, proto_encode_err(buf, "syntax", verb->p, verb->len));
}

/* A well-formed frame of a welcomed client: what its verb asks. */
static void
frame_ok(struct hub *h, struct client *c, const struct proto_cmsg *m)
{
	char	 buf[PROTO_MAX_FRAME];

	switch (m->verb) {
	case PV_MSG:
	case PV_DM:
		handle_msg(h, c, m);
		break;
	case PV_NICK:
		if (hub_flood_frame(h, c, &m->verbstr))
			handle_nick(h, c, m);
		break;
	case PV_PING:
		hub_answer(c, buf, proto_encode_pong(buf, m->token.p,
		    m->token.len));
		break;
	case PV_PONG:
		break;
	case PV_ERR:
		log_debug("client %llu reports: %.*s",
		    (unsigned long long)c->id, (int)m->text.len, m->text.p);
		break;
	case PV_QUIT:
		hub_drain(c, "quit", true);
		break;
	case PV_HELLO:
		answer_syntax(c, &m->verbstr);
		break;
	case PV_KEY:
		handle_key(h, c, m->num);
		break;
	default:
		break;
	}
}

void
hub_frame(struct hub *h, struct client *c, const char *line, size_t len)
{
	struct proto_cmsg m;
	enum proto_cerr	 e;
	char		 echo[PROTO_MAX_VERB_ECHO], buf[PROTO_MAX_FRAME];
	size_t		 elen;

	e = proto_parse_client_v(line, len, c->version, &m);
	if (!c->joined) {
		before_hello(h, c, &m, e);
		return;
	}
	/* Keep the order of events: commit messages before other frames. */
	if ((h->npend > 0 || msglog_pending(h->log) > 0) &&
	    !((m.verb == PV_MSG || m.verb == PV_DM) && (e == PCE_OK ||
	    e == PCE_BADHASH || e == PCE_BADTEXT)))
		hub_commit(h, c);
	/* AWAY counts against the bucket, valid or not (as NICK does). */
	if (m.verb == PV_AWAY && (e == PCE_OK || e == PCE_SYNTAX)) {
		hub_away(h, c, &m, e == PCE_OK);
		return;
	}
	switch (e) {
	case PCE_OK:
		break;
	case PCE_EMPTY:
		return;
	case PCE_UNKNOWN:
		elen = proto_verb_echo(m.verbstr.p, m.verbstr.len, echo);
		hub_answer(c, buf, proto_encode_err(buf, "unknown", echo,
		    elen));
		return;
	case PCE_SYNTAX:
		answer_syntax(c, &m.verbstr);
		return;
	case PCE_BADHASH:
	case PCE_BADTEXT:
		/* Shape errors: take a token, record only if one was left. */
		reject(h, c, &m, e == PCE_BADHASH ? "badhash" : "badtext",
		    NULL, flood_take(h, c));
		return;
	case PCE_BADNICK:
		/* A NICK counts against the bucket, valid or not. */
		if (hub_flood_frame(h, c, &m.verbstr))
			hub_answer(c, buf, proto_encode_err(buf, "badnick",
			    NULL, 0));
		return;
	}
	frame_ok(h, c, &m);
}

/*
 * Write the clients' summaries whose window is over (all of them if
 * all is set), in one batch.  Not while a batch is being built.
 */
void
hub_rejects_due(struct hub *h, bool all)
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
 * Write the start record of this run (h->start_peer: the listening
 * address).  Until it is in the file no message is accepted, so that
 * a run's numbers always follow its start record.
 */
void
hub_log_start_write(struct hub *h)
{
	struct msglog_rec r;
	char		 text[1024], md5[DIGEST_MD5_HEX + 1];
	int		 err;

	snprintf(text, sizeof text, "%s %s started, " MSGLOG_FORMAT_WORDS
	    ", listening on %s%s%s",
	    PACKAGE_NAME "d", PACKAGE_VERSION, h->start_peer,
	    h->start_detail != NULL && *h->start_detail != '\0' ? "; " : "",
	    h->start_detail != NULL ? h->start_detail : "");
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
hub_log_start(struct hub *h, const char *listen_name, const char *detail)
{
	free(h->start_peer);
	free(h->start_detail);
	h->start_peer = xstrdup(listen_name);
	h->start_detail = xstrdup(detail != NULL ? detail : "");
	hub_log_start_write(h);
}

/* What msglog saw happen to its file: say so on stderr and to the UI. */
void
hub_log_changed(void *arg, enum msglog_change what, const char *detail)
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

	h->now = hub_now_ms();
	if (msglog_pending(h->log) > 0 || h->npend > 0)
		return;		/* not between batches: cannot happen */
	if (msglog_reopen(h->log, err, sizeof err) == 0) {
		msglog_commit(h->log, &e);
		if (e != 0 || h->log_failing)
			log_state(h, e);
	}
}

