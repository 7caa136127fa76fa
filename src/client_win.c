/*
 * client_win.c -- the frame of xchat's window: its icon (the picture,
 * the name that counts the messages that came while iconified, the
 * urgency hint of a mention) and the panes above the input line (the
 * transcript and the user list side by side; panes_fit keeps both in
 * a narrow window).  What they show is client_ui.c's.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <X11/Shell.h>
#include <Xm/Xm.h>
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/List.h>
#include <Xm/PanedW.h>

#include "client_int.h"
#include "transcript.h"
#include "userview.h"
#include "xmutil.h"

/* The window's icon (made by tools/icons.sh from icons/xchat.svg). */
#include "../icons/xchat.xbm"
#include "../icons/xchat-mask.xbm"

/* --- the icon: its picture, its name, the urgency hint --- */

/* The icon's name: iconLabel, or iconLabelUnread while unread > 0. */
void
client_icon_label(struct client_ui *ui)
{
	struct tkv	 kv[KV_CONN + 1];
	char		 n[16], *s;

	client_view_kv(ui, kv);
	snprintf(n, sizeof n, "%u", ui->unread);
	kv[KV_CONN] = (struct tkv){ 'u', n };
	s = transcript_expand(ui->unread > 0 ? ui->r.icon_unread :
	    ui->r.icon_label, kv, KV_CONN + 1);
	xmu_set_names(ui->top, NULL, s);
	free(s);
}

/*
 * The window manager unmaps an iconified window and maps it again when
 * it is opened: then its messages count as read.  Focus ends urgency.
 */
static void
icon_event_handler(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)cont;
	if (ev->type == UnmapNotify)
		ui->iconic = true;
	else if (ev->type == MapNotify) {
		ui->iconic = false;
		if (ui->unread > 0) {
			ui->unread = 0;
			client_icon_label(ui);
		}
	} else if (ev->type == FocusIn && ui->urgent) {
		ui->urgent = false;
		XtVaSetValues(ui->top, XtNurgency, False, NULL);
	}
}

/*
 * A message from someone else: counted in the icon's name while the
 * window is iconified; a mention while the window does not have the
 * focus sets the urgency hint (WM_HINTS) until it gets the focus.
 */
void
client_icon_message(struct client_ui *ui, bool mention)
{
	if (ui->iconic) {
		ui->unread++;
		client_icon_label(ui);
	}
	if (mention && !ui->focused && !ui->urgent &&
	    XtIsRealized(ui->top)) {
		ui->urgent = true;
		XtVaSetValues(ui->top, XtNurgency, True, NULL);
	}
}

/* The picture and name of the window's icon, and their events. */
void
client_icon_install(struct client_ui *ui)
{
	Boolean	 iconic = False;

	xmu_set_icon(ui->top, xchat_bits, xchat_mask_bits, xchat_width,
	    xchat_height);
	XtVaGetValues(ui->top, XtNiconic, &iconic, NULL);
	ui->iconic = iconic;
	XtAddEventHandler(ui->top, StructureNotifyMask | FocusChangeMask,
	    False, icon_event_handler, ui);
}

/* --- the panes: the transcript and the user list --- */

/*
 * The user list in its pane, under the count of users.  The list keeps
 * the width it was given (listSizePolicy CONSTANT): a long nick gets a
 * horizontal scroll bar, not half the window.
 */
