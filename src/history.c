/*
 * history.c -- the last accepted messages, a ring of copies.  Each
 * entry is one allocation holding its strings, reused when the ring
 * comes round to it again (grown only for a longer message).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "protocol.h"
#include "xmalloc.h"

struct entry {
	struct hist_msg	 m;		/* its strings point into buf */
	char		*buf;
	size_t		 cap;
};

/* A DM sender's key (history_keep_key). */
struct keyent {
	uint64_t	 id;		/* 0: unused */
	char		 key[PROTO_KEY_LEN + 1];
	char		*spki;
};

struct history {
	struct entry	*ring;
	unsigned	 size;		/* entries the ring holds */
	unsigned	 head;		/* next to write */
	unsigned	 count;
	unsigned	 replay;	/* for a newcomer */
	struct keyent	*keys;		/* HISTORY_KEYS, allocated on use */
	unsigned	 khead;		/* next to write */
};

struct history *
history_create(unsigned replay)
{
	struct history	*hs = xcalloc(1, sizeof *hs);

	hs->replay = replay;
	if (replay > 0)
		hs->size = replay > HISTORY_HELLO_MAX ? replay :
		    HISTORY_HELLO_MAX;
	if (hs->size > 0)
		hs->ring = xcalloc(hs->size, sizeof *hs->ring);
	return hs;
}

void
history_free(struct history *hs)
{
	unsigned	 i;

	if (hs == NULL)
		return;
	for (i = 0; i < hs->size; i++)
		free(hs->ring[i].buf);
	free(hs->ring);
	for (i = 0; hs->keys != NULL && i < HISTORY_KEYS; i++)
		free(hs->keys[i].spki);
	free(hs->keys);
	free(hs);
}

/* Copy len bytes of s to *p and NUL-terminate; return the copy. */
static const char *
hist_put(char **p, const char *s, size_t len)
{
	char	*d = *p;

	memcpy(d, s, len);
	d[len] = '\0';
	*p += len + 1;
	return d;
}

static size_t
len_or0(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

void
history_add(struct history *hs, const struct hist_msg *m)
{
	struct entry	*e;
	size_t		 need;
	char		*p;

	if (hs->size == 0)
		return;
	e = &hs->ring[hs->head];
	need = PROTO_TIME_LEN + 1 + m->nicklen + 1 + PROTO_MD5_HEX + 1 +
	    len_or0(m->sig) + len_or0(m->key) + len_or0(m->spki) +
	    m->textlen + 1;
	if (need > e->cap) {
		e->cap = need < 256 ? 256 : need;
		free(e->buf);
		e->buf = xmalloc(e->cap);
	}
	p = e->buf;
	e->m = *m;
	e->m.time = hist_put(&p, m->time, PROTO_TIME_LEN);
	e->m.nick = hist_put(&p, m->nick, m->nicklen);
	e->m.md5 = hist_put(&p, m->md5, PROTO_MD5_HEX);
	e->m.sig = m->sig != NULL ? hist_put(&p, m->sig, strlen(m->sig)) :
	    NULL;
	e->m.key = m->key != NULL ? hist_put(&p, m->key, strlen(m->key)) :
	    NULL;
	e->m.spki = m->spki != NULL ? hist_put(&p, m->spki,
	    strlen(m->spki)) : NULL;
	e->m.text = hist_put(&p, m->text, m->textlen);
	hs->head = (hs->head + 1) % hs->size;
	if (hs->count < hs->size)
		hs->count++;
}

unsigned
history_count(const struct history *hs)
{
	return hs->count;
}

/* The i-th kept message, 0 the oldest. */
static const struct hist_msg *
at(const struct history *hs, unsigned i)
{
	return &hs->ring[(hs->head + hs->size - hs->count + i) %
	    hs->size].m;
}

unsigned
history_each(const struct history *hs, uint64_t after,
    void (*fn)(void *, const struct hist_msg *), void *arg)
{
	unsigned	 first, i, lo, hi, mid;

	if (hs->count == 0)
		return 0;
	if (after == 0) {
		first = hs->count > hs->replay ? hs->count - hs->replay : 0;
	} else {
		/* Numbers only go up: the first above after, by bisection. */
		lo = 0;
		hi = hs->count;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (at(hs, mid)->n <= after)
				lo = mid + 1;
			else
				hi = mid;
		}
		first = lo;
		/* At most what the ring holds: it is all kept. */
	}
	for (i = first; i < hs->count; i++)
		fn(arg, at(hs, i));
	return hs->count - first;
}

/* The remembered key of client id, or NULL. */
static const struct keyent *
kept_key(const struct history *hs, uint64_t id)
{
	unsigned	 i;

	for (i = 0; id != 0 && hs->keys != NULL && i < HISTORY_KEYS; i++)
		if (hs->keys[i].id == id)
			return &hs->keys[i];
	return NULL;
}

void
history_keep_key(struct history *hs, uint64_t id, const char *key,
    const char *spki)
{
	struct keyent	*k;

	if (key == NULL || spki == NULL || strlen(key) > PROTO_KEY_LEN ||
	    kept_key(hs, id) != NULL)
		return;
	if (hs->keys == NULL)
		hs->keys = xcalloc(HISTORY_KEYS, sizeof *hs->keys);
	k = &hs->keys[hs->khead];
	hs->khead = (hs->khead + 1) % HISTORY_KEYS;
	k->id = id;
	snprintf(k->key, sizeof k->key, "%s", key);
	free(k->spki);
	k->spki = xstrdup(spki);
}

bool
history_key_of(const struct history *hs, uint64_t id, const char **key,
    const char **spki)
{
	const struct hist_msg *m;
	const struct keyent *k;
	unsigned	 i;

	for (i = hs->count; i > 0; i--) {
		m = at(hs, i - 1);
		if (m->id != id)
			continue;
		if (m->key == NULL || m->spki == NULL)
			break;
		*key = m->key;
		*spki = m->spki;
		return true;
	}
	if ((k = kept_key(hs, id)) == NULL)
		return false;
	*key = k->key;
	*spki = k->spki;
	return true;
}
