/*
 * xmutil.h -- small generic Motif helpers shared by the windows of
 * xchat and xchatd: menus, compound strings from UTF-8, labels,
 * dialogs, colours.  Nothing here knows about chat.
 * Part of xchat; see COPYING for the licence.
 */
#ifndef XCHAT_XMUTIL_H
#define XCHAT_XMUTIL_H

#include <stdbool.h>

#include <Xm/Xm.h>

/* A pulldown menu named name under menubar; returns the pulldown. */
Widget	xmu_add_menu(Widget menubar, const char *name, Widget *cascade);
/* A push button named name in menu calling cb(w, data, call). */
Widget	xmu_add_item(Widget menu, const char *name, XtCallbackProc cb,
	    XtPointer data);
/* An XmString from UTF-8 text in the current (UTF-8) locale. */
XmString xmu_string(const char *utf8);
/* Set XmNlabelString of w from UTF-8 text. */
void	xmu_set_label(Widget w, const char *utf8);
/* Pop up a managed dialog; create with create(parent, name, NULL, 0). */
void	xmu_popup(Widget dialog);
/* Look up a colour by name; false if unknown or not allocatable. */
bool	xmu_color(Widget w, const char *name, Pixel *out);

#endif
