/*
 * client_ui.c -- the Motif window of xchat: what it shows.  The client
 * core's events become transcript lines (transcript.c) shown by the
 * log view (logview.c) in batches from a short timer, own messages
 * rewritten in place when their fate is known, lines that mention the
 * user highlighted; the user list (userview.c), the title and the
 * status line.  What the user does is in client_act.c.  Every visible
 * string comes from resources (client_res.def).
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
#include <X11/Xft/Xft.h>

#include "client_res.h"
#include "client_int.h"
#include "client_ui.h"
#include "evloop.h"
#include "keys.h"
#include "log.h"
#include "logview.h"
#include "transcript.h"
#include "userview.h"
#include "utf8.h"
#include "verify.h"
#include "xmalloc.h"
#include "xmutil.h"

static void	 transcript_schedule(void *);
static void	 users_count_show(struct client_ui *);

/*
 * Move the queued lines into the window.  The model keeps at most
 * saveLines and a half (the view keeps saveLines).
 */
void
client_view_flush(struct client_ui *ui)
{
	size_t	 save = ui->o.save_lines;

	evloop_defer_cancel(&ui->flush);
	/* A busy conversation is shown in fewer, larger batches. */
	ui->busy = logview_held(ui->lv) >= 100;
	logview_flush(ui->lv);
	userview_show(ui->uv);
	users_count_show(ui);
	if (ui->t.nlines > save + save / 2)
		transcript_drop_head(&ui->t, ui->t.nlines - save);
}

void
client_flush_now(struct client_ui *ui)
{
	client_view_flush(ui);
	client_dm_flush(ui);
}

void
client_view_schedule(struct client_ui *ui)
{
	transcript_schedule(ui);
}

static void
view_flush_cb(void *arg)
{
	client_view_flush(arg);
}

/* The view has lines queued: show them from the flush timer. */
static void
transcript_schedule(void *arg)
{
	struct client_ui	*ui = arg;

	evloop_defer(&ui->flush, ui->busy && !logview_behind(ui->lv) ?
	    5 * ui->o.flush_ms : ui->o.flush_ms);
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
	const char		*why = o->why;

	/* The server's bare "badsig" gets a sentence of ours. */
	if (why == NULL && strcmp(o->code, "badsig") == 0)
		why = ui->r.why_badsig;
	l = transcript_own_state(&ui->t, serial, state, o->n, o->code, why);
	if (l != NULL)
		logview_set(ui->lv, serial, l->s, strlen(l->s),
		    l->mention ? LV_HIGHLIGHT : 0);
}

/* --- title, status and user list --- */

/* The connection's placeholders: %h %p %i %n and %e (the transport). */
void
client_view_kv(struct client_ui *ui, struct tkv *kv)
{
	static char	 idbuf[24], tr[64];
	const char	*v = ui->nc != NULL ? netclient_transport(ui->nc) : "";
	struct tkv	 ver = { 'v', NULL };
	char		*e;

	snprintf(idbuf, sizeof idbuf, "%" PRIu64, ui->my_id);
	/* GnuTLS says "TLS1.3": the window says "TLS 1.3". */
	ver.v = strncmp(v, "TLS", 3) == 0 && v[3] != ' ' ? v + 3 : v;
	e = transcript_expand(*v != '\0' ? ui->r.tr_tls : ui->r.tr_plain,
	    &ver, 1);
	snprintf(tr, sizeof tr, "%s", e);
	free(e);
	kv[0] = (struct tkv){ 'h', ui->o.host };
	kv[1] = (struct tkv){ 'p', ui->o.port };
	/* The server tried now (of a cluster's list, -host a,b). */
	if (ui->nc != NULL)
		kv[0].v = netclient_host(ui->nc, &kv[1].v);
	kv[2] = (struct tkv){ 'i', idbuf };
	kv[3] = (struct tkv){ 'n', ui->my_nick };
	kv[4] = (struct tkv){ 'e', tr };
}

