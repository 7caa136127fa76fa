/*
 * client_ui.c -- the Motif window of xchat.  The transcript is kept as
 * a model (one struct tline per line, with its character position) and
 * appended to the XmText in batches from a short timer; the head is
 * trimmed in chunks.  Own messages are updated in place when their
 * fate is known.  Lines that mention the user's nick are drawn with the
 * XmText highlight (XmHIGHLIGHT_SELECTED: reverse video in the
 * transcript's colours).  Every visible string comes from resources.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <X11/Intrinsic.h>
#include <X11/StringDefs.h>
#include <Xm/Xm.h>
#include <Xm/FileSB.h>
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/List.h>
#include <Xm/MainW.h>
#include <Xm/MessageB.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/ScrollBar.h>
#include <Xm/Text.h>
#include <Xm/TextF.h>

#include "client_res.h"
#include "client_ui.h"
#include "evloop.h"
#include "log.h"
#include "logview.h"
#include "transcript.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* Lines of input history kept for Up/Down. */
#define INPUT_HISTORY	200


struct ui_user {
	uint64_t	 id;
	char		*nick;
};

struct client_ui {
	struct client_res	 r;
	struct client_opts	 o;
	struct netclient	*nc;

	Widget			 top, main, text, input, send, users, status;
	Widget			 about, savebox;
	bool			 focused;

	/* The transcript model, and the view that shows it. */
	struct transcript_strings ts;
	struct transcript	 t;
	struct logview		*lv;
	bool			 busy;		/* last batch was large */
	struct ev_timer		*flush_timer;

	/* Input history. */
	char			*hist[INPUT_HISTORY];
	int			 nhist, histpos;

	struct ui_user		*ulist;
	size_t			 nusers;
	uint64_t		 my_id;
	char			 my_nick[PROTO_MAX_NICK + 1];
	char			 status_text[512];
	char			 title_text[512];
	unsigned		 retry_secs;
	enum nc_state		 state;
};

/*
 * Move the queued lines into the window.  The model keeps at most
 * saveLines and a half (the view keeps saveLines).
 */
static void
flush(struct client_ui *ui)
{
	size_t	 save = ui->o.save_lines;

	if (ui->flush_timer != NULL) {
		evloop_timer_del(ui->flush_timer);
		ui->flush_timer = NULL;
	}
	/* A busy conversation is shown in fewer, larger batches. */
	ui->busy = logview_held(ui->lv) >= 100;
	logview_flush(ui->lv);
	if (ui->t.nlines > save + save / 2)
		transcript_drop_head(&ui->t, ui->t.nlines - save);
}

static void
transcript_flush_cb(void *arg)
{
	struct client_ui	*ui = arg;

	ui->flush_timer = NULL;
	flush(ui);
}

/* The view has lines queued: show them from the flush timer. */
static void
transcript_schedule(void *arg)
{
	struct client_ui	*ui = arg;

	if (ui->flush_timer == NULL)
		ui->flush_timer = evloop_timer_add(ui->busy ?
		    5 * ui->o.flush_ms : ui->o.flush_ms,
		    transcript_flush_cb, ui);
}

/* The model has a new line: into the view (same serial numbers). */
static void
transcript_added_cb(void *arg, uint64_t serial, const struct tline *l)
{
	struct client_ui	*ui = arg;
	uint64_t		 vs;

	vs = logview_add(ui->lv, l->s, strlen(l->s),
	    l->mention ? LV_HIGHLIGHT : 0);
	assert(vs == serial);
	(void)vs;
	(void)serial;
}

/* Own message serial moves to state: in the model and the view. */
static void
own_state(struct client_ui *ui, uint64_t serial, enum tline_state state,
    const struct nc_own *o)
{
	const struct tline	*l;

	l = transcript_own_state(&ui->t, serial, state, o->n, o->code,
	    o->why);
	if (l != NULL)
		logview_set(ui->lv, serial, l->s, strlen(l->s),
		    l->mention ? LV_HIGHLIGHT : 0);
}

/* --- title, status and user list --- */

