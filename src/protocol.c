/*
 * protocol.c -- the xchat wire protocol: field validation, frame
 * splitting, parsing of client and server frames, and encoding.
 * Everything here works on counted bytes; nothing allocates except
 * the partial-frame buffer of a struct proto_lineq.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "xmalloc.h"

/*
 * Return true if buf holds valid UTF-8: no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF, no truncated sequence.
 */
bool
proto_utf8_valid(const char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)buf;
	const unsigned char	*end = s + len;
	unsigned char		 c;

	while (s < end) {
		c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (end - s < 2 || (s[1] & 0xc0) != 0x80)
				return false;
			s += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (end - s < 3 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80)
				return false;
			if (c == 0xe0 && s[1] < 0xa0)
				return false;	/* overlong */
			if (c == 0xed && s[1] > 0x9f)
				return false;	/* surrogate */
			s += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (end - s < 4 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
				return false;
			if (c == 0xf0 && s[1] < 0x90)
				return false;	/* overlong */
			if (c == 0xf4 && s[1] > 0x8f)
				return false;	/* above U+10FFFF */
			s += 4;
		} else
			return false;
	}
	return true;
}

/*
 * A message text: 1 to PROTO_MAX_TEXT bytes of valid UTF-8 with no
 * control characters except TAB.
 */
bool
proto_text_valid(const char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)buf;
	size_t			 i;
	bool			 ascii = true;

	if (len == 0 || len > PROTO_MAX_TEXT)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20) {
			if (s[i] != '\t')
				return false;
		} else if (s[i] == 0x7f)
			return false;
		else if (s[i] >= 0x80)
			ascii = false;
	}
	return ascii || proto_utf8_valid(buf, len);
}

/*
 * A nick: 1 to PROTO_MAX_NICK bytes of valid UTF-8 with no byte
 * 0x00-0x20, no 0x7F and no ':'.
 */
bool
proto_nick_valid(const char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)buf;
	size_t			 i;

	if (len == 0 || len > PROTO_MAX_NICK)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] == 0x7f || s[i] == ':')
			return false;
	return proto_utf8_valid(buf, len);
}

/* A client's sequence token: 1 to PROTO_MAX_SEQ decimal digits. */
bool
proto_seq_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > PROTO_MAX_SEQ)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* An MD5 digest: exactly 32 hex digits of either case. */
bool
proto_md5_valid(const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	if (len != PROTO_MD5_HEX)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

/* A PING/PONG token: 1 to 64 printable ASCII bytes, no space. */
bool
proto_token_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > PROTO_MAX_TOKEN)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/* A reason or code: one token of lower-case ASCII letters. */
bool
proto_reason_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 32)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/*
 * Parse a decimal number of 1 to PROTO_MAX_NUM digits that fits in 64
 * bits.  Leading zeros are refused, except for "0" itself.
 */
