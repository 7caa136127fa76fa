/*
 * utf8.c -- the one UTF-8 decoder of the program (see utf8.h).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

size_t
utf8_seq(const char *str, size_t left)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) ||	/* overlong */
	    (s[0] == 0xed && s[1] > 0x9f) ||	/* surrogate */
	    (s[0] == 0xf0 && s[1] < 0x90) ||	/* overlong */
	    (s[0] == 0xf4 && s[1] > 0x8f))	/* above U+10FFFF */
		return 0;
	return n;
}

size_t
utf8_next(const char *str, size_t left, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n = utf8_seq(str, left), i;

	if (n <= 1) {
		*cp = s[0];
		return n;
	}
	*cp = s[0] & (0x7fu >> n);
	for (i = 1; i < n; i++)
		*cp = *cp << 6 | (s[i] & 0x3fu);
	return n;
}

size_t
utf8_lead_len(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

static bool
is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t
utf8_char_start(const char *s, size_t i)
{
	size_t	 k;

	for (k = 0; k < 3 && i > 0 && is_cont((unsigned char)s[i]); k++)
		i--;
	return i;
}

size_t
utf8_prefix(const char *s, size_t len, size_t n)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!is_cont((unsigned char)s[i]) && n-- == 0)
			return i;
	return len;
}

bool
utf8_valid(const char *buf, size_t len)
{
	size_t	 i = 0, n;

	while (i < len) {
		if ((unsigned char)buf[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(buf + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		if (!is_cont((unsigned char)s[i]))
			n++;
	return n;
}

size_t
utf8_clean(char *dst, const char *src, size_t len, int flags)
{
	char		*d = dst;
	size_t		 i = 0, run, n;
	unsigned char	 c;

	while (i < len) {
		/* A run of good characters goes in one copy. */
		for (run = i; run < len; run += n) {
			c = (unsigned char)src[run];
			if (c >= 0x20 && c < 0x7f) {
				n = 1;
				continue;
			}
			if (c < 0x80)
				break;
			if ((n = utf8_seq(src + run, len - run)) == 0)
				break;
		}
		memcpy(d, src + i, run - i);
		d += run - i;
		if ((i = run) == len)
			break;
		c = (unsigned char)src[i++];
		if (c == '\t' || (c == '\n' && (flags & UTF8_KEEP_NEWLINE))) {
			*d++ = (char)c;
			continue;
		}
		memcpy(d, UTF8_REPLACEMENT, 3);
		d += 3;
	}
	*d = '\0';
	return (size_t)(d - dst);
}

char *
utf8_clean_dup(const char *src, size_t len, int flags)
{
	char	*out = xmalloc(len * 3 + 1);

	utf8_clean(out, src, len, flags);
	return out;
}

size_t
utf8_escape_controls(char *dst, size_t size, const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 o = 0, i = 0, n, left = strlen(src);
	uint32_t		 cp;
	char			 esc[16];

	while (i < left) {
		n = utf8_next(src + i, left - i, &cp);
		if (n == 0)
			snprintf(esc, sizeof esc, "\\x%02X", s[i]);
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			snprintf(esc, sizeof esc, "\\u{%04X}", (unsigned)cp);
		else
			esc[0] = '\0';
		if (n == 0)
			n = 1;
		if (esc[0] != '\0') {
			if (o + strlen(esc) >= size)
				break;
			memcpy(dst + o, esc, strlen(esc));
			o += strlen(esc);
		} else {
			if (o + n >= size)
				break;
			memcpy(dst + o, src + i, n);
			o += n;
		}
		i += n;
	}
	dst[o] = '\0';
	return o;
}
