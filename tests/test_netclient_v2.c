/*
 * test_netclient_v2.c -- the client core in version 2 (issue 12), over
 * a socketpair as if ALPN had chosen xchat/2: HELLO first, with the
 * highest number seen on this server (HELLO <n> after a reconnect),
 * our messages signed (and verifiable with our key), signed messages
 * shown as "verifying" until the queue's verdict (good, bad, no key),
 * KEY asked once per id, unsigned ones as unsigned, NAK badsig, own
 * undelivered messages recovered from a HELLO history only with our
 * own signature, known_users' warnings, frames longer than 4096 bytes,
 * and a server that chose xchat/2 but greets in version 1.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clientlog.h"
#include "digest.h"
#include "evloop.h"
#include "keys.h"
#include "netclient.h"
#include "unit.h"
#include "verify.h"

/* Two senders: RFC 8032's keys of TEST 1 and TEST 2. */
static const char key_a[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
static const char key_b[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
    "-----END PRIVATE KEY-----\n";

struct party {
	struct keys_signer	*s;
	char			 fp[KEYS_FP_LEN];
	char			 spki[KEYS_SPKI_B64 + 1];
};
static struct party	 A, B;
static struct keys_identity me;

static char	 dir[] = "/tmp/xchat-ncv2.XXXXXX";
static char	 seen[65536];

static void
add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

static int
has(const char *needle)
{
	if (strstr(seen, needle) != NULL)
		return 1;
	fprintf(stderr, "missing \"%s\" in:\n%s", needle, seen);
	return 0;
}

static void
ev_state(void *arg, enum nc_state s, enum nc_why why, unsigned secs)
{
	(void)arg;
	add("state %d why %d secs %u", (int)s, (int)why, secs);
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	(void)arg;
	add("msg %llu #%llu %.*s verdict=%d sigok=%d hist=%d when=%lld "
	    "ticket=%d text=%.*s", (unsigned long long)m->n,
	    (unsigned long long)m->id, (int)m->nicklen, m->nick,
	    (int)m->verdict, m->sigok, m->history, (long long)m->when,
	    m->ticket != 0, (int)m->textlen, m->text);
}

static void
ev_verdict(void *arg, const struct nc_msg *m)
{
	(void)arg;
	add("verdict %llu #%llu verdict=%d sigok=%d key=%s text=%.*s",
	    (unsigned long long)m->n, (unsigned long long)m->id,
	    (int)m->verdict, m->sigok, m->key != NULL ? m->key : "",
	    (int)m->textlen, m->text);
}

static void
ev_own(void *arg, struct nc_own *o)
{
	(void)arg;
	add("own %llu state %d n %llu code=%s sig=%s",
	    (unsigned long long)o->seq, (int)o->state,
	    (unsigned long long)o->n, o->code, o->sig);
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
ev_userkey(void *arg, uint64_t id, const char *nick, size_t len,
    const char *key, enum nc_keystate st, const char *old)
{
	(void)arg;
	add("userkey #%llu %.*s %s state=%d old=%s", (unsigned long long)id,
	    (int)len, nick, key, (int)st, old != NULL ? old : "-");
}

static const struct nc_events events = {
	ev_state, NULL, NULL, NULL, ev_message, ev_own, ev_note, NULL,
	ev_verdict, ev_userkey, NULL
};

static int	 peer = -1, clientfd = -1;

static int
unread(void)
{
	int	 n;

	if (clientfd == -1 || ioctl(clientfd, FIONREAD, &n) == -1)
		return -1;
	return n;
}

/* Write s as the server would; run the loop until it is read. */
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

/* Run the loop until the verify queue is empty (bounded). */
static void
settle(struct netclient *nc)
{
	struct vf_stats	 st;
	int		 rounds;

	for (rounds = 0; rounds < 10000; rounds++) {
		netclient_verify_stats(nc, &st);
		if (st.ready == 0)
			break;
		evloop_run_once();
	}
}

/* What the client has written; the loop runs so it gets flushed. */
static void
output(char *buf, size_t size)
{
	size_t	 have = 0;
	ssize_t	 n;
	int	 rounds;

	for (rounds = 0; rounds < 1000 && evloop_run_ready(); rounds++)
		;
	while (have < size - 1 &&
	    (n = read(peer, buf + have, size - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
}

static void
attach(struct netclient *nc)
{
	int	 sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(fcntl(sv[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK(netclient_attach_v(nc, sv[1], PROTO_V2) == 0);
	peer = sv[0];
	clientfd = sv[1];
}

static void
server_close(struct netclient *nc)
{
	char	 junk[65536];
	int	 rounds;

	output(junk, sizeof junk);
	close(peer);
	peer = -1;
	for (rounds = 0; rounds < 1000 &&
	    netclient_state(nc) != NC_WAITING; rounds++)
		evloop_run_once();
	CHECK(netclient_state(nc) == NC_WAITING);
	clientfd = -1;
}

static void
party(struct party *p, const char *pem)
{
	struct keys_pub	*pub;
	char		 err[256];

	p->s = keys_signer_pem(pem, strlen(pem), err, sizeof err);
	if (p->s == NULL || (pub = keys_signer_pub(p->s)) == NULL)
		exit(99);
	keys_pub_fingerprint(pub, p->fp);
	if (!keys_pub_spki_b64(pub, p->spki))
		exit(99);
	keys_pub_free(pub);
}

/* "MSG <n> <time> <id> <nick> <md5> <sig> <text>\n", signed by p. */
static const char *
v2msg(unsigned n, unsigned id, const char *nick, struct party *p,
    const char *text)
{
	static char	 frames[4][8192];
	static int	 k;
	char		 md5[33], sig[KEYS_SIG_B64 + 1], data[8192];
	size_t		 len;

	k = (k + 1) % 4;
	digest_md5_hex(text, strlen(text), md5);
	if (p != NULL) {
		len = keys_signed_msg(data, text, strlen(text));
		if (!keys_sign(p->s, data, len, sig))
			exit(99);
	} else
		snprintf(sig, sizeof sig, "-");
	snprintf(frames[k], sizeof frames[k], "MSG %u 2026-12-02T10:20:30.000Z "
	    "%u %s %s %s %s\n", n, id, nick, md5, sig, text);
	return frames[k];
}

static struct netclient *
client(const char *known)
{
	struct nc_config	 cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.host = "127.0.0.1";
	cfg.port = "1";
	cfg.id = &me;
	cfg.known_users = known;
	return netclient_new(&cfg, &events, NULL);
}

static void
test_session(void)
{
	struct netclient	*nc = client(NULL);
	char			 out[65536], frame[1024], *p, *sig;
	char			 data[64];
	struct keys_pub		*pub;
	size_t			 n;

	seen[0] = '\0';
	attach(nc);
	output(out, sizeof out);
	CHECK_STR(out, "HELLO 0\n");		/* the client speaks first */
	snprintf(frame, sizeof frame, "WELCOME 3 user3 2 %s\nUSER 1 ana %s\n"
	    "USER 2 bob -\n", me.fp, A.fp);
	feed(nc, frame);
	CHECK(strstr(seen, "note") == NULL);
	/* History: from ana (signed), a forgery in ana's name (signed by
	   B), bob (unsigned), and from #7, who left (signed by B). */
	feed(nc, v2msg(4, 1, "ana", &A, "olá"));
	feed(nc, v2msg(5, 1, "ana", &B, "I am ana"));
	feed(nc, v2msg(6, 2, "bob", NULL, "oi"));
	feed(nc, v2msg(7, 7, "cid", &B, "tchau"));
	feed(nc, "READY 2\n");
	CHECK(has("msg 4 #1 ana verdict=4 sigok=0 hist=1 when=1796206830 "
	    "ticket=1 text=olá"));
	CHECK(has("msg 5 #1 ana verdict=4"));
	CHECK(has("msg 6 #2 bob verdict=1 sigok=0 hist=1"));
	CHECK(has("msg 7 #7 cid verdict=4"));
	/* KEY once for ana (#1), once for cid (#7); none for bob. */
	output(out, sizeof out);
	CHECK_STR(out, "KEY 1\nKEY 7\n");
	snprintf(frame, sizeof frame, "KEY 1 %s %s\nKEY 7 %s %s\n", A.fp,
	    A.spki, B.fp, B.spki);
	feed(nc, frame);
	settle(nc);
	CHECK(has("verdict 4 #1 verdict=1 sigok=1 key=sha256:06e3fd"));
	CHECK(has("verdict 5 #1 verdict=5 sigok=0"));	/* BADSIG */
	CHECK(has("verdict 7 #7 verdict=1 sigok=1 key=sha256:deb2de"));
	/* A signed message from an anonymous client: failed at once. */
	seen[0] = '\0';
	feed(nc, v2msg(8, 2, "bob", &B, "signed by nobody"));
	CHECK(has("msg 8 #2 bob verdict=6 sigok=0 hist=0"));
	/* Our message is signed, and the signature is our key's. */
	seen[0] = '\0';
	netclient_send(nc, "olá, mundo", strlen("olá, mundo"));
	output(out, sizeof out);
	CHECK(strncmp(out, "MSG 1 ", 6) == 0);
	sig = out + 6 + 33;
	p = strchr(sig, ' ');
	CHECK(p != NULL && p - sig == KEYS_SIG_B64);
	CHECK(p != NULL && strcmp(p + 1, "olá, mundo\n") == 0);
	pub = keys_signer_pub(me.signer);
	n = keys_signed_msg(data, "olá, mundo", strlen("olá, mundo"));
	CHECK(pub != NULL && keys_verify(pub, data, n, sig, KEYS_SIG_B64));
	keys_pub_free(pub);
	/* NAK badsig: rejected with its code. */
	feed(nc, "NAK 1 badsig\n");
	CHECK(has("own 1 state 3 n 0 code=badsig"));
	/* A frame over 4096 bytes fits in version 2. */
	{
		static char	 big[4001], f[8192];

		memset(big, 'x', 4000);
		big[4000] = '\0';
		snprintf(f, sizeof f, "%s", v2msg(9, 7, "cid", &B, big));
		CHECK(strlen(f) > 4096);
		seen[0] = '\0';
		snprintf(frame, sizeof frame, "JOIN 7 cid %s\n", B.fp);
		feed(nc, frame);
		feed(nc, f);
		CHECK(has("msg 9 #7 cid verdict=4"));
		CHECK(strstr(seen, "note 5") == NULL);	/* not toolong */
	}
	/* A version 1 greeting in mid-session downgrades nothing (found
	   by fuzz_server: the version switched on any WELCOME). */
	seen[0] = '\0';
	feed(nc, "WELCOME 5 user5 1\n");
	CHECK(has("note 4"));
	CHECK(netclient_version(nc) == PROTO_V2);
	feed(nc, v2msg(10, 2, "bob", NULL, "still v2"));
	CHECK(has("msg 10 #2 bob verdict=1"));
	netclient_free(nc);
}

static void
test_hello_recover(void)
{
	struct netclient	*nc = client(NULL);
	char			 out[65536], frame[8192], mine[256], *p;

	attach(nc);
	output(out, sizeof out);
	CHECK_STR(out, "HELLO 0\n");
	feed(nc, "WELCOME 3 user3 2 -\nREADY 0\n");
	feed(nc, v2msg(5, 1, "ana", NULL, "live"));
	netclient_send(nc, "um", 2);
	netclient_send(nc, "dois", 4);
	netclient_send(nc, "três", 5);
	output(out, sizeof out);
	/* Our second message, as sent (with its signature). */
	p = strstr(out, "MSG 2 ");
	CHECK(p != NULL);
	if (p == NULL)
		return;
	snprintf(mine, sizeof mine, "%.*s", (int)(strchr(p, '\n') - p), p);
	feed(nc, "OK 1 7\n");
	seen[0] = '\0';
	server_close(nc);
	CHECK(has("own 2 state 4"));
	/* Reconnect: HELLO asks for what follows the highest seen (7). */
	attach(nc);
	output(out, sizeof out);
	CHECK_STR(out, "HELLO 7\n");
	/* History: seq 2 as #8 with our signature: recovered; seq 3 as
	   #9 with another's signature over the same text: not ours. */
	p = mine + 6 + 33;		/* our signature */
	snprintf(frame, sizeof frame, "WELCOME 4 user4 2 %s\n"
	    "MSG 8 2026-12-02T10:20:30.000Z 3 user3 %.32s %.88s dois\n"
	    "%sREADY 0\n", me.fp, mine + 6, p,
	    v2msg(9, 3, "user3", &B, "três"));
	seen[0] = '\0';
	feed(nc, frame);
	CHECK(has("own 2 state 5 n 8"));
	CHECK(strstr(seen, "own 3 state 5") == NULL);
	/* And the next HELLO asks from 9. */
	server_close(nc);
	attach(nc);
	output(out, sizeof out);
	CHECK_STR(out, "HELLO 9\n");
	netclient_free(nc);
}

static void
test_known_users(void)
{
	char			 path[600], frame[512];
	struct netclient	*nc;

	snprintf(path, sizeof path, "%s/known_users", dir);
	nc = client(path);
	seen[0] = '\0';
	attach(nc);
	snprintf(frame, sizeof frame, "WELCOME 3 user3 2 %s\nUSER 1 ana %s\n"
	    "USER 2 bob -\nUSER 4 user4 %s\nREADY 3\n", me.fp, A.fp, B.fp);
	feed(nc, frame);
	CHECK(has("userkey #1 ana sha256:06e3fd"));
	CHECK(has("state=2 old=-"));			/* NCK_KEYED */
	CHECK(has("userkey #2 bob - state=1"));		/* NCK_ANON */
	server_close(nc);
	/* ana again with her key; then with another; then without. */
	seen[0] = '\0';
	attach(nc);
	snprintf(frame, sizeof frame, "WELCOME 3 user3 2 %s\nUSER 1 ana %s\n"
	    "JOIN 5 ANA %s\n", me.fp, A.fp, B.fp);
	feed(nc, frame);
	CHECK(has("userkey #1 ana sha256:06e3fd"));
	CHECK(has("state=3 old=-"));			/* NCK_KNOWN */
	/* (shown escaped: it looks like ana, who is here) */
	CHECK(has("userkey #5 (?) ANA sha256:deb2de"));
	CHECK(has("state=4 old=sha256:06e3fd"));	/* NCK_CHANGED */
	/* A rename into a known nick without its key. */
	seen[0] = '\0';
	feed(nc, "JOIN 6 eve -\nNICK 6 Ana\n");
	CHECK(has("userkey #6 (?) Ana - state=5 old=sha256:06e3fd"));
	/* The user accepts ANA's new key: the warning stops. */
	CHECK(netclient_accept_key(nc, 5));
	server_close(nc);
	seen[0] = '\0';
	attach(nc);
	snprintf(frame, sizeof frame, "WELCOME 3 user3 2 %s\nUSER 5 ana %s\n",
	    me.fp, B.fp);
	feed(nc, frame);
	CHECK(has("state=3 old=-"));
	netclient_free(nc);
}

static void
test_v1_greeting(void)
{
	struct netclient	*nc = client(NULL);
	char			 out[4096], md5[33], frame[256];

	seen[0] = '\0';
	attach(nc);
	output(out, sizeof out);
	CHECK_STR(out, "HELLO 0\n");
	/* A server that chose xchat/2 by ALPN but speaks version 1. */
	digest_md5_hex("oi", 2, md5);
	snprintf(frame, sizeof frame, "WELCOME 3 user3 1\nUSER 1 ana\n"
	    "MSG 4 1 ana %s oi\nREADY 1\nERR unknown HELLO\n", md5);
	feed(nc, frame);
	CHECK(has("msg 4 #1 ana verdict=1 sigok=0"));
	CHECK(strstr(seen, "note") == NULL);	/* HELLO's answer unseen */
	CHECK(netclient_version(nc) == PROTO_V1);
	/* Later errors are shown. */
	feed(nc, "ERR unknown HELLO\n");
	CHECK(has("note 0 unknown HELLO"));
	netclient_send(nc, "x", 1);
	output(out, sizeof out);
	CHECK(strncmp(out, "MSG 1 9dd4e461268c8034f5c8564e155c67a6 x\n",
	    40) == 0);			/* no signature in version 1 */
	netclient_free(nc);
}

int
main(void)
{
	char	 err[512], path[600], cmd[700];

	evloop_init(NULL);
	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof path, "%s/key.pem", dir);
	if (!keys_identity_create(path, "test", err, sizeof err) ||
	    keys_identity_load(path, &me, err, sizeof err) != 1) {
		fprintf(stderr, "%s\n", err);
		return 99;
	}
	party(&A, key_a);
	party(&B, key_b);
	test_session();
	test_hello_recover();
	test_known_users();
	test_v1_greeting();
	keys_signer_free(A.s);
	keys_signer_free(B.s);
	keys_identity_free(&me);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return unit_done("test_netclient_v2");
}
