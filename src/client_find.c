/*
 * client_find.c -- finding text in xchat's transcript (Edit > Find...,
 * Ctrl+F, Find Next and Find Previous, through XmTextFindString) and
 * the links in it: a click on one runs urlCommand (links.c: no shell,
 * the link one argument of its own).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <X11/cursorfont.h>
#include <Xm/Xm.h>
#include <Xm/SelectioB.h>
#include <Xm/Text.h>

#include "client_int.h"
#include "links.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* What the find dialog's label said first ("Find:"), to put back. */
static XmString	 find_label;
/* The window of the find actions (one window per program). */
static struct client_ui *find_ui;

/* Show the dialog's label: the first one, or notFound with %x. */
static void
find_say(struct client_ui *ui, const char *pat, bool found)
{
	struct tkv	 kv = { 'x', pat };
	XmString	 x;
	char		*s;

	if (found) {
		XtVaSetValues(ui->findbox, XmNselectionLabelString, find_label,
		    NULL);
		return;
	}
	s = transcript_expand(ui->r.find_notfound, &kv, 1);
	x = xmu_string(s);
	XtVaSetValues(ui->findbox, XmNselectionLabelString, x, NULL);
	XmStringFree(x);
	free(s);
}

/*
 * Find the dialog's text in the transcript: forward from just after
 * the start of the selection (or from the top of the view), backward
 * from before it (or from the end), round the end once.  The match is
 * selected and scrolled into view (the view then stays put).
 */
static void
find_go(struct client_ui *ui, bool forward)
{
	Widget			 tf;
	XmTextPosition		 left, right, start, pos, last;
	XmTextDirection		 dir = forward ? XmTEXT_FORWARD :
				    XmTEXT_BACKWARD;
	char			*pat;
	bool			 sel, found;
	size_t			 n;

	if (ui->findbox == NULL)
		return;
	tf = XmSelectionBoxGetChild(ui->findbox, XmDIALOG_TEXT);
	pat = XmTextGetString(tf);
	if (pat == NULL || *pat == '\0') {
		XtFree(pat);
		return;
	}
	client_view_flush(ui);
	last = XmTextGetLastPosition(ui->text);
	sel = XmTextGetSelectionPosition(ui->text, &left, &right) &&
	    left != right;
	if (forward)
		start = sel ? left + 1 : XmTextGetTopCharacter(ui->text);
	else
		start = sel && left > 0 ? left - 1 : last;
	found = XmTextFindString(ui->text, start, pat, dir, &pos);
	if (!found)
		found = XmTextFindString(ui->text, forward ? 0 : last, pat,
		    dir, &pos);
	find_say(ui, pat, found);
	if (found) {
		n = utf8_chars(pat, strlen(pat));
		XmTextSetSelection(ui->text, pos, pos + (XmTextPosition)n,
		    XtLastTimestampProcessed(XtDisplay(ui->text)));
		XmTextShowPosition(ui->text, pos);
	}
	XtFree(pat);
}

/* The dialog's buttons: Find Next (OK), Find Previous (Apply), Close. */
static void
find_button_cb(Widget w, XtPointer closure, XtPointer call)
{
	XmSelectionBoxCallbackStruct *cb = call;

	if (cb->reason == XmCR_CANCEL)
		XtUnmanageChild(w);
	else
		find_go(closure, cb->reason == XmCR_OK);
}

/* F3 and Shift+F3 in the dialog (the menu's accelerators are not). */
static void
find_action(Widget w, XEvent *ev, String *params, Cardinal *np)
{
	(void)w;
	(void)ev;
	if (find_ui != NULL)
		find_go(find_ui, *np == 0 ||
		    strcmp(params[0], "previous") != 0);
}

/*
 * The find dialog: a prompt with Find Next (OK), Find Previous (Apply)
 * and Close; it stays open while the user searches.
 */
/*
 * Give the dialog the keyboard: the X input focus to its shell if it is
 * viewable (a window manager that gives the focus to the window under
 * the pointer, twm, left it on the main window, whose input line then
 * got the words, and Enter sent them to everyone), and Motif's to its
 * text field.
 */
static void
find_focus(struct client_ui *ui)
{
	Widget			 shell = XtParent(ui->findbox);
	XWindowAttributes	 wa;

	if (XtIsRealized(shell) && XGetWindowAttributes(XtDisplay(shell),
	    XtWindow(shell), &wa) && wa.map_state == IsViewable)
		XSetInputFocus(XtDisplay(shell), XtWindow(shell),
		    RevertToParent, CurrentTime);
	XmProcessTraversal(XmSelectionBoxGetChild(ui->findbox,
	    XmDIALOG_TEXT), XmTRAVERSE_CURRENT);
}

