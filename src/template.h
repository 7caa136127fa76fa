/*
 * template.h -- the one template expander: %x, x a letter, replaced
 * by a value; %% a single %; an unknown placeholder shown as it is.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_TEMPLATE_H
#define XCHAT_TEMPLATE_H

#include <stddef.h>

/*
 * Expand the template tmpl into dst (size bytes, always terminated
 * if size > 0): %x, where x is the i-th letter of keys, becomes
 * vals[i] (NULL counts as ""); %% is a single %; any other %x, and a
 * lone % at the end, is copied as it is.  Output that does not fit is
 * cut.  Returns the length written.  Allocates nothing.
 */
size_t	template_expand(char *dst, size_t size, const char *tmpl,
	    const char *keys, const char *const *vals);
/* The same into a new string the caller frees (aborts on no memory). */
char	*template_expand_dup(const char *tmpl, const char *keys,
	    const char *const *vals);

#endif
