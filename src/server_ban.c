/*
 * server_ban.c -- Kick and Kick and ban in xchatd's window, and the
 * Bans dialog.  Kick asks first, with a reason the client is told
 * ("BYE kicked <reason>"); Kick and ban asks the same plus for how
 * long, and bans the client's address and key in the bans file (bans.c)
 * through hub_kick_ban.  Clients > Bans lists the bans file and lifts
 * a ban.  What is asked about is copied when the question is put (the
 * selection and the client may go meanwhile).
 * Part of xchat; see COPYING for the licence.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Xm/Xm.h>
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/List.h>
#include <Xm/MessageB.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/SeparatoG.h>
#include <Xm/TextF.h>

#include "bans.h"
#include "server_int.h"
#include "template.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* The choices of "Ban for": seconds (0: for ever), widget names. */
static const struct {
	const char	*name;
	time_t		 secs;
} durations[] = {
	{ "banHour", 3600 },
	{ "banDay", 86400 },
	{ "banWeek", 7 * 86400 },
	{ "banMonth", 30 * 86400 },
	{ "banForever", 0 },
};

/* An until as the window shows it: banUntilFormat, or banForeverText. */
static const char *
until_text(struct server_ui *ui, time_t until, char *buf, size_t len)
{
	struct tm	 tm;

	if (until == BANS_FOREVER)
		return ui->r.ban_forever;
	localtime_r(&until, &tm);
	if (strftime(buf, len, ui->r.ban_until_format, &tm) == 0)
		snprintf(buf, len, "%lld", (long long)until);
	return buf;
}

/* An error dialog (made on first use) with msg. */
static void
kick_error(struct server_ui *ui, const char *msg)
{
	if (ui->kick_error == NULL)
		ui->kick_error = xmu_message_dialog(ui->top, "kickErrorDialog",
		    XmDIALOG_ERROR, false);
	xmu_show_message(ui->kick_error, msg);
}

/* The reason typed in d, trimmed of blanks at both ends (freed by caller). */
static char *
kick_reason(struct kick_dialog *d)
{
	char	*s = XmTextFieldGetString(d->reason), *p, *e, *out;

	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	out = xstrndup(p, (size_t)(e - p));
	XtFree(s);
	return out;
}

/*
 * Does row o go with a ban of the address addr and the key (""
 * for none), as hub_kick_ban decides (same_origin in hubjoin.c)?
 * *by_key says whether by the key rather than the address.
 */
static bool
ban_takes(const struct row *o, const char *addr, const char *key,
    bool *by_key)
{
	char	 t[BANS_TARGET_MAX + 1];

	*by_key = false;
	if (o->remote)
		return false;
	if (bans_peer_address(o->peer, t) && strcmp(t, addr) == 0)
		return true;
	*by_key = true;
	return *key != '\0' && o->key != NULL && strcmp(o->key, key) == 0;
}

/* One the ban takes with it: its id, nick (cleaned) and why. */
struct ban_other {
	uint64_t	 id;
	bool		 by_key;
	char		 nick[PROTO_MAX_NICK * 3 + 1];
};

/*
 * The other rows a ban of addr and key takes with the client id;
 * returns how many, *v (freed by the caller) holds them.
 */
static size_t
ban_others(struct server_ui *ui, uint64_t id, const char *addr,
    const char *key, struct ban_other **v)
{
	const struct row *r;
	size_t		 i, n = 0;
	bool		 by_key;

	*v = xreallocarray(NULL, ui->nrows + 1, sizeof **v);
	for (i = 0; i < ui->nrows; i++) {
		r = &ui->rows[i];
		if (r->id == id || !ban_takes(r, addr, key, &by_key))
			continue;
		(*v)[n].id = r->id;
		(*v)[n].by_key = by_key;
		utf8_clean((*v)[n].nick, r->nick, strlen(r->nick), 0);
		n++;
	}
	return n;
}

/*
 * The question's addition naming the others the ban takes (ten at
 * most, then "and N more"), appended to buf; nothing if there are none.
 */
