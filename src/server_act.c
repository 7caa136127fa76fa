/*
 * server_act.c -- what the operator does in xchatd's window: the menus
 * (File: Verify log, Quit; View: Clear, Pause; Clients: Kick, Ban key,
 * Accounts; Help: About) and their dialogs, the start-up error dialog,
 * and the SIGUSR1 state dump that the GUI tests read.  server_ui.c
 * shows; this file acts.
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
#include <Xm/Form.h>
#include <Xm/Label.h>
#include <Xm/List.h>
#include <Xm/MessageB.h>
#include <Xm/Protocols.h>
#include <Xm/PushB.h>
#include <Xm/RowColumn.h>
#include <Xm/SeparatoG.h>
#include <Xm/Text.h>
#include <Xm/TextF.h>

#include "accounts.h"
#include "logcheck.h"
#include "msglog.h"
#include "server_int.h"
#include "template.h"
#include "utf8.h"
#include "xmalloc.h"
#include "xmutil.h"

/* The verdict's counts in the window's words (verifySummary), at o. */
static void
verify_summary(struct server_ui *ui, const struct msglog_verdict *v,
    char *o, size_t len)
{
	char		 n[6][32];
	const char	*args[6];

	args[0] = server_num(ui, v->records, n[0]);
	args[1] = server_num(ui, v->good, n[1]);
	args[2] = server_num(ui, v->bad, n[2]);
	args[3] = server_num(ui, v->signed_good, n[3]);
	args[4] = server_num(ui, v->sig_bad, n[4]);
	args[5] = server_num(ui, v->unsigned_msgs, n[5]);
	template_expand(o, len, ui->r.verify_summary, "rgbsxu", args);
}

/*
 * The check is over (or could not start): say so, with the counts in
 * the window's words, and show the verifier's report.
 */
static void
verify_show(void *arg, int status, const char *why, const char *report,
    size_t len, const struct msglog_verdict *v)
{
	struct server_ui *ui = arg;
	char		 head[2048], *clean;
	const char	*args[2], *fmt;
	unsigned char	 type;
	size_t		 o;

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
	o = template_expand(head, sizeof head, fmt, "fe", args);
	server_event_add(ui, LK_ALWAYS, "%t", "t", (const char *[]){ head });
	if (v != NULL && o + 2 < sizeof head) {
		memcpy(head + o, "\n\n", 3);
		verify_summary(ui, v, head + o + 2, sizeof head - o - 2);
	}
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
		verify_show(ui, 2, strerror(errno), "", 0, NULL);
		return;
	}
	XtSetSensitive(ui->verify, False);
}

/* The TLS name and key fingerprint (or "no TLS") for %t and %k. */
static void
key_args(struct server_ui *ui, const char *args[2])
{
	args[0] = ui->tls_name != NULL && *ui->tls_name != '\0' ?
	    ui->tls_name : ui->r.no_tls;
	args[1] = ui->fingerprint != NULL && *ui->fingerprint != '\0' ?
	    ui->fingerprint : ui->r.no_tls;
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
	char		 pv[16];
	const char	*args[6];

	(void)w;
	(void)call;
	snprintf(pv, sizeof pv, "%d", PROTO_VERSION);
	args[0] = PACKAGE_VERSION;
	args[1] = pv;
	args[2] = ui->listen_name != NULL ? ui->listen_name : "-";
	args[3] = ui->logfile != NULL ? ui->logfile : "-";
	key_args(ui, args + 4);
	xmu_show_template(ui->about_dialog, ui->r.about_message, "vpaltk",
	    args);
}

/* File > Server key: the fingerprint to read out to users. */
static void
server_key_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	const char	*args[2];

	(void)w;
	(void)call;
	key_args(ui, args);
	xmu_show_template(ui->key_dialog, ui->r.key_message, "tk", args);
}

/* Quit: said yes to, or nobody was connected. */
static void
quit_act(struct server_ui *ui, const struct confirm *cf)
{
	(void)cf;
	if (ui->info.quit != NULL)
		ui->info.quit();
}

