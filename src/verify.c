/*
 * verify.c -- the queue of signatures the client checks (verify.h).
 * Keys are reference counted: the table by fingerprint (kept across
 * connections) holds one reference, each id that uses the key one,
 * each message ready to be checked one; so that forgetting the ids of
 * a connection, or trimming the table, never pulls a key from under a
 * queued message.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "keys.h"
#include "log.h"
#include "u64map.h"
#include "verify.h"
#include "xmalloc.h"

struct vf_key {
	char		 fp[KEYS_FP_LEN];
	struct keys_pub	*pub;
	unsigned	 refs;
};

struct vf_item {
	uint64_t	 ticket;
	uint64_t	 id;
	struct vf_key	*key;		/* when ready */
	struct vf_item	*next;
	size_t		 len;
	char		 sig[KEYS_SIG_B64 + 1];
	char		 data[];
};

enum vf_idstate {
	ID_UNASKED = 0,		/* no key known, not asked yet */
	ID_ASKED,		/* KEY <id> sent, no answer yet */
	ID_KNOWN,		/* key holds its key */
	ID_NONE			/* no key can be trusted for it */
};

struct vf_id {
	uint64_t	 id;
	enum vf_idstate	 state;
	char		 want[KEYS_FP_LEN];	/* USER/JOIN: "" unknown */
	struct vf_key	*key;
	time_t		 asked;
	struct vf_item	*wait, *waittail;
};

struct verify {
	struct vf_hooks	 h;
	void		*arg;
	unsigned	 budget_us;
	uint64_t	 next_ticket;

	struct vf_key	**keys;		/* the table by fingerprint */
	size_t		 nkeys, capkeys;
	struct u64map	 keyidx;	/* hash of fp -> index in keys */

	struct vf_id	*ids;
	size_t		 nids, capids;
	struct u64map	 ididx;		/* id -> index in ids */
	size_t		 nasked;

	struct vf_item	*ready, *readytail;
	size_t		 queued;	/* bytes ready or waiting */
	struct ev_timer	*timer;
	struct vf_stats	 st;
};

static void	 turn_cb(void *);

static uint64_t
mono_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static time_t
mono_s(void)
{
	return (time_t)(mono_ns() / 1000000000u);
}

/* A fingerprint's hash for the table (its hex digits are random). */
static uint64_t
fp_hash(const char *fp)
{
	uint64_t	 h = 0;
	size_t		 i;

	for (i = 7; i < 7 + 16; i++)
		h = h * 16 + (uint64_t)(fp[i] <= '9' ? fp[i] - '0' :
		    fp[i] - 'a' + 10);
	return h;
}

struct verify *
verify_new(const struct vf_hooks *h, void *arg)
{
	struct verify	*v = xcalloc(1, sizeof *v);

	v->h = *h;
	v->arg = arg;
	v->budget_us = VF_BUDGET_US;
	return v;
}

void
verify_set_budget(struct verify *v, unsigned us)
{
	v->budget_us = us;
}

static void
key_unref(struct vf_key *k)
{
	if (k == NULL || --k->refs > 0)
		return;
	keys_pub_free(k->pub);
	free(k);
}

static struct vf_key *
key_ref(struct vf_key *k)
{
	k->refs++;
	return k;
}

/* The key with fingerprint fp in the table, or NULL. */
static struct vf_key *
key_find(struct verify *v, const char *fp)
{
	size_t		 it = 0;
	uint64_t	 i;

	while (u64map_next(&v->keyidx, fp_hash(fp), &it, &i))
		if (strcmp(v->keys[i]->fp, fp) == 0)
			return v->keys[i];
	return NULL;
}

/* Put pub (taken) in the table under its fingerprint; the entry. */
static struct vf_key *
key_add(struct verify *v, struct keys_pub *pub)
{
	struct vf_key	*k = xcalloc(1, sizeof *k);

	keys_pub_fingerprint(pub, k->fp);
	k->pub = pub;
	k->refs = 1;
	if (v->nkeys == v->capkeys) {
		v->capkeys = v->capkeys ? v->capkeys * 2 : 64;
		v->keys = xreallocarray(v->keys, v->capkeys, sizeof *v->keys);
	}
	u64map_put(&v->keyidx, fp_hash(k->fp), v->nkeys);
	v->keys[v->nkeys++] = k;
	return k;
}

/* Forget the whole table (the keys in use live on). */
static void
keys_clear(struct verify *v)
{
	size_t	 i;

	for (i = 0; i < v->nkeys; i++)
		key_unref(v->keys[i]);
	v->nkeys = 0;
	u64map_clear(&v->keyidx);
}

static void
schedule(struct verify *v)
{
	if (v->ready != NULL && v->timer == NULL)
		v->timer = evloop_timer_add(VF_TURN_MS, turn_cb, v);
}

