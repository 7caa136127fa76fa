/*
 * srvopts.h -- xchatd's one option table: every setting is an X
 * resource of class XChatd (a string), set by app-defaults, the user's
 * resource files, -xrm or its own option, and checked here into typed
 * values with one-line errors.  The XtResource list, the
 * XrmOptionDescRec list, -help and the checks all come from one table.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SRVOPTS_H
#define XCHAT_SRVOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <X11/Intrinsic.h>

#include "hub.h"

/* The raw strings, one per row of the table that has a field. */
struct srv_strings {
	char	*listen;
	char	*port;
	char	*tlsport;
	char	*tlscert;
	char	*tlskey;
	char	*statedir;
	char	*accounts;
	char	*access;
	char	*insecure;
	char	*fingerprint;
	char	*logfile;
	char	*maxclients;
	char	*history;
	char	*floodrate;
	char	*floodkick;
	char	*slowlimit;
	char	*outbudget;
	char	*pinginterval;
	char	*pingtimeout;
	char	*cluster;
	char	*clustername;
	char	*clustertimeout;
	char	*savelines;
	char	*headless;
	char	*verifylog;
	char	*debug;
};

/* The checked values. */
struct srv_options {
	const char	*listen;
	const char	*port;
	unsigned	 tlsport;	/* 0: no TLS */
	const char	*tlscert;	/* NULL: made in statedir */
	const char	*tlskey;
	const char	*statedir;	/* "~/" expanded by the user */
	const char	*accounts;	/* NULL: accounts.txt in statedir */
	bool		 insecure;	/* plain TCP beyond loopback */
	bool		 fingerprint;	/* print it and exit */
	const char	*logfile;
	bool		 headless;
	unsigned	 savelines;	/* the window's event view */
	bool		 debug;
	const char	*verifylog;
	const char	*cluster;	/* the store; NULL: a single server */
	const char	*clustername;	/* the keys' prefix */
	unsigned	 clustertimeout;	/* seconds */
	struct hub_config hub;
};

/*
 * The XtResource list for XtGetApplicationResources into a struct
 * srv_strings; built from the table on first use and owned here.
 * Sets *n to its length.
 */
XtResource	*srvopts_resources(Cardinal *n);

/*
 * The XrmOptionDescRec list (every flag of the table, and -xrm) for
 * XtOpenDisplay or XrmParseCommand; owned here.  Sets *n.
 */
XrmOptionDescRec *srvopts_options(Cardinal *n);

/* Print -help: every option with its resource and default. */
void	srvopts_usage(FILE *);

/*
 * Without a display, build the strings the way libXt would with one:
 * the command line and -xrm, then $XENVIRONMENT or ~/.Xdefaults-HOST,
 * ~/.Xdefaults, the user's app-defaults ($XUSERFILESEARCHPATH or
 * $XAPPLRESDIR and $HOME, with %L, %l, %t, %c, %N substitution) and
 * the system app-defaults ($XFILESEARCHPATH, libXt's default path, then
 * the configured directory).  Arguments the table does not know are
 * left in *argcp/argv.  The strings point into a database kept for the
 * life of the process.  Unreadable files are skipped; nothing fails.
 */
void	srvopts_load(int *argcp, char **argv, struct srv_strings *);

/*
 * Check every string in table order; on the first bad one return false
 * with a sentence in err naming the option if srvopts_load saw the bad
 * value given by it, else the resource (and its option, if any).
 */
bool	srvopts_check(const struct srv_strings *, struct srv_options *,
	    char *err, size_t errlen);

/* Parse true/yes/on/1 and false/no/off/0 (any case); false if neither. */
bool	srvopts_bool(const char *, bool *);

#endif
