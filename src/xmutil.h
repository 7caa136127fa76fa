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

/*
 * Rows of an XtResource table filled into the struct type st: a
 * string (XtRString) and an int (XtRImmediate) resource with name n,
 * class c, member f and default d.  Both windows declare their tables
 * with these (xterm's Sres/Ires).
 */
#define XMU_RES_S(st, n, c, f, d) \
	{ n, c, XtRString, sizeof(String), \
	  XtOffsetOf(st, f), XtRString, (XtPointer)(d) }
#define XMU_RES_I(st, n, c, f, d) \
	{ n, c, XtRInt, sizeof(int), \
	  XtOffsetOf(st, f), XtRImmediate, (XtPointer)(d) }

/* A pulldown menu named name under menubar; returns the pulldown. */
Widget	xmu_add_menu(Widget menubar, const char *name, Widget *cascade);
/* A push button named name in menu calling cb(w, data, call). */
Widget	xmu_add_item(Widget menu, const char *name, XtCallbackProc cb,
	    XtPointer data);
/* An XmString from UTF-8 text in the current (UTF-8) locale. */
XmString xmu_string(const char *utf8);
/* Set XmNlabelString of w from UTF-8 text. */
void	xmu_set_label(Widget w, const char *utf8);
/*
 * XmNlabelString of w as a new UTF-8 string the caller frees ("" if
 * it has none).  Aborts only if memory runs out.
 */
char	*xmu_label_text(Widget w);
/*
 * An unmanaged XmMessageDialog named name of XmNdialogType type under
 * parent, without its Help button, and without Cancel unless cancel.
 */
Widget	xmu_message_dialog(Widget parent, const char *name, int type,
	    bool cancel);
/* Pop up a managed dialog; create with create(parent, name, NULL, 0). */
void	xmu_popup(Widget dialog);
/* Look up a colour by name; false if unknown or not allocatable. */
bool	xmu_color(Widget w, const char *name, Pixel *out);

#endif
