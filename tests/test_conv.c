/*
 * test_conv.c -- issue 13's pure parts of the client: the input line's
 * new commands (/me, /msg, /away, /back, a command's usage), where a
 * text too long for one message is cut (UTF-8 character boundaries,
 * a space near the end), the set of messages already seen (a v1
 * reconnect's history shows nothing twice), the client log's name per
 * server, and the transcript's quieter lines (ids only where nicks
 * look alike, one line for a join and its rename, actions, history of
 * unknown time).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clientlog.h"
#include "netclient.h"
#include "protocol.h"
#include "seenset.h"
#include "tmessage.h"
#include "transcript.h"
#include "unit.h"
#include "utf8.h"

static void
test_commands(void)
{
	struct nc_cmd	 c;
	char		 big[4100];

#define PARSE(s) netclient_parse_command(s, strlen(s), &c)
	PARSE("/me acena");
	CHECK(c.kind == NCC_MSG && c.action && c.arglen == 5 &&
	    memcmp(c.arg, "acena", 5) == 0);
	PARSE("/ME  dança  ");
	CHECK(c.kind == NCC_MSG && c.action &&
	    c.arglen == strlen("dança"));
	PARSE("/me");
	CHECK(c.kind == NCC_USAGE && c.arglen == 3 &&
	    memcmp(c.arg, "/me", 3) == 0);
	PARSE("/me   ");
	CHECK(c.kind == NCC_USAGE);
	PARSE("/msg ana olá, tudo bem?");
	CHECK(c.kind == NCC_DM && c.targetlen == 3 &&
	    memcmp(c.target, "ana", 3) == 0 &&
	    c.arglen == strlen("olá, tudo bem?"));
	PARSE("/query ana");
	CHECK(c.kind == NCC_QUERY && c.targetlen == 3);
	PARSE("/msg ana");
	CHECK(c.kind == NCC_QUERY);
	PARSE("/msg");
	CHECK(c.kind == NCC_USAGE && c.arglen == 4);
	PARSE("/msg ana bell\007");
	CHECK(c.kind == NCC_BADTEXT);
	PARSE("/away almoço");
	CHECK(c.kind == NCC_AWAY && c.arglen == strlen("almoço"));
	PARSE("/away");
	CHECK(c.kind == NCC_AWAY && c.arglen == 0);
	PARSE("/back");
	CHECK(c.kind == NCC_BACK);
	PARSE("/away tab\001");
	CHECK(c.kind == NCC_BADTEXT);
	PARSE("/nick");
	CHECK(c.kind == NCC_USAGE && c.arglen == 5);
	PARSE("/nick a:b");
	CHECK(c.kind == NCC_BADNICK);
	memset(big, 'a', sizeof big);
	memcpy(big, "/away ", 6);
	netclient_parse_command(big, 6 + PROTO_MAX_AWAY, &c);
	CHECK(c.kind == NCC_AWAY);
	netclient_parse_command(big, 6 + PROTO_MAX_AWAY + 1, &c);
	CHECK(c.kind == NCC_AWAYLONG);
	/* An action's "/me " counts against the limit. */
	memcpy(big, "/me ", 4);
	netclient_parse_command(big, 4 + PROTO_MAX_TEXT - 4, &c);
	CHECK(c.kind == NCC_MSG && c.action);
	netclient_parse_command(big, 4 + PROTO_MAX_TEXT - 3, &c);
	CHECK(c.kind == NCC_TOOLONG && c.action);
	memcpy(big, "/msg bob ", 9);
	netclient_parse_command(big, 9 + PROTO_MAX_TEXT + 1, &c);
	CHECK(c.kind == NCC_TOOLONG && c.targetlen == 3 &&
	    c.arglen == PROTO_MAX_TEXT + 1);
	CHECK(netclient_is_action("/me x", 5));
	CHECK(!netclient_is_action("/me ", 4));
	CHECK(!netclient_is_action("/mex", 4));
	CHECK(!netclient_is_action("me x", 4));
#undef PARSE
}

