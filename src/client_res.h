/*
 * client_res.h -- the resources of xchat's window (class XChat): the
 * struct they are read into (its members from client_res.def), their
 * loading and checking, and the fallbacks used when no app-defaults
 * file is found.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_CLIENT_RES_H
#define XCHAT_CLIENT_RES_H

#include <stdbool.h>

#include <Xm/Xm.h>

#define RES_S(n, c, f, d)	String f;
struct client_res {
#include "client_res.def"
};
#undef RES_S

/*
 * Read the window's resources for the application shell top into r.
 * Every one must be valid UTF-8: false, with a message on stderr
 * naming the resource, if one is not.
 */
bool	client_res_load(Widget top, struct client_res *r);

/* Fallback resources (NULL-terminated) for XtAppSetFallbackResources. */
extern String	client_res_fallbacks[];

#endif
