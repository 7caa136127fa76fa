/*
 * utf8.h -- the one UTF-8 decoder of xchat and xchatd: validity,
 * sequence length, character count and a display sanitiser.  Core
 * side: no X header, so protocol.c, msglog.c and both windows share it.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_UTF8_H
#define XCHAT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* utf8_clean() flag: copy '\n' through instead of replacing it. */
#define UTF8_KEEP_NEWLINE	0x1

/* The replacement character U+FFFD, UTF-8 encoded (3 bytes). */
#define UTF8_REPLACEMENT	"\357\277\275"

/*
 * Length (1 to 4) of the valid UTF-8 sequence at s, which has left
 * bytes (left > 0), or 0 if s does not start one: overlong forms,
 * UTF-16 surrogates, code points above U+10FFFF, stray continuation
 * bytes and sequences cut short by left are all invalid.  Reads only.
 */
size_t	utf8_seq(const char *s, size_t left);
/*
 * The same, and the code point of the sequence in *cp (when 0 is
 * returned, the byte at s itself).  The one UTF-8 decoder: the
 * nick rules, the wrapping and the escapes use it.
 */
size_t	utf8_next(const char *s, size_t left, uint32_t *cp);
/*
 * The length (1 to 4) a lead byte announces, for text known to be
 * valid: 1 for ASCII (and for a byte that starts nothing).
 */
size_t	utf8_lead_len(unsigned char c);
/*
 * The start of the character byte i of s belongs to: i, or before i
 * past continuation bytes (at most 3, never before s).
 */
size_t	utf8_char_start(const char *s, size_t i);
/*
 * How many of len bytes of UTF-8 the first n characters take (len if
 * there are fewer).
 */
size_t	utf8_prefix(const char *s, size_t len, size_t n);

/*
 * True if the len bytes at buf are valid UTF-8 from end to end (an
 * empty buffer is valid).  Reads only; never fails.
 */
bool	utf8_valid(const char *buf, size_t len);

/*
 * The number of characters in len bytes of UTF-8: bytes that are not
 * continuation bytes.  Used for XmText positions, which count
 * characters in a UTF-8 locale.  Exact only for valid UTF-8.
 */
size_t	utf8_chars(const char *s, size_t len);

/*
 * Copy len bytes of src to dst as text fit for display: valid UTF-8
 * with no control byte except TAB (and '\n' with UTF8_KEEP_NEWLINE);
 * every other byte becomes U+FFFD, so that a hostile or corrupted text
 * can neither cut a line short nor forge a new one.  dst must hold
 * 3 * len + 1 bytes; it is NUL-terminated.  Returns the bytes written,
 * without the NUL.  Never fails.
 */
size_t	utf8_clean(char *dst, const char *src, size_t len, int flags);

/*
 * Like utf8_clean() into a new NUL-terminated string that the caller
 * frees.  Aborts (via xmalloc) only if memory runs out.
 */
char	*utf8_clean_dup(const char *src, size_t len, int flags);

/*
 * Copy the NUL-terminated src into dst (size bytes, size > 0) for a
 * terminal: control characters (C0, DEL and C1) become \u{XXXX}, bytes
 * that are not UTF-8 \xNN, so that text from the command line or a
 * file cannot move the cursor, recolour or retitle the terminal.  Cut
 * (on a whole character or escape) if dst is too small; always
 * NUL-terminated.  Returns the bytes written, without the NUL.
 */
size_t	utf8_escape_controls(char *dst, size_t size, const char *src);

#endif