static void
ban_others_text(struct server_ui *ui, uint64_t id, const char *addr,
    const char *key, char *buf, size_t len)
{
	struct ban_other *v;
	char		 list[2048], num[32];
	size_t		 i, n, o = 0, at = strlen(buf);

	n = ban_others(ui, id, addr, key, &v);
	list[0] = '\0';
	for (i = 0; i < n && i < 10 && o < sizeof list - 1; i++) {
		if (i > 0)
			list[o++] = '\n';
		o += template_expand(list + o, sizeof list - o, v[i].by_key ?
		    ui->r.kick_ban_same_key : ui->r.kick_ban_same_addr, "in",
		    (const char *[]){ server_num(NULL, v[i].id, num),
		    v[i].nick });
	}
	if (n > 10 && o < sizeof list - 1) {
		snprintf(num, sizeof num, "%zu", n - 10);
		list[o++] = '\n';
		template_expand(list + o, sizeof list - o, ui->r.kick_ban_more,
		    "c", (const char *[]){ num });
	}
	if (n > 0 && at < len)
		template_expand(buf + at, len - at, ui->r.kick_ban_others,
		    "o", (const char *[]){ list });
	free(v);
}

/* The event view's line for each other the ban of d took with it. */
static void
ban_others_events(struct server_ui *ui, struct kick_dialog *d,
    const struct ban_other *v, size_t n)
{
	char	 id[32], by[32];
	size_t	 i;

	server_num(NULL, d->id, by);
	for (i = 0; i < n; i++)
		server_event_add(ui, LK_ALWAYS, v[i].by_key ?
		    ui->r.ev_ban_same_key : ui->r.ev_ban_same_addr, "into",
		    (const char *[]){ server_num(NULL, v[i].id, id),
		    v[i].nick, by, d->nick });
}

/* Kick and ban: the ban, and the kick if the client is still here. */
static void
kick_ban_act(struct server_ui *ui, struct kick_dialog *d, const char *reason)
{
	char		 err[4500], id[32], k[COL_KEY + 1], u[128];
	char		 addr[BANS_TARGET_MAX + 1];
	struct ban_other *v = NULL;
	size_t		 n = 0;
	time_t		 until = BANS_FOREVER;
	bool		 ok;

	if (durations[d->dur].secs != 0)
		until = time(NULL) + durations[d->dur].secs;
	server_num(NULL, d->id, id);
	if (!bans_peer_address(d->peer, addr))
		snprintf(addr, sizeof addr, "-");
	server_event_add(ui, LK_ALWAYS, *d->key != '\0' ?
	    ui->r.ev_kick_ban_keyed : ui->r.ev_kick_ban, "inasu",
	    (const char *[]){ id, d->nick, addr, server_short_key(*d->key !=
	    '\0' ? d->key : NULL, k), until_text(ui, until, u, sizeof u) });
	if (server_row(ui, d->id) != NULL) {
		n = ban_others(ui, d->id, addr, d->key, &v);
		if ((ok = hub_kick_ban(ui->hub, d->id, until, reason, err,
		    sizeof err)))
			ban_others_events(ui, d, v, n);
		free(v);
	} else if (strcmp(addr, "-") == 0) {
		snprintf(err, sizeof err, "%s has no address to ban", d->peer);
		ok = false;
	} else
		ok = bans_add(ui->info.bans, addr, until, reason, err,
		    sizeof err) && (*d->key == '\0' || bans_add(ui->info.bans,
		    d->key, until, reason, err, sizeof err));
	if (!ok) {
		char	 msg[5000];

		template_expand(msg, sizeof msg, ui->r.kick_ban_failed, "ine",
		    (const char *[]){ id, d->nick, err });
		server_event_add(ui, LK_ALWAYS, "!! %e", "e",
		    (const char *[]){ err });
		kick_error(ui, msg);
	}
	server_bans_changed(ui);
}