static void
set_title(struct client_ui *ui)
{
	struct tkv	 kv[KV_CONN];
	char		*s;

	const char	*tmpl;

	switch (ui->state) {
	case NC_HISTORY:
	case NC_READY:
		tmpl = ui->r.title_on;
		break;
	case NC_CONNECTING:
	case NC_SECURING:
	case NC_TRUST:
	case NC_HANDSHAKE:
		tmpl = ui->r.title_connecting;
		break;
	default:
		tmpl = ui->r.title_off;
		break;
	}
	client_view_kv(ui, kv);
	s = transcript_expand(tmpl, kv, KV_CONN);
	/* Not again each second of a countdown. */
	if (strcmp(s, ui->title_text) != 0) {
		snprintf(ui->title_text, sizeof ui->title_text, "%s", s);
		xmu_set_names(ui->top, s, NULL);
	}
	free(s);
	client_icon_label(ui);
}

static void
set_status(struct client_ui *ui, const char *tmpl, const char *why)
{
	struct tkv	 kv[KV_CONN + 2];
	char		 secs[16], *s;

	client_view_kv(ui, kv);
	snprintf(secs, sizeof secs, "%u", ui->retry_secs);
	kv[KV_CONN] = (struct tkv){ 's', secs };
	kv[KV_CONN + 1] = (struct tkv){ 't', why != NULL ? why : "" };
	s = transcript_expand(tmpl, kv, KV_CONN + 2);
	snprintf(ui->status_text, sizeof ui->status_text, "%s", s);
	xmu_set_label(ui->status, s);
	free(s);
	ui->away_status = 0;
}

void
client_status_unaway(struct client_ui *ui, uint64_t id)
{
	if (id == 0 || ui->away_status != id)
		return;
	ui->away_status = 0;
	if (ui->state == NC_READY || ui->state == NC_HISTORY)
		set_status(ui, ui->r.st_connected, NULL);
}

/* Our own entry changed (connected, disconnected, renamed). */
static void
users_self(struct client_ui *ui)
{
	struct tkv	 kv[KV_CONN];
	char		*s;

	if (ui->state == NC_HISTORY || ui->state == NC_READY) {
		client_view_kv(ui, kv);
		s = transcript_expand(ui->r.user_self, kv, KV_CONN);
		userview_self(ui->uv, s);
		free(s);
	} else
		userview_self(ui->uv, NULL);
	transcript_schedule(ui);
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
	case NCW_TLS:		return ui->r.why_tls;
	case NCW_UNTRUSTED:	return ui->r.why_untrusted;
	case NCW_KEYCHANGED:	return ui->r.why_keychanged;
	case NCW_KEYGIVEN:	return ui->r.why_keygiven;
	case NCW_DENIED:	return ui->r.why_denied;
	case NCW_KICKED:	return ui->r.why_kicked;
	case NCW_NOHOST:	return ui->r.why_nohost;
	default:		return "";
	}
}

/* A note that the connection is down (why: whytext), the list emptied. */
static void
note_down(struct client_ui *ui, const char *tmpl, const char *whytext,
    unsigned secs)
{
	struct tkv	 kv[KV_CONN + 2];
	char		 secbuf[16];

	client_view_kv(ui, kv);
	snprintf(secbuf, sizeof secbuf, "%u", secs);
	kv[KV_CONN] = (struct tkv){ 's', secbuf };
	kv[KV_CONN + 1] = (struct tkv){ 't', whytext };
	transcript_note(&ui->t, tmpl, kv, KV_CONN + 2);
	userlist_clear(userview_model(ui->uv));
	users_self(ui);
}

static void
ev_state(void *arg, enum nc_state st, enum nc_why why, unsigned secs)
{
	struct client_ui	*ui = arg;
	enum nc_state		 old = ui->state;
	struct tkv		 t[KV_CONN + 1];
	char			*whytext, *err;

	ui->state = st;
	ui->retry_secs = secs;
	if (st != NC_HISTORY && st != NC_READY)
		transcript_connected_forget(&ui->t);
	/* The server's words (BYE) among them: made displayable. */
	err = utf8_clean_dup(ui->nc != NULL ? netclient_error(ui->nc) : "",
	    ui->nc != NULL ? strlen(netclient_error(ui->nc)) : 0, 0);
	client_view_kv(ui, t);
	t[KV_CONN] = (struct tkv){ 't', err };
	whytext = transcript_expand(why_template(ui, why), t, KV_CONN + 1);
	free(err);
	switch (st) {
	case NC_CONNECTING:
		set_status(ui, ui->r.st_connecting, NULL);
		break;
	case NC_SECURING:
		set_status(ui, ui->r.st_securing, NULL);
		break;
	case NC_TRUST:
		set_status(ui, ui->r.st_trust, NULL);
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
		/* One line per outage, not one per retry. */
		if (!ui->outage) {
			note_down(ui, ui->r.note_disconnected, whytext, secs);
			client_dm_state(ui, false);
		}
		ui->outage = true;
		break;
	case NC_STOPPED:
		set_status(ui, ui->r.st_stopped, whytext);
		note_down(ui, ui->r.note_stopped, whytext, 0);
		ui->outage = true;
		client_conv_stopped(ui, why);
		break;
	case NC_CLOSED:
		set_status(ui, ui->r.st_closed, whytext);
		break;
	default:
		break;
	}
	if (old != st || st == NC_HISTORY)
		set_title(ui);
	free(whytext);
}

