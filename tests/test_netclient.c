/*
 * test_netclient.c -- unit tests of the client core (src/netclient.c):
 * server frames into events, own-message bookkeeping by seq, the
 * backoff schedule, mentions and input-line command parsing.  Needs no
 * display and no network: the client is "attached" with no socket.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clientlog.h"
#include "digest.h"
#include "evloop.h"
#include "netclient.h"

static int	 failures;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,		\
		    __LINE__, #c);					\
		failures++;						\
	}								\
} while (0)

/* What the callbacks saw, as text, one event per line. */
static char	 seen[16384];

static void
add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdarg.h>
static void
add(const char *fmt, ...)
{
	va_list	 ap;
	size_t	 l = strlen(seen);

	va_start(ap, fmt);
	vsnprintf(seen + l, sizeof seen - l, fmt, ap);
	va_end(ap);
	l = strlen(seen);
	if (l + 1 < sizeof seen) {
		seen[l] = '\n';
		seen[l + 1] = '\0';
	}
}

static void
ev_state(void *arg, enum nc_state s, enum nc_why why, unsigned secs)
{
	(void)arg;
	add("state %d why %d secs %u", (int)s, (int)why, secs);
}

static void
ev_welcome(void *arg, uint64_t id, const char *nick, size_t len)
{
	(void)arg;
	add("welcome %llu %.*s", (unsigned long long)id, (int)len, nick);
}

static void
ev_ready(void *arg, uint64_t users, uint64_t hist)
{
	(void)arg;
	add("ready %llu %llu", (unsigned long long)users,
	    (unsigned long long)hist);
}

static void
ev_user(void *arg, enum nc_user_ev what, uint64_t id, const char *nick,
    size_t len, const char *old, const char *reason, size_t rlen, bool self)
{
	(void)arg;
	add("user %d %llu %.*s old=%s reason=%.*s self=%d", (int)what,
	    (unsigned long long)id, (int)len, nick, old ? old : "-",
	    (int)rlen, reason ? reason : "", self);
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	(void)arg;
	add("msg %llu %llu %.*s good=%d hist=%d mention=%d text=%.*s "
	    "verdict=%d", (unsigned long long)m->n,
	    (unsigned long long)m->id, (int)m->nicklen, m->nick, m->good,
	    m->history, m->mention, (int)m->textlen, m->text,
	    (int)m->verdict);
}

static void
ev_own(void *arg, struct nc_own *o)
{
	(void)arg;
	add("own %llu state %d n %llu code=%s text=%s",
	    (unsigned long long)o->seq, (int)o->state,
	    (unsigned long long)o->n, o->code, o->text);
}

static void
ev_note(void *arg, enum nc_note what, const char *code, size_t clen,
    const char *text, size_t tlen)
{
	(void)arg;
	add("note %d %.*s %.*s", (int)what, (int)clen, code ? code : "",
	    (int)tlen, text ? text : "");
}

static void
ev_away(void *arg, uint64_t id, const char *reason, size_t len, bool self)
{
	(void)arg;
	add("away %llu %s%.*s self=%d", (unsigned long long)id,
	    reason != NULL ? "reason=" : "back", (int)len,
	    reason != NULL ? reason : "", self);
}

static const struct nc_events events = {
	ev_state, ev_welcome, ev_ready, ev_user, ev_message, ev_own, ev_note,
	NULL, NULL, NULL, ev_away
};

/* Our end of the socketpair the client runs on, and the client's. */
static int	 peer = -1;
static int	 clientfd = -1;

/* Bytes the client has not read yet, or -1 once it closed its end. */
static int
unread(void)
{
	int	 n;

	if (clientfd == -1 || ioctl(clientfd, FIONREAD, &n) == -1)
		return -1;
	return n;
}

/* Write s as the server would, then run the loop until it is read. */
static void
feed(struct netclient *nc, const char *s)
{
	size_t	 len = strlen(s), off = 0;
	ssize_t	 n;
	int	 rounds;

	while (off < len) {
		n = write(peer, s + off, len - off);
		CHECK(n > 0);
		if (n <= 0)
			return;
		off += (size_t)n;
		for (rounds = 0; rounds < 1000 && unread() > 0 &&
		    netclient_state(nc) != NC_WAITING; rounds++)
			evloop_run_once();
	}
}
static int
has(const char *needle)
{
	if (strstr(seen, needle) != NULL)
		return 1;
	fprintf(stderr, "missing event \"%s\" in:\n%s", needle, seen);
	return 0;
}

/* Read what the client has written to the server so far. */
static void
output(struct netclient *nc, char *buf, size_t size)
{
	size_t	 have = 0;
	ssize_t	 n;

	(void)nc;
	while (have < size - 1 &&
	    (n = read(peer, buf + have, size - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
}

/* Close our end (the server went away); run until the client sees it. */
static void
server_close(struct netclient *nc)
{
	char	 junk[8192];
	int	 rounds;

	/* Read what is left first: unread data would make it a reset. */
	output(nc, junk, sizeof junk);
	close(peer);
	peer = -1;
	for (rounds = 0; rounds < 1000 &&
	    netclient_state(nc) != NC_WAITING; rounds++)
		evloop_run_once();
	CHECK(netclient_state(nc) == NC_WAITING);
	clientfd = -1;
}

/* Give the client a new connection: one end of a fresh socketpair. */
static void
attach(struct netclient *nc)
{
	int	 sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(netclient_attach(nc, sv[1]) == 0);
	peer = sv[0];
	clientfd = sv[1];
}

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
static const char *
closed_port(void)
{
	static char		 buf[16];
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;
	int			 fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&sin, &sl) == 0);
	close(fd);
	snprintf(buf, sizeof buf, "%u", (unsigned)ntohs(sin.sin_port));
	return buf;
}

static void
test_backoff(void)
{
	unsigned	 want[] = { 1, 2, 4, 8, 16, 30, 30, 30 };
	unsigned	 d = 0;
	size_t		 i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		d = netclient_backoff_next(d);
		CHECK(d == want[i]);
	}
	CHECK(netclient_backoff_next(15) == 30);
	CHECK(netclient_backoff_next(30) == 30);
}

