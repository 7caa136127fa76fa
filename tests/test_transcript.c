/*
 * test_transcript.c -- the client's transcript model without a
 * display: the text and state of the line each event adds, the date
 * line, history markers, and the suffix changes of own messages
 * (pending, confirmed, rejected, not delivered), which keep the text
 * before the suffix and leave the other lines alone.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tmessage.h"
#include "transcript.h"
#include "unit.h"

/* Fixed time and date formats keep the lines deterministic. */
static const struct transcript_strings strs = {
	"%T %m %n#%i: %x", "%T > %n#%i joined", "%T < %n#%i left (%r)",
	"%T = %o#%i is now %n", "%T * %x", "DATE", "TT",
	"+", "X", "\302\273",
	" (h)", " [FAILED]", " [pending]", " [queued]",
	" [confirmed #%N]", " [REJECTED: %r]", " [NOT DELIVERED]",
	"-- history --", "-- end --",
	" [FAILED: bad text]", " [FAILED: #%i unknown]",
	" [confirmed #%N, from history]",
	"-", "?", " [verifying]", " [FAILED: bad signature]",
	" [FAILED: no key for #%i]", " [NOT CHECKED]", NULL, NULL
};

static int	 nadded;
static uint64_t	 last_serial;

static void
count_added(void *arg, uint64_t serial, const struct tline *l)
{
	(void)arg;
	(void)l;
	CHECK(serial == (uint64_t)nadded);	/* serials count from 0 */
	last_serial = serial;
	nadded++;
}

/* The text of the last line. */
static const char *
last(const struct transcript *t)
{
	return t->nlines > 0 ? t->lines[t->nlines - 1].s : "";
}

static void
test_expand(void)
{
	struct tkv	 kv[2] = { { 'a', "1" }, { 'b', NULL } };
	char		*s;

	s = transcript_expand("%a%b%%%z%", kv, 2);
	CHECK_STR(s, "1%%z%");
	free(s);
	s = transcript_expand("%a", (struct tkv[]){ { 'a', "%b" } }, 1);
	CHECK_STR(s, "%b");		/* values are not expanded again */
	free(s);
}

static void
test_events(void)
{
	struct transcript	 t;
	struct tkv		 kv = { 'x', "ok" };

	nadded = 0;
	transcript_init(&t, &strs, count_added, NULL);
	transcript_note(&t, "note %x", &kv, 1);
	CHECK(t.nlines == 2);
	CHECK_STR(t.lines[0].s, "DATE");	/* the day's first line */
	CHECK(t.lines[0].state == TL_PLAIN);
	CHECK_STR(last(&t), "TT * note ok");
	CHECK(nadded == 2);
	transcript_note_text(&t, "bad %x", "a\001b", 3);
	CHECK_STR(last(&t), "TT * bad a\357\277\275b");
	transcript_user(&t, TU_JOIN, 7, "bob", 3, NULL, NULL, 0);
	CHECK_STR(last(&t), "TT > bob#7 joined");
	/* A rename at once after the join: the join line takes it. */
	transcript_user(&t, TU_NICK, 7, "rob", 3, "bob", NULL, 0);
	CHECK_STR(last(&t), "TT > rob#7 joined");
	transcript_user(&t, TU_NICK, 7, "rob", 3, "bob", NULL, 0);
	CHECK_STR(last(&t), "TT = bob#7 is now rob");
	transcript_user(&t, TU_NICK, 7, "rob", 3, NULL, NULL, 0);
	CHECK_STR(last(&t), "TT = ?#7 is now rob");
	transcript_user(&t, TU_LEAVE, 7, "rob", 3, NULL, "quit now", 4);
	CHECK_STR(last(&t), "TT < rob#7 left (quit)");
	transcript_message(&t, 3, "al", 2, "hi al", 5, NCV_GOOD, false,
	    true);
	/* Good but unsigned (any version 1 message): the unsigned mark. */
	CHECK_STR(last(&t), "TT - al#3: hi al");
	CHECK(t.lines[t.nlines - 1].state == TL_MESSAGE);
	CHECK(t.lines[t.nlines - 1].mention);
	transcript_message(&t, 3, "al", 2, "forged", 6, NCV_DIGEST, false,
	    true);
	CHECK_STR(last(&t), "TT X al#3: forged [FAILED]");
	CHECK(t.lines[t.nlines - 1].state == TL_FAILED);
	CHECK(!t.lines[t.nlines - 1].mention);	/* only good ones */
	CHECK(t.lines[t.nlines - 1].prefix == strlen("TT X al#3: forged"));
	/* Failed for other reasons (issue 10, item 7): each says which. */
	transcript_message(&t, 3, "al", 2, "bell\007", 5, NCV_TEXT, false,
	    false);
	CHECK_STR(last(&t), "TT X al#3: bell\357\277\275 [FAILED: bad text]");
	CHECK(t.lines[t.nlines - 1].state == TL_FAILED);
	transcript_message(&t, 12, "al", 2, "hi", 2, NCV_SENDER, false,
	    true);
	CHECK_STR(last(&t), "TT X al#12: hi [FAILED: #12 unknown]");
	CHECK(t.lines[t.nlines - 1].state == TL_FAILED);
	CHECK(!t.lines[t.nlines - 1].mention);
	transcript_free(&t);
}