static void
ev_welcome(void *arg, uint64_t id, const char *nick, size_t len)
{
	struct client_ui	*ui = arg;
	struct tkv		 kv[KV_CONN];

	ui->my_id = id;
	snprintf(ui->my_nick, sizeof ui->my_nick, "%.*s", (int)len, nick);
	ui->state = NC_HISTORY;
	ui->outage = false;
	transcript_welcome(&ui->t);
	userlist_clear(userview_model(ui->uv));
	users_self(ui);
	set_title(ui);
	set_status(ui, ui->r.st_connected, NULL);
	client_view_kv(ui, kv);
	transcript_connected(&ui->t, ui->r.note_connected, kv, KV_CONN,
	    ui->nc != NULL && netclient_renaming(ui->nc));
}

static void
ev_ready(void *arg, uint64_t users, uint64_t hist)
{
	struct client_ui	*ui = arg;

	(void)users;
	transcript_ready(&ui->t, hist);
}

/*
 * The server confirmed a nick of ours.  Returns true if the connection
 * note was waiting for it and now says it (no rename line then).
 */
static bool
self_renamed(struct client_ui *ui, const char *nick, size_t len)
{
	struct tkv	 kv[KV_CONN];
	char		*n = utf8_clean_dup(nick, len, 0);

	snprintf(ui->my_nick, sizeof ui->my_nick, "%s", n);
	free(n);
	set_title(ui);
	users_self(ui);
	if (ui->state == NC_READY)
		set_status(ui, ui->r.st_connected, NULL);
	client_view_kv(ui, kv);
	return transcript_connected_nick(&ui->t, ui->r.note_connected, kv,
	    KV_CONN);
}

static void
ev_user(void *arg, enum nc_user_ev what, uint64_t id, const char *nick,
    size_t len, const char *old, const char *reason, size_t rlen, bool self)
{
	struct client_ui	*ui = arg;

	switch (what) {
	case NCU_PRESENT:
	case NCU_JOIN:
		userlist_set(userview_model(ui->uv), id, nick, len);
		if (what == NCU_JOIN)
			transcript_user(&ui->t, TU_JOIN, id, nick, len, old,
			    reason, rlen);
		break;
	case NCU_LEAVE:
		client_status_unaway(ui, id);
		userlist_del(userview_model(ui->uv), id);
		transcript_user(&ui->t, TU_LEAVE, id, nick, len, old, reason,
		    rlen);
		break;
	case NCU_NICK:
		if (self && self_renamed(ui, nick, len))
			break;		/* told in the connection's note */
		if (!self && userlist_find(userview_model(ui->uv), id) != NULL)
			userlist_set(userview_model(ui->uv), id, nick, len);
		transcript_user(&ui->t, TU_NICK, id, nick, len, old, reason,
		    rlen);
		break;
	}
	if (!self)
		client_dm_user(ui, what, id, nick, len, reason, rlen);
	transcript_schedule(ui);
}

void
client_msg_line(struct transcript *t, struct u64map *tickets,
    const struct nc_msg *m, bool mentions)
{
	const struct tmsg tm = {
		.id = m->id, .nick = m->nick, .nicklen = m->nicklen,
		.text = m->text, .textlen = m->textlen,
		.verdict = m->verdict, .sigok = m->sigok,
		.history = m->history, .mention = mentions && m->mention,
		.when = m->when,
	};
	uint64_t	 serial = transcript_msg(t, &tm);

	if (m->verdict == NCV_VERIFYING)
		u64map_put(tickets, m->ticket, serial);
}