static struct netclient *
connected(const char *nick)
{
	struct nc_config	 cfg = { "127.0.0.1", closed_port(), nick, 0, 0,
				    0, NULL, NULL, NULL, NULL, NULL, NULL };
	struct netclient	*nc = netclient_new(&cfg, &events, NULL);

	attach(nc);
	return nc;
}

static void
test_handshake(void)
{
	struct netclient	*nc = connected("rui");
	char			 out[8192], frame[256];
	char			 md5[33];

	seen[0] = '\0';
	feed(nc, "WELCOME 3 user3 1\nUSER 1 ana\n");
	CHECK(has("welcome 3 user3"));
	CHECK(has("user 0 1 ana old=- reason= self=0"));
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "NICK rui\n") == 0);

	/* History: a good and a tampered message; then READY. */
	digest_md5_hex("Olá, tudo bem?", strlen("Olá, tudo bem?"), md5);
	snprintf(frame, sizeof frame, "MSG 5 1 ana %s Olá, tudo bem?\n", md5);
	feed(nc, frame);
	CHECK(has("msg 5 1 ana good=1 hist=1 mention=0 text=Olá, tudo bem?"));
	feed(nc, "MSG 6 1 ana 00000000000000000000000000000000 forged\n");
	CHECK(has("msg 6 1 ana good=0 hist=1"));
	/* Upper-case hex is accepted. */
	digest_md5_hex("x", 1, md5);
	for (char *p = md5; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p -= 32;
	snprintf(frame, sizeof frame, "MSG 7 1 ana %s x\n", md5);
	feed(nc, frame);
	CHECK(has("msg 7 1 ana good=1 hist=1"));
	/* A frame split across two reads. */
	feed(nc, "READ");
	feed(nc, "Y 1\r\n");
	CHECK(has("ready 1 3"));
	CHECK(netclient_state(nc) == NC_READY);

	/* Our nick change, then a live message that mentions us. */
	seen[0] = '\0';
	feed(nc, "NICK 3 rui\n");
	CHECK(has("user 3 3 rui old=user3 reason= self=1"));
	CHECK(strcmp(netclient_current_nick(nc), "rui") == 0);
	digest_md5_hex("oi Rui!", 7, md5);
	snprintf(frame, sizeof frame, "MSG 8 1 ana %s oi Rui!\n", md5);
	feed(nc, frame);
	CHECK(has("msg 8 1 ana good=1 hist=0 mention=1"));

	/* Others: join, nick, leave. */
	feed(nc, "JOIN 4 bea\nNICK 4 beatriz\nLEAVE 4 beatriz quit\n");
	CHECK(has("user 1 4 bea old=- reason= self=0"));
	CHECK(has("user 3 4 beatriz old=bea reason= self=0"));
	CHECK(has("user 2 4 beatriz old=- reason=quit self=0"));

	/* PING is answered with PONG and the same token. */
	feed(nc, "PING abc123\n");
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "PONG abc123\n") == 0);

	/* Errors and garbage become notes; the client goes on. */
	seen[0] = '\0';
	feed(nc, "ERR nickinuse ana\nERR unknown FOO\nBLAH\n");
	CHECK(has("note 2 nickinuse ana"));
	CHECK(has("note 0 unknown FOO"));
	CHECK(has("note 4  BLAH"));
	CHECK(netclient_state(nc) == NC_READY);
	netclient_free(nc);
}

/*
 * Issue 10, item 6: a nick from the server that this client would
 * refuse (invalid, or the key of another nick here) is shown escaped,
 * starting with "(?) ", in every event; a valid nick is shown as it is.
 */
