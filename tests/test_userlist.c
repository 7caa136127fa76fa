/*
 * test_userlist.c -- the client's user list model: order (Unicode
 * collation without case, then id), lookups, and the edits: a display
 * that applies them one by one (or rebuilds when told) always ends up
 * showing the list, through random joins, renames, away marks and
 * departures.
 * Also the cost of 100,000 USER lines and of 1,000 renames among
 * them (printed, not asserted).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "userlist.h"
#include "unit.h"

#define DMAX	5000

/* What a window shows: ids in order. */
static uint64_t	 disp[DMAX];
static size_t	 ndisp;

static void
display_sync(struct userlist *ul)
{
	const struct ul_op *ops;
	size_t		 n = userlist_edits(ul, &ops), i;

	if (n == SIZE_MAX) {
		for (ndisp = 0; ndisp < userlist_count(ul); ndisp++)
			disp[ndisp] = userlist_at(ul, ndisp)->id;
	} else {
		for (i = 0; i < n; i++) {
			switch (ops[i].kind) {
			case UL_ADD:
				memmove(disp + ops[i].pos + 1,
				    disp + ops[i].pos,
				    (ndisp - ops[i].pos) * sizeof *disp);
				disp[ops[i].pos] = ops[i].id;
				ndisp++;
				break;
			case UL_DEL:
				memmove(disp + ops[i].pos,
				    disp + ops[i].pos + 1,
				    (ndisp - ops[i].pos - 1) * sizeof *disp);
				ndisp--;
				break;
			case UL_SET:
				disp[ops[i].pos] = ops[i].id;
				break;
			}
		}
	}
	userlist_shown(ul);
}

static bool
display_ok(const struct userlist *ul)
{
	size_t	 i;

	const struct ul_user *a, *b;

	if (ndisp != userlist_count(ul))
		return false;
	for (i = 0; i < ndisp; i++) {
		if (disp[i] != userlist_at(ul, i)->id)
			return false;
		if (i == 0)
			continue;
		/* In order: collation key, then id. */
		a = userlist_at(ul, i - 1);
		b = userlist_at(ul, i);
		if (strcmp(a->sortkey, b->sortkey) > 0 ||
		    (strcmp(a->sortkey, b->sortkey) == 0 && a->id >= b->id))
			return false;
	}
	return true;
}

static void
test_order(void)
{
	struct userlist	*ul = userlist_new();
	const struct ul_op *ops;

	/* An empty list cleared and shown (UBSan: no qsort of NULL). */
	userlist_clear(ul);
	CHECK(userlist_edits(ul, &ops) == SIZE_MAX);
	userlist_shown(ul);
	CHECK(userlist_count(ul) == 0 && userlist_at(ul, 0) == NULL);

	CHECK(userlist_set(ul, 3, "bob", 3));
	CHECK(userlist_set(ul, 1, "Ana", 3));
	CHECK(userlist_set(ul, 2, "ana", 3));
	CHECK(userlist_set(ul, 4, "carl", 4));
	CHECK(!userlist_set(ul, 4, "Zed", 3));		/* a rename */
	CHECK(userlist_count(ul) == 4);
	CHECK(userlist_at(ul, 0)->id == 1 && userlist_at(ul, 1)->id == 2);
	CHECK(userlist_at(ul, 2)->id == 3 && userlist_at(ul, 3)->id == 4);
	CHECK(strcmp(userlist_find(ul, 4)->nick, "Zed") == 0);
	CHECK(userlist_away(ul, 3, "lunch", 5));
	CHECK(strcmp(userlist_find(ul, 3)->away, "lunch") == 0);
	CHECK(userlist_away(ul, 3, NULL, 0) && userlist_find(ul, 3)->away ==
	    NULL);
	CHECK(!userlist_away(ul, 9, NULL, 0));
	CHECK(userlist_del(ul, 2) && !userlist_del(ul, 2));
	CHECK(userlist_find(ul, 2) == NULL);
	CHECK(userlist_set(ul, 5, "a\001b", 3));	/* made displayable */
	CHECK(strcmp(userlist_find(ul, 5)->nick, "a\357\277\275b") == 0);
	userlist_free(ul);
}