bool
proto_num_parse(const char *s, size_t len, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (len == 0 || len > PROTO_MAX_NUM || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Compare two nicks with ASCII letters folded to lower case. */
bool
proto_nick_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	 i;
	char	 x, y;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		x = a[i];
		y = b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

/*
 * Copy the saved partial frame of q to dst (which must have room for
 * PROTO_MAX_FRAME bytes) and forget it; return its length.  The caller
 * appends newly read bytes after it and scans the whole.
 */
size_t
proto_lineq_prepend(struct proto_lineq *q, char *dst)
{
	size_t	 n = q->partlen;

	if (n > 0)
		memcpy(dst, q->part, n);
	q->partlen = 0;
	return n;
}

void
proto_scan_init(struct proto_scan *s, const char *buf, size_t len)
{
	s->p = buf;
	s->end = buf + len;
}

/*
 * Return the next event in the scanned buffer: a complete frame (its
 * bytes without CR LF in *line and *len; empty frames are skipped), a
 * too-long frame (reported once; its bytes are dropped up to and
 * including the next LF, across calls and reads), or the end.
 */
enum proto_scan_result
proto_scan_next(struct proto_lineq *q, struct proto_scan *s,
    const char **line, size_t *len)
{
	const char	*nl;
	size_t		 n;

	while (s->p < s->end) {
		nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
		if (q->skipping) {
			if (nl == NULL) {
				s->p = s->end;
				return PS_END;
			}
			s->p = nl + 1;
			q->skipping = false;
			continue;
		}
		if (nl == NULL) {
			if (s->end - s->p >= PROTO_MAX_FRAME) {
				/* 4096 bytes and no LF: too long already. */
				s->p = s->end;
				q->skipping = true;
				return PS_TOOLONG;
			}
			return PS_END;
		}
		n = (size_t)(nl - s->p);
		*line = s->p;
		s->p = nl + 1;
		if (n + 1 > PROTO_MAX_FRAME)
			return PS_TOOLONG;
		if (n > 0 && (*line)[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		*len = n;
		return PS_FRAME;
	}
	return PS_END;
}

/*
 * Save the unscanned rest of s (an incomplete frame, shorter than
 * PROTO_MAX_FRAME) in q for the next read.
 */
void
proto_lineq_keep(struct proto_lineq *q, const struct proto_scan *s)
{
	size_t	 n = (size_t)(s->end - s->p);

	if (n == 0 || q->skipping) {
		q->partlen = 0;
		return;
	}
	if (n >= PROTO_MAX_FRAME)	/* cannot happen: see scan_next */
		n = PROTO_MAX_FRAME - 1;
	if (q->part == NULL)
		q->part = xmalloc(PROTO_MAX_FRAME);
	memmove(q->part, s->p, n);
	q->partlen = n;
}

void
proto_lineq_free(struct proto_lineq *q)
{
	free(q->part);
	q->part = NULL;
	q->partlen = 0;
	q->skipping = false;
}

static const struct {
	const char	*name;
	size_t		 len;
	enum proto_verb	 verb;
} verbs[] = {
	{ "MSG", 3, PV_MSG },		{ "OK", 2, PV_OK },
	{ "NAK", 3, PV_NAK },		{ "PING", 4, PV_PING },
	{ "PONG", 4, PV_PONG },		{ "NICK", 4, PV_NICK },
	{ "JOIN", 4, PV_JOIN },		{ "LEAVE", 5, PV_LEAVE },
	{ "USER", 4, PV_USER },		{ "READY", 5, PV_READY },
	{ "WELCOME", 7, PV_WELCOME },	{ "QUIT", 4, PV_QUIT },
	{ "ERR", 3, PV_ERR },		{ "BYE", 3, PV_BYE },
};

/* Look a verb up, case-sensitively; PV_NONE if unknown. */
enum proto_verb
proto_verb_lookup(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (verbs[i].len == len && memcmp(verbs[i].name, s, len) == 0)
			return verbs[i].verb;
	return PV_NONE;
}

/*
 * Split a frame into at most max fields separated by single spaces;
 * the last field takes the rest of the line, spaces and all.  Two
 * spaces in a row make an empty field.  Return the number of fields.
 */
int
proto_split(const char *s, size_t len, struct proto_str *f, int max)
{
	const char	*end = s + len, *sp;
	int		 n = 0;

	while (n < max) {
		if (n == max - 1) {
			f[n].p = s;
			f[n].len = (size_t)(end - s);
			return n + 1;
		}
		sp = memchr(s, ' ', (size_t)(end - s));
		if (sp == NULL) {
			f[n].p = s;
			f[n].len = (size_t)(end - s);
			return n + 1;
		}
		f[n].p = s;
		f[n].len = (size_t)(sp - s);
		n++;
		s = sp + 1;
	}
	return n;
}

/*
 * Write a verb as ERR unknown echoes it: at most PROTO_MAX_VERB_ECHO
 * bytes, each byte outside 0x21-0x7E replaced by '?'.  dst needs
 * PROTO_MAX_VERB_ECHO bytes.  Return the length written.
 */
size_t
proto_verb_echo(const char *s, size_t len, char *dst)
{
	size_t	 i;

	if (len > PROTO_MAX_VERB_ECHO)
		len = PROTO_MAX_VERB_ECHO;
	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];

		dst[i] = (c >= 0x21 && c <= 0x7e) ? (char)c : '?';
	}
	return len;
}

/* Find the next space at or after s, or end. */
static const char *
next_space(const char *s, const char *end)
{
	const char	*sp = memchr(s, ' ', (size_t)(end - s));

	return sp == NULL ? end : sp;
}

/*
 * Parse a frame a client sent (without CR LF).  Fill m with what was
 * found and return what the server must answer if it is malformed.
 * For MSG, only the shape is checked here (seq, md5 and presence of
 * text); flood, text rules and the digest are the hub's business.
 */
enum proto_cerr
proto_parse_client(const char *line, size_t len, struct proto_cmsg *m)
{
	const char	*end = line + len, *p, *sp;

	memset(m, 0, sizeof *m);
	if (len == 0)
		return PCE_EMPTY;
	sp = next_space(line, end);
	m->verbstr.p = line;
	m->verbstr.len = (size_t)(sp - line);
	m->verb = proto_verb_lookup(line, m->verbstr.len);
	p = sp < end ? sp + 1 : end;	/* start of the arguments */

	switch (m->verb) {
	case PV_MSG:
		if (sp == end)
			return PCE_SYNTAX;
		sp = next_space(p, end);
		m->seq.p = p;
		m->seq.len = (size_t)(sp - p);
		if (!proto_seq_valid(m->seq.p, m->seq.len))
			return PCE_SYNTAX;
		if (sp == end)
			return PCE_BADHASH;
		p = sp + 1;
		sp = next_space(p, end);
		m->md5.p = p;
		m->md5.len = (size_t)(sp - p);
		if (!proto_md5_valid(m->md5.p, m->md5.len)) {
			if (sp != end) {
				m->text.p = sp + 1;
				m->text.len = (size_t)(end - (sp + 1));
			}
			return PCE_BADHASH;
		}
		if (sp == end || sp + 1 == end)
			return PCE_BADTEXT;
		m->text.p = sp + 1;
		m->text.len = (size_t)(end - (sp + 1));
		return PCE_OK;
	case PV_NICK:
		if (sp == end)
			return PCE_SYNTAX;
		m->nick.p = p;
		m->nick.len = (size_t)(end - p);
		if (!proto_nick_valid(m->nick.p, m->nick.len))
			return PCE_BADNICK;
		return PCE_OK;
	case PV_PING:
	case PV_PONG:
		if (sp == end)
			return PCE_SYNTAX;
		m->token.p = p;
		m->token.len = (size_t)(end - p);
		if (!proto_token_valid(m->token.p, m->token.len))
			return PCE_SYNTAX;
		return PCE_OK;
	case PV_QUIT:
		m->text.p = p;
		m->text.len = (size_t)(end - p);
		return PCE_OK;
	case PV_ERR:
		/* A client's report (ERR toolong): never answered. */
		m->text.p = p;
		m->text.len = (size_t)(end - p);
		return PCE_OK;
	default:
		m->verb = PV_NONE;
		return PCE_UNKNOWN;
	}
}

/* Parse a field that must be a decimal number. */
static bool
num_field(const struct proto_str *f, uint64_t *out)
{
	return proto_num_parse(f->p, f->len, out);
}

static bool
nick_field(const struct proto_str *f, struct proto_str *out)
{
	*out = *f;
	return proto_nick_valid(f->p, f->len);
}

/*
 * Parse a frame the server sent (without CR LF) into m.  Every field is
 * checked; return false if the frame is malformed or its verb unknown.
 * MSG text is returned as sent: the caller checks it and its digest.
 */
bool
proto_parse_server(const char *line, size_t len, struct proto_smsg *m)
{
	struct proto_str f[6];
	int		 n;

	memset(m, 0, sizeof *m);
	/* Fields a short frame lacks stay empty, never stack garbage. */
	memset(f, 0, sizeof f);
	if (len == 0)
		return false;
	n = proto_split(line, len, f, 6);
	m->verb = proto_verb_lookup(f[0].p, f[0].len);
	switch (m->verb) {
	case PV_WELCOME:
		n = proto_split(line, len, f, 5);
		return n == 4 && num_field(&f[1], &m->id) &&
		    nick_field(&f[2], &m->nick) && num_field(&f[3], &m->n);
	case PV_USER:
	case PV_JOIN:
	case PV_NICK:
		n = proto_split(line, len, f, 4);
		return n == 3 && num_field(&f[1], &m->id) &&
		    nick_field(&f[2], &m->nick);
	case PV_LEAVE:
		n = proto_split(line, len, f, 5);
		m->code = f[3];
		return n == 4 && num_field(&f[1], &m->id) &&
		    nick_field(&f[2], &m->nick) &&
		    proto_reason_valid(f[3].p, f[3].len);
	case PV_READY:
		n = proto_split(line, len, f, 3);
		return n == 2 && num_field(&f[1], &m->n);
	case PV_MSG:
		if (n != 6)
			return false;
		m->md5 = f[4];
		m->text = f[5];
		return num_field(&f[1], &m->n) && num_field(&f[2], &m->id) &&
		    nick_field(&f[3], &m->nick) &&
		    proto_md5_valid(f[4].p, f[4].len);
	case PV_OK:
		n = proto_split(line, len, f, 4);
		m->seq = f[1];
		return n == 3 && proto_seq_valid(f[1].p, f[1].len) &&
		    num_field(&f[2], &m->n);
	case PV_NAK:
		n = proto_split(line, len, f, 4);
		if (n < 3)
			return false;
		m->seq = f[1];
		m->code = f[2];
		if (n == 4)
			m->text = f[3];
		return proto_seq_valid(f[1].p, f[1].len) &&
		    proto_reason_valid(f[2].p, f[2].len);
	case PV_ERR:
	case PV_BYE:
		n = proto_split(line, len, f, 3);
		if (n < 2)
			return false;
		m->code = f[1];
		if (n == 3)
			m->text = f[2];
		return proto_reason_valid(f[1].p, f[1].len);
	case PV_PING:
	case PV_PONG:
		n = proto_split(line, len, f, 3);
		m->token = f[1];
		return n == 2 && proto_token_valid(f[1].p, f[1].len);
	default:
		return false;
	}
}

char *
proto_put(char *dst, const char *s, size_t len)
{
	memcpy(dst, s, len);
	return dst + len;
}

char *
proto_put_str(char *dst, const char *s)
{
	return proto_put(dst, s, strlen(s));
}

/* Append v in decimal. */
char *
proto_put_u64(char *dst, uint64_t v)
{
	char	 tmp[PROTO_MAX_NUM];
	int	 i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (i > 0)
		*dst++ = tmp[--i];
	return dst;
}

/*
 * Encode the relay of an accepted message,
 * "MSG <n> <id> <nick> <md5> <text>\n", into dst (PROTO_MAX_FRAME + 64
 * bytes are enough for any valid input).  md5hex must be lower case.
 * Return the frame's length.
 */
size_t
proto_encode_relay(char *dst, uint64_t n, uint64_t id, const char *nick,
    size_t nicklen, const char *md5hex, const char *text, size_t textlen)
{
	char	*p = dst;

	p = proto_put(p, "MSG ", 4);
	p = proto_put_u64(p, n);
	*p++ = ' ';
	p = proto_put_u64(p, id);
	*p++ = ' ';
	p = proto_put(p, nick, nicklen);
	*p++ = ' ';
	p = proto_put(p, md5hex, PROTO_MD5_HEX);
	*p++ = ' ';
	p = proto_put(p, text, textlen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "<verb> <id> <nick>\n": WELCOME's start, USER, JOIN and NICK. */
static char *
encode_id_nick(char *p, const char *verb, size_t verblen, uint64_t id,
    const char *nick, size_t nicklen)
{
	p = proto_put(p, verb, verblen);
	*p++ = ' ';
	p = proto_put_u64(p, id);
	*p++ = ' ';
	return proto_put(p, nick, nicklen);
}

/* "<verb>", then " <arg>" if arglen > 0, then LF. */
static size_t
encode_verb_arg(char *dst, const char *verb, size_t verblen,
    const char *arg, size_t arglen)
{
	char	*p = proto_put(dst, verb, verblen);

	if (arglen > 0) {
		*p++ = ' ';
		p = proto_put(p, arg, arglen);
	}
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "WELCOME <id> <nick> <version>\n", version being PROTO_VERSION. */
size_t
proto_encode_welcome(char *dst, uint64_t id, const char *nick,
    size_t nicklen)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, "WELCOME", 7, id, nick, nicklen);
	*p++ = ' ';
	p = proto_put_u64(p, PROTO_VERSION);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "USER <id> <nick>\n": one client already here, for a newcomer. */
size_t
proto_encode_user(char *dst, uint64_t id, const char *nick, size_t nicklen)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, "USER", 4, id, nick, nicklen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "READY <users>\n": the end of the welcome. */
size_t
proto_encode_ready(char *dst, uint64_t users)
{
	char	*p = proto_put(dst, "READY ", 6);

	p = proto_put_u64(p, users);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "OK <seq> <n>\n": the client's message seq was accepted as n. */
size_t
proto_encode_ok(char *dst, const char *seq, size_t seqlen, uint64_t n)
{
	char	*p = proto_put(dst, "OK ", 3);

	assert(seqlen <= PROTO_MAX_SEQ);
	p = proto_put(p, seq, seqlen);
	*p++ = ' ';
	p = proto_put_u64(p, n);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "NAK <seq> <code>\n": the client's message seq was refused. */
size_t
proto_encode_nak(char *dst, const char *seq, size_t seqlen,
    const char *code)
{
	char	*p = proto_put(dst, "NAK ", 4);

	assert(seqlen <= PROTO_MAX_SEQ && strlen(code) <= 64);
	p = proto_put(p, seq, seqlen);
	*p++ = ' ';
	p = proto_put_str(p, code);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "JOIN <id> <nick>\n": a client arrived. */
size_t
proto_encode_join(char *dst, uint64_t id, const char *nick, size_t nicklen)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, "JOIN", 4, id, nick, nicklen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "LEAVE <id> <nick> <reason>\n": a client left. */
size_t
proto_encode_leave(char *dst, uint64_t id, const char *nick,
    size_t nicklen, const char *reason)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK && strlen(reason) <= 64);
	p = encode_id_nick(dst, "LEAVE", 5, id, nick, nicklen);
	*p++ = ' ';
	p = proto_put_str(p, reason);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "NICK <id> <nick>\n": a client's new nick. */
size_t
proto_encode_nick(char *dst, uint64_t id, const char *nick, size_t nicklen)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, "NICK", 4, id, nick, nicklen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "PING <token>\n". */
size_t
proto_encode_ping(char *dst, const char *token, size_t len)
{
	assert(len > 0 && len <= PROTO_MAX_TOKEN);
	return encode_verb_arg(dst, "PING", 4, token, len);
}

/* "PONG <token>\n": the answer to a PING. */
size_t
proto_encode_pong(char *dst, const char *token, size_t len)
{
	assert(len > 0 && len <= PROTO_MAX_TOKEN);
	return encode_verb_arg(dst, "PONG", 4, token, len);
}

/* "ERR <code>\n", or "ERR <code> <arg>\n" if arglen > 0. */
size_t
proto_encode_err(char *dst, const char *code, const char *arg,
    size_t arglen)
{
	char	*p = proto_put(dst, "ERR ", 4);
	size_t	 clen = strlen(code);

	assert(clen <= 64 && arglen <= PROTO_MAX_FRAME - 128);
	return 4 + encode_verb_arg(p, code, clen, arg, arglen);
}

/* "BYE <reason>\n": the server closes the connection. */
size_t
proto_encode_bye(char *dst, const char *reason)
{
	assert(strlen(reason) <= 64);
	return encode_verb_arg(dst, "BYE", 3, reason, strlen(reason));
}

/* "MSG <seq> <md5> <text>\n": a client's message (md5 lower case). */
size_t
proto_encode_msg(char *dst, uint64_t seq, const char *md5hex,
    const char *text, size_t textlen)
{
	char	*p = proto_put(dst, "MSG ", 4);

	assert(textlen <= PROTO_MAX_TEXT);
	p = proto_put_u64(p, seq);
	*p++ = ' ';
	p = proto_put(p, md5hex, PROTO_MD5_HEX);
	*p++ = ' ';
	p = proto_put(p, text, textlen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "NICK <nick>\n": a client asks for a nick. */
size_t
proto_encode_nickreq(char *dst, const char *nick, size_t nicklen)
{
	assert(nicklen > 0 && nicklen <= PROTO_MAX_NICK);
	return encode_verb_arg(dst, "NICK", 4, nick, nicklen);
}

/*
 * "QUIT\n", or "QUIT <text>\n" if textlen > 0; text is cut so that the
 * frame, LF included, is at most PROTO_MAX_FRAME - 1 bytes.
 */
size_t
proto_encode_quit(char *dst, const char *text, size_t textlen)
{
	if (textlen > PROTO_MAX_FRAME - 7)
		textlen = PROTO_MAX_FRAME - 7;
	return encode_verb_arg(dst, "QUIT", 4, text, textlen);
}