static void
test_shown_nicks(void)
{
	struct netclient	*nc = connected(NULL);
	char			 frame[256], md5[33];

	seen[0] = '\0';
	feed(nc, "WELCOME 3 user3 1\nUSER 1 ana\n"
	    "USER 4 \xd0\xb0na\n"			/* Cyrillic a */
	    "USER 5 ana\n"				/* the same bytes */
	    "USER 6 \xef\xbd\x95ser3\n"		/* full-width u */
	    "USER 7 Jo\xc3\xa3o\nUSER 8 JO\xc3\x83O\n"
	    "USER 9 an\xe2\x80\x8b" "a\n");		/* ZWSP */
	CHECK(has("user 0 1 ana old=- reason= self=0"));
	CHECK(has("user 0 4 (?) \\u{0430}na old=-"));
	CHECK(has("user 0 5 (?) ana old=-"));
	CHECK(has("user 0 6 (?) \\u{FF55}ser3 old=-"));
	CHECK(has("user 0 7 Jo\xc3\xa3o old=-"));
	CHECK(has("user 0 8 JO\xc3\x83O old=-"));
	CHECK(has("user 0 9 (?) an\\u{200B}a old=-"));
	/* Messages: the sender's nick as decided when it was set. */
	digest_md5_hex("oi", 2, md5);
	snprintf(frame, sizeof frame, "MSG 1 4 \xd0\xb0na %s oi\n", md5);
	feed(nc, frame);
	CHECK(has("msg 1 4 (?) \\u{0430}na good=1"));
	snprintf(frame, sizeof frame, "MSG 2 1 ana %s oi\n", md5);
	feed(nc, frame);
	CHECK(has("msg 2 1 ana good=1"));
	/* History from a client gone, with the nick of one here. */
	snprintf(frame, sizeof frame, "MSG 3 2 ANA %s oi\n", md5);
	feed(nc, frame);
	CHECK(has("msg 3 2 (?) ANA good=1"));
	snprintf(frame, sizeof frame, "MSG 4 2 \xe2\x80\xae" "nimda %s oi\n",
	    md5);
	feed(nc, frame);
	CHECK(has("msg 4 2 (?) \\u{202E}nimda good=1"));
	/*
	 * A new user's report: ana (#2 then) came back as #1; her old
	 * lines, the same nick to the byte, were shown "(?) ana#2" as
	 * look-alikes.  The same text is not a look-alike; a Cyrillic a
	 * still is.
	 */
	snprintf(frame, sizeof frame, "MSG 5 2 ana %s oi\n", md5);
	feed(nc, frame);
	CHECK(has("msg 5 2 ana good=1"));
	CHECK(!netclient_nick_shared(nc, 2, "ana", 3));
	snprintf(frame, sizeof frame, "MSG 6 2 \xd0\xb0na %s oi\n", md5);
	feed(nc, frame);
	CHECK(has("msg 6 2 (?) \\u{0430}na good=1"));
	CHECK(netclient_nick_shared(nc, 2, "ANA", 3));
	feed(nc, "READY 8\n");

	/* The server renames us to a bidi override: shown escaped. */
	seen[0] = '\0';
	feed(nc, "NICK 3 \xe2\x80\xae" "nimda\n");
	CHECK(has("user 3 3 (?) \\u{202E}nimda old=user3 reason= self=1"));
	feed(nc, "NICK 3 rui\n");
	CHECK(has("user 3 3 rui old=(?) \\u{202E}nimda reason= self=1"));
	/* Another takes our nick's look-alike; the holder changes case. */
	feed(nc, "NICK 1 RUI\n");
	CHECK(has("user 3 1 (?) RUI old=ana reason= self=0"));
	feed(nc, "NICK 3 Rui\n");
	CHECK(has("user 3 3 Rui old=rui reason= self=1"));
	/* 1 is ana no more, and 5 goes: ana is free (4's is refused). */
	feed(nc, "LEAVE 5 ana quit\nJOIN 10 ANA\n");
	CHECK(has("user 2 5 (?) ana old=- reason=quit"));
	CHECK(has("user 1 10 ANA old=-"));
	feed(nc, "LEAVE 10 ANA quit\n");
	CHECK(has("user 2 10 ANA old=- reason=quit"));
	/* A nick in ERR nickinuse is shown the same way. */
	feed(nc, "ERR nickinuse \xe2\x80\xae" "nimda\n");
	CHECK(has("note 2 nickinuse (?) \\u{202E}nimda"));
	feed(nc, "ERR nickinuse ana\n");
	CHECK(has("note 2 nickinuse ana"));
	netclient_free(nc);

	/* A WELCOME with a nick we would refuse. */
	nc = connected(NULL);
	seen[0] = '\0';
	feed(nc, "WELCOME 3 \xe2\x80\xae" "nimda 1\n");
	CHECK(has("welcome 3 (?) \\u{202E}nimda"));
	netclient_free(nc);
}

static void
test_own(void)
{
	struct netclient	*nc = connected(NULL);
	char			 out[8192], want[256], md5[33];
	struct nc_own		*o;
	int			 i;

	/* Typed before the connection is ready: queued, sent at READY. */
	seen[0] = '\0';
	o = netclient_send(nc, "primeira", 8);
	CHECK(o != NULL && o->state == NCO_QUEUED && o->seq == 1);
	CHECK(has("own 1 state 0"));
	output(nc, out, sizeof out);
	CHECK(out[0] == '\0');
	feed(nc, "WELCOME 2 user2 1\nREADY 0\n");
	output(nc, out, sizeof out);
	digest_md5_hex("primeira", 8, md5);
	snprintf(want, sizeof want, "MSG 1 %s primeira\n", md5);
	CHECK(strcmp(out, want) == 0);
	CHECK(has("own 1 state 1"));

	/* Live: pending, then OK; a second one NAKed. */
	o = netclient_send(nc, "ação", strlen("ação"));
	CHECK(o->state == NCO_PENDING && o->seq == 2);
	output(nc, out, sizeof out);
	digest_md5_hex("ação", strlen("ação"), md5);
	snprintf(want, sizeof want, "MSG 2 %s ação\n", md5);
	CHECK(strcmp(out, want) == 0);
	netclient_send(nc, "terceira", 8);
	netclient_send(nc, "quarta", 6);
	seen[0] = '\0';
	feed(nc, "OK 1 10\nOK 2 11\nNAK 3 flood slow down\n");
	CHECK(has("own 1 state 2 n 10"));
	CHECK(has("own 2 state 2 n 11"));
	CHECK(has("own 3 state 3 n 0 code=flood text=terceira"));
	/* An OK for an unknown seq, or with leading zeros, matches nothing. */
	feed(nc, "OK 04 12\n");
	CHECK(has("note 4 04 unknown seq"));

	/* The connection drops: 4 is undelivered, a retry is scheduled. */
	seen[0] = '\0';
	server_close(nc);
	CHECK(has("own 4 state 4"));
	CHECK(has("state 5 why 2 secs 1"));
	CHECK(netclient_state(nc) == NC_WAITING);
	CHECK(netclient_backoff(nc) == 2);

	/* Queued while down, sent after the next READY with a new seq. */
	o = netclient_send(nc, "depois", 6);
	CHECK(o->state == NCO_QUEUED && o->seq == 5);
	attach(nc);
	output(nc, out, sizeof out);
	CHECK(out[0] == '\0');
	feed(nc, "WELCOME 7 user7 1\n");
	CHECK(netclient_backoff(nc) == 1);	/* reset on success */
	feed(nc, "READY 0\n");
	output(nc, out, sizeof out);
	CHECK(strncmp(out, "MSG 5 ", 6) == 0);

	/* BYE full then close: why is NCW_FULL and the backoff grows. */
	seen[0] = '\0';
	feed(nc, "BYE full\n");
	server_close(nc);
	CHECK(has("state 5 why 5 secs 1"));
	/* The retry (a real connect, refused) waits the doubled delay. */
	seen[0] = '\0';
	for (i = 0; i < 100 && strstr(seen, "why 1 ") == NULL; i++)
		evloop_run_once();
	CHECK(has("state 5 why 1 secs 2"));
	netclient_free(nc);
}

