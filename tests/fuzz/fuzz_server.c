/*
 * fuzz_server.c -- libFuzzer target for the client's reading side:
 * the server-frame parser (proto_parse_server) and the client core's
 * line handling (over a socketpair given to netclient_attach,
 * input cut in chunks of pseudo-random sizes, with messages
 * of our own sent in between so that OK/NAK find something).
 *
 * Invariants: parsing is deterministic; every field it returns lies
 * inside the frame and is valid; an accepted frame re-encodes from
 * its fields to the same bytes; a message the core shows as good has
 * a matching digest and a valid text, one whose digest does not match
 * is never good and fails for that reason, one with a good digest and
 * a bad text fails for the text; nicks handed to the UI are valid
 * nicks or the escaped form of a refused one, reasons are valid; every
 * frame the core writes back (NICK, PONG, MSG) is one the server's
 * parser accepts.
 * An input that starts with the byte 0x02 is a version 2 session
 * (issue 12): the rest is parsed by proto_parse_server_v(PROTO_V2) and
 * fed to a client attached with netclient_attach_v(PROTO_V2) and a
 * key of its own; then time, sig, keys (WELCOME, USER, JOIN) and KEY
 * answers are checked too, a message being checked is never good,
 * and the client's frames (HELLO, KEY, signed MSG) must pass the
 * server's version 2 parser.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "evloop.h"
#include "fuzz.h"
#include "keys.h"
#include "netclient.h"
#include "nickrules.h"
#include "protocol.h"

static bool
inside(const struct proto_str *f, const char *line, size_t len)
{
	if (f->len == 0)
		return true;
	return f->p >= line && f->p + f->len <= line + len;
}

static char *
put_opt(char *p, const struct proto_str *f)
{
	if (f->p == NULL)
		return p;
	*p++ = ' ';
	return proto_put(p, f->p, f->len);
}

/*
 * The protocol version the current input speaks, and the one the
 * client spoke when it last wrote (v1 after a server that greets in v1
 * when ALPN chose v2).
 */
static int	 version = PROTO_V1;
static int	 spoke = PROTO_V1;

/*
 * Re-encode the frames added with version 2 (or that either version
 * accepts beside v1's: DM, AWAY, KEY) at p; NULL if verb is not one.
 */
static char *
reencode_v2(char *p, const struct proto_smsg *m)
{
	switch (m->verb) {
	case PV_MSG:
	case PV_DM:
		INVARIANT(proto_nick_valid(m->nick.p, m->nick.len));
		INVARIANT(proto_md5_valid(m->md5.p, m->md5.len));
		p = proto_put_str(p, m->verb == PV_MSG ? "MSG " : "DM ");
		p = proto_put_u64(p, m->n);
		if (version == PROTO_V2) {
			INVARIANT(proto_time_valid(m->time.p, m->time.len));
			p = put_opt(p, &m->time);
		}
		*p++ = ' ';
		p = proto_put_u64(p, m->id);
		*p++ = ' ';
		p = proto_put(p, m->nick.p, m->nick.len);
		p = put_opt(p, &m->md5);
		if (version == PROTO_V2) {
			INVARIANT(proto_sig_valid(m->sig.p, m->sig.len));
			p = put_opt(p, &m->sig);
		}
		*p++ = ' ';
		return proto_put(p, m->text.p, m->text.len);
	case PV_KEY:
		INVARIANT(proto_key_valid(m->key.p, m->key.len));
		p = proto_put_str(p, "KEY ");
		p = proto_put_u64(p, m->id);
		p = put_opt(p, &m->key);
		return put_opt(p, &m->spki);
	case PV_AWAY:
		p = proto_put_str(p, "AWAY ");
		p = proto_put_u64(p, m->id);
		return m->text.p != NULL ? put_opt(p, &m->text) : p;
	default:
		return NULL;
	}
}