static void
finish(struct verify *v, struct vf_item *it, enum vf_result r,
    const char *fp)
{
	v->queued -= it->len;
	switch (r) {
	case VF_GOOD:
		v->st.good++;
		break;
	case VF_BAD:
		v->st.bad++;
		break;
	case VF_NOKEY:
		v->st.nokey++;
		break;
	default:
		v->st.skipped++;
		break;
	}
	if (fp == NULL || strncmp(fp, "sha256:", 7) != 0)
		fp = "";
	if (v->h.done != NULL)
		v->h.done(v->arg, it->ticket, r, fp);
	key_unref(it->key);
	free(it);
}

static void
ready_push(struct verify *v, struct vf_item *it)
{
	it->next = NULL;
	if (v->readytail != NULL)
		v->readytail->next = it;
	else
		v->ready = it;
	v->readytail = it;
	v->st.ready++;
	if (v->st.ready > v->st.maxready)
		v->st.maxready = v->st.ready;
	schedule(v);
}

/* The id's key is known (or not to be had): release its waiting list. */
static void
id_settle(struct verify *v, struct vf_id *e)
{
	struct vf_item	*it, *next;

	it = e->wait;
	e->wait = e->waittail = NULL;
	for (; it != NULL; it = next) {
		next = it->next;
		v->st.waiting--;
		if (e->state == ID_KNOWN) {
			it->key = key_ref(e->key);
			ready_push(v, it);
		} else
			finish(v, it, VF_NOKEY, e->want);
	}
}

static void
id_state(struct verify *v, struct vf_id *e, enum vf_idstate st,
    struct vf_key *k)
{
	if (e->state == ID_ASKED)
		v->nasked--;
	e->state = st;
	if (k != NULL)
		e->key = key_ref(k);
	id_settle(v, e);
}

static struct vf_id *
id_find(struct verify *v, uint64_t id)
{
	uint64_t	 i;

	return u64map_get(&v->ididx, id, &i) ? &v->ids[i] : NULL;
}

/* The entry of id, made if need be; NULL when the table is full. */
static struct vf_id *
id_get(struct verify *v, uint64_t id)
{
	struct vf_id	*e = id_find(v, id);

	if (e != NULL)
		return e;
	if (v->nids >= VF_IDS_MAX)
		return NULL;
	if (v->nids == v->capids) {
		v->capids = v->capids ? v->capids * 2 : 64;
		v->ids = xreallocarray(v->ids, v->capids, sizeof *v->ids);
	}
	u64map_put(&v->ididx, id, v->nids);
	e = &v->ids[v->nids++];
	memset(e, 0, sizeof *e);
	e->id = id;
	return e;
}

void
verify_user(struct verify *v, uint64_t id, const char *key, size_t keylen)
{
	struct vf_id	*e = id_get(v, id);
	char		 fp[KEYS_FP_LEN];
	struct vf_key	*k;

	if (e == NULL)
		return;
	if (keylen == 1 && key[0] == '-')
		snprintf(fp, sizeof fp, "-");
	else if (keylen != KEYS_FP_LEN - 1)
		return;			/* the parser lets no such key by */
	else {
		memcpy(fp, key, keylen);
		fp[keylen] = '\0';
		if (!keys_fp_parse(fp, fp))
			return;
	}
	if (e->want[0] != '\0' && strcmp(e->want, fp) != 0) {
		log_warnx("client #%llu was announced with key %s, then %s: "
		    "its signatures cannot be trusted",
		    (unsigned long long)id, e->want, fp);
		snprintf(e->want, sizeof e->want, "?");
		if (e->state == ID_KNOWN) {
			key_unref(e->key);
			e->key = NULL;
		}
		id_state(v, e, ID_NONE, NULL);
		return;
	}
	memcpy(e->want, fp, sizeof fp);
	if (e->state == ID_NONE || e->state == ID_KNOWN)
		return;
	if (fp[0] == '-')
		id_state(v, e, ID_NONE, NULL);
	else if ((k = key_find(v, fp)) != NULL)
		id_state(v, e, ID_KNOWN, k);
}

uint64_t
verify_submit(struct verify *v, uint64_t id, const void *data, size_t len,
    const char *sig, enum vf_result *now)
{
	struct vf_id	*e;
	struct vf_item	*it;

	if (v->queued + len > VF_QUEUE_MAX) {
		v->st.skipped++;
		*now = VF_SKIPPED;
		return 0;
	}
	if ((e = id_get(v, id)) == NULL || e->state == ID_NONE) {
		v->st.nokey++;
		*now = VF_NOKEY;
		return 0;
	}
	it = xmalloc(sizeof *it + len);
	it->ticket = ++v->next_ticket;
	it->id = id;
	it->key = NULL;
	it->len = len;
	memcpy(it->sig, sig, KEYS_SIG_B64);
	it->sig[KEYS_SIG_B64] = '\0';
	memcpy(it->data, data, len);
	v->queued += len;
	if (e->state == ID_KNOWN) {
		it->key = key_ref(e->key);
		ready_push(v, it);
		return it->ticket;
	}
	it->next = NULL;
	if (e->waittail != NULL)
		e->waittail->next = it;
	else
		e->wait = it;
	e->waittail = it;
	v->st.waiting++;
	if (e->state == ID_UNASKED) {
		e->state = ID_ASKED;
		e->asked = mono_s();
		v->nasked++;
		v->st.asked++;
		if (v->h.askkey != NULL)
			v->h.askkey(v->arg, id);
	}
	return it->ticket;
}

