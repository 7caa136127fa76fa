/*
 * xmalloc.h -- allocation wrappers that never return NULL.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_XMALLOC_H
#define XCHAT_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

#endif
