/*
 * client_ui.h -- the Motif window of xchat: menu bar, transcript,
 * input line, user list, status line.  It receives the client core's
 * events (struct nc_events) and turns user actions into netclient
 * calls.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIENT_UI_H
#define XCHAT_CLIENT_UI_H

#include <X11/Intrinsic.h>

#include "netclient.h"

/* Settings decided by main() from the resources, already validated. */
struct client_opts {
	const char	*host;
	const char	*port;
	const char	*dumpfile;	/* test hook: NULL or "" for none */
	const char	*known;		/* the pins of server keys, or "" */
	unsigned	 save_lines;	/* transcript lines kept */
	unsigned	 user_list_max;	/* users shown in the list */
	unsigned	 flush_ms;	/* batch interval for appends */
	const char	*url_command;	/* urlCommand: "" for none */
};

struct client_ui;

/*
 * Build the window under toplevel (not yet realized).  Reads the
 * window's string resources; returns NULL with a one-line message on
 * stderr if one of them is invalid.
 */
struct client_ui *client_ui_create(Widget toplevel,
	    const struct client_opts *);
/* The events to pass to netclient_new(), with the ui as argument. */
const struct nc_events *client_ui_events(void);
/* Attach the client core once it exists. */
void	 client_ui_set_client(struct client_ui *, struct netclient *);
/* Realize the window and show the initial status. */
void	 client_ui_realize(struct client_ui *);
/*
 * Test hook: write title, status, users, input and the transcript text
 * as shown to the dump file (atomically, via a rename).
 */
void	 client_ui_dump(struct client_ui *);
/* Say once in the transcript that the key in path (fp) was just made. */
void	 client_ui_key_made(struct client_ui *, const char *path,
	    const char *fp);
void	 client_ui_free(struct client_ui *);

#endif
