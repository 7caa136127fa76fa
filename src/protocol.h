/*
 * protocol.h -- the xchat wire protocol (doc/PROTOCOL.md): limits,
 * validation of every field, frame splitting, parsing and encoding.
 * No I/O and no X headers here: both programs, the tests and the fuzz
 * targets use it.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_PROTOCOL_H
#define XCHAT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION		1
#define PROTO_MAX_FRAME		4096	/* bytes, CR and LF included */
#define PROTO_MAX_TEXT		4000	/* bytes of <text...> */
#define PROTO_MAX_NICK		32	/* bytes of <nick> */
#define PROTO_MAX_SEQ		18	/* digits of <seq> */
#define PROTO_MAX_TOKEN		64	/* bytes of a PING/PONG token */
#define PROTO_MD5_HEX		32	/* hex digits of <md5> */
#define PROTO_MAX_VERB_ECHO	32	/* bytes of <VERB> in ERR unknown */
#define PROTO_MAX_NUM		20	/* digits of <id>, <n>, <users> */

/* Version 2 (TLS with ALPN xchat/2). */
#define PROTO_V1		1
#define PROTO_V2		2
/*
 * A v2 frame may be longer than 4096 bytes: a 4000-byte text with its
 * signature and time does not fit (doc/PROTOCOL.md, readings).
 */
#define PROTO_MAX_FRAME_V2	4352
#define PROTO_SIG_B64		88	/* base64 of a 64-byte signature */
#define PROTO_KEY_LEN		71	/* "sha256:" + 64 hex digits */
#define PROTO_TIME_LEN		24	/* YYYY-MM-DDTHH:MM:SS.mmmZ */
#define PROTO_MAX_AWAY		200	/* bytes of an AWAY text */
#define PROTO_MAX_SPKI		200	/* base64 of a public key (KEY) */

/* A counted, not NUL-terminated, piece of a frame. */
struct proto_str {
	const char	*p;
	size_t		 len;
};

/* Verbs; PV_NONE is an unknown verb. */
enum proto_verb {
	PV_NONE = 0,
	PV_WELCOME, PV_USER, PV_READY, PV_MSG, PV_OK, PV_NAK, PV_JOIN,
	PV_LEAVE, PV_NICK, PV_PING, PV_PONG, PV_QUIT, PV_ERR, PV_BYE,
	PV_HELLO, PV_DM, PV_AWAY, PV_KEY
};

/*
 * Field validation, as doc/PROTOCOL.md defines each field.  Each takes
 * bytes and a length, needs no NUL and returns whether they are valid:
 * UTF-8 (no overlong forms, surrogates or code points past U+10FFFF),
 * a message text (1 to PROTO_MAX_TEXT bytes of UTF-8, no control
 * byte but TAB, no DEL), a nick, a seq, an md5 (32 hex digits, either
 * case), a PING token, a LEAVE/BYE reason.  proto_num_parse reads a decimal
 * number of at most PROTO_MAX_NUM digits into *out (false on overflow,
 * a non-digit or a leading zero).
 */
bool	proto_utf8_valid(const char *, size_t);
bool	proto_text_valid(const char *, size_t);
bool	proto_nick_valid(const char *, size_t);
bool	proto_seq_valid(const char *, size_t);
bool	proto_md5_valid(const char *, size_t);
bool	proto_token_valid(const char *, size_t);
bool	proto_reason_valid(const char *, size_t);
bool	proto_num_parse(const char *, size_t, uint64_t *);
/*
 * Version 2 fields: a key ("-" or "sha256:" and 64 lower-case hex
 * digits), a signature ("-" or 88 characters of padded base64), a
 * time (YYYY-MM-DDTHH:MM:SS.mmmZ, digits where digits go), an AWAY
 * text (a text of at most PROTO_MAX_AWAY bytes), the base64 of a
 * public key in a KEY frame (1 to PROTO_MAX_SPKI base64 characters).
 */
