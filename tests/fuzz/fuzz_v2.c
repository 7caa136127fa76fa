/*
 * fuzz_v2.c -- libFuzzer target for the frames of protocol version 2,
 * both ways: proto_parse_client_v and proto_parse_server_v with
 * PROTO_V2, on every line of the input.
 *
 * Invariants: parsing is deterministic; every field lies inside the
 * frame; an accepted client HELLO or KEY re-encodes (proto_encode_hello,
 * proto_encode_keyreq) to its bytes, and so does an accepted v2 MSG
 * with a valid text (proto_encode_msg_v2); an accepted server MSG/DM
 * (proto_encode_relay_v), WELCOME (proto_encode_welcome_v2), USER and
 * JOIN with a key (proto_encode_user_v / join_v) and KEY answer
 * (proto_encode_key) re-encode to their bytes; a v2 frame the server
 * accepts is never longer than PROTO_MAX_FRAME_V2 - 1 once encoded.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "protocol.h"

static bool
inside(const struct proto_str *f, const char *line, size_t len)
{
	return f->len == 0 || (f->p >= line && f->p + f->len <= line + len);
}

/* out[0..n) followed by a LF is line[0..len) exactly. */
static bool
same(const char *out, size_t n, const char *line, size_t len)
{
	return n == len + 1 && out[len] == '\n' && memcmp(out, line, len) == 0;
}

static uint64_t
seq_value(const struct proto_str *f)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < f->len; i++)
		v = v * 10 + (uint64_t)(f->p[i] - '0');
	return v;
}

/* Does a field of the line start with a 0 followed by a digit? */
static bool
leading_zero(const char *line, size_t len)
{
	size_t	 i;

	for (i = 0; i + 2 < len; i++)
		if (line[i] == ' ' && line[i + 1] == '0' &&
		    line[i + 2] >= '0' && line[i + 2] <= '9')
			return true;
	return false;
}

static void
client_side(const char *line, size_t len)
{
	struct proto_cmsg m, m2;
	enum proto_cerr	 e;
	char		 out[PROTO_MAX_FRAME_V2 + 128];
	char		 md5[PROTO_MD5_HEX + 1], sig[PROTO_SIG_B64 + 1];
	size_t		 n;

	e = proto_parse_client_v(line, len, PROTO_V2, &m);
	INVARIANT(proto_parse_client_v(line, len, PROTO_V2, &m2) == e);
	INVARIANT(memcmp(&m, &m2, sizeof m) == 0);
	INVARIANT(inside(&m.seq, line, len) && inside(&m.md5, line, len) &&
	    inside(&m.sig, line, len) && inside(&m.text, line, len) &&
	    inside(&m.nick, line, len) && inside(&m.token, line, len));
	if (e != PCE_OK)
		return;
	switch (m.verb) {
	case PV_HELLO:
		n = proto_encode_hello(out, m.num);
		INVARIANT(same(out, n, line, len) || leading_zero(line, len));
		break;
	case PV_KEY:
		n = proto_encode_keyreq(out, m.num);
		INVARIANT(same(out, n, line, len) || leading_zero(line, len));
		break;
	case PV_MSG:
		if (m.text.len > PROTO_MAX_TEXT || m.sig.len == 0 ||
		    !proto_sig_valid(m.sig.p, m.sig.len) ||
		    (m.seq.len > 1 && m.seq.p[0] == '0'))
			break;
		memcpy(md5, m.md5.p, PROTO_MD5_HEX);
		md5[PROTO_MD5_HEX] = '\0';
		memcpy(sig, m.sig.p, m.sig.len);
		sig[m.sig.len] = '\0';
		n = proto_encode_msg_v2(out, seq_value(&m.seq), md5, sig,
		    m.text.p, m.text.len);
		INVARIANT(n <= PROTO_MAX_FRAME_V2);
		INVARIANT(same(out, n, line, len));
		break;
	default:
		break;
	}
}

/* A NUL-terminated copy of a field (for the encoders). */
static const char *
z(const struct proto_str *f, char *buf, size_t cap)
{
	size_t	 n = f->len < cap - 1 ? f->len : cap - 1;

	memcpy(buf, f->p, n);
	buf[n] = '\0';
	return buf;
}

static void
server_side(const char *line, size_t len)
{
	struct proto_smsg m, m2;
	char		 out[PROTO_MAX_FRAME_V2 + 256], a[128], b[128], c[256];
	bool		 ok;
	size_t		 n = 0;

	ok = proto_parse_server_v(line, len, PROTO_V2, &m);
	INVARIANT(proto_parse_server_v(line, len, PROTO_V2, &m2) == ok);
	INVARIANT(memcmp(&m, &m2, sizeof m) == 0);
	if (!ok)
		return;
	INVARIANT(inside(&m.nick, line, len) && inside(&m.md5, line, len) &&
	    inside(&m.text, line, len) && inside(&m.key, line, len) &&
	    inside(&m.time, line, len) && inside(&m.sig, line, len) &&
	    inside(&m.spki, line, len));
	switch (m.verb) {
	case PV_MSG:
	case PV_DM:
		if (m.text.len > PROTO_MAX_TEXT)
			return;
		n = proto_encode_relay_v(out, PROTO_V2, m.verb, m.n,
		    z(&m.time, a, sizeof a), m.id, m.nick.p, m.nick.len,
		    z(&m.md5, b, sizeof b), z(&m.sig, c, sizeof c), m.text.p,
		    m.text.len);
		break;
	case PV_WELCOME:
		if (m.key.len == 0)
			return;
		if (m.n != 2)
			return;
		n = proto_encode_welcome_v2(out, m.id, m.nick.p, m.nick.len,
		    z(&m.key, a, sizeof a));
		break;
	case PV_USER:
	case PV_JOIN:
		if (m.key.len == 0)
			return;
		n = (m.verb == PV_USER ? proto_encode_user_v :
		    proto_encode_join_v)(out, m.id, m.nick.p, m.nick.len,
		    z(&m.key, a, sizeof a));
		break;
	case PV_KEY:
		n = proto_encode_key(out, m.id, z(&m.key, a, sizeof a),
		    m.spki.p, m.spki.len);
		break;
	default:
		return;
	}
	INVARIANT(n <= PROTO_MAX_FRAME_V2);
	/* Numbers with leading zeros parse, but are not re-encoded so. */
	INVARIANT(same(out, n, line, len) || leading_zero(line, len));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	size_t		 len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl != NULL ? nl : end) - p);
		if (len < PROTO_MAX_FRAME_V2) {
			client_side(p, len);
			server_side(p, len);
		}
		p += len + 1;
	}
	return 0;
}