static void
test_history(void)
{
	struct transcript	 t;
	size_t			 n;

	transcript_init(&t, &strs, NULL, NULL);
	transcript_welcome(&t);
	transcript_message(&t, 1, "a", 1, "old", 3, NCV_GOOD, true, false);
	CHECK(t.nlines == 3);
	CHECK_STR(t.lines[1].s, "-- history --");
	CHECK_STR(last(&t), "TT - a#1: old (h)");
	CHECK(t.lines[2].state == TL_HISTORY);
	transcript_message(&t, 1, "a", 1, "old2", 4, NCV_GOOD, true, false);
	CHECK(t.nlines == 4);			/* one marker only */
	transcript_ready(&t, 2);
	CHECK_STR(last(&t), "-- end --");
	n = t.nlines;
	transcript_welcome(&t);
	transcript_ready(&t, 0);		/* no history: no line */
	CHECK(t.nlines == n);
	transcript_free(&t);
}

static void
test_own(void)
{
	struct transcript	 t;
	const struct tline	*l;
	uint64_t		 a, b;

	transcript_init(&t, &strs, NULL, NULL);
	a = transcript_own(&t, 5, "me", "one", 3);
	CHECK_STR(last(&t), "TT \302\273 me#5: one [queued]");
	CHECK(t.lines[1].state == TL_QUEUED);
	CHECK(t.lines[1].prefix == strlen("TT \302\273 me#5: one"));
	b = transcript_own(&t, 5, "me", "two", 3);
	l = transcript_own_state(&t, a, TL_PENDING, 0, NULL, NULL);
	CHECK(l == &t.lines[1]);
	CHECK_STR(t.lines[1].s, "TT \302\273 me#5: one [pending]");
	CHECK(t.lines[1].state == TL_PENDING);
	CHECK(t.lines[1].prefix == strlen("TT \302\273 me#5: one"));
	CHECK_STR(t.lines[2].s, "TT \302\273 me#5: two [queued]");
	CHECK(transcript_own_state(&t, a, TL_CONFIRMED, 42, NULL, NULL));
	CHECK_STR(t.lines[1].s, "TT \302\273 me#5: one [confirmed #42]");
	CHECK(t.lines[1].state == TL_CONFIRMED);
	CHECK(transcript_own_state(&t, b, TL_REJECTED, 0, "E_FLOOD",
	    "too\001fast"));
	CHECK_STR(t.lines[2].s,
	    "TT \302\273 me#5: two [REJECTED: E_FLOOD too\357\277\275fast]");
	CHECK(transcript_own_state(&t, b, TL_REJECTED, 0, "E_X", NULL));
	CHECK_STR(t.lines[2].s, "TT \302\273 me#5: two [REJECTED: E_X]");
	CHECK(transcript_own_state(&t, b, TL_UNDELIVERED, 0, NULL, NULL));
	CHECK_STR(t.lines[2].s, "TT \302\273 me#5: two [NOT DELIVERED]");
	CHECK(t.lines[2].state == TL_UNDELIVERED);
	/* Found in the next history (issue 10, item 7). */
	CHECK(transcript_own_state(&t, b, TL_RECOVERED, 43, NULL, NULL));
	CHECK_STR(t.lines[2].s,
	    "TT \302\273 me#5: two [confirmed #43, from history]");
	CHECK(t.lines[2].state == TL_RECOVERED);
	transcript_drop_head(&t, 2);
	CHECK(t.nlines == 1 && t.first_serial == 2);
	CHECK(transcript_own_state(&t, a, TL_PENDING, 0, NULL, NULL) == NULL);
	l = transcript_own_state(&t, b, TL_PENDING, 0, NULL, NULL);
	CHECK(l == &t.lines[0]);
	transcript_free(&t);
}

/*
 * Issue 12: a signed message is shown "verifying" (its own mark and
 * suffix, never highlighted) until the verdict, then written again in
 * place: good (the signed mark), bad signature, no key.  A history
 * line shows the time the server accepted it.
 */
