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
#include "utf8.h"
#include "xmalloc.h"

/*
 * Return true if buf holds valid UTF-8: no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF, no truncated sequence.
 */
bool
proto_utf8_valid(const char *buf, size_t len)
{
	return utf8_valid(buf, len);
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

static bool
lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool
b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* "-", or "sha256:" and 64 lower-case hex digits. */
bool
proto_key_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 1 && s[0] == '-')
		return true;
	if (len != PROTO_KEY_LEN || memcmp(s, "sha256:", 7) != 0)
		return false;
	for (i = 7; i < len; i++)
		if (!lower_hex(s[i]))
			return false;
	return true;
}

/* "-", or 64 bytes in padded base64: 86 characters and "==". */
bool
proto_sig_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len == 1 && s[0] == '-')
		return true;
	if (len != PROTO_SIG_B64 || s[86] != '=' || s[87] != '=')
		return false;
	for (i = 0; i < 86; i++)
		if (!b64_char(s[i]))
			return false;
	/* The last character before the padding carries 2 bits only. */
	return strchr("AQgw", s[85]) != NULL;
}

/* YYYY-MM-DDTHH:MM:SS.mmmZ. */
bool
proto_time_valid(const char *s, size_t len)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t		 i;

	if (len != PROTO_TIME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return false;
	return true;
}

bool
proto_away_valid(const char *s, size_t len)
{
	return len <= PROTO_MAX_AWAY && proto_text_valid(s, len);
}

/* 1 to PROTO_MAX_SPKI characters of padded base64. */
bool
proto_spki_valid(const char *s, size_t len)
{
	size_t	 i, pad = 0;

	if (len == 0 || len > PROTO_MAX_SPKI || len % 4 != 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 >= len)
			pad++;
		else if (pad > 0 || !b64_char(s[i]))
			return false;
	}
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

/*
 * Copy the saved partial frame of q to dst (which must have room for
 * PROTO_MAX_FRAME_V2 bytes) and forget it; return its length.  The caller
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
	size_t		 n, max = q->max != 0 ? q->max : PROTO_MAX_FRAME;

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
			if ((size_t)(s->end - s->p) >= max) {
				/* max bytes and no LF: too long already. */
				s->p = s->end;
				q->skipping = true;
				return PS_TOOLONG;
			}
			return PS_END;
		}
		n = (size_t)(nl - s->p);
		*line = s->p;
		s->p = nl + 1;
		if (n + 1 > max)
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
	if (n >= PROTO_MAX_FRAME_V2)	/* cannot happen: see scan_next */
		n = PROTO_MAX_FRAME_V2 - 1;
	if (q->part == NULL)
		q->part = xmalloc(PROTO_MAX_FRAME_V2);
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
	{ "HELLO", 5, PV_HELLO },	{ "DM", 2, PV_DM },
	{ "AWAY", 4, PV_AWAY },		{ "KEY", 3, PV_KEY },
};

/* The name of a verb ("" for PV_NONE). */
const char *
proto_verb_name(enum proto_verb v)
{
	size_t	 i;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (verbs[i].verb == v)
			return verbs[i].name;
	return "";
}

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

/* The next field of [p, end): its bytes, and where the one after starts. */
static struct proto_str
field_at(const char **pp, const char *end, bool *more)
{
	const char	*p = *pp, *sp = next_space(p, end);
	struct proto_str f = { p, (size_t)(sp - p) };

	*more = sp < end;
	*pp = sp < end ? sp + 1 : end;
	return f;
}

/*
 * MSG <seq> <md5> [<sig>] <text> and DM <seq> <to> <md5> [<sig>]
 * <text>, from p (the first argument) on: shape only, left to right.
 */
static enum proto_cerr
parse_message(const char *p, const char *end, bool args, int version,
    struct proto_cmsg *m)
{
	struct proto_str f;
	bool		 more = args;

