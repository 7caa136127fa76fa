/*
 * nickrules.c -- nick validity and uniqueness keys (see nickrules.h),
 * with ICU: character properties (u_charType, u_hasBinaryProperty),
 * NFKC (unorm2) and confusable skeletons (uspoof); and the order of
 * nicks in a list, by collation (ucol).  The only file that
 * includes ICU headers.  The normaliser and the spoof checker are set
 * up on first use and kept for the life of the program; if ICU cannot
 * give them, every key fails, so that nicks are refused, never let
 * through unchecked.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <assert.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include "log.h"
#include "nickrules.h"
#include "utf8.h"
#include "xmalloc.h"

/* UTF-16 units: 32 bytes of nick are at most 32 units, and NFKC turns
   a code point into at most 18 (U+FDFA), the skeleton maps less. */
#define UBUF		1024

static const UNormalizer2 *nfkc;
static USpoofChecker	*checker;
static int		 icu_state;	/* 0: not tried, 1: ready, -1: failed */

/* The keys of "user" and of each digit, for nick_key_userid. */
static char		 ukey[16], dkey[10][16];
static size_t		 ukeylen, dkeylen[10];
static int		 uid_state;	/* as icu_state */

/* Set up ICU once; false (reported once) if it cannot be. */
static bool
icu_ready(void)
{
	UErrorCode	 e = U_ZERO_ERROR;

	if (icu_state != 0)
		return icu_state > 0;
	nfkc = unorm2_getNFKCInstance(&e);
	if (U_SUCCESS(e))
		checker = uspoof_open(&e);
	if (U_FAILURE(e)) {
		log_warnx("nick rules: ICU: %s: every nick will be refused",
		    u_errorName(e));
		icu_state = -1;
		return false;
	}
	icu_state = 1;
	return true;
}

/* May code point c appear in a nick (first: it starts the nick)? */
static bool
cp_allowed(UChar32 c, bool first)
{
	switch (u_charType(c)) {
	case U_CONTROL_CHAR:		/* C0 (byte rules), DEL, C1 */
	case U_FORMAT_CHAR:		/* zero-width, bidi, tags, U+FEFF */
	case U_SPACE_SEPARATOR:
	case U_LINE_SEPARATOR:
	case U_PARAGRAPH_SEPARATOR:
	case U_UNASSIGNED:		/* noncharacters too */
	case U_PRIVATE_USE_CHAR:
	case U_SURROGATE:
		return false;
	case U_NON_SPACING_MARK:
	case U_ENCLOSING_MARK:
	case U_COMBINING_SPACING_MARK:
		if (first)
			return false;
		break;
	default:
		break;
	}
	/* Invisible: the Hangul fillers, CGJ, variation selectors ... */
	if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
	    u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT))
		return false;
	return true;
}

/* The byte rules of proto_nick_valid, then ICU's properties of each code
   point (cp_allowed). */
bool
nick_valid(const char *nick, size_t len)
{
	size_t			 i, n;
	uint32_t		 cp;

	if (!proto_nick_valid(nick, len))
		return false;
	for (i = 0; i < len; i += n) {
		n = utf8_next(nick + i, len - i, &cp);
		if (n == 0)
			return false;
		/* The byte rules left only printable ASCII below 0x80. */
		if (n > 1 && !cp_allowed((UChar32)cp, i == 0))
			return false;
	}
	return true;
}

/* ICU's result: a failure, or an output that filled the buffer. */
static bool
icu_failed(UErrorCode e)
{
	return U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING;
}

/*
 * UTF-8 to UTF-16, NFKC, ASCII fold, skeleton, back to UTF-8, in this
 * order (PROTOCOL.md): NFKC first because the skeleton leaves
 * full-width letters alone; the fold before the skeleton because it
 * would otherwise fold the A of a decomposed "Ã" too.  Any ICU error, or
 * a result that does not fit, gives 0.
 */
