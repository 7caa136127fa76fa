/*
 * fuzz_validators.c -- libFuzzer target for the field validators of
 * src/protocol.c and the digest helpers of src/digest.c.
 *
 * Invariants: proto_utf8_valid agrees with an independent decoder
 * (shortest form, no surrogates, at most U+10FFFF); proto_text_valid
 * holds exactly for 1..4000 bytes of valid UTF-8 without control
 * bytes other than TAB (so it implies proto_utf8_valid); nick, seq,
 * md5, token and reason validity match their definitions; a number
 * proto_num_parse accepts prints back to the same digits;
 * digests: MD5 hex is 32 lower-case digits, equal to itself in upper
 * case, and digest_md5_lower is idempotent.
 * Nick rules (src/nickrules.c): nick_valid holds exactly for nicks
 * proto_nick_valid accepts whose code points (decoded here by ICU's
 * U8_NEXT, not by utf8.c) are none of Cc, Cf, Z*, Cn, Co, Cs,
 * default-ignorable or noncharacters, with no mark first; a valid
 * nick has a non-empty key; keys are deterministic, fit NICK_KEY_MAX
 * and ignore the case of an all-ASCII nick; nick_key_userid's digits
 * give back the same key; nick_escape is ASCII, starts with the
 * marker, is never a valid nick, fits NICK_SHOW_MAX and, for what
 * proto_nick_valid accepts, decodes back to the input.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "digest.h"
#include "fuzz.h"
#include "nickrules.h"
#include "protocol.h"

/* An independent UTF-8 check: decode each code point, then judge it. */
static bool
ref_utf8(const uint8_t *s, size_t len)
{
	size_t		 i = 0, n, k;
	uint32_t	 cp, min;

	while (i < len) {
		uint8_t c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 2; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 3; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 4; cp = c & 0x07; min = 0x10000;
		} else
			return false;
		if (len - i < n)
			return false;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

static bool
all(const uint8_t *s, size_t len, bool (*ok)(uint8_t))
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!ok(s[i]))
			return false;
	return true;
}