static void
check_parse(const char *line, size_t len)
{
	struct proto_smsg m, m2;
	char		 re[2 * PROTO_MAX_FRAME_V2 + 256], *p = re, *q;
	bool		 ok, ok2;

	ok = proto_parse_server_v(line, len, version, &m);
	ok2 = proto_parse_server_v(line, len, version, &m2);
	INVARIANT(ok == ok2 && memcmp(&m, &m2, sizeof m) == 0);
	INVARIANT(inside(&m.nick, line, len) && inside(&m.md5, line, len) &&
	    inside(&m.text, line, len) && inside(&m.seq, line, len) &&
	    inside(&m.code, line, len) && inside(&m.token, line, len) &&
	    inside(&m.key, line, len) && inside(&m.time, line, len) &&
	    inside(&m.sig, line, len) && inside(&m.spki, line, len));
	if (!ok)
		return;
	if ((q = reencode_v2(p, &m)) != NULL) {
		INVARIANT((size_t)(q - re) == len &&
		    memcmp(re, line, len) == 0);
		return;
	}
	switch (m.verb) {
	case PV_WELCOME:
		p = proto_put_str(p, "WELCOME ");
		p = proto_put_u64(p, m.id);
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		*p++ = ' ';
		p = proto_put_u64(p, m.n);
		if (m.key.len > 0) {
			INVARIANT(version == PROTO_V2 &&
			    proto_key_valid(m.key.p, m.key.len));
			p = put_opt(p, &m.key);
		}
		break;
	case PV_USER:
	case PV_JOIN:
		INVARIANT(proto_nick_valid(m.nick.p, m.nick.len));
		p = proto_put_str(p, m.verb == PV_USER ? "USER " : "JOIN ");
		p = proto_put_u64(p, m.id);
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		if (m.key.len > 0) {
			INVARIANT(version == PROTO_V2 &&
			    proto_key_valid(m.key.p, m.key.len));
			p = put_opt(p, &m.key);
		}
		break;
	case PV_NICK:
	case PV_LEAVE:
		INVARIANT(proto_nick_valid(m.nick.p, m.nick.len));
		p = proto_put_str(p, m.verb == PV_NICK ? "NICK " : "LEAVE ");
		p = proto_put_u64(p, m.id);
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		if (m.verb == PV_LEAVE) {
			INVARIANT(proto_reason_valid(m.code.p, m.code.len));
			p = put_opt(p, &m.code);
		}
		break;
	case PV_READY:
		p = proto_put_str(p, "READY ");
		p = proto_put_u64(p, m.n);
		break;
	case PV_OK:
		INVARIANT(proto_seq_valid(m.seq.p, m.seq.len));
		p = proto_put_str(p, "OK ");
		p = proto_put(p, m.seq.p, m.seq.len);
		*p++ = ' ';
		p = proto_put_u64(p, m.n);
		break;
	case PV_NAK:
		INVARIANT(proto_seq_valid(m.seq.p, m.seq.len));
		INVARIANT(proto_reason_valid(m.code.p, m.code.len));
		p = proto_put_str(p, "NAK ");
		p = proto_put(p, m.seq.p, m.seq.len);
		p = put_opt(p, &m.code);
		p = put_opt(p, &m.text);
		break;
	case PV_ERR:
	case PV_BYE:
		INVARIANT(proto_reason_valid(m.code.p, m.code.len));
		p = proto_put_str(p, m.verb == PV_ERR ? "ERR" : "BYE");
		p = put_opt(p, &m.code);
		p = put_opt(p, &m.text);
		break;
	case PV_PING:
	case PV_PONG:
		INVARIANT(proto_token_valid(m.token.p, m.token.len));
		p = proto_put_str(p, m.verb == PV_PING ? "PING " : "PONG ");
		p = proto_put(p, m.token.p, m.token.len);
		break;
	default:
		INVARIANT(!"accepted frame with an unexpected verb");
	}
	INVARIANT((size_t)(p - re) == len && memcmp(re, line, len) == 0);
}

/* The UI side: check what the core hands over. */
static unsigned long	 events;

static void
ev_state(void *arg, enum nc_state s, enum nc_why why, unsigned secs)
{
	(void)arg;
	(void)secs;
	/* Stopped by the server only with BYE kicked (issue 13). */
	INVARIANT((s >= NC_IDLE && s <= NC_CLOSED) ||
	    (s == NC_STOPPED && why == NCW_KICKED));
	INVARIANT((why >= NCW_NONE && why <= NCW_USER) || why == NCW_KICKED);
	events++;
}

/* A nick as the core shows it: a valid nick, or nick_escape's form. */
static bool
shown_ok(const char *nick, size_t len)
{
	size_t	 i;

	if (nick_valid(nick, len))
		return true;
	if (len < 4 || len >= NICK_SHOW_MAX ||
	    memcmp(nick, NICK_REFUSED_MARK, 4) != 0)
		return false;
	for (i = 0; i < len; i++)
		if (nick[i] < 0x20 || nick[i] > 0x7e)
			return false;
	return true;
}

static void
ev_welcome(void *arg, uint64_t id, const char *nick, size_t len)
{
	(void)arg;
	(void)id;
	INVARIANT(shown_ok(nick, len));
	events++;
}

static void
ev_ready(void *arg, uint64_t users, uint64_t hist)
{
	(void)arg;
	(void)users;
	(void)hist;
	events++;
}