bool	proto_key_valid(const char *, size_t);
bool	proto_sig_valid(const char *, size_t);
bool	proto_time_valid(const char *, size_t);
bool	proto_away_valid(const char *, size_t);
bool	proto_spki_valid(const char *, size_t);

/*
 * Frame splitting.  A connection keeps a struct proto_lineq: the bytes
 * of a frame not yet ended by LF (at most PROTO_MAX_FRAME - 1 of them)
 * and whether a too-long frame is being discarded.  New bytes are
 * scanned with proto_scan_next() over a contiguous buffer that starts
 * with the saved partial frame (see proto_lineq_prepend()).
 */
struct proto_lineq {
	char	*part;		/* partial frame, allocated on first use */
	size_t	 partlen;
	bool	 skipping;	/* inside a too-long frame: drop to LF */
	size_t	 max;		/* frame limit; 0: PROTO_MAX_FRAME */
};

struct proto_scan {
	const char	*p;
	const char	*end;
};

enum proto_scan_result {
	PS_END = 0,		/* no complete frame left in the buffer */
	PS_FRAME,		/* a frame: line and length, CR LF removed */
	PS_TOOLONG		/* a frame over PROTO_MAX_FRAME was seen */
};

/*
 * Copy the saved partial frame to dst (room for PROTO_MAX_FRAME_V2
 * bytes) and forget it; return its length.  New bytes go after it.
 */
size_t	proto_lineq_prepend(struct proto_lineq *, char *dst);
/* Start scanning len bytes at buf (not copied: keep them alive). */
void	proto_scan_init(struct proto_scan *, const char *, size_t);
/*
 * The next event of the scan: a frame (without CR LF, in *line and
 * *len, pointing into the buffer; empty frames are skipped), a
 * too-long frame (reported once, then dropped up to its LF, across
 * reads), or the end.  Cannot fail.
 */
enum proto_scan_result proto_scan_next(struct proto_lineq *,
	    struct proto_scan *, const char **line, size_t *len);
/* Save the unscanned rest (an incomplete frame) for the next read. */
void	proto_lineq_keep(struct proto_lineq *, const struct proto_scan *);
/* Free the saved partial frame; the lineq can be used again. */
void	proto_lineq_free(struct proto_lineq *);

/*
 * Splitting a frame into fields and recognising the verb.
 * proto_verb_lookup: the verb of len bytes, PV_NONE if unknown.
 * proto_split: at most max fields separated by single spaces, the last
 * taking the rest of the line (two spaces make an empty field); returns
 * how many.  proto_verb_echo: the verb as ERR unknown echoes it, at
 * most PROTO_MAX_VERB_ECHO bytes (the size of dst), bytes outside
 * 0x21-0x7E as '?'; returns the length.
 */
enum proto_verb proto_verb_lookup(const char *, size_t);
/* The name of a verb, "" for PV_NONE. */
const char	*proto_verb_name(enum proto_verb);
int	proto_split(const char *, size_t, struct proto_str *, int max);
size_t	proto_verb_echo(const char *, size_t, char *dst);

/* A frame from a client, as the server reads it. */
enum proto_cerr {
	PCE_OK = 0,
	PCE_EMPTY,		/* empty frame: ignore */
	PCE_UNKNOWN,		/* ERR unknown <VERB> */
	PCE_SYNTAX,		/* ERR syntax <VERB> */
	PCE_BADHASH,		/* MSG: NAK <seq> badhash */
	PCE_BADTEXT,		/* MSG: NAK <seq> badtext (missing text) */
	PCE_BADNICK		/* NICK: ERR badnick */
};

struct proto_cmsg {
	enum proto_verb	 verb;
	struct proto_str verbstr;	/* the verb as sent */
	struct proto_str seq;		/* MSG DM */
	struct proto_str md5;		/* MSG DM */
	struct proto_str sig;		/* MSG DM in v2 (shape unchecked) */
	struct proto_str text;		/* MSG DM QUIT AWAY (may be empty) */
	struct proto_str nick;		/* NICK */
	struct proto_str token;		/* PING, PONG */
	uint64_t	 num;		/* HELLO: <n>; DM: <to-id>, 0 if it
					   is not a number; KEY: <id> */
};