size_t
nick_key(const char *nick, size_t len, char *out, size_t outsz)
{
	UChar		 u[UBUF], nf[UBUF], sk[UBUF];
	UErrorCode	 e = U_ZERO_ERROR;
	int32_t		 ulen, nflen, sklen, olen, i;

	if (len == 0 || len > PROTO_MAX_NICK || !utf8_valid(nick, len) ||
	    outsz == 0 || outsz > INT32_MAX || !icu_ready())
		return 0;
	u_strFromUTF8(u, UBUF, &ulen, nick, (int32_t)len, &e);
	if (icu_failed(e))
		return 0;
	nflen = unorm2_normalize(nfkc, u, ulen, nf, UBUF, &e);
	if (icu_failed(e))
		return 0;
	/* Only ASCII letters fold: "JOÃO" is not "joão". */
	for (i = 0; i < nflen; i++)
		if (nf[i] >= 'A' && nf[i] <= 'Z')
			nf[i] += 'a' - 'A';
	sklen = uspoof_getSkeleton(checker, 0, nf, nflen, sk, UBUF, &e);
	if (icu_failed(e))
		return 0;
	u_strToUTF8(out, (int32_t)outsz, &olen, sk, sklen, &e);
	if (icu_failed(e) || olen <= 0 || (size_t)olen >= outsz)
		return 0;
	return (size_t)olen;
}

/* FNV-1a, 64 bits. */
uint64_t
nick_hash(const char *key, size_t keylen)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < keylen; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Compute the key of nick and compare. */
bool
nick_has_key(const char *nick, size_t len, const char *key, size_t keylen)
{
	char	 k[NICK_KEY_MAX];
	size_t	 klen;

	klen = nick_key(nick, len, k, sizeof k);
	return klen != 0 && klen == keylen && memcmp(k, key, klen) == 0;
}

/* The keys of "user" and of the ten digits, from ICU, once. */
static bool
userid_ready(void)
{
	char	 d[2] = { '0', '\0' };
	int	 i;

	if (uid_state != 0)
		return uid_state > 0;
	uid_state = -1;
	if ((ukeylen = nick_key("user", 4, ukey, sizeof ukey)) == 0)
		return false;
	for (i = 0; i < 10; i++) {
		d[0] = (char)('0' + i);
		if ((dkeylen[i] = nick_key(d, 1, dkey[i], sizeof dkey[i])) == 0)
			return false;
	}
	uid_state = 1;
	return true;
}

/*
 * Read key as the key of "user" followed by the keys of digits (both
 * from ICU, see userid_ready), then check the reading by computing the
 * key of the "user<digits>" found: a reading that ICU does not confirm
 * is no match.
 */
bool
nick_key_userid(const char *key, size_t keylen, char *digits, size_t dsz)
{
	char	 nick[PROTO_MAX_NICK];
	size_t	 i, n = 4;
	int	 d;

	if (!userid_ready() || keylen <= ukeylen ||
	    memcmp(key, ukey, ukeylen) != 0)
		return false;
	memcpy(nick, "user", 4);
	/* Read the rest as the keys of digits ... */
	for (i = ukeylen; i < keylen; i += dkeylen[d]) {
		for (d = 0; d < 10; d++)
			if (dkeylen[d] <= keylen - i &&
			    memcmp(key + i, dkey[d], dkeylen[d]) == 0)
				break;
		if (d == 10 || n == sizeof nick)
			return false;
		nick[n++] = (char)('0' + d);
	}
	/* ... and make sure: the key of those digits must be key. */
	if (n - 4 >= dsz || !nick_has_key(nick, n, key, keylen))
		return false;
	memcpy(digits, nick + 4, n - 4);
	digits[n - 4] = '\0';
	return true;
}

