/*
 * opthelp.h -- the layout of -help shared by xchatd and xchat: an
 * option and its argument on the left, its text wrapped on the right.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_OPTHELP_H
#define XCHAT_OPTHELP_H

#include <stddef.h>
#include <stdio.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <X11/Xresource.h>

/*
 * Print one option of -help: "  FLAG ARG" (arg may be NULL), then text
 * from column 23, wrapped at spaces before column 76 onto lines indented
 * as far; a \001 in text is a space that does not break.  Cannot fail
 * but for the stream's own errors.
 */
void	opthelp_row(FILE *, const char *flag, const char *arg,
	    const char *text);

/*
 * The Xt rows both option tables derive from each of their rows: a
 * string resource name/class stored at offset in of the caller's
 * struct of strings, with default def; and the option flag setting
 * "*name", with a separate argument, or with the fixed value noarg
 * when that is not NULL (a flag like -headless).  spec (speclen bytes)
 * holds the "*name" specifier and must outlive the option.
 */
XtResource opthelp_resource(const char *name, const char *class,
	    size_t in, const char *def);
XrmOptionDescRec opthelp_option(const char *flag, const char *name,
	    char *spec, size_t speclen, const char *noarg);

#endif