	if (!more)
		return PCE_SYNTAX;
	m->seq = field_at(&p, end, &more);
	if (!proto_seq_valid(m->seq.p, m->seq.len))
		return PCE_SYNTAX;
	if (m->verb == PV_DM) {
		if (!more)
			return PCE_BADHASH;
		f = field_at(&p, end, &more);
		if (!proto_num_parse(f.p, f.len, &m->num))
			m->num = 0;	/* names no client: nouser */
	}
	if (!more)
		return PCE_BADHASH;
	m->md5 = field_at(&p, end, &more);
	if (!proto_md5_valid(m->md5.p, m->md5.len)) {
		m->text.p = p;
		m->text.len = (size_t)(end - p);
		return PCE_BADHASH;
	}
	if (version >= PROTO_V2 && more)
		m->sig = field_at(&p, end, &more);
	if (!more || p == end)
		return PCE_BADTEXT;
	m->text.p = p;
	m->text.len = (size_t)(end - p);
	return PCE_OK;
}

/* One decimal argument (HELLO <n>, KEY <id>). */
static enum proto_cerr
parse_number(const char *p, const char *end, bool args, struct proto_cmsg *m)
{
	if (!args || next_space(p, end) != end ||
	    !proto_num_parse(p, (size_t)(end - p), &m->num))
		return PCE_SYNTAX;
	return PCE_OK;
}

/*
 * Parse a frame a client sent (without CR LF) on a connection of the
 * given protocol version.  Fill m with what was found and return what
 * the server must answer if it is malformed.  For MSG and DM only the
 * shape is checked here; flood, text rules, the digest, the signature
 * and the recipient are the hub's business.
 */
enum proto_cerr
proto_parse_client_v(const char *line, size_t len, int version,
    struct proto_cmsg *m)
{
	const char	*end = line + len, *p, *sp;
	bool		 args;

	memset(m, 0, sizeof *m);
	if (len == 0)
		return PCE_EMPTY;
	sp = next_space(line, end);
	m->verbstr.p = line;
	m->verbstr.len = (size_t)(sp - line);
	m->verb = proto_verb_lookup(line, m->verbstr.len);
	args = sp != end;
	p = args ? sp + 1 : end;	/* start of the arguments */

	switch (m->verb) {
	case PV_MSG:
	case PV_DM:
		return parse_message(p, end, args, version, m);
	case PV_NICK:
		if (!args)
			return PCE_SYNTAX;
		m->nick.p = p;
		m->nick.len = (size_t)(end - p);
		if (!proto_nick_valid(m->nick.p, m->nick.len))
			return PCE_BADNICK;
		return PCE_OK;
	case PV_PING:
	case PV_PONG:
		m->token.p = p;
		m->token.len = (size_t)(end - p);
		if (!args || !proto_token_valid(m->token.p, m->token.len))
			return PCE_SYNTAX;
		return PCE_OK;
	case PV_AWAY:
		m->text.p = p;
		m->text.len = (size_t)(end - p);
		if (args && !proto_away_valid(p, m->text.len))
			return PCE_SYNTAX;
		return PCE_OK;
	case PV_HELLO:
	case PV_KEY:
		if (version < PROTO_V2)
			break;
		return parse_number(p, end, args, m);
	case PV_QUIT:
	case PV_ERR:
		/* QUIT's text; a client's ERR (ERR toolong): never answered. */
		m->text.p = p;
		m->text.len = (size_t)(end - p);
		return PCE_OK;
	default:
		break;
	}
	m->verb = PV_NONE;
	return PCE_UNKNOWN;
}

