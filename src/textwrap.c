/*
 * textwrap.c -- rows of display text with marked continuations.  The
 * windows show a long line in several rows; if the toolkit wrapped it,
 * a text could be padded so that a row of its own began with a time
 * and a nick, and look like a line the program wrote.  Here every row
 * after the first begins with a mark, so the only rows that start at
 * the left edge are those the program starts.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "textwrap.h"
#include "utf8.h"
#include "xmalloc.h"

/* A growing output string. */
struct wbuf {
	char	*p;
	size_t	 len, cap;
};

static void
wbuf_put(struct wbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Columns of the character at s (left bytes); its length in *n. */
static unsigned
char_cols(const char *s, size_t left, size_t *n)
{
	uint32_t		 cp;
	int			 w;

	*n = utf8_next(s, left, &cp);
	if (*n <= 1) {
		*n = 1;
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (unsigned)w;
}

size_t
textwrap_width(const char *s, size_t len)
{
	size_t	 i = 0, n, cols = 0;

	while (i < len) {
		cols += char_cols(s + i, len - i, &n);
		i += n;
	}
	return cols;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Bytes from..to of s into b, TABs as spaces. */
static void
put_row(struct wbuf *b, const char *s, size_t from, size_t to)
{
	size_t	 i;

	for (i = from; i < to; i++)
		wbuf_put(b, s[i] == '\t' ? " " : s + i, 1);
}

char *
textwrap(const char *s, size_t len, unsigned cols, const char *mark,
    size_t *rows)
{
	struct wbuf	 b = { NULL, 0, 0 };
	size_t		 mw = textwrap_width(mark, strlen(mark));
	size_t		 lim = cols, i = 0, n, rs = 0, col = 0, nrows = 1;
	size_t		 sp = SIZE_MAX, sp_end = 0, sp_col = 0, end;
	unsigned	 w;

	if (lim < mw + TEXTWRAP_MIN)
		lim = mw + TEXTWRAP_MIN;
	cols = (unsigned)lim;
	wbuf_put(&b, "", 0);
	while (i < len) {
		w = char_cols(s + i, len - i, &n);
		if (col + w > lim && col > 0) {
			if (is_blank(s[i])) {
				for (end = i; end > rs && is_blank(s[end - 1]);)
					end--;
				put_row(&b, s, rs, end);
				while (i < len && is_blank(s[i]))
					i++;
				rs = i;
				col = 0;
			} else if (sp != SIZE_MAX) {
				put_row(&b, s, rs, sp);
				rs = sp_end;
				col -= sp_col;
			} else {
				put_row(&b, s, rs, i);
				rs = i;
				col = 0;
			}
			sp = SIZE_MAX;
			wbuf_put(&b, "\n", 1);
			wbuf_put(&b, mark, strlen(mark));
			nrows++;
			lim = cols - mw;
			continue;
		}
		if (is_blank(s[i])) {
			if (sp == SIZE_MAX || sp_end != i)
				sp = i;
			sp_end = i + n;
			sp_col = col + w;
		}
		col += w;
		i += n;
	}
	put_row(&b, s, rs, len);
	if (rows != NULL)
		*rows = nrows;
	return b.p;
}
