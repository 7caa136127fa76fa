/*
 * test_nickrules.c -- unit tests of src/nickrules.c: every example of
 * the <nick> paragraph of doc/PROTOCOL.md and of issue 10 (item 6),
 * taken literally: which nicks are valid, which share a key (so are
 * "in use" beside each other), the user<digits> reading of a key, the
 * shown form of a refused nick.  Prints the cost of nick_key (not
 * asserted: speed goes to bench/).  Needs no display.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nickrules.h"
#include "unit.h"

#define S(s)	(s), strlen(s)

static bool
valid(const char *s)
{
	return nick_valid(s, strlen(s));
}

/* Same nick: both keys computed and equal. */
static bool
same(const char *a, const char *b)
{
	char	 ka[NICK_KEY_MAX], kb[NICK_KEY_MAX];
	size_t	 la, lb;

	la = nick_key(S(a), ka, sizeof ka);
	lb = nick_key(S(b), kb, sizeof kb);
	return la != 0 && lb != 0 && la == lb && memcmp(ka, kb, la) == 0;
}

static const char *
key(const char *s)
{
	static char	 k[NICK_KEY_MAX];

	if (nick_key(S(s), k, sizeof k) == 0)
		return NULL;
	return k;
}

static void
test_valid(void)
{
	char	 big[PROTO_MAX_NICK + 1];

	CHECK(valid("ana"));
	CHECK(valid("João"));
	CHECK(valid("joão"));
	CHECK(valid("JOÃO"));
	CHECK(valid("Jo\x61\xcc\x83o"));		/* decomposed ã */
	CHECK(valid("ma\xcc\x81rio"));		/* a mark, not first */
	CHECK(valid("Ελένη"));
	CHECK(valid("\xd0\xb0na"));		/* Cyrillic: valid, */
	CHECK(valid("ａｎａ"));			/* full width too: */
	CHECK(valid("李小龍"));			/* unique by key */
	CHECK(valid("\xf0\x9f\x98\x80"));	/* U+1F600 */
	CHECK(valid("a\\b{}[]|`^_-"));
	CHECK(valid("\\u{202E}nimda"));		/* ASCII only */
	memset(big, 'x', sizeof big);
	CHECK(nick_valid(big, PROTO_MAX_NICK));
	/* The byte rules of v1. */
	CHECK(!nick_valid(big, PROTO_MAX_NICK + 1));
	CHECK(!nick_valid("", 0));
	CHECK(!valid("a b"));
	CHECK(!valid("a:b"));
	CHECK(!valid("a\tb"));
	CHECK(!valid("a\x7f"));
	CHECK(!valid("\xc3("));
	CHECK(!nick_valid("a\0b", 3));
	/* Issue 10: invisible, format, separator, C1 ... */
	CHECK(!valid("an\xe2\x80\x8b" "a"));	/* U+200B ZWSP */
	CHECK(!valid("an\xe2\x80\x8c" "a"));	/* U+200C ZWNJ */
	CHECK(!valid("an\xe2\x80\x8d" "a"));	/* U+200D ZWJ */
	CHECK(!valid("\xe2\x81\xa0" "ana"));	/* U+2060 WJ */
	CHECK(!valid("\xef\xbb\xbf" "ana"));	/* U+FEFF */
	CHECK(!valid("\xe2\x80\xae" "nimda"));	/* U+202E RLO */
	CHECK(!valid("\xe2\x80\x8f" "ana"));	/* U+200F RLM */
	CHECK(!valid("\xe2\x81\xa6" "ana"));	/* U+2066 LRI */
	CHECK(!valid("ana\xc2\xad"));		/* U+00AD SHY */
	CHECK(!valid("ana\xc2\xa0x"));		/* U+00A0 NBSP */
	CHECK(!valid("ana\xe2\x80\xa8x"));	/* U+2028 */
	CHECK(!valid("ana\xe2\x80\xa9x"));	/* U+2029 */
	CHECK(!valid("ana\xe3\x80\x80x"));	/* U+3000 */
	CHECK(!valid("ana\xe2\x80\x89x"));	/* U+2009 thin space */
	CHECK(!valid("ana\xc2\x85x"));		/* U+0085 NEL (C1) */
	CHECK(!valid("ana\xc2\x80"));		/* U+0080 (C1) */
	CHECK(!valid("ana\xc2\x9f"));		/* U+009F (C1) */
	CHECK(!valid("ana\xf3\xa0\x81\x81"));	/* U+E0041 tag A */
	CHECK(!valid("ana\xf3\xa0\x80\x81"));	/* U+E0001 */
	CHECK(!valid("ana\xef\xbf\xbf"));	/* U+FFFF */
	CHECK(!valid("ana\xef\xbf\xbe"));	/* U+FFFE */
	CHECK(!valid("ana\xef\xb7\x90"));	/* U+FDD0 */
	CHECK(!valid("ana\xf4\x8f\xbf\xbe"));	/* U+10FFFE */
	CHECK(!valid("ana\xee\x80\x80"));	/* U+E000 private use */
	CHECK(!valid("ana\xf3\xb0\x80\x80"));	/* U+F0000 private use */
	CHECK(!valid("ana\xcd\xb8"));		/* U+0378 unassigned */
	CHECK(!valid("\xe1\x85\x9f" "ana"));	/* U+115F Hangul fillers */
	CHECK(!valid("\xe1\x85\xa0" "ana"));	/* U+1160 */
	CHECK(!valid("\xe3\x85\xa4"));		/* U+3164 */
	CHECK(!valid("ana\xef\xbe\xa0"));	/* U+FFA0 */
	CHECK(!valid("\xcc\x81" "ana"));	/* U+0301 first */
	CHECK(!valid("\xe2\x83\x9d" "ana"));	/* U+20DD (Me) first */
	CHECK(!valid("\xe0\xa4\x83" "ana"));	/* U+0903 (Mc) first */
	CHECK(!valid("ana\xef\xb8\x8f"));	/* U+FE0F VS16 */
	CHECK(!valid("ana\xcd\x8f"));		/* U+034F CGJ */
}