/* File > Quit and WM_DELETE_WINDOW: ask first if anyone is connected. */
static void
server_quit_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct hub_stats st;
	char		 n[32];
	const char	*args[1];

	(void)w;
	(void)call;
	if (!ui->started)
		return;
	hub_stats(ui->hub, &st);
	if (st.clients == 0) {
		quit_act(ui, NULL);
		return;
	}
	args[0] = server_num(ui, st.clients, n);
	xmu_show_template(ui->quit_confirm.w, ui->r.quit_question, "c",
	    args);
}

/* ---- confirmations and registry errors ---------------------------------- */

static void
confirm_ok_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct confirm	*cf = closure;

	(void)w;
	(void)call;
	if (cf->act != NULL)
		cf->act(cf->ui, cf);
}

/*
 * Ask msg in the dialog name (made on first use and kept in cf, Cancel
 * the default button) and, on OK, call act with what cf then holds:
 * the client id, nick and key given here, copied now, since the
 * selection may change while the question is up.
 */
static void
confirm_ask(struct server_ui *ui, struct confirm *cf, const char *name,
    const char *msg, void (*act)(struct server_ui *, const struct confirm *),
    uint64_t id, const char *nick, const char *key)
{
	if (cf->w == NULL) {
		cf->ui = ui;
		cf->w = xmu_message_dialog(ui->top, name, XmDIALOG_WARNING,
		    true);
		XtVaSetValues(cf->w, XmNdefaultButtonType,
		    XmDIALOG_CANCEL_BUTTON, NULL);
		XtAddCallback(cf->w, XmNokCallback, confirm_ok_cb, cf);
	}
	cf->act = act;
	cf->id = id;
	free(cf->nick);
	cf->nick = xstrdup(nick != NULL ? nick : "");
	free(cf->key);
	cf->key = xstrdup(key != NULL ? key : "");
	xmu_show_message(cf->w, msg);
}

/* The accounts file's path, for templates. */
static const char *
acct_file(struct server_ui *ui)
{
	return ui->info.accounts != NULL ? accounts_path(ui->info.accounts) :
	    "-";
}

/*
 * A change to the registry failed: say so in the event view and in an
 * error dialog (fmt expanded with id, nick, file and the error).
 */
static void
acct_fail(struct server_ui *ui, const char *fmt, const char *id,
    const char *nick, const char *err)
{
	char		 buf[4096];
	const char	*args[4];

	args[0] = id != NULL ? id : "";
	args[1] = nick != NULL ? nick : "";
	args[2] = acct_file(ui);
	args[3] = err;
	server_event_add(ui, LK_ALWAYS, ui->r.ev_accounts_error, "fe",
	    args + 2);
	template_expand(buf, sizeof buf, fmt, "infe", args);
	if (ui->acct_error == NULL)
		ui->acct_error = xmu_message_dialog(ui->top,
		    "accountsErrorDialog", XmDIALOG_ERROR, false);
	xmu_show_message(ui->acct_error, buf);
	server_schedule_flush(ui);
}

/* ---- Clients > Ban key -------------------------------------------------- */

/*
 * The operator said yes: ban the key (and drop the client, if it is
 * still the one asked about; if it left, the key is banned all the
 * same).
 */
static void
ban_act(struct server_ui *ui, const struct confirm *cf)
{
	struct row	*r = server_row(ui, cf->id);
	char		 err[1024], id[32], k[COL_KEY + 1];
	bool		 ok;

	server_num(NULL, cf->id, id);
	server_event_add(ui, LK_ALWAYS, ui->r.ev_ban, "inks",
	    (const char *[]){ id, cf->nick, cf->key,
	    server_short_key(cf->key, k) });
	if (ui->info.accounts == NULL) {
		snprintf(err, sizeof err, "there is no accounts file");
		ok = false;
	} else if (r != NULL && r->key != NULL && strcmp(r->key, cf->key) == 0)
		ok = hub_ban(ui->hub, cf->id, err, sizeof err);
	else
		ok = accounts_ban(ui->info.accounts, cf->key, err, sizeof err);
	if (!ok)
		acct_fail(ui, ui->r.ban_failed, id, cf->nick, err);
	server_accounts_changed(ui);
}

