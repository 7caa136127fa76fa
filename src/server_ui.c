/*
 * server_ui.c -- xchatd's Motif window (first cut: an event view).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <Xm/Xm.h>
#include <Xm/MainW.h>
#include <Xm/MessageB.h>
#include <Xm/Text.h>

#include "server_ui.h"
#include "xmalloc.h"

struct server_ui {
	Widget		 top;
	Widget		 text;
	struct hub	*hub;
};

static String fallbacks[] = {
	"XChatd.title: xchatd (no app-defaults)",
	"XChatd*renderTable: xft",
	"XChatd*renderTable.xft.fontType: FONT_IS_XFT",
	"XChatd*renderTable.xft.fontName: DejaVu Sans Mono",
	"XChatd*renderTable.xft.fontSize: 10",
	NULL
};

void
server_ui_fallbacks(XtAppContext app)
{
	XtAppSetFallbackResources(app, fallbacks);
}

static void
append(struct server_ui *ui, const char *line)
{
	XmTextPosition	 end = XmTextGetLastPosition(ui->text);

	XmTextInsert(ui->text, end, (char *)line);
}

static void
ev_joined(void *arg, const struct hub_client_info *ci)
{
	char	 buf[256];

	snprintf(buf, sizeof buf, "join %llu %s %s\n",
	    (unsigned long long)ci->id, ci->nick, ci->peer);
	append(arg, buf);
}

static const struct hub_events events = {
	.joined = ev_joined,
};

const struct hub_events *
server_ui_events(void)
{
	return &events;
}

struct server_ui *
server_ui_create(Widget top)
{
	struct server_ui *ui = xcalloc(1, sizeof *ui);
	Widget		 mw;

	ui->top = top;
	mw = XmCreateMainWindow(top, "main", NULL, 0);
	XtManageChild(mw);
	ui->text = XmCreateScrolledText(mw, "events", NULL, 0);
	XtVaSetValues(ui->text, XmNeditMode, XmMULTI_LINE_EDIT,
	    XmNeditable, False, XmNrows, 24, XmNcolumns, 80, NULL);
	XtManageChild(ui->text);
	XtRealizeWidget(top);
	return ui;
}

void
server_ui_start(struct server_ui *ui, struct hub *hub,
    const struct server_ui_info *info)
{
	char	 buf[512];

	ui->hub = hub;
	snprintf(buf, sizeof buf, "listening on %s\n", info->listen_name);
	append(ui, buf);
}

void
server_ui_error(Widget top, const char *msg)
{
	(void)top;
	(void)msg;
}
