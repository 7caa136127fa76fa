/*
 * client_dm.c -- xchat's private conversations (issue 13): one window
 * per user, opened by /msg, by a double-click in the user list, by the
 * user dialog's Private message button, or by a private message that
 * comes in.  Its title and a line across its top say that it is
 * private and with whom; every line in it is written with the private
 * formats ("[private]"); the client log records them as dm-in and
 * dm-out.  Messages in it are verified like any other (digest, and in
 * version 2 the signature, which covers the recipient's key).  Closing
 * the window hides it; its lines stay until the program ends.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <X11/Shell.h>
#include <Xm/Xm.h>
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/Text.h>
#include <Xm/TextF.h>

#include "client_int.h"
#include "evloop.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

struct dmwin {
	struct client_ui	*ui;
	struct dmwin		*next;
	uint64_t		 id;
	char			*nick;		/* display-clean */
	bool			 shown;
	bool			 gone;		/* left the server */
	Widget			 shell, header, text, input, send;
	struct transcript_strings ts;
	struct transcript	 t;
	struct logview		*lv;
	struct ev_defer		 flush;		/* dm_flush_one */
	struct u64map		 tickets;	/* verdict ticket -> serial */
};

static struct dmwin *
dm_find(struct client_ui *ui, uint64_t id)
{
	struct dmwin	*dw;

	for (dw = ui->dms; dw != NULL; dw = dw->next)
		if (dw->id == id)
			return dw;
	return NULL;
}

/* The window's queued lines into its view (its flush timer's call). */
static void
dm_flush_one(void *arg)
{
	struct dmwin	*dw = arg;
	size_t		 save = dw->ui->o.save_lines;

	evloop_defer_cancel(&dw->flush);
	logview_flush(dw->lv);
	if (dw->t.nlines > save + save / 2)
		transcript_drop_head(&dw->t, dw->t.nlines - save);
}

static void
dm_schedule(void *arg)
{
	struct dmwin	*dw = arg;

	evloop_defer(&dw->flush, dw->ui->o.flush_ms);
}

static void
dm_added(void *arg, uint64_t serial, const struct tline *l)
{
	struct dmwin	*dw = arg;

	(void)serial;
	(void)logview_add(dw->lv, l->s, strlen(l->s), 0);
}

/* %I in the window's lines: as in the main window. */
static bool
dm_shared(void *arg, uint64_t id, const char *nick, size_t len)
{
	struct dmwin	*dw = arg;

	return dw->ui->nc == NULL || netclient_nick_shared(dw->ui->nc, id,
	    nick, len);
}

/* The window's title and header: with whom, and that it is private. */
static void
dm_titles(struct dmwin *dw)
{
	struct client_ui	*ui = dw->ui;
	char			 idbuf[24], *s;
	struct tkv		 kv[4];

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, dw->id);
	kv[0] = (struct tkv){ 'n', dw->nick };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'h', ui->o.host };
	kv[3] = (struct tkv){ 'p', ui->o.port };
	s = transcript_expand(ui->r.private_title, kv, 4);
	xmu_set_names(dw->shell, s, s);
	free(s);
	s = transcript_expand(ui->r.private_header, kv, 4);
	xmu_set_label(dw->header, s);
	free(s);
}

/* Enter in the window's input line: to this user, or a command. */
static void
dm_send_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct dmwin		*dw = closure;
	struct client_ui	*ui = dw->ui;
	char			*in = XmTextFieldGetString(dw->input);
	struct nc_cmd		 c;
	bool			 clear = false;

	(void)w;
	(void)call;
	netclient_parse_command(in, strlen(in), &c);
	switch (c.kind) {
	case NCC_EMPTY:
		break;
	case NCC_BADTEXT:
		transcript_note(&dw->t, ui->r.err_badtext, NULL, 0);
		break;
	case NCC_NICK:
	case NCC_QUIT:
	case NCC_BADNICK:
	case NCC_UNKNOWN:
		transcript_note_text(&dw->t, ui->r.err_unknown, in,
		    strcspn(in, " "));
		break;
	default:
		clear = client_conv_command(ui, &c, dw->id, dw->input);
		break;
	}
	if (clear)
		XmTextFieldSetString(dw->input, "");
	XtFree(in);
	client_flush_now(ui);
}