static bool text_byte(uint8_t c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }
static bool nick_byte(uint8_t c) { return c > 0x20 && c != 0x7f && c != ':'; }
static bool digit(uint8_t c) { return c >= '0' && c <= '9'; }
static bool hexd(uint8_t c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static bool lhex(uint8_t c) { return digit(c) || (c >= 'a' && c <= 'f'); }
static bool tok_byte(uint8_t c) { return c >= 0x21 && c <= 0x7e; }
static bool lower(uint8_t c) { return c >= 'a' && c <= 'z'; }

/* Independent of nickrules.c: ICU's decoder and properties. */
static bool
ref_nick(const uint8_t *s, size_t len)
{
	int32_t		 i = 0, n = (int32_t)len;
	UChar32		 c;
	bool		 first = true;

	if (!proto_nick_valid((const char *)s, len))
		return false;
	while (i < n) {
		U8_NEXT(s, i, n, c);
		if (c < 0)
			return false;
		switch (u_charType(c)) {
		case U_CONTROL_CHAR: case U_FORMAT_CHAR:
		case U_SPACE_SEPARATOR: case U_LINE_SEPARATOR:
		case U_PARAGRAPH_SEPARATOR: case U_UNASSIGNED:
		case U_PRIVATE_USE_CHAR: case U_SURROGATE:
			return false;
		case U_NON_SPACING_MARK: case U_ENCLOSING_MARK:
		case U_COMBINING_SPACING_MARK:
			if (first)
				return false;
			break;
		default:
			break;
		}
		if (u_hasBinaryProperty(c,
		    UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
		    u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT))
			return false;
		first = false;
	}
	return true;
}

/* Undo nick_escape (without its marker) into out; false if malformed. */
static bool
unescape(const char *e, size_t len, uint8_t *out, size_t *outlen)
{
	size_t		 i = 0, o = 0;
	unsigned long	 c;
	char		*end;

	while (i < len) {
		if (e[i] != '\\') {
			out[o++] = (uint8_t)e[i++];
			continue;
		}
		if (i + 1 < len && e[i + 1] == '\\') {
			out[o++] = '\\';
			i += 2;
			continue;
		}
		if (i + 3 >= len || e[i + 1] != 'u' || e[i + 2] != '{')
			return false;
		c = strtoul(e + i + 3, &end, 16);
		if (*end != '}' || c > 0x10ffff)
			return false;
		i = (size_t)(end - e) + 1;
		if (c < 0x80)
			out[o++] = (uint8_t)c;
		else if (c < 0x800) {
			out[o++] = (uint8_t)(0xc0 | c >> 6);
			out[o++] = (uint8_t)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (uint8_t)(0xe0 | c >> 12);
			out[o++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			out[o++] = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (uint8_t)(0xf0 | c >> 18);
			out[o++] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
			out[o++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			out[o++] = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	*outlen = o;
	return true;
}

static void
check_nick_rules(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		 k1[NICK_KEY_MAX], k2[NICK_KEY_MAX], d[PROTO_MAX_NICK];
	char		 up[PROTO_MAX_NICK], e[NICK_SHOW_MAX];
	char		 un[NICK_SHOW_MAX];
	uint8_t		 back[NICK_SHOW_MAX];
	size_t		 l1, l2, el, bl, i;
	bool		 valid = nick_valid(s, size), ascii = true;

	INVARIANT(valid == ref_nick(data, size));
	if (valid)
		INVARIANT(proto_nick_valid(s, size));
	if (size == 0 || size > PROTO_MAX_NICK || !proto_utf8_valid(s, size))
		return;
	l1 = nick_key(s, size, k1, sizeof k1);
	l2 = nick_key(s, size, k2, sizeof k2);
	INVARIANT(l1 == l2 && memcmp(k1, k2, l1) == 0);
	INVARIANT(l1 < NICK_KEY_MAX && (l1 == 0 || k1[l1] == '\0'));
	if (valid)
		INVARIANT(l1 > 0);
	if (l1 > 0)
		INVARIANT(nick_has_key(s, size, k1, l1) &&
		    nick_hash(k1, l1) == nick_hash(k2, l2));
	for (i = 0; i < size; i++) {
		up[i] = (char)((data[i] >= 'a' && data[i] <= 'z') ?
		    data[i] - 32 : data[i]);
		ascii = ascii && data[i] < 0x80;
	}
	if (ascii && l1 > 0)
		INVARIANT(nick_has_key(up, size, k1, l1));
	if (l1 > 0 && nick_key_userid(k1, l1, d, sizeof d)) {
		memcpy(up, "user", 4);
		l2 = strlen(d);
		INVARIANT(l2 > 0 && 4 + l2 <= PROTO_MAX_NICK);
		memcpy(up + 4, d, l2);
		INVARIANT(all((const uint8_t *)d, l2, digit));
		INVARIANT(nick_has_key(up, 4 + l2, k1, l1));
	}
	/* The shown form of a refused nick. */
	el = nick_escape(s, size, e, sizeof e);
	INVARIANT(el == strlen(e) && el < NICK_SHOW_MAX);
	INVARIANT(memcmp(e, NICK_REFUSED_MARK, 4) == 0);
	for (i = 0; i < el; i++)
		INVARIANT(e[i] >= 0x20 && e[i] < 0x7f);
	INVARIANT(!nick_valid(e, el) && !proto_nick_valid(e, el));
	/* Whole and reversible for what a server frame can carry. */
	if (!proto_nick_valid(s, size))
		return;
	memcpy(un, e + 4, el - 4);
	INVARIANT(unescape(un, el - 4, back, &bl));
	INVARIANT(bl == size && memcmp(back, data, size) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (digest_init() != NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	char		 md5[33], md5b[33], up[33], low[32], low2[32], num[24];
	uint64_t	 v;
	size_t		 i;
	bool		 u8;

	u8 = proto_utf8_valid(s, size);
	INVARIANT(u8 == ref_utf8(data, size));

	INVARIANT(proto_text_valid(s, size) == (size >= 1 &&
	    size <= PROTO_MAX_TEXT && all(data, size, text_byte) && u8));
	if (proto_text_valid(s, size))
		INVARIANT(u8);
	INVARIANT(proto_nick_valid(s, size) == (size >= 1 &&
	    size <= PROTO_MAX_NICK && all(data, size, nick_byte) && u8));
	INVARIANT(proto_seq_valid(s, size) == (size >= 1 &&
	    size <= PROTO_MAX_SEQ && all(data, size, digit)));
	INVARIANT(proto_md5_valid(s, size) == (size == PROTO_MD5_HEX &&
	    all(data, size, hexd)));
	INVARIANT(proto_token_valid(s, size) == (size >= 1 &&
	    size <= PROTO_MAX_TOKEN && all(data, size, tok_byte)));
	INVARIANT(proto_reason_valid(s, size) == (size >= 1 && size <= 32 &&
	    all(data, size, lower)));

	if (proto_num_parse(s, size, &v)) {
		INVARIANT(size >= 1 && size <= PROTO_MAX_NUM &&
		    all(data, size, digit));
		INVARIANT((size_t)(proto_put_u64(num, v) - num) == size &&
		    memcmp(num, s, size) == 0);
	} else if (size >= 1 && size <= 19 && all(data, size, digit))
		INVARIANT(size > 1 && data[0] == '0');	/* leading zero */

	check_nick_rules(data, size);

	/* Digests. */
	digest_md5_hex(s, size, md5);
	digest_md5_hex(s, size, md5b);
	INVARIANT(strlen(md5) == 32 && strcmp(md5, md5b) == 0);
	INVARIANT(all((const uint8_t *)md5, 32, lhex));
	for (i = 0; i < 32; i++)
		up[i] = (md5[i] >= 'a' && md5[i] <= 'f') ? md5[i] - 32 : md5[i];
	up[32] = '\0';
	INVARIANT(digest_md5_equal(md5, up) && digest_md5_equal(up, md5));
	digest_md5_lower(up, low);
	INVARIANT(memcmp(low, md5, 32) == 0);
	if (proto_md5_valid(s, size)) {
		digest_md5_lower(s, low);
		digest_md5_lower(low, low2);
		INVARIANT(memcmp(low, low2, 32) == 0);
		INVARIANT(digest_md5_equal(s, low));
		INVARIANT(digest_md5_equal(s, md5) ==
		    (memcmp(low, md5, 32) == 0));
	}
	return 0;
}