/* A relay of text from id/nick, numbered n, with its right digest. */
static void
relay(struct netclient *nc, unsigned n, unsigned id, const char *nick,
    const char *text)
{
	char	 frame[4200], md5[33];

	digest_md5_hex(text, strlen(text), md5);
	snprintf(frame, sizeof frame, "MSG %u %u %s %s %s\n", n, id, nick,
	    md5, text);
	feed(nc, frame);
}

/*
 * Issue 10, item 7: a message whose digest matches but whose text
 * breaks the text rules was shown as a digest mismatch ("got X,
 * computed X"); a live MSG from an id that never joined, or that left,
 * was shown as genuine.  Each now fails for its own reason.
 */
static void
test_verdicts(void)
{
	struct netclient	*nc = connected(NULL);

	seen[0] = '\0';
	feed(nc, "WELCOME 3 user3 1\nUSER 1 ana\n");
	/* History: the sender may have left long ago; that is fine. */
	relay(nc, 1, 9, "old", "from the past");
	CHECK(has("msg 1 9 old good=1 hist=1 mention=0 text=from the past "
	    "verdict=1"));
	feed(nc, "READY 1\n");
	relay(nc, 2, 1, "ana", "olá");
	CHECK(has("msg 2 1 ana good=1 hist=0 mention=0 text=olá verdict=1"));
	/* Right digest, text with a control byte: NCV_TEXT. */
	relay(nc, 3, 1, "ana", "bell\007");
	CHECK(has("msg 3 1 ana good=0 hist=0 mention=0 text=bell\007 "
	    "verdict=2"));
	/* Wrong digest: NCV_DIGEST, before anything else. */
	feed(nc, "MSG 4 7 eve 00000000000000000000000000000000 x\001\n");
	CHECK(has("msg 4 7 eve good=0 hist=0 mention=0 text=x\001 "
	    "verdict=0"));
	/* Live from an id that never joined, or from ourselves. */
	relay(nc, 5, 7, "eve", "I am ana");
	CHECK(has("msg 5 7 eve good=0 hist=0 mention=0 text=I am ana "
	    "verdict=3"));
	relay(nc, 6, 3, "user3", "me?");
	CHECK(has("msg 6 3 user3 good=0 hist=0 mention=0 text=me? "
	    "verdict=3"));
	/* A NICK for an unknown id does not make it known. */
	feed(nc, "NICK 7 eve2\n");
	relay(nc, 7, 7, "eve2", "now?");
	CHECK(has("msg 7 7 eve2 good=0 hist=0 mention=0 text=now? "
	    "verdict=3"));
	/* Joined: genuine; renamed: still; left: no more. */
	feed(nc, "JOIN 8 bea\nNICK 8 beatriz\n");
	relay(nc, 8, 8, "beatriz", "oi");
	CHECK(has("msg 8 8 beatriz good=1 hist=0 mention=0 text=oi "
	    "verdict=1"));
	feed(nc, "LEAVE 8 beatriz quit\n");
	relay(nc, 9, 8, "beatriz", "ghost");
	CHECK(has("msg 9 8 beatriz good=0 hist=0 mention=0 text=ghost "
	    "verdict=3"));
	netclient_free(nc);
}

/* Connect nc again (new id), with the given history, and READY. */
static void
reconnect(struct netclient *nc, unsigned id, const char *history)
{
	char	 frame[256];

	attach(nc);
	snprintf(frame, sizeof frame, "WELCOME %u user%u 1\n", id, id);
	feed(nc, frame);
	feed(nc, history);
	feed(nc, "READY 0\n");
}

/* The history frame of message n: text from id/nick, right digest. */
static char *
hist_frame(unsigned n, unsigned id, const char *nick, const char *text)
{
	static char	 frames[8][256];
	static int	 k;
	char		 md5[33];

	k = (k + 1) % 8;
	digest_md5_hex(text, strlen(text), md5);
	snprintf(frames[k], sizeof frames[k], "MSG %u %u %s %s %s\n", n, id,
	    nick, md5, text);
	return frames[k];
}

/*
 * Issue 10, item 7: a message typed during an outage was left "NOT
 * DELIVERED" although the server had accepted it and the next
 * connection's history showed it.  Now it is recovered, by a rule
 * strict enough not to take another's message for ours.
 */