static void
kv_conn(struct client_ui *ui, struct tkv *kv)
{
	static char	 idbuf[24];

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, ui->my_id);
	kv[0].k = 'h';
	kv[0].v = ui->o.host;
	kv[1].k = 'p';
	kv[1].v = ui->o.port;
	kv[2].k = 'i';
	kv[2].v = idbuf;
	kv[3].k = 'n';
	kv[3].v = ui->my_nick;
}

static void
set_title(struct client_ui *ui)
{
	struct tkv	 kv[4];
	char		*s;

	kv_conn(ui, kv);
	s = transcript_expand(ui->state == NC_HISTORY || ui->state == NC_READY ?
	    ui->r.title_on : ui->r.title_off, kv, 4);
	snprintf(ui->title_text, sizeof ui->title_text, "%s", s);
	XtVaSetValues(ui->top, XmNtitle, s, XmNiconName, s, NULL);
	free(s);
}

static void
set_status(struct client_ui *ui, const char *tmpl, const char *why)
{
	struct tkv	 kv[6];
	char		 secs[16], *s;

	kv_conn(ui, kv);
	snprintf(secs, sizeof secs, "%u", ui->retry_secs);
	kv[4].k = 's';
	kv[4].v = secs;
	kv[5].k = 't';
	kv[5].v = why != NULL ? why : "";
	s = transcript_expand(tmpl, kv, 6);
	snprintf(ui->status_text, sizeof ui->status_text, "%s", s);
	xmu_set_label(ui->status, s);
	free(s);
}

