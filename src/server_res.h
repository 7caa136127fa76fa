/*
 * server_res.h -- the resources of xchatd's window (class XChatd):
 * the struct they are read into, the XtResource table with the
 * English defaults, and the fallbacks used when no app-defaults file
 * is found.  Only server_ui.c reads them.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_SERVER_RES_H
#define XCHAT_SERVER_RES_H

#include <Xm/Xm.h>

/* The resources, read into one struct: its members from server_res.def. */
#define RES_S(n, c, f, d)	String f;
#define RES_I(n, c, f, d)	int f;
struct server_res {
#include "server_res.def"
};
#undef RES_S
#undef RES_I

/* The window's resources, read with XtGetApplicationResources. */
extern XtResource	server_res_table[];
extern const Cardinal	server_res_count;
/* errorMessage alone, for the error dialog shown before the window. */
extern XtResource	server_res_error[1];
/* The start-up errors worded by the window: a port it cannot listen on. */
struct server_res_start {
	String	 listen;
	String	 in_use;
};
extern XtResource	server_res_listen[2];
/* Fallback resources (NULL-terminated) for XtAppSetFallbackResources. */
extern String		server_res_fallbacks[];

#endif
