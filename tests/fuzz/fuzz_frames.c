/*
 * fuzz_frames.c -- libFuzzer target for the server's reading side:
 * the frame splitter (proto_lineq / proto_scan_next), fed the input in
 * chunks of pseudo-random sizes exactly as the hub reads a socket,
 * and the client-frame parser (proto_parse_client) on every frame.
 *
 * Invariants: the frames, too-long reports and the kept partial frame
 * equal those of a simple whole-buffer model of the framing rules (so
 * every byte is either in a frame, a CR/LF, a dropped too-long frame,
 * an ignored empty frame or the unfinished tail); no frame holds a LF
 * or exceeds 4095 bytes; parsing is deterministic; an accepted frame
 * re-encodes (verb and fields joined by single spaces) to its bytes;
 * the MSG answer codes follow doc/PROTOCOL.md's left-to-right rule; an
 * accepted MSG with a valid text relays (proto_encode_relay_v, version 1) to a
 * frame the client parser reads back field for field; ERR unknown
 * echoes at most 32 printable bytes.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "protocol.h"

/* Does f (a piece of line) lie inside line[0..len)? */
static bool
inside(const struct proto_str *f, const char *line, size_t len)
{
	if (f->len == 0)
		return true;
	return f->p >= line && f->p + f->len <= line + len;
}

static bool
eq(const struct proto_str *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* Expected code of a MSG frame, straight from the protocol text. */
static enum proto_cerr
model_msg(const char *line, size_t len)
{
	const char	*p = line + 4, *end = line + len, *sp;

	if (len < 4 || line[3] != ' ')
		return PCE_SYNTAX;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!proto_seq_valid(p, (size_t)((sp ? sp : end) - p)))
		return PCE_SYNTAX;
	if (sp == NULL)
		return PCE_BADHASH;
	p = sp + 1;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!proto_md5_valid(p, (size_t)((sp ? sp : end) - p)))
		return PCE_BADHASH;
	if (sp == NULL || sp + 1 == end)
		return PCE_BADTEXT;
	return PCE_OK;
}

static void
check_relay(const struct proto_cmsg *m)
{
	char		 buf[PROTO_MAX_FRAME + 64], md5[PROTO_MD5_HEX];
	struct proto_smsg sm;
	size_t		 n, i;
	static const char nick[] = "ana";

	for (i = 0; i < PROTO_MD5_HEX; i++) {
		char c = m->md5.p[i];

		md5[i] = (c >= 'A' && c <= 'F') ? (char)(c + 32) : c;
	}
	n = proto_encode_relay_v(buf, PROTO_V1, PV_MSG, 12345678901234ULL,
	    NULL, 7, nick, 3, md5, NULL, m->text.p, m->text.len);
	INVARIANT(n <= sizeof buf);
	INVARIANT(buf[n - 1] == '\n');
	INVARIANT(memchr(buf, '\n', n - 1) == NULL);
	INVARIANT(proto_parse_server(buf, n - 1, &sm));
	INVARIANT(sm.verb == PV_MSG && sm.n == 12345678901234ULL &&
	    sm.id == 7);
	INVARIANT(sm.nick.len == 3 && memcmp(sm.nick.p, nick, 3) == 0);
	INVARIANT(sm.md5.len == PROTO_MD5_HEX &&
	    memcmp(sm.md5.p, md5, PROTO_MD5_HEX) == 0);
	INVARIANT(sm.text.len == m->text.len &&
	    memcmp(sm.text.p, m->text.p, m->text.len) == 0);
}