static void
ev_user(void *arg, enum nc_user_ev what, uint64_t id, const char *nick,
    size_t len, const char *old, const char *reason, size_t rlen, bool self)
{
	(void)arg;
	(void)id;
	(void)self;
	INVARIANT(shown_ok(nick, len));
	if (old != NULL)
		INVARIANT(shown_ok(old, strlen(old)));
	if (what == NCU_LEAVE)
		INVARIANT(proto_reason_valid(reason, rlen));
	events++;
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	char	 md5[PROTO_MD5_HEX + 1];

	(void)arg;
	INVARIANT(shown_ok(m->nick, m->nicklen));
	INVARIANT(proto_md5_valid(m->md5, PROTO_MD5_HEX));
	digest_md5_hex(m->text, m->textlen, md5);
	INVARIANT(strcmp(md5, m->computed) == 0);
	INVARIANT(m->good == (m->verdict == NCV_GOOD));
	if (m->good) {
		INVARIANT(digest_md5_equal(md5, m->md5));
		INVARIANT(proto_text_valid(m->text, m->textlen));
	}
	if (!digest_md5_equal(md5, m->md5))
		INVARIANT(m->verdict == NCV_DIGEST);
	else if (!proto_text_valid(m->text, m->textlen))
		INVARIANT(m->verdict == NCV_TEXT);
	/* Only version 2 has signatures; one being checked is not good. */
	if (version == PROTO_V1)
		INVARIANT(m->verdict <= NCV_SENDER && !m->sigok);
	INVARIANT((m->verdict == NCV_VERIFYING) == (m->ticket != 0));
	INVARIANT(!m->sigok);		/* only a verdict says so */
	events++;
}

/* Version 2: the verdict on a message shown as being checked. */
static void
ev_verdict(void *arg, const struct nc_msg *m)
{
	(void)arg;
	INVARIANT(version == PROTO_V2 && m->ticket != 0);
	INVARIANT(m->verdict == NCV_GOOD || m->verdict == NCV_BADSIG ||
	    m->verdict == NCV_NOKEY || m->verdict == NCV_UNCHECKED);
	INVARIANT(m->good == (m->verdict == NCV_GOOD));
	INVARIANT(m->sigok == m->good);
	if (m->sigok)
		INVARIANT(m->key != NULL && proto_key_valid(m->key,
		    strlen(m->key)) && strcmp(m->key, "-") != 0);
	events++;
}

/* Version 2: a user's key. */
static void
ev_userkey(void *arg, uint64_t id, const char *nick, size_t len,
    const char *key, enum nc_keystate st, const char *old)
{
	(void)arg;
	(void)id;
	INVARIANT(version == PROTO_V2);
	INVARIANT(shown_ok(nick, len));
	INVARIANT(proto_key_valid(key, strlen(key)));
	/* No known_users file here: keyed or not, nothing remembered. */
	INVARIANT(st == (strcmp(key, "-") == 0 ? NCK_ANON : NCK_KEYED));
	INVARIANT(old == NULL);
	events++;
}

static void
ev_own(void *arg, struct nc_own *o)
{
	(void)arg;
	INVARIANT(o->state >= NCO_QUEUED && o->state <= NCO_RECOVERED);
	if (o->state == NCO_RECOVERED)
		INVARIANT(o->n > 0);
	INVARIANT(memchr(o->code, '\0', sizeof o->code) != NULL);
	events++;
}

static void
ev_note(void *arg, enum nc_note what, const char *code, size_t clen,
    const char *text, size_t tlen)
{
	(void)arg;
	(void)what;
	if (clen > 0)
		INVARIANT(code != NULL && memchr(code, '\n', clen) == NULL);
	if (tlen > 0)
		INVARIANT(text != NULL && memchr(text, '\n', tlen) == NULL);
	events++;
}

static const struct nc_events evs = {
	ev_state, ev_welcome, ev_ready, ev_user, ev_message, ev_own, ev_note,
	NULL, ev_verdict, ev_userkey, NULL
};

/* The server's end of the socketpair the client runs on, and its. */
static int	 peer = -1;
static int	 clientfd = -1;

static bool
connected(const struct netclient *nc)
{
	return netclient_state(nc) == NC_HANDSHAKE ||
	    netclient_state(nc) == NC_HISTORY ||
	    netclient_state(nc) == NC_READY;
}

/* Run the loop until the client has read all it was sent (or left). */
static void
pump(struct netclient *nc)
{
	int	 n, rounds;

	for (rounds = 0; rounds < 10000 && connected(nc); rounds++) {
		if (ioctl(clientfd, FIONREAD, &n) == -1 || n == 0)
			break;
		evloop_run_once();
	}
}

