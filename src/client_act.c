/*
 * client_act.c -- what the user does in xchat's window: the input
 * line (commands, Up/Down history), the menus (Reconnect, Connection,
 * Save transcript, Quit, About) and their dialogs, the question about
 * a new server key and the warning about a changed one, and closing
 * the window.  client_ui.c shows; this file acts.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <Xm/Xm.h>
#include <Xm/FileSB.h>
#include <Xm/Form.h>
#include <Xm/MessageB.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/TextF.h>

#include "client_int.h"
#include "evloop.h"
#include "xmalloc.h"
#include "xmutil.h"

/* A dialog text about the server's key: %f, %o and %k besides the rest. */
static char *
key_text(struct client_ui *ui, const char *tmpl, const char *fp,
    const char *old)
{
	struct tkv	 kv[KV_CONN + 3];

	client_view_kv(ui, kv);
	kv[KV_CONN] = (struct tkv){ 'f', fp };
	kv[KV_CONN + 1] = (struct tkv){ 'o', old != NULL ? old : "" };
	kv[KV_CONN + 2] = (struct tkv){ 'k', ui->o.known };
	return transcript_expand(tmpl, kv, KV_CONN + 3);
}

static void
trust_answer_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	XmAnyCallbackStruct	*cbs = call;

	XtUnmanageChild(w);
	netclient_trust(ui->nc, cbs->reason == XmCR_OK);
}

/*
 * First use: ask; a changed key, or not the one given with -trust: say
 * so, loudly (no retry follows).
 */
void
client_trust_ask(struct client_ui *ui, enum nc_trust what, const char *fp,
    const char *old)
{
	char			*s;

	if (what == NCT_NEW) {
		if (ui->trustbox == NULL) {
			ui->trustbox = xmu_message_dialog(ui->top,
			    "trustDialog", XmDIALOG_QUESTION, true);
			XtAddCallback(ui->trustbox, XmNokCallback,
			    trust_answer_cb, ui);
			XtAddCallback(ui->trustbox, XmNcancelCallback,
			    trust_answer_cb, ui);
		}
		s = key_text(ui, ui->r.trust_question, fp, NULL);
		xmu_show_message(ui->trustbox, s);
	} else {
		if (ui->changedbox == NULL)
			ui->changedbox = xmu_message_dialog(ui->top,
			    "keyChangedDialog", XmDIALOG_ERROR, false);
		s = key_text(ui, what == NCT_GIVEN ? ui->r.key_given :
		    ui->r.key_changed, fp, old);
		xmu_show_message(ui->changedbox, s);
	}
	free(s);
}

static void
do_quit(struct client_ui *ui, const char *text)
{
	client_view_flush(ui);
	if (ui->nc != NULL)
		netclient_quit(ui->nc, text);
	evloop_quit();
}

static void
recall_add(struct client_ui *ui, const char *s)
{
	free(ui->draft);
	ui->draft = NULL;
	if (ui->nhist > 0 && strcmp(ui->hist[ui->nhist - 1], s) == 0) {
		ui->histpos = ui->nhist;
		return;
	}
	if (ui->nhist == INPUT_HISTORY) {
		free(ui->hist[0]);
		memmove(ui->hist, ui->hist + 1,
		    (INPUT_HISTORY - 1) * sizeof *ui->hist);
		ui->nhist--;
	}
	ui->hist[ui->nhist++] = xstrdup(s);
	ui->histpos = ui->nhist;
}

static void
send_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	char			*in = XmTextFieldGetString(ui->input);
	size_t			 len = strlen(in);
	struct nc_cmd		 c;
	char			*arg;
	bool			 clear = true;

	(void)w;
	(void)call;
	netclient_parse_command(in, len, &c);
	arg = xstrndup(c.arg != NULL ? c.arg : "", c.arglen);
	switch (c.kind) {
	case NCC_EMPTY:
		clear = false;
		break;
	case NCC_NICK:
		netclient_nick(ui->nc, arg);
		break;
	case NCC_QUIT:
		recall_add(ui, in);
		XtFree(in);
		do_quit(ui, arg);
		free(arg);
		return;
	case NCC_UNKNOWN:
		transcript_note_text(&ui->t, ui->r.err_unknown, c.arg,
		    c.arglen);
		clear = false;
		break;
	case NCC_BADNICK:
		transcript_note(&ui->t, ui->r.err_badnick, NULL, 0);
		clear = false;
		break;
	case NCC_BADTEXT:
		transcript_note(&ui->t, ui->r.err_badtext, NULL, 0);
		clear = false;
		break;
	default:
		/* /msg, /me, /away, /back, /help, usage, too long. */
		clear = client_conv_command(ui, &c, 0, ui->input);
		break;
	}
	if (c.kind != NCC_EMPTY)
		recall_add(ui, in);
	if (clear)
		XmTextFieldSetString(ui->input, "");
	free(arg);
	XtFree(in);
	client_flush_now(ui);
}