static void
check_frame(const char *line, size_t len)
{
	struct proto_cmsg m, m2;
	enum proto_cerr	 r, r2;
	char		 echo[PROTO_MAX_VERB_ECHO], re[PROTO_MAX_FRAME + 8];
	char		*p;
	size_t		 i, n;

	INVARIANT(len > 0 && len <= PROTO_MAX_FRAME - 1);
	INVARIANT(memchr(line, '\n', len) == NULL);

	r = proto_parse_client(line, len, &m);
	r2 = proto_parse_client(line, len, &m2);
	INVARIANT(r == r2 && memcmp(&m, &m2, sizeof m) == 0);
	INVARIANT(r != PCE_EMPTY);
	INVARIANT(inside(&m.verbstr, line, len) && inside(&m.seq, line, len)
	    && inside(&m.md5, line, len) && inside(&m.text, line, len) &&
	    inside(&m.nick, line, len) && inside(&m.token, line, len));
	/* The verb is everything up to the first space. */
	INVARIANT(m.verbstr.p == line);
	INVARIANT(memchr(line, ' ', m.verbstr.len) == NULL);
	INVARIANT(m.verbstr.len == len || line[m.verbstr.len] == ' ');

	switch (r) {
	case PCE_UNKNOWN:
		INVARIANT(m.verb == PV_NONE);
		n = proto_verb_echo(m.verbstr.p, m.verbstr.len, echo);
		INVARIANT(n <= PROTO_MAX_VERB_ECHO && n <= m.verbstr.len);
		for (i = 0; i < n; i++)
			INVARIANT(echo[i] >= 0x21 && echo[i] <= 0x7e);
		INVARIANT(!eq(&m.verbstr, "MSG") && !eq(&m.verbstr, "NICK") &&
		    !eq(&m.verbstr, "PING") && !eq(&m.verbstr, "PONG") &&
		    !eq(&m.verbstr, "QUIT"));
		break;
	case PCE_BADHASH:
	case PCE_BADTEXT:
		INVARIANT(m.verb == PV_MSG);
		INVARIANT(proto_seq_valid(m.seq.p, m.seq.len));
		break;
	case PCE_BADNICK:
		INVARIANT(m.verb == PV_NICK);
		INVARIANT(!proto_nick_valid(m.nick.p, m.nick.len));
		break;
	case PCE_SYNTAX:
		INVARIANT(m.verb == PV_MSG || m.verb == PV_NICK ||
		    m.verb == PV_PING || m.verb == PV_PONG);
		break;
	default:
		break;
	}
	if (m.verb == PV_MSG)
		INVARIANT(r == model_msg(line, len));
	if (r != PCE_OK)
		return;

	/* Accepted: re-encode and compare. */
	p = re;
	p = proto_put(p, m.verbstr.p, m.verbstr.len);
	switch (m.verb) {
	case PV_MSG:
		INVARIANT(proto_seq_valid(m.seq.p, m.seq.len));
		INVARIANT(proto_md5_valid(m.md5.p, m.md5.len));
		INVARIANT(m.text.len > 0);
		*p++ = ' ';
		p = proto_put(p, m.seq.p, m.seq.len);
		*p++ = ' ';
		p = proto_put(p, m.md5.p, m.md5.len);
		*p++ = ' ';
		p = proto_put(p, m.text.p, m.text.len);
		if (proto_text_valid(m.text.p, m.text.len))
			check_relay(&m);
		break;
	case PV_NICK:
		INVARIANT(proto_nick_valid(m.nick.p, m.nick.len));
		*p++ = ' ';
		p = proto_put(p, m.nick.p, m.nick.len);
		break;
	case PV_PING:
	case PV_PONG:
		INVARIANT(proto_token_valid(m.token.p, m.token.len));
		*p++ = ' ';
		p = proto_put(p, m.token.p, m.token.len);
		break;
	case PV_QUIT:
	case PV_ERR:	/* a client's report, e.g. ERR toolong */
		/* "QUIT", or "QUIT " and a text that may be empty. */
		if (len > m.verbstr.len)
			*p++ = ' ';
		p = proto_put(p, m.text.p, m.text.len);
		break;
	default:
		INVARIANT(!"accepted frame with an unexpected verb");
	}
	INVARIANT((size_t)(p - re) == len && memcmp(re, line, len) == 0);
}

/*
 * The model: split the whole input at LF.  A line whose bytes and LF
 * exceed PROTO_MAX_FRAME is too long; one CR before the LF goes; empty
 * frames vanish; the unfinished tail is too long if it has
 * PROTO_MAX_FRAME bytes or more, else it is kept.
 */
struct model {
	const uint8_t	*data;
	size_t		 size, pos;
	unsigned long	 toolong;
};

/* The next frame of the model, or NULL; counts too-long ones. */
static const uint8_t *
model_next(struct model *md, size_t *len)
{
	const uint8_t	*nl, *line;
	size_t		 n;

	while (md->pos < md->size) {
		line = md->data + md->pos;
		nl = memchr(line, '\n', md->size - md->pos);
		if (nl == NULL)
			return NULL;
		n = (size_t)(nl - line);
		md->pos += n + 1;
		if (n + 1 > PROTO_MAX_FRAME) {
			md->toolong++;
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		*len = n;
		return line;
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_lineq q;
	struct proto_scan s;
	struct model	 md = { data, size, 0, 0 };
	const uint8_t	*want;
	const char	*line;
	size_t		 off = 0, have, n, len, wlen, tail;
	unsigned long	 toolong = 0;
	uint32_t	 seed = 0;
	char		*buf;

	if (size >= 4)
		memcpy(&seed, data, 4);
	memset(&q, 0, sizeof q);
	while (off < size) {
		n = fuzz_chunk(&seed);
		if (n > size - off)
			n = size - off;
		/* An exact-size buffer, so that ASan sees any overrun. */
		buf = malloc(PROTO_MAX_FRAME + n);
		have = proto_lineq_prepend(&q, buf);
		INVARIANT(have < PROTO_MAX_FRAME);
		memcpy(buf + have, data + off, n);
		off += n;
		proto_scan_init(&s, buf, have + n);
		for (;;) {
			enum proto_scan_result r;

			r = proto_scan_next(&q, &s, &line, &len);
			if (r == PS_END)
				break;
			if (r == PS_TOOLONG) {
				toolong++;
				continue;
			}
			INVARIANT(r == PS_FRAME);
			want = model_next(&md, &wlen);
			INVARIANT(want != NULL);
			INVARIANT(len == wlen && memcmp(line, want, len) == 0);
			check_frame(line, len);
		}
		INVARIANT(s.p == s.end || !q.skipping);
		proto_lineq_keep(&q, &s);
		INVARIANT(q.partlen < PROTO_MAX_FRAME);
		free(buf);
	}
	INVARIANT(model_next(&md, &wlen) == NULL);
	/* What the model leaves after the last LF. */
	tail = size - md.pos;
	if (tail >= PROTO_MAX_FRAME)
		md.toolong++;
	INVARIANT(toolong == md.toolong);
	if (tail < PROTO_MAX_FRAME && !q.skipping) {
		INVARIANT(q.partlen == tail);
		INVARIANT(tail == 0 ||
		    memcmp(q.part, data + md.pos, tail) == 0);
	} else
		INVARIANT(q.partlen == 0);
	proto_lineq_free(&q);
	return 0;
}
