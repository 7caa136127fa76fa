/*
 * netclient_v2.c -- version 2 in the client core (doc/PROTOCOL.md,
 * "Version 2", issue 12): HELLO <n> first (n: the highest message
 * number seen on this server by this process), frames parsed by the
 * connection's version, our messages signed, every signed message
 * checked against its sender's key through the verification queue
 * (verify.c) with the keys asked for with KEY, users' keys compared
 * with what ~/.xchat/known_users remembers (knownusers.c).  A server
 * that chose xchat/2 by ALPN but greets in version 1 is spoken to in
 * version 1 (its answer to our HELLO is not shown).  No X header.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "knownusers.h"
#include "log.h"
#include "netclient.h"
#include "netclient_int.h"
#include "nickrules.h"
#include "protocol.h"
#include "u64map.h"
#include "verify.h"
#include "xmalloc.h"

/* A message waiting for its verdict: what the verdict event needs. */
struct nc_pend {
	uint64_t	 ticket;
	uint64_t	 n;
	uint64_t	 id;
	char		 nick[NICK_SHOW_MAX];
	size_t		 nicklen;
	char		 md5[PROTO_MD5_HEX + 1];
	char		 computed[PROTO_MD5_HEX + 1];
	char		 sig[PROTO_SIG_B64 + 1];
	time_t		 when;
	bool		 history;
	bool		 mention;
	bool		 dm;
	size_t		 textlen;
	char		 text[];
};

static void	 v2_askkey(void *, uint64_t);
static void	 v2_done(void *, uint64_t, enum vf_result, const char *);

static const struct vf_hooks v2_hooks = { v2_askkey, v2_done };

void
nc2_init(struct netclient *nc, const struct nc_config *cfg)
{
	nc->version = PROTO_V1;
	nc->ident = cfg->id;
	nc->vf = verify_new(&v2_hooks, nc);
	if (cfg->known_users != NULL && *cfg->known_users != '\0')
		nc->ku = knownusers_open(cfg->known_users, nc->host, nc->port);
}

void
nc2_free(struct netclient *nc)
{
	size_t	 i;

	verify_free(nc->vf);
	knownusers_free(nc->ku);
	for (i = 0; i < nc->pend.cap; i++)
		if (nc->pend.state[i] == 1)
			free((void *)(uintptr_t)nc->pend.vals[i]);
	u64map_free(&nc->pend);
}

void
nc2_connected(struct netclient *nc, int version)
{
	char	 frame[NC_FRAME];

	nc->version = version == PROTO_V2 ? PROTO_V2 : PROTO_V1;
	nc->hello_err = false;
	nc->lq.max = nc->version == PROTO_V2 ? PROTO_MAX_FRAME_V2 : 0;
	if (nc->version == PROTO_V2)
		nc_put_later(nc, frame, proto_encode_hello(frame,
		    nc->hello_n));
}

void
nc2_drop(struct netclient *nc)
{
	/* nc->version stays: the last connection's, until the next. */
	nc->hello_err = false;
	nc->lq.max = 0;
	verify_reset(nc->vf);
}

bool
nc2_parse(struct netclient *nc, const char *line, size_t len,
    struct proto_smsg *m)
{
	if (!proto_parse_server_v(line, len, nc->version, m))
		return false;
	if (nc->version == PROTO_V2 && nc->state == NC_HANDSHAKE &&
	    m->verb == PV_WELCOME && m->n == PROTO_V1 && m->key.len == 0) {
		/* ALPN said xchat/2, the greeting says 1: speak 1. */
		log_warnx("the server chose xchat/2 but greets in version 1: "
		    "speaking version 1 (no keys, no signatures)");
		nc->version = PROTO_V1;
		nc->lq.max = 0;
		nc->hello_err = true;
	}
	return true;
}

bool
nc2_swallow(struct netclient *nc, const struct proto_smsg *m)
{
	if (!nc->hello_err || m->verb != PV_ERR)
		return false;
	nc->hello_err = false;
	return m->code.len == 7 && memcmp(m->code.p, "unknown", 7) == 0 &&
	    proto_verb_lookup(m->text.p, m->text.len) == PV_HELLO;
}

void
nc2_welcome(struct netclient *nc, const struct proto_smsg *m)
{
	const char	*own = nc->ident != NULL ? nc->ident->fp : "-";

	if (nc->version != PROTO_V2 || m->key.len == 0)
		return;
	if (m->key.len != strlen(own) || memcmp(m->key.p, own,
	    m->key.len) != 0) {
		log_warnx("the server says our key is %.*s, not %s",
		    (int)m->key.len, m->key.p, own);
		nc_emit_note(nc, NCN_OWNKEY, NULL, 0, m->key.p, m->key.len);
	}
}

static enum nc_keystate
keystate(enum ku_result r, bool keyed)
{
	switch (r) {
	case KU_SAME:
		return NCK_KNOWN;
	case KU_CHANGED:
		return NCK_CHANGED;
	case KU_LOST:
		return NCK_LOST;
	default:
		return keyed ? NCK_KEYED : NCK_ANON;
	}
}

