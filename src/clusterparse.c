/*
 * clusterparse.c -- the cluster store's replies checked field by field
 * (see clusterparse.h).  A store is a peer like any other: it may hold
 * what an older or hostile writer put there.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <string.h>

#include <hiredis/hiredis.h>

#include "clusterparse.h"
#include "digest.h"
#include "keys.h"
#include "protocol.h"

bool
cl_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (len == 0 || len > 20 || p[0] == '0')
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

static bool
is_str(const redisReply *r)
{
	return r != NULL && (r->type == REDIS_REPLY_STRING ||
	    r->type == REDIS_REPLY_STATUS) && r->str != NULL;
}

/* A ban's end: "forever" (0) or Unix seconds. */
static bool
ban_until(const char *p, size_t len, uint64_t *out)
{
	if (len == 7 && memcmp(p, "forever", 7) == 0) {
		*out = 0;
		return true;
	}
	return cl_u64(p, len, out);
}

/* A ban's target: 1 to PROTO_KEY_LEN printable bytes, no blank. */
static bool
ban_target(const struct cl_str *s)
{
	size_t	 i;

	if (s->p == NULL || s->len == 0 || s->len > PROTO_KEY_LEN)
		return false;
	for (i = 0; i < s->len; i++)
		if (s->p[i] <= ' ' || s->p[i] > '~')
			return false;
	return true;
}

bool
cl_ban_parse(const char *v, size_t len, uint64_t *until,
    struct cl_str *reason)
{
	const char	*sp = memchr(v, ' ', len);
	size_t		 ulen = sp != NULL ? (size_t)(sp - v) : len;

	if (!ban_until(v, ulen, until))
		return false;
	reason->p = sp != NULL ? sp + 1 : v + len;
	reason->len = sp != NULL ? len - ulen - 1 : 0;
	return reason->len == 0 || proto_away_valid(reason->p, reason->len);
}

/* Put field name=value of an entry into e (unknown names ignored). */
static bool
entry_field(struct cl_entry *e, const redisReply *k, const redisReply *v,
    uint64_t *n, uint64_t *id)
{
	uint64_t	 to;

	static const struct { const char *name; size_t off; } f[] = {
		{ "srv", offsetof(struct cl_entry, srv) },
		{ "nick", offsetof(struct cl_entry, nick) },
		{ "md5", offsetof(struct cl_entry, md5) },
		{ "sig", offsetof(struct cl_entry, sig) },
		{ "key", offsetof(struct cl_entry, key) },
		{ "spki", offsetof(struct cl_entry, spki) },
		{ "time", offsetof(struct cl_entry, time) },
		{ "text", offsetof(struct cl_entry, text) },
		{ "reason", offsetof(struct cl_entry, reason) },
		{ "target", offsetof(struct cl_entry, target) }
	};
	struct cl_str	*s;
	size_t		 i;

	if (!is_str(k) || !is_str(v))
		return false;
	if (k->len == 1 && k->str[0] == 't') {
		if (v->len != 1)
			return false;
		e->type = v->str[0];
		return true;
	}
	if (k->len == 1 && k->str[0] == 'n')
		return cl_u64(v->str, v->len, n);
	if (k->len == 2 && memcmp(k->str, "id", 2) == 0)
		return cl_u64(v->str, v->len, id);
	if (k->len == 5 && memcmp(k->str, "until", 5) == 0)
		return ban_until(v->str, v->len, &e->until);
	if (k->len == 2 && memcmp(k->str, "to", 2) == 0) {
		if (!cl_u64(v->str, v->len, &to))
			return false;
		e->to = to;
		return true;
	}
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (k->len == strlen(f[i].name) &&
		    memcmp(k->str, f[i].name, k->len) == 0) {
			s = (struct cl_str *)(void *)((char *)e + f[i].off);
			s->p = v->str;
			s->len = v->len;
			return true;
		}
	return true;
}

/* 32 lower-case hex digits (the relay's form). */
static bool
md5_lower(const struct cl_str *s)
{
	size_t	 i;

	if (s->p == NULL || s->len != DIGEST_MD5_HEX)
		return false;
	for (i = 0; i < s->len; i++)
		if (!((s->p[i] >= '0' && s->p[i] <= '9') ||
		    (s->p[i] >= 'a' && s->p[i] <= 'f')))
			return false;
	return true;
}

/* "-" or a valid value. */
static bool
dash_or(const struct cl_str *s, bool (*valid)(const char *, size_t))
{
	return (s->len == 1 && s->p[0] == '-') || valid(s->p, s->len);
}