/* Actions bound to Up and Down in the input line. */
static struct client_ui *action_ui;

/*
 * Up and Down walk the lines typed before.  The line being typed (the
 * draft) is kept when Up leaves it and comes back when Down walks past
 * the newest line; a recalled line that was edited is kept the same
 * way, as the draft, if Up leaves the bottom from it.  Down at the
 * bottom puts what is typed into the history and empties the line (as
 * irssi does): Up brings it back.
 */
static void
history_action(Widget w, XEvent *ev, String *params, Cardinal *np)
{
	struct client_ui	*ui = action_ui;
	bool			 up = *np > 0 && strcmp(params[0], "up") == 0;
	char			*in;

	(void)w;
	(void)ev;
	if (ui == NULL || ui->nhist == 0)
		return;
	if (ui->histpos == ui->nhist) {
		in = XmTextFieldGetString(ui->input);
		free(ui->draft);
		ui->draft = NULL;
		if (up)
			ui->draft = xstrdup(in);
		else if (*in != '\0') {
			/* Down below the newest: into the history, cleared. */
			recall_add(ui, in);
			XmTextFieldSetString(ui->input, "");
		}
		XtFree(in);
		if (!up)
			return;
	}
	if (up && ui->histpos > 0)
		ui->histpos--;
	else if (!up && ui->histpos < ui->nhist)
		ui->histpos++;
	XmTextFieldSetString(ui->input, ui->histpos < ui->nhist ?
	    ui->hist[ui->histpos] : ui->draft != NULL ? ui->draft : "");
	XmTextFieldSetInsertionPosition(ui->input,
	    XmTextFieldGetLastPosition(ui->input));
}

/* End (and Ctrl+End) in the input line: the transcript follows again. */
static void
follow_action(Widget w, XEvent *ev, String *params, Cardinal *np)
{
	(void)w;
	(void)ev;
	(void)params;
	(void)np;
	if (action_ui != NULL)
		client_follow(action_ui);
}

static void
reconnect_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	netclient_reconnect(ui->nc);
}

static void
client_quit_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)w;
	(void)call;
	do_quit(closure, NULL);
}

/* File > Connection: the transport and the server's key. */
static void
connection_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	const char		*fp = netclient_server_key(ui->nc);
	char			*s;

	(void)w;
	(void)call;
	if (ui->connbox == NULL)
		ui->connbox = xmu_message_dialog(ui->top, "connectionDialog",
		    XmDIALOG_INFORMATION, false);
	s = key_text(ui, ui->r.conn_info, *fp != '\0' ? fp : ui->r.no_key,
	    NULL);
	xmu_show_message(ui->connbox, s);
	free(s);
}

static void
client_about_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	struct tkv		 v = { 'v', PACKAGE_VERSION };
	char			*s;

	(void)w;
	(void)call;
	if (ui->about == NULL)
		ui->about = xmu_message_dialog(ui->top, "aboutDialog",
		    XmDIALOG_INFORMATION, false);
	s = transcript_expand(ui->r.about_message, &v, 1);
	xmu_show_message(ui->about, s);
	free(s);
}

/*
 * Write what the view holds to path, in rows as wide as the window's;
 * 0, or -1 with errno set.
 */
static int
save_to(struct client_ui *ui, const char *path)
{
	FILE	*fp;
	bool	 ok;
	int	 e;

	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	client_view_flush(ui);
	ok = logview_save(ui->lv, fp, logview_columns(ui->lv));
	e = errno;
	if (fclose(fp) == EOF)
		return -1;
	errno = e;
	return ok ? 0 : -1;
}

/* Save to path, say how it went, close the dialog. */
static void
save_finish(struct client_ui *ui, const char *path)
{
	struct tkv	 kv[2];

	XtUnmanageChild(ui->savebox);
	kv[0] = (struct tkv){ 'x', path };
	if (save_to(ui, path) == 0) {
		transcript_note(&ui->t, ui->r.note_saved, kv, 1);
	} else {
		kv[1] = (struct tkv){ 't', strerror(errno) };
		transcript_note(&ui->t, ui->r.note_savefail, kv, 2);
	}
}