static int
user_cmp(const void *a, const void *b)
{
	const struct ui_user	*x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void
users_refresh(struct client_ui *ui)
{
	XmString	*items;
	size_t		 i, n = 0;
	char		 buf[128];
	struct tkv	 kv[4];
	char		*s;

	if (ui->nusers > 1)
		qsort(ui->ulist, ui->nusers, sizeof *ui->ulist, user_cmp);
	items = xcalloc(ui->nusers + 1, sizeof *items);
	if (ui->state == NC_HISTORY || ui->state == NC_READY) {
		kv_conn(ui, kv);
		s = transcript_expand(ui->r.user_self, kv, 4);
		items[n++] = xmu_string(s);
		free(s);
	}
	for (i = 0; i < ui->nusers; i++) {
		snprintf(buf, sizeof buf, "%s #%" PRIu64, ui->ulist[i].nick,
		    ui->ulist[i].id);
		items[n++] = xmu_string(buf);
	}
	XmListDeleteAllItems(ui->users);
	XmListAddItems(ui->users, items, (int)n, 0);
	for (i = 0; i < n; i++)
		XmStringFree(items[i]);
	free(items);
}

static struct ui_user *
user_find(struct client_ui *ui, uint64_t id)
{
	size_t	 i;

	for (i = 0; i < ui->nusers; i++)
		if (ui->ulist[i].id == id)
			return &ui->ulist[i];
	return NULL;
}

static void
users_clear(struct client_ui *ui)
{
	size_t	 i;

	for (i = 0; i < ui->nusers; i++)
		free(ui->ulist[i].nick);
	ui->nusers = 0;
}

/* --- events from the client core --- */

static const char *
why_template(struct client_ui *ui, enum nc_why why)
{
	switch (why) {
	case NCW_REFUSED:	return ui->r.why_refused;
	case NCW_CLOSED:	return ui->r.why_closed;
	case NCW_ERROR:		return ui->r.why_error;
	case NCW_BYE:		return ui->r.why_bye;
	case NCW_FULL:		return ui->r.why_full;
	case NCW_DEAD:		return ui->r.why_dead;
	case NCW_PROTOCOL:	return ui->r.why_protocol;
	case NCW_USER:		return ui->r.why_user;
	default:		return "";
	}
}

static void
ev_state(void *arg, enum nc_state st, enum nc_why why, unsigned secs)
{
	struct client_ui	*ui = arg;
	enum nc_state		 old = ui->state;
	struct tkv		 kv[6], t = { 't', NULL };
	char			*whytext, secbuf[16];

	ui->state = st;
	ui->retry_secs = secs;
	t.v = ui->nc != NULL ? netclient_error(ui->nc) : "";
	whytext = transcript_expand(why_template(ui, why), &t, 1);
	switch (st) {
	case NC_CONNECTING:
		set_status(ui, ui->r.st_connecting, NULL);
		break;
	case NC_HANDSHAKE:
		set_status(ui, ui->r.st_handshake, NULL);
		break;
	case NC_HISTORY:
		break;		/* the welcome event did it */
	case NC_READY:
		set_status(ui, ui->r.st_connected, NULL);
		break;
	case NC_WAITING:
		set_status(ui, why == NCW_FULL ? ui->r.st_retry_full :
		    ui->r.st_retry, whytext);
		if (old != NC_WAITING) {
			kv_conn(ui, kv);
			snprintf(secbuf, sizeof secbuf, "%u", secs);
			kv[4].k = 's';
			kv[4].v = secbuf;
			kv[5].k = 't';
			kv[5].v = whytext;
			transcript_note(&ui->t, ui->r.note_disconnected, kv, 6);
			users_clear(ui);
			users_refresh(ui);
		}
		break;
	case NC_CLOSED:
		set_status(ui, ui->r.st_closed, whytext);
		break;
	default:
		break;
	}
	if ((old == NC_READY || old == NC_HISTORY) !=
	    (st == NC_READY || st == NC_HISTORY) || st == NC_HISTORY)
		set_title(ui);
	free(whytext);
}

static void
ev_welcome(void *arg, uint64_t id, const char *nick, size_t len)
{
	struct client_ui	*ui = arg;
	struct tkv		 kv[4];

	ui->my_id = id;
	snprintf(ui->my_nick, sizeof ui->my_nick, "%.*s", (int)len, nick);
	ui->state = NC_HISTORY;
	transcript_welcome(&ui->t);
	users_clear(ui);
	users_refresh(ui);
	set_title(ui);
	set_status(ui, ui->r.st_connected, NULL);
	kv_conn(ui, kv);
	transcript_note(&ui->t, ui->r.note_connected, kv, 4);
}

static void
ev_ready(void *arg, uint64_t users, uint64_t hist)
{
	struct client_ui	*ui = arg;

	(void)users;
	transcript_ready(&ui->t, hist);
}

static void
user_set(struct client_ui *ui, uint64_t id, const char *nick, size_t len)
{
	struct ui_user	*u;

	if ((u = user_find(ui, id)) == NULL) {
		ui->ulist = xreallocarray(ui->ulist, ui->nusers + 1,
		    sizeof *ui->ulist);
		u = &ui->ulist[ui->nusers++];
		u->id = id;
		u->nick = NULL;
	}
	free(u->nick);
	u->nick = utf8_clean_dup(nick, len, 0);
}

static void
ev_user(void *arg, enum nc_user_ev what, uint64_t id, const char *nick,
    size_t len, const char *old, const char *reason, size_t rlen, bool self)
{
	struct client_ui	*ui = arg;
	struct ui_user		*u;
	char			*n;

	switch (what) {
	case NCU_PRESENT:
	case NCU_JOIN:
		user_set(ui, id, nick, len);
		if (what == NCU_JOIN)
			transcript_user(&ui->t, TU_JOIN, id, nick, len, old,
			    reason, rlen);
		break;
	case NCU_LEAVE:
		if ((u = user_find(ui, id)) != NULL) {
			free(u->nick);
			*u = ui->ulist[--ui->nusers];
		}
		transcript_user(&ui->t, TU_LEAVE, id, nick, len, old, reason,
		    rlen);
		break;
	case NCU_NICK:
		if (self) {
			n = utf8_clean_dup(nick, len, 0);
			snprintf(ui->my_nick, sizeof ui->my_nick, "%s", n);
			free(n);
			set_title(ui);
			if (ui->state == NC_READY)
				set_status(ui, ui->r.st_connected, NULL);
		} else if (user_find(ui, id) != NULL)
			user_set(ui, id, nick, len);
		transcript_user(&ui->t, TU_NICK, id, nick, len, old, reason,
		    rlen);
		break;
	}
	users_refresh(ui);
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	struct client_ui	*ui = arg;

	transcript_message(&ui->t, m->id, m->nick, m->nicklen, m->text,
	    m->textlen, m->verdict, m->history, m->mention);
	if (m->good && m->mention && !m->history && !ui->focused &&
	    XtIsRealized(ui->top))
		XBell(XtDisplay(ui->top), 0);
}

static void
ev_own(void *arg, struct nc_own *o)
{
	struct client_ui	*ui = arg;
	uint64_t		 serial = (uintptr_t)o->ui - 1;

	switch (o->state) {
	case NCO_QUEUED:
		serial = transcript_own(&ui->t, ui->my_id, ui->my_nick,
		    o->text, o->len);
		o->ui = (void *)(uintptr_t)(serial + 1);
		break;
	case NCO_PENDING:
		own_state(ui, serial, TL_PENDING, o);
		break;
	case NCO_CONFIRMED:
		own_state(ui, serial, TL_CONFIRMED, o);
		break;
	case NCO_REJECTED:
		own_state(ui, serial, TL_REJECTED, o);
		break;
	case NCO_RECOVERED:
		own_state(ui, serial, TL_RECOVERED, o);
		break;
	case NCO_UNDELIVERED:
	default:
		own_state(ui, serial, TL_UNDELIVERED, o);
		break;
	}
}

static void
ev_note(void *arg, enum nc_note what, const char *code, size_t clen,
    const char *text, size_t tlen)
{
	struct client_ui	*ui = arg;
	char			*c = utf8_clean_dup(code != NULL ? code : "",
				    code != NULL ? clen : 0, 0);
	char			*x = utf8_clean_dup(text != NULL ? text : "",
				    text != NULL ? tlen : 0, 0);
	struct tkv		 kv[2] = { { 'c', c }, { 'x', x } };
	const char		*tmpl;

	switch (what) {
	case NCN_NICKINUSE:	tmpl = ui->r.note_nickinuse; break;
	case NCN_BADNICK:	tmpl = ui->r.note_badnick; break;
	case NCN_BYE:		tmpl = ui->r.note_bye; break;
	case NCN_BADFRAME:	tmpl = ui->r.note_badframe; break;
	case NCN_TOOLONG:	tmpl = ui->r.note_toolong; break;
	case NCN_QUEUEFULL:	tmpl = ui->r.note_queuefull; break;
	case NCN_ERR:
	default:		tmpl = ui->r.note_err; break;
	}
	transcript_note(&ui->t, tmpl, kv, 2);
	free(c);
	free(x);
}

static const struct nc_events ui_events = {
	ev_state, ev_welcome, ev_ready, ev_user, ev_message, ev_own, ev_note
};

const struct nc_events *
client_ui_events(void)
{
	return &ui_events;
}

/* --- user actions --- */

static void
do_quit(struct client_ui *ui, const char *text)
{
	flush(ui);
	if (ui->nc != NULL)
		netclient_quit(ui->nc, text);
	evloop_quit();
}

static void
history_add(struct client_ui *ui, const char *s)
{
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
	char			 lbuf[24], *arg;
	struct tkv		 kv;
	bool			 clear = true;

	(void)w;
	(void)call;
	netclient_parse_command(in, len, &c);
	arg = xstrndup(c.arg != NULL ? c.arg : "", c.arglen);
	switch (c.kind) {
	case NCC_EMPTY:
		clear = false;
		break;
	case NCC_MSG:
		if (netclient_send(ui->nc, arg, c.arglen) == NULL)
			clear = false;
		break;
	case NCC_NICK:
		netclient_nick(ui->nc, arg);
		break;
	case NCC_QUIT:
		history_add(ui, in);
		XtFree(in);
		do_quit(ui, arg);
		free(arg);
		return;
	case NCC_HELP:
		transcript_note(&ui->t, ui->r.help_text, NULL, 0);
		break;
	case NCC_UNKNOWN:
		transcript_note_text(&ui->t, ui->r.err_unknown, c.arg, c.arglen);
		clear = false;
		break;
	case NCC_BADNICK:
		transcript_note(&ui->t, ui->r.err_badnick, NULL, 0);
		clear = false;
		break;
	case NCC_TOOLONG:
		snprintf(lbuf, sizeof lbuf, "%zu", c.arglen);
		kv = (struct tkv){ 'l', lbuf };
		transcript_note(&ui->t, ui->r.err_toolong, &kv, 1);
		clear = false;
		break;
	case NCC_BADTEXT:
		transcript_note(&ui->t, ui->r.err_badtext, NULL, 0);
		clear = false;
		break;
	}
	if (c.kind != NCC_EMPTY)
		history_add(ui, in);
	if (clear)
		XmTextFieldSetString(ui->input, "");
	free(arg);
	XtFree(in);
	flush(ui);
}

/* Actions bound to Up and Down in the input line. */
static struct client_ui *action_ui;

static void
history_action(Widget w, XEvent *ev, String *params, Cardinal *np)
{
	struct client_ui	*ui = action_ui;
	bool			 up = *np > 0 && strcmp(params[0], "up") == 0;

	(void)w;
	(void)ev;
	if (ui == NULL || ui->nhist == 0)
		return;
	if (up && ui->histpos > 0)
		ui->histpos--;
	else if (!up && ui->histpos < ui->nhist)
		ui->histpos++;
	XmTextFieldSetString(ui->input, ui->histpos < ui->nhist ?
	    ui->hist[ui->histpos] : "");
	XmTextFieldSetInsertionPosition(ui->input,
	    XmTextFieldGetLastPosition(ui->input));
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

static void
client_about_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	if (ui->about == NULL) {
		ui->about = XmCreateInformationDialog(ui->top, "aboutDialog",
		    NULL, 0);
		XtUnmanageChild(XmMessageBoxGetChild(ui->about,
		    XmDIALOG_CANCEL_BUTTON));
		XtUnmanageChild(XmMessageBoxGetChild(ui->about,
		    XmDIALOG_HELP_BUTTON));
	}
	xmu_popup(ui->about);
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
	flush(ui);
	ok = logview_save(ui->lv, fp, logview_columns(ui->lv));
	e = errno;
	if (fclose(fp) == EOF)
		return -1;
	errno = e;
	return ok ? 0 : -1;
}

static void
save_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui		*ui = closure;
	XmFileSelectionBoxCallbackStruct *cbs = call;
	char				*path = NULL;
	struct tkv			 kv[2];

	XtUnmanageChild(w);
	if (!XmStringGetLtoR(cbs->value, XmFONTLIST_DEFAULT_TAG, &path) ||
	    path == NULL || *path == '\0') {
		XtFree(path);
		return;
	}
	kv[0] = (struct tkv){ 'x', path };
	if (save_to(ui, path) == 0) {
		transcript_note(&ui->t, ui->r.note_saved, kv, 1);
	} else {
		kv[1] = (struct tkv){ 't', strerror(errno) };
		transcript_note(&ui->t, ui->r.note_savefail, kv, 2);
	}
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

	(void)w;
	(void)call;
	if (ui->savebox == NULL) {
		ui->savebox = XmCreateFileSelectionDialog(ui->top, "saveDialog",
		    NULL, 0);
		XtAddCallback(ui->savebox, XmNokCallback, save_ok_cb, ui);
		XtAddCallback(ui->savebox, XmNcancelCallback, save_cancel_cb,
		    ui);
		XtUnmanageChild(XmFileSelectionBoxGetChild(ui->savebox,
		    XmDIALOG_HELP_BUTTON));
	}
	xmu_popup(ui->savebox);
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

/* --- construction --- */

/* The model's templates, from the window's resources. */
static void
transcript_strings_fill(struct client_ui *ui)
{
	struct transcript_strings	*ts = &ui->ts;
	const struct client_res		*r = &ui->r;

	ts->fmt_message = r->fmt_message;
	ts->fmt_join = r->fmt_join;
	ts->fmt_leave = r->fmt_leave;
	ts->fmt_nick = r->fmt_nick;
	ts->fmt_note = r->fmt_note;
	ts->fmt_date = r->fmt_date;
	ts->fmt_time = r->fmt_time;
	ts->mark_good = r->mark_good;
	ts->mark_bad = r->mark_bad;
	ts->mark_own = r->mark_own;
	ts->sfx_history = r->sfx_history;
	ts->sfx_failed = r->sfx_failed;
	ts->sfx_pending = r->sfx_pending;
	ts->sfx_queued = r->sfx_queued;
	ts->sfx_confirmed = r->sfx_confirmed;
	ts->sfx_rejected = r->sfx_rejected;
	ts->sfx_undelivered = r->sfx_undelivered;
	ts->hist_begin = r->hist_begin;
	ts->hist_end = r->hist_end;
	ts->sfx_badtext = r->sfx_badtext;
	ts->sfx_unknown = r->sfx_unknown;
	ts->sfx_recovered = r->sfx_recovered;
}

/* The menu bar: File (reconnect, save, quit) and Help (about). */
static Widget
client_menubar_build(struct client_ui *ui)
{
	Widget	 menubar, menu, helpcb;

	menubar = XmCreateMenuBar(ui->main, "menuBar", NULL, 0);
	menu = xmu_add_menu(menubar, "fileMenu", NULL);
	xmu_add_item(menu, "reconnect", reconnect_cb, ui);
	xmu_add_item(menu, "save", save_cb, ui);
	xmu_add_item(menu, "quit", client_quit_cb, ui);
	menu = xmu_add_menu(menubar, "helpMenu", &helpcb);
	XtVaSetValues(menubar, XmNmenuHelpWidget, helpcb, NULL);
	xmu_add_item(menu, "about", client_about_cb, ui);
	XtManageChild(menubar);
	return menubar;
}

/* The status line along the bottom of work. */
static void
client_status_build(struct client_ui *ui, Widget work)
{
	ui->status = XtVaCreateManagedWidget("status", xmLabelWidgetClass,
	    work, XmNalignment, XmALIGNMENT_BEGINNING,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
}

/* The input line and its Send button, above the status line. */
static void
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
	    "<Key>osfDown: xchatHistory(down)\n"));
	XtAddCallback(ui->input, XmNactivateCallback, send_cb, ui);
	XtAddCallback(ui->send, XmNactivateCallback, send_cb, ui);
}