/*
 * Portuguese (and any) letters sort by Unicode collation, without
 * case, not by bytes: an ASCII-only fold put every accented capital
 * after "zebra", and "álvaro" far from "Álvaro".  The test runs in the
 * C locale, that is in ICU's root order (which is also Portuguese's).
 */
static void
test_unicode_order(void)
{
	static const struct { uint64_t id; const char *nick; } in[] = {
		{ 1, "Z\303\251" },		/* Zé */
		{ 2, "eva" },
		{ 3, "\303\211va" },		/* Éva */
		{ 4, "\303\241lvaro" },	/* álvaro */
		{ 5, "\303\201lvaro" },	/* Álvaro */
		{ 6, "ana" },
		{ 7, "\303\211mile" },	/* Émile */
		{ 8, "zebra" },
		{ 9, "Ana" },
		{ 10, "\303\251va" },		/* éva */
		{ 11, "\303\207ai" },		/* Çai */
		{ 12, "caio" },
		{ 13, "\304\260rem" },	/* İrem */
		{ 14, "igor" },
	};
	/* á=Á, a=A, Çai<caio, émile<eva, e<É=é, igor<İrem, ze<zebra */
	static const uint64_t want[] = { 4, 5, 6, 9, 11, 12, 7, 2, 3, 10,
	    14, 13, 1, 8 };
	struct userlist	*ul = userlist_new();
	size_t		 i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++)
		CHECK(userlist_set(ul, in[i].id, in[i].nick,
		    strlen(in[i].nick)));
	CHECK(userlist_count(ul) == sizeof want / sizeof want[0]);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (userlist_at(ul, i)->id != want[i])
			printf("position %zu: #%llu %s, want #%llu\n", i,
			    (unsigned long long)userlist_at(ul, i)->id,
			    userlist_at(ul, i)->nick,
			    (unsigned long long)want[i]);
		CHECK(userlist_at(ul, i)->id == want[i]);
	}
	/* A rename moves by the same order (one position, once sorted). */
	CHECK(!userlist_set(ul, 8, "\303\202nab", 5));	/* Ânab */
	CHECK(userlist_at(ul, 4)->id == 8);
	userlist_free(ul);
}

static void
test_edits(void)
{
	struct userlist	*ul = userlist_new();
	char		 nick[16];
	int		 round, k, op;
	uint64_t	 id;

	srand(7);
	ndisp = 0;
	for (round = 0; round < 400; round++) {
		/* A few edits (applied one by one) or many (a rebuild). */
		for (k = rand() % (round % 10 == 0 ? 600 : 8); k >= 0; k--) {
			id = (uint64_t)(rand() % 3000);
			op = rand() % 10;
			snprintf(nick, sizeof nick, "%c%c%d",
			    "aAbBzZ"[rand() % 6], "xyXY"[rand() % 4],
			    rand() % 50);
			if (op < 6)
				userlist_set(ul, id, nick, strlen(nick));
			else if (op < 8)
				userlist_away(ul, id, "x", 1);
			else
				userlist_del(ul, id);
		}
		if (round % 97 == 0)
			userlist_clear(ul);
		display_sync(ul);
		CHECK(display_ok(ul));
	}
	userlist_free(ul);
}

static double
secs(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
test_cost(void)
{
	struct userlist	*ul = userlist_new();
	char		 nick[32];
	double		 t0;
	uint64_t	 id;
	int		 i;

	t0 = secs();
	for (id = 1; id <= 100000; id++) {
		snprintf(nick, sizeof nick, "user%llu", (unsigned long long)
		    ((id * 7919) % 100000));
		userlist_set(ul, id, nick, strlen(nick));
	}
	printf("100000 users added in %.1f ms\n", (secs() - t0) * 1e3);
	CHECK(userlist_count(ul) == 100000);
	t0 = secs();
	for (i = 0; i < 1000; i++) {
		snprintf(nick, sizeof nick, "renamed%d", i);
		userlist_set(ul, (uint64_t)(i * 97 + 1), nick, strlen(nick));
	}
	printf("1000 renames among them in %.1f ms\n", (secs() - t0) * 1e3);
	userlist_free(ul);
}

int
main(void)
{
	test_order();
	test_unicode_order();
	test_edits();
	test_cost();
	return unit_done("test_userlist");
}