static void
test_recover(void)
{
	struct netclient	*nc = connected(NULL);
	char			 out[8192], hist[2048];

	feed(nc, "WELCOME 2 user2 1\nUSER 1 ana\n");
	relay(nc, 4, 1, "ana", "antes");
	feed(nc, "READY 1\nNICK 2 rui\n");
	netclient_send(nc, "ok", 2);		/* seq 1: OK 5 */
	netclient_send(nc, "ok", 2);		/* seq 2: lost, was #7 */
	netclient_send(nc, "tchau", 5);		/* seq 3: lost, never taken */
	netclient_send(nc, "de novo", 7);	/* seq 4: lost, was #9 */
	feed(nc, "OK 1 5\n");
	output(nc, out, sizeof out);
	seen[0] = '\0';
	server_close(nc);
	CHECK(has("own 2 state 4"));
	CHECK(has("own 3 state 4"));
	CHECK(has("own 4 state 4"));

	/*
	 * The history: #5 (ours, already confirmed: must not be taken for
	 * seq 2), #6 the same text from another id, #7 ours, #8 our text
	 * from another nick, #9 ours; seq 3 is not there.
	 */
	snprintf(hist, sizeof hist, "%s%s%s%s%s%s",
	    hist_frame(4, 1, "ana", "antes"), hist_frame(5, 2, "rui", "ok"),
	    hist_frame(6, 1, "ana", "ok"), hist_frame(7, 2, "rui", "ok"),
	    hist_frame(8, 2, "ruiz", "de novo"),
	    hist_frame(9, 2, "rui", "de novo"));
	seen[0] = '\0';
	reconnect(nc, 10, hist);
	CHECK(has("own 2 state 5 n 7 code= text=ok"));
	CHECK(has("own 4 state 5 n 9 code= text=de novo"));
	CHECK(strstr(seen, "own 3 state 5") == NULL);
	CHECK(strstr(seen, "state 5 n 5 ") == NULL);
	CHECK(strstr(seen, "state 5 n 6 ") == NULL);
	CHECK(strstr(seen, "state 5 n 8 ") == NULL);

	/* After READY nothing more is matched (seq 3 stays lost). */
	seen[0] = '\0';
	server_close(nc);
	reconnect(nc, 11, hist_frame(10, 2, "rui", "tchau"));
	CHECK(strstr(seen, "own 3 state 5") == NULL);
	netclient_free(nc);
}

/* The lines of path, or -1. */
static int
file_lines(const char *path)
{
	FILE	*fp = fopen(path, "r");
	int	 c, n = 0;

	if (fp == NULL)
		return -1;
	while ((c = getc(fp)) != EOF)
		if (c == '\n')
			n++;
	fclose(fp);
	return n;
}

/*
 * Issue 10, item 7: the client wrote every history line to its log on
 * every connect (9.9 MB for 100k lines).  Each message is logged once.
 */
static void
test_log_once(void)
{
	struct nc_config	 cfg = { "127.0.0.1", closed_port(), NULL, 0, 0,
				    0, NULL, NULL, NULL, NULL, NULL, NULL };
	struct netclient	*nc;
	char			 path[] = "/tmp/test_netclient.XXXXXX";
	char			 err[256], hist[2048], out[8192];
	int			 fd;

	fd = mkstemp(path);
	CHECK(fd != -1);
	close(fd);
	cfg.log = clientlog_open(path, err, sizeof err);
	CHECK(cfg.log != NULL);
	nc = netclient_new(&cfg, &events, NULL);
	attach(nc);
	snprintf(hist, sizeof hist, "%s%s%s", hist_frame(1, 1, "ana", "um"),
	    hist_frame(2, 1, "ana", "dois"), hist_frame(3, 1, "ana", "três"));
	feed(nc, "WELCOME 2 user2 1\nUSER 1 ana\n");
	feed(nc, hist);
	feed(nc, "READY 1\n");
	CHECK(file_lines(path) == 3);
	relay(nc, 4, 1, "ana", "quatro");		/* live */
	netclient_send(nc, "cinco", 5);
	feed(nc, "OK 1 5\n");				/* pending, confirmed */
	output(nc, out, sizeof out);
	CHECK(file_lines(path) == 6);

	/* The same history again, and one new: one line more. */
	server_close(nc);
	snprintf(hist, sizeof hist, "%s%s%s%s", hist_frame(2, 1, "ana", "dois"),
	    hist_frame(3, 1, "ana", "três"), hist_frame(4, 1, "ana", "quatro"),
	    hist_frame(5, 2, "user2", "cinco"));
	strcat(hist, hist_frame(6, 1, "ana", "seis"));
	reconnect(nc, 3, hist);
	CHECK(file_lines(path) == 7);
	/* A server on a new log: same numbers, other messages: logged. */
	server_close(nc);
	snprintf(hist, sizeof hist, "%s%s", hist_frame(1, 1, "bia", "novo"),
	    hist_frame(2, 1, "ana", "dois"));
	reconnect(nc, 4, hist);
	CHECK(file_lines(path) == 8);
	netclient_free(nc);
	clientlog_close(cfg.log);
	unlink(path);
}

/*
 * The client process is stopped (^Z) longer than its ping timeout with
 * the server's PONG waiting in the socket (issue 10, item 7, from the
 * client's side): it must read it before judging the server dead.
 * (Before, the one-second tick ran first and dropped the connection.)
 */
