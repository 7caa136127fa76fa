/*
 * userlist.c -- the client's user list model: an array of users kept
 * sorted by (collation key of the nick, id) with binary search, an
 * open-addressing table from id to user, and the last edits (at most
 * OPS_MAX; more turn into "rebuild").  While a rebuild is due no
 * position is needed: users are appended unsorted and the array is
 * sorted once, when the window asks for it (so 100,000 USER lines cost
 * one qsort, not 100,000 insertions).  The collation key (ICU's, from
 * nick_sort_key) is made once per nick, when it is set: comparisons
 * are then strcmp.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nickrules.h"
#include "userlist.h"
#include "utf8.h"
#include "xmalloc.h"

#define OPS_MAX		256
#define TOMB		((struct ul_user *)&tomb_mark)

static const char	 tomb_mark;

struct userlist {
	struct ul_user	**sorted;
	size_t		  n, cap;
	struct ul_user	**table;	/* by id; NULL empty, TOMB deleted */
	size_t		  tcap, tused;
	struct ul_op	  ops[OPS_MAX];
	size_t		  nops;
	bool		  rebuild;
	bool		  unsorted;	/* only while rebuild */
};

static size_t
slot_of(uint64_t id, size_t tcap)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 17) & (tcap - 1);
}

static void
table_put(struct ul_user **t, size_t tcap, struct ul_user *u)
{
	size_t	 i = slot_of(u->id, tcap);

	while (t[i] != NULL && t[i] != TOMB)
		i = (i + 1) & (tcap - 1);
	t[i] = u;
}

/* Keep the table at most half used (tombstones count). */
static void
table_grow(struct userlist *ul)
{
	struct ul_user	**nt;
	size_t		  ncap = ul->tcap, i;

	if ((ul->tused + 1) * 2 <= ul->tcap)
		return;
	while ((ul->n + 1) * 4 > ncap)
		ncap *= 2;
	nt = xcalloc(ncap, sizeof *nt);
	for (i = 0; i < ul->tcap; i++)
		if (ul->table[i] != NULL && ul->table[i] != TOMB)
			table_put(nt, ncap, ul->table[i]);
	free(ul->table);
	ul->table = nt;
	ul->tcap = ncap;
	ul->tused = ul->n;
}

/* The table slot holding id, or SIZE_MAX. */
static size_t
table_find(const struct userlist *ul, uint64_t id)
{
	size_t	 i = slot_of(id, ul->tcap);

	while (ul->table[i] != NULL) {
		if (ul->table[i] != TOMB && ul->table[i]->id == id)
			return i;
		i = (i + 1) & (ul->tcap - 1);
	}
	return SIZE_MAX;
}

struct userlist *
userlist_new(void)
{
	struct userlist	*ul = xcalloc(1, sizeof *ul);

	ul->tcap = 64;
	ul->table = xcalloc(ul->tcap, sizeof *ul->table);
	return ul;
}

static void
user_free(struct ul_user *u)
{
	free(u->nick);
	free(u->sortkey);
	free(u->away);
	free(u);
}

void
userlist_clear(struct userlist *ul)
{
	size_t	 i;

	for (i = 0; i < ul->n; i++)
		user_free(ul->sorted[i]);
	ul->n = 0;
	memset(ul->table, 0, ul->tcap * sizeof *ul->table);
	ul->tused = 0;
	ul->rebuild = true;
	ul->unsorted = true;
	ul->nops = 0;
}

void
userlist_free(struct userlist *ul)
{
	if (ul == NULL)
		return;
	userlist_clear(ul);
	free(ul->sorted);
	free(ul->table);
	free(ul);
}

static void
record(struct userlist *ul, enum ul_op_kind kind, size_t pos, uint64_t id)
{
	size_t	 i;

	if (ul->rebuild)
		return;
	if (ul->nops == OPS_MAX) {
		/* Too many: from now on the order waits for the rebuild. */
		ul->rebuild = ul->unsorted = true;
		for (i = 0; i < ul->n; i++)
			ul->sorted[i]->idx = i;
		return;
	}
	ul->ops[ul->nops++] = (struct ul_op){ kind, pos, id };
}

