/*
 * test_protocol.c -- unit tests for protocol.c: field validation,
 * frame splitting (limits, CR LF, too-long frames across reads),
 * client and server frame parsing, encoding (digest.c has
 * test_digest.c).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "unit.h"

#define S(x) x, strlen(x)

static void
test_validation(void)
{
	char	 big[PROTO_MAX_TEXT + 2];

	CHECK(proto_utf8_valid(S("Olá, ação")));
	CHECK(!proto_utf8_valid(S("\xc3")));		/* truncated */
	CHECK(!proto_utf8_valid(S("\xc0\xaf")));	/* overlong */
	CHECK(!proto_utf8_valid(S("\xe0\x80\xaf")));	/* overlong */
	CHECK(!proto_utf8_valid(S("\xed\xa0\x80")));	/* surrogate */
	CHECK(!proto_utf8_valid(S("\xf4\x90\x80\x80")));	/* > U+10FFFF */
	CHECK(proto_utf8_valid(S("\xf0\x9f\x98\x80")));	/* emoji */
	CHECK(!proto_utf8_valid(S("\xff")));

	CHECK(proto_text_valid(S("hello world")));
	CHECK(proto_text_valid(S("tab\there")));
	CHECK(!proto_text_valid(S("")));
	CHECK(!proto_text_valid(S("bell\a")));
	CHECK(!proto_text_valid(S("cr\r")));
	CHECK(!proto_text_valid(S("del\x7f")));
	CHECK(!proto_text_valid("nul\0x", 5));
	CHECK(!proto_text_valid(S("bad \xc3(")));
	memset(big, 'a', sizeof big);
	CHECK(proto_text_valid(big, PROTO_MAX_TEXT));
	CHECK(!proto_text_valid(big, PROTO_MAX_TEXT + 1));

	CHECK(proto_nick_valid(S("rui")));
	CHECK(proto_nick_valid(S("joão")));
	CHECK(!proto_nick_valid(S("")));
	CHECK(!proto_nick_valid(S("a b")));
	CHECK(!proto_nick_valid(S("a:b")));
	CHECK(!proto_nick_valid(S("tab\t")));
	CHECK(!proto_nick_valid(S("x\x7f")));
	CHECK(proto_nick_valid(big, 32));
	CHECK(!proto_nick_valid(big, 33));
	CHECK(!proto_nick_valid(S("\xc3")));

	CHECK(proto_seq_valid(S("0")));
	CHECK(proto_seq_valid(S("000123")));
	CHECK(proto_seq_valid(S("123456789012345678")));
	CHECK(!proto_seq_valid(S("1234567890123456789")));
	CHECK(!proto_seq_valid(S("")));
	CHECK(!proto_seq_valid(S("12a")));
	CHECK(!proto_seq_valid(S("-1")));

	CHECK(proto_md5_valid(S("75af58fb73abd30a442a9cc9f1286c06")));
	CHECK(proto_md5_valid(S("75AF58FB73ABD30A442A9CC9F1286C06")));
	CHECK(!proto_md5_valid(S("75af58fb73abd30a442a9cc9f1286c0")));
	CHECK(!proto_md5_valid(S("75af58fb73abd30a442a9cc9f1286c0g")));

	CHECK(proto_token_valid(S("abc-123_!~")));
	CHECK(!proto_token_valid(S("a b")));
	CHECK(!proto_token_valid(S("")));
	CHECK(proto_token_valid(big, 64));
	CHECK(!proto_token_valid(big, 65));

}

static void
test_numbers(void)
{
	uint64_t	 v;

	CHECK(proto_num_parse(S("0"), &v) && v == 0);
	CHECK(proto_num_parse(S("18446744073709551615"), &v) &&
	    v == UINT64_MAX);
	CHECK(!proto_num_parse(S("18446744073709551616"), &v));
	CHECK(!proto_num_parse(S("01"), &v));
	CHECK(!proto_num_parse(S(""), &v));
	CHECK(!proto_num_parse(S("1x"), &v));
}