void
nc2_user(struct netclient *nc, enum nc_user_ev what,
    const struct proto_smsg *m, struct nc_user *u)
{
	char		 old[KEYS_FP_LEN] = "", show[NICK_SHOW_MAX];
	enum ku_result	 r;
	size_t		 len;

	if (u == NULL || what == NCU_LEAVE)
		return;
	if (what != NCU_NICK) {
		if (m->key.len > 0)
			nc_copy_str(u->key, sizeof u->key, m->key.p,
			    m->key.len);
		else
			snprintf(u->key, sizeof u->key, "-");
		verify_user(nc->vf, m->id, u->key, strlen(u->key));
	}
	r = knownusers_see(nc->ku, m->nick.p, m->nick.len, u->key, old);
	u->kstate = keystate(r, strcmp(u->key, "-") != 0);
	if (u->kstate == NCK_CHANGED || u->kstate == NCK_LOST)
		log_warnx("%s#%llu comes with %s %s; known_users remembers "
		    "%s for that nick", u->nick, (unsigned long long)u->id,
		    u->kstate == NCK_LOST ? "no key" : "the key",
		    u->kstate == NCK_LOST ? "" : u->key, old);
	if (nc->ev->userkey == NULL)
		return;
	len = nc_shown(u->nick, strlen(u->nick), u->refused, show);
	nc->ev->userkey(nc->arg, u->id, show, len, u->key, u->kstate,
	    old[0] != '\0' ? old : NULL);
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (checked digits) as a time_t; 0 if bad. */
static time_t
frame_time(const struct proto_str *t)
{
	struct tm	 tm;
	int		 v[6], k;
	static const int at[6] = { 0, 5, 8, 11, 14, 17 };
	static const int width[6] = { 4, 2, 2, 2, 2, 2 };
	int		 i;

	if (t->len != PROTO_TIME_LEN ||
	    !proto_time_valid(t->p, t->len))
		return 0;
	for (k = 0; k < 6; k++)
		for (v[k] = 0, i = 0; i < width[k]; i++)
			v[k] = v[k] * 10 + (t->p[at[k] + i] - '0');
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return timegm(&tm);
}

void
nc2_message(struct netclient *nc, const struct proto_smsg *m,
    struct nc_msg *msg)
{
	static char	 data[PROTO_MAX_TEXT + 128];
	enum vf_result	 now = VF_NOKEY;
	size_t		 n;

	msg->when = frame_time(&m->time);
	if (m->sig.len == 1 && m->sig.p[0] == '-')
		return;			/* unsigned: the mark says so */
	if (m->text.len > PROTO_MAX_TEXT) {
		msg->verdict = NCV_TEXT;
		return;
	}
	/* A DM is signed for its recipient: us, by our key or "-". */
	if (msg->dm)
		n = keys_signed_dm(data, nc->ident != NULL ? nc->ident->fp :
		    "-", m->text.p, m->text.len);
	else
		n = keys_signed_msg(data, m->text.p, m->text.len);
	msg->ticket = verify_submit(nc->vf, m->id, data, n, msg->sig, &now);
	if (msg->ticket != 0) {
		msg->verdict = NCV_VERIFYING;
		return;
	}
	msg->verdict = now == VF_SKIPPED ? NCV_UNCHECKED : NCV_NOKEY;
	log_warnx("message %llu from #%llu: %s", (unsigned long long)m->n,
	    (unsigned long long)m->id, now == VF_SKIPPED ? "too many "
	    "signed messages waiting: not checked" : "signed, but the "
	    "sender has no key that can be trusted");
}

void
nc2_pending(struct netclient *nc, const struct nc_msg *msg)
{
	struct nc_pend	*p = xmalloc(sizeof *p + msg->textlen);

	p->ticket = msg->ticket;
	p->n = msg->n;
	p->id = msg->id;
	nc_copy_str(p->nick, sizeof p->nick, msg->nick, msg->nicklen);
	p->nicklen = strlen(p->nick);
	nc_copy_str(p->md5, sizeof p->md5, msg->md5, PROTO_MD5_HEX);
	memcpy(p->computed, msg->computed, sizeof p->computed);
	nc_copy_str(p->sig, sizeof p->sig, msg->sig, strlen(msg->sig));
	p->when = msg->when;
	p->history = msg->history;
	p->mention = msg->mention;
	p->dm = msg->dm;
	p->textlen = msg->textlen;
	memcpy(p->text, msg->text, msg->textlen);
	u64map_put(&nc->pend, p->ticket, (uint64_t)(uintptr_t)p);
}

static void
v2_askkey(void *arg, uint64_t id)
{
	struct netclient	*nc = arg;
	char			 frame[NC_FRAME];

	if (nc->io != NULL)
		nc_put_later(nc, frame, proto_encode_keyreq(frame, id));
}

static enum nc_verdict
verdict_of(enum vf_result r)
{
	switch (r) {
	case VF_GOOD:
		return NCV_GOOD;
	case VF_BAD:
		return NCV_BADSIG;
	case VF_SKIPPED:
		return NCV_UNCHECKED;
	default:
		return NCV_NOKEY;
	}
}

/* The verify queue's verdict on a message: tell the window, log it. */
static void
v2_done(void *arg, uint64_t ticket, enum vf_result r, const char *fp)
{
	struct netclient	*nc = arg;
	struct nc_pend		*p;
	struct nc_msg		 msg;
	uint64_t		 v;

	if (!u64map_get(&nc->pend, ticket, &v))
		return;
	u64map_del(&nc->pend, ticket, v);
	p = (struct nc_pend *)(uintptr_t)v;
	memset(&msg, 0, sizeof msg);
	msg.n = p->n;
	msg.id = p->id;
	msg.nick = p->nick;
	msg.nicklen = p->nicklen;
	msg.text = p->text;
	msg.textlen = p->textlen;
	msg.md5 = p->md5;
	memcpy(msg.computed, p->computed, sizeof msg.computed);
	msg.verdict = verdict_of(r);
	msg.good = msg.verdict == NCV_GOOD;
	msg.sigok = msg.good;
	msg.key = fp;
	msg.sig = p->sig;
	msg.when = p->when;
	msg.history = p->history;
	msg.mention = p->mention;
	msg.dm = p->dm;
	msg.ticket = ticket;
	if (!msg.good)
		log_warnx("message %llu from #%llu: %s", (unsigned long long)
		    p->n, (unsigned long long)p->id, r == VF_BAD ? "its "
		    "signature does not verify" : r == VF_SKIPPED ? "not "
		    "checked" : "no key that can be trusted for its sender");
	if (nc->ev->verdict != NULL)
		nc->ev->verdict(nc->arg, &msg);
	nc_log_msg(nc, &msg);
	free(p);
}

void
nc2_key(struct netclient *nc, const struct proto_smsg *m)
{
	if (nc->version != PROTO_V2)
		return;
	verify_key(nc->vf, m->id, m->key.p, m->key.len, m->spki.p,
	    m->spki.len);
}

/*
 * The frame of our message or DM o: in version 2 signed (a DM for its
 * recipient's key), unless we are anonymous or the signing fails.
 */
size_t
nc2_encode_msg(struct netclient *nc, struct nc_own *o, char *frame)
{
	static char	 data[PROTO_MAX_TEXT + 128];
	size_t		 n;

	if (nc->version != PROTO_V2) {
		o->sig[0] = '\0';
		if (o->to != 0)
			return proto_encode_dm(frame, PROTO_V1, o->seq, o->to,
			    o->md5, NULL, o->text, o->len);
		return proto_encode_msg(frame, o->seq, o->md5, o->text,
		    o->len);
	}
	snprintf(o->sig, sizeof o->sig, "-");
	if (nc->ident != NULL && nc->ident->signer != NULL &&
	    o->len <= PROTO_MAX_TEXT) {
		if (o->to != 0)
			n = keys_signed_dm(data, o->to_key[0] != '\0' ?
			    o->to_key : "-", o->text, o->len);
		else
			n = keys_signed_msg(data, o->text, o->len);
		if (!keys_sign(nc->ident->signer, data, n, o->sig)) {
			log_warnx("cannot sign message %llu: sent unsigned",
			    (unsigned long long)o->seq);
			snprintf(o->sig, sizeof o->sig, "-");
		}
	}
	if (o->to != 0)
		return proto_encode_dm(frame, PROTO_V2, o->seq, o->to, o->md5,
		    o->sig, o->text, o->len);
	return proto_encode_msg_v2(frame, o->seq, o->md5, o->sig, o->text,
	    o->len);
}

void
nc2_tick(struct netclient *nc)
{
	verify_tick(nc->vf);
}

int
netclient_version(const struct netclient *nc)
{
	return nc->version;
}

const char *
netclient_own_key(const struct netclient *nc)
{
	return nc->ident != NULL ? nc->ident->fp : "";
}

bool
netclient_user_key(const struct netclient *nc, uint64_t id, char *key,
    enum nc_keystate *st, char *old)
{
	const struct nc_user	*u = nc_users_find(nc, id);

	if (u == NULL)
		return false;
	snprintf(key, KEYS_FP_LEN, "%s", u->key);
	*st = u->kstate;
	if (!knownusers_lookup(nc->ku, u->nick, strlen(u->nick), old))
		old[0] = '\0';
	return true;
}

bool
netclient_accept_key(struct netclient *nc, uint64_t id)
{
	struct nc_user	*u = nc_users_find(nc, id);

	if (u == NULL || !keys_fp_parse(u->key, NULL) ||
	    !knownusers_accept(nc->ku, u->nick, strlen(u->nick), u->key))
		return false;
	u->kstate = NCK_KNOWN;
	return true;
}

void
netclient_verify_stats(const struct netclient *nc, struct vf_stats *st)
{
	verify_stats(nc->vf, st);
}