/* Clients > Ban key and its button: ask first, with the whole key. */
void
server_ban_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct row	*r = server_row(ui, ui->sel_id);
	char		 buf[4096], id[32];

	(void)w;
	(void)call;
	if (r == NULL || r->key == NULL || ui->info.accounts == NULL)
		return;
	template_expand(buf, sizeof buf, ui->r.ban_question, "inkf",
	    (const char *[]){ server_num(NULL, r->id, id), r->nick, r->key,
	    acct_file(ui) });
	confirm_ask(ui, &ui->ban_confirm, "banDialog", buf, ban_act, r->id,
	    r->nick, r->key);
}

/* ---- Clients > Accounts ------------------------------------------------- */

static void
strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Copy the registry into the dialog's lists (snapshot, then items). */
static void
acct_snapshot(struct server_ui *ui)
{
	struct acct_dialog *d = &ui->acct;
	struct accounts	*a = ui->info.accounts;
	const char	*nick, *key;
	size_t		 i;

	strv_free(d->nicks, d->nregs);
	strv_free(d->keys, d->nregs);
	strv_free(d->banned, d->nbans);
	d->nregs = accounts_count(a);
	d->nbans = accounts_nbans(a);
	d->nicks = xreallocarray(NULL, d->nregs + 1, sizeof *d->nicks);
	d->keys = xreallocarray(NULL, d->nregs + 1, sizeof *d->keys);
	d->banned = xreallocarray(NULL, d->nbans + 1, sizeof *d->banned);
	for (i = 0; i < d->nregs; i++) {
		accounts_at(a, i, &nick, &key);
		d->nicks[i] = xstrdup(nick);
		d->keys[i] = xstrdup(key);
	}
	for (i = 0; i < d->nbans; i++)
		d->banned[i] = xstrdup(accounts_ban_at(a, i));
}

/* Fill list with n items made by fmt(d, i, buf), selecting pos sel. */
static void
acct_items(Widget list, struct acct_dialog *d, size_t n,
    void (*fmt)(struct acct_dialog *, size_t, unsigned, char *),
    unsigned width, int sel)
{
	XmString	*items = xreallocarray(NULL, n + 1, sizeof *items);
	char		 buf[PROTO_MAX_NICK * 4 + PROTO_KEY_LEN + 64];
	size_t		 i;

	for (i = 0; i < n; i++) {
		fmt(d, i, width, buf);
		items[i] = xmu_string(buf);
	}
	XmListDeleteAllItems(list);
	XmListAddItemsUnselected(list, items, (int)n, 0);
	for (i = 0; i < n; i++)
		XmStringFree(items[i]);
	free(items);
	if (sel > 0 && (size_t)sel <= n) {
		XmListSelectPos(list, sel, False);
		XmListSetKbdItemPos(list, sel);
	}
}

static void
acct_fmt_reg(struct acct_dialog *d, size_t i, unsigned width, char *buf)
{
	char	 nick[PROTO_MAX_NICK * 3 + 1], *o;

	utf8_clean(nick, d->nicks[i], strnlen(d->nicks[i], PROTO_MAX_NICK),
	    0);
	o = xmu_pad(buf, nick, width, false);
	*o++ = ' ';
	snprintf(o, PROTO_KEY_LEN + 1, "%s", d->keys[i]);
}

/* A banned key, with the nick it owns (if any) after it. */
static void
acct_fmt_ban(struct acct_dialog *d, size_t i, unsigned width, char *buf)
{
	char	 nick[PROTO_MAX_NICK * 3 + 1];
	int	 p;

	(void)width;
	nick[0] = '\0';
	for (p = (int)d->nregs - 1; p >= 0; p--)
		if (strcmp(d->keys[p], d->banned[i]) == 0) {
			utf8_clean(nick, d->nicks[p], strnlen(d->nicks[p],
			    PROTO_MAX_NICK), 0);
			break;
		}
	snprintf(buf, PROTO_KEY_LEN + sizeof nick + 8, "%.*s%s%s%s",
	    PROTO_KEY_LEN, d->banned[i], *nick != '\0' ? "  (" : "", nick,
	    *nick != '\0' ? ")" : "");
}