/* The order: the nick's collation key, then id. */
static int
user_cmp(const struct ul_user *a, const struct ul_user *b)
{
	int	 c = strcmp(a->sortkey, b->sortkey);

	if (c != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The first position whose user does not sort before u. */
static size_t
lower_bound(const struct userlist *ul, const struct ul_user *u)
{
	size_t	 lo = 0, hi = ul->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (user_cmp(ul->sorted[mid], u) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
qsort_cmp(const void *a, const void *b)
{
	return user_cmp(*(struct ul_user *const *)a,
	    *(struct ul_user *const *)b);
}

/* Sort what was appended while a rebuild was due. */
static void
ensure_sorted(const struct userlist *cul)
{
	struct userlist	*ul = (struct userlist *)(uintptr_t)cul;

	if (ul->unsorted) {
		if (ul->n > 1)
			qsort(ul->sorted, ul->n, sizeof *ul->sorted,
			    qsort_cmp);
		ul->unsorted = false;
	}
}

static size_t
sorted_insert(struct userlist *ul, struct ul_user *u)
{
	size_t	 pos = ul->unsorted ? ul->n : lower_bound(ul, u);

	if (ul->n == ul->cap) {
		ul->cap = ul->cap ? ul->cap * 2 : 64;
		ul->sorted = xreallocarray(ul->sorted, ul->cap,
		    sizeof *ul->sorted);
	}
	memmove(ul->sorted + pos + 1, ul->sorted + pos,
	    (ul->n - pos) * sizeof *ul->sorted);
	ul->sorted[pos] = u;
	u->idx = pos;
	ul->n++;
	return pos;
}

static size_t
sorted_remove(struct userlist *ul, const struct ul_user *u)
{
	size_t	 pos;

	if (ul->unsorted) {
		/* Out of order anyway: the last one takes its place. */
		pos = u->idx;
		ul->sorted[pos] = ul->sorted[--ul->n];
		ul->sorted[pos]->idx = pos;
		return pos;
	}
	pos = lower_bound(ul, u);
	memmove(ul->sorted + pos, ul->sorted + pos + 1,
	    (ul->n - pos - 1) * sizeof *ul->sorted);
	ul->n--;
	return pos;
}

bool
userlist_set(struct userlist *ul, uint64_t id, const char *nick,
    size_t len)
{
	size_t		 slot = table_find(ul, id), from, to;
	struct ul_user	*u;
	char		*clean = utf8_clean_dup(nick, len, 0);

	if (slot == SIZE_MAX) {
		table_grow(ul);
		u = xcalloc(1, sizeof *u);
		u->id = id;
		u->nick = clean;
		u->sortkey = nick_sort_key(clean, strlen(clean));
		table_put(ul->table, ul->tcap, u);
		ul->tused++;
		record(ul, UL_ADD, sorted_insert(ul, u), id);
		return true;
	}
	u = ul->table[slot];
	if (strcmp(u->nick, clean) == 0) {
		free(clean);
		return false;
	}
	from = sorted_remove(ul, u);
	free(u->nick);
	free(u->sortkey);
	u->nick = clean;
	u->sortkey = nick_sort_key(clean, strlen(clean));
	to = sorted_insert(ul, u);
	if (from == to)
		record(ul, UL_SET, to, id);
	else {
		record(ul, UL_DEL, from, id);
		record(ul, UL_ADD, to, id);
	}
	return false;
}

bool
userlist_away(struct userlist *ul, uint64_t id, const char *reason,
    size_t len)
{
	size_t		 slot = table_find(ul, id);
	struct ul_user	*u;

	if (slot == SIZE_MAX)
		return false;
	u = ul->table[slot];
	free(u->away);
	u->away = reason != NULL ? utf8_clean_dup(reason, len, 0) : NULL;
	if (!ul->unsorted)
		record(ul, UL_SET, lower_bound(ul, u), id);
	return true;
}

bool
userlist_flags(struct userlist *ul, uint64_t id, unsigned flags)
{
	size_t		 slot = table_find(ul, id);
	struct ul_user	*u;

	if (slot == SIZE_MAX)
		return false;
	u = ul->table[slot];
	if (u->flags == flags)
		return true;
	u->flags = flags;
	if (!ul->unsorted)
		record(ul, UL_SET, lower_bound(ul, u), id);
	return true;
}

bool
userlist_del(struct userlist *ul, uint64_t id)
{
	size_t		 slot = table_find(ul, id);
	struct ul_user	*u;

	if (slot == SIZE_MAX)
		return false;
	u = ul->table[slot];
	ul->table[slot] = TOMB;
	record(ul, UL_DEL, sorted_remove(ul, u), id);
	user_free(u);
	return true;
}

const struct ul_user *
userlist_find(const struct userlist *ul, uint64_t id)
{
	size_t	 slot = table_find(ul, id);

	return slot == SIZE_MAX ? NULL : ul->table[slot];
}

size_t
userlist_count(const struct userlist *ul)
{
	return ul->n;
}

const struct ul_user *
userlist_at(const struct userlist *ul, size_t pos)
{
	ensure_sorted(ul);
	return pos < ul->n ? ul->sorted[pos] : NULL;
}

size_t
userlist_edits(const struct userlist *ul, const struct ul_op **ops)
{
	*ops = ul->ops;
	ensure_sorted(ul);
	return ul->rebuild ? SIZE_MAX : ul->nops;
}

void
userlist_shown(struct userlist *ul)
{
	ensure_sorted(ul);
	ul->nops = 0;
	ul->rebuild = false;
}
