/*
 * xmutil.c -- small generic Motif helpers (menus, strings, dialogs,
 * colours), after NEdit's util/misc.c.  Widget names are the resource
 * API: callers pass stable names and labels come from resources.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>

#include <Xm/Xm.h>
#include <Xm/CascadeB.h>
#include <Xm/MessageB.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>

#include "xmalloc.h"
#include "xmutil.h"

/*
 * Create a pulldown menu called name (its cascade button is called
 * name too, so "*fileMenu.labelString" labels it) under menubar.
 */
Widget
xmu_add_menu(Widget menubar, const char *name, Widget *cascade)
{
	Widget	 menu, cb;
	char	 pname[128];

	snprintf(pname, sizeof pname, "%sPulldown", name);
	menu = XmCreatePulldownMenu(menubar, pname, NULL, 0);
	cb = XtVaCreateManagedWidget(name, xmCascadeButtonWidgetClass,
	    menubar, XmNsubMenuId, menu, NULL);
	if (cascade != NULL)
		*cascade = cb;
	return menu;
}

/* A push button named name in menu; cb may be NULL. */
Widget
xmu_add_item(Widget menu, const char *name, XtCallbackProc cb,
    XtPointer data)
{
	Widget	 w;

	w = XtVaCreateManagedWidget(name, xmPushButtonWidgetClass, menu,
	    NULL);
	if (cb != NULL)
		XtAddCallback(w, XmNactivateCallback, cb, data);
	return w;
}

/* A compound string for UTF-8 text; the caller frees it. */
XmString
xmu_string(const char *utf8)
{
	return XmStringCreateLocalized((char *)utf8);
}

void
xmu_set_label(Widget w, const char *utf8)
{
	XmString	 s = xmu_string(utf8);

	XtVaSetValues(w, XmNlabelString, s, NULL);
	XmStringFree(s);
}

char *
xmu_label_text(Widget w)
{
	XmString	 s = NULL;
	char		*t;

	XtVaGetValues(w, XmNlabelString, &s, NULL);
	if (s == NULL)
		return xstrdup("");
	t = XmStringUnparse(s, NULL, XmCHARSET_TEXT, XmCHARSET_TEXT, NULL, 0,
	    XmOUTPUT_ALL);
	XmStringFree(s);
	return t != NULL ? t : xstrdup("");
}

Widget
xmu_message_dialog(Widget parent, const char *name, int type, bool cancel)
{
	Widget	 d;
	Arg	 a[1];

	XtSetArg(a[0], XmNdialogType, type);
	d = XmCreateMessageDialog(parent, (char *)name, a, 1);
	XtUnmanageChild(XmMessageBoxGetChild(d, XmDIALOG_HELP_BUTTON));
	if (!cancel)
		XtUnmanageChild(XmMessageBoxGetChild(d,
		    XmDIALOG_CANCEL_BUTTON));
	return d;
}

/* Manage a dialog (which pops it up) and raise it. */
void
xmu_popup(Widget dialog)
{
	XtManageChild(dialog);
	if (XtIsRealized(XtParent(dialog)))
		XRaiseWindow(XtDisplay(dialog), XtWindow(XtParent(dialog)));
}

bool
xmu_color(Widget w, const char *name, Pixel *out)
{
	Display		*dpy = XtDisplay(w);
	Colormap	 cmap;
	XColor		 c;

	XtVaGetValues(w, XmNcolormap, &cmap, NULL);
	if (!XParseColor(dpy, cmap, name, &c) || !XAllocColor(dpy, cmap, &c))
		return false;
	*out = c.pixel;
	return true;
}
