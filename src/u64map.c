/*
 * u64map.c -- open addressing with linear probing and tombstones; the
 * table doubles when more than half of it is used (tombstones count)
 * and is rebuilt without them.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "u64map.h"
#include "xmalloc.h"

static size_t
slot0(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

void
u64map_init(struct u64map *m)
{
	memset(m, 0, sizeof *m);
}

void
u64map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->state);
	u64map_init(m);
}

void
u64map_clear(struct u64map *m)
{
	if (m->cap > 0)
		memset(m->state, 0, m->cap);
	m->used = m->live = 0;
}

static void
grow(struct u64map *m)
{
	struct u64map	 n;
	size_t		 i, cap = m->cap ? m->cap : 32;

	while ((m->live + 1) * 4 > cap)
		cap *= 2;
	n.cap = cap;
	n.keys = xcalloc(cap, sizeof *n.keys);
	n.vals = xcalloc(cap, sizeof *n.vals);
	n.state = xcalloc(cap, 1);
	n.used = n.live = 0;
	for (i = 0; i < m->cap; i++)
		if (m->state[i] == 1)
			u64map_put(&n, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	free(m->state);
	*m = n;
}

void
u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	size_t	 i;

	if ((m->used + 1) * 2 > m->cap)
		grow(m);
	i = slot0(key, m->cap);
	while (m->state[i] == 1)
		i = (i + 1) & (m->cap - 1);
	if (m->state[i] == 0)
		m->used++;
	m->state[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->live++;
}

bool
u64map_del(struct u64map *m, uint64_t key, uint64_t val)
{
	size_t	 i;

	if (m->cap == 0)
		return false;
	for (i = slot0(key, m->cap); m->state[i] != 0;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->state[i] == 1 && m->keys[i] == key &&
		    m->vals[i] == val) {
			m->state[i] = 2;
			m->live--;
			return true;
		}
	}
	return false;
}

bool
u64map_next(const struct u64map *m, uint64_t key, size_t *it,
    uint64_t *val)
{
	size_t	 i, k;

	if (m->cap == 0)
		return false;
	/* *it counts the slots already looked at from the home slot. */
	for (k = *it; k < m->cap; k++) {
		i = (slot0(key, m->cap) + k) & (m->cap - 1);
		if (m->state[i] == 0)
			break;
		if (m->state[i] == 1 && m->keys[i] == key) {
			*val = m->vals[i];
			*it = k + 1;
			return true;
		}
	}
	*it = m->cap;
	return false;
}

bool
u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	size_t	 it = 0;

	return u64map_next(m, key, &it, val);
}