/* Send the client bytes as if read from the server. */
static void
feed_client(struct netclient *nc, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0 && connected(nc)) {
		n = write(peer, buf, len);
		INVARIANT(n > 0 || errno == EAGAIN);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
		pump(nc);
	}
}

/* Every frame the client would write must be one the server takes. */
static void
check_output(struct netclient *nc)
{
	static char	 out[1 << 20];
	struct proto_cmsg m;
	size_t		 n = 0;
	ssize_t		 r;
	char		*p = out, *nl;
	int		 v;

	while (n < sizeof out &&
	    (r = read(peer, out + n, sizeof out - n)) > 0)
		n += (size_t)r;

	while (p < out + n) {
		nl = memchr(p, '\n', (size_t)(out + n - p));
		INVARIANT(nl != NULL);
		/* The client's version now (a server that greets in v1
		   after ALPN chose v2 is spoken to in v1), but its HELLO
		   is a v2 frame, always sent first. */
		v = version == PROTO_V2 && p == out && n >= 6 &&
		    memcmp(p, "HELLO ", 6) == 0 ? PROTO_V2 : spoke;
		INVARIANT(nl - p + 1 <= (v == PROTO_V2 ? PROTO_MAX_FRAME_V2 :
		    PROTO_MAX_FRAME));
		if (proto_parse_client_v(p, (size_t)(nl - p), v, &m) !=
		    PCE_OK)
			fprintf(stderr, "the client wrote (v%d): %.*s\n", v,
			    (int)(nl - p > 200 ? 200 : nl - p), p);
		INVARIANT(proto_parse_client_v(p, (size_t)(nl - p), v, &m) ==
		    PCE_OK);
		if (m.verb == PV_MSG)
			INVARIANT(proto_text_valid(m.text.p, m.text.len));
		p = nl + 1;
	}
}

/* Our key in version 2 (RFC 8032's TEST 1 key). */
static struct keys_identity me;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char pem[] =
	    "-----BEGIN PRIVATE KEY-----\n"
	    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
	    "-----END PRIVATE KEY-----\n";
	char	 err[256];

	(void)argc;
	(void)argv;
	if (digest_init() != NULL)
		abort();
	evloop_init(NULL);
	if ((me.signer = keys_signer_pem(pem, strlen(pem), err,
	    sizeof err)) == NULL)
		abort();
	snprintf(me.fp, sizeof me.fp, "sha256:06e3fd8fda29bb60ab59557de61e"
	    "db0aecdb231134be30e75b455f8e1b792fa9");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_config cfg = { "127.0.0.1", "12345", "fuzzer", 0, 0, 0,
	    NULL, NULL, NULL, NULL, NULL, NULL };
	struct netclient *nc;
	const uint8_t	*p, *nl;
	size_t		 off = 0, n;
	uint32_t	 seed = 0;
	unsigned	 sent = 0;
	int		 sv[2], k;

	/* 0x02 first: a version 2 session. */
	version = spoke = PROTO_V1;
	if (size > 0 && data[0] == 0x02) {
		version = spoke = PROTO_V2;
		cfg.id = &me;
		data++;
		size--;
	}

	/* The parser alone, on each line of the input. */
	for (p = data; p < data + size; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(data + size - p));
		if (nl == NULL) {
			check_parse((const char *)p, (size_t)(data + size - p));
			break;
		}
		check_parse((const char *)p, (size_t)(nl - p));
	}

	/* The client core, fed in chunks. */
	if (size >= 4)
		memcpy(&seed, data, 4);
	nc = netclient_new(&cfg, &evs, NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1 ||
	    netclient_attach_v(nc, sv[1], version) == -1)
		abort();
	peer = sv[0];
	clientfd = sv[1];
	while (off < size) {
		n = fuzz_chunk(&seed);
		if (n > size - off)
			n = size - off;
		feed_client(nc, (const char *)data + off, n);
		off += n;
		spoke = netclient_version(nc);
		check_output(nc);
		if ((fuzz_rand(&seed) & 7) == 0 && sent < 20) {
			/* seq numbers 1, 2, ... as the corpus expects */
			netclient_send(nc, "olá", 4);
			sent++;
			check_output(nc);
		}
		if (!connected(nc))
			break;
	}
	/* Let the verify queue give some verdicts (its timers). */
	for (k = 0; k < 200 && evloop_run_ready(); k++)
		;
	netclient_free(nc);
	close(peer);
	return 0;
}