static void
test_keys(void)
{
	/* With "ana" taken, these are in use (PROTOCOL.md, issue 10). */
	CHECK_STR(key("ana"), "ana");
	CHECK(same("ana", "ANA"));
	CHECK(same("ana", "Ana"));
	CHECK(same("ana", "\xd0\xb0na"));		/* Cyrillic а */
	CHECK(same("ana", "\xd0\xb0n\xd0\xb0"));
	CHECK(same("ana", "ａｎａ"));			/* full width */
	CHECK(same("ana", "ＡＮＡ"));
	CHECK(same("ana", "an\xc9\x91"));		/* Latin alpha */
	CHECK(!same("ana", "anna"));
	CHECK(!same("ana", "anas"));
	/* With user1 connected, so is userl. */
	CHECK(same("user1", "userl"));
	CHECK(same("user1", "USERl"));
	CHECK(same("user1", "ｕｓｅｒ1"));
	CHECK(same("user1", "user１"));
	CHECK(same("user1", "user|"));
	CHECK(!same("user1", "user2"));
	/* With João taken, joão is in use and JOÃO is not. */
	CHECK(same("João", "joão"));
	CHECK(same("João", "Jo\x61\xcc\x83o"));	/* decomposed */
	CHECK(same("João", "JOão"));
	CHECK(!same("João", "JOÃO"));
	CHECK(!same("joão", "JOÃO"));
	CHECK(!same("João", "Joao"));
	/*
	 * Measured facts of the order NFKC, fold, skeleton: the skeleton
	 * maps capital I to l, but the fold comes first, so "userI" is
	 * not "userl"; 0 becomes O after the fold, so "ana0" is not
	 * "anaO" (which folds to "anao").  See the ChangeLog.
	 */
	CHECK(!same("userI", "userl"));
	CHECK(!same("ana0", "anaO"));
	CHECK(same("ana0", "anaΟ"));		/* Greek capital omicron */
	CHECK(same("mary", "rnary"));
	/* Keys of valid nicks are never empty; keys of bad bytes fail. */
	CHECK(key("\xc3(") == NULL);
	CHECK(nick_key("", 0, NULL, 0) == 0);
	{
		char	 k[4];

		CHECK(nick_key(S("ana"), k, 3) == 0);	/* no room for NUL */
		CHECK(nick_key(S("ana"), k, 4) == 3);
	}
	/* The widest key fits NICK_KEY_MAX (U+FDFA: 3 bytes, 30 of key). */
	{
		char	 nick[PROTO_MAX_NICK + 1] = "", k[NICK_KEY_MAX];
		int	 i;

		for (i = 0; i < 10; i++)
			strcat(nick, "\xef\xb7\xba");
		CHECK(nick_key(S(nick), k, sizeof k) >= 300);
	}
	CHECK(nick_hash(S("ana")) == nick_hash(S("ana")));
	CHECK(nick_hash(S("ana")) != nick_hash(S("anb")));
	CHECK(nick_has_key(S("ANA"), S("ana")));
	CHECK(!nick_has_key(S("ANA"), S("an")));
}

