/*
 * userview.h -- xchat's user list on screen: an XmList that shows a
 * struct userlist (userlist.h), with the user's own entry first while
 * connected.  Changes reach the widget when userview_show() runs (from
 * the window's flush timer): a few edits one by one, a burst with one
 * rebuild; at most a set number of users are shown.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_USERVIEW_H
#define XCHAT_USERVIEW_H

#include <stdio.h>

#include <Xm/Xm.h>

#include "userlist.h"

struct userview;

/*
 * A view over the XmList list (not owned), with an empty model.  It
 * shows the first max users in order; beyond them a last item, the
 * template more with %n the number of users not shown (a Motif list of
 * 100,000 items would take a second to build and nobody could read
 * it).
 */
struct userview *userview_new(Widget list, size_t max, const char *more);
/* Free the view and its model (not the widget).  NULL is fine. */
void	 userview_free(struct userview *);
/* The model, to add, rename and remove users in. */
struct userlist *userview_model(struct userview *);
/*
 * The marks after a user's entry: keyed (UL_KEYED) and warn
 * (UL_KEYWARN), UTF-8, copied; each shown after a space.
 */
void	 userview_marks(struct userview *, const char *keyed,
	    const char *warn);
/*
 * The mark after an away user's entry: tmpl (copied) with %r its
 * reason, cut to UV_AWAY_CHARS characters (the whole reason is shown
 * on a click, client_conv.c).
 */
#define UV_AWAY_CHARS	24
void	 userview_away_mark(struct userview *, const char *tmpl);
/*
 * What the item at position pos (1-based, as XmList counts) is: our
 * own entry (*self true), a user (its id in *id), or neither (false:
 * the "more" item, or no item).
 */
bool	 userview_at(struct userview *, int pos, uint64_t *id, bool *self);
/* Our own entry, shown first: text (UTF-8, copied), or NULL for none. */
void	 userview_self(struct userview *, const char *text);
/* Bring the widget up to the model. */
void	 userview_show(struct userview *);
/* "users: item | item ..." and a newline, as the widget shows them. */
void	 userview_dump(struct userview *, FILE *fp);

#endif