/* The user list on the right, above the input line; its scroller. */
static Widget
client_users_build(struct client_ui *ui, Widget work)
{
	Arg	 args[1];
	Widget	 sw;

	XtSetArg(args[0], XmNselectionPolicy, XmSINGLE_SELECT);
	ui->users = XmCreateScrolledList(work, "users", args, 1);
	sw = XtParent(ui->users);
	XtVaSetValues(sw, XmNtopAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, ui->input,
	    NULL);
	XtManageChild(ui->users);
	return sw;
}

/* The read-only transcript, left of the user list (users_sw). */
static void
client_transcript_build(struct client_ui *ui, Widget work, Widget users_sw)
{
	static const struct logview_hooks hooks = {
		transcript_schedule, NULL
	};
	Arg	 args[8];
	int	 n = 0;

	XtSetArg(args[n], XmNeditMode, XmMULTI_LINE_EDIT); n++;
	XtSetArg(args[n], XmNeditable, False); n++;
	XtSetArg(args[n], XmNcursorPositionVisible, False); n++;
	XtSetArg(args[n], XmNtraversalOn, False); n++;
	XtSetArg(args[n], XmNscrollHorizontal, False); n++;
	ui->text = XmCreateScrolledText(work, "transcript", args, n);
	ui->lv = logview_new(ui->text, (int)ui->o.save_lines, ui->r.cont_mark,
	    &hooks, ui);
	XtVaSetValues(XtParent(ui->text), XmNtopAttachment, XmATTACH_FORM,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_WIDGET, XmNrightWidget, users_sw,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, ui->input,
	    NULL);
	XtManageChild(ui->text);
}