static void
test_stopped(void)
{
	struct nc_config	 cfg = { "127.0.0.1", closed_port(), NULL, 1, 1,
				    0, NULL, NULL, NULL, NULL, NULL, NULL };
	struct netclient	*nc = netclient_new(&cfg, &events, NULL);
	struct timespec		 ts, end;
	char			 out[8192];
	int			 rounds;

	attach(nc);
	feed(nc, "WELCOME 2 user2 1\nREADY 0\n");
	out[0] = '\0';
	for (rounds = 0; rounds < 100 && strstr(out, "PING xc1") == NULL;
	    rounds++) {
		evloop_run_once();
		output(nc, out, sizeof out);
	}
	CHECK(strstr(out, "PING xc1\n") != NULL);
	CHECK(write(peer, "PONG xc1\n", 9) == 9);
	/* Stopped: the loop does not run for longer than the timeout. */
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 3;
	do {
		ts.tv_sec = 0;
		ts.tv_nsec = 100 * 1000 * 1000;
		nanosleep(&ts, NULL);
		clock_gettime(CLOCK_MONOTONIC, &ts);
	} while (ts.tv_sec < end.tv_sec ||
	    (ts.tv_sec == end.tv_sec && ts.tv_nsec < end.tv_nsec));
	/* Continued: the loop runs until the PONG is read (or dropped). */
	seen[0] = '\0';
	for (rounds = 0; rounds < 10 && unread() > 0; rounds++)
		evloop_run_once();
	CHECK(netclient_state(nc) == NC_READY);
	CHECK(strstr(seen, "why 6") == NULL);
	netclient_free(nc);
}

/*
 * Issue 13: private messages.  A DM of ours goes as DM <seq> <to-id>
 * only to a user connected as the one it was written to; one typed
 * while disconnected waits, and is refused ("nouser") if that user is
 * gone after the reconnect; a DM to us is verified like a message,
 * marked dm, never history, logged as dm-in.
 */
static void
test_dm(void)
{
	struct netclient	*nc = connected(NULL);
	char			 out[8192], md5[33], frame[256];
	uint64_t		 id = 0;

	feed(nc, "WELCOME 2 user2 1\nUSER 1 ana\nUSER 5 Bob\nREADY 2\n");
	CHECK(netclient_find_nick(nc, "ana", 3, &id) && id == 1);
	CHECK(netclient_find_nick(nc, "ANA", 3, &id) && id == 1);
	CHECK(netclient_find_nick(nc, "bob", 3, &id) && id == 5);
	CHECK(!netclient_find_nick(nc, "user2", 5, &id));	/* us */
	CHECK(!netclient_find_nick(nc, "cid", 3, &id));
	seen[0] = '\0';
	CHECK(netclient_send_dm(nc, 1, "oi ana", 6) != NULL);
	output(nc, out, sizeof out);
	digest_md5_hex("oi ana", 6, md5);
	snprintf(frame, sizeof frame, "DM 1 1 %s oi ana\n", md5);
	CHECK(strcmp(out, frame) == 0);
	feed(nc, "OK 1 7\n");
	CHECK(has("own 1 state 2 n 7 code= text=oi ana"));
	/* To nobody connected, or to ourselves: refused at once. */
	seen[0] = '\0';
	CHECK(netclient_send_dm(nc, 9, "x", 1) != NULL);
	CHECK(netclient_send_dm(nc, 2, "x", 1) != NULL);
	CHECK(has("own 2 state 3 n 0 code=nouser"));
	CHECK(has("own 3 state 3 n 0 code=nouser"));
	output(nc, out, sizeof out);
	CHECK(out[0] == '\0');
	/* A DM to us: private, verified, not history. */
	seen[0] = '\0';
	digest_md5_hex("segredo", 7, md5);
	snprintf(frame, sizeof frame, "DM 8 1 ana %s segredo\n", md5);
	feed(nc, frame);
	CHECK(has("msg 8 1 ana good=1 hist=0 mention=0 text=segredo"));
	/* Typed while down: waits; sent after READY only to the same. */
	server_close(nc);
	seen[0] = '\0';
	CHECK(netclient_send_dm(nc, 1, "espera", 6) != NULL);
	CHECK(netclient_send_dm(nc, 5, "para bob", 8) != NULL);
	CHECK(has("own 4 state 0"));
	attach(nc);
	/* Bob is gone; ana is back as herself (another case). */
	feed(nc, "WELCOME 2 user2 1\nUSER 1 Ana\nREADY 1\n");
	output(nc, out, sizeof out);
	CHECK(strstr(out, "DM 4 1 ") != NULL);
	CHECK(strstr(out, "DM 5 ") == NULL);
	CHECK(has("own 5 state 3 n 0 code=nouser"));
	netclient_free(nc);
}

/* Issue 13: AWAY in and out; said again after a reconnection. */
static void
test_away(void)
{
	struct netclient	*nc = connected(NULL);
	char			 out[8192];

	feed(nc, "WELCOME 2 user2 1\nUSER 1 ana\nAWAY 1 almoço\nREADY 1\n");
	CHECK(has("away 1 reason=almoço self=0"));
	feed(nc, "AWAY 9 ninguém\nAWAY 1\n");
	CHECK(strstr(seen, "away 9") == NULL);	/* not connected */
	CHECK(has("away 1 back self=0"));
	netclient_away(nc, "reunião");
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "AWAY reunião\n") == 0);
	CHECK(strcmp(netclient_away_reason(nc), "reunião") == 0);
	feed(nc, "AWAY 2 reunião\n");
	CHECK(has("away 2 reason=reunião self=1"));
	server_close(nc);
	attach(nc);
	feed(nc, "WELCOME 3 user3 1\nREADY 0\n");
	output(nc, out, sizeof out);
	CHECK(strstr(out, "AWAY reunião\n") != NULL);
	netclient_away(nc, NULL);
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "AWAY\n") == 0);
	CHECK(netclient_away_reason(nc) == NULL);
	netclient_free(nc);
}

/*
 * Issue 13: after BYE kicked the client did reconnect within a second
 * (and got the history again).  Now it stops, with the reason; File >
 * Reconnect (netclient_reconnect) still connects.
 */
