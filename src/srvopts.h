/*
 * srvopts.h -- xchatd's settings: every one is an X resource of class
 * XChatd (a string), set by app-defaults, -xrm or its own option, and
 * checked here into typed values with one-line errors.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SRVOPTS_H
#define XCHAT_SRVOPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hub.h"

/* The raw strings, in the order of the resource table in xchatd.c. */
struct srv_strings {
	char	*listen;
	char	*port;
	char	*logfile;
	char	*maxclients;
	char	*history;
	char	*floodrate;
	char	*floodkick;
	char	*slowlimit;
	char	*pinginterval;
	char	*pingtimeout;
	char	*headless;
	char	*verifylog;
	char	*debug;
};

struct srv_options {
	const char	*listen;
	const char	*port;
	const char	*logfile;
	bool		 headless;
	bool		 debug;
	const char	*verifylog;
	struct hub_config hub;
};

/*
 * Check every string; on the first bad one return false with a
 * sentence naming the option in err.
 */
bool	srvopts_check(const struct srv_strings *, struct srv_options *,
	    char *err, size_t errlen);
bool	srvopts_bool(const char *, bool *);

#endif