/* Feed bytes in chunks of size step; collect frames as "a|b|!|c". */
static void
scan_all(const char *in, size_t len, size_t step, char *out)
{
	struct proto_lineq q;
	struct proto_scan s;
	char		*buf = malloc(PROTO_MAX_FRAME + step);
	const char	*line;
	size_t		 off = 0, have, n, l;
	int		 r;

	memset(&q, 0, sizeof q);
	out[0] = '\0';
	while (off < len) {
		n = len - off < step ? len - off : step;
		have = proto_lineq_prepend(&q, buf);
		memcpy(buf + have, in + off, n);
		off += n;
		proto_scan_init(&s, buf, have + n);
		while ((r = proto_scan_next(&q, &s, &line, &l)) != PS_END) {
			if (r == PS_TOOLONG)
				strcat(out, "!|");
			else {
				strncat(out, line, l);
				strcat(out, "|");
			}
		}
		proto_lineq_keep(&q, &s);
	}
	proto_lineq_free(&q);
	free(buf);
}

static void
test_framing(void)
{
	char	*in = malloc(20000), *out = malloc(40000);
	size_t	 steps[] = { 1, 2, 7, 100, 4096, 20000 }, i, n;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		scan_all(S("a\nb\r\n\n\r\nc"), steps[i], out);
		CHECK_STR(out, "a|b|");
	}
	/* 4096 bytes with LF: fine.  4097: too long, then go on. */
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		memset(in, 'x', 4095);
		in[4095] = '\n';
		memset(in + 4096, 'y', 4096);
		in[8192] = '\n';
		memcpy(in + 8193, "ok\n", 3);
		scan_all(in, 8196, steps[i], out);
		n = strlen(out);
		CHECK(n == 4095 + 1 + 2 + 3);
		CHECK(strcmp(out + 4096, "!|ok|") == 0);
	}
	/* CR counts: 4094 + CR + LF = 4096 is fine; 4095 + CR + LF is not. */
	memset(in, 'x', 4094);
	memcpy(in + 4094, "\r\n", 2);
	scan_all(in, 4096, 4096, out);
	CHECK(strlen(out) == 4095);
	memset(in, 'x', 4095);
	memcpy(in + 4095, "\r\nz\n", 4);
	scan_all(in, 4099, 3, out);
	CHECK_STR(out, "!|z|");
	/* 1 MiB without a newline: one toolong, nothing kept. */
	{
		char	*mb = malloc(1 << 20);

		memset(mb, 'q', 1 << 20);
		scan_all(mb, 1 << 20, 65536, out);
		CHECK_STR(out, "!|");
		free(mb);
	}
	free(in);
	free(out);
}

static void
test_parse_client(void)
{
	struct proto_cmsg m;

	CHECK(proto_parse_client(S("MSG 1 75af58fb73abd30a442a9cc9f1286c06 "
	    "Olá, tudo bem?"), &m) == PCE_OK);
	CHECK(m.verb == PV_MSG && m.seq.len == 1 && m.text.len == 15);
	CHECK(proto_parse_client(S("MSG 007 75af58fb73abd30a442a9cc9f1286c06 "
	    " two  spaces "), &m) == PCE_OK);
	CHECK(m.text.len == 13 && m.text.p[0] == ' ');
	CHECK(proto_parse_client(S("MSG"), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("MSG "), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("MSG x"), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("MSG 1234567890123456789 x y"), &m) ==
	    PCE_SYNTAX);
	CHECK(proto_parse_client(S("MSG 1"), &m) == PCE_BADHASH);
	CHECK(proto_parse_client(S("MSG 1 abc hi"), &m) == PCE_BADHASH);
	CHECK(m.text.len == 2);
	CHECK(proto_parse_client(S("MSG 1 75af58fb73abd30a442a9cc9f1286c06"),
	    &m) == PCE_BADTEXT);
	CHECK(proto_parse_client(S("MSG 1 75af58fb73abd30a442a9cc9f1286c06 "),
	    &m) == PCE_BADTEXT);
	CHECK(proto_parse_client(S("msg 1 2 3"), &m) == PCE_UNKNOWN);
	CHECK(proto_parse_client(S("NICK rui"), &m) == PCE_OK &&
	    m.nick.len == 3);
	CHECK(proto_parse_client(S("NICK"), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("NICK "), &m) == PCE_BADNICK);
	CHECK(proto_parse_client(S("NICK a b"), &m) == PCE_BADNICK);
	CHECK(proto_parse_client(S("NICK a:b"), &m) == PCE_BADNICK);
	CHECK(proto_parse_client(S("PING x"), &m) == PCE_OK &&
	    m.token.len == 1);
	CHECK(proto_parse_client(S("PING"), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("PING a b"), &m) == PCE_SYNTAX);
	CHECK(proto_parse_client(S("PONG 1"), &m) == PCE_OK);
	CHECK(proto_parse_client(S("QUIT"), &m) == PCE_OK &&
	    m.verb == PV_QUIT);
	CHECK(proto_parse_client(S("QUIT bye now"), &m) == PCE_OK);
	CHECK(proto_parse_client(S("WELCOME 1 a 1"), &m) == PCE_UNKNOWN);
}