static void
test_kicked(void)
{
	struct netclient	*nc = connected(NULL);
	int			 rounds;
	char			 want[64];

	feed(nc, "WELCOME 2 user2 1\nREADY 0\n");
	seen[0] = '\0';
	feed(nc, "BYE kicked flood\n");
	for (rounds = 0; rounds < 100 &&
	    netclient_state(nc) != NC_STOPPED; rounds++)
		evloop_run_once();
	CHECK(netclient_state(nc) == NC_STOPPED);
	CHECK(strcmp(netclient_error(nc), "flood") == 0);
	snprintf(want, sizeof want, "state %d why %d ", (int)NC_STOPPED,
	    (int)NCW_KICKED);
	CHECK(has(want));
	netclient_reconnect(nc);
	CHECK(netclient_state(nc) != NC_STOPPED);
	netclient_free(nc);
}

/*
 * Issue 13: a version 1 reconnect's history replayed what was on
 * screen already.  Shown once; our own confirmed message too; a
 * server on a new log (same numbers, other messages) is shown.
 */
static void
test_history_once(void)
{
	struct netclient	*nc = connected(NULL);
	char			 hist[2048], out[8192];

	feed(nc, "WELCOME 2 user2 1\nUSER 1 ana\n");
	feed(nc, hist_frame(1, 1, "ana", "um"));
	feed(nc, "READY 1\n");
	relay(nc, 2, 1, "ana", "dois");
	netclient_send(nc, "três", strlen("três"));
	feed(nc, "OK 1 3\n");
	output(nc, out, sizeof out);
	server_close(nc);
	seen[0] = '\0';
	snprintf(hist, sizeof hist, "%s%s%s%s", hist_frame(1, 1, "ana", "um"),
	    hist_frame(2, 1, "ana", "dois"), hist_frame(3, 2, "user2", "três"),
	    hist_frame(4, 1, "ana", "quatro"));
	reconnect(nc, 3, hist);
	CHECK(strstr(seen, "text=um") == NULL);
	CHECK(strstr(seen, "text=dois") == NULL);
	CHECK(strstr(seen, "text=três") == NULL);
	CHECK(has("msg 4 1 ana good=1 hist=1 mention=0 text=quatro"));
	CHECK(has("ready 0 1"));
	server_close(nc);
	seen[0] = '\0';
	reconnect(nc, 4, hist_frame(1, 1, "bia", "outro log"));
	CHECK(has("text=outro log"));
	netclient_free(nc);
}

/*
 * Issue 13: an unresolvable host was retried forever, saying only
 * "cannot connect".  A name that does not exist stops the client.
 */
static void
test_nohost(void)
{
	struct nc_config	 cfg = { "no-such-host.invalid", "12345", NULL,
				    0, 0, 0, NULL, NULL, NULL, NULL, NULL,
				    NULL };
	struct netclient	*nc;

	seen[0] = '\0';
	nc = netclient_new(&cfg, &events, NULL);
	netclient_start(nc);
	CHECK(netclient_state(nc) == NC_STOPPED ||
	    netclient_state(nc) == NC_WAITING);
	CHECK(strstr(netclient_error(nc), "no-such-host.invalid") != NULL);
	netclient_free(nc);
}

/*
 * -host a list (issue 14, clusters): each lost connection moves on to
 * the next server, its own port or the configured one, round again;
 * "[v6]:port" and a bare IPv6 address are taken whole.
 */
static void
test_hostlist(void)
{
	struct nc_config	 cfg = { "127.0.0.1,localhost:12399,[::1]:7,::1",
				    "12345", NULL, 0, 0, 0, NULL, NULL, NULL,
				    NULL, NULL, NULL };
	struct netclient	*nc = netclient_new(&cfg, &events, NULL);
	static const char	*want[][2] = { { "127.0.0.1", "12345" },
				    { "localhost", "12399" }, { "::1", "7" },
				    { "::1", "12345" }, { "127.0.0.1", "12345" } };
	const char		*port, *host;
	size_t			 i;

	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		host = netclient_host(nc, &port);
		CHECK(strcmp(host, want[i][0]) == 0);
		CHECK(strcmp(port, want[i][1]) == 0);
		attach(nc);
		feed(nc, "WELCOME 2 user2 1\nREADY 0\n");
		server_close(nc);
	}
	netclient_free(nc);

	/* "auto" is plain only if every server of the list is loopback. */
	CHECK(netclient_hosts_loopback("127.0.0.1,localhost:12347,[::1]:7"));
	CHECK(!netclient_hosts_loopback("127.0.0.1,example.org"));
	CHECK(!netclient_hosts_loopback("example.org:12346,::1"));

	/* One host: always the same (no list, as before). */
	cfg.host = "example.org";
	nc = netclient_new(&cfg, &events, NULL);
	attach(nc);
	server_close(nc);
	host = netclient_host(nc, &port);
	CHECK(strcmp(host, "example.org") == 0);
	CHECK(strcmp(port, "12345") == 0);
	netclient_free(nc);
}

static void
test_mentions(void)
{
	CHECK(netclient_mentions("oi rui", 6, "rui"));
	CHECK(netclient_mentions("RUI: olá", 9, "rui"));
	CHECK(!netclient_mentions("ruivo", 5, "rui"));
	CHECK(!netclient_mentions("o guri", 6, "rui"));
	CHECK(netclient_mentions("@rui!", 5, "rui"));
	CHECK(!netclient_mentions("", 0, "rui"));
	CHECK(!netclient_mentions("abc", 3, ""));
}