/* The position (1-based) of the selected item of list, or 0. */
static int
acct_selected(Widget list)
{
	int	*pos = NULL, n = 0, p = 0;

	if (XmListGetSelectedPos(list, &pos, &n) && n > 0)
		p = pos[0];
	XtFree((char *)pos);
	return p;
}

/*
 * Show the key of the selected line; when the operator picked it
 * (pick), select it too, so it can be pasted.  A refill that keeps the
 * line leaves the field (and the PRIMARY selection) alone.
 */
static void
acct_show_key(struct server_ui *ui, bool pick)
{
	struct acct_dialog *d = &ui->acct;
	int		 r = acct_selected(d->regs), b = acct_selected(d->bans);
	const char	*key = "";
	char		*old;
	bool		 same;

	if (r > 0 && (size_t)r <= d->nregs)
		key = d->keys[r - 1];
	else if (b > 0 && (size_t)b <= d->nbans)
		key = d->banned[b - 1];
	XtSetSensitive(d->remove, r > 0);
	old = XmTextFieldGetString(d->key);
	same = old != NULL && strcmp(old, key) == 0;
	XtFree(old);
	if (same && !pick)
		return;
	XmTextFieldSetString(d->key, (char *)key);
	if (pick && *key != '\0')
		XmTextFieldSetSelection(d->key, 0, (XmTextPosition)strlen(key),
		    XtLastTimestampProcessed(XtDisplay(d->key)));
}

/* Find s in v (n strings); its position (1-based), or 0. */
static int
acct_find(char **v, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return (int)i + 1;
	return 0;
}

/* Refill the dialog from the registry, keeping what was selected. */
static void
acct_fill(struct server_ui *ui)
{
	struct acct_dialog *d = &ui->acct;
	char		 buf[4096], c[32], b[32], *rs = NULL, *bs = NULL;
	const char	*args[3];
	unsigned	 width = COL_NICK;
	size_t		 i, n;
	int		 p;

	if ((p = acct_selected(d->regs)) > 0 && (size_t)p <= d->nregs)
		rs = xstrdup(d->nicks[p - 1]);
	if ((p = acct_selected(d->bans)) > 0 && (size_t)p <= d->nbans)
		bs = xstrdup(d->banned[p - 1]);
	acct_snapshot(ui);
	for (i = 0; i < d->nregs; i++)
		if ((n = utf8_chars(d->nicks[i], strlen(d->nicks[i]))) >
		    width && n <= PROTO_MAX_NICK)
			width = (unsigned)n;
	acct_items(d->regs, d, d->nregs, acct_fmt_reg, width,
	    acct_find(d->nicks, d->nregs, rs));
	acct_items(d->bans, d, d->nbans, acct_fmt_ban, 0,
	    rs == NULL ? acct_find(d->banned, d->nbans, bs) : 0);
	free(rs);
	free(bs);
	args[0] = acct_file(ui);
	args[1] = server_num(ui, d->nregs, c);
	args[2] = server_num(ui, d->nbans, b);
	template_expand(buf, sizeof buf, ui->r.acct_path, "fcb", args);
	xmu_set_label(d->path, buf);
	template_expand(buf, sizeof buf, ui->r.regs_title, "c", args + 1);
	xmu_set_label(d->regs_title, buf);
	template_expand(buf, sizeof buf, ui->r.bans_title, "c", args + 2);
	xmu_set_label(d->bans_title, buf);
	acct_show_key(ui, false);
	d->dirty = false;
}

/* A line of either list was selected: the other list lets go. */
static void
acct_select_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)call;
	XmListDeselectAllItems(w == ui->acct.regs ? ui->acct.bans :
	    ui->acct.regs);
	acct_show_key(ui, true);
}

