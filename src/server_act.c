/*
 * server_act.c -- what the operator does in xchatd's window: the menus
 * (File: Verify log, Quit; View: Clear, Pause; Clients: Kick; Help:
 * About) and their dialogs, the start-up error dialog, and the SIGUSR1
 * state dump that the GUI tests read.  server_ui.c shows; this file
 * acts.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Xm/Xm.h>
#include <Xm/CascadeB.h>
#include <Xm/List.h>
#include <Xm/MessageB.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/SeparatoG.h>
#include <Xm/Text.h>

#include "logcheck.h"
#include "msglog.h"
#include "server_int.h"
#include "template.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* The check is over (or could not start): say so and show its report. */
static void
verify_show(void *arg, int status, const char *why, const char *report,
    size_t len)
{
	struct server_ui *ui = arg;
	char		 head[2048], *clean;
	const char	*args[2], *fmt;
	unsigned char	 type;

	args[0] = ui->logfile;
	args[1] = why != NULL ? why : "";
	if (why != NULL) {
		fmt = ui->r.verify_failed;
		type = XmDIALOG_ERROR;
	} else if (status == 0) {
		fmt = ui->r.verify_good;
		type = XmDIALOG_INFORMATION;
	} else if (status == 1) {
		fmt = ui->r.verify_bad;
		type = XmDIALOG_WARNING;
	} else {
		fmt = ui->r.verify_unreadable;
		type = XmDIALOG_ERROR;
	}
	template_expand(head, sizeof head, fmt, "fe", args);
	server_event_add(ui, LK_ALWAYS, "%t", "t", (const char *[]){ head });
	clean = xmalloc(len * 3 + 1);
	utf8_clean(clean, report, len, UTF8_KEEP_NEWLINE);
	XtVaSetValues(ui->verify_dialog, XmNdialogType, type, NULL);
	XmTextSetString(ui->verify_text, clean);
	free(clean);
	xmu_show_message(ui->verify_dialog, head);
	XtSetSensitive(ui->verify, True);
}

/* Run msglog_verify() in a child process (logcheck.c). */
static void
verify_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	const char	*args[1];

	(void)w;
	(void)call;
	if (logcheck_running() || !ui->started)
		return;
	args[0] = ui->logfile;
	server_event_add(ui, LK_ALWAYS, ui->r.ev_verify, "f", args);
	if (logcheck_start(ui->logfile, verify_show, ui) == -1) {
		verify_show(ui, 2, strerror(errno), "", 0);
		return;
	}
	XtSetSensitive(ui->verify, False);
}

/* ---- other menu actions ------------------------------------------------ */

static void
clear_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	logview_clear(ui->lv);
}

static void
pause_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	logview_pause(ui->lv, !logview_paused(ui->lv));
	if (logview_paused(ui->lv))
		xmu_set_label(ui->pause, ui->r.resume_label);
	else
		XtVaSetValues(ui->pause, XmNlabelString, ui->pause_label,
		    NULL);
	server_update_status(ui);
}

static void
server_about_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	char		 buf[2048], pv[16];
	const char	*args[6];

	(void)w;
	(void)call;
	snprintf(pv, sizeof pv, "%d", PROTO_VERSION);
	args[0] = PACKAGE_VERSION;
	args[1] = pv;
	args[2] = ui->listen_name != NULL ? ui->listen_name : "-";
	args[3] = ui->logfile != NULL ? ui->logfile : "-";
	args[4] = ui->tls_name != NULL && *ui->tls_name != '\0' ?
	    ui->tls_name : ui->r.no_tls;
	args[5] = ui->fingerprint != NULL && *ui->fingerprint != '\0' ?
	    ui->fingerprint : ui->r.no_tls;
	template_expand(buf, sizeof buf, ui->r.about_message, "vpaltk", args);
	xmu_show_message(ui->about_dialog, buf);
}

/* File > Server key: the fingerprint to read out to users. */
static void
server_key_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	char		 buf[2048];
	const char	*args[2];

	(void)w;
	(void)call;
	args[0] = ui->tls_name != NULL && *ui->tls_name != '\0' ?
	    ui->tls_name : ui->r.no_tls;
	args[1] = ui->fingerprint != NULL && *ui->fingerprint != '\0' ?
	    ui->fingerprint : ui->r.no_tls;
	template_expand(buf, sizeof buf, ui->r.key_message, "tk", args);
	xmu_show_message(ui->key_dialog, buf);
}

static void
quit_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	if (ui->info.quit != NULL)
		ui->info.quit();
}

/* File > Quit and WM_DELETE_WINDOW: ask first if anyone is connected. */
static void
server_quit_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct hub_stats st;
	char		 buf[1024], n[32];
	const char	*args[1];

	(void)w;
	(void)call;
	if (!ui->started)
		return;
	hub_stats(ui->hub, &st);
	if (st.clients == 0) {
		quit_ok_cb(NULL, ui, NULL);
		return;
	}
	args[0] = server_num(ui, st.clients, n);
	template_expand(buf, sizeof buf, ui->r.quit_question, "c", args);
	xmu_show_message(ui->quit_dialog, buf);
}