static void
test_verb_echo(void)
{
	char	 out[PROTO_MAX_VERB_ECHO + 1];
	size_t	 n;

	n = proto_verb_echo(S("h\xc3\xa9llo\x01"), out);
	out[n] = '\0';
	CHECK_STR(out, "h??llo?");
	n = proto_verb_echo(S("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), out);
	out[n] = '\0';
	CHECK_STR(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
}

static void
test_parse_server(void)
{
	struct proto_smsg m;

	CHECK(proto_parse_server(S("WELCOME 3 user3 1"), &m) &&
	    m.id == 3 && m.n == 1 && m.nick.len == 5);
	CHECK(!proto_parse_server(S("WELCOME 3 user3"), &m));
	CHECK(!proto_parse_server(S("WELCOME 3 user3 1 x"), &m));
	CHECK(proto_parse_server(S("USER 1 ana"), &m) && m.id == 1);
	CHECK(proto_parse_server(S("READY 1"), &m) && m.n == 1);
	CHECK(proto_parse_server(S("MSG 7 3 rui "
	    "75af58fb73abd30a442a9cc9f1286c06 Olá, tudo bem?"), &m) &&
	    m.n == 7 && m.id == 3 && m.text.len == 15);
	CHECK(!proto_parse_server(S("MSG 7 3 rui nothex hi"), &m));
	CHECK(proto_parse_server(S("OK 001 7"), &m) && m.seq.len == 3 &&
	    m.n == 7);
	CHECK(proto_parse_server(S("NAK 1 badhash"), &m) && m.code.len == 7);
	CHECK(proto_parse_server(S("NAK 1 flood slow down please"), &m) &&
	    m.text.len == 16);
	CHECK(!proto_parse_server(S("NAK 1 BadHash"), &m));
	CHECK(proto_parse_server(S("LEAVE 2 ana quit"), &m) && m.id == 2);
	CHECK(!proto_parse_server(S("LEAVE 2 ana"), &m));
	CHECK(proto_parse_server(S("BYE full"), &m));
	CHECK(proto_parse_server(S("ERR nickinuse rui"), &m));
	CHECK(proto_parse_server(S("PING 12345"), &m) && m.token.len == 5);
	CHECK(!proto_parse_server(S("HELLO"), &m));
}

/* The frame just encoded (n bytes in buf) is exactly want. */
#define CHECK_FRAME(n, want) do {					\
	size_t n_ = (n);						\
	CHECK(n_ < sizeof buf);						\
	buf[n_ < sizeof buf ? n_ : 0] = '\0';				\
	CHECK(n_ == strlen(want));					\
	CHECK_STR(buf, want);						\
} while (0)

#define MD5A	"75af58fb73abd30a442a9cc9f1286c06"
#define U64MAX	UINT64_C(18446744073709551615)

/* Every server frame, byte by byte, and what a client parses back. */
static void
test_encode_server(void)
{
	char			 buf[PROTO_MAX_FRAME + 128];
	struct proto_smsg	 m;

	CHECK_FRAME(proto_encode_relay_v(buf, PROTO_V1, PV_MSG, 7,
	    NULL, 3, S("rui"), MD5A, NULL, S("Olá, tudo bem?")), "MSG 7 3 rui " MD5A " Olá, tudo bem?\n");
	CHECK_FRAME(proto_encode_welcome(buf, 12, S("user12")),
	    "WELCOME 12 user12 1\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_WELCOME && m.id == 12 && m.n == PROTO_VERSION);
	CHECK_FRAME(proto_encode_user_v(buf, 0, S("ana"), NULL), "USER 0 ana\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_USER && m.id == 0 && m.nick.len == 3);
	CHECK_FRAME(proto_encode_ready(buf, 0), "READY 0\n");
	CHECK_FRAME(proto_encode_ready(buf, 4096), "READY 4096\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_READY && m.n == 4096);
	CHECK_FRAME(proto_encode_ok(buf, S("00042"), 9), "OK 00042 9\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_OK && m.n == 9 && m.seq.len == 5);
	CHECK_FRAME(proto_encode_nak(buf, S("5"), "badhash"),
	    "NAK 5 badhash\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_NAK && m.code.len == 7);
	CHECK_FRAME(proto_encode_nak(buf, S("123456789012345678"), "nolog"),
	    "NAK 123456789012345678 nolog\n");
	CHECK_FRAME(proto_encode_join_v(buf, 5, S("joão"), NULL), "JOIN 5 joão\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_JOIN && m.id == 5);
	CHECK_FRAME(proto_encode_leave(buf, 5, S("joão"), "slow"),
	    "LEAVE 5 joão slow\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_LEAVE && m.code.len == 4);
	CHECK_FRAME(proto_encode_nick(buf, U64MAX, S("x")),
	    "NICK 18446744073709551615 x\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_NICK && m.id == U64MAX);
	CHECK_FRAME(proto_encode_bye(buf, "full"), "BYE full\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_BYE && m.code.len == 4 && m.text.len == 0);
	CHECK_FRAME(proto_encode_bye(buf, "shutdown"), "BYE shutdown\n");
	CHECK_FRAME(proto_encode_err(buf, "unknown", S("HELLO")),
	    "ERR unknown HELLO\n");
	CHECK_FRAME(proto_encode_err(buf, "unknown", NULL, 0),
	    "ERR unknown\n");
	CHECK_FRAME(proto_encode_err(buf, "syntax", S("MSG")),
	    "ERR syntax MSG\n");
	CHECK_FRAME(proto_encode_err(buf, "nickinuse", S("Ana")),
	    "ERR nickinuse Ana\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_ERR && m.code.len == 9 && m.text.len == 3);
	CHECK_FRAME(proto_encode_err(buf, "badnick", NULL, 0),
	    "ERR badnick\n");
	CHECK_FRAME(proto_encode_err(buf, "toolong", "", 0), "ERR toolong\n");
	CHECK_FRAME(proto_encode_ping(buf, S("1700000000123")),
	    "PING 1700000000123\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_PING && m.token.len == 13);
	CHECK_FRAME(proto_encode_pong(buf, S("xc1")), "PONG xc1\n");
	CHECK(proto_parse_server(buf, strlen(buf) - 1, &m) &&
	    m.verb == PV_PONG && m.token.len == 3);
}

/* The longest relay fits the documented PROTO_MAX_FRAME + 64. */
static void
test_encode_relay_max(void)
{
	char			 buf[PROTO_MAX_FRAME + 128];
	char			 text[PROTO_MAX_TEXT], nick[PROTO_MAX_NICK];
	struct proto_smsg	 m;
	size_t			 n;

	memset(text, 't', sizeof text);
	memset(nick, 'n', sizeof nick);
	n = proto_encode_relay_v(buf, PROTO_V1, PV_MSG, U64MAX, NULL, U64MAX,
	    nick, sizeof nick, MD5A, NULL, text, sizeof text);
	CHECK(n == 4 + 20 + 1 + 20 + 1 + 32 + 1 + 32 + 1 + 4000 + 1);
	CHECK(n <= PROTO_MAX_FRAME + 64);
	CHECK(buf[n - 1] == '\n' && buf[n - 2] == 't');
	CHECK(proto_parse_server(buf, n - 1, &m) && m.verb == PV_MSG &&
	    m.n == U64MAX && m.text.len == PROTO_MAX_TEXT);
}

/* Every client frame, byte by byte, and what the server parses back. */
static void
test_encode_client(void)
{
	char			 buf[PROTO_MAX_FRAME + 128];
	char			 big[PROTO_MAX_FRAME + 16];
	struct proto_cmsg	 m;
	size_t			 n;

	CHECK_FRAME(proto_encode_msg(buf, 17, MD5A, S("Olá")),
	    "MSG 17 " MD5A " Olá\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_MSG && m.seq.len == 2 && m.text.len == 4);
	CHECK_FRAME(proto_encode_msg(buf, 0, MD5A, S("a  b ")),
	    "MSG 0 " MD5A " a  b \n");
	CHECK_FRAME(proto_encode_nickreq(buf, S("joão")), "NICK joão\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_NICK && m.nick.len == 5);
	CHECK_FRAME(proto_encode_quit(buf, NULL, 0), "QUIT\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_QUIT && m.text.len == 0);
	CHECK_FRAME(proto_encode_quit(buf, S("bye now")), "QUIT bye now\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_QUIT && m.text.len == 7);
	CHECK_FRAME(proto_encode_ping(buf, S("xc3")), "PING xc3\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_PING && m.token.len == 3);
	CHECK_FRAME(proto_encode_pong(buf, S("1700000000123")),
	    "PONG 1700000000123\n");
	CHECK(proto_parse_client(buf, strlen(buf) - 1, &m) == PCE_OK &&
	    m.verb == PV_PONG);
	CHECK_FRAME(proto_encode_err(buf, "toolong", NULL, 0),
	    "ERR toolong\n");

	/* A long QUIT is cut to a frame of PROTO_MAX_FRAME - 1 bytes. */
	memset(big, 'q', sizeof big);
	n = proto_encode_quit(buf, big, sizeof big);
	CHECK(n == PROTO_MAX_FRAME - 1);
	CHECK(memcmp(buf, "QUIT qqq", 8) == 0 && buf[n - 1] == '\n' &&
	    buf[n - 2] == 'q');
	n = proto_encode_quit(buf, big, PROTO_MAX_FRAME - 7);
	CHECK(n == PROTO_MAX_FRAME - 1);
	n = proto_encode_quit(buf, big, PROTO_MAX_FRAME - 8);
	CHECK(n == PROTO_MAX_FRAME - 2);
}

/* Version 2: its fields, the v2 frames both ways, longer frames. */
static void
test_version2(void)
{
	static const char key[] = "sha256:0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef";
	static const char md5[] = "0cc175b9c0f1b6a831c399e269772661";
	static const char tm[] = "2026-12-02T16:40:00.123Z";
	char		 sig[89], buf[PROTO_MAX_FRAME_V2 + 64], text[4001];
	struct proto_cmsg c;
	struct proto_smsg m;
	size_t		 n;

	memset(sig, 'A', 86);
	memcpy(sig + 86, "==", 3);
	CHECK(proto_key_valid(S(key)) && proto_key_valid(S("-")));
	CHECK(!proto_key_valid(S("sha256:0123")) && !proto_key_valid(S("")));
	CHECK(!proto_key_valid(S("SHA256:0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef")));
	CHECK(proto_sig_valid(sig, 88) && proto_sig_valid(S("-")));
	sig[85] = 'B';			/* unused bits set: not canonical */
	CHECK(!proto_sig_valid(sig, 88));
	sig[85] = 'w';
	CHECK(!proto_sig_valid(sig, 87) && !proto_sig_valid(S("--")));
	CHECK(proto_time_valid(S(tm)));
	CHECK(!proto_time_valid(S("2026-12-02 16:40:00.123Z")));
	CHECK(proto_away_valid(S("almoço")) && !proto_away_valid(S("a\nb")));
	memset(text, 'x', 201);
	CHECK(!proto_away_valid(text, 201) && proto_away_valid(text, 200));

	/* Client frames. */
	CHECK(proto_parse_client_v(S("HELLO 0"), PROTO_V2, &c) == PCE_OK &&
	    c.verb == PV_HELLO && c.num == 0);
	CHECK(proto_parse_client_v(S("HELLO 42"), PROTO_V2, &c) == PCE_OK &&
	    c.num == 42);
	CHECK(proto_parse_client_v(S("HELLO"), PROTO_V2, &c) == PCE_SYNTAX);
	CHECK(proto_parse_client_v(S("HELLO 1 2"), PROTO_V2, &c) ==
	    PCE_SYNTAX);
	CHECK(proto_parse_client_v(S("HELLO 1"), PROTO_V1, &c) ==
	    PCE_UNKNOWN);
	n = (size_t)snprintf(buf, sizeof buf, "MSG 7 %s %s olá mundo", md5,
	    sig);
	CHECK(proto_parse_client_v(buf, n, PROTO_V2, &c) == PCE_OK &&
	    c.sig.len == 88 && c.text.len == strlen("olá mundo"));
	/* In v1 the same frame is a text that starts with the signature. */
	CHECK(proto_parse_client_v(buf, n, PROTO_V1, &c) == PCE_OK &&
	    c.sig.len == 0 && c.text.len == 89 + strlen("olá mundo"));
	n = (size_t)snprintf(buf, sizeof buf, "MSG 7 %s %s", md5, sig);
	CHECK(proto_parse_client_v(buf, n, PROTO_V2, &c) == PCE_BADTEXT);
	n = (size_t)snprintf(buf, sizeof buf, "DM 3 12 %s - oi", md5);
	CHECK(proto_parse_client_v(buf, n, PROTO_V2, &c) == PCE_OK &&
	    c.verb == PV_DM && c.num == 12 && c.sig.len == 1 &&
	    c.text.len == 2);
	n = (size_t)snprintf(buf, sizeof buf, "DM 3 x %s - oi", md5);
	CHECK(proto_parse_client_v(buf, n, PROTO_V2, &c) == PCE_OK &&
	    c.num == 0);			/* nobody: nouser */
	n = (size_t)snprintf(buf, sizeof buf, "DM 3 12 %s oi", md5);
	CHECK(proto_parse_client_v(buf, n, PROTO_V1, &c) == PCE_OK &&
	    c.num == 12 && c.text.len == 2);
	CHECK(proto_parse_client_v(S("DM x"), PROTO_V1, &c) == PCE_SYNTAX);
	CHECK(proto_parse_client_v(S("AWAY"), PROTO_V1, &c) == PCE_OK &&
	    c.verb == PV_AWAY && c.text.len == 0);
	CHECK(proto_parse_client_v(S("AWAY no almoço"), PROTO_V2, &c) ==
	    PCE_OK && c.text.len == strlen("no almoço"));
	CHECK(proto_parse_client_v(S("AWAY a\001"), PROTO_V2, &c) ==
	    PCE_SYNTAX);
	CHECK(proto_parse_client_v(S("KEY 5"), PROTO_V2, &c) == PCE_OK &&
	    c.verb == PV_KEY && c.num == 5);

	/* Server frames, exact bytes and back. */
	n = proto_encode_welcome_v2(buf, 3, "ana", 3, key);
	CHECK(n == strlen("WELCOME 3 ana 2 ") + 71 + 1);
	CHECK(proto_parse_server_v(buf, n - 1, PROTO_V2, &m) &&
	    m.n == 2 && m.key.len == 71);
	n = proto_encode_user_v(buf, 4, "rui", 3, "-");
	CHECK(n == 13 && memcmp(buf, "USER 4 rui -\n", 13) == 0);
	n = proto_encode_join_v(buf, 4, "rui", 3, NULL);
	CHECK(n == 11 && memcmp(buf, "JOIN 4 rui\n", 11) == 0);
	n = proto_encode_relay_v(buf, PROTO_V2, PV_MSG, 9, tm, 4, "rui", 3,
	    md5, sig, "a b", 3);
	CHECK(proto_parse_server_v(buf, n - 1, PROTO_V2, &m) &&
	    m.verb == PV_MSG && m.n == 9 && m.id == 4 && m.sig.len == 88 &&
	    m.time.len == 24 && m.text.len == 3);
	CHECK(!proto_parse_server_v(buf, n - 1, PROTO_V1, &m));
	n = proto_encode_relay_v(buf, PROTO_V1, PV_DM, 9, tm, 4, "rui", 3,
	    md5, sig, "a b", 3);
	CHECK(n == strlen("DM 9 4 rui ") + 32 + 5 &&
	    proto_parse_server_v(buf, n - 1, PROTO_V1, &m) &&
	    m.verb == PV_DM && m.text.len == 3);
	n = proto_encode_away_id(buf, 4, "fora", 4);
	CHECK(n == 12 && memcmp(buf, "AWAY 4 fora\n", 12) == 0);
	CHECK(proto_parse_server_v(buf, n - 1, PROTO_V1, &m) && m.id == 4 &&
	    m.text.len == 4);
	n = proto_encode_key(buf, 4, key, "MCowBQYDK2VwAyEA", 16);
	CHECK(proto_parse_server_v(buf, n - 1, PROTO_V2, &m) &&
	    m.verb == PV_KEY && m.spki.len == 16);
	n = proto_encode_hello(buf, 17);
	CHECK(n == 9 && memcmp(buf, "HELLO 17\n", 9) == 0);
	n = proto_encode_dm(buf, PROTO_V2, 5, 6, md5, "-", "x", 1);
	CHECK(n == strlen("DM 5 6 ") + 32 + 5);
	n = proto_encode_away(buf, NULL, 0);
	CHECK(n == 5 && memcmp(buf, "AWAY\n", 5) == 0);
	n = proto_encode_keyreq(buf, 8);
	CHECK(n == 6 && memcmp(buf, "KEY 8\n", 6) == 0);

	/* A v2 connection's frames may be longer than 4096 bytes. */
	{
		struct proto_lineq	 q = { NULL, 0, false, 0 };
		struct proto_scan	 sc;
		const char		*line;
		size_t			 len;
		static char		 big[4300];

		memset(big, 'y', sizeof big);
		big[4199] = '\n';
		proto_scan_init(&sc, big, 4200);
		CHECK(proto_scan_next(&q, &sc, &line, &len) == PS_TOOLONG);
		q.max = PROTO_MAX_FRAME_V2;
		q.skipping = false;
		proto_scan_init(&sc, big, 4200);
		CHECK(proto_scan_next(&q, &sc, &line, &len) == PS_FRAME &&
		    len == 4199);
		proto_lineq_free(&q);
	}

	/* The longest v2 frames fit in PROTO_MAX_FRAME_V2. */
	memset(text, 'x', 4000);
	n = proto_encode_relay_v(buf, PROTO_V2, PV_MSG, UINT64_MAX, tm,
	    UINT64_MAX, "12345678901234567890123456789012", 32, md5, sig, text,
	    4000);
	CHECK(n <= PROTO_MAX_FRAME_V2);
	n = proto_encode_dm(buf, PROTO_V2, 999999999999999999ULL, UINT64_MAX,
	    md5, sig, text, 4000);
	CHECK(n <= PROTO_MAX_FRAME_V2);
}

int
main(void)
{
	test_validation();
	test_numbers();
	test_framing();
	test_parse_client();
	test_verb_echo();
	test_parse_server();
	test_encode_server();
	test_encode_relay_max();
	test_encode_client();
	test_version2();
	return unit_done("test_protocol");
}