static void
client_users_build(struct client_ui *ui, Widget pane)
{
	Arg	 args[3];
	Widget	 sw;

	ui->usercount = XtVaCreateManagedWidget("userCount",
	    xmLabelWidgetClass, pane, XmNalignment, XmALIGNMENT_BEGINNING,
	    XmNtopAttachment, XmATTACH_FORM,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM, NULL);
	XtSetArg(args[0], XmNselectionPolicy, XmSINGLE_SELECT);
	XtSetArg(args[1], XmNlistSizePolicy, XmCONSTANT);
	XtSetArg(args[2], XmNscrollBarDisplayPolicy, XmAS_NEEDED);
	ui->users = XmCreateScrolledList(pane, "users", args, 3);
	/* Labels and items draw what the font lacks with the fallback. */
	xmu_fallback_init(ui->users);
	sw = XtParent(ui->users);
	XtVaSetValues(sw, XmNtopAttachment, XmATTACH_WIDGET,
	    XmNtopWidget, ui->usercount,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	XtManageChild(ui->users);
	ui->uv = userview_new(ui->users, ui->o.user_list_max,
	    ui->r.user_more);
	userview_marks(ui->uv, ui->r.mark_keyed, ui->r.mark_keychanged);
	ui->ucount = (size_t)-1;
}

/* Give the user pane width w (the paned window's way: min = max = w). */
static void
panes_force(struct client_ui *ui, Dimension w)
{
	Dimension	 min = 0, max = 0;

	XtVaGetValues(ui->upane, XmNpaneMinimum, &min, XmNpaneMaximum, &max,
	    NULL);
	ui->fitting = true;
	XtVaSetValues(ui->upane, XmNpaneMinimum, w, XmNpaneMaximum, w, NULL);
	XtVaSetValues(ui->upane, XmNpaneMinimum, min, XmNpaneMaximum, max,
	    NULL);
	ui->fitting = false;
}

/*
 * Fit the panes in the window: the user list keeps the width it was
 * given (or the user dragged the sash to), less when the transcript
 * would go below its minimum, never below its own; so a narrow window
 * keeps both, and widened again the list comes back to its width.
 */
static void
panes_fit(struct client_ui *ui)
{
	Dimension	 w = 0, mw = 0, sp = 0, tmin = 0, umin = 0, uw = 0;
	int		 avail, want;

	if (ui->fitting || ui->upref == 0)
		return;
	XtVaGetValues(ui->panes, XmNwidth, &w, XmNmarginWidth, &mw,
	    XmNspacing, &sp, NULL);
	XtVaGetValues(ui->tpane, XmNpaneMinimum, &tmin, NULL);
	XtVaGetValues(ui->upane, XmNpaneMinimum, &umin, XmNwidth, &uw, NULL);
	avail = (int)w - 2 * (int)mw - (int)sp - 4;
	want = ui->upref;
	if (want > avail - (int)tmin)
		want = avail - (int)tmin;
	if (want < (int)umin)
		want = umin;
	if (want != (int)uw)
		panes_force(ui, (Dimension)want);
}

static void
panes_resized(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	(void)w;
	(void)cont;
	if (ev->type == ConfigureNotify)
		panes_fit(closure);
}

/* The sash was dragged: the list's width is the user's choice now. */
static void
panes_sash_moved(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	struct client_ui	*ui = closure;
	Dimension		 uw = 0;

	(void)w;
	(void)ev;
	(void)cont;
	XtVaGetValues(ui->upane, XmNwidth, &uw, NULL);
	if (uw > 0)
		ui->upref = uw;
}

/* Once realized: the list's first width, and the sashes watched. */
void
client_panes_realized(struct client_ui *ui)
{
	WidgetList	 kids = NULL;
	Cardinal	 n = 0, i;

	XtVaGetValues(ui->upane, XmNwidth, &ui->upref, NULL);
	XtVaGetValues(ui->panes, XmNchildren, &kids, XmNnumChildren, &n,
	    NULL);
	for (i = 0; i < n; i++)
		if (kids[i] != ui->tpane && kids[i] != ui->upane &&
		    XtIsWidget(kids[i]))
			XtAddEventHandler(kids[i], ButtonReleaseMask, False,
			    panes_sash_moved, ui);
	XtAddEventHandler(ui->panes, StructureNotifyMask, False,
	    panes_resized, ui);
	panes_fit(ui);
}

/*
 * The panes above the input line: the transcript and the user list,
 * side by side with a sash between them.  Their least and greatest
 * widths are resources (paneMinimum, paneMaximum of transcriptPane
 * and userPane); when the window changes width the transcript takes
 * the difference (the user list is skipAdjust), and panes_fit() keeps
 * both in a narrow window.
 */
void
client_panes_build(struct client_ui *ui, Widget work)
{
	ui->panes = XtVaCreateWidget("panes", xmPanedWindowWidgetClass,
	    work, XmNorientation, XmHORIZONTAL,
	    XmNtopAttachment, XmATTACH_FORM,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, ui->input,
	    NULL);
	ui->tpane = XtVaCreateWidget("transcriptPane", xmFormWidgetClass,
	    ui->panes, NULL);
	ui->upane = XtVaCreateWidget("userPane", xmFormWidgetClass, ui->panes,
	    XmNskipAdjust, True, NULL);
	client_transcript_build(ui, ui->tpane);
	client_users_build(ui, ui->upane);
	XtManageChild(ui->tpane);
	XtManageChild(ui->upane);
	XtManageChild(ui->panes);
}
