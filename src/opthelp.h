/*
 * opthelp.h -- the layout of -help shared by xchatd and xchat: an
 * option and its argument on the left, its text wrapped on the right.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_OPTHELP_H
#define XCHAT_OPTHELP_H

#include <stdio.h>

/*
 * Print one option of -help: "  FLAG ARG" (arg may be NULL), then text
 * from column 23, wrapped at spaces before column 76 onto lines indented
 * as far; a \001 in text is a space that does not break.  Cannot fail
 * but for the stream's own errors.
 */
void	opthelp_row(FILE *, const char *flag, const char *arg,
	    const char *text);

#endif