static void
ev_message(void *arg, const struct nc_msg *m)
{
	struct client_ui	*ui = arg;

	if (m->dm) {
		client_dm_message(ui, m);
		client_icon_message(ui, m->good);
		return;
	}
	client_msg_line(&ui->t, &ui->tickets, m, true);
	if (m->good && m->mention && !m->history && !ui->focused &&
	    XtIsRealized(ui->top))
		XBell(XtDisplay(ui->top), 0);
	if (!m->history)
		client_icon_message(ui, m->good && m->mention);
}

/* The verdict on a signed message shown as being checked. */
static void
ev_verdict(void *arg, const struct nc_msg *m)
{
	struct client_ui	*ui = arg;
	const struct tline	*l;
	uint64_t		 serial;

	if (m->dm) {
		client_dm_verdict(ui, m);
		return;
	}
	if (!u64map_get(&ui->tickets, m->ticket, &serial))
		return;
	u64map_del(&ui->tickets, m->ticket, serial);
	l = transcript_msg_verdict(&ui->t, serial, m->verdict, m->sigok);
	if (l == NULL)
		return;			/* cut from the head meanwhile */
	logview_set(ui->lv, serial, l->s, strlen(l->s),
	    l->mention ? LV_HIGHLIGHT : 0);
	transcript_schedule(ui);
	if (m->good && m->mention && !m->history && !ui->focused &&
	    XtIsRealized(ui->top))
		XBell(XtDisplay(ui->top), 0);
}

/*
 * A user's key (version 2): the marks in the list and, when it is not
 * the key known_users remembers for the nick, a warning line (drawn
 * highlighted) and the warning bar above the input line.
 */
static void
ev_userkey(void *arg, uint64_t id, const char *nick, size_t len,
    const char *key, enum nc_keystate st, const char *old)
{
	struct client_ui	*ui = arg;
	bool			 warn = st == NCK_CHANGED || st == NCK_LOST;
	struct tkv		 kv[4];
	char			 idbuf[24], *n, *s;
	uint64_t		 serial;

	userlist_flags(userview_model(ui->uv), id,
	    (keys_fp_parse(key, NULL) ? UL_KEYED : 0) |
	    (warn ? UL_KEYWARN : 0));
	transcript_schedule(ui);
	if (!warn)
		return;
	snprintf(idbuf, sizeof idbuf, "%" PRIu64, id);
	n = utf8_clean_dup(nick, len, 0);
	kv[0] = (struct tkv){ 'n', n };
	kv[1] = (struct tkv){ 'i', idbuf };
	kv[2] = (struct tkv){ 'o', old != NULL ? old : "" };
	kv[3] = (struct tkv){ 'f', key };
	s = transcript_expand(st == NCK_CHANGED ? ui->r.note_keychanged :
	    ui->r.note_keylost, kv, 4);
	kv[0].v = s;
	kv[0].k = 'x';
	transcript_note(&ui->t, "%x", kv, 1);
	/* The warning is the last line (a date line may come before it). */
	serial = ui->t.first_serial + ui->t.nlines - 1;
	logview_set(ui->lv, serial, ui->t.lines[ui->t.nlines - 1].s,
	    strlen(ui->t.lines[ui->t.nlines - 1].s), LV_HIGHLIGHT);
	free(s);
	kv[0] = (struct tkv){ 'n', n };
	s = transcript_expand(ui->r.key_warning, kv, 2);
	xmu_set_label(ui->keywarn, s);
	ui->keywarn_id = id;
	client_keywarn_show(ui, true);
	free(s);
	free(n);
}

void
client_ui_key_made(struct client_ui *ui, const char *path, const char *fp)
{
	struct tkv	 kv[2] = { { 'k', path }, { 'f', fp } };

	transcript_note(&ui->t, ui->r.note_keymade, kv, 2);
}

static void
ev_own(void *arg, struct nc_own *o)
{
	struct client_ui	*ui = arg;
	uint64_t		 serial = (uintptr_t)o->ui - 1;

	if (o->to != 0) {
		client_dm_own(ui, o);
		return;
	}
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

	/* A refused nick, or anything else: the connection note is done. */
	transcript_connected_forget(&ui->t);
	/* A BYE is told by the line of the disconnection (its %t). */
	if (what == NCN_BYE) {
		free(c);
		free(x);
		return;
	}
	switch (what) {
	case NCN_NICKINUSE:	tmpl = ui->r.note_nickinuse; break;
	case NCN_BADNICK:	tmpl = ui->r.note_badnick; break;
	case NCN_BADFRAME:	tmpl = ui->r.note_badframe; break;
	case NCN_TOOLONG:	tmpl = ui->r.note_toolong; break;
	case NCN_QUEUEFULL:	tmpl = ui->r.note_queuefull; break;
	case NCN_OWNKEY:	tmpl = ui->r.note_ownkey; break;
	case NCN_ERR:
	default:		tmpl = ui->r.note_err; break;
	}
	transcript_note(&ui->t, tmpl, kv, 2);
	free(c);
	free(x);
}