/*
 * Parse a frame a client sent (without CR LF) into m, whose fields
 * point into the frame.  Return what the server must answer if it is
 * malformed, PCE_OK if not.  For MSG only the shape is checked (seq,
 * md5, text present); flood, text rules and the digest are the hub's.
 */
enum proto_cerr proto_parse_client(const char *, size_t, struct proto_cmsg *);
/*
 * (proto_parse_client is the version-1 form the tests and fuzz targets
 * use; the server calls this.)  The same for a connection of protocol
 * version (PROTO_V1 or
 * PROTO_V2): v2 adds HELLO and KEY and the <sig> of MSG and DM.  In
 * both, DM's <to-id> is not checked here (a bad one names no client:
 * the hub answers nouser), AWAY's text is (else PCE_SYNTAX).
 */
enum proto_cerr proto_parse_client_v(const char *, size_t, int version,
	    struct proto_cmsg *);

/* A frame from the server, as a client reads it. */
struct proto_smsg {
	enum proto_verb	 verb;
	uint64_t	 id;		/* WELCOME USER JOIN LEAVE NICK MSG */
	uint64_t	 n;		/* MSG OK; READY: <users>;
					   WELCOME: version */
	struct proto_str nick;		/* WELCOME USER JOIN LEAVE NICK MSG */
	struct proto_str md5;		/* MSG */
	struct proto_str text;		/* MSG; NAK ERR BYE: human text */
	struct proto_str seq;		/* OK NAK */
	struct proto_str code;		/* NAK ERR: code; LEAVE BYE: reason */
	struct proto_str token;		/* PING PONG */
	struct proto_str key;		/* v2 WELCOME USER JOIN; KEY */
	struct proto_str time;		/* v2 MSG DM */
	struct proto_str sig;		/* v2 MSG DM */
	struct proto_str spki;		/* KEY */
};

/*
 * Parse a frame the server sent (without CR LF) into m, whose fields
 * point into the frame.  Every field is checked; false if the frame is
 * malformed or its verb unknown.  MSG text is as sent: the caller
 * checks it and its digest.
 */
bool	proto_parse_server(const char *, size_t, struct proto_smsg *);
/*
 * The same for a connection of protocol version (PROTO_V1, PROTO_V2);
 * the client calls this, proto_parse_server is the version-1 form the
 * tests and fuzz targets use.
 */
bool	proto_parse_server_v(const char *, size_t, int version,
	    struct proto_smsg *);

/*
 * Encoding.  The proto_put_* helpers append to a buffer the caller has
 * sized and return the new end: proto_put copies len bytes,
 * proto_put_str a NUL-terminated string (without the NUL),
 * proto_put_u64 a number in decimal.
 */
char	*proto_put(char *, const char *, size_t);
char	*proto_put_str(char *, const char *);
char	*proto_put_u64(char *, uint64_t);

/*
 * One encoder per frame either program sends: each writes one whole
 * frame, LF included, into dst and returns its length.  The caller
 * gives at least PROTO_MAX_FRAME bytes (PROTO_MAX_FRAME + 64 for
 * proto_encode_relay_v) and fields that pass their proto_*_valid check
 * (nick, seq, token at most their PROTO_MAX_*, codes and reasons
 * short lower-case words); then no encoder can fail.  Nothing is
 * allocated.
 */

/* Server to client. */
size_t	proto_encode_welcome(char *dst, uint64_t id, const char *nick,
	    size_t nicklen);
size_t	proto_encode_ready(char *dst, uint64_t users);
size_t	proto_encode_ok(char *dst, const char *seq, size_t seqlen,
	    uint64_t n);
size_t	proto_encode_nak(char *dst, const char *seq, size_t seqlen,
	    const char *code);
/* "NAK <seq> <code> <text>": text valid, at most PROTO_MAX_AWAY bytes. */
size_t	proto_encode_nak_text(char *dst, const char *seq, size_t seqlen,
	    const char *code, const char *text, size_t len);