static void
test_commands(void)
{
	struct nc_cmd	 c;
	char		 big[4100];

#define PARSE(s) netclient_parse_command(s, strlen(s), &c)
	PARSE("");
	CHECK(c.kind == NCC_EMPTY);
	PARSE("   ");
	CHECK(c.kind == NCC_EMPTY);
	PARSE("Olá, ação");
	CHECK(c.kind == NCC_MSG && c.arglen == strlen("Olá, ação"));
	PARSE("/nick rui");
	CHECK(c.kind == NCC_NICK && c.arglen == 3 &&
	    memcmp(c.arg, "rui", 3) == 0);
	PARSE("/NICK  rui  ");
	CHECK(c.kind == NCC_NICK && c.arglen == 3);
	PARSE("/nick");				/* its usage (issue 13) */
	CHECK(c.kind == NCC_USAGE && c.arglen == 5);
	PARSE("/nick a:b");
	CHECK(c.kind == NCC_BADNICK);
	PARSE("/nick two words");
	CHECK(c.kind == NCC_BADNICK);
	PARSE("/nick an\xe2\x80\x8b" "a");		/* ZWSP */
	CHECK(c.kind == NCC_BADNICK);
	PARSE("/nick \xe2\x80\xae" "nimda");		/* RLO */
	CHECK(c.kind == NCC_BADNICK);
	PARSE("/nick \xd0\xb0na");		/* valid; the server judges */
	CHECK(c.kind == NCC_NICK);
	PARSE("/quit");
	CHECK(c.kind == NCC_QUIT && c.arglen == 0);
	PARSE("/quit até logo");
	CHECK(c.kind == NCC_QUIT && c.arglen == strlen("até logo"));
	PARSE("/help");
	CHECK(c.kind == NCC_HELP);
	PARSE("/foo bar");
	CHECK(c.kind == NCC_UNKNOWN && c.arglen == 4);
	PARSE("//etc/passwd");
	CHECK(c.kind == NCC_MSG && c.arglen == 11 && c.arg[0] == '/');
	PARSE("tab\there");
	CHECK(c.kind == NCC_MSG);
	PARSE("bell\007");
	CHECK(c.kind == NCC_BADTEXT);
	PARSE("bad \xc3");
	CHECK(c.kind == NCC_BADTEXT);
	memset(big, 'a', sizeof big);
	netclient_parse_command(big, 4000, &c);
	CHECK(c.kind == NCC_MSG);
	netclient_parse_command(big, 4001, &c);
	CHECK(c.kind == NCC_TOOLONG);
#undef PARSE
}

/*
 * A new user's report: after a cluster failover, the client came back
 * to another server, asked NICK dora and got nickinuse from dora's
 * ghost, which left (LEAVE ... split) later: the client stayed user66
 * for ever.  Now a LEAVE or a NICK change that frees the nick (same
 * key) makes it ask again, once per such event.
 */
static void
test_nick_freed(void)
{
	struct netclient	*nc = connected("dora");
	char			 out[8192];

	feed(nc, "WELCOME 66 user66 1\nUSER 5 dora\nUSER 6 bea\nREADY 2\n");
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "NICK dora\n") == 0);
	feed(nc, "ERR nickinuse dora\n");
	/* Someone else leaves, or renames without freeing: no ask. */
	feed(nc, "LEAVE 6 bea quit\nJOIN 7 eva\nNICK 7 evinha\n");
	output(nc, out, sizeof out);
	CHECK(out[0] == '\0');
	/* The ghost leaves: ask once. */
	feed(nc, "LEAVE 5 DORA split\n");
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "NICK dora\n") == 0);
	/* Taken again meanwhile; its holder renames: ask once more. */
	feed(nc, "JOIN 8 dora\nERR nickinuse dora\nNICK 8 dorinha\n");
	output(nc, out, sizeof out);
	CHECK(strcmp(out, "NICK dora\n") == 0);
	/* Got it: a later LEAVE of a dora look-alike asks nothing. */
	feed(nc, "NICK 66 dora\nJOIN 9 zed\nLEAVE 9 zed quit\n");
	output(nc, out, sizeof out);
	CHECK(out[0] == '\0');
	CHECK(strcmp(netclient_current_nick(nc), "dora") == 0);
	netclient_free(nc);
}

/*
 * A new user's report: under xchatd -access members an outsider got
 * BYE denied, and the client retried for ever with growing backoff.
 * Now it stops as after a kick (NCW_DENIED); File > Reconnect works.
 */
static void
test_denied(void)
{
	struct netclient	*nc = connected(NULL);
	int			 rounds;
	char			 want[64];

	seen[0] = '\0';
	feed(nc, "BYE denied\n");
	for (rounds = 0; rounds < 100 &&
	    netclient_state(nc) != NC_STOPPED; rounds++)
		evloop_run_once();
	CHECK(netclient_state(nc) == NC_STOPPED);
	snprintf(want, sizeof want, "state %d why %d ", (int)NC_STOPPED,
	    (int)NCW_DENIED);
	CHECK(has(want));
	netclient_reconnect(nc);
	CHECK(netclient_state(nc) != NC_STOPPED);
	netclient_free(nc);
}

int
main(void)
{
	const char	*err;

	if ((err = digest_init()) != NULL) {
		fprintf(stderr, "digest_init: %s\n", err);
		return 1;
	}
	evloop_init(NULL);
	test_backoff();
	test_handshake();
	test_shown_nicks();
	test_own();
	test_verdicts();
	test_recover();
	test_log_once();
	test_stopped();
	test_hostlist();
	test_mentions();
	test_commands();
	test_dm();
	test_away();
	test_kicked();
	test_history_once();
	test_nohost();
	test_nick_freed();
	test_denied();
	if (failures != 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("test_netclient: all checks passed\n");
	return 0;
}