/* First use: ask; a changed key: say so, loudly (no retry follows). */
static void
ev_trust(void *arg, enum nc_trust what, const char *fp, const char *old)
{
	client_trust_ask(arg, what, fp, old);
}

static const struct nc_events ui_events = {
	ev_state, ev_welcome, ev_ready, ev_user, ev_message, ev_own, ev_note,
	ev_trust, ev_verdict, ev_userkey, client_conv_away
};

const struct nc_events *
client_ui_events(void)
{
	return &ui_events;
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
	ts->mark_unsigned = r->mark_unsigned;
	ts->mark_verifying = r->mark_verifying;
	ts->sfx_verifying = r->sfx_verifying;
	ts->sfx_badsig = r->sfx_badsig;
	ts->sfx_nokey = r->sfx_nokey;
	ts->sfx_unchecked = r->sfx_unchecked;
	ts->time_unknown = r->time_unknown;
	ts->fmt_action = r->fmt_action;
}

void
client_keywarn_show(struct client_ui *ui, bool on)
{
	Widget	 below = on ? ui->keywarn : ui->input;

	if (on == XtIsManaged(ui->keywarn))
		return;
	if (on)
		XtManageChild(ui->keywarn);
	XtVaSetValues(ui->panes, XmNbottomWidget, below, NULL);
	if (!on)
		XtUnmanageChild(ui->keywarn);
}

static void
keywarn_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	client_keywarn_show(ui, false);
	client_user_show(ui, ui->keywarn_id, false);
}

/*
 * The bar that warns of a key that is not the one remembered, above
 * the input line, across the window; shown only when there is one.
 */
static void
client_keywarn_build(struct client_ui *ui, Widget work)
{
	ui->keywarn = XtVaCreateWidget("keyWarning", xmPushButtonWidgetClass,
	    work, XmNalignment, XmALIGNMENT_BEGINNING,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, ui->input,
	    NULL);
	XtAddCallback(ui->keywarn, XmNactivateCallback, keywarn_cb, ui);
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

/* The count above the user list (ourselves included), when it changed. */
static void
users_count_show(struct client_ui *ui)
{
	size_t		 n = userlist_count(userview_model(ui->uv));
	struct tkv	 kv;
	char		 buf[24], *s;

	if (ui->state == NC_HISTORY || ui->state == NC_READY)
		n++;
	if (n == ui->ucount)
		return;
	ui->ucount = n;
	snprintf(buf, sizeof buf, "%zu", n);
	kv = (struct tkv){ 'n', buf };
	s = transcript_expand(n == 1 ? ui->r.user_count_one :
	    ui->r.user_count, &kv, 1);
	xmu_set_label(ui->usercount, s);
	free(s);
}

/* Show (n > 0: n lines came below a view scrolled back) or hide the bar. */
static void
below_show(struct client_ui *ui, size_t n)
{
	Widget		 sw = XtParent(ui->text);
	struct tkv	 kv;
	char		 buf[24], *s;

	if (n > 0) {
		snprintf(buf, sizeof buf, "%zu", n);
		kv = (struct tkv){ 'n', buf };
		s = transcript_expand(ui->r.new_below, &kv, 1);
		xmu_set_label(ui->below, s);
		free(s);
	}
	if ((n > 0) == XtIsManaged(ui->below))
		return;
	if (n > 0) {
		XtManageChild(ui->below);
		XtVaSetValues(sw, XmNbottomAttachment, XmATTACH_WIDGET,
		    XmNbottomWidget, ui->below, NULL);
	} else {
		XtVaSetValues(sw, XmNbottomAttachment, XmATTACH_FORM, NULL);
		XtUnmanageChild(ui->below);
	}
}

/*
 * Can the transcript's font draw c?  Motif draws a line with one font
 * and no fallback, so what it lacks the view shows as [U+XXXX].  The
 * font is the first rendition's (the render table's xft one), looked
 * up once it is loaded; no Xft font: everything passes.
 */
static bool
transcript_drawable(void *arg, uint32_t c)
{
	struct client_ui	*ui = arg;

	return xmu_can_draw(ui->text, &ui->xft, c);
}

bool
client_drawable(struct client_ui *ui, uint32_t c)
{
	return transcript_drawable(ui, c);
}

/* The log view: n lines arrived below a view scrolled back (0: none). */
static void
transcript_below(void *arg, size_t n)
{
	below_show(arg, n);
}

void
client_follow(struct client_ui *ui)
{
	logview_follow(ui->lv);
	below_show(ui, 0);
}

static void
below_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;

	(void)w;
	(void)call;
	client_follow(ui);
	XmProcessTraversal(ui->input, XmTRAVERSE_CURRENT);
}

