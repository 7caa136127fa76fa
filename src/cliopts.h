/*
 * cliopts.h -- xchat's one option table: every setting is an X
 * resource of class XChat (a string), set by app-defaults, -xrm or its
 * own option, and checked here into typed values with one-line errors.
 * The XtResource list, the XrmOptionDescRec list, -help and the checks
 * all come from one table.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIOPTS_H
#define XCHAT_CLIOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <X11/Intrinsic.h>

/* The raw strings, one per row of the table. */
struct cli_strings {
	String	 host;
	String	 port;
	String	 nick;
	String	 logfile;
	String	 savelines;
	String	 userlistmax;
	String	 flushinterval;
	String	 pinginterval;
	String	 pingtimeout;
	String	 connecttimeout;
	String	 dumpfile;
	String	 transport;
	String	 trust;
	String	 keyfile;
	String	 anonymous;
	String	 fingerprint;
	String	 urlcommand;
};

/* The checked values; the strings still belong to Xt's database. */
struct cli_options {
	const char	*host;
	const char	*port;		/* "": 12345, or 12346 over TLS */
	const char	*nick;		/* "" to keep the server's userN */
	const char	*logfile;	/* "": the default; "none": no log */
	const char	*dumpfile;	/* "" for none */
	const char	*transport;	/* "auto", "tls" or "plain" */
	const char	*trust;		/* "" or a key fingerprint */
	const char	*keyfile;	/* "": ~/.xchat/key.pem */
	bool		 anonymous;	/* connect without our key */
	bool		 fingerprint;	/* print our key's and exit */
	const char	*url_command;	/* run on a link; "": none */
	unsigned	 save_lines;
	unsigned	 user_list_max;
	unsigned	 flush_ms;
	unsigned	 ping_interval;
	unsigned	 ping_timeout;
	unsigned	 connect_timeout;
};

/*
 * The XtResource list for XtGetApplicationResources into a struct
 * cli_strings; built on first use and owned here.  Sets *n.
 */
XtResource	*cliopts_resources(Cardinal *n);

/*
 * The XrmOptionDescRec list (the rows that have a flag) for
 * XtOpenDisplay; owned here.  Sets *n.
 */
XrmOptionDescRec *cliopts_options(Cardinal *n);

/* Print -help: every option with its resource and default. */
void	cliopts_usage(FILE *);

/*
 * The strings of the command line alone (no display, no resource
 * files): argv's options parsed by the table (those used are taken
 * out of *argcp and argv, as XtOpenDisplay does), the defaults for
 * the rest.  For xchat -fingerprint, which needs no display.
 */
void	cliopts_cmdline(int *argcp, char **argv, struct cli_strings *);

/*
 * Check every string in table order; on the first bad one return false
 * with a sentence naming the resource in err.
 */
bool	cliopts_check(const struct cli_strings *, struct cli_options *,
	    char *err, size_t errlen);

#endif
