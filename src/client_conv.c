/*
 * client_conv.c -- the conversation in xchat's window (issue 13): the
 * commands of the input line that client_act.c hands over (/msg, /me,
 * /away, /back, /help as a list, the usage of a command typed alone),
 * a text too long for one message offered in parts (cut at character
 * boundaries, each part its own message), away users (the mark in the
 * list comes from userview; a click shows the whole reason), the
 * dialog of a kick, and the transcript's hooks that keep lines quiet
 * (an id only where two nicks look alike, one line for a join and its
 * first rename).  Every string comes from resources.
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Intrinsic.h>
#include <Xm/Xm.h>
#include <Xm/List.h>
#include <Xm/MessageB.h>
#include <Xm/TextF.h>

#include "client_int.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* A text offered in parts: what to send once the user agrees. */
struct conv_split {
	char		*text;		/* without the action prefix */
	size_t		 len;
	bool		 action;
	uint64_t	 to;		/* 0: everyone, else a DM */
	Widget		 input;		/* cleared once sent */
};

/* Send text (len bytes, valid) to everyone (to 0) or to user to. */
static bool
conv_send(struct client_ui *ui, uint64_t to, const char *text, size_t len,
    bool action)
{
	char		*s = NULL;
	struct nc_own	*o;

	if (action) {
		s = xmalloc(len + NC_ACTION_PREFIX + 1);
		memcpy(s, "/me ", NC_ACTION_PREFIX);
		memcpy(s + NC_ACTION_PREFIX, text, len);
		s[len + NC_ACTION_PREFIX] = '\0';
		text = s;
		len += NC_ACTION_PREFIX;
	}
	o = to != 0 ? netclient_send_dm(ui->nc, to, text, len) :
	    netclient_send(ui->nc, text, len);
	free(s);
	return o != NULL;
}

/*
 * The parts of text (len bytes) of at most max bytes each: their
 * number, 0 if one of them breaks the text rules.
 */
static size_t
conv_parts(const char *text, size_t len, size_t max)
{
	size_t	 n = 0, cut;

	while (len > 0) {
		cut = netclient_split(text, len, max);
		if (cut == 0 || !proto_text_valid(text, cut))
			return 0;
		text += cut;
		len -= cut;
		n++;
	}
	return n;
}

static void
split_free(struct client_ui *ui)
{
	if (ui->split == NULL)
		return;
	free(ui->split->text);
	free(ui->split);
	ui->split = NULL;
}

/* Send the text in parts: each one a message, verified and confirmed. */
static void
split_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	struct conv_split	*sp = ui->split;
	size_t			 max, cut, off = 0;

	(void)call;
	XtUnmanageChild(w);
	if (sp == NULL)
		return;
	max = PROTO_MAX_TEXT - (sp->action ? NC_ACTION_PREFIX : 0);
	while (off < sp->len) {
		cut = netclient_split(sp->text + off, sp->len - off, max);
		if (!conv_send(ui, sp->to, sp->text + off, cut, sp->action))
			break;
		off += cut;
	}
	if (off == sp->len && sp->input != NULL)
		XmTextFieldSetString(sp->input, "");
	split_free(ui);
	client_flush_now(ui);
}

static void
split_cancel_cb(Widget w, XtPointer closure, XtPointer call)
{
	(void)call;
	XtUnmanageChild(w);
	split_free(closure);
}

/* Too long for one message: ask whether to send it in parts. */
static void
split_offer(struct client_ui *ui, const struct nc_cmd *c, uint64_t to,
    Widget input)
{
	size_t		 max, k;
	char		 lbuf[24], kbuf[24], *s;
	struct tkv	 kv[2];

	max = PROTO_MAX_TEXT - (c->action ? NC_ACTION_PREFIX : 0);
	if ((k = conv_parts(c->arg, c->arglen, max)) == 0) {
		transcript_note(&ui->t, ui->r.err_badtext, NULL, 0);
		return;
	}
	split_free(ui);
	ui->split = xcalloc(1, sizeof *ui->split);
	ui->split->text = xstrndup(c->arg, c->arglen);
	ui->split->len = c->arglen;
	ui->split->action = c->action;
	ui->split->to = to;
	ui->split->input = input;
	if (ui->splitbox == NULL) {
		ui->splitbox = xmu_message_dialog(ui->top, "splitDialog",
		    XmDIALOG_QUESTION, true);
		XtAddCallback(ui->splitbox, XmNokCallback, split_ok_cb, ui);
		XtAddCallback(ui->splitbox, XmNcancelCallback, split_cancel_cb,
		    ui);
	}
	snprintf(lbuf, sizeof lbuf, "%zu", c->arglen +
	    (c->action ? NC_ACTION_PREFIX : 0));
	snprintf(kbuf, sizeof kbuf, "%zu", k);
	kv[0] = (struct tkv){ 'l', lbuf };
	kv[1] = (struct tkv){ 'k', kbuf };
	s = transcript_expand(ui->r.split_question, kv, 2);
	xmu_show_message(ui->splitbox, s);
	free(s);
}

