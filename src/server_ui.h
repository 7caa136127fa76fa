/*
 * server_ui.h -- xchatd's Motif window: event view, client list,
 * status line, menus.  It learns what the hub does through the
 * struct hub_events it supplies.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SERVER_UI_H
#define XCHAT_SERVER_UI_H

#include <stdbool.h>

#include <X11/Intrinsic.h>

#include "hub.h"

struct accounts;
struct bans;
struct server_ui;

/* What the window needs to know about the running server. */
struct server_ui_info {
	const char	*listen_name;	/* plain TCP: "127.0.0.1:12345" */
	const char	*tls_name;	/* TLS: "0.0.0.0:12346", or "" */
	const char	*fingerprint;	/* the server key's, or "" */
	bool		 exposed;	/* plain TCP beyond loopback */
	const char	*logfile;
	struct accounts	*accounts;	/* the registry (not owned), or
					   NULL: Accounts and Ban are off */
	struct bans	*bans;		/* the bans file (not owned), or
					   NULL: Kick and ban, Bans are off */
	void		(*quit)(void);	/* shut the server down */
	struct cluster	*cluster;	/* a member of one, or NULL */
};

/* Install the compiled-in fallback resources (before the display opens). */
void	server_ui_fallbacks(XtAppContext);
/*
 * Build the window under the application shell toplevel and realize
 * it, reading the XChatd resources.  The state lives until exit.
 */
struct server_ui *server_ui_create(Widget toplevel);
/* The callbacks to give the hub, with the server_ui as their arg. */
const struct hub_events *server_ui_events(void);
/*
 * The server listens: the window keeps the hub and what it shows of
 * the server (info is copied), says so and starts its status updates.
 */
void	server_ui_start(struct server_ui *, struct hub *,
	    const struct server_ui_info *);
/* A modal error dialog; returns when the operator dismisses it. */
void	server_ui_error(Widget toplevel, const char *msg);
/*
 * The sentence for a port xchatd cannot listen on (addr, port, errno
 * e), in the words of the resources errorPortInUse (EADDRINUSE) or
 * errorListen, into buf (len bytes).  Cannot fail.
 */
void	server_ui_listen_text(Widget toplevel, const char *addr,
	    const char *port, int e, char *buf, size_t len);

#endif