/* Cut s in pieces of at most max bytes: each valid, all of s, in order. */
static size_t
split_all(const char *s, size_t len, size_t max, size_t *cuts)
{
	size_t	 n = 0, cut, off = 0;

	while (off < len) {
		cut = netclient_split(s + off, len - off, max);
		CHECK(cut > 0 && cut <= max);
		if (cut == 0)
			break;
		CHECK(utf8_valid(s + off, cut));
		cuts[n++] = cut;
		off += cut;
	}
	CHECK(off == len);
	return n;
}

static void
test_split(void)
{
	static char	 s[9000];
	size_t		 cuts[16], n, i, len;

	/* Two-byte characters with no space: never cut inside one. */
	for (i = 0; i + 1 < 8001; i += 2)
		memcpy(s + i, "\303\247", 2);		/* ç */
	len = 8000;
	n = split_all(s, len, 3999, cuts);
	CHECK(n == 3 && cuts[0] == 3998);
	/* Four-byte characters (emoji). */
	for (i = 0; i < 8000; i += 4)
		memcpy(s + i, "\360\237\230\200", 4);	/* U+1F600 */
	n = split_all(s, 8000, 4000, cuts);
	CHECK(n == 2 && cuts[0] == 4000);
	n = split_all(s, 8000, 3999, cuts);
	CHECK(n == 3 && cuts[0] == 3996);
	/* Words: after the last space of the piece's last quarter. */
	memset(s, 'a', 5000);
	s[3500] = ' ';
	s[100] = ' ';
	n = split_all(s, 5000, 4000, cuts);
	CHECK(n == 2 && cuts[0] == 3501);
	/* A space only early in the piece: cut at the limit instead. */
	s[3500] = 'a';
	n = split_all(s, 5000, 4000, cuts);
	CHECK(n == 2 && cuts[0] == 4000);
	CHECK(netclient_split("abc", 3, 4000) == 3);
}

static void
test_seenset(void)
{
	struct seenset	 s;
	const char	*a = "0123456789abcdef0123456789abcdef";
	const char	*b = "fedcba9876543210fedcba9876543210";
	uint64_t	 n;

	seenset_init(&s, 300);
	CHECK(!seenset_has(&s, 1, a));
	CHECK(seenset_add(&s, 5, a));
	CHECK(!seenset_add(&s, 5, a));		/* the same again */
	CHECK(seenset_has(&s, 5, "0123456789ABCDEF0123456789ABCDEF"));
	CHECK(!seenset_has(&s, 5, b));		/* another message */
	CHECK(seenset_add(&s, 7, b));
	CHECK(!seenset_has(&s, 6, a));		/* in a gap */
	CHECK(seenset_add(&s, 6, a));		/* new, not kept */
	CHECK(seenset_add(&s, 5, b));		/* a new log's number 5 */
	CHECK(seenset_has(&s, 5, b) && !seenset_has(&s, 5, a));
	/* Bounded: the oldest are forgotten. */
	for (n = 10; n < 1000; n++)
		(void)seenset_add(&s, n, a);
	CHECK(!seenset_has(&s, 10, a) && seenset_has(&s, 999, a));
	CHECK(seenset_has(&s, 700, a));
	seenset_free(&s);
	CHECK(!seenset_has(&s, 999, a));
}

static void
test_logname(void)
{
	const char	*p;

	setenv("HOME", "/home/ana", 1);
	p = clientlog_default_path("chat.example.org", "12346");
	CHECK_STR(p, "/home/ana/.xchat/logs/chat.example.org-12346.log");
	p = clientlog_default_path("::1", "12345");
	CHECK_STR(p, "/home/ana/.xchat/logs/::1-12345.log");
	p = clientlog_default_path("../../etc/x y", "1");
	CHECK_STR(p, "/home/ana/.xchat/logs/_._.._etc_x_y-1.log");
}