/* The marker, then code point by code point; stop before out is full. */
size_t
nick_escape(const char *nick, size_t len, char *out, size_t outsz)
{
	const unsigned char	*s = (const unsigned char *)nick;
	char			 piece[16];
	size_t			 i, n, o, plen;
	uint32_t		 cp;

	assert(outsz >= sizeof NICK_REFUSED_MARK);
	o = sizeof NICK_REFUSED_MARK - 1;
	memcpy(out, NICK_REFUSED_MARK, o);
	for (i = 0; i < len; i += n) {
		n = utf8_next(nick + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			plen = (size_t)snprintf(piece, sizeof piece,
			    "\\u{FFFD}");
		} else if (s[i] == '\\') {
			plen = 2;
			memcpy(piece, "\\\\", 2);
		} else if (n == 1 && s[i] > 0x20 && s[i] < 0x7f) {
			plen = 1;
			piece[0] = (char)s[i];
		} else
			plen = (size_t)snprintf(piece, sizeof piece,
			    "\\u{%04X}", (unsigned)cp);
		if (o + plen >= outsz)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
	}
	out[o] = '\0';
	return o;
}

/* The collator for nick_sort_key, or NULL (then bytes order). */
static UCollator	*collator;
static int		 coll_state;	/* as icu_state */

/*
 * ICU's name for the LC_COLLATE locale ("pt_BR.UTF-8@euro" gives
 * "pt_BR"); "" (root) for C and POSIX, whose ICU form (en_US_POSIX)
 * orders by code point and so by case.
 */
static void
collate_locale(char *out, size_t outsz)
{
	const char	*l = setlocale(LC_COLLATE, NULL);
	size_t		 n;

	if (l == NULL)
		l = "";
	n = strcspn(l, ".@");
	if (n >= outsz || (n == 1 && l[0] == 'C') ||
	    (n == 5 && strncmp(l, "POSIX", 5) == 0))
		n = 0;
	memcpy(out, l, n);
	out[n] = '\0';
}

/* Open the collator once; false (reported once) if it cannot be. */
static bool
collator_ready(void)
{
	UErrorCode	 e = U_ZERO_ERROR;
	char		 loc[64];

	if (coll_state != 0)
		return coll_state > 0;
	collate_locale(loc, sizeof loc);
	collator = ucol_open(loc, &e);
	if (U_FAILURE(e) && loc[0] != '\0') {
		e = U_ZERO_ERROR;
		collator = ucol_open("", &e);
	}
	if (U_SUCCESS(e))
		ucol_setStrength(collator, UCOL_SECONDARY);
	if (U_FAILURE(e)) {
		log_warnx("user list order: ICU collator: %s: nicks sort "
		    "by bytes", u_errorName(e));
		if (collator != NULL)
			ucol_close(collator);
		collator = NULL;
		coll_state = -1;
		return false;
	}
	coll_state = 1;
	return true;
}

/*
 * UTF-8 to UTF-16 (invalid bytes as U+FFFD), then ucol_getSortKey,
 * asked twice when the first buffer is too short.
 */
char *
nick_sort_key(const char *nick, size_t len)
{
	UErrorCode	 e = U_ZERO_ERROR;
	UChar		*u;
	uint8_t		*key;
	int32_t		 ulen, need, cap;

	if (len > INT32_MAX / 2 || !collator_ready())
		return xstrndup(nick, len);
	/* UTF-16 needs no more units than UTF-8 has bytes. */
	u = xreallocarray(NULL, len + 1, sizeof *u);
	u_strFromUTF8WithSub(u, (int32_t)len + 1, &ulen, nick, (int32_t)len,
	    0xfffd, NULL, &e);
	if (U_FAILURE(e))
		ulen = 0;
	cap = 4 * ulen + 16;
	key = xmalloc((size_t)cap);
	need = ucol_getSortKey(collator, u, ulen, key, cap);
	if (need > cap) {
		key = xrealloc(key, (size_t)need);
		ucol_getSortKey(collator, u, ulen, key, need);
	} else if (need == 0)
		key[0] = '\0';
	free(u);
	return (char *)key;
}
