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
 * One row of an option table (xchatd's in srvopts.c, xchat's in
 * cliopts.c): an option flag and the resource it sets, the default,
 * how the value is checked (kind, with lo..hi for numbers: the
 * program's own enum) and where the checked value goes.  Everything
 * else (the XtResource and XrmOptionDescRec lists, -help) is derived
 * from the rows by the functions below.
 */
struct opt_row {
	const char	*flag;		/* "-port", or NULL for none */
	const char	*arg;		/* its argument in -help, or NULL */
	const char	*name;		/* resource name */
	const char	*class;		/* resource class */
	const char	*def;		/* default value */
	const char	*shown;		/* default as -help shows it, or NULL */
	int		 kind;		/* the program's check */
	double		 lo, hi;	/* range of a number */
	size_t		 in;		/* offset in the struct of strings */
	size_t		 out;		/* offset in the struct of options */
	const char	*help;		/* -help text */
	const char	*what;		/* "-port: 'x' is not WHAT", or NULL */
};

/* A row's in when it has no resource (an action flag like -verifylog). */
#define OPT_NONE	((size_t)-1)

/*
 * Fill res (room for n) with a string resource for each of the n rows
 * that have one (in != OPT_NONE), stored at offset in of the caller's
 * struct of strings; returns how many.
 */
Cardinal opthelp_resources(const struct opt_row *rows, size_t n,
	    XtResource *res);
/*
 * Fill opts (room for n) with an option for each of the n rows that
 * have a flag: it sets "*name" from a separate argument, or to "true"
 * if the row has no argument (a flag like -headless).  spec (n
 * entries) holds the specifiers and must outlive the options.  Returns
 * how many.
 */
Cardinal opthelp_options(const struct opt_row *rows, size_t n,
	    XrmOptionDescRec *opts, char (*spec)[64]);
/*
 * Print -help's line for each of the n rows that have a flag: help,
 * the resource name and the default.
 */
void	opthelp_usage(FILE *, const struct opt_row *rows, size_t n);

#endif
