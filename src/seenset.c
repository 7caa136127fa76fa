/*
 * seenset.c -- a bounded, ordered set of message numbers and digests
 * (see seenset.h): a ring grown up to its maximum, searched by
 * bisection.  Moved out of clientlog.c so that the client core can
 * use it too.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdlib.h>

#include "seenset.h"
#include "xmalloc.h"

void
seenset_init(struct seenset *s, size_t max)
{
	s->ring = NULL;
	s->cap = s->first = s->n = 0;
	s->max = max;
}

void
seenset_free(struct seenset *s)
{
	size_t	 max = s->max;

	free(s->ring);
	seenset_init(s, max);
}

/* The first 16 hex digits of a digest as a number (either case). */
static uint64_t
digest_half(const char *md5)
{
	uint64_t	 d = 0;
	int		 i, c;

	for (i = 0; i < 16; i++) {
		c = (unsigned char)md5[i];
		d <<= 4;
		if (c >= '0' && c <= '9')
			d |= (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d |= (uint64_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d |= (uint64_t)(c - 'A' + 10);
	}
	return d;
}

/* The i-th oldest entry of the ring. */
static struct seen *
seen_at(const struct seenset *s, size_t i)
{
	return &s->ring[(s->first + i) % s->cap];
}

/* Remember n, above every number in the ring; the oldest may go. */
static void
seen_push(struct seenset *s, uint64_t n, uint64_t d)
{
	struct seen	*grown;
	size_t		 i, cap, max = s->max ? s->max : SEENSET_MAX;

	if (s->n == s->cap && s->cap < max) {
		/* Grow (unrolling the ring) up to max. */
		cap = s->cap == 0 ? 256 : s->cap * 2;
		if (cap > max)
			cap = max;
		grown = xreallocarray(NULL, cap, sizeof *grown);
		for (i = 0; i < s->n; i++)
			grown[i] = *seen_at(s, i);
		free(s->ring);
		s->ring = grown;
		s->cap = cap;
		s->first = 0;
	}
	if (s->n == s->cap) {
		s->first = (s->first + 1) % s->cap;
		s->n--;
	}
	*seen_at(s, s->n++) = (struct seen){ n, d };
}

/* The entry of number n, or NULL. */
static struct seen *
seen_find(const struct seenset *s, uint64_t n)
{
	size_t		 lo = 0, hi = s->n, mid;
	struct seen	*e;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seen_at(s, mid)->n < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->n || (e = seen_at(s, lo))->n != n)
		return NULL;
	return e;
}

bool
seenset_has(const struct seenset *s, uint64_t n, const char *md5)
{
	struct seen	*e;

	if (s->n == 0 || n > seen_at(s, s->n - 1)->n)
		return false;
	return (e = seen_find(s, n)) != NULL && e->d == digest_half(md5);
}

bool
seenset_add(struct seenset *s, uint64_t n, const char *md5)
{
	uint64_t	 d = digest_half(md5);
	struct seen	*e;

	if (s->n == 0 || n > seen_at(s, s->n - 1)->n) {
		seen_push(s, n, d);
		return true;
	}
	if ((e = seen_find(s, n)) == NULL)
		return true;		/* never seen (or forgotten) */
	if (e->d == d)
		return false;		/* the same message again */
	e->d = d;			/* another message, same number */
	return true;
}