/* OK: check the reason, then kick (and ban). */
static void
kick_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct kick_dialog *d = closure;
	struct server_ui *ui = d->ui;
	char		*reason = kick_reason(d), id[32];

	(void)w;
	(void)call;
	if (*reason != '\0' && !proto_away_valid(reason, strlen(reason))) {
		kick_error(ui, ui->r.kick_reason_bad);
		XtManageChild(d->w);
		free(reason);
		return;
	}
	if (d->ban)
		kick_ban_act(ui, d, reason);
	else if (server_row(ui, d->id) != NULL) {
		server_num(NULL, d->id, id);
		server_event_add(ui, LK_ALWAYS, *reason != '\0' ?
		    ui->r.ev_kick_reason : ui->r.ev_kick, "inat",
		    (const char *[]){ id, d->nick, d->peer, reason });
		hub_kick(ui->hub, d->id, *reason != '\0' ? reason : NULL);
	}
	server_schedule_flush(ui);
	free(reason);
}

static void
kick_duration_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct kick_dialog *d = closure;
	size_t		 i;

	(void)call;
	for (i = 0; i < XtNumber(durations); i++)
		if (strcmp(XtName(w), durations[i].name) == 0)
			d->dur = (int)i;
}

/* "Ban for:" and its option menu, in rc. */
static void
kick_durations(struct kick_dialog *d, Widget rc)
{
	Widget	 pd, b, om;
	Arg	 a[1];
	size_t	 i;

	pd = XmCreatePulldownMenu(rc, "banDurationMenu", NULL, 0);
	for (i = 0; i < XtNumber(durations); i++) {
		b = XtVaCreateManagedWidget(durations[i].name,
		    xmPushButtonWidgetClass, pd, NULL);
		XtAddCallback(b, XmNactivateCallback, kick_duration_cb, d);
	}
	d->dur = 1;
	XtSetArg(a[0], XmNsubMenuId, pd);
	om = XmCreateOptionMenu(rc, "banDuration", a, 1);
	XtVaSetValues(om, XmNmenuHistory, XtNameToWidget(pd, "banDay"),
	    NULL);
	XtManageChild(om);
	d->until = om;
}

/* The question's dialog: a message, a reason field, (ban) a duration. */
static void
kick_build(struct server_ui *ui, struct kick_dialog *d, const char *name)
{
	Widget	 rc;

	d->ui = ui;
	d->w = xmu_message_dialog(ui->top, name, XmDIALOG_QUESTION, true);
	XtVaSetValues(d->w, XmNdefaultButtonType, XmDIALOG_CANCEL_BUTTON,
	    NULL);
	XtAddCallback(d->w, XmNokCallback, kick_ok_cb, d);
	rc = XtVaCreateManagedWidget("kickFields", xmRowColumnWidgetClass,
	    d->w, XmNorientation, XmVERTICAL, NULL);
	XtVaCreateManagedWidget("reasonLabel", xmLabelWidgetClass, rc,
	    XmNalignment, XmALIGNMENT_BEGINNING, NULL);
	d->reason = XtVaCreateManagedWidget("reason", xmTextFieldWidgetClass,
	    rc, XmNmaxLength, PROTO_MAX_AWAY, XmNcolumns, 40, NULL);
	if (d->ban)
		kick_durations(d, rc);
}

/* Ask about the selected client in d (Kick, or Kick and ban). */
static void
kick_ask(struct server_ui *ui, struct kick_dialog *d, const char *name,
    const char *fmt)
{
	struct row	*r = server_row(ui, ui->sel_id);
	char		 buf[4096], id[32], nick[PROTO_MAX_NICK * 3 + 1];
	char		 addr[BANS_TARGET_MAX + 1];

	if (r == NULL || ui->hub == NULL)
		return;
	/* Kick and ban names the address it bans, without the port. */
	if (!d->ban || !bans_peer_address(r->peer, addr))
		snprintf(addr, sizeof addr, "%s", r->peer);
	if (d->w == NULL)
		kick_build(ui, d, name);
	utf8_clean(nick, r->nick, strlen(r->nick), 0);
	d->id = r->id;
	free(d->nick);
	d->nick = xstrdup(nick);
	free(d->peer);
	d->peer = xstrdup(r->peer);
	free(d->key);
	d->key = xstrdup(r->key != NULL ? r->key : "");
	template_expand(buf, sizeof buf, fmt, "inakf", (const char *[]){
	    server_num(NULL, r->id, id), nick, addr, r->key != NULL ?
	    r->key : "-", ui->info.bans != NULL ? bans_path(ui->info.bans) :
	    "-" });
	if (d->ban)
		ban_others_text(ui, r->id, addr, d->key, buf, sizeof buf);
	XmTextFieldSetString(d->reason, "");
	xmu_show_message(d->w, buf);
	XmProcessTraversal(d->reason, XmTRAVERSE_CURRENT);
}