/* The operator said yes: remove the registration. */
static void
remove_act(struct server_ui *ui, const struct confirm *cf)
{
	char		 err[1024], nick[PROTO_MAX_NICK * 3 + 1];
	char		 k[COL_KEY + 1];
	const char	*args[4];

	utf8_clean(nick, cf->nick, strnlen(cf->nick, PROTO_MAX_NICK), 0);
	if (ui->info.accounts == NULL)
		return;
	if (!accounts_remove(ui->info.accounts, cf->nick, err, sizeof err))
		acct_fail(ui, ui->r.remove_failed, NULL, nick, err);
	else {
		args[0] = nick;
		args[1] = cf->key;
		args[2] = acct_file(ui);
		args[3] = server_short_key(cf->key, k);
		server_event_add(ui, LK_ALWAYS, ui->r.ev_unregistered, "nkfs",
		    args);
		server_schedule_flush(ui);
	}
	if (ui->acct.w != NULL)
		acct_fill(ui);
}

/* Remove...: ask first, naming the nick and its whole key. */
static void
acct_remove_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	struct acct_dialog *d = &ui->acct;
	char		 buf[4096], nick[PROTO_MAX_NICK * 3 + 1];
	int		 p = acct_selected(d->regs);

	(void)w;
	(void)call;
	if (p <= 0 || (size_t)p > d->nregs)
		return;
	utf8_clean(nick, d->nicks[p - 1],
	    strnlen(d->nicks[p - 1], PROTO_MAX_NICK), 0);
	template_expand(buf, sizeof buf, ui->r.remove_question, "nkf",
	    (const char *[]){ nick, d->keys[p - 1], acct_file(ui) });
	confirm_ask(ui, &ui->remove_confirm, "removeDialog", buf, remove_act,
	    0, d->nicks[p - 1], d->keys[p - 1]);
}

/* Reload: read the file again, as SIGHUP does. */
static void
acct_reload_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;
	char		 err[1024], c[32], b[32];
	struct accounts	*a = ui->info.accounts;

	(void)w;
	(void)call;
	if (a == NULL)
		return;
	if (accounts_reload(a, err, sizeof err)) {
		server_event_add(ui, LK_ALWAYS, ui->r.ev_accounts_read, "fcb",
		    (const char *[]){ acct_file(ui), server_num(ui,
		    accounts_count(a), c), server_num(ui, accounts_nbans(a),
		    b) });
		server_schedule_flush(ui);
	} else
		acct_fail(ui, ui->r.reload_failed, NULL, NULL, err);
	acct_fill(ui);
}

/*
 * The dialog, top to bottom: the file's path, the registrations (nick
 * and whole key), the selected line's key in a text field (to copy),
 * the banned keys, and Remove..., Reload, Close.  The registrations
 * take what height the dialog gains.
 */