/*
 * The read-only transcript in its pane, and under it the bar that says
 * new lines came below while it was scrolled back (managed only then).
 */
void
client_transcript_build(struct client_ui *ui, Widget pane)
{
	static const struct logview_hooks hooks = {
		transcript_schedule, transcript_below
	};
	Arg	 args[8];
	int	 n = 0;

	ui->below = XtVaCreateWidget("newMessages", xmPushButtonWidgetClass,
	    pane, XmNalignment, XmALIGNMENT_CENTER, XmNtraversalOn, False,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	XtAddCallback(ui->below, XmNactivateCallback, below_cb, ui);
	XtSetArg(args[n], XmNeditMode, XmMULTI_LINE_EDIT); n++;
	XtSetArg(args[n], XmNeditable, False); n++;
	XtSetArg(args[n], XmNcursorPositionVisible, False); n++;
	XtSetArg(args[n], XmNtraversalOn, False); n++;
	XtSetArg(args[n], XmNscrollHorizontal, False); n++;
	ui->text = XmCreateScrolledText(pane, "transcript", args, n);
	ui->lv = logview_new(ui->text, (int)ui->o.save_lines, ui->r.cont_mark,
	    &hooks, ui);
	logview_set_drawable(ui->lv, transcript_drawable);
	XtVaSetValues(XtParent(ui->text), XmNtopAttachment, XmATTACH_FORM,
	    XmNleftAttachment, XmATTACH_FORM,
	    XmNrightAttachment, XmATTACH_FORM,
	    XmNbottomAttachment, XmATTACH_FORM, NULL);
	XtManageChild(ui->text);
}

struct client_ui *
client_ui_create(Widget top, const struct client_opts *o)
{
	struct client_ui	*ui = xcalloc(1, sizeof *ui);
	Widget			 menubar, work;

	ui->o = *o;
	ui->top = top;
	ui->flush.fn = view_flush_cb;
	ui->flush.arg = ui;
	if (!client_res_load(top, &ui->r)) {
		free(ui);
		return NULL;
	}
	transcript_strings_fill(ui);
	transcript_init(&ui->t, &ui->ts, transcript_added_cb, ui);
	client_conv_transcript(ui, &ui->t);

	ui->main = XmCreateMainWindow(top, "main", NULL, 0);
	menubar = client_menubar_build(ui);
	work = XtVaCreateWidget("work", xmFormWidgetClass, ui->main, NULL);
	client_status_build(ui, work);
	client_input_build(ui, work);
	client_keywarn_build(ui, work);
	client_panes_build(ui, work);
	XtManageChild(work);
	XmMainWindowSetAreas(ui->main, menubar, NULL, NULL, NULL, work);
	XtManageChild(ui->main);
	XtVaSetValues(work, XmNinitialFocus, ui->input, NULL);
	client_act_install(ui);
	client_user_install(ui);
	client_conv_install(ui);
	client_links_install(ui);
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
	client_icon_install(ui);
	set_title(ui);
	XtRealizeWidget(ui->top);
	xmu_set_names(ui->top, NULL, NULL);
	client_panes_realized(ui);
	XmProcessTraversal(ui->input, XmTRAVERSE_CURRENT);
}

void
client_ui_free(struct client_ui *ui)
{
	if (ui == NULL)
		return;
	evloop_defer_cancel(&ui->flush);
	u64map_free(&ui->tickets);
	transcript_free(&ui->t);
	logview_free(ui->lv);
	userview_free(ui->uv);
	client_dm_free(ui);
	client_conv_free(ui);
	client_act_free(ui);
	client_find_free(ui);
	free(ui);
}