void
server_kick_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	ui->kick_d.ban = false;
	kick_ask(ui, &ui->kick_d, "kickDialog", ui->r.kick_question);
}

void
server_kick_ban_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct row	*r = server_row(ui, ui->sel_id);

	(void)w;
	(void)call;
	if (ui->info.bans == NULL || r == NULL)
		return;
	ui->kickban_d.ban = true;
	kick_ask(ui, &ui->kickban_d, "kickBanDialog", r->key != NULL ?
	    ui->r.kick_ban_question_keyed : ui->r.kick_ban_question);
}

/* ---- Clients > Bans ----------------------------------------------------- */

/* Refill the list from the bans file (the bans over forgotten first). */
static void
bd_fill(struct server_ui *ui)
{
	struct bans_dialog *d = &ui->bans_d;
	struct bans	*b = ui->info.bans;
	XmString	*items;
	const char	*t, *r;
	char		 buf[BANS_TARGET_MAX + 600], u[128], c[32], *o;
	time_t		 until;
	size_t		 i, n;

	bans_expire(b, time(NULL));
	n = bans_count(b);
	items = xreallocarray(NULL, n + 1, sizeof *items);
	for (i = 0; i < d->n; i++)
		free(d->targets[i]);
	d->targets = xreallocarray(d->targets, n + 1, sizeof *d->targets);
	for (i = 0; i < n; i++) {
		bans_at(b, i, &t, &until, &r);
		d->targets[i] = xstrdup(t);
		o = xmu_pad(buf, t, BANS_TARGET_MAX, false);
		*o++ = ' ';
		o = xmu_pad(o, until_text(ui, until, u, sizeof u), 16, false);
		*o++ = ' ';
		utf8_clean(o, r, strnlen(r, PROTO_MAX_AWAY), 0);
		items[i] = xmu_string(buf);
	}
	d->n = n;
	XmListDeleteAllItems(d->list);
	XmListAddItemsUnselected(d->list, items, (int)n, 0);
	for (i = 0; i < n; i++)
		XmStringFree(items[i]);
	free(items);
	template_expand(buf, sizeof buf, n == 1 ? ui->r.bans_path_one :
	    ui->r.bans_path, "fc",
	    (const char *[]){ bans_path(b), server_num(ui, n, c) });
	xmu_set_label(d->path, buf);
	XtSetSensitive(d->lift, False);
	d->dirty = false;
}

static void
bd_select_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	XmListCallbackStruct *cs = call;

	(void)w;
	XtSetSensitive(ui->bans_d.lift, cs->item_position >= 1 &&
	    (size_t)cs->item_position <= ui->bans_d.n);
}

/* Lift: the selected ban goes (from the file first). */
static void
bd_lift_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct bans_dialog *d = &ui->bans_d;
	int		*pos = NULL, n = 0, p = 0;
	char		 err[4500], msg[5000];

	(void)w;
	(void)call;
	if (XmListGetSelectedPos(d->list, &pos, &n) && n > 0)
		p = pos[0];
	XtFree((char *)pos);
	if (p <= 0 || (size_t)p > d->n)
		return;
	if (bans_lift(ui->info.bans, d->targets[p - 1], err, sizeof err))
		server_event_add(ui, LK_ALWAYS, ui->r.ev_ban_lifted, "t",
		    (const char *[]){ d->targets[p - 1] });
	else {
		template_expand(msg, sizeof msg, ui->r.lift_failed, "te",
		    (const char *[]){ d->targets[p - 1], err });
		kick_error(ui, msg);
	}
	server_schedule_flush(ui);
	bd_fill(ui);
}