struct client_ui *
client_ui_create(Widget top, const struct client_opts *o)
{
	struct client_ui	*ui = xcalloc(1, sizeof *ui);
	static XtActionsRec	 actions[] = {
		{ "xchatHistory", history_action },
	};
	Widget			 menubar, work, sw;
	Atom			 wm_delete;

	ui->o = *o;
	ui->top = top;
	if (!client_res_load(top, &ui->r)) {
		free(ui);
		return NULL;
	}
	transcript_strings_fill(ui);
	transcript_init(&ui->t, &ui->ts, transcript_added_cb, ui);
	action_ui = ui;
	XtAppAddActions(XtWidgetToApplicationContext(top), actions,
	    XtNumber(actions));

	ui->main = XmCreateMainWindow(top, "main", NULL, 0);
	menubar = client_menubar_build(ui);
	work = XtVaCreateWidget("work", xmFormWidgetClass, ui->main, NULL);
	client_status_build(ui, work);
	client_input_build(ui, work);
	sw = client_users_build(ui, work);
	client_transcript_build(ui, work, sw);
	XtManageChild(work);
	XmMainWindowSetAreas(ui->main, menubar, NULL, NULL, NULL, work);
	XtManageChild(ui->main);
	XtVaSetValues(work, XmNinitialFocus, ui->input, NULL);

	XtVaSetValues(top, XmNdeleteResponse, XmDO_NOTHING, NULL);
	wm_delete = XmInternAtom(XtDisplay(top), "WM_DELETE_WINDOW", False);
	XmAddWMProtocolCallback(top, wm_delete, wm_delete_cb, ui);
	XtAddEventHandler(top, FocusChangeMask, False, focus_handler, ui);
	return ui;
}