/* The dialog is mapped: now it can have the focus. */
static void
find_mapped(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	(void)w;
	(void)cont;
	if (ev->type == MapNotify)
		find_focus(closure);
}

static void
find_build(struct client_ui *ui)
{
	static XtActionsRec	 actions[] = {
		{ "xchatFind", find_action },
	};
	Arg			 args[1];

	XtSetArg(args[0], XmNautoUnmanage, False);
	ui->findbox = XmCreatePromptDialog(ui->top, "findDialog", args, 1);
	XtAddCallback(ui->findbox, XmNokCallback, find_button_cb, ui);
	XtAddCallback(ui->findbox, XmNapplyCallback, find_button_cb, ui);
	XtAddCallback(ui->findbox, XmNcancelCallback, find_button_cb, ui);
	XtManageChild(XmSelectionBoxGetChild(ui->findbox,
	    XmDIALOG_APPLY_BUTTON));
	XtUnmanageChild(XmSelectionBoxGetChild(ui->findbox,
	    XmDIALOG_HELP_BUTTON));
	XtVaGetValues(ui->findbox, XmNselectionLabelString, &find_label,
	    NULL);
	find_ui = ui;
	XtAddEventHandler(XtParent(ui->findbox), StructureNotifyMask, False,
	    find_mapped, ui);
	XtAppAddActions(XtWidgetToApplicationContext(ui->top), actions,
	    XtNumber(actions));
	XtOverrideTranslations(XmSelectionBoxGetChild(ui->findbox,
	    XmDIALOG_TEXT), XtParseTranslationTable(
	    "Shift<Key>F3: xchatFind(previous)\n"
	    "<Key>F3: xchatFind(next)\n"));
}

/* Edit > Find... (Ctrl+F): the dialog, its text selected. */
static void
find_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	Widget			 tf;

	(void)w;
	(void)call;
	if (ui->findbox == NULL)
		find_build(ui);
	xmu_popup(ui->findbox);
	tf = XmSelectionBoxGetChild(ui->findbox, XmDIALOG_TEXT);
	XmTextSetSelection(tf, 0, XmTextGetLastPosition(tf),
	    XtLastTimestampProcessed(XtDisplay(tf)));
	find_focus(ui);
}

/* Find Next and Find Previous from the menu: the dialog if no text. */
static void
find_again_cb(Widget w, XtPointer closure, XtPointer call, bool forward)
{
	struct client_ui	*ui = closure;
	char			*pat = NULL;

	if (ui->findbox != NULL)
		pat = XmTextGetString(XmSelectionBoxGetChild(ui->findbox,
		    XmDIALOG_TEXT));
	if (pat == NULL || *pat == '\0')
		find_cb(w, closure, call);
	else
		find_go(ui, forward);
	XtFree(pat);
}

static void
menu_next_cb(Widget w, XtPointer closure, XtPointer call)
{
	find_again_cb(w, closure, call, true);
}

static void
menu_prev_cb(Widget w, XtPointer closure, XtPointer call)
{
	find_again_cb(w, closure, call, false);
}

void
client_find_menu(struct client_ui *ui, Widget menubar)
{
	Widget	 menu;

	menu = xmu_add_menu(menubar, "editMenu", NULL);
	xmu_add_item(menu, "find", find_cb, ui);
	xmu_add_item(menu, "findNext", menu_next_cb, ui);
	xmu_add_item(menu, "findPrevious", menu_prev_cb, ui);
}

/* --- links --- */

/* Run urlCommand on url. */
static void
link_open(struct client_ui *ui, const char *url)
{
	char	**argv = links_argv(ui->o.url_command, url);

	if (argv == NULL)
		return;
	if (links_run(argv) != 0)
		log_warn("cannot run %s", argv[0]);
	links_argv_free(argv);
}

/*
 * A click (press and release of button 1 at the same place, not a drag
 * that selects) on a link in the transcript opens it.
 */
