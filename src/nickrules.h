/*
 * nickrules.h -- what a nick may be and when two nicks are one, as the
 * <nick> paragraph of doc/PROTOCOL.md says: the byte rules of v1, no
 * code point that can hide or fake what a reader sees, and uniqueness
 * by the confusable skeleton (Unicode UTS #39) of the NFKC form with
 * ASCII letters case-folded.  Also the form in which a client shows a
 * nick it would refuse.  The only module that includes ICU; the
 * Unicode data all comes from it, none is written here.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_NICKRULES_H
#define XCHAT_NICKRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/*
 * Room for a key with its NUL.  ICU 72 turns no code point into more
 * than 10 bytes of key per byte of nick (U+FDFA: 3 bytes, 30 of key),
 * so 32 bytes of nick give at most 320; a key that does not fit is a
 * failure, never a cut key.
 */
#define NICK_KEY_MAX		512

/*
 * Room for the shown form of a refused nick of UTF-8, NUL included:
 * the marker, then at most 4 bytes per byte of nick ("\u{00E9}" for
 * the 2 bytes of U+00E9).
 */
#define NICK_SHOW_MAX		(4 + 4 * PROTO_MAX_NICK + 1)

/* The marker that starts the shown form of a refused nick. */
#define NICK_REFUSED_MARK	"(?) "

/*
 * True if the len bytes at nick make a nick that a server accepts in
 * NICK: 1 to PROTO_MAX_NICK bytes of valid UTF-8 with no byte
 * 0x00-0x20, 0x7F or ':' (proto_nick_valid's rules), and no code point
 * that is a control (C1), a format character (Cf), a separator (Z*),
 * default-ignorable (zero-width characters, the Hangul fillers,
 * variation selectors ...), unassigned or a noncharacter (Cn), private
 * use (Co), or a combining mark (M*) at the start.  The properties are
 * ICU's.  Reads only; never fails.
 */
bool	 nick_valid(const char *nick, size_t len);

/*
 * Write the uniqueness key of nick (len bytes) into out (outsz bytes,
 * NICK_KEY_MAX is always enough) as NUL-terminated UTF-8: the NFKC form
 * of the nick, with ASCII letters A-Z folded to a-z, reduced to its
 * confusable skeleton (uspoof_getSkeleton).  Two nicks are the same
 * nick if their keys are equal: "ana", "ANA", "\u0430na" (Cyrillic a)
 * and full-width "ａｎａ" all have the key "ana"; "user1" and "userl"
 * share "userl".  Only ASCII letters fold: "João" and "joão" share a
 * key, "JOÃO" has another.  nick need not pass nick_valid, but must be
 * 1 to PROTO_MAX_NICK bytes of valid UTF-8.  Returns the key's length
 * (never 0 for a valid nick), or 0 if the nick is not such bytes, ICU
 * fails (it is set up on first use and reported once with log_warn) or
 * the key does not fit: the caller must then refuse the nick.
 */
size_t	 nick_key(const char *nick, size_t len, char *out, size_t outsz);

/*
 * A 64-bit hash (FNV-1a) of len bytes of key, for quick comparisons:
 * equal keys have equal hashes; equal hashes prove nothing, see
 * nick_has_key.  Never fails.
 */
uint64_t nick_hash(const char *key, size_t keylen);

/*
 * True if nick (len bytes) has the key key (keylen bytes).  Computes
 * the nick's key (an ICU call); false if that fails.
 */
bool	 nick_has_key(const char *nick, size_t len, const char *key,
	    size_t keylen);

/*
 * If key (keylen bytes, from nick_key) is the key of "user<digits>"
 * for some decimal digits, write those digits NUL-terminated into
 * digits (dsz bytes, PROTO_MAX_NICK is enough) and return true: the
 * key of "userl" is that of "user1", the key of full-width "ｕｓｅｒ7"
 * that of "user7".  False if it is no such key or ICU fails.
 */
bool	 nick_key_userid(const char *key, size_t keylen, char *digits,
	    size_t dsz);

/*
 * Write the form in which a client shows a nick it refuses (one that
 * fails nick_valid, or one with the key of another client's nick) into
 * out (outsz bytes, NICK_SHOW_MAX is enough for up to PROTO_MAX_NICK
 * bytes of UTF-8), NUL-terminated: NICK_REFUSED_MARK, then the nick
 * with printable ASCII but '\' as it is, '\' as "\\", every other code
 * point as "\u{XXXX}" (upper-case hex, at least 4 digits) and a byte
 * that is not UTF-8 as "\u{FFFD}": "(?) \u{202E}nimda".  The result is
 * ASCII and holds a space, which no valid nick does, so it can neither
 * pass for another nick nor hide or reorder anything on screen; the
 * marker comes first so that a consumer that cuts it short keeps it.
 * If out is too small the nick is cut at a code point.  Returns the
 * length written.  outsz must be at least sizeof NICK_REFUSED_MARK.
 */
size_t	 nick_escape(const char *nick, size_t len, char *out, size_t outsz);

/*
 * The order in which a list shows nicks: return a new NUL-terminated
 * sort key (the caller frees it) of the len bytes of UTF-8 at nick, so
 * that comparing two keys with strcmp orders their nicks as the
 * Unicode Collation Algorithm does for the user's LC_COLLATE locale
 * (the root order for C and POSIX), at secondary strength: case is
 * ignored ("Álvaro" and "álvaro" compare equal), accents order after
 * the base letters ("eva" < "Éva" < "evo"), and any letter in any case
 * sorts between its neighbours of the alphabet.  The collator is
 * ICU's (ucol), opened on first use and kept for the life of the
 * program; if ICU cannot open one (reported once with log_warnx) the
 * key is a copy of the bytes.  Invalid UTF-8 sorts as U+FFFD.  Never
 * fails (allocation failure aborts).
 */
char	*nick_sort_key(const char *nick, size_t len);

#endif