void
client_ui_set_client(struct client_ui *ui, struct netclient *nc)
{
	ui->nc = nc;
}

void
client_ui_realize(struct client_ui *ui)
{
	set_title(ui);
	XtRealizeWidget(ui->top);
	XmProcessTraversal(ui->input, XmTRAVERSE_CURRENT);
}

static void
dump_users(struct client_ui *ui, FILE *fp)
{
	XmStringTable	 items = NULL;
	int		 n = 0, i;
	char		*s;

	XtVaGetValues(ui->users, XmNitems, &items, XmNitemCount, &n, NULL);
	fprintf(fp, "users:");
	for (i = 0; i < n; i++) {
		s = NULL;
		if (XmStringGetLtoR(items[i], XmFONTLIST_DEFAULT_TAG, &s) &&
		    s != NULL)
			fprintf(fp, "%s%s", i > 0 ? " | " : " ", s);
		XtFree(s);
	}
	fprintf(fp, "\n");
}

/*
 * The test hook: after a flush, write what the window shows.  The file
 * is written next to the target and renamed, so a reader never sees a
 * partial dump.
 */
void
client_ui_dump(struct client_ui *ui)
{
	char		 tmp[4096];
	FILE		*fp;
	char		*text, *in;

	if (ui->o.dumpfile == NULL || *ui->o.dumpfile == '\0')
		return;
	flush(ui);
	snprintf(tmp, sizeof tmp, "%s.tmp", ui->o.dumpfile);
	if ((fp = fopen(tmp, "w")) == NULL) {
		log_warn("cannot write %s", tmp);
		return;
	}
	text = XmTextGetString(ui->text);
	in = XmTextFieldGetString(ui->input);
	fprintf(fp, "title: %s\nstatus: %s\nid: %" PRIu64 "\nnick: %s\n",
	    ui->title_text, ui->status_text, ui->my_id, ui->my_nick);
	dump_users(ui, fp);
	fprintf(fp, "input: %s\nlines: %zu\n", in, ui->t.nlines);
	logview_dump_screen(ui->lv, fp, "row:");
	fprintf(fp, "transcript:\n%s", text);
	XtFree(text);
	XtFree(in);
	if (fclose(fp) == EOF || rename(tmp, ui->o.dumpfile) == -1)
		log_warn("cannot write %s", ui->o.dumpfile);
}

void
client_ui_free(struct client_ui *ui)
{
	int	 k;

	if (ui == NULL)
		return;
	evloop_timer_del(ui->flush_timer);
	transcript_free(&ui->t);
	logview_free(ui->lv);
	users_clear(ui);
	free(ui->ulist);
	for (k = 0; k < ui->nhist; k++)
		free(ui->hist[k]);
	if (action_ui == ui)
		action_ui = NULL;
	free(ui);
}
