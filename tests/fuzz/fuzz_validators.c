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
 * proto_nick_equal is reflexive, symmetric and ASCII-case-blind;
 * digests: MD5 hex is 32 lower-case digits, equal to itself in upper
 * case, and digest_md5_lower is idempotent.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "digest.h"
#include "fuzz.h"
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

static uint8_t
fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
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
	size_t		 i, half;
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

	/* Nick comparison: the two halves of the input. */
	half = size / 2;
	INVARIANT(proto_nick_equal(s, half, s, half));
	INVARIANT(proto_nick_equal(s, half, s + half, size - half) ==
	    proto_nick_equal(s + half, size - half, s, half));
	{
		bool want = half == size - half;

		for (i = 0; want && i < half; i++)
			want = fold(data[i]) == fold(data[half + i]);
		INVARIANT(proto_nick_equal(s, half, s + half, size - half) ==
		    want);
	}

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
