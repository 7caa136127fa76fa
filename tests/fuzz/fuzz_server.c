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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "evloop.h"
#include "fuzz.h"
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

static void
check_parse(const char *line, size_t len)
{
	struct proto_smsg m, m2;
	char		 re[2 * PROTO_MAX_FRAME + 128], *p = re;
	bool		 ok, ok2;

	ok = proto_parse_server(line, len, &m);
	ok2 = proto_parse_server(line, len, &m2);
	INVARIANT(ok == ok2 && memcmp(&m, &m2, sizeof m) == 0);
	INVARIANT(inside(&m.nick, line, len) && inside(&m.md5, line, len) &&
	    inside(&m.text, line, len) && inside(&m.seq, line, len) &&
	    inside(&m.code, line, len) && inside(&m.token, line, len));
	if (!ok)
		return;
	switch (m.verb) {
	case PV_WELCOME:
		p = proto_put_str(p, "WELCOME ");
		p = proto_put_u64(p, m.id);
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		*p++ = ' ';
		p = proto_put_u64(p, m.n);
		break;
	case PV_USER:
	case PV_JOIN:
	case PV_NICK:
	case PV_LEAVE:
		INVARIANT(proto_nick_valid(m.nick.p, m.nick.len));
		p = proto_put_str(p, m.verb == PV_USER ? "USER " :
		    m.verb == PV_JOIN ? "JOIN " : m.verb == PV_NICK ?
		    "NICK " : "LEAVE ");
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
	case PV_MSG:
		INVARIANT(proto_nick_valid(m.nick.p, m.nick.len));
		INVARIANT(proto_md5_valid(m.md5.p, m.md5.len));
		p = proto_put_str(p, "MSG ");
		p = proto_put_u64(p, m.n);
		*p++ = ' ';
		p = proto_put_u64(p, m.id);
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		*p++ = ' ';
		p = proto_put(p, m.md5.p, m.md5.len);
		*p++ = ' ';
		p = proto_put(p, m.text.p, m.text.len);
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
	INVARIANT(s >= NC_IDLE && s <= NC_CLOSED);
	INVARIANT(why >= NCW_NONE && why <= NCW_USER);
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
	ev_state, ev_welcome, ev_ready, ev_user, ev_message, ev_own, ev_note
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

	(void)nc;
	while (n < sizeof out &&
	    (r = read(peer, out + n, sizeof out - n)) > 0)
		n += (size_t)r;

	while (p < out + n) {
		nl = memchr(p, '\n', (size_t)(out + n - p));
		INVARIANT(nl != NULL);
		INVARIANT(nl - p + 1 <= PROTO_MAX_FRAME);
		INVARIANT(proto_parse_client(p, (size_t)(nl - p), &m) ==
		    PCE_OK);
		if (m.verb == PV_MSG)
			INVARIANT(proto_text_valid(m.text.p, m.text.len));
		p = nl + 1;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (digest_init() != NULL)
		abort();
	evloop_init(NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_config cfg = { "127.0.0.1", "12345", "fuzzer", 0, 0, 0,
	    NULL };
	struct netclient *nc;
	const uint8_t	*p, *nl;
	size_t		 off = 0, n;
	uint32_t	 seed = 0;
	unsigned	 sent = 0;
	int		 sv[2];

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
	    netclient_attach(nc, sv[1]) == -1)
		abort();
	peer = sv[0];
	clientfd = sv[1];
	while (off < size) {
		n = fuzz_chunk(&seed);
		if (n > size - off)
			n = size - off;
		feed_client(nc, (const char *)data + off, n);
		off += n;
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
	netclient_free(nc);
	close(peer);
	return 0;
}