/* The window manager's close: hide the window, keep its lines. */
static void
dm_close_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct dmwin	*dw = closure;

	(void)w;
	(void)call;
	XtPopdown(dw->shell);
	dw->shown = false;
}

/* The user dialog for this user (its key). */
static void
dm_who_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct dmwin	*dw = closure;

	(void)w;
	(void)call;
	client_user_show(dw->ui, dw->id, false);
}

static void
dm_build(struct dmwin *dw)
{
	struct client_ui	*ui = dw->ui;
	Widget			 form, who;
	Atom			 wm_delete;
	Arg			 args[8];
	int			 n = 0;

	dw->shell = XtVaCreatePopupShell("privateWindow",
	    topLevelShellWidgetClass, ui->top, XmNdeleteResponse,
	    XmDO_NOTHING, NULL);
	form = XtVaCreateWidget("privateForm", xmFormWidgetClass, dw->shell,
	    NULL);
	who = XtVaCreateManagedWidget("privateWho", xmPushButtonWidgetClass,
	    form, XmNtopAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM, NULL);
	dw->header = XtVaCreateManagedWidget("privateHeader",
	    xmLabelWidgetClass, form, XmNalignment, XmALIGNMENT_BEGINNING,
	    XmNtopAttachment, XmATTACH_FORM, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_WIDGET, XmNrightWidget, who,
	    XmNbottomAttachment, XmATTACH_OPPOSITE_WIDGET, XmNbottomWidget,
	    who, NULL);
	dw->send = XtVaCreateManagedWidget("send", xmPushButtonWidgetClass,
	    form, XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	dw->input = XtVaCreateManagedWidget("input", xmTextFieldWidgetClass,
	    form, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_WIDGET, XmNrightWidget, dw->send,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	XtVaSetValues(dw->send, XmNtopAttachment, XmATTACH_OPPOSITE_WIDGET,
	    XmNtopWidget, dw->input, NULL);
	XtSetArg(args[n], XmNeditMode, XmMULTI_LINE_EDIT); n++;
	XtSetArg(args[n], XmNeditable, False); n++;
	XtSetArg(args[n], XmNcursorPositionVisible, False); n++;
	XtSetArg(args[n], XmNtraversalOn, False); n++;
	XtSetArg(args[n], XmNscrollHorizontal, False); n++;
	dw->text = XmCreateScrolledText(form, "privateText", args, n);
	XtVaSetValues(XtParent(dw->text), XmNtopAttachment, XmATTACH_WIDGET,
	    XmNtopWidget, who, XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, dw->input,
	    NULL);
	XtManageChild(dw->text);
	/* Typing goes to the input line, not the Key button. */
	XtVaSetValues(form, XmNinitialFocus, dw->input, NULL);
	XtManageChild(form);
	XtAddCallback(dw->input, XmNactivateCallback, dm_send_cb, dw);
	XtAddCallback(dw->send, XmNactivateCallback, dm_send_cb, dw);
	XtAddCallback(who, XmNactivateCallback, dm_who_cb, dw);
	wm_delete = XmInternAtom(XtDisplay(ui->top), "WM_DELETE_WINDOW",
	    False);
	XmAddWMProtocolCallback(dw->shell, wm_delete, dm_close_cb, dw);
}

/* As in the main transcript, a character the font lacks is [U+XXXX]. */
static bool
dm_drawable(void *arg, uint32_t c)
{
	struct dmwin	*dw = arg;

	return client_drawable(dw->ui, c);
}

/* The window of user id (nick: len bytes as received), made if new. */
static struct dmwin *
dm_get(struct client_ui *ui, uint64_t id, const char *nick, size_t len)
{
	static const struct logview_hooks hooks = { dm_schedule, NULL };
	struct dmwin		*dw;
	const struct ul_user	*u;

	if ((dw = dm_find(ui, id)) != NULL)
		return dw;
	dw = xcalloc(1, sizeof *dw);
	dw->flush.fn = dm_flush_one;
	dw->flush.arg = dw;
	dw->ui = ui;
	dw->id = id;
	dw->nick = utf8_clean_dup(nick, len, 0);
	dw->ts = ui->ts;
	dw->ts.fmt_message = ui->r.fmt_private;
	dw->ts.fmt_action = ui->r.fmt_private_action;
	dm_build(dw);
	dw->lv = logview_new(dw->text, (int)ui->o.save_lines,
	    ui->r.cont_mark, &hooks, dw);
	logview_set_drawable(dw->lv, dm_drawable);
	transcript_init(&dw->t, &dw->ts, dm_added, dw);
	dw->t.shared = dm_shared;
	dm_titles(dw);
	dw->next = ui->dms;
	ui->dms = dw;
	/* Away already: said before anything is typed. */
	if ((u = userlist_find(userview_model(ui->uv), id)) != NULL &&
	    u->away != NULL)
		client_dm_away(ui, id, u->away, strlen(u->away));
	return dw;
}

/* Show (or raise) the window; true if it was hidden. */
static bool
dm_show(struct dmwin *dw)
{
	bool	 was = dw->shown;

	if (!was) {
		XtPopup(dw->shell, XtGrabNone);
		xmu_set_names(dw->shell, NULL, NULL);
		dw->shown = true;
	} else if (XtIsRealized(dw->shell))
		XRaiseWindow(XtDisplay(dw->shell), XtWindow(dw->shell));
	return !was;
}

bool
client_dm_open(struct client_ui *ui, uint64_t id)
{
	const struct ul_user	*u;
	struct dmwin		*dw = dm_find(ui, id);

	if (dw == NULL) {
		if (id == ui->my_id ||
		    (u = userlist_find(userview_model(ui->uv), id)) == NULL)
			return false;
		dw = dm_get(ui, id, u->nick, strlen(u->nick));
	}
	dm_show(dw);
	XmProcessTraversal(dw->input, XmTRAVERSE_CURRENT);
	return true;
}

void
client_dm_message(struct client_ui *ui, const struct nc_msg *m)
{
	struct dmwin	*dw = dm_get(ui, m->id, m->nick, m->nicklen);
	struct tkv	 kv[2];
	char		 idm[32];

	client_msg_line(&dw->t, &dw->tickets, m, false);
	if (dm_show(dw)) {
		idm[0] = '\0';
		if (ui->nc == NULL || netclient_nick_shared(ui->nc, m->id,
		    m->nick, m->nicklen))
			snprintf(idm, sizeof idm, "#%" PRIu64, m->id);
		kv[0] = (struct tkv){ 'n', dw->nick };
		kv[1] = (struct tkv){ 'I', idm };
		transcript_note(&ui->t, ui->r.note_private_from, kv, 2);
		client_view_schedule(ui);
	}
	if (!ui->focused && XtIsRealized(ui->top))
		XBell(XtDisplay(ui->top), 0);
}

void
client_dm_verdict(struct client_ui *ui, const struct nc_msg *m)
{
	struct dmwin		*dw;
	const struct tline	*l;
	uint64_t		 serial;

	for (dw = ui->dms; dw != NULL; dw = dw->next)
		if (u64map_get(&dw->tickets, m->ticket, &serial))
			break;
	if (dw == NULL)
		return;
	u64map_del(&dw->tickets, m->ticket, serial);
	if ((l = transcript_msg_verdict(&dw->t, serial, m->verdict,
	    m->sigok)) == NULL)
		return;
	logview_set(dw->lv, serial, l->s, strlen(l->s), 0);
	dm_schedule(dw);
}

void
client_dm_own(struct client_ui *ui, struct nc_own *o)
{
	struct dmwin		*dw;
	const struct tline	*l;
	const char		*why = o->why;
	uint64_t		 serial = (uintptr_t)o->ui - 1;
	enum tline_state	 st;

	if (o->state == NCO_QUEUED) {
		dw = dm_get(ui, o->to, o->to_nick, strlen(o->to_nick));
		dm_show(dw);
		serial = transcript_own(&dw->t, ui->my_id, ui->my_nick,
		    o->text, o->len);
		o->ui = (void *)(uintptr_t)(serial + 1);
		return;
	}
	if ((dw = dm_find(ui, o->to)) == NULL)
		return;
	switch (o->state) {
	case NCO_PENDING:	st = TL_PENDING; break;
	case NCO_CONFIRMED:	st = TL_CONFIRMED; break;
	case NCO_REJECTED:	st = TL_REJECTED; break;
	default:		st = TL_UNDELIVERED; break;
	}
	if (why == NULL && strcmp(o->code, "badsig") == 0)
		why = ui->r.why_badsig;
	else if (why == NULL && strcmp(o->code, "nouser") == 0)
		why = ui->r.why_nouser;
	l = transcript_own_state(&dw->t, serial, st, o->n, o->code, why);
	if (l != NULL)
		logview_set(dw->lv, serial, l->s, strlen(l->s), 0);
	dm_schedule(dw);
}

void
client_dm_user(struct client_ui *ui, enum nc_user_ev what, uint64_t id,
    const char *nick, size_t len, const char *reason, size_t rlen)
{
	struct dmwin	*dw = dm_find(ui, id);
	char		 idbuf[24], *r;
	struct tkv	 kv[3];

	if (dw == NULL)
		return;
	snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
	r = utf8_clean_dup(reason != NULL ? reason : "",
	    reason != NULL ? rlen : 0, 0);
	if (what == NCU_NICK) {
		transcript_user(&dw->t, TU_NICK, id, nick, len, dw->nick, NULL,
		    0);
		free(dw->nick);
		dw->nick = utf8_clean_dup(nick, len, 0);
		dm_titles(dw);
	}
	kv[0] = (struct tkv){ 'n', dw->nick };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'r', r };
	if (what == NCU_LEAVE && !dw->gone) {
		dw->gone = true;
		transcript_note(&dw->t, ui->r.note_private_left, kv, 3);
	} else if (what != NCU_LEAVE && dw->gone) {
		dw->gone = false;
		transcript_note(&dw->t, ui->r.note_private_back, kv, 3);
	}
	free(r);
	dm_schedule(dw);
}

void
client_dm_away(struct client_ui *ui, uint64_t id, const char *reason,
    size_t len)
{
	struct dmwin	*dw = dm_find(ui, id);
	char		*r;
	struct tkv	 kv[2];

	if (dw == NULL)
		return;
	r = utf8_clean_dup(reason != NULL ? reason : "", reason != NULL ?
	    len : 0, 0);
	kv[0] = (struct tkv){ 'n', dw->nick };
	kv[1] = (struct tkv){ 'r', r };
	transcript_note(&dw->t, reason != NULL ? ui->r.note_private_away :
	    ui->r.note_private_here, kv, 2);
	free(r);
	dm_schedule(dw);
}

void
client_dm_state(struct client_ui *ui, bool up)
{
	struct dmwin	*dw;

	if (up)
		return;
	for (dw = ui->dms; dw != NULL; dw = dw->next) {
		transcript_note(&dw->t, ui->r.note_private_down, NULL, 0);
		dm_schedule(dw);
	}
}

void
client_dm_flush(struct client_ui *ui)
{
	struct dmwin	*dw;

	for (dw = ui->dms; dw != NULL; dw = dw->next)
		dm_flush_one(dw);
}

void
client_dm_dump(struct client_ui *ui, FILE *fp)
{
	struct dmwin	*dw;
	size_t		 i;
	char		*in, *p;

	/* What a test clicks: the main input line, File > Reconnect. */
	xmu_dump_widget(fp, ui->top, "*work.input");
	xmu_dump_widget(fp, ui->top, "*menuBar.fileMenu");
	xmu_dump_widget(fp, ui->top, "*fileMenuPulldown.reconnect");
	xmu_dump_widget(fp, ui->top, "*privateWho");
	for (dw = ui->dms; dw != NULL; dw = dw->next) {
		dm_flush_one(dw);
		in = XmTextFieldGetString(dw->input);
		fprintf(fp, "private %" PRIu64 " %s %s\n", dw->id,
		    dw->shown ? "shown" : "hidden", dw->nick);
		fprintf(fp, "privinput %" PRIu64 " %s\n", dw->id, in);
		XtFree(in);
		for (i = 0; i < dw->t.nlines; i++)
			fprintf(fp, "privline %" PRIu64 " %s\n", dw->id,
			    dw->t.lines[i].s);
		/* What the text widget holds, rows joined by '|'. */
		in = XmTextGetString(dw->text);
		for (p = in; *p != '\0'; p++)
			if (*p == '\n')
				*p = '|';
		fprintf(fp, "privtext %" PRIu64 " %s\n", dw->id, in);
		XtFree(in);
	}
}

void
client_dm_free(struct client_ui *ui)
{
	struct dmwin	*dw, *next;

	for (dw = ui->dms; dw != NULL; dw = next) {
		next = dw->next;
		evloop_defer_cancel(&dw->flush);
		u64map_free(&dw->tickets);
		transcript_free(&dw->t);
		logview_free(dw->lv);
		free(dw->nick);
		free(dw);
	}
	ui->dms = NULL;
}