static void
test_signed(void)
{
	struct transcript	 t;
	struct transcript_strings dated;
	struct tmsg		 m;
	const struct tline	*l;
	uint64_t		 s1, s2, s3, before;
	struct tm		 tm;
	char			 want[64];
	time_t			 when = 86400 * 365;	/* 1971 */

	transcript_init(&t, &strs, NULL, NULL);
	memset(&m, 0, sizeof m);
	m.id = 4;
	m.nick = "ana";
	m.nicklen = 3;
	m.text = "oi rui";
	m.textlen = 6;
	m.verdict = NCV_VERIFYING;
	m.mention = true;
	s1 = transcript_msg(&t, &m);
	CHECK_STR(last(&t), "TT ? ana#4: oi rui [verifying]");
	CHECK(t.lines[t.nlines - 1].state == TL_VERIFYING);
	CHECK(!t.lines[t.nlines - 1].mention);
	m.text = "forged";
	m.textlen = 6;
	s2 = transcript_msg(&t, &m);
	s3 = transcript_msg(&t, &m);
	before = t.nlines;
	l = transcript_msg_verdict(&t, s1, NCV_GOOD, true);
	CHECK(l != NULL && strcmp(l->s, "TT + ana#4: oi rui") == 0);
	CHECK(l != NULL && l->state == TL_MESSAGE && l->mention);
	l = transcript_msg_verdict(&t, s2, NCV_BADSIG, false);
	CHECK(l != NULL && strcmp(l->s,
	    "TT X ana#4: forged [FAILED: bad signature]") == 0);
	CHECK(l != NULL && l->state == TL_FAILED && !l->mention);
	l = transcript_msg_verdict(&t, s3, NCV_NOKEY, false);
	CHECK(l != NULL && strcmp(l->s,
	    "TT X ana#4: forged [FAILED: no key for #4]") == 0);
	CHECK(t.nlines == before);		/* rewritten, not added */
	/* Only once; and not for a line that was not waiting. */
	CHECK(transcript_msg_verdict(&t, s1, NCV_BADSIG, false) == NULL);
	/* Unchecked (too many) is never shown as good. */
	m.verdict = NCV_UNCHECKED;
	transcript_msg(&t, &m);
	CHECK_STR(last(&t), "TT X ana#4: forged [NOT CHECKED]");
	transcript_free(&t);

	/* History with the server's time, in the time format. */
	dated = strs;
	dated.fmt_time = "%Y-%m-%d";
	transcript_init(&t, &dated, NULL, NULL);
	m.verdict = NCV_GOOD;
	m.sigok = true;
	m.history = true;
	m.when = when;
	m.mention = false;
	transcript_msg(&t, &m);
	localtime_r(&when, &tm);
	strftime(want, sizeof want, "%Y-%m-%d + ana#4: forged (h)", &tm);
	CHECK_STR(last(&t), want);
	m.history = false;			/* live: the time of arrival */
	transcript_msg(&t, &m);
	CHECK(strstr(last(&t), "1971") == NULL);
	transcript_free(&t);
}

static int	 nchanged;

static void
count_changed(void *arg, uint64_t serial, const struct tline *l)
{
	(void)arg;
	(void)l;
	CHECK(serial == 1);
	nchanged++;
}

/*
 * Connected, then the nick we asked for: one line, the connection's
 * note with the new nick (a rename line before: two).  A later rename,
 * or one after the wait was forgotten, is a line of its own.
 */
static void
test_connected(void)
{
	struct transcript	 t;
	struct tkv		 kv[1] = { { 'n', "user1" } };

	transcript_init(&t, &strs, NULL, NULL);
	t.changed = count_changed;
	transcript_connected(&t, "on as %n", kv, 1, true);
	CHECK(t.nlines == 2);			/* the date line, the note */
	CHECK_STR(last(&t), "TT * on as user1");
	transcript_note_text(&t, "%x", "history", 7);
	kv[0].v = "ana";
	CHECK(transcript_connected_nick(&t, "on as %n", kv, 1));
	CHECK(nchanged == 1 && t.nlines == 3);
	CHECK_STR(t.lines[1].s, "TT * on as ana");
	CHECK(t.lines[1].prefix == strlen("TT * on as ana"));
	kv[0].v = "bob";
	CHECK(!transcript_connected_nick(&t, "on as %n", kv, 1));
	CHECK_STR(t.lines[1].s, "TT * on as ana");
	/* Not renaming, or forgotten: nothing waits. */
	transcript_connected(&t, "on as %n", kv, 1, false);
	CHECK(!transcript_connected_nick(&t, "on as %n", kv, 1));
	transcript_connected(&t, "on as %n", kv, 1, true);
	transcript_connected_forget(&t);
	CHECK(!transcript_connected_nick(&t, "on as %n", kv, 1));
	/* The note dropped from the head meanwhile: nothing to rewrite. */
	transcript_connected(&t, "on as %n", kv, 1, true);
	transcript_drop_head(&t, t.nlines);
	CHECK(!transcript_connected_nick(&t, "on as %n", kv, 1));
	CHECK(nchanged == 1);
	transcript_free(&t);
}

int
main(void)
{
	test_expand();
	test_events();
	test_history();
	test_own();
	test_signed();
	test_connected();
	return unit_done("test_transcript");
}