/* A frame of a version 1 connection. */
enum proto_cerr
proto_parse_client(const char *line, size_t len, struct proto_cmsg *m)
{
	return proto_parse_client_v(line, len, PROTO_V1, m);
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

/* The frames that are the same in every version: OK NAK ERR BYE PING. */
static bool
parse_server_rest(struct proto_str *f, int n, const char *line, size_t len,
    struct proto_smsg *m)
{
	switch (m->verb) {
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
		(void)n;
		return false;
	}
}

/*
 * A relayed MSG or DM: "<n> <id> <nick> <md5> <text>" in v1,
 * "<n> <time> <id> <nick> <md5> <sig> <text>" in v2.
 */
static bool
parse_relay(const char *line, size_t len, int version, struct proto_smsg *m)
{
	struct proto_str f[8];
	int		 k = 0, want = version >= PROTO_V2 ? 8 : 6;

	memset(f, 0, sizeof f);
	if (proto_split(line, len, f, want) != want)
		return false;
	if (!num_field(&f[++k], &m->n))
		return false;
	if (version >= PROTO_V2) {
		m->time = f[++k];
		if (!proto_time_valid(m->time.p, m->time.len))
			return false;
	}
	if (!num_field(&f[++k], &m->id) || !nick_field(&f[++k], &m->nick))
		return false;
	m->md5 = f[++k];
	if (!proto_md5_valid(m->md5.p, m->md5.len))
		return false;
	if (version >= PROTO_V2) {
		m->sig = f[++k];
		if (!proto_sig_valid(m->sig.p, m->sig.len))
			return false;
	}
	m->text = f[++k];
	return true;
}

/* "<id> <nick>", and in v2 " <key>" (which may be missing). */
static bool
parse_id_nick_key(const struct proto_str *f, int n, int base,
    int version, struct proto_smsg *m)
{
	if (n == base + 1 && version >= PROTO_V2) {
		m->key = f[base];
		if (!proto_key_valid(m->key.p, m->key.len))
			return false;
	} else if (n != base)
		return false;
	return num_field(&f[1], &m->id) && nick_field(&f[2], &m->nick);
}

/*
 * Parse a frame the server sent (without CR LF) on a connection of the
 * given protocol version into m.  Every field is checked; return false
 * if the frame is malformed or its verb unknown.  MSG and DM text is
 * returned as sent: the caller checks it, its digest and signature.
 */
bool
proto_parse_server_v(const char *line, size_t len, int version,
    struct proto_smsg *m)
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
		n = proto_split(line, len, f, 6);
		return n >= 4 && num_field(&f[3], &m->n) &&
		    parse_id_nick_key(f, n, 4, version, m);
	case PV_USER:
	case PV_JOIN:
		n = proto_split(line, len, f, 5);
		return parse_id_nick_key(f, n, 3, version, m);
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
	case PV_DM:
		return parse_relay(line, len, version, m);
	case PV_AWAY:
		n = proto_split(line, len, f, 3);
		if (n == 3)
			m->text = f[2];
		return n >= 2 && num_field(&f[1], &m->id) &&
		    (n == 2 || proto_away_valid(f[2].p, f[2].len));
	case PV_KEY:
		n = proto_split(line, len, f, 5);
		m->key = f[2];
		m->spki = f[3];
		return n == 4 && num_field(&f[1], &m->id) &&
		    proto_key_valid(f[2].p, f[2].len) &&
		    (f[3].len == 1 ? f[3].p[0] == '-' :
		    proto_spki_valid(f[3].p, f[3].len));
	default:
		return parse_server_rest(f, n, line, len, m);
	}
}