static void
link_handler(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	static int		 px = -100, py = -100;
	struct client_ui	*ui = closure;
	XmTextPosition		 pos;
	size_t			 off, b, e;
	char			*line, *url;

	(void)cont;
	if (ev->xbutton.button != Button1)
		return;
	if (ev->type == ButtonPress) {
		px = ev->xbutton.x;
		py = ev->xbutton.y;
		return;
	}
	if (ev->type != ButtonRelease || abs(ev->xbutton.x - px) > 3 ||
	    abs(ev->xbutton.y - py) > 3 || *ui->o.url_command == '\0')
		return;
	pos = XmTextXYToPos(w, (Position)ev->xbutton.x,
	    (Position)ev->xbutton.y);
	if ((line = logview_text_at(ui->lv, (long)pos, &off)) == NULL)
		return;
	if (links_find(line, strlen(line), off, &b, &e)) {
		url = xstrndup(line + b, e - b);
		link_open(ui, url);
		free(url);
	}
	free(line);
}

/* Is there a link under widget position pos? */
static bool
link_at(struct client_ui *ui, XmTextPosition pos)
{
	size_t	 off, b, e;
	char	*line;
	bool	 yes;

	if ((line = logview_text_at(ui->lv, (long)pos, &off)) == NULL)
		return false;
	yes = links_find(line, strlen(line), off, &b, &e);
	free(line);
	return yes;
}

/* Over a link the pointer is a hand, elsewhere the text's own. */
static void
link_hover(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	static Cursor		 hand;
	static bool		 on;
	struct client_ui	*ui = closure;
	bool			 over;

	(void)cont;
	over = ev->type == MotionNotify && *ui->o.url_command != '\0' &&
	    link_at(ui, XmTextXYToPos(w, (Position)ev->xmotion.x,
	    (Position)ev->xmotion.y));
	if (over == on || !XtIsRealized(w))
		return;
	if (hand == None)
		hand = XCreateFontCursor(XtDisplay(w), XC_hand2);
	XDefineCursor(XtDisplay(w), XtWindow(w), over ? hand : None);
	on = over;
}

void
client_links_install(struct client_ui *ui)
{
	XtAddEventHandler(ui->text, ButtonPressMask | ButtonReleaseMask,
	    False, link_handler, ui);
	XtAddEventHandler(ui->text, PointerMotionMask | LeaveWindowMask,
	    False, link_hover, ui);
}

/*
 * For the dump: the transcript's selection, the find dialog, and where
 * on the screen each link shown begins ("link X Y text", root
 * coordinates of its first character's baseline).
 */
void
client_find_dump(struct client_ui *ui, FILE *fp)
{
	static const char *const pfx[] = { "http://", "https://", "ftp://" };
	XmTextPosition		 left, right, pos, from, n;
	Position		 x, y, rx, ry;
	char			*s, *e;
	size_t			 k;

	s = XmTextGetSelection(ui->text);
	if (s != NULL && XmTextGetSelectionPosition(ui->text, &left, &right))
		fprintf(fp, "selection: %ld %ld %s\n", (long)left, (long)right,
		    s);
	XtFree(s);
	xmu_dump_widget(fp, ui->top, "*findDialog");
	if (ui->findbox != NULL) {
		xmu_dump_widget(fp, ui->top, "*findDialog*Apply");
		xmu_dump_widget(fp, ui->top, "*findDialog*Cancel");
		s = xmu_label_text(XmSelectionBoxGetChild(ui->findbox,
		    XmDIALOG_SELECTION_LABEL));
		fprintf(fp, "findlabel: \"%s\"\n", s);
		XtFree(s);
	}
	for (k = 0; k < 3; k++) {
		from = XmTextGetTopCharacter(ui->text);
		while (XmTextFindString(ui->text, from, (char *)pfx[k],
		    XmTEXT_FORWARD, &pos) &&
		    XmTextPosToXY(ui->text, pos, &x, &y)) {
			XtTranslateCoords(ui->text, x, y, &rx, &ry);
			n = XmTextGetLastPosition(ui->text) - pos;
			s = xmalloc(1024);
			if (XmTextGetSubstring(ui->text, pos, n < 200 ? n : 200,
			    1024, s) == XmCOPY_FAILED)
				*s = '\0';
			if ((e = strpbrk(s, " \n")) != NULL)
				*e = '\0';
			fprintf(fp, "link %d %d %s\n", rx, ry, s);
			free(s);
			from = pos + 1;
		}
	}
}

void
client_find_free(struct client_ui *ui)
{
	if (find_ui == ui)
		find_ui = NULL;
	if (find_label != NULL)
		XmStringFree(find_label);
	find_label = NULL;
}