static const struct transcript_strings strs = {
	"%T %m %n%I: %x", "%T > %n%I joined", "%T < %n%I left (%r)",
	"%T = %o%I is now %n", "%T * %x", "DATE", "TT",
	"+", "X", "\302\273",
	" (h)", " [FAILED]", " [pending]", " [queued]",
	" ok", " [REJECTED: %r]", " [NOT DELIVERED]",
	"-- history --", "-- end --",
	" [FAILED: bad text]", " [FAILED: #%i unknown]",
	" [confirmed #%N, from history]",
	"-", "?", " [verifying]", " [FAILED: bad signature]",
	" [FAILED: no key for #%i]", " [NOT CHECKED]",
	"--:--", "%T %m * %n%I %x"
};

static const char *
last(const struct transcript *t)
{
	return t->nlines > 0 ? t->lines[t->nlines - 1].s : "";
}

/* "al" and "AL" look alike; nobody else does. */
static bool
shared(void *arg, uint64_t id, const char *nick, size_t len)
{
	(void)arg;
	(void)id;
	return len == 2 && strncasecmp(nick, "al", 2) == 0;
}

static int	 nchanged;
static uint64_t	 changed_serial;

static void
changed(void *arg, uint64_t serial, const struct tline *l)
{
	(void)arg;
	(void)l;
	changed_serial = serial;
	nchanged++;
}

static void
test_quiet(void)
{
	struct transcript	 t;
	struct tmsg		 m;
	uint64_t		 s;
	size_t			 n;

	transcript_init(&t, &strs, NULL, NULL);
	t.shared = shared;
	t.changed = changed;
	transcript_message(&t, 3, "bob", 3, "oi", 2, NCV_GOOD, false, false);
	CHECK_STR(last(&t), "TT - bob: oi");
	transcript_message(&t, 4, "AL", 2, "oi", 2, NCV_GOOD, false, false);
	CHECK_STR(last(&t), "TT - AL#4: oi");
	transcript_message(&t, 3, "bob", 3, "/me acena", 9, NCV_GOOD, false,
	    false);
	CHECK_STR(last(&t), "TT - * bob acena");
	transcript_message(&t, 3, "bob", 3, "/me ", 4, NCV_GOOD, false,
	    false);
	CHECK_STR(last(&t), "TT - bob: /me ");
	s = transcript_own(&t, 9, "eu", "/me dança", strlen("/me dança"));
	CHECK_STR(last(&t), "TT \302\273 * eu dança [queued]");
	transcript_own_state(&t, s, TL_CONFIRMED, 12, NULL, NULL);
	CHECK_STR(last(&t), "TT \302\273 * eu dança ok");
	/* A join and its rename at once: one line, rewritten. */
	transcript_user(&t, TU_JOIN, 20, "user20", 6, NULL, NULL, 0);
	n = t.nlines;
	s = t.first_serial + n - 1;
	transcript_user(&t, TU_NICK, 20, "cid", 3, "user20", NULL, 0);
	CHECK(t.nlines == n && nchanged == 1 && changed_serial == s);
	CHECK_STR(last(&t), "TT > cid joined");
	/* The next rename is a line of its own. */
	transcript_user(&t, TU_NICK, 20, "cida", 4, "cid", NULL, 0);
	CHECK(t.nlines == n + 1 && nchanged == 1);
	CHECK_STR(last(&t), "TT = cid is now cida");
	/* A join, then a leave: no rewrite of a line of someone gone. */
	transcript_user(&t, TU_JOIN, 21, "user21", 6, NULL, NULL, 0);
	transcript_user(&t, TU_LEAVE, 21, "user21", 6, NULL, "quit", 4);
	transcript_user(&t, TU_NICK, 21, "x", 1, "user21", NULL, 0);
	CHECK_STR(last(&t), "TT = user21 is now x");
	/* History of unknown time (version 1): not the replay's time. */
	memset(&m, 0, sizeof m);
	m.id = 3;
	m.nick = "bob";
	m.nicklen = 3;
	m.text = "antes";
	m.textlen = 5;
	m.verdict = NCV_GOOD;
	m.history = true;
	transcript_msg(&t, &m);
	CHECK_STR(last(&t), "--:-- - bob: antes (h)");
	transcript_free(&t);
}

int
main(void)
{
	test_commands();
	test_split();
	test_seenset();
	test_logname();
	test_quiet();
	return unit_done("test_conv");
}