/* ---- the test hook: SIGUSR1 dumps the window's state --------------------- */
void
server_dump_cb(void *arg)
{
	static const char *widgets[] = {
		"*menuBar.file", "*fileMenu.verify", "*fileMenu.serverKey",
		"*fileMenu.quit",
		"*menuBar.view", "*viewMenu.clear", "*viewMenu.pause",
		"*menuBar.clients", "*clientsMenu.kick", "*menuBar.help",
		"*helpMenu.about", "*clientsPanel.clientsTitle",
		"*clientsPanel.clientsHeader", "*clientsPanel.kick",
		"*clientList", "*events", "*status",
	};
	static const char *dialogs[] = {
		"*serverKeyDialog",
		"*quitDialog", "*aboutDialog", "*verifyDialog", "*logDialog",
	};
	struct server_ui *ui = arg;
	char		*p;
	FILE		*fp;
	size_t		 k;

	if (ui->r.dump_file == NULL || ui->r.dump_file[0] == '\0')
		return;
	server_flush_cb(ui);
	if (ui->flush_timer != NULL) {
		evloop_timer_del(ui->flush_timer);
		ui->flush_timer = NULL;
		if (ui->skip_msgs || ui->skip_other)
			server_schedule_flush(ui);
	}
	if ((fp = xmu_dump_open(ui->r.dump_file)) == NULL)
		return;
	xmu_dump_title(fp, ui->top);
	fprintf(fp, "paused %d\nheld %zu\n", logview_paused(ui->lv),
	    logview_held(ui->lv));
	xmu_dump_list(fp, ui->list, "clients", "client");
	p = xmu_label_text(ui->status);
	fprintf(fp, "status %s\n", p);
	XtFree(p);
	for (k = 0; k < XtNumber(widgets); k++)
		xmu_dump_widget(fp, ui->top, widgets[k]);
	for (k = 0; k < XtNumber(dialogs); k++)
		xmu_dump_dialog(fp, ui->top, dialogs[k]);
	/* The last dumpLines lines of the event view; the rows shown. */
	fprintf(fp, "lines %zu\n", logview_lines(ui->lv));
	logview_dump(ui->lv, fp, "event", ui->r.dump_lines);
	logview_dump_screen(ui->lv, fp, "row");
	xmu_dump_close(fp, ui->r.dump_file);
}

/* ---- construction ------------------------------------------------------ */

/* File, View, Clients and Help. */
Widget
server_menu_bar(struct server_ui *ui, Widget mw)
{
	Widget	 bar, pd;

	bar = XmCreateMenuBar(mw, "menuBar", NULL, 0);
	pd = xmu_menu(bar, "file", "fileMenu", false);
	ui->verify = xmu_add_item(pd, "verify", verify_cb, ui);
	xmu_add_item(pd, "serverKey", server_key_cb, ui);
	XtVaCreateManagedWidget("separator", xmSeparatorGadgetClass, pd,
	    NULL);
	xmu_add_item(pd, "quit", server_quit_cb, ui);
	pd = xmu_menu(bar, "view", "viewMenu", false);
	xmu_add_item(pd, "clear", clear_cb, ui);
	ui->pause = xmu_add_item(pd, "pause", pause_cb, ui);
	XtVaGetValues(ui->pause, XmNlabelString, &ui->pause_label, NULL);
	pd = xmu_menu(bar, "clients", "clientsMenu", false);
	ui->kick_item = xmu_add_item(pd, "kick", server_kick_cb, ui);
	pd = xmu_menu(bar, "help", "helpMenu", true);
	xmu_add_item(pd, "about", server_about_cb, ui);
	XtManageChild(bar);
	return bar;
}

/* The quit, about and verify dialogs (unmanaged) and WM_DELETE_WINDOW. */
void
server_dialogs(struct server_ui *ui, Widget top)
{
	Atom	 del;
	Arg	 a[2];

	ui->quit_dialog = xmu_message_dialog(top, "quitDialog",
	    XmDIALOG_QUESTION, true);
	XtAddCallback(ui->quit_dialog, XmNokCallback, quit_ok_cb, ui);
	ui->about_dialog = xmu_message_dialog(top, "aboutDialog",
	    XmDIALOG_INFORMATION, false);
	ui->key_dialog = xmu_message_dialog(top, "serverKeyDialog",
	    XmDIALOG_INFORMATION, false);
	ui->verify_dialog = xmu_message_dialog(top, "verifyDialog",
	    XmDIALOG_INFORMATION, false);
	XtSetArg(a[0], XmNrows, 12);
	XtSetArg(a[1], XmNcolumns, 72);
	ui->verify_text = xmu_log_text(ui->verify_dialog, "verifyText", a, 2);

	XtVaSetValues(top, XmNdeleteResponse, XmDO_NOTHING, NULL);
	del = XmInternAtom(XtDisplay(top), "WM_DELETE_WINDOW", False);
	XmAddWMProtocolCallback(top, del, server_quit_cb, ui);
}

static void
error_done_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)w;
	(void)call;
	*(bool *)closure = true;
}

/*
 * Show a start-up error in a modal dialog over toplevel and return
 * when the operator dismisses it (OK, or the window manager closing
 * it).  The caller then exits.
 */
void
server_ui_error(Widget top, const char *msg)
{
	XtAppContext	 app = XtWidgetToApplicationContext(top);
	Widget		 d;
	String		 fmt = NULL;
	char		 buf[2048];
	const char	*args[1];
	XmString	 s;
	bool		 done = false;

	XtGetApplicationResources(top, &fmt, server_res_error, 1, NULL, 0);
	args[0] = msg;
	template_expand(buf, sizeof buf, fmt != NULL ? fmt : "%m", "m", args);
	if (!XtIsRealized(top))
		XtRealizeWidget(top);
	d = xmu_message_dialog(top, "errorDialog", XmDIALOG_ERROR, false);
	s = xmu_string(buf);
	XtVaSetValues(d, XmNmessageString, s, XmNdialogStyle,
	    XmDIALOG_FULL_APPLICATION_MODAL, NULL);
	XmStringFree(s);
	XtAddCallback(d, XmNokCallback, error_done_cb, &done);
	XtAddCallback(d, XmNunmapCallback, error_done_cb, &done);
	XtManageChild(d);
	while (!done)
		XtAppProcessEvent(app, XtIMAll);
}