size_t	proto_encode_leave(char *dst, uint64_t id, const char *nick,
	    size_t nicklen, const char *reason);
size_t	proto_encode_nick(char *dst, uint64_t id, const char *nick,
	    size_t nicklen);
size_t	proto_encode_bye(char *dst, const char *reason);
/* "BYE <reason> <text>": text valid, at most PROTO_MAX_AWAY bytes. */
size_t	proto_encode_bye_text(char *dst, const char *reason,
	    const char *text, size_t len);

/*
 * Client to server: MSG <seq> <md5> <text>, NICK <nick> and
 * QUIT [<text>] (text cut so the frame fits in PROTO_MAX_FRAME - 1).
 */
size_t	proto_encode_msg(char *dst, uint64_t seq, const char *md5hex,
	    const char *text, size_t textlen);
size_t	proto_encode_nickreq(char *dst, const char *nick, size_t nicklen);
size_t	proto_encode_quit(char *dst, const char *text, size_t textlen);

/*
 * Both ways: PING/PONG <token> and ERR <code> [<arg>] (arg left out
 * when arglen is 0; it is the verb or nick some codes echo).
 */
size_t	proto_encode_ping(char *dst, const char *token, size_t len);
size_t	proto_encode_pong(char *dst, const char *token, size_t len);
size_t	proto_encode_err(char *dst, const char *code, const char *arg,
	    size_t arglen);

/*
 * Version 2 and the frames of both versions it added.  The caller
 * gives PROTO_MAX_FRAME_V2 + 64 bytes; key and sig are "-" when there
 * is none (key NULL in the *_v encoders: the v1 frame); time is
 * PROTO_TIME_LEN bytes.
 */
/* "WELCOME <id> <nick> 2 <key>", "USER/JOIN <id> <nick> <key>". */
size_t	proto_encode_welcome_v2(char *dst, uint64_t id, const char *nick,
	    size_t nicklen, const char *key);
size_t	proto_encode_user_v(char *dst, uint64_t id, const char *nick,
	    size_t nicklen, const char *key);
size_t	proto_encode_join_v(char *dst, uint64_t id, const char *nick,
	    size_t nicklen, const char *key);
/*
 * A relayed message, verb PV_MSG or PV_DM: in v1
 * "<verb> <n> <id> <nick> <md5> <text>", in v2
 * "<verb> <n> <time> <id> <nick> <md5> <sig> <text>".
 */
size_t	proto_encode_relay_v(char *dst, int version, enum proto_verb verb,
	    uint64_t n, const char *time, uint64_t id, const char *nick,
	    size_t nicklen, const char *md5hex, const char *sig,
	    const char *text, size_t textlen);
/* "AWAY <id>" or "AWAY <id> <text>" (textlen 0: back). */
size_t	proto_encode_away_id(char *dst, uint64_t id, const char *text,
	    size_t textlen);
/* "KEY <id> <key> <spki>": a client's public key (base64 DER). */
size_t	proto_encode_key(char *dst, uint64_t id, const char *key,
	    const char *spki, size_t spkilen);

/* Client to server. */
size_t	proto_encode_hello(char *dst, uint64_t n);
/* "MSG <seq> <md5> <sig> <text>" (v2). */
size_t	proto_encode_msg_v2(char *dst, uint64_t seq, const char *md5hex,
	    const char *sig, const char *text, size_t textlen);
/* "DM <seq> <to> <md5> <text>", in v2 with <sig> before the text. */
size_t	proto_encode_dm(char *dst, int version, uint64_t seq, uint64_t to,
	    const char *md5hex, const char *sig, const char *text,
	    size_t textlen);
/* "AWAY" or "AWAY <text>". */
size_t	proto_encode_away(char *dst, const char *text, size_t textlen);
/* "KEY <id>": ask for a client's public key (v2). */
size_t	proto_encode_keyreq(char *dst, uint64_t id);

#endif