/* A frame of a version 1 connection. */
bool
proto_parse_server(const char *line, size_t len, struct proto_smsg *m)
{
	return proto_parse_server_v(line, len, PROTO_V1, m);
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
 * "<md5> [<sig>] <text>\n" at p (sig NULL: none), the end of a MSG or DM
 * frame; returns the end.
 */
static char *
put_signed_text(char *p, const char *md5hex, const char *sig,
    const char *text, size_t textlen)
{
	p = proto_put(p, md5hex, PROTO_MD5_HEX);
	if (sig != NULL) {
		assert(strlen(sig) <= PROTO_SIG_B64);
		*p++ = ' ';
		p = proto_put_str(p, sig);
	}
	*p++ = ' ';
	p = proto_put(p, text, textlen);
	*p++ = '\n';
	return p;
}

/* "<verb> <seq> [<to>] <md5> [<sig>] <text>\n" of a client. */
static size_t
encode_own(char *dst, const char *verb, size_t verblen, uint64_t seq,
    const uint64_t *to, const char *md5hex, const char *sig,
    const char *text, size_t textlen)
{
	char	*p = proto_put(dst, verb, verblen);

	assert(textlen <= PROTO_MAX_TEXT);
	*p++ = ' ';
	p = proto_put_u64(p, seq);
	if (to != NULL) {
		*p++ = ' ';
		p = proto_put_u64(p, *to);
	}
	*p++ = ' ';
	p = put_signed_text(p, md5hex, sig, text, textlen);
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

/*
 * A whole "<verb> <id> <nick>[ <tail>]\n" frame (USER, JOIN, NICK,
 * LEAVE); tail may be NULL.
 */
static size_t
encode_id_nick_frame(char *dst, const char *verb, size_t verblen,
    uint64_t id, const char *nick, size_t nicklen, const char *tail)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, verb, verblen, id, nick, nicklen);
	if (tail != NULL) {
		assert(strlen(tail) <= 64);
		*p++ = ' ';
		p = proto_put_str(p, tail);
	}
	*p++ = '\n';
	return (size_t)(p - dst);
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

/* "<verb> <v>\n". */
static size_t
encode_verb_u64(char *dst, const char *verb, size_t verblen, uint64_t v)
{
	char	*p = proto_put(dst, verb, verblen);

	*p++ = ' ';
	p = proto_put_u64(p, v);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "READY <users>\n": the end of the welcome. */
size_t
proto_encode_ready(char *dst, uint64_t users)
{
	return encode_verb_u64(dst, "READY", 5, users);
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

/*
 * The frame of n bytes at dst with " <text>" put before its newline
 * (text: human, valid, at most PROTO_MAX_AWAY bytes; none if len is 0).
 */
static size_t
append_text(char *dst, size_t n, const char *text, size_t len)
{
	char	*p = dst + n - 1;

	assert(len <= PROTO_MAX_AWAY);
	if (len == 0)
		return n;
	*p++ = ' ';
	p = proto_put(p, text, len);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "NAK <seq> <code> <text>\n": the same with a human text. */
size_t
proto_encode_nak_text(char *dst, const char *seq, size_t seqlen,
    const char *code, const char *text, size_t len)
{
	return append_text(dst, proto_encode_nak(dst, seq, seqlen, code),
	    text, len);
}

/* "LEAVE <id> <nick> <reason>\n": a client left. */
size_t
proto_encode_leave(char *dst, uint64_t id, const char *nick,
    size_t nicklen, const char *reason)
{
	return encode_id_nick_frame(dst, "LEAVE", 5, id, nick, nicklen,
	    reason);
}

/* "NICK <id> <nick>\n": a client's new nick. */
size_t
proto_encode_nick(char *dst, uint64_t id, const char *nick, size_t nicklen)
{
	return encode_id_nick_frame(dst, "NICK", 4, id, nick, nicklen, NULL);
}

/* "PING <token>\n" or "PONG <token>\n" (4-letter verb). */
static size_t
encode_token(char *dst, const char *verb, const char *token, size_t len)
{
	assert(len > 0 && len <= PROTO_MAX_TOKEN);
	return encode_verb_arg(dst, verb, 4, token, len);
}

/* "PING <token>\n". */
size_t
proto_encode_ping(char *dst, const char *token, size_t len)
{
	return encode_token(dst, "PING", token, len);
}

/* "PONG <token>\n": the answer to a PING. */
size_t
proto_encode_pong(char *dst, const char *token, size_t len)
{
	return encode_token(dst, "PONG", token, len);
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

/* "BYE <reason> <text>\n"; text (human, valid, at most 200 bytes). */
size_t
proto_encode_bye_text(char *dst, const char *reason, const char *text,
    size_t len)
{
	return append_text(dst, proto_encode_bye(dst, reason), text, len);
}

/* "MSG <seq> <md5> <text>\n": a client's message (md5 lower case). */
size_t
proto_encode_msg(char *dst, uint64_t seq, const char *md5hex,
    const char *text, size_t textlen)
{
	return encode_own(dst, "MSG", 3, seq, NULL, md5hex, NULL, text,
	    textlen);
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

/* ---- version 2, and the frames it added to both versions ---------- */

/* " <key>", a key or "-". */
static char *
put_key(char *p, const char *key)
{
	size_t	 len = strlen(key);

	assert(len <= PROTO_KEY_LEN);
	*p++ = ' ';
	return proto_put(p, key, len);
}

/* "WELCOME <id> <nick> 2 <key>\n". */
size_t
proto_encode_welcome_v2(char *dst, uint64_t id, const char *nick,
    size_t nicklen, const char *key)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, "WELCOME", 7, id, nick, nicklen);
	p = proto_put(p, " 2", 2);
	p = put_key(p, key);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* USER or JOIN, with " <key>" unless key is NULL (v1). */
static size_t
encode_user_join(char *dst, const char *verb, size_t verblen, uint64_t id,
    const char *nick, size_t nicklen, const char *key)
{
	char	*p;

	assert(nicklen <= PROTO_MAX_NICK);
	p = encode_id_nick(dst, verb, verblen, id, nick, nicklen);
	if (key != NULL)
		p = put_key(p, key);
	*p++ = '\n';
	return (size_t)(p - dst);
}

size_t
proto_encode_user_v(char *dst, uint64_t id, const char *nick,
    size_t nicklen, const char *key)
{
	return encode_user_join(dst, "USER", 4, id, nick, nicklen, key);
}

size_t
proto_encode_join_v(char *dst, uint64_t id, const char *nick,
    size_t nicklen, const char *key)
{
	return encode_user_join(dst, "JOIN", 4, id, nick, nicklen, key);
}

/*
 * A relayed MSG or DM for a receiver of the given version (v1 leaves
 * time and sig out).
 */
size_t
proto_encode_relay_v(char *dst, int version, enum proto_verb verb,
    uint64_t n, const char *time, uint64_t id, const char *nick,
    size_t nicklen, const char *md5hex, const char *sig, const char *text,
    size_t textlen)
{
	char	*p = dst;

	assert(textlen <= PROTO_MAX_TEXT && nicklen <= PROTO_MAX_NICK);
	p = verb == PV_DM ? proto_put(p, "DM ", 3) : proto_put(p, "MSG ", 4);
	p = proto_put_u64(p, n);
	*p++ = ' ';
	if (version >= PROTO_V2) {
		p = proto_put(p, time, PROTO_TIME_LEN);
		*p++ = ' ';
	}
	p = proto_put_u64(p, id);
	*p++ = ' ';
	p = proto_put(p, nick, nicklen);
	*p++ = ' ';
	p = put_signed_text(p, md5hex, version >= PROTO_V2 ? sig : NULL,
	    text, textlen);
	return (size_t)(p - dst);
}

/* "AWAY <id>\n" (back) or "AWAY <id> <text>\n". */
size_t
proto_encode_away_id(char *dst, uint64_t id, const char *text,
    size_t textlen)
{
	char	*p = proto_put(dst, "AWAY ", 5);

	assert(textlen <= PROTO_MAX_AWAY);
	p = proto_put_u64(p, id);
	if (textlen > 0) {
		*p++ = ' ';
		p = proto_put(p, text, textlen);
	}
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "KEY <id> <key> <spki>\n" (spki "-" for none). */
size_t
proto_encode_key(char *dst, uint64_t id, const char *key, const char *spki,
    size_t spkilen)
{
	char	*p = proto_put(dst, "KEY ", 4);

	assert(spkilen <= PROTO_MAX_SPKI);
	p = proto_put_u64(p, id);
	p = put_key(p, key);
	*p++ = ' ';
	p = proto_put(p, spki, spkilen);
	*p++ = '\n';
	return (size_t)(p - dst);
}

/* "HELLO <n>\n": the last message number this client has seen. */
size_t
proto_encode_hello(char *dst, uint64_t n)
{
	return encode_verb_u64(dst, "HELLO", 5, n);
}

size_t
proto_encode_msg_v2(char *dst, uint64_t seq, const char *md5hex,
    const char *sig, const char *text, size_t textlen)
{
	return encode_own(dst, "MSG", 3, seq, NULL, md5hex, sig, text,
	    textlen);
}

size_t
proto_encode_dm(char *dst, int version, uint64_t seq, uint64_t to,
    const char *md5hex, const char *sig, const char *text, size_t textlen)
{
	return encode_own(dst, "DM", 2, seq, &to, md5hex,
	    version >= PROTO_V2 ? sig : NULL, text, textlen);
}

/* "AWAY\n" or "AWAY <text>\n". */
size_t
proto_encode_away(char *dst, const char *text, size_t textlen)
{
	assert(textlen <= PROTO_MAX_AWAY);
	return encode_verb_arg(dst, "AWAY", 4, text, textlen);
}

/* "KEY <id>\n". */
size_t
proto_encode_keyreq(char *dst, uint64_t id)
{
	return encode_verb_u64(dst, "KEY", 3, id);
}