static void
acct_build(struct server_ui *ui)
{
	struct acct_dialog *d = &ui->acct;
	Widget		 f, sel, sep, reload;

	f = d->w = xmu_form_dialog(ui->top, "accountsDialog");
	d->path = xmu_form_label(f, "accountsPathLabel", NULL);
	d->regs_title = xmu_form_label(f, "registrationsLabel", d->path);
	d->regs = xmu_form_list(f, "registrationList", d->regs_title,
	    acct_select_cb, ui);
	sel = xmu_form_label(f, "selectedLabel", XtParent(d->regs));
	d->key = XtVaCreateManagedWidget("selectedKey",
	    xmTextFieldWidgetClass, f, XmNeditable, False,
	    XmNcursorPositionVisible, False, XmNtopAttachment,
	    XmATTACH_WIDGET, XmNtopWidget, sel, XmNleftAttachment,
	    XmATTACH_FORM, XmNrightAttachment, XmATTACH_FORM, NULL);
	d->bans_title = xmu_form_label(f, "bansLabel", d->key);
	d->bans = xmu_form_list(f, "banList", d->bans_title, acct_select_cb,
	    ui);
	d->remove = xmu_form_button(f, "removeRegistration", NULL,
	    acct_remove_cb, ui);
	reload = xmu_form_button(f, "reloadAccounts", d->remove,
	    acct_reload_cb, ui);
	sep = xmu_form_close(f, "closeAccounts", reload);
	/* Bottom up: the banned keys and the key above them, then the
	   registrations stretch. */
	XtVaSetValues(XtParent(d->bans), XmNtopAttachment, XmATTACH_NONE,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, sep,
	    XmNbottomOffset, 6, NULL);
	XtVaSetValues(d->bans_title, XmNtopAttachment, XmATTACH_NONE,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget,
	    XtParent(d->bans), NULL);
	XtVaSetValues(d->key, XmNtopAttachment, XmATTACH_NONE,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget,
	    d->bans_title, XmNbottomOffset, 4, NULL);
	XtVaSetValues(sel, XmNtopAttachment, XmATTACH_NONE,
	    XmNbottomAttachment, XmATTACH_WIDGET, XmNbottomWidget, d->key,
	    NULL);
	XtVaSetValues(XtParent(d->regs), XmNbottomAttachment,
	    XmATTACH_WIDGET, XmNbottomWidget, sel, XmNbottomOffset, 4, NULL);
}

/* Clients > Accounts: the registry, as it is now. */
static void
server_accounts_cb(Widget w, XtPointer closure, XtPointer call)
{
	struct server_ui *ui = closure;

	(void)w;
	(void)call;
	if (ui->info.accounts == NULL)
		return;
	if (ui->acct.w == NULL)
		acct_build(ui);
	acct_fill(ui);
	XtManageChild(ui->acct.w);
}

void
server_accounts_changed(struct server_ui *ui)
{
	ui->acct.dirty = true;
	server_schedule_flush(ui);
}

/*
 * Refill the open dialog if the registry changed: told so, or its
 * counts differ from the lists' (SIGHUP read the file again).
 */
void
server_accounts_flush(struct server_ui *ui)
{
	struct acct_dialog *d = &ui->acct;
	struct accounts	*a = ui->info.accounts;

	if (d->w == NULL || a == NULL || !XtIsManaged(d->w))
		return;
	if (d->dirty || accounts_count(a) != d->nregs ||
	    accounts_nbans(a) != d->nbans)
		acct_fill(ui);
}

/* The Accounts dialog in the test dump: its labels, key, lists. */
static void
acct_dump(FILE *fp, struct server_ui *ui)
{
	static const char *widgets[] = {
		"*accountsDialog.accountsPathLabel",
		"*accountsDialog.registrationsLabel",
		"*accountsDialog.selectedLabel",
		"*accountsDialog.bansLabel",
		"*accountsDialog.removeRegistration",
		"*accountsDialog.reloadAccounts",
		"*accountsDialog.closeAccounts",
	};
	char		*p;
	size_t		 k;

	if (ui->acct.w == NULL || !XtIsManaged(ui->acct.w)) {
		fprintf(fp, "dialog *accountsDialog %s\n",
		    ui->acct.w == NULL ? "none" : "unmanaged");
		return;
	}
	fprintf(fp, "dialog *accountsDialog managed\n");
	for (k = 0; k < XtNumber(widgets); k++)
		xmu_dump_widget(fp, ui->top, widgets[k]);
	p = XmTextFieldGetString(ui->acct.key);
	fprintf(fp, "selectedkey %s\n", p != NULL ? p : "");
	XtFree(p);
	xmu_dump_list(fp, ui->acct.regs, "accounts", "account",
	    "accountpos");
	xmu_dump_list(fp, ui->acct.bans, "bans", "ban", "banpos");
}

