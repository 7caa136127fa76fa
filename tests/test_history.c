/*
 * test_history.c -- unit tests of src/history.c: what a newcomer is
 * replayed (the last -history), what HELLO <n> gets (every message
 * above n, at most what is kept), the ring wrapping round, copies that
 * outlive the caller's strings, KEY answers for a sender who left,
 * and -history 0 keeping nothing.  Needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "history.h"
#include "unit.h"

#define TIME	"2026-12-02T10:00:00.000Z"
#define MD5	"0123456789abcdef0123456789abcdef"
#define KEY	"sha256:1111111111111111111111111111111111111111111111111111111111111111"

static uint64_t	 got[5000];
static unsigned	 ngot;

static void
collect(void *arg, const struct hist_msg *m)
{
	(void)arg;
	if (ngot < 5000)
		got[ngot++] = m->n;
}

/* Add messages first..last, from id n % 7 + 1, keyed when id is 3. */
static void
add(struct history *hs, uint64_t first, uint64_t last)
{
	struct hist_msg	 m;
	char		 text[64], nick[16];
	uint64_t	 n;

	for (n = first; n <= last; n++) {
		memset(&m, 0, sizeof m);
		m.n = n;
		m.id = n % 7 + 1;
		m.time = TIME;
		snprintf(nick, sizeof nick, "u%llu", (unsigned long long)m.id);
		m.nick = nick;
		m.nicklen = strlen(nick);
		m.md5 = MD5;
		if (m.id == 3) {
			m.key = KEY;
			m.spki = "MCowBQYDK2VwAyEAAAAA";
			m.sig = "c2ln";
		}
		snprintf(text, sizeof text, "message %llu",
		    (unsigned long long)n);
		m.text = text;
		m.textlen = strlen(text);
		history_add(hs, &m);
		memset(text, 'x', sizeof text);	/* copies must not care */
		memset(nick, 'y', sizeof nick);
	}
}

static unsigned
each(struct history *hs, uint64_t after)
{
	ngot = 0;
	return history_each(hs, after, collect, NULL);
}

static bool
run(uint64_t first, uint64_t last)
{
	uint64_t	 n;

	if (ngot != last - first + 1)
		return false;
	for (n = first; n <= last; n++)
		if (got[n - first] != n)
			return false;
	return true;
}

static void
test_replay(void)
{
	struct history	*hs = history_create(20);
	const char	*key, *spki;

	CHECK(each(hs, 0) == 0);
	add(hs, 1, 5);
	CHECK(each(hs, 0) == 5 && run(1, 5));
	add(hs, 6, 1500);			/* wraps the 1000-ring */
	CHECK(history_count(hs) == HISTORY_HELLO_MAX);
	CHECK(each(hs, 0) == 20 && run(1481, 1500));
	CHECK(each(hs, 1490) == 10 && run(1491, 1500));
	CHECK(each(hs, 1500) == 0);
	CHECK(each(hs, 99999) == 0);
	CHECK(each(hs, 1) == 1000 && run(501, 1500));	/* a jump */
	CHECK(each(hs, 500) == 1000 && run(501, 1500));
	CHECK(each(hs, 501) == 999 && run(502, 1500));
	CHECK(history_key_of(hs, 3, &key, &spki));
	CHECK_STR(key, KEY);
	CHECK(!history_key_of(hs, 4, &key, &spki));	/* anonymous */
	CHECK(!history_key_of(hs, 99, &key, &spki));	/* never seen */
	history_free(hs);
}

static void
test_sizes(void)
{
	struct history	*hs = history_create(0);
	struct history	*big = history_create(3000);

	add(hs, 1, 10);
	CHECK(history_count(hs) == 0);
	CHECK(each(hs, 0) == 0 && each(hs, 3) == 0);
	history_free(hs);

	add(big, 1, 4000);
	CHECK(each(big, 0) == 3000 && run(1001, 4000));
	CHECK(each(big, 2000) == 2000 && run(2001, 4000));
	history_free(big);
}

static unsigned	 whole;

static void
check_copy(void *arg, const struct hist_msg *m)
{
	size_t	 i;

	(void)arg;
	if (m->nicklen != 5 || memcmp(m->nick, "Jo\xc3\xa3o", 5) != 0 ||
	    strcmp(m->time, TIME) != 0 || strcmp(m->md5, MD5) != 0)
		return;
	for (i = 0; i < m->textlen; i++)
		if (m->text[i] != 'a')
			return;
	if ((m->n == 7 && m->textlen == 4000) || (m->n == 8 &&
	    m->textlen == 3))
		whole++;
}

/* The texts and nicks are copies, whole. */
static void
test_copies(void)
{
	struct history	*hs = history_create(5);
	struct hist_msg	 m;
	char		 text[4001];
	const char	*key, *spki;

	memset(text, 'a', 4000);
	memset(&m, 0, sizeof m);
	m.n = 7;
	m.id = 2;
	m.time = TIME;
	m.nick = "Jo\xc3\xa3o";
	m.nicklen = 5;
	m.md5 = MD5;
	m.text = text;
	m.textlen = 4000;
	history_add(hs, &m);
	m.n = 8;
	m.textlen = 3;
	history_add(hs, &m);
	memset(text, 'b', 4000);
	CHECK(history_each(hs, 0, check_copy, NULL) == 2 && whole == 2);
	CHECK(!history_key_of(hs, 2, &key, &spki));
	history_free(hs);
}

int
main(void)
{
	test_replay();
	test_sizes();
	test_copies();
	return unit_done("test_history");
}
