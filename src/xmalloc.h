/*
 * xmalloc.h -- allocation wrappers that never return NULL.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_XMALLOC_H
#define XCHAT_XMALLOC_H

#include <stddef.h>

/*
 * Like malloc(), calloc(), realloc() and reallocarray(), but a size
 * that overflows or memory that cannot be had ends the program with
 * fatal() (exit 1) instead of returning NULL.  A size of 0 gives a valid,
 * freeable pointer.  The caller owns the result and frees it.
 */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
/* A copy of a string (xstrndup: at most n bytes, always NUL-ended). */
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