/*
 * Propose a file name in the dialog's directory (saveFileName, '/' in
 * the host made '_'), its name selected so that typing replaces it.
 */
static void
save_propose(struct client_ui *ui)
{
	Widget		 tf = XmFileSelectionBoxGetChild(ui->savebox,
			    XmDIALOG_TEXT);
	XmString	 xd = NULL;
	struct tkv	 kv[KV_CONN];
	char		*dir = NULL, *name, *p, *full;
	size_t		 dlen;

	XtVaGetValues(ui->savebox, XmNdirectory, &xd, NULL);
	if (xd == NULL || !XmStringGetLtoR(xd, XmFONTLIST_DEFAULT_TAG, &dir))
		dir = NULL;
	XmStringFree(xd);
	client_view_kv(ui, kv);
	name = transcript_expand(ui->r.save_name, kv, KV_CONN);
	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	dlen = dir != NULL ? strlen(dir) : 0;
	full = xmalloc(dlen + strlen(name) + 2);
	snprintf(full, dlen + strlen(name) + 2, "%s%s%s",
	    dir != NULL ? dir : "",
	    dlen > 0 && dir[dlen - 1] != '/' ? "/" : "", name);
	XmTextFieldSetString(tf, full);
	XmTextFieldSetSelection(tf, (XmTextPosition)(strlen(full) -
	    strlen(name)), XmTextFieldGetLastPosition(tf),
	    XtLastTimestampProcessed(XtDisplay(tf)));
	XmTextFieldSetInsertionPosition(tf, XmTextFieldGetLastPosition(tf));
	XmProcessTraversal(tf, XmTRAVERSE_CURRENT);
	free(full);
	free(name);
	XtFree(dir);
}

static void
overwrite_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	XmAnyCallbackStruct	*cbs = call;

	XtUnmanageChild(w);
	if (cbs->reason == XmCR_OK && ui->savepath != NULL)
		save_finish(ui, ui->savepath);
	free(ui->savepath);
	ui->savepath = NULL;
}

/*
 * OK in the save dialog: a directory is opened (the dialog stays), an
 * existing file asks first, anything else is written.
 */
static void
save_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui		*ui = closure;
	XmFileSelectionBoxCallbackStruct *cbs = call;
	char				*path = NULL, *mask, *s;
	struct stat			 sb;
	struct tkv			 kv;
	XmString			 x;

	(void)w;
	if (!XmStringGetLtoR(cbs->value, XmFONTLIST_DEFAULT_TAG, &path) ||
	    path == NULL || *path == '\0') {
		XtFree(path);
		return;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		mask = xmalloc(strlen(path) + 3);
		snprintf(mask, strlen(path) + 3, "%s/*", path);
		x = xmu_string(mask);
		XmFileSelectionDoSearch(ui->savebox, x);
		XmStringFree(x);
		free(mask);
		save_propose(ui);
	} else if (stat(path, &sb) == 0) {
		if (ui->overbox == NULL) {
			ui->overbox = xmu_message_dialog(ui->top,
			    "overwriteDialog", XmDIALOG_QUESTION, true);
			XtVaSetValues(ui->overbox, XmNdialogStyle,
			    XmDIALOG_FULL_APPLICATION_MODAL, NULL);
			XtAddCallback(ui->overbox, XmNokCallback, overwrite_cb,
			    ui);
			XtAddCallback(ui->overbox, XmNcancelCallback,
			    overwrite_cb, ui);
		}
		free(ui->savepath);
		ui->savepath = xstrdup(path);
		kv = (struct tkv){ 'x', path };
		s = transcript_expand(ui->r.save_overwrite, &kv, 1);
		xmu_show_message(ui->overbox, s);
		free(s);
	} else
		save_finish(ui, path);
	XtFree(path);
}

static void
save_cancel_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)closure;
	(void)call;
	XtUnmanageChild(w);
}

static void
save_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	Arg			 args[1];

	(void)w;
	(void)call;
	if (ui->savebox == NULL) {
		XtSetArg(args[0], XmNautoUnmanage, False);
		ui->savebox = XmCreateFileSelectionDialog(ui->top, "saveDialog",
		    args, 1);
		XtAddCallback(ui->savebox, XmNokCallback, save_ok_cb, ui);
		XtAddCallback(ui->savebox, XmNcancelCallback, save_cancel_cb,
		    ui);
		XtUnmanageChild(XmFileSelectionBoxGetChild(ui->savebox,
		    XmDIALOG_HELP_BUTTON));
	}
	xmu_popup(ui->savebox);
	save_propose(ui);
}