/* The id of the connected user called c's target, or 0 (said so). */
static uint64_t
conv_target(struct client_ui *ui, const struct nc_cmd *c)
{
	uint64_t	 id;

	if (netclient_find_nick(ui->nc, c->target, c->targetlen, &id))
		return id;
	transcript_note_text(&ui->t, ui->r.err_nosuchnick, c->target,
	    c->targetlen);
	return 0;
}

/* /help: one note per line of helpText. */
static void
conv_help(struct client_ui *ui)
{
	const char	*p = ui->r.help_text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		transcript_note_text(&ui->t, "%x", p, nl != NULL ?
		    (size_t)(nl - p) : strlen(p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* A command typed without what it needs: its usage. */
static void
conv_usage(struct client_ui *ui, const struct nc_cmd *c)
{
	struct tkv	 kv = { 'n', ui->my_nick };
	const char	*t = ui->r.usage_me;

	if (c->arglen == 5 && memcmp(c->arg, "/nick", 5) == 0)
		t = ui->r.usage_nick;
	else if (c->arglen == 4 && memcmp(c->arg, "/msg", 4) == 0)
		t = ui->r.usage_msg;
	transcript_note(&ui->t, t, &kv, 1);
}

/* /away [reason], /back. */
static void
conv_away(struct client_ui *ui, const struct nc_cmd *c)
{
	char		*r, lbuf[24];
	struct tkv	 kv;

	switch (c->kind) {
	case NCC_AWAY:
		r = c->arglen > 0 ? xstrndup(c->arg, c->arglen) :
		    xstrdup(ui->r.away_default);
		netclient_away(ui->nc, r);
		free(r);
		break;
	case NCC_BACK:
		netclient_away(ui->nc, NULL);
		break;
	default:
		snprintf(lbuf, sizeof lbuf, "%zu", c->arglen);
		kv = (struct tkv){ 'l', lbuf };
		transcript_note(&ui->t, ui->r.err_awaylong, &kv, 1);
		break;
	}
}

bool
client_conv_command(struct client_ui *ui, const struct nc_cmd *c,
    uint64_t to, Widget input)
{
	uint64_t	 id;

	switch (c->kind) {
	case NCC_MSG:
		return conv_send(ui, to, c->arg, c->arglen, c->action);
	case NCC_DM:
		if ((id = conv_target(ui, c)) == 0)
			return false;
		return conv_send(ui, id, c->arg, c->arglen, false);
	case NCC_QUERY:
		if ((id = conv_target(ui, c)) == 0)
			return false;
		return client_dm_open(ui, id);
	case NCC_TOOLONG:
		if (c->target != NULL && (to = conv_target(ui, c)) == 0)
			return false;
		split_offer(ui, c, to, input);
		return false;
	case NCC_AWAY:
	case NCC_BACK:
	case NCC_AWAYLONG:
		conv_away(ui, c);
		return c->kind != NCC_AWAYLONG;
	case NCC_HELP:
		conv_help(ui);
		return true;
	case NCC_USAGE:
		conv_usage(ui, c);
		return false;
	default:
		return false;
	}
}

void
client_conv_away(void *arg, uint64_t id, const char *reason, size_t len,
    bool self)
{
	struct client_ui	*ui = arg;
	char			*r;
	struct tkv		 kv;

	if (!self) {
		if (reason == NULL)
			client_status_unaway(ui, id);
		userlist_away(userview_model(ui->uv), id, reason, len);
		client_dm_away(ui, id, reason, len);
		client_view_schedule(ui);
		return;
	}
	r = reason != NULL ? utf8_clean_dup(reason, len, 0) : NULL;
	/* Said again after every reconnection: noted once. */
	if ((r == NULL) == (ui->away_shown == NULL) && (r == NULL ||
	    strcmp(r, ui->away_shown) == 0)) {
		free(r);
		return;
	}
	free(ui->away_shown);
	ui->away_shown = r;
	kv = (struct tkv){ 'x', r };
	transcript_note(&ui->t, r != NULL ? ui->r.note_away : ui->r.note_back,
	    &kv, 1);
	client_view_schedule(ui);
}

/*
 * Denied (BYE denied): the server admits only the keys its operator
 * registered; say which key to give the operator, ours.
 */
static void
conv_denied(struct client_ui *ui)
{
	struct tkv	 kv[KV_CONN + 1];
	const char	*fp = netclient_own_key(ui->nc);

	client_view_kv(ui, kv);
	kv[KV_CONN] = (struct tkv){ 'f', fp };
	transcript_note(&ui->t, *fp != '\0' &&
	    netclient_version(ui->nc) == PROTO_V2 ? ui->r.note_denied :
	    ui->r.note_denied_anon, kv, KV_CONN + 1);
	client_view_schedule(ui);
}

/* The dialog of a kick: the server's reason, and no retry. */
void
client_conv_stopped(struct client_ui *ui, enum nc_why why)
{
	struct tkv	 kv[KV_CONN + 1];
	char		*s, *t;

	if (why == NCW_DENIED)
		conv_denied(ui);
	if (why != NCW_KICKED)
		return;
	t = utf8_clean_dup(netclient_error(ui->nc),
	    strlen(netclient_error(ui->nc)), 0);
	client_view_kv(ui, kv);
	kv[KV_CONN] = (struct tkv){ 't', *t != '\0' ? t :
	    ui->r.kicked_noreason };
	if (ui->kickbox == NULL)
		ui->kickbox = xmu_message_dialog(ui->top, "kickedDialog",
		    XmDIALOG_WARNING, false);
	s = transcript_expand(ui->r.kicked_message, kv, KV_CONN + 1);
	xmu_show_message(ui->kickbox, s);
	free(s);
	free(t);
}

static bool
conv_shared(void *arg, uint64_t id, const char *nick, size_t len)
{
	struct client_ui	*ui = arg;

	return ui->nc == NULL || netclient_nick_shared(ui->nc, id, nick, len);
}

static void
conv_changed(void *arg, uint64_t serial, const struct tline *l)
{
	struct client_ui	*ui = arg;

	logview_set(ui->lv, serial, l->s, strlen(l->s),
	    l->mention ? LV_HIGHLIGHT : 0);
	client_view_schedule(ui);
}

void
client_conv_transcript(struct client_ui *ui, struct transcript *t)
{
	t->shared = conv_shared;
	if (t == &ui->t)
		t->changed = conv_changed;
}

/* A click on a user in the list: if away, the whole reason below. */
static void
users_select_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct client_ui	*ui = closure;
	XmListCallbackStruct	*cbs = call;
	const struct ul_user	*u;
	struct tkv		 kv[2];
	uint64_t		 id;
	bool			 self;
	char			*s;

	(void)w;
	if (!userview_at(ui->uv, cbs->item_position, &id, &self) || self ||
	    (u = userlist_find(userview_model(ui->uv), id)) == NULL ||
	    u->away == NULL)
		return;
	kv[0] = (struct tkv){ 'n', u->nick };
	kv[1] = (struct tkv){ 'r', u->away };
	s = transcript_expand(ui->r.away_info, kv, 2);
	snprintf(ui->status_text, sizeof ui->status_text, "%s", s);
	xmu_set_label(ui->status, s);
	free(s);
	ui->away_status = id;
}

void
client_conv_install(struct client_ui *ui)
{
	XtAddCallback(ui->users, XmNsingleSelectionCallback, users_select_cb,
	    ui);
	XtAddCallback(ui->users, XmNbrowseSelectionCallback, users_select_cb,
	    ui);
	userview_away_mark(ui->uv, ui->r.mark_away);
}

void
client_conv_free(struct client_ui *ui)
{
	split_free(ui);
	free(ui->away_shown);
	ui->away_shown = NULL;
}