/* Reload: read the file again, as SIGHUP does. */
static void
bd_reload_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	char		 err[4500], msg[5000], c[32];

	(void)w;
	(void)call;
	if (bans_reload(ui->info.bans, time(NULL), err, sizeof err))
		server_event_add(ui, LK_ALWAYS, bans_count(ui->info.bans) ==
		    1 ? ui->r.ev_bans_read_one : ui->r.ev_bans_read, "fc",
		    (const char *[]){ bans_path(ui->info.bans), server_num(ui,
		    bans_count(ui->info.bans), c) });
	else {
		template_expand(msg, sizeof msg, ui->r.bans_reload_failed,
		    "fe", (const char *[]){ bans_path(ui->info.bans), err });
		kick_error(ui, msg);
	}
	server_schedule_flush(ui);
	bd_fill(ui);
}

/* The dialog: the file and its count, the bans, Lift, Reload, Close. */
static void
bd_build(struct server_ui *ui)
{
	struct bans_dialog *d = &ui->bans_d;
	Widget		 f, reload, sep;

	f = d->w = xmu_form_dialog(ui->top, "bansDialog");
	d->path = xmu_form_label(f, "bansPathLabel", NULL);
	d->lift = xmu_form_button(f, "liftBan", NULL, bd_lift_cb, ui);
	reload = xmu_form_button(f, "reloadBans", d->lift, bd_reload_cb, ui);
	sep = xmu_form_close(f, "closeBans", reload);
	d->list = xmu_form_list(f, "bansFileList", d->path, bd_select_cb, ui);
	XtVaSetValues(XtParent(d->list), XmNbottomAttachment,
	    XmATTACH_WIDGET, XmNbottomWidget, sep, XmNbottomOffset, 6, NULL);
}

void
server_bans_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	if (ui->info.bans == NULL)
		return;
	if (ui->bans_d.w == NULL)
		bd_build(ui);
	bd_fill(ui);
	XtManageChild(ui->bans_d.w);
}

void
server_bans_changed(struct server_ui *ui)
{
	ui->bans_d.dirty = true;
	server_schedule_flush(ui);
}

void
server_bans_flush(struct server_ui *ui)
{
	struct bans_dialog *d = &ui->bans_d;

	if (d->w == NULL || ui->info.bans == NULL || !XtIsManaged(d->w))
		return;
	if (d->dirty || bans_count(ui->info.bans) != d->n)
		bd_fill(ui);
}

void
server_bans_dump(FILE *fp, struct server_ui *ui)
{
	static const char *widgets[] = {
		"*bansDialog.bansPathLabel", "*bansDialog.liftBan",
		"*bansDialog.reloadBans", "*bansDialog.closeBans",
		"*kickDialog*reasonLabel", "*kickDialog*reason",
		"*kickBanDialog*reasonLabel", "*kickBanDialog*reason",
		"*kickBanDialog*OptionLabel", "*kickBanDialog*OptionButton",
		"*banDurationMenu.banHour", "*banDurationMenu.banForever",
	};
	size_t		 k;

	for (k = 0; k < XtNumber(widgets); k++)
		if (XtNameToWidget(ui->top, widgets[k]) != NULL)
			xmu_dump_widget(fp, ui->top, widgets[k]);
	if (ui->bans_d.w == NULL || !XtIsManaged(ui->bans_d.w)) {
		fprintf(fp, "dialog *bansDialog %s\n", ui->bans_d.w == NULL ?
		    "none" : "unmanaged");
		return;
	}
	fprintf(fp, "dialog *bansDialog managed\n");
	xmu_dump_list(fp, ui->bans_d.list, "bansfile", "bansitem",
	    "bansitempos");
}