void
client_save_dump(struct client_ui *ui, FILE *fp)
{
	Widget		 tf;
	XmTextPosition	 a, b;
	char		*s;

	if (ui->savebox == NULL)
		return;
	tf = XmFileSelectionBoxGetChild(ui->savebox, XmDIALOG_TEXT);
	s = XmTextFieldGetString(tf);
	fprintf(fp, "savetext: %s\n", s);
	XtFree(s);
	if (XmTextFieldGetSelectionPosition(tf, &a, &b))
		fprintf(fp, "saveselection: %ld %ld\n", (long)a, (long)b);
}

static void
wm_delete_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)w;
	(void)call;
	do_quit(closure, NULL);
}

static void
focus_handler(Widget w, XtPointer closure, XEvent *ev, Boolean *cont)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)cont;
	if (ev->type == FocusIn)
		ui->focused = true;
	else if (ev->type == FocusOut)
		ui->focused = false;
}

/* The menu bar: File (reconnect, save, quit), Edit (find), Help. */
Widget
client_menubar_build(struct client_ui *ui)
{
	Widget	 menubar, menu, helpcb;

	menubar = XmCreateMenuBar(ui->main, "menuBar", NULL, 0);
	menu = xmu_add_menu(menubar, "fileMenu", NULL);
	xmu_add_item(menu, "reconnect", reconnect_cb, ui);
	xmu_add_item(menu, "connection", connection_cb, ui);
	xmu_add_item(menu, "save", save_cb, ui);
	xmu_add_item(menu, "quit", client_quit_cb, ui);
	client_find_menu(ui, menubar);
	menu = xmu_add_menu(menubar, "helpMenu", &helpcb);
	XtVaSetValues(menubar, XmNmenuHelpWidget, helpcb, NULL);
	xmu_add_item(menu, "about", client_about_cb, ui);
	XtManageChild(menubar);
	return menubar;
}

/* The input line and its Send button, above the status line. */
void
client_input_build(struct client_ui *ui, Widget work)
{
	ui->send = XtVaCreateManagedWidget("send", xmPushButtonWidgetClass,
	    work, XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET,
	    XmNbottomWidget, ui->status, NULL);
	ui->input = XtVaCreateManagedWidget("input", xmTextFieldWidgetClass,
	    work, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_WIDGET, XmNrightWidget, ui->send,
	    XmNbottomAttachment, XmATTACH_WIDGET,
	    XmNbottomWidget, ui->status, NULL);
	XtVaSetValues(ui->send, XmNtopAttachment, XmATTACH_OPPOSITE_WIDGET,
	    XmNtopWidget, ui->input, NULL);
	XtOverrideTranslations(ui->input, XtParseTranslationTable(
	    "<Key>osfUp: xchatHistory(up)\n"
	    "<Key>osfDown: xchatHistory(down)\n"
	    "Ctrl<Key>osfEndLine: xchatFollow()\n"
	    "<Key>osfEndLine: end-of-line() xchatFollow()\n"));
	XtAddCallback(ui->input, XmNactivateCallback, send_cb, ui);
	XtAddCallback(ui->send, XmNactivateCallback, send_cb, ui);
}

void
client_act_install(struct client_ui *ui)
{
	static XtActionsRec	 actions[] = {
		{ "xchatHistory", history_action },
		{ "xchatFollow", follow_action },
	};
	Atom			 wm_delete;

	action_ui = ui;
	XtAppAddActions(XtWidgetToApplicationContext(ui->top), actions,
	    XtNumber(actions));
	XtVaSetValues(ui->top, XmNdeleteResponse, XmDO_NOTHING, NULL);
	wm_delete = XmInternAtom(XtDisplay(ui->top), "WM_DELETE_WINDOW",
	    False);
	XmAddWMProtocolCallback(ui->top, wm_delete, wm_delete_cb, ui);
	XtAddEventHandler(ui->top, FocusChangeMask, False, focus_handler, ui);
}

void
client_act_free(struct client_ui *ui)
{
	int	 k;

	for (k = 0; k < ui->nhist; k++)
		free(ui->hist[k]);
	free(ui->draft);
	free(ui->savepath);
	if (action_ui == ui)
		action_ui = NULL;
}