static const char *
userid(const char *nick)
{
	static char	 d[PROTO_MAX_NICK];
	char		 k[NICK_KEY_MAX];
	size_t		 kl;

	if ((kl = nick_key(S(nick), k, sizeof k)) == 0 ||
	    !nick_key_userid(k, kl, d, sizeof d))
		return NULL;
	return d;
}

static void
test_userid(void)
{
	CHECK_STR(userid("user1"), "1");
	CHECK_STR(userid("userl"), "1");
	CHECK_STR(userid("USER42"), "42");
	CHECK_STR(userid("User007"), "007");
	CHECK_STR(userid("user0"), "0");
	CHECK_STR(userid("ｕｓｅｒ7"), "7");
	CHECK_STR(userid("uѕer7"), "7");		/* Cyrillic ѕ */
	CHECK_STR(userid("user1234567890"), "1234567890");
	CHECK(userid("user") == NULL);
	CHECK(userid("userx") == NULL);
	CHECK(userid("user1x") == NULL);
	CHECK(userid("ana") == NULL);
	CHECK(userid("users1") == NULL);
	{
		char	 d[2];

		CHECK(!nick_key_userid(S("userl2"), d, sizeof d));
		CHECK(nick_key_userid(S("userl"), d, sizeof d));
		CHECK_STR(d, "1");
		CHECK(!nick_key_userid(S("user1"), d, sizeof d));
	}
}

static const char *
shown(const char *nick, size_t len, size_t outsz)
{
	static char	 out[NICK_SHOW_MAX + 64];
	size_t		 n;

	n = nick_escape(nick, len, out, outsz);
	CHECK(n == strlen(out) && n < outsz);
	return out;
}

static void
test_escape(void)
{
	char	 big[PROTO_MAX_NICK + 1] = "";
	int	 i;

	CHECK_STR(shown(S("\xe2\x80\xae" "nimda"), NICK_SHOW_MAX),
	    "(?) \\u{202E}nimda");
	CHECK_STR(shown(S("\xd0\xb0na"), NICK_SHOW_MAX), "(?) \\u{0430}na");
	CHECK_STR(shown(S("ana"), NICK_SHOW_MAX), "(?) ana");
	CHECK_STR(shown(S("a\\b"), NICK_SHOW_MAX), "(?) a\\\\b");
	CHECK_STR(shown(S("\xf0\x9f\x98\x80"), NICK_SHOW_MAX),
	    "(?) \\u{1F600}");
	CHECK_STR(shown(S("a\xff"), NICK_SHOW_MAX), "(?) a\\u{FFFD}");
	CHECK_STR(shown(S("a b"), NICK_SHOW_MAX), "(?) a\\u{0020}b");
	/* The widest nick fits; a short buffer cuts the nick, not the mark. */
	for (i = 0; i < PROTO_MAX_NICK / 2; i++)
		strcat(big, "\xc3\xa9");
	CHECK(strlen(shown(S(big), NICK_SHOW_MAX)) == NICK_SHOW_MAX - 1);
	CHECK_STR(shown(S("\xe2\x80\xae" "nimda"), 14), "(?) \\u{202E}n");
	CHECK_STR(shown(S("\xe2\x80\xae" "nimda"), 12), "(?) ");
	CHECK_STR(shown(S("ana"), sizeof NICK_REFUSED_MARK), "(?) ");
}

/* The cost of nick_key, printed for the record (not asserted). */
static void
time_keys(void)
{
	static const char *nicks[] = { "user123", "ana", "João",
	    "\xd0\xb0na", "ａｎａ", "李小龍",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" };
	struct timespec	 t0, t1;
	char		 k[NICK_KEY_MAX];
	size_t		 i, j, sum = 0, n = 20000;
	double		 ns;

	nick_key(S("warm"), k, sizeof k);
	for (i = 0; i < sizeof nicks / sizeof nicks[0]; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (j = 0; j < n; j++)
			sum += nick_key(S(nicks[i]), k, sizeof k);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = ((t1.tv_sec - t0.tv_sec) * 1e9 +
		    (t1.tv_nsec - t0.tv_nsec)) / n;
		printf("nick_key(%s): %.0f ns/call\n", nicks[i], ns);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (j = 0; j < n; j++)
			sum += nick_valid(S(nicks[i]));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = ((t1.tv_sec - t0.tv_sec) * 1e9 +
		    (t1.tv_nsec - t0.tv_nsec)) / n;
		printf("nick_valid(%s): %.0f ns/call\n", nicks[i], ns);
	}
	CHECK(sum > 0);
}

int
main(void)
{
	test_valid();
	test_keys();
	test_userid();
	test_escape();
	time_keys();
	return unit_done("test_nickrules");
}
