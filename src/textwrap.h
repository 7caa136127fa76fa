/*
 * textwrap.h -- lay out a line of UTF-8 text in rows of a given width
 * for display, with every continuation row marked, so that no text can
 * make a row of a window look like a line the program wrote itself.
 * Core side: no X header; both windows and the saved transcript use it.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_TEXTWRAP_H
#define XCHAT_TEXTWRAP_H

#include <stddef.h>

/* The narrowest row textwrap() lays out, in columns after the mark. */
#define TEXTWRAP_MIN	8

/*
 * Display columns of the len bytes of UTF-8 at s: wcwidth() of each
 * character in the current locale (0 for combining marks, 2 for wide
 * ones; 1 where the locale does not know it), and 1 for each byte that
 * is not valid UTF-8.  TAB counts 1 (textwrap shows it as a space).
 */
size_t	textwrap_width(const char *s, size_t len);

/*
 * Lay out the line s (len bytes of UTF-8, no newline) in rows of at
 * most cols columns: rows after the first begin with mark (its columns
 * count).  A row breaks after the last space that fits, or, in a word
 * longer than the row, before the character that would not fit; the
 * spaces at a break are dropped; a TAB is shown as one space.  cols is
 * raised to the mark's width plus TEXTWRAP_MIN if it is less.  Returns
 * a new NUL-terminated string, the rows joined by '\n', that the caller
 * frees; *rows (if not NULL) gets the number of rows.  Aborts only if
 * memory runs out.
 */
char	*textwrap(const char *s, size_t len, unsigned cols, const char *mark,
	    size_t *rows);

#endif