/* ---- the test hook: SIGUSR1 dumps the window's state --------------------- */
void
server_dump_cb(void *arg)
{
	static const char *widgets[] = {
		"*menuBar.file", "*fileMenu.verify", "*fileMenu.serverKey",
		"*fileMenu.quit",
		"*menuBar.view", "*viewMenu.clear", "*viewMenu.pause",
		"*menuBar.clients", "*clientsMenu.kick", "*clientsMenu.ban",
		"*clientsMenu.kickBan", "*clientsMenu.bans",
		"*clientsPanel.kickBan",
		"*clientsMenu.accounts", "*menuBar.help",
		"*helpMenu.about", "*clientsPanel.clientsTitle",
		"*clientsPanel.clientsHeader", "*clientsPanel.kick",
		"*clientsPanel.ban",
		"*clientList", "*events", "*status",
	};
	static const char *dialogs[] = {
		"*serverKeyDialog",
		"*quitDialog", "*aboutDialog", "*verifyDialog", "*logDialog",
		"*banDialog", "*removeDialog", "*accountsErrorDialog",
		"*kickDialog", "*kickBanDialog", "*kickErrorDialog",
	};
	struct server_ui *ui = arg;
	XtWidgetGeometry want;
	Dimension	 width;
	char		*p;
	FILE		*fp;
	size_t		 k;

	if (ui->r.dump_file == NULL || ui->r.dump_file[0] == '\0')
		return;
	server_flush_cb(ui);
	if (evloop_defer_cancel(&ui->flush) &&
	    (ui->skip_msgs || ui->skip_other))
		server_schedule_flush(ui);
	xmu_dump_labels(ui->top, ui->r.dump_file);
	if ((fp = xmu_dump_open(ui->r.dump_file)) == NULL)
		return;
	xmu_dump_title(fp, ui->top);
	fprintf(fp, "paused %d\nheld %zu\n", logview_paused(ui->lv),
	    logview_held(ui->lv));
	xmu_dump_list(fp, ui->list, "clients", "client", "item");
	p = xmu_label_text(ui->status);
	for (k = 0; p[k] != '\0'; k++)
		if (p[k] == '\n')
			p[k] = '|';
	fprintf(fp, "status %s\n", p);
	XtFree(p);
	/* The width its text wants, and the width it has. */
	XtQueryGeometry(ui->status, NULL, &want);
	XtVaGetValues(ui->status, XmNwidth, &width, NULL);
	fprintf(fp, "statuswant %d\nstatuswidth %d\n", (int)want.width,
	    (int)width);
	for (k = 0; k < XtNumber(widgets); k++)
		xmu_dump_widget(fp, ui->top, widgets[k]);
	for (k = 0; k < XtNumber(dialogs); k++)
		xmu_dump_dialog(fp, ui->top, dialogs[k]);
	acct_dump(fp, ui);
	server_bans_dump(fp, ui);
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
	ui->kick_ban_item = xmu_add_item(pd, "kickBan", server_kick_ban_cb,
	    ui);
	ui->ban_item = xmu_add_item(pd, "ban", server_ban_cb, ui);
	XtVaCreateManagedWidget("separator", xmSeparatorGadgetClass, pd,
	    NULL);
	ui->accounts_item = xmu_add_item(pd, "accounts", server_accounts_cb,
	    ui);
	ui->bans_item = xmu_add_item(pd, "bans", server_bans_cb, ui);
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

	ui->quit_confirm = (struct confirm){ .ui = ui, .act = quit_act,
	    .w = xmu_message_dialog(top, "quitDialog", XmDIALOG_QUESTION,
	    true) };
	XtAddCallback(ui->quit_confirm.w, XmNokCallback, confirm_ok_cb,
	    &ui->quit_confirm);
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

void
server_ui_listen_text(Widget top, const char *addr, const char *port,
    int e, char *buf, size_t len)
{
	struct server_res_start r = { NULL, NULL };
	const char	*args[3] = { addr, port, strerror(e) };
	const char	*fmt;

	XtGetApplicationResources(top, &r, server_res_listen,
	    XtNumber(server_res_listen), NULL, 0);
	fmt = e == EADDRINUSE ? r.in_use : r.listen;
	template_expand(buf, len, fmt != NULL ? fmt : "%a %p: %e", "ape",
	    args);
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

