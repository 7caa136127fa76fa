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

Cardinal
opthelp_resources(const struct opt_row *rows, size_t n, XtResource *res)
{
	Cardinal	 k = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (rows[i].in != OPT_NONE)
			res[k++] = (XtResource){ (String)rows[i].name,
			    (String)rows[i].class, XtRString, sizeof(String),
			    (Cardinal)rows[i].in, XtRString,
			    (XtPointer)rows[i].def };
	return k;
}

Cardinal
opthelp_options(const struct opt_row *rows, size_t n,
    XrmOptionDescRec *opts, char (*spec)[64])
{
	Cardinal	 k = 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (rows[i].flag == NULL)
			continue;
		snprintf(spec[i], sizeof spec[i], "*%s", rows[i].name);
		opts[k++] = (XrmOptionDescRec){ (char *)rows[i].flag, spec[i],
		    rows[i].arg != NULL ? XrmoptionSepArg : XrmoptionNoArg,
		    rows[i].arg != NULL ? NULL : (XPointer)"true" };
	}
	return k;
}

void
opthelp_usage(FILE *fp, const struct opt_row *rows, size_t n)
{
	char	 text[512];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (rows[i].flag == NULL)
			continue;
		snprintf(text, sizeof text, "%s [%s] (default\001%s)",
		    rows[i].help, rows[i].name, rows[i].shown != NULL ?
		    rows[i].shown : *rows[i].def != '\0' ? rows[i].def :
		    "none");
		opthelp_row(fp, rows[i].flag, rows[i].arg, text);
	}
}