/* Are the fields the entry's type needs there and valid? */
static bool
entry_valid(const struct cl_entry *e)
{
	if (e->type == 'b' || e->type == 'u')
		return e->srv.p != NULL && e->srv.len > 0 &&
		    e->srv.len <= CLUSTER_MAX_SRV && ban_target(&e->target) &&
		    (e->type == 'u' || (e->text.p != NULL &&
		    (e->text.len == 0 ||
		    proto_away_valid(e->text.p, e->text.len))));
	if (e->id == 0 || e->srv.p == NULL || e->srv.len == 0 ||
	    e->srv.len > CLUSTER_MAX_SRV || e->nick.p == NULL ||
	    !proto_nick_valid(e->nick.p, e->nick.len))
		return false;
	switch (e->type) {
	case 'd':
		if (e->to == 0)
			return false;
		/* FALLTHROUGH */
	case 'm':
		return e->n > 0 && md5_lower(&e->md5) &&
		    e->sig.p != NULL && dash_or(&e->sig, proto_sig_valid) &&
		    e->key.p != NULL && dash_or(&e->key, proto_key_valid) &&
		    e->spki.p != NULL &&
		    dash_or(&e->spki, proto_spki_valid) &&
		    e->time.p != NULL && e->time.len == PROTO_TIME_LEN &&
		    proto_time_valid(e->time.p, e->time.len) &&
		    e->text.p != NULL && e->text.len <= PROTO_MAX_TEXT &&
		    proto_text_valid(e->text.p, e->text.len);
	case 'j':
		return e->key.p != NULL && dash_or(&e->key, proto_key_valid) &&
		    e->spki.p != NULL && dash_or(&e->spki, proto_spki_valid);
	case 'l':
		return e->reason.p != NULL && e->reason.len <= 32 &&
		    proto_reason_valid(e->reason.p, e->reason.len);
	case 'a':
		return e->text.p != NULL && (e->text.len == 0 ||
		    proto_away_valid(e->text.p, e->text.len));
	case 'k':
		return true;
	default:
		return false;
	}
}

bool
cl_entry_parse(const redisReply *r, struct cl_entry *e)
{
	const redisReply *fv;
	uint64_t	 n = 0, id = 0;
	size_t		 i;

	memset(e, 0, sizeof *e);
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    is_str(r->element[0]) && r->element[0]->len <= CLUSTER_MAX_SID) {
		memcpy(e->sid, r->element[0]->str, r->element[0]->len);
		e->sid[r->element[0]->len] = '\0';
	}
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    !is_str(r->element[0]) || r->element[0]->len > CLUSTER_MAX_SID)
		return false;
	fv = r->element[1];
	if (fv == NULL || fv->type != REDIS_REPLY_ARRAY ||
	    fv->elements % 2 != 0)
		return false;
	for (i = 0; i + 1 < fv->elements; i += 2)
		if (!entry_field(e, fv->element[i], fv->element[i + 1], &n,
		    &id)) {
			e->type = 0;	/* never handed on as good */
			return false;
		}
	e->n = n;
	e->id = id;
	if (entry_valid(e))
		return true;
	e->type = 0;
	return false;
}

bool
cl_entries_each(const redisReply *r, bool newest_first,
    void (*fn)(void *, const struct cl_entry *), void *arg, unsigned *bad)
{
	struct cl_entry	 e;
	size_t		 i, k;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return false;
	for (k = 0; k < r->elements; k++) {
		i = newest_first ? r->elements - 1 - k : k;
		if (cl_entry_parse(r->element[i], &e)) {
			fn(arg, &e);
			continue;
		}
		if (bad != NULL)
			(*bad)++;
		if (e.sid[0] != '\0')
			fn(arg, &e);	/* type 0: only its id counts */
	}
	return true;
}

bool
cl_xread_each(const redisReply *r,
    void (*fn)(void *, const struct cl_entry *), void *arg, unsigned *bad)
{
	const redisReply *s;

	if (r != NULL && r->type == REDIS_REPLY_NIL)
		return true;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 1)
		return false;
	s = r->element[0];
	if (s == NULL || s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
	    !is_str(s->element[0]))
		return false;
	return cl_entries_each(s->element[1], false, fn, arg, bad);
}

bool
cl_client_parse(const char *v, size_t len, struct cl_str *key,
    struct cl_str *spki, struct cl_str *nick)
{
	const char	*a, *b, *end = v + len;

	if ((a = memchr(v, ' ', len)) == NULL ||
	    (b = memchr(a + 1, ' ', (size_t)(end - a - 1))) == NULL)
		return false;
	key->p = v;
	key->len = (size_t)(a - v);
	spki->p = a + 1;
	spki->len = (size_t)(b - a - 1);
	nick->p = b + 1;
	nick->len = (size_t)(end - b - 1);
	return dash_or(key, proto_key_valid) &&
	    dash_or(spki, proto_spki_valid) &&
	    proto_nick_valid(nick->p, nick->len);
}
