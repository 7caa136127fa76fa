/*
 * opthelp.c -- the two-column layout of xchatd's and xchat's -help.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "opthelp.h"

#define HELP_COL	23
#define HELP_WIDTH	76

/* Print text from column col on, wrapped at HELP_WIDTH at spaces. */
static void
help_wrap(FILE *fp, const char *text, size_t col)
{
	const char	*p = text, *sp;
	size_t		 len, room = HELP_WIDTH - HELP_COL;

	for (; col < HELP_COL; col++)
		fputc(' ', fp);
	while (*p != '\0') {
		len = strlen(p);
		if (len > room) {
			for (sp = p + room; sp > p && *sp != ' '; sp--)
				continue;
			len = sp > p ? (size_t)(sp - p) : room;
		}
		for (; len > 0; len--, p++)
			fputc(*p == '\001' ? ' ' : *p, fp);
		fputc('\n', fp);
		while (*p == ' ')
			p++;
		if (*p != '\0')
			fprintf(fp, "%*s", HELP_COL, "");
	}
}

void
opthelp_row(FILE *fp, const char *flag, const char *arg, const char *text)
{
	char	 left[64];
	int	 n;

	n = snprintf(left, sizeof left, "  %s%s%s", flag,
	    arg != NULL ? " " : "", arg != NULL ? arg : "");
	if (n < 0)
		n = 0;
	fputs(left, fp);
	if ((size_t)n >= HELP_COL - 1) {
		fputc('\n', fp);
		n = 0;
	}
	help_wrap(fp, text, (size_t)n);
}

XtResource
opthelp_resource(const char *name, const char *class, size_t in,
    const char *def)
{
	return (XtResource){ (String)name, (String)class, XtRString,
	    sizeof(String), (Cardinal)in, XtRString, (XtPointer)def };
}

XrmOptionDescRec
opthelp_option(const char *flag, const char *name, char *spec,
    size_t speclen, const char *noarg)
{
	snprintf(spec, speclen, "*%s", name);
	return (XrmOptionDescRec){ (char *)flag, spec,
	    noarg != NULL ? XrmoptionNoArg : XrmoptionSepArg,
	    (XPointer)noarg };
}
