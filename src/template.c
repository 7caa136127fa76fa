/*
 * template.c -- the one template expander of both programs: resources
 * whose value is text with %x placeholders (doc: TEMPLATES in xchatd(1)
 * and xchat(1)).  No X header: the windows and the display-free
 * transcript model use it alike.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <string.h>

#include "template.h"
#include "xmalloc.h"

/* The value of placeholder k, or NULL if k is no key. */
static const char *
expand_value(char k, const char *keys, const char *const *vals)
{
	const char	*p;

	if (k == '%')
		return "%";
	if (k == '\0' || keys == NULL || (p = strchr(keys, k)) == NULL)
		return NULL;
	return vals[p - keys] != NULL ? vals[p - keys] : "";
}

size_t
template_expand(char *dst, size_t size, const char *tmpl, const char *keys,
    const char *const *vals)
{
	size_t		 o = 0, l;
	const char	*v;

	if (size == 0)
		return 0;
	for (; *tmpl != '\0' && o + 1 < size; tmpl++) {
		if (tmpl[0] != '%' ||
		    (v = expand_value(tmpl[1], keys, vals)) == NULL) {
			dst[o++] = *tmpl;
			continue;
		}
		tmpl++;
		l = strlen(v);
		if (l > size - 1 - o)
			l = size - 1 - o;
		memcpy(dst + o, v, l);
		o += l;
	}
	dst[o] = '\0';
	return o;
}

char *
template_expand_dup(const char *tmpl, const char *keys, const char *const *vals)
{
	size_t		 len = 1;
	const char	*t, *v;
	char		*out;

	for (t = tmpl; *t != '\0'; t++) {
		v = t[0] == '%' ? expand_value(t[1], keys, vals) : NULL;
		if (v != NULL) {
			len += strlen(v);
			t++;
		} else
			len++;
	}
	out = xmalloc(len);
	template_expand(out, len, tmpl, keys, vals);
	return out;
}