/*
 * The public key of an answer, if it can be trusted for e: it parses
 * as an Ed25519 key, hashes to key, and to the key of e's USER/JOIN.
 * NULL (with a warning) if not.
 */
static struct keys_pub *
answer_key(struct vf_id *e, const char *key, size_t keylen,
    const char *spki, size_t spkilen)
{
	struct keys_pub	*pub;
	char		 fp[KEYS_FP_LEN], got[KEYS_FP_LEN];

	if (keylen != KEYS_FP_LEN - 1)
		return NULL;
	memcpy(fp, key, keylen);
	fp[keylen] = '\0';
	if (!keys_fp_parse(fp, fp) ||
	    (pub = keys_pub_from_spki_b64(spki, spkilen)) == NULL) {
		log_warnx("the server's key for #%llu is not an Ed25519 "
		    "key", (unsigned long long)e->id);
		return NULL;
	}
	keys_pub_fingerprint(pub, got);
	if (strcmp(got, fp) != 0 ||
	    (e->want[0] != '\0' && strcmp(got, e->want) != 0)) {
		log_warnx("the server's key for #%llu hashes to %s, not to "
		    "%s: refused", (unsigned long long)e->id, got,
		    e->want[0] != '\0' ? e->want : fp);
		keys_pub_free(pub);
		return NULL;
	}
	return pub;
}

void
verify_key(struct verify *v, uint64_t id, const char *key, size_t keylen,
    const char *spki, size_t spkilen)
{
	struct vf_id	*e = id_find(v, id);
	struct keys_pub	*pub;
	struct vf_key	*k;
	char		 fp[KEYS_FP_LEN];

	if (e == NULL || e->state != ID_ASKED)
		return;			/* not asked: ignored */
	if ((keylen == 1 && key[0] == '-') || (spkilen == 1 &&
	    spki[0] == '-') ||
	    (pub = answer_key(e, key, keylen, spki, spkilen)) == NULL) {
		id_state(v, e, ID_NONE, NULL);
		return;
	}
	keys_pub_fingerprint(pub, fp);
	if ((k = key_find(v, fp)) != NULL)
		keys_pub_free(pub);
	else
		k = key_add(v, pub);
	id_state(v, e, ID_KNOWN, k);
}

void
verify_tick(struct verify *v)
{
	time_t	 t = mono_s();
	size_t	 i;

	for (i = 0; i < v->nids && v->nasked > 0; i++) {
		if (v->ids[i].state != ID_ASKED ||
		    t - v->ids[i].asked < VF_KEY_TIMEOUT)
			continue;
		log_warnx("no answer from the server for the key of #%llu",
		    (unsigned long long)v->ids[i].id);
		id_state(v, &v->ids[i], ID_NONE, NULL);
	}
}

void
verify_reset(struct verify *v)
{
	struct vf_id	*e;
	size_t		 i;

	for (i = 0; i < v->nids; i++) {
		e = &v->ids[i];
		if (e->state != ID_KNOWN)
			id_state(v, e, ID_NONE, NULL);
		key_unref(e->key);
	}
	v->nids = 0;
	v->nasked = 0;
	u64map_clear(&v->ididx);
	if (v->nkeys > VF_KEYS_MAX)
		keys_clear(v);
}

bool
verify_run(struct verify *v)
{
	struct vf_item	*it;
	uint64_t	 t0 = mono_ns(), t1, t2;
	bool		 ok;

	v->st.turns++;
	while ((it = v->ready) != NULL) {
		v->ready = it->next;
		if (v->ready == NULL)
			v->readytail = NULL;
		v->st.ready--;
		t1 = mono_ns();
		ok = keys_verify(it->key->pub, it->data, it->len, it->sig,
		    KEYS_SIG_B64);
		t2 = mono_ns();
		v->st.checked++;
		v->st.check_ns += t2 - t1;
		finish(v, it, ok ? VF_GOOD : VF_BAD, it->key->fp);
		if (t2 - t0 >= (uint64_t)v->budget_us * 1000)
			break;
	}
	return v->ready != NULL;
}

static void
turn_cb(void *arg)
{
	struct verify	*v = arg;

	v->timer = NULL;
	if (verify_run(v))
		schedule(v);
}

void
verify_stats(const struct verify *v, struct vf_stats *st)
{
	*st = v->st;
}

void
verify_free(struct verify *v)
{
	struct vf_item	*it, *next;
	size_t		 i;

	if (v == NULL)
		return;
	evloop_timer_del(v->timer);
	for (it = v->ready; it != NULL; it = next) {
		next = it->next;
		key_unref(it->key);
		free(it);
	}
	for (i = 0; i < v->nids; i++) {
		for (it = v->ids[i].wait; it != NULL; it = next) {
			next = it->next;
			free(it);
		}
		key_unref(v->ids[i].key);
	}
	keys_clear(v);
	free(v->keys);
	free(v->ids);
	u64map_free(&v->keyidx);
	u64map_free(&v->ididx);
	free(v);
}
